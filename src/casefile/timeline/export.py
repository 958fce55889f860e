"""The timeline in the formats of the tools reporters and investigators load it into.

- ``csv``: one row per event, its first citation spelled out (spreadsheets, Datawrapper).
- ``timelinejs``: Knight Lab TimelineJS's JSON (title slide, events with start_date and text).
  TimelineJS renders ``text`` as HTML, so every piece of source text in it is escaped.
- ``timesketch``: Timesketch's JSONL import (one object per line with message, datetime in
  ISO 8601 and timestamp_desc, plus our fields).
- ``ftm``: FollowTheMoney entities as JSON lines (Aleph, OpenAleph, ftm tools): a Person per
  actor and an Event per event naming them as involved.

Each takes the dict `Case.timeline` returns (events with actors and citations).
"""
from __future__ import annotations

import csv
import hashlib
import io
import json

from ..display import cell, escape
from ..citation import of_span

FORMATS = ("csv", "timelinejs", "timesketch", "ftm")
CSV_FIELDS = ("date", "precision", "time", "kind", "act", "actors", "description", "lang", "citations", "doc_id",
              "start", "end", "page", "bates", "where", "subject", "from", "sent_at")
TIMESTAMP_DESC = {"message": "Message sent", "mention": "Date mentioned in a message",
                  "published": "Article published", "reported": "Date reported by an article"}


def _first(e: dict) -> dict:
    return e["citations"][0] if e["citations"] else {}


def to_csv(timeline: dict) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=CSV_FIELDS, lineterminator="\n")
    w.writeheader()
    for e in timeline["events"]:
        c = _first(e)
        d = c.get("document") or {}
        w.writerow({k: cell(v) for k, v in {"date": e["date"], "precision": e["precision"], "time": e.get("time") or "", "kind": e["kind"],
                    "act": e["act"], "actors": "; ".join(a["name"] for a in e["actors"]),
                    "description": e["description"], "lang": e.get("lang") or "", "citations": len(e["citations"]),
                    "doc_id": c.get("doc_id", ""), "start": c.get("start", ""), "end": c.get("end", ""),
                    "page": c.get("page") or "", "bates": c.get("bates") or "", "where": of_span(c),
                    "subject": d.get("subject") or "", "from": ((d.get("from") or {}).get("name") or ""),
                    "sent_at": d.get("sent_at") or ""}.items()})
    return buf.getvalue()


def to_timelinejs(timeline: dict, title: str = "casefile timeline") -> dict:
    e_ = escape
    events = []
    for n, e in enumerate(timeline["events"]):
        y, m, d = e["date"].split("-")
        who = ", ".join(a["name"] for a in e["actors"][:3])
        head = f"{who}: {e['act']}" if who else e["act"]
        cites = "".join(f"<li>{e_(of_span(c) or c['doc_id'])}</li>" for c in e["citations"])
        events.append({"start_date": {"year": y, "month": str(int(m)), "day": str(int(d))},
                       "text": {"headline": e_(head), "text": f"<p>{e_(e['description'])}</p><ul>{cites}</ul>"},
                       "group": e_(e["act"]), "unique_id": f"event-{n + 1}"})
    between = timeline.get("between")
    text = f"{e_(between[0])} – {e_(between[1])}" if between else ""
    return {"title": {"text": {"headline": e_(title), "text": text}}, "events": events}


def _iso(e: dict) -> str:
    t = e.get("time") if e["kind"] == "message" else None
    if t and "T" in t:
        return t if (t.endswith("Z") or "+" in t[10:] or "-" in t[10:]) else t + "+00:00"
    return f"{e['date']}T00:00:00+00:00"


def to_timesketch(timeline: dict) -> str:
    lines = []
    for e in timeline["events"]:
        c = _first(e)
        lines.append(json.dumps({
            "message": e["description"], "datetime": _iso(e), "timestamp_desc": TIMESTAMP_DESC.get(e["kind"], "Event"),
            "act": e["act"], "kind": e["kind"], "precision": e["precision"],
            "actors": [a["name"] for a in e["actors"]], "doc_id": c.get("doc_id"), "where": of_span(c),
            "span_start": c.get("start"), "span_end": c.get("end"), "data_type": "casefile:event"},
            ensure_ascii=False))
    return "\n".join(lines) + ("\n" if lines else "")


def _fid(*parts: str) -> str:
    return "casefile-" + hashlib.sha1("\x1f".join(parts).encode()).hexdigest()[:20]


def to_ftm(timeline: dict, case_id: str = "") -> str:
    """FollowTheMoney entities, one JSON object per line: Persons, then Events."""
    people: dict[str, dict] = {}
    events = []
    for n, e in enumerate(timeline["events"]):
        involved = []
        for a in e["actors"]:
            pid = _fid(case_id, "person", a["id"])
            involved.append(pid)
            people.setdefault(pid, {"id": pid, "schema": "Person", "properties": {"name": [a["name"]]}})
        c = _first(e)
        events.append({"id": _fid(case_id, "event", e["date"], e["act"], str(c.get("doc_id")), str(c.get("start"))),
                       "schema": "Event",
                       "properties": {"name": [f"{e['date']} {e['act']}"], "date": [e["date"]],
                                      "description": [e["description"]], "summary": [e["description"][:500]],
                                      "keywords": [e["act"], e["kind"]], "involved": involved,
                                      "recordId": [f"{c.get('doc_id')}:{c.get('start')}-{c.get('end')}"],
                                      "notes": [of_span(c)] if of_span(c) else []}})
    for ev in events:
        ev["properties"] = {k: v for k, v in ev["properties"].items() if v}
    return "".join(json.dumps(x, ensure_ascii=False) + "\n" for x in list(people.values()) + events)


def export(timeline: dict, fmt: str) -> str:
    if fmt == "csv":
        return to_csv(timeline)
    if fmt == "timelinejs":
        return json.dumps(to_timelinejs(timeline), ensure_ascii=False, indent=1)
    if fmt == "timesketch":
        return to_timesketch(timeline)
    if fmt == "ftm":
        return to_ftm(timeline)
    raise ValueError(fmt)
