"""Exhibits: PDF layout, furniture and Bates, OCR, printed chains, quoted replies."""
from pathlib import Path

import pytest

from casefile.ingest.dates import parse_printed_date
from casefile.ingest.documents import parse_text, recover_quoted
from casefile.ingest.exhibit import Line, parse_person, split_chain, unwrap
from casefile.ingest.layout import Segment, bates_in, bates_range, rows, running_heads, strip_furniture
from casefile.ingest.mail import parse_mail
from casefile.ingest.pdf import needs_ocr, parse_pdf
from casefile.ingest.registry import analyze
from casefile.model import Blob

REPO = Path(__file__).resolve().parent.parent
EVAL = REPO / "eval" / "exhibits" / "inputs"


def seg(y, x, text, h=10.0):
    return Segment(y=y, height=h, x=x, text=text, char_x=[x + 5 * i for i in range(len(text))])


def test_label_column_is_merged_into_lines_in_reading_order():
    # PDF stream order: all labels first, then all values (as Outlook prints them)
    segs = [seg(100, 50, "From:"), seg(112, 50, "Sent:"), seg(124, 50, "Subject:"),
            seg(100.8, 120, "Lena Berg"), seg(112.4, 120, "Tuesday, April 12, 2016 9:30 AM"),
            seg(124, 120, "Board seat"), seg(160, 50, "Daniel,")]
    assert rows(segs) == ["From: Lena Berg", "Sent: Tuesday, April 12, 2016 9:30 AM", "Subject: Board seat", "",
                          "Daniel,"]


def test_redaction_box_becomes_a_mark_where_it_sits():
    segs = [seg(100, 50, "With regards to , you told me")]
    # box between "to" (ends near x=50+5*15) and ","
    out = rows(segs, [(128, 95, 150, 105)])
    assert out == ["With regards to [REDACTED] , you told me"]
    assert rows([], [(10, 10, 100, 20)]) == ["[REDACTED]"]


def test_furniture_and_bates_are_removed_and_kept():
    page = ["Case 1:15-cv-07433-LAP Document 1325-4 Filed 01/04/24 Page 2 of 6", "From: A", "text",
            "PRIVILEGED GM_001044", "GM_01060", "CONFIDENTIAL", "3"]
    c = strip_furniture(page)
    assert c.lines == ["From: A", "text"]
    assert c.bates == ["GM_001044", "GM_01060"]
    assert bates_in("1 ELBE_000601") == ["ELBE_000601"]
    assert bates_in("MAY2016") == [] and bates_in("Phone: 954-356-0011") == []
    assert bates_range([["GM_01060", "PRIVILEGED GM_001044"], ["GM_01061"], ["GM_01062"]]) == ["GM_01060", "GM_01062"]
    pages = [["Nordhafen v. Okafor – Anlage K3", f"body {i}", f"Seite {i}"] for i in range(5)]
    assert "nordhafen v. okafor – anlage k#" in running_heads(pages)


@pytest.mark.parametrize("text,iso,flag", [
    ("Tuesday, May 17, 2016 3:53 PM", "2016-05-17T15:53:00", "no-timezone"),
    ("Dienstag, 12. April 2016 09:14", "2016-04-12T09:14:00", "no-timezone"),
    ("Am 11.04.2016 um 18:02", "2016-04-11T18:02:00", "no-timezone"),
    ("Friday, January 9, 2015 at 17:05 PM", "2015-01-09T17:05:00", "no-timezone"),
    ("Fri, 2 Jan 2015 17:06:35 +0000", "2015-01-02T17:06:35Z", None),
    ("01/04/2001 10:15 AM", "2001-01-04T10:15:00", "no-timezone"),
    ("Tuesday, 10 November 2015", "2015-11-10", "date-only"),
    ("2016-06-05T10:00:00+02:00", "2016-06-05T08:00:00Z", None),     # ISO: never day-first
    ("2016-06-05", "2016-06-05", "date-only"),
    ("9 January 20 I 5 at 20:02", "2015-01-09T20:02:00", "no-timezone"),   # OCR'd digits
    ("no date here", None, "unparseable"),
    ("", None, "missing"),
])
def test_printed_dates_in_english_and_german(text, iso, flag):
    assert parse_printed_date(text) == (iso, flag)


