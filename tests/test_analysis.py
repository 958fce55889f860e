"""Duplicates, threads and people: the pure decisions, then the stage on real cases."""
import csv
import io
import json
import xml.etree.ElementTree as ET

import pytest
from hypothesis import given, settings, strategies as st

from casefile import Case
from casefile.analyze import dedupe, people, threads
from casefile.analyze.dedupe import Msg
from casefile.analyze.features import closing_name, greeting_name, jaccard, normal_words, sketch
from casefile.sample import sample_dir


# ---------------------------------------------------------------- features
def test_normal_words_ignore_quotes_redactions_case_accents_and_wraps():
    a = normal_words("Wir müssen über die\nAnteile reden.\n> alte Nachricht\n[REDACTED] Lena")
    b = normal_words("wir MUSSEN uber die Anteile\nreden. Lena")
    assert a == b == ["wir", "mussen", "uber", "die", "anteile", "reden", "lena"]


def test_sketch_similarity_tracks_shared_words():
    base = "the option to move to fifty one percent is not acceptable to us it would hand you control".split()
    noisy = list(base)
    noisy[3] = "rnove"                                    # an OCR slip
    other = "thank you for the call we will send the revised draft of the shareholder agreement".split()
    assert jaccard(sketch(base), sketch(base)) == 1.0
    assert jaccard(sketch(base), sketch(noisy)) >= 0.6
    assert jaccard(sketch(base), sketch(other)) < 0.2
    assert sketch([]) is None


@pytest.mark.parametrize("text,name", [
    ("Hi Lena,\n\nthanks", "Lena"), ("Liebe Lena,\nwir", "Lena"), ("Sehr geehrte Frau Berg,\n\nanbei", "Frau Berg"),
    ("Dear Ms Wolff,\nplease", "Ms Wolff"), ("Hi all,\nplease", None), ("Lena,\nno.", None),
    ("Hallo zusammen,\n", None)])
def test_greeting_name(text, name):
    assert greeting_name(text) == name


@pytest.mark.parametrize("text,name", [
    ("text\n\nBest,\nLena", "Lena"), ("text\n\nViele Grüße\nJana", "Jana"), ("ok\n\nBest regards,\nDr. Jana Wolff",
                                                                               "Dr. Jana Wolff"),
    ("text\nCheers, Dan", "Dan"), ("text\n\nThanks for the quick reply, I will call you tomorrow.", None),
    ("text without closing\nLena", None)])
def test_closing_name(text, name):
    assert closing_name(text) == name


# ---------------------------------------------------------------- people
def test_name_forms_normalise_to_one_key():
    keys = {people.parse_name(x).key for x in ("Lena Berg", "Berg, Lena", "Dr. Lena Berg", "LENA BERG",
                                                "Lena M. Berg", '"Berg, Lena"')}
    assert keys == {"lena berg"}
    assert people.parse_name("L. Berg").kind == "initial"
    assert people.parse_name("Frau Berg").kind == "surname"
    assert people.parse_name("lena").kind == "first"
    assert people.parse_name("Jürgen Weiß").key == people.parse_name("Juergen Weiss").key
    for not_a_name in ("lena@nordhafen.de", "undisclosed-recipients", "", None):
        assert people.parse_name(not_a_name) is None


def _resolve(mentions, decisions=()):
    ps, by = people.resolve([people.Mention(*m) for m in mentions], list(decisions))
    return ps, {i: pid for i, pid in enumerate(by) if pid is not None}


def test_five_name_forms_are_one_person_and_a_second_lena_stays_apart():
    ms = [("d1", "from", "Lena Berg", "lena.berg@nh.example"), ("d2", "from", "Berg, Lena", "lena.berg@nh.example"),
          ("d3", "from", "lena", "lberg@home.example"), ("d4", "from", "L. Berg", None),
          ("d5", "from", "Dr. Lena Berg", None), ("d6", "from", "Lena Hoffmann", "lena.hoffmann@bank.example"),
          ("d7", "from", "Lena", None)]
    ps, by = _resolve(ms)
    berg = {by[i] for i in range(5)}
    assert len(berg) == 1
    assert by[5] not in berg
    assert by[6] not in berg and by[6] != by[5]            # "Lena" fits two people: kept apart
    lena = next(p for p in ps if p.id in berg)
    assert lena.name == "Lena Berg"
    reasons = {a.key: a.reason for a in lena.aliases}
    assert "spells the name" in reasons["a:lberg@home.example"]
    assert "fits only" in reasons["n:l berg"]


def test_a_shared_mailbox_does_not_join_the_people_writing_from_it():
    ms = [("d1", "from", "Anna Schmidt", "board@co.example"), ("d2", "from", "Peter Maier", "board@co.example"),
          ("d3", "from", "Karl Huber", "board@co.example"), ("d4", "from", "Anna Schmidt", "anna@co.example"),
          ("d5", "from", "Peter Maier", "peter@co.example")]
    _, by = _resolve(ms)
    assert by[3] != by[4]


def test_user_decisions_merge_split_rename():
    ms = [("d1", "from", "Daniel Okafor", "d.okafor@nh.example"), ("d2", "from", "Dan", "dan77@mail.example"),
          ("d3", "from", "Priya Raman", "priya@halvard.example")]
    ps, by = _resolve(ms)
    assert by[0] != by[1]
    merge = people.Decision("merge", ["a:d.okafor@nh.example", "a:dan77@mail.example"])
    ps, by = _resolve(ms, [merge])
    assert by[0] == by[1]
    split = people.Decision("split", ["a:dan77@mail.example"])
    _, by = _resolve(ms, [merge, split])                   # a later split undoes the merge
    assert by[0] != by[1]
    rename = people.Decision("rename", ["a:priya@halvard.example"], "Priya R. (Halvard)")
    ps, by = _resolve(ms, [rename])
    assert next(p for p in ps if p.id == by[2]).name == "Priya R. (Halvard)"


