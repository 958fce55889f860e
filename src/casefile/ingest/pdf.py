"""PDF: text per page in reading order, OCR for image-only pages, furniture and Bates numbers,
and the printed e-mail messages inside exhibits.

Text comes from PDFium (pypdfium2): each text run with its position, merged into lines by
`layout.rows` so that label columns (`From:` | value) read as one line. Filled black rectangles
become `[REDACTED]` where they sit. A page whose text layer has (almost) no text but carries an
image is rendered and read by tesseract (English + German) with a per-page time budget.

One PDF gives one `pdf` document (all pages, furniture removed, with the character span and
Bates numbers of every page) plus one `printed-email` document per printed message found by
`exhibit.split_chain`, each with its citation (file, pages, Bates range).
"""
from __future__ import annotations

import ctypes
import io
import os
import re
import shutil
import subprocess
import time

from . import detect as dt
from .exhibit import Line, clean_body, line_width, parse_person, parse_recipients, split_chain
from .dates import parse_printed_date
from .layout import (ECF_HEADER, EDGE_LINES, Segment, bates_in, bates_range, is_bates, main_series, rows,
                     running_heads, side_column, strip_furniture, text_quality)
from .limits import cut_text
from ..processes import child_preexec
from ..model import Blob, DocRecord

MAX_PAGES = 5000
"""PDFs with more pages are quarantined (the largest court exhibit bundle we know is ~2,000)."""

MAX_PAGE_CHARS = 200_000
"""Characters read from one page; a dense printed page has ~5,000 (the court exhibits at most 4,100)."""

MAX_PAGE_POINTS = 14400
"""A page side over 200 inches (PDF's own limit) is a malformed or hostile page."""

OCR_MIN_CHARS = 60
"""A page with fewer than 60 characters of text (after removing page furniture) and an image on
at least OCR_MIN_IMAGE_SHARE of its area is a scan and is read by OCR. The image-only court
exhibit carries 79-92 characters of stamps per page (ECF header, Bates, CONFIDENTIAL), all of
which are furniture; real text pages in the exhibits have over 600."""

OCR_MIN_IMAGE_SHARE = 0.3

REOCR_BELOW = 0.93
REOCR_MIN_CHARS = 200
"""A scanned page (image on OCR_MIN_IMAGE_SHARE of it) whose text layer has at least 200
characters but reads worse than 0.93 (layout.text_quality) is read again by tesseract, and the
better of the two is kept. On the seven court exhibits the text layers of 12 pages are under
0.93 (all of the webmail screenshots of 1331.34, 0.82-0.92; a garbled notice in 1325.4, 0.46;
one page of 1330.21, 0.92) and tesseract read every one of them better (0.93-0.96); the other
64 pages (0.93-0.99) keep their text layer."""
OCR_DPI = 300
"""Tesseract reads printed mail best at 300 dpi (200 dpi lost ~2 % of words on the scanned
exhibit; 400 dpi gained nothing and took 1.8x the time)."""

OCR_MAX_PIXELS = 40_000_000
"""Render no page larger than 40 Mpx (an A4 page at 300 dpi is 8.7 Mpx)."""

OCR_MAX_PAGE_POINTS = 3456
"""A page longer than 48 inches on a side (A0 is 46.8) is a drawing or a poster, or a hostile
page: it is not sent to OCR. Found by fuzzing (bench/README.md): a 6.8 KB PDF with one
8,400-point page took 30-40 s of OCR at OCR_MAX_PIXELS."""

OCR_PAGE_SECONDS = 90
"""Per-page OCR budget. A dense A4 page takes 1-3 s on one core here."""

OCR_LANGS = "eng+deu"
REDACTION_MAX_LUMA = 80
"""A filled rectangle darker than this (0-255) and at least 6 x 5 pt is a redaction box."""

PDF_PARSE_SECONDS = 3600
"""Whole-file budget for a PDF (OCR included); the per-page budget bounds each page."""

