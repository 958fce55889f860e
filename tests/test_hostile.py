"""Hostile and broken surroundings (issue 27): names a file system cannot decode, a second writer,
a case.db that is not a database, a full disk. Each one ends in one sentence, never a traceback,
and never costs the other files of the batch."""
import os
import subprocess
import sys
from email.message import EmailMessage
from pathlib import Path

import pytest

from casefile import Case
from casefile.store.lock import WriteLock

from test_crash import make_mbox


def casefile(*args, **kw):
    return subprocess.run([sys.executable, "-m", "casefile.cli", *map(str, args)], capture_output=True, text=True,
                          **kw)


def eml(subject: str) -> bytes:
    m = EmailMessage()
    m["From"] = "Ana Ruiz <ana@example.org>"
    m["To"] = "bo@example.org"
    m["Subject"] = subject
    m["Date"] = "Mon, 1 Feb 2016 10:00:00 +0100"
    m.set_content(f"About {subject}.")
    return m.as_bytes()


def test_a_file_name_that_is_not_utf8_does_not_stop_the_batch(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    os.fsencode(src)
    with open(os.path.join(os.fsencode(src), b"caf\xe9.eml"), "wb") as fh:     # Latin-1 name
        fh.write(eml("the cafe"))
    for i in range(3):
        (src / f"m{i}.eml").write_bytes(eml(f"message {i}"))
    with Case.create(tmp_path / "case") as case:
        s = case.ingest([src], embed=False)
        assert s.ok == 4 and s.quarantined == 0
        paths = sorted(x["path"] for x in case.sources())
        assert any(p.endswith("caf\\xe9.eml") for p in paths), paths
        again = case.ingest([src], embed=False)
        assert again.unchanged == 4 and again.documents_added == 0


def test_a_second_writer_is_refused_with_one_sentence(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.eml").write_bytes(eml("first"))
    root = tmp_path / "case"
    with Case.create(root) as case:
        case.ingest([src], embed=False)
    held = WriteLock(root)
    assert held.try_acquire("ingest /evidence")
    try:
        (src / "b.eml").write_bytes(eml("second"))
        r = casefile("ingest", src, "--case", root, "--no-embed")
        assert r.returncode == 2
        assert "'casefile ingest /evidence' (process" in r.stderr and "wait for it to finish" in r.stderr
        assert "Traceback" not in r.stderr and "internal error" not in r.stderr
        r = casefile("search", "first", "--case", root)          # readers do not wait
        assert r.returncode == 0, r.stderr
    finally:
        held.release()
    assert casefile("ingest", src, "--case", root, "--no-embed").returncode == 0


def test_a_case_db_that_is_not_a_database(tmp_path):
    root = tmp_path / "case"
    root.mkdir()
    (root / "case.db").write_bytes(b"this is a text file, not SQLite\n" * 100)
    for args in (("status",), ("search", "x")):
        r = casefile(*args, "--case", root)
        assert r.returncode == 2
        assert "is not a casefile case database" in r.stderr and "Traceback" not in r.stderr


@pytest.fixture
def small_disk(tmp_path):
    """A real 2 MB file system (tmpfs), so the disk really fills up; needs root, as CI has."""
    mnt = tmp_path / "small-disk"
    mnt.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mnt)],
                      capture_output=True).returncode != 0:
        pytest.skip("cannot mount a small tmpfs here (needs root)")
    yield mnt
    subprocess.run(["umount", "-l", str(mnt)], check=False)


@pytest.mark.parametrize("shape", ["one large mbox", "many small files"])
def test_a_full_disk_is_one_sentence_and_the_run_resumes_elsewhere(tmp_path, small_disk, shape):
    src = tmp_path / "in"
    src.mkdir()
    if shape == "one large mbox":
        make_mbox(src / "a.mbox", 3000)
    else:
        for i in range(1500):
            (src / f"m{i}.eml").write_bytes(eml(f"message {i} " + "x" * 1500))
    r = casefile("ingest", src, "--case", small_disk / "case", "--no-embed")
    assert r.returncode == 1
    assert "The disk is full" in r.stderr and "Traceback" not in r.stderr and "internal error" not in r.stderr
    r = casefile("status", "--case", small_disk / "case")
    assert "Traceback" not in r.stderr and "internal error" not in r.stderr
    with Case.open(small_disk / "case") as case:             # nothing was quarantined for the disk's sake
        assert not case.sources(status="quarantined")


