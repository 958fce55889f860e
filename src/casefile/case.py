"""A case: a folder with the store, the originals and the search index. The library API; the CLI
only wraps it.

    from casefile import Case
    case = Case.create("./mycase")
    case.ingest(["~/evidence"])
    hits, total, ms = case.search("purchase price", sender="anna", after="2016-01-01")
"""
from __future__ import annotations

import functools
import json
import re
import time
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Callable

from .errors import NoCase, NoDocument, UserError
from .ingest.runner import IngestRunner, Summary
from .search import fulltext
from .search.fulltext import FulltextIndex, Hit
from .search.semantic import Filters, SemanticSearch, fuse
from .store.sqlite import Store
from .store import queries

MARKER = "case.db"


def _writes(command: str):
    """A method that changes the case: it holds the case's write lock (store/lock.py), so that a
    second writer is refused with one sentence instead of colliding with this one."""
    def wrap(method):
        @functools.wraps(method)
        def run(self, *args, **kw):
            with self.store.writing(command):
                return method(self, *args, **kw)
        return run
    return wrap


class Case:
    def __init__(self, root: Path, store: Store):
        self.root = Path(root)
        self.store = store
        self.index = FulltextIndex(self.root)
        self.semantic = SemanticSearch(self.root, self.index)

    # ------------------------------------------------------------------ opening
    @classmethod
    def create(cls, root) -> "Case":
        """Open the case at `root`, creating the folder and store if needed."""
        root = Path(root).expanduser()
        if root.exists() and not root.is_dir():
            raise UserError(f"{root} is a file, not a case folder.")
        if root.exists() and any(root.iterdir()) and not (root / MARKER).exists():
            raise UserError(f"{root} is not empty and holds no case; choose a new or empty folder for --case.")
        root.mkdir(parents=True, exist_ok=True)
        return cls(root, Store(root))

    @classmethod
    def open(cls, root) -> "Case":
        root = Path(root).expanduser()
        if not (root / MARKER).exists():
            raise NoCase(f"There is no case in {root}; create one with 'casefile ingest FILES --case {root}'.")
        return cls(root, Store(root))

    def close(self) -> None:
        self.store.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    @property
    def db(self):
        return self.store.db

    # ------------------------------------------------------------------ ingest
    @_writes("ingest")
    def ingest(self, paths, workers: int | None = None,
               progress: Callable[[int, int], None] | None = None, analyze: bool = True,
               embed: bool = True, embed_progress: Callable[[int, int], None] | None = None,
               follow_symlinks: bool = False) -> Summary:
        """Ingest files and folders; then (unless `analyze` is False: ingest several batches and
        analyse once with `Case.analyze`) find duplicates, threads and people, cut the new
        documents into passages and (unless `embed` is False) embed them for semantic search."""
        paths = [Path(p).expanduser() for p in paths]
        missing = [str(p) for p in paths if not p.exists()]
        if missing:
            raise UserError(f"No such file or folder: {missing[0]}.")
        home = self.root.resolve()
        for p in paths:
            r = p.resolve()
            if r == home or home in r.parents:
                raise UserError(f"{p} is inside the case folder {self.root}; give the evidence, not the case.")
        from .search.fulltext import BackgroundUpdate, index_beside_analysis
        background: list = []

        def start_index() -> None:
            # as soon as every document is written, while the store builds its indexes again
            if analyze and index_beside_analysis(self.index.pending(self.db)):
                background.append(BackgroundUpdate(self.root))

        runner = IngestRunner(self.store, workers=workers, progress=progress, case_root=self.root,
                              on_written=start_index, follow_symlinks=follow_symlinks)
        try:
            summary = runner.run(paths, command="ingest " + " ".join(str(p) for p in paths))
        except BaseException:
            for b in background:
                b.stop()
            raise
        if analyze:
            t0 = time.monotonic()
            self._analyze_and_index(summary, background[0] if background else None)
            summary.seconds += time.monotonic() - t0
        else:
            self.index.update(self.db)
        if analyze:
            t0 = time.monotonic()
            summary.embedding = self.embed(workers=workers, progress=embed_progress, vectors=embed)
            summary.seconds += time.monotonic() - t0
        return summary

    def _analyze_and_index(self, summary: Summary, background=None) -> None:
        """Analyse the case and bring the full-text index up to date; a large index update runs
        in its own process meanwhile (`background`, started by the ingest), a very large one
        afterwards (see fulltext.index_beside_analysis). If that process fails, the update is
        redone here, where its error, if it persists, is raised."""
        try:
            summary.analysis = self.analyze()
        finally:
            failed = background.wait() if background is not None else None
        self.index._index = None                # written by the other process: open it afresh
        if failed:
            last = failed.strip().splitlines()[-1] if failed.strip() else "no output"
            summary.notes.append(f"the background index update failed ({last[:300]}); it was redone in this process")
        if background is None or failed:
            self.index.update(self.db)

    @_writes("embed")
    def embed(self, model: str | None = None, workers: int | None = None,
              progress: Callable[[int, int], None] | None = None, vectors: bool = True) -> dict:
        """Cut new documents into passages and embed the searchable ones with the case's model
        (or switch the case to `model`, which re-embeds every passage); then update the vector
        index. With `vectors` False only the passages are cut."""
        from .search import embeddings, passages
        cut = passages.run(self.db)
        out = {"documents_cut": cut}
        if not vectors:
            out["passages_waiting"] = embeddings.pending(self.db)
            return out
        t0 = time.monotonic()
        out.update(embeddings.run(self.db, model, workers=workers, progress=progress))
        out["seconds"] = round(time.monotonic() - t0, 2)
        self._update_vectors()
        return out

    def _update_vectors(self) -> int:
        from .search import embeddings, passages
        name = embeddings.case_model(self.db)
        if name is None:
            return 0
        dim = int(self.db.execute("SELECT value FROM meta WHERE key=?", (embeddings.DIM_KEY,)).fetchone()[0])
        return self.semantic.vectors.update(self.db, name, dim, passages.generation(self.db))

    @_writes("analyze")
    def analyze(self, force: bool = False) -> dict | None:
        """Find duplicates, threads and people (see casefile.analyze.stage). Runs after every
        ingest; does nothing when the case has not changed since the last analysis."""
        from .analyze import stage
        return stage.run(self.db, force=force)

    @_writes("reindex")
    def reindex(self) -> int:
        """Rebuild the full-text and vector indexes from the store."""
        n = self.index.update(self.db, rebuild=True)
        import shutil
        if self.semantic.vectors.dir.exists():
            shutil.rmtree(self.semantic.vectors.dir)
        self._update_vectors()
        return n

    # ------------------------------------------------------------------ reading
    def status(self) -> dict:
        db = self.db
        by_status = {r[0]: r[1] for r in db.execute("SELECT status, COUNT(*) FROM sources GROUP BY status")}
        top = {r[0]: r[1] for r in db.execute(
            "SELECT status, COUNT(*) FROM sources WHERE parent_id IS NULL GROUP BY status")}
        kinds = {r[0]: r[1] for r in db.execute("SELECT kind, COUNT(*) FROM documents GROUP BY kind ORDER BY 2 DESC")}
        reasons = [{"reason": r[0], "count": r[1]} for r in db.execute(
            "SELECT reason, COUNT(*) FROM sources WHERE status='quarantined' GROUP BY reason ORDER BY 2 DESC, 1")]
        types = {r[0]: r[1] for r in db.execute(
            "SELECT type, COUNT(*) FROM sources GROUP BY type ORDER BY 2 DESC")}
        flags = {r[0]: r[1] for r in db.execute(
            "SELECT date_flag, COUNT(*) FROM documents WHERE date_flag IS NOT NULL GROUP BY date_flag")}
        last = db.execute("SELECT * FROM runs ORDER BY id DESC LIMIT 1").fetchone()
        return {
            "case": str(self.root.resolve()),
            "schema_version": self.store.schema_version,
            "inputs": db.execute("SELECT COUNT(*) FROM inputs").fetchone()[0],
            "sources": {"total": sum(by_status.values()), **by_status},
            "top_level_sources": top,
            "sources_by_type": types,
            "documents": {"total": sum(kinds.values()), **kinds},
            "documents_by_date_flag": flags,
            "quarantined_by_reason": reasons,
            "unindexed_documents": fulltext.unindexed(db),
            "passages": self._passage_status(),
            "last_run": dict(last) if last else None,
        }

    def semantic_coverage(self) -> dict:
        """How much of the case semantic search sees: searchable passages with a vector, of all
        searchable passages, and documents not yet cut into passages (after `ingest --no-embed`,
        or while `casefile embed` runs). `share` is 1.0 when nothing waits."""
        searchable, embedded = self.db.execute(
            "SELECT COALESCE(SUM(searchable), 0), COALESCE(SUM(searchable AND vec IS NOT NULL), 0) FROM passages"
        ).fetchone()
        uncut = self.db.execute("SELECT COUNT(*) FROM documents WHERE passaged = 0").fetchone()[0]
        share = embedded / searchable if searchable else (0.0 if uncut else 1.0)
        return {"passages_embedded": embedded, "passages_searchable": searchable, "documents_not_cut": uncut,
                "share": round(share if not uncut else min(share, 0.999), 4)}

    def _passage_status(self) -> dict:
        from .search import embeddings
        total, searchable, embedded = self.db.execute(
            "SELECT COUNT(*), COALESCE(SUM(searchable), 0), COUNT(vec) FROM passages").fetchone()
        return {"total": total, "searchable": searchable, "embedded": embedded,
                "waiting": self.db.execute("SELECT COUNT(*) FROM passages WHERE searchable = 1 AND vec IS NULL")
                .fetchone()[0], "model": embeddings.case_model(self.db)}

    def sources(self, status: str | None = None, limit: int | None = None) -> list[dict]:
        if status not in (None, "ok", "quarantined", "ingesting"):
            raise UserError(f"Unknown status '{status}'; use ok or quarantined.")
        sql = ("SELECT s.*, p.key AS parent_key FROM sources s LEFT JOIN sources p ON p.id = s.parent_id"
               + (" WHERE s.status=?" if status else "") + " ORDER BY s.id" + (f" LIMIT {int(limit)}" if limit else ""))
        rows = self.db.execute(sql, (status,) if status else ())
        paths = self._top_paths()
        given = self._input_paths()
        out = []
        for r in rows:
            root_key = r["key"][:64]
            out.append({
                "id": r["id"],
                "path": r["path"] or paths.get(root_key),
                # every file given that holds these bytes (a copy of another file is stored once)
                "paths": given.get(r["id"], []) if r["parent_id"] is None else [],
                "member": None if r["parent_id"] is None else r["key"][65:],
                "name": r["name"], "sha256": r["sha256"], "size": r["size"], "type": r["type"],
                "status": r["status"], "reason": r["reason"], "detail": r["detail"], "parent": r["parent_id"],
            })
        return out

    def _input_paths(self) -> dict[int, list[str]]:
        out: dict[int, list[str]] = {}
        for source_id, path in self.db.execute("SELECT source_id, path FROM inputs ORDER BY path"):
            out.setdefault(source_id, []).append(path)
        return out

    def _top_paths(self) -> dict[str, str]:
        return {r[0]: r[1] for r in self.db.execute("SELECT key, path FROM sources WHERE parent_id IS NULL")}

    KINDS = ("email", "printed-email", "quoted-email", "pdf", "article", "html", "docx", "chat", "text",
             "outlook-item", "tnef-body")

    def documents(self, limit: int | None = None, offset: int = 0, kind: str | None = None) -> list[dict]:
        return list(self.iter_documents(kind, limit, offset))

    def iter_documents(self, kind: str | None = None, limit: int | None = None, offset: int = 0):
        """Documents oldest first; `kind` keeps one kind (email, printed-email, quoted-email, pdf,
        article, chat, ...)."""
        if kind is not None and kind not in self.KINDS:
            raise UserError(f"Unknown document kind '{kind}'; use one of: {', '.join(self.KINDS)}.")
        sql = (_DOC_SQL + (" WHERE d.kind=?" if kind else "") + " ORDER BY d.sent_at IS NULL, d.sent_at, d.id"
               + (f" LIMIT {int(limit)} OFFSET {int(offset)}" if limit else ""))
        for r in self.db.execute(sql, (kind,) if kind else ()):
            yield _doc_dict(r)

    def document(self, doc_id: str) -> dict:
        ref = doc_id.strip().lower()          # ids are lowercase hex (store.document_id)
        rows = self.db.execute(_DOC_SQL + " WHERE d.id = ?", (ref,)).fetchall() if ref else []
        if not rows and ref:
            # a prefix, looked up as a range of the id index (LIKE would scan every document)
            rows = self.db.execute(_DOC_SQL + " WHERE d.id >= ? AND d.id < ? ORDER BY d.id LIMIT 2",
                                   (ref, ref + "\U0010ffff")).fetchall()
        if not rows or not doc_id.strip():
            raise NoDocument(f"There is no document '{doc_id}' in this case; 'casefile documents' lists them.")
        if len(rows) > 1 and rows[0]["id"] != ref:
            raise UserError(f"'{doc_id}' matches more than one document; give more of its id.")
        d = _doc_dict(rows[0], full=True)
        d["attachments"] = [
            {"name": r["name"], "type": r["type"], "size": r["size"], "sha256": r["sha256"], "status": r["status"]}
            for r in self.db.execute("SELECT * FROM sources WHERE parent_id=? ORDER BY id", (rows[0]["source_id"],))
        ] if rows[0]["kind"] in ("email", "outlook-item") else []
        from .analyze.views import copies_of
        d["copies"] = copies_of(self.db, rows[0]["id"])
        d["recovered"] = [
            {"id": r["id"], "kind": r["kind"], "subject": r["subject"], "from": r["from_name"] or r["from_addr"],
             "sent_at": r["sent_at"], "pages": (json.loads(r["citation"]) if r["citation"] else {}).get("pages")}
            for r in sorted(self.db.execute("SELECT id, kind, subject, from_name, from_addr, sent_at, citation, locator "
                                            "FROM documents WHERE derived_from = ?", (rows[0]["id"],)),
                            key=lambda r: _natural(r["locator"]))]       # in print order: #2 before #10
        return d

    def raw(self, doc_id: str) -> bytes | None:
        """The original bytes of a document's source, when they are kept."""
        d = self.document(doc_id)
        src = self.db.execute("SELECT * FROM sources WHERE id=?", (d["source_id"],)).fetchone()
        data = self.store.read_original(src["sha256"]) if src["sha256"] else None
        if data is None and src["byte_offset"] is not None:
            root = self.db.execute("SELECT sha256 FROM sources WHERE key=?", (src["key"][:64],)).fetchone()
            data = self.store.read_original(root[0], src["byte_offset"], src["byte_length"] or 0)
        return data

    # ------------------------------------------------------------------ analysis
    def people(self, limit: int | None = None) -> list[dict]:
        """Resolved identities, most active first, each with every alias it was seen under."""
        from .analyze import views
        return views.people(self.db, limit)

    @_writes("people merge")
    def merge_people(self, refs: list[str]) -> str:
        from .analyze import views
        return views.merge(self.db, refs)

    @_writes("people split")
    def split_person(self, ref: str, aliases: list[str]) -> str:
        from .analyze import views
        return views.split(self.db, ref, aliases)

    @_writes("people rename")
    def rename_person(self, ref: str, name: str) -> str:
        from .analyze import views
        return views.rename(self.db, ref, name)

    @_writes("entities")
    def entities(self, doc_id: str | None = None, progress=None):
        """With a document id: that document's entities (computed now if needed). Without: compute
        them for every document that has none, and return a summary per label."""
        from .analyze import entities
        self.analyze()
        if doc_id is not None:
            return entities.of_document(self.db, self.document(doc_id)["id"])
        entities.run(self.db, progress=progress)
        return entities.summary(self.db)

    def graph(self, fmt: str = "graphml") -> str:
        from .analyze import views
        return views.graph(self.db, fmt)

    def threads(self, limit: int | None = None, offset: int = 0, min_messages: int = 1) -> list[dict]:
        from .analyze import views
        return views.threads(self.db, limit, offset, min_messages)

    def thread(self, ref: str) -> dict:
        from .analyze import views
        return views.thread(self.db, ref)

    MODES = ("text", "semantic", "hybrid")

    def search(self, query: str, collapse: bool = True, mode: str = "text", **kw) -> tuple[list[Hit], int, float]:
        """Search: `mode` text (full text, the default), semantic (passages by meaning, across
        languages) or hybrid (both, fused by reciprocal rank). With `collapse` (the default) a
        message found in several copies is listed once: as its canonical copy when that matched
        too, else as its best-ranked copy."""
        if mode not in self.MODES:
            raise UserError(f"Unknown search mode '{mode}'; use text, semantic or hybrid.")
        if self.db.execute("SELECT 1 FROM documents LIMIT 1").fetchone() is None:
            raise UserError("This case has no documents yet; ingest some first.")
        if not self.index.exists():
            self.index.update(self.db)
        kw = self._people_filters(kw)
        if mode != "text":
            return self._semantic_search(query, mode, collapse, **kw)
        limit = kw.get("limit", 20)
        if collapse:
            kw["limit"] = min(limit * 3 + 10, 10000)
        hits, total, ms = self.index.search(query, self.db, **kw)
        if collapse and hits:
            from .analyze.views import duplicate_groups
            ids = [h.doc_id for h in hits]
            group = duplicate_groups(self.db, ids)
            present = set(ids)
            exhibits = self._recovered_from(ids)
            kept, seen = [], set()
            for h in hits:
                if h.doc_id in exhibits:
                    continue                         # an exhibit whose recovered messages are listed
                g = group.get(h.doc_id)
                if g is not None:
                    if g in seen or (g != h.doc_id and g in present):
                        continue                     # the canonical copy (or a better copy) is listed
                    seen.add(g)
                kept.append(h)
            hits = kept[:limit]
        return hits, total, ms

    def _recovered_from(self, ids: list[str]) -> set[str]:
        """The documents (exhibit PDFs, Word files) that messages among `ids` were recovered from:
        a hit in the PDF and in the message cut from it is one find, shown as the message."""
        out: set[str] = set()
        for a in range(0, len(ids), 500):
            chunk = ids[a:a + 500]
            out.update(r[0] for r in self.db.execute(
                "SELECT derived_from FROM documents WHERE kind = 'printed-email' AND derived_from IS NOT NULL "
                f"AND id IN ({','.join('?' * len(chunk))})", chunk))
        return out

    def _semantic_ready(self) -> None:
        if not self.semantic.ready(self.db):
            if self.db.execute("SELECT COUNT(*) FROM documents").fetchone()[0] == 0:
                raise UserError("This case has no documents yet; ingest some first.")
            raise UserError("This case has no passage vectors yet; run 'casefile embed' to compute them.")
        self._update_vectors()

    def _model_name(self) -> str | None:
        from .search import embeddings
        return embeddings.case_model(self.db)

    def _semantic_search(self, query, mode, collapse, sender=None, recipient=None, after=None, before=None,
                         source=None, sort="relevance", limit=20, offset=0):
        from .search.semantic import SEMANTIC_DEPTH, TEXT_DEPTH, passage_doc_hits
        if sort not in ("relevance", "date"):
            raise UserError(f"Unknown sort '{sort}'; use relevance or date.")
        if not query or not query.strip():
            raise UserError(f"{mode.capitalize()} search needs words to look for.")
        self._semantic_ready()
        t0 = time.perf_counter()
        filters = Filters(sender, recipient, after, before, source)
        want = limit + offset
        qvec = self.semantic.embed_query(self.db, query)
        phits = self.semantic.passages(self.db, qvec, max(want * 3, 30) if mode == "semantic" else SEMANTIC_DEPTH,
                                       filters)
        sem_hits = passage_doc_hits(self.db, phits, query, max(want * 2, 20) if mode == "semantic" else SEMANTIC_DEPTH)
        if mode == "semantic":
            ranked = sem_hits
        else:
            text, _, _ = self.index.search(query, self.db, sender=sender, recipient=recipient, after=after,
                                           before=before, source=source, limit=TEXT_DEPTH, ids_only=True)
            fused = fuse([[d for d, _ in text], [h.doc_id for h in sem_hits]])
            by_id = {h.doc_id: h for h in sem_hits}
            missing = [d for d, _ in fused[:want * 2] if d not in by_id]
            if missing:
                words = [w for w in query.split() if w]
                for h in self.index.hits(self.db, missing, {d: 0.0 for d in missing}, [], words):
                    by_id[h.doc_id] = h
            ranked = []
            for d, sc in fused:
                h = by_id.get(d)
                if h is not None:
                    h.score = sc
                    ranked.append(h)
        if collapse:
            ranked = self._collapse(ranked)
        total = len(ranked)
        ranked = ranked[offset:offset + limit]
        if sort == "date":
            ranked.sort(key=lambda h: (h.sent_at is None, h.sent_at or ""))
        return ranked, total, (time.perf_counter() - t0) * 1000

    def _collapse(self, hits: list[Hit]) -> list[Hit]:
        if not hits:
            return hits
        from .analyze.views import duplicate_groups
        group = duplicate_groups(self.db, [h.doc_id for h in hits])
        kept, seen = [], set()
        for h in hits:
            g = group.get(h.doc_id, h.doc_id)
            if g in seen:
                continue
            seen.add(g)
            kept.append(h)
        return kept

    def timeline(self, between: tuple[str, str] | None = None, after: str | None = None,
                 before: str | None = None, top: int | None = 30) -> dict:
        """The dispute's events in date order: the `top` that tell the story best (all with
        top=None), each with its date and precision, actors, a description taken from the source
        and the citations of the sentences that say it. `between`: only events both people took
        part in; `after`/`before`: a date range (YYYY-MM-DD)."""
        from .search import passages
        from .timeline import events as ev
        if self.db.execute("SELECT COUNT(*) FROM documents").fetchone()[0] == 0:
            raise UserError("This case has no documents yet; ingest some first.")
        if top is not None and top < 0:
            raise UserError(f"--top must be 0 (all events) or more, not {top}.")
        from .search.fulltext import parse_day
        bounds = []
        for name, value, end in (("--from", after, False), ("--to", before, True)):
            if not value:
                bounds.append(None)
                continue
            try:
                stamp = parse_day(value, end=end)
            except UserError:
                raise UserError(f"The {name} date '{value}' is not a date (use YYYY-MM-DD or 17.05.2016).") from None
            bounds.append(datetime.fromtimestamp(stamp, timezone.utc).date().isoformat())
        after, before = bounds
        passages.run(self.db)
        # each side a person or several ("A+B"), as for dispute; a side only quoted in the case
        # takes part in no event as an actor, so only the other side then narrows the events
        sides = [_side_or_speakers(self.db, x) for x in between] if between else None
        found = ev.merge(ev.from_store(self.db))
        if sides:
            found = [e for e in found if all(set(ids) & set(e.actors) for ids, _ in sides if ids)]
        if after:
            found = [e for e in found if e.day >= after[:10]]
        if before:
            found = [e for e in found if e.day <= before[:10]]
        counts = {r[0]: ev.involvement(r[1], r[2]) for r in self.db.execute("SELECT id, sent, received FROM people")}
        most = max(counts.values(), default=0) or 1
        ranked = ev.rank(found, {k: v / most for k, v in counts.items()})
        chosen = sorted(ranked[:top] if top else ranked, key=lambda e: (e.day, e.time or ""))
        names = queries.person_names(self.db)
        cite = self._citer()
        return {"events": [e.as_dict(names, cite) for e in chosen], "total": len(found),
                "between": [" + ".join([names.get(p, p) for p in ids] + named) for ids, named in sides]
                if sides else None}

    def _citer(self):
        """doc_id -> what a citation shows of its document (cached for one answer)."""
        cites: dict[str, dict] = {}

        def cite(doc_id: str) -> dict:
            if doc_id not in cites:
                d = self.document(doc_id)
                cites[doc_id] = {"document": {"id": d["id"], "kind": d["kind"], "subject": d["subject"] or d["title"],
                                              "from": d["from"], "sent_at": d["sent_at"]},
                                 "citation": d["citation"]}
            return cites[doc_id]
        return cite

    def brief(self, lang: str = "en", between: tuple[str, str] | None = None, events: int | None = None,
              rewrite: tuple[str, str] | None = None):
        """The briefing (timeline.brief.Brief): what the dispute between two people is about
        (the two most involved people when `between` is None), a dated chronology, the points of
        contention with quotes, summary bullets; every sentence cited. `rewrite` = (endpoint URL,
        model) turns the prose sections into fluent text through an OpenAI-compatible server,
        dropping every sentence whose citations do not back it."""
        from .timeline import brief as br
        if lang not in br.TEXT:
            raise UserError(f"There is no briefing in '{lang}'; use de or en.")
        if self.db.execute("SELECT COUNT(*) FROM documents").fetchone()[0] == 0:
            raise UserError("This case has no documents yet; ingest some first.")
        if between is None:
            top = [r[0] for r in self.db.execute("SELECT name FROM people WHERE name NOT LIKE '%@%' "
                                                 "ORDER BY sent + received DESC, id LIMIT 2")]
            if len(top) < 2:
                raise UserError("This case does not have two correspondents to brief on; name them with --between.")
            between = (top[0], top[1])
        timeline = self.timeline(between=between, top=events or br.CHRONOLOGY_EVENTS)
        if not timeline["events"]:
            timeline = self.timeline(top=events or br.CHRONOLOGY_EVENTS)
        out = br.build(timeline, self.dispute(*between), lang)
        if rewrite:
            out = br.rewrite(out, self.db, *rewrite)
        return out

    def dispute(self, a: str, b: str) -> dict:
        """The points of contention between two people, found from the case: for each, the words
        that name it, its first and last day, and per side the key quotes and how the side's
        position moved, every statement cited."""
        import numpy as np

        from .search import embeddings, passages
        from .search.quote import encode_cached
        from .timeline import dispute as dp
        if self.db.execute("SELECT COUNT(*) FROM documents").fetchone()[0] == 0:
            raise UserError("This case has no documents yet; ingest some first.")
        resolved = [_side_or_speakers(self.db, x) for x in (a, b)]
        members = [ids for ids, _ in resolved]
        speakers = [named for _, named in resolved]
        if set(members[0]) & set(members[1]):
            raise UserError(f"'{a}' and '{b}' name the same person in this case; name two different sides.")
        pair = tuple((ids[0] if ids else named[0]) for ids, named in resolved)
        passages.run(self.db)
        sts = dp.statements(self.db, members, speakers)
        model = embeddings.get(embeddings.case_model(self.db))
        vectors = encode_cached(model, [s.text for s in sts]) if sts else np.zeros((0, 1), dtype=np.float32)
        found = dp.contentions(sts, vectors, encode=lambda words: encode_cached(model, words))
        names = queries.person_names(self.db)
        cite = self._citer()

        def statement(s) -> dict:
            return {"date": s.day, "act": s.act, "text": s.text, "amounts": s.amounts, "lang": s.lang,
                    "via": {"id": s.via, "name": names.get(s.via, s.via)} if s.via else None,
                    "quoted_by": {"id": s.quoted_by, "name": names.get(s.quoted_by, s.quoted_by)}
                    if s.quoted_by else None,
                    "citation": dict(s.citation.as_dict(), **cite(s.doc_id))}

        issues = []
        for k in found:
            sides = []
            for i, mine in enumerate(k["sides"]):
                sides.append({"person": {"id": pair[i], "name": names.get(pair[i], pair[i])},
                              "quotes": [statement(s) for s in dp.key_quotes(mine)],
                              "positions": [dict(step, citation=statement(s)["citation"])
                                            for step, s in dp.movement(mine)],
                              "statements": [statement(s) for s in mine]})
            issues.append({"label": " · ".join(k["label"]) or k["members"][0].act, "terms": k.get("terms", k["label"]),
                           "first": k["first"], "last": k["last"], "statements": len(k["members"]),
                           "sides": sides})
        return {"between": [{"id": p if p in names else None, "name": names.get(p, p)} for p in pair],
                "sides": [[{"id": p, "name": names.get(p, p)} for p in side]
                          + [{"id": None, "name": n, "quoted_only": True} for n in named]
                          for side, named in zip(members, speakers)], "statements": len(sts),
                "issues": issues, "reason": None if issues else self._no_contention(members, sts, names, speakers)}

    def resolve_side(self, ref: str) -> dict:
        """What a side of `dispute` names: {"people": person ids, "quoted": names of people who
        never write in the case but whom its messages quote}; a UserError when it names neither."""
        ids, named = _side_or_speakers(self.db, ref)
        return {"people": ids, "quoted": named}

    def _no_contention(self, members: list[list[str]], sts: list, names: dict, speakers=((), ())) -> str:
        """Why two sides have no point of contention, in one sentence."""
        label = [" + ".join([names.get(p, p) for p in side] + list(named)) for side, named in zip(members, speakers)]
        for i in (0, 1):
            if not any(s.side == i for s in sts):
                return f"{label[i]} states no position anywhere in the case (no offer, demand, refusal or decision)."
        a, b = (set(m) for m in members)
        if not a or not b:
            return (f"{label[0]} and {label[1]} never wrote to each other (one side is only quoted in the case), "
                    "and no topic holds statements of both that disagree.")
        wrote = self.db.execute(
            "SELECT COUNT(*) FROM doc_people f JOIN doc_people t ON t.doc_id = f.doc_id AND t.role IN ('to', 'cc') "
            "WHERE f.role = 'from' AND ((f.person_id IN ({0}) AND t.person_id IN ({1})) OR "
            "(f.person_id IN ({1}) AND t.person_id IN ({0})))".format(",".join("?" * len(a)), ",".join("?" * len(b))),
            [*a, *b, *b, *a]).fetchone()[0]
        if not wrote:
            return f"{label[0]} and {label[1]} never wrote to each other, and no topic holds statements of both."
        return (f"{label[0]} and {label[1]} wrote to each other, but no topic holds statements of both sides "
                "that disagree.")

    def verify(self, article, progress=None, published: str | None = None) -> dict:
        """Check an article (a file path, or an article document's id in this case) against the
        sources: its claims, each with a verdict, the checks that decided it and its best source.
        `published` (YYYY-MM-DD) dates the article when its file does not; relative dates in it
        ("on Monday", „vor zwei Wochen“) count from that day."""
        from .search import embeddings
        from .verify import article as art
        if published is not None:
            try:
                published = date.fromisoformat(published.strip()).isoformat()
            except ValueError:
                raise UserError(f"'{published}' is not a date; give the publication date as YYYY-MM-DD.") from None
        model = embeddings.case_model(self.db)
        if model:
            embeddings.preload(model)         # on a thread, while the article and the vectors are read
        p = Path(str(article)).expanduser()
        if p.exists():
            text, title, day = art.read(p)
        else:
            try:
                d = self.document(str(article))
            except UserError:
                raise UserError(f"No such file or article in this case: {article}.") from None
            text, title, day = d["text"], d["title"] or d["subject"], d["sent_at"]
        return art.verify(self, text, title, progress=progress, published=published or day)

    def quote(self, text: str, limit: int = 5, include_articles: bool = False, **filters) -> dict:
        """Find the source of a quote (any language the model knows): the best source passages,
        each with its document, sender, date, citation and a word alignment; `found` is False
        when nothing in the case is close enough."""
        from .search import quote
        if not text or not text.strip():
            raise UserError("Give the quote to look for.")
        self._semantic_ready()
        return quote.find(self, text, limit=limit, include_articles=include_articles, **self._people_filters(filters))

    def _people_filters(self, kw: dict) -> dict:
        """--from/--to name people, not header text: each becomes the person's every name and
        address (analyze.views.person_forms), so a renamed or merged person, or one seen under
        other names, is found by any of them."""
        from .analyze import views
        if not any(isinstance(kw.get(k), str) and kw.get(k) for k in ("sender", "recipient")):
            return kw
        stamp = self.db.execute("SELECT (SELECT COUNT(*) FROM aliases), (SELECT MAX(rowid) FROM aliases), "
                                "(SELECT COUNT(*) FROM person_decisions), (SELECT COUNT(*) FROM people)").fetchone()
        cached = getattr(self, "_names", None)
        if cached is None or cached[0] != stamp:
            cached = self._names = (stamp, views.name_index(self.db), {})
        out = dict(kw)
        for k in ("sender", "recipient"):
            v = out.get(k)
            if isinstance(v, str) and v.strip():
                if v not in cached[2]:
                    cached[2][v] = views.person_forms(self.db, v, cached[1])
                out[k] = cached[2][v]
        return out


