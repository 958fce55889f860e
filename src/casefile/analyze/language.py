"""Language of a text (py3langid, shipped inside its PyPI package; nothing is downloaded).

`detect` answers with a two-letter code, or None when the text is too short or the model is not
sure: a wrong language is worse than none, because search and verification choose stemmers and
checks by it.
"""
from __future__ import annotations

import re
from functools import lru_cache

MIN_LETTERS = 20
"""Fewer letters than this ("ok", "Danke!", a name) are not enough to tell a language."""

MIN_CONFIDENCE = 0.6
"""py3langid's normalised probability below which we say nothing. On our labelled texts
(eval/language.py) every German and English text of 20+ letters scored over 0.7, while short
or mixed ones ("Lena, no.", signatures) fell between 0.01 and 0.5."""

SAMPLE_CHARS = 300
"""The first 300 characters (quotes and links removed) decide. py3langid's time grows with the
text: 3,000 characters cost 570 us per message and cut the 100k-message Maildir ingest from 1,504
to 1,076 messages/s; 600 cost 207 us and 300 cost 111 us on the benchmark bodies, with the same
answers on all 54 texts of eval/language.py."""

FAST_LANGUAGES = {"en", "de"}
FAST_MIN_LETTERS = 200
FAST_MIN_PERCENT = 90
"""CLD2 (pycld2, C++, its tables inside the wheel) answers in ~25 us where py3langid takes
~190 us, a third of a message's parsing time. Its answer is taken when the sample has 200+
letters and CLD2 is sure (reliable, 90 %+ of the text) of English or German; everything else
goes to py3langid as before. Measured on 9,349 texts of the shared corpora (mailing lists, Enron,
news pages, exhibits, the sample case): of 3,298 such answers 3,257 equal py3langid's; the other
41 are kernel patches and config dumps that py3langid leaves without a language and CLD2 calls
English. eval/language.py scores the same with and without it."""
_CLD2_UNSAFE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")

_NON_LETTERS = re.compile(r"[\W\d_]+", re.UNICODE)
_QUOTED = re.compile(r"(?m)^\s*>.*$")
_URL = re.compile(r"\b(?:https?://|www\.)\S+|\S+@\S+")


@lru_cache(maxsize=1)
def _identifier():
    import py3langid.langid as langid
    return langid.LanguageIdentifier.from_model_file(langid.MODEL_FILE, norm_probs=True)


def load_model() -> None:
    """Load the model now: called before the ingest workers fork, so that they share its ~75 MB
    instead of each loading a copy."""
    _identifier()


def unload_model() -> None:
    """Let the model go (the next `detect` loads it again): the ingest's main process calls this
    as soon as its workers are forked (they keep their copy), so that neither it during the
    parsing nor the index update and the analysis after carry its ~75 MB."""
    _identifier.cache_clear()


def detect(text: str | None) -> tuple[str | None, float]:
    """(language code or None, confidence)."""
    if not text:
        return None, 0.0
    sample = text[:SAMPLE_CHARS * 2]
    if ">" in sample:
        sample = _QUOTED.sub(" ", sample)
    if "@" in sample or "http" in sample or "www." in sample:
        sample = _URL.sub(" ", sample)
    sample = sample[:SAMPLE_CHARS]
    letters = count_letters(sample)
    if letters < MIN_LETTERS:
        return None, 0.0
    if letters >= FAST_MIN_LETTERS:
        fast = _fast(sample)
        if fast is not None:
            return fast
    lang, prob = _identifier().classify(sample)
    prob = float(prob)
    return (lang, prob) if prob >= MIN_CONFIDENCE else (None, prob)


_ASCII_NON_LETTERS = bytes(b for b in range(128) if not chr(b).isalpha())


def count_letters(text: str) -> int:
    """How many letters `text` has (what `[\\W\\d_]` leaves): for ASCII text by deleting the
    other bytes in C (~1 us for 300 characters instead of ~14 us for the regular expression)."""
    if text.isascii():
        return len(text.encode("ascii").translate(None, _ASCII_NON_LETTERS))
    return len(_NON_LETTERS.sub("", text))


def _fast(sample: str) -> tuple[str, float] | None:
    try:
        import pycld2
        reliable, _, found = pycld2.detect(_CLD2_UNSAFE.sub(" ", sample))
    except Exception:  # noqa: BLE001 - CLD2 refuses some inputs (and may be missing): py3langid decides
        return None
    _, code, percent, _ = found[0]
    if reliable and percent >= FAST_MIN_PERCENT and code in FAST_LANGUAGES:
        return code, percent / 100
    return None


MIN_PASSAGE_LETTERS = 60
"""A paragraph needs 60 letters (a sentence or two) before its own language is asked: shorter
ones ("Best regards, Jana") are attributed to their neighbours."""
MAX_PASSAGES = 12
PASSAGE_SAMPLE = 200
"""Only the first 12 paragraphs, and 200 characters of each, are looked at (about 70 us per
paragraph): a mixed-language message shows it early, and a paragraph's language in its first
sentence."""
_PARAGRAPH = re.compile(r"\n[ \t]*\n+")


def passages(text: str | None) -> list[dict]:
    """The language of each paragraph of a mixed-language text: [{"start", "end", "lang"}], with
    neighbouring paragraphs of one language merged. Empty when the text has fewer than two
    paragraphs long enough to tell, or when they all agree (then the document's `lang` says it)."""
    if not text or "\n" not in text:
        return []
    spans, pos = [], 0
    for m in _PARAGRAPH.finditer(text):
        spans.append((pos, m.start()))
        pos = m.end()
    spans.append((pos, len(text)))
    spans = [(a, b) for a, b in spans if b > a][:MAX_PASSAGES]
    found = []
    for a, b in spans:
        chunk = text[a:b]
        if count_letters(chunk[:SAMPLE_CHARS]) < MIN_PASSAGE_LETTERS or chunk.lstrip().startswith(">"):
            continue
        lang = detect(chunk[:PASSAGE_SAMPLE])[0]
        if lang:
            found.append({"start": a, "end": b, "lang": lang})
    if len({f["lang"] for f in found}) < 2:
        return []
    merged = [dict(found[0])]
    for f in found[1:]:
        if f["lang"] == merged[-1]["lang"]:
            merged[-1]["end"] = f["end"]
        else:
            merged.append(dict(f))
    return merged
