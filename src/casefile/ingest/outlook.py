"""Outlook .msg (extract-msg) and .pst (libpff-python) files.

A .msg becomes one e-mail document; its attachments (and embedded .msg messages, at any depth)
become child blobs. A .pst is a container: `iter_pst` yields one member per message with the
folder path as locator, so the runner can stream it like an mbox. When a message carries its
transport headers (mail that arrived over SMTP), those are the truth for addresses, dates and
Message-ID; otherwise the MAPI properties are used.
"""
from __future__ import annotations

import email
from datetime import timezone
from email.policy import compat32
from typing import Iterator

from . import detect as dt
from .charset import decode_bytes
from .html import html_to_text
from .headers import parse_addresses
from .mail import document_from_headers
from ..model import Blob, DocRecord

# MAPI property tags used for recipients and senders in PST record sets
PR_DISPLAY_NAME = 0x3001
PR_EMAIL_ADDRESS = 0x3003
PR_RECIPIENT_TYPE = 0x0C15
PR_SENDER_EMAIL_ADDRESS = 0x0C1F
PR_SENDER_SMTP_ADDRESS = 0x5D01
PR_DISPLAY_TO = 0x0E04
PR_DISPLAY_CC = 0x0E03
PR_INTERNET_MESSAGE_ID = 0x1035
PR_ATTACH_METHOD = 0x3705
ATTACH_EMBEDDED_MSG = 5
PR_MESSAGE_CLASS = 0x001A
PR_BODY = 0x1000
PR_SUBJECT = 0x0037

MAIL_CLASSES = ("IPM.Note", "IPM.Post", "IPM.Schedule.Meeting", "REPORT.", "IPM.Outlook.Recall", "IPM.Document")
"""Message classes (MS-OXCMSG) read as e-mail; their prefixes also cover signed and encrypted
notes (IPM.Note.SMIME) and meeting requests, which are sent as mail."""

ITEM_KINDS = {"IPM.Contact": "contact", "IPM.DistList": "distribution list", "IPM.Appointment": "appointment",
              "IPM.Task": "task", "IPM.StickyNote": "note", "IPM.Activity": "journal entry"}
"""Outlook items that are not mail but hold text worth reading: each becomes an `outlook-item`
document (no sender, no recipients), named after its kind."""

CONTACT_FIELDS = ((0x3001, "Name"), (0x3A16, "Company"), (0x3A17, "Title"), (0x3A18, "Department"),
                  (0x39FE, "E-mail"), (0x3A08, "Business phone"), (0x3A1C, "Mobile phone"),
                  (0x3A09, "Home phone"), (0x3A24, "Fax"), (0x3A29, "Street"), (0x3A27, "City"),
                  (0x3A26, "Country"))
"""The standard MAPI properties of a contact shown as its text (MS-OXOCNTC)."""


def _iso(value) -> str | None:
    if value is None:
        return None
    try:
        if value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    except (ValueError, OverflowError, AttributeError):
        return None


def _split_display(value: str | None) -> list[dict]:
    if not value:
        return []
    return [{"name": v.strip(), "addr": None} for v in value.split(";") if v.strip()]


def _body_from(doc: DocRecord, plain, html) -> None:
    if isinstance(plain, bytes):
        plain, note = decode_bytes(plain, "utf-8")
        if note:
            doc.notes.append("body: " + note)
    if isinstance(html, bytes):
        html, note = decode_bytes(html, None)
    if plain and plain.strip():
        doc.text, doc.body_from = plain.replace("\r\n", "\n").strip(), "text/plain"
    elif html and html.strip():
        doc.text, doc.body_from = html_to_text(html)[0], "text/html"
    else:
        doc.body_from = "none"


# ---------------------------------------------------------------- .msg

