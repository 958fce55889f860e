"""German language data (tables only). Regex fragments are marked as such; everything else is a
literal word or phrase, matched case-insensitively on word boundaries."""

NEGATORS = ("nicht", "kein", "keine", "keinen", "keinem", "keiner", "keines", "nie", "niemals", "weder",
            "nicht mehr", "keineswegs")
"""Words that negate the clause they stand in ("werde nicht zustimmen", "kein Vertrag")."""
NEGATIVE_PRONOUNS = ("nichts", "niemand", "niemandem", "niemanden", "nirgends")
ANSWERS = ("nein", "ja")
CONDITIONALS = ("wenn", "falls", "sofern", "sollte", "sollten", "vorausgesetzt")
DENIALS = ("bestritt", "bestreitet", "bestritten", "bestreiten", "widersprach", "widerspricht", "widersprochen",
           "widersprechen", "dementierte", "dementiert", "dementierten", "verneinte", "verneint")

REPORTING_VERBS = ("sagte", "sagt", "schrieb", "schreibt", "erklärte", "erklärt", "antwortete", "antwortet",
                   "betonte", "teilte", "behauptete", "warnte", "kündigte", "bestätigte", "bestritt", "räumte",
                   "meinte", "fügte", "laut", "zufolge", "stellte klar", "machte deutlich", "mailte", "entgegnete",
                   "beklagte", "versicherte", "hieß es", "argumentierte", "räumte ein", "gab an", "erläuterte",
                   "erläutert", "kritisierte", "wandte ein", "gab zu", "fragte", "wollte wissen", "klagte",
                   "monierte", "widersprach", "verwies", "präzisierte", "ergänzte", "zeigte sich")
ACTION_VERBS = ("drohte", "forderte", "verlangte", "bot", "versprach", "lehnte", "schlug", "bat", "drängte",
                "weigerte")
SOURCE_WORDS = ("e-mail", "e-mails", "email", "emails", "mail", "mails", "nachricht", "nachrichten", "unterlagen",
                "dokument", "dokumente", "dokumenten", "schreiben", "brief", "briefe", "briefen", "akten",
                "korrespondenz", "gerichtsakten", "schriftsatz")
PRONOUNS_SUBJECT = ("er", "sie")
FIRST_PERSON = ("ich", "wir", "mein", "meine", "meinen", "meinem", "meiner", "unser", "unsere", "unseren",
                "unserem", "unserer", "mich", "uns")
FUNCTION_WORDS = ("der", "die", "das", "ein", "eine", "ist", "sind", "war", "ich", "du", "er", "sie", "wir", "es",
                  "und", "oder", "zu", "von", "in", "nicht", "wird", "würde", "habe", "hat", "dies", "dass", "finde")

POSITIVE = ("gut", "gute", "guten", "großartig", "fair", "vertretbar", "akzeptabel", "angemessen", "zustimmen",
            "stimme", "stimmte", "annehmen", "nehme", "nahm", "billige", "befürworte", "unterstütze", "richtig", "ja")
NEGATIVE = ("schlecht", "schlechte", "schlechten", "furchtbar", "unfair", "unvertretbar", "inakzeptabel",
            "unangemessen", "ablehnen", "lehne", "lehnte", "widerspreche", "widersprach", "verweigere", "falsch")

NUMBER_WORDS = {"eins": 1, "zwei": 2, "drei": 3, "vier": 4, "fünf": 5, "sechs": 6, "sieben": 7, "acht": 8,
                "neun": 9, "zehn": 10, "elf": 11, "zwölf": 12, "fünfzehn": 15, "zwanzig": 20, "dreißig": 30,
                "vierzig": 40, "fünfzig": 50, "hundert": 100}
WEEKDAYS = ("montag", "dienstag", "mittwoch", "donnerstag", "freitag", "samstag", "sonntag")
DATED_BY_SENDING = ("heute", "hiermit", "mit sofortiger wirkung", "ab sofort")

