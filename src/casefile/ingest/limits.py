"""Bounds on hostile input. Every size and every recursion in ingestion is bounded by one of these.

The values were chosen against the corpora in ../shared/corpora: the largest legitimate single
message there is 3 MB (flanker's enclosed-endless.eml), the deepest legitimate nesting of
message/rfc822 is 5 (MimeKit), the longest header is 210 KB (flanker long-header.eml), and no file
needs more than 2 s to parse on this machine. The bounds leave one to two orders of magnitude of
head-room over that, and stop pathological inputs (zip bombs, nesting bombs) well before they hurt.
"""

MAX_DEPTH = 16
"""Containers inside containers (zip in mail in mbox in zip ...) deeper than this are quarantined."""

MAX_BLOB_BYTES = 1 << 30
"""A single member (message, attachment, zip entry) larger than 1 GiB is stored but not parsed."""

MAX_MESSAGE_BYTES = 256 << 20
"""An e-mail message larger than 256 MiB is quarantined instead of parsed in memory."""

MAX_MEMBER_IN_MEMORY = 128 << 20
"""An archive member is unpacked in memory (and handed to a parser process) only up to 128 MiB;
a larger one is recorded as a quarantined member with its size and the advice to extract the
archive. With two workers and the batches in flight this keeps an ingest of any archive, bombs
included, under 1 GB of memory for the whole process tree (tests/test_bombs.py). The largest
legitimate member in ../shared/corpora is 3 MB."""

MAX_UNPACKED_PER_FILE = 128 << 20
"""Archives inside a file (a zip attached to a mail, a zip in a zip) are unpacked in memory; all
that one file unpacks this way together is bounded by 128 MiB (what is unpacked crosses from the
parser process to the main one, so it is held about four times; measured: 6 x 100 MiB in a mail
with a budget of 384 MiB peaked at 1.3 GB for the ingest's processes, tests/test_bombs.py). Members past the bound are
recorded as quarantined (a possible decompression bomb) and the file around them is kept."""

MAX_ZIP_MEMBERS = 200_000
MAX_ZIP_TOTAL_BYTES = 8 << 30
MAX_ZIP_RATIO = 250
"""A zip member whose uncompressed size exceeds 250x its compressed size (and 10 MiB) is treated
as a decompression bomb; real documents compress at most ~20x, plain text up to ~100x."""

MAX_PARTS = 10_000
"""MIME parts per message; torture.eml has 160."""

MAX_TEXT_CHARS = 20_000_000
"""Document text beyond 20 M characters is cut, and the cut is recorded."""


def cut_text(text: str) -> tuple[str, str | None]:
    """The text within MAX_TEXT_CHARS, and the note that records a cut (None if there was none)."""
    if len(text) <= MAX_TEXT_CHARS:
        return text, None
    return text[:MAX_TEXT_CHARS], f"text cut at {MAX_TEXT_CHARS:,} of {len(text):,} characters"

PARSE_SECONDS = 60
"""Wall-clock budget for parsing one file or member; over it, the item is quarantined."""
