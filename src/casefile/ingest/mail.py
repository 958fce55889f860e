"""RFC 5322 / MIME messages (.eml, extension-less, members of mboxes and Maildirs, attachments).

Parsing uses the stdlib `email` package in its lenient compat32 mode (it never raises on broken
MIME and is ~3x faster than policy.default); every value is then decoded by `headers` and
`charset`, which record fallbacks. Each message yields one `DocRecord`; attachments and attached
messages (message/rfc822 at any depth, TNEF winmail.dat) become child blobs.
"""
from __future__ import annotations

import email
import email.message
import io
import quopri
import re
from email.generator import BytesGenerator
from email.policy import compat32

from . import detect as dt
from .charset import decode_bytes
from .headers import decode_header, message_id, parse_addresses, parse_date, parse_message_ids
from .html import html_to_text
from .limits import MAX_PARTS, MAX_TEXT_CHARS
from ..model import Blob, DocRecord

TEXT_BODY_TYPES = {"text/plain", "text/enriched", "text/richtext", "text/x-moz-deleted"}
KEPT_HEADERS_MAX = 200
HEADER_VALUE_MAX = 4000


def _part_bytes(part: email.message.Message) -> bytes:
    """Serialise a part (used for attached messages whose raw bytes the parser did not keep)."""
    buf = io.BytesIO()
    try:
        BytesGenerator(buf, mangle_from_=False, policy=compat32).flatten(part)
    except Exception:  # noqa: BLE001 - the generator can trip over any broken input
        try:
            return part.as_string().encode("utf-8", "surrogateescape")
        except Exception:  # noqa: BLE001
            return b""
    return buf.getvalue()


def _payload(part: email.message.Message) -> bytes:
    try:
        data = part.get_payload(decode=True)
    except Exception:  # noqa: BLE001 - broken base64/qp: keep the raw payload
        data = None
    if data is None:
        raw = part.get_payload()
        if isinstance(raw, str):
            data = raw.encode("ascii", "surrogateescape")
        else:
            data = b""
    return data


def _filename(part: email.message.Message) -> str | None:
    try:
        name = part.get_filename()
    except Exception:  # noqa: BLE001
        name = None
    if name is None:
        name = part.get_param("name", header="content-type")
        if isinstance(name, tuple):
            name = email.utils.collapse_rfc2231_value(name)
    if name:
        return decode_header(str(name))[0] or None
    return None


class _Walk:
    def __init__(self) -> None:
        self.texts: list[str] = []
        self.htmls: list[str] = []
        self.children: list[Blob] = []
        self.notes: list[str] = []
        self.parts = 0

    def add_child(self, data: bytes, name: str, declared: str) -> None:
        n = len(self.children) + 1
        self.children.append(Blob(name=name, locator=f"part{n}", data=data, type=declared))

    def walk(self, part: email.message.Message, depth: int = 0) -> None:
        self.parts += 1
        if self.parts > MAX_PARTS:
            if self.parts == MAX_PARTS + 1:
                self.notes.append(f"more than {MAX_PARTS} MIME parts; the rest were skipped")
            return
        ctype = part.get_content_type()
        maintype = ctype.split("/")[0]
        if ctype in ("message/rfc822", "message/global", "message/news"):
            payload = part.get_payload()
            if isinstance(payload, list) and payload:
                data = _part_bytes(payload[0])
            else:
                data = _payload(part)
            name = _filename(part) or "attached-message.eml"
            self.add_child(data, name, dt.RFC822)
            return
        if part.is_multipart():
            payload = part.get_payload()
            if maintype == "message":   # delivery-status and friends: keep as text
                self.texts.append(_part_bytes(part).decode("utf-8", "replace"))
                return
            alternatives = payload if isinstance(payload, list) else []
            if ctype == "multipart/alternative" and alternatives:
                plain = [p for p in alternatives if p.get_content_type() in TEXT_BODY_TYPES]
                if plain:
                    # prefer the plain text alternative; other alternatives are not evidence twice
                    for p in alternatives:
                        if p is plain[0] or p.get_content_type() not in ("text/html",) + tuple(TEXT_BODY_TYPES):
                            self.walk(p, depth + 1)
                    return
            for sub in alternatives:
                self.walk(sub, depth + 1)
            return
        filename = _filename(part)
        disposition = (part.get_content_disposition() or "").lower()
        data = _payload(part)
        is_attachment = disposition == "attachment" or (filename is not None and maintype != "text")
        if ctype == "application/ms-tnef" or (filename or "").lower() == "winmail.dat":
            self.add_child(data, filename or "winmail.dat", dt.TNEF)
            return
        if not is_attachment and not filename and (ctype in TEXT_BODY_TYPES or ctype == "text/html"):
            text, note = decode_bytes(data, part.get_content_charset())
            if note:
                self.notes.append(f"{ctype} part: {note}")
            (self.htmls if ctype == "text/html" else self.texts).append(text)
            return
        if not data and not filename:
            return
        self.add_child(data, filename or f"unnamed.{ctype.replace('/', '-')}", ctype)