NOT_CLAIM_LINES = (r"^\s*(?i:von|text)\s*:?\s+[A-ZÄÖÜ][\w.'-]+(?:\s+(?:(?i:und)\s+)?[A-ZÄÖÜ][\w.'-]+){0,4}\s*(?:[,|/]|$)",
                   r"(?i:^\s*stand\s*:)",
                   r"(?i:^\s*(?:foto|bild|grafik|illustration|quelle|video)\s*:)",
                   r"(?i:^\s*(?:aktualisiert|veröffentlicht|erstellt)\b[^.]{0,40}\d)",
                   r"(?i:^\s*(?:lesen sie auch|mehr zum thema|mehr dazu|auch interessant|abonnieren|newsletter|"
                   r"teilen|kommentare?|anzeige|jetzt lesen)\b)",
                   r"(?i:\b\d{1,2}[.:]\d{2}\s*uhr\s*$)",
                   r"(?i:^\s*\d{1,2}\s+min(?:uten)?\s+lesezeit\b)")

ACT_CUES = {
    "ultimatum": (r"entweder\b.{0,80}\boder", r"letztes angebot", r"ultimatum", r"frist\w*", r"spätestens",
                  r"andernfalls", r"ansonsten",
                  r"bis (?:montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag)\b"),
    "resignation": (r"zurück(?:zu|ge)?tret\w*", r"trete\b.{0,40}\bzurück", r"rücktritt\w*", r"ausscheid\w*",
                    r"verlässt\b", r"kündig\w*", r"leg\w* .{0,30}nieder"),
    "refusal": (r"lehne\w* .{0,40}ab\b", r"ablehn\w*", r"nicht (?:zustimmen|zahlen|akzeptabel|annehmen|"
                r"unterschreiben|einverstanden)", r"inakzeptabel", r"verweiger\w*", r"weiger\w*",
                r"widersprech\w*", r"widerspricht", r"werden? (?:wir |ich )?nicht\b", r"(?:nicht |un)einig"),
    "agreement": (r"unterzeichnet", r"unterschrieben", r"beurkundet", r"vergleich\b", r"einigung", r"geeinigt"),
    "decision": (r"nehm\w* .{0,30}\ban\b", r"annehmen", r"bestätig\w*", r"einverstanden", r"zugestimmt",
                 r"entschieden", r"beschlossen", r"genehmigt", r"akzeptier\w*"),
    "offer": (r"angebot\w*", r"anbieten", r"bietet", r"bot\b", r"schlage\w* vor", r"vorschlag", r"bereit\b",
              r"anbei (?:die|der|das|den|meine?n?|unsere?n?) (?:neue|überarbeitete|geänderte|aktualisierte)\w*",
              r"(?:neue|überarbeitete|geänderte) (?:fassung|version|entwurf)"),
    "restructuring": (r"umstrukturier\w*", r"neuordnung", r"fusion\b", r"übernimmt", r"übernahme",
                      r"neue struktur"),
    "founding": (r"gründ(?:en|ung)\b", r"gegründet"),
    "demand": (r"verlang\w*", r"forder\w*", r"bestehe\w* auf", r"müssen\b", r"bedingung\w*"),
    "stance": (r"ich finde", r"meiner meinung", r"ich halte", r"aus meiner sicht", r"(?:ist) (?:fair|unfair)"),
    "claim": (r"gehört (?:mir|der|dem|uns)", r"eigentum", r"rechte an", r"wirft \w+ vor", r"beschuldig\w+",
              r"vorwurf\w*"),
    "money": (r"kaufpreis", r"anteile\b", r"bewertung", r"zahlung\w*", r"rechnung\w*", r"million\w*", r"mio\."),
    "legal": (r"schiedsverfahren", r"klage\w*", r"gericht\w*", r"anwalt", r"anwält\w*", r"antrag\b",
              r"verfügung", r"vereinbarung", r"vertrag\b", r"§\s?\d+"),
    "publication": (r"veröffentlich\w*", r"pressemitteilung", r"bekanntgegeben", r"kündigte .{0,40}an\b"),
}

LEGAL_FORMS = ("gmbh", "ag", "kg", "se", "ug", "gbr", "ohg", "mbh", "kgaa", "ev")
TITLES = ("dr", "prof", "herr", "frau", "hr", "fr")
ORG_WORDS = ("kanzlei", "gruppe", "stiftung", "verein", "werke", "bank")
REPRESENTS = (r"ich vertrete", r"wir vertreten", r"im (?:Auftrag|Namen) (?:von|meine[rs]|unsere[rs])",
              r"meine[rn]? Mandant\w*", r"unsere[rn]? Mandant\w*")
