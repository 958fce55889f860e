"""The analysis eval case: a fictional, bilingual joint-venture dispute written by us (invented
people, companies and domains). Kranich Solar GmbH (Jana Wolff, Felix Brandt, Tobias Klein) and
Brightwater Energy Ltd (Oliver Grant, his assistant Jana Roth, their counsel Sarah Mitchell)
negotiate control of a joint venture.

It holds the hard cases of the analysis issue:
- m02 reaches the case four times: Jana's sent .eml, Oliver's mailbox copy (same Message-ID), a
  quote inside m03, and a scanned, OCR'd printout in exhibit B1 (zone-less printed date);
- two different "ok" replies from Tobias in one thread (one also quoted in the next message), a
  third one known only from an undated printout, and a fourth "ok" from Felix elsewhere;
- the Kapitalerhöhung thread survives only as a printed exhibit, a typed transcript and one
  e-mail whose In-Reply-To was lost;
- m19 is in both mailboxes under different Message-IDs (an archive rewrote them); m20 resends
  nearly the same text two days later and is a different message;
- m22 has a mailing-list footer in one copy;
- Jana Wolff appears as "Jana Wolff", "Wolff, Jana", "jana" <jwolff@...>, "J. Wolff", "Dr. Jana
  Wolff" and is greeted as "Ms Wolff"; a second Jana (Jana Roth) must stay apart.

`build.py` renders this into eval/analysis/inputs/ and writes the gold answer.
"""

PEOPLE = {
    "jana": {"name": "Jana Wolff", "addr": "jana.wolff@kranich-solar.example"},
    "felix": {"name": "Felix Brandt", "addr": "f.brandt@kranich-solar.example"},
    "tobias": {"name": "Tobias Klein", "addr": "tobias.klein@kranich-solar.example"},
    "oliver": {"name": "Oliver Grant", "addr": "oliver.grant@brightwater.example"},
    "roth": {"name": "Jana Roth", "addr": "jana.roth@brightwater.example"},
    "sarah": {"name": "Sarah Mitchell", "addr": "s.mitchell@mitchell-law.example"},
    "board": {"name": "Kranich Solar Board", "addr": "board@kranich-solar.example"},
    "list": {"name": "Aufsichtsrat Kranich", "addr": "aufsichtsrat@lists.kranich-solar.example"},
}

# Other forms a person's name or address takes somewhere in the case: form key -> (person, name, addr)
FORMS = {
    "jana-lastfirst": ("jana", "Wolff, Jana", "jana.wolff@kranich-solar.example"),
    "jana-private": ("jana", "jana", "jwolff@wolff-familie.example"),
    "jana-initial": ("jana", "J. Wolff", None),
    "jana-dr": ("jana", "Dr. Jana Wolff", None),
    "oliver-lastfirst": ("oliver", "Grant, Oliver", "oliver.grant@brightwater.example"),
    "oliver-initial": ("oliver", "O. Grant", "oliver.grant@brightwater.example"),
    "tobias-lastfirst": ("tobias", "Klein, Tobias", "tobias.klein@kranich-solar.example"),
    "tobias-private": ("tobias", "Tobias", "tklein@web-mail.example"),
    "roth-lastfirst": ("roth", "Roth, Jana", "jana.roth@brightwater.example"),
    "felix-lastfirst": ("felix", "Brandt, Felix", "f.brandt@kranich-solar.example"),
}

