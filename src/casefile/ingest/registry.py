"""The ingestor registry and the recursive analysis of one blob.

Each `Ingestor` declares the types it handles (as detected from content by `detect`), the
extensions it is usually seen with, and either a whole-blob `parse` function or a streaming
`members` function (containers). `analyze` is a pure function from bytes to a `Blob` tree: it
runs in worker processes and never touches the store.
"""
from __future__ import annotations

import hashlib
import signal
import threading
from contextlib import contextmanager
from functools import lru_cache
from dataclasses import dataclass
from typing import Callable, Iterator

from ..analyze.features import add_features, add_sketches
from ..analyze.language import detect_many, passages_many
from ..errors import ParseBudgetExceeded
from . import detect as dt
from .archive import iter_tar, iter_zip, unpack_budget
from .article import parse_html
from .documents import parse_docx, parse_text, split_quoted
from .limits import MAX_BLOB_BYTES, MAX_DEPTH, MAX_MESSAGE_BYTES, PARSE_SECONDS
from .mail import parse_mail
from .outlook import parse_msg
from .pdf import PDF_PARSE_SECONDS, parse_pdf
from ..model import Blob
from .tnef import parse_tnef


@dataclass(frozen=True)
class Ingestor:
    """A format casefile reads. A plugin package adds one by an entry point in the group
    `casefile.ingestors` that names an Ingestor (or a list of them, or a function returning
    either); `detect(head, name)` says whether a blob's first bytes and name are its format, and
    the plugin with the highest `score` whose `detect` says yes decides the blob's type (built-in
    formats have score 0: a plugin of score 0 only claims what casefile itself cannot tell apart
    from plain text or unknown bytes)."""
    name: str
    types: tuple[str, ...]
    extensions: tuple[str, ...] = ()
    parse: Callable[[bytes, str], Blob] | None = None          # whole blob -> Blob
    members: Callable[..., Iterator[Blob]] | None = None       # container -> member Blobs
    max_bytes: int = MAX_BLOB_BYTES
    seconds: float | None = None                                # parse budget, if not PARSE_SECONDS
    detect: Callable[[bytes, str], bool] | None = None           # plugins: is this blob mine?
    score: int = 0


def _mbox_members(data: bytes) -> Iterator[Blob]:
    import io

    from .mbox import iter_mbox
    for m in iter_mbox(io.BytesIO(data)):
        yield _mbox_blob(m)


def _mbox_blob(m) -> Blob:
    b = Blob(name=f"message {m.index + 1}", locator=f"mbox:{m.index}", data=m.data, type=dt.RFC822,
             offset=m.offset, length=len(m.data))
    if m.oversize:
        b.quarantine(f"the message is larger than {MAX_MESSAGE_BYTES} bytes")
    return b


def _pst_members(data: bytes) -> Iterator[Blob]:
    import os
    import tempfile

    from .outlook import iter_pst
    fd, tmp = tempfile.mkstemp(suffix=".pst")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        yield from iter_pst(tmp)
    finally:
        os.unlink(tmp)


REGISTRY: list[Ingestor] = [
    Ingestor("email", (dt.RFC822,), (".eml", ".txt", ""), parse=parse_mail, max_bytes=MAX_MESSAGE_BYTES),
    Ingestor("mbox", (dt.MBOX,), (".mbox", ".mbx", ""), members=_mbox_members),
    Ingestor("outlook-msg", (dt.OUTLOOK_MSG,), (".msg",), parse=parse_msg),
    Ingestor("outlook-pst", (dt.OUTLOOK_PST,), (".pst", ".ost"), members=_pst_members),
    Ingestor("tnef", (dt.TNEF,), (".dat",), parse=parse_tnef),
    Ingestor("zip", (dt.ZIP,), (".zip",), members=iter_zip),
    Ingestor("tar", (dt.TAR,), (".tar", ".tgz", ".tar.gz"), members=iter_tar),
    Ingestor("html", (dt.HTML,), (".html", ".htm"), parse=parse_html),
    Ingestor("text", (dt.TEXT,), (".txt", ".csv", ".json", ".xml"), parse=parse_text),
    Ingestor("pdf", (dt.PDF,), (".pdf",), parse=parse_pdf, seconds=PDF_PARSE_SECONDS),
    Ingestor("docx", (dt.DOCX,), (".docx",), parse=parse_docx),
    Ingestor("office", (dt.XLSX, dt.PPTX, dt.ODF, dt.OLE, dt.RTF), (".xlsx", ".doc", ".rtf"), parse=None),
]

_BY_TYPE = {t: ing for ing in REGISTRY for t in ing.types}
PLUGIN_GROUP = "casefile.ingestors"
PLUGIN_ERRORS: list[str] = []
"""Plugins that could not be loaded, each with its error (shown by `casefile formats`)."""


