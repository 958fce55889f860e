import pytest

from casefile.errors import UserError
from casefile.sample import sample_dir
from casefile.search import fulltext
from casefile.search.fulltext import make_snippet


@pytest.fixture
def sample(case):
    case.ingest([sample_dir()], workers=1)
    return case


def subjects(hits):
    return {h.subject for h in hits}


def test_german_stemming(sample):
    hits, total, _ = sample.search("Vorstandssitze")          # plural finds singular
    assert total >= 1 and any("Vorstandssitz" in h.snippet for h in hits)


def test_english_stemming(sample):
    hits, _, _ = sample.search("resigning")
    assert "Resignation" in subjects(hits)


def test_exact_phrase_is_word_for_word(sample):
    hits, total, _ = sample.search('"observer seat"')
    assert total >= 1 and all("observer seat" in h.snippet for h in hits)
    _, none, _ = sample.search('"seat observer"')
    assert none == 0


def test_german_quotes_are_phrases(sample):
    hits, total, _ = sample.search("„ich lasse mich nicht erpressen“")
    assert total == 2 and {h.kind for h in hits} == {"email", "article"}     # Lena's mail, the article quoting it


def test_filters_and_sort(sample):
    hits, _, _ = sample.search("Halvard", sender="priya")
    assert hits and all("priya" in f"{h.from_name} {h.from_addr}".lower() for h in hits)
    assert {h.kind for h in hits} >= {"email", "printed-email"}
    hits, _, _ = sample.search("", recipient="weber", before="2016-06-30")
    assert subjects(hits) == {"Gesellschaftervereinbarung Nordhafen – Frage zur Pattsituation", "Resignation",
                              "AW: HarbourNav"}
    hits, _, _ = sample.search("Halvard", after="2016-05-01", before="2016-05-31", sort="date")
    dates = [h.sent_at for h in hits]
    assert dates and all("2016-05-01" <= d[:10] <= "2016-05-31" for d in dates)
    assert dates == sorted(dates, reverse=True)
    hits, _, _ = sample.search("term sheet", source="daniel-okafor")
    assert hits and all("daniel-okafor" in h.source for h in hits)


def test_bad_filters_are_user_errors(sample):
    with pytest.raises(UserError):
        sample.search("x", after="2016-13-45")
    with pytest.raises(UserError):
        sample.search("")


def test_snippet_highlights_stems_and_phrases():
    text = "Wir haben über die Vorstandssitze gesprochen. The board seats were discussed."
    snip, hl = make_snippet(text, ["board seats"], ["Vorstandssitz"])
    marked = {snip[a:b] for a, b in hl}
    assert marked == {"Vorstandssitze", "board seats"}


def test_the_snippet_window_is_the_one_with_most_hits():
    """best_window (one pass) picks what counting every window afresh picks."""
    import random

    from casefile.search.fulltext import best_window

    def every_window(spans, width):
        best, best_n = spans[0][0], 0
        for s, _ in spans:
            n = sum(1 for a, _ in spans if s <= a < s + width)
            if n > best_n:
                best, best_n = s, n
        return best

    rng = random.Random(7)
    for _ in range(2000):
        starts = sorted(rng.randint(0, 3000) for _ in range(rng.randint(1, 60)))
        spans = [(a, a + rng.randint(1, 15)) for a in starts]
        width = rng.choice([10, 100, 220, 2000])
        assert best_window(spans, width) == every_window(spans, width)
    text = "filler " * 3000 + "the board seat and the seat of the board " + "filler " * 3000
    snippet, hl = make_snippet(text, [], ["seat", "board"])
    assert "board seat" in snippet and len(hl) == 4


def test_reindex_gives_the_same_results(sample):
    before = [h.doc_id for h in sample.search("Anteile")[0]]
    assert sample.reindex() == 45
    assert [h.doc_id for h in sample.search("Anteile")[0]] == before


def _indexed(case) -> int:
    import tantivy
    case.index._index = None
    return case.index._open().searcher().search(tantivy.Query.all_query(), 1, count=True).count


