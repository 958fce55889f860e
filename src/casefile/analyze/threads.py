"""Threads: every message in its conversation, each parent link with its reason and confidence.

Only the canonical copy of each duplicate group is threaded (a message is in a thread once); the
Message-IDs and References of all its copies count for it.

1. **Headers** (JWZ): Message-ID, In-Reply-To and References build a tree; messages we do not have
   become ghost parents, so two replies to a lost message still share its thread. Which messages
   form one thread follows notmuch: every message joins the thread of every id it references.
2. **Quoted content**: a message recovered from a quote is the parent of the message quoting it,
   and of the next quote level up (QUOTE_CONFIDENCE).
3. **Printed chains**: in one exhibit, the message printed below another is its parent when its
   time is not later and the subjects agree (CHAIN_CONFIDENCE).
4. **Subject and participants**: a message with no reply headers to go by (a printout, or an
   e-mail whose client dropped In-Reply-To and References) and a reply subject ("Re:", "AW:")
   hangs under the latest earlier message with the same subject that involves its
   sender, within SUBJECT_WINDOW_DAYS (SUBJECT_CONFIDENCE); an undated one under the latest such
   message of any date (UNDATED_CONFIDENCE).
5. **Chats**: messages of one WhatsApp export or one Slack channel (thread) form a conversation.
"""
from __future__ import annotations

import hashlib
from array import array
from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from .dedupe import norm_subject, subjects_agree, DATE_SLACK_SECONDS, _PREFIX
from .messages import MessageTable, Msg
from .unionfind import IndexUnionFind

QUOTE_CONFIDENCE = 0.9
CHAIN_CONFIDENCE = 0.85
SUBJECT_CONFIDENCE = 0.6
UNDATED_CONFIDENCE = 0.4
HEADER_CONFIDENCE = 1.0
SUBJECT_WINDOW_DAYS = 30
"""Replies in our sets and in the mailing-list corpora come within days; a month keeps a revived
subject from grabbing last year's thread."""
SUBJECT_LINKS_FOR_EMAIL = True
"""Also link an e-mail that has a Message-ID but no In-Reply-To/References by subject. notmuch does
not; on linux-mips this joins 29 of notmuch's 734 threads (replies from clients that dropped the
headers, and 'Re:' posts answering a thread by hand), which is what a reader of the case expects."""
MAX_REFERENCES = 100
"""References beyond the last 100 ids are ignored (a hostile header may list thousands)."""


@dataclass(slots=True)
class Member:
    doc_id: str
    thread_id: str
    parent_id: str | None
    parent_message_id: str | None
    reason: str
    confidence: float


@dataclass(slots=True)
class Thread:
    id: str
    root_id: str | None
    subject: str | None
    first_at: str | None
    last_at: str | None
    messages: int
    ghosts: int


MAX_DEPTH = 100000
"""A reply chain deeper than this is not extended (hostile input); refusing a link can never make
a loop, so every walk up the tree ends."""


class _Tree:
    """The JWZ tree over Message-ID numbers (0..count, then numbers for id collisions): for each
    node its message (a position, -1 for a ghost), its parent node (-1) and its number of
    children, in arrays rather than an object per id (1.1M ids took ~200 MB as objects)."""

    def __init__(self, count: int):
        self.msg = array("i", bytes(4 * (count + 1)))
        self.parent = array("i", bytes(4 * (count + 1)))
        self.children = array("i", bytes(4 * (count + 1)))
        self.top = array("i", bytes(4 * (count + 1)))      # the root of its tree, once looked up
        self.made = bytearray(count + 1)                    # the node exists (an id seen by the threading)
        for a in (self.msg, self.parent, self.top):
            a[:] = array("i", [-1]) * len(a)
        self.extra: dict[int, tuple[int, str]] = {}         # collision node -> (its id's number, doc id)

    def node(self, code: int) -> int:
        self.made[code] = 1
        return code

    def new(self, code: int, doc: str) -> int:
        k = len(self.msg)
        for a, v in ((self.msg, -1), (self.parent, -1), (self.children, 0), (self.top, -1)):
            a.append(v)
        self.made.append(1)
        self.extra[k] = (code, doc)
        return k

    def ancestor(self, node: int, of: int) -> bool:
        """Is `node` `of` itself or one of its ancestors? (True also past MAX_DEPTH: do not link.)"""
        seen = 0
        parent = self.parent
        while of != -1:
            if of == node or seen > MAX_DEPTH:
                return True
            of = parent[of]
            seen += 1
        return False

    def link(self, parent: int, child: int) -> bool:
        if self.ancestor(child, parent):
            return False                      # would make a loop
        old = self.parent[child]
        if old != -1:
            self.children[old] -= 1
        self.parent[child] = parent
        self.children[parent] += 1
        return True

    def root(self, n: int) -> int:           # the trees are complete when asked: each node keeps its root
        path = []
        parent, top = self.parent, self.top
        while parent[n] != -1 and top[n] == -1:
            path.append(n)
            n = parent[n]
        r = top[n] if top[n] != -1 else n
        for x in path:
            top[x] = r
        return r