def test_a_merge_of_weak_names_takes_effect():
    """Issue 27: `people merge "G Maxwell" "Gmax" gmaxl@ellmax.com "G Max"` printed "Merged" but
    the names without an address (an initial, a first name alone) stayed separate."""
    ms = [("d1", "from", "G Maxwell", ""), ("d2", "to", "Gmax", ""), ("d3", "from", "", "gmaxl@ellmax.example"),
          ("d4", "to", "G Max", ""), ("d5", "from", "Ross Gow", "ross@acuity.example")]
    _, by = _resolve(ms)
    assert len({by[0], by[1], by[2], by[3]}) > 1
    merge = people.Decision("merge", ["n:g maxwell", "n:gmax", "a:gmaxl@ellmax.example", "n:g max"])
    _, by = _resolve(ms, [merge])
    assert by[0] == by[1] == by[2] == by[3] != by[4]


# ---------------------------------------------------------------- duplicates
def _msg(id, kind="email", text="", **kw):
    words = normal_words(text)
    return Msg(id=id, kind=kind, sketch=sketch(words), words=len(words), **kw)


BODY = ("wir müssen über die Anteile reden. Du hältst 50 Prozent, ich halte 50 Prozent, bei jeder "
        "Meinungsverschiedenheit blockieren wir uns gegenseitig.")


def test_copies_of_one_message_across_formats_group_with_reasons():
    msgs = [
        _msg("a", text=BODY, message_id="x@y", from_addr="lena@nh.example", from_name="Lena Berg",
             sent_at="2016-04-11T19:15:00Z", subject="Stimmrechte"),
        _msg("b", text=BODY, message_id="x@y", from_addr="lena@nh.example", sent_at="2016-04-11T19:15:00Z"),
        _msg("c", "printed-email", BODY.replace("Prozent", "Prozcnt", 1), from_name="Berg, Lena",
             sent_at="2016-04-11T21:15:00", date_flag="no-timezone", subject="Stimmrechte"),
        _msg("d", "quoted-email", BODY, from_name="Lena Berg", sent_at="2016-04-11T21:15:00",
             date_flag="no-timezone", derived_from="e"),
        _msg("e", text="Nein. Fifty-fifty bleibt.", message_id="z@y", from_addr="d@nh.example",
             sent_at="2016-04-12T06:00:00Z", subject="Re: Stimmrechte"),
    ]
    out = {c.doc_id: c for c in dedupe.group(msgs)}
    assert set(out) == {"a", "b", "c", "d"}
    assert {c.group_id for c in out.values()} == {"a"} and out["a"].canonical
    assert out["b"].reason == "same Message-ID"
    assert out["c"].reason.startswith("near-identical text")


def test_short_bodies_need_sender_time_and_subject_to_agree():
    ok1 = _msg("1", text="ok", message_id="1@x", from_addr="t@k.example", sent_at="2017-05-16T06:05:00Z",
               subject="AW: Stimmrechte")
    ok2 = _msg("2", text="ok", message_id="2@x", from_addr="t@k.example", sent_at="2017-05-19T12:41:00Z",
               subject="AW: Stimmrechte")
    undated = _msg("3", "printed-email", "ok", from_name="Tobias Klein", subject="AW: Stimmrechte")
    other = _msg("4", text="ok", message_id="4@x", from_addr="f@k.example", sent_at="2017-05-16T06:05:00Z",
                 subject="AW: Stimmrechte")
    assert dedupe.group([ok1, ok2, undated, other]) == []
    printed = _msg("5", "printed-email", "ok", from_addr="t@k.example", sent_at="2017-05-16T08:05:00",
                   date_flag="no-timezone", subject="AW: Stimmrechte")
    assert {c.doc_id for c in dedupe.group([ok1, ok2, printed])} == {"1", "5"}


def test_different_message_ids_need_the_same_text_sender_and_time():
    text = BODY + " Bitte bestätige bis Freitag."
    a = _msg("a", text=text, message_id="a@x", from_addr="j@k.example", sent_at="2017-06-14T16:00:00Z",
             subject="Signing date")
    copy = _msg("b", text=text, message_id="b@archive", from_addr="j@k.example", sent_at="2017-06-14T16:00:00Z",
                subject="Signing date")
    resend = _msg("c", text=text.replace("Freitag", "heute"), message_id="c@x", from_addr="j@k.example",
                  sent_at="2017-06-16T09:00:00Z", subject="Signing date")
    got = dedupe.group([a, copy, resend])
    assert {c.doc_id for c in got} == {"a", "b"}
    assert "different Message-IDs" in next(c for c in got if c.doc_id == "b").reason


def test_dates_agree_across_a_printed_zone_shift_but_not_otherwise():
    utc = Msg("a", "email", sent_at="2016-04-11T19:15:00Z")
    assert dedupe.dates_agree(utc, Msg("b", "printed-email", sent_at="2016-04-11T21:15:00", date_flag="no-timezone"))
    assert dedupe.dates_agree(utc, Msg("b", "printed-email", sent_at="2016-04-11T14:45:00", date_flag="no-timezone"))
    assert not dedupe.dates_agree(utc, Msg("b", "printed-email", sent_at="2016-04-11T21:32:00",
                                           date_flag="no-timezone"))
    assert dedupe.dates_agree(utc, Msg("b", "printed-email", sent_at="2016-04-12", date_flag="date-only"))
    assert dedupe.dates_agree(utc, Msg("b", "email", date_flag="missing")) is None