SIDE_SEPARATOR = "+"
"""`dispute "Maxwell+Menninger" "Giuffre+McCawley"`: a side of several people (a party and its
lawyers)."""


def _side_or_speakers(db, ref) -> tuple[list[str], list[str]]:
    """(person ids, names of people who never write but are quoted) of one side of a dispute. A
    name no person of the case goes by is a side when messages quote it speaking ("Davis said",
    timeline.dispute.speaker_pattern): the other party of a company's dispute is often only in
    the news clippings its people forward."""
    from .analyze.views import find_person
    from .timeline.dispute import speaker_pattern
    refs = [r.strip() for r in (ref.split(SIDE_SEPARATOR) if isinstance(ref, str) else ref) if r and r.strip()]
    if not refs:
        raise UserError("Name each side: a person, or several joined by '+'.")
    ids, named = [], []
    for r in refs:
        try:
            ids.append(find_person(db, r))
        except UserError as exc:
            if "No person" not in str(exc) or "@" in r or len(r) < 3:
                raise
            rx = speaker_pattern(r)
            rows = db.execute("SELECT text FROM documents WHERE text LIKE ? LIMIT 500", (f"%{r.split()[-1]}%",))
            if not any(rx.search(t or "") for (t,) in rows):
                raise UserError(f"No person in this case is known as '{r}', and no message quotes them; "
                                "'casefile people' lists the people.") from None
            named.append(r)
    return list(dict.fromkeys(ids)), list(dict.fromkeys(named))


