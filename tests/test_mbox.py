import io

from casefile.ingest.mbox import is_from_line, iter_mbox


def messages(data: bytes, **kw):
    return list(iter_mbox(io.BytesIO(data), **kw))


def test_from_line_variants():
    data = (b"From alice@example.org Mon Jan  1 10:00:00 2001\nSubject: one\n\nbody one\n\n"
            b"From - Tue Feb 13 09:00:00 2007\nSubject: two\n\nbody two\n\n"
            b"From MAILER-DAEMON Fri Jul  8 12:08:34 2011\nSubject: three\n\nbody three\n\n"
            b'From "quoted name"@x.org Sat Jan  3 01:05:34 1996\nSubject: four\n\nbody four\n')
    got = messages(data)
    assert [m.index for m in got] == [0, 1, 2, 3]
    assert [m.data.split(b"\n")[0] for m in got] == [b"Subject: one", b"Subject: two", b"Subject: three", b"Subject: four"]
    assert got[0].data.endswith(b"body one\n")


def test_from_in_body_without_blank_line_or_date_stays_in_body():
    data = (b"From a@b Mon Jan  1 10:00:00 2001\nSubject: one\n\nline\nFrom here on it is body\n\n"
            b"From what I hear, also body.\nstill body\n")
    got = messages(data)
    assert len(got) == 1 and b"From what I hear" in got[0].data


def test_mboxrd_unescaping():
    data = b"From a@b Mon Jan  1 10:00:00 2001\nSubject: x\n\n>From the start\n>>From deeper\n"
    (m,) = messages(data)
    assert b"\nFrom the start\n>From deeper\n" in m.data


def test_content_length_mbox_keeps_unescaped_from_lines():
    body = b"first line\n\nFrom Monday 10:00 2001 this is body text\n"
    data = (b"From a@b Mon Jan  1 10:00:00 2001\nSubject: cl\nContent-Length: %d\n\n" % len(body)) + body + \
           b"\nFrom c@d Tue Jan  2 10:00:00 2001\nSubject: next\n\nnext body\n"
    got = messages(data)
    assert len(got) == 2
    assert b"From Monday" in got[0].data and got[1].data.startswith(b"Subject: next")


def test_resume_from_offset_gives_the_same_tail():
    data = b"".join(b"From a@b Mon Jan  1 10:00:%02d 2001\nSubject: m%d\n\nbody %d\n\n" % (i, i, i) for i in range(10))
    full = messages(data)
    tail = messages(data, start_offset=full[6].offset, start_index=6)
    assert [(m.index, m.data) for m in tail] == [(m.index, m.data) for m in full[6:]]


def test_is_from_line_needs_blank_line_before():
    assert is_from_line(b"From a@b Mon Jan  1 10:00:00 2001\n", True, b"Subject: x\n")
    assert not is_from_line(b"From a@b Mon Jan  1 10:00:00 2001\n", False, b"Subject: x\n")
    assert not is_from_line(b"From here on\n", True, b"more prose\n")
