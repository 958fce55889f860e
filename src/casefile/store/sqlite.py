"""The SQLite store: the truth of a case.

A case folder holds `case.db` (SQLite in WAL mode) and `originals/`, where every input and every
extracted member is kept byte-for-byte under its sha256. Writes are idempotent: sources are keyed
by a stable key (the sha256 for a top-level input, parent key + locator for a member) and
documents by a hash of their source key and locator, so re-running any ingestion adds nothing.
"""
from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import tempfile
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

from ..errors import SchemaTooNew, UserError
from ..model import HEAD_BYTES, Blob, DocRecord
from .lock import WriteLock
from .schema import DEFERRABLE_INDEXES, MIGRATIONS, SCHEMA_VERSION


class NotACase(UserError):
    """The folder's case.db is not an SQLite database."""

COPY_CHUNK = 4 << 20
SMALL_FILE = 16 << 20
PACK_DIR = "packs"
PACK_MAX = 1 << 20
"""Originals up to 1 MiB (nearly every e-mail, and most attachments) are appended to a pack file
instead of written as a file each. Measured on this VM (bench/README.md, 2026-11-22): a file of
its own costs 27-290 us (temporary file, rename, and the disk's later write-back of 100k inodes),
an append 5 us; the 100k-file Maildir ingest spent ~40 % of the main process's time there."""
PACK_FILE_MAX = 1 << 30
BULK_WAL_PAGES = 20000
"""During an ingest SQLite moves the write-ahead log into the database every 20,000 pages (80 MB)
instead of every 1,000: each such checkpoint writes every page the log holds and syncs the disk,
and an ingest's commits dirty the same index pages (random keys: sha256, document ids) again and
again. Replaying the main process's writes of the 100k-file Maildir (bench/README.md, eleventh
session): commits 9.1-12.2 s -> 5.4-6.8 s, writing in all 31-37 s -> 26-30 s."""
DEFAULT_WAL_PAGES = 1000
DEFER_MIN_DOCUMENTS = 20_000
DEFER_SHARE = 0.2


def defer_indexes(written: int, existing: int) -> bool:
    """Should an ingest that has written `written` documents so far, into a case that held
    `existing` before, drop the DEFERRABLE_INDEXES and build them again at its end?

    Measured by replaying the main process's writes for the 100k-file Maildir (bench/README.md,
    thirteenth session): kept up row by row, the four document and two source indexes cost 4-5
    CPU-s of ~25 (random keys dirty a different page for nearly every row, and each commit
    writes them all again); built afresh from the finished tables they take ~0.7 s, i.e. ~7 us
    per document in the case against ~45 us per document written. Dropping pays once the run
    has written more than a fifth (DEFER_SHARE) of what the case held; below DEFER_MIN_DOCUMENTS
    written the gain is under a second and not worth rebuilding a large case's indexes. Into an
    empty case they are dropped at once: building them at the end is always the cheaper way."""
    if existing == 0:
        return True
    return written >= DEFER_MIN_DOCUMENTS and written >= DEFER_SHARE * existing


def now_iso() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def document_id(source_key: str, locator: str) -> str:
    """Stable 16-hex-digit document id (64 bits: collision odds ~1e-9 at 100k documents)."""
    return hashlib.sha256(f"{source_key}#{locator}".encode("utf-8", "surrogatepass")).hexdigest()[:16]


