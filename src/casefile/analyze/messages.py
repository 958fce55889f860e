"""The case's documents as the analysis reads them: a `MessageTable` of columns (numbers in arrays,
each distinct string kept once), and a `Msg` view of one row for the pairwise rules.

Message-IDs are numbered: the threading and the duplicate rules only ask whether two ids are the
same, so a row holds the numbers of its Message-ID, In-Reply-To and References, and the texts
are looked up only for what is written out (a thread's smallest id, a missing parent's id).
A table loaded from a case numbers them in a temporary SQLite table, so the million ids of a big
case never sit in Python memory (~170 B each as a dict of strings).

Rows are in document-id order, so a row's number breaks ties exactly as its id would.

Memory: ~120 bytes a row plus its subject's and References' bytes (1.1M messages: see
bench/README.md); the rows as objects with their own strings took ~1.17 KB.
"""
from __future__ import annotations

from array import array
from dataclasses import dataclass, field
from datetime import datetime
from typing import Iterable

import numpy as np

ID_WIDTH = 16
"""Document ids are the first 16 hex digits of a sha256 (`store.sqlite.doc_id`); any other id
switches the column to Python strings."""
SENT_WIDTH = 24
"""Stored times are ISO ('2016-03-01T09:00:00Z', 20 characters; zone-less 19; a date 10)."""
_EPOCH = datetime(1970, 1, 1)


def epoch(value: str | None) -> float | None:
    """Seconds for an ISO time as stored ('...Z', zone-less wall time, or a date): all read as UTC,
    so a zone-less time compares as the wall time it is."""
    if not value:
        return None
    try:
        d = datetime.fromisoformat(value[:19] if len(value) > 10 else value)
    except ValueError:
        return None
    return (d - _EPOCH).total_seconds()


@dataclass(slots=True)
class Msg:
    """What the analysis needs of a document (tests build these; a `MessageTable` hands them out
    with Message-IDs as numbers)."""
    id: str
    kind: str
    message_id: str | int | None = None
    in_reply_to: str | int | None = None
    refs: list = field(default_factory=list)
    subject: str | None = None
    from_name: str | None = None
    from_addr: str | None = None
    sent_at: str | None = None
    date_flag: str | None = None
    sketch: bytes | None = None
    words: int = 0
    derived_from: str | None = None
    source_id: int | None = None
    locator: str = ""
    sender: str | None = None          # resolved person id
    recipients: tuple = ()             # resolved person ids
    meta: dict = field(default_factory=dict)


class Strings:
    """Distinct values, numbered from 1 with 0 for None (or from 0 without it)."""

    def __init__(self, with_none: bool = True):
        self.values: list = [None] if with_none else []
        self._code: dict = {None: 0} if with_none else {}

    def code(self, s) -> int:
        c = self._code.get(s)
        if c is None:
            c = self._code[s] = len(self.values)
            self.values.append(s)
        return c


class TextColumn:
    """One text per row, appended in row order into one UTF-8 buffer (None kept apart from "").
    For texts that are mostly distinct, such as subjects: 627k distinct subjects among 1.1M
    messages took ~93 MB as strings numbered in a dict, and take ~45 MB here."""

    def __init__(self):
        self.buf = bytearray()
        self.at = array("q", [0])
        self.none = bytearray()

    def append(self, s: str | None) -> None:
        if s:
            self.buf += s.encode("utf-8", "surrogatepass")
        self.at.append(len(self.buf))
        self.none.append(s is None)

    def __getitem__(self, i: int) -> str | None:
        a, b = self.at[i], self.at[i + 1]
        if a == b:
            return None if self.none[i] else ""
        return self.buf[a:b].decode("utf-8", "surrogatepass")

    def __len__(self) -> int:
        return len(self.none)


