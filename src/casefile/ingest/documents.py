"""Non-mail documents: plain text (also WhatsApp and Slack exports and typed transcriptions of
printed e-mail), Word (.docx) files, and the recovery of quoted messages inside e-mails."""
from __future__ import annotations

import io
import re

from . import detect as dt
from .chat import is_slack_day, is_whatsapp, parse_slack, parse_whatsapp
from .charset import decode_bytes
from .exhibit import Line, clean_body, line_width, split_chain
from .limits import cut_text
from ..model import Blob, DocRecord

QUOTE_HINTS = ("wrote:", "schrieb", "From:", "Von:", "Original Message", "Ursprüngliche Nachricht", "Forwarded",
               "Weitergeleitet", "weitergeleitete", "----", "____", "FROM:", "from:", "von:", "Subject:",
               "написал", "a écrit", "escribió", "ha scritto", "schreef", "skrev", "napisał", "kirjoitti")
"""Cheap test before running the splitter on an e-mail body: bodies without any of these cannot
contain a header block. One compiled pattern scans the body once (25 `in` tests cost 30 us per
message on the 100k benchmark)."""
_HINTS = re.compile("|".join(re.escape(h) for h in QUOTE_HINTS))


def has_quote_hint(text: str) -> bool:
    # every hint holds a colon, a rule of dashes or underscores, or "wrote"/"schrieb" (a reply
    # line whose colon OCR lost): three fast scans rule out most bodies before the full pattern
    if ":" not in text and "---" not in text and "___" not in text and "wrote" not in text \
            and "schrieb" not in text:
        return False
    return _HINTS.search(text) is not None

MAX_QUOTED_MESSAGES = 200
"""A body quoting more than 200 earlier messages is cut there (the longest chain in the corpora
quotes 41)."""


def _pages(text: str) -> list[Line]:
    """Lines of a text; form feeds mark page breaks (pages numbered from 1 when there are any)."""
    if "\f" not in text:
        return [Line(ln, None) for ln in text.split("\n")]
    return [Line(ln, n) for n, page in enumerate(text.split("\f"), 1) for ln in page.split("\n")]


def printed_in_text(text: str, name: str, kind: str = "printed-email") -> list[DocRecord]:
    from .pdf import printed_messages
    if not has_quote_hint(text):
        return []
    return printed_messages(_pages(text), name, kind=kind)


def parse_text(data: bytes, name: str = "") -> Blob:
    if is_slack_day(data, name):
        docs = parse_slack(data, name)
        return Blob(name=name, type=dt.TEXT, documents=docs, detail=f"Slack export day, {len(docs)} message(s)")
    text, note = decode_bytes(data, None)
    text, cut = cut_text(text)
    text = text.replace("\r\n", "\n")
    if is_whatsapp(text):
        docs = parse_whatsapp(text, name)
        return Blob(name=name, type=dt.TEXT, documents=docs, detail=f"WhatsApp export, {len(docs)} message(s)")
    doc = DocRecord(kind="text", text=text, body_from="text/plain", title=name or None)
    doc.citation = {"file": name}
    doc.notes.extend(n for n in (note, cut) if n)
    docs = [doc] + printed_in_text(text, name)
    detail = f"{len(docs) - 1} printed message(s)" if len(docs) > 1 else None
    return Blob(name=name, type=dt.TEXT, documents=docs, detail=detail)


def parse_docx(data: bytes, name: str = "") -> Blob:
    import docx  # python-docx
    d = docx.Document(io.BytesIO(data))
    parts = []
    for block in d.element.body.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1]
        if tag == "p":
            parts.append("".join(t.text or "" for t in block.iter() if t.tag.endswith("}t")))
        elif tag == "tbl":
            for row in block.iter():
                if row.tag.endswith("}tr"):
                    cells = []
                    for cell in row.iterchildren():
                        if cell.tag.endswith("}tc"):
                            cells.append(" ".join("".join(t.text or "" for t in p.iter() if t.tag.endswith("}t"))
                                                  for p in cell.iter() if p.tag.endswith("}p")).strip())
                    parts.append(" | ".join(cells))
    text, cut = cut_text("\n".join(parts))
    props = d.core_properties
    doc = DocRecord(kind="docx", text=text, body_from="docx", title=props.title or name or None,
                    from_name=props.author or None, notes=[cut] if cut else [])
    if props.created:
        doc.sent_at = props.created.strftime("%Y-%m-%dT%H:%M:%SZ")
        doc.sent_at_raw = str(props.created)
        doc.notes.append("date is the file's creation time from its properties")
    doc.citation = {"file": name}
    docs = [doc] + printed_in_text(text, name)
    return Blob(name=name, type=dt.DOCX, documents=docs,
                detail=f"Word document, {len(docs) - 1} printed message(s)" if len(docs) > 1 else "Word document")


def recover_quoted(doc: DocRecord) -> list[DocRecord]:
    """The earlier messages quoted below a reply, as `quoted-email` documents derived from it."""
    return split_quoted(doc)[1]


def split_quoted(doc: DocRecord) -> tuple[str, list[DocRecord]]:
    """(the e-mail's own text above its first quoted message, the quoted messages as `quoted-email`
    documents derived from it), from one run of the splitter."""
    text = doc.text or ""
    if not text or not has_quote_hint(text):
        return text, []
    lines = [Line(ln, None) for ln in text.split("\n")]
    pre, msgs = split_chain(lines)
    if not msgs:
        return text, []
    from .pdf import message_record
    width = line_width(lines)
    out = []
    for n, m in enumerate(msgs[:MAX_QUOTED_MESSAGES], 1):
        rec = message_record(m, n, width, "", {}, set(), "quoted-email")
        rec.locator = f"{doc.locator}#quote:{n}" if doc.locator else f"quote:{n}"
        rec.derived_from = doc.locator
        rec.citation = None
        rec.notes.insert(0, "recovered from a quote in a later message")
        if not rec.text.strip() and not (rec.from_name or rec.from_addr):
            continue
        out.append(rec)
    if len(msgs) > MAX_QUOTED_MESSAGES:
        doc.notes.append(f"only the first {MAX_QUOTED_MESSAGES} of {len(msgs)} quoted messages were recovered")
    return clean_body(pre, 0), out


def own_text(doc_text: str) -> str:
    """The part of an e-mail body above the first quoted message."""
    if not has_quote_hint(doc_text):
        return doc_text
    pre, _ = split_chain([Line(ln, None) for ln in doc_text.split("\n")])
    return clean_body(pre, 0)

