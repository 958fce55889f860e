"""Score `casefile verify` on eval/verify: four articles about the sample case (two English, two
German), written by us with deliberate faults and labelled per claim in gold.json. The last two
(harbour-ledger-en, elbe-echo-de) were written after the rules had been tuned on the first two,
and scored before any change for them (10 of 20 right; see baseline.json).

- verdict macro-F1 over the five verdicts, for the labelled claims (a labelled claim the
  article cutter did not find counts as a wrong verdict);
- citation accuracy: for each labelled claim whose verdict rests on a source (all but
  not_in_sources) and was judged right, whether the cited source holds the gold source stretch
  (or is a copy of the document that does).

    python eval/verify/score.py [--verbose]
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent / "src"))

from casefile import Case  # noqa: E402
from casefile.sample import sample_dir  # noqa: E402
from casefile.verify.article import VERDICTS  # noqa: E402


def _norm(s: str) -> str:
    return " ".join(re.findall(r"\w+", (s or "").lower()))


def _find(verdicts: list[dict], key: str) -> dict | None:
    k = _norm(key)
    for v in verdicts:
        c = v["claim"]
        if k in _norm(c.get("quote") or "") or k in _norm(c["text"]):
            return v
    return None


def _cites(case: Case, verdict: dict, source: str) -> bool:
    s = verdict.get("source")
    if not s:
        return False
    doc = s["document"]["id"]
    text = case.document(doc)["text"]
    if _norm(source) in _norm(text):
        return True
    group = case.db.execute("SELECT group_id FROM duplicates WHERE doc_id=?", (doc,)).fetchone()
    if group:
        for (other,) in case.db.execute("SELECT doc_id FROM duplicates WHERE group_id=?", (group[0],)):
            if _norm(source) in _norm(case.document(other)["text"]):
                return True
    return False


def macro_f1(pairs: list[tuple[str, str]]) -> float:
    f1s = []
    for label in VERDICTS:
        tp = sum(1 for g, p in pairs if g == label and p == label)
        fp = sum(1 for g, p in pairs if g != label and p == label)
        fn = sum(1 for g, p in pairs if g == label and p != label)
        if tp + fp + fn == 0:
            continue
        f1s.append(2 * tp / (2 * tp + fp + fn))
    return round(sum(f1s) / len(f1s), 4) if f1s else 0.0


def score(verbose: bool = False) -> tuple[dict, list[dict]]:
    gold = json.loads((HERE / "gold.json").read_text())["articles"]
    rows = []
    with tempfile.TemporaryDirectory(prefix="casefile-verify-") as tmp:
        with Case.create(Path(tmp) / "case") as case:
            case.ingest([sample_dir()])
            for name, labels in gold.items():
                res = case.verify(HERE / name)
                for lab in labels:
                    v = _find(res["verdicts"], lab["claim"])
                    got = v["verdict"] if v else "missing"
                    row = {"article": name, "claim": lab["claim"], "gold": lab["verdict"], "got": got,
                           "fault": lab["fault"]}
                    if lab["source"] and v is not None and got == lab["verdict"]:
                        row["cited"] = _cites(case, v, lab["source"])
                    rows.append(row)
                    if verbose:
                        print(json.dumps(row, ensure_ascii=False))
    cited = [r["cited"] for r in rows if "cited" in r]
    scores = {"claims": len(rows), "macro_f1": macro_f1([(r["gold"], r["got"]) for r in rows]),
              "accuracy": round(sum(1 for r in rows if r["gold"] == r["got"]) / len(rows), 4),
              "citation_accuracy": round(sum(cited) / len(cited), 4) if cited else 0.0,
              "claims_found": round(sum(1 for r in rows if r["got"] != "missing") / len(rows), 4)}
    return scores, rows


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--verbose", action="store_true")
    a = ap.parse_args()
    s, _ = score(a.verbose)
    print(json.dumps(s, indent=1))
