"""Full-text search over a case with tantivy: German and English stemming, exact phrases,
filters on sender, recipient, date range and source, snippets with highlighted hits, sorting by
relevance or date.

Every document's text is indexed twice, unstemmed: `exact` (lowercased, with positions, for quoted
phrases, which must match word for word) and `fold` (lowercased and folded to ASCII, frequencies
only). Stemming happens at query time, on the index's vocabulary: an unquoted query word matches
its exact form and every folded term of the index with the same English or German stem
(`variants`), so "Kaufpreis" finds "Kaufpreise" and "seat" finds "seats" whatever language
the query or the text is in. Stemming each distinct term once per query instead of every word of
every document at index time halves the index's work (bench/README.md). The index lives in
`index/fulltext/` beside the store and can be rebuilt from the store at any time (`casefile reindex`).
"""
from __future__ import annotations

import functools
import json
import re
import shutil
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import tantivy

from ..errors import UserError

INDEX_VERSION = 3
"""An index of another version (or none, or an unreadable one) is rebuilt by the next update.
2: the stemmed fields kept term frequencies but no positions; 3: no stemmed fields, stems are
looked up in the folded fields' vocabulary at query time (`variants`)."""
LARGE_UPDATE = 250_000
"""Index updates of more documents than this use the lean writer (see `writer_settings`)."""
MAX_TOKEN_LEN = 40
SNIPPET_CHARS = 220
BODY_INDEX_CHARS = 2_000_000
INDEX_BATCH = 20_000
"""Documents per index commit: 20k keeps the main process under ~250 MB while indexing a
1.1M-message case, and costs ~2 % in time against one commit at the end."""
"""Text beyond 2 M characters per document is not indexed (it stays in the store)."""

SNIPPET_SCAN_CHARS = 200_000
TEXT_FIELDS = ("subject", "body")
_TOKEN = re.compile(r"\w+", re.U)
_UTC_STAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")
_QUOTED = re.compile(r'"([^"]+)"|„([^“”"]+)[“”"]|“([^”]+)”|»([^«]+)«')


def _analyzer(lang: str | None, fold: bool = False):
    b = tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple()).filter(tantivy.Filter.remove_long(MAX_TOKEN_LEN)) \
        .filter(tantivy.Filter.lowercase())
    if lang or fold:
        b = b.filter(tantivy.Filter.ascii_fold())
    if lang:
        b = b.filter(tantivy.Filter.stemmer(lang))
    return b.build()


ANALYZERS = {"exact": _analyzer(None), "fold": _analyzer(None, fold=True),
             "en": _analyzer("english"), "de": _analyzer("german")}
STEMMERS = ("en", "de")


FOLD_INDEX_OPTION = "freq"
"""The folded fields serve single-term queries only (phrases are matched in the exact fields), so
they keep each term's frequency for ranking but not its positions (the 100k benchmark case's
index: 46 MB with positions in every field, 27-29 MB now)."""


def _schema():
    sb = tantivy.SchemaBuilder()
    sb.add_text_field("doc_id", stored=True, tokenizer_name="raw")
    for f in TEXT_FIELDS:
        sb.add_text_field(f"{f}_exact", tokenizer_name="cf_exact")
        sb.add_text_field(f"{f}_fold", tokenizer_name="cf_fold", index_option=FOLD_INDEX_OPTION)
    sb.add_text_field("sender", tokenizer_name="cf_exact")
    sb.add_text_field("recipient", tokenizer_name="cf_exact")
    sb.add_text_field("source", tokenizer_name="cf_exact")
    sb.add_text_field("kind", tokenizer_name="raw")
    sb.add_integer_field("sent", stored=True, indexed=True, fast=True)
    return sb.build()


def _register(index) -> None:
    for name, analyzer in ANALYZERS.items():
        index.register_tokenizer(f"cf_{name}", analyzer)


def tokens(text: str) -> list[str]:
    return ANALYZERS["exact"].analyze(text)


