"""The quality gates of eval/ run with the tests: a score below its pinned floor fails CI."""
import sys
from pathlib import Path

EVAL = Path(__file__).resolve().parent.parent / "eval"
sys.path.insert(0, str(EVAL))


def test_scores_meet_pinned_floors(corpora):
    import run
    scores, failures = run.run(str(corpora))
    assert not failures, failures
    assert scores["headers"]["stalwart"]["n"] == 107 and scores["headers"]["mime4j"]["n"] == 80
    assert scores["exhibits_real"]["messages_gold"] == 75
    assert scores["articles_de"]["pages"] == 189


def test_exhibit_splitting_meets_its_floor_without_the_shared_corpora():
    import run
    scores, failures = run.run(None)
    assert not failures, failures
    assert scores["exhibits"]["recall"] >= 0.95
