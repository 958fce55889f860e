"""News articles and other web pages: main text without boilerplate, with title, author, date,
site and language (trafilatura, which never fetches anything when given the markup).

A page whose main text is shorter than ARTICLE_MIN_CHARS is not treated as an article (a login
page, a redirect, an e-mail rendered as HTML); it keeps the plain HTML-to-text reading.
"""
from __future__ import annotations

import re

from . import detect as dt
from .charset import decode_bytes
from .dates import parse_printed_date
from .html import html_to_text
from .limits import cut_text
from ..model import Blob, DocRecord

ARTICLE_MIN_CHARS = 200
"""Shortest main text taken as an article. All 191 German evaluation pages of trafilatura have
more; the HTML e-mail bodies and notices in the mail corpora mostly have less."""

MAX_ARTICLE_BYTES = 8 << 20
"""Pages over 8 MiB (after decoding) are read as plain HTML, not run through trafilatura."""

_LANG_ATTR = re.compile(rb"<html[^>]{0,400}?\blang\s*=\s*[\"']?([a-zA-Z]{2,3})", re.I)


def _meta_charset(data: bytes) -> str | None:
    m = re.search(rb"<meta[^>]{0,200}charset=[\"']?([A-Za-z0-9_.:-]{1,40})", data[:4096], re.I)
    return m.group(1).decode("ascii") if m else None


def language(text: str, declared: str | None = None) -> str | None:
    """The page's declared language, else py3langid's guess (two-letter code)."""
    if declared:
        return declared.lower()[:2]
    if len(text.strip()) < 20:
        return None
    import py3langid
    return py3langid.classify(text[:5000])[0]


def extract_article(markup: str) -> dict | None:
    """trafilatura's reading of a page as a dict (title, author, date, sitename, url, text), or None."""
    import trafilatura
    if len(markup) > MAX_ARTICLE_BYTES:
        return None
    doc = trafilatura.bare_extraction(markup, with_metadata=True, include_comments=False, include_tables=True,
                                      include_links=False, include_images=False, deduplicate=False)
    if doc is None:
        return None
    d = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
    text = (d.get("text") or "").strip()
    if len(text) < ARTICLE_MIN_CHARS:
        return None
    return {k: d.get(k) for k in ("title", "author", "date", "sitename", "url", "description", "language")} | {
        "text": text}


def parse_html(data: bytes, name: str = "") -> Blob:
    markup, note = decode_bytes(data, _meta_charset(data))
    m = _LANG_ATTR.search(data[:8192])
    declared = m.group(1).decode("ascii") if m else None
    art = None
    try:
        art = extract_article(markup)
    except Exception as exc:  # noqa: BLE001 - a page trafilatura cannot read is still read as HTML
        note = (note + "; " if note else "") + f"article extraction failed ({type(exc).__name__})"
    if art is None:
        text, title = html_to_text(markup)
        doc = DocRecord(kind="html", text=cut_text(text)[0], body_from="text/html", title=title or name or None,
                        subject=title, lang=language(text, declared))
    else:
        sent, flag = parse_printed_date(art.get("date")) if art.get("date") else (None, "missing")
        doc = DocRecord(kind="article", text=cut_text(art["text"])[0], body_from="text/html (trafilatura)",
                        title=art.get("title") or name or None, subject=art.get("title"),
                        from_name=art.get("author"), sent_at=sent, sent_at_raw=art.get("date"), date_flag=flag,
                        lang=language(art["text"], declared or art.get("language")))
        doc.meta = {k: art[k] for k in ("sitename", "url", "description") if art.get(k)}
        doc.citation = {"file": name}
    if note:
        doc.notes.append(note)
    cut = cut_text(text if art is None else art["text"])[1]
    if cut:
        doc.notes.append(cut)
    return Blob(name=name, type=dt.HTML, documents=[doc])
