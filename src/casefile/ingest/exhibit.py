"""Printed e-mail chains -> one message per printed message.

Court exhibits are PDFs of printed e-mail; a reply quotes the earlier messages below it, each
under a header block written by the mail client. This module finds those header blocks in lines
of text (from a PDF page, OCR, a plain-text transcription, or the body of a real e-mail) and cuts
the text into messages: each with its header fields, its own body (without the quoted rest) and
the pages it spans. All functions are pure.

Header blocks recognised (English and German clients):

- field blocks: `From: / Sent: / To: / Cc: / Subject:` (Outlook, also printed as a label column),
  `From: / Date: / Subject: / To:` (Gmail, Apple), `Von: / Gesendet: / An: / Cc: / Betreff:`,
  `Von: / Datum: / An: / Betreff:`; optionally after a separator line:
  `-----Original Message-----`, `-----Ursprüngliche Nachricht-----`,
  `---------- Forwarded message ---------`, `---------- Weitergeleitete Nachricht ----------`,
  `Begin forwarded message:`, an Outlook rule of underscores;
- reply lines: `On <date>, <name> <addr> wrote:` and `Am <date> schrieb <name> <addr>:` (also
  wrapped over up to three lines), followed by `>`-quoted or unquoted text;
- Lotus Notes: `----- Forwarded by <name> on <date> -----` followed by
  `<name> <addr> on <date>` and `To: / cc: / Subject:`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .. import lexicon
from .dates import parse_printed_date
from .headers import parse_addresses

LABELS = {
    "from": "from", "von": "from", "absender": "from", "de": "from",
    "sent": "sent", "date": "sent", "gesendet": "sent", "datum": "sent", "sent date": "sent", "envoyé": "sent",
    "to": "to", "an": "to", "à": "to", "recipient": "to", "recipients": "to", "empfänger": "to",
    "cc": "cc", "kopie": "cc", "ce": "cc", "bcc": "bcc", "blindkopie": "bcc",
    "subject": "subject", "betreff": "subject", "re": "subject", "objet": "subject",
    "attachments": "attachments", "attachment": "attachments", "anlagen": "attachments", "anhang": "attachments",
    "importance": "other", "wichtigkeit": "other", "reply-to": "other", "antwort an": "other", "sent by": "other",
    "priorität": "other", "priority": "other",
}
_LABEL = re.compile(
    r"^\s*(?P<label>" + "|".join(sorted((re.escape(k) for k in LABELS), key=len, reverse=True))
    + r")\s*:\s*(?P<value>.*?)\s*$", re.I)
SEPARATOR = re.compile(
    r"^\s*(?:[-=_*]{2,}\s*)?(?P<kind>original message|ursprüngliche nachricht|originalnachricht|forwarded message|"
    r"weitergeleitete nachricht|message d'origine|message transféré|begin forwarded message|"
    r"anfang der weitergeleiteten nachricht|forwarded by .{2,120}? on .{6,40}?)\s*:?\s*(?:[-=_*]{2,})?\s*$", re.I)
SEPARATOR_START = re.compile(r"^\s*[-=_*]{2,}\s*(?:forwarded by|original message|ursprüngliche nachricht)\s", re.I)
SEPARATOR_TAIL = re.compile(r"^\s*\d.{0,40}?\s[-=_*]{3,}\s*$")
"""The end of a separator line wrapped in two, the time and the rule: `10:48 AM -----------`
(Enron's Lotus forwards)."""
RULE = re.compile(r"^\s*_{10,}\s*$")
REPLY_EN = re.compile(r"^\s*>*\s*On\s+(?P<rest>.{4,250}?)\s+w?r[o0]te\s*:?\s*$", re.I | re.S)
"""`wrote` also as OCR reads it half-covered by a redaction box (`rote`)."""
REPLY_DE = re.compile(r"^\s*>*\s*Am\s+(?P<date>.{4,80}?)\s+schrieb\s+(?P<who>.{1,160}?)\s*:\s*$", re.I | re.S)
LOTUS_FROM = re.compile(
    r"^\s*(?P<who>\S.{0,150}?)\s+on\s+(?P<date>\d{1,2}/\d{1,2}/\d{2,4}\s+\d{1,2}:\d{2}(?::\d{2})?\s*(?:[AP]M)?)\s*$",
    re.I)
TIME = re.compile(r"(?<![\d.])\d{1,2}[:.]\d{2}(?:[:.]\d{2})?(?![\d.])\s*(?:[AP]\.?M\.?)?(?:\s*(?:Uhr|[A-Z]{3,4}|[+-]\d{4}))?", re.I)
EMAIL = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+")
QUOTE_MARK = re.compile(r"^\s?>\s?")

MIN_FIELDS = 2
"""A field block needs a From line and at least two of Sent/Date, To, Cc and Subject: a lone
`From:` line occurs in prose ("From: the board's minutes"), three fields never did in our sets."""

MAX_HEADER_LINES = 14
"""Header blocks with wrapped recipient lists are at most 12 lines in the court exhibits."""

UNWRAP_SHARE = 0.72
"""A printed line at least 72 % as long as the longest lines of its chain ran into the right
margin and was wrapped; it is joined with the next. Chosen on the eval set: 0.65 started joining
signature lines, 0.8 left a third of wrapped lines unjoined."""

LABEL_ONLY_RUN = 3
"""Three or more bare labels in a row (`From:`, `Sent:`, `To:`) are a label column whose values
follow below them (when the layout could not put them on one line)."""


@dataclass
class Line:
    text: str
    page: int | None = None


@dataclass
class PrintedMessage:
    style: str
    fields: dict[str, str]
    header: list[Line] = field(default_factory=list)
    body: list[Line] = field(default_factory=list)
    depth: int = 0                      # how deeply it was quoted (0: printed as is)
    attachment: list[Line] = field(default_factory=list)    # printed after it: not its body

    @property
    def pages(self) -> list[int]:
        ps = [ln.page for ln in self.header + self.body if ln.page is not None]
        return [min(ps), max(ps)] if ps else []


_OCR_DATE_LABEL = re.compile(r"^\s*(?P<label>Sent|Date|Gesendet|Datum)[\s.;,]+(?P<value>\S.*\b(?:19|20)\d{2}\b.*)$", re.I)


def label_of(text: str) -> tuple[str, str] | None:
    m = _LABEL.match(text)
    if not m:
        m = _OCR_DATE_LABEL.match(text)       # OCR lost the colon: "Sent Thursday, February 15, 2007"
        if not m:
            return None
    return LABELS[m.group("label").lower()], m.group("value")


def _addressy(text: str) -> bool:
    t = text.strip()
    return bool(EMAIL.search(t)) or t[:1] in "(<'\"[" or t.endswith((";", ","))


def _next_nonblank(lines: list[Line], i: int, limit: int = 2) -> int | None:
    j, skipped = i, 0
    while j < len(lines) and not lines[j].text.strip():
        j += 1
        skipped += 1
        if skipped > limit:
            return None
    return j if j < len(lines) else None


def match_fields(lines: list[Line], i: int, after_separator: bool = False) -> tuple[dict, int] | None:
    """A field block starting at line i: (fields, index after the block). Blocks start with From,
    except right after a separator line, where the From line may be missing (redacted)."""
    first = label_of(lines[i].text)
    if first is None:
        return None
    if first[0] == "from" and not first[1].strip():
        column = _label_column(lines, i)
        if column:
            return column
    if first[0] != "from" and not after_separator and first[0] not in ("subject", "sent"):
        return None
    fields: dict[str, str] = {}
    j = i
    last = None
    while j < len(lines) and j - i < MAX_HEADER_LINES:
        text = lines[j].text
        lab = label_of(text)
        if lab:
            key, value = lab
            if key in fields and key != "other":
                break                       # a second From: is the next message
            fields[key] = value
            last = key
            j += 1
            continue
        if not text.strip():
            k = _next_nonblank(lines, j, 1)
            if k is not None and label_of(lines[k].text) and label_of(lines[k].text)[0] not in fields:
                j = k
                continue
            break
        nxt = label_of(lines[j + 1].text) if j + 1 < len(lines) else None
        inside = nxt is not None and nxt[0] not in fields        # a wrapped value, more fields follow
        if last in ("to", "cc", "bcc", "from", "attachments") and (
                _addressy(text) or _addressy(fields[last]) or inside):
            fields[last] = (fields[last] + " " + text.strip()).strip()
            j += 1
            continue
        if last is not None and inside:
            fields[last] = (fields[last] + " " + text.strip()).strip()
            j += 1
            continue
        break
    core = sum(1 for k in ("sent", "to", "cc", "subject") if k in fields)
    if core < MIN_FIELDS:
        return None
    if first[0] != "from" and not after_separator and not ("from" in fields and "sent" in fields and core >= 3):
        return None         # a block led by Subject/Date needs From, Date and two more fields
    return fields, j


def _label_column(lines: list[Line], i: int) -> tuple[dict, int] | None:
    """`From:` / `Sent:` / `To:` / `Subject:` printed as bare labels with the values below."""
    labels = []
    j = i
    while j < len(lines):
        lab = label_of(lines[j].text)
        if lab and not lab[1]:
            labels.append(lab[0])
            j += 1
        else:
            break
    if len(labels) < LABEL_ONLY_RUN or labels[0] != "from":
        return None
    values = []
    while j < len(lines) and len(values) < len(labels):
        if lines[j].text.strip():
            values.append(lines[j].text.strip())
        j += 1
    if len(values) < len(labels):
        return None
    return dict(zip(labels, values)), j


def match_reply_line(lines: list[Line], i: int) -> tuple[dict, int] | None:
    """`On <date>, <name> wrote:` / `Am <date> schrieb <name>:`, over at most three lines."""
    first = lines[i].text.lstrip("> ").strip()
    if not re.match(r"(?i)^(on|am)\s", first):
        return _reply_other_language(lines, i)
    text = first
    for k in range(3):
        j = i + k
        if k:
            if j >= len(lines) or not lines[j].text.strip():
                break
            text += " " + lines[j].text.lstrip("> ").strip()
        m = REPLY_EN.match(text)
        if m:
            date, who = _split_reply(m.group("rest"))
            if date is None:
                return None
            return {"from": who, "sent": date}, j + 1
        m = REPLY_DE.match(text)
        if m:
            return {"from": m.group("who"), "sent": m.group("date")}, j + 1
        if len(text) > 300:
            break
    return _reply_without_wrote(first, i)


REPLY_OTHER = re.compile(
    r"^(?:(?:le|el|il|op|den|dnia)\s+)?(?P<rest>.{6,250}?\b(?:19|20)\d{2}\b.{0,200}?)\s+"
    r"(?:a écrit|escribió|ha scritto|schreef|skrev|napisał[a]?|написал[а]?|kirjoitti)\s*:?\s*$", re.I)
REPLY_FILLER = re.compile(r"(?i)^(?:пользователь|user|utente|usuario|utilisateur)\s+")


def _reply_other_language(lines: list[Line], i: int) -> tuple[dict, int] | None:
    """Reply lines of French, Spanish, Italian, Dutch, Nordic, Polish and Russian clients, over
    at most three lines: `02.04.2012 14:20 пользователь "bob" <bob@x> написал:`,
    `Le 2 avr. 2012 à 14:20, Bob a écrit :`."""
    if not re.search(r"\b(?:19|20)\d{2}\b", lines[i].text):
        return None                     # the reply line starts with its date
    text = ""
    for k in range(3):
        if i + k >= len(lines) or not lines[i + k].text.strip():
            return None
        text = (text + " " + lines[i + k].text.lstrip("> ").strip()).strip()
        if not re.search(r"\b(?:19|20)\d{2}\b", text) or len(text) > 400:
            continue
        m = REPLY_OTHER.match(text)
        if m:
            date, who = _split_reply(m.group("rest"))
            if date is None or not who:
                return None
            return {"from": REPLY_FILLER.sub("", who), "sent": date}, i + k + 1
    return None


REPLY_NAME_ONLY = re.compile(
    r"^[\"'“]?[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,3}[\"'”]?(?:\s*\[REDACTED\])?(?:\s*<[^<>\s]+@[^<>\s]+>)?$")


def _reply_without_wrote(first: str, i: int) -> tuple[dict, int] | None:
    """`On 9 Jan 2015, at 18:11, "Ross Gow"` whose `wrote:` was lost with a redacted address:
    accepted only with a year, a time, and nothing after the date but a capitalised name."""
    m = re.match(r"(?i)^On\s+(?P<rest>.{4,160})$", first)
    if not m or not re.search(r"\b(19|20)\d{2}\b", first):
        return None
    date, who = _split_reply(m.group("rest"))
    if date is None or not TIME.search(date) or not who or not REPLY_NAME_ONLY.match(who.strip()):
        return None
    return {"from": who, "sent": date}, i + 1


def _split_reply(rest: str) -> tuple[str | None, str]:
    """'Tue, May 17, 2016 at 1:08 PM, Meredith Schultz <m@x>' -> (date, who)."""
    times = list(TIME.finditer(rest))
    if times:
        t = times[0]
        return rest[:t.end()].strip(" ,"), rest[t.end():].strip(" ,")
    m = re.match(r"^(.*\b\d{4})\s*,?\s*(.*)$", rest)   # no time: the date ends with the year
    if m:
        return m.group(1).strip(" ,"), m.group(2).strip(" ,")
    return None, rest


def match_lotus(lines: list[Line], i: int) -> tuple[dict, int] | None:
    m = LOTUS_FROM.match(lines[i].text)
    if not m:
        return None
    k = _next_nonblank(lines, i + 1, 1)
    if k is None:
        return None
    lab = label_of(lines[k].text)
    if not lab or lab[0] != "to":
        return None
    fields = {"from": m.group("who").strip(), "sent": m.group("date")}
    j = k
    last = None
    while j < len(lines) and j - i < MAX_HEADER_LINES:
        lab = label_of(lines[j].text)
        if lab:
            fields[lab[0]] = lab[1]
            last = lab[0]
            j += 1
            if last == "subject":
                break
            continue
        if lines[j].text.strip() and last in ("to", "cc", "bcc"):
            fields[last] += " " + lines[j].text.strip()
            j += 1
            continue
        break
    return fields, j


GMAIL_PRINT = re.compile(
    r"^\s*(?P<who>[^<>\n]{0,80}?)\s*<(?P<addr>[^<>\s]+@[^<>\s]+)>\s+(?P<date>(?:[A-Z][a-z]{1,2}\.?,\s+)?"
    r"(?:[A-Z][a-zä]{2,8}\.?\s+\d{1,2}|\d{1,2}\.?\s+[A-Z][a-zä]{2,8}\.?),?\s+\d{4}(?:,)?\s+(?:at\s+|um\s+)?"
    r"\d{1,2}:\d{2}(?:\s*[AP]M)?)\s*$")
"""Gmail's printout: `Ravi Patel <ravi@x>   Mon, Apr 25, 2016 at 5:03 PM`, then `To:` (German:
`Mo., 25. Apr. 2016 um 17:03`); the subject is the page title `Gmail - <subject>`."""


GMAIL_TITLE = re.compile(r"^\s*Gmail\s+[-–]\s+(.{1,300})$")


def match_gmail_print(lines: list[Line], i: int) -> tuple[dict, int] | None:
    m = GMAIL_PRINT.match(lines[i].text)
    if not m:
        return None
    k = _next_nonblank(lines, i + 1, 1)
    lab = label_of(lines[k].text) if k is not None else None
    if not lab or lab[0] != "to":
        return None
    fields = {"from": f"{m.group('who')} <{m.group('addr')}>".strip(), "sent": m.group("date")}
    j, last = k, None
    while j < len(lines) and j - i < MAX_HEADER_LINES:
        lab = label_of(lines[j].text)
        if lab and lab[0] in ("to", "cc", "bcc"):
            fields[lab[0]] = lab[1]
            last = lab[0]
            j += 1
            continue
        if lines[j].text.strip() and last and (_addressy(lines[j].text) or _addressy(fields[last])):
            fields[last] += " " + lines[j].text.strip()
            j += 1
            continue
        break
    return fields, j


WEBMAIL_FROM = re.compile(r"^\W{0,3}(?P<who>[A-Z][a-zà-ÿ'’‘-]+(?:\s+[A-Z][a-zà-ÿ'’‘.-]+){1,2})"
                          r"(?P<rest>(?:\s.{0,80})?)$")
WEBMAIL_TO = re.compile(r"^\s*(?:To|T0|lo|io)\s+(?P<to>[A-Z][^\s:@]*(?:\s+[^\s:@]+){0,3})\s*$")
WEBMAIL_DATE = re.compile(r"(?<![\d/])(?P<a>\d{1,2})/(?P<b>\d{1,2})/(?P<y>\d{2}|\d{4})\s*(?:at|al|ot|a1|st|t)?\s*"
                          r"(?:[^\w\s]{1,3}\w?[^\w\s]{0,2}\s*)?(?P<h>\d{1,2}):?(?P<m>\d{2})\s*"
                          r"(?P<ap>[AaPpFf])['’]?[Mm]\b")
"""A webmail screen printed as an exhibit (Yahoo's, exhibit 1331.34 in ../shared/corpora): each
message opens with the sender's name, the address and `08/02/07 at 2:43 PM` on one line and
`To <name>` on the next; no `From:` labels. OCR drops the colon of the time (`at 243 PM`),
reads `at` as `ot` or `:i•` and P as `f'` (`09/02/07 :i• 918 f'M`)."""


WEBMAIL_TITLE = re.compile(r"^\s*(?P<subject>(?:(?:Re|Fwd?|AW|WG|Aw|Wg):\s*)+[^()]{2,120}?)\s*\(\d{1,4}\)\s*\W?\s*$")
"""A webmail screen's conversation title above its messages: the subject with a reply prefix
and the count of messages (`Re: FIT website (14) *`)."""


def match_webmail(lines: list[Line], i: int) -> tuple[dict, int] | None:
    m = WEBMAIL_FROM.match(lines[i].text)
    if not m:                  # 'Ann Roth: …' (a label, a chat line) is none: a space or the end follows the name
        return None
    k = _next_nonblank(lines, i + 1, 1)
    t = WEBMAIL_TO.match(lines[k].text) if k is not None else None
    if not t:
        return None
    date = WEBMAIL_DATE.search(m.group("rest"))
    fields = {"from": m.group("who") + (" [REDACTED]" if "[REDACTED]" in m.group("rest") else ""),
              "to": t.group("to")}
    if date:
        fields["sent"] = date.group(0)
    return fields, k + 1


def webmail_day_first(lines: list[Line], printed: list[str] = ()) -> bool | None:
    """Whether a screen's `08/02/07` dates put the day first: True when one of them has a first
    number over 12, False when one has a second number over 12; else whichever order makes more
    of them days written out in full elsewhere in the same document (`printed`, ISO dates of
    its other messages: a reply quoting `Friday, February 09, 2007` beside `09/02/07`); None when
    nothing tells."""
    pairs = [(int(d.group("a")), int(d.group("b"))) for ln in lines for d in WEBMAIL_DATE.finditer(ln.text)]
    if any(a > 12 for a, _ in pairs) and not any(b > 12 for _, b in pairs):
        return True
    if any(b > 12 for _, b in pairs) and not any(a > 12 for a, _ in pairs):
        return False
    known = {(int(p[5:7]), int(p[8:10])) for p in printed if re.match(r"^\d{4}-\d{2}-\d{2}", p or "")}
    day_first = sum(1 for a, b in pairs if (b, a) in known)
    month_first = sum(1 for a, b in pairs if (a, b) in known)
    return True if day_first > month_first else False if month_first > day_first else None


def _webmail_sent(raw: str, day_first: bool | None) -> str:
    """A webmail date written out unambiguously (ISO, 24-hour) when the screen's date order is
    known; else as printed, with the time OCR broke put right."""
    d = WEBMAIL_DATE.search(raw)
    if not d:
        return raw
    hour = int(d.group("h")) % 12 + (0 if d.group("ap") in "Aa" else 12)     # OCR reads P as f
    if day_first is None:
        return f"{d.group('a')}/{d.group('b')}/{d.group('y')} {hour:02d}:{d.group('m')}"
    day, month = (d.group("a"), d.group("b")) if day_first else (d.group("b"), d.group("a"))
    year = int(d.group("y")) + (2000 if len(d.group("y")) == 2 and int(d.group("y")) < 70 else
                                1900 if len(d.group("y")) == 2 else 0)
    return f"{year:04d}-{int(month):02d}-{int(day):02d} {hour:02d}:{d.group('m')}"   # OCR's '68/02/07' stays unreadable


def match_header(lines: list[Line], i: int) -> tuple[str, dict, int] | None:
    """A header block starting at line i: (style, fields, index after it)."""
    text = lines[i].text
    if not text.strip():
        return None
    sep = SEPARATOR.match(text) or (RULE.match(text) and text)
    skip = 0
    if i + 1 < len(lines) and SEPARATOR_START.match(text) and SEPARATOR_TAIL.match(lines[i + 1].text):
        sep = SEPARATOR.match(text.rstrip() + " " + lines[i + 1].text.strip())   # a separator wrapped in two
        skip = 1
    if sep:
        k = _next_nonblank(lines, i + 1 + skip, 3)
        while k is not None and k < len(lines) - 1 and lines[k].text.strip() == "[REDACTED]":
            k = _next_nonblank(lines, k + 1, 2)     # a From line redacted as a whole
        if k is not None:
            got = match_fields(lines, k, after_separator=True) or match_lotus(lines, k)
            if got:
                kind = sep.group("kind").lower() if hasattr(sep, "group") else "rule"
                style = ("forwarded" if "forward" in kind or "weitergeleitet" in kind
                         else "original-message" if kind != "rule" else "outlook")
                return style, got[0], got[1]
        return None
    if label_of(text):
        got = match_fields(lines, i)
        if got:
            german = label_of(text)[1] is not None and re.match(r"(?i)^\s*von\s*:", text)
            return ("outlook-de" if german else "outlook"), got[0], got[1]
        return None
    got = match_reply_line(lines, i)
    if got:
        return ("reply-de" if re.match(r"(?i)^\s*>*\s*am\s", text) else "reply"), got[0], got[1]
    got = match_lotus(lines, i)
    if got:
        return "lotus", got[0], got[1]
    got = match_gmail_print(lines, i)
    if got:
        return "gmail-print", got[0], got[1]
    got = match_webmail(lines, i)
    if got:
        return "webmail", got[0], got[1]
    return None


def _quoted_run(lines: list[Line], i: int) -> int:
    """End of the run of `>`-quoted (or blank) lines starting at i."""
    j = i
    last_quoted = i
    while j < len(lines):
        t = lines[j].text
        if t.lstrip().startswith(">"):
            last_quoted = j + 1
        elif t.strip():
            break
        j += 1
    return last_quoted


def _dequote(lines: list[Line]) -> list[Line]:
    return [Line(QUOTE_MARK.sub("", ln.text, count=1), ln.page) for ln in lines]


def split_chain(lines: list[Line], depth: int = 0, max_depth: int = 30) -> tuple[list[Line], list[PrintedMessage]]:
    """Cut text into (lines before the first header block, printed messages in order)."""
    preamble: list[Line] = []
    msgs: list[PrintedMessage] = []
    current: PrintedMessage | None = None
    title = None
    webmail_title = None
    i = 0
    n = len(lines)
    while i < n:
        hit = match_header(lines, i)
        if hit is None and depth < max_depth and lines[i].text.lstrip().startswith(">") and \
                (i == 0 or not lines[i - 1].text.lstrip().startswith(">")):
            q_end = _quoted_run(lines, i)
            inner = _dequote(lines[i:q_end])
            k = _next_nonblank(inner, 0, 2)
            if k is not None and match_header(inner, k):
                # a whole message quoted with its header block (Hotmail, Outlook Express)
                own, nested = split_chain(inner, depth + 1, max_depth)
                (current.body if current else preamble).extend(own)
                msgs.extend(nested)
                i = q_end
                continue
        if hit is None:
            t = GMAIL_TITLE.match(lines[i].text)
            if t:
                title = t.group(1).strip()
                i += 1
                continue
            w = WEBMAIL_TITLE.match(lines[i].text)
            if w:
                webmail_title = (w.group("subject"), lines[i].page)   # kept in the text: it may be a line of the mail
            (current.body if current else preamble).append(lines[i])
            i += 1
            continue
        style, fields, end = hit
        if style == "gmail-print" and title and not fields.get("subject"):
            fields["subject"] = title
        if style == "webmail" and webmail_title and webmail_title[1] == lines[i].page and not fields.get("subject"):
            fields["subject"] = webmail_title[0]        # the title of this page's conversation
        outer = current
        current = PrintedMessage(style=style, fields=fields, header=lines[i:end], depth=depth)
        msgs.append(current)
        i = end
        k = _next_nonblank(lines, i, 2)
        if style.startswith("reply") and k is not None and lines[k].text.lstrip().startswith(">") \
                and depth < max_depth:
            q_end = _quoted_run(lines, k)
            own, nested = split_chain(_dequote(lines[k:q_end]), depth + 1, max_depth)
            current.body = own
            msgs.extend(nested)
            current = outer                 # text after the quote belongs to the replying message
            i = q_end
    if depth == 0 and any(m.style == "webmail" for m in msgs):
        day_first = webmail_day_first(lines, [parse_printed_date(m.fields["sent"])[0] or "" for m in msgs
                                              if m.style != "webmail" and m.fields.get("sent")])
        for m in msgs:
            if m.style == "webmail" and m.fields.get("sent"):
                m.fields["sent"] = _webmail_sent(m.fields["sent"], day_first)
    return preamble, cut_printed_attachments(split_redacted_headers(msgs))


_REDACTED_LINE = re.compile(r"^\s*(?:(?:from|to|cc|sent|date|subject|von|an|gesendet|betreff)\s*:\s*)?"
                            r"\[\s*REDACTED\s*\]\s*$", re.I)
_SENT_FROM = re.compile(r"^\s*(?:Sent from my|Von meinem|Gesendet von)\b", re.I)
_CLOSING_WORDS = frozenset(w.casefold() for w in lexicon.words("CLOSING_WORDS"))
"""A line of one of these ("Thanks", "Danke") closes a message: it is no signature name."""
_SIGN_NAME = re.compile(r"^\s*([A-Z][a-zà-ÿ'’-]{1,20})(?:\s+[A-Z][a-zà-ÿ'’-]{1,20})?\s*[.,]?\s*$")


def _signed_by(lines: list[Line]) -> str | None:
    """The name a stretch of mail is signed with: its last short capitalised line before any
    'Sent from my ...' line, looked for among the last four lines with text."""
    texts = [ln.text.strip() for ln in lines if ln.text.strip()]
    while texts and (_SENT_FROM.match(texts[-1]) or _REDACTED_LINE.match(texts[-1])):
        texts.pop()
    for t in reversed(texts[-4:]):
        m = _SIGN_NAME.match(t)
        if m and m.group(1).casefold() not in _CLOSING_WORDS:
            return m.group(1)
    return None


SIGNED_WITHIN = 15
"""The sign-off must be among the last 15 lines with text before the page break (a signature
block with a firm's address, phone, fax, web address and a notice runs to about a dozen)."""


def cut_printed_attachments(msgs: list[PrintedMessage]) -> list[PrintedMessage]:
    """What an exhibit prints after a message that says it has an attachment is the attachment,
    not the message: the body is cut at the first page break that follows the message's sign-off
    (a name line among the last SIGNED_WITHIN lines before the break), when the message mentions
    an attachment before it. A long message that runs on over a page break has no sign-off
    before the break and is left whole. (Real exhibit 1325.4: a deposition calendar printed
    after "Please see the attached documents. ... Meredith" was part of her message.)"""
    cue = lexicon.pattern("ATTACHMENTS")
    for m in msgs:
        body = m.body
        for k in range(1, len(body)):
            if body[k].page is None or body[k - 1].page is None or body[k].page == body[k - 1].page:
                continue
            before = [ln for ln in body[:k] if ln.text.strip()]
            after = [ln for ln in body[k:] if ln.text.strip()]
            if len(after) < 3 or not cue.search(" ".join(ln.text for ln in before)):
                continue
            if any((hit := _SIGN_NAME.match(ln.text)) and hit.group(1).casefold() not in _CLOSING_WORDS
                   for ln in before[-SIGNED_WITHIN:]):
                m.body, m.attachment = body[:k], body[k:]
                break
    return msgs


def split_redacted_headers(msgs: list[PrintedMessage]) -> list[PrintedMessage]:
    """A message whose whole header block was redacted leaves two or more lines of nothing but
    [REDACTED] in the middle of the message printed before it. It is cut off as a message of its
    own (sender [REDACTED], no date) only when the text before the block and the text after it
    are signed with different names: a redacted signature block (phone, address) is followed by
    nothing signed, and the same name on both sides is one message. (Real exhibit 1330.22: Ross
    Gow's reply, signed "Ross", printed under Philip Barden's, signed "Philip".)"""
    out: list[PrintedMessage] = []
    for m in msgs:
        out.append(m)
        body = m.body
        i = 0
        while i < len(body):
            if not _REDACTED_LINE.match(body[i].text):
                i += 1
                continue
            j = i
            while j < len(body) and (_REDACTED_LINE.match(body[j].text) or not body[j].text.strip()):
                j += 1
            block = [ln for ln in body[i:j] if ln.text.strip()]
            before, after = _signed_by(body[:i]), _signed_by(body[j:])
            if len(block) >= 2 and before and after and before.casefold() != after.casefold():
                cut = PrintedMessage(style="redacted-header", fields={"from": "[REDACTED]"}, header=body[i:j],
                                     body=body[j:], depth=m.depth)
                m.body = body[:i]
                out.append(cut)
                m, body, i = cut, cut.body, 0
                continue
            i = j
    return out


# ------------------------------------------------------------------ fields -> values
def parse_person(value: str | None) -> tuple[str | None, str | None]:
    """'Laura Menninger [mailto:lm@x]', 'Meier, Barry', '"Ross Gow" <r@x>', 'Anna Roth/Westmark'."""
    if not value or not value.strip():
        return None, None
    v = value.strip().strip(",;")
    v = _ANGLED.sub(lambda a: a.group(1) + re.sub(r"\s+", "", a.group(2)) + "@", v)   # <GMax l@x.com>: OCR's space
    v = _MAILTO_TAIL.sub("", v)                  # "Sarah Ransome [mailto" cut at the line's end
    quoted = _QUOTED_NAME.match(v)
    m = EMAIL.search(v)
    addr = m.group(0).lower().strip(".").lstrip("'`\"").replace("|", "l") if m else None
    if quoted:                                   # '"Brown, David" E [REDACTED] T': the quoted name is the name
        name = quoted.group(1)
        return (name.strip() or None), addr
    redacted = bool(re.search(r"\[\s*REDACTED\s*\]", v, re.I))
    name = re.sub(r"\[\s*REDACTED\s*\]", " ", v, flags=re.I)
    if not m:                                    # 'Sarah Ransome [mailto! ...': the address was redacted or cut
        before = re.split(r"\s*[<\[(]", name, maxsplit=1)[0]
        if len(re.sub(r"[^\w]", "", before)) >= 2:
            name = _trim_debris(before)
    if m:
        name = re.sub(r"\[?\s*mailto:\s*" + re.escape(m.group(0)) + r"\s*\]?", " ", name, flags=re.I)
        name = name.replace(m.group(0), " ")
    name = re.sub(r"(?i)\bmailto:\S*", " ", name)
    name = re.sub(r"[<>\[\]()]", " ", name)
    name = re.sub(r"\s{2,}", " ", name).strip(" \"',;:")
    if not name or EMAIL.fullmatch(name):
        name = None
    if name is None and addr is None and redacted:
        name = REDACTED                          # shown as redacted, not as blank
    return name, addr


def _trim_debris(name: str) -> str:
    """A printed name without what OCR left after it: a number after a capitalised word ('Ross
    60'), or a short lower-case scrap after two or more ('Sarah Ransome noi'); one-word names and
    particles inside a name ('Ludwig van Beethoven') are kept."""
    words = name.split()
    while len(words) > 1:
        capitals = sum(1 for w in words[:-1] if w[:1].isupper())
        if re.fullmatch(r"\d{1,4}", words[-1]) and capitals >= 1 or \
                re.fullmatch(r"[a-z]{1,3}[.,;:!]?", words[-1]) and capitals >= 2:
            words.pop()
            continue
        break
    return " ".join(words)


REDACTED = "[REDACTED]"
_ANGLED = re.compile(r"(<|mailto:)([^<>@\[\]:]{1,80})@", re.I)
_MAILTO_TAIL = re.compile(r"\s*(?:[\[(]\s*m(?:a(?:i(?:l(?:t(?:o)?)?)?)?)?|\bmailto|\bmai\\)\s*[:\\]?\s*$", re.I)
_QUOTED_NAME = re.compile(r"""^\s*["“]([^"“”'<>@]{2,80})(?:["”]|'(?=\s|$))""")


def parse_recipients(value: str | None) -> list[dict]:
    if not value or not value.strip():
        return []
    if ";" in value or not EMAIL.search(value):
        parts = [p for p in re.split(r";", value)] if ";" in value else _name_list(value)
        out = []
        for p in parts:
            name, addr = parse_person(p)
            if name or addr:
                out.append({"name": name, "addr": addr})
        return out
    out = []
    for item in parse_addresses(value):
        name, addr = item["name"], item["addr"]
        n2, a2 = parse_person(f"{name or ''} <{addr}>" if addr else name)
        if n2 or a2:
            out.append({"name": n2, "addr": a2})
    return out


_PARTICLES = {"van", "von", "de", "der", "den", "da", "di", "du", "le", "la", "del", "dos", "ten", "ter", "zu"}


def _name_list(value: str) -> list[str]:
    """Names without addresses, separated by commas: 'Philip Barden, gmax' is two people, but
    'Meier, Barry' and 'van der Linden, Anna' are one written surname first. A part before a comma
    of two or more words (surname particles aside) is a whole name, so the comma separates."""
    parts = [p.strip() for p in value.split(",")]
    if len(parts) < 2:
        return [value]
    words = [w for w in parts[0].split() if w.casefold() not in _PARTICLES]
    if len(parts) == 2 and len(words) < 2:
        return [value]
    return [p for p in parts if p]


# ------------------------------------------------------------------ bodies
LIST_ITEM = re.compile(r"^\s*(?:[-*•>–]|\d{1,2}[.)]|[a-z][.)])\s")


def line_width(lines: list[Line]) -> int:
    """The print width: the 90th percentile of line lengths."""
    lengths = sorted(len(ln.text.rstrip()) for ln in lines if ln.text.strip())
    if not lengths:
        return 0
    return lengths[min(len(lengths) - 1, int(len(lengths) * 0.9))]


def unwrap(lines: list[str], width: int) -> list[str]:
    """Join lines the printer wrapped at the right margin (see UNWRAP_SHARE)."""
    if width < 40:
        return list(lines)
    out: list[str] = []
    joining = False
    for ln in lines:
        s = ln.rstrip()
        if joining and s.strip() and not LIST_ITEM.match(s) and not label_of(s):
            prev = out[-1]
            if prev.endswith("-") and not prev.endswith(" -") and s[:1].islower():
                out[-1] = prev[:-1] + s.lstrip()
            else:
                out[-1] = prev + " " + s.lstrip()
        else:
            out.append(s)
        cur = out[-1]
        joining = bool(s.strip()) and len(s) >= UNWRAP_SHARE * width and not cur.endswith(":")
    return out


def clean_body(body: list[Line], width: int) -> str:
    texts = [ln.text for ln in body]
    while texts and not texts[0].strip():
        texts.pop(0)
    while texts and not texts[-1].strip():
        texts.pop()
    texts = unwrap(texts, width)
    text = "\n".join(texts)
    return re.sub(r"\n{3,}", "\n\n", text).strip()
