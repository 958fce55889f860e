"""Container bombs, generated (never stored): each is recorded with its reason, the mail around
it is kept, and the whole process tree of the ingest stays under 1 GB (issue 27: a 24 MB zip of
three 1 GiB members got the main process OOM-killed; an 8 GB member inside a zip attached to a
mail got the whole mail quarantined)."""
import json
import os
import subprocess
import sys
import tarfile
import threading
import time
import zipfile
from email.message import EmailMessage

import psutil
import pytest

from casefile import Case

pytestmark = pytest.mark.slow

TREE_RSS_BOUND = 1 << 30
BLOCK = os.urandom(16 << 10)          # repeated: deflate at level 1 packs it 63:1, under the ratio bound


class Compressible(object):
    """A file-like object of `size` bytes that compress ~63:1, read without holding them."""

    def __init__(self, size: int):
        self.left = size

    def read(self, n: int = -1) -> bytes:
        n = self.left if n is None or n < 0 else min(n, self.left)
        out = (BLOCK * (n // len(BLOCK) + 1))[:n]
        self.left -= n
        return out


def write_zip(path, members: dict[str, int]) -> None:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        for name, size in members.items():
            src = Compressible(size)
            info = zipfile.ZipInfo(name, (2016, 2, 1, 10, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info._compresslevel = 1                  # a ZipInfo of one's own does not take the archive's level
            with zf.open(info, "w", force_zip64=True) as dst:
                while chunk := src.read(8 << 20):
                    dst.write(chunk)


def peak_tree_rss(cmd: list[str]) -> tuple[subprocess.CompletedProcess, int]:
    """Run `cmd`; the highest memory of it and all its children together, sampled every 50 ms.
    Each process counts its proportional set size (PSS): the parser workers are forked from the
    main process and share its pages (the language models), which a sum of RSS would count three
    times (a one-message ingest: 368 MiB summed RSS)."""
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = [0]

    def sample():
        root = psutil.Process(proc.pid)
        while proc.poll() is None:
            try:
                procs = [root] + root.children(recursive=True)
                peak[0] = max(peak[0], sum(p.memory_full_info().pss for p in procs if p.is_running()))
            except psutil.Error:
                pass
            time.sleep(0.05)
    t = threading.Thread(target=sample, daemon=True)
    t.start()
    out, err = proc.communicate(timeout=900)
    t.join()
    return subprocess.CompletedProcess(cmd, proc.returncode, out, err), peak[0]


def ingest(inputs, case_dir):
    return [sys.executable, "-m", "casefile.cli", "ingest", *map(str, inputs), "--case", str(case_dir),
            "--no-embed", "--json", "--workers", "2"]


def ingest_within_bound(src, case_dir) -> None:
    """Ingest `src`; it must succeed with the whole process tree under TREE_RSS_BOUND."""
    r, peak = peak_tree_rss(ingest([src], case_dir))
    assert r.returncode == 0, r.stderr
    print(f"peak {peak >> 20} MiB")
    assert peak < TREE_RSS_BOUND, f"peak memory of the ingest's processes {peak >> 20} MiB"


def test_an_archive_of_three_one_gib_members(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    write_zip(src / "three.zip", {f"big{i}.txt": 1 << 30 for i in range(3)} | {"note.txt": 1000})
    with tarfile.open(src / "three.tar.gz", "w:gz", compresslevel=1) as tf:
        for i in range(3):
            info = tarfile.TarInfo(f"big{i}.txt")
            info.size = 1 << 30
            tf.addfile(info, Compressible(info.size))
    assert (src / "three.zip").stat().st_size < 64 << 20
    ingest_within_bound(src, tmp_path / "case")
    with Case.open(tmp_path / "case") as case:
        rows = case.sources()
    tops = [x for x in rows if x["parent"] is None]
    assert {x["status"] for x in tops} == {"ok"}
    big = [x for x in rows if x["member"] and "big" in x["member"]]
    assert len(big) == 6 and all(x["status"] == "quarantined" and "extract the archive" in x["reason"] for x in big)
    assert any(x["member"] == "zip:note.txt" and x["status"] == "ok" for x in rows)


def test_a_bomb_attached_to_a_mail_costs_the_bomb_not_the_mail(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    bomb = tmp_path / "bomb.zip"
    # six members of 100 MiB: each under the member bound, together over the file's unpack budget
    write_zip(bomb, {f"part{i}.bin": 100 << 20 for i in range(6)})
    m = EmailMessage()
    m["From"] = "Ana Ruiz <ana@example.org>"
    m["To"] = "bo@example.org"
    m["Subject"] = "the files you asked for"
    m["Date"] = "Mon, 1 Feb 2016 10:00:00 +0100"
    m["Message-ID"] = "<bomb@example.org>"
    m.set_content("Here are the files you asked for.")
    m.add_attachment(bomb.read_bytes(), maintype="application", subtype="zip", filename="files.zip")
    (src / "mail.eml").write_bytes(m.as_bytes())
    ingest_within_bound(src, tmp_path / "case")
    with Case.open(tmp_path / "case") as case:
        rows = case.sources()
        docs = case.documents()
    assert any(d["subject"] == "the files you asked for" for d in docs)          # the mail is kept
    parts = [x for x in rows if x["name"].startswith("part")]
    assert len(parts) == 6
    cut = [x for x in parts if x["status"] == "quarantined"]
    assert cut and all("possible decompression bomb" in x["reason"] for x in cut)
    assert len(parts) - len(cut) >= 1


def test_an_archive_of_many_large_members_is_unpacked_within_the_bound(tmp_path):
    """Members under the bound are read; what is in flight between the processes stays bounded."""
    src = tmp_path / "in"
    src.mkdir()
    write_zip(src / "many.zip", {f"part{i}.bin": 100 << 20 for i in range(8)})
    ingest_within_bound(src, tmp_path / "case")
    with Case.open(tmp_path / "case") as case:
        parts = [x for x in case.sources() if x["name"].startswith("part")]
    assert len(parts) == 8 and all(x["status"] == "ok" for x in parts)
