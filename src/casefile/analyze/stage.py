"""The analysis stage: reads the documents' headers and features from the store, runs the pure
analyses (people, then duplicates, then threads) and writes what they derive, in one transaction.

The derived tables are rewritten whole, so the result depends only on the documents and the
user's decisions, never on the order files arrived in; a killed analysis leaves the previous
result in place and the next run redoes it. When neither the documents nor the decisions changed
since the last analysis, nothing is done.
"""
from __future__ import annotations

import ctypes
import json
import time
from array import array
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np

from ..model import MESSAGE_KINDS, PRINTED_KINDS
from ..store.sqlite import Transaction, now_iso
from . import dedupe, people, threads
from .features import PERMUTATIONS, add_features, add_sketches
from .messages import MessageTable, SqlMidNumbers, Strings
from .sketches import SketchFile

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
    _malloc_setup()
    db.execute("PRAGMA shrink_memory")        # the ingest before filled the page cache (64 MB)
    _trim()
    mids = None
    cache = db.execute("PRAGMA cache_size").fetchone()[0]
    with SketchFile(_folder(db)) as sketches:
        try:
            db.execute(f"PRAGMA cache_size={ANALYSIS_CACHE_KIB}")
            own = not db.in_transaction       # (inside a caller's transaction its snapshot is the one)
            if own:
                db.execute("BEGIN")           # one snapshot for the numbering and the reading
            try:
                mids = SqlMidNumbers(db)
                loaded = _load(db, mids, sketches)
            finally:
                if own:
                    db.execute("COMMIT")
            return _analyse(db, current, t0, *loaded)
        finally:
            if mids is not None:
                mids.close()
            db.execute("DROP TABLE IF EXISTS temp.analysis_threads")
            db.execute(f"PRAGMA cache_size={cache}")
            db.execute("PRAGMA shrink_memory")


ANALYSIS_CACHE_KIB = -8192
"""SQLite's page cache during the analysis. The documents are read once, in order, and the derived
tables are written in document order: a bigger cache only adds to the memory. The store's 64 MB
filled up during the read of a 1.1M-message case, and again while the derived tables were written
and indexed (the index sorter may also hold as much as the cache), which made the write the
analysis's peak: 542 MB."""


def _folder(db) -> str | None:
    """The case folder (the temporary sketch file goes there: it grows with the case)."""
    for _, name, path in db.execute("PRAGMA database_list"):
        if name == "main" and path:
            return str(Path(path).parent)
    return None


MMAP_THRESHOLD = 256 * 1024
"""Arrays from 256 KB up get their own mapping, given back when freed. glibc raises this threshold
to the size of each freed array (up to 32 MB), after which the per-band arrays of a big case come
from the heap and stay with the process: the duplicates phase of 1.1M messages grew RSS by twice
what it held."""
_M_MMAP_THRESHOLD = -3


def _libc():
    try:
        return ctypes.CDLL("libc.so.6")
    except OSError:                    # not glibc: nothing to tune
        return None


def _malloc_setup() -> None:
    """Fix glibc's mmap threshold (for the whole process: a web server that analyses keeps it)."""
    libc = _libc()
    if libc is not None and hasattr(libc, "mallopt"):
        libc.mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD)


def _trim() -> None:
    """Give memory freed by a phase back to the system (glibc keeps freed heap otherwise: after the
    duplicates 100 MB stayed with the process)."""
    libc = _libc()
    if libc is not None and hasattr(libc, "malloc_trim"):
        libc.malloc_trim(0)


