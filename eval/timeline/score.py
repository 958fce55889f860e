"""Score `casefile timeline` on the sample case against eval/timeline/gold.json.

- event recall: the share of gold events for which one of the top N events (N=30) is within
  DATE_SLACK days and cites a document holding the gold source stretch (or a copy of it);
- citation validity: the share of cited spans of the top N events that resolve to a stored
  document whose text at those offsets holds the event's description (100 % required).

    python eval/timeline/score.py [--top 30] [--verbose]
"""
from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from sample_case import Case, norm as _norm, sample_case  # noqa: E402

DATE_SLACK = 3



def _holds(case: Case, doc_id: str, stretch: str) -> bool:
    docs = [doc_id]
    g = case.db.execute("SELECT group_id FROM duplicates WHERE doc_id=?", (doc_id,)).fetchone()
    if g:
        docs += [r[0] for r in case.db.execute("SELECT doc_id FROM duplicates WHERE group_id=?", (g[0],))]
    return any(_norm(stretch) in _norm(case.document(d)["text"]) for d in docs)


def valid(case: Case, event: dict) -> list[bool]:
    """For each citation: the document exists and its text at the cited offsets is the stretch the
    citation quotes; the first citation quotes the event's description."""
    out = []
    for i, c in enumerate(event["citations"]):
        try:
            d = case.document(c["doc_id"])
        except Exception:  # noqa: BLE001 - a citation that does not resolve is invalid
            out.append(False)
            continue
        span = _norm(d["text"][c["start"]:c["end"]])
        out.append(bool(span) and span == _norm(c["text"]) and (i > 0 or span == _norm(event["description"])))
    return out


def score(top: int = 30, verbose: bool = False, case: Case | None = None) -> dict:
    gold = json.loads((HERE / "gold.json").read_text())["events"]
    with sample_case(case, embed=False) as case:
        events = case.timeline(top=top)["events"]
        found = 0
        for g in gold:
            gd = date.fromisoformat(g["date"])
            hit = next((e for e in events if abs((date.fromisoformat(e["date"]) - gd).days) <= DATE_SLACK
                        and any(_holds(case, c["doc_id"], g["source"]) for c in e["citations"])), None)
            found += hit is not None
            if verbose:
                print(("FOUND " if hit else "MISSED"), g["date"], g["what"], "|", hit["description"][:80] if hit else "")
        checks = [ok for e in events for ok in valid(case, e)]
        return {"top": top, "events": len(events), "gold": len(gold), "event_recall": round(found / len(gold), 4),
                "citation_validity": round(sum(checks) / len(checks), 4) if checks else 0.0}


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--top", type=int, default=30)
    ap.add_argument("--verbose", action="store_true")
    a = ap.parse_args()
    print(json.dumps(score(a.top, a.verbose), indent=1))