NO_PARENT = -2
"""In the parent columns: the message has no parent record (a root so far)."""


THREAD_BATCH = 10000


class Threading:
    """The result: the threads (in `threads`, or handed to the caller's sink in batches) and, one
    per message, `members()`."""

    def __init__(self, table: MessageTable, rows: np.ndarray):
        n = len(rows)
        self.table, self.rows = table, rows
        self.par = array("i", [NO_PARENT]) * n           # parent position, -1 for none (a lost parent)
        self.ghost = array("i", bytes(4 * n))            # the lost parent's Message-ID number, 0: none
        self.why: list = [None] * n
        self.conf = array("d", bytes(8 * n))
        self.threads: list[Thread] = []
        self.count = 0                                   # threads
        self.tid: list = [None] * n
        self.ghost_text: dict[int, str] = {}

    def set(self, p: int, par: int, ghost: int, why: str, conf: float) -> None:
        self.par[p], self.ghost[p], self.why[p], self.conf[p] = par, ghost, why, conf

    def members(self):
        t, rows = self.table, self.rows
        for p in range(len(rows)):
            par = self.par[p]
            if par == NO_PARENT:
                yield Member(t.doc_id(rows[p]), self.tid[p], None, None, "thread root", 1.0)
            else:
                yield Member(t.doc_id(rows[p]), self.tid[p], t.doc_id(rows[par]) if par >= 0 else None,
                             self.ghost_text.get(self.ghost[p]) if self.ghost[p] else None, self.why[p], self.conf[p])

    def __len__(self) -> int:
        return len(self.rows)


def build(msgs: list[Msg], alt_ids: dict[str, list[str]] | None = None,
          alt_refs: dict[str, list[str]] | None = None, copies: list[Msg] | None = None,
          canon_of: dict[str, str] | None = None) -> tuple[list[Member], list[Thread]]:
    """Thread the canonical messages `msgs` (Msg objects). `alt_ids` / `alt_refs`: Message-IDs and
    references of a message's other copies, by canonical doc id. `copies`: every message document
    including the non-canonical copies, and `canon_of` maps a copy's id to its canonical id."""
    everything = {m.id: m for m in (copies or [])}
    everything.update({m.id: m for m in msgs})
    ordered = sorted(everything.values(), key=lambda m: m.id)
    table = MessageTable.of(ordered)
    row = {m.id: i for i, m in enumerate(ordered)}
    code = table.mids.code
    rows = np.array(sorted(row[m.id] for m in msgs), dtype=np.int64)
    canon = np.arange(len(ordered))
    for doc, c in (canon_of or {}).items():
        if doc in row and c in row:
            canon[row[doc]] = row[c]
    res = thread(table, rows, {row[k]: [code(x) for x in v] for k, v in (alt_ids or {}).items() if k in row},
                 {row[k]: [code(x) for x in v] for k, v in (alt_refs or {}).items() if k in row},
                 np.array(sorted(row[m.id] for m in (copies or msgs)), dtype=np.int64), canon)
    return list(res.members()), res.threads


