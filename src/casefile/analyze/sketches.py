"""The MinHash sketches of a case's documents, read a column (one of the PERMUTATIONS values of
every sketch) at a time: the duplicate search needs a band's four columns to find candidates and
all columns only for the candidate pairs.

`SketchFile` keeps them in a temporary file in the case folder, BLOCK rows at a time stored
column by column, so the analysis of a big case never holds the whole matrix (256 bytes a
document: 286 MB at 1.1M messages, the largest single item of that analysis). `SketchArray`
wraps an array in memory (tests, small lists).
"""
from __future__ import annotations

import tempfile

import numpy as np

from .features import PERMUTATIONS

BLOCK = 65536
"""Rows per block: a block is 16 MB while it is written; a column of 1.1M rows is 17 reads."""
WIDTH = PERMUTATIONS * 4


class SketchArray:
    """Sketches in memory: an (n, PERMUTATIONS) uint32 array."""

    def __init__(self, sigs: np.ndarray):
        self.sigs = sigs

    def __len__(self) -> int:
        return len(self.sigs)

    def column(self, c: int) -> np.ndarray:
        return self.sigs[:, c]


class SketchFile:
    """Sketches appended row by row to a temporary file (deleted when closed)."""

    def __init__(self, folder: str | None = None):
        self.fh = tempfile.TemporaryFile(prefix="sketches-", dir=folder)
        self.n = 0
        self._rows: list[bytes] = []
        self._blocks: list[tuple[int, int]] = []        # (file offset, rows)

    def append(self, sketch: bytes) -> None:
        """One sketch of WIDTH bytes."""
        self._rows.append(sketch)
        self.n += 1
        if len(self._rows) == BLOCK:
            self._flush()

    def _flush(self) -> None:
        if not self._rows:
            return
        block = np.frombuffer(b"".join(self._rows), dtype=np.uint32).reshape(len(self._rows), PERMUTATIONS)
        self.fh.seek(0, 2)
        self._blocks.append((self.fh.tell(), len(self._rows)))
        self.fh.write(np.ascontiguousarray(block.T).tobytes())   # column after column
        self._rows = []

    def __len__(self) -> int:
        return self.n

    def column(self, c: int) -> np.ndarray:
        self._flush()
        out = np.empty(self.n, dtype=np.uint32)
        at = 0
        for offset, rows in self._blocks:
            self.fh.seek(offset + c * rows * 4)
            out[at:at + rows] = np.frombuffer(self.fh.read(rows * 4), dtype=np.uint32)
            at += rows
        return out

    def close(self) -> None:
        self.fh.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
