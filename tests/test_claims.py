"""Claims of an article (verify/claims.py): quotes with their speakers, reported speech, facts."""
from casefile.verify import claims

NAMES = ["Lena Berg", "Daniel Okafor", "Priya Raman", "Halvard Ventures", "Nordhafen Robotics"]

DE = """Streit bei Nordhafen Robotics: Mitgründer Okafor verlässt das Start-up
Daniel Okafor ist am 31. Mai als Geschäftsführer zurückgetreten, wie aus internen E-Mails hervorgeht.
Okafor hielt den Sitz zunächst für unproblematisch. „Den Vorstandssitz für Halvard halte ich für vertretbar“, schrieb er laut den E-Mails.
Anfang Mai stellte Okafor ein Ultimatum. Berg antwortete: „Ich lasse mich nicht erpressen.“
Das Wetter in Hamburg war an diesem Tag schön."""

EN = """Co-founder Daniel Okafor objected. "A board seat plus a budget veto means Halvard controls the company," he wrote to his co-founder Lena Berg on March 5.
Halvard Ventures offered EUR 4 million in March, on condition that it received a board seat and a veto over budgets above EUR 250,000.
Halvard paid EUR 2.5 million on June 20 and it will pay the remaining EUR 1.5 million in 2017.
Berg told colleagues she would "accept the offer at any price". The so-called "deal" was never signed."""


def by_kind(cs, kind):
    return [c for c in cs if c.kind == kind]


def test_german_quotes_get_their_speaker_and_pronouns_are_resolved():
    cs = claims.extract(DE, NAMES)
    quotes = by_kind(cs, "quote")
    assert [(q.quote, q.speaker, q.verb) for q in quotes] == [
        ("Den Vorstandssitz für Halvard halte ich für vertretbar", "Okafor", "schrieb"),
        ("Ich lasse mich nicht erpressen.", "Berg", "antwortete")]
    assert quotes[1].negated and not quotes[0].negated
    q = quotes[0]
    assert DE[q.quote_span[0]:q.quote_span[1]] == q.quote


def test_reported_speech_without_a_speaker_and_facts_with_dates():
    cs = claims.extract(DE, NAMES)
    ind = by_kind(cs, "indirect")
    assert len(ind) == 1 and ind[0].speaker is None and ind[0].dates[0]["value"] == "--05-31"
    facts = [c.text for c in by_kind(cs, "fact")]
    assert "Anfang Mai stellte Okafor ein Ultimatum." in facts
    assert not any(f.startswith("Streit bei") for f in facts)     # the headline is not a claim
    weather = [c for c in by_kind(cs, "fact") if "Wetter" in c.text]
    assert [c.topical for c in weather] == [True]        # a claim only if the case has something on it


def test_english_quote_speaker_is_the_one_next_to_the_verb_not_the_addressee():
    cs = claims.extract(EN, NAMES)
    q = by_kind(cs, "quote")
    assert q[0].speaker == "Daniel Okafor" and q[0].verb == "wrote"
    assert q[1].quote == "accept the offer at any price" and q[1].speaker == "Berg"
    assert all(c.quote != "deal" for c in q)              # one quoted word is a term, not a quote


def test_two_facts_in_one_sentence_become_two_claims_but_a_list_of_conditions_does_not():
    cs = by_kind(claims.extract(EN, NAMES), "fact")
    offer = [c for c in cs if "offered" in c.text]
    assert len(offer) == 1 and [a["value"] for a in offer[0].amounts] == ["4000000 EUR", "250000 EUR"]
    paid = [c for c in cs if "2.5 million" in c.text or "1.5 million" in c.text]
    assert [c.text for c in paid] == ["Halvard paid EUR 2.5 million on June 20",
                                      "it will pay the remaining EUR 1.5 million in 2017."]


def test_empty_and_huge_articles_are_bounded():
    assert claims.extract("", NAMES) == []
    big = ("Halvard Ventures paid EUR 4 million. " * 20000)
    cs = claims.extract(big, NAMES)
    assert cs and cs[-1].end <= claims.MAX_ARTICLE_CHARS


