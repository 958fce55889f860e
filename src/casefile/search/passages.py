"""Passages: every document cut into citable pieces of a few sentences, with character offsets
into its text and the page and Bates number they are printed on.

Passages are what semantic search and quote finding rank and cite. They hold whole sentences
(English and German rules: abbreviations such as "Dr." or "z. B.", ordinal dates such as
"12. April" and decimal numbers do not end one), up to `MAX_PASSAGE_CHARS`. An e-mail's passages
cover only its own text: the messages it quotes are documents of their own (`quoted-email`), and
their words are cited there; lines quoted with '>' are left out wherever they are.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass

from ..store import queries

MAX_PASSAGE_CHARS = 120
"""A passage is cut before the sentence that would take it past 120 characters: in practice one
sentence, or two short ones. Quotes are sentences, and a sentence's vector is diluted by its
neighbours: on eval/retrieval's 10k-message case recall@5 was 0.90 with passages of up to 360 or
200 characters and 0.94 with 120 (same scorer, before clause matching), at 1.9x the passages of
360 (40k instead of 21k for 10k messages). Quotes that straddle passages are scored on windows
over neighbouring passages (search.quote)."""
MAX_SENTENCE_CHARS = 600
"""A "sentence" longer than this (a table, a run-on list without full stops) is cut at a word
boundary so that no passage is unboundedly long."""
MIN_PASSAGE_CHARS = 40
"""A last piece shorter than this (a signature, "Anna") joins the passage before it."""
MAX_PASSAGES_PER_DOC = 2_000
"""A 700 KB document has about 2,000 passages; beyond that the rest of a huge text is still in
the store and in full-text search, but not cut (bounded work per hostile input)."""

_ABBREV = {
    "dr", "prof", "mr", "mrs", "ms", "st", "nr", "no", "vs", "ca", "bzw", "usw", "vgl", "abs", "art",
    "inc", "ltd", "co", "corp", "jr", "sr", "hr", "fr", "geb", "str", "tel", "ggf", "evtl", "inkl",
    "zzgl", "mio", "mrd", "tsd", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct",
    "okt", "nov", "dec", "dez", "etc", "approx", "dipl", "ing", "mag", "e.g", "i.e", "z.b", "d.h", "u.a",
}
_MONTHS = ("januar", "jänner", "februar", "märz", "april", "mai", "juni", "juli", "august", "september",
           "oktober", "november", "dezember")
# a sentence ends at . ! ? … (with closing quotes or brackets) before whitespace, or at a blank line
_END = re.compile(r"""[.!?…]+["'»«“”‘’)\]]*(?=\s)|\n[ \t]*\n""")
_WORD_BEFORE = re.compile(r"([\w.]+)\.?$")


@dataclass(slots=True)
class Passage:
    seq: int
    start: int
    end: int
    page: int | None = None
    bates: str | None = None
    lang: str | None = None


