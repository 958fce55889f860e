"""The verification report for people: Markdown and one self-contained HTML page.

Each claim stands beside its best source passage in the source's own language, with the words
that differ highlighted on both sides (claim words no source word aligns with; source words no
claim word aligns with), the citation (document, sender, date, file, page, Bates), the checks
that decided it, and a count per verdict at the top.

Article and source text is hostile input. Everything from them is escaped (HTML entities in the
page, Markdown punctuation in the Markdown); the page has no script, loads nothing (a Content
Security Policy forbids every fetch) and links nowhere.
"""
from __future__ import annotations

import re

from ..display import escape
from ..search.quote import content_words
from .checks import _NEG

VERDICT_COLOURS = {"supported": "#1b7f3b", "contradicted": "#b3261e", "misattributed": "#7b3fa0",
                   "misquoted": "#a15c00", "not_in_sources": "#5f6368"}
MAX_SHOWN_CHARS = 1200
"""A source stretch longer than this is cut in the report (the citation leads to the whole)."""


def _stated(claim: dict) -> str:
    return claim.get("quote") if claim["kind"] == "quote" else (claim.get("stated") or claim["text"])


def segments(text: str, marked: list[tuple[int, int]]) -> list[tuple[str, bool]]:
    """`text` cut into (piece, highlighted) runs, the `marked` spans highlighted."""
    out, pos = [], 0
    for a, b in sorted(marked):
        if a < pos:
            continue
        if a > pos:
            out.append((text[pos:a], False))
        out.append((text[a:b], True))
        pos = b
    if pos < len(text):
        out.append((text[pos:], False))
    return out


def differences(verdict: dict) -> tuple[str, list, str, list]:
    """(claim text, its unaligned content words, source stretch, its unaligned content words):
    what the report highlights. Nothing is marked when the claim has no source, or when its
    source was found with a rewording of the claim (the first-person search), whose word offsets
    are not the article's."""
    claim = verdict["claim"]
    stated = " ".join((_stated(claim) or "").split())
    s = verdict.get("source")
    if not s or verdict["verdict"] == "not_in_sources":
        return stated, [], "", []
    span_start, text = s["span"]["start"], s["span"]["text"][:MAX_SHOWN_CHARS]
    al = s.get("alignment") or []
    source_marks = [(a, b) for a, b in _words(text)
                    if not any(x["passage"][0] - span_start <= a and b <= x["passage"][1] - span_start for x in al)]
    if s.get("searched") and " ".join(s["searched"].split()) != stated:
        return stated, [], text, []
    claim_marks = [(a, b) for a, b in _words(stated) if not any(x["quote"][0] <= a and b <= x["quote"][1] for x in al)]
    return stated, claim_marks, text, source_marks


def _words(text: str) -> list[tuple[int, int]]:
    """The words a difference can be in: content words and negations ("not" is a stop word for
    search, but the difference between a quote and its source)."""
    spans = {(a, b) for a, b, _ in content_words(text)} | {(m.start(), m.end()) for m in _NEG.finditer(text)}
    return sorted(spans)


def _source_line(s: dict, cite) -> tuple[str, str, str]:
    frm = s["document"].get("from") or {}
    return (frm.get("name") or frm.get("addr") or "", (s["document"].get("sent_at") or "")[:10], cite(s["citation"]))


# ------------------------------------------------------------------ Markdown
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~])")


def _md(s: str) -> str:
    return _MD_SPECIAL.sub(r"\\\1", " ".join((s or "").split()))


def _md_marked(text: str, marks) -> str:
    def esc(p):
        return _MD_SPECIAL.sub(r"\\\1", re.sub(r"\s+", " ", p))
    return "".join(f"**{esc(p)}**" if hl else esc(p) for p, hl in segments(text, marks)).strip()


def markdown(result: dict, cite) -> str:
    """The report as Markdown: a summary count per verdict, then each claim beside its source,
    differing words in bold."""
    out = [f"# Check: {_md(result.get('title') or 'article')}", ""]
    if result.get("published"):
        out += [f"Published {_md(result['published'])} (relative dates count from this day)", ""]
    out += [" · ".join(f"**{k}** {v}" for k, v in result["summary"].items()), ""]
    if result.get("message"):
        out += [_md(result["message"]), ""]
    for n, v in enumerate(result["verdicts"], 1):
        c = v["claim"]
        stated, cm, text, sm = differences(v)
        who = f" — attributed to {_md(c['speaker'])}" if c.get("speaker") else ""
        out += [f"## {n}. {v['verdict']} ({v['confidence']:.2f})", "", f"> {_md_marked(stated, cm)}{who}", "",
                f"*{_md(v['reason'])}*" + _judged(v), ""]
        s = v.get("source")
        if s and text:
            who_s, day, where = _source_line(s, cite)
            out += [f"Source: {_md(who_s)}, {_md(day)}, {_md(where)}", "", f"> {_md_marked(text, sm)}", ""]
        for ch in v["checks"]:
            if ch["result"] != "n/a":
                out.append(f"- {ch['name']}: {ch['result']}" + (f" ({_md(ch['detail'])})" if ch["detail"] else ""))
        out.append("")
    return "\n".join(out)


