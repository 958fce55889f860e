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
from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass

from .dedupe import Msg, epoch, norm_subject, subjects_agree, DATE_SLACK_SECONDS, _PREFIX
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


class _Node:
    __slots__ = ("mid", "msg", "parent", "children", "top", "ix")

    def __init__(self, mid):
        self.mid = mid
        self.msg = None
        self.parent = None
        self.children = []
        self.top = None             # the root of its tree, once `build` has looked it up
        self.ix = -1                # its number in the thread union-find


MAX_DEPTH = 100000
"""A reply chain deeper than this is not extended (hostile input); refusing a link can never make
a loop, so every walk up the tree ends."""


def _ancestor(node: _Node, of: _Node) -> bool:
    """Is `node` `of` itself or one of its ancestors? (True also past MAX_DEPTH: do not link.)"""
    seen = 0
    while of is not None:
        if of is node or seen > MAX_DEPTH:
            return True
        of = of.parent
        seen += 1
    return False


def _link(parent: _Node, child: _Node) -> bool:
    if _ancestor(child, parent):
        return False                      # would make a loop
    if child.parent is not None:
        child.parent.children.remove(child)
    child.parent = parent
    parent.children.append(child)
    return True


def build(msgs: list[Msg], alt_ids: dict[str, list[str]] | None = None,
          alt_refs: dict[str, list[str]] | None = None, copies: list[Msg] | None = None,
          canon_of: dict[str, str] | None = None) -> tuple[list[Member], list[Thread]]:
    """Thread the canonical messages `msgs`. `alt_ids` / `alt_refs`: Message-IDs and references of
    a message's other copies, by canonical doc id. `copies`: every message document including the
    non-canonical copies, and `canon_of` maps a copy's id to its canonical id (quotes and
    printouts are often copies of messages we also have as e-mail)."""
    alt_ids = alt_ids or {}
    alt_refs = alt_refs or {}
    table: dict[str, _Node] = {}

    def node(mid: str) -> _Node:
        n = table.get(mid)
        if n is None:
            n = table[mid] = _Node(mid)
        return n

    ix_of = {m.id: i for i, m in enumerate(msgs)}
    parent: dict[str, tuple[str | None, str | None, str, float]] = {}   # doc -> (parent doc, ghost mid, why, conf)
    doc_node: dict[str, _Node] = {}
    for m in msgs:
        if m.kind == "chat":
            continue
        ids = [i for i in [m.message_id] + alt_ids.get(m.id, []) if i]
        if not ids:
            continue
        own = None
        for mid in ids:
            n = node(mid)
            if n.msg is None and own is None:
                own = n
        if own is None:                                 # an id collision dedupe kept apart
            own = node(f"{ids[0]}#{m.id}")
        own.msg = m
        doc_node[m.id] = own
        for mid in ids:
            if table[mid] is not own and table[mid].msg is None:
                table[mid].msg = m                      # another id of the same message
    for m in msgs:
        own = doc_node.get(m.id)
        if own is None:
            continue
        refs = _refs(m, alt_refs.get(m.id, []))
        prev = None
        for r in refs:
            rn = node(r)
            if prev is not None and rn.parent is None and rn is not prev and rn.msg is not m:
                _link(prev, rn)
            prev = rn
        if prev is not None and prev.msg is not m:
            _link(prev, own)

    for m in msgs:
        own = doc_node.get(m.id)
        if own is None or own.parent is None:
            continue
        p, ghosts = own.parent, []
        while p is not None and (p.msg is None or p.msg is m):
            ghosts.append(p.mid)
            p = p.parent
        direct = own.parent.mid
        how = "In-Reply-To" if direct == m.in_reply_to else "References"
        if p is None:
            parent[m.id] = (None, direct, f"{how} (the parent is not in the case)", HEADER_CONFIDENCE)
        elif ghosts:
            parent[m.id] = (p.msg.id, direct, f"{how} ({len(ghosts)} message(s) between are not in the case)",
                            HEADER_CONFIDENCE)
        else:
            parent[m.id] = (p.msg.id, None, how, HEADER_CONFIDENCE)

    # ---- which thread: a message joins the tree of every id it has or references (as notmuch)
    def root(n: _Node) -> _Node:           # the trees are complete here: each node's root is kept on it
        path = []
        while n.parent is not None and n.top is None:
            path.append(n)
            n = n.parent
        r = n.top or n
        for x in path:
            x.top = r
        return r

    # union-find over the messages (0..n-1), then the id nodes (n..): the tree is complete now
    for k, n in enumerate(table.values(), start=len(msgs)):
        n.ix = k
    uf = IndexUnionFind(len(msgs) + len(table))
    for i, m in enumerate(msgs):
        own = doc_node.get(m.id)
        if own is None:
            continue
        r0 = root(own)
        uf.union(i, r0.ix)
        for mid in _refs(m, alt_refs.get(m.id, [])) + [x for x in [m.message_id] + alt_ids.get(m.id, []) if x]:
            r = root(table[mid])
            if r is not r0:
                uf.union(r0.ix, r.ix)

    # ---- quoted content and printed chains, over all copies, in canonical terms
    for child, par, why, conf in content_edges(copies or msgs, canon_of or {}):
        if child in ix_of and par in ix_of and child != par:
            _soft_link(parent, uf, child, msgs[ix_of[par]], why, conf, ix_of)

    # ---- subject and participants, for messages with no headers to go by
    wanted = [m for m in msgs if m.id not in parent and not m.in_reply_to and not m.refs and m.kind != "chat"
              and m.subject and _PREFIX.match(m.subject) and (SUBJECT_LINKS_FOR_EMAIL or not m.message_id)]
    if wanted:
        subjects = {norm_subject(m.subject) for m in wanted}
        by_subject: dict[str, list[tuple[float, str, Msg]]] = defaultdict(list)
        for m in msgs:
            if m.kind != "chat" and m.subject and norm_subject(m.subject) in subjects:
                t = epoch(m.sent_at)
                if t is not None:
                    by_subject[norm_subject(m.subject)].append((t, m.id, m))
        times: dict[str, list[float]] = {}
        for k, lst in by_subject.items():
            lst.sort(key=lambda x: (x[0], x[1]))
            times[k] = [x[0] for x in lst]
        for m in wanted:
            key = norm_subject(m.subject)
            lst = by_subject.get(key, [])
            t = epoch(m.sent_at)
            best = None
            for k in range((bisect_left(times[key], t) if t is not None else len(lst)) - 1, -1, -1):
                tc, _, c = lst[k]                   # the latest earlier message first
                if t is not None and t - tc > SUBJECT_WINDOW_DAYS * 86400:
                    break
                if c.id == m.id:
                    continue
                if m.sender and m.sender in {c.sender, *c.recipients} or (c.sender and c.sender in m.recipients):
                    best = c
                    break
            if best is not None and t is not None:
                hours = (t - epoch(best.sent_at)) / 3600
                _soft_link(parent, uf, m.id, best, f"same subject and participants, {_ago(hours)} later",
                           SUBJECT_CONFIDENCE, ix_of)
            elif best is not None:
                _soft_link(parent, uf, m.id, best, "same subject and participants (it is undated: placed after "
                           "the latest such message)", UNDATED_CONFIDENCE, ix_of)

    # ---- chats: one conversation per export file / Slack channel thread, in time order
    convs: dict[tuple, list[Msg]] = defaultdict(list)
    for m in msgs:
        if m.kind == "chat":
            key = ("slack", m.meta.get("channel"), m.meta.get("thread_ts") or "") \
                if m.meta.get("platform") == "slack" else ("file", m.source_id)
            convs[key].append(m)
    for items in convs.values():
        items.sort(key=lambda x: (x.sent_at or "", x.locator))
        for prev, cur in zip(items, items[1:]):
            parent[cur.id] = (prev.id, None, "the next message in the chat", HEADER_CONFIDENCE)
            uf.union(ix_of[cur.id], ix_of[prev.id])

    # ---- assemble
    comps: dict[int, list[Msg]] = defaultdict(list)
    for i, m in enumerate(msgs):
        comps[uf.find(i)].append(m)
    comp_mids: dict[int, list[str]] = defaultdict(list)
    for mid, n in table.items():
        if n.msg is not None or n.children:           # a ghost without children is no one's parent
            comp_mids[uf.find(root(n).ix)].append(mid)
    members, threads = [], []
    for key, items in comps.items():
        mids = comp_mids.get(key, [])
        first = min(mids) if mids else min(x.id for x in items)
        tid = "t" + hashlib.sha1((("m:" if mids else "d:") + first).encode("utf-8", "replace")).hexdigest()[:10]
        ghost_ids = [mid for mid in mids if table[mid].msg is None]
        items.sort(key=lambda x: (x.sent_at or "9999", x.id))
        dated = [x.sent_at for x in items if x.sent_at]
        roots = [x for x in items if x.id not in parent or parent[x.id][0] is None]
        top = roots[0] if roots else items[0]
        subject = top.subject or next((x.subject for x in items if x.subject), None)
        threads.append(Thread(tid, top.id, subject, min(dated) if dated else None, max(dated) if dated else None,
                              len(items), len(ghost_ids)))
        for x in items:
            p = parent.get(x.id)
            if p is None:
                members.append(Member(x.id, tid, None, None, "thread root", 1.0))
            else:
                members.append(Member(x.id, tid, p[0], p[1], p[2], p[3]))
    return members, threads