class MessageTable:
    """Columns of the documents, one row each, in id order. `mids` turns Message-ID numbers back
    into text (`mid_text`, `min_mid`)."""

    def __init__(self, n: int):
        self.n = n
        self.ids = np.zeros(n, dtype=f"S{ID_WIDTH}")
        self.kind = np.zeros(n, dtype=np.int32)            # -> strings
        self.mid = np.zeros(n, dtype=np.int32)             # Message-ID number, 0: none
        self.irt = np.zeros(n, dtype=np.int32)
        self.refs_at = array("q", [0])                     # row i's References: refs[refs_at[i]:refs_at[i+1]]
        self.refs = array("q")
        self.subject = TextColumn()
        self.from_name = np.zeros(n, dtype=np.int32)
        self.from_addr = np.zeros(n, dtype=np.int32)
        self.sent = np.zeros(n, dtype=f"S{SENT_WIDTH}")    # b"": none
        self.epoch = np.full(n, np.nan)
        self.flag = np.zeros(n, dtype=np.int32)            # -> strings
        self.words = np.zeros(n, dtype=np.int32)
        self.source = np.zeros(n, dtype=np.int64)
        self.locator = np.zeros(n, dtype=np.int32)         # -> strings
        self.sender = np.zeros(n, dtype=np.int32)          # -> strings (person ids)
        self.recipients = np.zeros(n, dtype=np.int32)      # -> tuples of person ids
        self.derived: dict[int, str] = {}
        self.meta: dict[int, dict] = {}
        self.strings = Strings()
        self.tuples = Strings()
        self.tuples.values[0] = ()
        self.mids = None                                   # set by the loader
        self._at = 0

    # ---- filling
    def put(self, i: int, did: str, kind: str, mid: int, irt: int, refs: Iterable[int], subject, from_name, from_addr,
            sent, flag, words, source, locator, derived=None, meta=None) -> None:
        """Row `i` (rows are put in order)."""
        code = self.strings.code
        if self.ids.dtype != object and (len(did) != ID_WIDTH or not did.isascii()):
            self.ids = _as_str(self.ids)
        self.ids[i] = did if self.ids.dtype == object else did.encode()
        self.kind[i] = code(kind)
        self.mid[i] = mid
        self.irt[i] = irt
        self.refs.extend(refs)
        self.refs_at.append(len(self.refs))
        self.subject.append(subject)
        self.from_name[i] = code(from_name)
        self.from_addr[i] = code(from_addr)
        if sent:
            if self.sent.dtype != object and (len(sent) > SENT_WIDTH or not sent.isascii()):
                self.sent = _as_str(self.sent)
            self.sent[i] = sent if self.sent.dtype == object else sent.encode()
            t = epoch(sent)
            if t is not None:
                self.epoch[i] = t
        self.flag[i] = code(flag)
        self.words[i] = words or 0
        self.source[i] = source if source is not None else -1
        self.locator[i] = code(locator or "")
        if derived:
            self.derived[i] = derived
        if meta:
            self.meta[i] = meta

    def set_people(self, i: int, sender: str | None, recipients: tuple) -> None:
        self.sender[i] = self.strings.code(sender)
        self.recipients[i] = self.tuples.code(recipients) if recipients else 0

    @classmethod
    def of(cls, msgs: list[Msg]) -> "MessageTable":
        """A table of Msg objects (tests; the stage loads from the store)."""
        t = cls(len(msgs))
        ids = MidNumbers()
        for i, m in enumerate(msgs):
            t.put(i, m.id, m.kind, ids.code(m.message_id), ids.code(m.in_reply_to), [ids.code(r) for r in m.refs or ()],
                  m.subject, m.from_name, m.from_addr, m.sent_at, m.date_flag, m.words, m.source_id, m.locator,
                  m.derived_from, m.meta)
            t.set_people(i, m.sender, tuple(m.recipients or ()))
        t.mids = ids
        return t

    # ---- reading
    def __len__(self) -> int:
        return self.n

    def doc_id(self, i: int) -> str:
        v = self.ids[i]
        return v if isinstance(v, str) else v.decode()

    def index_of(self, doc_id: str) -> int:
        """The row of a document id, or -1."""
        key = doc_id if self.ids.dtype == object else doc_id.encode("utf-8", "replace")
        i = int(np.searchsorted(self.ids, key))
        return i if i < self.n and self.ids[i] == key else -1

    def sent_at(self, i: int) -> str | None:
        v = self.sent[i]
        return (v if isinstance(v, str) else v.decode()) or None

    def str(self, column: np.ndarray, i: int):
        return self.strings.values[column[i]]

    def ref_codes(self, i: int) -> list[int]:
        return self.refs[self.refs_at[i]:self.refs_at[i + 1]].tolist()

    def __getitem__(self, i: int) -> Msg:
        s = self.strings.values
        i = int(i)
        return Msg(id=self.doc_id(i), kind=s[self.kind[i]], message_id=int(self.mid[i]) or None,
                   in_reply_to=int(self.irt[i]) or None, refs=self.ref_codes(i), subject=self.subject[i],
                   from_name=s[self.from_name[i]], from_addr=s[self.from_addr[i]], sent_at=self.sent_at(i),
                   date_flag=s[self.flag[i]], words=int(self.words[i]), derived_from=self.derived.get(i),
                   source_id=int(self.source[i]), locator=s[self.locator[i]], sender=s[self.sender[i]],
                   recipients=self.tuples.values[self.recipients[i]], meta=self.meta.get(i, {}))

    def __iter__(self):
        return (self[i] for i in range(self.n))

    def kind_codes(self, kinds: Iterable[str]) -> np.ndarray:
        """The numbers of these kinds (those the table has)."""
        have = {v: c for c, v in enumerate(self.strings.values) if isinstance(v, str)}
        return np.array([have[k] for k in kinds if k in have], dtype=np.int32)


