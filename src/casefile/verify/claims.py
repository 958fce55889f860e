"""Claims: an article (German or English) cut into the statements a fact-checker would check.

Three kinds, each with its offsets in the article so that a report can show it in place:

- ``quote``: words in quotation marks („…“, »…«, “…”, "…", ‚…‘) with the speaker the article
  gives them ("schrieb Keller", "Roth antwortete:", "he wrote"; a pronoun is resolved to the
  person last named as a speaker or subject).
- ``indirect``: reported speech without quotation marks ("Roth wrote that ...", "laut einer
  E-Mail ...", "wie aus internen E-Mails hervorgeht, ...").
- ``fact``: a statement with something checkable in it: an amount, a number, a date, a known
  person or organisation with an action. A sentence stating two facts joined by "and"/"und" (each
  half with its own number or date) becomes two claims.

Sentences with nothing checkable (scene-setting, opinion without a source) are not claims.
Everything here is a pure function of the text and the names the case knows.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from .. import lexicon
from ..analyze.entities import dates, money
from ..search.passages import sentences
from . import relative_dates

MAX_ARTICLE_CHARS = 200_000
"""An article longer than this (a book, a dump) is cut: about 30,000 words, far beyond any
news piece, and every claim is checked against the whole case."""
MIN_QUOTE_WORDS = 2
"""Quotation marks around a single word ("so-called 'deal'") mark a term, not a quote."""
SPEAKER_WINDOW = 80
"""A speaker is looked for within 80 characters before or after the quote, in its sentence."""

REPORTING_VERBS = lexicon.words("REPORTING_VERBS")
ACTION_VERBS = lexicon.words("ACTION_VERBS")
"""Verbs that report what someone did in words ("Keller drohte, am 31. Mai zurückzutreten"):
they name a speaker like a reporting verb, but the verb is part of what is claimed, so the
claim's content keeps it."""
_VERB = "|".join(sorted((re.escape(v) for v in REPORTING_VERBS), key=len, reverse=True))
_ANY_VERB = "|".join(sorted((re.escape(v) for v in REPORTING_VERBS + ACTION_VERBS), key=len, reverse=True))
_VERB_RE = re.compile(rf"\b(?:{_ANY_VERB})\b", re.I)
_SAY_RE = re.compile(rf"\b(?:{_VERB})\b", re.I)
_OBJECT_VERB_RE = re.compile("|".join(re.escape(v) for v in lexicon.words("OBJECT_VERBS")), re.I)
_QUOTE_PAIRS = (("„", "“"), ("„", "”"), ("»", "«"), ("«", "»"), ("“", "”"), ('"', '"'), ("‚", "‘"), ("›", "‹"))
_QUOTE_RE = re.compile("|".join(
    rf"{re.escape(a)}(?P<q{i}>[^{re.escape(a)}{re.escape(b)}\n]{{3,1500}}?){re.escape(b)}"
    for i, (a, b) in enumerate(_QUOTE_PAIRS)))
_NAME_ANY = r"(?:(?:der|die|the)\s+\w+\s+)?(?:Dr\.\s+)?[A-ZÄÖÜ][\w\-]+(?:\s+[A-ZÄÖÜ][\w\-]+){0,2}"
_INDIRECT_RE = re.compile(
    r"\b(?:(?:" + _VERB + r")\s+(?:\w+\s+){0,3}?(?:that|dass)\b|according to|laut (?:einer|einem|der|den|dem)\b"
    r"|wie aus .{0,60}? hervorgeht|(?:e-?mails?|nachrichten|unterlagen|documents?) (?:seen|vorliegen|zeigen|show)"
    r"|^\W*" + _NAME_ANY + r"\s+(?:" + _ANY_VERB + r")\s*,"
    r"|^\W*" + _NAME_ANY + r"\s+(?:" + _VERB + r")" + r"(?:\s+[^\s,:;]+){1,3}?\s*,"
    r"|,\s*(?:" + _VERB + r")\s+(?:er|sie|he|she|" + _NAME_ANY + r")(?:\s*,[^,]{0,80})?\W*$)",
    re.I)
