"""Render the analysis eval case (case_spec.py) into eval/analysis/inputs/ and write gold.json.

The inputs are committed; this script is how they were made (python eval/analysis/build.py; needs
the test extra for fpdf2, and the DejaVu fonts). The gold says, for every document the ingest
will produce, which message it is (by Message-ID, by printed position in an exhibit, by quote
position inside a message, by position in a chat), which thread each message belongs to, and
which person each address and printed name is.
"""
from __future__ import annotations

import json
import mailbox
import shutil
import sys
from datetime import datetime, timedelta, timezone
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(HERE))

from case_spec import FILES, FORMS, LIST_FOOTER, MESSAGES, PEOPLE  # noqa: E402

BERLIN = timezone(timedelta(hours=2))        # summer time; printed dates are wall time
LONDON = timezone(timedelta(hours=1))
MSG = {m["key"]: m for m in MESSAGES}


def who(ref: str) -> dict:
    if ref in PEOPLE:
        return {"name": PEOPLE[ref]["name"], "addr": PEOPLE[ref]["addr"], "person": ref}
    person, name, addr = FORMS[ref]
    return {"name": name, "addr": addr, "person": person}


def utc(m: dict) -> datetime | None:
    return datetime.fromisoformat(m["date"]).replace(tzinfo=timezone.utc) if m["date"] else None


def local_zone(m: dict) -> timezone:
    return LONDON if who(m["frm"])["person"] in ("oliver", "sarah", "roth") else BERLIN


def fmt_addr(p: dict) -> str:
    from email.headerregistry import Address
    if not p.get("addr"):
        return p["name"]
    user, domain = p["addr"].split("@")
    return str(Address(p["name"], user, domain))


def quote_block(q: dict, lang: str) -> str:
    d = utc(q).astimezone(local_zone(q))
    p = who(q["frm"])
    if lang == "de":
        head = f"Am {d:%d.%m.%Y} um {d:%H:%M} schrieb {p['name']} <{p['addr']}>:"
    else:
        head = f"On {d:%a}, {d:%b} {d.day}, {d.year} at {d.strftime('%I:%M %p').lstrip('0')}, {p['name']} <{p['addr']}> wrote:"
    return head + "\n" + "\n".join("> " + ln if ln else ">" for ln in q["body"].split("\n"))


def forward_block(q: dict) -> str:
    d = utc(q).astimezone(local_zone(q))
    p = who(q["frm"])
    to = ", ".join(f"{who(t)['name']} <{who(t)['addr']}>" for t in q["to"])
    return ("---------- Forwarded message ---------\n"
            f"From: {p['name']} <{p['addr']}>\nDate: {d:%a}, {d.day} {d:%b} {d.year} at {d:%H:%M}\n"
            f"Subject: {q['subject']}\nTo: {to}\n\n{q['body']}")


def email_of(m: dict, variant: str | None) -> EmailMessage:
    e = EmailMessage()
    e["From"] = fmt_addr(who(m["frm"]))
    e["To"] = ", ".join(fmt_addr(who(t)) for t in m["to"])
    if m["cc"]:
        e["Cc"] = ", ".join(fmt_addr(who(t)) for t in m["cc"])
    e["Date"] = format_datetime(utc(m).astimezone(local_zone(m)))
    e["Subject"] = m["subject"]
    e["Message-ID"] = m["other_id"] if variant == "other-id" else m["id"]
    if m["irt"]:
        e["In-Reply-To"] = m["irt"]
    if m["refs"]:
        e["References"] = " ".join(m["refs"])
    body = m["body"]
    lang = "de" if m["subject"].startswith(("AW", "Kapital", "Stimm")) else "en"
    if variant and variant.startswith("quote:"):
        body += "\n\n" + quote_block(MSG[variant[6:]], lang)
    elif variant == "forward":
        body += "\n\n" + forward_block(MSG[m["forward"]])
    elif variant == "footer":
        body += LIST_FOOTER
    e.set_content(body + "\n")
    return e


