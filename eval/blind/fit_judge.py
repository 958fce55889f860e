"""Fit verify.judge's logistic weights on the dev halves of the blind sets, and say how well they
separate a claim's true sources from the other candidates, set by set (left-one-set-out AUC).

For every dev claim that the article cutter found, each candidate source of article.evidence is
one example: positive when the claim is one the sources bear on (gold verdict other than
not_in_sources) and the source (or a copy) holds one of its gold stretches. The features are
verify.verdict.assess's (verify.judge.FEATURES). The test halves are never read.

    python eval/blind/fit_judge.py [--cache DIR] [--c 1.0]

Prints the weights in the units of the features (paste into verify/judge.py) and the AUCs of
the model and of the quote finder's score alone.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent.parent / "src"))

import score as blind  # noqa: E402
from casefile.verify import article as art  # noqa: E402
from casefile.verify import judge, verdict  # noqa: E402


def examples(set_name: str, cache: Path | None) -> list[tuple[dict, int, str]]:
    """(features, label, claim) for every candidate source of every dev claim found."""
    out = []
    for case, known, _, meta, text, found in blind.dev_articles(set_name, cache):
        for lab in meta["claims"]:
            i = blind.covering(text, lab["claim"], [(c.start, c.end) for c in found])
            if i is None:
                continue
            c = found[i]
            sources = art.evidence(case, c, *known)
            bears = lab["verdict"] != "not_in_sources"
            for s, feats in zip(sources, verdict.judged_features(c, sources)):
                pos = int(bears and blind.cites(case, s["document"]["id"], lab["sources"]))
                out.append((feats, pos, lab["claim"]))
    return out


def fit(X: np.ndarray, y: np.ndarray, c: float) -> tuple[np.ndarray, float]:
    """L2-penalised logistic regression by Newton's method on standardised columns; the weights
    returned are in the columns' own units."""
    mu, sd = X.mean(0), X.std(0)
    sd[sd == 0] = 1.0
    Z = np.hstack([np.ones((len(X), 1)), (X - mu) / sd])
    w = np.zeros(Z.shape[1])
    reg = np.eye(Z.shape[1]) / c
    reg[0, 0] = 0.0
    for _ in range(50):
        p = 1 / (1 + np.exp(-Z @ w))
        g = Z.T @ (p - y) + reg @ w
        H = (Z * (p * (1 - p))[:, None]).T @ Z + reg
        step = np.linalg.solve(H, g)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    coef = w[1:] / sd
    return coef, float(w[0] - (coef * mu).sum())


def auc(scores: np.ndarray, y: np.ndarray) -> float:
    pos, neg = scores[y == 1], scores[y == 0]
    if not len(pos) or not len(neg):
        return float("nan")
    return float(((pos[:, None] > neg[None, :]).sum() + 0.5 * (pos[:, None] == neg[None, :]).sum())
                 / (len(pos) * len(neg)))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cache", type=Path, default=None)
    ap.add_argument("--c", type=float, default=1.0)
    ap.add_argument("--drop", default="", help="features to leave out, comma-separated")
    ap.add_argument("--examples", type=Path, default=None,
                    help="a JSON file to keep the examples in: read when it exists, else written")
    a = ap.parse_args()
    keys = [k for k in judge.FEATURES if k not in a.drop.split(",")]
    if a.examples and a.examples.exists():
        data = json.loads(a.examples.read_text())
    else:
        data = {s: examples(s, a.cache) for s in blind.sets()}
        if a.examples:
            a.examples.write_text(json.dumps(data))
    for s, ex in data.items():
        print(f"{s}: {len(ex)} pairs, {sum(p for _, p, _ in ex)} positive", file=sys.stderr)
    mat = {s: (np.array([[f[k] for k in keys] for f, _, _ in ex]), np.array([p for _, p, _ in ex], float))
           for s, ex in data.items()}
    for held in mat:
        X = np.vstack([mat[s][0] for s in mat if s != held])
        y = np.concatenate([mat[s][1] for s in mat if s != held])
        coef, bias = fit(X, y, a.c)
        Xh, yh = mat[held]
        print(f"left out {held}: AUC {auc(Xh @ coef + bias, yh):.3f}, score alone "
              f"{auc(Xh[:, keys.index('score')], yh):.3f}")
    X = np.vstack([m[0] for m in mat.values()])
    y = np.concatenate([m[1] for m in mat.values()])
    coef, bias = fit(X, y, a.c)
    print(json.dumps({"pairs": len(y), "positive": int(y.sum()),
                      "weights": {k: round(float(v), 3) for k, v in zip(keys, coef)}, "bias": round(bias, 3)}))


if __name__ == "__main__":
    main()