def _msg_document(m) -> DocRecord:
    doc = DocRecord(kind="email")
    header = getattr(m, "header", None)
    if header is not None and any((v or "").strip() for v in header.values()):
        document_from_headers(header, doc)
    if not doc.subject:
        doc.subject = (m.subject or None)
    if not doc.from_addr and not doc.from_name:
        frm = m.sender or ""
        addrs = parse_addresses(frm)
        if addrs:
            doc.from_name, doc.from_addr = addrs[0]["name"], addrs[0]["addr"]
    if not doc.to:
        doc.to = parse_addresses(m.to or "") or []
        doc.cc = parse_addresses(m.cc or "") or []
    if not doc.sent_at:
        date = getattr(m, "date", None)
        doc.sent_at = _iso(date)
        doc.sent_at_raw = str(date) if date is not None else doc.sent_at_raw
        doc.date_flag = None if doc.sent_at else "missing"
    if not doc.message_id:
        mid = getattr(m, "messageId", None)
        doc.message_id = mid.strip().strip("<>") if mid else None
    try:
        plain = m.body
    except Exception:  # noqa: BLE001
        plain = None
    html = None
    if not plain:
        try:
            html = m.htmlBody
        except Exception:  # noqa: BLE001
            html = None
    _body_from(doc, plain, html)
    return doc


def _msg_children(m, depth: int) -> list[Blob]:
    children = []
    for i, att in enumerate(getattr(m, "attachments", []) or [], 1):
        try:
            data = att.data
            name = getattr(att, "longFilename", None) or getattr(att, "shortFilename", None) or f"attachment{i}"
        except Exception as exc:  # noqa: BLE001
            children.append(Blob(name=f"attachment{i}", locator=f"att{i}").quarantine(
                f"attachment could not be read from the .msg: {exc}"))
            continue
        if isinstance(data, bytes):
            children.append(Blob(name=str(name), locator=f"att{i}", data=data))
        elif data is not None and hasattr(data, "exportBytes"):
            try:
                raw = data.exportBytes()
            except Exception:  # noqa: BLE001
                raw = None
            if raw:
                children.append(Blob(name=f"{name}.msg" if not str(name).endswith(".msg") else str(name),
                                     locator=f"att{i}", data=raw, type=dt.OUTLOOK_MSG))
            else:
                # cannot re-export: describe the embedded message directly
                inner = Blob(name=str(name), locator=f"att{i}", type=dt.OUTLOOK_MSG,
                             documents=[_msg_document(data)], data=b"")
                inner.detail = "embedded message could not be exported; parsed in place"
                inner.children = _msg_children(data, depth + 1) if depth < 8 else []
                children.append(inner)
    return children


def parse_msg(data: bytes, name: str = "") -> Blob:
    import extract_msg

    m = extract_msg.openMsg(data, delayAttachments=False, errorBehavior=extract_msg.enums.ErrorBehavior.SUPPRESS_ALL)
    try:
        cls = type(m).__name__
        if not hasattr(m, "body") or cls not in ("Message", "MessageSigned", "MessageBase", "Post"):
            doc = DocRecord(kind="outlook-item", subject=getattr(m, "subject", None))
            try:
                doc.text = (getattr(m, "body", None) or "").strip()
            except Exception:  # noqa: BLE001
                doc.text = ""
            blob = Blob(name=name, type=dt.OUTLOOK_MSG, documents=[doc], children=_msg_children(m, 0))
            blob.detail = f"Outlook item of class {cls} (not an e-mail)"
            return blob
        return Blob(name=name, type=dt.OUTLOOK_MSG, documents=[_msg_document(m)], children=_msg_children(m, 0))
    finally:
        try:
            m.close()
        except Exception:  # noqa: BLE001
            pass


# ---------------------------------------------------------------- .pst

def _entries(item) -> dict[int, object]:
    out = {}
    try:
        for rs in item.record_sets:
            for e in rs.entries:
                try:
                    out.setdefault(e.entry_type, e)
                except Exception:  # noqa: BLE001
                    continue
    except Exception:  # noqa: BLE001
        pass
    return out


def _entry_str(entries, tag) -> str | None:
    e = entries.get(tag)
    if e is None:
        return None
    try:
        return e.data_as_string
    except Exception:  # noqa: BLE001
        return None


