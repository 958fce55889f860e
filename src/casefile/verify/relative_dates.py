"""Relative dates in an article: "yesterday", „am Montag“, "two days later", „drei Wochen zuvor“.

A news article dates much of what it tells relative to the day it appeared ("on Monday", „vor
zwei Wochen“) or to the date it named just before ("two days later", „am Tag darauf“). These are
resolved to the days they can mean, so that the date check can hold them against the sources
like an absolute date. Everything here is a pure function of the text and the two anchors:

- the publication date (the article document's date, a dateline, or `--published`), for words
  that point from the day of writing;
- the date the article named last before the words, for words that point from it.

Words that need an anchor the article does not give are left unresolved (and unchecked).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from ..analyze.entities import dates as absolute_dates

LEAP_YEAR = 2000
"""Arithmetic on a day without a year ("May 31", „31. Mai“, and no year anywhere) is done in a
leap year, and the result is again a day without a year."""

UNIT_SLACK = {"day": 0, "week": 3, "month": 15, "year": 183}
"""How far a counted distance may be off, per unit, beyond the date check's own day of slack:
"two weeks later" is said of 11 to 17 days, "three months ago" of roughly a quarter year."""

VAGUE_SPAN = {"day": (1, 10), "week": (7, 70), "month": (28, 366)}
"""What uncounted distances mean: "days later" 1-10 days, "weeks later" 1-10 weeks, "months
later" 1-12 months."""

_NUM = {"a": 1, "an": 1, "one": 1, "ein": 1, "eine": 1, "einen": 1, "einem": 1, "einer": 1, "two": 2, "zwei": 2,
        "three": 3, "drei": 3, "four": 4, "vier": 4, "five": 5, "fünf": 5, "six": 6, "sechs": 6, "seven": 7,
        "sieben": 7, "eight": 8, "acht": 8, "nine": 9, "neun": 9, "ten": 10, "zehn": 10, "eleven": 11, "elf": 11,
        "twelve": 12, "zwölf": 12}
_UNITS = {"day": "day", "days": "day", "tag": "day", "tage": "day", "tagen": "day", "week": "week", "weeks": "week",
          "woche": "week", "wochen": "week", "month": "month", "months": "month", "monat": "month", "monate": "month",
          "monaten": "month", "year": "year", "years": "year", "jahr": "year", "jahre": "year", "jahren": "year"}
_WEEKDAYS = {"monday": 0, "montag": 0, "tuesday": 1, "dienstag": 1, "wednesday": 2, "mittwoch": 2, "thursday": 3,
             "donnerstag": 3, "friday": 4, "freitag": 4, "saturday": 5, "samstag": 5, "sonnabend": 5,
             "sunday": 6, "sonntag": 6}

_N = r"\b(?P<n>\d{1,3}|" + "|".join(sorted(map(re.escape, _NUM), key=len, reverse=True)) + r")"
_U = r"(?P<u>" + "|".join(sorted(_UNITS, key=len, reverse=True)) + r")"
_VU = r"(?P<vu>days|weeks|months|tage|wochen|monate)"
_WD = r"(?P<wd>" + "|".join(_WEEKDAYS) + r")"

ANAPHORIC = {"next_day", "day_before", "after", "before", "vague_after"}
"""Kinds that count from the date named before; the others count from the publication date."""
_RULES: list[tuple[str, re.Pattern]] = [(kind, re.compile(rx, re.I)) for kind, rx in (
    ("next_day", r"\b(?:the (?:next|following) day|a day later|one day later|(?:am )?(?:nächsten|folgenden) tag"
                 r"|tags darauf|am tag (?:danach|darauf)|einen tag (?:später|danach))\b"),
    ("day_before", r"\b(?:the (?:day|evening) before|the previous day|a day (?:earlier|before)|am vortag"
                   r"|tags (?:zuvor|davor)|einen tag (?:zuvor|vorher|davor|früher))\b"),
    ("after", _N + r"\s+" + _U + r"\s+(?:later|after(?:wards)?|später|danach|darauf)\b"),
    ("before", _N + r"\s+" + _U + r"\s+(?:earlier|before|zuvor|vorher|davor|früher)\b"),
    ("vague_after", r"\b(?:(?:only |just |a few |a couple of |several |wenige |einige |ein paar |nur )?" + _VU
                    + r"\s+(?:later|später|danach))\b"),
    ("ago", _N + r"\s+" + _U + r"\s+ago\b"),
    ("vor", r"\bvor\s+" + _N + r"\s+" + _U + r"\b"),
    ("day_before_yesterday", r"\b(?:the day before yesterday|vorgestern)\b"),
    ("yesterday", r"\b(?:yesterday|gestern)\b"),
    ("last_week", r"\b(?:last week|(?:in der )?(?:vergangenen|letzten|vorigen) woche|vergangene woche"
                  r"|letzte woche|vorige woche)\b"),
    ("this_week", r"\b(?:earlier this week|anfang (?:der|dieser) woche)\b"),
    ("last_month", r"\b(?:last month|(?:im )?(?:vergangenen|letzten|vorigen) monat|im vormonat)\b"),
    ("this_month", r"\b(?:earlier this month|anfang (?:des|dieses) monats)\b"),
    ("last_year", r"\b(?:last year|(?:im )?(?:vergangenen|letzten|vorigen) jahr|vergangenes jahr|letztes jahr"
                  r"|im vorjahr)\b"),
    ("weekday", r"\b(?:on |am |(?:last|vergangenen|letzten) )?" + _WD + r"\b"),
)]
""""today"/„heute“ and "this week"/"this month" are left out: in a report they mostly describe
the present state ("Westmark today employs 40 people"), not the day something happened."""
_FORWARD = re.compile(r"\b(?:next|nächste[nmrs]?|kommende[nmrs]?|coming|bis|until|by|ab|from|starting|jeden|every)"
                      r"\s+$", re.I)