_DOC_SQL = (
    "SELECT d.*, s.key AS source_key, s.path AS source_path, s.name AS source_name, s.type AS source_type,"
    " s.byte_offset, r.path AS root_path, x.group_id AS dup_group, x.canonical AS dup_canonical,"
    " x.reason AS dup_reason, tm.thread_id AS thread_id,"
    " (SELECT group_concat(dp.role || ' ' || dp.person_id, ',') FROM doc_people dp WHERE dp.doc_id = d.id)"
    " AS people_list"
    " FROM documents d JOIN sources s ON s.id = d.source_id"
    " LEFT JOIN sources r ON r.key = substr(s.key, 1, 64)"
    " LEFT JOIN duplicates x ON x.doc_id = d.id"
    " LEFT JOIN thread_members tm ON tm.doc_id = COALESCE(x.group_id, d.id)")


def _doc_dict(r, full: bool = False) -> dict:
    def people(col):
        return json.loads(r[col]) if r[col] else []

    member = r["source_key"][65:] if len(r["source_key"]) > 64 else None
    d = {
        "id": r["id"], "kind": r["kind"], "message_id": r["message_id"], "subject": r["subject"],
        "from": {"name": r["from_name"], "addr": r["from_addr"]} if (r["from_name"] or r["from_addr"]) else None,
        "to": people("to_json"), "cc": people("cc_json"), "sent_at": r["sent_at"], "sent_at_raw": r["sent_at_raw"],
        "date_flag": r["date_flag"], "lang": r["lang"],
        "languages": json.loads(r["lang_spans"]) if r["lang_spans"] else [],
        "text": r["text"] or "",
        "source": {"path": r["root_path"], "locator": member, "name": r["source_name"], "type": r["source_type"]},
        "notes": json.loads(r["notes"]) if r["notes"] else [],
        "title": r["title"],
        "citation": _citation(r),
        "derived_from": r["derived_from"],
        "meta": json.loads(r["meta"]) if r["meta"] else {},
        "thread_id": r["thread_id"],
        "duplicate_group": r["dup_group"],
        "canonical": r["dup_canonical"] is None or bool(r["dup_canonical"]),
        "duplicate_reason": r["dup_reason"] if r["dup_group"] and not r["dup_canonical"] else None,
        "people": _doc_people(r["people_list"]),
    }
    if full:
        d.update({"bcc": people("bcc_json"), "in_reply_to": r["in_reply_to"],
                  "references": json.loads(r["refs"]) if r["refs"] else [],
                  "pages": json.loads(r["pages"]) if r["pages"] else None,
                  "body_from": r["body_from"], "headers": json.loads(r["headers"]) if r["headers"] else [],
                  "source_id": r["source_id"]})
    return d


def _doc_people(listing: str | None) -> dict:
    """{"from": person id, "to": [...], "cc": [...], "bcc": [...]} from 'role pid,role pid'."""
    out: dict = {"from": None, "to": [], "cc": [], "bcc": []}
    for item in (listing or "").split(","):
        if " " in item:
            role, pid = item.split(" ", 1)
            if role == "from":
                out["from"] = pid
            elif role in out:
                out[role].append(pid)
    return out


def _citation(r) -> dict:
    """Where to find a document: the input file as the user gave it, the member inside it (an
    attachment, a zip entry), and for exhibits the pages and Bates range."""
    stored = json.loads(r["citation"]) if r["citation"] else {}
    member = r["source_key"][65:] if len(r["source_key"]) > 64 else None
    c = {"file": r["root_path"] or r["source_path"]}
    if member:
        c["member"] = r["source_name"]
    for k in ("pages", "bates", "lines"):
        if stored.get(k):
            c[k] = stored[k]
    return c


def _natural(text: str | None) -> list:
    """A sort key that orders the numbers inside a text by value (`#message-2` before `#message-10`)."""
    return [int(p) if p.isdigit() else p for p in re.split(r"(\d+)", text or "")]
