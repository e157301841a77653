"""Tests for the due-date, clock and coverage rules in pcso_desk.domain.schedule."""

from __future__ import annotations

import calendar
import itertools
import random
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from pcso_desk.domain.enums import ServiceLevel
from pcso_desk.domain.errors import ValidationError
from pcso_desk.domain.schedule import (
    LOCALITY_TARGET,
    RESPONSE_WINDOW,
    ContactFrequency,
    DueState,
    LocalityShare,
    ResponseClock,
    ResponseState,
    add_local_days,
    add_local_months,
    add_months,
    coverage_gaps,
    due_state,
    kin_checkin_due,
    kin_member_overdue,
    locality_share,
    minutes_between,
    next_victim_contact_due,
    priority_review_due,
    response_clock,
)

LONDON = ZoneInfo("Europe/London")
STANDARD = ServiceLevel.STANDARD
ENHANCED = ServiceLevel.ENHANCED

# 2025 clock changes in Europe/London: forward at 01:00 GMT on 30 March, back at 02:00 BST
# (01:00 UTC) on 26 October.
SPRING_FORWARD = date(2025, 3, 30)
FALL_BACK = date(2025, 10, 26)


def london(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, *, fold: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=LONDON, fold=fold)


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


_AWARE_TIMES = st.datetimes(
    min_value=datetime(2000, 1, 1),
    max_value=datetime(2090, 12, 31),
    timezones=st.just(UTC),
)


# --- add_months --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2025, 1, 31), 1, date(2025, 2, 28)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),  # leap year
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2024, 2, 29), 48, date(2028, 2, 29)),
        (date(2025, 3, 31), 1, date(2025, 4, 30)),
        (date(2025, 4, 30), 1, date(2025, 5, 30)),
        (date(2025, 8, 31), 1, date(2025, 9, 30)),
        (date(2025, 10, 31), 1, date(2025, 11, 30)),
        (date(2025, 12, 31), 1, date(2026, 1, 31)),
        (date(2025, 11, 30), 3, date(2026, 2, 28)),
        (date(2025, 1, 15), 0, date(2025, 1, 15)),
        (date(2025, 3, 31), -1, date(2025, 2, 28)),
        (date(2025, 1, 15), -1, date(2024, 12, 15)),
        (date(2025, 1, 15), -13, date(2023, 12, 15)),
        (date(2025, 5, 17), 24, date(2027, 5, 17)),
    ],
)
def test_add_months(start: date, months: int, expected: date) -> None:
    assert add_months(start, months) == expected


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)), st.integers(-600, 600))
def test_add_months_never_overflows_the_target_month(start: date, months: int) -> None:
    result = add_months(start, months)
    total = start.year * 12 + start.month - 1 + months
    assert result.year * 12 + result.month - 1 == total
    month_length = calendar.monthrange(result.year, result.month)[1]
    assert result.day == min(start.day, month_length)


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)), st.integers(0, 50))
def test_add_months_by_whole_years_keeps_month_and_day_except_29_february(
    start: date, years: int
) -> None:
    result = add_months(start, 12 * years)
    assert (result.year, result.month) == (start.year + years, start.month)
    assert result.day == start.day or (start.month, start.day, result.day) == (2, 29, 28)


# --- add_local_days / add_local_months ---------------------------------------------------------


def test_ten_days_across_spring_forward_keeps_london_wall_time() -> None:
    result = add_local_days(london(2025, 3, 20, 9, 0), 10)
    assert result == utc(2025, 3, 30, 8, 0)  # 09:00 BST
    assert result.astimezone(LONDON).strftime("%Y-%m-%d %H:%M %Z") == "2025-03-30 09:00 BST"
    assert result.tzinfo is UTC
    # Elapsed time is an hour short of ten days because the clocks went forward.
    assert result - london(2025, 3, 20, 9, 0) == timedelta(days=10, hours=-1)


def test_ten_days_across_fall_back_keeps_london_wall_time() -> None:
    result = add_local_days(london(2025, 10, 20, 9, 0), 10)
    assert result == utc(2025, 10, 30, 9, 0)  # 09:00 GMT
    assert result.astimezone(LONDON).strftime("%H:%M %Z") == "09:00 GMT"
    assert result - london(2025, 10, 20, 9, 0) == timedelta(days=10, hours=1)


def test_add_local_days_reads_utc_input_as_london_wall_time() -> None:
    # 09:00 UTC on 20 March is 09:00 GMT in London; ten days on it is 09:00 BST.
    assert add_local_days(utc(2025, 3, 20, 9, 0), 10) == utc(2025, 3, 30, 8, 0)


def test_add_local_days_uses_the_london_date_not_the_utc_date() -> None:
    # 23:30 UTC on 1 June is already 00:30 on 2 June in London.
    result = add_local_days(utc(2025, 6, 1, 23, 30), 1)
    assert result.astimezone(LONDON) == london(2025, 6, 3, 0, 30)
    assert result == utc(2025, 6, 2, 23, 30)


