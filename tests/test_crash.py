"""Kill the ingest with SIGKILL at random points, run it again, and compare the store with the
store of one uninterrupted run."""
import hashlib
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from email.message import EmailMessage
from pathlib import Path

import pytest

from casefile import Case
from casefile.search import fulltext


def make_mbox(path: Path, n: int) -> None:
    with open(path, "wb") as fh:
        for i in range(n):
            m = EmailMessage()
            m["From"] = f"Person {i % 17} <p{i % 17}@example.org>"
            m["To"] = "team@example.org"
            m["Subject"] = f"message {i}"
            m["Date"] = f"Mon, {1 + i % 28} Feb 2016 10:{i % 60:02d}:00 +0100"
            m["Message-ID"] = f"<{i}@example.org>"
            m.set_content(f"Body of message {i}.\nFrom the desk of person {i % 17}.\n" * 5)
            if i % 50 == 0:
                m.add_attachment(os.urandom(2000), maintype="application", subtype="octet-stream", filename=f"a{i}.bin")
            fh.write(b"From p@example.org Mon Feb  1 10:00:00 2016\n" + m.as_bytes().replace(b"\nFrom ", b"\n>From ") + b"\n")


def dump(case_dir: Path) -> dict:
    db = sqlite3.connect(case_dir / "case.db")
    db.row_factory = sqlite3.Row
    keys = {r["id"]: r["key"] for r in db.execute("SELECT id, key FROM sources")}
    sources = sorted(
        (r["key"], keys.get(r["parent_id"]), r["path"], r["name"], r["locator"], r["sha256"], r["size"], r["type"],
         r["status"], r["reason"], r["detail"], r["byte_offset"], r["byte_length"], r["depth"])
        for r in db.execute("SELECT * FROM sources"))
    docs = sorted(
        tuple(keys[r["source_id"]] if k == "source_id" else r[k] for k in r.keys() if k not in ("indexed",))
        for r in db.execute("SELECT * FROM documents"))
    inputs = sorted((r["path"], keys[r["source_id"]]) for r in db.execute("SELECT * FROM inputs"))
    unindexed = fulltext.unindexed(db)
    db.close()
    return {"sources": sources, "documents": docs, "inputs": inputs, "unindexed": unindexed}


def ingest_cmd(inputs, case_dir):
    return [sys.executable, "-m", "casefile.cli", "ingest", *map(str, inputs), "--case", str(case_dir), "--json",
            "--no-embed"]


@pytest.fixture(scope="module")
def inputs(tmp_path_factory, corpora):
    d = tmp_path_factory.mktemp("crash-inputs")
    make_mbox(d / "big.mbox", 4000)
    return [d, corpora / "mailinglist-linux-mips", corpora / "outlook-pst", corpora / "enron" / "cmu-maildir-sample-tgz"]


def test_killed_runs_resume_to_the_same_store(inputs, tmp_path):
    clean = tmp_path / "clean"
    subprocess.run(ingest_cmd(inputs, clean), check=True, capture_output=True)
    expected = dump(clean)
    assert len(expected["documents"]) > 6000

    crashed = tmp_path / "crashed"
    rng = random.Random(20261121)
    kills = 0
    for attempt in range(6):
        proc = subprocess.Popen(ingest_cmd(inputs, crashed), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                start_new_session=True)
        time.sleep(rng.uniform(0.3, 4.0))
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)          # the main process and its workers
            kills += 1
        proc.wait()
    assert kills >= 3
    subprocess.run(ingest_cmd(inputs, crashed), check=True, capture_output=True)
    got = dump(crashed)
    assert got["sources"] == expected["sources"]
    assert got["documents"] == expected["documents"]
    assert got["inputs"] == expected["inputs"]
    assert got["unindexed"] == 0
    # the search index holds each document exactly once, and every kept original reads back
    # whole (a kill can leave unreferenced bytes at a pack's end, never a row without its bytes)
    with Case.open(crashed) as case:
        kept = case.db.execute("SELECT DISTINCT sha256 FROM sources WHERE sha256 IS NOT NULL AND byte_offset IS NULL"
                               " AND status='ok'").fetchall()
        assert len(kept) > 3000
        for (sha,) in kept:
            data = case.store.read_original(sha)
            assert data is not None and hashlib.sha256(data).hexdigest() == sha
        import tantivy
        index = case.index._open()
        n = index.searcher().search(tantivy.Query.all_query(), 1, count=True).count
        assert n == len(expected["documents"])


def test_a_killed_ingest_leaves_no_process_behind(tmp_path):
    """kill -9 of the ingest alone (not its process group): its parser workers and anything they
    started must be gone 15 s later (issue 27: they lived on for 25 minutes)."""
    import psutil
    src = tmp_path / "in"
    src.mkdir()
    make_mbox(src / "a.mbox", 6000)
    proc = subprocess.Popen(ingest_cmd([src], tmp_path / "case") + ["--workers", "2"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    parent = psutil.Process(proc.pid)
    children: list = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        children = parent.children(recursive=True)
        if len(children) >= 2:
            break
        time.sleep(0.05)
    assert len(children) >= 2, "the ingest ended before its workers could be seen"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    gone, alive = psutil.wait_procs(children, timeout=15)
    left = [p for p in alive if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
    for p in left:
        p.kill()
    assert not left, f"{len(left)} process(es) of the killed ingest still running after 15 s"
