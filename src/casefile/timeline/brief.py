"""The briefing: what a dispute is about, a dated chronology, the points of contention with each
side's own words, and short summary bullets, in German or English, every sentence cited.

Written without a language model: sentences are chosen from the timeline and the points of
contention and set in templates; quotes stay in their original language with their source.
Each sentence carries the citations of the stored spans it draws on, and `check` proves that its
quoted words, numbers and dates are there. An optional backend (`rewrite`) may turn the sections
into fluent prose through an OpenAI-compatible endpoint; any sentence it returns whose citations
do not resolve, or whose quotes, numbers or dates the cited spans do not hold, is dropped.
"""
from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import date

from ..errors import UserError

CHRONOLOGY_EVENTS = 12
"""The chronology tells the 12 best-ranked events: a page a reporter reads in a minute."""
SUMMARY_BULLETS = 5
SHORT_QUOTE = 140
"""A summary bullet quotes at most 140 characters of its source, cut at a word."""
REWRITE_TIMEOUT = 120
MAX_REWRITE_CHARS = 20_000

MONTHS = {
    "en": ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"],
    "de": ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober",
           "November", "Dezember"],
}
ACTS = {
    "en": {"ultimatum": "ultimatum", "resignation": "resignation", "refusal": "refusal", "agreement": "signed",
           "decision": "decision", "offer": "offer", "restructuring": "restructuring", "founding": "founding",
           "demand": "demand", "stance": "position", "claim": "claim", "money": "money", "legal": "legal step",
           "press": "press coverage", "message": "message", "position": "position", "publication": "publication"},
    "de": {"ultimatum": "Ultimatum", "resignation": "Rücktritt", "refusal": "Ablehnung", "agreement": "Unterzeichnung",
           "decision": "Entscheidung", "offer": "Angebot", "restructuring": "Umbau", "founding": "Gründung",
           "demand": "Forderung", "stance": "Haltung", "claim": "Anspruch", "money": "Geld", "legal": "Rechtliches",
           "press": "Presse", "message": "Nachricht", "position": "Position", "publication": "Veröffentlichung"},
}
TEXT = {
    "en": {"title": "Briefing: {a} and {b}", "about": "What it is about", "chronology": "Chronology",
           "points": "Points of contention", "summary": "In short", "sources": "Sources",
           "clash": "{a} and {b} fought over {what} ({first} to {last}).",
           "begins": "It begins on {day} with {who}: {quote}",
           "latest": "The latest event, on {day}: {who}: {quote}",
           "moved": "{who} moved from {steps}.", "to": " to ", "and": " and ",
           "side": "{who}, {day}: {quote}", "press": "{who} (press)", "via": "{who} (through {via})", "quoted": "{who} (as quoted by {via})",
           "headline": "{title} – the dispute over {what}", "outlook": "Where it stands",
           "open": "Last on {what}, on {day}, {who}: {quote}",
           "chapter": "Argued from {first} to {last}."},
    "de": {"title": "Briefing: {a} und {b}", "about": "Worum es geht", "chronology": "Chronologie",
           "points": "Streitpunkte", "summary": "Kurz gesagt", "sources": "Quellen",
           "clash": "{a} und {b} stritten über {what} ({first} bis {last}).",
           "begins": "Es beginnt am {day} mit {who}: {quote}",
           "latest": "Das jüngste Ereignis, am {day}: {who}: {quote}",
           "moved": "{who} bewegte sich von {steps}.", "to": " zu ", "and": " und ",
           "side": "{who}, {day}: {quote}", "press": "{who} (Presse)", "via": "{who} (über {via})", "quoted": "{who} (zitiert von {via})",
           "headline": "{title} – der Streit um {what}", "outlook": "Wo es steht",
           "open": "Zuletzt zu {what}, am {day}, {who}: {quote}",
           "chapter": "Strittig vom {first} bis zum {last}."},
}


@dataclass
class Sentence:
    text: str
    cites: list[int]                       # indexes into Brief.sources
    quotes: list[str] = field(default_factory=list)