# ---------------------------------------------------------------- threads
def test_jwz_ghost_parents_and_loops():
    msgs = [Msg("r1", "email", message_id="r1@x", in_reply_to="lost@x", refs=["lost@x"], sent_at="2017-01-02T00:00:00Z"),
            Msg("r2", "email", message_id="r2@x", in_reply_to="lost@x", sent_at="2017-01-03T00:00:00Z"),
            Msg("r3", "email", message_id="r3@x", refs=["lost@x", "r1@x"], sent_at="2017-01-04T00:00:00Z"),
            Msg("a", "email", message_id="a@x", in_reply_to="b@x", sent_at="2017-02-01T00:00:00Z"),
            Msg("b", "email", message_id="b@x", in_reply_to="a@x", sent_at="2017-02-02T00:00:00Z")]
    members, ts = threads.build(msgs)
    m = {x.doc_id: x for x in members}
    assert m["r1"].thread_id == m["r2"].thread_id == m["r3"].thread_id
    assert m["r1"].parent_id is None and m["r1"].parent_message_id == "lost@x"
    assert "not in the case" in m["r1"].reason
    assert m["r3"].parent_id == "r1" and m["r3"].reason == "References"
    assert m["a"].thread_id == m["b"].thread_id != m["r1"].thread_id       # a loop is cut, not followed
    t = next(x for x in ts if x.id == m["r1"].thread_id)
    assert t.messages == 3 and t.ghosts == 1


def test_headerless_messages_link_by_quote_chain_and_subject():
    msgs = [Msg("e1", "email", message_id="e1@x", subject="Kapital", sent_at="2017-05-22T08:00:00Z", sender="F",
                recipients=("J",)),
            Msg("p2", "printed-email", subject="AW: Kapital", sent_at="2017-05-22T11:45:00", date_flag="no-timezone",
                locator="printed:1", source_id=9, sender="J", recipients=("F",)),
            Msg("p1", "printed-email", subject="Kapital", sent_at="2017-05-22T10:00:00", date_flag="no-timezone",
                locator="printed:2", source_id=9, sender="F", recipients=("J",)),
            Msg("e2", "email", message_id="e2@x", subject="AW: Kapital", sent_at="2017-05-24T07:55:00Z", sender="F",
                recipients=("J",)),
            Msg("e3", "email", message_id="e3@x", subject="AW: Kapital", sent_at="2017-09-24T07:55:00Z", sender="F",
                recipients=("J",))]
    members, _ = threads.build(msgs)
    m = {x.doc_id: x for x in members}
    assert m["p2"].parent_id == "p1" and m["p2"].reason == "printed below it in the same exhibit"
    assert m["e2"].parent_id == "p2" and m["e2"].reason.startswith("same subject and participants")
    assert m["e3"].parent_id is None                       # four months later: a new conversation


# ---------------------------------------------------------------- the stage on a case
@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    c = Case.create(tmp_path_factory.mktemp("s") / "case")
    c.ingest([sample_dir()], workers=1)
    yield c
    c.close()


def test_sample_case_documents_carry_thread_group_and_people(sample):
    docs = sample.documents()
    printed = [d for d in docs if d["kind"] == "printed-email" and d["duplicate_group"]]
    assert len(printed) == 2 and not any(d["canonical"] for d in printed)
    for d in printed:
        canon = sample.document(d["duplicate_group"])
        assert canon["kind"] == "email" and canon["canonical"] and canon["thread_id"] == d["thread_id"]
        assert {c["kind"] for c in canon["copies"]} == {"email", "printed-email"}
        assert "near-identical text" in d["duplicate_reason"]
    emails = [d for d in docs if d["kind"] == "email"]
    assert all(d["thread_id"] for d in emails)
    assert all(d["people"]["from"] for d in emails)
    lena = next(p for p in sample.people() if p["name"] == "Lena Berg")
    assert any(d["people"]["from"] == lena["id"] for d in emails)
    addresses = {p["id"]: {a["value"].lower() for a in p["aliases"] if a["kind"] == "address"} for p in sample.people()}
    for d in emails:                                 # every sender resolves to the person owning the address
        assert d["from"]["addr"].lower() in addresses[d["people"]["from"]]
        owners = {pid for pid, addrs in addresses.items() for r in d["to"] if r["addr"].lower() in addrs}
        assert owners == set(d["people"]["to"])
    assert {"address", "name"} <= {a["kind"] for a in lena["aliases"]}


def test_thread_reads_as_a_conversation(sample, cli):
    ts = json.loads(cli("threads", "--case", str(sample.root), "--json").output)
    t = next(x for x in ts if x["subject"] == "Stimmrechte und Anteile")
    assert t["messages"] == 3
    full = json.loads(cli("thread", t["id"], "--case", str(sample.root), "--json").output)
    assert [m["depth"] for m in full["messages"]] == [0, 1, 2]
    assert full["messages"][1]["link_reason"] == "In-Reply-To"
    assert full["messages"][0]["copies"][0]["kind"] == "printed-email"
    text = cli("thread", t["id"], "--case", str(sample.root)).output
    assert "printed below it in the same exhibit" in text
    assert "There is no thread" in cli("thread", "nope", "--case", str(sample.root), ok=False).output


