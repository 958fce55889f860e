"""Zip archives: every member becomes a child blob, with bounds against decompression bombs.

Encrypted members, members over the size and ratio bounds, and members that fail their CRC are
quarantined one by one; the rest of the archive is still ingested.
"""
from __future__ import annotations

import io
import zipfile
from typing import Iterator

from .limits import MAX_BLOB_BYTES, MAX_ZIP_MEMBERS, MAX_ZIP_RATIO, MAX_ZIP_TOTAL_BYTES
from .records import Blob

RATIO_MIN_BYTES = 10 << 20
"""The ratio bound only applies to members above 10 MiB (small highly compressible text is fine)."""


def bomb_reason(info: zipfile.ZipInfo) -> str | None:
    """Why a member must not be extracted, or None."""
    if info.flag_bits & 0x1:
        return "the zip member is encrypted (password protected)"
    if info.file_size > MAX_BLOB_BYTES:
        return f"the zip member would unpack to {info.file_size} bytes, over the {MAX_BLOB_BYTES} byte bound"
    if info.file_size > RATIO_MIN_BYTES and info.compress_size and info.file_size / info.compress_size > MAX_ZIP_RATIO:
        return (f"the zip member's compression ratio ({info.file_size // max(info.compress_size, 1)}:1) "
                "suggests a decompression bomb")
    return None


def iter_zip(source) -> Iterator[Blob]:
    """Yield members of a zip given as a path or bytes."""
    fileobj = io.BytesIO(source) if isinstance(source, (bytes, bytearray)) else source
    with zipfile.ZipFile(fileobj) as zf:
        total = 0
        for i, info in enumerate(zf.infolist()):
            if info.is_dir():
                continue
            loc = f"zip:{info.filename}"
            name = info.filename.rsplit("/", 1)[-1] or info.filename
            if i >= MAX_ZIP_MEMBERS:
                yield Blob(name=name, locator=loc).quarantine(f"the archive has more than {MAX_ZIP_MEMBERS} members")
                continue
            reason = bomb_reason(info)
            if reason is None and total + info.file_size > MAX_ZIP_TOTAL_BYTES:
                reason = f"the archive unpacks to more than {MAX_ZIP_TOTAL_BYTES} bytes in total"
            if reason:
                yield Blob(name=name, locator=loc, size=info.file_size).quarantine(reason)
                continue
            try:
                with zf.open(info) as fh:
                    data = fh.read(MAX_BLOB_BYTES + 1)
            except (zipfile.BadZipFile, RuntimeError, NotImplementedError, OSError, EOFError) as exc:
                yield Blob(name=name, locator=loc).quarantine(f"the zip member could not be unpacked: {exc}")
                continue
            if len(data) > MAX_BLOB_BYTES:
                yield Blob(name=name, locator=loc).quarantine("the zip member is larger than its header says")
                continue
            total += len(data)
            yield Blob(name=name, locator=loc, data=data)


def iter_tar(source) -> Iterator[Blob]:
    """Yield members of a tar (plain, gzip, bzip2 or xz compressed) given as a path/file or bytes."""
    import tarfile

    fileobj = io.BytesIO(source) if isinstance(source, (bytes, bytearray)) else source
    total = 0
    with tarfile.open(fileobj=fileobj, mode="r:*") as tf:
        for i, info in enumerate(tf):
            if not info.isfile():
                continue
            loc = f"tar:{info.name}"
            name = info.name.rsplit("/", 1)[-1] or info.name
            if i >= MAX_ZIP_MEMBERS:
                yield Blob(name=name, locator=loc).quarantine(f"the archive has more than {MAX_ZIP_MEMBERS} members")
                continue
            if info.size > MAX_BLOB_BYTES or total + info.size > MAX_ZIP_TOTAL_BYTES:
                yield Blob(name=name, locator=loc, size=info.size).quarantine(
                    f"the tar member would unpack to {info.size} bytes, over the bound")
                continue
            fh = tf.extractfile(info)
            data = fh.read() if fh is not None else b""
            total += len(data)
            yield Blob(name=name, locator=loc, data=data)
