"""Run every quality gate and compare it with the pinned floors in eval/baseline.json.

Exit status 1 when any score is below its floor. Usage: python eval/run.py [--corpora DIR]
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def check(scores: dict, floors: dict, path: str = "") -> list[str]:
    failures = []
    for key, floor in floors.items():
        if key.startswith("_") or key == "first_score":     # notes and the first scores are no floors
            continue
        got = scores.get(key)
        if isinstance(floor, dict):
            failures += check(got or {}, floor, f"{path}{key}.")
        elif got is None or got < floor:
            failures.append(f"{path}{key}: {got} < floor {floor}")
    return failures


SKIPPED_ON_PURPOSE = {
    "retrieval": "run apart by tests/test_eval.py::test_quote_retrieval_meets_its_floors (builds a 10k case)",
    "verify": "run apart by tests/test_eval.py::test_article_verification_meets_its_floors",
    "blind": "run apart by tests/test_eval.py::test_blind_test_halves_meet_their_floors (ingests three cases)",
}
"""Gates with a floor that run() may leave out, and why. Any other gate with a floor that did not
run fails the check: a gate that silently stopped running is no gate."""
NEEDS_CORPORA = ("headers", "exhibits_real", "articles_de", "replies", "threads_notmuch", "blind")


def check_ran(scores: dict, floors: dict, skipped: dict[str, str]) -> list[str]:
    """A failure for every gate with a floor that neither ran nor was skipped with a reason."""
    return [f"{key}: has a floor but did not run" for key in floors
            if not key.startswith("_") and key != "first_score" and key not in scores and key not in skipped]


def run(corpora: str | None, retrieval: bool = True, verify: bool = True,
        blind: bool = False) -> tuple[dict, list[str]]:
    """All gates; those that need ../shared/corpora are skipped (with that reason) when `corpora`
    is None, the retrieval gate (which builds a 10k-message case, about a minute) when
    `retrieval` is False, the article-verification gate when `verify` is False, and the blind
    sets' test halves unless `blind` (the tests run those apart)."""
    import importlib.util

    import exhibits
    import language

    def load(name, path):
        spec = importlib.util.spec_from_file_location(name, path)
        mod = importlib.util.module_from_spec(spec)
        sys.modules[name] = mod
        spec.loader.exec_module(mod)
        return mod

    analysis_score = load("analysis_score", HERE / "analysis" / "score.py")
    scores = {"exhibits": exhibits.score_synthetic()[0], "language": language.score()[0],
              "analysis": analysis_score.gate_scores(analysis_score.score()[0]),
              "timeline": load("timeline_score", HERE / "timeline" / "score.py").score(),
              "dispute": load("dispute_score", HERE / "dispute" / "score.py").score()}
    if retrieval:
        retrieval_score = load("retrieval_score", HERE / "retrieval" / "score.py")
        scores["retrieval"] = retrieval_score.gate_scores(retrieval_score.score()[0])
    if verify:
        scores["verify"] = load("verify_score", HERE / "verify" / "score.py").score()[0]
    if corpora:
        import articles
        import headers
        import replies
        scores["headers"] = headers.main(["--corpora", corpora])
        scores["exhibits_real"] = exhibits.score_real(Path(corpora))[0]
        scores["articles_de"] = articles.score(Path(corpora))[0]
        scores["replies"] = replies.score(Path(corpora))[0]
        import threads_notmuch
        scores["threads_notmuch"] = threads_notmuch.score(Path(corpora))[0]
    if blind and corpora:
        blind_score = load("blind_score", HERE / "blind" / "score.py")
        scores["blind"] = blind_gate(blind_score.score(half="test"))
    floors = json.loads((HERE / "baseline.json").read_text())
    skipped = {k: why for k, why in SKIPPED_ON_PURPOSE.items()
               if (k == "retrieval" and not retrieval) or (k == "verify" and not verify) or (k == "blind" and not blind)}
    if not corpora:
        skipped.update({k: "../shared/corpora is not here" for k in NEEDS_CORPORA})
    missing = check_ran(scores, floors, skipped)
    ran = {k: v for k, v in floors.items() if k in scores}
    return scores, missing + check(scores, ran)


def blind_gate(result: dict) -> dict:
    """The numbers the blind gate pins, from eval/blind/score.py's result on the test halves."""
    v = result["verify"]
    out = {"verify_macro_f1": v["macro_f1"], "verify_min_class_f1": v["min_class_f1"],
           "verify_citation_accuracy": v["citation_accuracy"], "verify_claims_found": v["claims_found"],
           "verify_baseline_macro_f1": result.get("verify_baseline", {}).get("macro_f1")}
    if "timeline" in result:
        out["timeline_recall_top30"] = result["timeline"]["recall_top30"]
    if "brief" in result:
        out["brief_cited"] = result["brief"]["cited"]             # share of sentences citing a source
        out["brief_clean"] = result["brief"]["clean"]             # share of cited spans not boilerplate
    if "dispute" in result:
        out["dispute_recall"] = result["dispute"]["recall"]
        out["dispute_single_word_labels"] = result["dispute"]["single_word_labels"]
    return out


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpora", default=str(HERE.parent.parent / "shared" / "corpora"))
    ap.add_argument("--blind", action="store_true", help="also score the blind sets' test halves (minutes)")
    a = ap.parse_args()
    scores, failures = run(a.corpora if Path(a.corpora).exists() else None, blind=a.blind)
    print(json.dumps(scores, indent=1))
    for f in failures:
        print("BELOW FLOOR:", f, file=sys.stderr)
    sys.exit(1 if failures else 0)
