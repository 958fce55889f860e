"""Search across languages at 100k messages: the embedding stage against the bare model on the
same texts, the vector index build, and semantic, hybrid and quote query latency.

Usage: python bench/search_bench.py [--workdir bench/work] [--subset 10000]

1. `casefile embed` on a case of the first `--subset` messages of the 100k benchmark mbox
   (bench/ingest_bench.py makes it), timed; then the same passage texts encoded by the bare model
   in the same number of processes (2), timed: the stage's throughput as a share of the model's.
2. `casefile embed` on the 100k-message case (bench/work/case-mbox): time, peak memory, passages,
   distinct vectors, HNSW build.
3. In one process on the 100k case: 300 semantic and 300 hybrid queries (a quarter of them with a
   sender and date filter) and 30 quotes: p50/p99 and the process's memory.
Writes JSON to stdout; the numbers go into bench/README.md by hand, with date and machine.
"""
from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import random
import shutil
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import psutil  # noqa: E402

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "src"))
from ingest_bench import WORDS, generate, measure  # noqa: E402

QUERIES_DE = ["Er lehnt den Sitz im Vorstand ab", "Die Finanzierung scheitert an den Stimmrechten",
              "Der Investor verlangt ein Veto beim Budget", "Sie will die Anteile zurückkaufen",
              "Wir brauchen eine Antwort bis Freitag", "Der Anwalt prüft den Vertrag"]


def _subset_mbox(mbox: Path, n: int, out: Path) -> Path:
    if out.exists():
        return out
    count = 0
    with open(mbox, "rb") as src, open(out, "wb") as dst:
        for line in src:
            if line.startswith(b"From bench@example "):
                count += 1
                if count > n:
                    break
            dst.write(line)
    return out


def _passage_texts(case: Path) -> list[str]:
    from casefile import Case
    with Case.open(case) as c:
        rows = c.db.execute('SELECT d.text, p.start, p."end" FROM passages p JOIN documents d ON d.id = p.doc_id'
                            " WHERE p.searchable = 1 ORDER BY p.id").fetchall()
    return [" ".join((t or "")[a:b].split()) for t, a, b in rows]


def _bare_worker(texts):
    from casefile.search import embeddings
    return len(embeddings.get().encode(texts))


def bare_model(texts: list[str], workers: int = 2, batch: int = 256) -> dict:
    """The model alone on the same texts, in the same number of forked processes and batches."""
    from casefile.search import embeddings
    embeddings.get().load()
    batches = [texts[i:i + batch] for i in range(0, len(texts), batch)]
    t0 = time.monotonic()
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        n = sum(pool.imap(_bare_worker, batches))
    s = time.monotonic() - t0
    return {"texts": n, "seconds": round(s, 2), "per_s": round(n / s)}


def embed_stage(case: Path) -> dict:
    r = measure([sys.executable, "-m", "casefile.cli", "embed", "--case", str(case), "--json"])
    out = json.loads(r.pop("stdout"))
    r.update({"embedded": out.get("embedded"), "documents_cut": out.get("documents_cut"),
              "per_s": round((out.get("embedded") or 0) / r["seconds"]) if r["seconds"] else None})
    return r


def latency(case: Path, n: int = 300, quotes: int = 30) -> dict:
    from casefile import Case
    rng = random.Random(11)
    proc = psutil.Process()
    out = {}
    with Case.open(case) as c:
        t0 = time.monotonic()
        c.search("warm up", mode="semantic")
        out["first_query_s"] = round(time.monotonic() - t0, 2)
        meta = c.semantic.vectors.meta()
        out["index"] = {k: meta[k] for k in ("count", "vectors", "hnsw_count")}
        for mode in ("semantic", "hybrid"):
            timings = []
            for i in range(n):
                q = rng.choice(QUERIES_DE) if i % 2 else " ".join(rng.sample(WORDS, 3))
                kw = {"sender": "lena", "after": "2016-03-05", "before": "2016-03-20"} if i % 4 == 3 else {}
                t = time.perf_counter()
                c.search(q, mode=mode, limit=20, **kw)
                timings.append((time.perf_counter() - t) * 1000)
            timings.sort()
            out[mode] = {"queries": n, "p50_ms": round(statistics.median(timings), 2),
                         "p99_ms": round(timings[int(len(timings) * 0.99) - 1], 2), "max_ms": round(timings[-1], 2)}
        timings = []
        for i in range(quotes):
            q = rng.choice(QUERIES_DE) + ", " + " ".join(rng.sample(WORDS, 5))
            t = time.perf_counter()
            c.quote(q)
            timings.append((time.perf_counter() - t) * 1000)
        timings.sort()
        out["quote"] = {"queries": quotes, "p50_ms": round(statistics.median(timings), 1),
                        "max_ms": round(timings[-1], 1)}
    out["process_rss_mb"] = round(proc.memory_info().rss / 2**20, 1)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--workdir", default=str(HERE / "work"))
    ap.add_argument("--subset", type=int, default=10_000)
    ap.add_argument("--only", choices=["throughput", "embed-100k", "latency"])
    a = ap.parse_args()
    work = Path(a.workdir)
    mbox, _ = generate(100_000, work)
    result = {"date": time.strftime("%Y-%m-%d"),
              "machine": f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
                         f"{round(psutil.virtual_memory().total / 2**30)} GiB, Python {platform.python_version()}"}
    if a.only in (None, "throughput"):
        sub = _subset_mbox(mbox, a.subset, work / "inputs" / f"bench-{a.subset}.mbox")
        case = work / f"case-embed-{a.subset}"
        shutil.rmtree(case, ignore_errors=True)
        measure([sys.executable, "-m", "casefile.cli", "ingest", str(sub), "--case", str(case), "--json", "--no-embed"])
        stage = embed_stage(case)
        bare = bare_model(_passage_texts(case))
        result["throughput"] = {"messages": a.subset, "stage": stage, "bare_model": bare,
                                "stage_share_of_bare": round(stage["per_s"] / bare["per_s"], 3)}
    if a.only in (None, "embed-100k"):
        case = work / "case-mbox"
        if not case.exists():
            raise SystemExit("run bench/ingest_bench.py --only mbox first (it builds bench/work/case-mbox)")
        result["embed_100k"] = embed_stage(case)
    if a.only in (None, "latency"):
        result["latency_100k"] = latency(work / "case-mbox")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
