"""Dates typed the UK way are saved by every service, and a refusal names the field's label."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from pcso_desk.domain.errors import ValidationError
from tests.factories import utc

LONDON = ZoneInfo("Europe/London")


def test_a_meeting_typed_day_first_saves_at_that_uk_time(services, world) -> None:  # type: ignore[no-untyped-def]
    created = services.meetings.create(
        {
            "meeting_type": "pact",
            "title": "Riverside PACT",
            "starts_at": "02/12/2026 19:00",
            "ends_at": "2 Dec 2026 8.30pm",
            "neighbourhood_id": world.neighbourhood,
        }
    ).created[0]
    meeting = services.meetings.get(created)
    assert meeting["starts_at"] == utc(2026, 12, 2, 19)  # December: UK time is UTC
    assert meeting["ends_at"] == utc(2026, 12, 2, 20, 30)


def test_a_summer_time_is_uk_local(services, world) -> None:  # type: ignore[no-untyped-def]
    created = services.meetings.create(
        {
            "meeting_type": "surgery",
            "title": "Surgery",
            "starts_at": "1/7/26 10:00",
            "neighbourhood_id": world.neighbourhood,
        }
    ).created[0]
    assert services.meetings.get(created)["starts_at"] == utc(2026, 7, 1, 9)  # BST


def test_a_refusal_names_the_label_and_saves_nothing(services, world) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as refused:
        services.meetings.create(
            {
                "meeting_type": "pact",
                "title": "Never",
                "starts_at": "31/02/2026 19:00",
                "neighbourhood_id": world.neighbourhood,
            }
        )
    assert refused.value.message == (
        "Starts: '31/02/2026 19:00' is not a date: there is no 31 February 2026."
    )
    assert refused.value.field == "starts_at"
    assert services.meetings.count() == 0


def test_the_form_check_says_the_same(services) -> None:  # type: ignore[no-untyped-def]
    assert services.meetings.check_field("starts_at", "02/12/2026 19:00") is None
    assert services.meetings.check_field("starts_at", "Friday") == (
        "Starts: 'Friday' has no time; add one, e.g. 02/12/2026 19:00."
    )
    assert services["priorities"].check_field("agreed_on", "2/12/26") is None
    assert services["priorities"].check_field("agreed_on", "30/02/2026") == (
        "Agreed on: '30/02/2026' is not a date: there is no 30 February 2026."
    )