def _epoch(iso: str | None) -> int | None:
    """Seconds since 1970 for 'YYYY-MM-DDTHH:MM:SSZ', and for printed dates without a zone
    ('...T..:..:..' wall time, 'YYYY-MM-DD'), which sort as if they were UTC."""
    if not iso:
        return None
    if _UTC_STAMP.fullmatch(iso):          # the stored form: fromisoformat is ~30x faster than strptime
        try:
            return int(datetime.fromisoformat(iso).timestamp())
        except ValueError:
            return None
    for fmt in ("%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d"):
        try:
            return int(datetime.strptime(iso, fmt).replace(tzinfo=timezone.utc).timestamp())
        except ValueError:
            continue
    return None


DATE_FORMATS = (("%Y-%m-%d", "day"), ("%d.%m.%Y", "day"), ("%d.%m.%y", "day"), ("%d/%m/%Y", "day"),
                ("%Y-%m", "month"), ("%m.%Y", "month"), ("%m/%Y", "month"), ("%Y", "year"))
"""Dates a filter accepts: ISO (2016-05-17, 2016-05, 2016), German (17.05.2016, 17.5.16, 05.2016)
and day/month/year with slashes (17/05/2016). Month names in either language are read too."""


def parse_day(value: str, end: bool = False) -> int:
    """A date filter (see DATE_FORMATS, or "17 May 2016" / "17. Mai 2016") as epoch seconds
    (start, or end of the period)."""
    value = (value or "").strip()
    named = _named_day(value)
    if named:
        value = named
    for fmt, step in DATE_FORMATS:
        try:
            d = datetime.strptime(value, fmt).replace(tzinfo=timezone.utc)
        except ValueError:
            continue
        if not end:
            return int(d.timestamp())
        if step == "day":
            nxt = d.replace(hour=23, minute=59, second=59)
        elif step == "month":
            nxt = (d.replace(year=d.year + 1, month=1) if d.month == 12 else d.replace(month=d.month + 1))
            return int(nxt.timestamp()) - 1
        else:
            return int(d.replace(year=d.year + 1).timestamp()) - 1
        return int(nxt.timestamp())
    raise UserError(f"'{value}' is not a date; use YYYY-MM-DD (or 17.05.2016), YYYY-MM or YYYY.")


def _named_day(value: str) -> str | None:
    """'17 May 2016', '17. Mai 2016', 'May 17, 2016' as 2016-05-17 (entities' date reader)."""
    if not any(c.isalpha() for c in value):
        return None
    from ..analyze.entities import dates
    found = [e.value for e in dates(value) if e.value and not e.value.startswith("--")]
    return found[0] if len(found) == 1 else None


@dataclass
class Hit:
    doc_id: str
    score: float
    subject: str | None
    from_name: str | None
    from_addr: str | None
    sent_at: str | None
    kind: str
    source: str | None
    snippet: str
    highlights: list[tuple[int, int]] = field(default_factory=list)
    passage: dict | None = None     # semantic hits: the passage that matched {id, start, end, page, bates}
    citation: dict | None = None    # where a document from an exhibit is cited: file, pages, Bates

    def as_dict(self) -> dict:
        d = {"id": self.doc_id, "score": round(self.score, 4), "subject": self.subject,
             "from": {"name": self.from_name, "addr": self.from_addr}, "sent_at": self.sent_at,
             "kind": self.kind, "source": self.source, "snippet": self.snippet,
             "highlights": [list(h) for h in self.highlights]}
        if self.passage is not None:
            d["passage"] = self.passage
        if self.citation:
            d["citation"] = self.citation
        return d