def thread(table: MessageTable, rows: np.ndarray, alt_ids: dict[int, list[int]], alt_refs: dict[int, list[int]],
           copies: np.ndarray, canon: np.ndarray, sink=None) -> Threading:
    """Thread the canonical messages at `rows` of `table` (ascending). `alt_ids` / `alt_refs`: the
    Message-ID numbers and references of a row's other copies; `copies`: the rows of every message
    document including the non-canonical copies; `canon`: each row's canonical row. `sink`: called
    with each THREAD_BATCH threads instead of keeping them (372k threads are ~130 MB as objects)."""
    n = len(rows)
    if 2 * n + table.mids.count + 1 >= MAX_INDEX:
        raise ValueError(f"{n:,} messages with {table.mids.count:,} Message-IDs are more than the threading can number")
    res = Threading(table, rows)
    if not n:
        return res
    tree = _Tree(table.mids.count)
    strings = table.strings.values
    chat = table.strings.code("chat")
    kind = _ints(table.kind[rows])            # arrays of 32-bit ints: a list of 1.1M ints is 44 MB
    mid = _ints(table.mid[rows])
    irt = _ints(table.irt[rows])
    position = np.full(len(table), -1, dtype=np.int32)
    position[rows] = np.arange(n)

    def ids_of(p: int) -> list[int]:
        return [x for x in [mid[p]] + alt_ids.get(int(rows[p]), []) if x]

    def refs_of(p: int) -> list[int]:
        return _refs(table.ref_codes(int(rows[p])), alt_refs.get(int(rows[p]), []), mid[p], irt[p])

    doc_node = array("i", [-1]) * n
    for p in range(n):
        if kind[p] == chat:
            continue
        ids = ids_of(p)
        if not ids:
            continue
        own = -1
        for x in ids:
            tree.node(x)
            if tree.msg[x] == -1 and own == -1:
                own = x
        if own == -1:                                 # an id collision dedupe kept apart
            own = tree.new(ids[0], table.doc_id(int(rows[p])))
        tree.msg[own] = p
        doc_node[p] = own
        for x in ids:
            if x != own and tree.msg[x] == -1:
                tree.msg[x] = p                       # another id of the same message
    for p in range(n):
        own = doc_node[p]
        if own == -1:
            continue
        prev = -1
        for r in refs_of(p):
            rn = tree.node(r)
            if prev != -1 and tree.parent[rn] == -1 and rn != prev and tree.msg[rn] != p:
                tree.link(prev, rn)
            prev = rn
        if prev != -1 and tree.msg[prev] != p:
            tree.link(prev, own)

    for p in range(n):
        own = doc_node[p]
        if own == -1 or tree.parent[own] == -1:
            continue
        q, ghosts = tree.parent[own], 0
        while q != -1 and (tree.msg[q] == -1 or tree.msg[q] == p):
            ghosts += 1
            q = tree.parent[q]
        direct = tree.parent[own]
        how = "In-Reply-To" if direct == irt[p] else "References"
        if q == -1:
            res.set(p, -1, direct, f"{how} (the parent is not in the case)", HEADER_CONFIDENCE)
        elif ghosts:
            res.set(p, tree.msg[q], direct, f"{how} ({ghosts} message(s) between are not in the case)",
                    HEADER_CONFIDENCE)
        else:
            res.set(p, tree.msg[q], 0, how, HEADER_CONFIDENCE)

    # ---- which thread: a message joins the tree of every id it has or references (as notmuch)
    # union-find over the positions (0..n-1), then the id nodes (n..): the tree is complete now
    uf = IndexUnionFind(n + len(tree.msg), "i")
    for p in range(n):
        own = doc_node[p]
        if own == -1:
            continue
        r0 = tree.root(own)
        uf.union(p, n + r0)
        for x in refs_of(p) + ids_of(p):
            r = tree.root(x)
            if r != r0:
                uf.union(n + r0, n + r)

    # ---- quoted content and printed chains, over all copies, in canonical terms
    for child, par, why, conf in content_edges(table, copies, canon):
        c, q = int(position[child]), int(position[par])
        if c >= 0 and q >= 0 and c != q:
            _soft_link(res, uf, c, q, why, conf)

    # ---- subject and participants, for messages with no headers to go by
    subject = table.subject
    refs_at = table.refs_at
    wanted = [p for p in range(n) if res.par[p] == NO_PARENT and not irt[p] and kind[p] != chat
              and refs_at[rows[p]] == refs_at[rows[p] + 1] and _PREFIX.match(subject[rows[p]] or "")
              and (SUBJECT_LINKS_FOR_EMAIL or not mid[p])]
    if wanted:
        subjects = {norm_subject(subject[rows[p]]) for p in wanted}
        when = table.epoch[rows]
        sender = table.sender[rows]
        recipients = table.recipients[rows]
        tuples = table.tuples.values
        by_subject: dict[str, list[tuple[float, int]]] = defaultdict(list)
        for p in range(n):
            if kind[p] != chat and not np.isnan(when[p]) and (text := subject[rows[p]]) is not None:
                key = norm_subject(text)
                if key in subjects:
                    by_subject[key].append((float(when[p]), p))
        times: dict[str, list[float]] = {}
        for k, lst in by_subject.items():
            lst.sort()
            times[k] = [x[0] for x in lst]
        for p in wanted:
            key = norm_subject(subject[rows[p]])
            lst = by_subject.get(key, [])
            t = None if np.isnan(when[p]) else float(when[p])
            sp, rp = sender[p], tuples[recipients[p]]
            best = -1
            for k in range((bisect_left(times[key], t) if t is not None else len(lst)) - 1, -1, -1):
                tc, c = lst[k]                   # the latest earlier message first
                if t is not None and t - tc > SUBJECT_WINDOW_DAYS * 86400:
                    break
                if c == p:
                    continue
                sc = sender[c]
                if sp and (sp == sc or strings[sp] in tuples[recipients[c]]) or (sc and strings[sc] in rp):
                    best = c
                    break
            if best != -1 and t is not None:
                hours = (t - float(when[best])) / 3600
                _soft_link(res, uf, p, best, f"same subject and participants, {_ago(hours)} later",
                           SUBJECT_CONFIDENCE)
            elif best != -1:
                _soft_link(res, uf, p, best, "same subject and participants (it is undated: placed after "
                           "the latest such message)", UNDATED_CONFIDENCE)

    # ---- chats: one conversation per export file / Slack channel thread, in time order
    convs: dict[tuple, list[int]] = defaultdict(list)
    for p in range(n):
        if kind[p] == chat:
            meta = table.meta.get(int(rows[p]), {})
            key = ("slack", meta.get("channel"), meta.get("thread_ts") or "") \
                if meta.get("platform") == "slack" else ("file", int(table.source[rows[p]]))
            convs[key].append(p)
    for items in convs.values():
        items.sort(key=lambda p: (table.sent_at(int(rows[p])) or "", strings[table.locator[rows[p]]]))
        for prev, cur in zip(items, items[1:]):
            res.set(cur, prev, 0, "the next message in the chat", HEADER_CONFIDENCE)
            uf.union(cur, prev)

    # ---- assemble
    comp = np.fromiter((uf.find(p) for p in range(n)), dtype=np.int64, count=n)
    node_msg = np.frombuffer(tree.msg, dtype=np.int32)
    nodes = np.flatnonzero(np.frombuffer(tree.made, dtype=np.uint8).astype(bool)
                           & ((node_msg != -1) | (np.frombuffer(tree.children, dtype=np.int32) > 0))).astype(np.int32)
    # (a ghost without children is no one's parent)
    node_comp = np.empty(len(nodes), dtype=np.int64)
    for at in range(0, len(nodes), 65536):
        node_comp[at:at + 65536] = [uf.find(n + tree.root(x)) for x in nodes[at:at + 65536].tolist()]
    real = ~np.isin(nodes, np.array(list(tree.extra), dtype=np.int64))
    extra: dict[int, str] = {}                      # the smallest id of a thread, for its collision nodes
    if tree.extra:
        names = table.mids.text({c for c, _ in tree.extra.values()})
        for x, g in zip(nodes[~real].tolist(), node_comp[~real].tolist()):
            c, doc = tree.extra[x]
            s = f"{names[c]}#{doc}"
            if g not in extra or s < extra[g]:
                extra[g] = s
    ghost_comps, ghost_counts = np.unique(node_comp[node_msg[nodes] == -1], return_counts=True)
    ghosts = dict(zip(ghost_comps.tolist(), ghost_counts.tolist()))
    smallest = table.mids.smallest(nodes[real], node_comp[real])     # (thread, its smallest id) by thread
    del nodes, node_comp, real, node_msg, tree, uf
    sent_key = table.sent[rows]                   # each thread by time, the undated last; then by row
    none, last = ("", "9999") if sent_key.dtype == object else (b"", b"9999")
    sent_key[sent_key == none] = last
    order = np.lexsort((sent_key, comp))            # (stable: equal times stay in row order)
    del sent_key
    comp = comp[order]
    bounds = np.flatnonzero(np.r_[True, comp[1:] != comp[:-1], True])
    lost = np.frombuffer(res.ghost, dtype=np.int32)
    res.ghost_text = table.mids.text(np.unique(lost[lost != 0]).tolist())
    del lost
    at, first_id = -1, None
    for a, b in zip(bounds[:-1].tolist(), bounds[1:].tolist()):
        items = order[a:b].tolist()
        key = int(comp[a])
        while at is not None and at < key:           # both go by thread: a merge, not a dict of 372k texts
            at, first_id = next(smallest, (None, None))
        first = first_id if at == key else None
        if key in extra and (first is None or extra[key] < first):
            first = extra[key]
        label = ("m:" + first) if first is not None else ("d:" + table.doc_id(int(rows[min(items)])))
        tid = "t" + hashlib.sha1(label.encode("utf-8", "replace")).hexdigest()[:10]
        dated = [d for d in (table.sent_at(int(rows[p])) for p in items) if d]
        roots = [p for p in items if res.par[p] < 0]
        top = roots[0] if roots else items[0]
        title = subject[rows[top]] or next((s for s in (subject[rows[p]] for p in items) if s), None)
        res.threads.append(Thread(tid, table.doc_id(int(rows[top])), title, min(dated) if dated else None,
                                  max(dated) if dated else None, len(items), ghosts.get(key, 0)))
        res.count += 1
        if sink is not None and len(res.threads) == THREAD_BATCH:
            sink(res.threads)
            res.threads = []
        for p in items:
            res.tid[p] = tid
    for _ in smallest:                               # read to the end: the statement is finished
        pass
    if sink is not None and res.threads:
        sink(res.threads)
        res.threads = []
    return res


