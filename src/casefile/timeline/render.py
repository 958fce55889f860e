"""The briefing for people: Markdown, one self-contained HTML page with an interactive timeline,
and PDF.

Source text is hostile input. In Markdown its punctuation is escaped. The HTML page escapes it,
loads nothing (its Content Security Policy forbids every fetch) and runs one inline script,
allowed by its hash, that builds the timeline from JSON with textContent only: no source text
is ever parsed as HTML. The PDF is drawn by fpdf2 with the DejaVu font (Debian's
fonts-dejavu-core) so that German and other non-Latin-1 text prints.
"""
from __future__ import annotations

import base64
import hashlib
import json
import re
from pathlib import Path

from ..display import escape
from ..citation import of_span
from ..errors import UserError
from .brief import ACTS, Brief, Sentence

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|~])")
FONT_DIRS = ("/usr/share/fonts/truetype/dejavu",)


def _md(s: str) -> str:
    return _MD_SPECIAL.sub(r"\\\1", " ".join((s or "").split()))


def source_line(src: dict) -> str:
    d = src.get("document") or {}
    who = (d.get("from") or {}).get("name") or (d.get("from") or {}).get("addr") or ""
    parts = [d.get("subject") or d.get("kind") or src["doc_id"], who, (d.get("sent_at") or "")[:10], of_span(src)]
    return " · ".join(p for p in parts if p)


def _marks(s: Sentence) -> str:
    return "".join(f"[{i + 1}]" for i in s.cites)


def markdown(brief: Brief) -> str:
    """The brief as Markdown, citations as [n] with the numbered sources at the end."""
    out = [f"# {_md(brief.title)}", ""]
    for sec in brief.sections:
        out += [f"## {_md(sec.title)}", ""]
        if sec.kind == "para":
            out += [" ".join(f"{_md(s.text)} {_marks(s)}" for s in sec.sentences), ""]
        else:
            out += [f"- {_md(s.text)} {_marks(s)}" for s in sec.sentences]
            for title, group in sec.groups:
                out += ["", f"### {_md(title)}", ""] + [f"- {_md(s.text)} {_marks(s)}" for s in group]
            out.append("")
    out += [f"## {'Quellen' if brief.lang == 'de' else 'Sources'}", ""]
    out += [f"{i}. {_md(source_line(s))}: “{_md((s.get('text') or '')[:300])}”" for i, s in
            enumerate(brief.sources, 1)]
    if brief.rewritten:
        out += ["", _md(f"Rewritten by a language model; {brief.dropped} sentence(s) without a resolving citation "
                        "were dropped.")]
    return "\n".join(out) + "\n"


_CSS = """body{font:15px/1.5 system-ui,sans-serif;max-width:60em;margin:2em auto;padding:0 1em;color:#202124}
h1{font-size:1.6em}h2{margin-top:1.6em;border-bottom:1px solid #ddd}sup a{text-decoration:none}
.src{font-size:.85em;color:#555}.tl{border-left:3px solid #1a73e8;margin:1em 0;padding-left:1em}
.ev{margin:.6em 0}.ev .d{font-weight:600}.ev .a{color:#1a73e8;font-size:.85em;margin-left:.5em}
.ev .w{color:#555;font-size:.85em}.controls input,.controls select{font:inherit;margin-right:.5em}
.hidden{display:none}"""

_SCRIPT = """(function(){
var data=JSON.parse(document.getElementById('events').textContent);
var box=document.getElementById('timeline'),q=document.getElementById('q'),act=document.getElementById('act'),
who=document.getElementById('who'),count=document.getElementById('count');
function opt(sel,v){var o=document.createElement('option');o.value=v;o.textContent=v;sel.appendChild(o);}
var acts={},people={};data.forEach(function(e){acts[e.act]=1;e.actors.forEach(function(a){people[a]=1;});});
Object.keys(acts).sort().forEach(function(a){opt(act,a);});Object.keys(people).sort().forEach(function(p){opt(who,p);});
function el(tag,cls,text){var x=document.createElement(tag);if(cls)x.className=cls;if(text)x.textContent=text;return x;}
function draw(){
  while(box.firstChild)box.removeChild(box.firstChild);
  var t=q.value.toLowerCase(),n=0;
  data.forEach(function(e){
    if(act.value&&e.act!==act.value)return;
    if(who.value&&e.actors.indexOf(who.value)<0)return;
    if(t&&(e.text+' '+e.actors.join(' ')).toLowerCase().indexOf(t)<0)return;
    var d=el('div','ev');d.setAttribute('data-date',e.date);
    d.appendChild(el('span','d',e.date));d.appendChild(el('span','a',e.act_label));
    d.appendChild(el('div','',e.actors.join(', ')));d.appendChild(el('div','q',e.text));
    d.appendChild(el('div','w',e.where));box.appendChild(d);n++;
  });
  count.textContent=n+' / '+data.length;
}
q.addEventListener('input',draw);act.addEventListener('change',draw);who.addEventListener('change',draw);draw();
})();"""


