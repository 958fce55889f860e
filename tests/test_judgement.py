"""The judgement side on material from outside the sample case: negation scope, the judge,
boilerplate, noun phrases, the names of points of contention, and the failures seen on the real
court exhibits in ../shared/corpora (issue 26)."""
from __future__ import annotations

import numpy as np
import pytest

from casefile import Case
from casefile.errors import UserError
from casefile.analyze import boilerplate, phrases
from casefile.timeline import dispute
from casefile.verify import checks, judge, verdict


def test_a_negative_pronoun_is_not_a_negation():
    """A correct translation of "Saying nothing is reputational suicide" was judged misquoted:
    "nothing" had been counted as a negation."""
    for de in ("Nichts zu sagen wäre Selbstmord für den Ruf.", "Schweigen ist Selbstmord für den Ruf."):
        assert checks.negation(de, "Saying nothing is reputational suicide.").result == "agree"
    assert checks.negation("Sie werde dem Suchbegriff nicht zustimmen.",
                           "We will agree to the search term.").result == "differ"
    assert checks.negation("Nobody objected.", "Everyone agreed.").result == "agree"


def test_the_next_sentence_of_a_source_can_refuse_what_the_matched_one_asks():
    """„sie werde dem Suchbegriff zustimmen“ was supported by a passage whose next sentence said
    "We will not agree to this standalone search term"."""
    text = ("You asked whether we would agree to the search term Terramar. "
            "We will not agree to this standalone search term. Please call me on Monday.")
    first = text.index(" We will")
    src = {"span": {"start": 0, "end": first, "text": text[:first]},
           "context": {"start": 0, "end": len(text), "text": text}}
    sequel = verdict._sequel(src)
    assert "will not agree" in sequel
    assert checks.negation("sie werde dem Suchbegriff zustimmen", src["span"]["text"] + sequel,
                           focus=True).result == "differ"
    other = ("You asked whether we would agree to the search term Terramar. We do not have a fax machine.")
    src2 = {"span": {"start": 0, "end": first, "text": other[:first]},
            "context": {"start": 0, "end": len(other), "text": other}}
    assert verdict._sequel(src2) == ""          # a negation about something else


def test_the_judge_weighs_evidence_and_says_who_judged():
    weak = judge.features(0.35, 0.1, True, False, [])
    strong = judge.features(0.9, 0.8, False, True, [checks.Check("dates", "agree")])
    assert judge.probability(weak) < judge.SAYS <= judge.SUPPORTS < judge.probability(strong)
    with_date = judge.features(0.5, 0.4, False, False, [checks.Check("dates", "agree")])
    without = judge.features(0.5, 0.4, False, False, [checks.Check("dates", "differ")])
    assert judge.probability(with_date) > judge.probability(without)


def test_boilerplate_repeats_across_days_not_within_one():
    disclaimer = "The information contained in this e-mail is confidential and may be legally privileged."
    rows = [("a", "2015-01-02", disclaimer), ("b", "2015-01-09", disclaimer), ("c", "2015-03-01", disclaimer),
            ("a", "2015-01-02", "I am out of my depth in understanding defamation and other legal hazards."),
            ("d", "2015-01-02", "I am out of my depth in understanding defamation and other legal hazards."),
            ("e", "2015-02-02", "Thanks, see you then."), ("f", "2015-02-03", "Thanks, see you then."),
            ("g", "2015-02-04", "Thanks, see you then.")]
    keys = boilerplate.repeated(rows)
    assert boilerplate.is_boilerplate(disclaimer, keys)
    assert boilerplate.is_boilerplate("The information contained in this e-mail is confiden tial and may be "
                                      "legally privileged.", keys)          # OCR split a word
    assert not boilerplate.is_boilerplate(rows[3][2], keys)    # one message printed twice the same day
    assert not boilerplate.is_boilerplate("Thanks, see you then.", keys)   # too short to tell


