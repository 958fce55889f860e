import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from casefile import Case
from casefile.cli import main

REPO = Path(__file__).resolve().parent.parent


def shared_corpora() -> Path | None:
    for cand in (os.environ.get("CASEFILE_CORPORA"), REPO.parent / "shared" / "corpora", Path("/work/shared/corpora")):
        if cand and Path(cand, "SOURCES.md").exists():
            return Path(cand)
    return None


@pytest.fixture(scope="session")
def corpora() -> Path:
    path = shared_corpora()
    if path is None:
        pytest.skip("../shared/corpora is not present (set CASEFILE_CORPORA)")
    return path


@pytest.fixture
def case(tmp_path):
    c = Case.create(tmp_path / "case")
    yield c
    c.close()


@pytest.fixture
def cli():
    runner = CliRunner()

    def run(*args, ok=True):
        result = runner.invoke(main, [str(a) for a in args], catch_exceptions=False)
        if ok:
            assert result.exit_code == 0, result.output
        return result

    def run_json(*args):
        return json.loads(run(*args, "--json").stdout)

    run.json = run_json
    return run


@pytest.fixture(scope="session")
def corpus_files(corpora):
    """corpus_files(max_bytes, head=None): (path, bytes) of every shared corpus file up to
    max_bytes, or only its first `head` bytes."""
    def files(max_bytes: int, head: int | None = None):
        for dirpath, _, names in os.walk(corpora):
            for name in names:
                path = os.path.join(dirpath, name)
                if os.path.getsize(path) <= max_bytes:
                    with open(path, "rb") as fh:
                        yield path, fh.read(head) if head else fh.read()
    return files
