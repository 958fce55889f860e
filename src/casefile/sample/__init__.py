"""The bundled sample case: a fictional dispute written for casefile (invented people, companies
and events; any resemblance to real ones is accidental)."""
from pathlib import Path


def sample_dir() -> Path:
    return Path(__file__).parent / "case"