def test_noun_phrases_name_what_a_sentence_is_about():
    got = phrases.phrases(["I would rather keep control of the company than sell my shares for EUR 600,000.",
                           "We will not agree to this standalone search term.",
                           "Ich halte den Kaufpreis der Anteile für zu niedrig.",
                           "Wir lehnen den Sitz im Aufsichtsrat ab."], ["en", "en", "de", "de"])
    assert "control of the company" in got[0] and "standalone search term" in got[1]
    assert got[2] == {"kaufpreis der anteile"} and got[3] == {"sitz im aufsichtsrat"}


def test_a_point_of_contention_is_named_by_a_phrase_not_a_word():
    def st(side, text, found):
        return dispute.Statement(side, f"d{side}{len(text)}", "2016-07-18", "refusal", 2.5, text, None, "t1",
                                 phrases=found)
    members = [st(0, "We object to the number of search terms.", {"number of search terms"}),
               st(1, "The search terms for the devices are reasonable.", {"search terms for the devices"}),
               st(0, "The search terms for the devices are too broad.", {"search terms for the devices"})]
    vecs = np.eye(3, dtype=np.float32)
    assert dispute.name_of(members, vecs) == "search terms for the devices"     # both sides use it
    assert dispute.name_of([st(0, "Fine.", set())], vecs[:1]) is None


@pytest.fixture(scope="module")
def exhibits(corpora, tmp_path_factory):
    c = Case.create(tmp_path_factory.mktemp("exhibits") / "case")
    c.ingest([corpora / "pdf-court-exhibits-printed-emails"])
    yield c
    c.close()


def _boilerplate_keys(case):
    from casefile.timeline.events import EVENT_KINDS
    return boilerplate.from_store(case.db, EVENT_KINDS)


def test_real_exhibits_disclaimers_are_boilerplate_and_stay_out_of_the_timeline(exhibits):
    """Five of the top 20 timeline events of the real court exhibits were e-mail disclaimers
    ("It accepts no liability for viruses") labelled ultimatum or decision."""
    keys = _boilerplate_keys(exhibits)
    assert boilerplate.is_boilerplate("It accepts no liability for viruses introduced by this e-mail or "
                                      "attachments.", keys)
    events = exhibits.timeline(top=20)["events"]
    assert events
    for e in events:
        for c in e["citations"]:
            assert not boilerplate.is_boilerplate(c["text"], keys), c["text"]
        assert "liability" not in e["description"].lower() and "intended recipient" not in e["description"].lower()


def test_real_exhibits_briefing_opens_with_the_dispute_not_a_notice(exhibits):
    """The briefing of the real exhibits opened with a confidentiality notice."""
    keys = _boilerplate_keys(exhibits)
    brief = exhibits.brief(lang="de").as_dict()
    for sec in brief["sections"]:
        for s in sec.get("sentences", []):
            for q in s.get("quotes", []) or []:
                assert not boilerplate.is_boilerplate(q, keys)
            assert "confidential" not in s["text"].lower() and "vertraulich" not in s["text"].lower(), s["text"]


def test_hostile_text_is_shown_not_acted_on():
    """Issue 27: a CSV subject `=HYPERLINK(...)` stayed a live formula; RTL overrides and
    zero-width characters passed unisolated into HTML and CSV."""
    from casefile.display import cell, escape, visible
    from casefile.timeline.export import to_csv
    assert cell('=HYPERLINK("http://x","open")').startswith("'=")
    assert cell("+1 555") == "'+1 555" and cell("-5") == "'-5" and cell("@SUM(A1)") == "'@SUM(A1)"
    assert cell("\tx") == "'\tx" and cell("EUR 1,000") == "EUR 1,000" and cell(3) == 3
    spoof = "EUR 1,000\u202e0001"
    assert visible(spoof) == "EUR 1,000⟦U+202E⟧0001" and "\u202e" not in escape(spoof)
    assert escape("<script>x</script>\u200b") == "&lt;script&gt;x&lt;/script&gt;⟦U+200B⟧"
    ev = {"date": "2016-05-02", "precision": "day", "kind": "message", "act": "offer", "actors": [],
          "description": "=HYPERLINK(\"http://evil\",\"open\")", "citations": []}
    row = to_csv({"events": [ev]}).splitlines()[1]
    assert "'=HYPERLINK" in row