STOPWORDS = ("aber", "alle", "allem", "als", "also", "andere", "auch", "auf", "aus", "bei", "beim", "bereits",
             "bitte", "damit", "dann", "darauf", "dass", "davon", "dazu", "denn", "diese", "dieser", "dieses",
             "doch", "durch", "eigentlich", "einen", "einer", "eines", "etwas", "euch", "für", "gegen", "ganz",
             "gibt", "habe", "haben", "hatte", "heute", "hier", "immer", "jetzt", "kann", "können", "machen",
             "mehr", "mein", "meine", "mich", "mir", "mit", "muss", "nach", "noch", "nur", "oder", "ohne",
             "schon", "sehr", "sein", "seine", "sich", "sind", "soll", "sollte", "über", "unter", "viel",
             "vielen", "von", "vor", "wann", "war", "waren", "was", "weil", "wenn", "werde", "werden", "wie",
             "will", "wir", "wird", "wollen", "würde", "zum", "zur", "danke", "grüße", "gruß", "liebe", "lieber",
             "hallo", "jeder", "alles", "nichts", "denke", "glaube", "finde", "sagen", "gesagt", "mail")
ARTICLES = ("der", "die", "das", "den", "dem", "des", "ein", "eine", "einen", "einem", "einer", "eines", "dieser",
            "diese", "dieses", "diesen", "jener", "jene", "kein", "keine", "mein", "meine", "sein", "seine", "ihr",
            "ihre", "unser", "unsere", "dein", "deine", "deinen", "deinem", "deiner", "euer", "eure")
REQUESTS = ("ob", "fragte", "gefragt", "fragen", "bitte", "bitten", "baten", "vorschlag", "vorgeschlagen",
            "schlagen vor", "könnten sie", "würden sie", "können sie", "würdest du", "kannst du")
POSITION_CUES = (r"sollte\w*", r"müss\w*", r"brauch\w*", r"nötig", r"notwendig", r"ich finde", r"ich glaube",
                 r"ich denke", r"wir finden", r"meiner meinung", r"unserer meinung", r"falsch\w*", r"richtig\w*",
                 r"besser\w*", r"schlechter\w*", r"lieber\b", r"einverstanden", r"widersprech\w*", r"bestehe\w*",
                 r"schlag\w* vor", r"empfehl\w*", r"(?:ist|sind|war) nicht\b", r"nichts\b", r"niemals\b",
                 r"zu (?:früh|spät|viel|weit)")
APPROXIMATELY = ("rund", "etwa", "ungefähr", "circa", "ca", "fast", "knapp", "gut", "gute", "mehr als", "weniger als",
                 "über", "unter", "beinahe", "nahezu", "geschätzt", "geschätzte", "geschätzten")
ATTACHMENTS = ("anbei", "anhang", "im anhang", "angehängt", "beigefügt", "anlage", "in der anlage")
"""Wörter, mit denen eine Nachricht einen Anhang ankündigt."""
ADDRESSEE_SAID = ("sie behaupten", "sie behaupteten", "ihre behauptung", "sie schreiben", "sie schrieben",
                  "ihr schreiben", "ihre e-mail", "ihrer e-mail", "ihre darstellung", "ihrer darstellung",
                  "sie erklären", "sie erklärten", "ihre erklärung", "sie tragen vor", "ihr vortrag", "sie meinen",
                  "sie werfen", "ihr vorwurf", "ihren vorwurf", "ihr schriftsatz", "ihrem schriftsatz", "ihre antwort")
"""Wörter, mit denen der Schreiber der angeschriebenen Seite etwas zuschreibt."""
NUMBER_PHRASES = {"ein halbes dutzend": 6, "halbes dutzend": 6, "ein dutzend": 12, "dutzend": 12, "ein paar": 2}
"""Zahlen als Wendung; „Dutzende“ (viele) ist keine Zahl."""
CLOSING_WORDS = ("danke", "gruß", "gruss", "grüße", "grüsse", "lg", "vg", "mfg", "beste", "viele")
"""Einzelne Wörter, die eine Nachricht schließen: keine Unterschrift."""
MODAL_WORDS = ("könne", "könnte", "solle", "sollte", "möge", "dürfe", "dürfte", "müsse", "kann", "soll", "darf",
               "muss", "wolle")
SPEECH_INFINITIVES = ("sagen", "schreiben", "erklären", "mitteilen", "ankündigen", "erzählen", "antworten",
                      "bestätigen", "verkünden", "ausrichten", "behaupten")
"""„Gow könne allen sagen, …“: wer sagen kann, soll oder darf, hat (noch) nichts gesagt; das Zitat
ist dann die Rede eines anderen (der Erlaubnis oder des Auftrags)."""
