"""Render fictional printed e-mail chains as court-exhibit PDFs (born-digital and scanned) and as
plain-text transcriptions, with the gold answer for each.

Used for the exhibit eval set (`eval/exhibits/`) and for the sample case's exhibits. The outputs
are committed; this script is how they were made (python scripts/make_exhibits.py). Needs fpdf2
(test extra), pypdfium2 and Pillow; fonts: DejaVu (Debian fonts-dejavu-core).

Every message in a spec has: from (name, addr), to, cc, date (a datetime), subject, body; a chain
is printed newest first, each earlier message under the header block of the chosen layout.
"""
from __future__ import annotations

import json
import random
import re
import sys
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
FONT_BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"

EN_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
DE_DAYS = ["Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag"]
DE_MONTHS = ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober",
             "November", "Dezember"]


def fmt_date(d: datetime, style: str) -> str:
    if style == "outlook":
        return f"{EN_DAYS[d.weekday()]}, {d:%B} {d.day}, {d.year} {d.strftime('%I:%M %p').lstrip('0')}"
    if style == "outlook-de":
        return f"{DE_DAYS[d.weekday()]}, {d.day}. {DE_MONTHS[d.month - 1]} {d.year} {d:%H:%M}"
    if style == "gmail":
        return f"{d:%a}, {d:%b} {d.day}, {d.year} at {d.strftime('%I:%M %p').lstrip('0')}"
    if style == "gmail-de":
        return f"{d:%d.%m.%Y} um {d:%H:%M}"
    if style == "lotus":
        return f"{d:%m/%d/%Y %I:%M %p}"
    if style == "forwarded":
        return f"{d:%a}, {d.day} {d:%b} {d.year} {d:%H:%M:%S} +0000"
    raise ValueError(style)


def person(p: dict) -> str:
    return f"{p['name']} <{p['addr']}>" if p.get("addr") else p["name"]


def names(ps: list[dict], sep: str = "; ") -> str:
    return sep.join(p["name"] for p in ps)


def header_lines(m: dict, layout: str, first: bool) -> list[tuple[str, str]]:
    """(label, value) pairs, or ('', line) for a line printed as is."""
    d = m["date"]
    if layout in ("outlook", "original-message"):
        out = [] if first or layout == "outlook" else [("", "-----Original Message-----")]
        out += [("From:", f"{m['from']['name']} [mailto:{m['from']['addr']}]" if not first else m["from"]["name"]),
                ("Sent:", fmt_date(d, "outlook")), ("To:", names(m["to"]))]
        if m.get("cc"):
            out.append(("Cc:", names(m["cc"])))
        out.append(("Subject:", m["subject"]))
        return out
    if layout == "outlook-de":
        out = [("Von:", m["from"]["name"]), ("Gesendet:", fmt_date(d, "outlook-de")), ("An:", names(m["to"]))]
        if m.get("cc"):
            out.append(("Cc:", names(m["cc"])))
        out.append(("Betreff:", m["subject"]))
        return out
    if layout == "thunderbird-de":
        if first:
            return [("Von:", person(m["from"])), ("Datum:", fmt_date(d, "outlook-de")), ("An:", names(m["to"], ", ")),
                    ("Betreff:", m["subject"])]
        return [("", "-------- Weitergeleitete Nachricht --------"), ("Betreff:", m["subject"]),
                ("Datum:", f"{d:%a}, {d.day} {d:%b} {d.year} {d:%H:%M:%S} +0200".replace("Mon", "Mo")),
                ("Von:", person(m["from"])), ("An:", ", ".join(person(p) for p in m["to"]))]
    if layout == "forwarded":
        return ([("", "---------- Forwarded message ---------")] if not first else []) + [
            ("From:", person(m["from"])), ("Date:", fmt_date(d, "forwarded")), ("Subject:", m["subject"]),
            ("To:", ", ".join(person(p) for p in m["to"]))]
    raise ValueError(layout)


def reply_line(m: dict, layout: str) -> str:
    if layout == "gmail":
        return f"On {fmt_date(m['date'], 'gmail')}, {person(m['from'])} wrote:"
    return f"Am {fmt_date(m['date'], 'gmail-de')} schrieb {person(m['from'])}:"