def test_filters_take_german_dates_and_bad_input_gets_one_sentence(tmp_path, cli):
    from casefile.search.fulltext import parse_day
    assert parse_day("17.05.2016") == parse_day("2016-05-17") == parse_day("17. Mai 2016")
    root = tmp_path / "empty"
    Case.create(root).close()
    res = cli("search", "anything", "--case", root, ok=False)
    assert res.exit_code == 2 and "no documents" in res.stderr and "Traceback" not in res.stderr
    res = cli("timeline", "--top", "-5", "--case", root, ok=False)
    assert res.exit_code == 2 and "--top" in res.stderr and "Traceback" not in res.stderr
    from casefile.sample import sample_dir
    case = tmp_path / "case"
    cli("ingest", sample_dir() / "daniel-okafor", "--case", case)
    assert cli("search", "resign", "--after", "01.05.2016", "--case", case).exit_code == 0
    res = cli("brief", "--format", "md", "--out", tmp_path / "missing" / "x.md", "--case", case, ok=False)
    assert res.exit_code == 2 and "does not exist" in res.stderr and "Traceback" not in res.stderr


def test_inputs_inside_the_case_and_links_out_of_the_folder_are_refused(tmp_path, cli):
    """Issue 27: `ingest CASE --case CASE` ingested its own store; a symlink in an evidence folder
    to /etc/passwd was followed and ingested."""
    case = tmp_path / "case"
    Case.create(case).close()
    res = cli("ingest", case, "--case", case, ok=False)
    assert res.exit_code == 2 and "inside the case folder" in res.stderr and "Traceback" not in res.stderr
    evidence = tmp_path / "evidence"
    evidence.mkdir()
    (evidence / "note.txt").write_text("The board met on Monday and approved the budget for next year.\n")
    secret = tmp_path / "outside.txt"
    secret.write_text("root:x:0:0:root:/root:/bin/bash\n")
    (evidence / "passwd").symlink_to(secret)
    (evidence / "inner.txt").symlink_to(evidence / "note.txt")     # inside the folder: followed
    out = cli.json("ingest", evidence, "--case", case)
    assert out["files_seen"] == 2 and any("outside the folder" in n for n in out["notes"])
    with Case.open(case) as c:
        texts = [r[0] for r in c.db.execute("SELECT text FROM documents")]
    assert not any("root:x:0:0" in (t or "") for t in texts)


def test_a_topic_both_sides_talk_about_is_contention_only_where_they_disagree():
    def st(side, act, text, amounts=()):
        return dispute.Statement(side, "d", "2016-07-18", act, 2.0, text, None, "t", amounts=list(amounts))
    talk = [[st(0, "offer", "We propose to meet on Monday.")], [st(1, "decision", "We confirm Monday.")]]
    assert not dispute.disagree(talk)
    assert dispute.disagree([[st(0, "offer", "We propose 368 terms.")],
                             [st(1, "refusal", "We will not agree to these terms.")]])
    assert dispute.disagree([[st(0, "position", "There is no need to define it at all.")],
                             [st(1, "position", "We should define it for each core.")]])
    assert dispute.disagree([[st(0, "offer", "We offer EUR 600,000.", ["EUR 600,000"])],
                             [st(1, "offer", "I can go down to EUR 1 million.", ["EUR 1 million"])]])