OCR_RUN_SECONDS = 6 * 3600
"""OCR time for one ingest run over all its files and workers: past 6 hours the scanned pages
still to come are not read, each file saying which (a night's run of a large production; a
4,999-page scan of blank pages no longer counts, see BLANK_MAX_INK_PIXELS)."""
ocr_run_deadline: float | None = None
"""Set by the ingest runner before its workers fork (time.monotonic() is one clock for every
process of the machine, so the forked workers share the deadline)."""


def start_ocr_budget(seconds: float = OCR_RUN_SECONDS) -> None:
    global ocr_run_deadline
    ocr_run_deadline = time.monotonic() + seconds


OCR_FILE_SECONDS = 1800
"""OCR time for one file: past 30 minutes the remaining scanned pages of the file are not read,
and a note names them (the file's other pages and its text layer are kept). Well inside
PDF_PARSE_SECONDS, which would quarantine the whole file."""

BLANK_DPI = 36
BLANK_INK_LUMA = 224
BLANK_MAX_INK_PIXELS = 3
"""A scanned page is blank, and not sent to OCR, when its 36-dpi rendering has at most 3 pixels
darker than 224 of 255. Measured on rendered 300-dpi scans: a blank page 0 such pixels, a lone
10-pt "J." 6, "ok" 17, "Thanks." 52; rendering costs ~40 ms a page (decoding the scan), OCR of a
blank page 0.3-0.4 s, so a 4,999-page scan of blank pages takes minutes, not half an hour."""


def _bounds(obj) -> tuple[float, float, float, float]:
    return tuple(obj.get_bounds())


def _redactions(page, height: float) -> tuple[list, float]:
    """Dark filled rectangles (top-down boxes) and the share of the page covered by images."""
    import pypdfium2.raw as pdfium_c
    boxes, image_area = [], 0.0
    w, h = page.get_size()
    try:
        objs = list(page.get_objects(max_depth=2))
    except Exception:  # noqa: BLE001 - a broken object list only costs redaction marks
        return [], 0.0
    for obj in objs[:20000]:
        try:
            if obj.type == pdfium_c.FPDF_PAGEOBJ_IMAGE:
                l, b, r, t = _bounds(obj)
                image_area += max(0.0, r - l) * max(0.0, t - b)
            elif obj.type == pdfium_c.FPDF_PAGEOBJ_PATH:
                fill, stroke = ctypes.c_int(), ctypes.c_int()
                pdfium_c.FPDFPath_GetDrawMode(obj.raw, fill, stroke)
                if not fill.value:
                    continue
                r_, g_, b_, a_ = (ctypes.c_uint() for _ in range(4))
                pdfium_c.FPDFPageObj_GetFillColor(obj.raw, r_, g_, b_, a_)
                if a_.value < 200 or max(r_.value, g_.value, b_.value) > REDACTION_MAX_LUMA:
                    continue
                l, b, r, t = _bounds(obj)
                if r - l >= 6 and t - b >= 5 and (r - l) * (t - b) < 0.5 * w * h:
                    boxes.append((l, height - t, r, height - b))
        except Exception:  # noqa: BLE001
            continue
    return boxes, min(1.0, image_area / max(1.0, w * h))