def _raw_items(msg: email.message.Message) -> list[tuple[str, str]]:
    """Header values as parsed, before compat32 wraps 8-bit ones in Header objects (whose str()
    replaces the raw bytes by U+FFFD)."""
    try:
        return [(str(k), v if isinstance(v, str) else str(v)) for k, v in msg.raw_items()]
    except Exception:  # noqa: BLE001
        return [(str(k), str(v)) for k, v in msg.items()]


def _headers_list(items: list[tuple[str, str]]) -> list[tuple[str, str]]:
    out = []
    for k, v in items[:KEPT_HEADERS_MAX]:
        text, _ = decode_header(v)
        out.append((k, text[:HEADER_VALUE_MAX]))
    return out


def document_from_headers(msg: email.message.Message, doc: DocRecord) -> DocRecord:
    """Fill the header fields of `doc` from a parsed message's headers."""
    return document_from_items(_raw_items(msg), doc)


def document_from_items(items: list[tuple[str, str]], doc: DocRecord) -> DocRecord:
    """Fill the header fields of `doc` from a message's raw (name, value) header items."""
    by_name: dict[str, list[str]] = {}
    for k, v in items:                      # one pass over the headers, not one per field read
        by_name.setdefault(k.lower(), []).append(v)

    def first(name: str) -> str | None:
        values = by_name.get(name)
        return values[0] if values else None

    subject, notes = decode_header(first("subject"))
    doc.subject = subject or None
    doc.notes.extend(f"subject: {n}" for n in notes)
    frm = parse_addresses(first("from")) or parse_addresses(first("sender"))
    if frm:
        doc.from_name, doc.from_addr = frm[0]["name"], frm[0]["addr"]
    doc.to = parse_addresses(", ".join(by_name.get("to", ())))
    doc.cc = parse_addresses(", ".join(by_name.get("cc", ())))
    doc.bcc = parse_addresses(", ".join(by_name.get("bcc", ())))
    raw_date = first("date")
    doc.sent_at_raw = decode_header(raw_date)[0] if raw_date is not None else None
    doc.sent_at, doc.date_flag, dnotes = parse_date(raw_date)
    doc.notes.extend(dnotes)
    doc.message_id = message_id(first("message-id"))
    irt = parse_message_ids(first("in-reply-to"))
    doc.in_reply_to = irt[0] if irt else None
    doc.references = parse_message_ids(first("references"))[:500]
    doc.headers = _headers_list(items)
    return doc


_OBS_FIELD = re.compile(rb"^([!-9;-~]{1,76})[ \t]+:", re.M)
_HEADER_END = re.compile(rb"\r?\n\r?\n")


def _fix_obsolete_fields(data: bytes) -> bytes:
    """RFC 5322 obsolete syntax allows white space before the colon ('Subject :'); the stdlib
    parser does not, so such names are closed up in the header block before parsing."""
    m = _HEADER_END.search(data)
    end = m.start() if m else len(data)
    head = data[:end]
    if not _OBS_FIELD.search(head):
        return data
    return _OBS_FIELD.sub(rb"\1:", head) + data[end:]