def test_amounts_written_in_words_are_read_in_both_languages():
    from casefile.analyze.entities import money
    got = [e.value for e in money("Halvard bot vier Millionen Euro bei zwölf Millionen Euro Bewertung; "
                                  "later four million euros, eine Milliarde Euro, 60 Millionen Dollar, 50 Mio. $.")]
    assert got == ["4000000 EUR", "12000000 EUR", "4000000 EUR", "1000000000 EUR", "60000000 USD", "50000000 USD"]
    assert money("one of the founders") == []
    c = [c for c in claims.extract("Der Investor Halvard Ventures hatte angeboten, vier Millionen Euro zu investieren.",
                                   NAMES) if c.kind == "fact"][0]
    assert c.amounts[0]["value"] == "4000000 EUR"


def test_content_leaves_out_how_the_article_attributes_it():
    def c(s):
        a, b = claims.content(s)
        return s[a:b]
    assert c("Okafor schrieb, er werde kein Term Sheet unterschreiben.") == "er werde kein Term Sheet unterschreiben"
    assert c("Der Anwalt Jonas Weber erklärte, ein Erzwingen sei nicht möglich.") == "ein Erzwingen sei nicht möglich"
    assert c("Laut den E-Mails sollte die erste Tranche auf 3,5 Millionen Euro sinken.") == \
        "sollte die erste Tranche auf 3,5 Millionen Euro sinken"
    assert c("Raman made clear that Halvard would not invest.") == "Halvard would not invest"
    assert c("Halvard offered EUR 4 million, Berg said.") == "Halvard offered EUR 4 million"
    # a threat is what is claimed: kept whole
    s = "Okafor drohte, am 31. Mai zurückzutreten."
    assert c(s) == s[:-1]
    cs = claims.extract(s, NAMES)
    assert cs[0].kind == "indirect" and cs[0].speaker == "Okafor"


def test_a_time_relative_to_another_makes_a_sentence_checkable():
    cs = claims.extract("The company plans to open an office in Singapore next year.", NAMES)
    assert [c.kind for c in cs] == ["fact"]


def test_headlines_bylines_time_stamps_credits_and_prompts_are_not_claims():
    text = ("Der Streit um die Suchbegriffe\nVon Anna Roth und Jan Keller\nStand: 28.04.2020 18:00 Uhr\n"
            "Foto: dpa/Imago\nDie Anwälte stritten wochenlang über die Suchbegriffe für die Datenbank.\n"
            "Lesen Sie auch: Wie Kanzleien E-Mails durchsuchen\nWas bedeutet das für das Verfahren?\n"
            "By Sarah Miller and Tom Reed\nBy contrast, the defendant's lawyers refused every search term.")
    cs = claims.extract(text, [])
    assert [c.text for c in cs] == ["Die Anwälte stritten wochenlang über die Suchbegriffe für die Datenbank.",
                                    "By contrast, the defendant's lawyers refused every search term."]
    assert all(c.topical for c in cs)


def test_compound_sentences_are_split_into_their_assertions():
    text = ("Baechle legte den Patch am 31. Oktober auf Eis: Das Zusatzregister erweitere den Zustand der "
            "Signal-Handler.\nThe lawyers met on Monday, but the plaintiff refused the proposed search terms.")
    parts = [c.text for c in claims.extract(text, ["Ralf Baechle"])]
    assert parts == ["Baechle legte den Patch am 31. Oktober auf Eis",
                     "Das Zusatzregister erweitere den Zustand der Signal-Handler.",
                     "The lawyers met on Monday",
                     "the plaintiff refused the proposed search terms."]


def test_reported_speech_attributed_at_the_end_gets_the_speaker_named_before():
    text = ("Kevin Kissell widersprach im Januar.\n"
            "Diese Optionen seien überflüssiger Ballast, schrieb er.")
    c = [c for c in claims.extract(text, ["Kevin Kissell"]) if "Ballast" in c.text][0]
    assert c.kind == "indirect" and c.speaker == "Kevin Kissell"
    assert c.stated == "Diese Optionen seien überflüssiger Ballast"


