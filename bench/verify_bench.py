"""Checking an article at 100k messages (issue 6: a 40-claim article in at most 15 s on 2 cores).

Usage: python bench/verify_bench.py [--workdir bench/work] [--claims 40]

The case is the 100k-message benchmark mbox (bench/ingest_bench.py makes it) plus the bundled
sample case, ingested and embedded into `<workdir>/case-verify` (made when missing). The article
is the labelled articles of eval/verify put together (English and German), cut to its first
`--claims` claims. In one process: the case opened and the article checked once cold (models
loaded, caches empty) and once more warm; time, claims per second and the process's peak memory.
The verdicts are also compared with the same article checked against the sample case alone:
99,988 unrelated messages should change none of them.
Writes JSON to stdout; the numbers go into bench/README.md by hand, with date and machine.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "src"))

ARTICLES = ["northern-post-en.txt", "hafenkurier-de.txt", "harbour-ledger-en.txt", "elbe-echo-de.txt"]


def article(n_claims: int) -> str:
    """The eval articles' lines, as many as give `n_claims` claims."""
    from casefile.verify.claims import extract
    lines = []
    for name in ARTICLES:
        lines += [x for x in (HERE.parent / "eval" / "verify" / name).read_text().splitlines() if x.strip()]
    names = ["Lena Berg", "Daniel Okafor", "Priya Raman", "Dr. Jonas Weber", "Halvard Ventures", "Halvard",
             "Nordhafen Robotics", "Nordhafen"]
    out = []
    for line in lines:
        if len(extract("\n".join(out + [line]), names)) > n_claims:
            break
        out.append(line)
    return "\n".join(out) + "\n"


def build(case: Path) -> dict:
    """Ingest the 100k mbox and the sample case into `case`, with embedding."""
    from ingest_bench import generate
    from casefile.sample import sample_dir
    mbox, _ = generate(100_000, case.parent)
    t0 = time.monotonic()
    subprocess.run([sys.executable, "-m", "casefile.cli", "ingest", str(mbox), str(sample_dir()), "--case", str(case)],
                   check=True, stdout=subprocess.DEVNULL)
    return {"built_seconds": round(time.monotonic() - t0, 1)}


def run(case: Path, text: str) -> dict:
    from casefile import Case
    path = Path(tempfile.mkdtemp()) / "article.txt"
    path.write_text(text)
    out = {}
    t0 = time.monotonic()
    with Case.open(case) as c:
        out["documents"] = c.db.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
        out["passages"] = c.db.execute("SELECT COUNT(*) FROM passages WHERE searchable = 1").fetchone()[0]
        t1 = time.monotonic()
        cold = c.verify(path)
        t2 = time.monotonic()
        c.verify(path)
        t3 = time.monotonic()
    out.update({"claims": cold["claims"], "open_seconds": round(t1 - t0, 2), "cold_seconds": round(t2 - t1, 2),
                "warm_seconds": round(t3 - t2, 2), "summary": cold["summary"],
                "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
                "verdicts": [v["verdict"] for v in cold["verdicts"]]})
    return out


def sample_verdicts(text: str) -> list[str]:
    from casefile import Case
    from casefile.sample import sample_dir
    tmp = Path(tempfile.mkdtemp())
    (tmp / "article.txt").write_text(text)
    with Case.create(tmp / "case") as c:
        c.ingest([sample_dir()])
        return [v["verdict"] for v in c.verify(tmp / "article.txt")["verdicts"]]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--workdir", default=str(HERE / "work"))
    ap.add_argument("--claims", type=int, default=40)
    a = ap.parse_args()
    case = Path(a.workdir) / "case-verify"
    res = {"machine": f"{platform.node()} {os.cpu_count()} cores, {platform.python_version()}",
           "date": time.strftime("%Y-%m-%d")}
    if not (case / "case.db").exists():
        res.update(build(case))
    text = article(a.claims)
    res.update(run(case, text))
    alone = sample_verdicts(text)
    res["same_verdicts_as_sample_alone"] = sum(x == y for x, y in zip(res["verdicts"], alone))
    res.pop("verdicts")
    print(json.dumps(res, indent=1))


if __name__ == "__main__":
    main()
