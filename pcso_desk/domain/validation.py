"""Checks and canonical forms for typed values: postcodes, phones, emails, references, names."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import TypeVar

import phonenumbers

from pcso_desk.domain.errors import ValidationError

T = TypeVar("T")
D = TypeVar("D", date, datetime)

# Outward code forms A9, A99, AA9, AA99, A9A, AA9A with the letter restrictions Royal Mail
# publishes (no Q/V/X first, no I/J/Z second, limited third/fourth letters), plus GIR 0AA.
_OUTWARD = (
    r"[A-PR-UWYZ][0-9]{1,2}"
    r"|[A-PR-UWYZ][A-HK-Y][0-9]{1,2}"
    r"|[A-PR-UWYZ][0-9][A-HJKPSTUW]"
    r"|[A-PR-UWYZ][A-HK-Y][0-9][ABEHMNPRVWXY]"
)
# The inward code never uses C, I, K, M, O or V, which are too easily misread.
_INWARD = r"[0-9][ABD-HJLNP-UW-Z]{2}"
_POSTCODE_RE = re.compile(rf"(?:(?P<gir>GIR)(?P<gir_in>0AA)|(?P<out>{_OUTWARD})(?P<in>{_INWARD}))")

# Phone input may carry the usual punctuation people type; letters are refused up front because
# phonenumbers would otherwise read "vanity" letters (0800 FLOWERS) as digits.
_PHONE_CHARS_RE = re.compile(r"[0-9+()\-.\s/]+")

# Ofcom reserves these UK ranges for drama and examples (prefix + 3 more digits). libphonenumber
# calls them invalid as they are never allocated, but training data, demos and the team's own
# guidance use them, so they are accepted; they cannot belong to a real person.
_OFCOM_DRAMA_PREFIXES = ("7700900", "1632960", "1154960")

_CRIME_SEP = r"(?:\s*[/-]\s*|\s+)"
_CRIME_REF_RE = re.compile(
    rf"(?P<force>[0-9]{{2}}){_CRIME_SEP}(?P<serial>[0-9]{{1,7}}){_CRIME_SEP}(?P<year>[0-9]{{2}})"
)

_MAX_EMAIL_LEN = 254


def normalise_postcode(value: str, field: str = "postcode") -> str:
    """Return a UK postcode in canonical form ("AL1 3AB"), accepting any case and spacing."""
    shown = value.strip()
    if not shown:
        raise ValidationError("A postcode is required.", field=field)
    compact = "".join(shown.split()).upper()
    match = _POSTCODE_RE.fullmatch(compact)
    if match is None:
        raise ValidationError(f"'{shown}' is not a valid UK postcode.", field=field)
    if match["gir"]:
        return "GIR 0AA"
    return f"{match['out']} {match['in']}"


def _parse_phone(value: str, field: str) -> phonenumbers.PhoneNumber:
    shown = value.strip()
    if not shown:
        raise ValidationError("A phone number is required.", field=field)
    if _PHONE_CHARS_RE.fullmatch(shown) is None:
        raise ValidationError(
            f"'{shown}' is not a valid phone number; "
            "use only digits, spaces, brackets and a leading +.",
            field=field,
        )
    try:
        number = phonenumbers.parse(shown, "GB")
    except phonenumbers.NumberParseException:
        number = None
    # The cheap drama-range check first: libphonenumber finds those invalid only after trying
    # every region and number type of +44, its slowest answer.
    if number is None or not (_is_drama_number(number) or phonenumbers.is_valid_number(number)):
        raise ValidationError(f"'{shown}' is not a valid phone number.", field=field)
    return number


def _is_drama_number(number: phonenumbers.PhoneNumber) -> bool:
    national = str(number.national_number)
    return (
        number.country_code == 44
        and len(national) == 10
        and national.startswith(_OFCOM_DRAMA_PREFIXES)
    )


def normalise_phone(value: str, field: str = "phone") -> str:
    """Return a valid phone number in E.164 form ("+441707354000"); UK is assumed without a +.

    Valid means phonenumbers.is_valid_number, plus Ofcom's reserved drama ranges (07700 900xxx,
    01632 960xxx, 0115 496 0xxx).
    """
    number = _parse_phone(value, field)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def format_phone(e164: str) -> str:
    """Return a stored number for display: national form for +44, international otherwise.

    A stored value that no longer parses is shown as it is, because display must never fail.
    """
    try:
        number = phonenumbers.parse(e164, "GB")
    except phonenumbers.NumberParseException:
        return e164
    # +44 covers the Channel Islands and Isle of Man too; all are dialled with 0 from the UK.
    if number.country_code == 44:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def normalise_email(value: str, field: str = "email") -> str:
    """Return an email address stripped, with its domain lower-cased, after a structural check.

    The local part keeps its case, since mail servers may treat it as significant.
    """
    shown = value.strip()
    if not shown:
        raise ValidationError("An email address is required.", field=field)
    local, at, domain = shown.rpartition("@")
    labels = domain.split(".")
    well_formed = (
        at == "@"
        and local
        and "@" not in local
        and not any(ch.isspace() for ch in shown)
        and len(labels) >= 2
        and all(labels)
        and len(shown) <= _MAX_EMAIL_LEN
    )
    if not well_formed:
        raise ValidationError(f"'{shown}' is not a valid email address.", field=field)
    return f"{local}@{domain.lower()}"


def normalise_crime_reference(value: str, field: str = "crime_reference") -> str:
    """Return a Hertfordshire-style crime reference in slash form, e.g. "41/12345/25".

    Accepted format: a 2-digit force code, a 1-7 digit serial and a 2-digit year, separated by
    slashes, hyphens or spaces (spaces around a slash or hyphen are allowed too), with any
    surrounding whitespace: "41/12345/25", "41-12345-25", "41 12345 25", " 41 / 12345 / 25 ".
    The serial is kept exactly as typed, leading zeros included.
    """
    shown = value.strip()
    if not shown:
        raise ValidationError("A crime reference is required.", field=field)
    match = _CRIME_REF_RE.fullmatch(shown)
    if match is None:
        raise ValidationError(
            f"'{shown}' is not a crime reference of the form 41/12345/25.", field=field
        )
    return f"{match['force']}/{match['serial']}/{match['year']}"


def _instant(value: D) -> D:
    """Return an aware datetime in UTC so it compares as an instant, anything else unchanged.

    Python compares two datetimes sharing a tzinfo by wall clock alone, which gets the repeated
    autumn hour wrong; converting to UTC first compares what actually happened first.
    """
    if isinstance(value, datetime) and value.utcoffset() is not None:
        return value.astimezone(UTC)
    return value


def check_in_order(
    start: D | None,
    end: D | None,
    start_label: str,
    end_label: str,
    field: str | None = None,
) -> None:
    """Raise if end is before start; equal values, or a missing one, pass.

    Labels are lower-case nouns ("start time", "end time") placed in the sentence
    "The end time is before the start time."
    """
    if start is None or end is None:
        return
    if _instant(end) < _instant(start):
        raise ValidationError(f"The {end_label} is before the {start_label}.", field=field)


def normalise_name(value: str, field: str = "name", max_len: int = 200) -> str:
    """Return a name stripped, with runs of whitespace inside it collapsed to one space."""
    cleaned = " ".join(value.split())
    if not cleaned:
        raise ValidationError("A name is required.", field=field)
    if len(cleaned) > max_len:
        raise ValidationError(
            f"The name is {len(cleaned)} characters long; the most allowed is {max_len}.",
            field=field,
        )
    return cleaned


def optional(fn: Callable[[str], T], value: str | None) -> T | None:
    """Return None for a missing or blank value, otherwise fn(value)."""
    if value is None or not value.strip():
        return None
    return fn(value)
