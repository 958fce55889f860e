"""TNEF (winmail.dat): Outlook's wrapper for attachments and rich bodies inside SMTP mail."""
from __future__ import annotations

from . import detect as dt
from .charset import decode_bytes
from .html import html_to_text
from ..model import Blob, DocRecord


def parse_tnef(data: bytes, name: str = "") -> Blob:
    from tnefparse import TNEF

    t = TNEF(data)
    blob = Blob(name=name, type=dt.TNEF)
    for i, att in enumerate(getattr(t, "attachments", []) or [], 1):
        try:
            fname = att.long_filename() or att.name
        except Exception:  # noqa: BLE001
            fname = getattr(att, "name", None)
        if isinstance(fname, bytes):
            fname = decode_bytes(fname, None)[0]
        blob.children.append(Blob(name=str(fname or f"attachment{i}"), locator=f"tnef{i}", data=att.data or b""))
    text = ""
    body_from = None
    body = getattr(t, "body", None)
    html = getattr(t, "htmlbody", None)
    if body:
        text = decode_bytes(body, None)[0] if isinstance(body, bytes) else str(body)
        body_from = "text/plain"
    elif html:
        html = decode_bytes(html, None)[0] if isinstance(html, bytes) else str(html)
        text, body_from = html_to_text(html)[0], "text/html"
    if text.strip():
        blob.documents.append(DocRecord(kind="tnef-body", text=text.strip(), body_from=body_from,
                                        subject=None))
    rtf = getattr(t, "rtfbody", None)
    if rtf and not text.strip():
        blob.children.append(Blob(name="body.rtf", locator="rtfbody", data=rtf if isinstance(rtf, bytes) else str(rtf).encode()))
    blob.detail = f"TNEF with {len(blob.children)} attachment(s)"
    return blob
