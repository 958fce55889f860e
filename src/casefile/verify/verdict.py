"""Verdicts: each claim of an article against its best source, decided by explicit checks.

    supported       the source says it (for a quote: these words, by this person)
    contradicted    the source says otherwise (a different amount, date, or the opposite)
    misattributed   the words are in the sources, but someone else wrote them
    misquoted       the quote's words are there, but a number, date, negation or key word differs
    not_in_sources  nothing in the case bears on it

Similarity alone never gives "supported": a claim needs a source close enough (search.quote's
score) and no check that differs. First cut (issue 6): on eval/verify (24 labelled claims in two
articles) macro-F1 0.765 and citation accuracy 0.857; the thresholds are still provisional.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from . import checks
from .claims import Claim

INVENTED_COVERAGE = 0.4
"""A quote of which fewer than 40 % of the words align with its best source is not in the
sources at all (an invented quote), rather than misattributed or misquoted."""
SUPPORT_SCORE = 0.62
"""A fact needs a source scoring at least this (search.quote's score: cosine plus aligned words)
to be supported; between the quote finder's MIN_SOURCE_SCORE and this it is not_in_sources: the
sources touch the subject without saying it. Provisional, from the sample case's two articles."""


@dataclass
class Verdict:
    claim: Claim
    label: str
    confidence: float
    checks: list[checks.Check] = field(default_factory=list)
    source: dict | None = None
    reason: str = ""

    def as_dict(self) -> dict:
        return {"claim": self.claim.as_dict(), "verdict": self.label, "confidence": round(self.confidence, 3),
                "reason": self.reason, "checks": [c.as_dict() for c in self.checks], "source": self.source}


def decide(claim: Claim, found: dict, min_score: float) -> Verdict:
    """The verdict for one claim, from the quote finder's answer for it (`found`)."""
    sources = found.get("sources") or []
    best = sources[0] if sources else None
    if best is None or best["score"] < min_score:
        return Verdict(claim, "not_in_sources", _confidence_absent(best, min_score), [], best,
                       "nothing in the case is close enough")
    span = best["span"]["text"]
    stated = claim.quote if claim.kind == "quote" else claim.text
    cs = [checks.amounts(stated, span + "\n" + best["passage"]["text"]),
          checks.dates_check(stated, span, best["document"].get("sent_at")),
          checks.negation(stated, _aligned_stretch(stated, best) or span)]
    differ = [c for c in cs if c.result == "differ"]
    conf = min(1.0, max(0.0, best["score"]))
    if claim.kind == "quote":
        exact = _norm(claim.quote or "") in _norm(best["passage"]["text"] + " " + span)
        from ..analyze.language import detect
        qlang, slang = detect(claim.quote)[0], best["document"].get("lang")
        translated = bool(qlang and slang and qlang != slang)
        coverage = _coverage(claim.quote or "", best, translated)
        best = dict(best, coverage=coverage)
        w = checks.words(coverage, exact, translated)
        sp = checks.speaker(claim.speaker, best["document"].get("from"))
        cs += [w, sp]
        if w.result == "differ" and best.get("coverage", 0.0) < INVENTED_COVERAGE:
            return Verdict(claim, "not_in_sources", 1.0 - conf * 0.5, cs, best,
                           "no source has these words: " + w.detail)
        if differ:
            return Verdict(claim, "misquoted", conf, cs, best, "; ".join(c.detail for c in differ))
        if sp.result == "differ":
            return Verdict(claim, "misattributed", conf, cs, best, sp.detail)
        if w.result == "differ" and not translated:
            return Verdict(claim, "misquoted", conf * 0.8, cs, best, w.detail)
        return Verdict(claim, "supported", conf, cs, best, "the source has these words" +
                       (" from this person" if sp.result == "agree" else ""))
    if differ:
        return Verdict(claim, "contradicted", conf, cs, best, "; ".join(c.detail for c in differ))
    if best["score"] < SUPPORT_SCORE:
        return Verdict(claim, "not_in_sources", 1.0 - conf, cs, best,
                       "the nearest source touches the subject but does not say it")
    return Verdict(claim, "supported", conf, cs, best, "the source says it, and no check differs")


STRONG_TRANSLATION = 0.7
"""Across languages a quote's word counts as found only when its aligned translation has a
cosine of at least 0.7 ("Firma"/"company" 0.89); weaker pairs ("bringen"/"rather") are the
nearest word, not a translation."""


def _coverage(quote: str, best: dict, translated: bool) -> float:
    """The share of a quote's content words the source has: as the same word, stem or number,
    and across languages also as a strong translation. Within one language a "translation"
    alignment (price ~ valuation) is a different word, and a quote is a claim about words."""
    from ..search.quote import content_words
    words = content_words(quote)
    if not words:
        return 0.0
    spans = [a["quote"] for a in best.get("alignment") or []
             if a["kind"] != "translation" or (translated and a["score"] >= STRONG_TRANSLATION)]
    return sum(1 for s, e, _ in words if any(a <= s and e <= b for a, b in spans)) / len(words)


_WORD = __import__("re").compile(r"\w+")


def _aligned_stretch(stated: str, best: dict) -> str:
    """The part of the source that corresponds to the claim: from the first to the last word
    aligned with it, widened by as many words as the claim has before its first and after its
    last aligned word ("I have | not | agreed" keeps the source's "not"). A shortened quote
    ("... controls the company,") is so checked against what it kept, not against the words it
    left out ("..., not us")."""
    al = best.get("alignment") or []
    if not al:
        return ""
    start = best["passage"]["start"]
    text = best["passage"]["text"]
    a = min(x["passage"][0] for x in al) - start
    b = max(x["passage"][1] for x in al) - start
    if not (0 <= a < b <= len(text)):
        return ""
    qa = min(x["quote"][0] for x in al)
    qb = max(x["quote"][1] for x in al)
    before, after = len(_WORD.findall(stated[:qa])), len(_WORD.findall(stated[qb:]))
    left = [m.start() for m in _WORD.finditer(text, 0, a)]
    right = [m.end() for m in _WORD.finditer(text, b)]
    if before and left:
        a = left[max(0, len(left) - before)]
    if after and right:
        b = right[min(len(right), after) - 1]
    return text[a:b]


def _confidence_absent(best: dict | None, min_score: float) -> float:
    if best is None:
        return 1.0
    return round(min(1.0, max(0.0, (min_score - best["score"]) / min_score + 0.5)), 3)


def _norm(s: str) -> str:
    import re
    return " ".join(re.findall(r"\w+", s.lower()))
