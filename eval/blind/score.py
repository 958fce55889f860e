"""Score casefile's judgement on the blind labelled sets in eval/blind/<set>/ (FORMAT.md): article
checks (verify), the timeline and the points of contention, per half (dev: tune here; test: the
gate), each beside a baseline that uses similarity only and no rules.

The sets were written by labellers who saw only the sources in ../shared/corpora and
../shared/LABELLING.md. A set whose sources are missing (no ../shared/corpora) cannot be scored.

- verify: macro-F1 over the five verdicts (a labelled claim the article cutter did not cut out
  counts as wrong: "missing"), each class's F1, accuracy, claims found, and citation accuracy:
  for each claim judged right whose verdict rests on a source, whether the cited document (or a
  copy of it) holds one of the gold source stretches. Baseline: the quote finder's best source
  alone — supported when one is found, else not_in_sources.
- timeline: the share of gold events in the corpus found among the top 30 (an event within
  EVENT_DAYS of the gold day citing a document that holds a gold stretch). Baseline: the same
  ranking with no cue of any act.
- dispute: the share of gold points found (an issue whose side A statements cite a document with
  an a_sources stretch and whose side B statements one with a b_sources stretch), how many
  issues are named by a single word, and how many there are.

    python eval/blind/score.py [SET ...] [--half dev|test|all] [--cache DIR] [--verbose]
"""
from __future__ import annotations

import argparse
import difflib
import hashlib
import json
import os
import re
import sys
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
sys.path.insert(0, str(REPO / "src"))

from casefile import Case  # noqa: E402

VERDICTS = ("supported", "contradicted", "misattributed", "misquoted", "not_in_sources")
CORPORA = Path(os.environ.get("CASEFILE_CORPORA") or REPO.parent / "shared" / "corpora")
EVENT_DAYS = 2
"""A timeline event matches a gold event within two days (a message sent late, a printed date)."""
TOP = 30
STRETCH_COVER = 0.8
"""A document holds a gold stretch when 80 % of the stretch's words stand in it in order (OCR
and line breaks of the exhibits differ from the labeller's copy)."""


def sets() -> list[str]:
    return sorted(p.name for p in HERE.iterdir() if (p / "SOURCES.txt").exists() and (p / "claims.json").exists())


def _norm(s: str) -> str:
    return " ".join(re.findall(r"\w+", (s or "").lower()))


def holds(text: str, stretch: str) -> bool:
    t, s = _norm(text), _norm(stretch)
    if not s:
        return False
    if s in t:
        return True
    tw, sw = t.split(), s.split()
    m = difflib.SequenceMatcher(None, tw, sw, autojunk=False)
    return sum(b.size for b in m.get_matching_blocks()) >= STRETCH_COVER * len(sw)


def build(set_name: str, cache: Path | None) -> tuple[Case, Path]:
    """The set's case, ingested from ../shared/corpora (kept in `cache` between runs when given,
    keyed by the sources list and casefile's ingest code)."""
    lines = [ln.strip() for ln in (HERE / set_name / "SOURCES.txt").read_text().splitlines() if ln.strip()]
    paths = [CORPORA / ln for ln in lines]
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise FileNotFoundError(f"{set_name}: {len(missing)} sources missing, e.g. {missing[0]}")
    key = hashlib.sha256("\n".join(lines).encode()).hexdigest()[:12]
    import tempfile
    root = cache or Path(tempfile.mkdtemp(prefix="casefile-blind-"))
    folder = root / f"{set_name}-{key}"
    if folder.exists() and (folder / "case.db").exists() and (folder / ".complete").exists():
        return Case.open(folder), folder
    if folder.exists():
        import shutil
        shutil.rmtree(folder)
    case = Case.create(folder)
    case.ingest(paths)
    (folder / ".complete").write_text("ok")
    return case, folder


def _copies(case: Case, doc: str) -> list[str]:
    g = case.db.execute("SELECT group_id FROM duplicates WHERE doc_id=?", (doc,)).fetchone()
    if not g:
        return [doc]
    return [r[0] for r in case.db.execute("SELECT doc_id FROM duplicates WHERE group_id=?", (g[0],))]


def cites(case: Case, doc: str | None, stretches: list[dict], _memo: dict = {}) -> bool:  # noqa: B006
    if not doc or not stretches:
        return False
    for d in _copies(case, doc):
        if d not in _memo:
            _memo[d] = case.document(d)["text"] or ""
        if any(holds(_memo[d], s.get("text") or "") for s in stretches):
            return True
    return False


def f1s(pairs: list[tuple[str, str]]) -> dict:
    out = {}
    for label in VERDICTS:
        tp = sum(1 for g, p in pairs if g == label and p == label)
        fp = sum(1 for g, p in pairs if g != label and p == label)
        fn = sum(1 for g, p in pairs if g == label and p != label)
        if tp + fp + fn:
            out[label] = round(2 * tp / (2 * tp + fp + fn), 4)
    return out


