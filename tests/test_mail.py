"""The plain-message fast path of `mail.parse_mail` gives what the stdlib MIME parser gives."""
import dataclasses
import io

import pytest
from hypothesis import given, settings, strategies as st

from casefile.ingest import mail
from casefile.ingest.mbox import iter_mbox


def _state(blob):
    return (blob.status, blob.reason, blob.type, blob.detail, [dataclasses.asdict(d) for d in blob.documents],
            [(c.name, c.locator, c.type, c.data) for c in blob.children])


def _both(monkeypatch, data: bytes):
    fast = _state(mail.parse_mail(data, "m"))
    with monkeypatch.context() as m:
        m.setattr(mail, "_simple_message", lambda d: None)
        full = _state(mail.parse_mail(data, "m"))
    return fast, full


def _eligible(data: bytes) -> bool:
    data = data.lstrip(b" \t\r\n")
    if data.startswith(b"From ") and b"\n" in data[:1000]:
        data = data.split(b"\n", 1)[1]
    return mail._simple_message(data) is not None


@pytest.mark.parametrize("data", [
    b"From: A <a@x.de>\nSubject: hi\n\nbody\n",
    b"From: A <a@x.de>\r\nSubject: folded\r\n  on two lines\r\nContent-Type: TEXT/plain; charset=\"ISO-8859-1\"; format=flowed"
    b"\r\nContent-Transfer-Encoding: 8bit\r\n\r\nStra\xdfe\r\n",
    b"Subject: no body\n\n",
    b"Subject: latin-1 without charset\n\nK\xf6ln\n",
    b"Subject: qp\nContent-Transfer-Encoding: Quoted-Printable\nContent-Type: text/plain; charset=utf-8\n\nK=C3=B6ln=\n und =3D\n",
])
def test_fast_path_equals_full_parser(monkeypatch, data):
    assert _eligible(data)
    fast, full = _both(monkeypatch, data)
    assert fast == full


@pytest.mark.parametrize("data", [
    b"Subject: x\nContent-Type: text/html\n\n<p>x</p>\n",              # not plain text
    b"Subject: x\nContent-Transfer-Encoding: base64\n\neA==\n",          # encoded body
    b"Subject: x\nContent-Type: text/plain; name=a.txt\n\nx\n",          # a named part is an attachment
    b"Subject: =?utf-8?Q?x?= \xc3\xa4\n\nx\n",                            # 8-bit header
    b"Subject : obsolete\n\nx\n",                                         # white space before the colon
    b"Subject: x\nno colon here\n\nx\n",                                  # a broken header block
    b"Subject: x\rTo: y\n\nx\n",                                          # a bare CR
    b"Subject: x\n",                                                      # no body separator
])
def test_anything_else_takes_the_full_parser(data):
    assert not _eligible(data)


def test_fast_path_equals_full_parser_on_every_corpus_message(corpus_files, monkeypatch):
    """Every single-message file and every mbox member of the shared corpora the fast path takes."""
    checked, differ = 0, []
    for path, data in corpus_files(5_000_000):
        messages = [data]
        if data.startswith(b"From "):
            messages += [m.data for m in iter_mbox(io.BytesIO(data), 0, 0)]
        for msg in messages:
            if msg and _eligible(msg):
                checked += 1
                fast, full = _both(monkeypatch, msg)
                if fast != full:
                    differ.append(path)
    assert checked > 3000
    assert differ == []


_NAME = st.sampled_from(["Subject", "From", "To", "Content-Type", "content-transfer-encoding", "X-A", "Date",
                         "Content-Disposition", "Message-ID"])
_VALUE = st.text(alphabet="abc <>@.;=\"/:\t-", max_size=30) | st.sampled_from(
    ["text/plain; charset=utf-8", "TEXT/PLAIN; charset=\"latin1\"; format=flowed", "text/plain; name=x",
     "quoted-printable", "8bit", "base64", "text/html", "text/plain;;charset=x;"])
_LINE = st.builds(lambda n, sep, v, end: f"{n}{sep}{v}{end}", _NAME, st.sampled_from([":", ": ", ":\t", " :"]),
                  _VALUE, st.sampled_from(["\n", "\r\n"])) | st.sampled_from([" folded\n", "\tmore\r\n", "broken\n"])


@settings(max_examples=300, deadline=None)
@given(st.lists(_LINE, min_size=1, max_size=8), st.sampled_from(["\n", "\r\n", ""]),
       st.binary(max_size=60) | st.sampled_from([b"K=C3=B6ln=\n x=3D", b"Stra\xdfe\r\n", b""]))
def test_generated_messages_fast_path_equals_full_parser(lines, sep, body):
    data = "".join(lines).encode("ascii") + sep.encode("ascii") + body
    if not _eligible(data):
        return
    with pytest.MonkeyPatch.context() as m:
        fast = _state(mail.parse_mail(data, "m"))
        m.setattr(mail, "_simple_message", lambda d: None)
        full = _state(mail.parse_mail(data, "m"))
    assert fast == full
