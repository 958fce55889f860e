"""Turning bytes of unknown or wrongly declared charset into text, recording every fallback.

Order: the declared charset (aliases normalised), then UTF-8, then charset-normalizer's guess,
then windows-1252 (which decodes any byte sequence). Each step that is not the declared charset
leaves a note such as "declared charset 'us-askey' unknown; decoded as utf-8".
"""
from __future__ import annotations

import codecs

from charset_normalizer import from_bytes

# Labels seen in real mail that Python does not know, mapped to what their senders meant.
ALIASES = {
    "unicode-1-1-utf-7": "utf-7",
    "x-unknown": None,
    "unknown-8bit": None,
    "us-askey": "ascii",
    "fakescii": None,
    "x-user-defined": "windows-1252",
    "ks_c_5601-1987": "cp949",
    "ks_c_5601": "cp949",
    "x-mac-cyrillic": "mac-cyrillic",
    "x-sjis": "shift_jis",
    "iso-8859-8-i": "iso-8859-8",
    "gb2312": "gb18030",      # superset: real gb2312 mail often uses gbk characters
    "gbk": "gb18030",
    "windows-874": "cp874",
    "ansi_x3.4-1968": "ascii",
    "iso-2022-jp": "iso2022_jp_ext",
    "_autodetect_all": None,
}

DETECT_MIN_BYTES = 16
"""Below 16 bytes charset-normalizer's guesses are noise; go straight to windows-1252."""


def normalise_charset(label: str | None) -> str | None:
    """A Python codec name for a charset label, or None when the label is missing or unknown."""
    if not label:
        return None
    label = label.strip().strip('"\'').lower()
    if label in ALIASES:
        return ALIASES[label]
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def decode_bytes(data: bytes, declared: str | None = None) -> tuple[str, str | None]:
    """Decode `data`; return (text, note). The note is None when the declared charset worked
    (or, with none declared, when the bytes are plain UTF-8)."""
    if declared is None and data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace"), None
    codec = normalise_charset(declared)
    if codec:
        try:
            return data.decode(codec), None
        except (UnicodeDecodeError, LookupError):
            pass
    if declared and not codec:
        why = f"declared charset {declared!r} unknown"
    elif declared:
        why = f"text is not valid {declared}"
    else:
        why = "no charset declared"
    try:
        text = data.decode("utf-8")
        return text, (f"{why}; decoded as utf-8" if declared else None)
    except UnicodeDecodeError:
        pass
    if len(data) >= DETECT_MIN_BYTES:
        best = from_bytes(data[:200_000]).best()
        if best is not None and best.encoding:
            try:
                return data.decode(best.encoding, errors="replace"), f"{why}; decoded as {best.encoding} (detected)"
            except LookupError:
                pass
    return data.decode("windows-1252", errors="replace"), f"{why}; decoded as windows-1252 (fallback)"