def test_from_and_to_match_the_resolved_person_and_every_alias(tmp_path, cli):
    """Issue 27: after a rename, `search --from "<new name>"` found nothing: the filter matched
    header text only."""
    from casefile.sample import sample_dir
    case = tmp_path / "case"
    cli("ingest", sample_dir() / "daniel-okafor", "--case", case)
    with Case.open(case) as c:
        pid = next(p["id"] for p in c.people() if "okafor" in (p["name"] or "").lower())
        before = c.search("shares", sender="Chief Engineer")[1]
        c.rename_person(pid, "Chief Engineer")
        hits, total, _ = c.search("shares", sender="Chief Engineer")
        assert before == 0 and total > 0
        assert total == c.search("shares", sender=pid)[1]
        assert c.search("shares", sender="Chief Engineer", mode="semantic")[0]


def test_an_exhibit_does_not_compete_with_the_messages_cut_from_it(tmp_path):
    """Issue 27: search listed each exhibit PDF next to the messages recovered from it, and a
    recovered message's derived_from was null."""
    from casefile.sample import sample_dir
    with Case.create(tmp_path / "case") as c:
        c.ingest([sample_dir() / "exhibits"])
        docs = {d["id"]: d for d in c.db.execute("SELECT id, kind, derived_from FROM documents")}
        printed = [d for d in docs.values() if d["kind"] == "printed-email"]
        assert printed and all(docs[d["derived_from"]]["kind"] == "pdf" for d in printed)
        hits, total, _ = c.search('"board seat"')
        kinds = {h.doc_id: docs[h.doc_id]["kind"] for h in hits}
        assert "printed-email" in kinds.values()
        assert not any(docs[d["derived_from"]]["id"] in kinds for d in printed if d["id"] in kinds)
        every, _, _ = c.search('"board seat"', collapse=False)
        assert len(every) > len(hits)
        # a hit from an exhibit says where it is printed (issue 27: hits carried no page or Bates number)
        cited = [h.as_dict()["citation"] for h in hits if kinds[h.doc_id] == "printed-email"]
        assert cited and all(x["pages"] and x["bates"] and x["file"].endswith(".pdf") for x in cited)
        sem, _, _ = c.search("Vorstandssitz abgelehnt", mode="semantic")
        for h in sem:
            if docs[h.doc_id]["kind"] == "printed-email":      # narrowed to the passage's page
                assert h.citation["pages"] == [h.passage["page"]] * 2


def test_show_an_exhibit_lists_the_messages_recovered_from_it(tmp_path, cli):
    from casefile.sample import sample_dir
    case = tmp_path / "case"
    cli("ingest", sample_dir() / "exhibits", "--case", case)
    with Case.open(case) as c:
        pdf = c.db.execute("SELECT id FROM documents WHERE kind = 'pdf' ORDER BY id LIMIT 1").fetchone()[0]
        rec = c.document(pdf)["recovered"]
        assert rec and all(r["kind"] == "printed-email" and r["pages"] for r in rec)
        assert c.document(rec[0]["id"])["derived_from"] == pdf
    out = cli("show", pdf, "--case", case).output
    assert out.count("Recovered:") == len(rec)


def test_printed_headers_are_cleaned_and_ocr_variants_resolved(exhibits):
    """Issue 27: OCR'd and printed headers made one person into many (GMaxl, GMax1, GMaxI and
    gmax| @ellmax.com; "Sarah Ransome mailto"; 'Brown, David" E T'); a redacted From was blank."""
    people = exhibits.people()
    by_addr = {a["value"].lower(): p for p in people for a in p["aliases"] if a["kind"] == "address"}
    variants = ["gmaxl@ellmax.com", "gmax1@ellmax.com", "gmaxi@ellmax.com"]
    assert all(v in by_addr for v in variants)
    assert len({by_addr[v]["id"] for v in variants}) == 1
    assert any("OCR confuses" in a["reason"] for a in by_addr[variants[1]]["aliases"])
    names = [p["name"] for p in people] + [a["value"] for p in people for a in p["aliases"]]
    assert not [n for n in names if "mailto" in n.lower() or n.lower().endswith(" mai\\") or '"' in n]
    assert "Sarah Ransome" in names
    senders = {r[0] for r in exhibits.db.execute("SELECT from_name FROM documents WHERE kind = 'printed-email'")}
    assert "[REDACTED]" in senders and "" not in senders
    # two different people are not merged on a weak signal: Ross Gow and Philip Barden stay apart
    gow = next(p for p in people if p["name"] == "Ross Gow")
    assert not any("barden" in a["value"].lower() for a in gow["aliases"])