MAX_INDEX = 2 ** 31 - 1
"""Positions and Message-ID numbers are kept as 32-bit ints (half the memory of 64-bit ones)."""


def _ints(column: np.ndarray) -> array:
    return array("i", column.astype(np.int32).tobytes())


def _soft_link(res: Threading, uf: IndexUnionFind, c: int, q: int, why: str, conf: float) -> None:
    """Link by content (not headers): only a message with no parent yet, or whose header parent
    is a ghost that this message can stand in for (a header-less copy of the lost message)."""
    has = res.par[c] != NO_PARENT
    if has and not (res.par[c] == -1 and res.ghost[c] and not res.table.mid[res.rows[q]]):
        return
    if q == c or _descends(res.par, q, c):
        return
    ghost = res.ghost[c] if has else 0
    if ghost:
        why += f" (it stands in for {res.table.mids.text([ghost])[ghost]}, which is not in the case)"
    res.set(c, q, 0, why, conf)
    uf.union(c, q)


def _descends(par: array, p: int, ancestor: int) -> bool:
    """Is `ancestor` above `p`? (True also past MAX_DEPTH: do not link.)"""
    seen = 0
    while p >= 0:
        if p == ancestor or seen > MAX_DEPTH:
            return True
        p = par[p]
        seen += 1
    return False


