"""Checking an article at 100k messages (issue 6: a 40-claim article in at most 15 s on 2 cores).

Usage: python bench/verify_bench.py [--workdir bench/work] [--claims 40]

The case is 100,000 messages whose bodies are real sentences of the Enron and linux-mips mail in
../shared/corpora (`--text real`, the default; `--text salad` uses bench/ingest_bench.py's
36-word generator) plus the bundled sample case, ingested and embedded into `<workdir>/case-verify` (made when missing). The article
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


CORPORA = HERE.parent.parent / "shared" / "corpora"
REAL_SOURCES = ("enron/enron_with_categories", "mailinglist-linux-mips")


def real_sentences() -> list[str]:
    """Sentences of real mail bodies in ../shared/corpora (Enron, linux-mips): headers, quoted
    lines, patches and signatures left out. Read at run time, never copied into the repository."""
    import email
    import re
    out = []
    for root in REAL_SOURCES:
        for p in sorted((CORPORA / root).rglob("*")):
            if not p.is_file() or p.suffix not in (".txt", ".eml"):
                continue
            msg = email.message_from_bytes(p.read_bytes())
            part = next((x for x in msg.walk() if x.get_content_type() == "text/plain"), None)
            body = (part.get_payload(decode=True) or b"").decode("utf-8", "replace") if part else ""
            body = body.split("\n-- \n")[0].split("-----Original Message-----")[0]
            lines = [ln for ln in body.splitlines() if ln.strip() and not ln.startswith((">", "+", "-", "@@", "diff "))]
            text = " ".join(" ".join(lines).split())
            for sent in re.split(r"(?<=[.!?])\s+(?=[A-Z])", text):
                if 5 <= len(sent.split()) <= 40 and not re.search(r"[{};=<>|]", sent):
                    out.append(sent)
    return out


def generate_real(n: int, work: Path) -> Path:
    """An mbox of `n` messages whose bodies are real sentences (real_sentences), 3-12 each, from
    400 senders to 1-3 of them, over two years, with threads of replies quoting their parent."""
    import random
    path = work / "inputs" / f"real-{n}.mbox"
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    rng = random.Random(11)
    sents = real_sentences()
    people = [f"Person {i:03d} <p{i:03d}@example{i % 17}.com>" for i in range(400)]
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(n):
            body = " ".join(rng.choice(sents) for _ in range(rng.randint(3, 12)))
            subj = " ".join(rng.choice(sents).split()[:rng.randint(3, 7)])
            day = 1 + (i * 730) // n
            frm, to = rng.choice(people), ", ".join(rng.sample(people, rng.randint(1, 3)))
            hdr = (f"From: {frm}\nTo: {to}\nSubject: {subj}\nMessage-ID: <real{i}@bench>\n"
                   f"Date: {time.strftime('%a, %d %b %Y %H:%M:%S +0000', time.gmtime(1420070400 + day * 86400 + i))}\n")
            if i and rng.random() < 0.4:
                hdr += f"In-Reply-To: <real{rng.randrange(max(0, i - 200), i)}@bench>\n"
            fh.write(f"From bench@example Mon Mar  1 10:00:00 2016\n{hdr}\n{body}\n\n")
    return path


def build(case: Path, text_kind: str = "real") -> dict:
    """Ingest the 100k mbox and the sample case into `case`, with embedding."""
    from ingest_bench import generate
    from casefile.sample import sample_dir
    mbox = generate_real(100_000, case.parent) if text_kind == "real" else generate(100_000, case.parent)[0]
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
    ap.add_argument("--text", choices=("real", "salad"), default="real",
                    help="bodies of real sentences from ../shared/corpora (default) or the old 36-word generator")
    a = ap.parse_args()
    case = Path(a.workdir) / ("case-verify" if a.text == "salad" else "case-verify-real")
    res = {"machine": f"{platform.node()} {os.cpu_count()} cores, {platform.python_version()}",
           "date": time.strftime("%Y-%m-%d"), "text": a.text}
    if not (case / "case.db").exists():
        res.update(build(case, a.text))
    text = article(a.claims)
    res.update(run(case, text))
    alone = sample_verdicts(text)
    res["same_verdicts_as_sample_alone"] = sum(x == y for x, y in zip(res["verdicts"], alone))
    res.pop("verdicts")
    print(json.dumps(res, indent=1))


if __name__ == "__main__":
    main()
