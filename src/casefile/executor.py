"""One executor interface for parallel work: submit batches, get results back in order.

The local executor is a process pool (fork) with a bounded window of batches in flight, so a
streamed 2 GB mbox never piles up in memory. If a worker dies (a parser crashing in C code), the
batch is retried item by item in a fresh pool and the item that kills a worker again is reported
as crashed instead of stopping the run. A cluster executor (Ray) can implement the same method.
"""
from __future__ import annotations

import multiprocessing
import os
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Callable, Iterable, Iterator, TypeVar

from .processes import die_with_parent

T = TypeVar("T")
R = TypeVar("R")

WINDOW_PER_WORKER = 2
"""Batches in flight per worker: 2 keeps both cores busy while the main process writes."""


def default_workers() -> int:
    return max(1, min(os.cpu_count() or 1, 8))


def _start_worker(parent: int) -> None:
    """Every worker: ends with the parent (even a kill -9 of it) and pins numeric threads."""
    die_with_parent(parent)
    _pin_threads()


def _pin_threads() -> None:
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS"):
        os.environ.setdefault(var, "1")


class LocalExecutor:
    def __init__(self, workers: int | None = None, before_fork: Callable[[], None] | None = None,
                 after_fork: Callable[[], None] | None = None):
        """`before_fork` runs just before the worker processes are forked (for state the workers
        should share, like a model), and only if any work is submitted; `after_fork` right after
        they are (the parent may let that state go: the workers keep their copy). Both run again
        when a crashed pool is replaced."""
        self.workers = workers if workers is not None else default_workers()
        self.before_fork = before_fork
        self.after_fork = after_fork
        self._pool: ProcessPoolExecutor | None = None

    def _get_pool(self) -> ProcessPoolExecutor:
        if self._pool is None:
            if self.before_fork is not None:
                self.before_fork()
            pool = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("fork"),
                                       initializer=_start_worker, initargs=(os.getpid(),))
            pool.submit(_pin_threads)          # with fork, the first submission forks every worker
            self._pool = pool
            if self.after_fork is not None:
                self.after_fork()
        return self._pool

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def map_batches(self, fn: Callable[[list[T]], list[R]], batches: Iterable[list[T]],
                    on_crash: Callable[[T], R], per_worker: int = WINDOW_PER_WORKER,
                    weight: Callable[[list[T]], int] | None = None,
                    max_weight: int | None = None) -> Iterator[tuple[list[T], list[R]]]:
        """Yield (batch, fn(batch)) in order, with up to `per_worker` batches per worker in flight,
        and (with `weight`) no more than `max_weight` of them (bytes, say) unless a single batch
        weighs more. `on_crash(item)` gives the result for an item whose processing killed the
        worker process."""
        if self.workers <= 1:
            for batch in batches:
                yield batch, fn(batch)
            return
        window: deque = deque()
        it = iter(batches)
        limit = self.workers * per_worker
        exhausted = False
        held = 0
        ahead = None
        while True:
            while not exhausted and len(window) < limit:
                if ahead is None:
                    try:
                        ahead = next(it)
                    except StopIteration:
                        exhausted = True
                        break
                w = weight(ahead) if weight is not None else 0
                if window and max_weight is not None and held + w > max_weight:
                    break
                window.append((ahead, self._get_pool().submit(fn, ahead), w))
                held += w
                ahead = None
            if not window:
                return
            batch, fut, w = window.popleft()
            held -= w
            try:
                result = fut.result()
            except BrokenProcessPool:
                # the pool is gone: every batch in flight must be redone
                pending = [batch] + [b for b, _, _ in window]
                held = 0
                window.clear()
                self._pool = None
                for b in pending:
                    yield b, self._one_by_one(fn, b, on_crash)
                continue
            yield batch, result

    def _one_by_one(self, fn, batch, on_crash):
        out = []
        for item in batch:
            try:
                out.extend(self._get_pool().submit(fn, [item]).result())
            except BrokenProcessPool:
                self._pool = None
                out.append(on_crash(item))
        return out