def test_add_local_days_accepts_other_zones() -> None:
    new_york = ZoneInfo("America/New_York")
    start = datetime(2025, 3, 20, 5, 0, tzinfo=new_york)  # 09:00 GMT in London
    assert add_local_days(start, 10) == utc(2025, 3, 30, 8, 0)


def test_add_local_days_into_the_missing_spring_hour_moves_forward() -> None:
    # 01:30 does not exist in London on 30 March 2025; fold=0 reads it with the GMT offset.
    result = add_local_days(london(2025, 3, 29, 1, 30), 1)
    assert result == utc(2025, 3, 30, 1, 30)
    assert result.astimezone(LONDON).strftime("%H:%M %Z") == "02:30 BST"


def test_add_local_days_into_the_repeated_autumn_hour_takes_the_first() -> None:
    result = add_local_days(london(2025, 10, 25, 1, 30), 1)
    assert result == utc(2025, 10, 26, 0, 30)  # 01:30 BST, the first of the two
    assert result.astimezone(LONDON).strftime("%H:%M %Z") == "01:30 BST"


def test_add_local_days_from_the_second_autumn_pass_keeps_the_wall_time() -> None:
    second_pass = london(2025, 10, 26, 1, 30, fold=1)  # 01:30 GMT
    assert second_pass.astimezone(UTC) == utc(2025, 10, 26, 1, 30)
    assert add_local_days(second_pass, 1) == utc(2025, 10, 27, 1, 30)


def test_add_local_days_refuses_naive_datetimes() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        add_local_days(datetime(2025, 3, 20, 9, 0), 1)


@given(_AWARE_TIMES, st.integers(-400, 400))
def test_add_local_days_lands_on_the_right_london_date(start: datetime, days: int) -> None:
    result = add_local_days(start, days)
    local_start = start.astimezone(LONDON)
    local_result = result.astimezone(LONDON)
    assert result.tzinfo is UTC
    assert local_result.date() == local_start.date() + timedelta(days=days)
    wall_shift = local_result.replace(tzinfo=None) - local_start.replace(tzinfo=None)
    # Same wall time, except when it falls in the missing spring hour (then an hour later).
    assert wall_shift in (timedelta(days=days), timedelta(days=days, hours=1))


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (london(2025, 1, 31, 10, 0), 1, utc(2025, 2, 28, 10, 0)),
        (london(2024, 1, 31, 10, 0), 1, utc(2024, 2, 29, 10, 0)),
        (london(2025, 3, 15, 9, 0), 1, utc(2025, 4, 15, 8, 0)),  # GMT -> BST
        (london(2025, 9, 26, 12, 0), 1, utc(2025, 10, 26, 12, 0)),  # BST -> GMT
        (london(2025, 2, 28, 9, 0), 1, utc(2025, 3, 28, 9, 0)),
        (london(2025, 3, 31, 23, 30), 1, utc(2025, 4, 30, 22, 30)),
        (london(2025, 12, 31, 8, 0), 2, utc(2026, 2, 28, 8, 0)),
    ],
)
def test_add_local_months(start: datetime, months: int, expected: datetime) -> None:
    result = add_local_months(start, months)
    assert result == expected
    assert result.tzinfo is UTC
    assert result.astimezone(LONDON).time() == start.time()


# --- ContactFrequency --------------------------------------------------------------------------


def test_frequency_constants() -> None:
    assert ContactFrequency(days=7) == ContactFrequency.WEEKLY
    assert ContactFrequency(days=14) == ContactFrequency.FORTNIGHTLY
    assert ContactFrequency(months=1) == ContactFrequency.MONTHLY


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({}, "A contact frequency needs either a number of days or a number of months."),
        (
            {"days": 7, "months": 1},
            "A contact frequency needs either a number of days or a number of months.",
        ),
        ({"days": 0}, "A contact frequency must be at least one day or one month."),
        ({"days": -7}, "A contact frequency must be at least one day or one month."),
        ({"months": 0}, "A contact frequency must be at least one day or one month."),
    ],
)
def test_frequency_must_be_one_positive_amount(kwargs: dict[str, int], message: str) -> None:
    with pytest.raises(ValidationError) as err:
        ContactFrequency(**kwargs)
    assert err.value.message == message
    assert err.value.field == "frequency"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("weekly", ContactFrequency(days=7)),
        ("  Weekly ", ContactFrequency(days=7)),
        ("fortnightly", ContactFrequency(days=14)),
        ("monthly", ContactFrequency(months=1)),
        ("MONTHLY", ContactFrequency(months=1)),
        ("daily", ContactFrequency(days=1)),
        ("every 10 days", ContactFrequency(days=10)),
        ("every  10   days", ContactFrequency(days=10)),
        ("every 1 day", ContactFrequency(days=1)),
        ("every day", ContactFrequency(days=1)),
        ("every 3 weeks", ContactFrequency(days=21)),
        ("every week", ContactFrequency(days=7)),
        ("every fortnight", ContactFrequency(days=14)),
        ("every 2 months", ContactFrequency(months=2)),
        ("Every Month", ContactFrequency(months=1)),
        ("7d", ContactFrequency(days=7)),
        ("2w", ContactFrequency(days=14)),
        ("1m", ContactFrequency(months=1)),
        ("3 M", ContactFrequency(months=3)),
    ],
)
def test_frequency_parse(text: str, expected: ContactFrequency) -> None:
    assert ContactFrequency.parse(text) == expected