def _summary(rows: list[dict], key: str = "got") -> dict:
    if not rows:
        return {}
    per = f1s([(r["gold"], r[key]) for r in rows])
    cited = [r["cited"] for r in rows if "cited" in r] if key == "got" else []
    out = {"claims": len(rows), "macro_f1": round(sum(per.values()) / len(per), 4) if per else 0.0,
           "min_class_f1": min(per.values()) if per else 0.0, "per_class": per,
           "accuracy": round(sum(r["gold"] == r[key] for r in rows) / len(rows), 4)}
    if key == "got":
        out["claims_found"] = round(sum(r["got"] != "missing" for r in rows) / len(rows), 4)
        out["citation_accuracy"] = round(sum(cited) / len(cited), 4) if cited else 0.0
    return out


def covering(text: str, claim: str, spans: list[tuple[int, int]]) -> int | None:
    """The index of the cut-out claim (start, end) that covers most of the gold claim (at least
    half of it)."""
    at = text.find(claim)
    if at < 0:
        return None
    a, b = at, at + len(claim)
    best, cover = None, 0
    for i, (start, end) in enumerate(spans):
        o = max(0, min(b, end) - max(a, start))
        if o > cover:
            best, cover = i, o
    return best if cover >= 0.5 * (b - a) else None


def match_claim(text: str, claim: str, verdicts: list[dict]) -> dict | None:
    """The verdict on the cut-out claim that covers most of the gold claim (at least half of it)."""
    i = covering(text, claim, [(v["claim"]["start"], v["claim"]["end"]) for v in verdicts])
    return None if i is None else verdicts[i]


def dev_articles(set_name: str, cache: Path | None):
    """For each dev article of a set: (case, (people, organisations, sender names) as
    verify.article.evidence takes them, article name, its gold entry, its text, the claims cut out
    of it). The case stays open while the articles are gone through (eval/blind/fit_judge.py and
    sweep.py)."""
    from casefile.verify import article as art
    from casefile.verify import claims as claims_mod
    from casefile.verify.relative_dates import publication_date
    case, _ = build(set_name, cache)
    gold = json.loads((HERE / set_name / "claims.json").read_text())["articles"]
    with case:
        people, orgs, names = art.people_names(case), art.organisations(case), art.sender_names(case)
        for name, meta in gold.items():
            if meta.get("half") != "dev":
                continue
            text = (HERE / set_name / "articles" / name).read_text()
            day = publication_date(text, meta.get("published"))
            found = claims_mod.extract(text, people + [f for fs in orgs.values() for f in fs], published=day)
            yield case, (people, orgs, names), name, meta, text, found


def score_verify(case: Case, set_name: str, halves: set[str], baseline: bool, verbose: bool) -> dict:
    from casefile.verify import article as art
    gold = json.loads((HERE / set_name / "claims.json").read_text())["articles"]
    rows = []
    for name, meta in gold.items():
        if meta.get("half") not in halves:
            continue
        text = (HERE / set_name / "articles" / name).read_text()
        res = art.verify(case, text, text.splitlines()[0], published=meta.get("published"))
        for lab in meta["claims"]:
            v = match_claim(text, lab["claim"], res["verdicts"])
            got = v["verdict"] if v else "missing"
            row = {"set": set_name, "article": name, "half": meta["half"], "claim": lab["claim"],
                   "gold": lab["verdict"], "got": got, "reason": v["reason"] if v else None}
            if lab["verdict"] != "not_in_sources" and got == lab["verdict"]:
                row["cited"] = cites(case, (v.get("source") or {}).get("document", {}).get("id"), lab["sources"])
            if baseline:
                found = case.quote(lab["claim"], limit=1)
                row["baseline"] = "supported" if found.get("found") else "not_in_sources"
            rows.append(row)
            if verbose:
                print(json.dumps(row, ensure_ascii=False))
    return {"rows": rows}


def _day(s: str) -> date | None:
    try:
        return date.fromisoformat(s[:10])
    except (TypeError, ValueError):
        return None


