"""The explicit checks behind a verdict (verify/checks.py)."""
from casefile.verify import checks as k


def test_speaker_by_surname_full_name_or_address_and_a_different_sender():
    assert k.speaker("Okafor", {"name": "Okafor, Daniel", "addr": "daniel@okafor.me"}).result == "agree"
    assert k.speaker("Berg", {"name": "Lena Berg", "addr": "lena@x.de"}).result == "agree"
    assert k.speaker("Lena", {"name": None, "addr": "lena.berg@x.de"}).result == "agree"
    assert k.speaker("Weber", {"name": "Dr. Jonas Weber", "addr": "j@k.de"}).result == "agree"
    wrong = k.speaker("Okafor", {"name": "Lena Berg", "addr": "lena.berg@x.de"})
    assert wrong.result == "differ" and "Lena Berg" in wrong.detail
    assert k.speaker(None, {"name": "Lena Berg"}).result == "n/a"


def test_amounts_in_any_form_and_a_changed_amount():
    assert k.amounts("a first tranche of EUR 2.5 million", "reduce the first tranche to\nEUR 2.5 million").result == "agree"
    assert k.amounts("vier Millionen Euro", "EUR 4,000,000").result == "agree"
    changed = k.amounts("Halvard überwies die vollen vier Millionen Euro.", "reduce the first tranche to EUR 2.5 million")
    assert changed.result == "differ" and "4,000,000 EUR" in changed.detail and "2,500,000 EUR" in changed.detail
    assert k.amounts("4 million dollars", "EUR 4 million").result == "differ"      # another currency
    assert k.amounts("no amount here", "EUR 4 million").result == "n/a"


def test_dates_against_the_text_and_the_day_sent_with_one_day_of_slack():
    assert k.dates_check("he wrote on March 5", "I disagree.", "2016-03-05T08:02:00Z").result == "agree"
    assert k.dates_check("Okafor resigned on May 30", "I resign today", "2016-05-31T15:00:00Z").result == "agree"
    shifted = k.dates_check("Okafor resigned on May 28", "I resign today", "2016-05-31T15:00:00Z")
    assert shifted.result == "differ" and "05-28" in shifted.detail
    assert k.dates_check("Am 31. Mai trat er zurück", "resign as managing director on 31 May").result == "agree"


def test_negation_in_english_and_german():
    assert k.negation("I will agree to the board seat", "I will not agree to it").result == "differ"
    assert k.negation("Ich lasse mich nicht erpressen", "ich lasse mich nicht erpressen").result == "agree"
    assert k.negation("Er hat keinen Sitz verlangt", "He asked for a seat").result == "differ"


def test_numbers_shares_and_years_in_digits_or_words():
    assert k.numbers("we founded the company in 2016", "when we founded the company in 2014").result == "differ"
    moved = k.numbers("61 percent of the voting rights", "dass ich 51 Prozent der Stimmrechte bekomme")
    assert moved.result == "differ" and moved.conflict and "61" in moved.detail
    assert k.numbers("40 Mitarbeiter in 3 Städten", "40 people in three cities").result == "agree"
    assert k.numbers("EUR 4 million on 12 May", "EUR 4 million").result == "n/a"        # amounts and dates are not numbers
    assert not k.numbers("in 2016", "no number here").conflict                        # nothing to contradict with


def test_sums_without_a_currency_agree_with_an_amount_but_another_currency_does_not():
    assert k.amounts("vier Millionen Euro", "Vier Millionen bei zwölf Millionen Bewertung").result == "agree"
    assert k.amounts("4 million dollars", "EUR 4 million").result == "differ"
    assert not k.amounts("EUR 4 million", "no sum here").conflict


def test_judging_words_conditions_and_bare_answers():
    assert k.polarity("I think the offer is bad.", "ich finde das Angebot gut.").result == "differ"
    assert k.polarity("I think the offer is good.", "ich finde das Angebot gut.").result == "agree"
    assert k.polarity("Okafor resigned.", "ich finde das Angebot gut.").result == "n/a"
    # a condition phrased with and without a negation states one threat
    assert k.negation("zurückzutreten, wenn der Sitz nicht abgelehnt werde",
                      "Either we turn down the seat, or I resign").result == "agree"
    # "Lena, no." answers the last message; it does not negate what follows
    assert k.negation("Fifty-fifty was the deal", "Lena, no. Fifty-fifty was the deal").result == "agree"
    assert k.negation("with or without you", "mit oder ohne dich").result == "agree"


def test_a_date_contradicts_only_when_the_source_dates_the_event():
    assert k.dates_check("resigned on May 20", "I resign with effect from today", "2016-05-31T15:00:00Z").conflict
    assert not k.dates_check("resigned on May 31", "He has left the management.", "2016-06-14T07:30:00Z").conflict


