"""Reading the analysis back: people with their aliases, threads as conversations, the
correspondence graph, and the user's decisions about people. `Case` wraps these."""
from __future__ import annotations

import csv
import io
import re
from xml.sax.saxutils import escape, quoteattr

from ..errors import UserError
from . import stage
from .people import addr_key, parse_name, fold


# ---------------------------------------------------------------- people
def people(db, limit: int | None = None) -> list[dict]:
    aliases: dict[str, list[dict]] = {}
    for r in db.execute("SELECT * FROM aliases ORDER BY person_id, seen DESC, key"):
        aliases.setdefault(r["person_id"], []).append({
            "key": r["key"], "kind": r["kind"], "value": r["value"], "confidence": r["confidence"],
            "origin": r["origin"], "reason": r["reason"], "seen": r["seen"], "first_seen_in": r["first_doc"]})
    out = []
    sql = "SELECT * FROM people ORDER BY sent + received DESC, name, id" + (f" LIMIT {int(limit)}" if limit else "")
    for p in db.execute(sql):
        out.append({"id": p["id"], "name": p["name"], "organisation": p["org"], "sent": p["sent"],
                    "received": p["received"], "renamed_by_user": bool(p["renamed"]),
                    "aliases": aliases.get(p["id"], [])})
    return out


def find_person(db, ref: str) -> str:
    """A person id from an id (or its start), an address or a name the person was seen under."""
    ref = (ref or "").strip()
    if not ref:
        raise UserError("Name a person: an id from 'casefile people', an address or a name.")
    rows = db.execute("SELECT id FROM people WHERE id LIKE ?", (ref + "%",)).fetchall() if ref.startswith("p") else []
    if len(rows) == 1:
        return rows[0][0]
    keys = []
    a = addr_key(ref)
    if a:
        keys.append(f"a:{a}")
    n = parse_name(ref)
    if n:
        keys.append(f"n:{n.key}")
    keys += [f"s:{fold(ref)}"]
    found = {r[0] for k in keys for r in db.execute("SELECT person_id FROM aliases WHERE key=?", (k,))}
    if not found:
        found = {r[0] for r in db.execute("SELECT id FROM people WHERE name = ? COLLATE NOCASE", (ref,))}
    if len(found) == 1:
        return found.pop()
    if not found:
        raise UserError(f"No person in this case is known as '{ref}'; 'casefile people' lists them.")
    raise UserError(f"'{ref}' names more than one person ({', '.join(sorted(found))}); use the id.")


MAX_FORMS = 200
"""At most this many names and addresses stand for one filter value (a name shared by many)."""


def name_index(db) -> dict[str, set[str]]:
    """Each folded word of a person's name and aliases -> the people it belongs to (built once and
    kept by the caller: person_forms looks words up in it)."""
    out: dict[str, set[str]] = {}
    for pid, value in db.execute("SELECT person_id, value FROM aliases UNION ALL SELECT id, name FROM people"):
        for w in set(re.findall(r"\w+", fold(value or ""))):
            out.setdefault(w, set()).add(pid)
    return out


def person_forms(db, ref: str, index: dict[str, set[str]] | None = None) -> list[str]:
    """What a --from/--to filter value stands for: the value itself, and every name and address of
    each person it names — by id, or when all its words are among the words of the person's name
    or aliases ("epstein" for the person also seen as "jeffrey E." and <jeevacation@…>;
    "Ghislaine Maxwell" after a rename). Header text alone would miss them."""
    ref = (ref or "").strip()
    if not ref:
        return []
    want = set(re.findall(r"\w+", fold(ref)))
    pids = {r[0] for r in db.execute("SELECT id FROM people WHERE id = ?", (ref,))}
    if not pids and want:
        index = index if index is not None else name_index(db)
        sets = [index.get(w, set()) for w in want]
        pids = set.intersection(*sets) if sets else set()
    forms = [ref]
    for pid in sorted(pids):
        for (value,) in db.execute("SELECT value FROM aliases WHERE person_id = ? AND kind IN ('name', 'address') "
                                   "ORDER BY seen DESC", (pid,)):
            if value and value not in forms:
                forms.append(value)
    return forms[:MAX_FORMS]


def _anchor(db, pid: str) -> str:
    return db.execute("SELECT anchor FROM people WHERE id=?", (pid,)).fetchone()[0]


def merge(db, refs: list[str]) -> str:
    """Make several people one; returns the id of the merged person."""
    pids = list(dict.fromkeys(find_person(db, r) for r in refs))
    if len(pids) < 2:
        raise UserError("Give at least two different people to merge.")
    anchors = [_anchor(db, p) for p in pids]
    stage.record_decision(db, "merge", anchors)
    stage.run(db, force=True)
    return _owner(db, anchors[0], pids[0])


def _owner(db, key: str, default: str) -> str:
    row = db.execute("SELECT person_id FROM aliases WHERE key=?", (key,)).fetchone()
    return row[0] if row else default