@pytest.mark.parametrize(
    "text",
    ["", "sometimes", "every", "every days", "7x", "weekly please", "every -1 days", "d7", "1.5m"],
)
def test_frequency_parse_rejects_nonsense(text: str) -> None:
    with pytest.raises(ValidationError) as err:
        ContactFrequency.parse(text, field="contact_frequency")
    assert err.value.field == "contact_frequency"
    assert err.value.message == (
        f"'{text.strip()}' is not a contact frequency; try 'weekly', 'every 3 weeks' or 'monthly'."
    )


@pytest.mark.parametrize("text", ["0d", "every 0 weeks", "0m"])
def test_frequency_parse_rejects_zero(text: str) -> None:
    with pytest.raises(ValidationError) as err:
        ContactFrequency.parse(text)
    assert err.value.message == "A contact frequency must be at least one day or one month."
    assert err.value.field == "frequency"


@pytest.mark.parametrize(
    ("frequency", "text"),
    [
        (ContactFrequency(days=7), "weekly"),
        (ContactFrequency(days=14), "fortnightly"),
        (ContactFrequency(days=21), "every 3 weeks"),
        (ContactFrequency(days=10), "every 10 days"),
        (ContactFrequency(days=1), "daily"),
        (ContactFrequency(months=1), "monthly"),
        (ContactFrequency(months=3), "every 3 months"),
    ],
)
def test_frequency_str(frequency: ContactFrequency, text: str) -> None:
    assert str(frequency) == text


_FREQUENCIES = st.one_of(
    st.builds(ContactFrequency, days=st.integers(1, 400)),
    st.builds(ContactFrequency, months=st.integers(1, 24)),
)


@given(_FREQUENCIES)
def test_frequency_str_parses_back(frequency: ContactFrequency) -> None:
    assert ContactFrequency.parse(str(frequency)) == frequency


def test_frequency_apply() -> None:
    start = london(2025, 3, 20, 9, 0)
    assert ContactFrequency(days=10).apply(start) == utc(2025, 3, 30, 8, 0)
    assert ContactFrequency.MONTHLY.apply(london(2025, 1, 31, 9, 0)) == utc(2025, 2, 28, 9, 0)
    assert ContactFrequency(months=2).apply(start) == utc(2025, 5, 20, 8, 0)


@pytest.mark.parametrize(
    ("frequency", "exceeds"),
    [
        (ContactFrequency(days=7), False),
        (ContactFrequency(days=28), False),
        (ContactFrequency(days=29), True),
        (ContactFrequency(days=42), True),
        (ContactFrequency(months=1), False),
        (ContactFrequency(months=2), True),
    ],
)
def test_frequency_exceeds_month(frequency: ContactFrequency, exceeds: bool) -> None:
    assert frequency.exceeds_month is exceeds


def test_frequency_of_29_days_does_overrun_a_month_from_1_february() -> None:
    start = london(2025, 2, 1, 9, 0)
    assert ContactFrequency(days=29).apply(start) > add_local_months(start, 1)


@given(_FREQUENCIES, _AWARE_TIMES)
def test_frequency_within_a_month_never_passes_a_month(
    frequency: ContactFrequency, start: datetime
) -> None:
    within = frequency.apply(start) <= add_local_months(start, 1)
    assert within or frequency.exceeds_month


@given(st.integers(1, 28), _AWARE_TIMES)
def test_frequency_of_up_to_28_days_never_passes_a_month(days: int, start: datetime) -> None:
    frequency = ContactFrequency(days=days)
    assert not frequency.exceeds_month
    assert frequency.apply(start) <= add_local_months(start, 1)


# --- next_victim_contact_due -------------------------------------------------------------------


def test_standard_first_contact_is_five_calendar_days_after_opening() -> None:
    due = next_victim_contact_due(
        service_level=STANDARD,
        opened_at=london(2025, 6, 2, 14, 15),
        successful_contacts=[],
        frequency=ContactFrequency.WEEKLY,
    )
    assert due == utc(2025, 6, 7, 13, 15)  # 14:15 BST on Saturday 7 June: calendar days
    assert due.tzinfo is UTC


