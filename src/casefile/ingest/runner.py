"""The ingest stage runner: walks the inputs, dispatches them to the registry (in worker
processes, in batches, which also read and hash the files) and writes the results and the
originals to the store. The main process is the store's only writer.

Resumability: a plain file is written in one transaction with its whole tree, so a run killed
half-way has either all of it or nothing. Streamed containers (mbox, pst, zip) are written in
batches; each batch commits together with a checkpoint (byte offset and index of the last message
in an mbox), and every row is keyed so that redoing a batch adds nothing. A killed run started
again therefore ends with exactly the store an uninterrupted run gives.
"""
from __future__ import annotations

import dataclasses
import errno
import hashlib
import os
import stat
import time
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterator

from ..executor import LocalExecutor
from ..store.sqlite import SMALL_FILE, Store, path_text
from . import detect as dt
from .maildir import describe, maildir_info
from .mbox import iter_mbox
from ..model import Blob
from .registry import _mbox_blob, add_quoted, alarm_handler, analyze, cut_batch, language_batch, sketch_batch

STREAM_TYPES = {dt.MBOX, dt.OUTLOOK_PST, dt.ZIP, dt.TAR}
FILE_BATCH = 32
FILE_BATCH_BYTES = 4 << 20
FILE_WINDOW = 6
"""Batches of plain files in flight per worker: 6 instead of 2 keeps the workers busy while the
main process commits a group and reads the next files (20k-file Maildir: runner 13.9-14.4 s ->
12.5-13.1 s). A batch holds at most 4 MB besides its last file."""
MEMBER_BATCH = 256
MEMBER_BATCH_BYTES = 8 << 20
"""Batch sizes: 256 mbox messages (~1 MB of typical mail) amortise inter-process overhead to
under 5 % on the 100k-message benchmark; bigger batches only add memory."""

UNREADABLE_KEY = "unreadable:"
UNREADABLE_SIZE = -1
STREAM, UNREADABLE = "stream", "unreadable"
"""Statuses a worker gives a plain file it did not parse; the store accepts neither (its check
constraint), so the main process must resolve them before writing."""
READ_CHUNK = 1 << 20

IGNORED_NAMES = {".DS_Store", "Thumbs.db", "desktop.ini"}


@dataclass
class Summary:
    files_seen: int = 0
    unchanged: int = 0
    same_content: int = 0
    ok: int = 0
    quarantined: int = 0
    members_ok: int = 0
    members_quarantined: int = 0
    documents_added: int = 0
    seconds: float = 0.0
    reasons: Counter = field(default_factory=Counter)
    analysis: dict | None = None
    embedding: dict | None = None
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "files_seen": self.files_seen, "unchanged": self.unchanged, "same_content_as_earlier": self.same_content,
            "ok": self.ok, "quarantined": self.quarantined, "members_ok": self.members_ok,
            "members_quarantined": self.members_quarantined, "documents_added": self.documents_added,
            "seconds": round(self.seconds, 2), "quarantined_by_reason": dict(self.reasons.most_common()),
            "analysis": self.analysis, "embedding": self.embedding, "notes": self.notes,
        }


@dataclass
class InputFile:
    path: Path
    size: int
    mtime_ns: int


def walk_inputs(paths: list[Path], exclude: Path | None = None, skipped: list | None = None,
                follow_symlinks: bool = False) -> Iterator[InputFile]:
    """Every regular file under `paths`, in a stable order; symlinked folders are not followed,
    and a symlinked file only when its target lies inside the folder given (or `follow_symlinks`):
    a link in an evidence folder to /etc/passwd is not evidence. What is left out is appended to
    `skipped` as (path, reason)."""
    for root in paths:
        root = Path(root)
        if root.is_file():
            st = root.stat()
            yield InputFile(root.resolve(), st.st_size, st.st_mtime_ns)
            continue
        if not root.is_dir():                        # a fifo, socket or device given by name
            if skipped is not None:
                skipped.append((str(root.absolute()), "not a regular file (a fifo, socket or device)"))
            continue
        inside = os.path.realpath(root) + os.sep
        for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
            dirnames.sort()
            if exclude is not None:
                dirnames[:] = [d for d in dirnames if Path(dirpath, d).resolve() != exclude]
            base = os.path.realpath(dirpath)          # once per folder, not once per file
            for name in sorted(filenames):
                if name in IGNORED_NAMES:
                    continue
                full = os.path.join(base, name)
                if not follow_symlinks and os.path.islink(full) and not os.path.realpath(full).startswith(inside):
                    if skipped is not None:
                        skipped.append((full, "a symbolic link to a file outside the folder given; not followed "
                                              "(--follow-symlinks follows it)"))
                    continue
                try:
                    st = os.stat(full)               # follows a symlinked file to its target
                except OSError as exc:
                    if skipped is not None:
                        skipped.append((full, f"cannot be read ({exc.strerror or exc})"))
                    continue
                if not stat.S_ISREG(st.st_mode):
                    if skipped is not None:
                        skipped.append((full, "not a regular file (a fifo, socket or device)"))
                    continue
                yield InputFile(Path(full), st.st_size, st.st_mtime_ns)


