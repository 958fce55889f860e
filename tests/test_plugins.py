"""A plugin ingestor, registered by an entry point of an installed package, is picked up without
touching casefile's code (issue 28). The package is made here as a real distribution on the path:
its module (tests/plugins/memo_format.py) and a dist-info folder whose entry_points.txt declares
it, as pip would install it."""
import json
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def install_plugin(site: Path, entry_points: str) -> dict:
    dist = site / "casefile_memo-0.1.dist-info"
    dist.mkdir(parents=True)
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: casefile-memo\nVersion: 0.1\n")
    (dist / "entry_points.txt").write_text(entry_points)
    path = os.pathsep.join([str(site), str(HERE / "plugins"), os.environ.get("PYTHONPATH", "")])
    return dict(os.environ, PYTHONPATH=path)


def casefile(env, *args):
    return subprocess.run([sys.executable, "-m", "casefile.cli", *map(str, args)], capture_output=True, text=True,
                          env=env)


def test_an_ingestor_registered_by_entry_point_reads_its_format(tmp_path):
    env = install_plugin(tmp_path / "site", "[casefile.ingestors]\nmemo = memo_format:INGESTOR\n")
    src = tmp_path / "in"
    src.mkdir()
    (src / "board.memo").write_text("MEMO/1\nFrom: Ana Ruiz\nDate: 2016-02-01T10:00:00Z\n\n"
                                    "The board meets on Friday to settle the budget.\n")
    formats = json.loads(casefile(env, "formats", "--json").stdout)
    assert any(f["name"] == "memo" and f["plugin"] for f in formats["formats"]) and not formats["plugin_errors"]
    r = casefile(env, "ingest", src, "--case", tmp_path / "case", "--no-embed", "--json")
    assert r.returncode == 0, r.stderr
    docs = json.loads(casefile(env, "documents", "--case", tmp_path / "case", "--json").stdout)
    assert [(d["from"]["name"], d["sent_at"]) for d in docs] == [("Ana Ruiz", "2016-02-01T10:00:00Z")]
    hits = json.loads(casefile(env, "search", "budget", "--case", tmp_path / "case", "--json").stdout)
    assert hits["total"] == 1
    # without the plugin the same file is plain text: the plugin, not casefile, read it
    plain = casefile(dict(os.environ), "ingest", src, "--case", tmp_path / "plain", "--no-embed", "--json")
    assert plain.returncode == 0
    docs = json.loads(casefile(dict(os.environ), "documents", "--case", tmp_path / "plain", "--json").stdout)
    assert len(docs) == 1 and not (docs[0]["from"] or {}).get("name")


def test_a_broken_plugin_is_reported_and_does_not_stop_an_ingest(tmp_path):
    env = install_plugin(tmp_path / "site", "[casefile.ingestors]\nbad = memo_format:broken\n"
                                            "gone = no_such_module:THING\n")
    out = json.loads(casefile(env, "formats", "--json").stdout)
    assert len(out["plugin_errors"]) == 2 and "broken on purpose" in " ".join(out["plugin_errors"])
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text("A note about the budget for next year.\n")
    assert casefile(env, "ingest", src, "--case", tmp_path / "case", "--no-embed").returncode == 0
