"""The bundled sample case: a fictional dispute written for casefile (invented people, companies
and events; any resemblance to real ones is accidental)."""
from pathlib import Path


def sample_dir() -> Path:
    return Path(__file__).parent / "case"


DEMO_SEARCHES = (('"board seat"', {}), ("Vorstandssitz", {}), ("Anteile", {"sender": "lena"}))
"""What `casefile demo` searches for in the sample case (exact phrase, stemmed German, a sender)."""
DEMO_SEMANTIC = "Er lehnt den Sitz im Aufsichtsrat ab"
DEMO_QUOTE = "Okafor schrieb, er würde lieber das Unternehmen verlassen, als die Kontrolle an einen Investor abzugeben."
DEMO_ARTICLE = "press/northern-tech-review-2016-06-20.html"
DEMO_PARTIES = ("Lena Berg", "Daniel Okafor")
