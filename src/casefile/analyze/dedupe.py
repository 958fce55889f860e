"""Duplicates: the copies of one message across sources and formats.

A message reaches a case many times: the sender's .eml, each recipient's copy in a .pst, a quote
inside a later reply, a printout in a PDF exhibit (OCR noise, redactions, hard line wraps, a date
printed without its zone). Copies are found in two ways:

- **same Message-ID** (exact): the same id and bodies that agree (SAME_ID_JACCARD; a mailing list
  may append a footer, a client may reuse an id for a different text — then they stay apart);
- **near-identical text** (MinHash over the own words, see `features`): candidates share one of
  BANDS bands of the sketch; a pair is a copy when its estimated Jaccard similarity reaches
  NEAR_JACCARD *and* its headers do not disagree (`headers_agree`): the sender is the same person
  or name, the times agree (exactly, or by a whole or half-hour zone shift for a time printed
  without its zone, or by the day for a date-only print), the subjects agree. A body shorter than
  SHORT_WORDS needs all of sender, time and subject to agree: "ok" is not a message's identity.
  Two e-mails that both carry Message-IDs, and different ones, are copies only with a nearly
  identical text (DIFFERENT_ID_JACCARD), not a short one, the same sender, overlapping
  recipients and the same time (or the same time under a whole-hour zone shift): an archive that
  rewrote ids and zones (the Enron set) — not a form letter sent to someone else a minute later,
  and not two sends of "ok".

Every member of a group records why it joined and with what score; one canonical document (the
most original form: a real e-mail before a printout before a quote) represents the group, and its
id is the group id.
"""
from __future__ import annotations

import re
from array import array
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from ..model import MESSAGE_KINDS
from .features import PERMUTATIONS
from .messages import MessageTable, Msg, epoch
from .sketches import SketchArray, SketchFile
from .people import parse_name, fits

BANDS = 16
ROWS = 4
"""16 bands of 4 sketch values: a pair with Jaccard 0.6 becomes a candidate with probability 0.89,
0.7 with 0.99, 0.2 with 0.03. Printouts and quotes of a message reach J 0.7-1.0 against it on our
eval set (OCR noise included); distinct messages in one thread stay below 0.3."""
NEAR_JACCARD = 0.6
SAME_ID_JACCARD = 0.3
DIFFERENT_ID_JACCARD = 0.9
DOCUMENT_JACCARD = 0.9
"""Non-message documents (PDFs, articles, text files) are copies only when nearly identical."""
SHORT_WORDS = 8
"""Bodies under 8 words ("ok", "Danke!", "see you at 3") say nothing about identity by themselves."""
DATE_SLACK_SECONDS = 120
"""Printed and quoted times carry minutes, not seconds; clients stamp Date a few seconds apart
from the time they show."""
MAX_ZONE_SHIFT_HOURS = 14
"""A time printed without its zone is wall time somewhere between UTC-12 and UTC+14."""
MAX_BUCKET = 50
"""A band bucket with more than 50 documents (a newsletter in 1,000 mailboxes) is compared as a
chain in id order rather than all pairs with all: copies still chain together, and the work stays
linear."""
KIND_RANK = {"email": 0, "outlook-item": 1, "printed-email": 2, "quoted-email": 3}
_PREFIX = re.compile(r"^\s*((re|aw|fw|fwd|wg|sv|vs|antw|tr|rif|r|odp|doorst|ynt)\s*(\[\d+\])?\s*:\s*)+", re.I)


@dataclass(slots=True)
class Copy:
    doc_id: str
    group_id: str
    canonical: bool
    reason: str
    score: float


@lru_cache(maxsize=65536)
def norm_subject(s: str | None) -> str:
    if not s:
        return ""
    return re.sub(r"\s+", " ", _PREFIX.sub("", s)).strip().casefold()


def dates_agree(a: Msg, b: Msg) -> bool | None:
    """True/False when both times are known, None when either is missing or unusable."""
    if a.date_flag in ("missing", "unparseable", "implausible") or b.date_flag in ("missing", "unparseable",
                                                                                       "implausible"):
        return None
    ta, tb = epoch(a.sent_at), epoch(b.sent_at)
    if ta is None or tb is None:
        return None
    d = abs(ta - tb)
    if a.date_flag == "date-only" or b.date_flag == "date-only":
        return abs(epoch(_day(a)) - epoch(_day(b))) <= 86400      # the day, give or take the zone
    if a.date_flag == "no-timezone" or b.date_flag == "no-timezone":
        if d > MAX_ZONE_SHIFT_HOURS * 3600 + DATE_SLACK_SECONDS:
            return False
        r = d % 1800
        return min(r, 1800 - r) <= DATE_SLACK_SECONDS
    return d <= DATE_SLACK_SECONDS