def test_a_message_to_sixty_thousand_people_is_analysed_in_linear_time(tmp_path):
    """Issue 27: 60k recipients took 157 s in the analysis (a `not in` on a list per mention)."""
    import time
    src = tmp_path / "in"
    src.mkdir()
    to = ", ".join(f"Person {i} <p{i}@list.example.org>" for i in range(60_000))
    (src / "wide.eml").write_bytes(
        b"From: Ana Ruiz <ana@example.org>\r\nTo: " + to.encode() + b"\r\nSubject: to everyone\r\n"
        b"Date: Mon, 1 Feb 2016 10:00:00 +0100\r\nMessage-ID: <wide@example.org>\r\n\r\nHello all.\r\n")
    (src / "reply.eml").write_bytes(eml("Re: to everyone"))
    with Case.create(tmp_path / "case") as case:
        t0 = time.monotonic()
        case.ingest([src], embed=False)
        took = time.monotonic() - t0
        assert case.status()["documents"]["total"] == 2
        assert len(case.people()) > 60_000
    assert took < 60, f"ingest and analysis took {took:.0f} s"


def test_a_text_cut_at_the_bound_says_so_and_cites_only_the_pages_kept(corpora, monkeypatch):
    """Issue 27: a PDF's text was cut at 20M characters with no note and cited as pp. 1-1000."""
    from casefile.ingest import limits
    from casefile.ingest.pdf import parse_pdf
    data = (corpora / "pdf-court-exhibits-printed-emails" / "gov.uscourts.nysd.447706.1325.4.pdf").read_bytes()
    whole = parse_pdf(data, "1325.4.pdf").documents[0]
    assert len(whole.pages) >= 3
    keep = whole.pages[1]["end"] - 10                     # inside the second page
    monkeypatch.setattr(limits, "MAX_TEXT_CHARS", keep)
    doc = parse_pdf(data, "1325.4.pdf").documents[0]
    assert len(doc.text) == keep
    assert any(n.startswith(f"text cut at {keep:,} of") for n in doc.notes), doc.notes
    assert [p["page"] for p in doc.pages] == [whole.pages[0]["page"], whole.pages[1]["page"]]
    assert doc.citation["pages"] == [whole.pages[0]["page"], whole.pages[1]["page"]]
    assert doc.pages[-1]["end"] <= keep


def test_every_entry_of_an_archive_gets_a_row(tmp_path):
    """Issue 27: same-named members (the second was dropped), links and special files in a tar,
    and a zip member without a name (the whole zip was quarantined) were not accounted for."""
    import io
    import tarfile
    import zipfile
    src = tmp_path / "in"
    src.mkdir()
    with zipfile.ZipFile(src / "a.zip", "w") as zf:
        zf.writestr("mail/one.eml", eml("first of two"))
        zf.writestr("mail/one.eml", eml("second of two"))       # the same name again
        nameless = zipfile.ZipInfo("x")
        nameless.filename = ""                                   # zipfile's writestr refuses an empty name
        with zf.open(nameless, "w") as fh:
            fh.write(eml("without a name"))
        for i in range(3):
            zf.writestr(f"m{i}.eml", eml(f"good {i}"))
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tf:
        body = eml("in the tar")
        info = tarfile.TarInfo("x/real.eml")
        info.size = len(body)
        tf.addfile(info, io.BytesIO(body))
        for name, kind, target in (("x/link.eml", tarfile.SYMTYPE, "/etc/passwd"),
                                   ("x/hard.eml", tarfile.LNKTYPE, "x/real.eml"),
                                   ("x/fifo", tarfile.FIFOTYPE, "")):
            info = tarfile.TarInfo(name)
            info.type, info.linkname = kind, target
            tf.addfile(info)
    (src / "b.tar").write_bytes(buf.getvalue())
    with Case.create(tmp_path / "case") as case:
        case.ingest([src], embed=False)
        rows = case.sources()
        subjects = {d["subject"] for d in case.documents()}
    members = {r["member"]: r for r in rows if r["member"]}
    assert {"first of two", "second of two", "without a name", "good 0", "good 2", "in the tar"} <= subjects
    assert members["zip:mail/one.eml"]["status"] == members["zip:mail/one.eml#2"]["status"] == "ok"
    assert members["tar:x/link.eml"]["status"] == "quarantined" and "does not follow links" in members["tar:x/link.eml"]["reason"]
    assert members["tar:x/hard.eml"]["status"] == "ok"
    assert members["tar:x/fifo"]["status"] == "quarantined" and "special entry" in members["tar:x/fifo"]["reason"]
    assert {r["status"] for r in rows if r["parent"] is None} == {"ok"}


