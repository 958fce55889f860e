"""How a citation reads to a person: 'Anlage-K3.pdf, pp. 2-3, NHR_000032-NHR_000033'."""
from __future__ import annotations

from pathlib import Path


def where(c: dict | None) -> str:
    """'Anlage-K3.pdf p. 2-3, NHR_000032-NHR_000033' from a citation dict (file, member, pages,
    bates, lines)."""
    if not c or not c.get("file"):
        return ""
    parts = [Path(c["file"]).name + (f" > {c['member']}" if c.get("member") else "")]
    if c.get("pages"):
        a, b = c["pages"][0], c["pages"][-1]
        parts.append(f"p. {a}" if a == b else f"pp. {a}-{b}")
    if c.get("bates"):
        parts.append("-".join(c["bates"]))
    if c.get("lines"):
        parts.append(f"line {c['lines'][0]}")
    return ", ".join(parts)


def of_span(src: dict) -> str:
    """Where a cited span is: its document's citation narrowed to the span's page and Bates number."""
    c = dict(src.get("citation") or {})
    if src.get("page"):
        c["pages"] = [src["page"], src["page"]]
    if src.get("bates"):
        c["bates"] = [src["bates"]]
    return where(c)