def chain_lines(msgs: list[dict], layout: str) -> list[tuple[str, str, int]]:
    """The printed text of a chain as (label, text, quote depth) lines."""
    out: list[tuple[str, str, int]] = []
    for i, m in enumerate(msgs):
        if layout in ("gmail", "gmail-de"):
            if i == 0:
                out += [("From:", person(m["from"]), 0), ("Date:", fmt_date(m["date"], "forwarded"), 0),
                        ("Subject:", m["subject"], 0), ("To:", ", ".join(person(p) for p in m["to"]), 0)]
            else:
                out.append(("", reply_line(m, layout), i - 1))
            out.append(("", "", 0))
            out += [("", ln, i) for ln in m["body"].split("\n")]
            out.append(("", "", 0))
        elif layout == "gmail-print":
            if i == 0:
                out += [("", f"Gmail - {m['subject']}", 0), ("", "", 0)]
            out += [("", f"{person(m['from'])}        {fmt_date(m['date'], 'gmail')}", 0),
                    ("To:", ", ".join(person(p) for p in m["to"]), 0)]
            if m.get("cc"):
                out.append(("Cc:", ", ".join(person(p) for p in m["cc"]), 0))
            out.append(("", "", 0))
            out += [("", ln, 0) for ln in m["body"].split("\n")]
            out.append(("", "", 0))
        elif layout == "lotus":
            if i == 0:
                out += [("From:", m["from"]["name"], 0), ("Sent:", fmt_date(m["date"], "outlook"), 0),
                        ("To:", names(m["to"]), 0), ("Subject:", m["subject"], 0)]
            else:
                fwd = msgs[i - 1]["from"]["name"]
                out += [("", f"----- Forwarded by {fwd}/Nordhafen on {fmt_date(msgs[i - 1]['date'], 'lotus')} -----",
                         0), ("", "", 0),
                        ("", f"\"{m['from']['name']}\" <{m['from']['addr']}> on {fmt_date(m['date'], 'lotus')}", 0),
                        ("To:", names(m["to"], ", "), 0), ("cc:", names(m.get("cc", []), ", "), 0),
                        ("Subject:", m["subject"], 0)]
            out.append(("", "", 0))
            out += [("", ln, 0) for ln in m["body"].split("\n")]
            out.append(("", "", 0))
        else:
            for lab, val in header_lines(m, layout, i == 0):
                out.append((lab, val, 0))
            out.append(("", "", 0))
            out += [("", ln, 0) for ln in m["body"].split("\n")]
            out.append(("", "", 0))
    return out


def _quote(text: str, depth: int) -> str:
    return ("> " * depth) + text if depth else text


def write_text(msgs: list[dict], layout: str, path: Path) -> None:
    lines = []
    for lab, text, depth in chain_lines(msgs, layout):
        lines.append(_quote(f"{lab} {text}".strip() if lab else text, depth).rstrip())
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_pdf(msgs: list[dict], layout: str, path: Path, bates: str, exhibit: str, redact: list[str] = ()) -> int:
    from fpdf import FPDF
    pdf = FPDF(format="letter", unit="pt")
    pdf.set_creation_date(datetime(2017, 3, 14, 9, 0, 0))     # the same bytes on every run
    pdf.add_font("DejaVu", "", FONT)
    pdf.add_font("DejaVu", "B", FONT_BOLD)
    pdf.set_auto_page_break(False)
    left, right, top, bottom, lh = 54, 558, 70, 720, 13.0
    state = {"page": 0, "y": 0.0}
    first_bates = int(bates.split("_")[-1])

    def new_page():
        pdf.add_page()
        state["page"] += 1
        state["y"] = top
        pdf.set_font("DejaVu", "", 8)
        pdf.set_xy(left, 30)
        pdf.cell(0, 10, f"Case 1:16-cv-04711-HH Document 88-{exhibit} Filed 03/14/17 Page {state['page']} of {{nb}}")
        pdf.set_xy(right - 80, 745)
        pdf.cell(80, 10, f"{bates.rsplit('_', 1)[0]}_{first_bates + state['page'] - 1:06d}")
        pdf.set_xy(300, 745)
        pdf.cell(20, 10, str(state["page"]))
        pdf.set_font("DejaVu", "", 10)

    def emit(label: str, text: str, bold: bool = False):
        if state["y"] + lh > bottom:
            new_page()
        if label:
            pdf.set_font("DejaVu", "B", 10)
            pdf.set_xy(left, state["y"])
            pdf.cell(70, lh, label)
            pdf.set_font("DejaVu", "", 10)
            x = left + 75
        else:
            x = left
        pdf.set_xy(x, state["y"])
        shown = text
        for word in redact:             # a real redaction: the words are gone, a black box is in their place
            shown = shown.replace(word, " " * len(word))
        pdf.cell(right - x, lh, shown)
        for word in redact:
            if word in text:
                before = text[:text.index(word)]
                wx = x + pdf.get_string_width(before) + 1
                pdf.set_fill_color(0, 0, 0)
                pdf.rect(wx, state["y"] + 1, pdf.get_string_width(word), lh - 2, style="F")
        state["y"] += lh

    new_page()
    pdf.set_font("DejaVu", "", 10)
    for lab, text, depth in chain_lines(msgs, layout):
        full = _quote(text, depth)
        width = right - (left + 75 if lab else left)
        words, line = full.split(" "), ""
        if not full:
            emit(lab, "")
            continue
        for w in words:
            trial = (line + " " + w).strip() if line else w
            if pdf.get_string_width(trial) > width and line:
                emit(lab, line)
                lab = ""
                width = right - left
                line = ("> " * depth) + w if depth else w
            else:
                line = trial
        emit(lab, line)
    path.write_bytes(bytes(pdf.output()))
    return state["page"]