def score_timeline(case: Case, set_name: str, halves: set[str], baseline: bool, verbose: bool) -> dict:
    gold = json.loads((HERE / set_name / "events.json").read_text())
    wanted = [e for e in gold["events"] if e.get("in_corpus", True) and e.get("half") in halves]
    got = case.timeline(top=TOP)["events"]

    def found(events) -> list[bool]:
        out = []
        for g in wanted:
            gd = _day(g["date"])
            hit = any(gd and _day(e["date"]) and abs((_day(e["date"]) - gd).days) <= EVENT_DAYS
                      and any(cites(case, c["doc_id"], g["sources"]) for c in e["citations"]) for e in events)
            out.append(hit)
            if verbose and events is got:
                print(json.dumps({"set": set_name, "event": g["date"] + " " + g["event"], "found": hit},
                                 ensure_ascii=False))
        return out

    hits = found(got)
    out = {"events": len(wanted), "recall_top30": round(sum(hits) / len(wanted), 4) if wanted else None,
           "citations": sum(len(e["citations"]) for e in got)}
    for h in sorted(halves):
        mine = [hit for hit, g in zip(hits, wanted) if g.get("half") == h]
        if len(halves) > 1 and mine:
            out[f"recall_top30_{h}"] = round(sum(mine) / len(mine), 4)
    if baseline:
        out["baseline_recall_top30"] = round(sum(found(_timeline_without_cues(case))) / len(wanted), 4) \
            if wanted else None
    return out


def _timeline_without_cues(case: Case) -> list[dict]:
    """The timeline with no cue of any act: every message an event, ranked by who is involved,
    replies and merges only (what the ranking gives without the language data)."""
    from casefile.timeline import events as ev
    saved = ev.EVENT_CUES
    try:
        ev.EVENT_CUES = {}
        return case.timeline(top=TOP)["events"]
    finally:
        ev.EVENT_CUES = saved


def score_dispute(case: Case, set_name: str, halves: set[str], verbose: bool) -> dict:
    gold = json.loads((HERE / set_name / "points.json").read_text())
    wanted = [p for p in gold["points"] if p.get("half") in halves]
    a, b = (side_members(case, gold["sides"][k]) or quoted_members(case, gold["sides"][k]) for k in ("A", "B"))
    if not a or not b:
        return {"points": len(wanted), "found": 0, "recall": 0.0 if wanted else None,
                "error": "a side names nobody the case knows"}
    try:
        res = case.dispute("+".join(a), "+".join(b))
    except Exception as e:  # noqa: BLE001  (a side the case cannot resolve is a score of 0, with its reason)
        return {"points": len(wanted), "found": 0, "recall": 0.0, "error": str(e)}
    issues = res["issues"]
    hits = []
    for p in wanted:
        hit = None
        for k in issues:
            sa, sb = k["sides"]
            if (any(cites(case, s["citation"]["doc_id"], p["a_sources"]) for s in sa["statements"])
                    and any(cites(case, s["citation"]["doc_id"], p["b_sources"]) for s in sb["statements"])):
                hit = k["label"]
                break
        hits.append(hit)
        if verbose:
            print(json.dumps({"set": set_name, "point": p["name"], "found_as": hit}, ensure_ascii=False))
    single = [k["label"] for k in issues if len(re.findall(r"\w+", k["label"])) < 2]
    return {"points": len(wanted), "found": sum(h is not None for h in hits),
            "recall": round(sum(h is not None for h in hits) / len(wanted), 4) if wanted else None,
            "issues": len(issues), "single_word_labels": len(single)}


_PROPER_NAME = re.compile(r"\b[A-Z][a-z]+(?:\s+[A-Z]\.)?(?:\s+[A-Z][a-z]+(?:-[A-Z][a-z]+)?){1,2}\b")


def quoted_members(case: Case, described: list[str]) -> list[str]:
    """For a side none of whose people writes in the case: the personal names in its description
    ("State of California: Gov. Gray Davis") that casefile can take as a side of people it only
    finds quoted (Case.resolve_side). Added in the second session of 2026-12-06, when casefile
    learned to read such sides; before, such a side scored 0 with "a side names nobody"."""
    found = []
    for name in dict.fromkeys(m.group(0) for d in described for m in _PROPER_NAME.finditer(d)):
        try:
            if case.resolve_side(name)["quoted"]:
                found.append(name)
        except Exception:  # noqa: BLE001 - a name the case does not know is no member
            continue
    return found


def side_members(case: Case, described: list[str]) -> list[str]:
    """The people of the case a side's description names (the labellers describe a side in words:
    "Laura Menninger, Haddon, Morgan and Foreman, lmenninger@hmflaw.com"): each person whose
    address, or whose full name of two words or more, stands in it; senders first."""
    text = " ".join(described).lower()
    found = []
    for p in case.people():
        forms = [a["value"] for a in p["aliases"] if a["kind"] == "address"]
        forms += [a["value"] for a in p["aliases"] if a["kind"] == "name" and len(a["value"].split()) >= 2]
        forms += [a["key"][2:] for a in p["aliases"] if a["key"].startswith("n:") and " " in a["key"]]
        if any(re.search(r"(?<![\w@.])" + re.escape(f.lower()) + r"(?![\w@])", text) for f in forms if f):
            found.append((-p["sent"], p["id"]))
    return [pid for _, pid in sorted(found)]


