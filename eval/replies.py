"""Score quoted-reply recovery on talon's standard replies.

../shared/corpora/talon-replies/standard_replies holds one reply per mail client (Android,
AOL, Apple Mail, Comcast, Gmail, Hotmail, iPhone, Outlook, Sparrow, Thunderbird, Yahoo). talon's
own test says the text above the quote is `Hello` (or the content of `<name>_reply_text`). We
score: `own_text`, the share of replies whose own text (above the first quoted message) is
exactly that; `recovered`, the share in which the quoted earlier message became a
`quoted-email` document with a sender and a date.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path


def score(corpora: Path) -> tuple[dict, list[str]]:
    from casefile.ingest.documents import own_text
    from casefile.model import Blob
    from casefile.ingest.registry import analyze
    folder = corpora / "talon-replies" / "standard_replies"
    n = own_ok = recovered = 0
    failures = []
    for path in sorted(folder.glob("*.eml")):
        n += 1
        blob = analyze(Blob(name=path.name, data=path.read_bytes()), top_level=True)
        expected_file = path.with_name(path.stem + "_reply_text")
        expected = expected_file.read_text().strip() if expected_file.exists() else "Hello"
        own = own_text(blob.documents[0].text).strip()
        if own == expected:
            own_ok += 1
        else:
            failures.append(f"{path.name}: own text {own[:60]!r}")
        quoted = [d for d in blob.documents if d.kind == "quoted-email"]
        if quoted and (quoted[0].from_name or quoted[0].from_addr) and quoted[0].sent_at:
            recovered += 1
        else:
            failures.append(f"{path.name}: quoted message not recovered")
    return {"replies": n, "own_text": round(own_ok / n, 4) if n else 0.0,
            "recovered": round(recovered / n, 4) if n else 0.0}, failures


if __name__ == "__main__":
    s, f = score(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[2] / "shared" / "corpora")
    print(json.dumps(s, indent=1))
    for line in f:
        print("  ", line, file=sys.stderr)
