"""The analysis stage: reads the documents' headers and features from the store, runs the pure
analyses (people, then duplicates, then threads) and writes what they derive, in one transaction.

The derived tables are rewritten whole, so the result depends only on the documents and the
user's decisions, never on the order files arrived in; a killed analysis leaves the previous
result in place and the next run redoes it. When neither the documents nor the decisions changed
since the last analysis, nothing is done.
"""
from __future__ import annotations

import json
import time
from collections import Counter, defaultdict
from types import MappingProxyType

import numpy as np

from ..store.sqlite import _Tx, now_iso
from . import dedupe, people, threads
from .dedupe import Msg
from .features import PERMUTATIONS, add_features, add_sketches

MESSAGE_KINDS = ("email", "outlook-item", "printed-email", "quoted-email")
THREAD_KINDS = MESSAGE_KINDS + ("chat",)
STATE_KEY = "analysis_state"
BULK_INDEXES = (("thread_members_thread", "thread_members(thread_id)"), ("doc_people_person", "doc_people(person_id)"),
                ("duplicates_group", "duplicates(group_id)"))


def state(db) -> str:
    n, top = db.execute("SELECT COUNT(*), MAX(rowid) FROM documents").fetchone()
    d, dtop = db.execute("SELECT COUNT(*), MAX(id) FROM person_decisions").fetchone()
    return f"{n}:{top}:{d}:{dtop}:v1"


def run(db, force: bool = False) -> dict | None:
    """Analyse the case in `db` (a sqlite3 connection). Returns a summary, or None when the case
    has not changed since the last analysis."""
    t0 = time.monotonic()
    current = state(db)
    row = db.execute("SELECT value FROM meta WHERE key=?", (STATE_KEY,)).fetchone()
    if row and row[0] == current and not force:
        return None
    _backfill_features(db)
    msgs, mentions, doc_orgs, sketches = _load(db)
    decisions = load_decisions(db)
    persons, by_mention = people.resolve(mentions, decisions)
    roles: dict[str, list[tuple[str, str]]] = {}            # doc -> [(role, person)], in header order
    pairs: dict = {}                                       # each (role, person) and recipient tuple kept once
    one = pairs.setdefault
    for m, pid in zip(mentions, by_mention):
        if pid is None:
            continue
        lst = roles.setdefault(m.doc_id, [])
        pair = one((m.role, pid), (m.role, pid))
        if pair not in lst:
            lst.append(pair)
    for m in msgs:
        r = roles.get(m.id)
        if r:
            m.sender = next((pid for role, pid in r if role == "from"), None)
            recipients = tuple(pid for role, pid in r if role != "from")
            m.recipients = one(recipients, recipients)
    del pairs
    del by_mention, mentions            # the people are resolved: free the mentions
    copies = dedupe.group(msgs, sketches)
    del sketches                         # 256 bytes a message, not needed by the threading
    canon_of = {c.doc_id: c.group_id for c in copies}
    others = {c.doc_id for c in copies if not c.canonical}
    by_id = {m.id: m for m in msgs if m.id in others}        # the non-canonical copies only
    alt_ids: dict[str, list[str]] = defaultdict(list)
    alt_refs: dict[str, list[str]] = defaultdict(list)
    for c in copies:
        if not c.canonical:
            m = by_id[c.doc_id]
            if m.message_id:
                alt_ids[c.group_id].append(m.message_id)
            alt_refs[c.group_id].extend([*m.refs, *([m.in_reply_to] if m.in_reply_to else [])])
    del by_id, others
    threadable = [m for m in msgs if m.kind in THREAD_KINDS]
    canonical = [m for m in threadable if canon_of.get(m.id, m.id) == m.id]
    members, thread_list = threads.build(canonical, alt_ids, alt_refs, threadable, canon_of)
    sig_orgs: dict[str, Counter] = defaultdict(Counter)     # person -> companies in their signatures
    for doc, org in doc_orgs.items():
        sender = next((pid for role, pid in roles.get(doc, ()) if role == "from"), None)
        if sender:
            sig_orgs[sender][org] += 1
    orgs = people.organisations(persons, sig_orgs)
    with _Tx(db):
        for t in ("duplicates", "threads", "thread_members", "people", "aliases", "doc_people", "organisations"):
            db.execute(f"DELETE FROM {t}")
        for name, _ in BULK_INDEXES:
            db.execute(f"DROP INDEX IF EXISTS {name}")       # rebuilt once below: 2x faster than kept
        db.executemany("INSERT INTO duplicates VALUES (?,?,?,?,?)",
                       ((c.doc_id, c.group_id, int(c.canonical), c.reason, c.score) for c in copies))
        db.executemany("INSERT INTO threads VALUES (?,?,?,?,?,?,?)",
                       [(t.id, t.root_id, t.subject, t.first_at, t.last_at, t.messages, t.ghosts) for t in thread_list])
        db.executemany("INSERT INTO thread_members VALUES (?,?,?,?,?,?)",
                       ((m.doc_id, m.thread_id, m.parent_id, m.parent_message_id, m.reason, m.confidence)
                        for m in members))
        db.executemany("INSERT INTO people VALUES (?,?,?,?,?,?,?)",
                       [(p.id, p.name, p.org, p.anchor, p.sent, p.received, int(p.renamed)) for p in persons])
        db.executemany("INSERT OR IGNORE INTO aliases VALUES (?,?,?,?,?,?,?,?,?)",
                       [(a.key, p.id, a.kind, a.value, a.confidence, a.origin, a.reason, a.seen, a.first_doc)
                        for p in persons for a in p.aliases])
        db.executemany("INSERT OR IGNORE INTO doc_people VALUES (?,?,?)",
                       ((doc, role, pid) for doc, rs in roles.items() for role, pid in rs))
        db.executemany("INSERT INTO organisations VALUES (?,?,?)",
                       [(o["id"], o["name"], json.dumps(o["domains"])) for o in orgs.values()])
        for name, sql in BULK_INDEXES:
            db.execute(f"CREATE INDEX {name} ON {sql}")
        db.execute("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value=excluded.value",
                   (STATE_KEY, current))
    groups = {c.group_id for c in copies}
    return {
        "documents": len(msgs), "duplicate_groups": len(groups),
        "duplicates": len(copies) - len(groups), "threads": len(thread_list),
        "threaded_messages": len(members), "people": len(persons), "organisations": len(orgs),
        "seconds": round(time.monotonic() - t0, 2),
    }


