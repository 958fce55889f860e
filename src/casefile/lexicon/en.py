"""English language data (tables only). Regex fragments are marked as such; everything else is
a literal word or phrase, matched case-insensitively on word boundaries."""

NEGATORS = ("not", "n't", "no", "never", "cannot", "can't", "won't", "don't", "doesn't", "didn't", "isn't",
            "wasn't", "aren't", "weren't", "haven't", "hasn't", "hadn't", "wouldn't", "shouldn't", "couldn't",
            "neither", "nor", "no longer", "yet to", "failed to", "fail to", "fails to")
"""Words that negate the clause they stand in ("will not agree", "no deal", "never signed", "has
yet to implement")."""
NEGATIVE_PRONOUNS = ("nothing", "nobody", "no one", "none", "nowhere")
"""Pronouns that are negative in form but name a thing ("saying nothing is suicide" is not the
negation of "saying something is suicide" but a statement about silence); not counted as negation."""
ANSWERS = ("no", "yes")
"""A bare answer ("No.", "Yes,") replies to the message before; it negates nothing after it."""
CONDITIONALS = ("if", "unless", "provided that", "in case")
DENIALS = ("denied", "denies", "deny", "denying", "disputed", "disputes", "contradicted", "contradicts",
           "refuted", "refutes", "rebutted", "rebuts")
"""Verbs that report a "no" to what someone else said ("X denied that he was involved" for "I was
not involved"; "X contradicted: some are specific" for "no, some are"): the claim carries the
negation its source writes out."""

REPORTING_VERBS = ("said", "says", "wrote", "writes", "told", "tells", "added", "explained", "stated", "replied",
                   "answered", "claimed", "insisted", "warned", "argued", "announced", "confirmed", "denied",
                   "admitted", "emailed", "according to", "made clear", "noted", "responded", "complained",
                   "asserted", "suggested", "recalled", "acknowledged", "pointed out", "countered", "objected",
                   "conceded", "wondered", "asked", "observed", "remarked", "protested", "contended", "maintained")
ACTION_VERBS = ("threatened", "demanded", "offered", "promised", "refused", "proposed", "rejected", "declined",
                "asked", "urged", "requested", "accused", "accuses", "blamed", "blames")
"""Verbs that report an act done in words: they name a speaker like a reporting verb, but the verb
is part of what is claimed ("X threatened to resign")."""
SOURCE_WORDS = ("email", "e-mail", "emails", "e-mails", "mail", "message", "messages", "letter", "letters",
                "documents", "document", "filing", "filings", "exhibit", "exhibits", "records", "correspondence")
PRONOUNS_SUBJECT = ("he", "she")
FIRST_PERSON = ("I", "we", "my", "our", "me", "us")
FUNCTION_WORDS = ("the", "a", "an", "is", "are", "was", "i", "you", "he", "she", "we", "they", "it", "and", "or",
                  "to", "of", "in", "not", "will", "would", "have", "has", "this", "that", "think")

POSITIVE = ("good", "great", "fine", "fair", "acceptable", "reasonable", "agree", "agreed", "accept", "accepted",
            "approve", "approved", "support", "supported", "welcome", "right", "yes")
NEGATIVE = ("bad", "poor", "terrible", "unfair", "unacceptable", "unreasonable", "disagree", "disagreed", "reject",
            "rejected", "refuse", "refused", "oppose", "opposed", "decline", "declined", "wrong")

NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
                "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30, "forty": 40,
                "fifty": 50, "hundred": 100}
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
DATED_BY_SENDING = ("today", "hereby", "with immediate effect", "as of now", "as of today", "effective immediately")
"""Words that date what a message says by the day it was sent."""

NOT_CLAIM_LINES = (r"^\s*(?i:by)\s+[A-Z][\w.'-]+(?:\s+(?:(?i:and)\s+)?[A-Z][\w.'-]+){0,4}\s*(?:[,|/]|$)",
                   r"(?i:^\s*(?:photo|image|picture|illustration|graphic|video)\s*:)",
                   r"(?i:\b(?:getty images|reuters/|ap photo|dpa/|imago|shutterstock)\b)",
                   r"(?i:^\s*(?:updated|published|posted|last modified)\b[^.]{0,40}\d)",
                   r"(?i:^\s*(?:read more|read also|related|see also|subscribe|sign up|newsletter|share this|"
                   r"follow us|advertisement|comments?)\b)",
                   r"(?i:^\s*(?:\d{1,2}:\d{2}\s*(?:am|pm)?|\d{1,2}\s+min(?:ute)?s?\s+read)\b)")
"""Regex fragments of lines that are never claims: bylines, image credits, time stamps, reader
prompts (LABELLING.md). Case matters only where a fragment says so outside (?i:...)."""

