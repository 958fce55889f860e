"""Find the source of a quote: a sentence from an article, perhaps translated, shortened,
reordered, with names replaced by pronouns; answer with the source passages that say it, a
word-by-word alignment between quote and passage, and "nothing close enough" when that is so.

Candidates come from both rankings: the passages nearest the quote's vector, and the passages of
the documents that share most of its words (names and numbers survive translation). Each is then
scored by `source_score`: the best cosine between the quote and the passage or any run of one to
three of its sentences (a shortened quote matches its sentence better than the whole passage),
plus a bonus for the quote's content words found in it.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

import numpy as np

from . import embeddings
from .fulltext import _stems
from .passages import sentences
from .semantic import Filters

CANDIDATES = 40
"""Distinct passage texts taken from the vector ranking for re-scoring."""
CANDIDATE_POOL = 240
"""Passages fetched to find CANDIDATES distinct texts: boilerplate ("Please find attached the
minutes") repeats across hundreds of messages and would otherwise fill the whole candidate list
(on the generated 10k case, 3 of 12 needles were crowded out that way)."""
TEXT_CANDIDATE_DOCS = 15
MAX_WINDOW_SENTENCES = 3
LEX_WEIGHT = 0.25
"""Weight of the share of the quote's content words found in the passage (by stem, so also
"Vorstandssitz" for "Vorstandssitze"; across languages only names and numbers count). Chosen on
eval/retrieval: 0 lost recall@1 on quotes whose sentence has a near-twin in another message;
above 0.35 the English word "board" began to outweigh the meaning for German quotes."""
MIN_SOURCE_SCORE = 0.50
"""Below this best score the answer is "nothing in the case is close enough". On
eval/retrieval every quote of a case passage scored >= 0.55 and every quote about things not in
the case (same people and topics, other facts) scored < 0.47."""
WORD_ALIGN_MIN = 0.6
"""Two words of different languages are aligned when their vectors' cosine is at least 0.6 and
each is the other's best match ("seat"/"Sitz" 0.87, "Friday"/"Freitag" 0.90, "board"/"Beirat"
0.48 is rightly left out)."""
MAX_QUOTE_CHARS = 2_000

_WORD = re.compile(r"\w+", re.U)
STOPWORDS = frozenset("""
a an the and or but if then than that this these those there here to of in on at by for with from as
is are was were be been being am do does did have has had will would shall should can could may might
must not no nor so too very it its it's he she they we you i me him her them us my your his our their
what which who whom whose when where why how all any both each few more most other some such only own
same just also again about into over under up down out off above below before after until while
yet still even ever one s t re ve ll d
der die das den dem des ein eine einen einem einer eines und oder aber wenn dann als dass daß ist sind
war waren sein bin bist seid wird werden wurde wurden worden hat haben hatte hatten habe hast kann
können konnte muss müssen soll sollen will wollen würde würden nicht kein keine keinen auch noch schon
nur so wie was wer wo warum mit von zu zum zur im in an am auf aus bei für über unter vor nach bis durch
gegen ohne um es er sie wir ihr ich du mich dich mir dir ihn ihm uns euch sich man mein dein sein ihr
unser euer diese dieser dieses diesen jener hier dort da denn doch ja nein sehr mehr
""".split())


def content_words(text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group(0)) for m in _WORD.finditer(text)
            if m.group(0).lower() not in STOPWORDS and (len(m.group(0)) > 1 or m.group(0).isdigit())]


def lexical_overlap(quote_words: list[str], passage_text: str) -> float:
    """The share of the quote's content words whose stems occur in the passage."""
    if not quote_words:
        return 0.0
    have = set()
    for _, _, w in content_words(passage_text):
        have |= _stems(w)
    return sum(1 for w in quote_words if _stems(w) & have) / len(quote_words)


def source_score(cosine: float, lexical: float) -> float:
    """How well a passage sources a quote: its best cosine plus LEX_WEIGHT x the shared words."""
    return cosine + LEX_WEIGHT * lexical


@dataclass
class Candidate:
    passage_id: int
    doc_id: str
    start: int
    end: int
    page: int | None
    bates: str | None
    cosine: float = -1.0
    span: tuple[int, int] | None = None
    lexical: float = 0.0
    score: float = 0.0
    windows: list = field(default_factory=list)


def _windows(text: str) -> list[tuple[int, int]]:
    """Runs of one to MAX_WINDOW_SENTENCES consecutive sentences (offsets into text)."""
    ss = sentences(text)
    out = []
    for i in range(len(ss)):
        for n in range(1, MAX_WINDOW_SENTENCES + 1):
            if i + n <= len(ss):
                out.append((ss[i][0], ss[i + n - 1][1]))
    return out