def _json_for_script(data) -> str:
    """JSON that cannot end its <script> element or open another."""
    return (json.dumps(data, ensure_ascii=False).replace("&", "\\u0026").replace("<", "\\u003c")
            .replace(">", "\\u003e").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def html_page(brief: Brief, events: list[dict]) -> str:
    """The brief as one self-contained page, with the full timeline to filter by act, person
    and words (`events` as Case.timeline gives them)."""
    e = escape
    digest = base64.b64encode(hashlib.sha256(_SCRIPT.encode()).digest()).decode()
    csp = f"default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-{digest}'; img-src 'none'"
    de = brief.lang == "de"
    parts = ["<!DOCTYPE html>", f'<html lang="{e(brief.lang)}"><head><meta charset="utf-8">',
             f'<meta http-equiv="Content-Security-Policy" content="{csp}">',
             '<meta name="referrer" content="no-referrer">',
             f"<title>{e(brief.title)}</title><style>{_CSS}</style></head><body>", f"<h1>{e(brief.title)}</h1>"]

    def sent(s: Sentence) -> str:
        refs = "".join(f'<sup><a href="#s{i + 1}">[{i + 1}]</a></sup>' for i in s.cites)
        return f"{e(s.text)}{refs}"

    for sec in brief.sections:
        parts.append(f'<h2 id="{e(sec.key)}">{e(sec.title)}</h2>')
        if sec.kind == "para":
            parts.append("<p>" + " ".join(sent(s) for s in sec.sentences) + "</p>")
        else:
            if sec.sentences:
                parts.append("<ul>" + "".join(f"<li>{sent(s)}</li>" for s in sec.sentences) + "</ul>")
            for title, group in sec.groups:
                parts.append(f"<h3>{e(title)}</h3><ul>" + "".join(f"<li>{sent(s)}</li>" for s in group) + "</ul>")
    parts.append(f'<h2 id="timeline-h">{"Zeitleiste" if de else "Timeline"}</h2>')
    parts.append('<div class="controls"><input id="q" type="search" placeholder="'
                 + ("Suchen" if de else "Search") + '"><select id="act"><option value="">'
                 + ("alle Handlungen" if de else "all acts") + '</option></select><select id="who"><option value="">'
                 + ("alle Personen" if de else "everyone") + '</option></select><span id="count"></span></div>')
    parts.append('<div id="timeline" class="tl"></div>')
    data = [{"date": ev["date"], "act": ev["act"], "act_label": ACTS[brief.lang].get(ev["act"], ev["act"]),
             "actors": [a["name"] for a in ev["actors"]], "text": ev["description"],
             "where": of_span(dict(ev["citations"][0]))} for ev in events]
    parts.append(f'<script type="application/json" id="events">{_json_for_script(data)}</script>')
    parts.append(f"<h2>{'Quellen' if de else 'Sources'}</h2><ol>")
    for i, s in enumerate(brief.sources, 1):
        parts.append(f'<li id="s{i}"><span class="src">{e(source_line(s))}</span><br>'
                     f"“{e((s.get('text') or '')[:600])}”</li>")
    parts.append("</ol>")
    if brief.rewritten:
        parts.append(f"<p class=\"src\">{e(f'Rewritten by a language model; {brief.dropped} sentence(s) without a resolving citation were dropped.')}</p>")
    parts.append(f"<script>{_SCRIPT}</script></body></html>")
    return "\n".join(parts)


def _font() -> tuple[Path, Path]:
    for d in FONT_DIRS:
        regular, bold = Path(d) / "DejaVuSans.ttf", Path(d) / "DejaVuSans-Bold.ttf"
        if regular.exists() and bold.exists():
            return regular, bold
    raise UserError("A PDF needs the DejaVu fonts (Debian package fonts-dejavu-core); install them or use "
                    "--format md or html.")


def pdf(brief: Brief) -> bytes:
    """The brief as a PDF (A4), citations as [n] with the numbered sources at the end."""
    from fpdf import FPDF
    regular, bold = _font()
    doc = FPDF(format="A4")
    doc.set_margins(18, 18, 18)
    doc.set_auto_page_break(True, 18)
    doc.add_font("DejaVu", "", str(regular))
    doc.add_font("DejaVu", "B", str(bold))
    doc.set_title(brief.title)
    doc.set_creator("casefile")
    doc.add_page()
    width = doc.w - doc.l_margin - doc.r_margin

    def para(text: str, size: float = 10.5, style: str = "", gap: float = 1.5, indent: float = 0) -> None:
        doc.set_font("DejaVu", style, size)
        doc.set_x(doc.l_margin + indent)
        doc.multi_cell(width - indent, size * 0.5, text, new_x="LMARGIN", new_y="NEXT")
        doc.ln(gap)

    para(brief.title, 17, "B", 3)
    for sec in brief.sections:
        para(sec.title, 13, "B", 1)
        if sec.kind == "para":
            para(" ".join(f"{s.text} {_marks(s)}" for s in sec.sentences))
        for s in sec.sentences if sec.kind == "list" else []:
            para(f"• {s.text} {_marks(s)}", indent=3, gap=0.8)
        for title, group in sec.groups:
            para(title, 11, "B", 0.5)
            for s in group:
                para(f"• {s.text} {_marks(s)}", indent=3, gap=0.8)
    para("Quellen" if brief.lang == "de" else "Sources", 13, "B", 1)
    for i, s in enumerate(brief.sources, 1):
        para(f"{i}. {source_line(s)}: “{(s.get('text') or '')[:300]}”", 8.5, gap=0.6)
    return bytes(doc.output())