def _day(m: Msg) -> str:
    return (m.sent_at or "")[:10]


def senders_agree(a: Msg, b: Msg) -> bool | None:
    if a.sender and b.sender and a.sender == b.sender:
        return True
    if a.from_addr and b.from_addr and a.from_addr.casefold() == b.from_addr.casefold():
        return True
    na, nb = parse_name(a.from_name), parse_name(b.from_name)
    if na and nb:
        if na.key == nb.key:
            return True
        if na.kind == "full" and nb.kind != "full":
            return fits(nb, na)
        if nb.kind == "full" and na.kind != "full":
            return fits(na, nb)
        return False
    if (a.sender or a.from_addr or na) and (b.sender or b.from_addr or nb):
        return False if (a.sender and b.sender) else None
    return None


RECIPIENT_OVERLAP = 0.5
"""Copies of one e-mail have the same recipients; the Enron set holds forwards of one article by
the same person a minute apart to different people (Jaccard of the recipient sets 0.25)."""


def recipients_agree(a: Msg, b: Msg) -> bool | None:
    """Do the resolved recipients mostly agree (Jaccard ≥ RECIPIENT_OVERLAP)? None when either
    side has none."""
    if not a.recipients or not b.recipients:
        return None
    ra, rb = set(a.recipients), set(b.recipients)
    return len(ra & rb) / len(ra | rb) >= RECIPIENT_OVERLAP


def zone_shifted(a: Msg, b: Msg) -> bool:
    """Two zoned times a whole or half number of hours apart, up to MAX_ZONE_SHIFT_HOURS: the same
    moment written by an archive that got the zone wrong (the Enron set shifts copies by 3-10 h)."""
    ta, tb = epoch(a.sent_at), epoch(b.sent_at)
    if ta is None or tb is None or a.date_flag or b.date_flag:
        return False
    d = abs(ta - tb)
    r = d % 1800
    return d <= MAX_ZONE_SHIFT_HOURS * 3600 + DATE_SLACK_SECONDS and min(r, 1800 - r) <= DATE_SLACK_SECONDS


def subjects_agree(a: Msg, b: Msg) -> bool | None:
    sa, sb = norm_subject(a.subject), norm_subject(b.subject)
    if not sa or not sb:
        return None
    if sa == sb:
        return True
    short, long_ = sorted((sa, sb), key=len)
    return len(short) >= 5 and long_.startswith(short)       # a printout cut the subject


def copy_reason(a: Msg, b: Msg, j: float) -> tuple[str, float] | None:
    """Why two documents are copies of one message, or None. Pure; see the module docstring."""
    if a.derived_from == b.id or b.derived_from == a.id:
        return None                                   # a quote is part of the message it is in
    if a.derived_from and a.derived_from == b.derived_from:
        return None                                   # two quote levels of one message
    if a.kind not in MESSAGE_KINDS or b.kind not in MESSAGE_KINDS:
        if a.kind == b.kind and j >= DOCUMENT_JACCARD:
            return f"near-identical text (J={j:.2f})", j
        return None
    if a.message_id and b.message_id:
        if a.message_id == b.message_id:
            if j >= SAME_ID_JACCARD or not a.words or not b.words:
                return "same Message-ID", 1.0
            return None
        if min(a.words, b.words) < SHORT_WORDS:
            return None                               # two sends of "ok", not one message re-filed
        if j < DIFFERENT_ID_JACCARD or not senders_agree(a, b) or subjects_agree(a, b) is False \
                or recipients_agree(a, b) is False:
            return None                               # a form letter to someone else is another message
        if dates_agree(a, b):
            return f"same text (J={j:.2f}), sender, recipients and time under different Message-IDs", j
        if zone_shifted(a, b):
            return f"same text (J={j:.2f}), sender and recipients under different Message-IDs; the times " \
                   f"differ by a whole-hour zone shift", j
        return None
    if j < NEAR_JACCARD:
        return None
    sender, date, subject = senders_agree(a, b), dates_agree(a, b), subjects_agree(a, b)
    if sender is False or date is False or subject is False:
        return None
    if min(a.words, b.words) < SHORT_WORDS and not (sender and date and subject is not False):
        return None
    agreed = [w for w, v in (("sender", sender), ("time", date), ("subject", subject)) if v]
    return f"near-identical text (J={j:.2f})" + (f", {', '.join(agreed)} agree" if agreed else ""), j


