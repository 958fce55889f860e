"""Non-mail documents met during e-mail ingestion: plain text and HTML are read now; PDF, Office
and RTF files are recorded (stored, typed, counted) and get their text from the document parsers
of the exhibits stage."""
from __future__ import annotations

from . import detect as dt
from .charset import decode_bytes
from .html import html_to_text
from .limits import MAX_TEXT_CHARS
from .records import Blob, DocRecord

AWAITING_PARSER = "stored; its text is extracted by the document parsers (PDF/Office), not yet run"


def parse_text(data: bytes, name: str = "") -> Blob:
    text, note = decode_bytes(data, None)
    doc = DocRecord(kind="text", text=text[:MAX_TEXT_CHARS].replace("\r\n", "\n"), body_from="text/plain", title=name or None)
    if note:
        doc.notes.append(note)
    return Blob(name=name, type=dt.TEXT, documents=[doc])


def parse_html(data: bytes, name: str = "") -> Blob:
    markup, note = decode_bytes(data, _meta_charset(data))
    text, title = html_to_text(markup)
    doc = DocRecord(kind="html", text=text[:MAX_TEXT_CHARS], body_from="text/html", title=title or name or None,
                    subject=title)
    if note:
        doc.notes.append(note)
    return Blob(name=name, type=dt.HTML, documents=[doc])


def _meta_charset(data: bytes) -> str | None:
    import re
    m = re.search(rb"<meta[^>]{0,200}charset=[\"']?([A-Za-z0-9_.:-]{1,40})", data[:4096], re.I)
    return m.group(1).decode("ascii") if m else None


def record_only(mime: str):
    def parse(data: bytes, name: str = "") -> Blob:
        return Blob(name=name, type=mime, detail=AWAITING_PARSER)
    return parse