class Store:
    def __init__(self, root: Path):
        self.root = Path(root)
        self.db_path = self.root / "case.db"
        self.originals = self.root / "originals"
        self._originals_dir = str(self.originals)
        self.originals.mkdir(parents=True, exist_ok=True)
        self._tmp_n = 0
        self._made_dirs: set[str] = set()
        self._pack: list | None = None              # [fd, name, size] of this writer's pack file
        self.writing = WriteLock(self.root)
        self.db = sqlite3.connect(self.db_path, isolation_level=None, timeout=60)
        self.db.row_factory = sqlite3.Row
        try:
            self.db.execute("PRAGMA journal_mode=WAL")
        except sqlite3.DatabaseError as exc:
            self.db.close()
            raise NotACase(f"{self.db_path} is not a casefile case database ({exc}); "
                           "point --case at a case folder, or at a new folder to start one.") from None
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.execute("PRAGMA foreign_keys=ON")
        self.db.execute("PRAGMA cache_size=-65536")
        self._bulk: dict | None = None
        # tidying up is a writer's job: while another process writes (its temporary files, its
        # indexes deferred on purpose), a reader leaves the case as it is
        if self.writing.try_acquire("open"):
            try:
                self.migrate()
                self.restore_indexes()
                self._clean_tmp()
            finally:
                self.writing.release()
        elif self.schema_version > SCHEMA_VERSION:
            self.migrate()                          # refused: a newer casefile wrote it
        elif self.schema_version < SCHEMA_VERSION:
            self.writing.acquire("open")            # refused with the holder's name

    # ------------------------------------------------------------------ schema
    @property
    def schema_version(self) -> int:
        return self.db.execute("PRAGMA user_version").fetchone()[0]

    def migrate(self) -> list[int]:
        """Bring the database to SCHEMA_VERSION; return the versions applied."""
        applied = []
        version = self.schema_version
        if version > SCHEMA_VERSION:
            raise SchemaTooNew(
                f"This case was written by a newer casefile (schema {version}, this one knows {SCHEMA_VERSION}); upgrade casefile.")
        while version < SCHEMA_VERSION:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                for stmt in _statements(MIGRATIONS[version]):
                    self.db.execute(stmt)
                version += 1
                self.db.execute(f"PRAGMA user_version={version}")
                self.db.execute("COMMIT")
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
            applied.append(version)
        return applied

    def close(self) -> None:
        if self._pack is not None:
            os.close(self._pack[0])
            self._pack = None
        self.db.close()

    # ------------------------------------------------------------------ originals
    def _clean_tmp(self) -> None:
        tmp = self.originals / "tmp"
        if tmp.exists():
            for p in tmp.iterdir():
                try:
                    p.unlink()
                except OSError:
                    pass

    def original_path(self, sha256: str) -> Path:
        """Where an original kept as a file of its own lives (large files and containers; see
        keep_bytes for the small ones, which live in pack files)."""
        return self.originals / sha256[:2] / sha256

    def read_original(self, sha256: str, offset: int = 0, length: int | None = None) -> bytes | None:
        """The kept bytes of an original (or `length` bytes of it from `offset`), or None."""
        row = self.db.execute('SELECT pack, "offset", length FROM packed WHERE sha256=?', (sha256,)).fetchone()
        if row is not None:
            path, start, size = self.originals / PACK_DIR / row[0], row[1] + offset, row[2] - offset
        else:
            path, start, size = self.original_path(sha256), offset, None
        if length is not None:
            size = length if size is None else min(size, length)
        try:
            with open(path, "rb") as fh:
                fh.seek(start)
                return fh.read() if size is None else fh.read(max(0, size))
        except FileNotFoundError:
            return None

    def keep_file(self, path: Path) -> tuple[str, int, bytes]:
        """Stream a large input file into originals/ as a file of its own under its sha256, never
        holding it whole; return (sha256, size, first bytes). (Files up to SMALL_FILE bytes are
        read by the ingest's workers and kept with keep_bytes or keep_as_file.)"""
        tmpdir = self.originals / "tmp"
        tmpdir.mkdir(exist_ok=True)
        h = hashlib.sha256()
        size = 0
        fd, tmp = tempfile.mkstemp(dir=tmpdir)
        try:
            with open(path, "rb") as src, os.fdopen(fd, "wb") as dst:
                while True:
                    chunk = src.read(COPY_CHUNK)
                    if not chunk:
                        break
                    h.update(chunk)
                    dst.write(chunk)
                    size += len(chunk)
            sha = h.hexdigest()
            final = self.original_path(sha)
            if final.exists():
                os.unlink(tmp)
            else:
                final.parent.mkdir(exist_ok=True)
                os.replace(tmp, final)
            with open(final, "rb") as fh:
                head = fh.read(HEAD_BYTES)
            return sha, size, head
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise

    def _mkdir(self, path: Path) -> None:
        key = str(path)
        if key not in self._made_dirs:          # one mkdir per folder per run, not one per file
            path.mkdir(exist_ok=True)
            self._made_dirs.add(key)

    def keep_bytes(self, data: bytes, sha256: str) -> None:
        """Keep an original: up to PACK_MAX bytes appended to this writer's pack file, larger ones
        as a file of their own. Call it inside the transaction that writes the rows citing it:
        the bytes reach the pack (the kernel) before its `packed` row can commit, so a killed run
        leaves at most unreferenced bytes at a pack's end, never a row pointing at nothing."""
        if len(data) > PACK_MAX:
            self.keep_as_file(data, sha256)
            return
        if self.db.execute("SELECT 1 FROM packed WHERE sha256=?", (sha256,)).fetchone() is not None:
            return
        if not self.db.in_transaction:
            with self.transaction():
                return self.keep_bytes(data, sha256)
        if os.path.exists(os.path.join(self._originals_dir, sha256[:2], sha256)):
            return                                          # kept as a file by an older casefile
        name, offset = self._pack_append(data)
        self.db.execute('INSERT INTO packed (sha256, pack, "offset", length) VALUES (?,?,?,?)',
                        (sha256, name, offset, len(data)))

    def _pack_append(self, data: bytes) -> tuple[str, int]:
        """Append to this Store's own pack file (one per writer, so that two processes writing a
        case never interleave in one file); a new pack is started past PACK_FILE_MAX bytes."""
        if self._pack is None or self._pack[2] + len(data) > PACK_FILE_MAX:
            if self._pack is not None:
                os.close(self._pack[0])
            self._mkdir(self.originals / PACK_DIR)
            name = f"{datetime.now(timezone.utc):%Y%m%dT%H%M%S}-{os.getpid()}-{os.urandom(4).hex()}.pack"
            fd = os.open(self.originals / PACK_DIR / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_APPEND, 0o644)
            self._pack = [fd, name, 0]
        fd, name, offset = self._pack
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        self._pack[2] = offset + len(data)
        return name, offset

    def keep_as_file(self, data: bytes, sha256: str) -> None:
        final = self.original_path(sha256)
        if final.exists():
            return
        self._mkdir(final.parent)
        tmpdir = self.originals / "tmp"
        self._mkdir(tmpdir)
        self._tmp_n += 1
        tmp = tmpdir / f"{os.getpid()}-{self._tmp_n}"
        with open(tmp, "wb") as fh:
            fh.write(data)
        os.replace(tmp, final)      # atomic: originals/ never holds a partial file

    # ------------------------------------------------------------------ runs
    def start_run(self, command: str) -> int:
        cur = self.db.execute("INSERT INTO runs (command, started_at) VALUES (?, ?)", (command, now_iso()))
        return cur.lastrowid

    def finish_run(self, run_id: int, summary: dict) -> None:
        self.db.execute("UPDATE runs SET finished_at=?, summary=? WHERE id=?",
                        (now_iso(), json.dumps(summary), run_id))

    # ------------------------------------------------------------------ sources
    def source_by_key(self, key: str):
        return self.db.execute("SELECT * FROM sources WHERE key=?", (key,)).fetchone()

    def input_row(self, path: str):
        return self.db.execute(
            "SELECT i.*, s.status FROM inputs i JOIN sources s ON s.id=i.source_id WHERE i.path=?",
            (path_text(path),)).fetchone()

    def input_rows(self) -> dict[str, tuple[int, int, str]]:
        """Every recorded input path -> (size, mtime_ns, source status), in one query."""
        return {r[0]: (r[1], r[2], r[3]) for r in self.db.execute(
            "SELECT i.path, i.size, i.mtime_ns, s.status FROM inputs i JOIN sources s ON s.id=i.source_id")}

    def top_sources(self) -> dict[str, tuple[int, str]]:
        """Every top-level source key (the content sha256) -> (id, status), in one query."""
        return {r[0]: (r[1], r[2]) for r in self.db.execute(
            "SELECT key, id, status FROM sources WHERE parent_id IS NULL")}

    def record_input(self, path: str, source_id: int, size: int, mtime_ns: int) -> None:
        self.db.execute(
            "INSERT INTO inputs (path, source_id, size, mtime_ns) VALUES (?,?,?,?) "
            "ON CONFLICT(path) DO UPDATE SET source_id=excluded.source_id, size=excluded.size, mtime_ns=excluded.mtime_ns",
            (path_text(path), source_id, size, mtime_ns))

    def forget_input(self, path: str, source_key: str) -> None:
        """Drop an input's row and the (document-less) source it pointed at."""
        with self.transaction():
            self.db.execute("DELETE FROM inputs WHERE path=?", (path_text(path),))
            self.db.execute("DELETE FROM sources WHERE key=? AND NOT EXISTS"
                            " (SELECT 1 FROM documents d WHERE d.source_id = sources.id)", (path_text(source_key),))

    def insert_source(self, key: str, blob: Blob, parent_id: int | None, path: str | None, depth: int,
                      run_id: int | None, status: str | None = None) -> int:
        """Insert (or find) a source row; return its id. Existing rows are left as they are."""
        key = path_text(key)             # a quarantined unreadable file's key holds its path
        row = self.db.execute("SELECT id FROM sources WHERE key=?", (key,)).fetchone()
        if row:
            return row[0]
        cur = self.db.execute(
            "INSERT INTO sources (key, parent_id, path, name, locator, sha256, size, type, status, reason, detail,"
            " byte_offset, byte_length, depth, run_id) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (key, parent_id, path_text(path), path_text(blob.name), _clean(blob.locator), blob.sha256 or None, blob.size, blob.type,
             status or blob.status, blob.reason, blob.detail, blob.offset, blob.length, depth, run_id))
        return cur.lastrowid

    def finish_source(self, source_id: int, blob: Blob) -> None:
        self.db.execute("UPDATE sources SET status=?, reason=?, detail=?, type=?, resume_offset=NULL,"
                        " resume_index=NULL WHERE id=?",
                        (blob.status, blob.reason, blob.detail, blob.type, source_id))

    def checkpoint(self, source_id: int, offset: int, index: int) -> None:
        self.db.execute("UPDATE sources SET resume_offset=?, resume_index=? WHERE id=?", (offset, index, source_id))

    def write_tree(self, blob: Blob, key: str, parent_id: int | None, path: str | None, depth: int,
                   run_id: int | None) -> int:
        """Write a blob, its documents and its children (recursively). Idempotent."""
        if blob.data and blob.sha256:
            self.keep_bytes(blob.data, blob.sha256)
        sid = self.insert_source(key, blob, parent_id, path, depth, run_id)
        for doc in blob.documents:
            self.insert_document(doc, sid, key)
        for child in blob.children:
            self.write_tree(child, f"{key}/{child.locator}", sid, None, depth + 1, run_id)
        return sid

    # ------------------------------------------------------------------ documents
    def insert_document(self, doc: DocRecord, source_id: int, source_key: str) -> str:
        did = document_id(source_key, doc.locator)
        if doc.norm is not None:             # features computed outside a worker batch: sketch now
            from ..analyze.features import add_sketches
            add_sketches([doc])
        self.db.execute(
            "INSERT OR IGNORE INTO documents (id, source_id, locator, kind, message_id, in_reply_to, refs, subject,"
            " from_name, from_addr, to_json, cc_json, bcc_json, sent_at, sent_at_raw, date_flag, lang, title, text,"
            " body_from, notes, headers, citation, pages, derived_from, meta, sketch, words, greeting, closing,"
            " lang_spans, signature_org, passaged) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (did, source_id, doc.locator, doc.kind, _clean(doc.message_id), _clean(doc.in_reply_to),
             _json(doc.references), _clean(doc.subject), _clean(doc.from_name), _clean(doc.from_addr),
             _json(doc.to), _json(doc.cc), _json(doc.bcc), doc.sent_at, _clean(doc.sent_at_raw), doc.date_flag,
             doc.lang, _clean(doc.title), _clean(doc.text), doc.body_from, _json(doc.notes), _json(doc.headers),
             _json(doc.citation), _json(doc.pages),
             document_id(source_key, doc.derived_from) if doc.derived_from is not None else None,
             _json(doc.meta or None), doc.sketch, doc.words, _clean(doc.greeting), _clean(doc.closing),
             _json(doc.lang_spans), _clean(doc.signature_org), 0 if doc.cut is None else 1))
        if doc.cut:
            self.db.executemany('INSERT OR IGNORE INTO passages (doc_id, seq, start, "end", page, bates, lang, searchable)'
                                " VALUES (?,?,?,?,?,?,?,?)", [(did, *p) for p in doc.cut])
        return did

    def transaction(self):
        return Transaction(self.db)

    @contextmanager
    def bulk_writes(self):
        """Many writes in a row (an ingest): checkpoint the log less often (BULK_WAL_PAGES); once
        the writes are many for the case (`defer_indexes`, checked by `at_commit`) drop the
        DEFERRABLE_INDEXES; at the end build them again and checkpoint as usual."""
        self.db.execute(f"PRAGMA wal_autocheckpoint={BULK_WAL_PAGES}")
        start = self._last_document_rowid()     # documents are never deleted: the highest rowid is the count
        self._bulk = {"start": start, "dropped": False}
        try:
            yield self
        finally:
            self._bulk = None
            try:
                self.restore_indexes()
            finally:
                self.db.execute(f"PRAGMA wal_autocheckpoint={DEFAULT_WAL_PAGES}")
                if not self.db.in_transaction:
                    self.db.execute("PRAGMA wal_checkpoint(PASSIVE)")

    def at_commit(self) -> None:
        """Called by a bulk writer inside each new transaction: drop the deferrable indexes once
        `defer_indexes` says so (they come back at the end of `bulk_writes`, or when the case is
        next opened if the run is killed)."""
        bulk = self._bulk
        if bulk is None or bulk["dropped"]:
            return
        if defer_indexes(self._last_document_rowid() - bulk["start"], bulk["start"]):
            with self.transaction():
                for name in DEFERRABLE_INDEXES:
                    self.db.execute(f"DROP INDEX IF EXISTS {name}")
            bulk["dropped"] = True

    def restore_indexes(self) -> list[str]:
        """Build the deferrable indexes that are missing; return their names."""
        have = {r[0] for r in self.db.execute("SELECT name FROM sqlite_master WHERE type='index'")}
        missing = [name for name in DEFERRABLE_INDEXES if name not in have]
        if missing:
            with self.transaction():
                for name in missing:
                    self.db.execute(DEFERRABLE_INDEXES[name])
        return missing

    def _last_document_rowid(self) -> int:
        return self.db.execute("SELECT COALESCE(MAX(rowid), 0) FROM documents").fetchone()[0]


