"""What ingestors produce: plain data, never database writes.

An ingestor turns one blob into a `Blob` result: its detected type, its status, the `DocRecord`s it
contains and its child blobs (attachments, archive members, messages in a mailbox), recursively.
The stage runner (`casefile.ingest.runner`) writes these records to the store.
"""
from __future__ import annotations

from dataclasses import dataclass, field

MESSAGE_KINDS = ("email", "outlook-item", "printed-email", "quoted-email")
"""Document kinds that are one message each, copies of one another included (a printed or
quoted copy): what duplicates, features and threads are about."""
HEAD_BYTES = 64 * 1024
"""The leading bytes a file's type is told from (ingest.detect) and kept with its source row."""
PRINTED_KINDS = ("printed-email",)
"""Messages read from printed pages: their names may be misread (analyze.people.ocr_name_variants)."""



@dataclass
class DocRecord:
    """One unit of evidence found inside a blob."""

    kind: str                      # email | printed-email | quoted-email | pdf | article | docx | chat | text | html
    locator: str = ""              # where inside the blob ('' = the blob itself)
    message_id: str | None = None
    in_reply_to: str | None = None
    references: list[str] = field(default_factory=list)
    subject: str | None = None
    from_name: str | None = None
    from_addr: str | None = None
    to: list[dict] = field(default_factory=list)     # [{"name": .., "addr": ..}]
    cc: list[dict] = field(default_factory=list)
    bcc: list[dict] = field(default_factory=list)
    sent_at: str | None = None     # ISO 8601 UTC, 'YYYY-MM-DDTHH:MM:SSZ'
    sent_at_raw: str | None = None # the date exactly as found
    date_flag: str | None = None   # None | missing | unparseable | implausible
    text: str = ""
    body_from: str | None = None   # text/plain | text/html | rtf | none
    notes: list[str] = field(default_factory=list)   # charset fallbacks, cut text, defects
    headers: list[tuple[str, str]] = field(default_factory=list)
    lang: str | None = None
    title: str | None = None
    citation: dict | None = None   # {"file", "pages": [first, last], "bates": [first, last]}
    pages: list[dict] | None = None  # [{"page", "start", "end", "bates", "ocr"}]: where each page is in text
    derived_from: str | None = None  # locator of the document this one was recovered from
    meta: dict = field(default_factory=dict)   # article url/site/author, chat channel, ...
    sketch: bytes | None = None    # MinHash of the own words (analyze.features), for near-duplicates
    words: int | None = None       # how many own words the message has
    greeting: str | None = None    # the name addressed in the salutation ("Hi Anna," -> "Anna")
    closing: str | None = None     # the name signed under the closing ("Best,\nLena" -> "Anna")
    signature_org: str | None = None  # the company in the signature ("Westmark Robotics GmbH")
    lang_spans: list[dict] | None = None   # mixed-language text: [{"start", "end", "lang"}] per stretch
    norm: str | None = None        # transient: normalised own text waiting to be sketched in a batch
    cut: list[tuple] | None = None  # passages cut in the worker: (seq, start, end, page, bates, lang, searchable)


@dataclass
class Blob:
    """The analysis of one input file or container member."""

    name: str                      # file name or member name, for people
    locator: str = ""              # position in the parent ('' for a top-level input)
    sha256: str = ""
    size: int = 0
    type: str = "application/octet-stream"
    status: str = "ok"             # ok | quarantined
    reason: str | None = None      # human-readable, set when quarantined
    detail: str | None = None      # human-readable note for ok sources
    documents: list[DocRecord] = field(default_factory=list)
    children: list["Blob"] = field(default_factory=list)
    data: bytes | None = None      # bytes to keep under originals/ (None: already kept / derivable)
    offset: int | None = None      # for members read from a parent original (mbox)
    length: int | None = None

    def quarantine(self, reason: str) -> "Blob":
        self.status = "quarantined"
        self.reason = reason
        return self
