"""Semantic and hybrid search: passages ranked by the meaning of the query (any language the
model knows), and the fusion of that ranking with full-text search.

Filters are the full-text ones (sender, recipient, date range, source) with the same meaning: a
filter value matches when its words appear in that order in the field, as tantivy's phrase query
does. Dates are filtered inside the vector search; the other filters are checked on an
over-fetched candidate list, and when that leaves too few the allowed documents are asked of the
full-text index and searched exactly.
"""
from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np

from ..errors import UserError
from . import embeddings
from .fulltext import Hit, hit_citation, hit_rows, make_snippet, parse_day, tokens
from .vectors import NO_DATE, VectorIndex

OVERFETCH = 8
"""Candidates fetched per result wanted when a sender/recipient/source filter must be checked
afterwards; with fewer survivors the exact filtered search runs."""
RRF_K = 60
"""Reciprocal rank fusion constant (Cormack et al. 2009): score = sum of 1/(60 + rank). On
eval/retrieval 60 and 20 gave the same recall@5; 60 is the published default."""
ALLOWED_CACHE = 32
"""Filters whose allowed rows are kept (a boolean per row: 231 KB each at 100k messages)."""
PER_VECTOR = 10
"""Passages listed per distinct vector: ten copies of a boilerplate sentence are enough to show
that it is boilerplate."""
TEXT_DEPTH = 100
SEMANTIC_DEPTH = 100
"""Each ranking contributes its first 100 documents to the fusion."""


@dataclass(slots=True)
class PassageHit:
    passage_id: int
    doc_id: str
    start: int
    end: int
    page: int | None
    bates: str | None
    score: float
    row: int = -1


def phrase_in(value_tokens: list[str], field: str) -> bool:
    """Whether the tokens of a filter value occur, in order and adjacent, among the field's."""
    ft = tokens(field or "")
    n = len(value_tokens)
    return any(ft[i:i + n] == value_tokens for i in range(len(ft) - n + 1))


def _recipients(row) -> str:
    out = []
    for col in ("to_json", "cc_json", "bcc_json"):
        for p in json.loads(row[col] or "[]"):
            out.append(" ".join(x for x in (p.get("name"), p.get("addr")) if x))
    return " ; ".join(out)


class Filters:
    """The full-text filters, checked on documents outside tantivy."""

    def __init__(self, sender=None, recipient=None, after=None, before=None, source=None, kinds=None,
                 exclude_kinds=None):
        self.values = {}
        for name, value in (("sender", sender), ("recipient", recipient), ("source", source)):
            if value:           # one value, or several alternatives (a person's every name and address)
                alternatives = [t for t in (tokens(v) for v in ([value] if isinstance(value, str) else value)) if t]
                if not alternatives:
                    raise UserError(f"The {name} filter '{value}' has no letters or digits to match.")
                self.values[name] = tuple(tuple(t) for t in alternatives)
        self.lo = parse_day(after) if after else None
        self.hi = parse_day(before, end=True) if before else None
        if self.lo is not None and self.hi is not None and self.lo > self.hi:
            raise UserError("The --after date is later than the --before date.")
        self.kinds = set(kinds) if kinds else None
        self.exclude_kinds = set(exclude_kinds or ())
        self.raw = dict(sender=sender, recipient=recipient, source=source)

    @property
    def key(self) -> tuple:
        """What the field and kind filters ask for (the date range is applied separately)."""
        return (tuple(sorted((k, tuple(v)) for k, v in self.values.items())),
                tuple(sorted(self.kinds)) if self.kinds is not None else None, tuple(sorted(self.exclude_kinds)))

    @property
    def on_fields(self) -> bool:
        return bool(self.values) or self.kinds is not None or bool(self.exclude_kinds)

    def date_mask(self, rows: np.ndarray) -> np.ndarray | None:
        if self.lo is None and self.hi is None:
            return None
        sent = rows["sent"]
        mask = sent != NO_DATE
        if self.lo is not None:
            mask &= sent >= self.lo
        if self.hi is not None:
            mask &= sent <= self.hi
        return mask

    def accepts(self, row) -> bool:
        if self.kinds is not None and row["kind"] not in self.kinds:
            return False
        if row["kind"] in self.exclude_kinds:
            return False
        for k, v in self.values.items():
            field = (" ".join(x for x in (row["from_name"], row["from_addr"]) if x) if k == "sender"
                     else _recipients(row) if k == "recipient" else row["path"] or "")
            if not any(phrase_in(list(alt), field) for alt in v):
                return False
        return True