def test_a_relative_day_inside_reported_speech_is_not_counted_from_the_article():
    from datetime import date
    text = "Sie schrieb, sie werde dem Suchbegriff am Montag zustimmen.\nAm Montag unterschrieb Roth den Vertrag."
    cs = claims.extract(text, ["Anna Roth"], published=date(2024, 1, 12))
    assert cs[0].when == []                      # Monday of the e-mail's week: only the source knows it
    assert cs[1].when and cs[1].when[0]["lo"] == "2024-01-08"


def test_a_day_without_a_year_keeps_no_year():
    from datetime import date
    cs = claims.extract("„Wir lehnen das ab“, schrieb Roth am 21. Januar.", ["Anna Roth"], published=date(2024, 3, 1))
    assert [w["lo"] for w in cs[0].when] == ["--01-21"]


def test_a_pronoun_after_a_quote_is_the_person_named_earlier_in_its_sentence():
    text = ("Maxwell said nothing that week.\n"
            'On July 14, Menninger wrote that she objected to "the vast number" of the 368 proposed terms, '
            "most of which, she said, were not tied to any request.")
    q = [c for c in claims.extract(text, ["Laura Menninger", "Ghislaine Maxwell"]) if c.kind == "quote"][0]
    assert q.speaker == "Menninger"


def test_what_someone_may_say_is_not_their_quote():
    """Blind exhibits dev: „Gow könne allen sagen, „…““ reports Maxwell's answer (Gow may tell
    everyone that ...); the words were held against Gow as their speaker."""
    text = ("Maxwells Antwort fiel knapp aus. Gow könne allen sagen, „dass dies keine neue Person ist, "
            "sondern eine alte Bekannte“, und eine Erklärung ankündigen.")
    q = [c for c in claims.extract(text, ["Ross Gow", "Gow", "Maxwell"]) if c.kind == "quote"][0]
    assert q.speaker is None
    q = [c for c in claims.extract('Gow could tell everyone "that this is no new person at all".', ["Gow"])
         if c.kind == "quote"][0]
    assert q.speaker is None
    q = [c for c in claims.extract('Gow wrote to everyone: "This is no new person at all."', ["Gow"])
         if c.kind == "quote"][0]
    assert q.speaker == "Gow"


def test_a_name_the_headers_spell_in_other_case_still_names_the_speaker():
    # the blind exhibits dev half: the header says "Sigrid Mccawley", the article "Sigrid McCawley";
    # unmatched, "Her firm …, she wrote" went to a man named two sentences before
    text = ("Her colleague Jeff Pagliuca warned the other side.\n\nSigrid McCawley, the partner leading the case, "
            "answered 34 minutes later. Her firm had been having \"an extraordinarily difficult time serving "
            "witnesses,\" she wrote.")
    quote = next(c for c in claims.extract(text, ["Jeff Pagliuca", "Sigrid Mccawley"]) if c.kind == "quote")
    assert quote.speaker == "Sigrid McCawley"
    assert all(not c.names for c in claims.extract("The rich man left on 3 May.", ["Tom Rich"]))   # a word, not a name


def test_a_sentence_opening_with_he_is_about_the_person_named_before():
    text = ("Quinlan did not dismiss the idea on 19 October. He also admitted the stacked operations were not "
            "elegant, but said it had seemed the best alternative.")
    cs = claims.extract(text, ["Jim Quinlan"])
    admitted = next(c for c in cs if c.text.startswith("He also"))
    assert admitted.names == ["Quinlan"]
    assert admitted.text.endswith("the best alternative.")     # "…, but said …" shares its subject: one claim


def test_a_clause_that_announces_what_follows_is_not_split_from_it():
    text = "By Wednesday evening, however, Quinlan conceded: the IRQ export he thought was needed turned out not to be."
    assert [c.text for c in claims.extract(text, ["Jim Quinlan"])] == [text]


def test_a_quote_with_only_its_attribution_is_claimed_with_it():
    text = "„Ein Hack, ja“, schrieb Hellwig dazu. Er nannte es „eine Lösung, die auf Dauer nicht trägt“ und ging."
    cs = [c for c in claims.extract(text, ["Christoph Hellwig"]) if c.kind == "quote"]
    assert cs[0].text == "„Ein Hack, ja“, schrieb Hellwig dazu." and cs[0].stated == "Ein Hack, ja"
