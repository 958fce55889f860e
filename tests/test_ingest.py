import io
import shutil
import zipfile
from email.message import EmailMessage

from casefile.model import Blob
from casefile.ingest.registry import analyze
from casefile.sample import sample_dir


def _mail(subject, body="hello", attach=None, frm="Lena Berg <lena@example.de>"):
    m = EmailMessage()
    m["From"] = frm
    m["To"] = "Daniel <daniel@example.org>"
    m["Subject"] = subject
    m["Date"] = "Mon, 11 Apr 2016 21:15:00 +0200"
    m["Message-ID"] = f"<{abs(hash(subject))}@example.de>"
    m.set_content(body)
    if attach:
        for name, data in attach:
            if isinstance(data, EmailMessage):
                m.add_attachment(data)
            else:
                m.add_attachment(data, maintype="application", subtype="octet-stream", filename=name)
    return m.as_bytes()


def counts(case):
    db = case.db
    return (db.execute("SELECT COUNT(*) FROM sources").fetchone()[0],
            db.execute("SELECT COUNT(*) FROM documents").fetchone()[0])


def test_sample_case(case):
    s = case.ingest([sample_dir()], workers=1)
    assert s.files_seen == 15 and s.quarantined == 0
    st = case.status()
    assert st["documents"]["email"] == 29          # 10 + 12 in the two mboxes, 4 + 3 .eml
    assert st["documents"]["text"] == 1            # the term sheet attachment
    assert st["documents"]["pdf"] == 2 and st["documents"]["printed-email"] == 5     # two exhibits
    assert st["documents"]["article"] == 3 and st["documents"]["chat"] == 5
    docs = {d["subject"]: d for d in case.documents(kind="email")}
    d = docs["Stimmrechte und Anteile"]
    assert d["from"] == {"name": "Lena Berg", "addr": "lena.berg@nordhafen-robotics.de"}
    assert d["sent_at"] == "2016-04-11T19:15:00Z" and d["sent_at_raw"] == "Mon, 11 Apr 2016 21:15:00 +0200"
    assert "51 Prozent der Stimmrechte" in d["text"] and d["lang"] == "de"
    assert docs["Ultimatum"]["lang"] == "en"
    assert d["source"]["locator"].startswith("mbox:")


def test_reingest_adds_nothing_and_same_content_elsewhere_is_one_source(case, tmp_path):
    case.ingest([sample_dir()], workers=1)
    before = counts(case)
    s = case.ingest([sample_dir()], workers=2)
    assert s.unchanged == 15 and s.documents_added == 0 and counts(case) == before
    copy = tmp_path / "copy"
    shutil.copytree(sample_dir(), copy)
    s = case.ingest([copy], workers=1)
    assert s.same_content == 15 and counts(case) == before
    assert case.db.execute("SELECT COUNT(*) FROM inputs").fetchone()[0] == 30


def test_attachments_and_nested_messages_become_child_sources(case, tmp_path):
    inner = EmailMessage()
    inner["From"] = "Priya <priya@example.vc>"
    inner["Subject"] = "inner message"
    inner.set_content("the quoted original")
    data = _mail("outer", attach=[("terms.bin", b"\x00\x01binary"), ("fwd", inner)])
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "outer").write_bytes(data)
    case.ingest([tmp_path / "in"], workers=1)
    rows = case.sources()
    assert {r["name"] for r in rows if r["parent"]} == {"terms.bin", "attached-message.eml"}
    subjects = {d["subject"] for d in case.documents()}
    assert subjects == {"outer", "inner message"}
    binary = next(r for r in rows if r["name"] == "terms.bin")
    assert case.store.read_original(binary["sha256"]) == b"\x00\x01binary"


