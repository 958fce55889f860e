from datetime import datetime, timezone

from hypothesis import given, settings, strategies as st

from casefile.ingest.charset import decode_bytes
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