def test_graph_exports_load(sample):
    root = ET.fromstring(sample.graph("graphml"))
    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    nodes = root.findall(".//g:node", ns)
    edges = root.findall(".//g:edge", ns)
    assert len(nodes) == len(sample.people()) and edges
    ids = {n.get("id") for n in nodes}
    assert all(e.get("source") in ids and e.get("target") in ids for e in edges)
    rows = list(csv.DictReader(io.StringIO(sample.graph("csv"))))
    assert rows and all(int(r["messages"]) >= 1 for r in rows)


def test_people_decisions_survive_reingest(tmp_path, cli):
    case_dir = tmp_path / "case"
    cli("ingest", str(sample_dir()), "--case", str(case_dir))
    ps = json.loads(cli("people", "--case", str(case_dir), "--json").output)
    daniel = next(p for p in ps if p["name"] == "Daniel Okafor")
    assert "daniel@okafor.me" in {a["value"] for a in daniel["aliases"]}
    out = cli("people", "split", daniel["id"], "daniel@okafor.me", "--case", str(case_dir)).output
    assert "Split off" in out
    cli("people", "rename", "priya@halvard.vc", "Priya Raman (Halvard)", "--case", str(case_dir))
    extra = tmp_path / "more"
    extra.mkdir()
    (extra / "late.eml").write_bytes(b"From: Priya Raman <priya@halvard.vc>\nTo: Lena Berg <lena.berg@nordhafen-"
                                     b"robotics.de>\nSubject: Follow-up\nDate: Mon, 4 Jul 2016 10:00:00 +0000\n"
                                     b"Message-ID: <late@halvard.vc>\n\nOne more question about the board.\n")
    cli("ingest", str(extra), "--case", str(case_dir))          # a re-run recomputes everything
    ps = json.loads(cli("people", "--case", str(case_dir), "--json").output)
    names = {p["name"] for p in ps}
    assert "Priya Raman (Halvard)" in names and "Priya Raman" not in names
    private = [p for p in ps if "daniel@okafor.me" in {a["value"] for a in p["aliases"]}]
    work = [p for p in ps if "d.okafor@nordhafen-robotics.de" in {a["value"] for a in p["aliases"]}]
    assert len(private) == 1 and len(work) == 1 and private[0]["id"] != work[0]["id"]
    merged = cli("people", "merge", work[0]["id"], "daniel@okafor.me", "--case", str(case_dir)).output
    assert "Merged into" in merged
    ps = json.loads(cli("people", "--case", str(case_dir), "--json").output)
    assert len([p for p in ps if "daniel@okafor.me" in {a["value"] for a in p["aliases"]}
                and "d.okafor@nordhafen-robotics.de" in {a["value"] for a in p["aliases"]}]) == 1
    err = cli("people", "merge", "nobody@nowhere.example", daniel["id"], "--case", str(case_dir), ok=False).output
    assert "No person in this case is known as" in err


def test_analysis_is_idempotent_and_skipped_when_nothing_changed(sample):
    before = [tuple(r) for r in sample.db.execute("SELECT * FROM thread_members ORDER BY doc_id")]
    assert sample.analyze() is None                          # nothing changed
    again = sample.analyze(force=True)
    assert again["threads"] >= 8
    assert [tuple(r) for r in sample.db.execute("SELECT * FROM thread_members ORDER BY doc_id")] == before


def test_old_cases_get_features_backfilled(tmp_path):
    c = Case.create(tmp_path / "case")
    c.ingest([sample_dir()], workers=1)
    c.db.execute("UPDATE documents SET sketch=NULL, words=NULL, greeting=NULL, closing=NULL")
    res = c.analyze(force=True)
    assert res["duplicates"] == 4
    assert c.db.execute("SELECT COUNT(*) FROM documents WHERE words IS NULL AND kind != 'chat'").fetchone()[0] == 0
    c.close()


# ---------------------------------------------------------------- language per passage
def test_mixed_language_messages_get_language_spans(tmp_path):
    from casefile.analyze.language import passages
    text = ("Oliver,\n\nder Vorsitz mit Stichentscheid bleibt bei Kranich, das ist nicht verhandelbar, und "
            "darüber werden wir auch nicht weiter verhandeln.\n\nTwo seats for Brightwater, yes; a casting vote "
            "for Brightwater, no. That is our final position on the board.\n\nJana")
    spans = passages(text)
    assert [s["lang"] for s in spans] == ["de", "en"]
    assert text[spans[1]["start"]:spans[1]["end"]].startswith("Two seats")
    assert passages("One language only, long enough to be told apart from others.\n\nAnd a second "
                    "paragraph in the same language, also long enough.") == []
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "m.eml").write_text("From: Jana <j@k.example>\nTo: o@b.example\nSubject: x\n"
                                           "Message-ID: <m@k>\nDate: Fri, 2 Jun 2017 10:05:00 +0200\n\n" + text + "\n")
    c = Case.create(tmp_path / "case")
    c.ingest([tmp_path / "in"], workers=1)
    d = c.documents()[0]
    assert [s["lang"] for s in d["languages"]] == ["de", "en"]
    c.close()


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400) | st.text(alphabet=st.characters(max_codepoint=127), max_size=400))
def test_letters_are_counted_as_the_regular_expression_counts_them(text):
    from casefile.analyze.language import _NON_LETTERS, count_letters
    assert count_letters(text) == len(_NON_LETTERS.sub("", text))


