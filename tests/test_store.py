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


def _mail(i: int, extra: str = "") -> bytes:
    return (f"From: A <a@example.org>\nTo: B <b@example.org>\nSubject: note {i}\n"
            f"Date: Mon, 1 Feb 2016 10:{i % 60:02d}:00 +0100\nMessage-ID: <{i}@example.org>\n\n"
            f"Body {i}.{extra}\n").encode()


def test_small_originals_go_to_a_pack_and_read_back(tmp_path):
    import hashlib
    from casefile.store.sqlite import PACK_MAX
    inputs = tmp_path / "in"
    inputs.mkdir()
    for i in range(40):
        (inputs / f"{i}.eml").write_bytes(_mail(i))
    big = _mail(99, "x" * (PACK_MAX + 10))
    (inputs / "big.eml").write_bytes(big)
    with Case.create(tmp_path / "c") as case:
        case.ingest([inputs], workers=2, embed=False)
        packs = list((case.root / "originals" / "packs").iterdir())
        assert len(packs) == 1
        assert case.db.execute("SELECT COUNT(*) FROM packed").fetchone()[0] == 40
        # one file of its own: the one over PACK_MAX; nothing else outside the pack
        files = [p for p in (case.root / "originals").rglob("*") if p.is_file() and "packs" not in p.parts]
        assert [p.name for p in files] == [hashlib.sha256(big).hexdigest()]
        for i in (0, 17, 39):
            sha = hashlib.sha256(_mail(i)).hexdigest()
            assert case.store.read_original(sha) == _mail(i)
            assert case.store.read_original(sha, 6, 10) == _mail(i)[6:16]
        assert case.store.read_original(hashlib.sha256(big).hexdigest()) == big
        one = case.db.execute("SELECT id FROM documents WHERE subject='note 17'").fetchone()[0]
        assert case.raw(one) == _mail(17)
        size = packs[0].stat().st_size
        # the same files again (new paths): nothing is appended
        again = tmp_path / "again"
        again.mkdir()
        for i in range(40):
            (again / f"copy-{i}.eml").write_bytes(_mail(i))
        s = case.ingest([again], workers=1, embed=False)
        assert s.same_content == 40 and s.documents_added == 0
        assert sum(p.stat().st_size for p in (case.root / "originals" / "packs").iterdir()) == size


def test_originals_kept_as_files_by_older_versions_still_read(tmp_path):
    """Cases written before packs keep one file per original; they are read and not packed again."""
    import hashlib
    with Case.create(tmp_path / "c") as case:
        data = _mail(5)
        sha = hashlib.sha256(data).hexdigest()
        case.store.keep_as_file(data, sha)
        case.store.keep_bytes(data, sha)
        assert case.db.execute("SELECT COUNT(*) FROM packed").fetchone()[0] == 0
        assert case.store.read_original(sha) == data
        assert case.store.read_original("0" * 64) is None


def test_unreadable_file_is_quarantined_and_retried(tmp_path, monkeypatch):
    """A file that cannot be read is quarantined with a reason and read again by the next run.
    (The tests run as root, who can read any file, so the read error is raised by a patch.)"""
    from casefile.ingest import runner
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "a.eml").write_bytes(_mail(1))
    (inputs / "b.eml").write_bytes(_mail(2))
    real = runner.read_file

    def failing(path):
        if path.endswith("b.eml"):
            raise PermissionError(13, "Permission denied")
        return real(path)

    with Case.create(tmp_path / "c") as case:
        monkeypatch.setattr(runner, "read_file", failing)
        s = case.ingest([inputs], workers=1, embed=False)
        assert s.ok == 1 and s.quarantined == 1
        row = case.db.execute("SELECT status, reason FROM sources WHERE name='b.eml'").fetchone()
        assert tuple(row) == ("quarantined", "the file could not be read: Permission denied")
        monkeypatch.setattr(runner, "read_file", real)
        s = case.ingest([inputs], workers=1, embed=False)
        assert s.ok == 1 and s.unchanged == 1
        rows = case.db.execute("SELECT status FROM sources WHERE name='b.eml'").fetchall()
        assert [r[0] for r in rows] == ["ok"]
        assert case.status()["documents"]["total"] == 2