@pytest.mark.parametrize(
    ("opened", "expected_local"),
    [
        (london(2025, 3, 27, 10, 0), "2025-04-01 10:00 BST"),  # across spring forward
        (london(2025, 10, 23, 10, 0), "2025-10-28 10:00 GMT"),  # across fall back
    ],
)
def test_standard_first_contact_keeps_wall_time_across_clock_changes(
    opened: datetime, expected_local: str
) -> None:
    due = next_victim_contact_due(
        service_level=STANDARD,
        opened_at=opened,
        successful_contacts=[],
        frequency=ContactFrequency.WEEKLY,
    )
    assert due.astimezone(LONDON).strftime("%Y-%m-%d %H:%M %Z") == expected_local


@pytest.mark.parametrize(
    ("opened", "expected"),
    [
        (utc(2025, 6, 2, 14, 0), utc(2025, 6, 3, 14, 0)),
        # 00:30 GMT on the last Sunday of March: 24 real hours is 01:30 BST on the Monday.
        (london(2025, 3, 30, 0, 30), utc(2025, 3, 31, 0, 30)),
        # 12:00 BST the day before the clocks go back: 24 real hours is 11:00 GMT.
        (london(2025, 10, 25, 12, 0), utc(2025, 10, 26, 11, 0)),
        # 00:30 BST on the last Sunday of October: 24 real hours is 23:30 GMT the same day.
        (london(2025, 10, 26, 0, 30), utc(2025, 10, 26, 23, 30)),
    ],
)
def test_enhanced_first_contact_is_24_real_hours_after_opening(
    opened: datetime, expected: datetime
) -> None:
    due = next_victim_contact_due(
        service_level=ENHANCED,
        opened_at=opened,
        successful_contacts=[],
        frequency=ContactFrequency.WEEKLY,
    )
    assert due == expected
    assert due - opened == timedelta(hours=24)


@pytest.mark.parametrize(
    ("first_contact", "expected_local"),
    [
        (london(2025, 3, 20, 9, 0), "2025-03-30 09:00 BST"),
        (london(2025, 10, 20, 9, 0), "2025-10-30 09:00 GMT"),
    ],
)
@pytest.mark.parametrize(
    "frequency",
    [ContactFrequency.WEEKLY, ContactFrequency.MONTHLY, ContactFrequency(months=3)],
)
def test_enhanced_second_contact_is_ten_local_days_after_the_first(
    first_contact: datetime, expected_local: str, frequency: ContactFrequency
) -> None:
    due = next_victim_contact_due(
        service_level=ENHANCED,
        opened_at=first_contact - timedelta(hours=5),
        successful_contacts=[first_contact],
        frequency=frequency,
        victim_asked_less_often=True,
    )
    assert due.astimezone(LONDON).strftime("%Y-%m-%d %H:%M %Z") == expected_local


def test_enhanced_sequence_24_hours_then_10_days_then_frequency() -> None:
    opened = london(2025, 3, 18, 16, 0)
    fortnightly = ContactFrequency.FORTNIGHTLY

    def due(contacts: list[datetime]) -> datetime:
        return next_victim_contact_due(
            service_level=ENHANCED,
            opened_at=opened,
            successful_contacts=contacts,
            frequency=fortnightly,
        )

    assert due([]) == utc(2025, 3, 19, 16, 0)
    first = london(2025, 3, 19, 11, 0)
    assert due([first]) == london(2025, 3, 29, 11, 0)
    second = london(2025, 3, 28, 15, 0)
    assert due([first, second]) == london(2025, 4, 11, 15, 0)  # BST, wall time kept
    third = london(2025, 4, 10, 10, 0)
    assert due([first, second, third]) == london(2025, 4, 24, 10, 0)


def test_standard_after_contact_is_last_success_plus_frequency() -> None:
    contact = london(2025, 5, 6, 11, 0)
    due = next_victim_contact_due(
        service_level=STANDARD,
        opened_at=london(2025, 5, 1, 9, 0),
        successful_contacts=[contact],
        frequency=ContactFrequency(days=10),
    )
    assert due == london(2025, 5, 16, 11, 0)


def test_latest_success_is_used_whatever_the_order() -> None:
    contacts = [london(2025, 5, 6, 11, 0), london(2025, 5, 20, 15, 30), london(2025, 5, 13, 9, 0)]
    results = {
        next_victim_contact_due(
            service_level=level,
            opened_at=london(2025, 5, 1, 9, 0),
            successful_contacts=order,
            frequency=ContactFrequency.WEEKLY,
        )
        for order in itertools.permutations(contacts)
        for level in (STANDARD, ENHANCED)
    }
    assert results == {london(2025, 5, 27, 15, 30)}