@dataclass
class Section:
    key: str
    title: str
    kind: str                               # para | list
    sentences: list[Sentence] = field(default_factory=list)
    groups: list[tuple[str, list[Sentence]]] = field(default_factory=list)   # headed sub-lists


@dataclass
class Brief:
    lang: str
    title: str
    sections: list[Section]
    sources: list[dict]
    dropped: int = 0
    rewritten: bool = False

    def all_sentences(self) -> list[Sentence]:
        return [s for sec in self.sections for s in sec.sentences + [x for _, g in sec.groups for x in g]]

    def as_dict(self) -> dict:
        def sent(s: Sentence) -> dict:
            return {"text": s.text, "citations": [i + 1 for i in s.cites], "quotes": s.quotes}
        return {"lang": self.lang, "title": self.title, "rewritten": self.rewritten, "dropped": self.dropped,
                "sections": [{"key": s.key, "title": s.title, "kind": s.kind,
                              "sentences": [sent(x) for x in s.sentences],
                              "groups": [{"title": t, "sentences": [sent(x) for x in g]} for t, g in s.groups]}
                             for s in self.sections],
                "sources": [dict(src, n=i + 1) for i, src in enumerate(self.sources)]}


def day_text(iso: str, lang: str) -> str:
    """31 May 2016 / 31. Mai 2016."""
    d = date.fromisoformat(iso[:10])
    month = MONTHS[lang][d.month - 1]
    return f"{d.day}. {month} {d.year}" if lang == "de" else f"{d.day} {month} {d.year}"


def quoted(text: str, lang: str) -> str:
    return f"„{text}“" if lang == "de" else f"“{text}”"


def shorten(text: str, limit: int = SHORT_QUOTE) -> str:
    """The first `limit` characters of a quote, cut at a word, with an ellipsis when cut."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(",;:")
    return cut + " …"


class _Sources:
    """The brief's numbered sources: one per cited span."""

    def __init__(self):
        self.items: list[dict] = []
        self._at: dict[tuple, int] = {}

    def add(self, citation: dict) -> int:
        key = (citation["doc_id"], citation["start"], citation["end"])
        if key not in self._at:
            self._at[key] = len(self.items)
            self.items.append({k: citation.get(k) for k in ("doc_id", "start", "end", "page", "bates", "text",
                                                             "document", "citation")})
        return self._at[key]


def _who(event: dict, lang: str) -> str:
    names = [a["name"] for a in event["actors"]]
    if event["kind"] == "published":
        outlet = (event["citations"][0].get("document") or {}).get("subject") or ""
        return TEXT[lang]["press"].format(who=outlet.split(" | ")[-1] if " | " in outlet else (names[0] if names else "?"))
    return names[0] if names else "?"


