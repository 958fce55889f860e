"""Header values of real mail: RFC 2047 encoded words (any charset, broken ones too), raw 8-bit
headers, folded lines, address lists and dates.

All functions are pure. Dates are normalised to UTC; the original text is always kept by the
caller. A missing date or one that cannot be read is flagged, never replaced by the current time.
"""
from __future__ import annotations

import base64
import binascii
import email.utils
import quopri
import re
from datetime import datetime, timedelta, timezone

from dateutil import parser as dateutil_parser

try:  # the private parser tells "no zone" (None) apart from "+0000"; the public wrapper does not
    from email._parseaddr import _parsedate_tz
except ImportError:  # pragma: no cover
    _parsedate_tz = email.utils.parsedate_tz

from .charset import decode_bytes
from .dates import ZONES

_ENCODED_WORD = re.compile(r"=\?([^?\s]+?)\?([bBqQ])\?([^?]*?)\?=")
_FOLD = re.compile(r"\r?\n(?=[ \t])")
_GAP = re.compile(r"^[ \t\r\n]+$")
_MSGID = re.compile(r"<([^<>\s]{1,998})>")

EARLIEST_PLAUSIBLE_YEAR = 1971
"""E-mail as we know it starts in 1971; earlier dates come from broken clients (year 0, 1900)."""

LATEST_PLAUSIBLE_SKEW = timedelta(days=2)
"""A sent date more than two days after ingestion is a client clock error (seen in Enron and
spam samples with years 2036/2099)."""


def _raw(s: str) -> bytes:
    """The bytes behind a header string (raw 8-bit bytes are kept by compat32 as surrogate escapes)."""
    try:
        return s.encode("ascii", "surrogateescape")
    except UnicodeEncodeError:
        return s.encode("utf-8", "surrogateescape")


_ESCAPED_BYTE = re.compile("[\udc80-\udcff]")


def _has_8bit(s: str) -> bool:
    return not s.isascii() and _ESCAPED_BYTE.search(s) is not None


def _decode_word(charset: str, enc: str, payload: str) -> tuple[str, str | None]:
    charset = charset.split("*", 1)[0]       # RFC 2231 language suffix: =?utf-8*de?Q?..?=
    try:
        if enc in "bB":
            raw = _raw(payload)
            raw += b"=" * (-len(raw) % 4)
            data = base64.b64decode(raw, validate=False)
        else:
            # raw 8-bit bytes inside a Q word (seen in the wild) are taken as bytes of the charset
            data = quopri.decodestring(_raw(payload.replace("_", " ")), header=True)
    except (binascii.Error, ValueError):
        return payload, f"undecodable encoded word in charset {charset!r}"
    return decode_bytes(data, charset)


def _decode_plain(text: str, notes: list[str]) -> str:
    if not _has_8bit(text):
        return text
    decoded, note = decode_bytes(_raw(text), None)
    if note:
        notes.append("8-bit header: " + note)
    return decoded


def decode_header(value: str | None) -> tuple[str, list[str]]:
    """Unfold and decode one header value; return (text, notes)."""
    if value is None:
        return "", []
    notes: list[str] = []
    if not isinstance(value, str):
        value = str(value)
    value = _FOLD.sub("", value)
    if "=?" not in value:
        return _decode_plain(value, notes).strip(), notes
    out: list[str] = []
    pos = 0
    last_was_word = False
    for m in _ENCODED_WORD.finditer(value):
        gap = value[pos:m.start()]
        if not (last_was_word and _GAP.match(gap)):
            out.append(_decode_plain(gap, notes))
        text, note = _decode_word(m.group(1), m.group(2), m.group(3))
        if note:
            notes.append(note)
        out.append(text)
        pos = m.end()
        last_was_word = True
    out.append(_decode_plain(value[pos:], notes))
    return "".join(out).strip(), notes


ADDRESS_PARSE_MAX = 64_000
"""The stdlib address parser recurses per address; above 64 KB (MimeKit's stack-overflow.txt has
a 100 KB To header) addresses are extracted with a regular expression instead."""


_LOOSE_ADDRESS = re.compile(r"(?<![\w.+'-])[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")
"""Anything that looks like an address. A match starts only where a run of address characters
starts: tried at every position, 100 KB of letters without an '@' took 45 s (quadratic)."""