@lru_cache(maxsize=1)
def plugins() -> tuple[Ingestor, ...]:
    """The ingestors that installed packages add through the `casefile.ingestors` entry points,
    highest score first. Loaded once per process, before the workers fork; a plugin that fails to
    load is left out and its error kept in PLUGIN_ERRORS, never stopping an ingest."""
    from importlib.metadata import entry_points
    found: list[Ingestor] = []
    for ep in entry_points(group=PLUGIN_GROUP):
        try:
            obj = ep.load()
            if callable(obj) and not isinstance(obj, Ingestor):
                obj = obj()
            items = list(obj) if isinstance(obj, (list, tuple)) else [obj]
            bad = [x for x in items if not isinstance(x, Ingestor) or not x.types or not (x.parse or x.members)]
            if bad:
                raise TypeError(f"{ep.value} gives {bad[0]!r}, not an Ingestor with types and parse or members")
            found.extend(items)
        except Exception as exc:  # noqa: BLE001 - a broken plugin is reported, not fatal
            PLUGIN_ERRORS.append(f"{ep.name} ({ep.value}): {type(exc).__name__}: {exc}")
    return tuple(sorted(found, key=lambda i: -i.score))


def all_ingestors() -> list[Ingestor]:
    return list(plugins()) + REGISTRY


def ingestor_for(mime: str) -> Ingestor | None:
    for ing in plugins():
        if mime in ing.types:
            return ing
    return _BY_TYPE.get(mime)


def detect_type(head: bytes, name: str) -> str:
    """The blob's type: casefile's own detection (detect.py), unless a plugin claims the blob —
    one with a score above 0 always, one of score 0 only where casefile sees plain text or
    unknown bytes."""
    found = dt.detect(head, name)
    for ing in plugins():
        if ing.detect is None or (ing.score <= 0 and found not in (dt.TEXT, dt.UNKNOWN)):
            continue
        try:
            if ing.detect(head, name):
                return ing.types[0]
        except Exception:  # noqa: BLE001 - a plugin's detector failing is the plugin's "no"
            continue
    return found


_BUDGETS: list[float] = []
"""The parse budgets in force, innermost last (for the message of the alarm)."""
_HANDLER_SET = False


def _on_alarm(signum, frame):
    raise ParseBudgetExceeded(f"parsing took longer than {_BUDGETS[-1]:g} s" if _BUDGETS else "parsing took too long")


@contextmanager
def alarm_handler():
    """Install the budgets' SIGALRM handler for a block in which many blobs are parsed (a worker's
    batch), so that each `budget` only sets the timer: signal.signal is ~15 us, twice per
    message. The previous handler comes back after the block."""
    global _HANDLER_SET
    if _HANDLER_SET or threading.current_thread() is not threading.main_thread():
        yield
        return
    old = signal.signal(signal.SIGALRM, _on_alarm)
    _HANDLER_SET = True
    try:
        yield
    finally:
        _HANDLER_SET = False
        signal.signal(signal.SIGALRM, old)


@contextmanager
def budget(seconds: float):
    """Raise ParseBudgetExceeded when the block runs longer than `seconds` (main thread only)."""
    if threading.current_thread() is not threading.main_thread() or seconds <= 0:
        yield
        return
    with alarm_handler():
        _BUDGETS.append(seconds)
        signal.setitimer(signal.ITIMER_REAL, seconds)
        try:
            yield
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            _BUDGETS.pop()


def _describe(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text[:200]}" if text else type(exc).__name__


def analyze(blob: Blob, depth: int = 0, top_level: bool = False, seconds: float = PARSE_SECONDS,
            language: bool = True) -> Blob:
    """See `_analyze`; what the archives inside this blob unpack in memory is bounded together
    (archive.unpack_budget)."""
    with unpack_budget():
        return _analyze(blob, depth, top_level, seconds, language)


