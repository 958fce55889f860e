"""The bundled sample case in a temporary folder, for the gates that score an analysis of it."""
from __future__ import annotations

import re
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from casefile import Case  # noqa: E402
from casefile.sample import sample_dir  # noqa: E402


@contextmanager
def sample_case(case: Case | None = None, embed: bool = True):
    """`case` itself when given, else the sample case ingested into a temporary folder (removed
    afterwards). `embed=False` skips the passage vectors for gates that do not need them."""
    if case is not None:
        yield case
        return
    with tempfile.TemporaryDirectory(prefix="casefile-eval-") as tmp:
        c = Case.create(Path(tmp) / "case")
        try:
            c.ingest([sample_dir()], workers=1, embed=embed)
            yield c
        finally:
            c.close()


def norm(s: str) -> str:
    """Lower-case words only: how gold stretches and cited text are compared."""
    return " ".join(re.findall(r"\w+", (s or "").lower()))