def candidate_pairs(sigs: SketchArray | SketchFile | np.ndarray, min_jaccard: float | None = None) -> np.ndarray:
    """Index pairs (i < j) sharing at least one band of their sketches (vectorised: for each band,
    documents are sorted by band key and every pair within MAX_BUCKET places of each other in one
    bucket is taken; bigger buckets are chained). With `min_jaccard`, each band's pairs are
    compared at once and only those that reach it are kept, so memory holds one band's
    candidates, not all of them (1.1M generated messages: 6.2 GB before, see bench/README.md).
    A band's candidates are kept as two int32 columns per distance in the bucket (4.4M a band at
    1.1M messages: 10 bytes a pair with their counts, instead of 42 as one int64 code list, its
    concatenation and a pair array)."""
    if isinstance(sigs, np.ndarray):
        sigs = SketchArray(sigs)
    n = len(sigs)
    if n < 2:
        return np.zeros((0, 2), dtype=np.int64)
    ix = np.int32 if n < 2 ** 31 else np.int64
    out = []
    mult = np.array([0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0x27D4EB2F165667C5],
                    dtype=np.uint64)[:ROWS]
    for b in range(BANDS):
        keys = np.zeros(n, dtype=np.uint64)          # a column at a time: temporaries of n, not n x ROWS
        for r in range(ROWS):
            keys += sigs.column(b * ROWS + r).astype(np.uint64) * mult[r]                # wraps: a hash
        order = np.argsort(keys, kind="stable").astype(ix)
        k = keys[order]
        del keys
        same = k[1:] == k[:-1]
        del k
        if not same.any():
            continue
        starts = np.flatnonzero(np.r_[True, ~same]).astype(ix)
        del same
        sizes = np.diff(np.r_[starts, n]).astype(ix)
        size_of = np.repeat(sizes, sizes)
        rank = np.arange(n, dtype=ix) - np.repeat(starts, sizes)          # place within the bucket
        del starts, sizes
        live = np.flatnonzero(size_of >= 2).astype(ix)
        parts: list[tuple[np.ndarray, np.ndarray]] = []
        for off in range(1, MAX_BUCKET + 1):
            live = live[rank[live] + off < size_of[live]]       # members with a partner `off` places on
            if off > 1:
                live = live[size_of[live] <= MAX_BUCKET]       # big buckets: only the chain (off == 1)
            if not len(live):
                break
            a, c = order[live], order[live + off]
            parts.append((np.minimum(a, c), np.maximum(a, c)))
        del order, size_of, rank, live
        if min_jaccard is not None:
            counts = _same_counts(sigs, parts)
            parts = [(a[k], c[k]) for (a, c), k in
                     zip(parts, (_jaccard_of(m) >= min_jaccard for m in counts))]
            del counts
        out.extend(a.astype(np.int64) * n + c for a, c in parts)   # one int per pair
    codes = np.concatenate(out) if out else np.zeros(0, dtype=np.int64)
    if not len(codes):                  # no band shared, or no shared band's pairs reached min_jaccard
        return np.zeros((0, 2), dtype=np.int64)
    codes.sort()                                   # (np.unique hashes: 8x slower on 2.5M pairs)
    codes = codes[np.r_[True, codes[1:] != codes[:-1]]]
    return np.stack([codes // n, codes % n], axis=1)


def _same_counts(sigs: SketchArray | SketchFile, parts: list[tuple[np.ndarray, np.ndarray]]) -> list[np.ndarray]:
    """For each part's pairs of rows, how many of the sketch values are equal: a column at a time
    (each column is read once for all parts; 8 bytes a pair are gathered at once, not 512)."""
    counts = [np.zeros(len(a), dtype=np.uint8) for a, _ in parts]
    if any(len(a) for a, _ in parts):
        for c in range(PERMUTATIONS):
            col = sigs.column(c)
            for (a, b), m in zip(parts, counts):
                m += col[a] == col[b]
    return counts


def _jaccard_of(counts: np.ndarray) -> np.ndarray:
    return (counts / PERMUTATIONS).astype(np.float32)


def pair_jaccard(sigs: SketchArray | SketchFile | np.ndarray, pairs: np.ndarray) -> np.ndarray:
    """The estimated Jaccard similarity of each pair of rows."""
    if isinstance(sigs, np.ndarray):
        sigs = SketchArray(sigs)
    return _jaccard_of(_same_counts(sigs, [(pairs[:, 0], pairs[:, 1])])[0])


def group(msgs: list[Msg] | MessageTable, sketches: tuple[np.ndarray, SketchFile] | None = None) -> list[Copy]:
    """Duplicate groups among `msgs` (Msg objects, or the stage's table): one Copy per member of
    every group of two or more. `sketches` (the analysis stage loads them so): the positions in
    `msgs` that have a sketch and their sketches, instead of each Msg's own `sketch`."""
    if sketches is not None:
        have, sigs = sketches
    else:
        have = [i for i, m in enumerate(msgs) if m.sketch and len(m.sketch) == PERMUTATIONS * 4]
        sigs = SketchArray(np.frombuffer(b"".join(msgs[i].sketch for i in have), dtype=np.uint32)
                           .reshape(len(have), PERMUTATIONS) if have else np.zeros((0, PERMUTATIONS), dtype=np.uint32))
    have = np.asarray(have, dtype=np.int64)
    table = msgs if isinstance(msgs, MessageTable) else MessageTable.of(msgs)
    n = len(table)
    parent = array("q", range(n))
    why: dict[int, tuple[str, float]] = {}
    reasons: dict[str, str] = {}                         # each reason text kept once

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def consider(i: int, j: int, jac: float) -> None:
        r = copy_reason(table[i], table[j], jac)
        if r is None:
            return
        ri, rj = find(i), find(j)
        if ri == rj:
            return
        parent[max(ri, rj)] = min(ri, rj)
        r = (reasons.setdefault(r[0], r[0]), r[1])
        for k in (i, j):
            if k not in why or why[k][1] < r[1]:
                why[k] = r

    pos = np.full(n, -1, dtype=np.int64)                # message -> its row in `sigs`, -1 without one
    pos[have] = np.arange(len(have))
    is_message = np.isin(table.kind, table.kind_codes(MESSAGE_KINDS))
    same_id = np.array([(i, j) for i, later in _same_id(table.mid, is_message) for j in later],
                       dtype=np.int64).reshape(-1, 2)          # in the order of the ids' first copies
    sketched = (pos[same_id] >= 0).all(axis=1)
    jacs = np.zeros(len(same_id), dtype=np.float32)
    jacs[sketched] = pair_jaccard(sigs, pos[same_id[sketched]])
    for (i, j), jac in zip(same_id.tolist(), jacs.tolist()):
        consider(i, j, jac)
    del same_id, sketched, jacs
    family = np.where(is_message, -1, table.kind)
    pairs = candidate_pairs(sigs, min(NEAR_JACCARD, SAME_ID_JACCARD))
    if len(pairs):
        jacs = pair_jaccard(sigs, pairs)
        for (i, j), jac in zip(have[pairs].tolist(), jacs.tolist()):
            if family[i] == family[j]:
                consider(i, j, jac)
    groups: dict[int, list[int]] = {}                    # only groups of two or more, root first
    for i in range(n):
        r = find(i)
        if r != i:                                        # a root is its group's smallest index
            groups.setdefault(r, [r]).append(i)
    out = []
    for r in sorted(groups):
        members = groups[r]
        canon = min(members, key=lambda i: canonical_rank(table[i]))
        gid = table.doc_id(canon)
        for i in members:
            reason, score = why.get(i, ("", 0.0))
            if i == canon:
                reason, score = "canonical: the most original copy", 1.0
            out.append(Copy(table.doc_id(i), gid, i == canon, reason, round(float(score), 3)))
    return out


def _same_id(mids: np.ndarray, is_message: np.ndarray) -> list[tuple[int, list[int]]]:
    """Messages sharing a Message-ID: (the first, [the later ones]), in the order of the firsts."""
    sel = np.flatnonzero((mids != 0) & is_message)
    order = sel[np.argsort(mids[sel], kind="stable")]        # stable: each id's copies in row order
    codes = mids[order]
    starts = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]]) if len(order) else np.zeros(0, dtype=np.int64)
    ends = np.r_[starts[1:], len(order)].astype(np.int64)
    shared = ends - starts > 1                               # (a list of every id's start: 140 MB at 1.1M)
    out = [(int(order[a]), order[a + 1:b].tolist()) for a, b in zip(starts[shared].tolist(), ends[shared].tolist())]
    out.sort()
    return out


def canonical_rank(m: Msg) -> tuple:
    """The most original copy first: a real e-mail before an Outlook item before a printout before
    a quote; then one with a Message-ID, a zoned date, more words; then the smallest id."""
    return (KIND_RANK.get(m.kind, 9), not m.message_id, m.date_flag is not None, -(m.words or 0), m.id)