"""Reported speech without quotation marks: "X wrote that …", "laut …", "X schrieb, …", "X schrieb
seinen Kollegen, …" (up to three words of addressee or time after a verb of saying), "…, sagte X"
(also with an apposition: "…, sagte X, Direktor des Verbands")."""
_PRONOUNS = set(lexicon.words("PRONOUNS_SUBJECT"))
_NAME = r"(?:Dr\.\s+)?[A-ZÄÖÜ][\w\-]+(?:\s+[A-ZÄÖÜ][\w\-]+)?"
_AFTER_VERB = re.compile(rf"(?:{_VERB})\s*(?:er|sie|he|she|{_NAME})?", re.I)
_NEGATION = lexicon.pattern("NEGATORS")
_SPLIT_AND = re.compile(r",?\s+(?:and|und|while|während|but|aber|sondern)\s+", re.I)
_NUMBER = re.compile(r"\b\d[\d.,]*\b")


@dataclass
class Claim:
    id: int
    kind: str                      # quote | indirect | fact
    start: int                     # the claim's stretch of the article
    end: int
    text: str
    sentence: tuple[int, int]      # the sentence it is in
    quote: str | None = None       # the quoted words (kind quote)
    quote_span: tuple[int, int] | None = None
    speaker: str | None = None     # as the article names them ("Keller", "Anna Roth")
    speaker_span: tuple[int, int] | None = None
    verb: str | None = None
    negated: bool = False
    amounts: list[dict] = field(default_factory=list)   # [{"text", "value", "currency"}]
    dates: list[dict] = field(default_factory=list)     # [{"text", "value"}]
    numbers: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)      # known people and organisations it mentions
    content: tuple[int, int] | None = None               # what is claimed, without "X wrote that", "laut …"
    stated: str = ""                                     # the words to look for: the quote, or the content
    when: list[dict] = field(default_factory=list)       # relative dates resolved (relative_dates.When);
    # for a quote also the dates the article gives outside the quoted words (when they were written)
    frame: str = ""           # for a quote: the article's words just before it ("that he was")
    topical: bool = False     # names nothing the case knows and states no value: a claim only if
    # the case has something on its subject (article.verify decides, from the nearest source)

    def as_dict(self) -> dict:
        return {k: (list(v) if isinstance(v, tuple) else v) for k, v in self.__dict__.items()}


def extract(text: str, known_names: list[str] = (), published: date | None = None) -> list[Claim]:
    """The claims of an article's text. `known_names`: the case's people and organisations (full
    names, surnames, company names), used to find speakers and to tell a checkable statement.
    `published`: the day the article appeared, for its relative dates ("on Monday")."""
    text = (text or "")[:MAX_ARTICLE_CHARS]
    names = _name_pattern(known_names)
    claims: list[Claim] = []
    last_speaker: str | None = None
    spans = _article_sentences(text)
    skip = not_claims(text, spans)
    for a, b in spans:
        sent = text[a:b]
        if (a, b) in skip:                       # a headline, dateline, byline, credit or reader prompt
            continue
        quotes = [(m.start() + a, m.end() + a, next(g for g in m.groups() if g is not None))
                  for m in _QUOTE_RE.finditer(sent)]
        quotes = [q for q in quotes if len(q[2].split()) >= MIN_QUOTE_WORDS and not _title(q[2])]
        mentioned = _names_in(sent, names)
        if quotes:
            embedded = len(quotes) == 1 and embedded_quote(sent, quotes[0][2])
            for qa, qb, words in quotes:
                speaker, span, verb = _speaker(text, a, b, qa, qb, names)
                if speaker and speaker.lower() in _PRONOUNS:     # "he"/"sie": a name before the quote in its sentence, else the last speaker
                    speaker = _subject(_QUOTE_RE.sub(" ", text[a:qa]), names) or last_speaker
                elif speaker:
                    last_speaker = speaker
                if embedded:       # the quote is a part of what the sentence claims: the claim is the sentence
                    c = _claim(len(claims), "quote", a, b, text, (a, b), mentioned)
                    c.quote, c.quote_span = words, (qa + 1, qb - 1)
                else:               # the quote, or the sentence when the rest only says who said it
                    qa_, qb_ = (a, b) if len(quotes) == 1 and _attribution_only(_QUOTE_RE.sub(" ", sent)) else (qa, qb)
                    c = _claim(len(claims), "quote", qa_, qb_, text, (a, b), mentioned)
                    c.quote, c.quote_span, c.stated = words, (qa + 1, qb - 1), words
                c.speaker, c.speaker_span, c.verb = speaker, span, verb
                c.negated = bool(_NEGATION.search(words))
                c.frame = " ".join(text[a:qa].split()[-FRAME_WORDS:])
                claims.append(c)
            rest = _QUOTE_RE.sub(" ", sent)
            if (not embedded and _checkable(rest, mentioned) and not _SAY_RE.search(rest)
                    and len(rest.split()) > 8):
                claims.append(_claim(len(claims), "fact", a, b, text, (a, b), mentioned))
            continue
        if mentioned:
            last_speaker = _subject(sent, names) or last_speaker
        if _INDIRECT_RE.search(sent):
            c = _claim(len(claims), "indirect", a, b, text, (a, b), mentioned)
            speaker, span, verb = _speaker(text, a, b, a, a, names, window=b - a)
            if speaker and speaker.lower() in _PRONOUNS:
                speaker = last_speaker
            if verb is not None:         # "Roth wrote that ..."; "laut einer E-Mail" names no speaker
                c.speaker, c.speaker_span, c.verb = speaker, span, verb
            claims.append(c)
            continue
        referred = [last_speaker] if not mentioned and last_speaker and _LEADING_PRONOUN.match(sent) else []
        checkable = _checkable(sent, mentioned or referred)
        if not checkable and not statement(sent):
            continue
        for pa, pb in _split_facts(text, a, b, names):
            part = text[pa:pb]
            him = [_subject(sent, names) or last_speaker] if _LEADING_PRONOUN.match(part) else referred if pa == a else []
            c = _claim(len(claims), "fact", pa, pb, text, (a, b), _names_in(part, names) or [n for n in him if n])
            c.topical = not checkable        # kept only when the case has something on its subject
            claims.append(c)
    _date(text, spans, claims, published)
    return claims