def test_earlier_successes_do_not_move_the_due_date() -> None:
    opened = london(2025, 5, 1, 9, 0)
    last = london(2025, 5, 20, 15, 30)

    def due(contacts: list[datetime]) -> datetime:
        return next_victim_contact_due(
            service_level=STANDARD,
            opened_at=opened,
            successful_contacts=contacts,
            frequency=ContactFrequency.FORTNIGHTLY,
        )

    only_last = due([last])
    assert only_last == london(2025, 6, 3, 15, 30)
    assert due([london(2025, 5, 2, 10, 0), last]) == only_last
    assert due([last, london(2025, 5, 2, 10, 0), london(2025, 5, 9, 10, 0)]) == only_last


def test_an_unsuccessful_attempt_is_not_passed_and_so_does_not_reset_the_clock() -> None:
    # Callers filter to successful contacts: a failed call on 25 May is left out, so the date
    # still runs from the last success on 20 May.
    last_success = london(2025, 5, 20, 15, 30)
    due = next_victim_contact_due(
        service_level=STANDARD,
        opened_at=london(2025, 5, 1, 9, 0),
        successful_contacts=[last_success],
        frequency=ContactFrequency.WEEKLY,
    )
    assert due == london(2025, 5, 27, 15, 30)
    assert due < london(2025, 5, 25, 12, 0) + timedelta(days=7)


@given(
    st.lists(_AWARE_TIMES, min_size=2, max_size=6),
    _FREQUENCIES,
    st.sampled_from([STANDARD, ENHANCED]),
    st.booleans(),
    st.randoms(use_true_random=False),
)
def test_only_the_latest_success_matters_once_past_the_opening_rules(
    contacts: list[datetime],
    frequency: ContactFrequency,
    level: ServiceLevel,
    asked_less: bool,
    rng: random.Random,
) -> None:
    shuffled = list(contacts)
    rng.shuffle(shuffled)
    due = next_victim_contact_due(
        service_level=level,
        opened_at=min(contacts) - timedelta(days=1),
        successful_contacts=shuffled,
        frequency=frequency,
        victim_asked_less_often=asked_less,
    )
    latest = max(contacts)
    expected = frequency.apply(latest)
    if not asked_less:
        expected = min(expected, add_local_months(latest, 1))
    assert due == expected
    assert due > latest


@pytest.mark.parametrize(
    ("frequency", "asked_less", "expected"),
    [
        (ContactFrequency(days=42), False, london(2025, 6, 10, 10, 0)),
        (ContactFrequency(days=42), True, london(2025, 6, 21, 10, 0)),
        (ContactFrequency(months=2), False, london(2025, 6, 10, 10, 0)),
        (ContactFrequency(months=2), True, london(2025, 7, 10, 10, 0)),
        (ContactFrequency(months=1), False, london(2025, 6, 10, 10, 0)),
        (ContactFrequency(days=14), False, london(2025, 5, 24, 10, 0)),
        (ContactFrequency(days=14), True, london(2025, 5, 24, 10, 0)),
    ],
)
def test_interval_is_capped_at_one_month_unless_the_victim_asked(
    frequency: ContactFrequency, asked_less: bool, expected: datetime
) -> None:
    due = next_victim_contact_due(
        service_level=STANDARD,
        opened_at=london(2025, 5, 1, 9, 0),
        successful_contacts=[london(2025, 5, 10, 10, 0)],
        frequency=frequency,
        victim_asked_less_often=asked_less,
    )
    assert due == expected


def test_cap_uses_calendar_months_at_month_ends() -> None:
    def due(last: datetime) -> datetime:
        return next_victim_contact_due(
            service_level=STANDARD,
            opened_at=london(2025, 1, 1, 9, 0),
            successful_contacts=[last],
            frequency=ContactFrequency(days=30),
        )

    # From 31 January a month ends on 28 February, sooner than 30 days.
    assert due(london(2025, 1, 31, 10, 0)) == london(2025, 2, 28, 10, 0)
    # From 1 March, 30 days (31 March) is within the month (1 April).
    assert due(london(2025, 3, 1, 10, 0)) == london(2025, 3, 31, 10, 0)


def test_cap_applies_to_enhanced_victims_after_the_second_contact() -> None:
    contacts = [london(2025, 5, 2, 10, 0), london(2025, 5, 12, 10, 0)]
    due = next_victim_contact_due(
        service_level=ENHANCED,
        opened_at=london(2025, 5, 1, 9, 0),
        successful_contacts=contacts,
        frequency=ContactFrequency(months=3),
    )
    assert due == london(2025, 6, 12, 10, 0)


def test_next_contact_refuses_naive_datetimes() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        next_victim_contact_due(
            service_level=STANDARD,
            opened_at=datetime(2025, 5, 1, 9, 0),
            successful_contacts=[],
            frequency=ContactFrequency.WEEKLY,
        )