class FulltextIndex:
    def __init__(self, root: Path):
        self.dir = Path(root) / "index" / "fulltext"
        self.meta_path = self.dir / "casefile-index.json"
        self.schema = _schema()
        self._index = None

    # ------------------------------------------------------------------ building
    def _current(self) -> bool:
        """Is there an index of this INDEX_VERSION?"""
        try:
            return json.loads(self.meta_path.read_text()).get("version") == INDEX_VERSION
        except (OSError, ValueError, AttributeError):
            return False

    def _open(self, create: bool = False):
        if self._index is not None:
            return self._index
        if not self._current():
            if not create:
                return None
            if self.dir.exists():
                shutil.rmtree(self.dir)
            self.dir.mkdir(parents=True)
            self._index = tantivy.Index(self.schema, path=str(self.dir))
            self.meta_path.write_text(json.dumps({"version": INDEX_VERSION}))
        else:
            self._index = tantivy.Index(self.schema, path=str(self.dir), reuse=True)
        _register(self._index)
        return self._index

    def exists(self) -> bool:
        return self._open() is not None

    def pending(self, db) -> int:
        """How many documents an update would index."""
        if not self._current():
            return db.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
        return unindexed(db)

    def update(self, db, rebuild: bool = False, progress=None) -> int:
        """Index the documents not yet indexed (all of them with rebuild=True); return how many.

        Documents are only ever added, each with a higher rowid than every earlier one, so the
        index's progress is one number: the highest rowid indexed (`indexed_upto`), moved after
        each commit of the writer. A crash between the two leaves a batch indexed but not
        marked; the next update deletes each of its documents by id before adding it again."""
        if rebuild and self.dir.exists():
            shutil.rmtree(self.dir)
            self._index = None
            set_indexed_upto(db, 0)
        if not self._current():                 # none yet, or one of an older version: built anew
            self._index = None
            set_indexed_upto(db, 0)
        index = self._open(create=True)
        fresh = index.searcher().num_docs == 0
        last_rowid = indexed_upto(db)
        todo = unindexed(db)
        heap, threads = writer_settings(todo)
        writer = index.writer(heap_size=heap, num_threads=threads)
        n = 0
        while True:
            # pages of INDEX_BATCH documents, each committed and marked before the next is read:
            # memory stays flat however large the case (a 1.1M-message mbox needed 1.4 GB before)
            rows = db.execute(
                "SELECT d.rowid AS rid, d.id, d.kind, d.subject, d.text, d.from_name, d.from_addr, d.to_json, d.cc_json,"
                " d.bcc_json, d.sent_at, d.title, COALESCE(s.path, r.path) AS path FROM documents d"
                " JOIN sources s ON s.id=d.source_id LEFT JOIN sources r ON r.key = substr(s.key, 1, 64)"
                " WHERE d.rowid > ? ORDER BY d.rowid LIMIT ?", (last_rowid, INDEX_BATCH)).fetchall()
            if not rows:
                break
            for row in rows:
                if not fresh:
                    writer.delete_documents_by_term("doc_id", row["id"])   # idempotent if a crash left it indexed
                writer.add_document(tantivy.Document(**_fields(row)))
            last_rowid = rows[-1]["rid"]
            writer.commit()
            set_indexed_upto(db, last_rowid)
            n += len(rows)
            fresh = False
            if progress:
                progress(n)
        writer.wait_merging_threads()
        self._index = None
        return n

    # ------------------------------------------------------------------ querying
    def _text_query(self, searcher, query: str, any_words: bool = False):
        """Quoted parts are exact phrases; other words match by their exact form or by any term of
        the searcher's vocabulary with their stem (`variants`). With `any_words` a document needs
        only one of the words (ranked by how many and how rare)."""
        clauses = []
        phrases = []
        for m in _QUOTED.finditer(query):
            phrase = next(g for g in m.groups() if g)
            phrases.append(phrase)
        rest = _QUOTED.sub(" ", query)
        for phrase in phrases:
            toks = tokens(phrase)
            if not toks:
                continue
            per_field = []
            for f in TEXT_FIELDS:
                q = (tantivy.Query.phrase_query(self.schema, f"{f}_exact", toks) if len(toks) > 1
                     else tantivy.Query.term_query(self.schema, f"{f}_exact", toks[0]))
                per_field.append((tantivy.Occur.Should, q))
            clauses.append((tantivy.Occur.Must, tantivy.Query.boolean_query(per_field)))
        words = [w for w in _TOKEN.findall(rest) if w.upper() not in ("AND", "OR")]
        any_of = []
        for w in words:
            alts = []
            for f in TEXT_FIELDS:
                boost = 2.0 if f == "subject" else 1.0
                terms = [(f"{f}_exact", t) for t in ANALYZERS["exact"].analyze(w)]
                terms += [(f"{f}_fold", t) for t in sorted(variants(searcher, f"{f}_fold", w))]
                for name, t in terms:
                    q = tantivy.Query.term_query(self.schema, name, t)
                    alts.append((tantivy.Occur.Should, tantivy.Query.boost_query(q, boost)))
            if alts and any_words:
                any_of.append((tantivy.Occur.Should, tantivy.Query.boolean_query(alts)))
            elif alts:
                clauses.append((tantivy.Occur.Must, tantivy.Query.boolean_query(alts)))
        if any_of:
            clauses.append((tantivy.Occur.Must, tantivy.Query.boolean_query(any_of)))
        return clauses, phrases, words

    def search(self, query: str, db, sender: str | None = None, recipient: str | None = None,
               after: str | None = None, before: str | None = None, source: str | None = None,
               sort: str = "relevance", limit: int = 20, offset: int = 0, any_words: bool = False,
               ids_only: bool = False) -> tuple[list[Hit], int, float]:
        """Return (hits, total matches, milliseconds); with `ids_only` the hits are just
        (doc id, score) pairs, without snippets."""
        index = self._open()
        if index is None:
            raise UserError("The search index is missing; run 'casefile reindex' to build it from the store.")
        t0 = time.perf_counter()
        searcher = index.searcher()            # one view of the index: its vocabulary and its hits
        clauses, phrases, words = self._text_query(searcher, query or "", any_words)
        if any_words and not phrases and not words:
            return [], 0, (time.perf_counter() - t0) * 1000
        for name, value in (("sender", sender), ("recipient", recipient), ("source", source)):
            if value:
                clauses.append((tantivy.Occur.Must, self._any_phrase(name, value)))
        if after or before:
            lo = parse_day(after) if after else -(2 ** 62)
            hi = parse_day(before, end=True) if before else 2 ** 62
            if lo > hi:
                raise UserError("The --after date is later than the --before date.")
            clauses.append((tantivy.Occur.Must,
                            tantivy.Query.range_query(self.schema, "sent", tantivy.FieldType.Integer, lo, hi)))
        if not clauses:
            raise UserError("Give words to search for, or at least one filter (--from, --to, --after, --before, --source).")
        if not (phrases or words):
            clauses.append((tantivy.Occur.Must, tantivy.Query.all_query()))
        q = tantivy.Query.boolean_query(clauses)
        if sort == "date":
            res = searcher.search(q, limit, count=True, order_by_field="sent", offset=offset)
        elif sort == "relevance":
            res = searcher.search(q, limit, count=True, offset=offset)
        else:
            raise UserError(f"Unknown sort '{sort}'; use relevance or date.")
        ids = []
        scores = {}
        for score, addr in res.hits:
            did = searcher.doc(addr)["doc_id"][0]
            ids.append(did)
            scores[did] = float(score)
        if sort == "relevance":     # equal scores in a stable order, however the index was built
            ids.sort(key=lambda d: (-round(scores[d], 4), d))
        if ids_only:
            return [(d, scores[d]) for d in ids], res.count, (time.perf_counter() - t0) * 1000
        hits = self.hits(db, ids, scores, phrases, words)
        return hits, res.count, (time.perf_counter() - t0) * 1000

    def phrase_ids(self, phrases: list[list[str]], sender: str | None = None, recipient: str | None = None,
                   source: str | None = None, limit: int = 30) -> list[str]:
        """The ids of the documents (best first, at most `limit`) whose text has any of these
        token phrases (each as `tokens` gives it), within the sender/recipient/source filters."""
        index = self._open()
        phrases = [p for p in phrases if p]
        if index is None or not phrases:
            return []
        any_of = [(tantivy.Occur.Should, self._phrase(f"{f}_exact", toks)) for toks in phrases for f in TEXT_FIELDS]
        clauses = [(tantivy.Occur.Must, tantivy.Query.boolean_query(any_of))]
        clauses += self._field_filters(sender, recipient, source)
        searcher = index.searcher()
        res = searcher.search(tantivy.Query.boolean_query(clauses), limit)
        return [searcher.doc(addr)["doc_id"][0] for _, addr in res.hits]

    def filter_ids(self, sender: str | None = None, recipient: str | None = None,
                   source: str | None = None) -> list[str]:
        """The ids of every document that passes these filters (for filtered semantic search)."""
        index = self._open()
        if index is None:
            raise UserError("The search index is missing; run 'casefile reindex' to build it from the store.")
        clauses = [(tantivy.Occur.Must, tantivy.Query.all_query())] + self._field_filters(sender, recipient, source)
        searcher = index.searcher()
        q = tantivy.Query.boolean_query(clauses)
        n = searcher.search(q, 1, count=True).count
        if not n:
            return []
        res = searcher.search(q, n)
        return [searcher.doc(addr)["doc_id"][0] for _, addr in res.hits]

    def _phrase(self, field: str, toks: list[str]):
        return (tantivy.Query.phrase_query(self.schema, field, toks) if len(toks) > 1
                else tantivy.Query.term_query(self.schema, field, toks[0]))

    def _any_phrase(self, name: str, value):
        """A filter's query: the value's words in order, or for several values (a person's every
        name and address) any of them."""
        values = [value] if isinstance(value, str) else list(value)
        phrases = [t for t in (tokens(v) for v in values) if t]
        if not phrases:
            raise UserError(f"The {name} filter '{values[0] if values else ''}' has no letters or digits to match.")
        if len(phrases) == 1:
            return self._phrase(name, phrases[0])
        return tantivy.Query.boolean_query([(tantivy.Occur.Should, self._phrase(name, t)) for t in phrases])

    def _field_filters(self, sender, recipient, source) -> list:
        """Must-clauses for the sender/recipient/source filters (see _any_phrase)."""
        return [(tantivy.Occur.Must, self._any_phrase(name, value))
                for name, value in (("sender", sender), ("recipient", recipient), ("source", source)) if value]

    def hits(self, db, ids, scores, phrases, words) -> list[Hit]:
        """Hits with snippets for these document ids, in this order."""
        if not ids:
            return []
        rows = hit_rows(db, ids)
        out = []
        for did in ids:
            r = rows.get(did)
            if r is None:
                continue
            snippet, hl = make_snippet(r["text"] or r["subject"] or "", phrases, words)
            out.append(Hit(did, scores[did], r["subject"] or r["title"], r["from_name"], r["from_addr"],
                           r["sent_at"], r["kind"], r["path"], snippet, hl, citation=hit_citation(r)))
        return out


