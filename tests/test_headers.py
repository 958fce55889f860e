from datetime import datetime, timezone

from hypothesis import given, settings, strategies as st

from casefile.ingest.charset import decode_bytes
from casefile.ingest import headers
from casefile.ingest.headers import decode_header, parse_addresses, parse_date


def test_rfc2047_adjacent_words_join_without_space():
    text, notes = decode_header("=?utf-8?Q?Gr=C3=BC=C3=9Fe?= =?iso-8859-1?Q?_aus_K=F6ln?=")
    assert text == "Grüße aus Köln" and notes == []


def test_rfc2047_base64_and_folding():
    text, _ = decode_header("=?UTF-8?B?VmVydHJhZw==?=\r\n =?UTF-8?B?c2VudHd1cmY=?= final")
    assert text == "Vertragsentwurf final"


def test_rfc2231_language_suffix_in_encoded_word():
    assert decode_header("=?utf-8*de?Q?Anteile?=")[0] == "Anteile"


def test_unknown_charset_falls_back_and_says_so():
    text, notes = decode_header("=?x-unknown?Q?caf=C3=A9?=")
    assert text == "café"
    assert notes and "unknown" in notes[0] and "utf-8" in notes[0]


def test_raw_8bit_header_is_decoded():
    raw = "Stra\udcc3\udc9fe"          # 'Straße' as utf-8 bytes kept as surrogate escapes
    assert decode_header(raw)[0] == "Straße"


def test_decode_bytes_records_fallback():
    text, note = decode_bytes("Grüße".encode("cp1252"), "us-ascii")
    assert text == "Grüße" or "Gr" in text
    assert note is not None and "us-ascii" in note


def test_addresses_split_and_decoded():
    got = parse_addresses('"Berg, Lena" <Lena.Berg@Example.DE>, =?utf-8?Q?J=C3=B6rg?= <j@x.de>, bare@x.org')
    assert got == [{"name": "Berg, Lena", "addr": "lena.berg@example.de"},
                   {"name": "Jörg", "addr": "j@x.de"},
                   {"name": None, "addr": "bare@x.org"}]


def test_huge_address_list_does_not_recurse():
    value = ", ".join(f"user{i} <u{i}@example.com>" for i in range(5000))
    assert len(parse_addresses(value)) == 5000


def test_date_normalised_to_utc_with_original_kept_by_caller():
    iso, flag, notes = parse_date("Fri, 4 Mar 2016 10:12:00 +0100")
    assert (iso, flag) == ("2016-03-04T09:12:00Z", None)


def test_missing_and_garbage_dates_are_flagged_not_now():
    assert parse_date(None)[:2] == (None, "missing")
    assert parse_date("   ")[:2] == (None, "missing")
    assert parse_date("not a date at all")[:2] == (None, "unparseable")


def test_implausible_dates_are_kept_and_flagged():
    now = datetime(2026, 1, 1, tzinfo=timezone.utc)
    assert parse_date("Mon, 1 Jan 2099 00:00:00 +0000", now=now) == ("2099-01-01T00:00:00Z", "implausible", [])
    assert parse_date("Thu, 1 Jan 1970 00:00:00 +0000", now=now)[1] == "implausible"


def test_date_without_zone_is_read_as_utc_with_a_note():
    iso, flag, notes = parse_date("Mon, 21 Aug 1995 13:30:57")
    assert iso == "1995-08-21T13:30:57Z" and flag is None and notes


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_header_functions_never_raise(value):
    decode_header(value)
    parse_addresses(value)
    parse_date(value)


def _full_parser(value):
    """parse_addresses with the plain-list fast path switched off."""
    fast = headers._simple_addresses
    headers._simple_addresses = lambda v: None
    try:
        return parse_addresses(value)
    finally:
        headers._simple_addresses = fast


_ATOM = st.text(alphabet="abcXYZ019.'_-", min_size=1, max_size=6)
_ADDRESS = st.builds(lambda a, b, c: f"{a}@{b}.{c}", _ATOM, _ATOM, st.sampled_from(["de", "com", "x-y"]))
_ENTRY = st.one_of(_ADDRESS, st.builds(lambda n, a: f"{' '.join(n)} <{a}>", st.lists(_ATOM, max_size=3), _ADDRESS))


@settings(max_examples=400, deadline=None)
@given(st.lists(_ENTRY, min_size=1, max_size=4), st.sampled_from([", ", ",", " , ", ",, "]))
def test_plain_address_lists_fast_path_agrees_with_full_parser(entries, sep):
    value = sep.join(entries)
    assert parse_addresses(value) == _full_parser(value)


def test_fast_path_agrees_on_every_corpus_address_header(corpus_files):
    """Every From/To/Cc/Bcc/Sender/Reply-To value of the shared corpora's single-message files:
    where the fast path answers, it answers what the stdlib parser route does."""
    import email
    from email.policy import compat32

    values = set()
    for _, data in corpus_files(2_000_000, head=200_000):
        if b"From:" not in data[:20_000] and b"To:" not in data[:20_000]:
            continue
        try:
            items = email.message_from_bytes(data, policy=compat32).raw_items()
            values.update(headers._FOLD.sub("", str(v)) for k, v in items
                          if str(k).lower() in ("from", "to", "cc", "bcc", "sender", "reply-to"))
        except Exception:  # noqa: BLE001 - binary files and broken messages are not this test's subject
            continue
    fast = [v for v in values if headers._simple_addresses(v) is not None]
    assert len(values) > 2000 and len(fast) > len(values) / 2
    assert [v for v in fast if headers._simple_addresses(v) != _full_parser(v)] == []


def test_a_huge_address_header_without_addresses_is_read_in_linear_time():
    import time
    t0 = time.monotonic()
    for value in ("a" * 100_000, "a." * 50_000, "a'" * 50_000, "x" * 70_000 + " <y@z.de>"):
        parse_addresses(value)
    assert time.monotonic() - t0 < 2            # each took 30-45 s when the fallback was quadratic
    assert parse_addresses("x" * 70_000 + " y@z.de, w@v.org") == [{"name": None, "addr": "y@z.de"},
                                                                  {"name": None, "addr": "w@v.org"}]
