"""Child processes that end with the process that started them.

A `kill -9` of `casefile ingest` gives its children no chance to be told: without this, its
parser workers (200-350 MB each) and a tesseract run lived on for minutes, holding the case's
files (issue 27). Linux's PR_SET_PDEATHSIG makes the kernel send SIGKILL to a child when its
parent ends; elsewhere it is a no-op and the children end when they next talk to the parent.
"""
from __future__ import annotations

import ctypes
import os
import signal

PR_SET_PDEATHSIG = 1


def die_with_parent(parent: int | None = None) -> bool:
    """Ask the kernel to kill this process when its parent ends; end now if the parent (`parent`,
    the pid it had before the fork, when known) is already gone. False where the platform cannot."""
    try:
        ok = ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL) == 0
    except (OSError, AttributeError):
        return False
    if parent is not None and os.getppid() != parent:
        os._exit(1)                     # the parent died between the fork and the prctl
    return ok


def child_preexec():
    """A `preexec_fn` for subprocess: the program run (tesseract) dies with the worker."""
    parent = os.getpid()

    def run():
        die_with_parent(parent)
    return run