def score(names: list[str] | None = None, half: str = "test", cache: Path | None = None, baseline: bool = True,
          verbose: bool = False) -> dict:
    halves = {"dev", "test"} if half == "all" else {half}
    out: dict = {"half": half, "sets": {}}
    rows = []
    for name in names or sets():
        case, _ = build(name, cache)
        with case:
            v = score_verify(case, name, halves, baseline, verbose)
            rows += v["rows"]
            s = {"verify": _summary(v["rows"])}
            if len(halves) > 1:
                for h in sorted(halves):
                    s[f"verify_{h}"] = _summary([r for r in v["rows"] if r["half"] == h])
            if baseline:
                s["verify_baseline"] = _summary(v["rows"], "baseline")
            if (HERE / name / "events.json").exists():
                s["timeline"] = score_timeline(case, name, halves, baseline, verbose)
            if (HERE / name / "points.json").exists():
                s["dispute"] = score_dispute(case, name, halves, verbose)
                s["brief"] = score_brief(case, name)
            out["sets"][name] = s
    out["verify"] = _summary(rows)
    if len(halves) > 1:
        for h in sorted(halves):
            out[f"verify_{h}"] = _summary([r for r in rows if r["half"] == h])
            if baseline:
                out[f"verify_baseline_{h}"] = _summary([r for r in rows if r["half"] == h], "baseline")
    if baseline:
        out["verify_baseline"] = _summary(rows, "baseline")
    tl = [s["timeline"] for s in out["sets"].values() if s.get("timeline", {}).get("recall_top30") is not None]
    if tl:
        n = sum(t["events"] for t in tl)
        out["timeline"] = {"events": n, "recall_top30": round(sum(t["recall_top30"] * t["events"] for t in tl) / n, 4)}
        if baseline:
            out["timeline"]["baseline_recall_top30"] = round(
                sum(t["baseline_recall_top30"] * t["events"] for t in tl) / n, 4)
    ds = [s["dispute"] for s in out["sets"].values() if s.get("dispute", {}).get("points")]
    if ds:
        n = sum(d["points"] for d in ds)
        out["dispute"] = {"points": n, "recall": round(sum(d["found"] for d in ds) / n, 4),
                          "single_word_labels": sum(d.get("single_word_labels", 0) for d in ds)}
    bs = [s["brief"] for s in out["sets"].values() if s.get("brief", {}).get("sentences")]
    if bs:
        n = sum(b["sentences"] for b in bs)
        cited_sources = sum(b["sources"] for b in bs)
        out["brief"] = {"sentences": n, "cited": round(sum(b["cited"] * b["sentences"] for b in bs) / n, 4),
                        "from_boilerplate": sum(b["from_boilerplate"] for b in bs),
                        "clean": round(1 - sum(b["from_boilerplate"] for b in bs) / cited_sources, 4)
                        if cited_sources else 1.0}
    return out


def score_brief(case: Case, set_name: str) -> dict:
    """The briefing between the set's two sides (as score_dispute maps them), in English: the
    share of its sentences that cite a source, and how many of its cited spans are boilerplate
    of the case (analyze.boilerplate). Not split by half: a briefing is of the whole case."""
    from casefile.analyze import boilerplate
    from casefile.timeline.events import EVENT_KINDS
    gold = json.loads((HERE / set_name / "points.json").read_text())
    a, b = (side_members(case, gold["sides"][k]) or quoted_members(case, gold["sides"][k]) for k in ("A", "B"))
    if not a or not b:
        return {"sentences": 0, "error": "a side names nobody the case knows"}
    try:
        brief = case.brief("en", between=("+".join(a), "+".join(b)))
    except Exception as e:  # noqa: BLE001 - a briefing that cannot be made scores nothing, with its reason
        return {"sentences": 0, "error": str(e)}
    sentences = brief.all_sentences()
    keys = boilerplate.from_store(case.db, EVENT_KINDS)
    starts = boilerplate.prefixes(keys)
    noise = sum(1 for src in brief.sources if src.get("text") and
                boilerplate.own_part(src["text"], keys, starts) is None)
    return {"sentences": len(sentences), "cited": round(sum(1 for x in sentences if x.cites) / len(sentences), 4)
            if sentences else 0.0, "sources": len(brief.sources), "from_boilerplate": noise}


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("sets", nargs="*")
    ap.add_argument("--half", default="dev", choices=("dev", "test", "all"))
    ap.add_argument("--cache", type=Path, default=None)
    ap.add_argument("--no-baseline", action="store_true")
    ap.add_argument("--verbose", action="store_true")
    a = ap.parse_args()
    if a.cache:
        a.cache.mkdir(parents=True, exist_ok=True)
    print(json.dumps(score(a.sets or None, a.half, a.cache, not a.no_baseline, a.verbose), indent=1,
                     ensure_ascii=False))
