"""PDF throughput: born-digital pages/s for casefile's reader (text in reading order + furniture +
chain splitting) side by side with poppler's `pdftotext -layout` on the same files in the same
run; OCR pages/minute on scanned pages; peak memory of each.

Both read the text layer only (pdftotext does no OCR); casefile's time includes furniture
removal and splitting the printed messages. Inputs: the born-digital court exhibits in ../shared/corpora (6 files, 61 pages; the image-only
1330.20 is left out of the born-digital set) read REPEAT times, and for OCR the scanned exhibit
1330.20 plus the two scanned files of eval/exhibits.

Usage: python bench/pdf_bench.py [--corpora DIR] [--repeat 10]
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCANNED = "gov.uscourts.nysd.447706.1330.20.pdf"


def child(kind: str, files: list[str], repeat: int) -> None:
    """Run in a fresh process so that its peak RSS (ru_maxrss) is its own."""
    from casefile.ingest.pdf import build_documents, parse_pdf, read_pages
    pages = 0
    ocr_pages = 0
    t0 = time.perf_counter()
    for _ in range(repeat):
        for f in files:
            data = Path(f).read_bytes()
            if kind == "casefile-text":          # text layer only, as pdftotext: no OCR
                got, notes = read_pages(data, ocr=False)
                blob = build_documents(got, notes, Path(f).name, "application/pdf")
                pages += len(got)
            elif kind == "casefile":
                blob = parse_pdf(data, Path(f).name)
                pages += len(blob.documents[0].pages)
                ocr_pages += sum(1 for p in blob.documents[0].pages if p["ocr"])
            else:
                got, _ = read_pages(data)
                pages += len(got)
    secs = time.perf_counter() - t0
    print(json.dumps({"pages": pages, "ocr_pages": ocr_pages, "seconds": round(secs, 2),
                      "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}))


def run_child(kind: str, files: list[Path], repeat: int) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", kind, "--repeat", str(repeat), *map(str, files)],
                         capture_output=True, text=True, check=True, env=dict(os.environ, OMP_THREAD_LIMIT="1"))
    return json.loads(out.stdout.strip().splitlines()[-1])


def pdftotext(files: list[Path], repeat: int) -> dict:
    counts = {}
    for f in files:
        info = subprocess.run(["pdfinfo", str(f)], capture_output=True, text=True).stdout
        counts[f] = int(next(ln.split()[-1] for ln in info.splitlines() if ln.startswith("Pages:")))
    pages = 0
    t0 = time.perf_counter()
    for _ in range(repeat):
        for f in files:
            subprocess.run(["pdftotext", "-layout", str(f), "/dev/null"], check=True)
            pages += counts[f]
    secs = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"pages": pages, "seconds": round(secs, 2), "peak_rss_mb": round(peak, 1)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpora", default=str(HERE.parent.parent / "shared" / "corpora"))
    ap.add_argument("--repeat", type=int, default=10)
    ap.add_argument("--child")
    ap.add_argument("files", nargs="*")
    a = ap.parse_args()
    if a.child:
        child(a.child, a.files, a.repeat)
        return
    folder = Path(a.corpora) / "pdf-court-exhibits-printed-emails"
    born = sorted(p for p in folder.glob("*.pdf") if p.name != SCANNED)
    scans = [folder / SCANNED] + sorted((HERE.parent / "eval" / "exhibits" / "inputs").glob("*scan.pdf"))
    pt = pdftotext(born, a.repeat)          # first: RUSAGE_CHILDREN then holds pdftotext's peak only
    cf = run_child("casefile-text", born, a.repeat)
    ocr = run_child("casefile", scans, 1)
    result = {
        "date": time.strftime("%Y-%m-%d"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "born_digital": {"casefile": cf | {"pages_per_s": round(cf["pages"] / cf["seconds"], 1)},
                         "pdftotext": pt | {"pages_per_s": round(pt["pages"] / pt["seconds"], 1)}},
        "ocr": ocr | {"ocr_pages_per_minute": round(ocr["ocr_pages"] / ocr["seconds"] * 60, 1)},
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