def _text_segments(page, height: float) -> list[Segment]:
    """The page's text runs (PDFium's lines in content order) with their positions."""
    tp = page.get_textpage()
    n = min(tp.count_chars(), MAX_PAGE_CHARS)
    if n <= 0:
        return []
    text = tp.get_text_range(0, n)
    segs: list[Segment] = []
    cur: list[str] = []
    boxes: list[tuple] = []
    xs: list[float] = []
    char_x: list[float] = []

    def flush():
        s = "".join(cur)
        if s.strip() and boxes:
            ys = sorted((b + t) / 2 for _, b, _, t in boxes)
            hs = sorted(t - b for _, b, _, t in boxes)
            lead = len(s) - len(s.lstrip())
            segs.append(Segment(y=height - ys[len(ys) // 2], height=hs[len(hs) // 2], x=min(xs),
                                text=s.strip(), char_x=char_x[lead:lead + len(s.strip())]))
        cur.clear()
        boxes.clear()
        xs.clear()
        char_x.clear()

    for i, ch in enumerate(text[:n]):
        if ch in "\r\n":
            flush()
            continue
        if ch == "\ufffe" or ch == "\x02":       # PDFium's soft-hyphen marker
            continue
        box = tp.get_charbox(i, loose=True)
        cur.append(ch)
        char_x.append(box[0])
        if not ch.isspace() and box[3] - box[1] > 0:
            boxes.append(box)
            xs.append(box[0])
    flush()
    return segs


def _merge_boxes(vector: list[tuple], burnt: list[tuple]) -> list[tuple]:
    """Redaction boxes drawn over a scan are also black in its image: keep each box once."""
    out = list(vector)
    for b in burnt:
        if not any(b[0] < v[2] and v[0] < b[2] and b[1] < v[3] and v[1] < b[3] for v in vector):
            out.append(b)
    return out


def ocr_available() -> bool:
    return shutil.which("tesseract") is not None


def _ocr_page(page, width: float, height: float) -> tuple[list[Segment], list[tuple], str | None]:
    """Render the page and read it with tesseract; (segments, redaction boxes in the image, note)."""
    scale = OCR_DPI / 72
    if width * height * scale * scale > OCR_MAX_PIXELS:
        scale = (OCR_MAX_PIXELS / (width * height)) ** 0.5
    img = page.render(scale=scale, grayscale=True).to_pil()
    boxes = image_redactions(img, 1 / scale)
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    try:
        proc = subprocess.run(["tesseract", "stdin", "stdout", "-l", OCR_LANGS, "--psm", "3", "tsv"],
                              input=buf.getvalue(), capture_output=True, timeout=OCR_PAGE_SECONDS, env=env,
                              preexec_fn=child_preexec())
    except subprocess.TimeoutExpired:
        return [], boxes, f"OCR gave up after {OCR_PAGE_SECONDS} s"
    if proc.returncode != 0:
        return [], boxes, "OCR failed: " + proc.stderr.decode("utf-8", "replace").strip().splitlines()[-1][:200]
    return tsv_segments(proc.stdout.decode("utf-8", "replace"), 1 / scale), boxes, None


REDACTION_MAX_CELLS = 1200
"""The redaction search looks at most 1,200 cells along a page's long side (a letter page at
2 pt is 396): its flood fill is plain Python, and a fuzzed 8,400-point dark page (17.6 M cells)
held one file for minutes."""
REDACTION_CELL_PT = 2.0
REDACTION_CELL_MAX_LUMA = 60
REDACTION_MIN_W_PT, REDACTION_MIN_H_PT, REDACTION_MAX_H_PT = 14.0, 6.0, 60.0
REDACTION_MIN_FILL = 0.85
"""A redaction burnt into a scan is a solid black rectangle: on a grid of 2 pt cells, a group of
cells each darker than 60/255 on average, at least 14 x 6 pt (and no taller than 60 pt), filling
85 % of its bounding box. Printed text never darkens whole 2 pt cells (strokes of 10-12 pt type
are under 1.5 pt wide); checked on the scanned court exhibit and our scanned eval pages."""


def image_redactions(img, to_points: float) -> list[tuple[float, float, float, float]]:
    """Solid black rectangles in a page image, as (left, top, right, bottom) in points."""
    long_side_pt = max(img.width, img.height) * to_points
    cell_pt = max(REDACTION_CELL_PT, long_side_pt / REDACTION_MAX_CELLS)
    cell_px = max(1, round(cell_pt / to_points))
    gw, gh = max(1, img.width // cell_px), max(1, img.height // cell_px)
    from PIL import Image
    small = img.convert("L").resize((gw, gh), Image.BOX)
    px = small.tobytes()
    dark = bytearray(1 if v < REDACTION_CELL_MAX_LUMA else 0 for v in px)
    seen = bytearray(len(dark))
    boxes = []
    cell_pt = cell_px * to_points
    for start in range(len(dark)):
        if not dark[start] or seen[start]:
            continue
        stack, count = [start], 0
        seen[start] = 1
        x0 = x1 = start % gw
        y0 = y1 = start // gw
        while stack:
            k = stack.pop()
            count += 1
            x, y = k % gw, k // gw
            x0, x1, y0, y1 = min(x0, x), max(x1, x), min(y0, y), max(y1, y)
            for nk in (k - 1 if x > 0 else -1, k + 1 if x < gw - 1 else -1, k - gw, k + gw):
                if 0 <= nk < len(dark) and dark[nk] and not seen[nk]:
                    seen[nk] = 1
                    stack.append(nk)
        w, h = (x1 - x0 + 1) * cell_pt, (y1 - y0 + 1) * cell_pt
        if w >= REDACTION_MIN_W_PT and REDACTION_MIN_H_PT <= h <= REDACTION_MAX_H_PT and \
                count >= REDACTION_MIN_FILL * (x1 - x0 + 1) * (y1 - y0 + 1):
            boxes.append((x0 * cell_pt, y0 * cell_pt, (x1 + 1) * cell_pt, (y1 + 1) * cell_pt))
    return boxes


def tsv_segments(tsv: str, to_points: float = 1.0) -> list[Segment]:
    """Tesseract TSV -> one segment per recognised line (top-down coordinates, in points)."""
    lines: dict[tuple, list] = {}
    for row in tsv.splitlines()[1:]:
        parts = row.split("\t")
        if len(parts) < 12 or parts[0] != "5":
            continue
        word = parts[11].strip()
        if not word:
            continue
        if word == "|":
            word = "I"          # tesseract reads a lone capital I in sans-serif print as a bar
        key = (parts[1], parts[2], parts[3], parts[4])
        left, top, w, h = (int(v) for v in parts[6:10])
        lines.setdefault(key, []).append((left, top, w, h, word))
    segs = []
    for line in lines.values():
        line.sort()
        for words in _phrases(line):
            segs.append(_segment(words, to_points))
    return segs


OCR_PHRASE_GAP = 2.5
"""Tesseract may read a screen's side column and the text beside it as one line; a gap wider
than 2.5 word heights between two words starts a new segment (a word space is ~0.3 heights,
a tab stop in printed headers ~1.5; the folder list of the webmail exhibit 1331.34 sits 4-9
heights left of the mail). `layout.rows` puts the pieces of a line together again."""


def _phrases(words: list[tuple]) -> list[list[tuple]]:
    hs = sorted(h for *_, h, _ in words)
    gap = OCR_PHRASE_GAP * hs[len(hs) // 2]
    out = [[words[0]]]
    for prev, cur in zip(words, words[1:]):
        if cur[0] - (prev[0] + prev[2]) > gap:
            out.append([])
        out[-1].append(cur)
    return out


def _segment(words: list[tuple], to_points: float) -> Segment:
    """One segment from tesseract words (left, top, width, height, text) in pixels."""
    tops = sorted(t + h / 2 for _, t, _, h, _ in words)
    hs = sorted(h for *_, h, _ in words)
    text, char_x = "", []
    for left, top, w, h, word in words:
        if text:
            text += " "
            char_x.append(left * to_points)
        step = w / max(1, len(word))
        char_x.extend((left + k * step) * to_points for k in range(len(word)))
        text += word
    return Segment(y=tops[len(tops) // 2] * to_points, height=hs[len(hs) // 2] * to_points,
                   x=words[0][0] * to_points, text=text, char_x=char_x)


def read_pages(data: bytes, ocr: bool = True) -> tuple[list[dict], list[str]]:
    """Pages as dicts {number, lines, ocr, note}; and file-level notes. Raises ValueError with a
    readable reason for PDFs that cannot be read."""
    import pypdfium2 as pdfium
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        msg = str(exc)
        if "password" in msg.lower():
            raise ValueError("the PDF is encrypted (password protected)") from None
        reason = re.sub(r"^.*?\(PDFium:\s*(.*?)\)?\.?\)?$", r"\1", msg).strip(" .()").lower() or "unreadable"
        pages = _pypdf_pages(data)        # a second reader that forgives other breakage
        if pages is None:
            raise ValueError(f"the PDF is broken ({reason})") from None
        return pages, [f"PDFium could not open the file ({reason}); text read by pypdf without OCR"]
    notes: list[str] = []
    try:
        count = len(pdf)
        if count > MAX_PAGES:
            raise ValueError(f"the PDF has {count} pages; the bound is {MAX_PAGES}")
        can_ocr = ocr and ocr_available()
        pages = []
        blank: list[int] = []
        unread: list[int] = []
        reread: list[int] = []
        ocr_deadline = time.monotonic() + OCR_FILE_SECONDS
        run_spent: list[int] = []
        for index in range(count):
            page = pdf[index]
            try:
                w, h = page.get_size()
                if w <= 0 or h <= 0 or w > MAX_PAGE_POINTS or h > MAX_PAGE_POINTS:
                    pages.append({"number": index + 1, "lines": [], "ocr": False,
                                  "note": f"page {index + 1} has an impossible size ({w:g} x {h:g} pt); skipped"})
                    continue
                segs = _text_segments(page, h)
                boxes, image_share = _redactions(page, h)
                lines = rows(_main_column(segs, w, h), boxes)
                entry = {"number": index + 1, "lines": lines, "ocr": False, "note": None}
                poor = not _needs_ocr(lines, image_share) and _poor_text_layer(lines, image_share)
                if poor and can_ocr and max(w, h) <= OCR_MAX_PAGE_POINTS and time.monotonic() < ocr_deadline \
                        and (ocr_run_deadline is None or time.monotonic() < ocr_run_deadline):
                    ocr_segs, burnt, _ = _ocr_page(page, w, h)
                    ocr_lines = rows(_main_column(ocr_segs, w, h), _merge_boxes(boxes, burnt)) if ocr_segs else []
                    if ocr_lines and text_quality(ocr_lines)[0] > poor:
                        entry.update(lines=_keep_furniture(lines, _keep_dates(lines, ocr_lines)), ocr=True)
                        reread.append(index + 1)
                elif _needs_ocr(lines, image_share):
                    if can_ocr and max(w, h) > OCR_MAX_PAGE_POINTS:
                        entry["note"] = (f"page {index + 1} is {max(w, h) / 72:.0f} inches on its long side (a drawing "
                                         "or poster, not a printed page); not read by OCR")
                    elif can_ocr and is_blank(page):
                        blank.append(index + 1)
                    elif can_ocr and ocr_run_deadline is not None and time.monotonic() > ocr_run_deadline:
                        run_spent.append(index + 1)
                    elif can_ocr and time.monotonic() > ocr_deadline:
                        unread.append(index + 1)
                    elif can_ocr:
                        ocr_segs, burnt, note = _ocr_page(page, w, h)
                        if ocr_segs:
                            entry["lines"] = rows(_main_column(ocr_segs, w, h), _merge_boxes(boxes, burnt))
                            entry["ocr"] = True
                        entry["note"] = note and f"page {index + 1}: {note}"
                    else:
                        entry["note"] = f"page {index + 1} is a scan and tesseract is not installed; no OCR"
                pages.append(entry)
            finally:
                page.close()
    finally:
        pdf.close()
    notes.extend(p["note"] for p in pages if p.get("note"))
    if reread:
        notes.append(f"the text layer of page(s) {_ranges(reread)} was a poor earlier OCR (under "
                     f"{REOCR_BELOW:.0%} clean words); read again by OCR")
    if blank:
        notes.append(f"page(s) {_ranges(blank)} are blank scans (no ink found); not read by OCR")
    if run_spent:
        notes.append(f"the ingest's OCR time ({OCR_RUN_SECONDS // 3600} hours for the whole run) was spent: scanned "
                     f"page(s) {_ranges(run_spent)} were not read")
    if unread:
        notes.append(f"OCR stopped after {OCR_FILE_SECONDS // 60} minutes on this file: scanned page(s) "
                     f"{_ranges(unread)} were not read")
    return pages, notes


BLANK_MAX_SIDE = 600
"""The look for ink renders at most 600 pixels on a side: an 8,400-point page (a fuzzed input)
at 36 dpi is 4,200 pixels square and took 3 s to look at; a letter page is 306 x 396 anyway."""


def is_blank(page) -> bool:
    """See BLANK_MAX_INK_PIXELS."""
    w, h = page.get_size()
    scale = min(BLANK_DPI / 72, BLANK_MAX_SIDE / max(w, h, 1))
    img = page.render(scale=scale, grayscale=True).to_pil()
    return sum(img.histogram()[:BLANK_INK_LUMA]) <= BLANK_MAX_INK_PIXELS


def _pypdf_pages(data: bytes) -> list[dict] | None:
    """Pages read by pypdf in layout mode (columns kept on their lines), or None."""
    import logging

    import pypdf
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = pypdf.PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            return None
        n = len(reader.pages)
        if n > MAX_PAGES or n == 0:
            return None
        pages = []
        for i, page in enumerate(reader.pages):
            try:
                text = page.extract_text(extraction_mode="layout") or ""
            except Exception:  # noqa: BLE001 - one bad page does not lose the others
                text = ""
            lines = [re.sub(r"\s{2,}", " ", ln).strip() for ln in text.splitlines()]
            pages.append({"number": i + 1, "lines": lines, "ocr": False, "note": None})
        return pages
    except Exception:  # noqa: BLE001 - hostile input: any failure means "cannot read"
        return None


def needs_ocr(text_chars: int, image_share: float) -> bool:
    """See OCR_MIN_CHARS."""
    return text_chars < OCR_MIN_CHARS and image_share >= OCR_MIN_IMAGE_SHARE


def _needs_ocr(lines: list[str], image_share: float) -> bool:
    content = strip_furniture(lines).lines
    return needs_ocr(sum(len(ln.replace("[REDACTED]", "").strip()) for ln in content), image_share)


def _main_column(segs: list[Segment], width: float, height: float) -> list[Segment]:
    """The page's segments without a screenshot's side column (layout.side_column)."""
    side = side_column(segs, width, height)
    return [sg for i, sg in enumerate(segs) if i not in side] if side else segs


_DATE_LINE = re.compile(r"^\s*(?P<label>Sent|Date|Gesendet|Datum)\s*[:;.,]?\s+(?P<value>.+)$", re.I)
_MERIDIEM = re.compile(r"\b[AP]\.?M\b", re.I)


def _keep_dates(text_layer: list[str], ocr_lines: list[str]) -> list[str]:
    """OCR'd `Sent:` lines, each replaced by the text layer's line for the same day when only
    that one reads the time whole (1331.34: OCR gives `Sent: Thursday, February 15, 2007 4:07`,
    the text layer `Sent Thursday. February t 5. 2007 4:07 PM`)."""
    layer = []
    for ln in text_layer:
        m = _DATE_LINE.match(ln)
        if m and _MERIDIEM.search(m.group("value")):
            iso = parse_printed_date(m.group("value"))[0]
            if iso and len(iso) > 10:
                layer.append((m.group("label").lower(), iso, ln))
    if not layer:
        return ocr_lines
    out = []
    for ln in ocr_lines:
        m = _DATE_LINE.match(ln)
        if m and not _MERIDIEM.search(m.group("value")):
            iso = parse_printed_date(m.group("value"))[0] or ""
            same = [t for label, t_iso, t in layer if label == m.group("label").lower() and t_iso[:10] == iso[:10]]
            if len(same) == 1:
                ln = same[0]
        out.append(ln)
    return out


def _keep_furniture(text_layer: list[str], ocr_lines: list[str]) -> list[str]:
    """OCR'd lines of a page, with its ECF header and Bates stamps taken from the text layer (the
    court's own stamp is exact there; OCR reads `Case 1:15-cv- -07433- LAP` or puts the Bates
    number on a line of the mail)."""
    heads = [ln.strip() for ln in text_layer if ECF_HEADER.match(ln.strip())]
    stamps = [ln.strip() for ln in text_layer if bates_in(ln.strip())]
    stamps += [m.group(1) for ln in text_layer[-EDGE_LINES:] if not bates_in(ln.strip())
               for m in [_TRAILING_BATES.search(ln)] if m and is_bates(m.group(1))]
    if not heads and not stamps:
        return ocr_lines
    numbers = [b for st in stamps for b in bates_in(st)]
    out = []
    for ln in ocr_lines:
        s = ln.strip()
        if s and (_ECF_LIKE.match(s) or _looks_like_stamp(s, heads + stamps)):
            continue
        for b in numbers:
            ln = ln.replace(b, "").rstrip()
        out.append(ln)
    return heads + out + stamps


_TRAILING_BATES = re.compile(r"\s([A-Z][A-Z0-9]{0,14}(?:[-_][A-Z]{1,12})*[-_]\d{4,10})\s*$")
"""A Bates number at the end of one of a page's last lines, printed beside the mail's last line
(`Lesley Groff RANSOME_000006`, exhibit 1331.34)."""
_ECF_LIKE = re.compile(r"^\s*Case\s+\d.{0,60}\bPage\s+\d+\s+of\s+\d+\s*$", re.I)
"""An ECF header as OCR reads it (`Case 1:15- ante SUEREE LAP Document ERIK en. Bleu Ooo Page 9 of 10`)."""


def _looks_like_stamp(line: str, stamps: list[str]) -> bool:
    """An OCR'd line that is a misread copy of one of the text layer's stamps."""
    import difflib
    return any(difflib.SequenceMatcher(None, line.lower(), st.lower()).ratio() >= STAMP_MATCH for st in stamps)


STAMP_MATCH = 0.75
"""An OCR'd line at least 75 % like an ECF header or Bates stamp of the text layer is that stamp
(`Case 1:15-CV-07433-LAP Document SAE Filed 01/05/24 Page 3 of 10` against the exact header:
0.86; the mail lines of the same pages: at most 0.4)."""


def _poor_text_layer(lines: list[str], image_share: float) -> float:
    """The text layer's quality when a scanned page's text layer should be read again (see
    REOCR_BELOW); 0.0 when it should not."""
    if image_share < OCR_MIN_IMAGE_SHARE:
        return 0.0
    quality, chars = text_quality(strip_furniture(lines).lines)
    return quality if chars >= REOCR_MIN_CHARS and quality < REOCR_BELOW else 0.0


def parse_pdf(data: bytes, name: str = "") -> Blob:
    try:
        pages, notes = read_pages(data)
    except ValueError as exc:
        return Blob(name=name, type=dt.PDF).quarantine(str(exc))
    return build_documents(pages, notes, name, dt.PDF)


def build_documents(pages: list[dict], notes: list[str], name: str, mime: str) -> Blob:
    """The `pdf` document and the printed messages of a paged text."""
    heads = running_heads([p["lines"] for p in pages])
    clean = [strip_furniture(p["lines"], heads) for p in pages]
    text_parts, spans, pos = [], [], 0
    for p, c in zip(pages, clean):
        body = "\n".join(c.lines)
        spans.append({"page": p["number"], "start": pos, "end": pos + len(body), "bates": c.bates,
                      "ocr": p.get("ocr", False)})
        text_parts.append(body)
        pos += len(body) + 2
    text = "\n\n".join(text_parts)
    bates_pages = [c.bates for c in clean]
    all_bates = bates_range(bates_pages)
    ocr_pages = [p["number"] for p in pages if p.get("ocr")]
    text, cut = cut_text(text)
    if cut:                             # the pages past the cut are not cited as read
        spans = [dict(sp, end=min(sp["end"], len(text))) for sp in spans if sp["start"] < len(text)]
        cut += f": pages {spans[-1]['page']}-{pages[-1]['number']} are not all in the text"
    doc = DocRecord(kind="pdf", text=text, body_from="pdf-ocr" if ocr_pages and len(ocr_pages) == len(pages)
                    else "pdf", title=name or None, notes=list(notes) + ([cut] if cut else []))
    doc.pages = spans
    doc.citation = {"file": name, "pages": [pages[0]["number"], spans[-1]["page"]] if spans else [],
                    "bates": all_bates}
    if ocr_pages:
        doc.notes.append(f"OCR on page(s) {_ranges(ocr_pages)}")
    blob = Blob(name=name, type=mime, documents=[doc])
    lines = [Line(ln, p["number"]) for p, c in zip(pages, clean) for ln in c.lines + [""]]
    messages = printed_messages(lines, name, {p["number"]: c.bates for p, c in zip(pages, clean)},
                                set(ocr_pages), series=main_series(bates_pages))
    blob.documents.extend(messages)
    blob.detail = f"PDF, {len(pages)} page(s)" + (f", {len(ocr_pages)} read by OCR" if ocr_pages else "") + \
        (f", {len(messages)} printed message(s)" if messages else "")
    return blob


def printed_messages(lines: list[Line], name: str, bates_by_page: dict[int, list[str]] | None = None,
                     ocr_pages: set[int] = frozenset(), kind: str = "printed-email",
                     series: str | None = None) -> list[DocRecord]:
    """One DocRecord per printed message found in `lines`."""
    _, msgs = split_chain(lines)
    width = line_width(lines)
    out = []
    for n, m in enumerate(msgs, 1):
        out.append(message_record(m, n, width, name, bates_by_page or {}, ocr_pages, kind, series))
    return out


def message_record(m, n: int, width: int, name: str, bates_by_page: dict, ocr_pages: set,
                   kind: str, series: str | None = None) -> DocRecord:
    f = m.fields
    from_name, from_addr = parse_person(f.get("from"))
    sent, flag = parse_printed_date(f.get("sent"))
    doc = DocRecord(kind=kind, locator=f"printed:{n}", subject=(f.get("subject") or None), from_name=from_name,
                    from_addr=from_addr, to=parse_recipients(f.get("to")), cc=parse_recipients(f.get("cc")),
                    bcc=parse_recipients(f.get("bcc")), sent_at=sent, sent_at_raw=f.get("sent") or None,
                    date_flag=flag, text=clean_body(m.body, width), body_from=f"printed ({m.style})",
                    derived_from="")       # recovered from the document of its file (an exhibit's PDF)
    doc.headers = [(k, v) for k, v in f.items()]
    pages = m.pages
    if pages:
        covered = [bates_by_page.get(p, []) for p in range(pages[0], pages[1] + 1)]
        doc.citation = {"file": name, "pages": pages, "bates": bates_range(covered, series)}
        if any(p in ocr_pages for p in range(pages[0], pages[1] + 1)):
            doc.notes.append("read by OCR")
    else:
        doc.citation = {"file": name}
    if m.depth:
        doc.notes.append(f"quoted {m.depth} level(s) deep")
    printed_after = sorted({ln.page for ln in m.attachment if ln.page is not None})
    if printed_after:
        doc.notes.append(f"what is printed after it on page(s) {_ranges(printed_after)} is the attachment it "
                         "mentions, not its text; it stays in the exhibit's own text")
    return doc


def _ranges(nums: list[int]) -> str:
    out, start, prev = [], None, None
    for x in nums + [None]:
        if start is None:
            start = prev = x
        elif x is not None and x == prev + 1:
            prev = x
        else:
            out.append(f"{start}" if start == prev else f"{start}-{prev}")
            start = prev = x
    return ", ".join(out)
