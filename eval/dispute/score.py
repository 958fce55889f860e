"""Score `casefile dispute` on the sample case against eval/dispute/gold.json.

- issue recall: the share of gold points of contention matched by a found point, which matches
  when it cites, for each side, a statement holding one of that side's gold stretches (each
  found point matches at most one gold point, the one it shares most stretches with);
- issue precision: the share of found points that match a gold point;
- quote validity: the share of cited statements whose document holds, at the cited offsets,
  the statement's text (100 % required).

    python eval/dispute/score.py [--verbose]
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from sample_case import Case, norm as _norm, sample_case  # noqa: E402



def _holds(statements: list[dict], stretches: list[str]) -> int:
    return sum(any(_norm(x) in _norm(s["text"]) for s in statements) for x in stretches)


def score(verbose: bool = False, case: Case | None = None) -> dict:
    gold = json.loads((HERE / "gold.json").read_text())
    with sample_case(case) as case:
        a, b = gold["between"]
        res = case.dispute(a, b)
        found = res["issues"]
        valid, matched, used = [], set(), set()
        for k in found:
            for side in k["sides"]:
                for s in side["statements"]:
                    c = s["citation"]
                    text = case.document(c["doc_id"])["text"]
                    valid.append(_norm(text[c["start"]:c["end"]]) == _norm(s["text"]))
        for gi, g in enumerate(gold["issues"]):
            best, which = 0, None
            for fi, k in enumerate(found):
                if fi in used:
                    continue
                hits = [_holds(side["statements"], g[side["person"]["name"]]) for side in k["sides"]]
                if all(hits) and sum(hits) > best:
                    best, which = sum(hits), fi
            if which is not None:
                used.add(which)
                matched.add(gi)
            if verbose:
                print(("FOUND " if which is not None else "MISSED"), g["what"], "|",
                      found[which]["label"] if which is not None else "")
        if verbose:
            for fi, k in enumerate(found):
                if fi not in used:
                    print("EXTRA ", k["label"], k["first"], k["last"])
        return {"gold": len(gold["issues"]), "found": len(found),
                "issue_recall": round(len(matched) / len(gold["issues"]), 4),
                "issue_precision": round(len(used) / len(found), 4) if found else 0.0,
                "quote_validity": round(sum(valid) / len(valid), 4) if valid else 0.0}


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--verbose", action="store_true")
    a = ap.parse_args()
    print(json.dumps(score(a.verbose), indent=1))