FRAME_WORDS = 3
"""The article's last three words before a quote frame it ("that he was „…“", "he was not „…“"):
a negation there belongs to what the quote is made to say."""
EMBEDDED_SHARE = 0.5
"""A quote of less than half its sentence's words (outside the attribution) is embedded in a
statement ("On July 14, Menninger wrote that she objected to "the vast number" of the 368
proposed terms"): the claim is the sentence, with the quote's words checked as a quote. The
blind sets' labellers cut such sentences whole (eval/blind dev: 8 of the 10 claims the cutter
missed)."""


ATTRIBUTION_WORDS = 5


def _attribution_only(rest: str) -> bool:
    """Whether what a sentence has besides its quote only says who said it (", schrieb Hellwig
    dazu.", "Helgaas answered."): at most five words, one of them a verb of saying. The claim is
    then the whole sentence, as a reader (and the blind sets' labellers) would cut it."""
    return len(rest.split()) <= ATTRIBUTION_WORDS and bool(_SAY_RE.search(rest))


def embedded_quote(sentence: str, words: str) -> bool:
    a, b = content(_QUOTE_RE.sub(lambda m: m.group(0), sentence))
    total = len(sentence[a:b].split())
    return total > 0 and len(words.split()) < EMBEDDED_SHARE * total and total - len(words.split()) >= 5


def _title(words: str) -> bool:
    """A name or title in quotation marks („Bloody Sunday“, "The Times"), not a quote: at most
    three words, each capitalised."""
    ws = words.split()
    return len(ws) <= 3 and all(w[:1].isupper() or not w[:1].isalpha() for w in ws)


_NOT_CLAIM = re.compile("|".join(f"(?:{p})" for p in lexicon.words("NOT_CLAIM_LINES")), re.M)
HEADING_WORDS = 14
"""A line of at most 14 words with no full stop, question or exclamation mark at its end is a
headline or a subheading (a sentence of the body is longer or ends in punctuation)."""
STATEMENT_WORDS = 6
"""A sentence of fewer than six words ("Das war alles.", "Then silence.") asserts nothing checkable
unless it names the case's people or states a value."""