def test_the_other_sides_words_quoted_in_a_reply_are_that_sides_statement(exhibits):
    """A letter's recipient's position is often written down only where the letter quotes it
    (real exhibit 1327.16: the plaintiff's "secret search terms" accusation, quoted by the defence)."""
    from casefile.timeline.dispute import quoted_addressee
    text = ("Your representation to the Court that we are running “secret search terms unilaterally chosen by "
            "Defendant” is simply inaccurate. We wrote “see you soon” to nobody in particular.")
    spans = [text[a:b] for a, b in quoted_addressee(text)]
    assert spans == ["secret search terms unilaterally chosen by Defendant"]
    de = "Ihre Behauptung, wir hätten „die Frist bewusst verstreichen lassen“, trifft nicht zu."
    assert [de[a:b] for a, b in quoted_addressee(de)] == ["die Frist bewusst verstreichen lassen"]
    assert quoted_addressee("He said “we will not sign this agreement” yesterday.") == []
    # in the case: the quote counts for the plaintiff's side, cited where it is printed, quoted by the defence
    people = {p["name"]: p["id"] for p in exhibits.people()}
    res = exhibits.dispute(people["Laura Menninger"], people["Meredith Schultz"])
    quoted = [s for k in res["issues"] for s in k["sides"][1]["statements"] if s["quoted_by"]]
    assert quoted and quoted[0]["quoted_by"]["name"] == "Laura Menninger"
    assert "secret search terms" in quoted[0]["text"] and quoted[0]["citation"]["citation"]["pages"]


def test_the_name_after_an_accusing_verb_is_not_the_speaker():
    from casefile.verify.claims import extract
    text = ('Search terms\n\nIn July her lawyers accused Maxwell\'s team of running "secret search terms chosen '
            'by the other side alone".\nKeller told Shah: "We will not sign this agreement in May."\n')
    claims = [c for c in extract(text, known_names=["Maxwell", "Keller", "Shah"]) if c.kind == "quote"]
    assert [c.speaker for c in claims] == [None, "Keller"]


def test_words_a_writer_quotes_from_the_addressee_are_the_addressees(exhibits):
    """Real exhibit 1327.16: the defence's reply quotes the plaintiff's filing; an article that
    gives those words to the plaintiff's lawyers is right, not misattributing them."""
    from casefile.verify import article as art
    text = ("The search terms\n\nIn July her lawyers accused Maxwell's team of running \"secret search terms "
            "unilaterally chosen by Defendant.\"\nLaura Menninger wrote that the defence was running \"secret search "
            "terms unilaterally chosen by Defendant.\"\n")
    got = [v["verdict"] for v in art.verify(exhibits, text, "t")["verdicts"]]
    assert got == ["supported", "misattributed"]


