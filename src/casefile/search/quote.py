"""Find the source of a quote: a sentence from an article, perhaps translated, shortened,
reordered, with names replaced by pronouns; answer with the source passages that say it, a
word-by-word alignment between quote and passage, and "nothing close enough" when that is so.

Candidates come from both rankings: the passages nearest the quote's vector, and the passages of
the documents that share most of its words (names and numbers survive translation). Each is then
scored by `source_score`: the best cosine between the quote and the passage or any run of one to
three of its sentences (a shortened quote matches its sentence better than the whole passage),
plus a bonus for the quote's content words found in it.
"""
from __future__ import annotations

import re
from collections import OrderedDict
from dataclasses import dataclass, field

import numpy as np

from . import embeddings
from ..analyze.entities import NUMBER_WORDS
from .fulltext import _stems
from .passages import sentences
from .semantic import Filters

CANDIDATES = 40
"""Passages taken from the vector ranking for re-scoring."""
WINDOW_CANDIDATES = 24
"""The first 24 of them (and each clause's best) are also scored on every run of one to three
sentences around them; the rest on their own passage. Embedding those windows is most of a
quote's time: all 40 cost 1.1 s a quote on the 10k eval case, 24 cost 0.55 s with the same recall."""
CANDIDATE_POOL = 200
NEAR_TWIN = 0.92
"""Candidates are chosen from the first 200 vectors so that no two have a cosine above 0.92
(maximal marginal relevance with a hard cut): a template sentence with 30 fillings ("The delivery
of {product} for {company} is delayed until {day}") would otherwise take 30 of the 40 places.
Identical passages share one vector to begin with (search.vectors)."""
TEXT_CANDIDATE_DOCS = 15
AMOUNT_CANDIDATE_DOCS = 10
"""A quote stating a sum of at least AMOUNT_MIN also takes the passages of the (up to) 10 best
documents that write the same sum in any of its usual forms ("EUR 1.2 million", „1,2 Millionen
Euro“, "1.200.000"). Sums do not change across languages when the words do: on eval/verify the
German "er verkaufe seine Anteile nicht unter 1,2 Millionen Euro" ranks its English source ("I
will not sell my shares for less than EUR 1.2 million") outside the vector candidates."""
AMOUNT_MIN = 1_000
"""Smaller sums (and bare numbers) are too common to find a source by."""
MAX_WINDOW_SENTENCES = 3
CLAUSE_CANDIDATES = 10
"""Each clause of a quote of several clauses also fetches its own 10 nearest passages: a source
sentence that says one half of the quote is often far from the whole quote's vector."""
CLAUSE_HEAD = 3
"""The first three of each clause's own candidates are always re-scored with the best overall."""
MAX_QUOTE_CLAUSES = 6
MIN_CLAUSE_WORDS = 3
CLAUSE_MIX = 0.5
"""For a quote of several clauses the cosine is the mean of the whole-quote cosine and the
clause-by-clause match (clause_match). On eval/retrieval this brought three translated needles of
the 10k case ("... kündigt den Liefervertrag zum Jahresende, weil ...") from outside the first
five to first place, and cost none."""
_CLAUSE_CUT = re.compile(r"[,;:]\s+|\s+(?:because|if|when|while|although|but|and|weil|wenn|als|obwohl|aber|und|"
                         r"sondern|dass|that)\s+", re.I)
