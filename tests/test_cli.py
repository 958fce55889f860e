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


def test_ingest_progress_on_a_terminal_names_each_stage_in_its_unit(tmp_path):
    """Issue 27: the embedding stage was labelled "ingest" and counted passages in bytes/s. Run
    the real command on a pseudo-terminal, as a user sees it."""
    import os
    import pty
    import subprocess
    import sys
    from pathlib import Path
    mail = tmp_path / "in" / "a.eml"
    mail.parent.mkdir()
    mail.write_text("From: Ann Example <ann@example.org>\nTo: bo@example.org\nSubject: Offer\n"
                    "Date: Mon, 1 Feb 2016 10:00:00 +0000\nMessage-ID: <a1@example.org>\n\n"
                    "We offer 2 million for the shares. Please answer by Friday.\n")
    master, slave = pty.openpty()
    exe = Path(sys.executable).with_name("casefile")
    env = dict(os.environ, COLUMNS="160", TERM="xterm")
    proc = subprocess.Popen([str(exe), "ingest", str(mail.parent), "--case", str(tmp_path / "case"), "--workers", "1"],
                            stdin=slave, stdout=slave, stderr=slave, env=env, close_fds=True)
    os.close(slave)
    out = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:                 # the terminal closes when the command ends
            break
        if not chunk:
            break
        out += chunk
    assert proc.wait(timeout=300) == 0
    os.close(master)
    text = out.decode("utf-8", "replace")
    assert "reading files" in text and "documents" in text
    assert "embedding passages" in text and "passages (" in text
    assert "bytes/s" not in text
