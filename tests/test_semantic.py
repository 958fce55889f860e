"""Search across languages: passages, embeddings, the vector index, semantic and hybrid search,
finding a quote's source. Real models (shipped in their PyPI packages), real SQLite, real faiss."""
import shutil

import numpy as np
import pytest

from casefile import Case
from casefile.errors import UserError
from casefile.sample import sample_dir
from casefile.search import embeddings, passages, quote, vectors
from casefile.search.semantic import fuse


@pytest.fixture(scope="session")
def sample_case(tmp_path_factory):
    root = tmp_path_factory.mktemp("semantic") / "sample"
    with Case.create(root) as c:
        c.ingest([sample_dir()])
    return root


@pytest.fixture
def sample(sample_case, tmp_path):
    """A private copy of the ingested and embedded sample case."""
    root = tmp_path / "sample"
    shutil.copytree(sample_case, root)
    c = Case.open(root)
    yield c
    c.close()


# ------------------------------------------------------------------ passages
def test_sentences_keep_abbreviations_ordinals_and_numbers_together():
    t = ("Dr. Weber prüft bereits, welche Fristen gelten. Am 12. April 2016 kam die Antwort, z. B. zu § 9. "
         "It costs EUR 2.5 million, i.e. less than Mr. Smith said. Really?")
    got = [t[a:b] for a, b in passages.sentences(t)]
    assert got == ["Dr. Weber prüft bereits, welche Fristen gelten.",
                   "Am 12. April 2016 kam die Antwort, z. B. zu § 9.",
                   "It costs EUR 2.5 million, i.e. less than Mr. Smith said.", "Really?"]


def test_passages_leave_out_salutation_and_signature_and_cite_page_and_bates():
    text = ("Dear Lena,\n\nthe board meets on Friday. We will vote on the budget.\n\n"
            "Best regards,\nPriya Raman\nPartner, Halvard Ventures")
    pages = [{"page": 3, "start": 0, "end": 40, "bates": ["NHR_000103"]},
             {"page": 4, "start": 40, "end": len(text), "bates": ["NHR_000104"]}]
    ps = passages.cut("pdf", text, pages=pages, lang="en")
    assert [text[p.start:p.end] for p in ps] == ["the board meets on Friday. We will vote on the budget."]
    assert (ps[0].page, ps[0].bates, ps[0].lang) == (3, "NHR_000103", "en")


def test_an_emails_passages_stop_at_its_quoted_message():
    text = ("I disagree with the board seat.\n\nOn Mon, 4 Mar 2016, Lena Berg wrote:\n"
            "> Den Vorstandssitz halte ich für vertretbar.\n> Lena\n")
    ps = passages.cut("email", text)
    assert all("Vorstandssitz" not in text[p.start:p.end] for p in ps)
    assert text[ps[0].start:ps[0].end] == "I disagree with the board seat."


def test_lines_quoted_with_a_marker_are_never_cited_as_the_senders_words():
    text = ("Lena,\n\nI disagree with the board seat for the investor.\n\n> You agreed to it in March.\n\n"
            "No, I never agreed to it in March, that is simply wrong.\n\nDaniel\n\n> Den Sitz halte ich für vertretbar.")
    got = [text[p.start:p.end] for p in passages.cut("email", text)]
    assert got == ["I disagree with the board seat for the investor.",
                   "No, I never agreed to it in March, that is simply wrong."]


def test_long_runs_without_full_stops_are_cut_and_passages_are_bounded():
    text = ("word " * 3000).strip()
    ps = passages.cut("text", text)
    assert all(p.end - p.start <= passages.MAX_SENTENCE_CHARS for p in ps)
    assert ps[-1].end == len(text)