def test_languages_detected_together_are_those_detected_one_by_one(corpus_files):
    """py3langid's automaton walked for many samples at once gives each sample exactly (to the
    bit) what its own `classify` gives, on texts and paragraphs of every corpus file."""
    from casefile.analyze.language import PASSAGE_SAMPLE, SAMPLE_CHARS, _classify_many, _identifier, detect_many
    ident = _identifier()
    samples = []
    for _, data in corpus_files(300_000, head=1_500):
        text = data.decode("utf-8", "replace")
        samples.append(text[:SAMPLE_CHARS])
        samples.extend(p[:PASSAGE_SAMPLE] for p in text.split("\n\n")[1:3])
    assert len(samples) > 10_000
    for start in range(0, len(samples), 1030):            # 512 + 512 walked together, 6 one by one
        chunk = samples[start:start + 1030]
        assert _classify_many(chunk) == [ident.classify(s) for s in chunk]
    assert detect_many(samples[:3000]) == [detect_many([s])[0] for s in samples[:3000]]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(max_size=300) | st.sampled_from(["", "x", "Die Anteile bleiben bei uns. " * 5,
                                                         "THE BOARD SEAT IS NOT FOR SALE " * 3]),
                min_size=16, max_size=40))
def test_languages_detected_together_on_any_text(samples):
    from casefile.analyze.language import _classify_many, _identifier
    assert _classify_many(samples) == [_identifier().classify(s) for s in samples]


def test_search_lists_each_message_once(sample, cli):
    hits, total, _ = sample.search("Vorstandssitz", collapse=False, limit=20)
    once, _, _ = sample.search("Vorstandssitz", limit=20)
    assert len(once) < len(hits)
    groups = [sample.document(h.doc_id)["duplicate_group"] or h.doc_id for h in once]
    assert len(groups) == len(set(groups))
    out = json.loads(cli("search", "Vorstandssitz", "--all-copies", "--json", "--case", str(sample.root)).output)
    assert len(out["hits"]) == len(hits)


# ---------------------------------------------------------------- entities
@pytest.mark.parametrize("text,value", [
    ("EUR 4 million", "4000000 EUR"), ("€4M", "4000000 EUR"), ("3 million pounds", "3000000 GBP"),
    ("um 2,1 Millionen Euro", "2100000 EUR"), ("60 Millionen Dollar", "60000000 USD"), ("50 Mio. $", "50000000 USD"),
    ("EUR 250,000", "250000 EUR"), ("4.000.000 Euro", "4000000 EUR"), ("$1.5bn", "1500000000 USD")])
def test_money_amounts_in_english_and_german_forms(text, value):
    from casefile.analyze.entities import money
    assert [e.value for e in money(text)] == [value]


def test_dates_and_years_taken_from_the_message():
    from casefile.analyze.entities import dates, nearest_year
    got = {e.text: e.value for e in dates("am 12. Juni 2017, May 3, 2017, 03.05.2017, 2017-06-21 and 21 June")}
    assert got == {"12. Juni 2017": "2017-06-12", "May 3, 2017": "2017-05-03", "03.05.2017": "2017-05-03",
                   "2017-06-21": "2017-06-21", "21 June": "--06-21"}
    assert dates("at 10:48 by Friday") == []
    assert nearest_year("--05-31", "2016-06-02T10:00:00Z") == "2016-05-31"
    assert nearest_year("--12-28", "2017-01-03T10:00:00Z") == "2016-12-28"


def test_a_version_number_is_not_a_date():
    from casefile.analyze.entities import dates
    assert [e.value for e in dates("Der Kernel 2.6.16, in den die Optimierung einfließt; 2.6.16.1 folgt")] == []
    assert [e.value for e in dates("am 02.06.16, am 2.6.2016 und am 12.10.16")] == ["2016-06-02", "2016-06-02",
                                                                                      "2016-10-12"]


def test_entities_are_linked_to_the_cases_people_in_german_and_english(sample):
    from casefile.analyze.entities import extract, gazetteer
    people_ = sample.people()
    orgs = [{"id": r[0], "name": r[1]} for r in sample.db.execute("SELECT id, name FROM organisations")]
    assert "Okafor" not in {o["name"] for o in orgs}          # okafor.me is Daniel's own domain
    lena = next(p["id"] for p in people_ if p["name"] == "Lena Berg")
    daniel = next(p["id"] for p in people_ if p["name"] == "Daniel Okafor")
    gaz = gazetteer(people_, orgs)
    de = extract("Sehr geehrte Frau Berg, Herr Okafor hat in Hamburg 4 Mio. Euro abgelehnt.", "de", gaz, people_)
    got = {(e.label, e.text): (e.link, e.value) for e in de}
    assert got[("PERSON", "Frau Berg")][0] == lena
    assert got[("PERSON", "Herr Okafor")][0] == daniel
    assert ("PLACE", "Hamburg") in got and got[("MONEY", "4 Mio. Euro")][1] == "4000000 EUR"
    en = extract("In the end, Okafor wrote to the board of Nordhafen Robotics that Priya Raman's offer was too low.",
                 "en", gaz, people_)
    labels = {(e.label, e.text) for e in en}
    assert ("ORG", "Nordhafen Robotics") in labels and ("PERSON", "Priya Raman") in labels
    okafor = next(e for e in en if e.text == "Okafor")
    assert okafor.link == daniel