def _pst_recipients(m) -> tuple[list[dict], list[dict], list[dict]]:
    to, cc, bcc = [], [], []
    try:
        rec = m.recipients
        sets = rec.record_sets if rec is not None else []
    except Exception:  # noqa: BLE001
        return to, cc, bcc
    for rs in sets:
        vals = {}
        for e in rs.entries:
            vals[e.entry_type] = e
        name = _entry_str(vals, PR_DISPLAY_NAME)
        addr = _entry_str(vals, PR_SENDER_SMTP_ADDRESS) or _entry_str(vals, PR_EMAIL_ADDRESS)
        kind = 1
        e = vals.get(PR_RECIPIENT_TYPE)
        if e is not None:
            try:
                kind = e.data_as_integer
            except Exception:  # noqa: BLE001
                kind = 1
        person = {"name": name, "addr": addr.lower() if addr and "@" in addr else None}
        {1: to, 2: cc, 3: bcc}.get(kind, to).append(person)
    return to, cc, bcc


def _first_time(m, attrs: tuple[str, ...]):
    """(the first of these pypff times the item has, its attribute name), or (None, None)."""
    for attr in attrs:
        try:
            when = getattr(m, attr)
        except Exception:  # noqa: BLE001 - pypff raises on a missing or broken property
            when = None
        if when is not None:
            return when, attr
    return None, None


def _set_time(doc: DocRecord, when) -> None:
    doc.sent_at = _iso(when)
    doc.sent_at_raw = str(when) if when is not None else None
    doc.date_flag = None if doc.sent_at else "missing"


def pst_message(m, locator: str, name: str) -> Blob:
    """Turn one pypff message into a Blob (document + attachments)."""
    doc = DocRecord(kind="email")
    headers = None
    try:
        headers = m.transport_headers
    except Exception:  # noqa: BLE001
        headers = None
    if headers and headers.strip():
        parsed = email.message_from_string(headers.strip() + "\n\n", policy=compat32)
        document_from_headers(parsed, doc)
    entries = _entries(m)
    if not doc.subject:
        try:
            doc.subject = m.subject
        except Exception:  # noqa: BLE001
            pass
    if not doc.from_name and not doc.from_addr:
        try:
            doc.from_name = m.sender_name
        except Exception:  # noqa: BLE001
            pass
        addr = _entry_str(entries, PR_SENDER_SMTP_ADDRESS) or _entry_str(entries, PR_SENDER_EMAIL_ADDRESS)
        doc.from_addr = addr.lower() if addr and "@" in addr else None
    if not doc.to and not doc.cc:
        doc.to, doc.cc, doc.bcc = _pst_recipients(m)
        if not doc.to:
            doc.to = _split_display(_entry_str(entries, PR_DISPLAY_TO))
            doc.cc = doc.cc or _split_display(_entry_str(entries, PR_DISPLAY_CC))
    if not doc.sent_at:
        _set_time(doc, _first_time(m, ("client_submit_time", "delivery_time", "creation_time"))[0])
    if not doc.message_id:
        mid = _entry_str(entries, PR_INTERNET_MESSAGE_ID)
        doc.message_id = mid.strip().strip("<>") if mid else None
    plain = html = None
    try:
        plain = m.plain_text_body
    except Exception:  # noqa: BLE001
        plain = None
    if not plain or not plain.strip():
        try:
            html = m.html_body
        except Exception:  # noqa: BLE001
            html = None
    _body_from(doc, plain, html)
    children = []
    try:
        n_att = m.number_of_attachments
    except Exception:  # noqa: BLE001
        n_att = 0
    for j in range(n_att):
        try:
            att = m.get_attachment(j)
            ent = _entries(att)
            method = ent.get(PR_ATTACH_METHOD)
            if method is not None and method.data[:1] == bytes([ATTACH_EMBEDDED_MSG]):
                shown = _entry_str(ent, PR_DISPLAY_NAME) or "an attached message"
                children.append(Blob(name=shown, locator=f"att{j + 1}").quarantine(
                    f"an Outlook message attached to this one ('{shown[:200]}'); the .pst reader casefile uses "
                    "cannot open messages embedded in a .pst (export the message as .msg to read it)"))
                continue
            size = att.size or 0
            data = att.read_buffer(size) if size else b""
            att_name = None
            try:
                att_name = att.long_filename
            except Exception:  # noqa: BLE001
                att_name = None
            if not att_name:
                ent = _entries(att)
                att_name = _entry_str(ent, 0x3707) or _entry_str(ent, 0x3704) or f"attachment{j + 1}"
            children.append(Blob(name=att_name, locator=f"att{j + 1}", data=data))
        except Exception as exc:  # noqa: BLE001
            children.append(Blob(name=f"attachment{j + 1}", locator=f"att{j + 1}").quarantine(
                f"attachment could not be read from the .pst (it may be an embedded item): {exc}"))
    return Blob(name=name, locator=locator, type=dt.RFC822 if headers else dt.OUTLOOK_MSG,
                documents=[doc], children=children, data=b"")