def build(timeline: dict, dispute: dict | None, lang: str) -> Brief:
    """The brief from a timeline (`Case.timeline`, best events first or in date order) and the
    points of contention (`Case.dispute`) of the same two people."""
    if lang not in TEXT:
        raise UserError(f"There is no briefing in '{lang}'; use de or en.")
    t = TEXT[lang]
    src = _Sources()
    events = sorted(timeline["events"], key=lambda e: (e["date"], e.get("time") or ""))
    pair = [p["name"] for p in dispute["between"]] if dispute else (timeline.get("between") or ["?", "?"])
    about = Section("about", t["about"], "para")
    if dispute and dispute["issues"]:
        what, cites, firsts, lasts = [], [], [], []
        for k in dispute["issues"][:4]:
            st = _naming_statement(k)
            what.append(k["label"])
            cites.append(src.add(st["citation"]))
            firsts.append(k["first"])
            lasts.append(k["last"])
        ends = [s for k in dispute["issues"][:4] for side in k["sides"] for s in side["statements"]]
        for day in (min(firsts, default=None), max(lasts, default=None)):
            st = next((s for s in ends if s["date"] == day), None)
            if st:
                cites.append(src.add(st["citation"]))
        if what:
            joined = ", ".join(what[:-1]) + (t["and"] + what[-1] if len(what) > 1 else what[0])
            about.sentences.append(Sentence(t["clash"].format(a=pair[0], b=pair[1], what=joined,
                                                              first=day_text(min(firsts), lang),
                                                              last=day_text(max(lasts), lang)), cites))
    for key, e in (("begins", events[0] if events else None), ("latest", events[-1] if len(events) > 1 else None)):
        if e:
            q = shorten(e["description"])
            about.sentences.append(Sentence(t[key].format(day=day_text(e["date"], lang), who=_who(e, lang),
                                                          quote=quoted(q, lang)),
                                            [src.add(e["citations"][0])], [q]))
    chron = Section("chronology", t["chronology"], "list")
    for e in events:
        q = e["description"]
        label = ACTS[lang].get(e["act"], e["act"])
        chron.sentences.append(Sentence(f"{day_text(e['date'], lang)} – {_who(e, lang)} ({label}): {quoted(q, lang)}",
                                        [src.add(e["citations"][0])], [q]))
    points = Section("points", t["points"], "list")
    chapters = sorted((dispute or {}).get("issues", []), key=lambda k: (k["first"], k["last"]))
    for k in chapters:               # one chapter per point, in the order the points arose
        said = sorted((s for side in k["sides"] for s in side["statements"]), key=lambda s: s["date"])
        group: list[Sentence] = [Sentence(t["chapter"].format(first=day_text(k["first"], lang),
                                                              last=day_text(k["last"], lang)),
                                          list(dict.fromkeys(src.add(x["citation"]) for x in (said[0], said[-1]))))]
        for side in k["sides"]:
            name = side["person"]["name"]
            for q in side["quotes"]:
                who = t["via"].format(who=name, via=q["via"]["name"]) if q.get("via") else name
                if q.get("quoted_by"):          # the words of this side, as the other side quoted them
                    who = t["quoted"].format(who=who, via=q["quoted_by"]["name"])
                group.append(Sentence(t["side"].format(who=who, day=day_text(q["date"], lang),
                                                       quote=quoted(q["text"], lang)),
                                      [src.add(q["citation"])], [q["text"]]))
            steps = [s for s in side["positions"] if s["position"] not in ACTS["en"]]
            if len(steps) > 1:
                parts = [f"{s['position']} ({day_text(s['date'], lang)})" for s in steps]
                group.append(Sentence(t["moved"].format(who=name, steps=t["to"].join(parts)),
                                      [src.add(s["citation"]) for s in steps]))
        points.groups.append((k["label"], group))
    outlook = Section("outlook", t["outlook"], "para")
    if chapters:                      # the point argued last, and where each side left it
        last = max(chapters, key=lambda k: (k["last"], k["first"]))
        for side in last["sides"]:
            latest = max(side["statements"], key=lambda s: s["date"], default=None)
            if latest:
                q = shorten(latest["text"])
                outlook.sentences.append(Sentence(t["open"].format(day=day_text(latest["date"], lang), what=last["label"],
                                                                   who=side["person"]["name"], quote=quoted(q, lang)),
                                                  [src.add(latest["citation"])], [q]))
    summary = Section("summary", t["summary"], "list")
    best = sorted(timeline["events"], key=lambda e: -e.get("score", 0))[:SUMMARY_BULLETS]
    for e in sorted(best, key=lambda e: e["date"]):
        q = shorten(e["description"])
        label = ACTS[lang].get(e["act"], e["act"])
        summary.sentences.append(Sentence(f"{day_text(e['date'], lang)}: {_who(e, lang)}, {label} – {quoted(q, lang)}",
                                          [src.add(e["citations"][0])], [q]))
    sections = [s for s in (about, chron, points, outlook, summary) if s.sentences or s.groups]
    title = t["title"].format(a=pair[0], b=pair[1])
    if chapters:
        top = [k["label"] for k in (dispute or {}).get("issues", [])[:2]]
        title = t["headline"].format(title=title, what=(t["and"].join(top)))
    return Brief(lang, title, sections, src.items)