def _analyse(db, current: str, t0: float, table: MessageTable, tally: people.Tally, said: "Said",
             sketches: tuple[np.ndarray, SketchFile]) -> dict:
    """People, then duplicates, then threads over the loaded case; then the derived tables are
    rewritten in one transaction."""
    _trim()
    persons, pid_of = people.resolve_tally(tally, load_decisions(db))
    del tally
    pid_of_pair = [pid_of.get(pair) for pair in said.pairs.values]
    for i, pairs in said.by_document(pid_of_pair):
        sender = next((pid for role, pid in pairs if role == "from"), None)
        table.set_people(i, sender, tuple(pid for role, pid in pairs if role != "from"))
    copies = dedupe.group(table, sketches)
    del sketches
    _trim()
    canon = np.arange(len(table), dtype=np.int32)            # each row's canonical row
    group_row: dict[str, int] = {}
    for c in copies:
        if c.group_id not in group_row:
            group_row[c.group_id] = table.index_of(c.group_id)
        canon[table.index_of(c.doc_id)] = group_row[c.group_id]
    alt_ids: dict[int, list[int]] = defaultdict(list)
    alt_refs: dict[int, list[int]] = defaultdict(list)
    for c in copies:
        if not c.canonical:
            i = table.index_of(c.doc_id)
            g = int(canon[i])
            if table.mid[i]:
                alt_ids[g].append(int(table.mid[i]))
            alt_refs[g].extend([*table.ref_codes(i), *([int(table.irt[i])] if table.irt[i] else [])])
    threadable = np.flatnonzero(np.isin(table.kind, table.kind_codes(THREAD_KINDS)))
    canonical = threadable[canon[threadable] == threadable]
    db.execute("CREATE TEMP TABLE IF NOT EXISTS analysis_threads AS SELECT * FROM threads WHERE 0")
    db.execute("DELETE FROM temp.analysis_threads")

    def keep(batch: list[threads.Thread]) -> None:        # the threads wait in a temporary table
        db.executemany("INSERT INTO temp.analysis_threads VALUES (?,?,?,?,?,?,?)",
                       [(t.id, t.root_id, t.subject, t.first_at, t.last_at, t.messages, t.ghosts) for t in batch])

    threading = threads.thread(table, canonical, alt_ids, alt_refs, threadable, canon, sink=keep)
    del alt_ids, alt_refs, canon
    _trim()
    sig_orgs: dict[str, Counter] = defaultdict(Counter)     # person -> companies in their signatures
    for i, org in said.signature_orgs.items():
        sender = table.str(table.sender, i)
        if sender:
            sig_orgs[sender][org] += 1
    orgs = people.organisations(persons, sig_orgs)
    with Transaction(db):
        for t in ("duplicates", "threads", "thread_members", "people", "aliases", "doc_people", "organisations"):
            db.execute(f"DELETE FROM {t}")
        for name, _ in BULK_INDEXES:
            db.execute(f"DROP INDEX IF EXISTS {name}")       # rebuilt once below: 2x faster than kept
        db.executemany("INSERT INTO duplicates VALUES (?,?,?,?,?)",
                       ((c.doc_id, c.group_id, int(c.canonical), c.reason, c.score) for c in copies))
        db.execute("INSERT INTO threads SELECT * FROM temp.analysis_threads")
        db.executemany("INSERT INTO thread_members VALUES (?,?,?,?,?,?)",
                       ((m.doc_id, m.thread_id, m.parent_id, m.parent_message_id, m.reason, m.confidence)
                        for m in threading.members()))
        db.executemany("INSERT INTO people VALUES (?,?,?,?,?,?,?)",
                       [(p.id, p.name, p.org, p.anchor, p.sent, p.received, int(p.renamed)) for p in persons])
        db.executemany("INSERT OR IGNORE INTO aliases VALUES (?,?,?,?,?,?,?,?,?)",
                       [(a.key, p.id, a.kind, a.value, a.confidence, a.origin, a.reason, a.seen, a.first_doc)
                        for p in persons for a in p.aliases])
        db.executemany("INSERT OR IGNORE INTO doc_people VALUES (?,?,?)",
                       ((table.doc_id(i), role, pid) for i, pairs in said.by_document(pid_of_pair)
                        for role, pid in pairs))
        db.executemany("INSERT INTO organisations VALUES (?,?,?)",
                       [(o["id"], o["name"], json.dumps(o["domains"])) for o in orgs.values()])
        for name, sql in BULK_INDEXES:
            db.execute(f"CREATE INDEX {name} ON {sql}")
        db.execute("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value=excluded.value",
                   (STATE_KEY, current))
    groups = {c.group_id for c in copies}
    return {
        "documents": len(table), "duplicate_groups": len(groups),
        "duplicates": len(copies) - len(groups), "threads": threading.count,
        "threaded_messages": len(threading), "people": len(persons), "organisations": len(orgs),
        "seconds": round(time.monotonic() - t0, 2),
    }


BACKFILL_BATCH = 2000


def _backfill_features(db) -> None:
    """Documents ingested before features existed (schema < 4) get them now, from their text,
    2,000 at a time (a case of a million old documents is not read into memory at once)."""
    from ..ingest.documents import own_text
    from ..model import DocRecord
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
        with Transaction(db):
            db.executemany("UPDATE documents SET sketch=?, words=?, greeting=?, closing=? WHERE id=?",
                           [(d.sketch, d.words, d.greeting, d.closing, did) for did, d in docs])
        last = rows[-1][0]


_PEOPLE_SQL = ("(SELECT group_concat(coalesce(json_extract(value, '$.name'), '') || char(31) ||"
               " coalesce(json_extract(value, '$.addr'), ''), char(30)) FROM json_each({}))")
_LOAD_SQL = (
    "SELECT id, kind, source_id, locator, {mid}, {irt},"
    " (SELECT group_concat({ref}) FROM json_each(refs)), subject, from_name, from_addr, "
    + ", ".join(_PEOPLE_SQL.format(c) for c in ("to_json", "cc_json", "bcc_json"))
    + ", sent_at, date_flag, sketch, words, greeting, closing, derived_from,"
    " CASE WHEN kind='chat' THEN meta END, signature_org FROM documents ORDER BY id")