def not_claims(text: str, spans: list[tuple[int, int]]) -> set[tuple[int, int]]:
    """The sentences that are never claims: the headline and subheadings (short lines without
    closing punctuation), datelines and time stamps, bylines, image credits and reader prompts
    (lexicon NOT_CLAIM_LINES), and questions."""
    out = set()
    for a, b in spans:
        sent = text[a:b].strip()
        line_start = text.rfind("\n", 0, a) + 1
        line_end = text.find("\n", b)
        line = text[line_start:line_end if line_end >= 0 else len(text)].strip()
        whole_line = line == sent
        if (relative_dates.dateline(sent) or _NOT_CLAIM.search(sent)
                or (whole_line and len(sent.split()) <= HEADING_WORDS and not re.search(r"[.!?…:\"“”»«]$", sent))
                or sent.endswith("?")):
            out.add((a, b))
    return out


def statement(sent: str) -> bool:
    """Whether a sentence with no known name and no value still asserts something (a
    characterisation: "The talks failed.", „Die Anwälte stritten über Suchbegriffe.“): a
    declarative sentence of STATEMENT_WORDS words or more."""
    return len(sent.split()) >= STATEMENT_WORDS and not sent.rstrip().endswith("?")


def _date(text: str, spans: list[tuple[int, int]], claims: list[Claim], published: date | None) -> None:
    """Give each claim its relative dates, resolved sentence by sentence: words like "two days
    later" count from the last date the article named before them (outside quotation marks)."""
    by_sentence: dict[tuple[int, int], list[Claim]] = {}
    for c in claims:
        by_sentence.setdefault(c.sentence, []).append(c)
    previous = None
    for a, b in spans:
        plain = _QUOTE_RE.sub(lambda m: " " * len(m.group(0)), text[a:b])      # the article's own words
        mine = by_sentence.get((a, b), [])
        if mine:
            whens = relative_dates.resolve(plain, published, previous)
            for c in mine:
                c.when = _claim_when(c, a, plain, whens, published)
        previous = relative_dates.last_date(plain, published, previous)


def _claim_when(c: Claim, a: int, plain: str, whens, published) -> list[dict]:
    """A claim's relative dates: those inside its stretch; for a quote every date the article
    gives outside quotation marks in its sentence (the day the words were written)."""
    if c.kind != "quote" or (c.stated or "") != (c.quote or ""):      # a statement (or a quote embedded in one)
        mine = [w for w in whens if a + w.start >= c.start and a + w.end <= c.end]
        if reported_speech(c.text):     # "X schrieb, sie werde am Montag …": Monday of the e-mail's week
            mine = [w for w in mine if not w.basis.startswith("published")]
        return [w.as_dict() for w in mine]
    out = [w.as_dict() for w in whens]
    for e in dates(plain):
        v = e.value or ""          # a day without a year ("21. Januar") keeps no year: the source's decides
        out.append({"text": e.text, "start": e.start, "end": e.end, "lo": v, "hi": v,
                    "basis": "the day the article gives for the words"})
    return sorted(out, key=lambda w: w["start"])


_KONJUNKTIV = re.compile(r"\b(?:werde|habe|sei|seien|könne|wolle|müsse|solle|dürfe|wisse|gebe|stehe|komme)\b")
"""German reported speech (Konjunktiv I): "sie werde dem Suchbegriff zustimmen"."""


def reported_speech(sentence: str) -> bool:
    """Whether a sentence reports what someone wrote or said (a reporting verb, "laut …", or the
    German Konjunktiv I). A relative day inside it ("am Montag", "next week") counts from when
    the words were written, which only the source knows, not from the article's day."""
    return bool(_INDIRECT_RE.search(sentence) or _KONJUNKTIV.search(sentence))


def _claim(i, kind, a, b, text, sent, mentioned) -> Claim:
    part = text[a:b]
    ca, cb = content(part)
    return Claim(i, kind, a, b, part, sent, negated=bool(_NEGATION.search(part)),
                 amounts=[{"text": e.text, "value": e.value} for e in money(part)],
                 dates=[{"text": e.text, "value": e.value} for e in dates(part)],
                 numbers=[m.group(0) for m in _NUMBER.finditer(part)], names=mentioned,
                 content=(a + ca, a + cb), stated=part[ca:cb])


_SOURCE_INTRO = re.compile(
    r"^\W*(?:laut|according to|wie aus)\s+(?:[^,]{0,60}?,\s+|(?:\w+\s+){0,3}?(?:e-?mails?|nachrichten|unterlagen"
    r"|dokumenten?|documents?|schreiben|mails?|briefen?|letters?)\b\s*(?:seen by \w+\s*)?,?\s*)", re.I)