RERANK = 30
"""The best 30 candidates by cosine are matched clause by clause, aligned word by word and
re-scored. With 15, and shared stems counted in the first pass, the English source of a German
quote fell out behind German boilerplate that shared its words (eval/retrieval b09)."""
LEX_WEIGHT = 0.25
"""Weight of the share of the quote's content words found in the passage (by stem, so also
"Kaufpreis" for "Kaufpreise"; across languages only names and numbers count). Chosen on
eval/retrieval: 0 lost recall@1 on quotes whose sentence has a near-twin in another message;
above 0.35 the English word "board" began to outweigh the meaning for German quotes."""
LEXICAL_HEAD = 4
"""Besides the candidates first in the vector ranking, the 4 best by cosine and shared words
together are scored on windows of sentences: a sentence full of sums ("a veto on budgets above
EUR 250,000") ranks low on meaning among other sums, and lost its window once the sample case
held a dozen more messages about money (eval/verify)."""
MIN_SOURCE_SCORE = 0.52
"""Below this best score the answer is "nothing in the case is close enough". Measured on
eval/retrieval (2026-11-22): of 88 quotes of case passages, 85 scored >= 0.52 (the misses: a
German rendering of the term sheet's "Founder vesting: 36 months", 0.42-0.45, and a loose
paraphrase, 0.44); of 18 quotes about things the case does not contain (same people and topics),
17 scored < 0.52 (the miss: "Keller said he had received a job offer from a robotics company
in Munich", 0.53 in the 10k case)."""
WORD_ALIGN_MIN = 0.6
"""Two words of different languages are aligned when their vectors' cosine is at least 0.6 and
each is the other's best match ("seat"/"Sitz" 0.87, "Friday"/"Freitag" 0.90, "board"/"Beirat"
0.48 is rightly left out)."""
MAX_QUOTE_CHARS = 2_000
MAX_ALSO_IN = 20


@dataclass(frozen=True)
class Depth:
    """How far the quote finder looks: the candidates it takes from the vector ranking, how many
    of them it scores on windows of sentences, each clause's own candidates, the re-ranked head
    and the documents added from full-text search."""
    candidates: int = CANDIDATES
    window_candidates: int = WINDOW_CANDIDATES
    clause_candidates: int = CLAUSE_CANDIDATES
    clause_head: int = CLAUSE_HEAD
    rerank: int = RERANK
    text_docs: int = TEXT_CANDIDATE_DOCS
    amount_docs: int = AMOUNT_CANDIDATE_DOCS


FULL = Depth()
QUICK = Depth(candidates=12, window_candidates=6, clause_candidates=4, clause_head=2, rerank=12, text_docs=5,
              amount_docs=5)
NAMED = Depth(candidates=6, window_candidates=3, clause_candidates=0, clause_head=0, rerank=6, text_docs=0,
              amount_docs=3)
"""QUICK, for checking an article, where 40 claims must take at most 15 s against 100k messages
(issue 6): a third of the candidates. NAMED, for a claim's second search among the messages of
the person it names: a handful of candidates, no clause search, no full-text candidates but
those writing a sum the claim states. On eval/verify the verdicts and citations are the same as with
FULL (see bench/README.md for the time)."""
ENCODE_CACHE = 50_000
"""Vectors of the last 50,000 texts encoded for quotes (100 MB): the claims of one article come
back to the same source sentences and their windows."""
_cache: OrderedDict = OrderedDict()


def encode_cached(model, texts: list[str]) -> np.ndarray:
    """model.encode with an LRU cache keyed by model and text."""
    out: list = [None] * len(texts)
    todo = []
    for i, t in enumerate(texts):
        v = _cache.get((model.name, t))
        if v is None:
            todo.append(i)
        else:
            _cache.move_to_end((model.name, t))
            out[i] = v
    if todo:
        fresh = model.encode([texts[i] for i in todo])
        for i, v in zip(todo, fresh):
            out[i] = v
            _cache[(model.name, texts[i])] = v
        while len(_cache) > ENCODE_CACHE:
            _cache.popitem(last=False)
    return np.stack(out) if out else np.zeros((0, 1), dtype=np.float32)
CONTEXT_PASSAGES = 2
"""A source comes with the passages around its match, two either side (the sentences of the same
paragraph): where an amount or date a claim states may be written ("Vier Millionen bei zwölf
Millionen Bewertung" one sentence after the offer's currency)."""