"""SQLite unpacks the JSON lists (references, recipients) into delimited strings (5x faster than
json.loads per row on the 100k benchmark) and numbers the Message-IDs (`messages.SqlMidNumbers`)."""


def _people(packed: str | None) -> list[tuple[str | None, str | None]]:
    if not packed:
        return []
    out = []
    for item in packed.split("\x1e"):
        name, _, addr = item.partition("\x1f")
        if name or addr:
            out.append((name or None, addr or None))
    return out


ROLES = ("from", "to", "cc", "bcc")


class Said:
    """Who each header names, as numbers: per mention its row, its role (`ROLES`) and its
    (name, address) pair; 9 bytes a mention instead of an object (2.2M mentions at 1.1M messages).
    Also the company named in each message's signature, by row."""

    def __init__(self):
        self.row = array("i")
        self.role = array("b")
        self.pair = array("i")
        self.pairs = Strings(with_none=False)
        self.signature_orgs: dict[int, str] = {}

    def add(self, i: int, role: int, name, addr) -> None:
        self.row.append(i)
        self.role.append(role)
        self.pair.append(self.pairs.code((name, addr)))

    def by_document(self, pid_of_pair: list):
        """(row, [(role, person id)]) for each row with a resolved header mention: each (role,
        person) once, in header order."""
        cur, pairs, seen = -1, [], set()
        for i, role, pair in zip(self.row, self.role, self.pair):
            if i != cur:
                if pairs:
                    yield cur, pairs
                cur, pairs, seen = i, [], set()
            pid = pid_of_pair[pair]
            if pid is not None:
                key = (ROLES[role], pid)
                if key not in seen:          # a set: 60k recipients of one message took 157 s as a list
                    seen.add(key)
                    pairs.append(key)
        if pairs:
            yield cur, pairs


def _load(db, mids: SqlMidNumbers, sketches: SketchFile) -> tuple[MessageTable, people.Tally, Said,
                                                                   tuple[np.ndarray, SketchFile]]:
    """The documents as a `MessageTable`, the people's mentions counted (`people.Tally`) and by
    row (`Said`), and the rows that have a MinHash sketch (the sketches go to `sketches`).

    Memory: a row is numbers in arrays; the same names, addresses and subjects are kept once; the
    sketches go to a file (1.1M messages: see bench/README.md)."""
    n = db.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
    table = MessageTable(n)
    table.mids = mids
    tally, said = people.Tally(), Said()
    Mention = people.Mention
    seen: dict = {}
    one = seen.setdefault
    have = array("q")
    width = PERMUTATIONS * 4
    sql = _LOAD_SQL.format(mid=mids.code_sql("message_id"), irt=mids.code_sql("in_reply_to"),
                           ref=mids.code_sql("value"))
    i = -1
    for i, (did, kind, sid, loc, mid, irt, refs, subj, fname, faddr, to, cc, bcc, sent, flag, sk, words, greet, close,
            derived, meta, sig_org) in enumerate(db.execute(sql)):
        if sk is not None and len(sk) == width:
            have.append(i)
            sketches.append(sk)
        table.put(i, did, kind, mid, irt, [int(x) for x in refs.split(",") if x != "0"] if refs else (), subj,
                  fname, faddr, sent, flag, words, sid, loc, derived, json.loads(meta) if meta else None)
        if kind not in THREAD_KINDS and kind != "docx":
            continue
        header = []
        printed = kind in PRINTED_KINDS
        if fname or faddr:
            header.append(Mention(did, "from", fname, faddr, printed=printed))
        for role, packed in (("to", to), ("cc", cc), ("bcc", bcc)):
            if packed:
                for name, addr in _people(packed):
                    header.append(Mention(did, role, one(name, name) if name else name,
                                          one(addr, addr) if addr else addr, printed=printed))
        signed = []
        if greet:
            signed.append(Mention(did, "greeting", greet, None, "to"))
        if close:
            signed.append(Mention(did, "closing", close, None, "from"))
        tally.add_document(header, signed)
        for m in header:
            said.add(i, ROLES.index(m.role), m.name, m.addr)
        if sig_org:
            said.signature_orgs[i] = sig_org
    assert i + 1 == n, "the count and the rows are read in one snapshot"
    return table, tally, said, (np.frombuffer(have, dtype=np.int64), sketches)


def load_decisions(db) -> list[people.Decision]:
    out = []
    for op, args in db.execute("SELECT op, args FROM person_decisions ORDER BY id"):
        a = json.loads(args)
        out.append(people.Decision(op, a.get("keys", []), a.get("name")))
    return out


def record_decision(db, op: str, keys: list[str], name: str | None = None) -> None:
    with Transaction(db):
        db.execute("INSERT INTO person_decisions (op, args, made_at) VALUES (?,?,?)",
                   (op, json.dumps({"keys": keys, "name": name}, ensure_ascii=False), now_iso()))
