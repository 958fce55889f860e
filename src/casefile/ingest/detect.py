"""Format detection by content, not by extension.

`detect(head, name)` looks at the first bytes of a blob (and only uses the name to break ties, e.g.
a .docx is a zip) and returns a MIME-like type. Each format module registers the types it handles
in `casefile.ingest.registry`.

Heuristics were tuned on ../shared/corpora: every e-mail file there (Enron `N.txt`, linux-mips
`NNNNNN.eml`, extension-less spamscope mails, mime4j `.msg` that are RFC 822 text) is recognised as
mail, and none of the plain-text ground-truth files (.txt, .json, .xml) is.
"""
from __future__ import annotations

import re

from ..model import HEAD_BYTES  # noqa: E402,F401 - the bytes a type is told from

MBOX = "application/mbox"
RFC822 = "message/rfc822"
OUTLOOK_MSG = "application/vnd.ms-outlook"
OUTLOOK_PST = "application/vnd.ms-outlook-pst"
TNEF = "application/ms-tnef"
ZIP = "application/zip"
TAR = "application/x-tar"
PDF = "application/pdf"
HTML = "text/html"
TEXT = "text/plain"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
ODF = "application/vnd.oasis.opendocument"
OLE = "application/x-ole-storage"
RTF = "application/rtf"
EMPTY = "application/x-empty"
UNKNOWN = "application/octet-stream"

# Media we recognise and keep, but do not parse into text.
_MAGIC_MEDIA = [
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
    (b"BM", None),  # too short to trust alone; handled below
    (b"RIFF", "application/x-riff"),
    (b"\x1f\x8b", "application/gzip"),
    (b"BZh", "application/x-bzip2"),
    (b"7z\xbc\xaf\x27\x1c", "application/x-7z-compressed"),
    (b"Rar!\x1a\x07", "application/vnd.rar"),
    (b"ID3", "audio/mpeg"),
    (b"OggS", "audio/ogg"),
    (b"-----BEGIN PGP", "application/pgp"),
    (b"\x00\x00\x01\x00", "image/x-icon"),
]

_FIELD = re.compile(rb"^[!-9;-~]{1,76}[ \t]*:")   # RFC 5322 field name then ':' (obsolete: WSP before ':')
_CONT = re.compile(rb"^[ \t]")
_FROM_LINE = re.compile(rb"^From \S*")
_KNOWN_FIELDS = {
    b"from", b"to", b"cc", b"subject", b"date", b"message-id", b"received", b"return-path",
    b"mime-version", b"content-type", b"delivered-to", b"reply-to", b"sender", b"in-reply-to",
    b"references", b"x-mailer", b"user-agent", b"envelope-to", b"x-from", b"x-to", b"thread-topic",
    b"content-transfer-encoding", b"x-original-to", b"resent-from", b"resent-date", b"newsgroups",
    b"path", b"dkim-signature", b"authentication-results", b"x-received", b"arc-seal",
}

HEADER_LINES_CHECKED = 40
MIN_FIELD_SHARE = 0.8
"""At least 80 % of the first header block's lines must be fields or continuations: all mail in
the corpora scores 1.0 except mime4j's no-separator samples (0.9); English prose scores < 0.3."""


def _lines(head: bytes, n: int) -> list[bytes]:
    return head.split(b"\n", n)[:n]


def header_block_score(head: bytes) -> tuple[float, int]:
    """Share of header-like lines in the first block of `head`, and how many known mail fields it has."""
    lines = []
    for raw in _lines(head.lstrip(b" \t\r\n"), HEADER_LINES_CHECKED):
        line = raw.rstrip(b"\r")
        if not line.strip():
            break
        lines.append(line)
    if not lines or not _FIELD.match(lines[0]):
        return 0.0, 0
    good = known = 0
    for line in lines:
        if _FIELD.match(line):
            good += 1
            if line.split(b":", 1)[0].strip().lower() in _KNOWN_FIELDS:
                known += 1
        elif _CONT.match(line):
            good += 1
    return good / len(lines), known


STRONG_KNOWN_FIELDS = 3
"""...or at least 3 well-known mail fields with half the lines header-like (mails with mangled
Received lines, like php-mime-mail-parser issue84, score 0.65 with 20 known fields)."""


def looks_like_rfc822(head: bytes) -> bool:
    share, known = header_block_score(head)
    return (share >= MIN_FIELD_SHARE and known >= 1) or (share >= 0.5 and known >= STRONG_KNOWN_FIELDS)


_PRINTED_FIELDS = {b"sent", b"gesendet", b"datum", b"an", b"betreff", b"von"}
_PRINTED_FIELD = re.compile(rb"(?im)^(?:sent|gesendet|datum|an|betreff|von)[ \t]*:")
_TRANSPORT_FIELDS = {b"date", b"message-id", b"received", b"mime-version", b"content-type", b"return-path",
                     b"delivered-to", b"x-mailer", b"dkim-signature"}


def looks_like_printed_header(head: bytes) -> bool:
    """A typed or exported copy of a printed Outlook message ('From: / Sent: / To: / Subject:')
    is text to split as a printed chain, not an RFC 5322 message: mail transport always writes a
    Date (or Received, Message-ID, MIME) field and never a 'Sent:' one."""
    head = head.lstrip(b" \t\r\n\xef\xbb\xbf")
    if not _PRINTED_FIELD.search(head):      # no such line anywhere: the common case, one C-level scan
        return False
    names = set()
    for raw in _lines(head, HEADER_LINES_CHECKED):
        line = raw.rstrip(b"\r")
        if not line.strip():
            break
        if _FIELD.match(line):
            names.add(line.split(b":", 1)[0].strip().lower())
    return bool(names & _PRINTED_FIELDS) and not (names & _TRANSPORT_FIELDS)