def find(case, quote: str, limit: int = 5, include_articles: bool = False, sender=None, recipient=None,
         after=None, before=None, source=None) -> dict:
    db = case.db
    quote = " ".join(quote.split())[:MAX_QUOTE_CHARS]
    model = embeddings.get(embeddings.case_model(db))
    filters = Filters(sender, recipient, after, before, source,
                      exclude_kinds=None if include_articles else ("article",))
    qv = model.encode([quote], query=True)[0]
    cands: dict[int, Candidate] = {}
    pool = case.semantic.passages(db, qv, CANDIDATE_POOL, filters)
    texts = _doc_texts(db, {h.doc_id for h in pool})
    seen_text: set[str] = set()
    for h in pool:
        key = " ".join(texts.get(h.doc_id, "")[h.start:h.end].split()).lower()
        if key in seen_text:
            continue
        seen_text.add(key)
        cands[h.passage_id] = Candidate(h.passage_id, h.doc_id, h.start, h.end, h.page, h.bates, cosine=h.score)
        if len(cands) >= CANDIDATES:
            break
    _add_text_candidates(case, quote, filters, cands)
    texts.update(_doc_texts(db, {c.doc_id for c in cands.values()} - texts.keys()))
    qwords = [w for _, _, w in content_words(quote)]
    batch, owners = [], []
    for c in cands.values():
        ptext = texts.get(c.doc_id, "")[c.start:c.end]
        c.lexical = lexical_overlap(qwords, ptext)
        if c.cosine < -0.5:
            batch.append(" ".join(ptext.split()))
            owners.append((c, None))
        for a, b in _windows(ptext):
            if (a, b) != (0, len(ptext)):
                batch.append(" ".join(ptext[a:b].split()))
                owners.append((c, (c.start + a, c.start + b)))
    if batch:
        sims = model.encode(batch) @ qv
        for (c, span), s in zip(owners, sims):
            if float(s) > c.cosine:
                c.cosine = float(s)
                c.span = span
    for c in cands.values():
        c.score = source_score(c.cosine, c.lexical)
    ranked = _collapse(db, sorted(cands.values(), key=lambda c: (-c.score, c.passage_id)))
    top = ranked[:limit]
    found = bool(top) and top[0].score >= MIN_SOURCE_SCORE
    out = {"quote": quote, "found": found, "model": model.name, "threshold": MIN_SOURCE_SCORE,
           "message": None if found else "Nothing in the case is close enough to this quote.",
           "sources": [_describe(case, c, quote, texts.get(c.doc_id, ""), model, rank)
                       for rank, c in enumerate(top, 1)]}
    return out


def _add_text_candidates(case, quote, filters, cands) -> None:
    """The passages of the documents sharing most of the quote's words."""
    db = case.db
    try:
        hits, _, _ = case.index.search(quote.replace('"', " "), db, sender=filters.raw["sender"],
                                       recipient=filters.raw["recipient"], source=filters.raw["source"],
                                       limit=TEXT_CANDIDATE_DOCS, any_words=True, ids_only=True)
    except Exception:  # noqa: BLE001 - a quote with no searchable words has no text candidates
        return
    ids = [d for d, _ in hits]
    if not ids:
        return
    marks = ",".join("?" * len(ids))
    rows = db.execute('SELECT p.id, p.doc_id, p.start, p."end", p.page, p.bates, d.kind, d.sent_at FROM passages p'
                      f" JOIN documents d ON d.id = p.doc_id WHERE p.doc_id IN ({marks}) AND p.searchable = 1", ids)
    from .fulltext import _epoch
    for r in rows:
        if r[0] in cands or r[6] in filters.exclude_kinds:
            continue
        if filters.lo is not None or filters.hi is not None:
            t = _epoch(r[7])
            if t is None or (filters.lo is not None and t < filters.lo) or (filters.hi is not None and t > filters.hi):
                continue
        cands[r[0]] = Candidate(r[0], r[1], r[2], r[3], r[4], r[5])


def _doc_texts(db, ids) -> dict[str, str]:
    ids = list(ids)
    out = {}
    for a in range(0, len(ids), 500):
        chunk = ids[a:a + 500]
        out.update(db.execute(f"SELECT id, text FROM documents WHERE id IN ({','.join('?' * len(chunk))})", chunk))
    return {k: v or "" for k, v in out.items()}


def _collapse(db, ranked: list[Candidate]) -> list[Candidate]:
    """One candidate per message: copies of a message count once."""
    ids = list({c.doc_id for c in ranked})
    group = {}
    for a in range(0, len(ids), 500):
        chunk = ids[a:a + 500]
        group.update(db.execute(f"SELECT doc_id, group_id FROM duplicates WHERE doc_id IN ({','.join('?' * len(chunk))})",
                                chunk))
    seen, out = set(), []
    for c in ranked:
        g = group.get(c.doc_id, c.doc_id)
        if g not in seen:
            seen.add(g)
            out.append(c)
    return out


