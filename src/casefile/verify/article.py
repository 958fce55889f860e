"""Check an article against the case: read it (a file in any format casefile reads, pasted text,
or an article already in the case), cut it into claims, find each claim's best source and decide
a verdict (verify.verdict). First cut of issue 6; the report formats and the labelled article set
come next.
"""
from __future__ import annotations

import time
from collections import Counter
from pathlib import Path

from ..errors import UserError
from . import claims as claims_mod
from .verdict import decide

MAX_ARTICLE_BYTES = 20 << 20
VERDICTS = ("supported", "contradicted", "misattributed", "misquoted", "not_in_sources")
READABLE_KINDS = ("article", "html", "text", "pdf", "docx")


def read(path: Path) -> tuple[str, str | None]:
    """(text, title) of an article file, through the same parsers as ingest."""
    from ..ingest.records import Blob
    from ..ingest.registry import analyze
    if not path.exists():
        raise UserError(f"No such file: {path}.")
    if path.is_dir():
        raise UserError(f"{path} is a folder; give the article's file.")
    if path.stat().st_size > MAX_ARTICLE_BYTES:
        raise UserError(f"{path.name} is larger than {MAX_ARTICLE_BYTES >> 20} MB; that is not an article.")
    blob = analyze(Blob(name=path.name, data=path.read_bytes()), top_level=True)
    if blob.status == "quarantined":
        raise UserError(f"{path.name} cannot be read as an article: {blob.reason}.")
    docs = [d for d in blob.documents if d.kind in READABLE_KINDS and (d.text or "").strip()]
    if not docs:
        raise UserError(f"{path.name} has no text to check (it looks like {blob.type}).")
    return docs[0].text, docs[0].title


def known_names(case) -> list[str]:
    names = [p["name"] for p in case.people()]
    names += [r[0] for r in case.db.execute("SELECT name FROM organisations")]
    return [n for n in names if n and "@" not in n]


def verify(case, text: str, title: str | None = None, progress=None) -> dict:
    if not text or not text.strip():
        raise UserError("The article is empty.")
    if "\x00" in text[:4096]:
        raise UserError("The article is binary, not text.")
    if case.db.execute("SELECT COUNT(*) FROM documents WHERE kind != 'article'").fetchone()[0] == 0:
        raise UserError("This case has no source documents to check against; ingest the evidence first.")
    case._semantic_ready()
    from ..search.quote import MIN_SOURCE_SCORE
    t0 = time.monotonic()
    found_claims = claims_mod.extract(text, known_names(case))
    verdicts = []
    for i, c in enumerate(found_claims):
        stated = c.quote if c.kind == "quote" else c.text
        verdicts.append(decide(c, case.quote(stated, limit=3), MIN_SOURCE_SCORE))
        if progress:
            progress(i + 1, len(found_claims))
    counts = Counter(v.label for v in verdicts)
    return {"title": title, "claims": len(found_claims),
            "summary": {k: counts.get(k, 0) for k in VERDICTS},
            "message": None if found_claims else "The article has no checkable claims (no quotes, amounts, dates, "
                                                 "numbers or statements about the case's people).",
            "seconds": round(time.monotonic() - t0, 2), "verdicts": [v.as_dict() for v in verdicts]}


def markdown(result: dict, cite) -> str:
    """The report as Markdown: a summary count per verdict, then each claim beside its source.
    Article and source text is quoted as text (no HTML, no links followed)."""
    def esc(s: str) -> str:
        return "".join("\\" + ch if ch in "\\`*_{}[]()#+-.!|<>" else ch for ch in " ".join((s or "").split()))

    out = [f"# Check: {esc(result.get('title') or 'article')}", "",
           " · ".join(f"**{k}** {v}" for k, v in result["summary"].items()), ""]
    if result.get("message"):
        out += [result["message"], ""]
    for n, v in enumerate(result["verdicts"], 1):
        c = v["claim"]
        stated = c["quote"] if c["kind"] == "quote" else c["text"]
        who = f" — attributed to {esc(c['speaker'])}" if c.get("speaker") else ""
        out += [f"## {n}. {v['verdict']} ({v['confidence']:.2f})", "", f"> {esc(stated)}{who}", "",
                f"*{esc(v['reason'])}*", ""]
        s = v.get("source")
        if s:
            frm = (s["document"].get("from") or {})
            out += [f"Source: {esc(frm.get('name') or frm.get('addr') or '')}, {esc((s['document'].get('sent_at') or '')[:10])}, "
                    f"{esc(cite(s['citation']))}", "", f"> {esc(s['span']['text'])}", ""]
        for ch in v["checks"]:
            if ch["result"] != "n/a":
                out.append(f"- {ch['name']}: {ch['result']}" + (f" ({esc(ch['detail'])})" if ch["detail"] else ""))
        out.append("")
    return "\n".join(out)
