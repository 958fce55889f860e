"""Score document language on texts whose language we know.

Labelled texts: the message bodies of eval/exhibits/spec.json and scripts/sample_exhibits.json
(each case is written in one language), the e-mails, articles and chat lines of the sample case
(labelled by hand below; a message written in another language than its chain says so in the
spec), and short texts on which the right answer is "no language" (None).
Scores: accuracy on the labelled texts and the share of short texts left unlabelled.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

SAMPLE_GOLD = {
    # (kind, subject or title prefix, sender name prefix): language, for the sample case
    ("email", "Halvard term sheet", "Priya"): "en",
    ("email", "Re: Halvard term sheet", "Lena"): "de",
    ("email", "Re: Halvard term sheet", "Okafor"): "en",
    ("email", "Stimmrechte und Anteile", "Lena"): "de",
    ("email", "Re: Stimmrechte und Anteile", "Daniel"): "en",
    ("email", "Gesellschaftervereinbarung", "Lena"): "de",
    ("email", "AW: Gesellschaftervereinbarung", "Dr. Jonas"): "de",
    ("email", "Ultimatum", "Okafor"): "en",
    ("email", "Re: Ultimatum", "Lena"): "de",
    ("email", "Nordhafen: Zusage", "Lena"): "en",
    ("email", "Re: Nordhafen: Zusage", "Priya"): "en",
    ("email", "Resignation", "Okafor"): "en",
    ("article", "Streit bei Nordhafen", ""): "de",
    ("article", "Hamburg robotics", ""): "en",
}
SHORT = ["ok", "Danke!", "Thanks, Lena", "Sent from my iPhone", "Gerne.", "+1", "Lena Berg"]


def labelled_texts() -> list[tuple[str, str | None, str]]:
    out = []
    for spec in (HERE / "exhibits" / "spec.json", ROOT / "scripts" / "sample_exhibits.json"):
        s = json.loads(spec.read_text(encoding="utf-8"))
        for case in s["cases"]:
            for m in case["messages"]:
                out.append((m["body"], m.get("language", case["language"]), f"{spec.parent.name}/{case['file']}"))
    return out


def sample_texts() -> list[tuple[str, str | None, str]]:
    import tempfile

    from casefile import Case
    from casefile.sample import sample_dir
    with tempfile.TemporaryDirectory() as tmp:
        case = Case.create(Path(tmp) / "c")
        try:
            case.ingest([sample_dir()], workers=1)
            docs = list(case.iter_documents())
        finally:
            case.close()
    out = []
    for (kind, subj, who), lang in SAMPLE_GOLD.items():
        for d in docs:
            title = d["subject"] or d["title"] or ""
            sender = (d["from"] or {}).get("name") or ""
            if d["kind"] == kind and title.startswith(subj) and sender.startswith(who):
                out.append((d, lang, f"sample {kind} {title[:30]}"))
    return out


def score() -> tuple[dict, list[str]]:
    from casefile.analyze.language import detect
    right = total = 0
    failures = []
    for text, lang, where in labelled_texts():
        got = detect(text)[0]
        total += 1
        right += got == lang
        if got != lang:
            failures.append(f"{where}: {got} for {lang}")
    sample = sample_texts()
    for d, lang, where in sample:
        total += 1
        right += d["lang"] == lang
        if d["lang"] != lang:
            failures.append(f"{where}: stored {d['lang']} for {lang}")
    abstained = sum(1 for s in SHORT if detect(s)[0] is None)
    for s in SHORT:
        if detect(s)[0] is not None:
            failures.append(f"short text {s!r} labelled {detect(s)[0]}")
    return {"texts": total, "sample_documents": len(sample), "accuracy": round(right / total, 4),
            "short_unlabelled": round(abstained / len(SHORT), 4)}, failures


if __name__ == "__main__":
    s, f = score()
    print(json.dumps(s, indent=1))
    for line in f:
        print("  ", line, file=sys.stderr)
