"""The larger retrieval case: 10,000 generated business e-mails in English and German about the
same kinds of things as the needles (supply contracts, deliveries, invoices, lab reports,
funding, boards, shares), with ten hand-written needle messages of a fictional dispute between
the bakery chain Morgenrot and the Hansemühle mill planted among them. Written by us; everything
is invented. Deterministic: the same seed gives the same mbox, byte for byte.

    python eval/retrieval/generate.py OUT.mbox [--messages 10000]
"""
from __future__ import annotations

import argparse
import random
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

NEEDLES = [
    ("Katrin Albers <k.albers@morgenrot-baeckerei.de>", "Tom Hollis <tom.hollis@hansemuehle.example>",
     "2019-06-03 09:10", "Supply agreement",
     "Tom,\n\nMorgenrot is terminating the supply agreement at the end of the year. The flour quality was "
     "wrong twice, and we cannot risk a third time.\n\nKatrin"),
    ("Tom Hollis <tom.hollis@hansemuehle.example>", "Katrin Albers <k.albers@morgenrot-baeckerei.de>",
     "2019-06-03 15:42", "Re: Supply agreement",
     "Katrin,\n\nI never promised you exclusivity for northern Germany. Our contract covers supply, not "
     "territory, and it says so on page two.\n\nTom"),
    ("Miriam Sauer <m.sauer@morgenrot-baeckerei.de>", "Tom Hollis <tom.hollis@hansemuehle.example>",
     "2019-06-05 11:00", "Offene Rechnung",
     "Herr Hollis,\n\nwir zahlen die offene Rechnung über 180.000 Euro erst, wenn der Laborbericht vorliegt. "
     "Bis dahin behalten wir den Betrag ein.\n\nMit freundlichen Grüßen\nMiriam Sauer"),
    ("Katrin Albers <k.albers@morgenrot-baeckerei.de>", "Miriam Sauer <m.sauer@morgenrot-baeckerei.de>",
     "2019-06-06 08:20", "Hansemühle – Chronologie",
     "Miriam,\n\ndie Mühle in Lüneburg hat im März und im Mai Mehl mit zu hoher Feuchtigkeit geliefert. "
     "Zwölf Filialen mussten Brötchen wegwerfen, weil der Teig nicht aufgegangen ist.\n\nKatrin"),
    ("Tom Hollis <tom.hollis@hansemuehle.example>", "Miriam Sauer <m.sauer@morgenrot-baeckerei.de>",
     "2019-06-07 16:05", "Lab results",
     "Dear Ms Sauer,\n\nour own tests show that the lab values are within the contractual tolerance. We will "
     "send the full report on Monday.\n\nTom Hollis"),
    ("Miriam Sauer <m.sauer@morgenrot-baeckerei.de>", "Tom Hollis <tom.hollis@hansemuehle.example>",
     "2019-06-08 10:30", "Rückruf",
     "Herr Hollis,\n\nwenn Sie den Rückruf nicht bis Montag bekannt geben, gehe ich an die Presse. Unsere "
     "Kunden haben ein Recht darauf.\n\nMiriam Sauer"),
    ("Tom Hollis <tom.hollis@hansemuehle.example>", "Katrin Albers <k.albers@morgenrot-baeckerei.de>",
     "2019-06-10 13:15", "Proposal",
     "Katrin,\n\nwe offer a credit note of EUR 40,000 if Morgenrot extends the contract to June. Let me know "
     "by Friday.\n\nTom"),
    ("Katrin Albers <k.albers@morgenrot-baeckerei.de>", "Tom Hollis <tom.hollis@hansemuehle.example>",
     "2019-06-11 09:45", "AW: Proposal",
     "Tom,\n\nSie haben uns die Feuchtigkeitswerte der zweiten Lieferung verschwiegen. Das ist für uns ein "
     "Vertrauensbruch, den keine Gutschrift heilt.\n\nKatrin Albers"),
    ("Tom Hollis <tom.hollis@hansemuehle.example>", "Miriam Sauer <m.sauer@morgenrot-baeckerei.de>",
     "2019-06-14 17:30", "Termination",
     "Dear Ms Sauer,\n\nour lawyers consider the termination invalid because the three-month notice period "
     "was not observed.\n\nTom Hollis"),
    ("Miriam Sauer <m.sauer@morgenrot-baeckerei.de>", "Tom Hollis <tom.hollis@hansemuehle.example>",
     "2019-06-17 08:05", "Treffen",
     "Lieber Herr Hollis,\n\nder Ton meiner letzten Mail tut mir leid. Lassen Sie uns am Donnerstag in "
     "Hamburg treffen.\n\nMiriam Sauer"),
]