def test_every_sample_document_is_cut_and_copies_and_exhibit_containers_are_not_searchable(sample):
    db = sample.db
    assert db.execute("SELECT COUNT(*) FROM documents WHERE passaged = 0").fetchone()[0] == 0
    copies = {r[0] for r in db.execute("SELECT doc_id FROM duplicates WHERE canonical = 0")}
    assert copies
    for doc_id, searchable in db.execute("SELECT doc_id, searchable FROM passages"):
        if doc_id in copies:
            assert searchable == 0
    pdfs = [r[0] for r in db.execute("SELECT id FROM documents WHERE kind = 'pdf'")]
    assert pdfs and all(db.execute("SELECT MAX(searchable) FROM passages WHERE doc_id=?", (d,)).fetchone()[0] == 0
                        for d in pdfs)
    # the printed e-mails of the exhibits are cited by page and Bates number
    row = db.execute("SELECT p.page, p.bates FROM passages p JOIN documents d ON d.id = p.doc_id "
                     "WHERE d.kind = 'printed-email' AND d.subject = 'Board seat'").fetchone()
    assert tuple(row) == (1, "NHR_000071")
    # searchable passages all have a vector of the case's model
    assert db.execute("SELECT COUNT(*) FROM passages WHERE searchable = 1 AND vec IS NULL").fetchone()[0] == 0
    assert embeddings.case_model(db) == embeddings.DEFAULT_MODEL


def test_the_searchable_flags_follow_the_duplicate_groups_when_they_change(sample):
    """A later ingest can turn a copy into a canonical message or the reverse: passages.run puts
    every flag right again, bumping the generation when passages become searchable again."""
    db = sample.db
    copy = db.execute("SELECT doc_id FROM duplicates WHERE canonical = 0").fetchone()[0]
    canonical = db.execute("SELECT p.doc_id FROM passages p JOIN documents d ON d.id = p.doc_id "
                           "WHERE p.searchable = 1 AND d.kind = 'email'").fetchone()[0]
    pdf = db.execute("SELECT id FROM documents WHERE kind = 'pdf'").fetchone()[0]  # off, and stays off
    before = passages.generation(db)
    with db:
        db.execute("UPDATE passages SET searchable = 0 WHERE doc_id = ?", (canonical,))   # wrongly off
        db.execute("UPDATE passages SET searchable = 1 WHERE doc_id = ?", (copy,))        # wrongly on
    assert passages.run(db) == 0                    # nothing new to cut, only flags to mend
    flags = dict(db.execute("SELECT doc_id, MAX(searchable) FROM passages WHERE doc_id IN (?, ?, ?) GROUP BY doc_id",
                            (canonical, copy, pdf)))
    assert flags == {canonical: 1, copy: 0, pdf: 0}
    assert passages.generation(db) == before + 1
    passages.run(db)                                # all in step: no new generation
    assert passages.generation(db) == before + 1


def test_passages_cut_in_the_ingest_workers_are_those_the_passage_stage_cuts(sample):
    """The workers cut passages from the text before the store writes it; they must be exactly
    what cutting the stored document gives (same offsets, pages, Bates numbers, languages)."""
    import json

    from casefile.search.passages import cut
    db = sample.db
    rows = db.execute("SELECT id, kind, text, pages, citation, lang, lang_spans FROM documents").fetchall()
    assert len(rows) > 40
    for r in rows:
        want = [(p.seq, p.start, p.end, p.page, p.bates, p.lang) for p in cut(
            r["kind"], r["text"] or "", json.loads(r["pages"]) if r["pages"] else None,
            json.loads(r["citation"]) if r["citation"] else None, r["lang"],
            json.loads(r["lang_spans"]) if r["lang_spans"] else None)]
        got = [tuple(x) for x in db.execute('SELECT seq, start, "end", page, bates, lang FROM passages'
                                            " WHERE doc_id=? ORDER BY seq", (r["id"],))]
        assert got == want, r["id"]


def test_a_killed_embedding_run_resumes_without_duplicates(sample, monkeypatch):
    db = sample.db
    clean = {r[0]: r[1] for r in db.execute("SELECT id, vec FROM passages WHERE vec IS NOT NULL")}
    db.execute("UPDATE passages SET vec = NULL")
    monkeypatch.setattr(embeddings, "COMMIT_ROWS", 4)
    monkeypatch.setattr(embeddings, "BATCH", 4)
    calls = []

    def die(done, todo):
        calls.append(done)
        if len(calls) == 3:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        embeddings.run(db, workers=1, progress=die)
    partial = db.execute("SELECT COUNT(*) FROM passages WHERE vec IS NOT NULL").fetchone()[0]
    assert 0 < partial < len(clean)
    embeddings.run(db, workers=1)
    again = {r[0]: r[1] for r in db.execute("SELECT id, vec FROM passages WHERE vec IS NOT NULL")}
    assert again.keys() == clean.keys()
    for pid, blob in clean.items():
        a = np.frombuffer(blob, np.float16).astype(np.float32)
        b = np.frombuffer(again[pid], np.float16).astype(np.float32)
        assert float(a @ b) > 0.999


