"""The process pool that parses in parallel: state shared with the workers, and crashes."""
import os

from casefile.executor import LocalExecutor

STATE: dict = {}


def _load():
    STATE["model"] = "loaded in the parent before the fork"
    STATE["forks"] = STATE.get("forks", 0) + 1


def _drop():
    STATE.pop("model", None)


def _what_the_worker_has(batch):
    return [(x, STATE.get("model"), os.getpid()) for x in batch]


def _dies_on_seven(batch):
    if 7 in batch:
        os._exit(3)                # as a parser crashing in C code would
    return [x * 10 for x in batch]


def test_the_workers_keep_what_the_parent_let_go_after_forking():
    with LocalExecutor(2, before_fork=_load, after_fork=_drop) as ex:
        out = [r for _, rs in ex.map_batches(_what_the_worker_has, [[1, 2], [3], [4, 5]], lambda x: None) for r in rs]
        assert "model" not in STATE                     # the parent let it go once the workers existed
    assert [x for x, _, _ in out] == [1, 2, 3, 4, 5]
    assert {m for _, m, _ in out} == {"loaded in the parent before the fork"}
    assert os.getpid() not in {p for _, _, p in out}


def test_a_crashing_item_is_reported_and_the_rest_of_its_batch_is_done_in_a_new_pool():
    STATE.clear()
    with LocalExecutor(2, before_fork=_load, after_fork=_drop) as ex:
        got = list(ex.map_batches(_dies_on_seven, [[1, 2], [6, 7, 8], [9]], lambda x: f"crashed: {x}"))
    assert [r for _, rs in got for r in rs] == [10, 20, 60, "crashed: 7", 80, 90]
    assert STATE["forks"] >= 2 and "model" not in STATE    # each new pool forked from a loaded parent