# key, thread, Message-ID (None: the message exists only as a printout), In-Reply-To, References,
# from (person or form), to, cc, UTC date, subject, body
MESSAGES = [
    dict(key="m01", thread="T1", id="<a1.jv@brightwater.example>", irt=None, refs=[], frm="oliver", to=["jana"],
         cc=["felix"], date="2017-05-02T08:15:00", subject="Joint venture term sheet",
         body="Jana,\n\nattached is our draft term sheet for the joint venture. Brightwater would put in 3 million "
              "pounds for 49 percent of the new company, with an option to go to 51 percent after two years if the "
              "production targets are missed. We would also want two of the five board seats.\n\nCan we talk on "
              "Thursday?\n\nBest,\nOliver"),
    dict(key="m02", thread="T1", id="<k1.jv@kranich-solar.example>", irt="<a1.jv@brightwater.example>",
         refs=["<a1.jv@brightwater.example>"], frm="jana", to=["oliver"], cc=["felix"], date="2017-05-03T14:02:00",
         subject="Re: Joint venture term sheet",
         body="Hi Oliver,\n\nthank you for the draft. The option to move to 51 percent is not acceptable to us: it "
              "would hand you control over our factory in Cottbus as soon as one target slips, and the targets "
              "depend on grid permits we do not control. We can accept 49 percent and two board seats without any "
              "option.\n\nThursday at 10 works for me.\n\nBest regards,\nJana"),
    dict(key="m03", thread="T1", id="<a2.jv@brightwater.example>", irt="<k1.jv@kranich-solar.example>",
         refs=["<a1.jv@brightwater.example>", "<k1.jv@kranich-solar.example>"], frm="oliver", to=["jana"],
         cc=["felix", "sarah"], date="2017-05-04T16:40:00", subject="Re: Joint venture term sheet",
         body="Jana,\n\nI hear you on the permits. Our investment committee will not sign without some protection, "
              "though. What if the option only applies when two targets in a row are missed, and an independent "
              "engineer confirms that the delay is not caused by the permits?\n\nI am copying Sarah Mitchell, our "
              "counsel, so she can draft the wording.\n\nRegards,\nOliver"),
    dict(key="m04", thread="T1", id="<s1.jv@mitchell-law.example>", irt="<a2.jv@brightwater.example>",
         refs=["<a2.jv@brightwater.example>"], frm="sarah", to=["jana"], cc=["oliver"], date="2017-05-08T09:30:00",
         subject="Re: Joint venture term sheet",
         body="Dear Ms Wolff,\n\nplease find below our proposed clause 7.3: the call option becomes exercisable only "
              "if two consecutive production targets are missed and an independent engineer confirms that the "
              "shortfall is not due to permitting delays.\n\nKind regards,\nSarah Mitchell"),
    dict(key="m05", thread="T1", id="<k2.jv@kranich-solar.example>", irt="<s1.jv@mitchell-law.example>",
         refs=["<a1.jv@brightwater.example>", "<k1.jv@kranich-solar.example>", "<a2.jv@brightwater.example>",
               "<s1.jv@mitchell-law.example>"], frm="jana-lastfirst", to=["sarah"], cc=["oliver", "felix"],
         date="2017-05-09T07:12:00", subject="Re: Joint venture term sheet",
         body="Dear Ms Mitchell,\n\nclause 7.3 is acceptable in principle. We need one change: the independent "
              "engineer must be appointed jointly, not by Brightwater alone.\n\nKind regards,\nDr. Jana Wolff"),
    dict(key="m06", thread="T1", id="<k3.jv@kranich-solar.example>", irt="<k2.jv@kranich-solar.example>",
         refs=["<k2.jv@kranich-solar.example>"], frm="felix", to=["jana"], cc=[], date="2017-05-09T07:30:00",
         subject="AW: Joint venture term sheet", body="ok"),
    dict(key="m07", thread="T2", id="<k4.sr@kranich-solar.example>", irt=None, refs=[], frm="jana", to=["tobias"],
         cc=[], date="2017-05-15T18:20:00", subject="Stimmrechte im Joint Venture",
         body="Lieber Tobias,\n\nBrightwater will eine Kaufoption auf 51 Prozent. Ich halte das nur für vertretbar, "
              "wenn der Gutachter gemeinsam bestellt wird. Bitte gib mir bis Freitag Bescheid, ob der Aufsichtsrat "
              "das mitträgt.\n\nViele Grüße\nJana"),
    dict(key="m08", thread="T2", id="<t1.sr@kranich-solar.example>", irt="<k4.sr@kranich-solar.example>",
         refs=["<k4.sr@kranich-solar.example>"], frm="tobias-lastfirst", to=["jana"], cc=[],
         date="2017-05-16T06:05:00", subject="AW: Stimmrechte im Joint Venture", body="ok"),
    dict(key="m09", thread="T2", id="<k5.sr@kranich-solar.example>", irt="<t1.sr@kranich-solar.example>",
         refs=["<k4.sr@kranich-solar.example>", "<t1.sr@kranich-solar.example>"], frm="jana-private", to=["tobias"], cc=[],
         date="2017-05-19T10:00:00", subject="AW: Stimmrechte im Joint Venture",
         body="Tobias,\n\ndann lege ich dem Aufsichtsrat am Montag die Klausel 7.3 mit gemeinsamem Gutachter vor. "
              "Felix bereitet die Zahlen zur Kapitalerhöhung vor.\n\nJana"),
    dict(key="m10", thread="T2", id="<t2.sr@web-mail.example>", irt="<k5.sr@kranich-solar.example>",
         refs=["<k4.sr@kranich-solar.example>", "<t1.sr@kranich-solar.example>", "<k5.sr@kranich-solar.example>"],
         frm="tobias-private", to=["jana"], cc=[], date="2017-05-19T12:41:00",
         subject="AW: Stimmrechte im Joint Venture", body="ok"),
    dict(key="m11", thread="T3", id=None, irt=None, refs=[], frm="felix", to=["jana", "tobias"], cc=[],
         date="2017-05-22T08:00:00", subject="Kapitalerhöhung Kranich Solar",
         body="Jana, Tobias,\n\nfür die Einlage von Brightwater brauchen wir eine Kapitalerhöhung um 1,2 Millionen "
              "Euro. Ich schlage vor, die neuen Anteile zum Nennwert auszugeben, damit die Bewertung nicht vor der "
              "Unterschrift neu verhandelt wird.\n\nGruß\nFelix"),
    dict(key="m12", thread="T3", id=None, irt=None, refs=[], frm="jana-initial", to=["felix", "tobias"], cc=[],
         date="2017-05-22T09:45:00", subject="AW: Kapitalerhöhung Kranich Solar",
         body="Felix,\n\nzum Nennwert nicht. Das verwässert unsere Altgesellschafter um mehr als zehn Prozent, und "
              "Brightwater bekäme den Einstieg zu billig. Bitte rechne ein Agio von mindestens 2 Millionen Euro "
              "durch.\n\nJ. Wolff"),
    dict(key="m13", thread="T3", id=None, irt=None, refs=[], frm="tobias", to=["jana", "felix"], cc=[],
         date="2017-05-22T11:10:00", subject="AW: Kapitalerhöhung Kranich Solar",
         body="Ich stimme Jana zu. Ohne Agio wird der Aufsichtsrat nicht zustimmen. Felix, bitte bis Mittwoch eine "
              "neue Rechnung.\n\nTobias Klein"),
    dict(key="m14", thread="T3", id="<k6.ke@kranich-solar.example>", irt=None, refs=[], frm="felix",
         to=["jana", "tobias"], cc=[], date="2017-05-24T07:55:00", subject="AW: Kapitalerhöhung Kranich Solar",
         body="Anbei die neue Rechnung mit einem Agio von 2,1 Millionen Euro. Die Altgesellschafter werden damit um "
              "6 Prozent verwässert, nicht um 11.\n\nFelix"),
    dict(key="m15", thread="T4", id="<s2.bc@mitchell-law.example>", irt=None, refs=[], frm="sarah", to=["oliver"],
         cc=[], date="2017-06-01T13:00:00", subject="Board composition",
         body="Oliver,\n\nKranich has accepted two of five board seats for Brightwater. I would still push for the "
              "chair's casting vote, because a board of two against three can outvote you on every budget.\n\n"
              "Sarah"),
    dict(key="m16", thread="T4", id="<a3.bc@brightwater.example>", irt=None, refs=["<s2.bc@mitchell-law.example>"],
         frm="oliver", to=["jana"], cc=[], date="2017-06-01T15:20:00", subject="Fwd: Board composition",
         body="Jana, see Sarah's note below. We would like the chair's casting vote; you would keep the chair.\n\n"
              "Oliver", forward="m15"),
    dict(key="m17", thread="T4", id="<k7.bc@kranich-solar.example>", irt="<a3.bc@brightwater.example>",
         refs=["<s2.bc@mitchell-law.example>", "<a3.bc@brightwater.example>"], frm="jana", to=["oliver"], cc=[],
         date="2017-06-02T08:05:00", subject="AW: Fwd: Board composition",
         body="Oliver,\n\nder Vorsitz mit Stichentscheid bleibt bei Kranich, das ist nicht verhandelbar. Two seats "
              "for Brightwater, yes; a casting vote for Brightwater, no.\n\nJana"),
    dict(key="m18", thread="T5", id="<k8.ar@kranich-solar.example>", irt=None, refs=[], frm="felix", to=["board"],
         cc=[], date="2017-06-06T07:00:00", subject="Einladung Aufsichtsratssitzung 12. Juni",
         body="Sehr geehrte Mitglieder des Aufsichtsrats,\n\nhiermit lade ich zur Sitzung am 12. Juni 2017 um 10 Uhr "
              "ein. Tagesordnung: Joint Venture mit Brightwater, Kapitalerhöhung, Besetzung des Beirats.\n\nMit "
              "freundlichen Grüßen\nFelix Brandt"),
    dict(key="m19", thread="T6", id="<k9.sd@kranich-solar.example>", irt=None, refs=[], frm="jana",
         to=["oliver", "sarah"], cc=[], date="2017-06-14T16:00:00", subject="Signing date",
         body="Oliver, Sarah,\n\nour supervisory board approved the joint venture yesterday, with clause 7.3 and the "
              "jointly appointed engineer. We can sign on 21 June in Hamburg. Please confirm by Friday.\n\n"
              "Best regards,\nJana Wolff", other_id="<20170614160000.k9copy@archive.brightwater.example>"),
    dict(key="m20", thread="T7", id="<k10.sd@kranich-solar.example>", irt=None, refs=[], frm="jana", to=["oliver"],
         cc=[], date="2017-06-16T09:00:00", subject="Signing date",
         body="Oliver, Sarah,\n\nour supervisory board approved the joint venture yesterday, with clause 7.3 and the "
              "jointly appointed engineer. We can sign on 21 June in Hamburg. Please confirm today.\n\n"
              "Best regards,\nJana Wolff"),
    dict(key="m21", thread="T7", id="<a4.sd@brightwater.example>", irt="<k10.sd@kranich-solar.example>",
         refs=["<k10.sd@kranich-solar.example>"], frm="oliver", to=["jana"], cc=[], date="2017-06-16T11:30:00",
         subject="Re: Signing date", body="Confirmed: 21 June, 11:00, at the notary in Hamburg.\n\nOliver"),
    dict(key="m22", thread="T8", id="<t3.pr@kranich-solar.example>", irt=None, refs=[], frm="tobias", to=["list"],
         cc=[], date="2017-06-20T10:00:00", subject="Protokoll Sitzung 12. Juni",
         body="Liebe Kolleginnen und Kollegen,\n\nanbei das Protokoll der Sitzung vom 12. Juni. Der Aufsichtsrat hat "
              "dem Joint Venture mit Brightwater zugestimmt, mit Klausel 7.3 und gemeinsam bestelltem Gutachter. "
              "Die Kapitalerhöhung wird mit einem Agio von 2,1 Millionen Euro beschlossen.\n\nTobias Klein"),
    dict(key="m23", thread="T9", id="<r1.tr@brightwater.example>", irt=None, refs=[], frm="roth-lastfirst",
         to=["jana"], cc=[], date="2017-06-19T08:00:00", subject="Travel to Hamburg",
         body="Dear Jana,\n\nOliver and Sarah arrive in Hamburg on 20 June in the evening. Could you recommend a hotel "
              "near the notary?\n\nBest,\nJana Roth"),
    dict(key="m24", thread="T9", id="<k11.tr@kranich-solar.example>", irt="<r1.tr@brightwater.example>",
         refs=["<r1.tr@brightwater.example>"], frm="jana", to=["roth"], cc=[], date="2017-06-19T09:10:00",
         subject="Re: Travel to Hamburg",
         body="Hi Jana,\n\nthe Hotel Am Hafen is five minutes from the notary. I have asked them to hold two rooms.\n\n"
              "Best,\nJana"),
    dict(key="m26", thread="T2", id=None, irt=None, refs=[], frm="tobias", to=["jana"], cc=[], date=None,
         subject="AW: Stimmrechte im Joint Venture", body="ok"),
    dict(key="m25", thread="T10", id="<k12.ok@kranich-solar.example>", irt=None, refs=[], frm="felix",
         to=["jana"], cc=[], date="2017-06-21T07:00:00", subject="Notartermin", body="ok"),
]

