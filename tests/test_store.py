import sqlite3

import pytest

from casefile import Case
from casefile.errors import SchemaTooNew
from casefile.sample import sample_dir
from casefile.store.schema import MIGRATIONS, SCHEMA_VERSION


def test_old_case_is_upgraded_in_place(tmp_path):
    root = tmp_path / "old"
    root.mkdir()
    db = sqlite3.connect(root / "case.db")
    db.executescript(MIGRATIONS[0])
    db.execute("PRAGMA user_version=1")
    db.execute("INSERT INTO sources (key, path, name, status, type) VALUES ('k', '/x/a.eml', 'a.eml', 'ok', 'message/rfc822')")
    db.execute("INSERT INTO documents (id, source_id, kind, subject, text) VALUES ('d1', 1, 'email', 'kept', 'body')")
    db.commit()
    db.close()
    with Case.open(root) as case:
        assert case.store.schema_version == SCHEMA_VERSION
        assert case.document("d1")["subject"] == "kept"
        assert case.db.execute("SELECT path FROM inputs").fetchone()[0] == "/x/a.eml"
        case.ingest([sample_dir()], workers=1)
        assert case.status()["documents"]["total"] == 46      # d1 + the 45 of the sample case


def test_newer_case_is_refused(tmp_path):
    root = tmp_path / "new"
    root.mkdir()
    db = sqlite3.connect(root / "case.db")
    db.execute(f"PRAGMA user_version={SCHEMA_VERSION + 1}")
    db.close()
    with pytest.raises(SchemaTooNew):
        Case.open(root)


def test_store_is_wal_and_datasette_friendly(case):
    assert case.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
