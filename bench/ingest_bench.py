"""Ingest throughput and peak memory on a generated 100k-message mbox with attachments and on a
Maildir of the same messages, side by side with notmuch indexing that Maildir; then search
p50/p99 over the 100k-message case.

Usage: python bench/ingest_bench.py [--messages 100000] [--workdir bench/work]
Writes a JSON result to stdout; the numbers go into bench/README.md by hand, with date and machine.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil

WORDS = ("board seat investor valuation shares votes control budget veto term sheet founder resign "
         "Vorstandssitz Anteile Stimmrechte Finanzierung Bewertung Gesellschafter Kaufpreis Angebot "
         "meeting tomorrow agree disagree offer refuse deadline lawyer contract signed tranche").split()
PEOPLE = [("Lena Berg", "lena@nordhafen.example"), ("Daniel Okafor", "daniel@okafor.example"),
          ("Priya Raman", "priya@halvard.example"), ("Jonas Weber", "weber@kanzlei.example")] + \
         [(f"Person {i}", f"p{i}@corp{i % 40}.example") for i in range(400)]


def message(i: int, rng: random.Random) -> bytes:
    frm, to = rng.sample(PEOPLE, 2)
    body = "\n".join(" ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 16))) for _ in range(rng.randint(4, 20)))
    day = 1 + i % 28
    head = (f"From: {frm[0]} <{frm[1]}>\nTo: {to[0]} <{to[1]}>\nSubject: {' '.join(rng.sample(WORDS, 4))}\n"
            f"Date: Mon, {day} Mar 2016 {i % 24:02d}:{i % 60:02d}:00 +0100\nMessage-ID: <{i}@bench.example>\n"
            + (f"In-Reply-To: <{i - 1}@bench.example>\n" if i % 3 else "") + "MIME-Version: 1.0\n")
    if i % 20 == 0:
        import base64
        att = base64.encodebytes(rng.randbytes(6000)).decode()
        return (head + 'Content-Type: multipart/mixed; boundary="b1"\n\n--b1\nContent-Type: text/plain; charset=utf-8\n\n'
                + body + '\n--b1\nContent-Type: application/octet-stream; name="scan.bin"\n'
                'Content-Disposition: attachment; filename="scan.bin"\nContent-Transfer-Encoding: base64\n\n'
                + att + "--b1--\n").encode()
    return (head + "Content-Type: text/plain; charset=utf-8\n\n" + body + "\n").encode()


def generate(n: int, work: Path) -> tuple[Path, Path]:
    mbox = work / "inputs" / "bench.mbox"
    maildir = work / "inputs" / "Maildir"
    if mbox.exists() and (maildir / "cur").exists():
        return mbox, maildir
    mbox.parent.mkdir(parents=True, exist_ok=True)
    for d in ("cur", "new", "tmp"):
        (maildir / d).mkdir(parents=True, exist_ok=True)
    rng = random.Random(42)
    with open(mbox, "wb") as fh:
        for i in range(n):
            m = message(i, rng)
            fh.write(b"From bench@example Mon Mar  1 10:00:00 2016\n" + m + b"\n")
            (maildir / "cur" / f"{1456000000 + i}.M{i}P1.bench:2,S").write_bytes(m)
    return mbox, maildir


def generate_big(gb: float, work: Path) -> Path:
    """A large mbox (`gb` GiB) for the memory bound: the same generator, streamed to disk."""
    path = work / "inputs" / f"big-{gb:g}g.mbox"
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    rng = random.Random(7)
    limit, i = int(gb * 2**30), 0
    with open(path, "wb") as fh:
        while fh.tell() < limit:
            fh.write(b"From bench@example Mon Mar  1 10:00:00 2016\n" + message(i, rng) + b"\n")
            i += 1
    return path


def measure(cmd: list[str], env=None) -> dict:
    """Wall time and peak memory summed over the process tree (sampled every 50 ms): RSS (all
    resident pages; pages the forked workers share with the main process are counted in each),
    anonymous RSS (minus file-backed pages: mapped index files and libraries, which the kernel can
    drop at any time), and PSS (shared pages divided among the processes that share them)."""
    t0 = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    peak = peak_anon = peak_pss = 0
    tick = 0
    ps = psutil.Process(proc.pid)
    stop = threading.Event()

    def sample():
        nonlocal peak, peak_anon, peak_pss, tick
        while not stop.is_set():
            try:
                procs = [ps] + ps.children(recursive=True)
                infos = [p.memory_info() for p in procs if p.is_running()]
                peak = max(peak, sum(m.rss for m in infos))
                peak_anon = max(peak_anon, sum(m.rss - m.shared for m in infos))
                tick += 1
                if tick % 10 == 0:      # PSS (pages shared by the forked workers counted once) every 0.5 s
                    peak_pss = max(peak_pss, sum(p.memory_full_info().pss for p in procs if p.is_running()))
            except psutil.Error:
                pass
            time.sleep(0.05)

    th = threading.Thread(target=sample, daemon=True)
    th.start()
    out, err = proc.communicate()
    stop.set()
    th.join()
    if proc.returncode != 0:
        raise SystemExit(f"{cmd[0]} failed: {err.decode()[-2000:]}")
    return {"seconds": round(time.monotonic() - t0, 2), "peak_rss_mb": round(peak / 2**20, 1),
            "peak_anon_mb": round(peak_anon / 2**20, 1), "peak_pss_mb": round(peak_pss / 2**20, 1),
            "stdout": out.decode()}


COLD = True
"""Start every timed ingest and notmuch run with the inputs out of the page cache (set by --cache)."""


def settle() -> str:
    """Before a timed run: write out what is pending (deleting a previous 100k-file case keeps
    the disk busy for seconds), then, with COLD, drop the page cache so that every run reads its
    inputs from the disk, as a first ingest of a user's evidence does. Without it the runs
    measured whatever this VM's host had left cached: a cold Maildir took casefile 80.7 s where a
    warm one took ~68 s (bench/README.md). Returns what was done, for the results."""
    os.sync()
    state = "as found"
    if COLD:
        try:
            Path("/proc/sys/vm/drop_caches").write_text("3")
            state = "dropped"
        except OSError:
            state = "as found (dropping it needs root)"
    time.sleep(5)
    return state


def casefile_ingest(inputs: Path, case: Path) -> dict:
    shutil.rmtree(case, ignore_errors=True)
    cache = settle()
    # --no-embed: the passages are cut, but embedding them is its own stage, measured by
    # bench/search_bench.py (it costs more than parsing and would hide the ingest throughput)
    r = measure([sys.executable, "-m", "casefile.cli", "ingest", str(inputs), "--case", str(case), "--json",
                 "--no-embed"])
    summary = json.loads(r.pop("stdout"))
    r["documents"] = summary["documents_added"]
    r["analysis"] = summary.get("analysis")
    r["messages_per_s"] = round(summary["documents_added"] / r["seconds"])
    r["page_cache"] = cache
    return r


def analysis_overhead(mbox: Path, case: Path, rounds: int = 2) -> dict:
    """What the analysis adds to ingest, measured in one run: `ingest --no-analyze` (which still
    computes the per-message features in the workers) against the same ingest with the features
    switched off in the workers, and then `casefile analyze` on the case. Rounds alternate so that
    drift of the machine hits both alike."""
    out = {"ingest_without_features_s": [], "ingest_with_features_s": [], "analyze_s": [], "analyze_peak_rss_mb": []}
    for _ in range(rounds):
        for key, entry in (("ingest_without_features_s", [str(Path(__file__).with_name("ingest_without_features.py"))]),
                           ("ingest_with_features_s", ["-m", "casefile.cli"])):
            shutil.rmtree(case, ignore_errors=True)
            os.sync()
            time.sleep(5)
            r = measure([sys.executable, *entry, "ingest", str(mbox), "--case", str(case), "--json", "--no-analyze",
                         "--no-embed"])
            out[key].append(r["seconds"])
        r = measure([sys.executable, "-m", "casefile.cli", "analyze", "--case", str(case), "--json"])
        out["analyze_s"].append(r["seconds"])
        out["analyze_peak_rss_mb"].append(r["peak_rss_mb"])
    base = statistics.mean(out["ingest_without_features_s"])
    added = statistics.mean(out["ingest_with_features_s"]) - base + statistics.mean(out["analyze_s"])
    out["overhead_percent"] = round(100 * added / base, 1)
    return out


def notmuch_index(maildir: Path, work: Path) -> dict:
    if shutil.which("notmuch") is None:
        return {"skipped": "notmuch is not installed (make bench installs it)"}
    cfg = work / "notmuch-config"
    shutil.rmtree(maildir / ".notmuch", ignore_errors=True)
    cfg.write_text(f"[database]\npath={maildir}\n[user]\nname=bench\nprimary_email=bench@example\n[new]\ntags=unread;inbox;\n"
                   "[maildir]\nsynchronize_flags=false\n")
    env = dict(os.environ, NOTMUCH_CONFIG=str(cfg))
    cache = settle()
    r = measure(["notmuch", "new", "--quiet"], env=env)
    r["page_cache"] = cache
    r.pop("stdout")
    n = int(subprocess.run(["notmuch", "count", "*"], env=env, capture_output=True, text=True).stdout.strip() or 0)
    r["documents"] = n
    r["messages_per_s"] = round(n / r["seconds"])
    shutil.rmtree(maildir / ".notmuch", ignore_errors=True)     # or the next casefile run ingests it
    return r


def search_latency(case: Path, queries: int = 300) -> dict:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
    from casefile import Case

    rng = random.Random(7)
    timings = []
    with Case.open(case) as c:
        c.search("warm up")
        for i in range(queries):
            kind = i % 4
            if kind == 0:
                q, kw = rng.choice(WORDS), {}
            elif kind == 1:
                q, kw = " ".join(rng.sample(WORDS, 2)), {}
            elif kind == 2:
                q, kw = '"' + " ".join(rng.sample(WORDS, 2)) + '"', {}
            else:
                q, kw = rng.choice(WORDS), {"sender": "lena", "after": "2016-03-05", "before": "2016-03-20"}
            t0 = time.perf_counter()
            c.search(q, limit=20, **kw)
            timings.append((time.perf_counter() - t0) * 1000)
    timings.sort()
    return {"queries": queries, "p50_ms": round(statistics.median(timings), 2),
            "p99_ms": round(timings[int(len(timings) * 0.99) - 1], 2), "max_ms": round(timings[-1], 2)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--messages", type=int, default=100_000)
    ap.add_argument("--workdir", default=str(Path(__file__).resolve().parent / "work"))
    ap.add_argument("--only", choices=["mbox", "maildir", "notmuch", "maildir-notmuch", "big-mbox", "analysis"],
                    help="run one job (big-mbox: ingest a 2 GiB mbox and report peak memory; maildir-notmuch: "
                         "casefile and notmuch on the Maildir in turn, --rounds times)")
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--big-gb", type=float, default=2.0)
    ap.add_argument("--cache", choices=["cold", "warm"], default="cold",
                    help="cold (default): drop the page cache before each timed run (needs root); "
                         "warm: leave it as the previous run left it")
    a = ap.parse_args()
    global COLD
    COLD = a.cache == "cold"
    work = Path(a.workdir)
    work.mkdir(parents=True, exist_ok=True)
    t0 = time.monotonic()
    if a.only == "big-mbox":
        big = generate_big(a.big_gb, work)
        r = casefile_ingest(big, work / "case-big")
        r["mbox_mb"] = round(big.stat().st_size / 2**20, 1)
        print(json.dumps({"date": time.strftime("%Y-%m-%d"), "casefile_big_mbox": r}, indent=2))
        return
    if a.only == "maildir-notmuch":
        mbox, maildir = generate(a.messages, work)
        rounds = []
        for _ in range(a.rounds):           # alternating, so that drift of the machine hits both alike
            rounds.append({"casefile": casefile_ingest(maildir, work / "case-maildir"),
                           "notmuch": notmuch_index(maildir, work)})
        print(json.dumps({"date": time.strftime("%Y-%m-%d"), "maildir_rounds": rounds}, indent=2))
        return
    if a.only:
        mbox, maildir = generate(a.messages, work)
        job = {"mbox": lambda: casefile_ingest(mbox, work / "case-mbox"),
               "maildir": lambda: casefile_ingest(maildir, work / "case-maildir"),
               "notmuch": lambda: notmuch_index(maildir, work),
               "analysis": lambda: analysis_overhead(mbox, work / "case-analysis")}[a.only]
        print(json.dumps({"date": time.strftime("%Y-%m-%d"), a.only: job()}, indent=2))
        return
    mbox, maildir = generate(a.messages, work)
    result = {
        "date": time.strftime("%Y-%m-%d"),
        "machine": f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
                   f"{round(psutil.virtual_memory().total / 2**30)} GiB, Python {platform.python_version()}",
        "messages": a.messages, "mbox_mb": round(mbox.stat().st_size / 2**20, 1),
        "generate_seconds": round(time.monotonic() - t0, 1),
        "casefile_mbox": casefile_ingest(mbox, work / "case-mbox"),
        "casefile_maildir": casefile_ingest(maildir, work / "case-maildir"),
        "notmuch_maildir": notmuch_index(maildir, work),
    }
    result["search_100k"] = search_latency(work / "case-mbox")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