_DOC_ROWS = ("SELECT d.rowid AS rid, d.id, d.kind, d.subject, d.title, d.from_name, d.from_addr, d.to_json,"
             " d.cc_json, d.bcc_json, d.sent_at, COALESCE(s.path, r.path) AS path FROM documents d"
             " JOIN sources s ON s.id = d.source_id LEFT JOIN sources r ON r.key = substr(s.key, 1, 64)")


def doc_rows(db, rowids) -> dict[int, object]:
    out = {}
    ids = [int(x) for x in rowids]
    for a in range(0, len(ids), 500):
        chunk = ids[a:a + 500]
        for r in db.execute(_DOC_ROWS + f" WHERE d.rowid IN ({','.join('?' * len(chunk))})", chunk):
            out[r["rid"]] = r
    return out


class SemanticSearch:
    def __init__(self, root, fulltext):
        self.vectors = VectorIndex(root)
        self.fulltext = fulltext
        self._kinds: tuple[int, np.ndarray, dict] | None = None
        self._allowed_cache: dict[tuple, tuple[np.ndarray, np.ndarray]] = {}

    def kind_mask(self, db, filters: Filters, rows: np.ndarray) -> np.ndarray | None:
        """The rows whose documents are of the kinds the filters allow, from a per-row array of
        kinds kept while the index has the same rows (a document's kind never changes). Quotes
        always leave out articles: deciding that on the document rows of 1,600 overfetched hits
        cost 20 ms a query at 10k messages."""
        if filters.kinds is None and not filters.exclude_kinds:
            return None
        if self._kinds is None or self._kinds[0] != len(rows):
            names: dict[str, int] = {}
            by_rid = {r[0]: names.setdefault(r[1], len(names)) for r in db.execute("SELECT rowid, kind FROM documents")}
            arr = np.fromiter((by_rid.get(int(d), -1) for d in rows["doc"]), dtype=np.int16, count=len(rows))
            self._kinds = (len(rows), arr, names)
        _, arr, names = self._kinds
        ok = [i for k, i in names.items() if (filters.kinds is None or k in filters.kinds)
              and k not in filters.exclude_kinds]
        return np.isin(arr, np.array(ok, dtype=np.int16))

    def ready(self, db) -> bool:
        """Whether the case has passage vectors (the index is rebuilt from them when missing)."""
        return embeddings.case_model(db) is not None

    def embed_query(self, db, text: str) -> np.ndarray:
        return embeddings.get(embeddings.case_model(db)).encode([text], query=True)[0]

    def passages(self, db, qvec: np.ndarray, k: int, filters: Filters | None = None,
                 per_vector: int = PER_VECTOR) -> list[PassageHit]:
        """The passages of the k distinct vectors closest to the query vector (identical passages
        share one; at most `per_vector` of them are listed) that pass the filters, best first."""
        rows = self.vectors.rows
        if not len(rows):
            return []
        filters = filters or Filters()
        mask = filters.date_mask(rows)
        kinds = self.kind_mask(db, filters, rows)
        if kinds is not None:
            mask = kinds if mask is None else mask & kinds
        if not filters.values:
            pos, scores = self.vectors.search(qvec, k, mask, per_vector)
            return self._hits(db, pos, scores)
        allowed = self._allowed_cache.get(filters.key)
        if allowed is None or allowed[0] is not rows:
            pos, scores = self.vectors.search(qvec, k * OVERFETCH, mask, per_vector)
            docs = doc_rows(db, rows["doc"][pos])
            keep = [i for i, p in enumerate(pos)
                    if (r := docs.get(int(rows["doc"][p]))) is not None and filters.accepts(r)]
            if len(keep) >= k or len(pos) < k * OVERFETCH:
                keep = keep[:k]
                return self._hits(db, pos[keep], scores[keep])
            allowed = (rows, self._allowed(db, filters, rows))
            self._allowed_cache[filters.key] = allowed
            while len(self._allowed_cache) > ALLOWED_CACHE:
                self._allowed_cache.pop(next(iter(self._allowed_cache)))
        pos, scores = self.vectors.search(qvec, k, allowed[1] if mask is None else allowed[1] & mask, per_vector)
        return self._hits(db, pos, scores)

    def _allowed(self, db, filters: Filters, rows: np.ndarray) -> np.ndarray:
        """The rows whose documents pass the field filters, decided by the full-text index (or by
        the store for kind filters). Kept per filter (`ALLOWED_CACHE`) while the index has the same
        rows: the named-person searches of an article ask for the same few senders again and
        again, and each time cost an over-fetched search, 1,600 document rows and this (1.5 s of
        a 40-claim article at 100k messages)."""
        rids: set[int] = set()
        if filters.values:
            ids = self.fulltext.filter_ids(**filters.raw)
            for a in range(0, len(ids), 500):
                chunk = ids[a:a + 500]
                rids.update(r[0] for r in db.execute(
                    f"SELECT rowid FROM documents WHERE id IN ({','.join('?' * len(chunk))})", chunk))
        else:
            rids = {r[0] for r in db.execute("SELECT rowid FROM documents")}
        allowed = np.isin(rows["doc"], np.fromiter(rids, dtype=np.int64, count=len(rids)))
        kinds = self.kind_mask(db, filters, rows)
        return allowed if kinds is None else allowed & kinds

    def _hits(self, db, pos, scores) -> list[PassageHit]:
        rows = self.vectors.rows
        pids = [int(rows["pid"][p]) for p in pos]
        info = {}
        for a in range(0, len(pids), 500):
            chunk = pids[a:a + 500]
            for r in db.execute('SELECT id, doc_id, start, "end", page, bates FROM passages'
                                f" WHERE id IN ({','.join('?' * len(chunk))})", chunk):
                info[r[0]] = r
        out = []
        for p, pid, s in zip(pos, pids, scores):
            r = info.get(pid)
            if r is not None:
                out.append(PassageHit(pid, r[1], r[2], r[3], r[4], r[5], float(s), int(p)))
        return out

    # ------------------------------------------------------------------ documents
    def search(self, db, query: str, k: int = 20, filters: Filters | None = None) -> list[Hit]:
        """Documents ranked by their best passage."""
        if not query or not query.strip():
            raise UserError("Semantic search needs words to look for.")
        qvec = self.embed_query(db, query)
        hits = self.passages(db, qvec, k * 3, filters)
        return passage_doc_hits(db, hits, query, k)