def sentences(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """[(start, end)] of the sentences of text[start:end], whitespace trimmed, none empty."""
    end = len(text) if end is None else end
    out = []
    pos = start
    for m in _END.finditer(text, start, end):
        if m.group(0)[0] == "." and not _ends_sentence(text, m.start(), m.end()):
            continue
        out.append((pos, m.end()))
        pos = m.end()
    out.append((pos, end))
    trimmed = []
    for a, b in out:
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if b > a:
            trimmed.extend(_cut_long(text, a, b))
    return trimmed


def _ends_sentence(text: str, dot: int, after: int) -> bool:
    """Whether the full stop at `dot` ends a sentence: not after an abbreviation, an initial, or
    a day number before a month ("12. April"), and not when a lower-case word follows."""
    m = _WORD_BEFORE.search(text, max(0, dot - 12), dot)
    word = m.group(1).lower() if m else ""
    if word.rstrip(".") in _ABBREV or (len(word) == 1 and word.isalpha()):
        return False
    nxt = text[after:after + 20].lstrip()
    if not nxt:
        return True
    if nxt[0].islower():
        return False
    if word.isdigit() and len(word) <= 2 and nxt.lower().startswith(_MONTHS):
        return False
    return True


def _cut_long(text: str, a: int, b: int) -> list[tuple[int, int]]:
    out = []
    while b - a > MAX_SENTENCE_CHARS:
        cut = text.rfind(" ", a + MAX_SENTENCE_CHARS // 2, a + MAX_SENTENCE_CHARS)
        if cut <= a:
            cut = a + MAX_SENTENCE_CHARS
        out.append((a, cut))
        a = cut
        while a < b and text[a].isspace():
            a += 1
    if b > a:
        out.append((a, b))
    return out


EDGE_MAX_WORDS = 12
"""A salutation ("Dear Anna, dear Jan,") or sign-off ("Best regards, Mia Shah, Partner,
Corvid Ventures") is a piece at the start or end of a message with at most 12 words and no
full stop, question or exclamation mark. Such pieces are left out of passages: they carry no
claim, and in a two-sentence passage they pulled the vector of a translated quote's source
below boilerplate of other messages (eval/retrieval)."""
_TERMINAL = re.compile(r"[.!?…][\"'»«“”‘’)\]]*$")


def _is_edge(text: str, a: int, b: int) -> bool:
    piece = text[a:b]
    return len(piece.split()) <= EDGE_MAX_WORDS and not _TERMINAL.search(piece.rstrip())


def content(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The sentences without the salutation before the first and the sign-off after the last
    (all of them when nothing else is left)."""
    a, b = 0, len(spans)
    while a < b and _is_edge(text, *spans[a]) and a < 2:
        a += 1
    while b > a and _is_edge(text, *spans[b - 1]):
        b -= 1
    return spans[a:b] if b > a else spans


def windows(spans: list[tuple[int, int]], limit: int = MAX_PASSAGE_CHARS) -> list[tuple[int, int]]:
    """Group consecutive sentences into passages of at most `limit` characters (a longer single
    sentence is a passage of its own); a piece shorter than MIN_PASSAGE_CHARS ("Thank you.")
    joins its neighbour."""
    out: list[list[int]] = []
    for a, b in spans:
        if out and (b - out[-1][0] <= limit or out[-1][1] - out[-1][0] < MIN_PASSAGE_CHARS):
            out[-1][1] = b
        else:
            out.append([a, b])
    if len(out) > 1 and out[-1][1] - out[-1][0] < MIN_PASSAGE_CHARS:
        last = out.pop()
        out[-1][1] = last[1]
    return [(a, b) for a, b in out]


def own_end(kind: str, text: str) -> int:
    """Where an e-mail's own text ends (its quoted messages are documents of their own)."""
    if kind not in ("email", "outlook-item") or not text:
        return len(text)
    from ..ingest.documents import own_text
    own = own_text(text).rstrip()
    if own and text.startswith(own):
        return len(own)
    head = own[:200]
    if head and text.startswith(head):
        return min(len(text), len(own))
    return len(text)


def cut(kind: str, text: str, pages: list[dict] | None = None, citation: dict | None = None,
        lang: str | None = None, lang_spans: list[dict] | None = None) -> list[Passage]:
    """The passages of one document."""
    if not text or not text.strip():
        return []
    end = own_end(kind, text)
    blocks = _unquoted_blocks(text, end) if ">" in text[:end] else [(0, end)]
    sents = [(s, i) for i, (a, b) in enumerate(blocks) for s in sentences(text, a, b)]
    kept = set(content(text, [s for s, _ in sents]))
    spans = []
    for i in range(len(blocks)):
        spans.extend(windows([s for s, j in sents if j == i and s in kept]))
    spans = spans[:MAX_PASSAGES_PER_DOC]
    out = []
    for i, (a, b) in enumerate(spans):
        p = Passage(i, a, b, lang=_lang_at(a, lang, lang_spans))
        p.page, p.bates = _page_at(a, pages, citation)
        out.append(p)
    return out


_QUOTED_LINE = re.compile(r"^[ \t]*>")


def _unquoted_blocks(text: str, end: int) -> list[tuple[int, int]]:
    """The stretches of text[:end] between lines quoted with '>': those are another author's
    words (an interleaved reply), never to be cited as the sender's."""
    out, start, pos = [], 0, 0
    for line in text[:end].splitlines(keepends=True):
        if _QUOTED_LINE.match(line):
            if pos > start:
                out.append((start, pos))
            start = pos + len(line)
        pos += len(line)
    if end > start:
        out.append((start, end))
    return out


def _lang_at(pos: int, lang: str | None, spans: list[dict] | None) -> str | None:
    for s in spans or ():
        if s["start"] <= pos < s["end"]:
            return s["lang"]
    return lang


def _page_at(pos: int, pages: list[dict] | None, citation: dict | None) -> tuple[int | None, str | None]:
    """The page (and its first Bates number) a passage starting at `pos` is printed on: from the
    page offsets of a PDF, else from a citation that names one page."""
    if pages:
        for p in pages:
            if p.get("start", 0) <= pos < p.get("end", 0):
                bates = p.get("bates") or []
                return p.get("page"), (bates[0] if bates else None)
        last = pages[-1]
        return last.get("page"), ((last.get("bates") or [None])[0])
    if citation:
        pg = citation.get("pages")
        if pg and pg[0] == pg[-1]:
            bates = citation.get("bates") or []
            return pg[0], (bates[0] if bates else None)
    return None, None


# ------------------------------------------------------------------ the stage
BATCH = 2_000
STATE_VERSION = 1


def searchable_kind(kind: str, source_has_printed_emails: bool) -> bool:
    """An exhibit PDF whose printed e-mails were recovered as documents of their own is not
    searchable (those are cited instead); every other kind is. `searchable_kinds_sql` says the
    same in SQL for documents already stored; the ingest workers use this one."""
    return kind != "pdf" or not source_has_printed_emails


def searchable_kinds_sql() -> str:
    """`searchable_kind` for a stored document `d`."""
    return ("d.kind != 'pdf' OR NOT EXISTS (SELECT 1 FROM documents c WHERE c.source_id = d.source_id"
            " AND c.kind = 'printed-email')")


def run(db, progress=None) -> int:
    """Cut every document not yet cut; return how many were. Each batch is committed with its
    documents marked, so a killed run resumes where it stopped and adds no passage twice.

    A passage is `searchable` (it gets a vector and stands for its message in semantic search)
    unless its document is a copy of another (analyze.dedupe), or an exhibit PDF whose printed
    e-mails were recovered as documents of their own (those are cited instead)."""
    from ..store.sqlite import Transaction
    copies = queries.copies(db)
    done = 0
    while True:
        rows = db.execute(
            "SELECT d.id, d.kind, d.text, d.pages, d.citation, d.lang, d.lang_spans,"
            f" ({searchable_kinds_sql()}) AS whole FROM documents d WHERE d.passaged = 0 LIMIT ?",
            (BATCH,)).fetchall()
        if not rows:
            break
        batch = []
        for r in rows:
            ps = cut(r["kind"], r["text"] or "", json.loads(r["pages"]) if r["pages"] else None,
                     json.loads(r["citation"]) if r["citation"] else None, r["lang"],
                     json.loads(r["lang_spans"]) if r["lang_spans"] else None)
            ok = 1 if (r["whole"] and r["id"] not in copies) else 0
            batch.extend((r["id"], p.seq, p.start, p.end, p.page, p.bates, p.lang, ok) for p in ps)
        with Transaction(db):
            db.executemany('INSERT OR IGNORE INTO passages (doc_id, seq, start, "end", page, bates, lang, searchable)'
                           " VALUES (?,?,?,?,?,?,?,?)", batch)
            db.executemany("UPDATE documents SET passaged = 1 WHERE id = ?", [(r["id"],) for r in rows])
        done += len(rows)
        if progress:
            progress(done)
    _refresh_searchable(db, copies)
    return done


GENERATION_KEY = "passages_generation"


def generation(db) -> int:
    """Bumped whenever passages already embedded become searchable again: the vector index,
    which only appends, must then be rebuilt."""
    row = db.execute("SELECT value FROM meta WHERE key=?", (GENERATION_KEY,)).fetchone()
    return int(row[0]) if row else 0


def _refresh_searchable(db, copies: set[str]) -> None:
    """A later ingest can make a searchable document a copy of a better one, or the reverse:
    keep the flag in step with the current duplicate groups."""
    from ..store.sqlite import Transaction
    with Transaction(db):
        db.execute("CREATE TEMP TABLE IF NOT EXISTS _copies (doc_id TEXT PRIMARY KEY)")
        db.execute("DELETE FROM _copies")
        db.executemany("INSERT OR IGNORE INTO _copies VALUES (?)", [(c,) for c in copies])
        db.execute("UPDATE passages SET searchable = 0 WHERE searchable = 1 AND doc_id IN (SELECT doc_id FROM _copies)")
        # from the few passages not searchable to their documents, not from every document to its
        # passages: listing the searchable documents read the whole documents table (1.7 s of a
        # 100k-message ingest, the last thing it did)
        on = db.execute(
            "UPDATE passages SET searchable = 1 WHERE searchable = 0 AND doc_id NOT IN (SELECT doc_id FROM _copies)"
            f" AND EXISTS (SELECT 1 FROM documents d WHERE d.id = passages.doc_id AND ({searchable_kinds_sql()}))").rowcount
        if on:
            db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (GENERATION_KEY, str(generation(db) + 1)))
        db.execute("DROP TABLE _copies")