def test_fifos_and_dangling_links_in_the_input_get_a_row(tmp_path):
    """Issue 27: FIFOs and dangling symlinks were left out silently; a FIFO given by name ended
    with exit 0 and 'files seen 0'."""
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.eml").write_bytes(eml("kept"))
    os.mkfifo(src / "pipe")
    os.symlink(src / "gone.eml", src / "dangling.eml")
    os.mkfifo(tmp_path / "given-pipe")
    with Case.create(tmp_path / "case") as case:
        case.ingest([src, tmp_path / "given-pipe"], embed=False)
        rows = {Path(r["path"]).name: r for r in case.sources()}
    assert rows["a.eml"]["status"] == "ok"
    for name in ("pipe", "dangling.eml", "given-pipe"):
        assert rows[name]["status"] == "quarantined" and rows[name]["reason"], name


def test_blank_scanned_pages_are_not_sent_to_ocr():
    """Issue 27: a 4,999-page scan of blank pages ran OCR for ~30 minutes. Blank pages are found
    by looking (a small rendering), the page with a few words on it is still read."""
    import io
    import time
    from PIL import Image, ImageDraw, ImageFont
    from casefile.ingest.pdf import ocr_available, parse_pdf
    if not ocr_available():
        pytest.skip("tesseract is not installed")
    font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", 42)
    written = Image.new("L", (2550, 3300), 255)
    ImageDraw.Draw(written).text((300, 400), "Thanks for the documents.", fill=0, font=font)
    pages = [Image.new("L", (2550, 3300), 255) for _ in range(250)]
    pages[7] = written
    buf = io.BytesIO()
    pages[0].save(buf, "PDF", save_all=True, append_images=pages[1:], resolution=300)
    t0 = time.monotonic()
    blob = parse_pdf(buf.getvalue(), "scan.pdf")
    took = time.monotonic() - t0
    doc = blob.documents[0]
    assert "Thanks for the documents" in doc.text
    assert "page(s) 1-7, 9-250 are blank scans (no ink found); not read by OCR" in doc.notes, doc.notes
    assert took < 60, f"{took:.0f} s for 250 pages"          # OCR of every page: ~90 s


def test_ocr_past_its_budget_names_the_pages_it_did_not_read(monkeypatch):
    import io
    from PIL import Image, ImageDraw, ImageFont
    from casefile.ingest import pdf
    if not pdf.ocr_available():
        pytest.skip("tesseract is not installed")
    font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", 42)
    pages = []
    for i in range(3):
        im = Image.new("L", (2550, 3300), 255)
        ImageDraw.Draw(im).text((300, 400), f"Page number {i + 1} of the scan.", fill=0, font=font)
        pages.append(im)
    buf = io.BytesIO()
    pages[0].save(buf, "PDF", save_all=True, append_images=pages[1:], resolution=300)
    monkeypatch.setattr(pdf, "OCR_FILE_SECONDS", -1)          # the budget is spent before the first page
    doc = pdf.parse_pdf(buf.getvalue(), "scan.pdf").documents[0]
    assert "OCR stopped after -1 minutes on this file: scanned page(s) 1-3 were not read" in doc.notes, doc.notes
    assert "Page number" not in doc.text


