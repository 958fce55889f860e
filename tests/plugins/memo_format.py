"""A made-up format for the plugin test: a 'memo' file starts with `MEMO/1`, then `From:` and
`Date:` lines, a blank line and the text. It reaches casefile only through an entry point in the
group `casefile.ingestors` (tests/test_plugins.py writes the package metadata that declares it)."""
from casefile.model import Blob, DocRecord
from casefile.ingest.registry import Ingestor

MIME = "application/x-memo"


def detect(head: bytes, name: str) -> bool:
    return head.startswith(b"MEMO/1\n")


def parse(data: bytes, name: str) -> Blob:
    head, _, body = data.decode("utf-8").partition("\n\n")
    fields = dict(line.split(": ", 1) for line in head.splitlines()[1:] if ": " in line)
    doc = DocRecord(kind="text", text=body.strip(), title=name, body_from="memo", from_name=fields.get("From"),
                    sent_at=fields.get("Date"))
    doc.citation = {"file": name}
    return Blob(name=name, type=MIME, documents=[doc], detail="memo (plugin)")


INGESTOR = Ingestor("memo", (MIME,), (".memo",), parse=parse, detect=detect)


def broken():
    raise RuntimeError("this plugin is broken on purpose")