# ------------------------------------------------------------------ HTML
_CSS = """
body{font:15px/1.45 system-ui,sans-serif;max-width:70rem;margin:2rem auto;padding:0 1rem;color:#202124}
h1{font-size:1.4rem}.summary span{display:inline-block;margin:0 .8rem .4rem 0;padding:.15rem .5rem;border-radius:.3rem;color:#fff}
.claim{border-top:1px solid #ddd;padding:.8rem 0}.row{display:grid;grid-template-columns:1fr 1fr;gap:1rem}
.verdict{font-weight:600;color:#fff;padding:.05rem .45rem;border-radius:.3rem}
blockquote{margin:.3rem 0;padding:.3rem .7rem;background:#f6f6f6;border-left:3px solid #bbb;white-space:pre-wrap}
mark{background:#ffe08a}.meta{color:#5f6368;font-size:.9rem}ul{margin:.3rem 0 0 1rem;padding:0;font-size:.9rem}
.differ{color:#b3261e}.agree{color:#1b7f3b}
"""


def _html_marked(text: str, marks) -> str:
    return "".join(f"<mark>{escape(p)}</mark>" if hl else escape(p) for p, hl in segments(text, marks))


def html_page(result: dict, cite) -> str:
    """The report as one self-contained HTML page (inline style, no script, nothing fetched)."""
    e = escape
    title = result.get("title") or "article"
    parts = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
             "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">",
             '<meta name="referrer" content="no-referrer">',
             f"<title>Check: {e(title)}</title><style>{_CSS}</style></head><body>",
             f"<h1>Check: {e(title)}</h1>"]
    if result.get("published"):
        parts.append(f'<p class="meta">Published {e(result["published"])} (relative dates count from this day)</p>')
    parts.append('<p class="summary">')
    for k, n in result["summary"].items():
        parts.append(f'<span style="background:{VERDICT_COLOURS[k]}">{e(k)} {n}</span>')
    parts.append("</p>")
    if result.get("message"):
        parts.append(f"<p>{e(result['message'])}</p>")
    for n, v in enumerate(result["verdicts"], 1):
        c = v["claim"]
        stated, cm, text, sm = differences(v)
        colour = VERDICT_COLOURS.get(v["verdict"], "#5f6368")
        parts.append(f'<section class="claim" id="claim-{n}"><p>{n}. <span class="verdict" style="background:{colour}">'
                     f'{e(v["verdict"])}</span> <span class="meta">confidence {v["confidence"]:.2f} · {e(v["reason"])}{e(_judged(v))}'
                     "</span></p><div class=\"row\"><div><div class=\"meta\">Article"
                     + (f" — attributed to {e(c['speaker'])}" if c.get("speaker") else "") + "</div>"
                     f"<blockquote>{_html_marked(stated, cm)}</blockquote></div><div>")
        s = v.get("source")
        if s and text:
            who, day, where = _source_line(s, cite)
            parts.append(f'<div class="meta">Source: {e(who)}, {e(day)}, {e(where)}</div>'
                         f"<blockquote>{_html_marked(text, sm)}</blockquote>")
        else:
            parts.append('<div class="meta">No source in the case says this.</div>')
        parts.append("</div></div><ul>")
        for ch in v["checks"]:
            if ch["result"] != "n/a":
                parts.append(f'<li><span class="{e(ch["result"])}">{e(ch["name"])}: {e(ch["result"])}</span>'
                             + (f" — {e(ch['detail'])}" if ch["detail"] else "") + "</li>")
        parts.append("</ul></section>")
    parts.append("</body></html>")
    return "\n".join(parts)


def _judged(v: dict) -> str:
    """Which judge said the source bears on the claim, and how sure it was."""
    j = v.get("judge") or {}
    return f" (judge: {j['name']}, {j['p']:.2f})" if j.get("name") and j.get("p") is not None else ""