def test_entities_command(sample, cli):
    summary = json.loads(cli("entities", "--case", str(sample.root), "--json").output)
    assert {"PERSON", "ORG", "MONEY", "DATE", "PLACE"} <= set(summary)
    assert any(x["value"] == "4000000 EUR" for x in summary["MONEY"]["top"])
    doc = next(d for d in sample.documents() if d["kind"] == "article" and d["lang"] == "en")
    rows = json.loads(cli("entities", doc["id"], "--case", str(sample.root), "--json").output)
    assert any(r["source"] == "spacy" for r in rows)
    assert all(doc["text"][r["start"]:r["end"]] == r["text"] for r in rows)


def test_organisations_from_domains_and_signatures(sample):
    from casefile.analyze.features import signature_org
    assert signature_org("text\n\nMit freundlichen Grüßen\nLena Berg\nGeschäftsführerin, Nordhafen Robotics GmbH") \
        == "Nordhafen Robotics GmbH"
    assert signature_org("We bought Acme GmbH.\n\nBest,\nLena") is None
    assert signature_org("ok\n\n> Best,\n> Lena Berg\n> Nordhafen Robotics GmbH") is None      # a quoted signature
    orgs = {r[0]: r[1] for r in sample.db.execute("SELECT name, domains FROM organisations")}
    assert json.loads(orgs["Nordhafen Robotics GmbH"]) == ["nordhafen-robotics.de"]
    assert "Halvard Ventures" in orgs and "Okafor" not in orgs
    by_name = {p["name"]: p["organisation"] for p in sample.people()}
    assert by_name["Lena Berg"] == by_name["Daniel Okafor"] == "Nordhafen Robotics GmbH"


def test_a_deep_reply_chain_threads_in_linear_time():
    import time
    n = 5000
    msgs = [Msg(f"d{i}", "email", message_id=f"{i}@x", in_reply_to=f"{i - 1}@x" if i else None,
                refs=[f"{j}@x" for j in range(max(0, i - 100), i)], sent_at="2017-01-01T00:00:00Z") for i in range(n)]
    t0 = time.monotonic()
    members, ts = threads.build(msgs)
    assert time.monotonic() - t0 < 20
    assert len(ts) == 1 and ts[0].messages == n
    m = {x.doc_id: x for x in members}
    assert m["d4999"].parent_id == "d4998" and m["d0"].parent_id is None


def test_timeline_of_the_sample_case_cites_every_event(tmp_path, cli):
    """casefile timeline: events in date order, each citing the sentence that says it; --between
    keeps the events both people took part in; a bad date is one sentence."""
    from casefile import Case
    from casefile.sample import sample_dir
    root = tmp_path / "case"
    with Case.create(root) as c:
        c.ingest([sample_dir()], embed=False)
        res = c.timeline(top=30)
        days = [e["date"] for e in res["events"]]
        assert days == sorted(days) and res["total"] >= len(res["events"]) >= 15
        for e in res["events"]:
            doc = c.document(e["citations"][0]["doc_id"])
            cited = doc["text"][e["citations"][0]["start"]:e["citations"][0]["end"]]
            assert " ".join(cited.split()) == e["description"]
        ultimatum = [e for e in res["events"] if e["act"] == "ultimatum" and e["date"] == "2016-05-02"]
        assert ultimatum and ultimatum[0]["actors"][0]["name"].endswith("Okafor")
        resign = [e for e in res["events"] if e["date"] == "2016-05-31"]
        assert len(resign) == 1 and resign[0]["kind"] == "message" and len(resign[0]["citations"]) >= 2
        assert {"published"} <= {e["kind"] for e in res["events"]}            # the press coverage
        # what an article reports joins the evidenced event it reports (the settlement of 15 August)
        assert any(e["kind"] != "published" and "article" in {x["document"]["kind"] for x in e["citations"]}
                   for e in c.timeline(top=None)["events"])
        pair = c.timeline(between=("Lena Berg", "Priya Raman"), top=None)
        assert pair["events"] and all({"Lena Berg", "Priya Raman"} <= {a["name"] for a in e["actors"]}
                                      for e in pair["events"])
    out = cli.json("timeline", "--case", root, "--top", "5", "--from", "2016-05-01")
    assert len(out["events"]) == 5 and all(e["date"] >= "2016-05-01" for e in out["events"])
    bad = cli("timeline", "--case", root, "--from", "May", ok=False)
    assert bad.exit_code == 2 and "not a date" in bad.stderr and "Traceback" not in bad.stderr


def test_dispute_finds_the_points_both_sides_fought_over(tmp_path, cli):
    """casefile dispute A B: points found from the case, both sides quoted in their own words
    with resolving citations, a lawyer's letter counted for the side it speaks for, positions
    that move; naming one person twice is one sentence."""
    from casefile.sample import sample_dir
    root = tmp_path / "case"
    cli("ingest", sample_dir(), "--case", root)
    res = cli.json("dispute", "Lena Berg", "daniel@okafor.me", "--case", root)
    assert [p["name"] for p in res["between"]] == ["Lena Berg", "Daniel Okafor"]
    assert len(res["issues"]) >= 3
    with Case.open(root) as c:
        for k in res["issues"]:
            assert k["label"] and k["first"] <= k["last"]
            for side in k["sides"]:
                assert side["quotes"]
                for s in side["statements"]:
                    cit = s["citation"]
                    assert " ".join(c.document(cit["doc_id"])["text"][cit["start"]:cit["end"]].split()) == s["text"]
    shares = next(k for k in res["issues"] if any("1.2 million" in s["text"] for side in k["sides"]
                                                    for s in side["statements"]))
    okafor = shares["sides"][1]
    assert any(s["via"] and s["via"]["name"] == "Dr. Felix Brandt" for s in okafor["statements"])
    assert len(okafor["positions"]) >= 2 and okafor["positions"][0]["date"] <= okafor["positions"][-1]["date"]
    text = cli("dispute", "Lena Berg", "Daniel Okafor", "--case", root).output
    assert "points of contention between Lena Berg and Daniel Okafor" in text and "moved:" in text
    bad = cli("dispute", "Lena Berg", "lena.berg@nordhafen-robotics.de", "--case", root, ok=False)
    assert bad.exit_code == 2 and "same person" in bad.stderr and "Traceback" not in bad.stderr