def exhibit_msg(m: dict, form: str | None) -> dict:
    p = who(form or m["frm"])
    d = utc(m).astimezone(BERLIN).replace(tzinfo=None) if m["date"] else None
    return {"from": {"name": p["name"], "addr": p["addr"] or "unknown@example.invalid"},
            "to": [{"name": who(t)["name"], "addr": who(t)["addr"]} for t in m["to"]],
            "cc": [{"name": who(t)["name"], "addr": who(t)["addr"]} for t in m["cc"]],
            "date": d, "subject": m["subject"], "body": m["body"]}


def build(out: Path) -> dict:
    import make_exhibits as mx
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    gold = {"messages": {m["key"]: {"thread": m["thread"]} for m in MESSAGES}, "by_message_id": {},
            "printed": {}, "quotes": {}, "chat": {}, "people": {"addresses": {}, "names": {}}}
    for m in MESSAGES:
        if m["id"]:
            gold["by_message_id"][m["id"]] = m["key"]
        if m.get("other_id"):
            gold["by_message_id"][m["other_id"]] = m["key"]

    def person_seen(p: dict) -> None:
        if p.get("addr"):
            gold["people"]["addresses"][p["addr"].lower()] = p["person"]
        else:
            gold["people"]["names"][p["name"]] = p["person"]

    for f in FILES:
        path = out / f["file"]
        path.parent.mkdir(parents=True, exist_ok=True)
        if f["form"] in ("mbox", "eml"):
            emails = []
            for key, variant in f["items"]:
                m = MSG[key]
                emails.append(email_of(m, variant))
                for ref in [m["frm"]] + m["to"] + m["cc"]:
                    person_seen(who(ref))
                if variant and variant.startswith("quote:"):
                    gold["quotes"].setdefault(key, {})["1"] = variant[6:]
                    person_seen(who(MSG[variant[6:]]["frm"]))
                if variant == "forward":
                    gold["quotes"].setdefault(key, {})["1"] = m["forward"]
            if f["form"] == "eml":
                path.write_bytes(bytes(emails[0]))
            else:
                box = mailbox.mbox(str(path), create=True)
                for (key, _), e in zip(f["items"], emails):
                    mm = mailbox.mboxMessage(e)
                    mm.set_from(who(MSG[key]["frm"])["addr"], utc(MSG[key]).timetuple())   # not today's date
                    box.add(mm)
                box.flush()
                box.close()
        elif f["form"] in ("pdf", "scan", "text"):
            msgs = [exhibit_msg(MSG[k], form) for k, form in f["chain"]]
            name = Path(f["file"]).name
            gold["printed"][name] = {str(i): k for i, (k, _) in enumerate(f["chain"], 1)}
            for (k, form), em in zip(f["chain"], msgs):
                p = who(form or MSG[k]["frm"])
                printed_addr = f["layout"] not in ("outlook-de",) and not (f["layout"] in ("outlook", "original-message")
                                                                          and em is msgs[0])
                person_seen({**p, "addr": p["addr"] if printed_addr else None})
            if f["layout"] == "undated":
                m = msgs[0]
                path.write_text(f"From: {m['from']['name']}\nTo: {', '.join(p['name'] for p in m['to'])}\n"
                                f"Subject: {m['subject']}\n\n{m['body']}\n", encoding="utf-8")
            elif f["form"] == "text":
                mx.write_text(msgs, f["layout"], path)
            else:
                born = path if f["form"] == "pdf" else path.with_suffix(".tmp.pdf")
                mx.write_pdf(msgs, f["layout"], born, f["bates"], "B")
                if f["form"] == "scan":
                    mx.scan(born, path, seed=7)
                    born.unlink()
        elif f["form"] == "whatsapp":
            lines = []
            gold["chat"][Path(f["file"]).name] = {}
            for n, (key, date, name, text) in enumerate(f["lines"], 1):
                d = datetime.fromisoformat(date).replace(tzinfo=timezone.utc).astimezone(BERLIN)
                lines.append(f"{d:%d.%m.%y, %H:%M} - {name}: {text}")
                gold["chat"][Path(f["file"]).name][str(n)] = key
                gold["messages"][key] = {"thread": "chat"}
                gold["people"]["names"][name] = "jana" if name.startswith("Jana") else "felix"
            path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return gold


if __name__ == "__main__":
    g = build(HERE / "inputs")
    (HERE / "gold.json").write_text(json.dumps(g, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {len(list((HERE / 'inputs').rglob('*.*')))} files and gold.json", file=sys.stderr)