def scan(pdf_path: Path, out: Path, seed: int, dpi: int = 200) -> None:
    """An image-only copy of a PDF: each page rendered, slightly rotated, with speckle noise."""
    import pypdfium2 as pdfium
    from PIL import Image, ImageFilter
    rng = random.Random(seed)
    doc = pdfium.PdfDocument(str(pdf_path))
    pages = []
    for page in doc:
        img = page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
        img = img.rotate(rng.uniform(-0.6, 0.6), expand=False, fillcolor=255, resample=Image.BICUBIC)
        px = img.load()
        w, h = img.size
        for _ in range(w * h // 2500):
            px[rng.randrange(w), rng.randrange(h)] = rng.choice((0, 90, 160))
        pages.append(img.filter(ImageFilter.GaussianBlur(0.4)))
    pages[0].save(out, "PDF", save_all=True, append_images=pages[1:], resolution=dpi)
    data = out.read_bytes()
    data = re.sub(rb"\((D:\d{14}[^)]*)\)", lambda m: b"(" + b"D:20170314090000Z".ljust(len(m.group(1)))[:len(m.group(1))] + b")", data)
    out.write_bytes(data)       # a fixed date of the same length: the xref offsets stay right


def gold_of(msgs: list[dict], layout: str, redact: list[str] = ()) -> list[dict]:
    out = []
    for i, m in enumerate(msgs):
        printed_addr = {"outlook": i > 0, "original-message": i > 0,
                        "outlook-de": False, "lotus": i > 0}.get(layout, True)
        if layout == "thunderbird-de" or layout == "gmail-print":
            printed_addr = True
        sent = m["date"]
        if layout == "thunderbird-de" and i > 0:
            from datetime import timedelta
            sent = sent - timedelta(hours=2)         # printed with +0200: the gold is UTC
        body = m["body"]
        for word in redact:
            body = body.replace(word, "[REDACTED]")
        out.append({"from_name": m["from"]["name"], "from_addr": m["from"].get("addr") if printed_addr else None,
                    "sent": sent.strftime("%Y-%m-%dT%H:%M"), "subject": m.get("subject") if (
                        layout not in ("gmail", "gmail-de", "lotus", "gmail-print") or m is msgs[0] or layout == "lotus")
                    else None,
                    "to": [p["name"] for p in m["to"]] if i == 0 or layout not in ("gmail", "gmail-de") else None,
                    "body": body})
    return out


def load_spec(path: Path) -> dict:
    spec = json.loads(path.read_text(encoding="utf-8"))
    people = spec["people"]
    for case in spec["cases"]:
        for m in case["messages"]:
            m["from"] = people[m["from"]]
            m["to"] = [people[p] for p in m["to"]]
            m["cc"] = [people[p] for p in m.get("cc", [])]
            m["date"] = datetime.fromisoformat(m["date"])
    return spec


def build(spec_path: Path, out_dir: Path, gold_path: Path | None) -> None:
    spec = load_spec(spec_path)
    out_dir.mkdir(parents=True, exist_ok=True)
    gold = {}
    for n, case in enumerate(spec["cases"]):
        msgs, layout, form = case["messages"], case["layout"], case["form"]
        name = case["file"]
        path = out_dir / name
        if form == "text":
            write_text(msgs, layout, path)
        else:
            born = path if form == "pdf" else out_dir / (name + ".tmp.pdf")
            write_pdf(msgs, layout, born, case.get("bates", "NR_000001"), case.get("exhibit", str(n + 1)),
                      case.get("redact", []))
            if form == "scan":
                scan(born, path, seed=n)
                born.unlink()
        gold[name] = {"layout": layout, "form": form, "language": case.get("language", "en"),
                      "messages": gold_of(msgs, layout, case.get("redact", []))}
        print("wrote", path, file=sys.stderr)
    if gold_path:
        gold_path.write_text(json.dumps(gold, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    build(ROOT / "eval/exhibits/spec.json", ROOT / "eval/exhibits/inputs", ROOT / "eval/exhibits/gold.json")
    if (ROOT / "scripts/sample_exhibits.json").exists():
        build(ROOT / "scripts/sample_exhibits.json", ROOT / "src/casefile/sample/case/exhibits", None)
