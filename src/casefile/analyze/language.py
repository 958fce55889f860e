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
or mixed ones ("Anna, no.", signatures) fell between 0.01 and 0.5."""

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
    _automaton()


def unload_model() -> None:
    """Let the model go (the next `detect` loads it again): the ingest's main process calls this
    as soon as its workers are forked (they keep their copy), so that neither it during the
    parsing nor the index update and the analysis after carry its ~75 MB."""
    _automaton.cache_clear()
    _identifier.cache_clear()


def detect(text: str | None) -> tuple[str | None, float]:
    """(language code or None, confidence)."""
    return detect_many([text])[0]


def detect_many(texts: list[str | None]) -> list[tuple[str | None, float]]:
    """`detect` for many texts at once, with the same answers: the texts that CLD2 does not
    settle go to py3langid together (see `_classify_many`)."""
    out: list[tuple[str | None, float]] = [(None, 0.0)] * len(texts)
    todo, samples = [], []
    for i, text in enumerate(texts):
        if not text:
            continue
        sample = text[:SAMPLE_CHARS * 2]
        if ">" in sample:
            sample = _QUOTED.sub(" ", sample)
        if "@" in sample or "http" in sample or "www." in sample:
            sample = _URL.sub(" ", sample)
        sample = sample[:SAMPLE_CHARS]
        letters = count_letters(sample)
        if letters < MIN_LETTERS:
            continue
        if letters >= FAST_MIN_LETTERS:
            fast = _fast(sample)
            if fast is not None:
                out[i] = fast
                continue
        todo.append(i)
        samples.append(sample)
    for i, (lang, prob) in zip(todo, _classify_many(samples)):
        prob = float(prob)
        out[i] = (lang, prob) if prob >= MIN_CONFIDENCE else (None, prob)
    return out


VECTOR_MIN = 16
VECTOR_MAX = 512
"""From 16 samples on, py3langid's byte automaton walks all of them at once (`_classify_many`),
512 at a time: the walk holds ~13 bytes per sample and byte (a sample is at most ~1,200 bytes),
~8 MB for 512, whatever the number of documents in a batch (a chat export has thousands)."""


def _classify_many(samples: list[str]) -> list[tuple[str, float]]:
    """py3langid's `classify` of each sample, computed as it computes it, except that the walk of
    its byte automaton (one Python step per byte, ~60 of its ~120 us a sample) takes one numpy
    step per byte position for all the samples together. The feature counts reach its own
    scoring in the order its Counter has them, so the scores are the same to the bit (a test
    compares every answer with `classify` on the corpora). Measured on 3,000 benchmark samples:
    175 -> 132 us a sample."""
    ident = _identifier()
    if len(samples) < VECTOR_MIN:
        return [ident.classify(s) for s in samples]
    if len(samples) > VECTOR_MAX:
        return [r for i in range(0, len(samples), VECTOR_MAX) for r in _classify_many(samples[i:i + VECTOR_MAX])]
    import numpy as np
    nextmove, rowbase, output = _automaton()
    encoded = [ident._encode(s) for s in samples]
    n = len(encoded)
    lengths = [len(e) for e in encoded]
    width = max(lengths)
    grid = np.zeros((n, width), np.uint8)
    for k, e in enumerate(encoded):
        grid[k, :len(e)] = np.frombuffer(e, np.uint8)
    columns = np.ascontiguousarray(grid.T, dtype=np.int64)
    found = np.empty((width, n), np.int32)
    state = np.zeros(n, np.int64)
    for i in range(width):
        state = nextmove[rowbase[state] + columns[i]]
        found[i] = output[state]
    out = []
    for k in range(n):
        f = found[:lengths[k], k]
        f = f[f >= 0]
        if f.size:
            keys, first, counts = np.unique(f, return_index=True, return_counts=True)
            order = np.argsort(first, kind="stable")            # first-seen order, as Counter keeps it
            scores = ident._sparse_score(dict(zip(keys[order].tolist(), counts[order].tolist())), ident.nb_ptc)
        else:
            scores = np.full(len(ident.nb_classes), 0.0 if ident._norm_probs else _raw_floor(), dtype=np.float32)
        out.append(_decided(ident, scores, lengths[k]))
    return out


def _decided(ident, scores, nbytes: int) -> tuple[str, float]:
    """The rest of py3langid 0.4.0's `_decide` and `classify` for raw scores of a text of
    `nbytes` encoded bytes."""
    import math

    import numpy as np
    if ident._norm_probs:
        scores *= 1.0 / math.sqrt(nbytes or 1)
        np.exp(scores - scores.max(), out=scores)
        scores /= scores.sum()
    for i, j in ident._alias_pairs:
        if ident._norm_probs:
            scores[i] += scores[j]
            scores[j] = 0.0
        else:
            scores[i] = max(scores[i], scores[j])
            scores[j] = _raw_floor()
    i = int(scores.argmax())
    conf = float(scores[i])
    if ident.min_confidence is not None and conf < ident.min_confidence:
        return "und", conf
    return ident.nb_classes[i], conf


def _raw_floor() -> float:
    from py3langid.langid import RAW_FLOOR
    return RAW_FLOOR


@lru_cache(maxsize=1)
def _automaton():
    """py3langid's byte automaton as numpy arrays: next state, row offsets, feature per state."""
    import numpy as np
    ident = _identifier()
    nextmove = np.frombuffer(ident.tk_nextmove, dtype=np.dtype(f"u{ident.tk_nextmove.itemsize}"))
    return nextmove, np.asarray(ident._rowbase, np.int64), np.asarray(ident.tk_output, np.int32)


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
    return passages_many([text])[0]


def passages_many(texts: list[str | None]) -> list[list[dict]]:
    """`passages` for many texts, their paragraphs detected together (`detect_many`)."""
    spans_of: list[list[tuple[int, int]]] = []
    chunks: list[str] = []
    for text in texts:
        mine: list[tuple[int, int]] = []
        spans_of.append(mine)
        if not text or "\n" not in text:
            continue
        spans, pos = [], 0
        for m in _PARAGRAPH.finditer(text):
            spans.append((pos, m.start()))
            pos = m.end()
        spans.append((pos, len(text)))
        for a, b in [(a, b) for a, b in spans if b > a][:MAX_PASSAGES]:
            chunk = text[a:b]
            if count_letters(chunk[:SAMPLE_CHARS]) < MIN_PASSAGE_LETTERS or chunk.lstrip().startswith(">"):
                continue
            mine.append((a, b))
            chunks.append(chunk[:PASSAGE_SAMPLE])
    langs = iter(detect_many(chunks))
    out = []
    for spans in spans_of:
        found = []
        for a, b in spans:
            lang = next(langs)[0]
            if lang:
                found.append({"start": a, "end": b, "lang": lang})
        if len({f["lang"] for f in found}) < 2:
            out.append([])
            continue
        merged = [dict(found[0])]
        for f in found[1:]:
            if f["lang"] == merged[-1]["lang"]:
                merged[-1]["end"] = f["end"]
            else:
                merged.append(dict(f))
        out.append(merged)
    return out