def _count(blob: Blob, s: Summary, top: bool) -> int:
    """Count a blob tree into the summary; return how many documents it adds."""
    if not top:
        if blob.status == "ok":
            s.members_ok += 1
        else:
            s.members_quarantined += 1
            s.reasons[_reason_class(blob.reason)] += 1
    added = len(blob.documents)
    for c in blob.children:
        added += _count(c, s, False)
    s.documents_added += len(blob.documents)
    return added


def _reason_class(reason: str | None) -> str:
    """Group quarantine reasons for the summary: the text before any specific detail."""
    if not reason:
        return "unknown"
    for sep in (": ", " ("):
        if sep in reason:
            reason = reason.split(sep, 1)[0]
    return reason


# ---- worker functions (module level: they are pickled to the pool) ----

def work_files(items: list[tuple]) -> list[Blob]:
    """items: (path, file name, sha256 or None, ...metadata for the main process, kept original).

    A file without a sha256 is read and hashed here, so that the main process, which writes the
    store, does not spend its time on the files: its bytes come back with the result
    (`blob.data`, for the main process to keep). A container (mbox, pst, zip, tar) comes back
    unparsed with status STREAM, for the main process to stream; a file that cannot be read comes
    back with status UNREADABLE and the reason. A file with a sha256 is too large to pass around:
    the main process has kept it already and the worker reads the kept original."""
    out = []
    prefetch([kept or path for path, _, _, *_, kept in items])
    with alarm_handler():
        for path, name, sha, *_, kept in items:
            try:
                data = read_file(kept or path)
            except OSError as exc:
                out.append(Blob(name=name, status=UNREADABLE, reason=unreadable_reason(exc)))
                continue
            if sha is None:
                head = data[:dt.HEAD_BYTES]
                kind = dt.detect(head, name) if dt.may_be_container(head) else None
                if kind in STREAM_TYPES:
                    out.append(Blob(name=name, sha256=hashlib.sha256(data).hexdigest(), size=len(data), type=kind,
                                    status=STREAM, data=data))
                    continue
            blob = analyze(Blob(name=name, data=data), top_level=True, language=False)
            blob.data = data if sha is None else None
            box = maildir_info(path)
            if box is not None:
                blob.detail = "; ".join(x for x in (describe(box), blob.detail) if x)
            out.append(blob)
    return _finish_batch(out)


WRITE_ERRORS = (errno.ENOSPC, errno.EDQUOT, errno.EROFS)
"""Errors of writing the kept copy into the case: they stop the run (the CLI says the disk is
full), where a file that cannot be read is quarantined and the run goes on."""


def unreadable_reason(exc: OSError) -> str:
    return f"the file could not be read: {exc.strerror or exc}"


def prefetch(paths: list[str]) -> None:
    """Ask the kernel to start reading all of a batch's files at once (POSIX_FADV_WILLNEED), so
    that they are read from the disk while the first ones are parsed, not one after the other.

    Measured on this VM with the 100k-file Maildir not in the page cache, two processes reading
    10,000 files each: 0.17 ms a file read one by one, 0.05 ms with the batch's reads announced
    first; the workers of a cold ingest had spent ~40 % of their time waiting in `read_file`.
    A file that cannot be opened is left to `read_file`, which reports why."""
    if not hasattr(os, "posix_fadvise"):
        return
    for path in paths:
        try:
            fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)     # a fifo put in a file's place: no wait
        except OSError:
            continue
        try:
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_WILLNEED)
        except OSError:
            pass
        finally:
            os.close(fd)


