"""Zip and tar archives: every member becomes a child blob, with bounds against decompression
bombs.

Encrypted members, members over the size and ratio bounds, and members that fail their CRC are
quarantined one by one; the rest of the archive is still ingested. Every entry gets a row: links
and special files inside an archive are recorded with the reason they hold no content, and two
members of the same name both count (the second gets `#2` in its locator).

Memory: a member is unpacked in memory only up to MAX_MEMBER_IN_MEMORY, and everything unpacked
in memory for one file (archives in a mail, in an archive, ...) shares the budget that
`unpack_budget` opens (MAX_UNPACKED_PER_FILE).
"""
from __future__ import annotations

import contextvars
import io
import zipfile
from contextlib import contextmanager
from typing import Iterator

from .limits import (MAX_MEMBER_IN_MEMORY, MAX_UNPACKED_PER_FILE, MAX_ZIP_MEMBERS, MAX_ZIP_RATIO,
                     MAX_ZIP_TOTAL_BYTES)
from ..model import Blob

RATIO_MIN_BYTES = 10 << 20
"""The ratio bound only applies to members above 10 MiB (small highly compressible text is fine)."""

_BUDGET: contextvars.ContextVar[list | None] = contextvars.ContextVar("unpack_budget", default=None)


@contextmanager
def unpack_budget(nbytes: int = MAX_UNPACKED_PER_FILE):
    """Bound what the archives met while this is open unpack in memory together; a budget opened
    inside another one is the outer one (nested archives share their file's budget)."""
    if _BUDGET.get() is not None:
        yield
        return
    token = _BUDGET.set([nbytes])
    try:
        yield
    finally:
        _BUDGET.reset(token)


def _room() -> int | None:
    budget = _BUDGET.get()
    return None if budget is None else budget[0]


def _spend(nbytes: int) -> None:
    budget = _BUDGET.get()
    if budget is not None:
        budget[0] -= nbytes


def size_reason(size: int, kind: str) -> str | None:
    """Why a member of `size` bytes is not unpacked, or None."""
    if size > MAX_MEMBER_IN_MEMORY:
        return (f"the {kind} member unpacks to {size:,} bytes, more than casefile unpacks from an archive "
                f"({MAX_MEMBER_IN_MEMORY >> 20} MiB); extract the archive and ingest the extracted files")
    room = _room()
    if room is not None and size > room:
        return (f"this file's archives unpack to more than {MAX_UNPACKED_PER_FILE >> 20} MiB in all (a possible "
                "decompression bomb); this member and the rest were not unpacked")
    return None


def total_reason(unpacked: int, size: int) -> str | None:
    """Why a member of `size` bytes is not unpacked after `unpacked` bytes of its archive, or None."""
    if unpacked + size > MAX_ZIP_TOTAL_BYTES:
        return f"the archive unpacks to more than {MAX_ZIP_TOTAL_BYTES} bytes in total"
    return None


def bomb_reason(info: zipfile.ZipInfo) -> str | None:
    """Why a member must not be extracted, or None."""
    if info.flag_bits & 0x1:
        return "the zip member is encrypted (password protected)"
    if info.file_size > RATIO_MIN_BYTES and info.compress_size and info.file_size / info.compress_size > MAX_ZIP_RATIO:
        return (f"the zip member's compression ratio ({info.file_size // max(info.compress_size, 1)}:1) "
                "suggests a decompression bomb")
    return size_reason(info.file_size, "zip")


class _Locators:
    """`kind:name`, and `kind:name#2`, `#3`, ... for later members of the same name."""

    def __init__(self, kind: str):
        self.kind = kind
        self.seen: dict[str, int] = {}

    def __call__(self, name: str) -> str:
        n = self.seen[name] = self.seen.get(name, 0) + 1
        return f"{self.kind}:{name}" + (f"#{n}" if n > 1 else "")


def _name(path: str, i: int) -> str:
    return path.rstrip("/").rsplit("/", 1)[-1] or path or f"member {i + 1} (no name)"