# ------------------------------------------------------------------ embeddings
def test_the_default_model_puts_a_translation_next_to_its_source():
    m = embeddings.get()
    v = m.encode(["I have not agreed to the board seat.", "Ich habe dem Sitz im Vorstand nicht zugestimmt.",
                  "The delivery of flour is delayed until Monday."])
    assert v.shape == (3, 512)
    assert np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-4)
    assert v[0] @ v[1] > v[0] @ v[2] + 0.2


def test_the_word_cached_tokenizer_gives_the_same_pieces_as_the_uncached_one():
    """embeddings.word_cached looks pieces up per word; the ids must be those of the whole-text
    Viterbi, on German and English mail, odd spacing and characters the vocabulary lacks."""
    from pathlib import Path
    model = embeddings.get("use-multilingual-v3")
    model.load()
    tok = model._model._tokenizer
    assert hasattr(tok._viterbi, "uncached")
    texts = [p.read_text(errors="replace") for p in sorted(Path(sample_dir()).rglob("*")) if p.is_file()]
    texts += ["  Hallo   Welt  ", "EUR 1.000.000,00 — „Zitat“ ‚halb‘ »Guillemets«", "\u2581 literal mark\u2581here",
              "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 🚢🚢 \u0000 ᚠᛇᚻ 漢字かな", "x" * 3000, "a\tb\nc\r\nd", "Übergröße ß ẞ Ǆ ﬁ"]
    lines = [line for t in texts for line in t.splitlines() if line.strip()] + texts
    checked = 0
    for text in lines:
        normalized = tok._normalizer.normalize(text)
        if normalized:
            assert tok._viterbi(normalized) == tok._viterbi.uncached(normalized), text[:80]
            checked += 1
    assert checked > 500


def test_unknown_models_and_missing_sentence_transformers_models_are_one_sentence_errors():
    with pytest.raises(UserError, match="Unknown embedding model"):
        embeddings.get("word2vec")
    st = embeddings.get("st:/nonexistent/model-folder")
    with pytest.raises(UserError, match="sentence-transformers"):
        st.encode(["x"])


def test_switching_the_model_re_embeds_every_passage(sample):
    res = sample.embed(model="e5-small")
    n = sample.db.execute("SELECT COUNT(*) FROM passages WHERE searchable = 1").fetchone()[0]
    assert res["model"] == "e5-small" and res["embedded"] == n
    assert len(sample.db.execute("SELECT vec FROM passages WHERE searchable = 1").fetchone()[0]) == 384 * 2
    hits, _, _ = sample.search("Schiedsverfahren dauert Monate", mode="semantic", limit=3)
    assert hits and sample.semantic.vectors.meta()["model"] == "e5-small"


def test_any_sentence_transformers_model_can_embed_a_case(sample, tmp_path):
    """A user's own model, by folder: here a small static-embedding model built on the spot."""
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.modules import StaticEmbedding
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers
    words = "board seat investor company control votes shares vorstand sitz firma kontrolle stimmen".split()
    tok = Tokenizer(models.WordLevel(vocab={"[UNK]": 0, **{w: i + 1 for i, w in enumerate(words)}},
                                     unk_token="[UNK]"))
    tok.normalizer = normalizers.Lowercase()
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    folder = tmp_path / "tiny-model"
    SentenceTransformer(modules=[StaticEmbedding(tok, embedding_dim=24)], device="cpu").save(str(folder))
    res = sample.embed(model=f"st:{folder}")
    assert res["model"] == f"st:{folder}" and res["embedded"] > 20
    assert sample.semantic.vectors.meta()["dim"] == 24
    hits, _, _ = sample.search("board seat", mode="semantic", limit=3)
    assert hits


