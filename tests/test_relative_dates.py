"""Relative dates in articles ("on Monday", „vor drei Wochen“, "two days later") resolved and
checked against the sources' dates. Pure functions; the whole path runs in eval/verify."""
import time
from datetime import date

from casefile.verify import checks, claims
from casefile.verify.relative_dates import dateline, last_date, publication_date, resolve

THU = date(2016, 8, 25)        # a Thursday


def days(text, published=THU, previous=None):
    return [(w.text, w.lo.isoformat(), w.hi.isoformat()) for w in resolve(text, published, previous)]


def test_words_that_count_from_the_day_of_publication():
    assert days("Am Montag teilte Berg dem Team mit, dass Raman in den Beirat einzieht.") == [
        ("Am Montag", "2016-08-22", "2016-08-22")]
    assert days("Yesterday Weber had the agreement notarised.") == [("Yesterday", "2016-08-24", "2016-08-24")]
    assert days("Vorgestern schrieb Berg.") == [("Vorgestern", "2016-08-23", "2016-08-23")]
    assert days("Last week Okafor sold his shares.") == [("Last week", "2016-08-15", "2016-08-21")]
    assert days("Im vergangenen Monat einigten sie sich.") == [("Im vergangenen Monat", "2016-07-01", "2016-07-31")]
    assert days("Vor zehn Tagen übertrug Okafor seine Anteile.") == [("Vor zehn Tagen", "2016-08-15", "2016-08-15")]
    # counted weeks and months are approximate: three weeks ago is 18-24 days ago
    assert days("Vor drei Wochen stimmte Berg zu.") == [("Vor drei Wochen", "2016-08-01", "2016-08-07")]
    assert days("Two months ago Okafor made an offer.") == [("Two months ago", "2016-06-10", "2016-07-10")]
    # a Monday article's "on Monday" is the Monday before, not the same day
    assert days("On Monday the deal was signed.", published=date(2016, 8, 22)) == [
        ("On Monday", "2016-08-15", "2016-08-15")]


def test_words_that_count_from_the_date_named_before():
    s = "Okafor trat am 31. Mai zurück; zwei Tage später schrieb Berg an Raman."
    assert days(s) == [("zwei Tage später", "2016-06-02", "2016-06-02")]
    # from the previous sentence's date, and a resolved day becomes the anchor of the next
    prev = last_date("Am 5. Juli verlangte Brandt 1,5 Millionen Euro.", THU, None)
    assert prev == (date(2016, 7, 5), False)
    assert days("Drei Wochen später bot Berg 600.000 Euro.", previous=prev) == [
        ("Drei Wochen später", "2016-07-23", "2016-07-29")]
    assert days("The next day Berg answered; a week later Okafor wrote.", previous=prev) == [
        ("The next day", "2016-07-06", "2016-07-06"), ("a week later", "2016-07-10", "2016-07-16")]
    assert days("Am Vortag hatte Weber geschrieben.", previous=prev) == [("Am Vortag", "2016-07-04", "2016-07-04")]
    assert days("Days later Okafor wrote to Raman.", previous=prev) == [("Days later", "2016-07-06", "2016-07-15")]
    # no year anywhere: the result has none either
    (w,) = resolve("Zwei Tage später trat er zurück.", None, last_date("Am 31. Mai drohte Okafor.", None, None))
    assert w.yearless and w.as_dict()["lo"] == "--06-02"


def test_what_is_not_resolved():
    assert days("Days later Okafor wrote to Raman.") == []                 # nothing named before
    assert days("Am Montag schrieb Berg.", published=None) == []           # no publication date
    assert days("Bis Freitag will Berg antworten.") == []                   # a plan
    assert days("Next Monday the board meets.") == []
    assert days("On Monday, May 30, 2016, Okafor wrote.") == []             # part of a full date
    assert days("Er hatte keinen Tag später Zeit.") == []                   # "ein Tag" inside "keinen"


def test_many_relative_words_are_resolved_in_linear_time():
    text = "Am 5. Juli begann es. " + " ".join(["Zwei Tage später folgte ein Schreiben."] * 2000)
    t = time.monotonic()
    got = resolve(text, THU, None)
    assert len(got) == 2000 and time.monotonic() - t < 5
    assert got[-1].lo == date(2016, 7, 5).fromordinal(date(2016, 7, 5).toordinal() + 4000)


def test_datelines_date_the_article_and_are_not_claims():
    assert dateline("Hamburg, 25. August 2016") == THU
    assert dateline("August 25, 2016") == THU
    assert dateline("On June 14, 2016, Berg confirmed that Nordhafen accepts the term sheet.") is None
    text = "Nordhafen einigt sich\nHamburg, 25. August 2016\nAm Montag teilte Berg dem Team mit, dass Raman kommt."
    assert publication_date(text) == THU
    assert publication_date(text, "2016-09-01") == date(2016, 9, 1)        # the file's own date wins
    cs = claims.extract(text, ["Berg", "Raman"], published=THU)
    assert [c.text for c in cs] == ["Am Montag teilte Berg dem Team mit, dass Raman kommt."]
    assert cs[0].when[0]["lo"] == "2016-08-22"


def test_a_quote_is_dated_by_the_article_words_around_it_not_by_its_own():
    text = ("Am 27. Juli machte Halvard eine Zusage.\n"
            "Am Tag darauf schrieb Okafor: „Ich kann heute auf eine Million gehen.“")
    (fact, quote) = claims.extract(text, ["Okafor", "Halvard"], published=THU)
    assert quote.kind == "quote"
    assert [(w["text"], w["lo"]) for w in quote.when] == [("Am Tag darauf", "2016-07-28")]
    # „heute“ in the quoted words is the writer's day, not the article's


def test_the_date_check_holds_relative_dates_against_the_source():
    when = [{"text": "Drei Wochen später", "lo": "2016-07-23", "hi": "2016-07-29", "basis": "after 2016-07-05"}]
    ok = checks.dates_check("bot Berg 600.000 Euro", "I offer EUR 600,000", "2016-07-26T09:00:00Z", when)
    assert ok.result == "agree"
    bad = checks.dates_check("bot Berg 600.000 Euro", "I offer EUR 600,000", "2016-07-08T09:45:00Z", when)
    assert bad.result == "differ" and "Drei Wochen später" in bad.detail and "2016-07-08" in bad.detail
    assert not bad.conflict                     # the sending day alone says nothing of when ...
    bad = checks.dates_check("bot Berg 600.000 Euro", "I offer EUR 600,000", "2016-07-08T09:45:00Z", when,
                             dated_by_sending=True)
    assert bad.conflict                         # ... unless the message is the act the claim reports
    yearless = [{"text": "zwei Tage später", "lo": "--06-02", "hi": "--06-02", "basis": "after --05-31"}]
    assert checks.dates_check("trat zurück", "Ich trete zurück", "2016-06-02T10:00:00Z", yearless).result == "agree"


def test_a_weekday_counted_from_an_event_is_not_counted_from_publication():
    from casefile.verify.relative_dates import resolve
    assert resolve("Es meldete sich am Donnerstag nach der Einreichung Murphy zu Wort.", date(2017, 10, 21), None) == []
    assert [w.lo for w in resolve("Am Donnerstag schrieb Murphy.", date(2017, 10, 21), None)] == [date(2017, 10, 19)]