UPTO_KEY = "fulltext_upto"
"""The `meta` key under which the store keeps the highest document rowid in the full-text index.
(A flag per document did this before schema 7: marking 100k documents indexed rewrote the whole
documents table, ~280 MB through the write-ahead log, 2.8 s beside the analysis.)"""


def indexed_upto(db) -> int:
    """The highest document rowid the full-text index holds (0: none)."""
    row = db.execute("SELECT value FROM meta WHERE key=?", (UPTO_KEY,)).fetchone()
    return int(row[0]) if row and row[0] is not None else 0


def set_indexed_upto(db, rowid: int) -> None:
    db.execute("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value=excluded.value",
               (UPTO_KEY, str(int(rowid))))


def unindexed(db) -> int:
    """How many documents are not in the full-text index yet."""
    return db.execute("SELECT COUNT(*) FROM documents WHERE rowid > ?", (indexed_upto(db),)).fetchone()[0]


def hit_rows(db, ids) -> dict:
    """The rows a Hit is made from (text, sender, date, source path), by document id."""
    ids = list(ids)
    out = {}
    for a in range(0, len(ids), 500):
        chunk = ids[a:a + 500]
        out.update((r["id"], r) for r in db.execute(
            "SELECT d.id, d.kind, d.subject, d.title, d.text, d.from_name, d.from_addr, d.sent_at, d.citation,"
            " COALESCE(s.path, r.path) AS path FROM documents d JOIN sources s ON s.id=d.source_id"
            f" LEFT JOIN sources r ON r.key = substr(s.key, 1, 64) WHERE d.id IN ({','.join('?' * len(chunk))})",
            chunk))
    return out


