"""One writer per case: the commands that change a case (ingest, analyze, embed, people edits)
hold an exclusive lock on the case folder's `write.lock`; a second one is refused at once with
a sentence that names the command holding it, instead of failing deep inside the full-text
index ("LockBusy ... this is a casefile bug", issue 27). Readers (search, status, show) never
wait for it. The lock is the kernel's (flock), so it is released when its process ends, also
after a kill -9: there is no stale lock to clean up.
"""
from __future__ import annotations

import fcntl
import os
from pathlib import Path

from ..errors import UserError

LOCK_FILE = "write.lock"


class CaseBusy(UserError):
    """Another process is writing to the case."""


class WriteLock:
    """Reentrant within one process: ingest takes it and then runs analyze and embed under it."""

    def __init__(self, root: Path):
        self.path = Path(root) / LOCK_FILE
        self._fd: int | None = None
        self._depth = 0

    def try_acquire(self, command: str = "") -> bool:
        """Take the lock if it is free; False if another process holds it."""
        if self._depth:
            self._depth += 1
            return True
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()} {command}".strip().encode("utf-8", "replace")[:500])
        self._fd, self._depth = fd, 1
        return True

    def holder(self) -> str:
        """'pid command' as written by the holder, or '' if it cannot be read."""
        try:
            return self.path.read_text("utf-8", "replace").strip()
        except OSError:
            return ""

    def acquire(self, command: str = "") -> None:
        if not self.try_acquire(command):
            held = self.holder()
            pid, _, what = held.partition(" ")
            who = f"'casefile {what}' (process {pid})" if what else (f"process {pid}" if pid else "another command")
            raise CaseBusy(f"{who} is changing this case right now; wait for it to finish and run this again.")

    def release(self) -> None:
        if not self._depth:
            return
        self._depth -= 1
        if self._depth == 0 and self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

    def __call__(self, command: str = ""):
        lock = self

        class _Held:
            def __enter__(self_inner):
                lock.acquire(command)
                return lock

            def __exit__(self_inner, *exc):
                lock.release()
                return False
        return _Held()