def split(db, ref: str, alias_values: list[str]) -> str:
    """Move the named aliases of a person out into a person of their own."""
    pid = find_person(db, ref)
    mine = {r["key"]: r for r in db.execute("SELECT * FROM aliases WHERE person_id=?", (pid,))}
    keys = []
    for v in alias_values:
        cands = [k for k, r in mine.items() if k[0] in "an" and (r["value"].casefold() == v.strip().casefold() or k[2:] == v.strip().casefold()
                 or k == f"a:{addr_key(v) or ''}" or (parse_name(v) and k == f"n:{parse_name(v).key}"))]
        if not cands:
            raise UserError(f"'{v}' is not a name or address of {pid}; 'casefile people --json' lists them.")
        keys.extend(cands)
    if len(set(keys)) >= len(mine):
        raise UserError("That would leave nothing behind; split off fewer aliases.")
    stage.record_decision(db, "split", sorted(set(keys)))
    stage.run(db, force=True)
    return _owner(db, keys[0], pid)


def rename(db, ref: str, name: str) -> str:
    """Give a person the name the user knows them by; it survives every later run."""
    name = (name or "").strip()
    if not name:
        raise UserError("Give the new name.")
    pid = find_person(db, ref)
    anchor = _anchor(db, pid)
    stage.record_decision(db, "rename", [anchor], name)
    stage.run(db, force=True)
    return _owner(db, anchor, pid)


def graph(db, fmt: str = "graphml") -> str:
    """The correspondence graph: people as nodes, 'wrote to' edges weighted by the number of
    distinct messages (each duplicate group counts once)."""
    nodes = list(db.execute("SELECT id, name, org, sent, received FROM people ORDER BY id"))
    edges = list(db.execute(
        "SELECT s.person_id AS src, r.person_id AS dst, COUNT(DISTINCT COALESCE(x.group_id, s.doc_id)) AS n,"
        " MIN(d.sent_at) AS first, MAX(d.sent_at) AS last"
        " FROM doc_people s JOIN doc_people r ON r.doc_id = s.doc_id AND r.role IN ('to', 'cc', 'bcc')"
        " JOIN documents d ON d.id = s.doc_id LEFT JOIN duplicates x ON x.doc_id = s.doc_id"
        " WHERE s.role = 'from' AND s.person_id != r.person_id GROUP BY 1, 2 ORDER BY 1, 2"))
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf)
        w.writerow(["source", "source_name", "target", "target_name", "messages", "first", "last"])
        names = {n["id"]: n["name"] for n in nodes}
        for e in edges:
            w.writerow([e["src"], names.get(e["src"]), e["dst"], names.get(e["dst"]), e["n"], e["first"], e["last"]])
        return buf.getvalue()
    if fmt != "graphml":
        raise UserError(f"Unknown graph format '{fmt}'; use graphml or csv.")
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<graphml xmlns="http://graphml.graphdrawing.org/xmlns">',
             '  <key id="name" for="node" attr.name="name" attr.type="string"/>',
             '  <key id="org" for="node" attr.name="organisation" attr.type="string"/>',
             '  <key id="sent" for="node" attr.name="sent" attr.type="int"/>',
             '  <key id="received" for="node" attr.name="received" attr.type="int"/>',
             '  <key id="messages" for="edge" attr.name="messages" attr.type="int"/>',
             '  <key id="first" for="edge" attr.name="first" attr.type="string"/>',
             '  <key id="last" for="edge" attr.name="last" attr.type="string"/>',
             '  <graph id="correspondence" edgedefault="directed">']
    for n in nodes:
        lines.append(f'    <node id={quoteattr(n["id"])}><data key="name">{escape(n["name"] or "")}</data>'
                     f'<data key="org">{escape(n["org"] or "")}</data><data key="sent">{n["sent"]}</data>'
                     f'<data key="received">{n["received"]}</data></node>')
    for i, e in enumerate(edges):
        lines.append(f'    <edge id="e{i}" source={quoteattr(e["src"])} target={quoteattr(e["dst"])}>'
                     f'<data key="messages">{e["n"]}</data><data key="first">{escape(e["first"] or "")}</data>'
                     f'<data key="last">{escape(e["last"] or "")}</data></edge>')
    lines += ["  </graph>", "</graphml>", ""]
    return "\n".join(lines)


# ---------------------------------------------------------------- threads
def threads(db, limit: int | None = None, offset: int = 0, min_messages: int = 1) -> list[dict]:
    sql = ("SELECT * FROM threads WHERE messages >= ? ORDER BY first_at IS NULL, first_at, id"
           + (f" LIMIT {int(limit)} OFFSET {int(offset)}" if limit else ""))
    rows = db.execute(sql, (min_messages,)).fetchall()
    senders: dict[str, list[str]] = {}
    for i in range(0, len(rows), 500):                  # one query per 500 threads, not one per thread
        ids = [t["id"] for t in rows[i:i + 500]]
        marks = ",".join("?" * len(ids))
        for tid, pid in db.execute(
                "SELECT DISTINCT tm.thread_id, dp.person_id FROM thread_members tm JOIN doc_people dp"
                f" ON dp.doc_id = tm.doc_id WHERE tm.thread_id IN ({marks}) AND dp.role='from'"
                " ORDER BY dp.person_id", ids):
            senders.setdefault(tid, []).append(pid)
    return [{"id": t["id"], "subject": t["subject"], "first_at": t["first_at"], "last_at": t["last_at"],
             "messages": t["messages"], "ghost_parents": t["ghosts"], "root": t["root_id"],
             "senders": senders.get(t["id"], [])} for t in rows]


