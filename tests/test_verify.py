"""Checking an article against the sources (verify/, first cut): the sample case's two articles."""
import pytest

from casefile import Case
from casefile.errors import UserError
from casefile.sample import sample_dir

PRESS = sample_dir() / "press"


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    c = Case.create(tmp_path_factory.mktemp("verify") / "sample")
    c.ingest([sample_dir()])
    yield c
    c.close()


def quotes(res):
    return {v["claim"]["quote"]: v for v in res["verdicts"] if v["claim"]["kind"] == "quote"}


def test_quotes_of_the_german_article_misattributed_and_supported(sample):
    res = sample.verify(PRESS / "hafenblatt-2016-06-16-nordhafen.html")
    q = quotes(res)
    wrong = q["Den Vorstandssitz für Halvard halte ich für vertretbar"]
    assert wrong["verdict"] == "misattributed" and wrong["source"]["document"]["from"]["name"] == "Lena Berg"
    assert any(c["name"] == "speaker" and c["result"] == "differ" for c in wrong["checks"])
    right = q["Ich lasse mich nicht erpressen."]
    assert right["verdict"] == "supported" and right["claim"]["speaker"] == "Berg"
    assert sum(res["summary"].values()) == res["claims"] == len(res["verdicts"])


def test_quotes_of_the_english_article_shortened_and_invented(sample):
    res = sample.verify(PRESS / "northern-tech-review-2016-06-20.html")
    q = quotes(res)
    short = q["A board seat plus a budget veto means Halvard controls the company,"]
    assert short["verdict"] == "supported" and short["claim"]["speaker"] == "Daniel Okafor"
    assert short["source"]["citation"]["file"].endswith("01-re-halvard-term-sheet.eml")
    assert q["accept the offer at any price"]["verdict"] == "not_in_sources"
    offer = [v for v in res["verdicts"] if "EUR 12 million" in v["claim"]["text"]][0]
    assert offer["verdict"] == "supported"
    assert {c["name"]: c["result"] for c in offer["checks"]}["amounts"] == "agree"


def test_a_changed_amount_is_caught_by_the_amount_check(sample, tmp_path):
    art = tmp_path / "a.txt"
    art.write_text("Halvard Ventures offered EUR 6 million at a pre-money valuation of EUR 12 million in March.\n")
    v = sample.verify(art)["verdicts"][0]
    assert v["verdict"] == "contradicted" and "6,000,000 EUR" in v["reason"]


