"""Language data lives in casefile.lexicon, and no rule carries the wording of our sample case.

The sample case (src/casefile/sample) is fiction we wrote; rules tuned to its people, firms and
phrases score well on it and nowhere else. Its distinctive words are gathered from the sample
itself (every name and address in its headers) plus the phrases earlier rules were found to
carry; none may appear in src/ outside the sample package.
"""
from __future__ import annotations

import re
from email import message_from_bytes, policy
from email.utils import getaddresses
from pathlib import Path

import casefile
from casefile import lexicon
from casefile.sample import sample_dir

SRC = Path(casefile.__file__).parent
SAMPLE_PHRASES = ("nicht erpressen", "an insult", "i am out", "bin ich raus", "fund up to", "license from",
                  "licence from", "lizenz von", "technikchef", "kein term sheet", "without a seat",
                  "ohne sitz", "board seat", "vorstandssitz", "harbour", "hafen")
"""Phrases the sample's messages use that rules once matched (issue 26), and its setting."""
GENERIC = {"team", "info", "mail", "robotics", "ventures", "legal", "kanzlei", "posteo", "the", "dr", "me", "vc",
           "de", "com"}
"""Header words that are general language, not the sample's."""


def sample_words() -> set[str]:
    """Every name and address part in the sample case's message headers (people, firms, domains)."""
    out: set[str] = set()
    for p in sample_dir().rglob("*"):
        if p.suffix not in (".eml", ".mbox"):
            continue
        raw = p.read_bytes()
        for chunk in re.split(rb"\n(?=From )", raw):
            msg = message_from_bytes(chunk.split(b"\n", 1)[1] if chunk.startswith(b"From ") else chunk,
                                     policy=policy.compat32)
            for field in ("from", "to", "cc"):
                for name, addr in getaddresses(msg.get_all(field, [])):
                    for w in re.findall(r"[^\W\d_]{3,}", f"{name} {addr}".lower()):
                        out.add(w)
    return out - GENERIC


def _src_files():
    for p in SRC.rglob("*.py"):
        if "sample" in p.relative_to(SRC).parts:
            continue
        yield p


def test_the_sample_words_are_found():
    words = sample_words()
    assert {"okafor", "nordhafen", "halvard"} <= words     # the test looks where the names are
    assert "the" not in words


def test_no_sample_wording_in_src():
    words = sample_words()
    rx = re.compile(r"\b(?:" + "|".join(sorted(map(re.escape, words | set(SAMPLE_PHRASES)), key=len, reverse=True))
                    + r")\b", re.I)
    found = []
    for p in _src_files():
        for n, line in enumerate(p.read_text().splitlines(), 1):
            for m in rx.finditer(line):
                found.append(f"{p.relative_to(SRC)}:{n}: {m.group(0)}")
    assert not found, "sample wording in src/:\n" + "\n".join(found[:60])


def test_lexicon_tables_join_languages():
    neg = lexicon.pattern("NEGATORS")
    assert neg.findall("I will not agree; ich werde nicht zustimmen; kein Vertrag") == ["not", "nicht", "kein"]
    assert not neg.search("Saying nothing is reputational suicide")      # a negative pronoun names a thing
    assert not neg.search("Nichts zu sagen wäre Selbstmord für den Ruf")
    assert lexicon.mapping("NUMBER_WORDS")["vier"] == 4
    assert set(lexicon.cues()) >= {"offer", "refusal", "ultimatum", "resignation", "legal", "publication"}


def test_cues_recognise_acts_in_cases_we_did_not_write():
    from casefile.timeline.events import classify
    assert classify("We will not agree to this standalone search term.")[0] == "refusal"
    assert classify("Wir lehnen den Vorschlag ab.")[0] == "refusal"
    assert classify("I hereby resign as a director of the company, effective immediately.")[0] == "resignation"
    assert classify("Plaintiff filed a motion to compel on Friday.")[0] == "legal"
    assert classify("Ich schlage vor, dass wir uns die Kosten teilen.")[0] == "offer"