# --- due_state ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("due_offset", "state"),
    [
        (timedelta(microseconds=-1), DueState.OVERDUE),
        (timedelta(days=-30), DueState.OVERDUE),
        (timedelta(0), DueState.DUE_SOON),
        (timedelta(days=3), DueState.DUE_SOON),
        (timedelta(days=7), DueState.DUE_SOON),
        (timedelta(days=7, microseconds=1), DueState.OK),
        (timedelta(days=60), DueState.OK),
    ],
)
def test_due_state_boundaries(due_offset: timedelta, state: DueState) -> None:
    now = utc(2025, 6, 1, 12, 0)
    assert due_state(now + due_offset, now) is state


def test_due_state_custom_window_and_mixed_zones() -> None:
    now = london(2025, 6, 1, 13, 0)  # 12:00 UTC
    assert due_state(utc(2025, 6, 2, 12, 0), now, soon=timedelta(days=1)) is DueState.DUE_SOON
    assert due_state(utc(2025, 6, 2, 12, 1), now, soon=timedelta(days=1)) is DueState.OK
    assert due_state(utc(2025, 6, 1, 11, 59), now) is DueState.OVERDUE


def test_due_state_values() -> None:
    assert [s.value for s in DueState] == ["overdue", "due_soon", "ok"]


# --- KIN check-ins -----------------------------------------------------------------------------


def test_kin_first_checkin_is_one_cadence_after_joining() -> None:
    assert kin_checkin_due(joined=date(2025, 1, 6), last_checkin=None) == date(2025, 2, 17)
    assert kin_checkin_due(joined=date(2025, 1, 6), last_checkin=None, cadence_weeks=4) == date(
        2025, 2, 3
    )


def test_kin_next_checkin_runs_from_the_last_one() -> None:
    due = kin_checkin_due(joined=date(2024, 1, 6), last_checkin=date(2025, 3, 3))
    assert due == date(2025, 4, 14)


def test_kin_cadence_must_be_positive() -> None:
    with pytest.raises(ValidationError) as err:
        kin_checkin_due(joined=date(2025, 1, 6), last_checkin=None, cadence_weeks=0)
    assert err.value.message == "The check-in cadence must be at least one week."
    assert err.value.field == "cadence"


@pytest.mark.parametrize(
    ("today", "overdue"),
    [
        (date(2025, 4, 13), False),
        (date(2025, 4, 14), False),  # due today is not overdue yet
        (date(2025, 4, 15), True),
    ],
)
def test_kin_member_overdue(today: date, overdue: bool) -> None:
    result = kin_member_overdue(joined=date(2024, 1, 6), last_checkin=date(2025, 3, 3), today=today)
    assert result is overdue


def test_kin_member_never_checked_in_is_overdue_after_first_cadence() -> None:
    assert kin_member_overdue(joined=date(2025, 1, 6), last_checkin=None, today=date(2025, 2, 18))
    assert not kin_member_overdue(
        joined=date(2025, 1, 6), last_checkin=None, today=date(2025, 2, 17)
    )


# --- coverage_gaps -----------------------------------------------------------------------------


def test_coverage_gaps_treats_abbreviations_case_and_spacing_as_the_same() -> None:
    areas = [
        "Hatfield Road",
        "London Rd",
        "Victoria Street",
        "Holywell Hill",
        "Beech Avenue",
        "Cherry Tree Close",
        "Marshalswick",
    ]
    represented = [
        "hatfield rd",
        "  LONDON   ROAD ",
        "Victoria St.",
        "Beech Ave",
        "cherry tree cl",
    ]
    assert coverage_gaps(areas, represented) == ["Holywell Hill", "Marshalswick"]


def test_coverage_gaps_keeps_original_spelling_and_order_without_duplicates() -> None:
    areas = ["  Fleetville ", "Camp Rd", "fleetville", "Camp Road", "Jersey Farm", "Camp Rd"]
    assert coverage_gaps(areas, []) == ["  Fleetville ", "Camp Rd", "Jersey Farm"]


def test_coverage_gaps_ignores_blank_areas_and_unrelated_members() -> None:
    areas = ["", "   ", "Sopwell", "Cottonmill"]
    represented = ["Sopwell", "Somewhere Else Entirely"]
    assert coverage_gaps(areas, represented) == ["Cottonmill"]


def test_coverage_gaps_none_when_all_represented_and_accepts_iterators() -> None:
    areas = iter(["Ridgeway Ave", "Kings Road"])
    represented = (name for name in ["ridgeway avenue", "kings rd"])
    assert coverage_gaps(areas, represented) == []


def test_coverage_gaps_does_not_match_partial_names() -> None:
    assert coverage_gaps(["Hatfield Road", "Hatfield"], ["Hatfield"]) == ["Hatfield Road"]