def pst_item(m, cls: str, locator: str) -> Blob:
    """An Outlook item that is not mail: a contact, appointment, task, ... as an `outlook-item`
    document with its text; free/busy data and unknown items recorded with a reason."""
    entries = _entries(m)
    kind = next((v for k, v in ITEM_KINDS.items() if cls.startswith(k)), None)
    shown = cls or "without a message class"
    if kind is None:
        what = ("free/busy data (when a person's calendar is busy), not a message"
                if "FreeBusy" in cls or "ScheduleData" in cls else "an item casefile does not read")
        return Blob(name=f"Outlook item ({shown})", locator=locator).quarantine(
            f"an Outlook {shown} item: {what}; it holds no text to read")
    subject = _entry_str(entries, PR_SUBJECT) or ""
    if subject.startswith("\x01"):         # MS-OXCMSG: \x01 and the length of a prefix ("RE: ") lead it
        subject = subject[2:]
    title = subject.strip() or _entry_str(entries, PR_DISPLAY_NAME) or kind
    lines = []
    if kind == "contact":
        lines = [f"{label}: {v.strip()}" for tag, label in CONTACT_FIELDS
                 if (v := _entry_str(entries, tag)) and v.strip()]
    body = _entry_str(entries, PR_BODY) or ""
    text = "\n".join(lines + ([body.strip()] if body.strip() else []))
    doc = DocRecord(kind="outlook-item", subject=title, title=title, text=text, body_from="mapi")
    doc.meta = {"outlook_class": cls, "outlook_kind": kind}
    when, attr = _first_time(m, ("creation_time", "modification_time"))
    _set_time(doc, when)
    if doc.sent_at:
        doc.notes.append(f"date is the item's {attr.replace('_', ' ')}")
    return Blob(name=title, locator=locator, type=dt.OUTLOOK_MSG, documents=[doc], data=b"",
                detail=f"Outlook {kind} ({cls}), not an e-mail")


def iter_pst(path: str) -> Iterator[Blob]:
    """Yield one Blob per message in a .pst/.ost, depth-first through folders."""
    import pypff

    f = pypff.file()
    f.open(path)
    try:
        def walk(folder, trail: str):
            try:
                n_msgs = folder.number_of_sub_messages
            except Exception:  # noqa: BLE001
                n_msgs = 0
            for i in range(n_msgs):
                loc = f"{trail}/msg{i + 1}"
                try:
                    m = folder.get_sub_message(i)
                    cls = _entry_str(_entries(m), PR_MESSAGE_CLASS) or ""
                    if hasattr(m, "subject") and (not cls or cls.startswith(MAIL_CLASSES)):
                        yield pst_message(m, loc, m.subject or "message")
                    else:
                        yield pst_item(m, cls, loc)
                except Exception as exc:  # noqa: BLE001
                    yield Blob(name="message", locator=loc).quarantine(f"message could not be read from the .pst: {exc}")
            try:
                n_sub = folder.number_of_sub_folders
            except Exception:  # noqa: BLE001
                n_sub = 0
            for i in range(n_sub):
                try:
                    sub = folder.get_sub_folder(i)
                    fname = (sub.name or f"folder{i + 1}").replace("/", "_")
                except Exception:  # noqa: BLE001
                    continue
                yield from walk(sub, f"{trail}/{i + 1}:{fname}")

        yield from walk(f.get_root_folder(), "")
    finally:
        f.close()
