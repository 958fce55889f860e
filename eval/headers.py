"""Header agreement (subject, from, date) with the expected outputs shipped in
../shared/corpora/stalwart-mail-parser (JSON parse trees) and ../shared/corpora/mime4j (XML).

stalwart's JSON gives decoded values: subject text, from name + address, date with zone. mime4j's
XML gives the raw header fields as mime4j split them; for those, the expected decoded value is read
from the raw field with the standard library's own decoders (email.header / email.utils), so the
comparison measures our header splitting and decoding against an independent reading.

Usage: python eval/headers.py [--corpora DIR] [--show-diffs]
Prints JSON: {"stalwart": {"subject": acc, "from": acc, "date": acc, "n": ..}, "mime4j": {...}}
"""
from __future__ import annotations

import argparse
import email.header
import email.utils
import glob
import json
import re
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

from lxml import etree

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
from casefile.model import Blob  # noqa: E402
from casefile.ingest.registry import analyze  # noqa: E402


def norm(s):
    if s is None:
        return None
    s = re.sub(r"\s+", " ", str(s)).strip()
    return s or None


def ours(path: Path) -> dict:
    blob = analyze(Blob(name=path.name, data=path.read_bytes()), top_level=True)
    docs = [d for d in blob.documents if d.kind == "email"]
    if not docs and blob.children and blob.type == "application/mbox":
        docs = [d for d in blob.children[0].documents if d.kind == "email"]   # a message saved with its From_ line
    if not docs:
        return {"subject": None, "from": None, "date": None}
    d = docs[0]
    frm = (norm(d.from_name), (d.from_addr or None))
    return {"subject": norm(d.subject), "from": None if frm == (None, None) else frm,
            "date": d.sent_at}


def _stalwart_expected(js: dict) -> dict:
    exp = {"subject": None, "from": None, "date": None}
    for h in js["parts"][0]["headers"]:
        v = h["value"]
        if h["name"] == "subject" and exp["subject"] is None and isinstance(v, dict) and "Text" in v:
            exp["subject"] = norm(v["Text"])
        elif h["name"] == "from" and exp["from"] is None and isinstance(v, dict) and "Address" in v:
            lst = v["Address"].get("List") or []
            if not lst and "Group" in v["Address"]:
                groups = v["Address"]["Group"]
                lst = [a for g in groups for a in (g.get("addresses") or [])]
            if lst:
                a = lst[0]
                exp["from"] = (norm(a.get("name")), (a.get("address") or "").lower() or None)
        elif h["name"] == "date" and exp["date"] is None and isinstance(v, dict) and "DateTime" in v:
            t = v["DateTime"]
            off = timedelta(hours=t["tz_hour"], minutes=t["tz_minute"]) * (-1 if t["tz_before_gmt"] else 1)
            try:
                dt = datetime(t["year"], t["month"], t["day"], t["hour"], t["minute"], t["second"],
                              tzinfo=timezone(off))
                exp["date"] = dt.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
            except ValueError:
                exp["date"] = None
    return exp


def stalwart(root: Path):
    for j in sorted(glob.glob(str(root / "stalwart-mail-parser" / "eml" / "*" / "*.json"))):
        eml = Path(j[:-5] + ".eml")
        if eml.exists():
            yield eml, _stalwart_expected(json.load(open(j, encoding="utf-8")))


def _std_decode(raw: str) -> str:
    try:
        return str(email.header.make_header(email.header.decode_header(raw)))
    except Exception:  # noqa: BLE001
        return raw


def _mime4j_expected(xml: Path) -> dict:
    tree = etree.parse(str(xml), etree.XMLParser(recover=True, resolve_entities=False, no_network=True))
    exp = {"subject": None, "from": None, "date": None}
    header = tree.find("header")
    if header is None:
        return exp
    for f in header.findall("field"):
        raw = (f.text or "").lstrip("\r\n")
        name, _, value = raw.partition(":")
        name = name.strip().lower()
        value = re.sub(r"\r?\n(?=[ \t])", "", value).strip()
        if name == "subject" and exp["subject"] is None:
            exp["subject"] = norm(_std_decode(value))
        elif name == "from" and exp["from"] is None:
            pairs = email.utils.getaddresses([value])
            if pairs and (pairs[0][0] or pairs[0][1]):
                exp["from"] = (norm(_std_decode(pairs[0][0])) if pairs[0][0] else None, pairs[0][1].lower() or None)
        elif name == "date" and exp["date"] is None:
            try:
                dt = email.utils.parsedate_to_datetime(value)
                if dt.tzinfo is None:
                    dt = dt.replace(tzinfo=timezone.utc)
                exp["date"] = dt.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
            except (TypeError, ValueError, IndexError):
                exp["date"] = None
    return exp


def mime4j(root: Path):
    for xml in sorted(glob.glob(str(root / "mime4j" / "*" / "*.xml"))):
        msg = Path(xml[:-4] + ".msg")
        if msg.exists():
            yield msg, _mime4j_expected(Path(xml))


def score(pairs, show=False) -> dict:
    hits = {"subject": 0, "from": 0, "date": 0}
    n = 0
    diffs = []
    for path, exp in pairs:
        got = ours(path)
        n += 1
        for k in hits:
            if got[k] == exp[k]:
                hits[k] += 1
            else:
                diffs.append((path.name, k, exp[k], got[k]))
    if show:
        for d in diffs:
            print("DIFF", *d, file=sys.stderr)
    return {**{k: round(v / n, 4) if n else 0.0 for k, v in hits.items()}, "n": n}


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpora", default=str(Path(__file__).resolve().parent.parent.parent / "shared" / "corpora"))
    ap.add_argument("--show-diffs", action="store_true")
    a = ap.parse_args(argv)
    root = Path(a.corpora)
    result = {"stalwart": score(stalwart(root), a.show_diffs), "mime4j": score(mime4j(root), a.show_diffs)}
    print(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    main()