def _soft_link(parent: dict, uf: IndexUnionFind, child_id: str, par: Msg, why: str, conf: float, ix_of: dict) -> None:
    """Link by content (not headers): only a message with no parent yet, or whose header parent
    is a ghost that this message can stand in for (a header-less copy of the lost message)."""
    cur = parent.get(child_id)
    if cur is not None and not (cur[0] is None and cur[1] and not par.message_id):
        return
    if par.id == child_id or _descends(parent, par.id, child_id):
        return
    ghost = cur[1] if cur else None
    parent[child_id] = (par.id, None, why + (f" (it stands in for {ghost}, which is not in the case)" if ghost else ""),
                        conf)
    uf.union(ix_of[child_id], ix_of[par.id])


def _descends(parent: dict, doc: str, ancestor: str) -> bool:
    """Is `ancestor` above `doc`? (True also past MAX_DEPTH: do not link.)"""
    seen = 0
    while doc is not None:
        if doc == ancestor or seen > MAX_DEPTH:
            return True
        p = parent.get(doc)
        doc = p[0] if p else None
        seen += 1
    return False


def content_edges(msgs: list[Msg], canon_of: dict[str, str]) -> list[tuple[str, str, str, float]]:
    """(child, parent, reason, confidence) from quoted content and printed chains, with both ends
    mapped to their canonical copies."""
    out = []
    by_loc = {(m.source_id, m.locator): m for m in msgs}
    chains: dict[int, list[Msg]] = defaultdict(list)
    for m in msgs:
        if m.kind == "quoted-email" and m.derived_from:
            head, _, n = m.locator.rpartition("quote:")
            upper = by_loc.get((m.source_id, f"{head}quote:{int(n) - 1}")) if n.isdigit() and int(n) > 1 else None
            child = upper.id if upper is not None else m.derived_from
            out.append((canon_of.get(child, child), canon_of.get(m.id, m.id), "quotes it", QUOTE_CONFIDENCE))
        if m.kind == "printed-email" and m.locator.startswith("printed:"):
            chains[m.source_id].append(m)
    for items in chains.values():
        items.sort(key=lambda x: _printed_no(x.locator))
        for child, par in zip(items, items[1:]):
            if subjects_agree(child, par) is False:
                continue
            tc, tp = epoch(child.sent_at), epoch(par.sent_at)
            if tc is not None and tp is not None and tp > tc + 14 * 3600 + DATE_SLACK_SECONDS:
                continue
            out.append((canon_of.get(child.id, child.id), canon_of.get(par.id, par.id),
                        "printed below it in the same exhibit", CHAIN_CONFIDENCE))
    return out


def _printed_no(locator: str) -> int:
    try:
        return int(locator.rsplit("printed:", 1)[1])
    except (IndexError, ValueError):
        return 0


def _refs(m: Msg, extra: list[str]) -> list[str]:
    refs = [r for r in (m.refs or []) + extra if r and r != m.message_id][-MAX_REFERENCES:]
    if m.in_reply_to and m.in_reply_to != m.message_id:
        if m.in_reply_to in refs:
            refs.remove(m.in_reply_to)
        refs.append(m.in_reply_to)
    out, seen = [], set()
    for r in refs:
        if r not in seen:
            seen.add(r)
            out.append(r)
    return out


def _ago(hours: float) -> str:
    return f"{hours:.0f} h" if hours < 48 else f"{hours / 24:.0f} days"