LIST_FOOTER = ("\n\n_______________________________________________\naufsichtsrat mailing list\n"
               "aufsichtsrat@lists.kranich-solar.example\nhttps://lists.kranich-solar.example/listinfo/aufsichtsrat")

# What each input file holds. A mailbox lists (message, variant) pairs; variants: "quote" (the
# body quotes another message below it), "other-id" (the copy under another Message-ID), "footer"
# (a mailing-list footer appended).
FILES = [
    dict(file="jana-inbox.mbox", form="mbox", items=[
        ("m01", None), ("m03", "quote:m02"), ("m04", None), ("m06", None), ("m08", None), ("m10", None),
        ("m14", None), ("m16", "forward"), ("m19", None), ("m21", None), ("m22", "footer"), ("m23", None),
        ("m25", None)]),
    dict(file="oliver-mailbox.mbox", form="mbox", items=[
        ("m02", None), ("m15", None), ("m17", None), ("m19", "other-id"), ("m20", None)]),
    dict(file="jana-sent/m02.eml", form="eml", items=[("m02", "quote:m01")]),
    dict(file="jana-sent/m05.eml", form="eml", items=[("m05", None)]),
    dict(file="jana-sent/m07.eml", form="eml", items=[("m07", None)]),
    dict(file="jana-sent/m09.eml", form="eml", items=[("m09", "quote:m08")]),
    dict(file="jana-sent/m24.eml", form="eml", items=[("m24", None)]),
    dict(file="tobias/protokoll.eml", form="eml", items=[("m22", None)]),
    dict(file="felix/einladung.eml", form="eml", items=[("m18", None)]),
    # printed chains, newest first; the printed dates are Berlin wall time without a zone
    dict(file="exhibits/Anlage-B1-Termsheet-scan.pdf", form="scan", layout="outlook", bates="KSB_000201",
         chain=[("m03", None), ("m02", None), ("m01", "oliver-initial")]),
    dict(file="exhibits/Anlage-K4-Kapitalerhoehung.pdf", form="pdf", layout="outlook-de", bates="KSK_000410",
         chain=[("m13", None), ("m12", None), ("m11", None)]),
    dict(file="exhibits/Abschrift-Agio.txt", form="text", layout="original-message",
         chain=[("m12", "jana-dr")]),
    # an undated printout of a third "ok" from Tobias: the same words, sender and subject as m08
    # and m10, and a different message
    dict(file="exhibits/Notiz-Tobias-ok.txt", form="text", layout="undated", chain=[("m26", None)]),
    dict(file="chat/WhatsApp Chat mit Felix.txt", form="whatsapp", lines=[
        ("c1", "2017-06-21T07:12:00", "Jana Wolff", "Unterschrieben! Brightwater ist drin."),
        ("c2", "2017-06-21T07:15:00", "Felix", "Glückwunsch. Dann melde ich die Kapitalerhöhung an."),
        ("c3", "2017-06-21T07:16:00", "Jana Wolff", "ok")]),
]
