import pytest

from casefile.ingest import detect as dt

CASES = [
    (b"From: a@b.c\nTo: d@e.f\nSubject: hi\n\nbody", dt.RFC822),
    (b"Message-ID: <1@x>\nDate: Mon, 14 May 2001 16:39:00 -0700 (PDT)\nFrom: a@b\n\nx", dt.RFC822),
    (b"   \n  From: James <j@x.y>\nTo: a@b\n\nbody", dt.RFC822),          # leading white space
    (b"Subject : obsolete syntax\nFrom : a@b\n\nbody", dt.RFC822),         # WSP before colon
    (b"From a@b.c Mon Jan  1 00:00:00 2001\nFrom: a@b.c\nSubject: x\n\nhi\n", dt.MBOX),
    (b"From - Tue Jul 12 09:00:00 2016\nSubject: x\n\nhi\n", dt.MBOX),
    (b"From  : John Doe <jdoe@x>\nTo    : Mary\nSubject: hello\n\nbody", dt.RFC822),   # not a From_ line
    (b"From what I hear, this is prose.\nIt goes on.\n", dt.TEXT),
    (b"!BDN\x00\x00", dt.OUTLOOK_PST),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "__substg1.0_0037001F".encode("utf-16-le"), dt.OUTLOOK_MSG),
    (b"\x78\x9f\x3e\x22\x00", dt.TNEF),
    (b"PK\x03\x04\x14\x00\x00\x00mail.eml", dt.ZIP),
    (b"PK\x03\x04\x14\x00\x00\x00word/document.xml", dt.DOCX),
    (b"%PDF-1.7\n", dt.PDF),
    (b"<!DOCTYPE html><html><body>x</body></html>", dt.HTML),
    (b"\x89PNG\r\n\x1a\n\x00", "image/png"),
    (b"\xff\xfeh\x00i\x00", dt.TEXT),
    (b"", dt.EMPTY),
    (b"\x00\x01\x02\x03\x04\x05binary\x00\x00", dt.UNKNOWN),
]


@pytest.mark.parametrize("head,expected", CASES)
def test_detect(head, expected):
    assert dt.detect(head, "") == expected


def test_extension_does_not_decide():
    assert dt.detect(b"From: a@b\nSubject: x\n\nbody", "notes.txt") == dt.RFC822
    assert dt.detect(b"just some words\n", "message.eml") == dt.TEXT
