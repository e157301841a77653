"""Tests for the typed-value checks and canonical forms in pcso_desk.domain.validation."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from functools import partial
from typing import TypeVar
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pcso_desk.domain.errors import ValidationError
from pcso_desk.domain.validation import (
    check_in_order,
    format_phone,
    normalise_crime_reference,
    normalise_email,
    normalise_name,
    normalise_phone,
    normalise_postcode,
    optional,
)

D = TypeVar("D", date, datetime)

# --- postcodes ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("al13ab", "AL1 3AB"),
        (" AL1  3AB ", "AL1 3AB"),
        ("AL1 3AB", "AL1 3AB"),
        ("a l 1 3 a b", "AL1 3AB"),
        ("M1 1AE", "M1 1AE"),  # A9
        ("B33 8TH", "B33 8TH"),  # A99
        ("CR2 6XH", "CR2 6XH"),  # AA9
        ("DN55 1PT", "DN55 1PT"),  # AA99
        ("W1A 0AX", "W1A 0AX"),  # A9A
        ("ec1a1bb", "EC1A 1BB"),  # AA9A
        ("SW1A 1AA", "SW1A 1AA"),
        ("gir0aa", "GIR 0AA"),
        ("GIR 0AA", "GIR 0AA"),
        ("WD18 8SD", "WD18 8SD"),
        ("\tsg1 2aa\n", "SG1 2AA"),
    ],
)
def test_postcode_valid_forms_are_canonicalised(raw: str, expected: str) -> None:
    assert normalise_postcode(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "AB1 2",  # inward code too short
        "AL1",  # outward only
        "3AB",
        "AL1 3ABC",
        "QL1 3AB",  # Q never starts a postcode
        "AI1 3AB",  # I is not used as the second letter
        "AL1 3CB",  # C is not used in the inward code
        "AL1 AAB",
        "AL123 3AB",
        "GIR 0AB",
        "12345",
        "AL1-3AB",
        "hello",
    ],
)
def test_postcode_invalid_forms_raise(raw: str) -> None:
    with pytest.raises(ValidationError) as err:
        normalise_postcode(raw)
    assert err.value.field == "postcode"
    assert err.value.message == f"'{raw.strip()}' is not a valid UK postcode."


def test_postcode_error_names_the_value_and_field() -> None:
    with pytest.raises(ValidationError) as err:
        normalise_postcode("  AB1 2 ", field="home_postcode")
    assert str(err.value) == "'AB1 2' is not a valid UK postcode."
    assert err.value.field == "home_postcode"


@pytest.mark.parametrize("raw", ["", "   ", "\t"])
def test_postcode_empty_is_required(raw: str) -> None:
    with pytest.raises(ValidationError, match=re.escape("A postcode is required.")) as err:
        normalise_postcode(raw)
    assert err.value.field == "postcode"


_AREA = st.sampled_from(["AL", "SG", "WD", "EN", "HP", "LU", "M", "B", "W", "EC", "SW"])
_INWARD_LETTER = st.sampled_from("ABDEFGHJLNPQRSTUWXYZ")


@st.composite
def _postcodes(draw: st.DrawFn) -> str:
    area = draw(_AREA)
    district = str(draw(st.integers(min_value=1, max_value=9)))
    sector = str(draw(st.integers(min_value=0, max_value=9)))
    return f"{area}{district} {sector}{draw(_INWARD_LETTER)}{draw(_INWARD_LETTER)}"


@given(_postcodes(), st.booleans(), st.sampled_from(["", " ", "  ", "\t"]))
def test_postcode_normalisation_is_idempotent(code: str, lower: bool, pad: str) -> None:
    typed = pad + (code.lower() if lower else code).replace(" ", pad or "") + pad
    once = normalise_postcode(typed)
    assert once == code
    assert normalise_postcode(once) == once


@given(st.text(max_size=12))
def test_postcode_either_raises_or_returns_a_fixed_point(text: str) -> None:
    try:
        once = normalise_postcode(text)
    except ValidationError:
        return
    assert normalise_postcode(once) == once
    assert once == once.upper()
    assert once.count(" ") == 1


# --- phone numbers -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("01707 354000", "+441707354000"),
        ("+44 1707 354000", "+441707354000"),
        ("+44 (0)1707 354000", "+441707354000"),
        ("07700 900123", "+447700900123"),
        ("07911 123456", "+447911123456"),
        ("(01923) 472000", "+441923472000"),
        ("020 7946 0123", "+442079460123"),
        ("01707-354-000", "+441707354000"),
        ("  01707354000  ", "+441707354000"),
        ("+1 202 456 1111", "+12024561111"),
        ("+33 1 42 68 53 00", "+33142685300"),
    ],
)
def test_phone_valid_numbers_become_e164(raw: str, expected: str) -> None:
    assert normalise_phone(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "0170",  # too short
        "01707 35400",  # one digit short
        "01707 3540000000",  # too long
        "01707 ABCDEF",  # letters
        "0800 FLOWERS",  # vanity letters are not read as digits
        "hello",
        "+999 123456",  # no such country code
        "+1 555 0100",  # possible-looking but not valid
        "00000 000000",
        "+",
        "07700 90012",  # drama range, wrong length
    ],
)
def test_phone_invalid_numbers_raise(raw: str) -> None:
    with pytest.raises(ValidationError) as err:
        normalise_phone(raw, field="mobile")
    assert err.value.field == "mobile"
    assert err.value.message.startswith(f"'{raw.strip()}' is not a valid phone number")


@pytest.mark.parametrize("raw", ["", "   "])
def test_phone_empty_is_required(raw: str) -> None:
    with pytest.raises(ValidationError, match=re.escape("A phone number is required.")) as err:
        normalise_phone(raw)
    assert err.value.field == "phone"


@pytest.mark.parametrize(
    ("e164", "shown"),
    [
        ("+441707354000", "01707 354000"),
        ("+447700900123", "07700 900123"),
        ("+442079460123", "020 7946 0123"),
        ("+12024561111", "+1 202-456-1111"),
        ("+33142685300", "+33 1 42 68 53 00"),
        ("not a number", "not a number"),  # display never fails
    ],
)
def test_format_phone(e164: str, shown: str) -> None:
    assert format_phone(e164) == shown


@pytest.mark.parametrize("raw", ["01707 354000", "(01923) 472000", "+33 1 42 68 53 00"])
def test_phone_round_trip_through_display(raw: str) -> None:
    e164 = normalise_phone(raw)
    assert normalise_phone(format_phone(e164)) == e164


# --- email -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("jo.bloggs@herts.police.uk", "jo.bloggs@herts.police.uk"),
        ("  Jo.Bloggs@HERTS.Police.UK ", "Jo.Bloggs@herts.police.uk"),
        ("a+tag@example.co.uk", "a+tag@example.co.uk"),
        ("x@a.b", "x@a.b"),
    ],
)
def test_email_valid(raw: str, expected: str) -> None:
    assert normalise_email(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "jo.bloggs",
        "@herts.police.uk",
        "jo@",
        "jo@localhost",
        "jo@@herts.police.uk",
        "jo@bloggs@herts.police.uk",
        "jo bloggs@herts.police.uk",
        "jo@herts..police.uk",
        "jo@.herts.police.uk",
        "jo@herts.police.uk.",
        "jo@herts police.uk",
        "a" * 250 + "@ex.com",
    ],
)
def test_email_invalid(raw: str) -> None:
    with pytest.raises(ValidationError) as err:
        normalise_email(raw, field="work_email")
    assert err.value.field == "work_email"
    assert err.value.message == f"'{raw.strip()}' is not a valid email address."


def test_email_empty_is_required() -> None:
    with pytest.raises(ValidationError, match=re.escape("An email address is required.")) as err:
        normalise_email("  ")
    assert err.value.field == "email"


# --- crime references --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("41/12345/25", "41/12345/25"),
        ("  41/12345/25 ", "41/12345/25"),
        ("41 12345 25", "41/12345/25"),
        ("41-12345-25", "41/12345/25"),
        ("41 / 12345 / 25", "41/12345/25"),
        ("41  12345  25", "41/12345/25"),
        ("41/1/24", "41/1/24"),
        ("41/1234567/24", "41/1234567/24"),
        ("41/0001234/24", "41/0001234/24"),
    ],
)
def test_crime_reference_valid(raw: str, expected: str) -> None:
    assert normalise_crime_reference(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "4112345/25",
        "41/12345",
        "41/12345678/25",  # serial longer than 7 digits
        "41//25",
        "411/12345/25",
        "41/12345/2025",
        "41/12345/2",
        "AB/12345/25",
        "41_12345_25",
        "4112345 25",
        "41.12345.25",
    ],
)
def test_crime_reference_invalid(raw: str) -> None:
    with pytest.raises(ValidationError) as err:
        normalise_crime_reference(raw)
    assert err.value.field == "crime_reference"
    assert err.value.message == f"'{raw}' is not a crime reference of the form 41/12345/25."


def test_crime_reference_empty_is_required() -> None:
    with pytest.raises(ValidationError, match=re.escape("A crime reference is required.")):
        normalise_crime_reference(" ")


@given(
    st.integers(0, 99),
    st.integers(0, 9_999_999),
    st.integers(0, 99),
    st.sampled_from(["/", "-", " ", " / ", " - "]),
)
def test_crime_reference_separators_all_give_slash_form(
    force: int, serial: int, year: int, sep: str
) -> None:
    raw = f"{force:02d}{sep}{serial}{sep}{year:02d}"
    result = normalise_crime_reference(raw)
    assert result == f"{force:02d}/{serial}/{year:02d}"
    assert normalise_crime_reference(result) == result


# --- dates in order ----------------------------------------------------------------------------


def _in_order(start: D | None, end: D | None, start_label: str, end_label: str) -> bool:
    """True when check_in_order accepts the pair, False when it raises."""
    try:
        check_in_order(start, end, start_label, end_label)
    except ValidationError:
        return False
    return True


def test_check_in_order_accepts_in_order_and_equal_dates() -> None:
    assert _in_order(date(2025, 1, 1), date(2025, 1, 2), "start date", "end date")
    assert _in_order(date(2025, 1, 1), date(2025, 1, 1), "start date", "end date")


def test_check_in_order_rejects_end_before_start_dates() -> None:
    with pytest.raises(ValidationError) as err:
        check_in_order(date(2025, 1, 2), date(2025, 1, 1), "start date", "end date", "ends_on")
    assert err.value.message == "The end date is before the start date."
    assert err.value.field == "ends_on"


def test_check_in_order_rejects_end_before_start_datetimes() -> None:
    start = datetime(2025, 6, 1, 10, 0, tzinfo=UTC)
    one_minute_before = start - timedelta(minutes=1)
    with pytest.raises(ValidationError, match=re.escape("The end time is before the start time.")):
        check_in_order(start, one_minute_before, "start time", "end time")
    assert _in_order(start, start, "start time", "end time")


def test_check_in_order_uses_real_order_in_the_repeated_autumn_hour() -> None:
    london = ZoneInfo("Europe/London")
    # 01:30 GMT (second pass, fold=1) happens an hour after 01:45 BST (first pass, fold=0),
    # although its wall clock reads earlier.
    later_gmt = datetime(2025, 10, 26, 1, 30, fold=1, tzinfo=london)
    earlier_bst = datetime(2025, 10, 26, 1, 45, fold=0, tzinfo=london)
    with pytest.raises(ValidationError, match=re.escape("The end time is before the start time.")):
        check_in_order(later_gmt, earlier_bst, "start time", "end time")
    assert _in_order(earlier_bst, later_gmt, "start time", "end time")


@pytest.mark.parametrize(
    ("start", "end"),
    [(None, date(2025, 1, 1)), (date(2025, 1, 1), None), (None, None)],
)
def test_check_in_order_skips_missing_values(start: date | None, end: date | None) -> None:
    assert _in_order(start, end, "start date", "end date")


# --- names -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Jo Bloggs", "Jo Bloggs"),
        ("  Jo   Bloggs  ", "Jo Bloggs"),
        ("Jo\tBloggs\n", "Jo Bloggs"),
        ("Ó Súilleabháin", "Ó Súilleabháin"),
    ],
)
def test_name_is_stripped_and_collapsed(raw: str, expected: str) -> None:
    assert normalise_name(raw) == expected


@pytest.mark.parametrize("raw", ["", "   ", "\n\t"])
def test_name_empty_is_required(raw: str) -> None:
    with pytest.raises(ValidationError) as err:
        normalise_name(raw, field="surname")
    assert err.value.message == "A name is required."
    assert err.value.field == "surname"


def test_name_length_limit_applies_after_collapsing() -> None:
    assert normalise_name("a" * 10, max_len=10) == "a" * 10
    assert normalise_name("ab" + " " * 50 + "cd", max_len=5) == "ab cd"
    with pytest.raises(ValidationError) as err:
        normalise_name("a" * 11, max_len=10)
    assert err.value.message == "The name is 11 characters long; the most allowed is 10."
    assert err.value.field == "name"


@given(st.text())
def test_name_normalisation_is_idempotent(text: str) -> None:
    try:
        once = normalise_name(text)
    except ValidationError:
        assert not text.split() or len(" ".join(text.split())) > 200
        return
    assert normalise_name(once) == once
    assert "  " not in once
    assert once == once.strip()


# --- optional ----------------------------------------------------------------------------------


@pytest.mark.parametrize("blank", [None, "", "   ", "\t\n"])
def test_optional_returns_none_for_missing_or_blank(blank: str | None) -> None:
    calls: list[str] = []

    def fn(value: str) -> str:
        calls.append(value)
        return value

    assert optional(fn, blank) is None
    assert calls == []


def test_optional_applies_the_function_otherwise() -> None:
    assert optional(normalise_postcode, "al13ab") == "AL1 3AB"
    assert optional(partial(normalise_phone, field="mobile"), "07700 900123") == "+447700900123"


def test_optional_lets_errors_through() -> None:
    with pytest.raises(ValidationError, match=re.escape("'AB1 2' is not a valid UK postcode.")):
        optional(normalise_postcode, "AB1 2")
