"""The briefing and the exports of the account: every sentence cited in both languages, the
optional rewrite dropping what its citations do not back, each export loaded by the tool or
schema it is made for, and the HTML page driven in a real browser (Debian's chromium)."""
import csv
import http.server
import io
import json
import re
import threading
from datetime import datetime
from pathlib import Path

import jsonschema
import pytest
from followthemoney import model as ftm_model
from pypdf import PdfReader

from casefile import Case
from casefile.sample import sample_dir
from casefile.timeline import brief as br
from casefile.timeline import render
from casefile.timeline.export import to_ftm, to_timelinejs, to_timesketch

CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    c = Case.create(tmp_path_factory.mktemp("brief") / "case")
    c.ingest([sample_dir()], workers=1)
    yield c
    c.close()


@pytest.mark.parametrize("lang", ["de", "en"])
def test_every_sentence_of_the_brief_is_backed_by_its_citations(sample, lang):
    b = sample.brief(lang)
    assert [s.key for s in b.sections] == ["about", "chronology", "points", "outlook", "summary"]
    sentences = b.all_sentences()
    assert len(sentences) >= 25 and all(s.cites for s in sentences)
    assert br.check_brief(b, sample.db) == []
    for s in sentences:                     # the quoted words are the source's own, in its language
        for q in s.quotes:
            spans = [" ".join(b.sources[i]["text"].split()) for i in s.cites]
            assert any(q.rstrip(" …") in x for x in spans)
    text = render.markdown(b)
    assert ("Streitpunkte" if lang == "de" else "Points of contention") in text
    assert "I resign as managing director" in text          # an English quote stays English in both
    assert "ich lasse mich nicht erpressen" in text          # a German one stays German in both
    months = ("Mai", "Juli") if lang == "de" else ("May", "July")
    assert all(m in text for m in months)


def test_the_check_catches_what_a_citation_does_not_back(sample):
    b = sample.brief("en")
    s = next(x for x in b.sections[1].sentences if "resign" in x.text)
    texts, days = br._doc_rows(sample.db, {x["doc_id"] for x in b.sources})

    def problems(text, cites=s.cites):
        return br.check(text, cites, b.sources, texts, days)
    assert problems(s.text) == []
    assert problems(s.text.replace("I resign", "I never resign"))             # words not in the source
    assert problems("Okafor asked for EUR 7 million. ")                       # a number nobody wrote
    assert problems(s.text, []) == ["no citation"]
    assert problems(s.text, [len(b.sources) + 3])                            # a citation that does not exist


class _FakeLLM(http.server.BaseHTTPRequestHandler):
    """An OpenAI-compatible endpoint on loopback: it answers with a rewrite in which one sentence
    is backed, one has no citation, one invents a number and one misquotes its source."""
    asked: list = []

    def do_POST(self):  # noqa: N802 - http.server's name
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        _FakeLLM.asked.append(body)
        notes = body["messages"][1]["content"]
        first = notes.splitlines()[0]
        marker = re.findall(r"\[\d+\]", first)[0]
        quote = re.findall(r"“([^”]+)”|„([^“]+)“", notes)
        q = next((a or b for a, b in quote), "")
        text = (f"In short, the founders disagreed. {marker} "
                f"Nobody cites this sentence. "
                f"They argued over 17 million euros. {marker} "
                f"One side wrote “{q} and much more besides”. {marker}")
        out = json.dumps({"choices": [{"message": {"role": "assistant", "content": text}}]}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(out)))
        self.end_headers()
        self.wfile.write(out)

    def log_message(self, *a):
        pass


def test_rewrite_keeps_only_sentences_its_citations_back(sample, cli):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _FakeLLM)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}/v1"
    try:
        b = sample.brief("en", rewrite=(url, "any-model"))
        assert b.rewritten and _FakeLLM.asked[0]["model"] == "any-model"
        about = b.sections[0].sentences
        assert [s.text for s in about] == ["In short, the founders disagreed."]
        assert b.dropped >= 3 * (1 + len(b.sections[2].groups))          # per rewritten block: 3 of 4 dropped
        assert br.check_brief(b, sample.db) == []
        out = cli("brief", "--case", sample.root, "--rewrite-url", url, "--rewrite-model", "m", "--format", "md")
        assert "sentence(s) without a resolving citation were dropped" in out.output
    finally:
        server.shutdown()
    bad = cli("brief", "--case", sample.root, "--rewrite-url", "http://127.0.0.1:9/v1", "--rewrite-model", "m",
              ok=False)
    assert bad.exit_code == 2 and "did not answer" in bad.stderr and "Traceback" not in bad.stderr


def test_brief_formats_and_mistakes(sample, cli, tmp_path):
    pdf = tmp_path / "brief.pdf"
    cli("brief", "--case", sample.root, "--lang", "de", "--format", "pdf", "--out", pdf)
    text = " ".join(p.extract_text() for p in PdfReader(pdf).pages)
    assert "Briefing: Lena Berg und Daniel Okafor" in text and "Streitpunkte" in text and "erpressen" in text
    data = json.loads(cli("brief", "--case", sample.root, "--format", "json").output)
    assert data["sources"] and all(s["citations"] for sec in data["sections"] for s in sec["sentences"])
    nopdf = cli("brief", "--case", sample.root, "--format", "pdf", ok=False)
    assert nopdf.exit_code == 2 and "--out" in nopdf.stderr
    empty = cli("brief", "--case", tmp_path / "nothing", ok=False)
    assert empty.exit_code == 2 and "Traceback" not in empty.stderr