def _read_bounded(fh, declared: int, kind: str) -> tuple[bytes | None, str | None]:
    """The member's bytes, or the reason it was not unpacked (more bytes than it declared, or
    than the budget leaves)."""
    room = _room()
    cap = MAX_MEMBER_IN_MEMORY if room is None else min(MAX_MEMBER_IN_MEMORY, max(room, 0))
    data = fh.read(cap + 1)
    if len(data) > cap:
        return None, (size_reason(len(data), kind) or
                      f"the {kind} member is larger than its header says ({declared:,} bytes)")
    _spend(len(data))
    return data, None


def iter_zip(source) -> Iterator[Blob]:
    """Yield members of a zip given as a path or bytes."""
    fileobj = io.BytesIO(source) if isinstance(source, (bytes, bytearray)) else source
    locate = _Locators("zip")
    with zipfile.ZipFile(fileobj) as zf:
        total = 0
        for i, info in enumerate(zf.infolist()):
            if info.filename and info.is_dir():     # is_dir() fails on an empty name
                continue
            name = _name(info.filename, i)
            loc = locate(info.filename or name)
            if i >= MAX_ZIP_MEMBERS:
                yield Blob(name=name, locator=loc).quarantine(f"the archive has more than {MAX_ZIP_MEMBERS} members")
                continue
            reason = bomb_reason(info) or total_reason(total, info.file_size)
            if reason:
                yield Blob(name=name, locator=loc, size=info.file_size).quarantine(reason)
                continue
            try:
                with zf.open(info) as fh:
                    data, reason = _read_bounded(fh, info.file_size, "zip")
            except (zipfile.BadZipFile, RuntimeError, NotImplementedError, OSError, EOFError, ValueError) as exc:
                yield Blob(name=name, locator=loc).quarantine(f"the zip member could not be unpacked: {exc}")
                continue
            if reason:
                yield Blob(name=name, locator=loc, size=info.file_size).quarantine(reason)
                continue
            total += len(data)
            yield Blob(name=name, locator=loc, data=data)


def iter_tar(source) -> Iterator[Blob]:
    """Yield members of a tar (plain, gzip, bzip2 or xz compressed) given as a path/file or bytes."""
    import tarfile

    fileobj = io.BytesIO(source) if isinstance(source, (bytes, bytearray)) else source
    total = 0
    locate = _Locators("tar")
    with tarfile.open(fileobj=fileobj, mode="r:*") as tf:
        for i, info in enumerate(tf):
            if info.isdir():
                continue
            name = _name(info.name, i)
            loc = locate(info.name or name)
            if i >= MAX_ZIP_MEMBERS:
                yield Blob(name=name, locator=loc).quarantine(f"the archive has more than {MAX_ZIP_MEMBERS} members")
                continue
            if info.issym():
                yield Blob(name=name, locator=loc).quarantine(
                    f"a symbolic link (to {info.linkname[:300]}) inside the archive; casefile does not follow links")
                continue
            if not (info.isfile() or info.islnk()):
                yield Blob(name=name, locator=loc).quarantine(
                    "a device, FIFO or other special entry inside the archive; it holds no content")
                continue
            reason = size_reason(info.size, "tar") or total_reason(total, info.size)
            if reason:
                yield Blob(name=name, locator=loc, size=info.size).quarantine(reason)
                continue
            try:
                fh = tf.extractfile(info)       # a hard link reads as the member it links to
            except (KeyError, tarfile.TarError) as exc:
                yield Blob(name=name, locator=loc).quarantine(
                    f"a hard link to {info.linkname[:300]}, which the archive does not hold ({exc})")
                continue
            data, reason = _read_bounded(fh, info.size, "tar") if fh is not None else (b"", None)
            if reason:
                yield Blob(name=name, locator=loc, size=info.size).quarantine(reason)
                continue
            total += len(data)
            blob = Blob(name=name, locator=loc, data=data)
            if info.islnk():
                blob.detail = f"a hard link to {info.linkname[:300]} inside the archive"
            yield blob