def test_outlook_items_are_read_for_what_they_are(corpora, tmp_path):
    """Issue 27: a .pst's free/busy item was quarantined with "'pypff.item' object has no
    attribute 'subject'", contacts and appointments were listed as e-mails from "Unknown", and a
    message attached to a message was an unreadable octet-stream."""
    pst = corpora / "outlook-pst"
    files = [next(pst.rglob("dist-list.pst")), next(pst.rglob("msgInMsg.pst"))]
    with Case.create(tmp_path / "case") as case:
        case.ingest(files, embed=False)
        docs = case.documents()
        rows = case.sources()
    items = {d["subject"]: d for d in docs if d["kind"] == "outlook-item"}
    assert {"Test appointment", "contact name 1", "test dist list"} <= set(items)
    assert not [d for d in docs if d["kind"] == "email" and d["subject"] in items]
    freebusy = [r for r in rows if "Freebusy" in (r["member"] or "")]
    assert freebusy and freebusy[0]["status"] == "quarantined"
    assert "free/busy data" in freebusy[0]["reason"] and "pypff" not in freebusy[0]["reason"]
    embedded = [r for r in rows if r["name"] == "Microsoft Outlook テスト メッセージ"]
    assert embedded and embedded[0]["status"] == "quarantined"
    assert "an Outlook message attached to this one" in embedded[0]["reason"]


@pytest.mark.parametrize("utc, printed", [("Mon, 01 Feb 2016 19:30:00 +0000", "Monday, February 1, 2016 11:30 AM"),
                                          ("Tue, 02 Feb 2016 04:30:00 +0000", "Monday, February 1, 2016 8:30 PM"),
                                          ("Mon, 01 Feb 2016 06:15:00 +0000", "Monday, February 1, 2016 11:45 AM")])
def test_a_printed_copy_without_its_zone_joins_its_original(tmp_path, utc, printed):
    """Issue 27: a copy printed in Pacific time without a zone (11:30) was not joined with its
    UTC original (19:30Z); any whole- or half-hour zone from -12 to +14 h is possible."""
    body = ("Elena,\n\nI think the board should have five seats and the founders should hold two of them. We need "
            "to settle this before the funding round closes next month, otherwise the investors decide for us.\n\nSam\n")
    src = tmp_path / "in"
    src.mkdir()
    (src / "orig.eml").write_text(f"From: Sam Carter <sam@lab.example>\nTo: Elena Brooks <elena@lab.example>\n"
                                  f"Subject: Board composition\nDate: {utc}\nMessage-ID: <b1@lab.example>\n\n{body}")
    (src / "exhibit.txt").write_text(f"From: Sam Carter <sam@lab.example>\nSent: {printed}\n"
                                     f"To: Elena Brooks <elena@lab.example>\nSubject: Board composition\n\n{body}")
    with Case.create(tmp_path / "case") as case:
        case.ingest([src], embed=False)
        msgs = [d for d in case.documents() if d["kind"] in ("email", "printed-email")]
    assert len(msgs) == 2
    assert [d["canonical"] for d in sorted(msgs, key=lambda d: d["kind"])] == [True, False]


def test_the_thread_says_which_times_are_utc_and_which_printed_local(tmp_path, cli):
    """Issue 27: the thread view showed a printed copy's local time under a UTC message."""
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.eml").write_text("From: Sam Carter <sam@lab.example>\nTo: Elena Brooks <elena@lab.example>\n"
                               "Subject: Budget\nDate: Mon, 01 Feb 2016 19:30:00 +0000\nMessage-ID: <q1@lab.example>\n\n"
                               "Elena, can we agree the budget for the second half of the year by Friday?\nSam\n")
    (src / "b.txt").write_text("From: Elena Brooks <elena@lab.example>\nSent: Tuesday, February 2, 2016 9:05 AM\n"
                               "To: Sam Carter <sam@lab.example>\nSubject: RE: Budget\n\n"
                               "Sam, not by Friday: the investors have not seen the plan yet.\nElena\n")
    cli("ingest", src, "--case", tmp_path / "case", "--no-embed")
    with Case.open(tmp_path / "case") as case:
        first = next(d["id"] for d in case.documents() if d["kind"] == "email")
    out = cli("thread", first, "--case", tmp_path / "case").output
    assert "2016-02-01 19:30 UTC" in out
    assert "2016-02-02 09:05 local time, zone not printed" in out


