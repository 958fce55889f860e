"""Score `casefile quote` on eval/retrieval/queries.json: does the right source passage come first
(recall@1), among the first five (recall@5), and does the answer say "nothing close enough" for
quotes about things the case does not contain?

Two cases: the bundled sample case alone, and the sample case plus the generated 10,000-message
mbox (generate.py) with its planted needles. A result is right when its document is the source
document (or a copy of it) and its passage overlaps the source stretch.

    python eval/retrieval/score.py [--work DIR] [--messages 10000] [--verbose]
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(HERE))

from casefile import Case  # noqa: E402
from casefile.sample import sample_dir  # noqa: E402

TRANSLATED_FORMS = ("translated", "pronoun")


def queries() -> list[dict]:
    return json.loads((HERE / "queries.json").read_text())["queries"]


def build(work: Path, big: bool, messages: int = 10_000, model: str | None = None) -> Case:
    """The sample case, or (big) the sample case plus the generated mbox, ingested and embedded
    (with `model`, default the case default) in `work` (reused when already there)."""
    import generate
    root = work / (("big" if big else "sample") + (f"-{model}" if model else ""))
    done = root / "casefile-eval-done"
    if done.exists():
        return Case.open(root)
    inputs = [sample_dir()]
    if big:
        mbox = work / f"generated-{messages}.mbox"
        if not mbox.exists():
            generate.generate(mbox, messages)
        inputs.append(mbox)
    case = Case.create(root)
    case.ingest(inputs, embed=model is None)
    if model:
        case.embed(model=model)
    done.write_text("ok")
    return case


def _gold(case: Case, source: str) -> list[tuple[str, int, int]]:
    """(document, start, end) of every document whose text holds the source stretch."""
    pat = re.compile(r"\s+".join(re.escape(w) for w in source.split()), re.I)
    out = []
    like = "%" + max(source.split(), key=len) + "%"
    for doc_id, text in case.db.execute("SELECT id, text FROM documents WHERE text LIKE ?", (like,)):
        m = pat.search(text or "")
        if m:
            out.append((doc_id, m.start(), m.end()))
    return out


def _groups(case: Case, ids) -> dict[str, str]:
    ids = list(ids)
    marks = ",".join("?" * len(ids))
    g = {r[0]: r[1] for r in case.db.execute(f"SELECT doc_id, group_id FROM duplicates WHERE doc_id IN ({marks})", ids)}
    return {i: g.get(i, i) for i in ids}


def rank_of(case: Case, result: dict, gold: list[tuple[str, int, int]]) -> int | None:
    """1-based rank of the first right source, or None."""
    groups = _groups(case, [d for d, _, _ in gold] + [s["document"]["id"] for s in result["sources"]])
    for s in result["sources"]:
        doc = s["document"]["id"]
        a, b = s["passage"]["start"], s["passage"]["end"]
        for gd, gs, ge in gold:
            if doc == gd and a < ge and gs < b:
                return s["rank"]
            if doc != gd and groups[doc] == groups[gd]:
                return s["rank"]          # a copy of the source document (offsets differ between copies)
            if gd in s.get("also_in", ()):
                return s["rank"]          # the same wording in several documents, listed as one result
    return None


def run_case(case: Case, qs: list[dict], verbose: bool = False) -> tuple[dict, list[dict]]:
    rows = []
    t0 = time.perf_counter()
    for q in qs:
        res = case.quote(q["query"], limit=5)
        row = {"id": q["id"], "form": q["form"], "lang": q["lang"], "found": res["found"],
               "best": res["sources"][0]["score"] if res["sources"] else None}
        if q["source"] is None:
            row["rank"] = None
        else:
            gold = _gold(case, q["source"])
            if not gold:
                raise SystemExit(f"{q['id']}: the source stretch is in no document of the case: {q['source']!r}")
            row["rank"] = rank_of(case, res, gold)
        rows.append(row)
        if verbose:
            print(json.dumps(row, ensure_ascii=False))
    seconds = time.perf_counter() - t0
    pos = [r for r in rows if r["form"] != "negative"]
    neg = [r for r in rows if r["form"] == "negative"]
    tr = [r for r in pos if r["form"] in TRANSLATED_FORMS]

    def recall(rs, k):
        return round(sum(1 for r in rs if r["rank"] is not None and r["rank"] <= k) / len(rs), 4) if rs else None

    scores = {
        "queries": len(pos), "negatives": len(neg),
        "recall_at_1": recall(pos, 1), "recall_at_5": recall(pos, 5),
        "translated_recall_at_1": recall(tr, 1), "translated_recall_at_5": recall(tr, 5),
        "found_when_present": round(sum(1 for r in pos if r["found"]) / len(pos), 4) if pos else None,
        "not_found_when_absent": round(sum(1 for r in neg if not r["found"]) / len(neg), 4) if neg else None,
        "ms_per_query": round(seconds * 1000 / max(len(rows), 1), 1),
    }
    return scores, rows


def score(work: Path | None = None, messages: int = 10_000, verbose: bool = False, model: str | None = None,
          sample_only: bool = False) -> tuple[dict, dict]:
    tmp = None
    if work is None:
        tmp = tempfile.TemporaryDirectory(prefix="casefile-retrieval-")
        work = Path(tmp.name)
    work.mkdir(parents=True, exist_ok=True)
    qs = queries()
    out, detail = {}, {}
    try:
        for name, big, subset in (("sample", False, [q for q in qs if q["case"] == "sample"]),
                                  ("big", True, qs)):
            if big and sample_only:
                continue
            case = build(work, big, messages, model)
            try:
                out[name], detail[name] = run_case(case, subset, verbose)
                out[name]["messages"] = case.db.execute(
                    "SELECT COUNT(*) FROM documents WHERE kind IN ('email','printed-email','chat')").fetchone()[0]
            finally:
                case.close()
    finally:
        if tmp is not None:
            tmp.cleanup()
    return out, detail


GATE_KEYS = ("recall_at_1", "recall_at_5", "translated_recall_at_1", "translated_recall_at_5",
             "found_when_present", "not_found_when_absent")


def gate_scores(scores: dict) -> dict:
    return {case: {k: v for k, v in s.items() if k in GATE_KEYS} for case, s in scores.items()}


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--work", type=Path, help="Keep the built cases here (reused on the next run).")
    ap.add_argument("--messages", type=int, default=10_000)
    ap.add_argument("--verbose", action="store_true")
    ap.add_argument("--model", help="Embed with this model instead of the default (for comparing models).")
    ap.add_argument("--sample-only", action="store_true", help="Only the sample case (no 10k-message case).")
    a = ap.parse_args()
    s, _ = score(a.work, a.messages, a.verbose, a.model, a.sample_only)
    print(json.dumps(s, indent=1))