TIMELINEJS_SCHEMA = {
    # Knight Lab TimelineJS3's JSON format (timeline.knightlab.com/docs/json-format.html): events
    # need a start_date with a year; dates are numbers or numeric strings; text has headline/text.
    "type": "object", "required": ["events"],
    "properties": {
        "title": {"type": "object", "properties": {"text": {"$ref": "#/$defs/text"}}},
        "events": {"type": "array", "minItems": 1, "items": {
            "type": "object", "required": ["start_date"],
            "properties": {"start_date": {"$ref": "#/$defs/date"}, "end_date": {"$ref": "#/$defs/date"},
                           "text": {"$ref": "#/$defs/text"}, "group": {"type": "string"},
                           "unique_id": {"type": "string", "pattern": "^[A-Za-z0-9_-]+$"}}}}},
    "$defs": {
        "num": {"type": "string", "pattern": "^-?[0-9]+$"},
        "date": {"type": "object", "required": ["year"],
                 "properties": {"year": {"$ref": "#/$defs/num"}, "month": {"$ref": "#/$defs/num"},
                                "day": {"$ref": "#/$defs/num"}}},
        "text": {"type": "object", "properties": {"headline": {"type": "string"}, "text": {"type": "string"}}}},
}


def test_exports_load_in_their_tools(sample, cli, tmp_path):
    res = sample.timeline(top=None)
    n = len(res["events"])
    rows = list(csv.DictReader(io.StringIO(cli("timeline", "--case", sample.root, "--top", "0", "--format", "csv").output)))
    assert len(rows) == n and rows[0]["date"] and rows[0]["doc_id"]
    tl = to_timelinejs(res)
    jsonschema.validate(tl, TIMELINEJS_SCHEMA)
    assert len(tl["events"]) == n and len({e["unique_id"] for e in tl["events"]}) == n
    lines = to_timesketch(res).splitlines()
    assert len(lines) == n
    for line in lines:                                # Timesketch's JSONL importer needs these three
        row = json.loads(line)
        assert row["message"] and row["timestamp_desc"]
        assert datetime.fromisoformat(row["datetime"].replace("Z", "+00:00")).tzinfo is not None
    entities = [json.loads(x) for x in to_ftm(res).splitlines()]
    ids = {e["id"] for e in entities}
    for e in entities:                                # FollowTheMoney's own schema validation
        schema = ftm_model.get(e["schema"])
        schema.validate(e)
        proxy = ftm_model.get_proxy(e)
        for ref in proxy.get("involved", quiet=True):
            assert ref in ids
    assert sum(e["schema"] == "Event" for e in entities) == n
    out = tmp_path / "tl.json"
    cli("timeline", "--case", sample.root, "--format", "timelinejs", "--out", out)
    jsonschema.validate(json.loads(out.read_text()), TIMELINEJS_SCHEMA)


def test_timelinejs_escapes_source_text():
    hostile = {"events": [{"date": "2016-05-31", "precision": "day", "kind": "message", "act": "refusal",
                           "description": "<img src=x onerror=alert(1)>", "actors": [{"id": "p", "name": "<b>X</b>"}],
                           "citations": []}], "between": None}
    tl = json.dumps(to_timelinejs(hostile))
    assert "<img" not in tl and "<b>" not in tl and "&lt;img" in tl


def _browser(p):
    assert CHROMIUM.exists(), "Debian's chromium is needed (scripts/install-system.sh installs it)"
    return p.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                             args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                                   "--disable-background-networking", "--disable-component-update", "--disable-sync"])


def test_html_brief_works_offline_in_a_browser_and_never_runs_source_text(sample, tmp_path):
    from playwright.sync_api import sync_playwright
    b = sample.brief("en")
    events = sample.timeline(top=None)["events"]
    hostile = dict(events[0], description='</script><script>window.pwned=1</script><img src="http://example.invalid/x" '
                                           'onerror="window.pwned=2">', act="refusal")
    b.sections[1].sentences[0].text = '<img src=x onerror="window.pwned=3">'
    page_file = tmp_path / "brief.html"
    page_file.write_text(render.html_page(b, events + [hostile]), encoding="utf-8")
    with sync_playwright() as p:
        browser = _browser(p)
        page = browser.new_page()
        requests, problems = [], []
        page.on("request", lambda r: requests.append(r.url))
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.goto(page_file.as_uri())
        page.wait_for_selector("#timeline .ev")
        total = len(events) + 1
        assert page.locator("#timeline .ev").count() == total
        assert page.evaluate("window.pwned") is None
        assert page.locator("img").count() == 0
        assert requests == [page_file.as_uri()] and problems == []
        page.fill("#q", "resign")                         # search filters the timeline
        shown = page.locator("#timeline .ev").count()
        assert 0 < shown < total
        assert all("resign" in t.lower() for t in page.locator("#timeline .ev").all_inner_texts())
        page.fill("#q", "")
        page.select_option("#act", "refusal")
        acts = page.locator("#timeline .ev .a").all_inner_texts()
        assert acts and set(acts) == {"refusal"}
        assert "window.pwned=1" in page.locator("#timeline").inner_text()     # shown as text, not run
        assert page.locator("#s1").count() == 1 and page.locator("sup a").count() >= 25
        browser.close()
