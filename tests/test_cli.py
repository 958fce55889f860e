from casefile.sample import sample_dir


def test_quick_start_flow(cli, tmp_path):
    c = tmp_path / "mycase"
    cli("ingest", sample_dir(), "--case", c)
    st = cli.json("status", "--case", c)
    assert st["sources"]["quarantined"] == 0 if "quarantined" in st["sources"] else True
    assert st["documents"]["email"] == 29
    srcs = cli.json("sources", "--case", c)
    assert all({"path", "sha256", "type", "status", "reason", "parent"} <= set(s) for s in srcs)
    docs = cli.json("documents", "--case", c)
    assert len(docs) == 45
    keys = {"id", "kind", "message_id", "subject", "from", "to", "cc", "sent_at", "sent_at_raw", "lang", "text", "source"}
    assert all(keys <= set(d) for d in docs)
    assert all({"path", "locator"} <= set(d["source"]) for d in docs)
    res = cli.json("search", "board seat", "--from", "daniel", "--after", "2016-01-01", "--case", c)
    assert res["total"] >= 2
    assert all("daniel" in f"{h['from']['name']} {h['from']['addr']}".lower() for h in res["hits"])
    shown = cli.json("show", res["hits"][0]["id"], "--case", c)
    assert shown["id"] == res["hits"][0]["id"] and shown["headers"]
    text = cli("show", res["hits"][0]["id"][:8], "--case", c).stdout
    assert "Subject:" in text


def test_user_mistakes_get_one_sentence(cli, tmp_path):
    cases = [
        (("status", "--case", tmp_path / "nope"), "There is no case in"),
        (("ingest", tmp_path / "missing.mbox", "--case", tmp_path / "c"), "No such file or folder"),
        (("search", "x", "--after", "yesterday", "--case", tmp_path / "c2"), None),
    ]
    cli("ingest", sample_dir(), "--case", tmp_path / "c2")
    for args, expected in cases:
        r = cli(*args, ok=False)
        assert r.exit_code == 2, r.output
        assert "Traceback" not in r.output
        lines = [l for l in r.stderr.splitlines() if l.strip()]
        assert len(lines) == 1 and lines[0].startswith("error: ")
        if expected:
            assert expected in lines[0]
    r = cli("show", "ffffffffffff", "--case", tmp_path / "c2", ok=False)
    assert r.exit_code == 2 and "There is no document" in r.stderr


def test_terminal_escape_sequences_in_evidence_are_removed(cli, tmp_path):
    evil = tmp_path / "evil.eml"
    evil.write_bytes(b"From: x@y.z\nSubject: \x1b]0;pwned\x07\x1b[2Jclear\n\nbody \x1b[31mred\n")
    cli("ingest", evil, "--case", tmp_path / "c")
    out = cli("documents", "--case", tmp_path / "c").stdout
    assert "\x1b]0" not in out and "\x1b[2J" not in out