_WORD = re.compile(r"\w+", re.U)
STOPWORDS = frozenset("""
a an the and or but if then than that this these those there here to of in on at by for with from as
is are was were be been being am do does did have has had will would shall should can could may might
must not no nor so too very it its it's he she they we you i me him her them us my your his our their
what which who whom whose when where why how all any both each few more most other some such only own
same just also again about into over under up down out off above below before after until while
yet still even ever one s t re ve ll d
der die das den dem des ein eine einen einem einer eines und oder aber wenn dann als dass daß ist sind
war waren sein bin bist seid wird werden wurde wurden worden hat haben hatte hatten habe hast kann
können konnte muss müssen soll sollen will wollen würde würden nicht kein keine keinen auch noch schon
nur so wie was wer wo warum mit von zu zum zur im in an am auf aus bei für über unter vor nach bis durch
gegen ohne um es er sie wir ihr ich du mich dich mir dir ihn ihm uns euch sich man mein dein sein ihr
unser euer diese dieser dieses diesen jener hier dort da denn doch ja nein sehr mehr
""".split())


def content_words(text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group(0)) for m in _WORD.finditer(text)
            if m.group(0).lower() not in STOPWORDS and (len(m.group(0)) > 1 or m.group(0).isdigit())]


def lexical_overlap(quote_words: list[str], passage_text: str) -> float:
    """The share of the quote's content words whose stems occur in the passage."""
    if not quote_words:
        return 0.0
    have = set()
    for _, _, w in content_words(passage_text):
        have |= _stems(w)
    return sum(1 for w in quote_words if _stems(w) & have) / len(quote_words)


def source_score(cosine: float, coverage: float) -> float:
    """How well a passage sources a quote: its best cosine plus LEX_WEIGHT x the share of the
    quote's content words aligned with the passage's (same word, stem, number or translation)."""
    return cosine + LEX_WEIGHT * coverage


class WordVectors:
    """Vectors of single words from the sentence model, computed in one batch and cached: the
    multilingual model places "Sitz" next to "seat" and "Freitag" next to "Friday"."""

    def __init__(self, model):
        self.model = model
        self.vecs: dict[str, np.ndarray] = {}

    def add(self, words) -> None:
        new = sorted({w.lower() for w in words} - self.vecs.keys())
        if new and self.model is not None:
            for w, v in zip(new, self.model.encode(new)):
                self.vecs[w] = v

    def matrix(self, words: list[str]) -> np.ndarray:
        self.add(words)
        return np.stack([self.vecs[w.lower()] for w in words])


@dataclass
class Candidate:
    passage_id: int
    doc_id: str
    start: int
    end: int
    page: int | None
    bates: str | None
    cosine: float = -1.0
    span: tuple[int, int] | None = None
    lexical: float = 0.0
    score: float = 0.0
    row: int = -1
    alignment: dict | None = None
    also_in: list = field(default_factory=list)


def _windows(text: str) -> list[tuple[int, int]]:
    """Runs of one to MAX_WINDOW_SENTENCES consecutive sentences (offsets into text)."""
    ss = sentences(text)
    out = []
    for i in range(len(ss)):
        for n in range(1, MAX_WINDOW_SENTENCES + 1):
            if i + n <= len(ss):
                out.append((ss[i][0], ss[i + n - 1][1]))
    return out


def clauses(text: str) -> list[tuple[int, int]]:
    """[(start, end)] of the clauses of a text: its sentences cut at commas, semicolons and the
    conjunctions that join two statements ("because", "weil", "if", "wenn", ...); pieces of fewer
    than MIN_CLAUSE_WORDS words stay with their neighbour."""
    out = []
    for a, b in sentences(text):
        pos = a
        for m in _CLAUSE_CUT.finditer(text, a, b):
            if len(text[pos:m.start()].split()) >= MIN_CLAUSE_WORDS and len(text[m.end():b].split()) >= MIN_CLAUSE_WORDS:
                out.append((pos, m.start()))
                pos = m.start() + (1 if text[m.start()] in ",;:" else 0)
        out.append((pos, b))
    return [(a + len(text[a:b]) - len(text[a:b].lstrip()), b) for a, b in out if text[a:b].strip()]