def parse_mail(data: bytes, name: str = "") -> Blob:
    """Parse one RFC 5322 message into a Blob with one document and its attachments as children."""
    data = data.lstrip(b" \t\r\n")               # some clients prepend blank or space-only lines
    if data.startswith(b"From ") and b"\n" in data[:1000]:
        data = data.split(b"\n", 1)[1]          # a single message saved with its mbox From_ line
    simple = _simple_message(data)
    if simple is not None:
        items, body, charset = simple
        doc = document_from_items(items, DocRecord(kind="email"))
        w = _Walk()
        text, note = decode_bytes(body, charset)
        if note:
            w.notes.append(f"text/plain part: {note}")
        w.texts.append(text)
        defects: list[str] = []
        has_headers = True
    else:
        msg = email.message_from_bytes(_fix_obsolete_fields(data), policy=compat32)
        doc = document_from_headers(msg, DocRecord(kind="email"))
        w = _Walk()
        w.walk(msg)
        defects = [type(d).__name__ for d in getattr(msg, "defects", [])]
        has_headers = bool(msg.keys())
    if w.texts and any(t.strip() for t in w.texts):
        doc.text = "\n\n".join(t.strip("\r\n") for t in w.texts if t.strip())
        doc.body_from = "text/plain"
    elif w.htmls:
        parts = [html_to_text(h)[0] for h in w.htmls]
        doc.text = "\n\n".join(p for p in parts if p)
        doc.body_from = "text/html"
    else:
        doc.body_from = "none"
    doc.text = doc.text.replace("\r\n", "\n")
    if len(doc.text) > MAX_TEXT_CHARS:
        doc.text = doc.text[:MAX_TEXT_CHARS]
        doc.notes.append(f"text cut at {MAX_TEXT_CHARS} characters")
    doc.notes.extend(w.notes)
    if defects:
        doc.notes.append("MIME defects: " + ", ".join(sorted(set(defects))))
    blob = Blob(name=name, type=dt.RFC822, documents=[doc], children=w.children)
    if not has_headers:
        blob.quarantine("no e-mail headers could be read")
    return blob


SIMPLE_HEADER_LINES_MAX = 500
"""A header block of more lines goes to the full parser: it bounds the line scan (mail in the
corpora has 10-60 header lines, Received-heavy list mail up to ~150)."""
_SIMPLE_FIELD = re.compile(r"[!-9;-~]+:")
_SIMPLE_UNSAFE = re.compile(rb"[\x0b\x0c\x1c-\x1e]|\r(?!\n)")
_SIMPLE_TOKEN = re.compile(r'\s*([A-Za-z0-9._:+-]+|"[A-Za-z0-9._:+-]+")\s*')
_SIMPLE_PARAMS = {"charset", "format", "delsp", "reply-type"}
_SIMPLE_CTE = {"7bit", "8bit", "binary", "quoted-printable"}


def _simple_message(data: bytes) -> tuple[list[tuple[str, str]], bytes, str | None] | None:
    """(header items, body bytes, charset) of the most common message: one text/plain part,
    7bit, 8bit or quoted-printable, clean ASCII headers. Such a message needs none of the MIME
    parser's work (the parser and the part walk were ~160 of ~750 µs a benchmark message), and
    its items, body and charset are exactly what compat32 gives (tests compare both on every
    such message of the shared corpora, 3,569 files). Anything else returns None."""
    lines, pos = [], 0
    while True:
        nl = data.find(b"\n", pos)
        if nl < 0 or len(lines) >= SIMPLE_HEADER_LINES_MAX:
            return None
        if nl == pos or (nl == pos + 1 and data[pos] == 13):       # the empty line ending the headers
            break
        lines.append((pos, nl + 1))
        pos = nl + 1
    head = data[:pos]
    if not lines or not head.isascii() or _SIMPLE_UNSAFE.search(head):
        return None
    text = head.decode("ascii")
    items: list[list[str]] = []
    for a, b in lines:
        line = text[a:b]
        if line[0] in " \t":
            if not items:
                return None
            items[-1].append(line)
        elif _SIMPLE_FIELD.match(line):
            items.append([line])
        else:
            return None
    out = []
    ctype = cte = None
    for parts in items:
        field, value = parts[0].split(":", 1)
        value = (value.lstrip(" \t") + "".join(parts[1:])).rstrip("\r\n")
        low = field.lower()
        if low == "content-type":
            if ctype is not None:
                return None
            ctype = value
        elif low == "content-transfer-encoding":
            if cte is not None or value.lower() not in _SIMPLE_CTE:
                return None
            cte = value.lower()
        elif low == "content-disposition":
            return None
        out.append((field, value))
    charset = None
    if ctype is not None:
        kind, *params = ctype.split(";")
        if kind.strip().lower() != "text/plain":
            return None
        for param in params:
            if not param.strip():
                continue
            key, eq, val = param.partition("=")
            key = key.strip().lower()
            m = _SIMPLE_TOKEN.fullmatch(val)
            if not eq or key not in _SIMPLE_PARAMS or m is None or (key == "charset" and charset is not None):
                return None
            if key == "charset":
                charset = m.group(1).strip('"').lower()
    body = data[pos + (2 if data[pos] == 13 else 1):]
    if cte == "quoted-printable":
        body = quopri.decodestring(body)        # what compat32's get_payload(decode=True) does
    return out, body, charset
