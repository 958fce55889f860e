"""Dates as people and mail clients print them, in English and German.

Printed e-mail headers, reply lines and chat exports write dates for people, not machines:
`Tuesday, May 17, 2016 3:53 PM`, `10 November 2015 18:16`, `Dienstag, 12. April 2016 09:14`,
`Am 11.04.2016 um 18:02 schrieb`, `01/04/2001 10:15 AM` (Lotus Notes, US order),
`Fri, 2 Jan 2015 17:06:35 +0000`. `parse_printed_date` turns them into ISO 8601.

A printed date usually has no time zone. Then the wall-clock time is kept without a zone
(`2016-05-17T15:53:00`) and flagged `no-timezone`, rather than guessing an offset: the sender's
zone is unknown, and the duplicates stage matches printed copies to originals with that
tolerance. A date with a zone is converted to UTC (`...Z`), like e-mail headers.
"""
from __future__ import annotations

import re
from datetime import datetime, timezone

from dateutil import parser as dateutil_parser

GERMAN_MONTHS = {
    "januar": "January", "jänner": "January", "jan": "Jan", "februar": "February", "feb": "Feb",
    "märz": "March", "maerz": "March", "mär": "Mar", "mrz": "Mar", "april": "April", "apr": "Apr",
    "mai": "May", "juni": "June", "jun": "Jun", "juli": "July", "jul": "Jul", "august": "August",
    "aug": "Aug", "september": "September", "sept": "Sep", "sep": "Sep", "oktober": "October",
    "okt": "Oct", "november": "November", "nov": "Nov", "dezember": "December", "dez": "Dec",
}
WEEKDAYS = re.compile(
    r"\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun|"
    r"montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonnabend|sonntag|mo|di|mi|do|fr|sa|so)\b\.?,?", re.I)
FILLERS = re.compile(r"\b(?:at|um|den|the|of|uhr|h)\b\.?", re.I)
US_SLASH = re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{2,4})\b")
DOTTED = re.compile(r"\b(\d{1,2})\.\s?(\d{1,2})\.\s?(\d{2,4})\b")
ZONES = {"CET": 3600, "MEZ": 3600, "CEST": 7200, "MESZ": 7200, "EET": 7200, "EEST": 10800, "WET": 0, "WEST": 3600,
         "EST": -18000, "EDT": -14400, "CST": -21600, "CDT": -18000, "MST": -25200, "MDT": -21600,
         "PST": -28800, "PDT": -25200, "BST": 3600, "GMT": 0, "UTC": 0, "UT": 0, "Z": 0, "JST": 32400,
         "AEST": 36000}
HAS_ZONE = re.compile(r"(?:[+-]\d{2}:?\d{2}\b|\b(?:" + "|".join(ZONES) + r")\b)")
EARLIEST_YEAR = 1971
LATEST_YEAR = 2100


def _normalise(text: str) -> tuple[str, bool]:
    """English month names, no weekdays or filler words; True when the day comes first."""
    s = text.strip().strip(",;")
    # OCR reads 1 and 0 inside numbers as I, l, | and O: "20 I 5" -> "2015", "2O16" -> "2016"
    s = re.sub(r"(?<=\d)\s?[Il|]\s?(?=\d)", "1", s)
    s = re.sub(r"(?<=\d)O|O(?=\d)", "0", s)
    s = re.sub(r"(?<=\d)(?:st|nd|rd|th)\b", "", s)
    s = WEEKDAYS.sub(" ", s)
    s = FILLERS.sub(" ", s)
    day_first = True
    if re.search(r"(?<!\d)\d{4}-\d{1,2}-\d{1,2}(?!\d)", s):
        day_first = False               # ISO 8601: year-month-day, whatever the language
    elif US_SLASH.search(s):
        day_first = False               # 01/04/2001: Outlook US, Lotus Notes, Gmail US
    m = DOTTED.search(s)
    if m:                                # 12.04.2016 -> 12 April 2016 (German order is fixed)
        d, mo, y = m.groups()
        if int(mo) <= 12:
            y = int(y) + (2000 if int(y) < 70 else 1900) if len(y) == 2 else int(y)
            s = s[:m.start()] + f"{int(d)} {datetime(2000, int(mo), 1):%B} {y}" + s[m.end():]
    s = re.sub(r"(?<=\d)\.(?=\s)", "", s)  # "12. April" -> "12 April"

    def month(mm):
        word = mm.group(0)
        return GERMAN_MONTHS.get(word.lower().rstrip("."), word)
    s = re.sub(r"\b[A-Za-zäöüÄÖÜ]{3,9}\b\.?", month, s)
    s = re.sub(r"\s{2,}", " ", s).strip(" ,")
    return s, day_first


