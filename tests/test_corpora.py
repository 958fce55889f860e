"""Every e-mail and Outlook set in ../shared/corpora: each file ends up ok or quarantined with a
reason, nothing crashes, no file takes over 30 s."""
import time

import pytest

from casefile import Case
from casefile.model import Blob
from casefile.ingest.registry import analyze

MAIL_SETS = [
    "cpython-email-testdata", "spamscope-mail-parser", "flanker", "notmuch-corpora", "mime4j", "ruby-mail-gem",
    "php-mime-mail-parser", "enmime", "talon-replies", "mimekit-testdata", "stalwart-mail-parser",
    "gmime-charset-text", "mailinglist-testdata", "mailinglist-linux-mips", "enron", "outlook-msg", "outlook-pst",
]
PER_FILE_SECONDS = 30


@pytest.fixture(scope="module")
def ingested(corpora, tmp_path_factory):
    roots = [corpora / s for s in MAIL_SETS]
    case = Case.create(tmp_path_factory.mktemp("corpora") / "case")
    t0 = time.monotonic()
    summary = case.ingest(roots, workers=2, embed=False)   # embedding is tested in test_semantic
    yield case, roots, summary, time.monotonic() - t0
    case.close()


def test_every_file_is_accounted_for(ingested):
    case, roots, summary, _ = ingested
    files = sorted(str(p.resolve()) for r in roots for p in r.rglob("*") if p.is_file() and p.name != ".DS_Store")
    rows = {r["path"]: r for r in case.db.execute(
        "SELECT i.path, s.status, s.reason FROM inputs i JOIN sources s ON s.id = i.source_id")}
    missing = [f for f in files if f not in rows]
    assert not missing, missing[:5]
    # and a user can account for each of them in `casefile sources --json`, copies included
    listed = {p for src in case.sources() for p in src["paths"]}
    unlisted = [f for f in files if f not in listed]
    assert not unlisted, f"{len(unlisted)} input files not in sources --json, e.g. {unlisted[:3]}"
    assert all(rows[f]["status"] in ("ok", "quarantined") for f in files)
    bad = [r for r in case.db.execute("SELECT * FROM sources WHERE status='quarantined' AND (reason IS NULL OR reason='')")]
    assert not bad
    assert summary.files_seen == len(files)
    # the sets are mail: almost all of it must be read as documents
    st = case.status()
    assert st["documents"]["email"] > 5000
    assert st["sources"].get("ingesting", 0) == 0


def test_expected_quarantines_only(ingested):
    case, *_ = ingested
    reasons = {r[0] for r in case.db.execute("SELECT reason FROM sources WHERE status='quarantined' AND parent_id IS NULL")}
    allowed = ("the file is empty", "not a format casefile reads", "could not be read as")
    assert all(r.startswith(allowed) for r in reasons), reasons


def test_no_file_takes_over_30_seconds(corpora):
    slow = []
    for s in MAIL_SETS:
        for p in sorted((corpora / s).rglob("*")):
            if not p.is_file():
                continue
            t0 = time.monotonic()
            analyze(Blob(name=p.name, data=p.read_bytes()), top_level=True)
            el = time.monotonic() - t0
            if el > PER_FILE_SECONDS:
                slow.append((p, el))
    assert not slow
