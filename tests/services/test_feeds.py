"""The website feeds: the .ics of an area's public meetings, the police.uk-shaped priorities
and "meet the team" JSON, each read back by a library that reads the format, and none of
them holding internal text or anyone's personal data (canaries)."""

from __future__ import annotations

import csv
import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import icalendar
import pytest

from pcso_desk.domain.errors import ValidationError
from pcso_desk.domain.schedule import LONDON
from pcso_desk.services.api import Services
from pcso_desk.services.documents.feeds import POLICE_UK_HEADER
from tests.factories import d
from tests.person_seed import CANARIES, seed_person

TODAY = date(2026, 7, 10)
INTERNAL = (
    "canary-meeting-title-8801",
    "canary-meeting-notes-8802",
    "canary-issues-raised-8803",
    "canary-partners-8804",
    "canary-priority-title-8805",
    "canary-priority-notes-8806",
    "canary-action-description-8807",
    "canary-unworded-priority-8808",
    "canary-other-area-8809",
)
PEOPLE = ("Wilma Subjectson", "Quentin Otherperson", "Stella Stranger", "Subjectson")


def london(*args: int) -> datetime:
    return datetime(*args, tzinfo=LONDON).astimezone(UTC)  # type: ignore[misc]


@pytest.fixture
def seeded(services: Services) -> dict[str, Any]:
    seed = seed_person(services)
    world = seed["world"]
    other_hood = (
        services["neighbourhoods"]
        .create({"name": "Hillside SNT", "code": "HIL", "district_id": world.district})
        .created[0]
    )

    def meeting(at: datetime, ward: str | None = None, **values: Any) -> str:
        made = services.meetings.create(
            {
                "meeting_type": "pact",
                "title": INTERNAL[0],
                "venue": "Mill Lane Hall",
                "starts_at": at,
                "neighbourhood_id": world.neighbourhood,
                "notes": INTERNAL[1],
                "issues_raised": INTERNAL[2],
                "partners_present": INTERNAL[3],
                "attendance": 17,
                **values,
            }
        ).created[0]
        if ward:
            services["meeting_wards"].create({"meeting_id": made, "ward_id": ward})
        return made

    ids = {
        # in the window: today (from midnight), in summer time and in winter time
        "today": meeting(london(2026, 7, 10, 0, 30), world.ward, public_title="Have your say"),
        "central": meeting(london(2026, 8, 4, 19), world.ward, ends_at=london(2026, 8, 4, 20, 30)),
        "cancelled": meeting(london(2026, 9, 1, 18), world.ward, status="cancelled"),
        "hood_wide": meeting(london(2026, 10, 7, 18)),  # no ward: the whole neighbourhood's
        "east": meeting(london(2026, 7, 20, 18), world.other_ward),
        "last_day": meeting(london(2026, 10, 7, 23, 59)),  # day 90 (today is day 1)
        # outside: before today, beyond 90 days, deleted, another neighbourhood's
        "yesterday": meeting(london(2026, 7, 9, 23, 59), world.ward),
        "beyond": meeting(london(2026, 10, 8, 0, 0), world.ward),
        "deleted": meeting(london(2026, 7, 21, 18), world.ward),
        "other": meeting(
            london(2026, 7, 22, 18),
            neighbourhood_id=other_hood,
            public_title=INTERNAL[8],
            venue=INTERNAL[8],
        ),
    }
    services.meetings.delete(ids["deleted"])
    pid = (
        services["priorities"]
        .create(
            {
                "title": INTERNAL[4],
                "public_wording": "Speeding on Mill Lane.",
                "internal_notes": INTERNAL[5],
                "category": "speeding",
                "neighbourhood_id": world.neighbourhood,
                "ward_id": world.ward,
                "agreed_on": d("2026-06-01"),
                "review_on": d("2026-09-01"),
                "source": INTERNAL[5],
            }
        )
        .created[0]
    )
    for day, text in (("2026-06-20", "We checked speeds."), ("2026-06-05", "We put up signs.")):
        services.priorities.add_action(
            pid, {"action_on": d(day), "public_text": text, "description": INTERNAL[6]}
        )
    services.priorities.add_action(
        pid, {"action_on": d("2026-06-25"), "description": INTERNAL[6], "public_text": ""}
    )
    services["priorities"].create(
        {
            "title": INTERNAL[7],
            "category": "asb",
            "neighbourhood_id": world.neighbourhood,
            "agreed_on": d("2026-06-02"),
            "review_on": d("2026-09-02"),
        }
    )
    services["priorities"].create(
        {
            "title": "Elsewhere",
            "public_wording": INTERNAL[8],
            "category": "asb",
            "neighbourhood_id": other_hood,
            "agreed_on": d("2026-06-02"),
            "review_on": d("2026-09-02"),
        }
    )
    services["officers"].update(
        world.officer, {"work_phone": "01632 960222", "work_email": "alex@example.police.uk"}
    )
    services["officers"].create(
        {
            "name": "Retired Rita",
            "collar_number": "PCSO 9002",
            "role": "pcso",
            "neighbourhood_id": world.neighbourhood,
            "active": False,
        }
    )
    return {"world": world, "meetings": ids}


