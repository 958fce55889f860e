"""Try the verdict thresholds of verify.judge on the dev halves of the blind sets, without running
the searches again: every dev article's claims and their candidate sources (article.evidence)
are gathered once (kept in --evidence), then verdict.decide is run for each setting and scored
as eval/blind/score.py scores verify (macro-F1 over the five verdicts, a claim not cut counting
as missing). The test halves are never read.

    python eval/blind/sweep.py [--cache DIR] [--evidence FILE] [--says 0.1,0.15,0.2] [--supports 0.25,0.3,0.4]
"""
from __future__ import annotations

import argparse
import json
import pickle
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent.parent / "src"))

import score as blind  # noqa: E402
from casefile.verify import article as art  # noqa: E402
from casefile.verify import judge, verdict  # noqa: E402


def gather(cache: Path | None) -> list[dict]:
    """Per dev article: its text, the gold claims, and each claim cut out with its sources."""
    out = []
    for set_name in blind.sets():
        for case, known, name, meta, text, found in blind.dev_articles(set_name, cache):
            rows = []
            for c in found:
                sources = art.evidence(case, c, *known)
                if c.topical and not art.about_the_case(sources):
                    continue
                rows.append((c, sources))
            out.append({"set": set_name, "article": name, "text": text, "gold": meta["claims"], "claims": rows})
    return out


def verdicts(articles: list[dict], translation=None) -> list[tuple[str, str, str]]:
    """(set, gold, got) for every gold dev claim under the current settings."""
    out = []
    for a in articles:
        decided = [verdict.decide(c, s, translation).as_dict() for c, s in a["claims"]]
        for lab in a["gold"]:
            v = blind.match_claim(a["text"], lab["claim"], decided)
            out.append((a["set"], lab["verdict"], v["verdict"] if v else "missing"))
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cache", type=Path, default=None)
    ap.add_argument("--evidence", type=Path, default=None, help="a file to keep the gathered evidence in")
    ap.add_argument("--says", default=str(judge.SAYS))
    ap.add_argument("--supports", default=str(judge.SUPPORTS))
    a = ap.parse_args()
    if a.evidence and a.evidence.exists():
        articles = pickle.loads(a.evidence.read_bytes())
    else:
        articles = gather(a.cache)
        if a.evidence:
            a.evidence.write_bytes(pickle.dumps(articles))
    translation = art.second_opinion()
    for says in (float(x) for x in a.says.split(",")):
        for supports in (float(x) for x in a.supports.split(",")):
            judge.SAYS, judge.SUPPORTS = says, supports
            rows = verdicts(articles, translation)
            per_set = {}
            for s in sorted({r[0] for r in rows}):
                per_set[s] = blind._summary([{"gold": g, "got": p} for t, g, p in rows if t == s], key="got")["macro_f1"]
            summary = blind._summary([{"gold": g, "got": p} for _, g, p in rows], key="got")
            print(json.dumps({"says": says, "supports": supports, "macro_f1": summary["macro_f1"],
                              "accuracy": summary["accuracy"], "per_class": summary["per_class"], "sets": per_set}))


if __name__ == "__main__":
    main()
