"""Language data: one module per language (en, de), tables only, no logic beyond joining them.

Every word list the judgement side uses (negation, reporting verbs, cues of an act, judging
words, number words, weekdays, conditions, lines that are not claims) lives here, so that a new
language is one new module and no rule carries the wording of a particular case. A test
(tests/test_lexicon.py) fails when a distinctive word of the bundled sample case appears in
`src/` outside the sample and the demo.
"""
from __future__ import annotations

import re
from functools import lru_cache

from . import de, en

LANGUAGES = {"en": en, "de": de}


def words(name: str, langs=None) -> tuple[str, ...]:
    """The union of table `name` over the languages (all by default), in order, without repeats."""
    out: dict[str, None] = {}
    for code, mod in LANGUAGES.items():
        if langs and code not in langs:
            continue
        for w in getattr(mod, name, ()):
            out[w] = None
    return tuple(out)


def mapping(name: str) -> dict:
    """The union of dict table `name` over the languages."""
    out: dict = {}
    for mod in LANGUAGES.values():
        out.update(getattr(mod, name, {}))
    return out


@lru_cache(maxsize=None)
def pattern(name: str, literal: bool = True, bounded: bool = True) -> re.Pattern:
    """A case-insensitive regex matching any entry of table `name` (entries are literal words or
    phrases unless `literal` is False, when they are regex fragments), longest first."""
    items = words(name)
    alts = sorted((re.escape(w) if literal else w for w in items), key=len, reverse=True)
    body = "|".join(alts) or r"(?!x)x"
    return re.compile(rf"\b(?:{body})\b" if bounded else f"(?:{body})", re.I)


@lru_cache(maxsize=None)
def cues() -> dict[str, tuple[float, re.Pattern]]:
    """The cues of each act (en.ACT_CUES and de.ACT_CUES joined) with the act's weight (en.ACT_WEIGHTS)."""
    out = {}
    for act, weight in en.ACT_WEIGHTS.items():
        frags = [f for mod in LANGUAGES.values() for f in getattr(mod, "ACT_CUES", {}).get(act, ())]
        out[act] = (weight, re.compile(r"\b(?:" + "|".join(frags) + r")", re.I))
    return out