_SAY_INTRO = re.compile(
    rf"^\W*(?:{_NAME_ANY}|er|sie|he|she)\s+(?:{_VERB})\b(?:\s+(?:to|an|gegenüber)\s+(?:{_NAME_ANY})"
    r"|(?:\s+[^\s,:;]+){1,3}?(?=\s*(?:,|:|\bthat\b|\bdass\b)))?"
    r"\s*(?:,|:|\bthat\b|\bdass\b)\s*", re.I)
_SAY_OUTRO = re.compile(rf",\s*(?:(?:{_VERB})\b|(?:{_NAME_ANY}|er|sie|he|she)\s+(?:{_VERB})\W*$|wie aus\b"
                        r"|according to\b|hieß es\b).*$", re.I)


def content(sentence: str) -> tuple[int, int]:
    """The stretch of a claim's sentence that says what is claimed, without how the article
    attributes it: "Keller schrieb, [er werde keine Absichtserklärung unterschreiben]", "Shah made clear
    that [Corvid would not invest]", "Laut den E-Mails [sollte die erste Tranche sinken]", "[…],
    sagte Roth". What someone did in words ("Keller drohte, …") is kept whole: the threat is the
    claim. Sources are searched with the content alone: the attribution is checked against the
    sender, and words like "schrieb"/"laut" only pull the search toward other reported speech."""
    a, b = 0, len(sentence)
    m = _SOURCE_INTRO.match(sentence) or _SAY_INTRO.match(sentence)
    if m and len(sentence) - m.end() >= 12:
        a = m.end()
    m = _SAY_OUTRO.search(sentence, a)
    if m and m.start() - a >= 12:
        b = m.start()
    while b > a and not sentence[b - 1].isalnum():
        b -= 1
    while a < b and not sentence[a].isalnum():
        a += 1
    return a, b


_NOT_SURNAMES = set(lexicon.words("LEGAL_FORMS")) | set(lexicon.words("ORG_WORDS"))


def _name_pattern(known: list[str]):
    forms = set()
    for n in known or ():
        n = " ".join(str(n).split())
        if len(n) < 2:
            continue
        forms.add(n)
        parts = n.split()
        if len(parts) > 1 and len(parts[-1]) > 2 and parts[-1].lower() not in _NOT_SURNAMES:
            forms.add(parts[-1])               # "Keller" for "Jan Keller"
    if not forms:
        return None
    return _Names(re.compile(r"\b(?:" + "|".join(sorted((re.escape(f) for f in forms), key=len, reverse=True))
                             + r")\b", re.I), frozenset(forms))


@dataclass(frozen=True)
class _Names:
    """The case's known names as one case-blind pattern, with the forms as the case writes them."""
    pattern: re.Pattern
    forms: frozenset


def _names_in(sent: str, names) -> list[str]:
    """The known names a sentence mentions, as it writes them: matched regardless of case
    ("McCawley" for the header's "Sigrid Mccawley"), but only where capitalised (a name, not the
    word "rich" for a Mr Rich)."""
    out = []
    for m in _name_matches(names, sent):
        if m.group(0) not in out:
            out.append(m.group(0))
    return out


def _name_matches(names, text: str, lo: int = 0, hi: int | None = None) -> list:
    """The matches of the known-name pattern in text[lo:hi] that are written as names: capitalised,
    and not in capitals unless the case knows the name so ("MIPS" the architecture is not a
    correspondent the headers call "Mips")."""
    if names is None:
        return []
    out = []
    for m in names.pattern.finditer(text, lo, len(text) if hi is None else hi):
        w = m.group(0)
        if w[0].isupper() and (not w.isupper() or len(w) < 2 or w in names.forms):
            out.append(m)
    return out


def _subject(sent: str, names) -> str | None:
    """The first known name of a sentence, taken as the person its pronouns then refer to."""
    found = _names_in(sent, names)
    return found[0] if found else None


