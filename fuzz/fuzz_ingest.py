"""Fuzz the ingest's entry points with atheris (not run in CI; results in bench/README.md).

    .venv/bin/pip install atheris
    .venv/bin/python fuzz/fuzz_ingest.py --target all --seconds 3600

Targets: `mail` (an e-mail file), `mbox` (a mailbox, streamed as the ingest streams it),
`exhibit` (printed e-mail in text: the exhibit splitter), `pdf` (text layer and exhibit
splitting, without OCR), `archive` (zip and tar members), and `all`, which hands every input to
`registry.analyze`, the function the ingest workers call, so the input's content picks the
parser (OCR included when tesseract is installed).

The contract under test: `analyze` returns a Blob (ok or quarantined with a reason) and never
raises, a streamed mbox yields messages or stops, and nothing hangs. casefile bounds each file
with its own SIGALRM budget (registry.budget), which takes the place of libFuzzer's -timeout
alarm: a slow input shows as a `slow-unit-*` file and a "Slowest unit" line, not as a timeout
crash, so read those after a run. The seeds are
the small files of ../shared/corpora (or $CASEFILE_CORPORA), copied into a working folder that
the fuzzer adds to; a crash is written as crash-<hash> in the current folder and becomes a test.
"""
from __future__ import annotations

import argparse
import io
import os
import shutil
import sys
from pathlib import Path

import atheris

with atheris.instrument_imports(include=["casefile"]):
    from casefile.ingest import registry
    from casefile.ingest.archive import iter_tar, iter_zip
    from casefile.ingest.documents import printed_in_text
    from casefile.ingest.mail import parse_mail
    from casefile.ingest.mbox import iter_mbox
    from casefile.ingest.pdf import build_documents, read_pages
    from casefile.model import Blob

SEED_MAX_BYTES = 64 << 10
SEEDS = {
    "mail": ("cpython-email-testdata", "flanker", "mime4j", "enmime", "spamscope-mail-parser", "talon-replies",
             "mimekit-testdata", "stalwart-mail-parser", "php-mime-mail-parser", "ruby-mail-gem"),
    "mbox": ("mailinglist-testdata", "notmuch-corpora"),
    "exhibit": ("pdf-court-exhibits-printed-emails", "talon-replies"),
    "pdf": ("pypdf-sample-files", "pdf-court-exhibits-printed-emails", "ocrmypdf-resources"),
    "archive": ("enron", "pypdf-sample-files"),
}


def run_mail(data: bytes) -> None:
    try:
        parse_mail(data, "fuzz.eml")
    except (ValueError, LookupError, UnicodeError):
        pass                        # a refusal the caller turns into a quarantine reason


def run_mbox(data: bytes) -> None:
    for _ in iter_mbox(io.BytesIO(data)):
        pass


def run_exhibit(data: bytes) -> None:
    printed_in_text(data.decode("utf-8", "replace"), "fuzz.txt")


def run_pdf(data: bytes) -> None:
    try:
        pages, notes = read_pages(data, ocr=False)
    except ValueError:
        return                      # "the PDF is broken (...)": the quarantine reason
    build_documents(pages, notes, "fuzz.pdf", "application/pdf")


def run_archive(data: bytes) -> None:
    for it in (iter_zip, iter_tar):
        try:
            for _ in it(data):
                pass
        except Exception:           # noqa: BLE001 - not an archive of this kind: analyze quarantines it
            pass
    run_all(data)


def run_all(data: bytes) -> None:
    blob = registry.analyze(Blob(name="fuzz", data=data), top_level=True)
    assert isinstance(blob, Blob) and blob.status in ("ok", "quarantined"), blob.status
    assert blob.status == "ok" or blob.reason, "quarantined without a reason"


TARGETS = {"mail": run_mail, "mbox": run_mbox, "exhibit": run_exhibit, "pdf": run_pdf, "archive": run_archive,
           "all": run_all}


def corpora() -> Path:
    for cand in (os.environ.get("CASEFILE_CORPORA"), Path(__file__).resolve().parents[2] / "shared" / "corpora"):
        if cand and Path(cand, "SOURCES.md").exists():
            return Path(cand)
    sys.exit("../shared/corpora not found; set CASEFILE_CORPORA")


def seed(target: str, into: Path) -> int:
    into.mkdir(parents=True, exist_ok=True)
    sets = sorted({s for v in SEEDS.values() for s in v}) if target == "all" else SEEDS[target]
    n = 0
    for name in sets:
        for p in sorted((corpora() / name).rglob("*")):
            if p.is_file() and 0 < p.stat().st_size <= SEED_MAX_BYTES:
                shutil.copyfile(p, into / f"{name}-{n}")
                n += 1
    return n


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--target", choices=sorted(TARGETS), default="all")
    ap.add_argument("--seconds", type=int, default=3600)
    ap.add_argument("--work", default="/tmp/casefile-fuzz")
    args, rest = ap.parse_known_args()
    work = Path(args.work) / args.target
    if not work.exists():
        print(f"{seed(args.target, work)} seeds", flush=True)
    fn = TARGETS[args.target]
    atheris.Setup([sys.argv[0], str(work), f"-max_total_time={args.seconds}", "-timeout=60", "-rss_limit_mb=2048",
                   "-print_final_stats=1", *rest], fn)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
