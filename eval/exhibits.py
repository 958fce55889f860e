"""Score the printed-chain splitter against gold messages.

Two sets:
- `eval/exhibits/` (ours, fictional): chains in Outlook, Outlook German, Gmail reply, Gmail German,
  Lotus Notes, forwarded and -----Original Message----- layouts; born-digital PDF, scanned PDF
  and plain-text transcriptions; English and German; one with redaction boxes. Made by
  scripts/make_exhibits.py from eval/exhibits/spec.json.
- `eval/exhibits-real/gold.json`: the seven court exhibits in
  ../shared/corpora/pdf-court-exhibits-printed-emails, labelled by hand (sender, date, page).

Scores: message recovery precision and recall (a predicted message matches a gold one when its
body is at least MATCH_SIMILARITY similar, or, for the real set, when sender and minute agree),
header field accuracy over matched messages (from name, from address, date to the minute,
subject, recipients), and mean body similarity over matched messages.
"""
from __future__ import annotations

import json
import re
import sys
from difflib import SequenceMatcher
from pathlib import Path

HERE = Path(__file__).resolve().parent
MATCH_SIMILARITY = 0.6
"""A predicted body at least 60 % similar to a gold body is that message (the bodies in the set
are distinct enough that wrong pairs stay below 0.4)."""


def norm(text: str | None) -> str:
    return re.sub(r"\s+", " ", (text or "").replace("\u00ad", "")).strip().lower()


def similarity(a: str, b: str) -> float:
    a, b = norm(a), norm(b)
    if not a and not b:
        return 1.0
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


def predict(path: Path) -> list:
    from casefile.ingest.documents import parse_text
    from casefile.ingest.pdf import parse_pdf
    data = path.read_bytes()
    blob = parse_pdf(data, path.name) if path.suffix == ".pdf" else parse_text(data, path.name)
    return [d for d in blob.documents if d.kind == "printed-email"]


def _names(recips: list[dict]) -> set[str]:
    return {norm(r.get("name") or r.get("addr")) for r in recips}


def score_synthetic(root: Path = HERE / "exhibits") -> tuple[dict, list[str]]:
    gold = json.loads((root / "gold.json").read_text(encoding="utf-8"))
    tp = n_pred = n_gold = 0
    fields = {"from_name": [0, 0], "from_addr": [0, 0], "sent": [0, 0], "subject": [0, 0], "to": [0, 0]}
    body_sims: list[float] = []
    failures: list[str] = []
    for name, g in sorted(gold.items()):
        preds = predict(root / "inputs" / name)
        n_pred += len(preds)
        n_gold += len(g["messages"])
        used = set()
        for gm in g["messages"]:
            best, best_i = 0.0, None
            for i, p in enumerate(preds):
                if i in used:
                    continue
                s = similarity(p.text, gm["body"])
                if s > best:
                    best, best_i = s, i
            if best_i is None or best < MATCH_SIMILARITY:
                failures.append(f"{name}: message from {gm['from_name']} at {gm['sent']} not recovered")
                continue
            used.add(best_i)
            tp += 1
            p = preds[best_i]
            body_sims.append(best)
            checks = {
                "from_name": norm(p.from_name) == norm(gm["from_name"]),
                "from_addr": norm(p.from_addr) == norm(gm["from_addr"]),
                "sent": (p.sent_at or "")[:16] == gm["sent"],
                "to": _names(p.to) == {norm(x) for x in (gm["to"] or [])},
            }
            if gm.get("subject") is not None:
                checks["subject"] = norm(p.subject) == norm(gm["subject"])
            for k, ok in checks.items():
                fields[k][0] += ok
                fields[k][1] += 1
                if not ok:
                    failures.append(f"{name}: {gm['from_name']} {gm['sent']}: {k} wrong "
                                    f"({getattr(p, k if k != 'sent' else 'sent_at', None)!r})")
            if best < 0.95:
                failures.append(f"{name}: {gm['from_name']} {gm['sent']}: body similarity {best:.3f}")
    scores = {
        "precision": round(tp / n_pred, 4) if n_pred else 0.0,
        "recall": round(tp / n_gold, 4) if n_gold else 0.0,
        "header_accuracy": round(sum(v[0] for v in fields.values()) / max(1, sum(v[1] for v in fields.values())), 4),
        "body_similarity": round(sum(body_sims) / len(body_sims), 4) if body_sims else 0.0,
    }
    for k, (ok, n) in fields.items():
        scores[f"field_{k}"] = round(ok / n, 4) if n else 1.0
    return scores, failures


def score_real(corpora: Path, gold_path: Path = HERE / "exhibits-real" / "gold.json") -> tuple[dict, list[str]]:
    """Court exhibits: a prediction matches a gold message with the same sender (by a word of the
    name or the address) and the same date to the minute, and an overlapping page range."""
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    folder = corpora / "pdf-court-exhibits-printed-emails"
    tp = n_pred = n_gold = 0
    date_ok = from_ok = 0
    failures = []
    for name, msgs in sorted(gold["files"].items()):
        preds = predict(folder / name)
        n_pred += len(preds)
        n_gold += len(msgs)
        used = set()
        for gm in msgs:
            hit = None
            for i, p in enumerate(preds):
                if i in used:
                    continue
                pages = (p.citation or {}).get("pages") or [0, 0]
                if not (pages[0] <= gm["pages"][1] and gm["pages"][0] <= pages[1]):
                    continue
                if (p.sent_at or "")[:16] == gm["sent"][:16] or (gm["sent"][:10] == (p.sent_at or "")[:10] and
                                                                 len(gm["sent"]) == 10):
                    hit = i
                    break
            if hit is None:
                failures.append(f"{name}: {gm['from']} {gm['sent']} (p. {gm['pages']}) not recovered")
                continue
            used.add(hit)
            tp += 1
            p = preds[hit]
            date_ok += 1
            who = norm(gm["from"])
            got = norm(f"{p.from_name or ''} {p.from_addr or ''}")
            if who and any(w in got for w in who.split() if len(w) > 2):
                from_ok += 1
            elif not who and got in ("", "[redacted]"):    # a redacted sender is shown as such (issue 27)
                from_ok += 1
            else:
                failures.append(f"{name}: {gm['from']} {gm['sent']}: sender read as {got!r}")
    scores = {"precision": round(tp / n_pred, 4) if n_pred else 0.0, "recall": round(tp / n_gold, 4) if n_gold else 0.0,
              "from_accuracy": round(from_ok / tp, 4) if tp else 0.0, "messages_gold": n_gold,
              "messages_predicted": n_pred}
    return scores, failures


if __name__ == "__main__":
    s, f = score_synthetic()
    print(json.dumps(s, indent=1))
    for line in f:
        print("  ", line, file=sys.stderr)
    if len(sys.argv) > 1:
        s, f = score_real(Path(sys.argv[1]))
        print(json.dumps(s, indent=1))
        for line in f:
            print("  ", line, file=sys.stderr)