def _speaker(text: str, a: int, b: int, qa: int, qb: int, names,
             window: int = SPEAKER_WINDOW) -> tuple[str | None, tuple | None, str | None]:
    """(speaker, span, reporting verb) for the quote at qa:qb in the sentence a:b: a known name
    or a pronoun right next to a reporting verb, after the quote ('…', schrieb Keller / '…,' he
    wrote) or before it (Keller wrote: '…'); else the nearest known name in the sentence.
    Reported speech without quotation marks is searched over its whole sentence (`window`)."""
    for lo, hi, after_quote in ((qb, min(b, qb + window), True), (max(a, qa - window), qa, False)):
        for vm in _VERB_RE.finditer(text, lo, hi):
            tail = _adjacent(text, vm.end(), min(b, vm.end() + 40), names, after=True)
            head = _adjacent(text, max(a, vm.start() - 40), vm.start(), names, after=False)
            # after the quote the speaker follows the verb ("…", schrieb Keller) or precedes it
            # ("…," he wrote); before it, the subject comes first ("Keller told Shah: …")
            if not after_quote and _OBJECT_VERB_RE.fullmatch(vm.group(0)):
                # "her lawyers accused Maxwell's team of “…”": the name after the verb is its object
                return (head[0], head[1], vm.group(0)) if head else (None, None, vm.group(0))
            got = (tail or head) if after_quote else (head or tail)
            if got is not None:
                return got[0], got[1], vm.group(0)
    found = _name_matches(names, text, a, b)
    if found:
        m = min(found, key=lambda m: min(abs(m.start() - qb), abs(m.end() - qa)))
        if m.end() <= qa and _MODAL_SPEECH.search(text, m.end(), qa):
            return None, None, None       # "Gow could tell everyone “…”": what Gow may say, in another's words
        return m.group(0), (m.start(), m.end()), None
    return None, None, None


_MODAL_SPEECH = re.compile(
    r"\b(?:" + "|".join(map(re.escape, lexicon.words("MODAL_WORDS"))) + r")\b(?:\s+[^\s,.;:]+){0,4}?\s+(?:"
    + "|".join(map(re.escape, lexicon.words("SPEECH_INFINITIVES"))) + r")\b", re.I)
"""A modal before a verb of saying in its infinitive: the speech is allowed, asked for or
expected, not made (lexicon MODAL_WORDS, SPEECH_INFINITIVES). Found on the blind exhibits set's
dev half: „Gow könne allen sagen, „dass dies keine neue Person ist …““ (Maxwell's words) was
held against Gow."""


def opens_with_pronoun(text: str) -> bool:
    return bool(_LEADING_PRONOUN.match(text))


_LEADING_PRONOUN = re.compile(r"\W*(?:" + "|".join(lexicon.words("PRONOUNS_SUBJECT")) + r")\b", re.I)
"""A sentence that opens with he/she/er/sie is about the person last named as a subject ("He also
admitted …" after "Quinlan …"): it names them for the search and the checks."""


_ADJACENT_GAP = re.compile(r"^[\s,:;–—-]*$")
_PRONOUN_RE = re.compile(r"\b(er|sie|he|she)\b", re.I)


def _adjacent(text: str, lo: int, hi: int, names, after: bool):
    """A known name or a pronoun directly after (or directly before) a reporting verb: only
    punctuation and spaces between them, so that "he wrote to his co-founder Anna Roth" gives
    "he", not "Anna Roth"."""
    cands = []
    cands += [(m.start(), m.end(), m.group(0)) for m in _name_matches(names, text, lo, hi)]
    cands += [(m.start(1), m.end(1), m.group(1)) for m in _PRONOUN_RE.finditer(text, lo, hi)]
    best = None
    for s, e, w in cands:
        gap = text[lo:s] if after else text[e:hi]
        if _ADJACENT_GAP.match(gap) and (best is None or (s < best[0] if after else e > best[1])):
            best = (s, e, w)
    return (best[2], (best[0], best[1])) if best else None


def _article_sentences(text: str) -> list[tuple[int, int]]:
    """Sentences, with every line break ending one: an article's title and paragraphs are
    lines, and a title has no full stop."""
    out, pos = [], 0
    for line in text.splitlines(keepends=True):
        if line.strip():
            out.extend(sentences(text, pos, pos + len(line.rstrip("\r\n"))))
        pos += len(line)
    return out