def _events(path: Path) -> dict[str, icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(path.read_bytes())
    return {str(e["UID"]): e for e in calendar.walk("VEVENT")}


def _no_private_text(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    for canary in (*CANARIES, *INTERNAL, *PEOPLE, "01632 960111", "41 12345 26"):
        assert canary not in text, canary


def test_calendar_holds_every_public_meeting_of_the_area_in_the_next_90_days_only(
    services: Services, seeded: dict[str, Any], tmp_path: Path
) -> None:
    ids = seeded["meetings"]
    out = tmp_path / "riverside.ics"
    made = services.feeds.save_calendar("neighbourhood", "Riverside SNT", out, today=TODAY)
    events = _events(out)
    wanted = ("today", "central", "cancelled", "hood_wide", "east", "last_day")
    assert made == len(wanted)
    assert sorted(events) == sorted(f"{ids[name]}@pcso-desk" for name in wanted)
    calendar = icalendar.Calendar.from_ical(out.read_bytes())
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/London"]
    central = events[f"{ids['central']}@pcso-desk"]
    start, end = central.decoded("DTSTART"), central.decoded("DTEND")
    assert (start.hour, start.utcoffset()) == (19, london(2026, 8, 4, 19) - london(2026, 8, 4, 18))
    assert central["DTSTART"].params["TZID"] == "Europe/London"
    assert end - start == london(2026, 8, 4, 20, 30) - london(2026, 8, 4, 19)
    assert str(central["SUMMARY"]) == "PACT meeting, Mill Lane Hall"  # never its internal title
    assert str(central["LOCATION"]) == "Mill Lane Hall"
    assert str(events[f"{ids['today']}@pcso-desk"]["SUMMARY"]) == "Have your say"
    assert str(events[f"{ids['cancelled']}@pcso-desk"]["STATUS"]) == "CANCELLED"
    assert str(central["STATUS"]) == "CONFIRMED"
    shown = {"UID", "DTSTAMP", "CREATED", "LAST-MODIFIED", "SEQUENCE", "SUMMARY", "DTSTART",
             "DTEND", "LOCATION", "CATEGORIES", "DESCRIPTION", "STATUS", "TRANSP"}  # fmt: skip
    assert set(central) == shown  # nothing else of a meeting (attendance, partners, notes)
    assert str(central["DESCRIPTION"]) == "PACT meeting, with the Riverside SNT team."
    _no_private_text(out)


def test_a_ward_calendar_leaves_out_the_other_wards_meetings(
    services: Services, seeded: dict[str, Any], tmp_path: Path
) -> None:
    ids = seeded["meetings"]
    out = tmp_path / "central.ics"
    services.feeds.save_calendar("ward", "RIV-C", out, today=TODAY)
    wanted = ("today", "central", "cancelled", "hood_wide", "last_day")
    assert sorted(_events(out)) == sorted(f"{ids[name]}@pcso-desk" for name in wanted)


def test_uids_stay_across_exports_and_an_edit_moves_sequence_and_last_modified(
    services: Services, seeded: dict[str, Any], tmp_path: Path
) -> None:
    ids = seeded["meetings"]
    first, second, third = (tmp_path / f"{n}.ics" for n in ("first", "second", "third"))
    services.feeds.save_calendar("neighbourhood", "Riverside SNT", first, today=TODAY)
    services.feeds.save_calendar("neighbourhood", "Riverside SNT", second, today=TODAY)
    before, again = _events(first), _events(second)
    assert sorted(before) == sorted(again)
    uid = f"{ids['central']}@pcso-desk"
    assert before[uid]["SEQUENCE"] == again[uid]["SEQUENCE"]
    services.meetings.update(ids["central"], {"venue": "Riverside Library"})
    services.feeds.save_calendar("neighbourhood", "Riverside SNT", third, today=TODAY)
    after = _events(third)
    assert sorted(after) == sorted(before)
    assert str(after[uid]["LOCATION"]) == "Riverside Library"
    assert after[uid]["SEQUENCE"] > before[uid]["SEQUENCE"]
    assert after[uid].decoded("LAST-MODIFIED") >= before[uid].decoded("LAST-MODIFIED")
    services.meetings.update(ids["central"], {"notes": "an internal note only"})
    fourth = tmp_path / "fourth.ics"
    services.feeds.save_calendar("neighbourhood", "Riverside SNT", fourth, today=TODAY)
    assert _events(fourth)[uid]["SEQUENCE"] == after[uid]["SEQUENCE"]  # nothing public moved
    services.meetings.update(ids["central"], {"public_title": "Summer PACT"})
    services.meetings.update(ids["central"], {"public_title": ""})
    fifth = tmp_path / "fifth.ics"
    services.feeds.save_calendar("neighbourhood", "Riverside SNT", fifth, today=TODAY)
    assert _events(fifth)[uid]["SEQUENCE"] > after[uid]["SEQUENCE"]  # back as it was: still on


def test_police_uk_priorities_hold_public_wording_and_public_actions_only(
    services: Services, seeded: dict[str, Any], tmp_path: Path
) -> None:
    out = tmp_path / "priorities.csv"
    made = services.feeds.save_police_uk_priorities(out, "neighbourhood", "Riverside SNT")
    with out.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert made == 1
    assert tuple(rows[0]) == POLICE_UK_HEADER
    assert rows[1:] == [
        [
            "Riverside SNT",
            "Speeding on Mill Lane.",
            "2026-06-01",
            "We put up signs. We checked speeds.",
            "2026-06-20",
        ]
    ]
    _no_private_text(out)
    everywhere = tmp_path / "all.csv"
    assert services.feeds.save_police_uk_priorities(everywhere) == 2


def test_meet_the_team_shows_what_the_handout_shows(
    services: Services, seeded: dict[str, Any], tmp_path: Path
) -> None:
    out = tmp_path / "team.json"
    assert services.feeds.save_team(out, "neighbourhood", "RIV") == 1
    document = json.loads(out.read_text(encoding="utf-8"))
    (team,) = document["teams"]
    assert team["team"] == "Riverside SNT"
    assert team["officers"] == [
        {
            "name": "PCSO Alex Example",
            "collar_number": "PCSO 9001",
            "role": "Police Community Support Officer",
            "phone": "01632 960222",
            "email": "alex@example.police.uk",
        }
    ]  # an inactive officer is not shown
    _no_private_text(out)


def test_an_unknown_area_is_refused_in_one_sentence_and_nothing_written(
    services: Services, seeded: dict[str, Any], tmp_path: Path
) -> None:
    out = tmp_path / "x.ics"
    with pytest.raises(ValidationError, match="There is no ward called 'Nowhere'"):
        services.feeds.save_calendar("ward", "Nowhere", out, today=TODAY)
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name != "data"] == []