def thread(db, ref: str) -> dict:
    """One thread as a conversation: its messages in reply order (depth-first, oldest first), each
    with its parent link, the reason and confidence of that link, and its copies."""
    ref = (ref or "").strip()
    rows = db.execute("SELECT * FROM threads WHERE id LIKE ? LIMIT 2", (ref + "%",)).fetchall() if ref else []
    if not rows:                                       # a document id: its thread
        hit = db.execute("SELECT tm.thread_id FROM documents d LEFT JOIN duplicates x ON x.doc_id=d.id"
                         " JOIN thread_members tm ON tm.doc_id = COALESCE(x.group_id, d.id) WHERE d.id LIKE ? LIMIT 2",
                         (ref + "%",)).fetchall() if ref else []
        if len(hit) == 1:
            rows = db.execute("SELECT * FROM threads WHERE id=?", (hit[0][0],)).fetchall()
    if not rows:
        raise UserError(f"There is no thread '{ref}' in this case; 'casefile threads' lists them.")
    if len(rows) > 1:
        raise UserError(f"'{ref}' matches more than one thread; give more of its id.")
    t = rows[0]
    msgs = {r["doc_id"]: dict(r) for r in db.execute(
        "SELECT tm.doc_id, tm.parent_id, tm.parent_message_id, tm.reason, tm.confidence, d.kind, d.subject,"
        " d.from_name, d.from_addr, d.sent_at, d.date_flag, d.text, d.message_id, p.name AS person"
        " FROM thread_members tm JOIN documents d ON d.id = tm.doc_id"
        " LEFT JOIN doc_people dp ON dp.doc_id = d.id AND dp.role='from' LEFT JOIN people p ON p.id = dp.person_id"
        " WHERE tm.thread_id=?", (t["id"],))}
    copies: dict[str, list[dict]] = {}
    for r in db.execute("SELECT x.group_id, x.doc_id, x.reason, d.kind FROM duplicates x JOIN documents d"
                        " ON d.id = x.doc_id WHERE x.group_id IN (SELECT doc_id FROM thread_members WHERE thread_id=?)"
                        " AND x.canonical = 0", (t["id"],)):
        copies.setdefault(r["group_id"], []).append({"id": r["doc_id"], "kind": r["kind"], "reason": r["reason"]})
    children: dict[str | None, list[str]] = {}
    for did, m in msgs.items():
        par = m["parent_id"] if m["parent_id"] in msgs else None
        children.setdefault(par, []).append(did)
    for v in children.values():
        v.sort(key=lambda d: (msgs[d]["sent_at"] or "9999", d))
    order: list[tuple[str, int]] = []
    stack = [(d, 0) for d in reversed(children.get(None, []))]
    seen = set()
    while stack:
        did, depth = stack.pop()
        if did in seen:
            continue
        seen.add(did)
        order.append((did, depth))
        stack.extend((c, depth + 1) for c in reversed(children.get(did, [])))
    out = []
    for did, depth in order:
        m = msgs[did]
        out.append({"id": did, "depth": depth, "kind": m["kind"], "parent_id": m["parent_id"],
                    "parent_message_id": m["parent_message_id"], "link_reason": m["reason"],
                    "link_confidence": m["confidence"], "from": {"name": m["from_name"], "addr": m["from_addr"],
                                                                  "person": m["person"]},
                    "sent_at": m["sent_at"], "date_flag": m["date_flag"], "subject": m["subject"],
                    "message_id": m["message_id"], "text": m["text"] or "", "copies": copies.get(did, [])})
    return {"id": t["id"], "subject": t["subject"], "first_at": t["first_at"], "last_at": t["last_at"],
            "messages": out, "ghost_parents": t["ghosts"]}


def copies_of(db, doc_id: str) -> list[dict]:
    """Every copy in a document's duplicate group, with why it is there."""
    row = db.execute("SELECT group_id FROM duplicates WHERE doc_id=?", (doc_id,)).fetchone()
    if not row:
        return []
    return [dict(r) for r in db.execute(
        "SELECT x.doc_id AS id, d.kind, x.canonical, x.reason, x.score FROM duplicates x JOIN documents d"
        " ON d.id = x.doc_id WHERE x.group_id=? ORDER BY x.canonical DESC, d.kind, x.doc_id", (row[0],))]


def duplicate_groups(db, ids) -> dict[str, str]:
    """{document id: its duplicate group} for those of `ids` that have copies (search results
    list each message once by it)."""
    ids = list(ids)
    out: dict[str, str] = {}
    for a in range(0, len(ids), 500):
        chunk = ids[a:a + 500]
        out.update(db.execute(f"SELECT doc_id, group_id FROM duplicates WHERE doc_id IN ({','.join('?' * len(chunk))})",
                              chunk))
    return out