BACKFILL_BATCH = 2000


def _backfill_features(db) -> None:
    """Documents ingested before features existed (schema < 4) get them now, from their text,
    2,000 at a time (a case of a million old documents is not read into memory at once)."""
    from ..ingest.documents import own_text
    from ..ingest.records import DocRecord
    last = ""
    while True:
        rows = db.execute("SELECT id, kind, text FROM documents WHERE words IS NULL AND kind != 'chat' AND id > ?"
                          " ORDER BY id LIMIT ?", (last, BACKFILL_BATCH)).fetchall()
        if not rows:
            return
        docs = []
        for did, kind, text in rows:
            d = DocRecord(kind=kind, text=text or "")
            add_features(d, own_text(d.text) if kind == "email" else d.text, defer_sketch=True)
            docs.append((did, d))
        add_sketches([d for _, d in docs])
        with _Tx(db):
            db.executemany("UPDATE documents SET sketch=?, words=?, greeting=?, closing=? WHERE id=?",
                           [(d.sketch, d.words, d.greeting, d.closing, did) for did, d in docs])
        last = rows[-1][0]


_PEOPLE_SQL = ("(SELECT group_concat(coalesce(json_extract(value, '$.name'), '') || char(31) ||"
               " coalesce(json_extract(value, '$.addr'), ''), char(30)) FROM json_each({}))")