def looks_like_mbox(head: bytes) -> bool:
    """An mbox starts with a From_ line ('From ' at the very start) followed by a header block."""
    start = head.lstrip(b"\r\n")
    if not start.startswith(b"From "):
        return False
    first, _, rest = start.partition(b"\n")
    if not _FROM_LINE.match(first) or re.match(rb"^From[ \t]*:", first):
        return False
    share, known = header_block_score(rest)
    return share >= MIN_FIELD_SHARE and known >= 1


def looks_like_text(head: bytes) -> bool:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True                       # UTF-16 with a byte-order mark
    if not head or b"\x00" in head[:8192]:
        return False
    sample = head[:8192]
    try:
        sample.decode("utf-8")
        return True
    except UnicodeDecodeError as e:
        if e.start >= len(sample) - 4:   # a multi-byte char cut by the sample end
            return True
    ctrl = sum(1 for b in sample if b < 9 or 13 < b < 32)
    return ctrl / len(sample) < 0.01


def _zip_type(head: bytes, name: str) -> str:
    # OOXML and ODF are zips; their first member names tell them apart.
    window = head[:4096]
    if b"word/" in window or name.lower().endswith((".docx", ".docm")):
        return DOCX
    if b"xl/" in window or name.lower().endswith((".xlsx", ".xlsm")):
        return XLSX
    if b"ppt/" in window or name.lower().endswith(".pptx"):
        return PPTX
    if b"mimetypeapplication/vnd.oasis.opendocument" in window:
        return ODF
    if b"[Content_Types].xml" in window:
        return DOCX
    return ZIP


def _ole_type(head: bytes, name: str) -> str:
    # Outlook .msg files carry '__substg1.0_' stream names in their directory sectors, usually
    # within the first 64 KiB; the name breaks the tie for unusual layouts.
    if "__substg1.0_".encode("utf-16-le") in head or name.lower().endswith(".msg"):
        return OUTLOOK_MSG
    return OLE


def _is_tar(head: bytes) -> bool:
    """A tar, possibly gzip/bzip2/xz compressed (tar headers carry 'ustar' at offset 257)."""
    if head[257:262] == b"ustar":
        return True
    import bz2
    import lzma
    import zlib
    try:
        if head.startswith(b"\x1f\x8b"):
            inner = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head, 512)
        elif head.startswith(b"BZh"):
            inner = bz2.BZ2Decompressor().decompress(head)[:512]
        elif head.startswith(b"\xfd7zXZ\x00"):
            inner = lzma.LZMADecompressor().decompress(head, 512)
        else:
            return False
    except (OSError, EOFError, ValueError, zlib.error, lzma.LZMAError):
        return False
    return inner[257:262] == b"ustar"


def detect(head: bytes, name: str = "") -> str:
    """Return the type of a blob from its first bytes (`HEAD_BYTES` of them)."""
    if not head:
        return EMPTY
    if head.startswith(b"!BDN"):
        return OUTLOOK_PST
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return _ole_type(head, name)
    if head.startswith(b"\x78\x9f\x3e\x22"):
        return TNEF
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _zip_type(head, name)
    stripped = head.lstrip(b"\xef\xbb\xbf\r\n\t ")
    if stripped.startswith(b"%PDF-") or head[:1024].find(b"%PDF-") >= 0:
        return PDF
    if stripped.startswith(b"{\\rtf"):
        return RTF
    if _is_tar(head):
        return TAR
    for magic, mime in _MAGIC_MEDIA:
        if mime and head.startswith(magic):
            return mime
    if looks_like_mbox(head):
        return MBOX
    if looks_like_rfc822(head) and not looks_like_printed_header(head):
        return RFC822
    low = stripped[:2048].lower()
    if low.startswith((b"<!doctype html", b"<html", b"<head", b"<body", b"<meta", b"<!--")) and (
        b"<html" in low or b"<body" in low or b"<head" in low or b"<meta" in low
    ):
        return HTML
    if looks_like_text(head):
        if b"<html" in low[:512] or b"<!doctype html" in low[:512]:
            return HTML
        return TEXT
    return UNKNOWN


_STREAM_MAGIC = (b"!BDN", b"PK\x03\x04", b"PK\x05\x06", b"\x1f\x8b", b"BZh", b"\xfd7zXZ\x00")


def may_be_container(head: bytes) -> bool:
    """False when `detect` cannot answer a container (mbox, pst, zip, tar) for these first bytes:
    each of those needs its magic, a tar header or a leading From_ line. The ingest's main
    process runs the full detection only when this is True; the workers detect every file."""
    return (head.startswith(_STREAM_MAGIC) or head[257:262] == b"ustar"
            or head.lstrip(b"\r\n").startswith(b"From "))


def is_container(mime: str) -> bool:
    return mime in (MBOX, OUTLOOK_PST, ZIP, TAR)


def is_media(mime: str) -> bool:
    return mime.split("/")[0] in ("image", "audio", "video") or mime in (
        "application/gzip", "application/x-bzip2", "application/x-7z-compressed",
        "application/vnd.rar", "application/pgp", "application/x-riff",
    )