FIRST = ["Anna", "Ben", "Clara", "David", "Eva", "Felix", "Greta", "Hannes", "Ines", "Jakob", "Karla", "Lukas",
         "Marta", "Nils", "Olga", "Paul", "Rosa", "Simon", "Tina", "Uwe", "Vera", "Wim", "Yara", "Zoe",
         "Alice", "Brian", "Chloe", "Derek", "Emma", "Frank", "Grace", "Henry", "Isla", "Jack", "Kate", "Liam"]
LAST = ["Becker", "Schulz", "Hoffmann", "Koch", "Richter", "Wolf", "Neumann", "Braun", "Zimmermann", "Kraus",
        "Smith", "Taylor", "Brown", "Wilson", "Evans", "Walker", "Wright", "Hughes", "Green", "Hall"]
COMPANIES = ["Elbtal Logistik", "Nordlicht Foods", "Brückner Maschinenbau", "Seeblick Hotels", "Alster Pharma",
             "Kestrel Software", "Harbourline Freight", "Greywater Capital", "Linden Mills", "Sturmvogel Energie",
             "Oakridge Partners", "Falkenberg Bau", "Weserland Agrar", "Bluefin Analytics", "Heidekorn GmbH"]
PRODUCTS = ["flour", "sensors", "packaging", "software licences", "steel parts", "seed grain", "pallets",
            "cooling units", "spare parts", "printing paper"]
PRODUKTE = ["Mehl", "Sensoren", "Verpackungen", "Softwarelizenzen", "Stahlteile", "Saatgut", "Paletten",
            "Kühlaggregate", "Ersatzteile", "Druckpapier"]
