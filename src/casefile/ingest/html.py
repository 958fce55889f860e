"""HTML to plain text without executing, fetching or resolving anything.

lxml's HTML parser is used with network access off; scripts, styles, embedded objects and forms
are dropped; links are reduced to their text (the address is never followed). The result keeps
paragraph and line structure so quotes can be found in it.
"""
from __future__ import annotations

import re

from lxml import etree, html as lhtml

_PARSER = lhtml.HTMLParser(no_network=True, remove_comments=True, remove_pis=True,
                           recover=True, huge_tree=False)
_DROP = {"script", "style", "head", "object", "embed", "iframe", "noscript", "template", "svg",
         "math", "form", "select", "button", "canvas", "audio", "video", "map"}
_BLOCK = {"p", "div", "br", "tr", "li", "ul", "ol", "table", "h1", "h2", "h3", "h4", "h5", "h6",
          "blockquote", "pre", "hr", "section", "article", "header", "footer", "dd", "dt", "dl",
          "address", "center", "title", "body", "html", "td", "th"}
_WS = re.compile(r"[ \t\u00a0\r\f\v]+")
_NL = re.compile(r"\n[ \t]*\n[\s]*\n+")


def html_to_text(markup: str) -> tuple[str, str | None]:
    """Return (text, title) for an HTML string."""
    if not markup.strip():
        return "", None
    try:
        root = lhtml.document_fromstring(markup.encode("utf-8", "surrogatepass"), parser=_PARSER)
    except (etree.ParserError, ValueError):
        return _WS.sub(" ", re.sub(r"<[^>]{0,2000}>", " ", markup)).strip(), None
    title_el = root.find(".//title")
    title = (title_el.text_content().strip() or None) if title_el is not None else None
    out: list[str] = []

    def walk(el, depth=0):
        tag = el.tag if isinstance(el.tag, str) else ""
        tag = tag.lower()
        if tag in _DROP or depth > 400:
            if el.tail:
                out.append(el.tail)
            return
        block = tag in _BLOCK
        if block:
            out.append("\n")
        if tag == "blockquote":
            out.append("> ")
        if el.text:
            out.append(el.text)
        for child in el:
            walk(child, depth + 1)
        if tag in ("td", "th"):
            out.append("\t")
        if block:
            out.append("\n")
        if el.tail:
            out.append(el.tail)

    body = root.find(".//body")
    walk(body if body is not None else root)
    text = "".join(out)
    lines = [_WS.sub(" ", line).strip() for line in text.split("\n")]
    text = "\n".join(lines)
    text = _NL.sub("\n\n", text).strip()
    return text, title
