"""The quality gates of eval/ run with the tests: a score below its pinned floor fails CI."""
import importlib.util
import json
import sys
from pathlib import Path

import pytest

EVAL = Path(__file__).resolve().parent.parent / "eval"
sys.path.insert(0, str(EVAL))


def test_scores_meet_pinned_floors(corpora):
    import run
    scores, failures = run.run(str(corpora), retrieval=False, verify=False)
    assert not failures, failures
    assert scores["headers"]["stalwart"]["n"] == 107 and scores["headers"]["mime4j"]["n"] == 80
    assert scores["exhibits_real"]["messages_gold"] == 84
    assert scores["articles_de"]["pages"] == 189


def test_exhibit_splitting_meets_its_floor_without_the_shared_corpora():
    import run
    scores, failures = run.run(None, retrieval=False, verify=False)
    assert not failures, failures
    assert scores["exhibits"]["recall"] >= 0.95


def test_quote_retrieval_meets_its_floors(tmp_path):
    """Translated, shortened and paraphrased quotes find their source in the sample case and in a
    10k-message case (eval/retrieval); quotes about things not in the case are answered so."""
    import run
    spec = importlib.util.spec_from_file_location("retrieval_score", EVAL / "retrieval" / "score.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    scores, _ = mod.score(tmp_path)
    assert scores["big"]["messages"] >= 10_000 and scores["sample"]["queries"] == 38
    floors = json.loads((EVAL / "baseline.json").read_text())["retrieval"]
    failures = run.check(mod.gate_scores(scores), floors)
    assert not failures, failures


def test_article_verification_meets_its_floors():
    """Verdicts on the labelled articles of eval/verify: macro-F1 >= 0.85 and citation accuracy
    >= 0.90 (the issue's targets)."""
    import run
    spec = importlib.util.spec_from_file_location("verify_score", EVAL / "verify" / "score.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    scores, _ = mod.score()
    assert scores["claims"] == 61           # six articles (eval/verify/gold.json)
    floors = json.loads((EVAL / "baseline.json").read_text())["verify"]
    failures = run.check(scores, floors)
    assert not failures, failures


@pytest.mark.slow
def test_blind_test_halves_meet_their_floors(corpora, tmp_path):
    """The judgement on the blind sets' test halves (eval/blind: real court exhibits, Enron,
    linux-mips 2005-2006 and 2017; labelled by helpers who never saw casefile): verify, timeline and points of
    contention at their pinned floors, every point named by more than one word, and the briefing
    between the sides with every sentence cited and no boilerplate cited."""
    import run
    spec = importlib.util.spec_from_file_location("blind_score", EVAL / "blind" / "score.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    result = mod.score(half="test", cache=tmp_path)
    assert set(result["sets"]) == {"exhibits", "enron", "mips", "lists"}
    scores = run.blind_gate(result)
    floors = json.loads((EVAL / "baseline.json").read_text())["blind"]
    failures = run.check(scores, floors)
    assert not failures, (failures, scores)
    assert scores["dispute_single_word_labels"] == 0
    assert scores["verify_macro_f1"] > scores["verify_baseline_macro_f1"]      # the logic adds to similarity


def test_a_gate_with_a_floor_that_did_not_run_fails():
    import run
    floors = {"timeline": {"event_recall": 0.8}, "blind": {"verify_macro_f1": 0.5}, "_comment": "x"}
    assert run.check_ran({"timeline": {}}, floors, {}) == ["blind: has a floor but did not run"]
    assert run.check_ran({"timeline": {}}, floors, {"blind": "run apart"}) == []