def test_a_large_index_update_runs_in_its_own_process_beside_the_analysis(case, monkeypatch):
    from casefile.search import fulltext
    started = []
    real = fulltext.BackgroundUpdate.__init__

    def spy(self, root):
        started.append(root)
        real(self, root)

    monkeypatch.setattr(fulltext, "BACKGROUND_MIN", 0)
    monkeypatch.setattr(fulltext.BackgroundUpdate, "__init__", spy)
    s = case.ingest([sample_dir()], workers=1, embed=False)
    assert started == [case.root]
    total = case.db.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
    assert fulltext.unindexed(case.db) == 0
    assert _indexed(case) == total == s.documents_added
    hits, n, _ = case.search("Vorstandssitz")
    assert n > 0


def test_a_failed_background_index_update_is_redone_in_the_ingest(case, monkeypatch):
    import subprocess
    import sys

    from casefile.search import fulltext

    def failing(self, root):            # a real process that fails before indexing anything
        self.proc = subprocess.Popen([sys.executable, "-c", "raise SystemExit('index writer broke')"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    monkeypatch.setattr(fulltext, "BACKGROUND_MIN", 0)
    monkeypatch.setattr(fulltext.BackgroundUpdate, "__init__", failing)
    summary = case.ingest([sample_dir()], workers=1, embed=False)
    total = case.db.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
    assert _indexed(case) == total
    assert case.search("Vorstandssitz")[1] > 0
    assert summary.notes == ["the background index update failed (index writer broke); it was redone in this process"]


def test_a_very_large_index_update_waits_for_the_analysis(case, monkeypatch):
    """Above LARGE_UPDATE documents the index update does not run beside the analysis (the two
    would add up their memory): no second process, and the index is complete afterwards."""
    from casefile.search import fulltext
    started = []
    monkeypatch.setattr(fulltext, "BACKGROUND_MIN", 0)
    monkeypatch.setattr(fulltext, "LARGE_UPDATE", 1)
    monkeypatch.setattr(fulltext.BackgroundUpdate, "__init__", lambda self, root: started.append(root))
    s = case.ingest([sample_dir()], workers=1, embed=False)
    assert started == [] and s.analysis["documents"] == s.documents_added
    assert _indexed(case) == s.documents_added
    assert case.search("Vorstandssitz")[1] > 0


def test_an_index_of_an_older_version_is_rebuilt(sample):
    import json
    before = [h.doc_id for h in sample.search("Anteile")[0]]
    meta = sample.index.meta_path
    meta.write_text(json.dumps({"version": 0}))
    sample.index._index = None
    assert not sample.index.exists()
    assert sample.index.pending(sample.db) == 45
    assert [h.doc_id for h in sample.search("Anteile")[0]] == before          # rebuilt on first use
    assert json.loads(meta.read_text())["version"] >= 1
    meta.write_text("{not json")                                              # a damaged one too
    sample.index._index = None
    assert [h.doc_id for h in sample.search("Anteile")[0]] == before
    assert fulltext.unindexed(sample.db) == 0


def test_stems_are_looked_up_in_the_vocabulary_under_prefixes_that_cover_every_form():
    from casefile.search.fulltext import _term_stems, stem_prefixes
    assert stem_prefixes("happi", "en") == {"happ"}             # happy, happier
    assert stem_prefixes("seat", "en") == {"seat"}
    assert stem_prefixes("geschaftsfuhr", "de") == {"geschaftsfuhr", "geschaeftsfuhr", "geschaftsfuehr",
                                                    "geschaeftsfuehr"}
    assert stem_prefixes("quell", "de") == {"quell"}             # "que" is not "qü"
    many = stem_prefixes("aoaoutz", "de")                           # branches at four vowels, stops at the fifth
    assert len(many) == 16 and all(p.endswith("u") for p in many)
    assert stem_prefixes("use", "en") == {"use", "using"}            # the stem is not a prefix of "using"
    assert stem_prefixes("die", "en") == {"die", "dying"}
    for term in ("happy", "hoping", "geschaeftsfuehrer", "vorstandssitze", "verträge", "anteilen",
                 "using", "aging", "dying", "vying", "skies"):
        folded = term.replace("ä", "a")
        for stem, lang in zip(_term_stems(folded), ("en", "de")):
            assert any(folded.startswith(p) for p in stem_prefixes(stem, lang)), (term, lang)


def _one_message(case, tmp_path, subject: str, body: str) -> None:
    (tmp_path / "m.eml").write_text(
        f"From: Lena Berg <lena@example.de>\nTo: Daniel <daniel@example.org>\nSubject: {subject}\n"
        f"Date: Mon, 11 Apr 2016 21:15:00 +0200\nMessage-ID: <{subject}@example.de>\n\n{body}\n")
    case.ingest([tmp_path / "m.eml"], workers=1, embed=False)


def test_transliterated_umlauts_and_inflections_find_each_other(case, tmp_path):
    _one_message(case, tmp_path, "Protokoll",
                 "Der Geschaeftsfuehrer legt die Vertraege vor; die Gesellschafter stimmen heute nicht ab, "
                 "sondern erst nach der Pruefung durch die Anwaelte in der kommenden Woche.")
    for query in ("Geschäftsführer", "Geschaeftsfuehrers", "Vertrag", "Verträge", "Prüfung", "Gesellschaftern"):
        assert case.search(query)[1] == 1, query
    assert case.search("Vertragsstrafe")[1] == 0
    assert case.search('"Vertraege vor"')[1] == 1 and case.search('"Verträge vor"')[1] == 0   # phrases: word for word


def test_a_german_word_in_an_english_text_is_found(case, tmp_path):
    """A German word quoted in an English text is found by its German forms and the English text
    by English inflections."""
    _one_message(case, tmp_path, "Minutes",
                 "We discussed the board seat at length today. Priya insists on the Vorstandssitz and on the "
                 "Anteile before the next round; nobody else in the meeting agreed with her on that point.")
    assert case.db.execute("SELECT lang FROM documents").fetchone()[0] == "en"
    for query in ("Vorstandssitz", "Anteile", "Anteil", "seats"):
        assert case.search(query)[1] == 1, query


def test_short_stems_find_their_irregular_forms(case, tmp_path):
    """The English stemmer gives "using" the stem "use" and "lying" the stem "lie", which are not
    prefixes of those words; the query still finds them."""
    _one_message(case, tmp_path, "Numbers",
                 "He keeps using the old figures and lying about the age of the accounts to the investors.")
    for query in ("use", "uses", "lie", "lies", "aging", "account"):
        assert case.search(query)[1] == 1, query
    assert case.search("die")[1] == 0


def test_semantic_search_says_how_much_of_the_case_it_sees(tmp_path, cli):
    """Issue 30: while passages wait for their vectors, semantic and hybrid search say how much
    of the case they cover instead of silently missing the rest."""
    from casefile.sample import sample_dir
    case = tmp_path / "case"
    cli("ingest", sample_dir() / "daniel-okafor", "--case", case)
    full = cli.json("search", "board seat", "--mode", "semantic", "--case", case)["semantic_coverage"]
    assert full["share"] == 1.0 and full["passages_embedded"] == full["passages_searchable"] > 0
    cli("ingest", sample_dir() / "founding", "--case", case, "--no-embed")
    part = cli.json("search", "board seat", "--mode", "hybrid", "--case", case)["semantic_coverage"]
    assert 0 < part["share"] < 1.0 and part["passages_embedded"] == full["passages_embedded"]
    res = cli("search", "board seat", "--mode", "semantic", "--case", case)
    assert f"sees {part['share']:.0%} of the case" in res.stderr and "casefile embed" in res.stderr
    assert "semantic_coverage" not in cli.json("search", "board seat", "--case", case)
