"""Score duplicates, threads and people on the analysis eval case (eval/analysis/inputs, gold.json).

The case is ingested into a fresh temporary case; each document is mapped to its gold message by
Message-ID, by its printed position in an exhibit, by its quote position inside a message, or by
its position in a chat. Then:

- duplicate-group F1: pairwise over documents (a pair is positive when both are copies of one
  message);
- thread F1: pairwise over documents (positive when both belong to one conversation);
- people B-cubed F1: over every address and every printed or chat name without an address, each
  resolved to the person whose alias it is.

Usage: python eval/analysis/score.py [--verbose]
"""
from __future__ import annotations

import itertools
import json
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _pairs_f1(items: list[str], gold: dict[str, str], pred: dict[str, str]) -> tuple[dict, list]:
    tp = fp = fn = 0
    wrong = []
    for a, b in itertools.combinations(sorted(items), 2):
        g = gold[a] == gold[b]
        p = pred.get(a) is not None and pred.get(a) == pred.get(b)
        if g and p:
            tp += 1
        elif p:
            fp += 1
            wrong.append(("false", a, b))
        elif g:
            fn += 1
            wrong.append(("missed", a, b))
    prec = tp / (tp + fp) if tp + fp else 1.0
    rec = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return {"precision": round(prec, 4), "recall": round(rec, 4), "f1": round(f1, 4), "pairs": tp + fn}, wrong


def _bcubed(gold: dict[str, str], pred: dict[str, str | None]) -> dict:
    items = list(gold)
    pred = {k: (pred.get(k) or f"unresolved:{k}") for k in items}
    p_sum = r_sum = 0.0
    for e in items:
        same_p = [x for x in items if pred[x] == pred[e]]
        same_g = [x for x in items if gold[x] == gold[e]]
        both = sum(1 for x in same_p if gold[x] == gold[e])
        p_sum += both / len(same_p)
        r_sum += both / len(same_g)
    p, r = p_sum / len(items), r_sum / len(items)
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(2 * p * r / (p + r), 4) if p + r else 0.0,
            "items": len(items)}


def score(inputs: Path = HERE / "inputs", gold_path: Path = HERE / "gold.json", verbose: bool = False) -> tuple[dict, dict]:
    from casefile import Case
    from casefile.analyze.people import addr_key, parse_name

    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    gold["by_message_id"] = {k.strip("<>"): v for k, v in gold["by_message_id"].items()}
    with tempfile.TemporaryDirectory() as tmp:
        case = Case.create(Path(tmp) / "case")
        case.ingest([inputs], workers=1)
        db = case.db
        rows = db.execute(
            "SELECT d.id, d.kind, d.locator, d.message_id, d.derived_from, s.name AS source_name, s.parent_id,"
            " (SELECT name FROM sources p WHERE p.id = s.parent_id) AS parent_name, x.group_id, tm.thread_id"
            " FROM documents d JOIN sources s ON s.id = d.source_id LEFT JOIN duplicates x ON x.doc_id = d.id"
            " LEFT JOIN thread_members tm ON tm.doc_id = COALESCE(x.group_id, d.id)").fetchall()
        by_id = {r["id"]: r for r in rows}
        key_of: dict[str, str] = {}
        for r in rows:
            if r["kind"] in ("email", "outlook-item") and r["message_id"] in gold["by_message_id"]:
                key_of[r["id"]] = gold["by_message_id"][r["message_id"]]
        for r in rows:
            name = r["source_name"] or ""
            if r["kind"] == "email" and not r["message_id"] and name in gold["printed"] and not r["locator"]:
                key_of[r["id"]] = gold["printed"][name]["1"]          # a header-only text file read as e-mail
            elif r["kind"] == "printed-email" and name in gold["printed"]:
                n = r["locator"].rsplit(":", 1)[-1]
                if n in gold["printed"][name]:
                    key_of[r["id"]] = gold["printed"][name][n]
            elif r["kind"] == "quoted-email" and r["derived_from"] in key_of:
                outer = key_of[r["derived_from"]]
                n = r["locator"].rsplit(":", 1)[-1]
                if n in gold["quotes"].get(outer, {}):
                    key_of[r["id"]] = gold["quotes"][outer][n]
        chats = sorted((r for r in rows if r["kind"] == "chat"), key=lambda r: int(r["locator"].rsplit(":", 1)[-1]))
        for n, r in enumerate(chats, 1):
            k = gold["chat"].get(r["source_name"], {}).get(str(n))
            if k:
                key_of[r["id"]] = k
        unmapped = [dict(r) for r in rows if r["kind"] in ("email", "printed-email", "quoted-email", "chat")
                    and r["id"] not in key_of]
        docs = list(key_of)
        dup_pred = {d: by_id[d]["group_id"] or d for d in docs}
        dup, dup_wrong = _pairs_f1(docs, key_of, dup_pred)
        thread_gold = {d: gold["messages"][k]["thread"] for d, k in key_of.items()}
        thread_pred = {d: by_id[d]["thread_id"] for d in docs}
        thr, thr_wrong = _pairs_f1(docs, thread_gold, thread_pred)
        owner: dict[str, set] = {}
        for k, pid in db.execute("SELECT key, person_id FROM aliases"):
            owner.setdefault(k, set()).add(pid)
        people_gold, people_pred = {}, {}
        for addr, person in gold["people"]["addresses"].items():
            people_gold[f"a:{addr}"] = person
            hit = owner.get(f"a:{addr_key(addr)}", set())
            people_pred[f"a:{addr}"] = next(iter(hit)) if len(hit) == 1 else None
        for name, person in gold["people"]["names"].items():
            n = parse_name(name)
            people_gold[f"n:{name}"] = person
            hit = owner.get(f"n:{n.key}", set()) if n else set()
            people_pred[f"n:{name}"] = next(iter(hit)) if len(hit) == 1 else None
        ppl = _bcubed(people_gold, people_pred)
        case.close()
    scores = {"duplicates": dup, "threads": thr, "people": ppl, "documents_mapped": len(docs),
              "documents_unmapped": len(unmapped)}
    details = {"duplicates_wrong": [(w, key_of[a], key_of[b]) for w, a, b in dup_wrong],
               "threads_wrong": [(w, key_of[a], key_of[b]) for w, a, b in thr_wrong],
               "people": {k: (people_gold[k], people_pred[k]) for k in people_gold}, "unmapped": unmapped}
    return scores, details


def gate_scores(scores: dict) -> dict:
    return {"duplicate_f1": scores["duplicates"]["f1"], "thread_f1": scores["threads"]["f1"],
            "people_bcubed_f1": scores["people"]["f1"]}


if __name__ == "__main__":
    s, d = score(verbose="--verbose" in sys.argv)
    print(json.dumps(s, indent=1))
    if "--verbose" in sys.argv:
        print(json.dumps(d, indent=1, default=str, ensure_ascii=False))