def _describe(case, c: Candidate, quote: str, text: str, model, rank: int) -> dict:
    d = case.document(c.doc_id)
    cit = dict(d["citation"])
    if c.page is not None:
        cit["pages"] = [c.page, c.page]
    if c.bates:
        cit["bates"] = [c.bates]
    ptext = text[c.start:c.end]
    span = c.span or (c.start, c.end)
    return {
        "rank": rank, "score": round(c.score, 4), "cosine": round(c.cosine, 4), "lexical": round(c.lexical, 4),
        "close_enough": c.score >= MIN_SOURCE_SCORE,
        "document": {"id": d["id"], "kind": d["kind"], "subject": d["subject"] or d["title"], "from": d["from"],
                     "person": d["people"]["from"], "sent_at": d["sent_at"], "lang": d["lang"]},
        "passage": {"id": c.passage_id, "start": c.start, "end": c.end, "text": ptext, "page": c.page,
                    "bates": c.bates},
        "span": {"start": span[0], "end": span[1], "text": text[span[0]:span[1]]},
        "citation": cit,
        **align(quote, ptext, c.start, model),
    }


# ------------------------------------------------------------------ alignment
def align(quote: str, passage: str, offset: int = 0, model=None) -> dict:
    """Word and phrase alignment between a quote and a passage: the same word or stem, the same
    number, and (with a model) a translation, each quote word used once. Returns
    {"alignment": [{"quote": [s, e], "passage": [s, e], "quote_text", "passage_text", "kind",
    "score"}], "coverage": share of the quote's content words aligned}; passage offsets are
    document offsets (passage start + `offset`)."""
    qw = content_words(quote)
    pw = content_words(passage)
    pairs: dict[int, tuple[int, str, float]] = {}          # quote word -> (passage word, kind, score)
    used: set[int] = set()
    pstems = [_stems(w) for _, _, w in pw]
    for i, (_, _, w) in enumerate(qw):
        best = None
        for j, (_, _, v) in enumerate(pw):
            if j in used:
                continue
            if w.isdigit() or v.isdigit():
                kind = "number" if w == v else None
            elif w.lower() == v.lower():
                kind = "same"
            elif _stems(w) & pstems[j]:
                kind = "stem"
            else:
                kind = None
            if kind:
                d = abs(j / max(len(pw), 1) - i / max(len(qw), 1))
                if best is None or d < best[0]:
                    best = (d, j, kind)
        if best is not None:
            pairs[i] = (best[1], best[2], 1.0)
            used.add(best[1])
    if model is not None:
        qi = [i for i in range(len(qw)) if i not in pairs and not qw[i][2].isdigit()]
        pj = [j for j in range(len(pw)) if j not in used and not pw[j][2].isdigit()]
        if qi and pj:
            vecs = model.encode([qw[i][2] for i in qi] + [pw[j][2] for j in pj])
            sim = vecs[:len(qi)] @ vecs[len(qi):].T
            for a, i in enumerate(qi):
                b = int(np.argmax(sim[a]))
                if sim[a, b] >= WORD_ALIGN_MIN and int(np.argmax(sim[:, b])) == a:
                    pairs[i] = (pj[b], "translation", float(sim[a, b]))
    phrases = []
    for i in sorted(pairs):
        j, kind, score = pairs[i]
        last = phrases[-1] if phrases else None
        if (last is not None and last["_qi"] == i - 1 and 0 < j - last["_pj"] <= 2
                and (kind == "translation") == (last["kind"] == "translation")):
            last["quote"][1] = qw[i][1]
            last["passage"][1] = pw[j][1] + offset
            last["_qi"], last["_pj"] = i, j
            last["score"] = min(last["score"], score)
            if kind != last["kind"] and kind != "translation":
                last["kind"] = "stem" if "stem" in (kind, last["kind"]) else last["kind"]
            continue
        phrases.append({"quote": [qw[i][0], qw[i][1]], "passage": [pw[j][0] + offset, pw[j][1] + offset],
                        "kind": kind, "score": score, "_qi": i, "_pj": j})
    for p in phrases:
        p.pop("_qi")
        p.pop("_pj")
        p["quote_text"] = quote[p["quote"][0]:p["quote"][1]]
        p["passage_text"] = passage[p["passage"][0] - offset:p["passage"][1] - offset]
        p["score"] = round(p["score"], 3)
    return {"alignment": phrases, "coverage": round(len(pairs) / len(qw), 3) if qw else 0.0}


def to_json(result: dict) -> str:
    return json.dumps(result, ensure_ascii=False, indent=2)