"""Words before a weekday that point ahead or repeat ("next Monday", „bis Freitag“, „ab Montag“):
a plan or a habit, not a report of a past day; these are not resolved."""
_WEEKDAY_DATE = re.compile(r"^,?\s*(?:(?:the|den)\s+)?(?:\d|[A-Z][a-zä]+\.?\s+\d)")
"""A weekday that starts a full date ("Monday, May 30", „Montag, den 30. Mai“) is part of it."""
_ANCHORED = re.compile(r"^\s+(?:nach|vor|after|before|following)\s+(?:der|dem|den|des|the|his|her|its|seiner|ihrer|"
                       r"\w+(?:ung|ing|ion)\b)", re.I)
"""A weekday counted from something other than the day of publication ("am Donnerstag nach der
Einreichung", "the Tuesday after the vote") names a day the article does not give: not resolved."""
_DATELINE = re.compile(r"^[^\n]{0,60}?(?:\d{1,2}\.?\s+\w+\.?\s+\d{4}|\w+\.?\s+\d{1,2},?\s+\d{4}|\d{4}-\d{2}-\d{2})"
                       r"[^\n]{0,20}$", re.M)


@dataclass(frozen=True)
class When:
    """Relative words of an article and the days they can mean (`lo`..`hi`; `yearless` when no
    year was known: then only month and day are meaningful)."""
    text: str
    start: int
    end: int
    lo: date
    hi: date
    basis: str
    yearless: bool = False

    def show(self) -> str:
        fmt = (lambda d: d.strftime("--%m-%d")) if self.yearless else (lambda d: d.isoformat())
        days = fmt(self.lo) if self.lo == self.hi else f"{fmt(self.lo)}..{fmt(self.hi)}"
        return f"'{self.text}' = {days} ({self.basis})"

    def as_dict(self) -> dict:
        fmt = (lambda d: d.strftime("--%m-%d")) if self.yearless else (lambda d: d.isoformat())
        return {"text": self.text, "start": self.start, "end": self.end, "lo": fmt(self.lo), "hi": fmt(self.hi),
                "basis": self.basis}


def publication_date(text: str, known: str | None = None) -> date | None:
    """The day an article appeared: `known` (the article document's date or the user's
    --published, ISO), else a dateline among its first lines (a line of at most ~80 characters
    that is mostly a full date: „Hamburg, 6. September 2016“, "June 20, 2016")."""
    if known:
        try:
            return date.fromisoformat(known[:10])
        except ValueError:
            pass
    for line in text.splitlines()[:4]:
        day = dateline(line)
        if day:
            return day
    return None


def dateline(line: str) -> date | None:
    """The day of a dateline („Hamburg, 25. August 2016“, "August 25, 2016"): a short line that is
    a full date with at most a place around it; None for any other line."""
    line = line.strip()
    if len(line.split()) > 8 or not _DATELINE.fullmatch(line):
        return None
    for e in absolute_dates(line):
        if e.value and not e.value.startswith("--"):
            try:
                return date.fromisoformat(e.value)
            except ValueError:
                return None
    return None


def _count(word: str) -> int | None:
    word = " ".join(word.lower().split())
    return int(word) if word.isdigit() else _NUM.get(word)


def _shift(d: date, n: int, unit: str) -> date:
    if unit == "day":
        return d + timedelta(days=n)
    if unit == "week":
        return d + timedelta(weeks=n)
    months = d.month - 1 + (n if unit == "month" else 12 * n)
    y, m = d.year + months // 12, months % 12 + 1
    for day in (d.day, 30, 29, 28):
        try:
            return date(y, m, day)
        except ValueError:
            continue
    return date(y, m, 28)


def _around(d: date, unit: str) -> tuple[date, date]:
    s = timedelta(days=UNIT_SLACK[unit])
    return d - s, d + s


def resolve(text: str, published: date | None, previous: tuple[date, bool] | None) -> list[When]:
    """The relative dates of `text` (a sentence, quotations blanked out), in order. Those counting
    from a date before (`ANAPHORIC`) use the last date named earlier in `text`, else `previous`
    (the last date of the sentences before: (day, yearless)); the others use `published`."""
    return _walk(text, published, previous)[0]