def _analyze(blob: Blob, depth: int = 0, top_level: bool = False, seconds: float = PARSE_SECONDS,
             language: bool = True) -> Blob:
    """Detect and parse `blob.data` (recursively for its children), in place; return the blob.
    With `language` False the documents' languages are left to the caller (`language_batch`,
    which the ingest workers run once for a whole batch).

    Top-level inputs of an unknown or empty type are quarantined; members of those types are kept
    (an attachment we cannot read is still evidence that it was attached).
    """
    if blob.status == "quarantined":
        return blob
    data = blob.data or b""
    blob.size = len(data)
    blob.sha256 = hashlib.sha256(data).hexdigest()
    declared = blob.type
    detected = detect_type(data[: dt.HEAD_BYTES], blob.name)
    if declared == dt.RFC822 and detected in (dt.TEXT, dt.UNKNOWN, dt.MBOX) and data.strip():
        detected = dt.RFC822          # an attached message/rfc822 with odd headers is still mail
    blob.type = detected
    if depth > MAX_DEPTH:
        return blob.quarantine(f"nested more than {MAX_DEPTH} containers deep")
    if detected == dt.EMPTY:
        return blob.quarantine("the file is empty") if top_level else _note(blob, "empty")
    ing = ingestor_for(detected)
    if ing is None or (ing.parse is None and ing.members is None):
        if dt.is_media(detected) or not top_level or detected in (dt.XLSX, dt.PPTX, dt.ODF, dt.OLE, dt.RTF):
            return _note(blob, f"stored; no text is taken from {detected} files yet")
        return blob.quarantine(f"not a format casefile reads (content looks like {detected})")
    if len(data) > ing.max_bytes:
        return blob.quarantine(f"too large to parse ({len(data)} bytes; the bound for {ing.name} is {ing.max_bytes})")
    try:
        with budget(ing.seconds or seconds):
            if ing.members is not None:
                blob.children = list(ing.members(data))
                blob.detail = f"{ing.name} with {len(blob.children)} member(s)"
            else:
                parsed = ing.parse(data, blob.name)
                blob.documents = parsed.documents
                blob.children = parsed.children
                blob.detail = parsed.detail
                blob.type = parsed.type or detected
                if parsed.status == "quarantined":
                    blob.quarantine(parsed.reason)
    except ParseBudgetExceeded as exc:
        blob.documents, blob.children = [], []
        return blob.quarantine(str(exc))
    except RecursionError:
        blob.documents, blob.children = [], []
        return blob.quarantine(f"the {ing.name} structure is nested too deeply to parse")
    except MemoryError:
        blob.documents, blob.children = [], []
        return blob.quarantine(f"ran out of memory parsing this {ing.name} file")
    except Exception as exc:  # noqa: BLE001 - hostile input: any parser failure is a quarantine reason
        blob.documents, blob.children = [], []
        return blob.quarantine(f"could not be read as {ing.name}: {_describe(exc)}")
    for child in blob.children:
        if child.data is not None and child.status == "ok":
            analyze(child, depth + 1, seconds=seconds, language=False)
    _merge_tnef_body(blob)
    add_quoted(blob)
    if language:
        language_batch([blob])
    return blob


def language_batch(blobs: list[Blob]) -> None:
    """Set the language of each document of these blob trees that has none yet, and the
    languages of the paragraphs of mixed-language ones (see analyze.language), detecting them
    all together."""
    docs = [d for b in _tree(blobs) for d in b.documents]
    need = [d for d in docs if d.lang is None]
    for d, (lang, _) in zip(need, detect_many([d.text or d.subject or "" for d in need])):
        d.lang = lang
    mixed = [d for d in docs if d.kind != "chat" and d.text and "\n\n" in d.text]
    for d, spans in zip(mixed, passages_many([d.text for d in mixed])):
        d.lang_spans = spans or None


def add_quoted(blob: Blob) -> None:
    """Recover the messages quoted inside each e-mail of the blob (see documents.split_quoted) and
    compute every document's comparison features (see analyze.features) from its own text."""
    extra = []
    for doc in blob.documents:
        own = doc.text or ""
        if doc.kind == "email":
            try:
                own, quoted = split_quoted(doc)
                extra.extend(quoted)
            except RecursionError:
                doc.notes.append("quoted messages nested too deeply to recover")
        add_features(doc, own, defer_sketch=True)
    for doc in extra:
        add_features(doc, doc.text or "", defer_sketch=True)
    blob.documents.extend(extra)


def sketch_batch(blobs: list[Blob]) -> None:
    """Sketch, in one numpy pass, every document of these blob trees that `add_quoted` left
    waiting (see analyze.features.sketch_many)."""
    add_sketches([d for b in _tree(blobs) for d in b.documents])


def _tree(blobs: list[Blob]) -> Iterator[Blob]:
    """Every blob of these trees (children included)."""
    stack = list(blobs)
    while stack:
        b = stack.pop()
        stack.extend(b.children)
        yield b


def cut_batch(blobs: list[Blob]) -> None:
    """Cut every document of these blob trees into passages in the worker (see search.passages),
    so the ingest's main process only writes them. A PDF whose printed e-mails were recovered
    as documents of their own is not searchable (those are cited instead); copies are marked
    after the duplicates are known. A text the store will clean (NULs, lone surrogates) is left
    to the passage stage, which cuts the stored text."""
    from ..search.passages import cut, searchable_kind
    from ..store.sqlite import stored_unchanged
    for b in _tree(blobs):
        printed = any(d.kind == "printed-email" for d in b.documents)
        for d in b.documents:
            text = d.text or ""
            if not stored_unchanged(text):
                continue
            ok = 1 if searchable_kind(d.kind, printed) else 0
            d.cut = [(p.seq, p.start, p.end, p.page, p.bates, p.lang, ok)
                     for p in cut(d.kind, text, d.pages, d.citation, d.lang, d.lang_spans)]


def _note(blob: Blob, detail: str) -> Blob:
    blob.detail = detail
    return blob


def _merge_tnef_body(blob: Blob) -> None:
    """Outlook mail sent as TNEF carries its real body inside winmail.dat: lift it into the e-mail."""
    if not blob.documents or blob.documents[0].kind != "email" or blob.documents[0].text.strip():
        return
    for child in blob.children:
        if child.type == dt.TNEF:
            for d in child.documents:
                if d.kind == "tnef-body" and d.text.strip():
                    blob.documents[0].text = d.text
                    blob.documents[0].body_from = f"winmail.dat ({d.body_from})"
                    return