def test_bad_files_are_quarantined_and_do_not_stop_the_batch(case, tmp_path):
    d = tmp_path / "mixed"
    d.mkdir()
    (d / "empty.eml").write_bytes(b"")
    (d / "noise.bin").write_bytes(bytes(range(256)) * 10)
    (d / "broken.zip").write_bytes(b"PK\x03\x04 this is not really a zip")
    (d / "good.eml").write_bytes(_mail("still here"))
    s = case.ingest([d], workers=2)
    assert s.files_seen == 4 and s.ok == 1 and s.quarantined == 3
    reasons = {r["name"]: r["reason"] for r in case.sources(status="quarantined")}
    assert reasons["empty.eml"] == "the file is empty"
    assert "not a format casefile reads" in reasons["noise.bin"]
    assert reasons["broken.zip"].startswith("could not be read as zip archive")
    assert [d["subject"] for d in case.documents()] == ["still here"]


def test_what_the_workers_find_out_about_a_file_is_settled_by_the_main_process(case, tmp_path, monkeypatch):
    """The workers read and hash the files: a file whose parse kills its worker is read and kept
    by the main process and quarantined; an mbox they find is streamed; content repeated under
    another name is one source with two input paths; and a second run adds nothing."""
    import os as _os

    from casefile.ingest import registry
    d = tmp_path / "box"
    d.mkdir()
    killer = _mail("kills its worker", "BOOM")
    (d / "a.eml").write_bytes(_mail("first"))
    (d / "b-killer.eml").write_bytes(killer)
    (d / "c.eml").write_bytes(_mail("first"))                      # the same bytes as a.eml
    (d / "d-mailbox").write_bytes(b"".join(b"From x@y Mon Apr 11 10:00:00 2016\n" + _mail(f"in mbox {i}") + b"\n"
                                           for i in range(3)))
    real = registry.parse_mail

    def crashing(data, name=""):
        if b"BOOM" in data:
            _os._exit(3)                        # as a parser crashing in C code would
        return real(data, name)

    ing = registry.ingestor_for("message/rfc822")
    monkeypatch.setitem(registry._BY_TYPE, "message/rfc822", registry.Ingestor(ing.name, ing.types, parse=crashing))
    s = case.ingest([d], workers=2, embed=False)
    assert s.files_seen == 4 and s.ok == 2 and s.quarantined == 1 and s.same_content == 1
    rows = {r["name"]: r for r in case.sources()}
    assert rows["b-killer.eml"]["status"] == "quarantined"
    assert "crashed" in rows["b-killer.eml"]["reason"]
    import hashlib
    sha = hashlib.sha256(killer).hexdigest()
    assert rows["b-killer.eml"]["sha256"] == sha and case.store.read_original(sha) == killer
    assert rows["d-mailbox"]["type"] == "application/mbox"
    assert sorted(doc["subject"] for doc in case.documents()) == ["first", "in mbox 0", "in mbox 1", "in mbox 2"]
    assert case.db.execute("SELECT COUNT(*) FROM inputs").fetchone()[0] == 4
    before = counts(case)
    s = case.ingest([d], workers=2, embed=False)
    assert s.unchanged == 4 and s.documents_added == 0 and counts(case) == before


def test_announcing_a_batchs_reads_neither_hangs_on_a_fifo_nor_stops_on_a_vanished_file(tmp_path):
    """The workers announce a batch's reads to the kernel before reading (runner.prefetch); a path
    that vanished or became a fifo since the walk must neither hang nor stop the batch."""
    import os as _os
    import time as _time

    from casefile.ingest.runner import UNREADABLE, prefetch, work_files
    (tmp_path / "a.eml").write_bytes(_mail("first"))
    _os.mkfifo(tmp_path / "b-fifo")
    items = [(str(tmp_path / n), n, None, 0, 0, False, i, None) for i, n in enumerate(["a.eml", "gone.eml", "b-fifo"])]
    t0 = _time.monotonic()
    prefetch([i[0] for i in items])
    assert _time.monotonic() - t0 < 5
    a, gone = work_files(items[:2])
    assert a.status == "ok" and a.documents[0].subject == "first"
    assert gone.status == UNREADABLE and "could not be read" in gone.reason


