"""The quality gates of eval/ run with the tests: a score below its pinned floor fails CI."""
import sys
from pathlib import Path

EVAL = Path(__file__).resolve().parent.parent / "eval"


def test_scores_meet_pinned_floors(corpora):
    sys.path.insert(0, str(EVAL))
    import run
    scores, failures = run.run(str(corpora))
    assert not failures, failures
    assert scores["headers"]["stalwart"]["n"] == 107 and scores["headers"]["mime4j"]["n"] == 80
