"""Articles, Word files and chat exports."""
import io
import json

from casefile.ingest.article import parse_html
from casefile.ingest.chat import is_whatsapp, parse_whatsapp
from casefile.ingest.documents import parse_docx
from casefile.sample import sample_dir


def test_news_article_main_text_and_metadata():
    path = sample_dir() / "press" / "hafenblatt-2016-06-16-nordhafen.html"
    doc = parse_html(path.read_bytes(), path.name).documents[0]
    assert doc.kind == "article" and doc.lang == "de"
    assert doc.title.startswith("Streit bei Nordhafen Robotics") and doc.from_name == "Jana Petersen"
    assert doc.sent_at == "2016-06-16" and doc.meta["sitename"] == "Hafenblatt"
    assert "„Ich lasse mich nicht erpressen.“" in doc.text
    for boilerplate in ("Meistgelesen", "Impressum", "Cookies", "do-not-run", "Abo"):
        assert boilerplate not in doc.text


def test_html_that_is_not_an_article_is_still_read():
    doc = parse_html(b"<html><body><p>Kurz: Termin am Montag.</p><script>alert(1)</script></body></html>",
                     "x.html").documents[0]
    assert doc.kind == "html" and "Termin am Montag" in doc.text and "alert" not in doc.text


def test_whatsapp_android_and_ios_exports():
    ios = (sample_dir() / "whatsapp-lena-priya.txt").read_text(encoding="utf-8")
    assert is_whatsapp(ios)
    docs = parse_whatsapp(ios, "chat.txt")
    assert [d.from_name for d in docs] == ["Priya Raman", "Lena Berg", "Priya Raman", "Lena Berg", "Priya Raman"]
    assert docs[3].sent_at == "2016-05-21T08:15:48" and docs[3].date_flag == "no-timezone"
    assert docs[3].text.endswith("Wir brauchen eine andere Lösung.")          # a message over two lines
    assert docs[3].citation == {"file": "chat.txt", "lines": [4, 5]}
    android = ("31/05/2016, 22:14 - Messages and calls are end-to-end encrypted.\n"
               "31/05/2016, 22:15 - Daniel Okafor: I resigned today.\n"
               "31/05/2016, 22:16 - Lena Berg: Ich habe es gelesen.\n"
               "01/06/2016, 08:00 - Daniel Okafor: Talk to my lawyer.\n")
    docs = parse_whatsapp(android, "a.txt")
    assert [(d.from_name, d.sent_at) for d in docs] == [
        ("Daniel Okafor", "2016-05-31T22:15:00"), ("Lena Berg", "2016-05-31T22:16:00"),
        ("Daniel Okafor", "2016-06-01T08:00:00")]
    assert not is_whatsapp("Dear Lena,\n\n31/05/2016, 22:15 - the date\nof the meeting")


def test_slack_export_folder(case, tmp_path):
    export = tmp_path / "slack"
    (export / "founders").mkdir(parents=True)
    (export / "users.json").write_text(json.dumps([{"id": "U1", "real_name": "Lena Berg"},
                                                   {"id": "U2", "profile": {"real_name": "Daniel Okafor"}}]))
    (export / "founders" / "2016-05-02.json").write_text(json.dumps([
        {"type": "message", "user": "U2", "text": "This is my last offer.", "ts": "1462225620.000100"},
        {"type": "message", "subtype": "channel_join", "user": "U1", "text": "joined", "ts": "1462225000.0"},
        {"type": "message", "user": "U1", "text": "Ich lasse mich nicht erpressen.", "ts": "1462544400.000200"}]))
    case.ingest([export])
    chats = case.documents(kind="chat")
    assert [(d["from"]["name"], d["sent_at"]) for d in chats] == [
        ("Daniel Okafor", "2016-05-02T21:47:00Z"), ("Lena Berg", "2016-05-06T14:20:00Z")]
    assert chats[0]["meta"]["channel"] == "founders"


def test_docx_text_tables_and_printed_chain():
    import docx
    d = docx.Document()
    d.core_properties.author = "Dr. Jonas Weber"
    d.add_paragraph("Abschrift der E-Mail-Korrespondenz")
    d.add_paragraph("Von: Lena Berg")
    d.add_paragraph("Gesendet: Mittwoch, 13. April 2016 14:30")
    d.add_paragraph("An: Dr. Jonas Weber")
    d.add_paragraph("Betreff: Frage zur Pattsituation")
    d.add_paragraph("")
    d.add_paragraph("Was sieht unsere Gesellschaftervereinbarung vor?")
    t = d.add_table(rows=1, cols=2)
    t.rows[0].cells[0].text = "Anteil Berg"
    t.rows[0].cells[1].text = "50 %"
    buf = io.BytesIO()
    d.save(buf)
    blob = parse_docx(buf.getvalue(), "abschrift.docx")
    main, printed = blob.documents
    assert main.kind == "docx" and main.from_name == "Dr. Jonas Weber"
    assert "Anteil Berg | 50 %" in main.text
    assert printed.kind == "printed-email" and printed.from_name == "Lena Berg"
    assert printed.sent_at == "2016-04-13T14:30:00" and printed.to[0]["name"] == "Dr. Jonas Weber"