ACT_WEIGHTS = {"ultimatum": 3.0, "resignation": 3.0, "restructuring": 3.0, "refusal": 2.5, "agreement": 2.5,
               "decision": 2.5, "offer": 2.5, "legal": 2.0, "founding": 2.0, "demand": 2.0, "claim": 2.0,
               "money": 2.0, "publication": 2.0, "stance": 1.5}
"""The weight of each kind of act in a dispute's story: an ultimatum, a resignation or a
restructuring turns it; a stance explains it."""
ACT_CUES = {
    "ultimatum": (r"either\b.{0,80}\bor\b", r"last offer", r"final offer", r"ultimatum", r"deadline",
                  r"no later than", r"or else", r"(?<!\bor )otherwise",
                  r"by (?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b"),
    "resignation": (r"resign\w*", r"step(?:ping|s)? down", r"stepped down", r"quit(?:ting)?\b",
                    r"leave the (?:company|firm|board)", r"left the (?:company|firm|board|management)"),
    "refusal": (r"disagree\w*", r"refus\w*", r"reject\w*", r"declin\w*", r"turn(?:ed|ing)? down", r"will not\b",
                r"won't\b", r"cannot\b", r"can't\b", r"not (?:acceptable|agree\w*)", r"unacceptable",
                r"object(?:s|ed|ion)\b", r"oppos(?:e|es|ed)\b"),
    "agreement": (r"signed\b", r"countersigned", r"notari[sz]ed", r"settled\b", r"settlement\b",
                  r"reached (?:an )?agreement", r"entered into"),
    "decision": (r"accept(?:s|ed|ing)?\b", r"confirm\w*", r"agreed to", r"I agree\b", r"we agree\b", r"decided",
                 r"decision\b", r"approv\w*", r"granted\b", r"ordered\b",
                 r"(?:I|we)(?:'ve| have)? (?:now )?(?:applied|merged|committed|withdrawn|dropped)\b",
                 r"withdr[ae]w\w*"),
    "offer": (r"offer\w*", r"propos\w*", r"suggest\w*", r"prepared to", r"willing to", r"we can (?:provide|pay|give)",
              r"invest \w+", r"term sheet", r"(?:I'm|I am|we're|we are) sending\b",
              r"here (?:is|are) (?:a|an|the|my|our) (?:new|revised|updated|reworked|amended|second|final)\b",
              r"(?:new|revised|updated|reworked|amended) (?:version|draft|proposal|patch)"),
    "restructuring": (r"restructur\w*", r"reorgani[sz]\w*", r"merg(?:er|ed|ing)\b", r"spin(?:-| )off",
                      r"takes? over\b", r"takeover", r"acquisition", r"joins? (?:as|the)\b"),
    "founding": (r"found(?:ed|ing)\b.{0,40}\b(?:company|firm|together)", r"incorporat\w*", r"set up a company"),
    "demand": (r"demand\w*", r"requir\w*", r"insist\w*", r"must\b", r"request\w*", r"need your answer",
               r"conditions?\b"),
    "stance": (r"I think\b", r"in my view", r"I believe\b", r"I find\b", r"in our view"),
    "claim": (r"belongs to", r"ownership", r"property of", r"rights to", r"accus\w+", r"alleg\w+"),
    "money": (r"valuation", r"purchase price", r"price\b", r"payment\w*", r"invoice\w*", r"tranche", r"shares\b",
              r"stake\b", r"million\w*", r"billion\w*"),
    "legal": (r"arbitration", r"lawsuit", r"sue[sd]?\b", r"court\b", r"motion\b", r"subpoena\w*", r"deposition\w*",
              r"counsel\b", r"attorney\w*", r"lawyer\w*", r"complaint\b", r"filed\b", r"agreement\b", r"contract\b"),
    "publication": (r"published\b", r"press release", r"announc\w*", r"went public",
                    r"(?:released|posted) (?:on|to) (?:the|its|their|our)\b"),
}
"""Regex fragments: the cues of each kind of act, as any case words them. General language only:
no case's own phrases (tests/test_lexicon.py)."""

LEGAL_FORMS = ("ltd", "llc", "inc", "plc", "co", "corp", "llp", "lp", "&")
TITLES = ("dr", "prof", "mr", "mrs", "ms", "sir", "dame", "esq")
ORG_WORDS = ("ventures", "capital", "partners", "group", "holding", "holdings", "robotics", "systems", "labs",
             "technologies", "international", "associates")
"""Words of organisation names that are never a person's surname."""
REPRESENTS = (r"I represent", r"we represent", r"on behalf of", r"counsel (?:for|to)", r"attorneys? for",
              r"my client", r"our client")