def clause_match(qvecs: np.ndarray, uvecs: np.ndarray) -> float:
    """How well a passage covers a quote clause by clause: the mean over the quote's clauses of
    the best cosine with any clause or sentence of the passage."""
    if not len(qvecs) or not len(uvecs):
        return -1.0
    return float((qvecs @ uvecs.T).max(axis=1).mean())


def find(case, quote: str, limit: int = 5, include_articles: bool = False, sender=None, recipient=None,
         after=None, before=None, source=None, depth: Depth = FULL) -> dict:
    db = case.db
    quote = " ".join(quote.split())[:MAX_QUOTE_CHARS]
    model = embeddings.get(embeddings.case_model(db))
    filters = Filters(sender, recipient, after, before, source,
                      exclude_kinds=None if include_articles else ("article",))
    qcl = [quote[x:y] for x, y in clauses(quote)][:MAX_QUOTE_CLAUSES]
    vecs = model.encode([quote] + (qcl if len(qcl) > 1 else []), query=True)
    qv, qcv = vecs[0], (vecs[1:] if len(qcl) > 1 else vecs[:1])
    cands: dict[int, Candidate] = {}
    pool = diverse(case, case.semantic.passages(db, qv, CANDIDATE_POOL, filters, per_vector=1), depth.candidates)
    clause_best: set[int] = set()
    if len(qcl) > 1 and depth.clause_candidates:
        for cv in qcv:
            got = diverse(case, case.semantic.passages(db, cv, CANDIDATE_POOL // 2, filters, per_vector=1),
                          depth.clause_candidates)
            clause_best.update(h.passage_id for h in got[:depth.clause_head])
            pool += got
    texts = _doc_texts(db, {h.doc_id for h in pool})
    for h in pool:
        if h.passage_id not in cands:
            cands[h.passage_id] = Candidate(h.passage_id, h.doc_id, h.start, h.end, h.page, h.bates, row=h.row)
    if depth.text_docs:
        _add_text_candidates(case, quote, filters, cands, depth.text_docs)
    if depth.amount_docs:
        _add_amount_candidates(case, quote, filters, cands, depth.amount_docs)
    texts.update(_doc_texts(db, {c.doc_id for c in cands.values()} - texts.keys()))
    regions = _regions(db, cands.values())
    qwords = [w for _, _, w in content_words(quote)]
    batch, owners = [], []
    windowed = {id(h_c) for h_c in list(cands.values())[:depth.window_candidates]}
    windowed |= {id(c) for pid, c in cands.items() if pid in clause_best}
    for c in cands.values():
        text = texts.get(c.doc_id, "")
        c.lexical = lexical_overlap(qwords, text[c.start:c.end])
        for a, b in [(c.start, c.end)] + (_passage_windows(c, text, regions) if id(c) in windowed else []):
            batch.append(" ".join(text[a:b].split()))
            owners.append((c, (a, b)))
    _best_spans(model, qv, batch, owners)
    # the passages that share most words, scored on windows too (a sentence of sums ranks low on
    # meaning alone, and its neighbours say what the sums are)
    lexical = sorted((c for c in cands.values() if id(c) not in windowed),
                     key=lambda c: (-source_score(c.cosine, c.lexical), c.passage_id))[:LEXICAL_HEAD]
    batch, owners = [], []
    for c in lexical:
        text = texts.get(c.doc_id, "")
        for a, b in _passage_windows(c, text, regions):
            if (a, b) != (c.start, c.end):
                batch.append(" ".join(text[a:b].split()))
                owners.append((c, (a, b)))
    _best_spans(model, qv, batch, owners)
    for pid, c in list(cands.items()):
        if pid in regions:
            _recentre(db, c, regions[pid][2])
        c.score = source_score(c.cosine, c.lexical)
    head = sorted(cands.values(), key=lambda c: (-c.cosine, c.passage_id))[:depth.rerank]
    head += [c for pid, c in cands.items() if pid in clause_best and c not in head]
    if len(qcl) > 1:
        _score_clauses(model, qcv, head, texts, regions)
    words = WordVectors(model)
    words.add(qwords + [w for c in head for _, _, w in content_words(texts.get(c.doc_id, "")[_matched(c)[0]:_matched(c)[1]])])
    for c in head:
        a, b = _matched(c)
        c.alignment = align(quote, texts.get(c.doc_id, "")[a:b], a, words)
        c.score = source_score(c.cosine, c.alignment["coverage"])
    ranked = _collapse(db, sorted(cands.values(), key=lambda c: (-c.score, c.passage_id)), texts)
    top = ranked[:limit]
    _same_wording(case, top)
    found = bool(top) and top[0].score >= MIN_SOURCE_SCORE
    return {"quote": quote, "found": found, "model": model.name, "threshold": MIN_SOURCE_SCORE,
            "message": None if found else "Nothing in the case is close enough to this quote.",
            "sources": [_describe(case, c, quote, texts.get(c.doc_id, ""), model, rank)
                        for rank, c in enumerate(top, 1)]}


def _passage_windows(c: Candidate, text: str, regions: dict) -> list[tuple[int, int]]:
    """The windows of sentences (offsets into text) of the candidate's region that overlap it."""
    ra, rb, _ = regions.get(c.passage_id, (c.start, c.end, None))
    return [(a + ra, b + ra) for a, b in _windows(text[ra:rb]) if a + ra < c.end and c.start < b + ra]


def _best_spans(model, qv, batch: list[str], owners: list) -> None:
    """Each candidate's cosine is that of its best span among those encoded."""
    if not batch:
        return
    sims = encode_cached(model, batch) @ qv
    for (c, span), s in zip(owners, sims):
        if float(s) > c.cosine:
            c.cosine = float(s)
            c.span = span if span != (c.start, c.end) else None


def diverse(case, hits, k: int):
    """The first k hits, skipping any whose vector is a near twin (cosine > NEAR_TWIN) of one
    already taken."""
    if not hits:
        return []
    vecs = case.semantic.vectors.vectors([h.row for h in hits])
    taken: list[int] = []
    for i in range(len(hits)):
        if taken and float((vecs[taken] @ vecs[i]).max()) > NEAR_TWIN:
            continue
        taken.append(i)
        if len(taken) >= k:
            break
    return [hits[i] for i in taken]


def _score_clauses(model, qcv, head, texts, regions) -> None:
    """Blend each head candidate's cosine with its clause-by-clause match (see clause_match)."""
    units, owners = [], []
    for c in head:
        text = texts.get(c.doc_id, "")
        ra, rb, _ = regions.get(c.passage_id, (c.start, c.end, None))
        region = text[ra:rb]
        for a, b in sorted(set(clauses(region)) | set(sentences(region))):
            units.append(" ".join(region[a:b].split()))
            owners.append(c)
    if not units:
        return
    uv = encode_cached(model, units)
    for c in head:
        rows = [i for i, o in enumerate(owners) if o is c]
        c.cosine = (1 - CLAUSE_MIX) * c.cosine + CLAUSE_MIX * clause_match(qcv, uv[rows])


def _same_wording(case, top) -> None:
    """List, for each result, the other documents with exactly the same passage (boilerplate)."""
    rows = case.semantic.vectors.rows
    for c in top:
        if c.row < 0 or c.span is not None and not (c.start <= c.span[0] and c.span[1] <= c.end):
            continue
        for p in case.semantic.vectors.same_vector(c.row, MAX_ALSO_IN + 1):
            doc = case.db.execute("SELECT id FROM documents WHERE rowid=?", (int(rows["doc"][p]),)).fetchone()
            if doc and doc[0] != c.doc_id and doc[0] not in c.also_in and len(c.also_in) < MAX_ALSO_IN:
                c.also_in.append(doc[0])


def _matched(c: Candidate) -> tuple[int, int]:
    """The stretch a candidate is judged on: its passage and its best window together."""
    if c.span is None:
        return c.start, c.end
    return min(c.start, c.span[0]), max(c.end, c.span[1])


def _regions(db, cands) -> dict[int, tuple[int, int]]:
    """For each candidate, the stretch from the start of the passage before it to the end of the
    one after it (a quote of two sentences may straddle two passages)."""
    cands = list(cands)
    docs = sorted({c.doc_id for c in cands})
    spans: dict[str, list] = {}
    for a in range(0, len(docs), 500):
        chunk = docs[a:a + 500]
        for r in db.execute('SELECT doc_id, id, start, "end" FROM passages WHERE doc_id IN'
                            f" ({','.join('?' * len(chunk))}) ORDER BY doc_id, seq", chunk):
            spans.setdefault(r[0], []).append((r[1], r[2], r[3]))
    out = {}
    for c in cands:
        ps = spans.get(c.doc_id, [])
        i = next((k for k, p in enumerate(ps) if p[0] == c.passage_id), None)
        if i is not None:
            out[c.passage_id] = (ps[max(i - 1, 0)][1], ps[min(i + 1, len(ps) - 1)][2], ps[max(i - 1, 0):i + 2])
    return out


def _recentre(db, c: Candidate, around: list) -> None:
    """Make the candidate's passage the one its best window overlaps most."""
    if c.span is None:
        return
    best = max(around, key=lambda p: min(p[2], c.span[1]) - max(p[1], c.span[0]))
    if best[0] != c.passage_id:
        r = db.execute("SELECT page, bates FROM passages WHERE id=?", (best[0],)).fetchone()
        c.passage_id, c.start, c.end = best
        c.row = -1
        c.page, c.bates = (r[0], r[1]) if r else (None, None)


def _add_text_candidates(case, quote, filters, cands, docs: int = TEXT_CANDIDATE_DOCS) -> None:
    """The passages of the documents sharing most of the quote's words."""
    db = case.db
    try:
        hits, _, _ = case.index.search(quote.replace('"', " "), db, sender=filters.raw["sender"],
                                       recipient=filters.raw["recipient"], source=filters.raw["source"],
                                       limit=docs, any_words=True, ids_only=True)
    except Exception:  # noqa: BLE001 - a quote with no searchable words has no text candidates
        return
    _add_doc_passages(db, [d for d, _ in hits], filters, cands)


def amount_phrases(value: float) -> list[list[str]]:
    """The token phrases (as the full-text index splits them) a sum is written as in German and
    English: its digit groups ("1.200.000", "1,200,000" -> 1 200 000) and, for millions and
    billions, the figure with the scale word ("EUR 1.2 million", „1,2 Mio.“, „eine Million“)."""
    out: list[list[str]] = []
    if value == int(value):
        out.append(f"{int(value):,}".split(","))
    for scale, words in ((1e9, ("billion", "billions", "milliarde", "milliarden", "mrd")),
                         (1e6, ("million", "millions", "millionen", "mio"))):
        if value < scale:
            continue
        figure = f"{value / scale:.2f}".rstrip("0").rstrip(".")
        if abs(float(figure) * scale - value) > 0.005 * value:
            break
        lead = [re.findall(r"\d+", figure)]
        lead += [[w] for w, n in NUMBER_WORDS.items() if str(n) == figure]
        out += [head + [w] for head in lead for w in words]
        break
    return out


def _add_amount_candidates(case, quote, filters, cands, docs: int) -> None:
    """The passages that write a sum the quote states, from the documents that have it."""
    from ..analyze.entities import magnitudes, money
    values = [v for v in _sums(money(quote)) if v >= AMOUNT_MIN]
    if not values:
        return
    ids = case.index.phrase_ids([p for v in values for p in amount_phrases(v)], sender=filters.raw["sender"],
                                recipient=filters.raw["recipient"], source=filters.raw["source"], limit=docs)
    texts = _doc_texts(case.db, ids)

    def states(c: Candidate) -> bool:
        part = texts.get(c.doc_id, "")[c.start:c.end]
        have = _sums(money(part)) + magnitudes(part)
        return any(abs(v - h) <= 0.005 * v for v in values for h in have)
    _add_doc_passages(case.db, ids, filters, cands, keep=states)


def _sums(entities) -> list[float]:
    out = []
    for e in entities:
        try:
            out.append(float((e.value or "").partition(" ")[0]))
        except ValueError:
            continue
    return out


def _add_doc_passages(db, ids: list[str], filters, cands, keep=None) -> None:
    """Every searchable passage of these documents (that `keep` accepts) as a candidate, within
    the filters' kinds and dates."""
    if not ids:
        return
    marks = ",".join("?" * len(ids))
    rows = db.execute('SELECT p.id, p.doc_id, p.start, p."end", p.page, p.bates, d.kind, d.sent_at FROM passages p'
                      f" JOIN documents d ON d.id = p.doc_id WHERE p.doc_id IN ({marks}) AND p.searchable = 1", ids)
    from .fulltext import _epoch
    for r in rows:
        if r[0] in cands or r[6] in filters.exclude_kinds:
            continue
        if filters.lo is not None or filters.hi is not None:
            t = _epoch(r[7])
            if t is None or (filters.lo is not None and t < filters.lo) or (filters.hi is not None and t > filters.hi):
                continue
        c = Candidate(r[0], r[1], r[2], r[3], r[4], r[5])
        if keep is None or keep(c):
            cands[r[0]] = c


def _doc_texts(db, ids) -> dict[str, str]:
    ids = list(ids)
    out = {}
    for a in range(0, len(ids), 500):
        chunk = ids[a:a + 500]
        out.update(db.execute(f"SELECT id, text FROM documents WHERE id IN ({','.join('?' * len(chunk))})", chunk))
    return {k: v or "" for k, v in out.items()}


def _collapse(db, ranked: list[Candidate], texts: dict[str, str]) -> list[Candidate]:
    """One candidate per message (copies of a message count once), and one per wording: the same
    sentence in many messages (boilerplate) is one result that lists the other documents."""
    from ..analyze.views import duplicate_groups
    group = duplicate_groups(db, {c.doc_id for c in ranked})
    seen, out, by_text = set(), [], {}
    for c in ranked:
        g = group.get(c.doc_id, c.doc_id)
        if g in seen:
            continue
        seen.add(g)
        key = " ".join(texts.get(c.doc_id, "")[(c.span or (c.start, c.end))[0]:(c.span or (c.start, c.end))[1]].split()).lower()
        first = by_text.get(key)
        if first is not None:
            if len(first.also_in) < MAX_ALSO_IN:
                first.also_in.append(c.doc_id)
            continue
        by_text[key] = c
        out.append(c)
    return out


def _describe(case, c: Candidate, quote: str, text: str, model, rank: int) -> dict:
    d = case.document(c.doc_id)
    cit = dict(d["citation"])
    if c.page is not None:
        cit["pages"] = [c.page, c.page]
    if c.bates:
        cit["bates"] = [c.bates]
    ptext = text[c.start:c.end]
    span = c.span or (c.start, c.end)
    ctx = case.db.execute(
        'SELECT MIN(q.start), MAX(q."end") FROM passages p JOIN passages q ON q.doc_id = p.doc_id'
        " AND q.seq BETWEEN p.seq - ? AND p.seq + ? WHERE p.id = ?", (CONTEXT_PASSAGES, CONTEXT_PASSAGES,
                                                                    c.passage_id)).fetchone()
    ca, cb = (min(ctx[0], span[0]), max(ctx[1], span[1])) if ctx and ctx[0] is not None else span
    return {
        "rank": rank, "score": round(c.score, 4), "cosine": round(c.cosine, 4), "lexical": round(c.lexical, 4),
        "close_enough": c.score >= MIN_SOURCE_SCORE,
        "document": {"id": d["id"], "kind": d["kind"], "subject": d["subject"] or d["title"], "from": d["from"],
                     "person": d["people"]["from"], "sent_at": d["sent_at"], "lang": d["lang"]},
        "passage": {"id": c.passage_id, "start": c.start, "end": c.end, "text": ptext, "page": c.page,
                    "bates": c.bates},
        "span": {"start": span[0], "end": span[1], "text": text[span[0]:span[1]]},
        "context": {"start": ca, "end": cb, "text": text[ca:cb]},
        "citation": cit,
        "also_in": c.also_in,
        **(c.alignment or align(quote, text[_matched(c)[0]:_matched(c)[1]], _matched(c)[0], WordVectors(model))),
    }


# ------------------------------------------------------------------ alignment
def align(quote: str, passage: str, offset: int = 0, words: WordVectors | None = None) -> dict:
    """Word and phrase alignment between a quote and a passage: the same word or stem, the same
    number, and (with word vectors) a translation, each quote word used once. Returns
    {"alignment": [{"quote": [s, e], "passage": [s, e], "quote_text", "passage_text", "kind",
    "score"}], "coverage": share of the quote's content words aligned}; passage offsets are
    document offsets (passage start + `offset`)."""
    qw = content_words(quote)
    pw = content_words(passage)
    pairs: dict[int, tuple[int, str, float]] = {}          # quote word -> (passage word, kind, score)
    used: set[int] = set()
    pstems = [_stems(w) for _, _, w in pw]
    for i, (_, _, w) in enumerate(qw):
        best = None
        for j, (_, _, v) in enumerate(pw):
            if j in used:
                continue
            if w.isdigit() or v.isdigit():
                kind = "number" if w == v else None
            elif w.lower() == v.lower():
                kind = "same"
            elif _stems(w) & pstems[j]:
                kind = "stem"
            else:
                kind = None
            if kind:
                d = abs(j / max(len(pw), 1) - i / max(len(qw), 1))
                if best is None or d < best[0]:
                    best = (d, j, kind)
        if best is not None:
            pairs[i] = (best[1], best[2], 1.0)
            used.add(best[1])
    if words is not None and words.model is not None:
        qi = [i for i in range(len(qw)) if i not in pairs and not qw[i][2].isdigit()]
        pj = [j for j in range(len(pw)) if j not in used and not pw[j][2].isdigit()]
        if qi and pj:
            sim = words.matrix([qw[i][2] for i in qi]) @ words.matrix([pw[j][2] for j in pj]).T
            for a, i in enumerate(qi):
                b = int(np.argmax(sim[a]))
                if sim[a, b] >= WORD_ALIGN_MIN and int(np.argmax(sim[:, b])) == a:
                    pairs[i] = (pj[b], "translation", float(sim[a, b]))
    phrases = []
    for i in sorted(pairs):
        j, kind, score = pairs[i]
        last = phrases[-1] if phrases else None
        if (last is not None and last["_qi"] == i - 1 and j == last["_pj"] + 1 and "number" not in (kind, last["kind"])
                and (kind == "translation") == (last["kind"] == "translation")):
            last["quote"][1] = qw[i][1]
            last["passage"][1] = pw[j][1] + offset
            last["_qi"], last["_pj"] = i, j
            last["score"] = min(last["score"], score)
            if kind != last["kind"] and kind != "translation":
                last["kind"] = "stem" if "stem" in (kind, last["kind"]) else last["kind"]
            continue
        phrases.append({"quote": [qw[i][0], qw[i][1]], "passage": [pw[j][0] + offset, pw[j][1] + offset],
                        "kind": kind, "score": score, "_qi": i, "_pj": j})
    for p in phrases:
        p.pop("_qi")
        p.pop("_pj")
        p["quote_text"] = quote[p["quote"][0]:p["quote"][1]]
        p["passage_text"] = passage[p["passage"][0] - offset:p["passage"][1] - offset]
        p["score"] = round(p["score"], 3)
    return {"alignment": phrases, "coverage": round(len(pairs) / len(qw), 3) if qw else 0.0}