def test_zip_members_nested_zip_and_bomb(case, tmp_path):
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as z:
        z.writestr("deep/reply.eml", _mail("in the inner zip"))
    outer = tmp_path / "export.zip"
    with zipfile.ZipFile(outer, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("mail/one.eml", _mail("in the zip"))
        z.writestr("nested.zip", inner.getvalue())
        z.writestr("bomb.txt", b"\x00" * (300 << 20))     # 300 MB of zeros, ~300 KB compressed
    case.ingest([outer], workers=1)
    subjects = sorted(d["subject"] for d in case.documents())
    assert subjects == ["in the inner zip", "in the zip"]
    q = case.sources(status="quarantined")
    assert len(q) == 1 and q[0]["name"] == "bomb.txt" and "decompression bomb" in q[0]["reason"]


def test_nesting_bomb_is_bounded():
    data = _mail("level 0")
    for i in range(1, 40):
        m = EmailMessage()
        m["Subject"] = f"level {i}"
        m["From"] = "x@y.z"
        m.set_content("wrapper")
        from email import message_from_bytes
        from email.policy import default
        m.add_attachment(message_from_bytes(data, policy=default))
        data = m.as_bytes()
    blob = analyze(Blob(name="bomb.eml", data=data), top_level=True)
    depth, b = 0, blob
    while b.children:
        b = b.children[0]
        depth += 1
    assert b.status == "quarantined" and "nested more than" in b.reason


def test_outlook_msg_and_pst(corpora, case):
    msg = corpora / "outlook-msg" / "hiraoka-msgreader" / "msgInMsg.msg"
    pst = corpora / "outlook-pst" / "libyal-testdata" / "outlook.pst"
    case.ingest([msg, pst], workers=1)
    docs = case.documents()
    subjects = {d["subject"] for d in docs}
    assert "I have attachments!" in subjects                      # the .msg
    assert "Microsoft Outlook テスト メッセージ" in subjects        # the message embedded in it
    assert "Welcome to Microsoft Office Outlook 2003" in subjects  # from the .pst
    pst_doc = next(d for d in docs if d["subject"] == "Welcome to Microsoft Office Outlook 2003")
    assert pst_doc["sent_at"] and pst_doc["source"]["locator"]


def test_tnef_attachments_are_unpacked(corpora, case):
    tnef = corpora / "mimekit-testdata" / "tnef" / "two-files.tnef"
    case.ingest([tnef], workers=1)
    names = {r["name"] for r in case.sources() if r["parent"]}
    assert {"AUTHORS", "README"} <= names


def test_raw_bytes_of_an_mbox_message(case):
    case.ingest([sample_dir()], workers=1)
    d = next(d for d in case.documents() if d["subject"] == "Ultimatum" and d["source"]["locator"])
    raw = case.raw(d["id"])
    assert raw.startswith(b"From:") or b"Subject: Ultimatum" in raw


def test_a_parse_over_its_budget_is_quarantined_and_the_rest_of_the_batch_goes_on(monkeypatch, tmp_path):
    """The time budget: a blob whose parser runs past it is quarantined with the reason; the next
    blob of the same worker batch parses normally; the SIGALRM handler in place before the batch
    is back after it."""
    import signal
    import time as _time

    from casefile.ingest import registry
    from casefile.ingest.runner import work_files

    real = registry.parse_mail

    def slow(data, name=""):
        if b"slow" in data:
            _time.sleep(5)
        return real(data, name)

    ing = registry.ingestor_for("message/rfc822")
    monkeypatch.setitem(registry._BY_TYPE, "message/rfc822", registry.Ingestor(ing.name, ing.types, parse=slow,
                                                                                seconds=0.2))
    before = signal.signal(signal.SIGALRM, signal.SIG_IGN)
    try:
        t0 = _time.monotonic()
        a, b = tmp_path / "a.eml", tmp_path / "b.eml"
        a.write_bytes(_mail("slow one", "slow"))
        b.write_bytes(_mail("quick one"))
        out = work_files([(str(p), p.name, None, 0, 0, False, i, None) for i, p in enumerate((a, b))])
        assert _time.monotonic() - t0 < 3
        assert signal.getsignal(signal.SIGALRM) is signal.SIG_IGN
    finally:
        signal.signal(signal.SIGALRM, before)
    assert out[0].status == "quarantined" and out[0].reason == "parsing took longer than 0.2 s"
    assert out[1].status == "ok" and out[1].documents[0].subject == "quick one"
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