STOPWORDS = ("about", "after", "again", "also", "because", "been", "before", "being", "both", "could", "does",
             "doing", "each", "from", "further", "have", "having", "here", "into", "just", "more", "most", "much",
             "only", "other", "over", "same", "should", "some", "such", "than", "that", "their", "them", "then",
             "there", "these", "they", "this", "those", "through", "under", "until", "very", "were", "what", "when",
             "where", "which", "while", "will", "with", "would", "your", "yours", "think", "everyone", "anyone",
             "someone", "something", "anything", "everything", "thing", "things", "really", "still", "even",
             "please", "thanks", "thank", "regards", "best", "dear", "hello", "going", "want", "know", "like",
             "well", "make", "made", "need", "said", "says", "sent", "message", "email", "mail", "today",
             "part", "lot", "lots", "kind", "sort", "bit", "piece", "rest", "way", "ways", "case", "point",
             "tomorrow", "yesterday", "time", "week", "year", "people", "good", "great", "sure", "okay")
"""Words too common to name a topic (a point of contention is never named by one of these)."""
ARTICLES = ("the", "a", "an", "this", "that", "these", "those", "my", "your", "his", "her", "its", "our", "their",
            "no", "any", "some", "every", "each")
REQUESTS = ("whether", "asked", "ask", "asks", "request", "requested", "propose", "proposed", "proposal", "suggest",
            "suggested", "please", "would you", "could you", "can you", "will you", "invite", "invited")
"""Words of a request or a proposal: what the next sentence may answer (accept or refuse)."""
POSITION_CUES = (r"should", r"shouldn't", r"must", r"need(?:s|ed)?\b", r"no need", r"the point is", r"I think",
                 r"I believe", r"we think", r"we believe", r"in my view", r"in our view", r"inaccurate", r"incorrect",
                 r"wrong\b", r"right\b", r"better\b", r"worse\b", r"prefer\w*", r"rather\b", r"agree\w*",
                 r"disagree\w*", r"object\w*", r"insist\w*", r"propos\w*", r"suggest\w*", r"recommend\w*",
                 r"(?:is|are|was) not\b", r"isn't", r"aren't", r"nothing\b", r"never\b", r"too (?:early|late|much|broad)")
"""Regex fragments: words that state a position without naming an act (judgement, necessity,
preference, opinion)."""
APPROXIMATELY = ("about", "around", "roughly", "approximately", "nearly", "almost", "some", "close to", "just under",
                 "just over", "more than", "less than", "over", "under", "an estimated", "estimated")
"""Words that mark a number as rounded."""
ATTACHMENTS = ("attached", "attachment", "attachments", "enclosed", "please find", "see the attached")
"""Words with which a message says it carries an attachment (a printed exhibit may print it after
the message)."""
ADDRESSEE_SAID = ("you represent", "you represented", "your representation", "you claim", "you claimed", "your claim",
                  "you state", "you stated", "your statement", "you say", "you said", "you wrote", "you write",
                  "you allege", "you alleged", "your allegation", "you assert", "you asserted", "your assertion",
                  "you contend", "your contention", "you argue", "you argued", "your argument", "you suggest",
                  "you suggested", "you accuse", "your accusation", "your letter", "your email", "your e-mail",
                  "your response", "your reply", "your motion", "your opposition", "your filing", "your brief")
"""Words with which a writer attributes something to the person addressed ("Your representation
to the Court that ..."): what follows in quotation marks is the addressee's side, in the
addressee's words."""
OBJECT_VERBS = ("accused", "accuses", "accusing", "blamed", "blames", "told", "tells", "asked", "asks", "urged",
                "urges", "warned", "warns", "charged", "sued", "criticised", "criticized", "attacked", "thanked",
                "reminded", "informed", "pressed")
"""Reporting verbs whose next name is their object, not the speaker ("her lawyers accused
Maxwell's team of running “…”": the words are not Maxwell's). English only: German puts the
subject after the verb ("Dazu sagte Keller"), so there the name after the verb is the speaker."""
NUMBER_PHRASES = {"half a dozen": 6, "a dozen": 12, "dozen": 12, "a couple of": 2, "a score of": 20}
"""Counts written as phrases; "dozens" (many) is no count."""
CLOSING_WORDS = ("best", "regards", "cheers", "thanks", "thank", "sincerely", "yours", "rgds", "br", "ciao")
"""Single words that close a message: a line of one of them is no signature name."""
MODAL_WORDS = ("could", "should", "may", "might", "must", "can", "would", "ought to")
SPEECH_INFINITIVES = ("say", "tell", "write", "announce", "explain", "state", "confirm", "reply", "claim")
""""Gow could tell everyone that …": who could, should or may say a thing has not (yet) said it;
the quote is then someone else's (the one who allows or asks)."""