# --- priority review ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("agreed", "months", "expected"),
    [
        (date(2025, 6, 12), 3, date(2025, 9, 12)),
        (date(2025, 11, 30), 3, date(2026, 2, 28)),
        (date(2023, 11, 30), 3, date(2024, 2, 29)),
        (date(2025, 1, 31), 1, date(2025, 2, 28)),
        (date(2025, 5, 31), 6, date(2025, 11, 30)),
    ],
)
def test_priority_review_due(agreed: date, months: int, expected: date) -> None:
    assert priority_review_due(agreed, months) == expected


def test_priority_review_defaults_to_three_months_and_needs_a_positive_period() -> None:
    assert priority_review_due(date(2025, 6, 12)) == date(2025, 9, 12)
    with pytest.raises(ValidationError) as err:
        priority_review_due(date(2025, 6, 12), 0)
    assert err.value.message == "The review period must be at least one month."
    assert err.value.field == "months"


# --- response clock ----------------------------------------------------------------------------

RECEIVED = utc(2025, 6, 2, 10, 0)
DEADLINE = utc(2025, 6, 3, 10, 0)


def test_response_window_is_24_hours() -> None:
    assert timedelta(hours=24) == RESPONSE_WINDOW


@pytest.mark.parametrize(
    ("responded", "state", "remaining"),
    [
        (RECEIVED, ResponseState.ANSWERED_IN_TIME, timedelta(hours=24)),
        (DEADLINE - timedelta(hours=1), ResponseState.ANSWERED_IN_TIME, timedelta(hours=1)),
        (DEADLINE, ResponseState.ANSWERED_IN_TIME, timedelta(0)),
        (
            DEADLINE + timedelta(microseconds=1),
            ResponseState.ANSWERED_LATE,
            timedelta(microseconds=-1),
        ),
        (DEADLINE + timedelta(hours=3), ResponseState.ANSWERED_LATE, timedelta(hours=-3)),
    ],
)
def test_response_clock_answered(
    responded: datetime, state: ResponseState, remaining: timedelta
) -> None:
    # `now` is long after the deadline: once answered, only the reply time matters.
    clock = response_clock(RECEIVED, responded, now=DEADLINE + timedelta(days=30))
    assert clock == ResponseClock(deadline=DEADLINE, state=state, remaining=remaining)


@pytest.mark.parametrize(
    ("now", "state", "remaining"),
    [
        (RECEIVED, ResponseState.OPEN, timedelta(hours=24)),
        (
            DEADLINE - timedelta(hours=4, microseconds=1),
            ResponseState.OPEN,
            timedelta(hours=4, microseconds=1),
        ),
        (DEADLINE - timedelta(hours=4), ResponseState.NEAR_DEADLINE, timedelta(hours=4)),
        (DEADLINE - timedelta(minutes=1), ResponseState.NEAR_DEADLINE, timedelta(minutes=1)),
        (DEADLINE, ResponseState.NEAR_DEADLINE, timedelta(0)),
        (
            DEADLINE + timedelta(microseconds=1),
            ResponseState.BREACHED,
            timedelta(microseconds=-1),
        ),
        (DEADLINE + timedelta(days=2), ResponseState.BREACHED, timedelta(days=-2)),
    ],
)
def test_response_clock_open(now: datetime, state: ResponseState, remaining: timedelta) -> None:
    clock = response_clock(RECEIVED, None, now)
    assert clock.deadline == DEADLINE
    assert clock.state is state
    assert clock.remaining == remaining


def test_response_clock_custom_warning() -> None:
    clock = response_clock(RECEIVED, None, DEADLINE - timedelta(hours=8), warn=timedelta(hours=8))
    assert clock.state is ResponseState.NEAR_DEADLINE
    clock = response_clock(RECEIVED, None, DEADLINE - timedelta(hours=8), warn=timedelta(hours=1))
    assert clock.state is ResponseState.OPEN


@pytest.mark.parametrize(
    ("received", "deadline"),
    [
        # Saturday 12:00 GMT before spring forward: 24 real hours is 13:00 BST on Sunday.
        (london(2025, 3, 29, 12, 0), utc(2025, 3, 30, 12, 0)),
        # Saturday 12:00 BST before fall back: 24 real hours is 11:00 GMT on Sunday.
        (london(2025, 10, 25, 12, 0), utc(2025, 10, 26, 11, 0)),
    ],
)
def test_response_clock_counts_real_hours_across_clock_changes(
    received: datetime, deadline: datetime
) -> None:
    # Both times carry the same London tzinfo, where plain datetime arithmetic is wall-clock.
    now = london(received.year, received.month, received.day + 1, 11, 30)
    clock = response_clock(received, None, now)
    assert clock.deadline == deadline
    assert clock.deadline.tzinfo is UTC
    assert clock.remaining == deadline - now.astimezone(UTC)
    assert clock.deadline - received.astimezone(UTC) == timedelta(hours=24)