@pytest.mark.parametrize("flags, upto", [((1, 1, 0), 2), ((1, 1, 1), 3), ((0, 0, 0), 0), ((), 0)])
def test_the_index_progress_of_an_older_case_becomes_one_number(tmp_path, flags, upto):
    """Up to schema 6 each document carried an `indexed` flag (always a prefix of the rowids);
    the upgrade keeps the same answer as the highest rowid indexed."""
    from casefile.search import fulltext
    root = tmp_path / "six"
    root.mkdir()
    db = sqlite3.connect(root / "case.db")
    for step in MIGRATIONS[:6]:
        db.executescript(step)
    db.execute("PRAGMA user_version=6")
    db.execute("INSERT INTO sources (key, path, name, status) VALUES ('k', '/x/a.eml', 'a.eml', 'ok')")
    for i, flag in enumerate(flags):
        db.execute("INSERT INTO documents (id, source_id, kind, indexed) VALUES (?, 1, 'email', ?)", (f"d{i}", flag))
    db.commit()
    db.close()
    with Case.open(root) as case:
        assert fulltext.indexed_upto(case.db) == upto
        assert fulltext.unindexed(case.db) == len(flags) - upto
        assert case.status()["unindexed_documents"] == len(flags) - upto


def test_index_deferral_pays_only_for_large_runs():
    from casefile.store.sqlite import defer_indexes
    assert defer_indexes(0, 0)                          # a first ingest: build them at the end
    assert not defer_indexes(5_000, 100)                # a small run into a case: not worth the rebuild
    assert defer_indexes(20_000, 100)
    assert defer_indexes(100_000, 400_000)              # a quarter more than the case held
    assert not defer_indexes(100_000, 1_000_000)        # a tenth: keep the indexes up row by row


def test_a_large_ingest_builds_its_secondary_indexes_at_the_end(tmp_path, monkeypatch):
    """The indexes no ingest query needs are dropped once the run is large for the case and
    built again when it ends; a run killed in between gets them back when the case is opened."""
    from email.message import EmailMessage

    from casefile.store import sqlite as store_sqlite
    from casefile.store.schema import DEFERRABLE_INDEXES
    restored = []
    real = store_sqlite.Store.restore_indexes

    def spy(self):
        missing = real(self)
        restored.append(missing)
        return missing

    monkeypatch.setattr(store_sqlite.Store, "restore_indexes", spy)

    def indexes(case):
        return {r[0] for r in case.db.execute("SELECT name FROM sqlite_master WHERE type='index'")}

    with Case.create(tmp_path / "case") as case:
        s = case.ingest([sample_dir()], workers=1, embed=False)
        assert sorted(restored[-1]) == sorted(DEFERRABLE_INDEXES)       # dropped during the run, built at its end
        assert set(DEFERRABLE_INDEXES) <= indexes(case)
        plan = " ".join(r[3] for r in case.db.execute(
            "EXPLAIN QUERY PLAN SELECT id FROM documents WHERE message_id=?", ("x",)))
        assert "documents_message_id" in plan
        restored.clear()
        more = tmp_path / "more"
        more.mkdir()
        for i in range(3):
            m = EmailMessage()
            m["From"], m["Subject"], m["Message-ID"] = "a@example.org", f"more {i}", f"<more{i}@example.org>"
            m.set_content("a few more messages into a case that has some")
            (more / f"{i}.eml").write_bytes(m.as_bytes())
        case.ingest([more], workers=1, embed=False)                    # small for the case: kept up
        assert restored and all(m == [] for m in restored)
        for name in DEFERRABLE_INDEXES:                  # as a killed run leaves them
            case.db.execute(f"DROP INDEX {name}")
        total = s.documents_added + 3
    with Case.open(tmp_path / "case") as case:
        assert set(DEFERRABLE_INDEXES) <= indexes(case)
        assert case.status()["documents"]["total"] == total
        assert case.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_deferrable_indexes_are_the_schemas_own():
    from casefile.store.schema import DEFERRABLE_INDEXES
    db = sqlite3.connect(":memory:")
    for step in MIGRATIONS:
        db.executescript(step)
    schema = {name: sql for name, sql in db.execute("SELECT name, sql FROM sqlite_master WHERE type='index'")}
    for name, sql in DEFERRABLE_INDEXES.items():
        assert schema[name] == sql.replace(" IF NOT EXISTS", "")
