"""Text from the case shown to a person: hostile content made visible, never acted upon.

E-mail and article text may carry right-to-left overrides and zero-width characters that make a
sum or a name look like another ("EUR 1,000" that reads "EUR 0001," in a report), and cells
that a spreadsheet would run as a formula (`=HYPERLINK("http://…","open")`). These helpers are
used by every HTML, CSV and terminal rendering.
"""
from __future__ import annotations

import html
import re

CONTROLS = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\u061c\ufeff]")
"""Bidirectional controls (LRE, RLE, PDF, LRO, RLO, LRI, RLI, FSI, PDI, LRM, RLM, ALM) and
zero-width characters (ZWSP, ZWNJ, ZWJ, word joiner, BOM)."""
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
"""What makes a spreadsheet cell a formula (OWASP's CSV injection list)."""


def visible(text: str) -> str:
    """`text` with every bidirectional control and zero-width character shown as ⟦U+202E⟧."""
    return CONTROLS.sub(lambda m: f"⟦U+{ord(m.group(0)):04X}⟧", text or "")


def escape(text) -> str:
    """HTML-escaped and with controls made visible: safe between tags and in attribute values."""
    return html.escape(visible("" if text is None else str(text)))


def cell(value):
    """A CSV cell a spreadsheet shows as text: a leading =, +, -, @, tab or CR gets a ' before it;
    controls made visible. Numbers and empty cells stay as they are."""
    if not isinstance(value, str) or not value:
        return value
    value = visible(value)
    return "'" + value if value.startswith(FORMULA_START) else value


def plural(n: int, noun: str, many: str | None = None) -> str:
    """'1 other file', '3 other files' (`many` for nouns whose plural is not noun + s)."""
    return f"{n} {noun if n == 1 else (many or noun + 's')}"


_OPENERS = {"\"": "\"", "„": "“", "“": "”", "«": "»", "»": "«", "‚": "‘", "‘": "’"}


def clip(text: str, width: int) -> str:
    """`text` cut to about `width` characters at a word boundary, with an ellipsis. A cut inside
    a quotation keeps the quotation visibly unfinished ('…"'), so that a shortened quote is never
    shown as if it ended there."""
    text = " ".join((text or "").split())
    if len(text) <= width:
        return text
    cut = text[:width]
    space = cut.rfind(" ")
    if space > width * 0.6:
        cut = cut[:space]
    cut = cut.rstrip(" ,;:") + "…"
    stack: list[str] = []
    for ch in cut:
        if stack and ch == stack[-1]:
            stack.pop()
        elif ch in _OPENERS:
            stack.append(_OPENERS[ch])
    return cut + "".join(reversed(stack))