_DAYS = "|".join(lexicon.words("WEEKDAYS"))
_RELATIVE_TIME = re.compile(
    r"\b(?:(?:next|last|this|coming|previous|the following)\s+(?:year|month|week|quarter|spring|summer|autumn|"
    r"fall|winter|" + _DAYS + r")|(?:im\s+)?(?:nächsten|kommenden|vergangenen|letzten|folgenden|diesem|dieses|"
    r"dieser)\s+(?:jahr|monat|woche|quartal|frühjahr|sommer|herbst|winter|" + _DAYS + r")|yesterday|tomorrow|"
    r"gestern|morgen|(?:a few |two |three |)(?:days|weeks|months) (?:later|earlier|ago)|(?:tage|wochen|monate) "
    r"(?:später|zuvor|davor)|vor (?:\w+ )?(?:tagen|wochen|monaten)|within a (?:day|week|month|year)|"
    r"innerhalb (?:eines|einer) (?:tages|woche|monats|jahres))\b", re.I)


def _checkable(sent: str, mentioned: list[str]) -> bool:
    """A sentence is worth checking when it has an amount, a number, a date (or a time relative
    to another: "next year", "Tage später"), or a known person or organisation doing something (a
    verb-like word after the name). A place alone is not enough ("Das Wetter in Hamburg war
    schön")."""
    if money(sent) or dates(sent) or _NUMBER.search(sent) or _RELATIVE_TIME.search(sent):
        return True
    return bool(mentioned) and len(sent.split()) >= 5


CLAUSE_WORDS = 4
"""Each part of a split sentence has at least four words: "Er lehnte ab: Der Patch sei zu früh."
splits, "Er sagte: Nein." does not."""
_SPLIT_CLAUSE = re.compile(r"(?:[:;]|,\s+(?:and|und|but|aber|while|während|sondern|doch|whereas|wohingegen))\s+"
                           r"(?=\S)", re.I)


def _split_facts(text: str, a: int, b: int, names) -> list[tuple[int, int]]:
    """The parts of a sentence that make two assertions, each its own claim:

    - two clauses joined by a colon or semicolon, or by a comma and "and"/"und"/"but"/"aber"/
      "while"/"während"/"sondern" ("Baechle legte sie auf Eis: Das Register erweitere den
      Zustand"; "He posted the patch on Monday, but Ralf applied only one part");
    - halves joined by a bare "and"/"und" when each carries a number, amount or date and the
      second has a subject of its own (a known name or a pronoun).

    A list of conditions stays one claim ("a purchase price and a veto over budgets above EUR
    250,000": no comma, no subject of its own)."""
    sent = text[a:b]
    for m in _SPLIT_CLAUSE.finditer(sent):
        left, right = sent[:m.start()], sent[m.end():]
        if (len(left.split()) >= CLAUSE_WORDS and len(right.split()) >= CLAUSE_WORDS
                and not _QUOTE_RE.search(left + right[:1]) and left.count("„") == left.count("“")
                and left.count('"') % 2 == 0 and not _SAYS_WHAT_FOLLOWS.search(left)
                and not _SHARED_SUBJECT.match(right)):
            return [(a, a + m.start())] + _split_facts(text, a + m.end(), b, names)
    for m in _SPLIT_AND.finditer(sent):
        left, right = sent[:m.start()], sent[m.end():]
        if (len(left.split()) >= 4 and len(right.split()) >= 4 and _has_value(left) and _has_value(right)
                and (_names_in(right, names) or _SUBJECT_PRONOUN.search(right))):
            return [(a, a + m.start()), (a + m.end(), b)]
    return [(a, b)]


_SUBJECT_PRONOUN = re.compile(r"\b(?:he|she|it|they|we|er|sie|es|wir)\b", re.I)
_SAYS_WHAT_FOLLOWS = re.compile(rf"\b(?:{_ANY_VERB})\W*$", re.I)
"""A clause ending in a verb of saying or doing in words ("Quinlan conceded:") announces what
follows; it is not an assertion of its own."""
_SHARED_SUBJECT = re.compile(rf"(?:also\s+|auch\s+|then\s+|dann\s+)?(?:{_ANY_VERB})\b", re.I)
"""A clause that starts with a verb shares the subject of the one before ("…, but said it had
seemed the best alternative"): on its own it would name nobody."""


def _has_value(s: str) -> bool:
    return bool(money(s) or dates(s) or _NUMBER.search(s))