def lines(text):
    return [Line(t, None) for t in text.split("\n")]


def test_german_client_chain_and_lotus_notes():
    de = ("Hallo,\n\nVon: Lena Berg\nGesendet: Dienstag, 12. April 2016 09:30\nAn: Daniel Okafor\n"
          "Betreff: AW: Stimmrechte\n\nDaniel, nein.\n\n-----Ursprüngliche Nachricht-----\nVon: Daniel Okafor\n"
          "Gesendet: Dienstag, 12. April 2016 07:58\nAn: Lena Berg\nBetreff: Stimmrechte\n\nLena, doch.")
    pre, msgs = split_chain(lines(de))
    assert [ln.text for ln in pre if ln.text] == ["Hallo,"]
    assert [(m.fields["from"], m.fields["sent"][-5:]) for m in msgs] == [("Lena Berg", "09:30"), ("Daniel Okafor", "07:58")]
    assert [ln.text for ln in msgs[0].body if ln.text] == ["Daniel, nein."]
    lotus = ("----- Forwarded by Hal Dorsey/Westwind on 03/22/2016 02:10 PM -----\n\n"
             "\"Eve Lindqvist\" <eve@westwind.example> on 03/22/2016 09:31 AM\nTo: Hal Dorsey\ncc:\n"
             "Subject: Re: Nordstern\n\nWe walk away.")
    _, msgs = split_chain(lines(lotus))
    assert len(msgs) == 1 and msgs[0].style in ("forwarded", "lotus")
    assert msgs[0].fields["from"].startswith('"Eve Lindqvist"') and msgs[0].fields["sent"].startswith("03/22/2016")


def test_gmail_reply_quotes_at_any_depth():
    text = ("Sure.\n\nOn Tue, Apr 26, 2016 at 9:45 AM, Tom Hartley <tom@x.example> wrote:\n> I will send it.\n>\n"
            "> Am 25.04.2016 um 17:03 schrieb Ravi Patel <ravi@y.example>:\n>> Please sort it out.\n>> Ravi\n\n-- \nsig")
    pre, msgs = split_chain(lines(text))
    assert [(m.fields["from"], m.depth) for m in msgs] == [("Tom Hartley <tom@x.example>", 0),
                                                          ("Ravi Patel <ravi@y.example>", 1)]
    assert [ln.text for ln in msgs[1].body] == ["Please sort it out.", "Ravi"]
    assert "sig" in [ln.text for ln in pre]          # text after the quote stays with the replying message


def test_unwrap_joins_margin_wrapped_lines_only():
    src = ["We were serving subpoenas on dates that we thought are grouped within the locations",
           "we discussed during the meet and confer.", "Thanks,", "Laura"]
    assert unwrap(src, 85) == [src[0] + " " + src[1], "Thanks,", "Laura"]


def test_born_digital_exhibit_gives_messages_with_citations():
    blob = parse_pdf((EVAL / "02-outlook-de.pdf").read_bytes(), "02-outlook-de.pdf")
    assert blob.status == "ok"
    pdf_doc, *msgs = blob.documents
    assert pdf_doc.kind == "pdf" and pdf_doc.pages[0]["page"] == 1 and pdf_doc.pages[0]["bates"]
    assert "Case 1:16-cv" not in pdf_doc.text and "HK_000201" not in pdf_doc.text   # furniture removed
    assert [m.from_name for m in msgs] == ["Stefan Brandt", "Katrin Vogel", "Stefan Brandt"]
    assert msgs[1].sent_at == "2016-05-04T19:47:00" and msgs[1].subject == "AW: Mitgliederversammlung"
    assert [c["name"] for c in msgs[1].cc] == ["Dr. Ilse Marquardt"]
    assert msgs[0].citation["file"] == "02-outlook-de.pdf" and msgs[0].citation["pages"][0] == 1
    assert msgs[0].citation["bates"][0].startswith("HK_0002")
    assert "Mitgliederversammlung" not in msgs[0].text.split("\n")[0]       # body without the header block


def test_redacted_exhibit_keeps_the_redaction_visible():
    blob = parse_pdf((EVAL / "10-outlook-en-redacted.pdf").read_bytes(), "x.pdf")
    first = [d for d in blob.documents if d.kind == "printed-email"][-1]
    assert "renewal for the [REDACTED] this morning" in first.text