def _as_str(column: np.ndarray) -> np.ndarray:
    """A bytes column as Python strings (b"" stays "")."""
    out = np.empty(len(column), dtype=object)
    out[:] = [v.decode() for v in column.tolist()]
    return out


class MidNumbers:
    """Message-ID numbers kept in Python (tables built from Msg objects)."""

    def __init__(self):
        self._s = Strings()

    def code(self, mid) -> int:
        return self._s.code(mid) if mid else 0

    def text(self, codes: Iterable[int]) -> dict[int, str]:
        return {c: self._s.values[c] for c in codes}

    def smallest(self, codes: np.ndarray, groups: np.ndarray):
        """(group, its smallest Message-ID text) in ascending group order (`codes[k]` belongs to
        `groups[k]`)."""
        out: dict[int, str] = {}
        for c, g in zip(codes.tolist(), groups.tolist()):
            s = self._s.values[c]
            if g not in out or s < out[g]:
                out[g] = s
        return iter(sorted(out.items()))

    @property
    def count(self) -> int:
        return len(self._s.values) - 1


class SqlMidNumbers:
    """Message-ID numbers kept in a temporary SQLite table of the analysis's connection."""

    TABLE = "temp.analysis_mids"

    def __init__(self, db):
        self.db = db
        db.execute(f"CREATE TABLE IF NOT EXISTS {self.TABLE} (code INTEGER PRIMARY KEY, mid TEXT NOT NULL UNIQUE)")
        db.execute(f"DELETE FROM {self.TABLE}")
        db.execute(f"INSERT OR IGNORE INTO {self.TABLE} (mid) SELECT message_id FROM documents"
                   " WHERE message_id IS NOT NULL AND message_id != '' ORDER BY message_id")
        db.execute(f"INSERT OR IGNORE INTO {self.TABLE} (mid) SELECT j.value FROM documents d, json_each(json_insert("
                   " CASE WHEN json_valid(d.refs) THEN d.refs ELSE '[]' END, '$[#]', d.in_reply_to)) j"
                   " WHERE (d.in_reply_to IS NOT NULL OR d.refs IS NOT NULL) AND j.type = 'text' AND j.value != ''")
        self.count = db.execute(f"SELECT coalesce(MAX(code), 0) FROM {self.TABLE}").fetchone()[0]

    def code_sql(self, column: str) -> str:
        return f"coalesce((SELECT code FROM {self.TABLE} WHERE mid = {column}), 0)"

    def text(self, codes: Iterable[int]) -> dict[int, str]:
        out = {}
        q = f"SELECT mid FROM {self.TABLE} WHERE code = ?"
        for c in codes:
            row = self.db.execute(q, (c,)).fetchone()
            out[c] = row[0] if row else None
        return out

    def smallest(self, codes: np.ndarray, groups: np.ndarray):
        """As `MidNumbers.smallest`, read from SQLite as it goes (a dict of the texts of 372k
        threads is ~50 MB)."""
        self.db.execute("CREATE TEMP TABLE IF NOT EXISTS analysis_groups (code INTEGER, grp INTEGER)")
        self.db.execute("DELETE FROM temp.analysis_groups")
        for at in range(0, len(codes), 65536):         # a chunk at a time: lists of a million ints are 88 MB
            self.db.executemany("INSERT INTO temp.analysis_groups VALUES (?, ?)",
                                zip(codes[at:at + 65536].tolist(), groups[at:at + 65536].tolist()))
        return iter(self.db.execute(f"SELECT g.grp, MIN(m.mid) FROM temp.analysis_groups g JOIN {self.TABLE} m"
                                    " ON m.code = g.code GROUP BY g.grp ORDER BY g.grp"))

    def close(self) -> None:
        self.db.execute(f"DROP TABLE IF EXISTS {self.TABLE}")
        self.db.execute("DROP TABLE IF EXISTS temp.analysis_groups")