def content_edges(table: MessageTable, rows: np.ndarray, canon: np.ndarray) -> list[tuple[int, int, str, float]]:
    """(child, parent, reason, confidence) rows from quoted content and printed chains among `rows`,
    with both ends mapped to their canonical rows."""
    out = []
    strings = table.strings.values
    quoted, printed = table.kind_codes(["quoted-email"]), table.kind_codes(["printed-email"])
    quote_locators = [c for c, v in enumerate(strings) if isinstance(v, str) and "quote:" in v]
    by_loc = {}
    for i in rows[np.isin(table.locator[rows], quote_locators)].tolist():   # (not a list of every row: 80 MB)
        by_loc[(int(table.source[i]), strings[table.locator[i]])] = i
    rows = rows[np.isin(table.kind[rows], np.r_[quoted, printed])]
    loc = {i: strings[table.locator[i]] for i in rows.tolist()}
    chains: dict[int, list[int]] = defaultdict(list)
    for i, locator in loc.items():
        if table.kind[i] in quoted and i in table.derived:
            head, _, n = locator.rpartition("quote:")
            upper = by_loc.get((int(table.source[i]), f"{head}quote:{int(n) - 1}")) if n.isdigit() and int(n) > 1 \
                else None
            child = upper if upper is not None else table.index_of(table.derived[i])
            if child >= 0:
                out.append((int(canon[child]), int(canon[i]), "quotes it", QUOTE_CONFIDENCE))
        if table.kind[i] in printed and locator.startswith("printed:"):
            chains[int(table.source[i])].append(i)
    for items in chains.values():
        items.sort(key=lambda i: _printed_no(loc[i]))
        for child, par in zip(items, items[1:]):
            if subjects_agree(table[child], table[par]) is False:
                continue
            tc, tp = table.epoch[child], table.epoch[par]
            if not np.isnan(tc) and not np.isnan(tp) and tp > tc + 14 * 3600 + DATE_SLACK_SECONDS:
                continue
            out.append((int(canon[child]), int(canon[par]), "printed below it in the same exhibit", CHAIN_CONFIDENCE))
    return out


def _printed_no(locator: str) -> int:
    try:
        return int(locator.rsplit("printed:", 1)[1])
    except (IndexError, ValueError):
        return 0


def _refs(refs: list, extra: list, message_id, in_reply_to) -> list:
    refs = [r for r in refs + extra if r and r != message_id][-MAX_REFERENCES:]
    if in_reply_to and in_reply_to != message_id:
        if in_reply_to in refs:
            refs.remove(in_reply_to)
        refs.append(in_reply_to)
    out, seen = [], set()
    for r in refs:
        if r not in seen:
            seen.add(r)
            out.append(r)
    return out


def _ago(hours: float) -> str:
    return f"{hours:.0f} h" if hours < 48 else f"{hours / 24:.0f} days"