def test_a_statement_negation_is_counted_in_the_source_clauses_about_it():
    src = "I will not sell my shares for less than EUR 1.2 million, and HarbourNav is not part of any deal."
    claim = "er verkaufe seine Anteile nicht unter 1,2 Millionen Euro"
    assert k.negation(claim, src).result == "agree"                 # both negate (1 and 2): presence counts
    assert k.negation(claim, src, focus=True).result == "agree"     # the clause with the sum has one
    assert k.negation("er verkaufe seine Anteile unter 1,2 Millionen Euro", src, focus=True).result == "differ"


def test_a_sum_is_looked_for_in_its_usual_written_forms():
    from casefile.search.fulltext import tokens
    from casefile.search.quote import amount_phrases
    forms = amount_phrases(1_200_000)
    for written in ("EUR 1.2 million", "1,2 Millionen Euro", "1,2 Mio. €", "1.200.000 Euro", "EUR 1,200,000"):
        toks = tokens(written)
        assert any(toks[i:i + len(f)] == f for f in forms for i in range(len(toks))), written
    assert ["eine", "million"] in amount_phrases(1_000_000) and ["vier", "millionen"] in amount_phrases(4_000_000)
    assert amount_phrases(600_000) == [["600", "000"]]


def test_a_sum_the_claim_calls_approximate_agrees_when_rounded():
    """LABELLING.md: a rounded number is still supported."""
    assert k.amounts("rund 100 Milliarden Dollar Umsatz", "revenue of $101 billion").result == "agree"
    assert k.amounts("about $5 billion", "overcharged by $5.4 billion").result == "agree"
    assert k.amounts("100 Milliarden Dollar Umsatz", "revenue of $101 billion").result == "differ"
    assert k.amounts("über die Anteile für 600.000 Euro", "EUR 620,000 for the shares").result == "differ"


def test_counts_in_words_are_numbers_to_check():
    """A dozen is twelve, half a dozen six (a German article's „ein Dutzend Mal“ for the source's
    "half a dozen times", real exhibit 1330.22); a bare number word is no count ("the two founders")."""
    from casefile.verify.checks import numbers
    bad = numbers("Er habe an diesem Tag ein Dutzend Mal mit Geordie telefoniert",
                  "Had Geordie on the phone half a dozen times today.")
    assert bad.result == "differ" and bad.conflict and "claim 12; source 6" in bad.detail
    assert numbers("He called Geordie half a dozen times", "on the phone half a dozen times").result == "agree"
    assert numbers("They met three times in May", "We met 3 times.").result == "agree"
    assert numbers("The two founders met in May", "We met on the 2nd.").result == "n/a"
    assert numbers("Sie sprachen Dutzende Male darüber", "We talked about it 40 times").result == "n/a"


def test_a_verb_of_denial_carries_the_negation_its_source_writes_out():
    # the blind mips dev half: "Bui-Huu widersprach …, einige … seien sehr wohl 4KSd-spezifisch"
    # for his reply "no some are."
    assert k.negation("Bui-Huu widersprach, einige der Optimierungen seien sehr wohl 4KSd-spezifisch",
                      "no some are. As we said previously").result == "agree"
    assert k.negation("she had been involved", "I was never involved in any of it.", verb="denied").result == "agree"
    assert k.negation("she had been involved", "I was involved in all of it.", verb="denied").result == "differ"
    assert k.negation("she had been involved", "I was never involved in any of it.", verb="said").result == "differ"


def test_lines_a_reply_quotes_are_not_its_writers_negations():
    reply = "> The optimizations under discussion aren't at all specific to the 4KSd.\n\nSome are specific to it."
    assert k.negation("Some optimizations are specific to the 4KSd", reply).result == "agree"
    assert k.own_words("> only quoted\n> lines") == "> only quoted\n> lines"


def test_versions_and_patch_bookkeeping_are_not_counts():
    # the blind lists set: "Linux 4.16" against a source's "4.40"; "219 to 317 lines" against a
    # diff's "@@ -0,0 +1,219 @@" read as 1,219
    assert k.numbers("frühestens mit Linux 4.16 im Kernel", "tested on 4.40 boards").result == "n/a"
    lines = k.numbers("The file has grown from 219 to 317 lines.", "@@ -0,0 +1,219 @@\nindex 1a2b..3c4d 100644\n")
    assert lines.result == "differ" and not lines.conflict          # nothing stated to contradict it
    assert k.numbers("3.5 Prozent mehr", "3,5 Prozent mehr").result == "agree"


def test_a_quote_that_mends_a_typo_keeps_its_words():
    from casefile.verify.verdict import _lexical_coverage
    assert _lexical_coverage("a recipe for problems down the road", "is a receipe for problems down the road") == 1.0
    assert _lexical_coverage("a recipe for disaster", "is a receipe for problems") < 1.0
    assert _lexical_coverage("an unlikely outcome", "a likely outcome") < 1.0            # a prefix changes the word
    assert _lexical_coverage("impossible to agree", "possible to agree") < 1.0
