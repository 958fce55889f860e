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
        if key.startswith("_"):
            continue
        got = scores.get(key)
        if isinstance(floor, dict):
            failures += check(got or {}, floor, f"{path}{key}.")
        elif got is None or got < floor:
            failures.append(f"{path}{key}: {got} < floor {floor}")
    return failures


def run(corpora: str | None, retrieval: bool = True, verify: bool = True) -> tuple[dict, list[str]]:
    """All gates; those that need ../shared/corpora are skipped when `corpora` is None, the
    retrieval gate (which builds a 10k-message case, about a minute) when `retrieval` is False,
    and the article-verification gate when `verify` is False (the tests run those two apart)."""
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
    floors = json.loads((HERE / "baseline.json").read_text())
    floors = {k: v for k, v in floors.items() if k in scores}
    return scores, check(scores, floors)


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpora", default=str(HERE.parent.parent / "shared" / "corpora"))
    a = ap.parse_args()
    scores, failures = run(a.corpora if Path(a.corpora).exists() else None)
    print(json.dumps(scores, indent=1))
    for f in failures:
        print("BELOW FLOOR:", f, file=sys.stderr)
    sys.exit(1 if failures else 0)