def read_file(path: str) -> bytes:
    """A whole file's bytes, with as few system calls as Python allows (an input file is read once,
    by a worker)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        parts = []
        while True:
            chunk = os.read(fd, READ_CHUNK)
            if not chunk:
                break
            parts.append(chunk)
    finally:
        os.close(fd)
    return parts[0] if len(parts) == 1 else b"".join(parts)


def _finish_batch(out: list[Blob]) -> list[Blob]:
    """What a worker does for a whole batch once its blobs are parsed: languages, sketches, passages."""
    language_batch(out)
    sketch_batch(out)
    cut_batch(out)
    return out


def work_members(blobs: list[Blob]) -> list[Blob]:
    out = []
    with alarm_handler():
        for b in blobs:
            from_mbox = b.offset is not None
            if b.documents or b.data is None or b.data == b"":
                # pre-parsed (pst): analyse its children only
                for c in b.children:
                    if c.data is not None and c.status == "ok":
                        analyze(c, 2, language=False)
                add_quoted(b)
            else:
                analyze(b, 1, language=False)
            # not sent back: an mbox member is recoverable from the mbox by offset and length, any
            # other member's bytes are still held by the main process (_write_members). A copy, so
            # that a run without worker processes (--workers 1) keeps the bytes it was handed
            out.append(dataclasses.replace(b, data=None))
    return _finish_batch(out)


def _crashed_file(item):
    """The result for a file that killed its worker: quarantined, without a sha256 (the main
    process reads and keeps the file itself)."""
    return Blob(name=item[1]).quarantine("the parser crashed on this file (the worker process died)")


def _crashed_member(b: Blob) -> Blob:
    b.data = None
    b.documents, b.children = [], []
    return b.quarantine("the parser crashed on this member (the worker process died)")


class IngestRunner:
    def __init__(self, store: Store, workers: int | None = None,
                 progress: Callable[[int, int], None] | None = None, case_root: Path | None = None,
                 on_written: Callable[[], None] | None = None, follow_symlinks: bool = False):
        """`on_written` is called once every document is written, before the store builds its
        deferred indexes again (Case.ingest starts the full-text index update there, which needs
        none of them: the two overlap)."""
        self.store = store
        self.workers = workers
        self.progress = progress or (lambda nbytes, ndocs: None)
        self.case_root = case_root
        self.on_written = on_written
        self.follow_symlinks = follow_symlinks
        self.skipped: list[tuple[str, str]] = []

    def run(self, paths: list[Path], command: str = "ingest") -> Summary:
        t0 = time.monotonic()
        s = Summary()
        run_id = self.store.start_run(command)
        _slack_users.cache_clear()              # a later run in the same process reads users.json again
        from .pdf import start_ocr_budget
        start_ocr_budget()                      # before the workers fork: they share the run's deadline
        self.run_id = run_id
        # walked lazily, as the work is handed out: the workers start on the first files at once
        # instead of after a walk of the whole tree (~2 s for a 100k-file Maildir)
        self.skipped: list[tuple[str, str]] = []
        files = walk_inputs(paths, exclude=self.case_root.resolve() if self.case_root else None,
                            skipped=self.skipped, follow_symlinks=self.follow_symlinks)
        self._streams: list[tuple[int, InputFile, str, str]] = []
        self._later_paths: list[tuple[InputFile, str]] = []
        self._seen: set[str] = set()
        self._known = self.store.top_sources()           # one query instead of one per file
        from ..analyze.language import load_model, unload_model
        try:
            # the workers share the model; the main process, which does not use it, lets it go
            with LocalExecutor(self.workers, before_fork=load_model, after_fork=unload_model) as ex, \
                    self.store.bulk_writes():
                self._plain(ex, self._classify(files, s), s)   # classification runs lazily, overlapping the parsing
                for _, f, sha, kind in sorted(self._streams, key=lambda x: x[0]):
                    self._stream(ex, f, sha, kind, s)
                if self.on_written is not None:
                    self.on_written()
        finally:
            unload_model()
        for f, sha in self._later_paths:
            src = self.store.source_by_key(sha)
            if src is not None:
                self.store.record_input(str(f.path), src["id"], f.size, f.mtime_ns)
                s.same_content += 1
        for path, why in self.skipped:             # each gets a row: every file given is accounted for
            self._unreadable(InputFile(Path(path), 0, 0), why, s)
            s.notes.append(f"{path}: {why}")
        s.seconds = time.monotonic() - t0
        self.store.finish_run(run_id, s.as_dict())
        return s

    def _classify(self, files: Iterator[InputFile], s: Summary):
        """Yield each new or changed file as a work item: (path, name, sha256 or None, size,
        mtime_ns, retry, walk position, kept original or None). Files up to SMALL_FILE bytes are
        read and hashed by the workers (sha256 None); larger ones are kept here first, streamed
        into originals/, and then either collected as containers or passed on by their kept copy.
        `retry` marks a file quarantined as unreadable by an earlier run."""
        known_inputs = self.store.input_rows()          # one query instead of one per file
        for order, f in enumerate(files):
            s.files_seen += 1
            path = str(f.path)
            row = known_inputs.get(path_text(path))
            if row and row[0] == f.size and row[1] == f.mtime_ns and row[2] != "ingesting":
                s.unchanged += 1
                self.progress(f.size, 0)
                continue
            retry = bool(row and row[0] == UNREADABLE_SIZE)
            if f.size <= SMALL_FILE:
                yield path, f.path.name, None, f.size, f.mtime_ns, retry, order, None
                continue
            try:
                sha, f.size, head = self.store.keep_file(f.path)
            except OSError as exc:
                if exc.errno in WRITE_ERRORS:       # the case's disk, not the input: stop, resumably
                    raise
                self._unreadable(f, unreadable_reason(exc), s)
                continue
            if retry:                                   # readable now: the old quarantine goes
                self.store.forget_input(path, UNREADABLE_KEY + path)
            if self._repeated(f, sha, s):
                continue
            kind = dt.detect(head, f.path.name) if dt.may_be_container(head) else None
            if kind in STREAM_TYPES:
                self._streams.append((order, f, sha, kind))
            else:
                yield path, f.path.name, sha, f.size, f.mtime_ns, False, order, str(self.store.original_path(sha))

    def _repeated(self, f: InputFile, sha: str, s: Summary) -> bool:
        """True (and the path recorded) when this content is in the case already, or came earlier
        in this run; otherwise the content is marked as seen."""
        existing = self._known.get(sha)
        if existing is not None and existing[1] != "ingesting":
            self.store.record_input(str(f.path), existing[0], f.size, f.mtime_ns)
            s.same_content += 1
            self.progress(f.size, 0)
            return True
        if sha in self._seen:
            self._later_paths.append((f, sha))
            self.progress(f.size, 0)
            return True
        self._seen.add(sha)
        return False

    def _unreadable(self, f: InputFile, reason: str, s: Summary) -> None:
        """A file that cannot be read (no permission, gone since the walk) is quarantined under its
        path; its input row gets no size, so the next run tries it again."""
        blob = Blob(name=f.path.name, size=f.size).quarantine(reason)
        with self.store.transaction():
            sid = self.store.write_tree(blob, UNREADABLE_KEY + str(f.path), None, str(f.path), 0, self.run_id)
            self.store.record_input(str(f.path), sid, UNREADABLE_SIZE, f.mtime_ns)
        s.quarantined += 1
        s.reasons[_reason_class(blob.reason)] += 1
        self.progress(f.size, 0)

    # ---------------------------------------------------------------- plain files
    def _plain_batches(self, plain):
        batch, nbytes = [], 0
        for item in plain:
            batch.append(item)
            nbytes += item[3]
            if len(batch) >= FILE_BATCH or nbytes >= FILE_BATCH_BYTES:
                yield batch
                batch, nbytes = [], 0
        if batch:
            yield batch

    def _plain(self, ex: LocalExecutor, plain, s: Summary) -> None:
        with _GroupCommit(self.store) as group:
            for batch, results in ex.map_batches(work_files, self._plain_batches(plain), _crashed_file,
                                                 per_worker=FILE_WINDOW):
                group.write(self._write_plain, batch, results, s)
                group.step(len(batch))

    def _write_plain(self, batch: list[tuple], results: list[Blob], s: Summary) -> None:
        """Write one batch of parsed files (inside the open group transaction): first settle what
        the workers found out about each file's content (repeated, a container, unreadable)."""
        ndocs = 0
        for (path, name, sha, size, mtime_ns, retry, order, _), blob in zip(batch, results):
            f = InputFile(Path(path), size, mtime_ns)
            if blob.status == UNREADABLE:
                self._unreadable(f, blob.reason, s)
                continue
            if sha is None:                             # read by the worker
                data = blob.data
                if not blob.sha256:                     # the worker died on it: read it here
                    try:
                        data = read_file(path)
                    except OSError as exc:
                        self._unreadable(f, unreadable_reason(exc), s)
                        continue
                    blob.sha256, blob.size = hashlib.sha256(data).hexdigest(), len(data)
                sha = blob.sha256
                f.size = blob.size
                if retry:                               # readable now: the old quarantine goes
                    self.store.forget_input(path, UNREADABLE_KEY + path)
                if self._repeated(f, sha, s):
                    continue
                if blob.status == STREAM:               # containers are streamed from their file
                    self.store.keep_as_file(data, sha)
                    self._streams.append((order, f, sha, blob.type))
                    continue
                self.store.keep_bytes(data, sha)
            blob.data = None
            if any(d.kind == "chat" and d.meta.get("platform") == "slack" for d in blob.documents):
                _slack_context(blob, f.path)
            blob.sha256, blob.size = sha, f.size
            sid = self.store.write_tree(blob, sha, None, path, 0, self.run_id)
            self.store.record_input(path, sid, f.size, mtime_ns)
            ndocs += _count(blob, s, True)
            if blob.status == "ok":
                s.ok += 1
            else:
                s.quarantined += 1
                s.reasons[_reason_class(blob.reason)] += 1
            self.progress(f.size, 0)
        self.progress(0, ndocs)

    # ---------------------------------------------------------------- containers
    def _stream(self, ex: LocalExecutor, f: InputFile, sha: str, kind: str, s: Summary) -> None:
        original = self.store.original_path(sha)
        top = Blob(name=f.path.name, sha256=sha, size=f.size, type=kind, status="ingesting")
        with self.store.transaction():
            sid = self.store.insert_source(sha, top, None, str(f.path), 0, self.run_id, status="ingesting")
            self.store.record_input(str(f.path), sid, f.size, f.mtime_ns)
        row = self.store.source_by_key(sha)
        start_offset, start_index = row["resume_offset"] or 0, row["resume_index"] or 0
        self._done_bytes = start_offset
        self.progress(start_offset, 0)
        try:
            if kind == dt.MBOX:
                fh = open(original, "rb")
                members = (_mbox_blob(m) for m in iter_mbox(fh, start_offset, start_index))
            elif kind == dt.OUTLOOK_PST:
                from .outlook import iter_pst
                fh = None
                members = iter_pst(str(original))
            elif kind == dt.TAR:
                from .archive import iter_tar
                fh = open(original, "rb")
                members = iter_tar(fh)
            else:
                from .archive import iter_zip
                fh = open(original, "rb")
                members = iter_zip(fh)
            with _GroupCommit(self.store) as group:
                for batch, results in ex.map_batches(work_members, _member_batches(members), _crashed_member,
                                                     weight=_batch_bytes, max_weight=MEMBER_BYTES_IN_FLIGHT):
                    group.write(self._write_members, sid, sha, batch, results, s)
                    group.step(len(results))
            if fh is not None:
                fh.close()
            total = self.store.db.execute("SELECT COUNT(*) FROM sources WHERE parent_id=?", (sid,)).fetchone()[0]
            top.status = "ok"
            top.detail = f"{_KIND_NAMES.get(kind, kind)} with {total} member(s)"
            s.ok += 1
        except Exception as exc:  # noqa: BLE001 - a broken container is quarantined, the batch goes on
            top.status = "quarantined"
            top.reason = f"could not be read as {_KIND_NAMES.get(kind, kind)}: {type(exc).__name__}: {str(exc)[:200]}"
            s.quarantined += 1
            s.reasons[_reason_class(top.reason)] += 1
        with self.store.transaction():
            self.store.finish_source(sid, top)
        self.progress(max(0, f.size - self._done_bytes), 0)

    def _write_members(self, sid: int, sha: str, batch: list[Blob], results: list[Blob], s: Summary) -> None:
        """Write one batch of container members and the checkpoint after them (inside the open
        group transaction, so a killed run resumes after the last committed member)."""
        for sent, blob in zip(batch, results):
            if blob.data is None and sent.offset is None and sent.data:
                blob.data = sent.data               # the worker did not send the bytes back
            self.store.write_tree(blob, f"{sha}/{blob.locator}", sid, None, 1, self.run_id)
        last = batch[-1]
        if last.offset is not None:
            self.store.checkpoint(sid, last.offset, int(last.locator.split(":")[1]))
        ndocs = sum(_count(blob, s, False) for blob in results)
        if last.offset is not None:
            advance = last.offset - self._done_bytes
            self._done_bytes = last.offset
            self.progress(advance, ndocs)
        else:
            self.progress(0, ndocs)


