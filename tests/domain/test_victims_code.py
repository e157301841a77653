"""Victims' Code compliance: the contacts each victim was owed, and which came in time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from pcso_desk.domain.enums import ServiceLevel
from pcso_desk.domain.schedule import ContactFrequency
from pcso_desk.domain.victims_code import Compliance, compliance, contacts_due, frequency_of


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


NOV = (utc(2026, 11, 1), utc(2026, 12, 1))  # November 2026 in UK time (GMT)


def test_an_enhanced_case_owes_24_hours_then_10_days_then_its_cadence() -> None:
    opened = utc(2026, 11, 2, 10)
    dues = contacts_due(
        service_level=ServiceLevel.ENHANCED,
        opened_at=opened,
        successful_contacts=[utc(2026, 11, 3, 9), utc(2026, 11, 14, 12)],
        frequency=ContactFrequency.WEEKLY,
        until=NOV[1],
    )
    assert [d.due for d in dues] == [
        utc(2026, 11, 3, 10),  # 24 hours: met at 09:00, on time
        utc(2026, 11, 13, 9),  # 10 days after the first contact: made a day late
        utc(2026, 11, 21, 12),  # weekly after the late one: never made
        utc(2026, 11, 28, 12),  # and the next week, missed too
    ]
    assert [d.on_time for d in dues] == [True, False, False, False]
    assert compliance(dues, *NOV) == Compliance(due=4, on_time=1)


def test_a_standard_case_owes_5_days_then_monthly_and_nothing_after_closing() -> None:
    dues = contacts_due(
        service_level=ServiceLevel.STANDARD,
        opened_at=utc(2026, 10, 1, 9),
        successful_contacts=[utc(2026, 10, 5, 9), utc(2026, 11, 4, 9)],
        frequency=frequency_of("monthly"),
        until=utc(2027, 1, 1),
        closed_at=utc(2026, 11, 20),
    )
    assert [(d.due, d.on_time) for d in dues] == [
        (utc(2026, 10, 6, 9), True),
        (utc(2026, 11, 5, 10), True),  # 10:00 UK time both ways: BST then GMT
    ]
    assert compliance(dues, *NOV) == Compliance(due=1, on_time=1)
    assert compliance(dues, utc(2026, 12, 1), utc(2027, 1, 1)) == Compliance(0, 0)


def test_a_case_left_alone_owes_an_update_every_month() -> None:
    dues = contacts_due(
        service_level=ServiceLevel.STANDARD,
        opened_at=utc(2026, 8, 1, 9),
        successful_contacts=[],
        frequency=ContactFrequency.MONTHLY,
        until=utc(2026, 12, 1),
    )
    assert len(dues) == 4 and not any(d.on_time for d in dues)  # 6 Aug, 6 Sep, 6 Oct, 6 Nov
    assert compliance(dues, *NOV) == Compliance(due=1, on_time=0)


def test_an_unreadable_or_blank_frequency_is_the_codes_monthly() -> None:
    assert frequency_of("") == frequency_of("whenever") == ContactFrequency.MONTHLY
    assert frequency_of("fortnightly") == ContactFrequency(days=14)
    assert Compliance(3, 2).share == 2 / 3 and Compliance(0, 0).share is None
    assert Compliance(1, 1) + Compliance(2, 0) == Compliance(3, 1)


def test_an_early_contact_counts_and_moves_the_next_due_date() -> None:
    opened = utc(2026, 11, 2, 10)
    early = opened + timedelta(hours=2)
    dues = contacts_due(
        service_level=ServiceLevel.ENHANCED,
        opened_at=opened,
        successful_contacts=[early],
        frequency=ContactFrequency.MONTHLY,
        until=NOV[1],
    )
    assert dues[0].made_at == early and dues[0].on_time
    assert dues[1].due == utc(2026, 11, 12, 12) and dues[1].made_at is None