def test_a_side_that_never_writes_but_is_quoted_can_be_named(tmp_path):
    """The other party of a company's fight is often only in the news its people forward
    ("Davis said ..."): a name no person goes by is a side when the messages quote it speaking."""
    src = tmp_path / "in"
    src.mkdir()
    mails = [
        ("steve@power.example", "Steve Kean", "jeff@power.example", "2001-07-05", "News: refund talks",
         "FYI, from this morning's paper:\n\n\"We want a full refund of $8.9 billion and we will not settle for less,\" "
         "Davis said at a news conference.\nThe governor added that the state would sue if the talks failed.\n"),
        ("jeff@power.example", "Jeff Dasovich", "steve@power.example", "2001-07-06", "Re: News: refund talks",
         "We refuse to pay $8.9 billion. Our offer of $716 million in refunds stands and we will not raise it.\n"),
        ("steve@power.example", "Steve Kean", "jeff@power.example", "2001-07-09", "Talks over",
         "Clipping: Davis said the state rejects the $716 million offer and will take the refund fight to court.\n"),
    ]
    for i, (addr, name, to, day, subject, body) in enumerate(mails):
        (src / f"m{i}.eml").write_text(f"From: {name} <{addr}>\nTo: {to}\nSubject: {subject}\n"
                                       f"Date: {day}T10:00:00Z\nMessage-ID: <m{i}@power.example>\n\n{body}")
    with Case.create(tmp_path / "case") as case:
        case.ingest([src])
        assert case.resolve_side("Gray Davis") == {"people": [], "quoted": ["Gray Davis"]}
        with pytest.raises(UserError, match="no message quotes them"):
            case.resolve_side("Pete Wilson")
        res = case.dispute("Gray Davis", "Jeff Dasovich+Steve Kean")
    assert res["sides"][0] == [{"id": None, "name": "Gray Davis", "quoted_only": True}]
    said = [s for k in res["issues"] for s in k["sides"][0]["statements"]]
    assert said and all(s["quoted_by"] for s in said) and all("Davis said" in s["text"] for s in said)
    with Case.open(tmp_path / "case") as case:                 # every statement cites the span it quotes
        for s in said:
            c = s["citation"]
            assert " ".join(case.document(c["doc_id"])["text"][c["start"]:c["end"]].split()) == s["text"]
    company = [s["text"] for k in res["issues"] for s in k["sides"][1]["statements"]]
    assert not [t for t in company if "Davis said" in t]       # the clipping is not the forwarder's own word


def test_the_timeline_and_briefing_take_sides_of_several_people(exhibits):
    """`timeline --between` and `brief --between` take sides as `dispute` does ("A+B": a party and
    its lawyers); the briefing between them cites every sentence and no boilerplate."""
    from casefile.analyze import boilerplate as bp
    from casefile.timeline.events import EVENT_KINDS
    sides = ("Laura Menninger+Jeff Pagliuca", "Meredith Schultz+Sigrid Mccawley")
    res = exhibits.timeline(between=sides)
    assert res["between"] == ["Laura Menninger + Jeff Pagliuca", "Meredith Schultz + Sigrid Mccawley"]
    assert res["events"]
    brief = exhibits.brief("en", between=sides)
    sentences = brief.all_sentences()
    assert sentences and all(s.cites for s in sentences)
    keys = bp.from_store(exhibits.db, EVENT_KINDS)
    assert not [s for s in brief.sources if s.get("text") and bp.own_part(s["text"], keys, bp.prefixes(keys)) is None]


def test_a_clipping_passed_on_is_not_the_writers_statement():
    from casefile.timeline.dispute import is_news_report
    assert is_news_report('"You order what you think is fair," Davis said during a news conference.')
    assert is_news_report("„Das ist falsch“, sagte er am Montag vor Journalisten.")
    assert not is_news_report("Davis said the state would sue. We think that is a bluff.")
    assert not is_news_report("As you said, the terms are fine with us.")
    assert not is_news_report("We refuse to pay the refund they demand.")


def test_a_statement_without_support_always_says_why():
    """A not_in_sources verdict whose nearest source had no differing check gave the reason
    "the nearest source is about it but says something else: " and nothing after it."""
    from casefile.verify import checks
    from casefile.verify import judge
    from casefile.verify.verdict import _unsaid
    reason = _unsaid(0.23, [])
    assert reason.endswith(f"(support needs {judge.SUPPORTS:.0%})") and "23%" in reason
    differing = [checks.Check("amounts", "differ", "claim 1,600,000,000 USD; source 1,000,000,000 USD")]
    assert _unsaid(0.9, differing).endswith("source 1,000,000,000 USD")
