"""Streaming mbox reader: mboxo, mboxrd, mboxcl/cl2 (Content-Length) and the From_ variants seen
in the wild (`From addr date`, `From - date`, `From MAILER-DAEMON ...`, `From "quoted name" ...`,
missing or odd dates).

The file is never loaded whole: messages are yielded one at a time with their byte offset, so a
2 GB mbox needs only as much memory as its largest message, and a run can resume from an offset.

Splitting rule (pure function `is_from_line`): a line starting with 'From ' begins a new message
when it is at the start of the file or follows an empty line, and either carries a date-like token
or is followed by a header line. In Content-Length mboxes, a valid Content-Length that ends exactly
at EOF or at a blank line / next From_ line is trusted, so unescaped 'From ' lines inside bodies
stay in the body.
"""
from __future__ import annotations

import re
from typing import BinaryIO, Iterator

from .detect import _FIELD
from .limits import MAX_MESSAGE_BYTES

_DATEISH = re.compile(rb"(\d{1,2}:\d{2})|(\b(19|20)\d{2}\b)")
_ESCAPED_FROM = re.compile(rb"^>(>*From )", re.M)
_CONTENT_LENGTH = re.compile(rb"^content-length:[ \t]*(\d{1,12})[ \t]*\r?$", re.I | re.M)


def is_from_line(line: bytes, prev_blank: bool, next_line: bytes | None) -> bool:
    """Does `line` start a new message?"""
    if not line.startswith(b"From ") or not prev_blank:
        return False
    if _DATEISH.search(line):
        return True
    return next_line is not None and bool(_FIELD.match(next_line))


class MboxMessage:
    __slots__ = ("index", "offset", "data", "from_line", "oversize")

    def __init__(self, index: int, offset: int, data: bytes, from_line: bytes, oversize: bool = False):
        self.index, self.offset, self.data, self.from_line, self.oversize = index, offset, data, from_line, oversize


def _finish(lines: list[bytes], unescape: bool) -> bytes:
    data = b"".join(lines)
    # the blank line before the next From_ belongs to the mbox format, not to the message
    if data.endswith(b"\r\n\r\n"):
        data = data[:-2]
    elif data.endswith(b"\n\n"):
        data = data[:-1]
    if unescape and b">From " in data:
        data = _ESCAPED_FROM.sub(rb"\1", data)
    return data


def iter_mbox(fp: BinaryIO, start_offset: int = 0, start_index: int = 0) -> Iterator[MboxMessage]:
    """Yield the messages of an mbox opened in binary mode, beginning at `start_offset`."""
    fp.seek(start_offset)
    index = start_index
    pos = start_offset
    pending: bytes | None = None          # one line of look-ahead

    def readline() -> bytes:
        nonlocal pending
        if pending is not None:
            line, pending = pending, None
            return line
        return fp.readline()

    def peek() -> bytes:
        nonlocal pending
        if pending is None:
            pending = fp.readline()
        return pending

    # skip anything before the first From_ line (blank lines, stray garbage) into message 0
    line = readline()
    while line and not line.startswith(b"From "):
        pos += len(line)
        line = readline()
    while line:
        from_line = line
        msg_offset = pos
        pos += len(line)
        lines: list[bytes] = []
        size = 0
        oversize = False
        # header block
        content_length = None
        while True:
            line = readline()
            if not line:
                break
            pos += len(line)
            lines.append(line)
            size += len(line)
            if line in (b"\n", b"\r\n"):
                break
            m = _CONTENT_LENGTH.match(line)
            if m:
                content_length = int(m.group(1))
        trusted = False
        if content_length is not None and line:
            body_start = fp.tell() - (len(pending) if pending is not None else 0)
            fp.seek(body_start + content_length)
            after = fp.readline()
            after2 = fp.readline() if after in (b"\n", b"\r\n") else after
            if after == b"" or after2 == b"" or after2.startswith(b"From ") or (after.startswith(b"From ")):
                fp.seek(body_start)
                pending = None
                body = fp.read(content_length)
                lines.append(body)
                size += len(body)
                pos = body_start + content_length
                trusted = True
                # consume the separator blank line if present
                nxt = fp.readline()
                if nxt in (b"\n", b"\r\n"):
                    pos += len(nxt)
                    nxt = fp.readline()
                line = nxt
            else:
                fp.seek(body_start)
                pending = None
        if not trusted:
            prev_blank = lines[-1] in (b"\n", b"\r\n") if lines else False
            line = readline()
            while line:
                if line.startswith(b"From ") and is_from_line(line, prev_blank, peek()):
                    break
                pos += len(line)
                size += len(line)
                if size <= MAX_MESSAGE_BYTES:
                    lines.append(line)
                else:
                    oversize = True
                prev_blank = line in (b"\n", b"\r\n")
                line = readline()
        data = b"" if oversize else _finish(lines, unescape=not trusted)
        yield MboxMessage(index, msg_offset, data, from_line.rstrip(b"\r\n"), oversize)
        index += 1