COMMIT_FILES = 1024
COMMIT_SECONDS = 2.0
"""Plain files are committed in groups of up to 1,024 files or 2 s of work. Every file adds rows
under random keys (sha256, document id, message id) to several indexes, and a commit writes each
page it touched to the WAL in full: on the 20k-file Maildir a commit per batch of 32 files cost
3.7-6.4 ms, 4 s of the run. A killed run loses at most the open group, which the next run redoes."""


class _GroupCommit:
    """One transaction around several batches, committed every COMMIT_FILES files or
    COMMIT_SECONDS. Each batch is written under a savepoint, so the transaction only ever holds
    whole batches: when the run stops on an error (a container breaking off, Ctrl-C) what was
    written is committed, as it was with a commit per batch. Work done between batches while it
    is open (classifying the next files) joins it."""

    def __init__(self, store: Store):
        self.store = store
        self.db = store.db

    def __enter__(self):
        self._begin()
        return self

    def _begin(self):
        self.db.execute("BEGIN IMMEDIATE")
        self.files, self.since = 0, time.monotonic()
        self.store.at_commit()

    def write(self, fn, *args) -> None:
        self.db.execute("SAVEPOINT batch")
        try:
            fn(*args)
        except BaseException:
            self.db.execute("ROLLBACK TO batch")
            self.db.execute("RELEASE batch")
            raise
        self.db.execute("RELEASE batch")

    def step(self, files: int) -> None:
        self.files += files
        if self.files >= COMMIT_FILES or time.monotonic() - self.since >= COMMIT_SECONDS:
            self.db.execute("COMMIT")
            self._begin()

    def __exit__(self, *exc):
        if self.db.in_transaction:
            try:
                self.db.execute("COMMIT")
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
        return False