def test_scanned_exhibit_is_read_by_ocr():
    blob = parse_pdf((EVAL / "09-outlook-de-scan.pdf").read_bytes(), "scan.pdf")
    assert "read by OCR" in blob.detail
    msgs = [d for d in blob.documents if d.kind == "printed-email"]
    assert [m.from_name for m in msgs] == ["Dr. Ilse Marquardt", "Stefan Brandt"]
    assert msgs[0].sent_at == "2016-05-06T09:40:00"
    assert "Beschluss vom 2. Mai unwirksam" in msgs[0].text
    assert all("read by OCR" in m.notes for m in msgs)


def test_ocr_decision():
    assert needs_ocr(0, 0.9) and needs_ocr(40, 0.5)
    assert not needs_ocr(40, 0.05)          # an empty page without an image
    assert not needs_ocr(600, 0.9)          # a scan with a text layer


def test_bad_pdfs_are_quarantined_with_a_reason(corpora):
    enc = corpora / "pypdf-sample-files" / "005-libreoffice-writer-password" / "libreoffice-writer-password.pdf"
    b = analyze(Blob(name="enc.pdf", data=enc.read_bytes()), top_level=True)
    assert b.status == "quarantined" and "encrypted" in b.reason
    b = analyze(Blob(name="cut.pdf", data=b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog"), top_level=True)
    assert b.status == "quarantined" and "PDF is broken" in b.reason
    good = (EVAL / "01-outlook-en.pdf").read_bytes()
    b = analyze(Blob(name="half.pdf", data=good[: len(good) // 2]), top_level=True)
    assert b.status in ("ok", "quarantined") and (b.reason or b.detail)


def test_plain_text_transcription_is_split():
    blob = parse_text((EVAL / "05-lotus-en.txt").read_bytes(), "05-lotus-en.txt")
    kinds = [d.kind for d in blob.documents]
    assert kinds == ["text", "printed-email", "printed-email"]
    assert blob.documents[2].from_addr == "eve.lindqvist@westwind-shipping.example"


def test_quoted_messages_in_an_email_are_recovered():
    raw = ("From: Lena Berg <lena@nordhafen.example>\nTo: Daniel <d@nordhafen.example>\nSubject: Re: Ultimatum\n"
           "Date: Fri, 06 May 2016 16:20:00 +0200\nMessage-ID: <a@x>\n\nIch lasse mich nicht erpressen.\n\n"
           "Am 02.05.2016 um 23:47 schrieb Daniel Okafor <d@nordhafen.example>:\n> Lena,\n>\n"
           "> this is my last offer.\n>\n> Daniel\n").encode()
    blob = analyze(Blob(name="m.eml", data=raw), top_level=True)
    email, quoted = blob.documents
    assert quoted.kind == "quoted-email" and quoted.derived_from == email.locator
    assert quoted.from_name == "Daniel Okafor" and quoted.from_addr == "d@nordhafen.example"
    assert quoted.sent_at == "2016-05-02T23:47:00" and quoted.text == "Lena,\n\nthis is my last offer.\n\nDaniel"
    assert "recovered from a quote in a later message" in quoted.notes
    assert email.text.startswith("Ich lasse")                  # the e-mail itself is unchanged
    assert recover_quoted(parse_mail(b"From: a@b\nSubject: x\n\nno quote here\n").documents[0]) == []


def test_exhibit_documents_in_a_case_cite_file_pages_and_bates(case, cli):
    case.ingest([EVAL / "01-outlook-en.pdf", EVAL / "04-gmail-de.txt"])
    docs = cli.json("documents", "--kind", "printed-email", "--case", str(case.root))
    assert len(docs) == 3
    # a transcription that starts with header lines reads as an e-mail; its quote is recovered
    quoted = cli.json("documents", "--kind", "quoted-email", "--case", str(case.root))
    assert [d["from"]["name"] for d in quoted] == ["Dr. Ilse Marquardt"]
    assert quoted[0]["derived_from"]
    pdf_msgs = [d for d in docs if d["citation"]["file"].endswith("01-outlook-en.pdf")]
    assert {tuple(d["citation"]["bates"])[:1] for d in pdf_msgs} <= {("ELBE_000101",), ("ELBE_000102",)}
    assert all(d["citation"]["pages"] for d in pdf_msgs)
    assert {d["from"]["name"] for d in docs} == {"Mara Jensen", "Tom Hartley"}
    hits = case.search('"nicht alle Mitglieder geladen"')[0]
    assert {h.kind for h in hits} == {"email", "quoted-email"}
    hits = case.search('"far above what we budgeted"')[0]
    assert "printed-email" in {h.kind for h in hits}


def test_redaction_burnt_into_a_scan_is_found():
    from PIL import Image, ImageDraw
    from casefile.ingest.pdf import image_redactions
    img = Image.new("L", (850, 1100), 255)          # a letter page at 100 dpi
    d = ImageDraw.Draw(img)
    for y in range(100, 400, 20):                    # lines of "text": thin strokes
        for x in range(100, 700, 9):
            d.line([(x, y), (x + 4, y + 12)], fill=0, width=1)
    d.rectangle([300, 500, 480, 518], fill=0)        # a redaction bar: 130 x 13 pt
    boxes = image_redactions(img, 72 / 100)
    assert len(boxes) == 1
    left, top, right, bottom = boxes[0]
    assert 214 <= left <= 218 and 344 <= right <= 350 and 358 <= top <= 363 and 370 <= bottom <= 376


def test_scanned_exhibit_keeps_burnt_in_redactions():
    blob = parse_pdf((EVAL / "14-outlook-de-redacted-scan.pdf").read_bytes(), "scan.pdf")
    first = [d for d in blob.documents if d.kind == "printed-email"][0]
    assert "Ich habe [REDACTED]" in first.text and "Marquardt gebeten" not in first.text


def test_second_reader_keeps_label_columns_on_their_lines():
    from casefile.ingest.pdf import _pypdf_pages
    pages = _pypdf_pages((EVAL / "01-outlook-en.pdf").read_bytes())
    text = "\n".join(pages[0]["lines"])
    assert "From: Mara Jensen" in text and "Subject: RE: Lease renewal Speicherstadt" in text


PDF_SAMPLES = ["invalid.pdf", "enormous.pdf", "2400dpi.pdf", "blank.pdf", "no_contents.pdf", "negzero.pdf",
               "type3_font_nomapping.pdf", "jbig2_baddevicen.pdf", "docinfo_latin1_key.pdf", "cardinal.pdf"]


def test_pdf_corpora_each_file_ok_or_quarantined_with_a_reason(case, corpora):
    import time
    files = [corpora / "ocrmypdf-resources" / n for n in PDF_SAMPLES] + \
        sorted((corpora / "pypdf-sample-files").rglob("*.pdf"))
    t0 = time.monotonic()
    s = case.ingest(files, embed=False)     # embedding is tested in test_semantic
    assert s.files_seen == len(files) and time.monotonic() - t0 < 240
    rows = {r["path"]: r for r in case.sources() if r["parent"] is None}
    assert len(rows) + s.same_content == len(files)
    bad = {Path(p).name: r["reason"] for p, r in rows.items() if r["status"] != "ok"}
    assert bad == {"invalid.pdf": "the PDF is broken (data format error)",
                   "unreadablemetadata.pdf": "the PDF is broken (data format error)",
                   "libreoffice-writer-password.pdf": "the PDF is encrypted (password protected)"}
    docs = {Path(d["citation"]["file"]).name: d for d in case.documents(kind="pdf")}
    assert "In recent years" in docs["GeoTopo-komprimiert.pdf"]["text"] or len(docs["GeoTopo-komprimiert.pdf"]["text"]) > 100000
    assert docs["cardinal.pdf"]["notes"][-1] == "OCR on page(s) 1-4"


def test_label_column_printed_above_its_values():
    text = ("From:\nSent:\nTo:\nSubject:\nLena Berg\nTuesday, April 12, 2016 9:30 AM\nDaniel Okafor\nBoard seat\n\n"
            "Daniel, no.")
    _, msgs = split_chain(lines(text))
    assert len(msgs) == 1 and msgs[0].fields == {"from": "Lena Berg", "sent": "Tuesday, April 12, 2016 9:30 AM",
                                                "to": "Daniel Okafor", "subject": "Board seat"}
    assert [ln.text for ln in msgs[0].body if ln.text] == ["Daniel, no."]
    # a redacted sender: the From value is empty, the other fields are on their lines
    _, msgs = split_chain(lines("From:\nSent: Friday, January 02, 2015 12:01 PM\nTo: G Max\nSubject: Agreed\n\nG"))
    assert msgs[0].fields["from"] == "" and msgs[0].fields["subject"] == "Agreed"


@pytest.mark.parametrize("value, expected", [
    ('"Brown, David" E [REDACTED] T', ("Brown, David", None)),
    ("\"Brown, David' [REDACTED]", ("Brown, David", None)),
    ("G Maxwell <GMax l@ellmax.com<mailto:GMax l@ellmax.com>>", ("G Maxwell", "gmaxl@ellmax.com")),
    ("G Maxwell <GMaxI @ellmax.com>", ("G Maxwell", "gmaxi@ellmax.com")),
    ("G Max<gmax|@ellmax.com>", ("G Max", "gmaxl@ellmax.com")),
    ("Sarah Ransome [mailto", ("Sarah Ransome", None)),
    ("Sarah Ransome mai\\", ("Sarah Ransome", None)),
    ("[REDACTED]", ("[REDACTED]", None)),
    ("'brad@pathtojustice.com", (None, "brad@pathtojustice.com")),
    ('"Dan O\'Brien" <dan@x.org>', ("Dan O'Brien", "dan@x.org")),
    ("Anna Mai", ("Anna Mai", None)),
])
def test_printed_header_values_lose_their_debris(value, expected):
    from casefile.ingest.exhibit import parse_person
    assert parse_person(value) == expected


def test_names_listed_with_commas_are_several_people_unless_written_surname_first():
    from casefile.ingest.exhibit import parse_recipients
    assert [r["name"] for r in parse_recipients("Philip Barden, gmax")] == ["Philip Barden", "gmax"]
    assert [r["name"] for r in parse_recipients("Meier, Barry")] == ["Meier, Barry"]
    assert [r["name"] for r in parse_recipients("van der Berg, Anna")] == ["van der Berg, Anna"]


def test_a_day_ocr_broke_is_repaired_by_the_printed_weekday():
    """Issue 27: "Thursday. February t 5. 2007" (real exhibit 1331.34) was read as February 5."""
    from casefile.ingest.dates import parse_printed_date
    assert parse_printed_date("Thursday. February t 5. 2007 4:07 PM") == ("2007-02-15T16:07:00", "no-timezone")
    assert parse_printed_date("Thursday, February 1 5, 2007") == ("2007-02-15", "date-only")
    assert parse_printed_date("Monday, February 5, 2007 4:07 PM") == ("2007-02-05T16:07:00", "no-timezone")
    # a weekday that no repair explains leaves the date as printed
    assert parse_printed_date("Sunday, February 5, 2007 4:07 PM") == ("2007-02-05T16:07:00", "no-timezone")


def test_a_message_whose_header_block_was_redacted_is_cut_off_by_its_signature(corpora):
    """Issue 27: Ross Gow's reply (exhibit 1330.22), whose header block is only [REDACTED] lines,
    was glued into Philip Barden's message together with a `PRIVILEGED GM_00"1055` stamp."""
    from casefile.ingest.pdf import parse_pdf
    data = (corpora / "pdf-court-exhibits-printed-emails" / "gov.uscourts.nysd.447706.1330.22.pdf").read_bytes()
    docs = [d for d in parse_pdf(data, "1330.22.pdf").documents if d.kind == "printed-email"]
    philip = next(d for d in docs if d.from_name == "Philip Barden" and "reputational suicide" in d.text)
    assert "Geordie" not in philip.text and philip.text.rstrip().endswith("Sent from my iPhone")
    ross = next(d for d in docs if "Had Geordie on the phone" in d.text)
    assert ross.from_name == "[REDACTED]" and "Ross" in ross.text and "GM_00" not in ross.text
    assert docs.index(ross) == docs.index(philip) + 1


def test_a_redacted_signature_block_is_not_a_message():
    from casefile.ingest.exhibit import Line, PrintedMessage, split_redacted_headers
    body = [Line(t) for t in ["Thanks for the call.", "", "Anna", "", "[REDACTED]", "[REDACTED]", "", "Anna"]]
    out = split_redacted_headers([PrintedMessage(style="outlook", fields={"from": "Anna"}, body=body)])
    assert len(out) == 1


def test_an_attachment_printed_after_the_last_message_is_not_its_body(corpora):
    """Issue 27: a deposition calendar printed after the last message of exhibit 1325.4 was
    appended to that message's body."""
    from casefile.ingest.pdf import parse_pdf
    data = (corpora / "pdf-court-exhibits-printed-emails" / "gov.uscourts.nysd.447706.1325.4.pdf").read_bytes()
    blob = parse_pdf(data, "1325.4.pdf")
    last = next(d for d in blob.documents if d.kind == "printed-email" and "see the attached" in d.text)
    assert "Deposition of" not in last.text and "Sunday Monday" not in last.text
    assert any("is the attachment it mentions" in n for n in last.notes)
    assert "Deposition of" in blob.documents[0].text          # still in the exhibit's own text
    assert last.citation["pages"][1] < blob.documents[0].citation["pages"][1]


def test_a_closing_word_is_no_signature_name():
    from casefile.ingest.exhibit import Line, PrintedMessage, split_redacted_headers
    body = [Line(t) for t in ["Please send the list.", "", "Thanks", "", "[REDACTED]", "[REDACTED]", "",
                              "Here it is.", "", "Anna"]]
    assert len(split_redacted_headers([PrintedMessage(style="outlook", fields={"from": "Bo"}, body=body)])) == 1


def test_text_quality_tells_a_misread_text_layer_from_a_clean_one():
    from casefile.ingest.layout import text_quality
    clean = ["Hi Lesley, I will fax my application to you later on today (at 3:07 PM).",
             "From: Sarah <sarah@example.com>", "Thanks very much, Sarah"]
    misread = ["A Home Mail NeNS Sport Finance Celebnty Style Weat11e, Answ0ls Fhckr Mobile More ..,",
               "My South African numb<!r is,o if you could gel back to me t0< some reason, 08i 02/07",
               "To l.:-sley Groff 06/02/0 ial 0:3~ PM * Sa,al 1 Hon'.')(u n.::"]
    assert text_quality(clean)[0] >= 0.95
    assert text_quality(misread)[0] < 0.8
    assert text_quality([]) == (1.0, 0)


def test_a_screenshots_folder_list_is_a_side_column_but_a_label_column_is_not():
    from casefile.ingest.layout import side_column
    folders = ["Inbox (9999+)", "Drafts (7)", "Sent", "Archive", "Spam (123)", "Trash", "Smart views",
               "Important", "Unread", "Starred", "People", "Social"]
    mail = ("The good news is that I got your email. I am not sure what happened the first time but I "
            "think I must have deleted it by mistake")
    page = [seg(100 + 30 * i, 50, name) for i, name in enumerate(folders)]
    page += [seg(100 + 11 * i, 160, mail[:80]) for i in range(24)]
    side = side_column(page, 612, 792)
    assert side == set(range(len(folders)))
    # a printed mail page: its labels stand in a column of their own, but they are labels
    labels = [seg(100 + 40 * i, 72, lab) for i, lab in enumerate(["From:", "Sent:", "To:", "Cc:", "Subject:"] * 3)]
    values = [seg(100 + 40 * i, 160, "Philip Barden <pb@example.com> Friday, 9 January 2015") for i in range(15)]
    assert side_column(labels + values, 612, 792) == set()
    # a page whose lines run across any gutter has no side column
    prose = [seg(100 + 11 * i, 72, mail[:90]) for i in range(30)]
    assert side_column(prose, 612, 792) == set()


def test_webmail_screenshots_with_a_misread_text_layer_are_read_again(corpora):
    """Issue 27: exhibit 1331.34 (Yahoo mail screenshots with an old OCR's text layer) became one
    garbled message holding the folder list and other people's messages."""
    from casefile.ingest.pdf import ocr_available, parse_pdf
    if not ocr_available():
        pytest.skip("tesseract is not installed")
    data = (corpora / "pdf-court-exhibits-printed-emails" / "gov.uscourts.nysd.447706.1331.34.pdf").read_bytes()
    blob = parse_pdf(data, "1331.34.pdf")
    pdf = blob.documents[0]
    assert any("read again by OCR" in n for n in pdf.notes)
    page2 = pdf.text[pdf.pages[1]["start"]:pdf.pages[1]["end"]]
    assert "Inbox (9" not in page2 and "Drafts (7)" not in page2          # the folder list is gone
    assert "number is,o" not in page2 and "numb<!r" not in pdf.text         # the misread text layer is gone
    assert "Document 1331-34" not in pdf.text and pdf.citation["bates"][0] == "RANSOME_000006"
    sent = sorted(d.sent_at for d in blob.documents if d.kind == "printed-email" and d.sent_at)
    assert {"2007-02-08T09:01:00", "2007-02-09T15:07:00", "2007-02-12T11:22:00"} <= set(sent)
    # OCR lost the "PM" of `Sent: Thursday, February 15, 2007 4:07 PM`; the text layer's line keeps it
    assert "2007-02-15T16:07:00" in sent and "2007-02-15T04:07:00" not in sent
    # the webmail blocks are cut one by one, with their senders
    webmail = [d for d in blob.documents if d.kind == "printed-email" and "(webmail)" in (d.body_from or "")]
    assert len(webmail) >= 9 and "2007-02-08T14:43:00" in sent
    # Lesley Groff's reply on page 4 (`Lesley Gro‘ | [REDACTED] )`) is no longer part of Sarah's message
    sarah = [d for d in blob.documents if d.sent_at == "2007-02-09T15:07:00"]
    assert sarah and not any("what kind of visa" in d.text for d in sarah)


@pytest.mark.parametrize("value,name", [
    ("Sarah Ransome [mailto! [REDACTED]", "Sarah Ransome"),    # a redacted address after 'mailto'
    ("Sarah Ransome (mailto [REDACTED]", "Sarah Ransome"),
    ("Sarah Ransome < [REDACTED] a", "Sarah Ransome"),
    ("Sarah Ransome noi", "Sarah Ransome"),                    # OCR's scrap after the name
    ("Ross 60 <", "Ross"),
    ("Anna van der Berg", "Anna van der Berg"),
    ("Meier, Barry", "Meier, Barry"),
])
def test_ocr_debris_after_a_printed_name_is_dropped(value, name):
    """Issue 27: names read from the real exhibits came out as 'Sarah Ransome mailto', 'Sarah
    Ransome noi', 'Ross 60'."""
    from casefile.ingest.exhibit import parse_person
    assert parse_person(value)[0] == name


def test_webmail_screen_messages_are_cut_at_each_sender_line():
    """Issue 27: Yahoo mail printed as an exhibit has no From: labels; each message opens with
    the sender, the date and then `To <name>` (exhibit 1331.34, text as OCR reads it)."""
    text = """Re: FIT website (14) *

Sarah Ransome [REDACTED] 08/02/07 at 243 PM *
To Lesley Groff

I will fax my application to you later on today.
Sarah

Lesley Groff [REDACTED] 15/02/07 at 3:01 PM *
To Sarah Ransome

Hi, yes. of course. I will tell him to try you again.
"""
    msgs = split_chain([Line(t, 2) for t in text.splitlines()])[1]
    assert [(m.style, m.fields["to"]) for m in msgs] == [("webmail", "Lesley Groff"), ("webmail", "Sarah Ransome")]
    # 15/02/07 tells the screen writes the day first; OCR's lost colon is put back
    assert [parse_person(m.fields["from"])[0] for m in msgs] == ["Sarah Ransome", "Lesley Groff"]
    assert [parse_printed_date(m.fields["sent"])[0] for m in msgs] == ["2007-02-08T14:43:00", "2007-02-15T15:01:00"]
    assert "fax my application" in "\n".join(ln.text for ln in msgs[0].body)
    assert [m.fields.get("subject") for m in msgs] == ["Re: FIT website"] * 2     # the page's conversation title
    # a line of prose followed by "To ..." is not a header: the sender line must be a name
    assert split_chain([Line(t) for t in ["Please send this.", "To Lesley Groff"]])[1] == []


def test_an_exhibits_messages_are_listed_in_print_order():
    """`show <exhibit>` listed its 14 messages as printed:1, printed:10, printed:11, ..., printed:2."""
    from casefile.case import _natural
    assert sorted(["printed:10", "printed:2", "printed:1", "printed:11"], key=_natural) == \
        ["printed:1", "printed:2", "printed:10", "printed:11"]