def test_bad_input_gets_one_sentence(sample, tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    with pytest.raises(UserError):
        sample.verify(empty)
    binary = tmp_path / "x.bin"
    binary.write_bytes(bytes(range(256)) * 40)
    with pytest.raises(UserError):
        sample.verify(binary)
    with pytest.raises(UserError, match="No such file"):
        sample.verify(tmp_path / "missing.html")
    calm = tmp_path / "calm.txt"
    calm.write_text("The weather was fine and everyone went home early.\n")
    res = sample.verify(calm)
    assert res["claims"] == 0 and "no checkable claims" in res["message"]
    with Case.create(tmp_path / "nothing") as c:
        with pytest.raises(UserError, match="no source documents"):
            c.verify(calm)


def test_cli_verify_json_and_markdown_escape_the_text(sample, cli, tmp_path):
    root = sample.root
    res = cli.json("verify", PRESS / "northern-tech-review-2016-06-20.html", "--case", root)
    assert res["claims"] >= 5
    art = tmp_path / "evil.txt"
    art.write_text('Lena Berg wrote: "<script>alert(1)</script> [click](http://evil.example) the board seat is fine".\n')
    md = cli("verify", art, "--format", "md", "--case", root).output
    assert "<script>" not in md and "](http" not in md


def test_html_report_is_self_contained_escaped_and_highlights_differences(sample, cli, tmp_path):
    from html.parser import HTMLParser
    root = sample.root
    art = tmp_path / "evil.txt"
    art.write_text('Okafor wrote to Raman: "I have agreed to the board seat."\n'
                   'Lena Berg wrote: "<script>alert(1)</script><img src=http://evil.example/x> the board seat is fine".\n')
    page = cli("verify", art, "--format", "html", "--case", root).output

    class Tags(HTMLParser):
        def __init__(self):
            super().__init__()
            self.tags, self.attrs, self.marks = [], [], []
            self._in_mark = False

        def handle_starttag(self, tag, attrs):
            self.tags.append(tag)
            self.attrs += [a for a, _ in attrs]
            self._in_mark = tag == "mark"

        def handle_endtag(self, tag):
            self._in_mark = False

        def handle_data(self, data):
            if self._in_mark:
                self.marks.append(data)

    t = Tags()
    t.feed(page)
    assert "script" not in t.tags and "img" not in t.tags and "a" not in t.tags
    assert not {"src", "href", "onerror", "onload"} & set(t.attrs)
    assert "default-src 'none'" in page and "&lt;script&gt;" in page
    assert "misquoted" in page and "contradicted" in page          # the summary counts every verdict
    # the source's "not", which the misquote dropped, is highlighted
    assert any("not" in m.split() for m in t.marks)
    # and in a real browser (Debian's chromium): nothing runs, nothing is fetched, the text shows
    from playwright.sync_api import sync_playwright
    report = tmp_path / "report.html"
    report.write_text(page, encoding="utf-8")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                                    args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        tab = browser.new_page()
        requests, dialogs = [], []
        tab.on("request", lambda r: requests.append(r.url))
        tab.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        tab.goto(report.as_uri())
        assert requests == [report.as_uri()] and dialogs == []
        assert tab.locator("img, script").count() == 0
        assert "<script>alert(1)</script>" in tab.locator("body").inner_text()
        browser.close()


RELATIVE = ("Nordhafen einigt sich mit Okafor\n"
            "Am 5. Juli verlangte Okafors Anwalt Felix Brandt 1,5 Millionen Euro für die Anteile.\n"
            "Drei Wochen später bot Berg 600.000 Euro für Okafors Anteile.\n"
            "Am Montag teilte Berg dem Team mit, dass Priya Raman in den Beirat einzieht.\n")


def _by_start(res, words):
    return next(v for v in res["verdicts"] if v["claim"]["text"].startswith(words))


def test_relative_dates_count_from_the_given_publication_day_and_the_date_before(sample, cli, tmp_path):
    art = tmp_path / "relative.txt"
    art.write_text(RELATIVE)
    res = cli.json("verify", art, "--published", "2016-08-25", "--case", sample.root)
    assert res["published"] == "2016-08-25"
    monday = _by_start(res, "Am Montag")
    assert monday["claim"]["when"][0]["lo"] == "2016-08-22"
    assert monday["verdict"] == "supported"
    assert any(c["name"] == "dates" and c["result"] == "agree" for c in monday["checks"])
    later = _by_start(res, "Drei Wochen später")
    assert later["claim"]["when"][0]["lo"] == "2016-07-23" and later["claim"]["when"][0]["hi"] == "2016-07-29"
    assert later["verdict"] == "contradicted"          # the offer was made 3 days later, on 8 July
    assert any(c["name"] == "dates" and c["result"] == "differ" for c in later["checks"])
    # without a publication date "am Montag" is left unresolved and unchecked
    res = sample.verify(art)
    assert res["published"] is None and _by_start(res, "Am Montag")["claim"]["when"] == []
    md = cli("verify", art, "--published", "2016-08-25", "--format", "md", "--case", sample.root).output
    md = md.replace("\\", "")                         # Markdown escapes
    assert "Published 2016-08-25" in md and "'Drei Wochen später' = 2016-07-23..2016-07-29" in md
    bad = cli("verify", art, "--published", "25.08.2016", "--case", sample.root, ok=False)
    assert bad.exit_code != 0 and "not a date" in bad.output and "Traceback" not in bad.output


def test_articles_as_pdf_and_docx_are_read_and_checked(sample, tmp_path):
    import docx
    from fpdf import FPDF
    from casefile.timeline.render import _font
    lines = RELATIVE.splitlines()
    d = docx.Document()
    d.core_properties.title = lines[0]
    for line in lines[1:]:
        d.add_paragraph(line)
    d.save(tmp_path / "relative.docx")
    pdf = FPDF()
    regular, _ = _font()
    pdf.add_font("DejaVu", "", regular)
    pdf.set_font("DejaVu", size=11)
    pdf.add_page()
    for line in lines:
        pdf.multi_cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(tmp_path / "relative.pdf"))
    for name in ("relative.docx", "relative.pdf"):
        res = sample.verify(tmp_path / name, published="2016-08-25")
        assert _by_start(res, "Am Montag")["verdict"] == "supported", name
        assert _by_start(res, "Drei Wochen später")["verdict"] == "contradicted", name
        assert _by_start(res, "Am 5. Juli")["source"]["document"]["from"]["name"] == "Dr. Felix Brandt", name


def _source(doc, text, sent_at, score, sender="Jim Quinlan"):
    return {"document": {"id": doc, "from": {"name": sender, "addr": None}, "sent_at": sent_at},
            "span": {"text": text, "start": 0}, "passage": {"text": text, "start": 0}, "score": score,
            "cosine": score, "alignment": []}


def test_a_date_another_close_source_agrees_on_is_no_contradiction():
    # the blind lists dev half: "posted a second version … on Tuesday" held against the first
    # version's cover letter, sent two weeks before, while the second's (sent that Tuesday) was close
    from datetime import date

    from casefile.verify import claims, verdict
    claim = claims.extract("Quinlan posted the second version of the controller series on Tuesday.",
                           ["Jim Quinlan"], published=date(2017, 10, 26))[0]
    first = _source("v1", "This patch series adds support for the PCIe host controller.", "2017-10-11T22:34:20Z", 0.8)
    second = _source("v2", "This patch series adds support for the PCIe host controller.", "2017-10-24T21:15:14Z", 0.75)
    assert verdict.decide(claim, [first]).label == "contradicted"
    assert verdict.decide(claim, [first, second]).label != "contradicted"


def test_a_quote_given_to_the_wrong_person_is_misattributed_even_if_reworded(sample):
    # LABELLING.md: misquoted is a quote given to the right person; the words of another are misattributed
    from casefile.verify.article import verify
    res = verify(sample, "„Ich lasse mich erpressen“, sagte Daniel Okafor am Montag.")
    got = quotes(res)["Ich lasse mich erpressen"]
    assert got["verdict"] == "misattributed", got["reason"]


def test_a_translated_quote_is_compared_with_each_sentence_near_its_match():
    from casefile.verify import verdict
    text = ("You report a 33K delta.  I would imagine that you're\nbuilding a small kernel, but that's still only "
            "about 3% bloat.  Undesirable, but\nnot catastrophic.\n\nIf we want to do something about this, fine.")
    s = {"span": {"text": text[:text.index("Undesirable")].rstrip(), "start": 100},
         "context": {"text": text, "start": 100}, "passage": {"text": text, "start": 100}}
    near = verdict.nearby_sentences(s)
    assert "Undesirable, but not catastrophic." in near and "You report a 33K delta." in near
    assert all("\n" not in x for x in near)