def test_narrow_tables_wrap_citations_and_paths_instead_of_cutting_them(tmp_path):
    """Issue 27: at 80-100 columns tables cut the part that matters (citation, path)."""
    from casefile.sample import sample_dir
    case = tmp_path / "case"
    assert casefile("ingest", sample_dir() / "exhibits", "--case", case, "--no-embed").returncode == 0
    env = dict(os.environ, COLUMNS="80")
    docs = casefile("documents", "--kind", "printed-email", "--case", case, env=env).stdout
    assert max(len(line.rstrip()) for line in docs.splitlines()) <= 80
    assert "NHR_0000" in docs and ", p. 1,…" not in docs and "cited as" in docs
    srcs = casefile("sources", "--case", case, env=env).stdout
    assert "…" not in srcs
    start = srcs.splitlines()[0].index("path / member")
    flat = "".join(line[start:].split("  ")[0].strip() for line in srcs.splitlines()[1:])
    assert "/exhibits/Anlage-K7-Board-seat-scan.pdf" in flat


def test_a_quote_cut_short_stays_visibly_unfinished():
    from casefile.display import clip
    assert clip('He wrote: "I would rather leave the company than hand control to an investor" and left.', 60) \
        == 'He wrote: "I would rather leave the company than hand…"'
    assert clip("Er schrieb: „Ich lasse mich nicht erpressen, von niemandem“.", 40).endswith("…“")
    assert clip("short", 40) == "short"


def test_a_page_the_size_of_a_poster_is_not_sent_to_ocr():
    """Found by fuzzing: a 6.8 KB PDF with one 8,400-point page of scan took 30-40 s of OCR."""
    import io
    import time
    from PIL import Image
    from casefile.ingest.pdf import ocr_available, parse_pdf
    if not ocr_available():
        pytest.skip("tesseract is not installed")
    buf = io.BytesIO()
    Image.new("L", (1167, 1167), 200).save(buf, "PDF", resolution=10)      # 116 inches square
    t0 = time.monotonic()
    doc = parse_pdf(buf.getvalue(), "poster.pdf").documents[0]
    assert time.monotonic() - t0 < 10
    assert any("inches on its long side" in n and "not read by OCR" in n for n in doc.notes), doc.notes


def test_ocr_past_the_runs_budget_names_the_pages_it_did_not_read(monkeypatch):
    """Issue 27: OCR is bounded per run too (every file and worker together)."""
    import io
    from PIL import Image, ImageDraw, ImageFont
    from casefile.ingest import pdf
    if not pdf.ocr_available():
        pytest.skip("tesseract is not installed")
    font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", 42)
    im = Image.new("L", (2550, 3300), 255)
    ImageDraw.Draw(im).text((300, 400), "A page of the scan that is not blank.", fill=0, font=font)
    buf = io.BytesIO()
    im.save(buf, "PDF", resolution=300)
    monkeypatch.setattr(pdf, "ocr_run_deadline", None)
    pdf.start_ocr_budget(-1)                                    # the run's budget is already spent
    try:
        doc = pdf.parse_pdf(buf.getvalue(), "scan.pdf").documents[0]
    finally:
        pdf.ocr_run_deadline = None
    assert any(n.startswith("the ingest's OCR time") and "page(s) 1 were not read" in n for n in doc.notes)


@pytest.mark.parametrize("workers", [1, 2])
def test_archive_members_are_kept_byte_for_byte_with_any_number_of_workers(tmp_path, workers):
    """The workers no longer send a member's bytes back; the main process keeps them, also when
    it parses the members itself (--workers 1)."""
    import zipfile
    src = tmp_path / "in"
    src.mkdir()
    body = eml("inside the zip")
    with zipfile.ZipFile(src / "a.zip", "w") as zf:
        zf.writestr("m.eml", body)
    with Case.create(tmp_path / "case") as case:
        case.ingest([src], workers=workers, embed=False)
        doc = next(d for d in case.documents() if d["subject"] == "inside the zip")
        assert case.raw(doc["id"]) == body