# ------------------------------------------------------------------ vector index
def test_hnsw_answers_like_exact_search(sample, monkeypatch):
    exact = sample.semantic.vectors
    m = embeddings.get()
    queries = m.encode(["board seat veto", "Schiedsverfahren", "resignation as managing director",
                        "Finanzierungsrunde Halvard"])
    want = [exact.search(q, 3)[0].tolist() for q in queries]
    assert exact.meta()["hnsw_count"] == 0
    monkeypatch.setattr(vectors, "HNSW_MIN_ROWS", 1)
    shutil.rmtree(exact.dir)
    sample._update_vectors()
    index = sample.semantic.vectors
    assert index.meta()["hnsw_count"] == index.meta()["vectors"] > 0
    got = [index.search(q, 3)[0].tolist() for q in queries]
    assert [w[0] for w in want] == [g[0] for g in got]
    # a filter through the graph keeps to the allowed rows
    allowed = np.zeros(index.size(), bool)
    allowed[::2] = True
    monkeypatch.setattr(vectors, "EXACT_FILTERED_MAX", 0)
    pos, _ = index.search(queries[0], 5, allowed)
    assert len(pos) and all(allowed[p] for p in pos)


def test_identical_passages_share_one_vector_and_the_index_only_appends(tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    for i, who in enumerate(("anna", "ben", "clara")):
        (d / f"{i}.eml").write_text(
            f"From: {who} <{who}@example.org>\nTo: x@example.org\nSubject: note {i}\n"
            f"Date: Mon, {i + 1} Feb 2016 10:00:00 +0000\nMessage-ID: <{i}@example.org>\n\n"
            f"Hi,\n\nThis message is confidential and meant only for its recipient.\n\n"
            f"The audit number {i} belongs to {who}, who will explain the figures at the meeting next week.\n\n{who}\n")
    with Case.create(tmp_path / "c") as c:
        c.ingest([d])
        m = c.semantic.vectors.meta()
        assert m["count"] == 6 and m["vectors"] == 4
        res = c.quote("This message is confidential and only meant for the recipient.")
        top = res["sources"][0]
        assert res["found"] and len(top["also_in"]) == 2
        (d / "3.eml").write_text("From: dan <dan@example.org>\nTo: x@example.org\nSubject: n\n"
                                 "Date: Mon, 8 Feb 2016 10:00:00 +0000\nMessage-ID: <3@example.org>\n\n"
                                 "Dan has a completely different thing to say about invoices.\n")
        c.ingest([d])
        assert c.semantic.vectors.meta()["count"] == 7


# ------------------------------------------------------------------ search modes
def test_semantic_search_finds_an_english_email_from_a_german_query(sample):
    hits, total, _ = sample.search("Er würde lieber die Firma verlassen als einem Investor die Kontrolle geben",
                                   mode="semantic", limit=3)
    assert hits[0].subject == "Board seat" and hits[0].from_name == "Daniel Okafor"
    assert hits[0].passage["bates"] == "NHR_000071" and "rather leave the company" in hits[0].snippet
    text, _, _ = sample.search("Er würde lieber die Firma verlassen", mode="text")
    assert not text


def test_hybrid_search_fuses_both_rankings_and_keeps_the_filters(sample):
    hits, _, _ = sample.search("board seat", mode="hybrid", limit=10)
    assert hits and len({h.doc_id for h in hits}) == len(hits)
    assert hits[0].score > hits[-1].score
    lena, _, _ = sample.search("board seat", mode="hybrid", sender="lena", limit=10)
    assert lena and all("Lena" in (h.from_name or "") for h in lena)
    dated, _, _ = sample.search("Stimmrechte", mode="semantic", after="2016-05-01", limit=10)
    assert dated and all(h.sent_at >= "2016-05-01" for h in dated)
    by_date, _, _ = sample.search("board seat", mode="semantic", sort="date", limit=5)
    stamps = [h.sent_at for h in by_date if h.sent_at]
    assert stamps == sorted(stamps)
    with pytest.raises(UserError, match="mode"):
        sample.search("x", mode="fuzzy")


def test_reciprocal_rank_fusion():
    fused = fuse([["a", "b", "c"], ["c", "a"]], k=60)
    assert [d for d, _ in fused] == ["a", "c", "b"]


# ------------------------------------------------------------------ quotes
def test_quote_finds_the_source_of_a_translated_quote_with_alignment(sample):
    res = sample.quote("Okafor schrieb, er habe dem Sitz im Board nicht zugestimmt und werde es auch nicht tun.")
    assert res["found"]
    top = res["sources"][0]
    assert top["document"]["from"]["name"] == "Daniel Okafor"
    assert "I have not agreed to the board seat" in top["span"]["text"]
    assert top["citation"]["bates"] == ["NHR_000071"] and top["citation"]["pages"] == [1, 1]
    kinds = {(a["quote_text"], a["passage_text"], a["kind"]) for a in top["alignment"]}
    assert ("Sitz", "seat", "translation") in kinds
    text = sample.document(top["document"]["id"])["text"]
    for a in top["alignment"]:
        s, e = a["passage"]
        assert text[s:e] == a["passage_text"]


def test_quote_says_when_nothing_is_close_enough(sample):
    res = sample.quote("Die Polizei ermittelt wegen des Diebstahls von Prototypen aus dem Lager.")
    assert not res["found"] and res["message"].startswith("Nothing in the case")
    with pytest.raises(UserError):
        sample.quote("   ")


def test_quote_leaves_articles_out_unless_asked(sample):
    q = "Okafor hielt den Sitz zunächst für unproblematisch."
    kinds = {s["document"]["kind"] for s in sample.quote(q, limit=10)["sources"]}
    assert "article" not in kinds
    with_articles = sample.quote(q, limit=10, include_articles=True)
    assert with_articles["sources"][0]["document"]["kind"] == "article"


def test_alignment_pairs_same_words_stems_numbers_and_translations():
    words = quote.WordVectors(embeddings.get())
    al = quote.align("Halvard offered 4 million for a board seat on Friday",
                     "Halvard bietet 4 Millionen für einen Sitz im Board, bis Freitag.", 100, words)
    kinds = {(a["quote_text"], a["passage_text"]): a["kind"] for a in al["alignment"]}
    assert kinds[("Halvard", "Halvard")] == "same"
    assert kinds[("4", "4")] == "number"
    assert kinds[("Friday", "Freitag")] == "translation"
    assert all(a["passage"][0] >= 100 for a in al["alignment"])
    assert 0.5 <= al["coverage"] <= 1.0


# ------------------------------------------------------------------ CLI
def test_cli_quote_search_modes_and_embed(sample, cli):
    root = sample.root
    sample.close()
    res = cli.json("quote", "If you take control of the votes, I am out.", "--case", root)
    assert res["found"] and res["sources"][0]["document"]["from"]["addr"] == "daniel@okafor.me"
    out = cli("quote", "Wenn du die Kontrolle über die Stimmen übernimmst, bin ich raus.", "--case", root).output
    assert "Daniel Okafor" in out
    hits = cli.json("search", "Schiedsverfahren", "--mode", "hybrid", "--case", root)
    assert hits["mode"] == "hybrid" and hits["hits"]
    none = cli("quote", "Halvard eröffnet ein Büro in Berlin.", "--case", root).output
    assert "Nothing in the case is close enough" in none
    emb = cli.json("embed", "--case", root)
    assert emb["embedded"] == 0 and emb["model"] == embeddings.DEFAULT_MODEL
    bad = cli("search", "x", "--mode", "semantic", "--after", "2016-13-01", "--case", root, ok=False)
    assert bad.exit_code == 2 and "not a date" in bad.output


def test_a_case_ingested_without_embedding_says_what_to_run(tmp_path, cli):
    root = tmp_path / "c"
    cli("ingest", sample_dir() / "daniel-okafor", "--no-embed", "--case", root)
    r = cli("quote", "I resign as managing director", "--case", root, ok=False)
    assert r.exit_code == 2 and "casefile embed" in r.output
    cli("embed", "--case", root)
    assert cli.json("quote", "I resign as managing director", "--case", root)["found"]
