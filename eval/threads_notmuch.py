"""Thread agreement with notmuch, measured in one run on the same files.

notmuch (Debian's notmuch 0.37) indexes a copy of each corpus; `notmuch show --format=json
--body=false '*'` gives its threads as sets of Message-IDs. casefile ingests the same files into
a fresh case; each message's thread is the thread of its canonical copy. Over the Message-IDs both
know (notmuch invents ids for messages without one; those are left out and counted):

- pairwise precision / recall / F1 of "same thread", notmuch as the reference;
- exact: the share of notmuch's threads that casefile reproduces exactly (same member set).

Where we differ on purpose: casefile also joins a reply whose client dropped In-Reply-To and
References to the thread with the same subject and participants (see analyze.threads); notmuch
keeps it apart.

Usage: python eval/threads_notmuch.py [--corpora DIR]
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import tempfile
from collections import defaultdict
from pathlib import Path

CORPORA = ("notmuch-corpora", "mailinglist-linux-mips")


def notmuch_threads(src: Path, work: Path) -> dict[str, str]:
    """Message-ID -> notmuch thread id, for every message notmuch indexes under `src`."""
    mail = work / "mail"
    shutil.copytree(src, mail / "cur", ignore=shutil.ignore_patterns("COPYING*", "README*"))
    cfg = work / "notmuch-config"
    cfg.write_text(f"[database]\npath={mail}\n[new]\ntags=\n[maildir]\nsynchronize_flags=false\n")
    env = dict(os.environ, NOTMUCH_CONFIG=str(cfg))
    subprocess.run(["notmuch", "new", "--quiet"], env=env, check=True, capture_output=True, timeout=600)
    out = subprocess.run(["notmuch", "show", "--format=json", "--body=false", "--entire-thread=true", "*"],
                         env=env, check=True, capture_output=True, timeout=600).stdout
    result: dict[str, str] = {}
    for n, thread in enumerate(json.loads(out)):
        def walk(forest):
            for msg, children in forest:
                if msg:
                    result[msg["id"]] = f"nm{n}"
                walk(children)
        walk(thread)
    return result


def casefile_threads(src: Path, work: Path) -> dict[str, str]:
    from casefile import Case
    case = Case.create(work / "case")
    case.ingest([src], workers=2, embed=False)
    rows = case.db.execute(
        "SELECT d.message_id, tm.thread_id FROM documents d LEFT JOIN duplicates x ON x.doc_id = d.id"
        " JOIN thread_members tm ON tm.doc_id = COALESCE(x.group_id, d.id)"
        " WHERE d.kind = 'email' AND d.message_id IS NOT NULL AND d.locator = ''").fetchall()
    case.close()
    return {mid: tid for mid, tid in rows}


def agreement(ref: dict[str, str], got: dict[str, str]) -> dict:
    common = sorted(set(ref) & set(got))
    ref_groups: dict[str, set] = defaultdict(set)
    got_groups: dict[str, set] = defaultdict(set)
    for m in common:
        ref_groups[ref[m]].add(m)
        got_groups[got[m]].add(m)
    # pairs: count within groups rather than over all pairs (linear in the group sizes)
    pair_ref = sum(len(g) * (len(g) - 1) // 2 for g in ref_groups.values())
    pair_got = sum(len(g) * (len(g) - 1) // 2 for g in got_groups.values())
    both = defaultdict(int)
    for m in common:
        both[(ref[m], got[m])] += 1
    tp = sum(n * (n - 1) // 2 for n in both.values())
    fp, fn = pair_got - tp, pair_ref - tp
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    exact = sum(1 for g in ref_groups.values() if got_groups[got[next(iter(g))]] == g)
    return {"messages": len(common), "threads_notmuch": len(ref_groups), "threads_casefile": len(got_groups),
            "pair_precision": round(p, 4), "pair_recall": round(r, 4),
            "pair_f1": round(2 * p * r / (p + r), 4) if p + r else 0.0,
            "exact_threads": round(exact / len(ref_groups), 4) if ref_groups else 1.0,
            "only_notmuch": len(set(ref) - set(got)), "only_casefile": len(set(got) - set(ref))}


def score(corpora: Path) -> tuple[dict, dict]:
    if shutil.which("notmuch") is None:
        raise RuntimeError("notmuch is not installed (scripts/install-system.sh installs it)")
    scores, diffs = {}, {}
    for name in CORPORA:
        src = corpora / name
        with tempfile.TemporaryDirectory() as tmp:
            ref = notmuch_threads(src, Path(tmp) / "nm")
            got = casefile_threads(src, Path(tmp))
        key = name.replace("-", "_")
        scores[key] = agreement(ref, got)
        groups = defaultdict(set)
        for m in set(ref) & set(got):
            groups[ref[m]].add(m)
        diffs[key] = [sorted(g) for g in groups.values()
                      if {got[m] for m in g} != {got[next(iter(g))]}
                      or sum(1 for x in got.values() if x == got[next(iter(g))]) != len(g)][:20]
    return scores, diffs


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpora", default=str(Path(__file__).resolve().parent.parent.parent / "shared" / "corpora"))
    ap.add_argument("--diff", action="store_true", help="Print the notmuch threads casefile does not reproduce.")
    a = ap.parse_args()
    s, d = score(Path(a.corpora))
    print(json.dumps(s, indent=1))
    if a.diff:
        print(json.dumps(d, indent=1))