def last_date(text: str, published: date | None, previous: tuple[date, bool] | None) -> tuple[date, bool] | None:
    """The last date `text` names (absolute, or relative and resolved to one day), as the anchor
    for the relative words that follow; `previous` when it names none. A day without a year takes
    the year of the date before it, else of the publication."""
    return _walk(text, published, previous)[1]


def _walk(text: str, published: date | None, previous: tuple[date, bool] | None):
    """One pass over the dates of `text` in order, each absolute date and each relative one that
    resolves to a single day becoming the anchor of what follows (linear in the matches)."""
    events: list[tuple[int, str, object]] = []
    taken: list[tuple[int, int]] = []
    for e in absolute_dates(text):
        taken.append((e.start, e.end))
        events.append((e.start, "absolute", e))
    for kind, rx in _RULES:
        for m in rx.finditer(text):
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue
            taken.append((m.start(), m.end()))
            events.append((m.start(), kind, m))
    anchor = previous
    out: list[When] = []
    for _, kind, x in sorted(events, key=lambda ev: ev[0]):
        if kind == "absolute":
            v = x.value or ""
            year = anchor[0].year if anchor and not anchor[1] else (published.year if published else None)
            try:
                anchor = ((date(year or LEAP_YEAR, int(v[2:4]), int(v[5:7])), year is None) if v.startswith("--")
                          else (date.fromisoformat(v), False))
            except ValueError:
                pass
            continue
        w = _one(kind, x, text, published, anchor)
        if w is not None:
            out.append(w)
            if w.lo == w.hi:
                anchor = (w.lo, w.yearless)
    return out, anchor


NARRATED_PAST_DAYS = 60
"""An article that has just named a day more than 60 days before it appeared is telling past
events: a weekday or "last week" after that ("schrieb sie am Sonntag", after „Im Januar 2015“)
is a day of that past week, which the article does not pin down, not the week before the
article appeared. Such words are left unresolved. "Yesterday" and counted distances ("vor zwei
Wochen") still count from the article's day."""


def narrating_the_past(published: date, previous: tuple[date, bool] | None, kind: str) -> bool:
    if kind not in ("weekday", "last_week", "this_week") or previous is None:
        return False
    base, yearless = previous
    if yearless:
        base = base.replace(year=published.year) if not (base.month == 2 and base.day == 29) else base
        if base > published:
            base = base.replace(year=published.year - 1)
    return (published - base).days > NARRATED_PAST_DAYS


def _one(kind: str, m: re.Match, text: str, published: date | None,
         previous: tuple[date, bool] | None) -> When | None:
    words = " ".join(m.group(0).split())
    if kind in ANAPHORIC:
        if previous is None:
            return None
        base, yearless = previous
        basis = f"after {base.strftime('--%m-%d') if yearless else base.isoformat()}"
        if kind == "next_day":
            lo = hi = base + timedelta(days=1)
        elif kind == "day_before":
            lo = hi = base - timedelta(days=1)
            basis = basis.replace("after", "before")
        elif kind == "vague_after":
            unit = _UNITS[m.group("vu").lower()]
            a, b = VAGUE_SPAN[unit]
            lo, hi = base + timedelta(days=a), base + timedelta(days=b)
        else:
            n, unit = _count(m.group("n")), _UNITS[m.group("u").lower()]
            if n is None:
                return None
            lo, hi = _around(_shift(base, n if kind == "after" else -n, unit), unit)
            if kind == "before":
                basis = basis.replace("after", "before")
        return When(words, m.start(), m.end(), lo, hi, basis, yearless)
    if published is None or narrating_the_past(published, previous, kind):
        return None
    p = published
    basis = f"published {p.isoformat()}"
    if kind == "weekday" and (_FORWARD.search(text[max(0, m.start() - 20):m.start()])
                              or _WEEKDAY_DATE.match(text[m.end():m.end() + 20])
                              or _ANCHORED.match(text[m.end():m.end() + 40])):
        return None
    if kind == "yesterday":
        lo = hi = p - timedelta(days=1)
    elif kind == "day_before_yesterday":
        lo = hi = p - timedelta(days=2)
    elif kind in ("ago", "vor"):
        n, unit = _count(m.group("n")), _UNITS[m.group("u").lower()]
        if n is None:
            return None
        lo, hi = _around(_shift(p, -n, unit), unit)
    elif kind == "weekday":
        back = (p.weekday() - _WEEKDAYS[m.group("wd").lower()]) % 7 or 7
        lo = hi = p - timedelta(days=back)
    elif kind == "last_week":
        monday = p - timedelta(days=p.weekday() + 7)
        lo, hi = monday, monday + timedelta(days=6)
    elif kind == "this_week":
        lo, hi = p - timedelta(days=p.weekday()), p
    elif kind == "last_month":
        hi = p.replace(day=1) - timedelta(days=1)
        lo = hi.replace(day=1)
    elif kind == "this_month":
        lo, hi = p.replace(day=1), p
    elif kind == "last_year":
        lo, hi = date(p.year - 1, 1, 1), date(p.year - 1, 12, 31)
    else:
        return None
    return When(words, m.start(), m.end(), lo, hi, basis)