_LOAD_SQL = (
    "SELECT id, kind, source_id, locator, message_id, in_reply_to,"
    " (SELECT group_concat(value, char(31)) FROM json_each(refs)), subject, from_name, from_addr, "
    + ", ".join(_PEOPLE_SQL.format(c) for c in ("to_json", "cc_json", "bcc_json"))
    + ", sent_at, date_flag, sketch, words, greeting, closing, derived_from,"
    " CASE WHEN kind='chat' THEN meta END, signature_org FROM documents ORDER BY id")
"""SQLite unpacks the JSON lists (references, recipients) into delimited strings: 5x faster than
json.loads per row on the 100k benchmark."""


def _people(packed: str | None) -> list[tuple[str | None, str | None]]:
    if not packed:
        return []
    out = []
    for item in packed.split("\x1e"):
        name, _, addr = item.partition("\x1f")
        if name or addr:
            out.append((name or None, addr or None))
    return out


_NO_META = MappingProxyType({})
_NO_REFS: tuple = ()


def _load(db) -> tuple[list[Msg], list[people.Mention], dict[str, str], tuple[list[int], np.ndarray]]:
    """The documents as `Msg`s, every name/address mention for the people resolution, the
    company named in each message's signature, and the MinHash sketches as one array (with the
    positions of the messages that have one).

    Memory: the same names, addresses and subjects recur across a case and are kept once; the
    sketches go straight into one buffer instead of a bytes object per message; a message
    without references or metadata shares one empty value (1.1M messages: see bench/README.md)."""
    msgs: list[Msg] = []
    mentions: list[people.Mention] = []
    signature_orgs: dict[str, str] = {}
    Mention = people.Mention
    seen: dict = {}
    one = seen.setdefault
    have: list[int] = []
    buf = bytearray()
    width = PERMUTATIONS * 4
    for (did, kind, sid, loc, mid, irt, refs, subj, fname, faddr, to, cc, bcc, sent, flag, sk, words, greet, close,
         derived, meta, sig_org) in db.execute(_LOAD_SQL):
        if fname is not None:
            fname = one(fname, fname)
        if faddr is not None:
            faddr = one(faddr, faddr)
        if subj is not None:
            subj = one(subj, subj)
        if sk is not None and len(sk) == width:
            have.append(len(msgs))
            buf += sk
        msgs.append(Msg(id=did, kind=kind, message_id=mid, in_reply_to=irt,
                        refs=refs.split("\x1f") if refs else _NO_REFS,
                        subject=subj, from_name=fname, from_addr=faddr, sent_at=sent, date_flag=flag,
                        words=words or 0, derived_from=derived, source_id=sid, locator=loc or "",
                        meta=json.loads(meta) if meta else _NO_META))
        if kind not in THREAD_KINDS and kind != "docx":
            continue
        if fname or faddr:
            mentions.append(Mention(did, "from", fname, faddr))
        for role, packed in (("to", to), ("cc", cc), ("bcc", bcc)):
            if packed:
                for name, addr in _people(packed):
                    mentions.append(Mention(did, role, one(name, name) if name else name,
                                            one(addr, addr) if addr else addr))
        if greet:
            mentions.append(Mention(did, "greeting", greet, None, "to"))
        if close:
            mentions.append(Mention(did, "closing", close, None, "from"))
        if sig_org:
            signature_orgs[did] = sig_org
    sigs = np.frombuffer(buf, dtype=np.uint32).reshape(len(have), PERMUTATIONS)
    return msgs, mentions, signature_orgs, (have, sigs)


def load_decisions(db) -> list[people.Decision]:
    out = []
    for op, args in db.execute("SELECT op, args FROM person_decisions ORDER BY id"):
        a = json.loads(args)
        out.append(people.Decision(op, a.get("keys", []), a.get("name")))
    return out


def record_decision(db, op: str, keys: list[str], name: str | None = None) -> None:
    with _Tx(db):
        db.execute("INSERT INTO person_decisions (op, args, made_at) VALUES (?,?,?)",
                   (op, json.dumps({"keys": keys, "name": name}, ensure_ascii=False), now_iso()))
