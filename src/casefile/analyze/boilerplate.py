"""Boilerplate: text that repeats across a case's messages — disclaimers, confidentiality
notices, signatures, list footers, calendar footers, a deposition calendar printed under every
letter. It is found from the case itself, not from a word list: a sentence written the same way
in several different messages (not copies of one message: those are one duplicate group) is no
statement of an act by any of them. Boilerplate stays searchable; it is kept out of events,
points of contention and the briefing.

Everything here is a pure function of (document, day, sentence) rows, except `from_store`, which
reads them.
"""
from __future__ import annotations

import re
from collections import defaultdict
from typing import Iterable

from ..store import queries

MIN_WORDS = 5
"""Sentences under five words ("Thanks.", "See you Monday.") repeat by chance; they are never
called boilerplate."""
MIN_DOCUMENTS = 3
LONG_WORDS = 12
MIN_DOCUMENTS_LONG = 2
MIN_DAYS = 2
"""A sentence is boilerplate when it stands in at least three different messages, or, from twelve
words on, in two — and those messages were sent on at least two different days. The same
sentences in two messages of one day are one message printed twice (a reply's quoted original
the splitter could not tell apart, a forward), not a footer: they stay evidence. Measured on the
real court exhibits (../shared/corpora/pdf-court-exhibits-printed-emails, 74 documents): the
rule flags 35 sentences there, every one a disclaimer, signature or newsletter line (law firms', a PR firm's,
two newspapers') and none of the ten sentences of two e-mails by the defendant that the exhibits
print twice on the same day; counting documents alone flagged those ten as well."""

_WORD = re.compile(r"\w+")


def key(text: str) -> str:
    """A sentence's letters and digits, lower-cased, without punctuation, spacing or line breaks:
    OCR splits and joins words at random ("No responsibil ity is accepted"), so the spaces are
    left out too."""
    return "".join(_WORD.findall((text or "").lower()))


def _words(text: str) -> int:
    return len(_WORD.findall(text or ""))


def repeated(rows: Iterable[tuple[str, str | None, str]]) -> set[str]:
    """The keys of the sentences that are boilerplate, from (document id, day sent, sentence)
    rows (each message once: copies of one message must be given as one)."""
    docs: dict[str, set[str]] = defaultdict(set)
    days: dict[str, set[str]] = defaultdict(set)
    words: dict[str, int] = {}
    for doc, day, sentence in rows:
        n = _words(sentence)
        if n >= MIN_WORDS:
            k = key(sentence)
            docs[k].add(doc)
            days[k].add((day or "")[:10])
            words[k] = n
    return {k for k, ds in docs.items() if len(days[k]) >= MIN_DAYS
            and (len(ds) >= MIN_DOCUMENTS or (len(ds) >= MIN_DOCUMENTS_LONG and words[k] >= LONG_WORDS))}


def is_boilerplate(sentence: str, keys: set[str]) -> bool:
    return bool(keys) and key(sentence) in keys


PREFIX = 32
"""A boilerplate sentence is recognised inside a longer passage by its first 32 letters and digits
("…what did you decide to do? please note The information contained in this communication is
confidential…": the splitter saw one sentence, a short message and a firm's notice)."""


def prefixes(keys: set[str]) -> set[str]:
    return {k[:PREFIX] for k in keys if len(k) >= PREFIX}


def starts_at(text: str, starts: set[str]) -> int | None:
    """Where in `text` a boilerplate sentence begins (an offset into `text`), or None."""
    if not starts or not text:
        return None
    at = [i for i, ch in enumerate(text) if ch.isalnum() or ch == "_"]
    flat = "".join(text[i].lower() for i in at)
    for pos in range(0, len(flat) - PREFIX + 1):
        if flat[pos:pos + PREFIX] in starts:
            return at[pos]
    return None


def own_part(text: str, keys: set[str], starts: set[str]) -> str | None:
    """The part of a passage before any boilerplate in it; None when the whole passage is
    boilerplate (or nothing of substance is left before it)."""
    if is_boilerplate(text, keys):
        return None
    cut = starts_at(text, starts)
    if cut is None:
        return text
    head = text[:cut].rstrip()
    return head if len(_WORD.findall(head)) >= 3 else None


_LAST: dict = {}


def from_store(db, kinds: tuple[str, ...]) -> set[str]:
    """The boilerplate keys of a case: over the searchable passages of its canonical documents of
    `kinds` (messages; articles are not evidence of each other). Kept for the last state of the
    case asked about: a briefing asks for them for its timeline and again for its points of
    contention."""
    path = db.execute("PRAGMA database_list").fetchone()[2]
    state = (path, tuple(kinds)) + tuple(db.execute(
        "SELECT (SELECT MAX(id) FROM passages), (SELECT SUM(searchable) FROM passages), "
        "(SELECT COUNT(*) FROM duplicates WHERE canonical = 0), (SELECT MAX(rowid) FROM documents)").fetchone())
    if _LAST.get("state") != state:
        _LAST.clear()
        _LAST.update(state=state, keys=_from_store(db, kinds))
    return set(_LAST["keys"])


def _from_store(db, kinds: tuple[str, ...]) -> set[str]:
    copies = queries.copies(db)
    spans: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for doc, a, b in db.execute('SELECT doc_id, start, "end" FROM passages WHERE searchable = 1'):
        if doc not in copies:
            spans[doc].append((a, b))
    docs = db.execute("SELECT id, sent_at, text FROM documents WHERE kind IN ({})".format(",".join("?" * len(kinds))),
                      kinds)
    return repeated((doc, day, text[a:b]) for doc, day, text in docs if doc in spans and text for a, b in spans[doc])