PRINTED_WEEKDAYS = {"monday": 0, "mon": 0, "montag": 0, "mo": 0, "tuesday": 1, "tue": 1, "tues": 1, "dienstag": 1,
                    "di": 1, "wednesday": 2, "wed": 2, "mittwoch": 2, "mi": 2, "thursday": 3, "thu": 3, "thur": 3,
                    "thurs": 3, "donnerstag": 3, "do": 3, "friday": 4, "fri": 4, "freitag": 4, "fr": 4,
                    "saturday": 5, "sat": 5, "samstag": 5, "sonnabend": 5, "sa": 5, "sunday": 6, "sun": 6,
                    "sonntag": 6, "so": 6}
_LEADING_WEEKDAY = re.compile(r"^\W*([A-Za-z]{2,10})\b")
_OCR_ONE = re.compile(r"\b[tlIi|!]\s?(?=\d\b)|(?<=\b\d)\s(?=\d\b)")
"""A stroke OCR read for the digit 1 ("February t 5"), or a space inside a two-digit day."""


def parse_printed_date(text: str | None) -> tuple[str | None, str | None]:
    """(ISO 8601 or None, flag). Flags: None (with zone, UTC), 'no-timezone', 'date-only',
    'unparseable', 'implausible', 'missing'.

    When the print names a weekday that the date read does not fall on, the OCR slips that most
    often break a day ("February t 5" for "February 15", "1 5") are undone one at a time and the
    first reading that falls on the printed weekday is taken (the real exhibits: "Thursday.
    February t 5. 2007" was read as Monday, February 5)."""
    iso, flag = _parse_printed(text)
    if iso is None or flag not in ("no-timezone", "date-only"):     # a zoned time's UTC day may differ
        return iso, flag
    m = _LEADING_WEEKDAY.match(text or "")
    want = PRINTED_WEEKDAYS.get(m.group(1).casefold()) if m else None
    if want is None or datetime.fromisoformat(iso.rstrip("Z")[:10]).weekday() == want:
        return iso, flag
    for hit in _OCR_ONE.finditer(text):
        fixed = text[:hit.start()] + ("1" if hit.group(0).strip() else "") + text[hit.end():]
        iso2, flag2 = _parse_printed(fixed)
        if iso2 and datetime.fromisoformat(iso2.rstrip("Z")[:10]).weekday() == want:
            return iso2, flag2
    return iso, flag


def _parse_printed(text: str | None) -> tuple[str | None, str | None]:
    if not text or not text.strip():
        return None, "missing"
    s, day_first = _normalise(text)
    zone = HAS_ZONE.search(s)
    try:
        dt = dateutil_parser.parse(s, dayfirst=day_first, fuzzy=True, default=datetime(1900, 1, 1, 0, 0, 0), tzinfos=ZONES)
    except (ValueError, OverflowError, TypeError):
        # "17:05 PM" (a 24-hour time with PM, seen in print) - drop the meridiem and retry
        s2 = re.sub(r"\b(\d{1,2}:\d{2})(?::\d{2})?\s*[AP]\.?M\.?", r"\1", s, flags=re.I)
        try:
            dt = dateutil_parser.parse(s2, dayfirst=day_first, fuzzy=True, default=datetime(1900, 1, 1), tzinfos=ZONES)
        except (ValueError, OverflowError, TypeError):
            return None, "unparseable"
    if dt.year == 1900 and not re.search(r"\b1900\b", s):
        return None, "unparseable"
    if not (EARLIEST_YEAR <= dt.year <= LATEST_YEAR):
        return None, "implausible"
    has_time = bool(re.search(r"\d{1,2}[:.]\d{2}", s.replace(f"{dt.year}", "")))
    if dt.tzinfo is None and zone and zone.group(0).upper() in ZONES:
        from datetime import timedelta
        dt = dt.replace(tzinfo=timezone(timedelta(seconds=ZONES[zone.group(0).upper()])))
    if dt.tzinfo is not None and zone:
        return dt.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"), None
    dt = dt.replace(tzinfo=None)
    if not has_time:
        return dt.strftime("%Y-%m-%d"), "date-only"
    return dt.strftime("%Y-%m-%dT%H:%M:%S"), "no-timezone"
