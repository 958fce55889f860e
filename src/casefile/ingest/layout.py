"""Page layout: text segments with positions -> lines in reading order, and page furniture.

Both the PDF text layer and OCR give text in pieces with positions. Printed e-mail headers put
their labels in one column and the values in another (`From:` ... `Sent:` ... then the values),
so the stream order of a PDF is not reading order. `rows` merges the pieces that share a
baseline into one line, left to right, and marks paragraph breaks from vertical gaps.

`strip_furniture` then removes what the printer and the court added to every page: ECF headers
(`Case 1:15-cv-07433 Document 1325-4 Filed 01/04/24 Page 2 of 6`), Bates stamps
(`GM_01060`, `ABC-000123`), CONFIDENTIAL stamps, bare page numbers and running heads repeated
on most pages. The Bates numbers are kept per page for citations.

All functions are pure.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

ROW_OVERLAP = 0.5
"""Two pieces are on one line when their vertical centres differ by less than half a line
height. Chosen on the seven court exhibits: 0.5 merges every label with its value in the Outlook
label column and never merged two printed lines (checked by eye on all 71 pages)."""

PARAGRAPH_GAP = 1.8
"""A vertical gap of more than 1.8 line heights between two lines is a paragraph break. Single
spacing in printed mail is 1.15-1.3 line heights; a blank line is 2.3 or more."""

EDGE_LINES = 4
"""Stamps and page numbers are only looked for in the first and last four lines of a page."""

RUNNING_HEAD_SHARE = 0.5
"""A line (digits ignored) at the top or bottom of at least half of the pages (and at least
three) is a running head or footer."""


@dataclass
class Segment:
    """A run of text on one line: its vertical centre and height (top-down coordinates) and the
    left edge of each character (for inserting redaction marks at the right place)."""
    y: float
    height: float
    x: float
    text: str
    char_x: list[float] = field(default_factory=list)


def rows(segments: list[Segment], redactions: list[tuple[float, float, float, float]] = ()) -> list[str]:
    """Lines in reading order; '' marks a paragraph break.

    `redactions` are (left, top, right, bottom) boxes of filled black rectangles; each becomes
    `[REDACTED]` at its place in the line it covers, or a line of its own when it covers none."""
    segs = [s for s in segments if s.text.strip()]
    marks = []
    for left, top, right, bottom in redactions:
        marks.append(Segment(y=(top + bottom) / 2, height=max(bottom - top, 1.0), x=left, text="[REDACTED]"))
    segs.sort(key=lambda s: (s.y, s.x))
    lines: list[list] = []            # [y, height, [segments]]
    for s in segs:
        if lines and abs(lines[-1][0] - s.y) <= ROW_OVERLAP * max(s.height, lines[-1][1]):
            lines[-1][2].append(s)
        else:
            lines.append([s.y, s.height, [s]])
    for m in marks:
        best = None
        for row in lines:
            if abs(row[0] - m.y) <= ROW_OVERLAP * max(row[1], min(m.height, row[1] * 1.5)):
                best = row
                break
        if best is None:
            lines.append([m.y, m.height, [m]])
            continue
        _insert_mark(best[2], m)
    lines.sort(key=lambda r: r[0])
    out: list[str] = []
    prev_bottom = None
    heights = sorted(r[1] for r in lines) or [10.0]
    typical = heights[len(heights) // 2]
    for y, h, parts in lines:
        top = y - h / 2
        if prev_bottom is not None and out and top - prev_bottom > (PARAGRAPH_GAP - 1) * typical:
            out.append("")
        text = " ".join(p.text.strip() for p in sorted(parts, key=lambda p: p.x))
        out.append(re.sub(r"[ \t]{2,}", " ", text))
        prev_bottom = y + h / 2
    return out


def _insert_mark(parts: list[Segment], mark: Segment) -> None:
    """Put a redaction mark inside the segment it falls in (by character position), or beside it."""
    for p in parts:
        if p.char_x and p.char_x[0] <= mark.x <= (p.char_x[-1] + p.height):
            i = next((k for k, cx in enumerate(p.char_x) if cx >= mark.x), len(p.char_x))
            p.text = p.text[:i].rstrip() + " [REDACTED] " + p.text[i:].lstrip()
            p.char_x = p.char_x[:i] + [mark.x] * 12 + p.char_x[i:]
            return
    parts.append(mark)


# ------------------------------------------------------------------ screen side column
SIDE_MAX_SHARE = 0.35
SIDE_MIN_ITEMS = 10
SIDE_GUTTER_PT = 18.0
SIDE_MAX_WORDS = 3
SIDE_MIN_HEIGHT_SHARE = 0.4
SIDE_MAX_CROSSING = 0.15
"""A screenshot's folder list is a column of at least 10 short items (median at most three
words, none a `Label:`) in the left 35 % of the page, over at least 40 % of its height, with a
gutter of 18 pt between it and the text beside it (crossed by at most 15 % as many lines: the
menu bar above, a line OCR read across), and the text beside it holds more characters. Seen on
the webmail exhibit 1331.34 (../shared/corpora): items at x 47-112 pt, mail from 159 pt. A
printed mail page never has it: its label column is `From:`/`Sent:`, and its lines cross any
gutter."""


def _right(seg: Segment) -> float:
    return (seg.char_x[-1] + seg.height * 0.6) if seg.char_x else seg.x + len(seg.text) * seg.height * 0.5


def side_column(segments: list[Segment], width: float, height: float) -> set[int]:
    """Indexes of the segments that are a screen's side column (see SIDE_MAX_SHARE); pure."""
    lefts = sorted({_right(s) for s in segments if s.x < width * SIDE_MAX_SHARE and s.text.strip()}, reverse=True)
    for gutter in lefts:
        if gutter > width * SIDE_MAX_SHARE:
            continue
        left = [i for i, s in enumerate(segments) if _right(s) <= gutter]
        if len(left) < SIDE_MIN_ITEMS:
            return set()
        if sum(1 for s in segments if s.x < gutter + SIDE_GUTTER_PT and _right(s) > gutter) > \
                SIDE_MAX_CROSSING * len(left):
            continue
        items = [segments[i] for i in left]
        words = sorted(len(s.text.split()) for s in items)
        ys = [s.y for s in items]
        left_chars = sum(len(s.text) for s in items)
        right_chars = sum(len(s.text) for s in segments) - left_chars
        if words[len(words) // 2] <= SIDE_MAX_WORDS and right_chars > left_chars and \
                not any(_LABEL.match(s.text) for s in items) and max(ys) - min(ys) >= SIDE_MIN_HEIGHT_SHARE * height:
            return set(left)
    return set()


_LABEL = re.compile(r"^\W*[^\W\d_][\w .-]{0,20}:(?:\s|$)")


# ------------------------------------------------------------------ text-layer quality
_TOKEN = re.compile(r"\S+")
_CLEAN_TOKEN = re.compile(
    r"^[(\[\"'“‘„«]*(?:[^\W\d_]+(?:['’\-][^\W\d_]+)*|\d+(?:[.,:/\-]\d+)*(?:st|nd|rd|th|am|pm|AM|PM|h|%)?|"
    r"[A-Z]{1,3}\.|[&@§€$£\-–—+=/]|[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+|https?://\S+|www\.\S+)"
    r"[)\]\"'”’“«».,;:!?%*]*$")
"""A token that reads as a word, a number, a date, an initial, an address or one sign, with
quotes and punctuation around it. Misread print gives `Weat11e`, `numb<!r`, `l.:-sley`, `t0<`."""


def text_quality(lines: list[str]) -> tuple[float, int]:
    """(share of tokens that read as words or numbers, characters) of a page's text. On the
    court exhibits' scans (../shared/corpora/pdf-court-exhibits-printed-emails) pages with a good
    text layer score 0.91-0.99; the webmail screenshots of 1331.34, whose text layer an old OCR
    left full of misreads, 0.82-0.91; a page ending in a garbled small-print notice 0.45."""
    text = "\n".join(lines)
    tokens = _TOKEN.findall(text)
    if not tokens:
        return 1.0, 0
    return sum(1 for t in tokens if _CLEAN_TOKEN.match(t)) / len(tokens), len(text)


# ------------------------------------------------------------------ furniture
ECF_HEADER = re.compile(
    r"^\s*Case\s+\d+:\d{2}-[a-z]{2,4}-\d{3,6}(?:-[A-Z]{2,5})*\s+Document\s+[\d-]+.*?Page\s+\d+\s+of\s+\d+\s*$", re.I)
BATES = re.compile(r"\b([A-Z][A-Z0-9]{0,14}(?:[-_][A-Z]{1,12})*[-_ ]?\d{4,10})\b")
"""Bates numbers: an upper-case prefix, an optional '-' or '_', four to ten digits
(ABC-000123, GM_01060, RANSOME_000006, EFTA00001234, DOJ-OGR-000123)."""
STAMP_WORDS = re.compile(r"^(?:(?:HIGHLY\s+)?CONFIDENTIAL|PRIVILEGED|ATTORNEYS'? EYES ONLY|VERTRAULICH|"
                         r"SUBJECT TO PROTECTIVE ORDER|PRODUCED\s+(?:BY|PURSUANT)\b.*)$", re.I)
PAGE_NUMBER = re.compile(r"^\s*(?:[-–—]\s*)?(?:(?:Page|Seite|S\.)\s*)?\d{1,4}(?:\s*(?:of|von|/)\s*\d{1,4})?(?:\s*[-–—])?\s*$",
                         re.I)


_OCR_IN_NUMBER = re.compile(r"(?<=\d)[\"'’‘`´](?=\d)")
"""A quote mark OCR put between two digits of a stamp (the real exhibits: `PRIVILEGED GM_00"1055`)."""


def bates_in(line: str) -> list[str]:
    """Bates numbers on a stamp line (a line made only of Bates numbers and stamp words)."""
    found = BATES.findall(line)
    if not found:
        return []
    rest = BATES.sub(" ", line)
    rest = re.sub(r"(?i)\b(?:HIGHLY|CONFIDENTIAL|PRIVILEGED|ATTORNEYS'?|EYES|ONLY|VERTRAULICH|BATES|NO\.?)\b", " ", rest)
    rest = re.sub(r"(?i)(?:\b(?:page|seite)\s*)?\b\d{1,4}(?:\s*(?:of|von|/)\s*\d{1,4})?\b", " ", rest)  # page number
    if rest.strip(" \t:-–_,;|/()[]"):
        return []
    return [b for b in found if is_bates(b)]


def is_bates(token: str) -> bool:
    """GM_01060 and ABC-000123 (separator, 4+ digits) or EFTA00001234 (5+ digits); not MAY2016."""
    m = re.match(r"^(.*?)[-_ ]?(\d+)$", token)
    if not m or not m.group(1) or not m.group(1)[0].isalpha():
        return False
    digits = m.group(2)
    separated = token[len(m.group(1)):len(m.group(1)) + 1] in "-_ " and len(token) > len(m.group(1)) + len(digits)
    return len(digits) >= (4 if separated else 5)


def _shape(line: str) -> str:
    return re.sub(r"\d+", "#", line.strip().lower())


def running_heads(pages: list[list[str]]) -> set[str]:
    """Shapes (digits as #) of lines at the top or bottom of at least half the pages."""
    if len(pages) < 3:
        return set()
    counts: Counter = Counter()
    for lines in pages:
        content = [ln for ln in lines if ln.strip()]
        edge = set(_shape(ln) for ln in content[:2] + content[-2:])
        counts.update(edge)
    need = max(3, int(len(pages) * RUNNING_HEAD_SHARE + 0.5))
    return {shape for shape, n in counts.items() if n >= need and len(shape) > 2}


@dataclass
class CleanPage:
    lines: list[str]
    bates: list[str]
    furniture: list[str]


def strip_furniture(lines: list[str], heads: set[str] = frozenset()) -> CleanPage:
    """Remove page furniture from the first and last EDGE_LINES lines (ECF headers anywhere)."""
    content_idx = [i for i, ln in enumerate(lines) if ln.strip()]
    edge = set(content_idx[:EDGE_LINES] + content_idx[-EDGE_LINES:])
    keep, bates, furniture = [], [], []
    for i, ln in enumerate(lines):
        s = ln.strip()
        if s and ECF_HEADER.match(s):
            furniture.append(s)
            continue
        if i in edge and s:
            b = bates_in(_OCR_IN_NUMBER.sub("", s))
            if b:
                bates.extend(b)
                furniture.append(s)
                continue
            if STAMP_WORDS.match(s) or PAGE_NUMBER.match(s) or _shape(s) in heads:
                furniture.append(s)
                continue
        keep.append(ln)
    while keep and not keep[0].strip():
        keep.pop(0)
    while keep and not keep[-1].strip():
        keep.pop()
    return CleanPage(keep, bates, furniture)


def main_series(bates_by_page: list[list[str]]) -> str | None:
    """The Bates series (prefix and digit count) seen on most pages."""
    prefixes = Counter(_prefix(b) for page in bates_by_page for b in set(page))
    return prefixes.most_common(1)[0][0] if prefixes else None


def bates_range(bates_by_page: list[list[str]], main: str | None = None) -> list[str]:
    """First and last Bates number of the main series (by default the one seen on most pages)."""
    main = main or main_series(bates_by_page)
    if not main:
        return []
    series = [b for page in bates_by_page for b in page if _prefix(b) == main]
    if not series:
        return []
    return [series[0], series[-1]] if series[0] != series[-1] else [series[0]]


def _prefix(b: str) -> str:
    m = re.match(r"^(.*?)(\d+)$", b)
    return (m.group(1) if m else b) + f"#{len(m.group(2)) if m else 0}"