MAX_SLACK_USERS_BYTES = 20 << 20


@lru_cache(maxsize=16)
def _slack_users(users: str) -> bytes | None:
    """An export's users.json, read once per run however many day files the export has."""
    try:
        if os.path.isfile(users) and os.path.getsize(users) <= MAX_SLACK_USERS_BYTES:
            with open(users, "rb") as fh:
                return fh.read()
    except OSError:
        pass
    return None


def _slack_context(blob: Blob, path: Path) -> None:
    """A Slack day file sits in <export>/<channel>/; names come from <export>/users.json."""
    from .chat import resolve_slack_users
    resolve_slack_users(blob.documents, _slack_users(str(path.parent.parent / "users.json")), path.parent.name)


_KIND_NAMES = {dt.MBOX: "mbox", dt.OUTLOOK_PST: "Outlook pst", dt.ZIP: "zip archive", dt.TAR: "tar archive"}


MEMBER_BYTES_IN_FLIGHT = 64 << 20
"""Archive members handed to the workers and not yet written back: at most 64 MiB (or one
larger member). Each byte in flight is held about four times (the main process's copy, the
pickle sent, the worker's copy, its parse): 8 members of 100 MiB peaked at 1.6 GB for the
ingest's processes before this bound, tests/test_bombs.py."""


def _batch_bytes(batch: list[Blob]) -> int:
    return sum(len(m.data or b"") for m in batch)


def _member_batches(members: Iterator[Blob]) -> Iterator[list[Blob]]:
    batch, nbytes = [], 0
    for m in members:
        batch.append(m)
        nbytes += len(m.data or b"")
        if len(batch) >= MEMBER_BATCH or nbytes >= MEMBER_BATCH_BYTES:
            yield batch
            batch, nbytes = [], 0
    if batch:
        yield batch