def _naming_statement(k: dict) -> dict:
    """The statement of a point that best shows its name: the one with most of the name's words."""
    words = set(re.findall(r"\w{4,}", k["label"].lower()))
    return max((s for side in k["sides"] for s in side["statements"]),
               key=lambda s: (len(words & set(re.findall(r"\w{4,}", s["text"].lower()))), -len(s["text"])))


# -- checking --------------------------------------------------------------------------------

_QUOTE = re.compile(r"„([^“]{2,})“|“([^”]{2,})”|\"([^\"]{2,})\"|»([^«]{2,})«|«([^»]{2,})»")
_QUOTE_CHARS = re.compile(r"[„“”\"»«]")


def quotes_in(text: str) -> list[str]:
    """The stretches a sentence puts in quotation marks („…“, “…”, "…", »…«)."""
    return [next(g for g in m.groups() if g is not None) for m in _QUOTE.finditer(text)]
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def _norm(s: str) -> str:
    return " ".join(re.findall(r"\w+", s.lower()))


def check(text: str, cites: list[int], sources: list[dict], texts: dict[str, str],
          sent_days: dict[str, str]) -> list[str]:
    """Why a sentence is not backed by its citations (empty when it is): every citation must
    resolve to its stored span; every quoted stretch must stand in a cited span; every number
    (sums, percentages, days and years) must stand in a cited span or be part of a cited
    document's date."""
    problems = []
    if not cites:
        return ["no citation"]
    spans = []
    for i in cites:
        if not 0 <= i < len(sources):
            problems.append(f"citation [{i + 1}] does not exist")
            continue
        s = sources[i]
        body = texts.get(s["doc_id"])
        if body is None or not 0 <= s["start"] < s["end"] <= len(body):
            problems.append(f"citation [{i + 1}] does not resolve to a stored span")
            continue
        span = body[s["start"]:s["end"]]
        if _norm(span) != _norm(s["text"] or ""):
            problems.append(f"citation [{i + 1}] quotes other words than its span")
        spans.append(_norm(span))
    hay = " | ".join(spans)
    for q in quotes_in(text):
        if _norm(q.replace("…", " ")) and _norm(q.replace("…", " ")) not in hay:
            problems.append(f"quote not in the cited source: {q[:60]}")
    outside = _QUOTE.sub(" ", text)
    if _QUOTE_CHARS.search(outside):
        problems.append("a quotation mark without its pair")
    allowed = set(re.findall(r"\d+", hay))
    for i in cites:
        if 0 <= i < len(sources):
            d = sent_days.get(sources[i]["doc_id"]) or ""
            if d:
                y, m, dd = d[:10].split("-")
                allowed |= {y, m, dd, str(int(m)), str(int(dd))}
    for n in _NUMBER.findall(outside):
        if not set(re.findall(r"\d+", n)) <= allowed:
            problems.append(f"number not in the cited source: {n}")
    return problems


def check_brief(brief: Brief, db) -> list[tuple[str, list[str]]]:
    """Every sentence of the brief that its citations do not back, with the reasons."""
    ids = {s["doc_id"] for s in brief.sources}
    texts, days = _doc_rows(db, ids)
    out = []
    for s in brief.all_sentences():
        p = check(s.text, s.cites, brief.sources, texts, days)
        if p:
            out.append((s.text, p))
    return out


def _doc_rows(db, ids) -> tuple[dict[str, str], dict[str, str]]:
    texts, days = {}, {}
    for doc_id in ids:
        r = db.execute("SELECT text, sent_at FROM documents WHERE id = ?", (doc_id,)).fetchone()
        if r:
            texts[doc_id], days[doc_id] = r[0] or "", r[1] or ""
    return texts, days


# -- the optional rewrite ---------------------------------------------------------------------