def hit_citation(row, page: int | None = None, bates: str | None = None) -> dict | None:
    """The document's citation (pages and Bates numbers of an exhibit's message), narrowed to one
    page when the hit is a passage on it; None for documents that are files of their own."""
    import json
    c = json.loads(row["citation"]) if row["citation"] else None
    if not c or not (c.get("pages") or c.get("bates")):
        return None
    c = dict(c)
    if page:
        c["pages"] = [page, page]
    if bates:
        c["bates"] = [bates]
    return c


def writer_settings(documents: int) -> tuple[int, int]:
    """(heap bytes, threads) for an index update of `documents` documents.

    Measured on this 2-core machine (bench/README.md): reindexing 1.1M messages with two threads
    and a 128 MB heap peaked at 850 MB RSS (468 MB anonymous, the rest mapped segment files);
    with one thread and 64 MB it peaked at 451 MB (316 MB anonymous) and took 23 % longer. For
    the 100k-message benchmarks the faster writer keeps ingest above 1,500 messages/s, so the
    lean one is used only for updates larger than LARGE_UPDATE."""
    if documents > LARGE_UPDATE:
        return 64_000_000, 1
    return 128_000_000, 2


BACKGROUND_MIN = 20_000
"""An update of more documents than this runs in a process of its own while the ingest analyses
the case (`Case.ingest`): the analysis is single-threaded Python, the index writer mostly tantivy's
own threads, so the two share the machine. Measured on the 100k-message Maildir case: analysis
13.3 s + index 24.0 s one after the other; 31.6 s in two threads of one process (the GIL); see
bench/README.md for the separate process. Below 20k documents starting a process is not worth it."""