def parse_addresses(value: str | None) -> list[dict]:
    """Split an address header into [{"name", "addr"}], decoding display names."""
    if not value:
        return []
    value = _FOLD.sub("", str(value))
    simple = _simple_addresses(value)
    if simple is not None:
        return simple
    if _has_8bit(value):
        value = decode_header(value)[0]
    pairs = []
    if len(value) <= ADDRESS_PARSE_MAX:
        try:
            pairs = email.utils.getaddresses([value])
        except (RecursionError, IndexError, ValueError):
            pairs = []
    result = []
    for name, addr in pairs:
        if not name and not addr:
            continue
        dname = decode_header(name)[0] if name else ""
        dname = dname.strip().strip('"').strip("'").strip()
        addr = addr.strip().strip("<>").strip()
        if addr and "@" not in addr and not dname:
            dname, addr = addr, ""       # 'From: Whomever' names someone; it is not an address
        result.append({"name": dname or None, "addr": addr.lower() or None})
    if not result:
        # getaddresses gives up on badly broken lists; keep whatever looks like an address.
        for addr in _LOOSE_ADDRESS.findall(value):
            result.append({"name": None, "addr": addr.lower()})
        if not result and value.strip():
            result.append({"name": decode_header(value)[0] or None, "addr": None})
    return result


_SIMPLE_LIST = re.compile(r"[^\"()\\;:\[\]=]*")
_WORD = r"[A-Za-z0-9](?:[A-Za-z0-9.'_-]*[A-Za-z0-9._-])?"
_ADDR = r"[A-Za-z0-9_](?:[A-Za-z0-9._%+'-]*[A-Za-z0-9_])?@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+"
_SIMPLE_ONE = re.compile(rf"({_WORD}(?: {_WORD})*)? ?<({_ADDR})>|({_ADDR})")


def _simple_addresses(value: str) -> list[dict] | None:
    """The common case without the stdlib parser (~9 % of a benchmark message's parsing): a
    plain ASCII list of 'Name <local@domain>' or 'local@domain', names of plain words. Anything
    else (quotes, comments, groups, encoded words, 8-bit bytes) returns None and takes the full
    parser; on the shared corpora's From/To/Cc values both give the same answer (tests)."""
    if not value.isascii() or not _SIMPLE_LIST.fullmatch(value):
        return None
    out = []
    for piece in value.split(","):
        piece = piece.strip()
        if not piece:
            continue
        m = _SIMPLE_ONE.fullmatch(piece)
        if m is None:
            return None
        name, addr = (m.group(1), m.group(2)) if m.group(2) else (None, m.group(3))
        out.append({"name": name or None, "addr": addr.lower()})
    return out or None


def parse_message_ids(value: str | None) -> list[str]:
    if not value:
        return []
    return _MSGID.findall(str(value))


def message_id(value: str | None) -> str | None:
    if not value:
        return None
    ids = parse_message_ids(value)
    if ids:
        return ids[0]
    v = str(value).strip()
    return v[:998] or None


def _iso(dt: datetime) -> str:
    u = dt.astimezone(timezone.utc)
    if u.year >= 1000:                  # formatted directly: strftime is ~10 us a message
        return f"{u.year}-{u.month:02d}-{u.day:02d}T{u.hour:02d}:{u.minute:02d}:{u.second:02d}Z"
    return u.strftime("%Y-%m-%dT%H:%M:%SZ")     # '999-...' as before


def parse_date(raw: str | None, now: datetime | None = None) -> tuple[str | None, str | None, list[str]]:
    """Parse an RFC 5322 date (or a sloppy one); return (utc_iso, flag, notes).

    flag is None for a good date, else 'missing', 'unparseable' or 'implausible' (value kept).
    """
    notes: list[str] = []
    if raw is None or not str(raw).strip():
        return None, "missing", notes
    text = _FOLD.sub("", str(raw)).strip()
    if _has_8bit(text):
        text = text.encode("ascii", "surrogateescape").decode("utf-8", "replace")
    dt = None
    parsed = None
    try:
        parsed = _parsedate_tz(text)
    except (ValueError, IndexError, TypeError, OverflowError):
        parsed = None
    if parsed is not None:
        try:
            offset = parsed[9]
            if offset is None:
                notes.append("date has no time zone; read as UTC")
                offset = 0
            naive = datetime(*parsed[:6])
            dt = naive.replace(tzinfo=timezone(timedelta(seconds=offset)))
        except (ValueError, OverflowError, TypeError):
            dt = None
    if dt is None:
        try:
            cleaned = re.sub(r"\([^)]*\)", " ", text)
            dt = dateutil_parser.parse(cleaned, fuzzy=True, tzinfos=ZONES)
            if dt.tzinfo is None:
                notes.append("date has no time zone; read as UTC")
                dt = dt.replace(tzinfo=timezone.utc)
            notes.append("date is not in RFC 5322 form; read leniently")
        except (ValueError, OverflowError, TypeError, dateutil_parser.ParserError):
            return None, "unparseable", notes
    try:
        iso = _iso(dt)
        utc = dt.astimezone(timezone.utc)
    except (ValueError, OverflowError):
        return None, "unparseable", notes
    now = now or datetime.now(timezone.utc)
    if utc.year < EARLIEST_PLAUSIBLE_YEAR or utc > now + LATEST_PLAUSIBLE_SKEW:
        return iso, "implausible", notes
    return iso, None, notes