def test_candidate_pairs_when_shared_bands_all_fall_below_the_threshold():
    """Documents that share a band but are not similar enough leave no candidates (this used to
    fail on the empty result)."""
    import numpy as np

    from casefile.analyze.dedupe import BANDS, ROWS, candidate_pairs
    sigs = np.arange(2 * BANDS * ROWS, dtype=np.uint32).reshape(2, BANDS * ROWS)
    sigs[1, :ROWS] = sigs[0, :ROWS]                       # one band of 16 in common: J ~ 0.06
    assert candidate_pairs(sigs, 0.3).shape == (0, 2)
    assert candidate_pairs(sigs).tolist() == [[0, 1]]


def test_a_case_without_messages_is_analysed():
    """No message documents (only a PDF, say): no threads, no crash."""
    members, ts = threads.build([])
    assert members == [] and ts == []
    assert dedupe.group([]) == []


def test_sketches_read_from_the_file_a_column_at_a_time_match_the_array(tmp_path, monkeypatch):
    """The sketch file (blocks of rows stored column by column) gives back every column as the
    in-memory array has it, across block boundaries, and the same candidates and similarities."""
    import numpy as np

    from casefile.analyze import sketches as sk
    from casefile.analyze.dedupe import candidate_pairs, pair_jaccard
    from casefile.analyze.features import PERMUTATIONS
    monkeypatch.setattr(sk, "BLOCK", 7)                   # 50 rows: 7 full blocks and a short one
    rng = np.random.default_rng(5)
    sigs = rng.integers(0, 40, size=(50, PERMUTATIONS), dtype=np.uint32)   # few values: many shared bands
    sigs[10] = sigs[3]
    sigs[44, :50] = sigs[3, :50]
    with sk.SketchFile(str(tmp_path)) as f:
        for row in sigs:
            f.append(row.tobytes())
        assert len(f) == 50
        for c in (0, 1, 31, PERMUTATIONS - 1):
            assert f.column(c).tolist() == sigs[:, c].tolist()
        pairs = candidate_pairs(sigs, 0.3)
        assert pairs.tolist() == candidate_pairs(f, 0.3).tolist() and [3, 10] in pairs.tolist()
        assert pair_jaccard(f, pairs).tolist() == pair_jaccard(sigs, pairs).tolist()
        expected = [(sigs[p] == sigs[q]).mean() for p, q in pairs.tolist()]
        assert pair_jaccard(f, pairs).tolist() == pytest.approx(expected)
    assert not list(tmp_path.iterdir())                   # the file is gone when closed


def test_message_ids_are_numbered_in_sqlite_and_read_back(tmp_path):
    """The case's Message-IDs (own, In-Reply-To, References) get one number per distinct text in a
    temporary table; texts and each group's smallest id are read back from it."""
    import sqlite3

    import numpy as np

    from casefile.analyze.messages import SqlMidNumbers
    db = sqlite3.connect(tmp_path / "c.db", isolation_level=None)
    db.execute("CREATE TABLE documents (id TEXT, message_id TEXT, in_reply_to TEXT, refs TEXT)")
    db.executemany("INSERT INTO documents VALUES (?,?,?,?)", [
        ("a", "m1@x", None, None), ("b", "m2@x", "m1@x", '["m0@x", "m1@x"]'), ("c", None, "lost@x", "not json"),
        ("d", "", None, '["", 7]')])
    mids = SqlMidNumbers(db)
    assert mids.count == 4                                   # m0, m1, m2, lost: no empty ids, no numbers
    code = {t: db.execute(f"SELECT {mids.code_sql('?')}", (t,)).fetchone()[0] for t in ("m0@x", "m1@x", "m2@x",
                                                                                     "lost@x", "nope")}
    assert code["nope"] == 0 and len({code[t] for t in ("m0@x", "m1@x", "m2@x", "lost@x")}) == 4
    assert mids.text([code["lost@x"]]) == {code["lost@x"]: "lost@x"}
    codes = np.array([code["m2@x"], code["m1@x"], code["lost@x"]])
    assert list(mids.smallest(codes, np.array([9, 9, 5]))) == [(5, "lost@x"), (9, "m1@x")]   # by group
    mids.close()
    assert db.execute("SELECT COUNT(*) FROM temp.sqlite_master").fetchone()[0] == 0


def test_two_messages_under_one_message_id_are_both_threaded():
    """A client that reused a Message-ID for another text: dedupe keeps the two apart; the threading
    gives the second its own node, a reply to the id goes under the first, and (as notmuch) both
    are in the thread of the id they carry, named after its smallest id."""
    import hashlib
    msgs = [Msg("a", "email", message_id="x@y", subject="Budget", sent_at="2017-01-01T00:00:00Z"),
            Msg("b", "email", message_id="x@y", subject="Lunch", sent_at="2017-01-01T00:05:00Z"),
            Msg("c", "email", message_id="c@y", in_reply_to="x@y", sent_at="2017-01-02T00:00:00Z")]
    members, ts = threads.build(msgs)
    by = {m.doc_id: m for m in members}
    assert set(by) == {"a", "b", "c"} and by["c"].parent_id == "a" and by["b"].parent_id is None
    assert {m.thread_id for m in members} == {"t" + hashlib.sha1(b"m:c@y").hexdigest()[:10]}
    assert [(t.root_id, t.messages, t.ghosts) for t in ts] == [("a", 3, 0)]