def test_response_clock_refuses_a_reply_before_receipt() -> None:
    with pytest.raises(ValidationError) as err:
        response_clock(RECEIVED, RECEIVED - timedelta(minutes=1), now=RECEIVED)
    assert err.value.message == "The reply time is before the time the message was received."
    assert err.value.field == "responded"


# --- locality share ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("locality", "abstracted", "share", "meets"),
    [
        (80, 20, 0.8, True),
        (4, 1, 0.8, True),
        (79, 21, 0.79, False),
        (799, 201, 0.799, False),
        (100, 0, 1.0, True),
        (0, 100, 0.0, False),
        (0, 0, None, None),
    ],
)
def test_locality_share(
    locality: int, abstracted: int, share: float | None, meets: bool | None
) -> None:
    result = locality_share(locality, abstracted)
    assert result == LocalityShare(locality, abstracted, share, meets)


def test_locality_target_is_eighty_percent() -> None:
    assert LOCALITY_TARGET == 0.8


@pytest.mark.parametrize(("locality", "abstracted"), [(-1, 10), (10, -1)])
def test_locality_share_refuses_negative_minutes(locality: int, abstracted: int) -> None:
    with pytest.raises(ValidationError) as err:
        locality_share(locality, abstracted)
    assert err.value.message == "Minutes of duty time cannot be negative."


@given(st.integers(0, 100_000), st.integers(0, 100_000))
def test_locality_share_is_a_fraction_matching_exact_arithmetic(
    locality: int, abstracted: int
) -> None:
    assume(locality + abstracted > 0)
    result = locality_share(locality, abstracted)
    assert result.share is not None
    assert 0.0 <= result.share <= 1.0
    # 80% exactly, done in integers so no float rounding can hide a boundary mistake.
    assert result.meets_target is (locality * 5 >= (locality + abstracted) * 4)


# --- minutes_between ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "minutes"),
    [
        (utc(2025, 6, 2, 9, 0), utc(2025, 6, 2, 17, 30), 510),
        (utc(2025, 6, 2, 9, 0), utc(2025, 6, 2, 9, 0), 0),
        (utc(2025, 6, 2, 9, 0, 0), utc(2025, 6, 2, 9, 0, 59), 0),  # whole minutes, rounded down
        (utc(2025, 6, 2, 9, 0, 30), utc(2025, 6, 2, 9, 2, 29), 1),
        # Wall clock shows 3 hours but only 2 pass when the clocks go forward.
        (london(2025, 3, 30, 0, 0), london(2025, 3, 30, 3, 0), 120),
        # Wall clock shows 3 hours but 4 pass when the clocks go back.
        (london(2025, 10, 26, 0, 0), london(2025, 10, 26, 3, 0), 240),
        (london(2025, 6, 2, 10, 0), utc(2025, 6, 2, 10, 0), 60),
    ],
)
def test_minutes_between(start: datetime, end: datetime, minutes: int) -> None:
    assert minutes_between(start, end) == minutes


def test_minutes_between_refuses_end_before_start() -> None:
    with pytest.raises(ValidationError) as err:
        minutes_between(utc(2025, 6, 2, 10, 0), utc(2025, 6, 2, 9, 59))
    assert err.value.message == "The end time is before the start time."
    assert err.value.field == "end"


def test_minutes_between_orders_the_repeated_autumn_hour_by_real_time() -> None:
    first_pass = london(2025, 10, 26, 1, 45, fold=0)  # 00:45 UTC
    second_pass = london(2025, 10, 26, 1, 15, fold=1)  # 01:15 UTC
    assert minutes_between(first_pass, second_pass) == 30
    with pytest.raises(ValidationError):
        minutes_between(second_pass, first_pass)


@pytest.mark.parametrize("days", [1, 7, 14, 27, 28])
def test_a_cadence_of_at_most_28_days_is_never_held_back_by_the_month_cap(days: int) -> None:
    """Every day of a year (clocks changing twice, months of 28 to 31 days), at 00:30 and
    23:30 London time: the next update is the agreed days later, never capped earlier."""
    frequency = ContactFrequency(days=days)
    start = datetime(2026, 1, 1, tzinfo=LONDON)
    for day in range(366):
        for hour, minute in ((0, 30), (23, 30)):
            last = (start + timedelta(days=day)).replace(hour=hour, minute=minute)
            due = next_victim_contact_due(
                service_level=ServiceLevel.STANDARD,
                opened_at=last - timedelta(days=40),
                successful_contacts=[last - timedelta(days=20), last],
                frequency=frequency,
            )
            assert due == add_local_days(last, days)
            assert due <= add_local_months(last, 1)