_MARK = re.compile(r"\[(\d{1,4})\]")
_SPLIT = re.compile(r"(?<=[.!?…\]])\s+(?=[A-ZÄÖÜ0-9\x00])")


def split_sentences(text: str) -> list[str]:
    """Sentences of prose, never cut inside a quotation ("ja! Fifty-fifty ist fair." inside „…“
    is one quote, not two sentences)."""
    kept: list[str] = []

    def hide(m: re.Match) -> str:
        kept.append(m.group(0))
        return f"\x00{len(kept) - 1}\x00"
    hidden = _QUOTE.sub(hide, text)
    return [re.sub("\x00(\\d+)\x00", lambda m: kept[int(m.group(1))], part) for part in _SPLIT.split(hidden)]


PROMPT = {
    "en": "Rewrite these notes into fluent English prose for a news editor. Keep every citation marker such as [3] "
          "right after the sentence it supports. Keep everything inside quotation marks exactly as written, in its "
          "language. Do not add facts, numbers or dates that the notes do not contain. Answer with the prose only.",
    "de": "Schreibe diese Notizen in flüssiges Deutsch für eine Redaktion um. Setze jede Quellenmarke wie [3] direkt "
          "hinter den Satz, den sie belegt. Übernimm alles in Anführungszeichen wörtlich und in seiner Sprache. Füge "
          "keine Fakten, Zahlen oder Daten hinzu, die nicht in den Notizen stehen. Antworte nur mit dem Text.",
}


def _chat(url: str, model: str, system: str, user: str, timeout: float) -> str:
    body = json.dumps({"model": model, "temperature": 0, "messages": [{"role": "system", "content": system},
                                                                      {"role": "user", "content": user}]}).encode()
    req = urllib.request.Request(url.rstrip("/") + "/chat/completions", data=body,
                                 headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:   # noqa: S310 - the user's own endpoint
            answer = json.loads(r.read(MAX_REWRITE_CHARS * 4).decode("utf-8", "replace"))
        return str(answer["choices"][0]["message"]["content"])[:MAX_REWRITE_CHARS]
    except (urllib.error.URLError, TimeoutError, OSError) as e:
        raise UserError(f"The rewrite endpoint {url} did not answer ({getattr(e, 'reason', e)}).") from None
    except (ValueError, KeyError, IndexError, TypeError):
        raise UserError(f"The rewrite endpoint {url} did not answer like an OpenAI-compatible server.") from None


def rewrite(brief: Brief, db, url: str, model: str, timeout: float = REWRITE_TIMEOUT) -> Brief:
    """The brief's prose sections (what it is about, the points of contention) rewritten by a
    language model behind an OpenAI-compatible endpoint (Ollama, llama.cpp server, vLLM). Each
    returned sentence keeps its citation markers; a sentence without one, or whose quotes,
    numbers or dates its cited spans do not hold (`check`), is dropped and counted."""
    texts, days = _doc_rows(db, {s["doc_id"] for s in brief.sources})
    for sec in brief.sections:
        if sec.key not in ("about", "points"):
            continue
        groups = [("", sec.sentences)] if sec.sentences else []
        groups += sec.groups
        new_groups = []
        for title, sentences in groups:
            notes = "\n".join(f"{s.text} " + "".join(f"[{i + 1}]" for i in s.cites) for s in sentences)
            prose = _chat(url, model, PROMPT[brief.lang], notes, timeout)
            kept = []
            for raw in split_sentences(" ".join(prose.split())):
                cites = sorted({int(m) - 1 for m in _MARK.findall(raw)})
                text = _MARK.sub("", raw).replace(" .", ".").strip()
                if not text:
                    continue
                if check(text, cites, brief.sources, texts, days):
                    brief.dropped += 1
                    continue
                kept.append(Sentence(text, cites, quotes_in(text)))
            new_groups.append((title, kept))
        if sec.sentences:
            sec.sentences = new_groups.pop(0)[1]
        sec.groups = new_groups
    brief.rewritten = True
    return brief
