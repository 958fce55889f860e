"""Score article extraction on trafilatura's German evaluation pages.

../shared/corpora/trafilatura-tests/evaldata.json lists, per page, snippets the main text must
contain (`with`) and boilerplate it must not contain (`without`). We run casefile's HTML reader
(`casefile.ingest.article.parse_html`: trafilatura with casefile's settings, the plain HTML
reader as fallback) over the 189 German pages present in eval-de/ and count, as trafilatura's own
evaluation does: a `with` snippet found is a true positive, missed a false negative; a `without`
snippet found is a false positive, absent a true negative.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path


def score(corpora: Path) -> tuple[dict, list[str]]:
    from casefile.ingest.article import parse_html
    root = corpora / "trafilatura-tests"
    data = json.loads((root / "evaldata.json").read_text(encoding="utf-8"))
    tp = fn = fp = tn = pages = articles = 0
    misses = []
    for url, item in sorted(data.items()):
        path = root / "eval-de" / item["file"]
        if not path.exists():
            continue
        pages += 1
        doc = parse_html(path.read_bytes(), path.name).documents[0]
        articles += doc.kind == "article"
        text = " ".join((doc.text or "").split())
        for snippet in item.get("with", []):
            if " ".join(snippet.split()) in text:
                tp += 1
            else:
                fn += 1
                misses.append(f"{item['file']}: missing {snippet[:60]!r}")
        for snippet in item.get("without", []):
            if " ".join(snippet.split()) in text:
                fp += 1
                misses.append(f"{item['file']}: boilerplate kept {snippet[:60]!r}")
            else:
                tn += 1
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"pages": pages, "read_as_article": articles, "precision": round(precision, 4), "recall": round(recall, 4),
            "f1": round(f1, 4), "accuracy": round((tp + tn) / max(1, tp + tn + fp + fn), 4)}, misses


if __name__ == "__main__":
    s, m = score(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[2] / "shared" / "corpora")
    print(json.dumps(s, indent=1))
    for line in m[:40]:
        print("  ", line, file=sys.stderr)
