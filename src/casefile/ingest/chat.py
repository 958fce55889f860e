"""Chat exports: one document per message, with author and time.

- WhatsApp `.txt` exports, Android (`31/05/2016, 22:14 - Anna Roth: text`,
  `31.05.16, 22:14 - Anna Roth: text`) and iOS (`[31.05.16, 22:14:33] Anna Roth: text`), in
  English and German date order; a message continues over the following lines until the next
  stamp. System lines (`Messages are end-to-end encrypted`) are not messages.
- Slack export day files (`<channel>/<YYYY-MM-DD>.json`: a JSON list of message objects with
  `ts`, `user`, `text`); the channel is the folder name and names come from the export's
  `users.json` when the runner finds one (`resolve_slack_users`).

Chat times carry no zone in WhatsApp exports (the phone's local time): they are kept as wall
time and flagged `no-timezone`. Slack `ts` is a Unix time (UTC).
"""
from __future__ import annotations

import json
import re
from datetime import datetime, timezone

from .dates import parse_printed_date
from ..model import DocRecord

WA_ANDROID = re.compile(
    r"^\u200e?(?P<date>\d{1,2}[./]\d{1,2}[./]\d{2,4}),?\s+(?P<time>\d{1,2}:\d{2}(?::\d{2})?(?:\s?[AaPp]\.?\s?[Mm]\.?)?)"
    r"\s+[-–]\s+(?P<rest>.*)$")
WA_IOS = re.compile(
    r"^\u200e?\[(?P<date>\d{1,2}[./]\d{1,2}[./]\d{2,4}),?\s+(?P<time>\d{1,2}:\d{2}(?::\d{2})?(?:\s?[AaPp]\.?\s?[Mm]\.?)?)\]"
    r"\s+(?P<rest>.*)$")
AUTHOR = re.compile(r"^(?P<who>[^:\n]{1,80}?):\s(?P<text>.*)$", re.S)
MIN_STAMPED_LINES = 3
"""A text is a WhatsApp export when at least three of its first 30 non-empty lines, and at least
half of them, start with a WhatsApp time stamp."""


def is_whatsapp(text: str) -> bool:
    lines = [ln for ln in text.splitlines()[:200] if ln.strip()][:30]
    hits = sum(1 for ln in lines if WA_ANDROID.match(ln) or WA_IOS.match(ln))
    return hits >= MIN_STAMPED_LINES and hits * 2 >= len(lines)


def _wa_date(date: str, time: str) -> tuple[str | None, str | None, str]:
    raw = f"{date} {time}"
    if "." in date:
        iso, flag = parse_printed_date(raw)
    else:
        # 31/05/2016 is day-first (most locales); 05/31/2016 can only be month-first
        d, m, _ = (int(x) for x in date.split("/"))
        if d <= 12 < m:
            iso, flag = parse_printed_date(raw)            # month-first, unambiguous
        else:
            dd, mm, yy = date.split("/")
            iso, flag = parse_printed_date(f"{dd}.{mm}.{yy} {time}")
    return iso, flag, raw


def parse_whatsapp(text: str, name: str) -> list[DocRecord]:
    docs: list[DocRecord] = []
    cur = None
    n = 0
    for line_no, line in enumerate(text.splitlines(), 1):
        m = WA_ANDROID.match(line) or WA_IOS.match(line)
        if m:
            cur = None
            a = AUTHOR.match(m.group("rest"))
            if not a:
                continue                    # a system line: encryption notice, joined, left ...
            n += 1
            iso, flag, raw = _wa_date(m.group("date"), m.group("time"))
            body = a.group("text").replace("\u200e", "")
            cur = DocRecord(kind="chat", locator=f"chat:{n}", from_name=a.group("who").strip(), sent_at=iso,
                            sent_at_raw=raw, date_flag=flag, text=body, body_from="whatsapp")
            cur.citation = {"file": name, "lines": [line_no, line_no]}
            cur.meta = {"platform": "whatsapp"}
            docs.append(cur)
        elif cur is not None:
            cur.text += "\n" + line
            cur.citation["lines"][1] = line_no
    return docs


def is_slack_day(data: bytes, name: str) -> bool:
    if not re.match(r"^\d{4}-\d{2}-\d{2}\.json$", name):
        return False
    head = data.lstrip()[:2000]
    return head.startswith(b"[") and b'"ts"' in head


def parse_slack(data: bytes, name: str) -> list[DocRecord]:
    items = json.loads(data.decode("utf-8", "replace"))
    if not isinstance(items, list):
        raise ValueError("a Slack day file is a JSON list of messages")
    docs = []
    for n, m in enumerate(items, 1):
        if not isinstance(m, dict) or m.get("type", "message") != "message":
            continue
        if m.get("subtype") in ("channel_join", "channel_leave", "channel_purpose", "channel_topic"):
            continue
        try:
            ts = float(m.get("ts"))
            iso = datetime.fromtimestamp(ts, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
            flag = None
        except (TypeError, ValueError, OverflowError, OSError):
            iso, flag = None, "unparseable"
        profile = m.get("user_profile") or {}
        who = profile.get("real_name") or profile.get("display_name") or m.get("user_name") or m.get("username")
        doc = DocRecord(kind="chat", locator=f"slack:{m.get('ts') or n}", from_name=who,
                        sent_at=iso, sent_at_raw=str(m.get("ts")), date_flag=flag, text=str(m.get("text") or ""),
                        body_from="slack")
        doc.meta = {"platform": "slack", "user": m.get("user"), "thread_ts": m.get("thread_ts")}
        doc.citation = {"file": name, "ts": m.get("ts")}
        docs.append(doc)
    return docs


def resolve_slack_users(docs: list[DocRecord], users_json: bytes | None, channel: str | None) -> None:
    """Fill author names from the export's users.json and the channel from the folder name."""
    names = {}
    if users_json:
        try:
            for u in json.loads(users_json.decode("utf-8", "replace")):
                if isinstance(u, dict) and u.get("id"):
                    prof = u.get("profile") or {}
                    names[u["id"]] = u.get("real_name") or prof.get("real_name") or u.get("name")
        except (ValueError, TypeError):
            pass
    for d in docs:
        if d.meta.get("platform") != "slack":
            continue
        if channel:
            d.meta["channel"] = channel
        uid = d.meta.get("user")
        if uid and names.get(uid):
            d.from_name = names[uid]
        elif not d.from_name and uid:
            d.from_name = uid