def passage_doc_hits(db, hits: list[PassageHit], query: str, k: int) -> list[Hit]:
    """One Hit per document (its best passage as the snippet), best first."""
    best: dict[str, PassageHit] = {}
    for h in hits:
        if h.doc_id not in best:
            best[h.doc_id] = h
    order = list(best.values())[:k]
    if not order:
        return []
    rows = hit_rows(db, [h.doc_id for h in order])
    words = [w for w in query.split() if w]
    out = []
    for h in order:
        r = rows.get(h.doc_id)
        if r is None:
            continue
        text = (r["text"] or "")[h.start:h.end]
        snippet, hl = make_snippet(text, [], words)
        hit = Hit(h.doc_id, h.score, r["subject"] or r["title"], r["from_name"], r["from_addr"], r["sent_at"],
                  r["kind"], r["path"], snippet, hl, citation=hit_citation(r, h.page, h.bates))
        hit.passage = {"id": h.passage_id, "start": h.start, "end": h.end, "page": h.page, "bates": h.bates}
        out.append(hit)
    return out


def fuse(rankings: list[list[str]], k: int = RRF_K) -> list[tuple[str, float]]:
    """Reciprocal rank fusion of rankings of document ids: [(id, score)], best first (ties by
    first appearance)."""
    score: dict[str, float] = {}
    for ranking in rankings:
        for rank, doc in enumerate(ranking, 1):
            score[doc] = score.get(doc, 0.0) + 1.0 / (k + rank)
    order = {d: i for i, d in enumerate(d for r in rankings for d in r)}
    return sorted(score.items(), key=lambda x: (-x[1], order[x[0]]))