def index_beside_analysis(pending: int) -> bool:
    """Does the index update of `pending` documents run in its own process while the ingest
    analyses the case? Only from BACKGROUND_MIN to LARGE_UPDATE documents. A bigger update
    (~450 MB with the lean writer at 1.1M messages) beside the analysis of as big a case (~500 MB)
    would double the ingest's peak memory; there the two run one after the other, analysis first,
    and the ingest takes longer by the analysis's time (~4 minutes at 1.1M, see bench/README.md)."""
    return BACKGROUND_MIN < pending <= LARGE_UPDATE


CHILD_DB_TIMEOUT = 3600
"""The background indexer marks documents indexed in small transactions; while the analysis holds
the write lock for its one transaction (minutes on a million messages) it waits."""


class BackgroundUpdate:
    """`FulltextIndex.update` in a separate Python process (a fresh interpreter, not a fork: the
    caller may hold tantivy threads or a web server's state). It dies with its parent."""

    def __init__(self, case_root: Path):
        import os
        import subprocess
        import sys
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
        code = "import sys; from casefile.search.fulltext import update_child; update_child(sys.argv[1])"
        self.proc = subprocess.Popen([sys.executable, "-c", code, str(case_root)], env=env,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def stop(self) -> None:
        """End the update early (the ingest failed): what it committed stays marked, the rest is
        indexed by the next update."""
        self.proc.kill()
        self.proc.communicate()

    def wait(self) -> str | None:
        """Wait for the update; return None, or the end of its error output when it failed."""
        _, err = self.proc.communicate()
        return None if self.proc.returncode == 0 else (err.decode("utf-8", "replace")[-2000:] or "killed")


def update_child(case_root: str) -> None:
    """The body of BackgroundUpdate's process."""
    import os
    import sqlite3

    from ..processes import die_with_parent
    die_with_parent()                   # end with the ingest
    if os.getppid() == 1:
        return
    db = sqlite3.connect(Path(case_root) / "case.db", isolation_level=None, timeout=CHILD_DB_TIMEOUT)
    db.row_factory = sqlite3.Row
    try:
        FulltextIndex(Path(case_root)).update(db)
    finally:
        db.close()


def _fields(row) -> dict:
    """The tantivy fields of one document row."""
    subject = row["subject"] or row["title"] or ""
    body = (row["text"] or "")[:BODY_INDEX_CHARS]
    recips = []
    for col in ("to_json", "cc_json", "bcc_json"):
        value = row[col]
        if not value or value == "[]":
            continue
        for p in json.loads(value):
            recips.append(" ".join(x for x in (p.get("name"), p.get("addr")) if x))
    fields = dict(doc_id=row["id"], kind=row["kind"],
                  sender=" ".join(x for x in (row["from_name"], row["from_addr"]) if x),
                  recipient=" ; ".join(recips), source=row["path"] or "")
    for f, value in (("subject", subject), ("body", body)):
        fields[f"{f}_exact"] = value
        fields[f"{f}_fold"] = value
    sent = _epoch(row["sent_at"])
    if sent is not None:
        fields["sent"] = sent
    return fields


@functools.lru_cache(maxsize=200_000)
def _stems(word: str) -> frozenset[str]:
    """A word's exact form and its English and German stems (for highlighting and quote overlap)."""
    out = set()
    for an in ("exact", "en", "de"):
        out.update(ANALYZERS[an].analyze(word))
    return frozenset(out)


PREFIX_LIMIT = 5_000
"""At most this many vocabulary terms (the most frequent) are stemmed for one enumeration prefix."""
MIN_PREFIX = 3
"""Stems shorter than this are not looked up (one of one or two letters would list a good part of
the vocabulary; such words are matched by their own form), and an English stem is only shortened
by its last letter when three letters remain, or two of a stem ending in "i" ("tri" finds "try"
and "trying", "hope" finds "hoping"; "use" finds "using" by the extra prefix "using")."""
GERMAN_E_VOWELS = 4
"""The German stemmer reads "ae", "oe", "ue" as "ä", "ö", "ü" (Geschaeftsfuehrer -> geschaftsfuhr),
so a term may have an "e" after any a/o/u of its stem: the prefixes branch at the first four such
vowels (at most 16 prefixes) and stop after the fourth."""


@functools.lru_cache(maxsize=200_000)
def _term_stems(term: str) -> tuple[str, ...]:
    """The English and German stem of a folded vocabulary term."""
    return tuple("".join(ANALYZERS[lang].analyze(term)) for lang in STEMMERS)


def stem_prefixes(stem: str, lang: str) -> set[str]:
    """Prefixes under which every folded term with this stem is listed in the vocabulary.

    Measured on the 162,680 distinct folded terms of the shared corpora (Enron, mailing lists,
    German and English news pages): the English stem is a prefix of its term but for its last
    letter when that is "i" (happy -> happi), "e" (hoping -> hope) or "l"; the German stem is a
    prefix of its term once ae/oe/ue are read as a/o/u (GERMAN_E_VOWELS). With MIN_PREFIX, ~2,500
    terms whose stem has under three letters are found only by their own form. Of the longer ones,
    20 were not listed under their English stem that way: "-ing" forms of three-letter stems ending
    in "e" (using -> use, aging -> age), "-ying" forms of stems ending in "ie" (dying -> die,
    vying -> vie) and the stemmer's exception skies -> sky. The extra prefixes below list each of
    them, and the measurement now finds every term under both its stems."""
    if lang == "en":
        out = {stem}
        if stem[-1:] in ("i", "e", "l") and len(stem) - 1 >= (MIN_PREFIX - 1 if stem[-1] == "i" else MIN_PREFIX):
            out = {stem[:-1]}
        if stem.endswith("ie"):
            out.add(stem[:-2] + "ying")
        elif stem.endswith("e") and len(stem) == MIN_PREFIX:
            out.add(stem[:-1] + "ing")
        elif stem.endswith("y") and len(stem) == MIN_PREFIX:
            out.add(stem[:-1] + "ies")
        return out
    out = [""]
    seen = 0
    for i, ch in enumerate(stem):
        if ch in "aou" and not (ch == "u" and i and stem[i - 1] == "q"):
            seen += 1
            if seen > GERMAN_E_VOWELS:
                return {p + ch for p in out}
            out = [p + ch + e for p in out for e in ("", "e")]
        else:
            out = [p + ch for p in out]
    return set(out)


def variants(searcher, field: str, word: str) -> set[str]:
    """The folded terms of `field`'s vocabulary that share the word's English or German stem, and
    the word's own folded form."""
    out = set()
    for tok in ANALYZERS["fold"].analyze(word):
        out.add(tok)
        want = _term_stems(tok)
        prefixes = set()
        for k, lang in enumerate(STEMMERS):
            if len(want[k]) >= MIN_PREFIX:
                prefixes |= stem_prefixes(want[k], lang)
        for prefix in prefixes:
            if any(prefix != p and prefix.startswith(p) for p in prefixes):
                continue                        # listed under a shorter prefix already
            for term, _ in searcher.terms_with_prefix(field, prefix, limit=PREFIX_LIMIT):
                if term not in out:
                    got = _term_stems(term)
                    if any(g == w and len(w) >= MIN_PREFIX for g, w in zip(got, want)):
                        out.add(term)
    return out


def make_snippet(text: str, phrases: list[str], words: list[str], width: int = SNIPPET_CHARS):
    """Pick the window of `text` with the most hits; return (snippet, [(start, end)] in the snippet).

    A word hits when any of its forms (exact, English stem, German stem) equals any form of a query
    word; phrases hit where their exact token sequence occurs.
    """
    if not text:
        return "", []
    wanted = set()
    for w in words:
        wanted |= _stems(w)
    spans = []
    scan = text[:SNIPPET_SCAN_CHARS]
    if wanted:
        # the distinct words are stemmed, and only the hits located: a long message has ~10x more
        # words than distinct ones (240,000 match objects made 0.25 s of one search)
        hit = [w for w in set(_TOKEN.findall(scan)) if _stems(w) & wanted]
        if hit:
            rx = re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, sorted(hit, key=len, reverse=True))) + r")(?!\w)")
            spans = [m.span() for m in rx.finditer(scan)]
    if phrases:
        toks = [(m.start(), m.end(), m.group(0)) for m in _TOKEN.finditer(scan)]
        low = [t[2].lower() for t in toks]
    for phrase in phrases:
        pt = tokens(phrase)
        n = len(pt)
        if not n:
            continue
        for i in range(len(low) - n + 1):
            if low[i:i + n] == pt:
                spans.append((toks[i][0], toks[i + n - 1][1]))
    spans.sort()
    if not spans:
        snippet = text[:width]
        return _tidy(snippet) + ("…" if len(text) > width else ""), []
    best = best_window(spans, width)
    start = max(0, best - width // 4)
    while start > 0 and not text[start - 1].isspace() and best - start < width // 2:
        start -= 1
    end = min(len(text), start + width)
    window = text[start:end]
    hl = [(max(a, start) - start, min(b, end) - start) for a, b in spans if a >= start and a < end]
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    shifted = [(a + len(prefix), b + len(prefix)) for a, b in hl]
    return prefix + window.replace("\n", " ") + suffix, shifted


def best_window(spans: list[tuple[int, int]], width: int) -> int:
    """The start of the first span from which a window of `width` characters holds the most span
    starts (`spans` sorted). One pass with two pointers: counting every window afresh made the
    search "the gas contract with the utility" in the Enron and linux-mips mail take 1.2 s for its
    20 snippets (~19,000 hits of "the" in the longest messages)."""
    best, best_n, j = spans[0][0], 0, 0
    for i, (s, _) in enumerate(spans):
        j = max(j, i)
        while j < len(spans) and spans[j][0] < s + width:
            j += 1
        if j - i > best_n:
            best, best_n = s, j - i
    return best


def _tidy(s: str) -> str:
    return s.replace("\n", " ")