class Transaction:
    """A write transaction; inside one already open it joins the outer one (which commits or
    rolls back for both)."""

    def __init__(self, db):
        self.db = db
        self.outer = False

    def __enter__(self):
        if not self.db.in_transaction:
            self.db.execute("BEGIN IMMEDIATE")
            self.outer = True
        return self.db

    def __exit__(self, exc_type, exc, tb):
        if self.outer:
            self.outer = False
            self.db.execute("COMMIT" if exc_type is None else "ROLLBACK")
        return False


def _statements(script: str) -> list[str]:
    return [s.strip() for s in script.split(";") if s.strip()]


def path_text(path) -> str | None:
    """A file path or name as stored and shown. A name that is not valid UTF-8 (`caf\\xe9.eml` from
    an old Latin-1 file system) reaches Python with surrogate escapes, which SQLite refuses; its
    bytes are shown as \\xNN instead, the same for every run, so a re-run finds the row again."""
    if path is None:
        return None
    text = os.fspath(path)
    if isinstance(text, bytes):
        text = text.decode("utf-8", "surrogateescape")
    if _encodable(text):
        return text
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _clean(value):
    """Text from hostile input may carry lone surrogates or NULs; SQLite and JSON want neither."""
    if value is None:
        return None
    if not isinstance(value, str):
        value = str(value)
    if "\x00" in value:
        value = value.replace("\x00", "")
    if not _encodable(value):
        value = value.encode("utf-8", "replace").decode("utf-8")
    return value


def stored_unchanged(text: str) -> bool:
    """True when `_clean` leaves this text as it is (no NUL, no lone surrogate)."""
    return "\x00" not in text and _encodable(text)


def _encodable(text: str) -> bool:
    if text.isascii():
        return True
    try:
        text.encode("utf-8")
        return True
    except UnicodeEncodeError:
        return False


def _json(value) -> str | None:
    if value is None or value == []:
        return None if value is None else "[]"
    return json.dumps(value, ensure_ascii=False, default=str).encode("utf-8", "replace").decode("utf-8")