def test_threads_order_their_messages_by_time_also_with_long_or_unusual_times():
    """Times too long for the table's fixed-width column (kept as strings then) and missing times
    order the same way: by time, the undated last, ties by id (the thread's subject is the first
    one in that order when its root has none)."""
    for late in ("2017-01-03T00:00:00Z", "2017-01-03T00:00:00.000001+00:00 (as printed)"):
        msgs = [Msg("a", "email", message_id="a@x", sent_at=late),
                Msg("b", "email", message_id="b@x", in_reply_to="a@x", subject="Undated"),
                Msg("c", "email", message_id="c@x", in_reply_to="a@x", sent_at="2017-01-02T00:00:00Z",
                    subject="Early"),
                Msg("d", "email", message_id="d@x", in_reply_to="a@x", sent_at="2017-01-02T00:00:00Z",
                    subject="Second")]
        _, ts = threads.build(msgs)
        assert (ts[0].first_at, ts[0].last_at, ts[0].root_id, ts[0].subject) == \
            ("2017-01-02T00:00:00Z", late, "a", "Early")


def test_the_analysis_inside_a_callers_transaction_gives_the_same_tables(sample):
    """Run inside an open transaction (it then reads in that snapshot), the analysis writes the
    same threads and people as on its own, and leaves no temporary table or file behind."""
    from casefile.analyze import stage
    from casefile.store.sqlite import Transaction
    db = sample.db

    def tables():
        return [sorted(map(tuple, db.execute(f"SELECT * FROM {t}"))) for t in ("threads", "thread_members", "people")]

    stage.run(db, force=True)
    alone = tables()
    with Transaction(db):
        stage.run(db, force=True)
    assert tables() == alone
    assert db.execute("SELECT COUNT(*) FROM temp.sqlite_master").fetchone()[0] == 0
    assert not [p for p in sample.root.iterdir() if p.name.startswith("sketches-")]


def test_subjects_are_kept_as_they_came_in_one_text_column():
    """Subjects (mostly distinct in a big case) sit in one UTF-8 buffer: a row gives back exactly
    its text, with None kept apart from "", non-ASCII and a lone surrogate intact."""
    from casefile.analyze.messages import MessageTable, TextColumn
    texts = [None, "", "Re: Budget", "AW: Vorstandssitz – Übergabe", "bad \udc80 byte", "", None, "😀"]
    col = TextColumn()
    for t in texts:
        col.append(t)
    assert [col[i] for i in range(len(col))] == texts and len(col) == len(texts)
    table = MessageTable.of([Msg(f"{i:016x}", "email", subject=t) for i, t in enumerate(texts)])
    assert [m.subject for m in table] == texts


def test_names_a_scan_misread_join_the_name_they_misspell_and_typed_names_never_do():
    """Issue 27: one person came out as many from printed and OCR'd headers (exhibit 1331.34:
    'Lesiey Grotf', 'Lestey Groff', 'Serah Ransome', '5arah Ransome', 'Sarah Ran')."""
    from casefile.analyze.people import Mention, resolve
    mentions = []
    for i in range(4):
        mentions += [Mention(f"p{i}", "from", "Sarah Ransome", None, printed=True),
                     Mention(f"p{i}", "to", "Lesley Groff", None, printed=True)]
    for i, (sender, to) in enumerate([("Serah Ransome", "Lesiey Grotf"), ("5arah Ransome", "Lestey Groff"),
                                      ("Sarah Ran", "Lesley Grot")]):
        mentions += [Mention(f"v{i}", "from", sender, None, printed=True),
                     Mention(f"v{i}", "to", to, None, printed=True)]
    # two people whose names are as alike, typed in e-mail headers
    mentions += [Mention("e1", "from", "Anna Roth", None), Mention("e1", "to", "Anna Rothe", None)]
    people, ids = resolve(mentions)
    by_name = {}
    for m, pid in zip(mentions, ids):
        by_name.setdefault(m.name, set()).add(pid)
    assert by_name["Serah Ransome"] == by_name["5arah Ransome"] == by_name["Sarah Ran"] == by_name["Sarah Ransome"]
    assert by_name["Lesiey Grotf"] == by_name["Lestey Groff"] == by_name["Lesley Grot"] == by_name["Lesley Groff"]
    assert by_name["Sarah Ransome"] != by_name["Lesley Groff"]
    assert by_name["Anna Roth"] != by_name["Anna Rothe"]
    sarah = next(p for p in people if p.id in by_name["Sarah Ransome"])
    serah = next(a for a in sarah.aliases if a.value == "Serah Ransome")
    assert serah.confidence == 0.6 and "misreads" in serah.reason
    # printed, but the other spelling is written beside an address: not a misreading to undo
    people, ids = resolve([Mention("x", "from", "Anna Rothe", "anna.rothe@example.org"),
                           Mention("y", "from", "Anna Roth", None, printed=True),
                           Mention("z", "from", "Anna Roth", None, printed=True)])
    assert ids[0] != ids[1]