CITIES = ["Hamburg", "Bremen", "Kiel", "Hannover", "Berlin", "Munich", "Cologne", "Leipzig", "Rostock", "Lübeck"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
TAGE = ["Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "September", "October", "November"]
MONATE = ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "September", "Oktober", "November"]

EN = [
    "The delivery of {product} for {company} is delayed until {day}.",
    "Please send me the signed supply contract by {day}.",
    "Our invoice over EUR {amount} for the {month} delivery is still open.",
    "The lab report on the last batch of {product} arrived this morning.",
    "Can we move the meeting in {city} to {day} afternoon?",
    "{company} wants to renegotiate the prices for next year.",
    "I have asked legal to review the termination clause before we reply.",
    "The board will discuss the budget for {city} at its next meeting.",
    "Our investors expect a decision on the second funding round in {month}.",
    "The customer complained about the quality of the {product} again.",
    "We can offer a discount of {pct} percent if the order is confirmed this week.",
    "The warehouse in {city} is full until the end of {month}.",
    "Please check whether the notice period in the framework agreement is three or six months.",
    "I spoke to {name} about the open points; they will call you on {day}.",
    "The audit of the {month} figures found no problems.",
    "We will not accept any further price increase this year.",
    "{company} has agreed to extend the contract by twelve months.",
    "The shareholders approved the new budget of EUR {amount}.",
    "Attached are the minutes of the supervisory board meeting.",
    "The truck with the {product} broke down near {city}.",
    "Could you confirm the delivery dates for {month} and the following month?",
    "The moisture readings of the samples were within the usual range.",
    "We have to reduce the order volume because sales in {city} are weak.",
    "Our lawyers say the penalty clause cannot be enforced.",
    "I am sorry for the late answer; I was travelling in {city}.",
    "The new contract gives {company} exclusivity in {city} for two years.",
    "Let us discuss the credit note when we meet on {day}.",
    "The press office asked whether we will comment on the recall.",
    "The quality team found foreign bodies in two pallets of {product}.",
    "{name} will take over the account from next {month}.",
    "Payment will follow as soon as we receive the corrected invoice.",
    "We need the certificates of origin for the {product} before shipment.",
]
DE = [
    "Die Lieferung {produkt} für {company} verzögert sich bis {tag}.",
    "Bitte schicken Sie mir den unterschriebenen Liefervertrag bis {tag}.",
    "Unsere Rechnung über {amount} Euro für die Lieferung im {monat} ist noch offen.",
    "Der Laborbericht zur letzten Charge {produkt} kam heute Morgen.",
    "Können wir das Treffen in {city} auf {tag} Nachmittag verschieben?",
    "{company} möchte die Preise für das nächste Jahr neu verhandeln.",
    "Ich habe die Rechtsabteilung gebeten, die Kündigungsklausel zu prüfen.",
    "Der Vorstand bespricht das Budget für {city} in der nächsten Sitzung.",
    "Unsere Investoren erwarten im {monat} eine Entscheidung über die zweite Finanzierungsrunde.",
    "Der Kunde hat sich erneut über die Qualität der {produkt} beschwert.",
    "Wir können {pct} Prozent Rabatt anbieten, wenn der Auftrag diese Woche bestätigt wird.",
    "Das Lager in {city} ist bis Ende {monat} voll.",
    "Bitte prüfen Sie, ob die Kündigungsfrist im Rahmenvertrag drei oder sechs Monate beträgt.",
    "Ich habe mit {name} über die offenen Punkte gesprochen; er ruft Sie am {tag} an.",
    "Die Prüfung der Zahlen für {monat} hat keine Probleme ergeben.",
    "Eine weitere Preiserhöhung akzeptieren wir in diesem Jahr nicht.",
    "{company} hat zugestimmt, den Vertrag um zwölf Monate zu verlängern.",
    "Die Gesellschafter haben das neue Budget von {amount} Euro genehmigt.",
    "Anbei das Protokoll der Aufsichtsratssitzung.",
    "Der Lkw mit den {produkt} ist bei {city} liegen geblieben.",
    "Können Sie die Liefertermine für {monat} und den Folgemonat bestätigen?",
    "Die Feuchtigkeitswerte der Proben lagen im üblichen Bereich.",
    "Wir müssen die Bestellmenge reduzieren, weil der Absatz in {city} schwach ist.",
    "Unsere Anwälte sagen, dass die Vertragsstrafe nicht durchsetzbar ist.",
    "Entschuldigen Sie die späte Antwort, ich war in {city} unterwegs.",
    "Der neue Vertrag gibt {company} für zwei Jahre die Exklusivität in {city}.",
    "Über die Gutschrift sprechen wir, wenn wir uns am {tag} treffen.",
    "Die Pressestelle fragt, ob wir uns zum Rückruf äußern.",
    "Das Qualitätsteam hat in zwei Paletten {produkt} Fremdkörper gefunden.",
    "{name} übernimmt den Kunden ab {monat}.",
    "Die Zahlung erfolgt, sobald wir die korrigierte Rechnung erhalten.",
    "Vor dem Versand brauchen wir die Ursprungszeugnisse für die {produkt}.",
]
SUBJECTS_EN = ["Delivery", "Invoice", "Contract", "Meeting", "Quality issue", "Budget", "Lab report", "Pricing",
               "Board meeting", "Funding round", "Order volume", "Recall", "Open points"]
SUBJECTS_DE = ["Lieferung", "Rechnung", "Vertrag", "Treffen", "Qualitätsproblem", "Budget", "Laborbericht",
               "Preise", "Vorstandssitzung", "Finanzierungsrunde", "Bestellmenge", "Rückruf", "Offene Punkte"]


def _person(rng) -> tuple[str, str]:
    first, last = rng.choice(FIRST), rng.choice(LAST)
    company = rng.choice(COMPANIES)
    domain = company.lower().replace(" ", "-").replace("ü", "ue") + ".example"
    return f"{first} {last}", f"{first.lower()}.{last.lower()}@{domain}"


def _message(rng, n: int) -> tuple[str, str, str, str, datetime]:
    german = rng.random() < 0.45
    (fn, fa), (tn, ta) = _person(rng), _person(rng)
    slots = dict(product=rng.choice(PRODUCTS), produkt=rng.choice(PRODUKTE), company=rng.choice(COMPANIES),
                 amount=f"{rng.randint(2, 900) * 1000:,}".replace(",", "." if german else ","),
                 day=rng.choice(DAYS), tag=rng.choice(TAGE), month=rng.choice(MONTHS), monat=rng.choice(MONATE),
                 city=rng.choice(CITIES), pct=rng.choice([2, 3, 5, 8, 10]), name=_person(rng)[0])
    bank = DE if german else EN
    body = " ".join(s.format(**slots) for s in rng.sample(bank, rng.randint(2, 5)))
    if rng.random() < 0.5:
        body += "\n\n" + " ".join(s.format(**slots) for s in rng.sample(bank, rng.randint(1, 3)))
    greet = (f"Hallo {tn.split()[0]}," if german else f"Hi {tn.split()[0]},")
    close = ("Viele Grüße" if german else "Best regards")
    text = f"{greet}\n\n{body}\n\n{close}\n{fn}"
    subject = rng.choice(SUBJECTS_DE if german else SUBJECTS_EN)
    when = datetime(2018, 1, 1, tzinfo=timezone.utc) + timedelta(minutes=rng.randint(0, 3 * 365 * 24 * 60))
    return f"{fn} <{fa}>", f"{tn} <{ta}>", subject, text, when


def _mbox_entry(frm: str, to: str, subject: str, text: str, when: datetime, msgid: str) -> str:
    addr = frm.split("<")[1].rstrip(">")
    body = "\n".join((">" + ln) if ln.startswith("From ") else ln for ln in text.split("\n"))
    return (f"From {addr} {when.strftime('%a %b %d %H:%M:%S %Y')}\n"
            f"From: {frm}\nTo: {to}\nSubject: {subject}\nDate: {format_datetime(when)}\n"
            f"Message-ID: <{msgid}>\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n"
            f"Content-Transfer-Encoding: 8bit\n\n{body}\n\n")


def generate(path, messages: int = 10_000, seed: int = 20261122) -> int:
    """Write the mbox; return how many messages it holds (generated + needles)."""
    rng = random.Random(seed)
    needle_at = {rng.randrange(messages): i for i in range(len(NEEDLES))}
    while len(needle_at) < len(NEEDLES):
        needle_at[rng.randrange(messages)] = len(needle_at)
    with open(path, "w", encoding="utf-8") as fh:
        for n in range(messages):
            frm, to, subject, text, when = _message(rng, n)
            fh.write(_mbox_entry(frm, to, subject, text, when, f"gen{n}@retrieval.example"))
            if n in needle_at:
                i = needle_at[n]
                nf, nt, nd, ns, nb = NEEDLES[i]
                w = datetime.strptime(nd, "%Y-%m-%d %H:%M").replace(tzinfo=timezone.utc)
                fh.write(_mbox_entry(nf, nt, ns, nb, w, f"needle{i}@retrieval.example"))
    return messages + len(NEEDLES)


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--messages", type=int, default=10_000)
    a = ap.parse_args()
    print(generate(a.out, a.messages))
