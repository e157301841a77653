"""Monthly figures on a small store whose true figures are known by construction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from pcso_desk.domain.disclosure import SMALL, WITHHELD, shown_change, shown_count
from pcso_desk.domain.errors import NotFoundError, ValidationError
from pcso_desk.services.api import Services
from pcso_desk.services.documents.crimes import HEADER
from pcso_desk.services.documents.monthly import (
    MonthlyFigures,
    district_neighbourhoods,
    find_area,
    last_complete_month,
    monthly_figures,
    parse_month,
    shift_month,
)
from pcso_desk.services.documents.pack_extras import VICTIMS_CODE_ROW
from pcso_desk.services.documents.packs import pack_tables
from tests.factories import World, d, utc

LONDON = ZoneInfo("Europe/London")
MONTH = "2026-03"


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=LONDON)  # type: ignore[misc]


@dataclass
class Known:
    world: World
    council: str


def _crime_file(tmp_path: Path) -> Path:
    lines = [",".join(HEADER)]

    def add(n: int, lsoa: str, kind: str, month: str, ids: bool = True) -> None:
        for i in range(n):
            crime_id = f"{lsoa}-{kind[:4]}-{month}-{i}" if ids else ""
            lines.append(
                f"{crime_id},{month},P,P,-0.1,51.7,On or near High Street,{lsoa},L,{kind},,"
            )

    add(6, "E01000001", "Burglary", MONTH)
    add(2, "E01000001", "Vehicle crime", MONTH)
    add(1, "E01000002", "Burglary", MONTH)
    add(3, "E01000002", "Anti-social behaviour", MONTH, ids=False)
    add(2, "E01000001", "Burglary", "2026-02")
    add(5, "E01000002", "Vehicle crime", "2026-02")
    add(7, "E01000001", "Burglary", "2025-03")
    add(9, "E01000001", "Burglary", "2026-04")  # the month after: never counted for March
    add(4, "E01009999", "Burglary", MONTH)  # unmapped: in no ward's figures
    path = tmp_path / "street.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _meetings(services: Services, w: World) -> None:
    def meeting(title: str, at: datetime, status: str, attendance: int, public: str = "") -> None:
        made = services.meetings.create(
            {
                "meeting_type": "pact",
                "title": title,
                "public_title": public,
                "venue": "Mill Lane Hall" if public else "",
                "starts_at": at,
                "status": status,
                "neighbourhood_id": w.neighbourhood,
                "attendance": attendance,
            }
        )
        services["meeting_wards"].create({"meeting_id": made.created[0], "ward_id": w.ward})

    # last minutes of March
    meeting("Riverside PACT", local(2026, 3, 31, 23, 30), "held", 23, "Have your say: Riverside")
    meeting("April PACT", local(2026, 4, 1, 0, 30), "held", 40)  # first minutes of April
    meeting("Called off", local(2026, 3, 10, 19, 0), "cancelled", 0)


def _activity(services: Services, w: World) -> None:
    for day in (2, 15, 31):
        services.engagements.create(
            {"occurred_at": local(2026, 3, day, 12), "ward_id": w.ward, "channel": "patrol"}
        )
    services.engagements.create(
        {"occurred_at": local(2026, 2, 28, 23, 59), "ward_id": w.ward, "channel": "patrol"}
    )
    for ward, start, minutes in ((w.ward, 10, 90), (w.other_ward, 14, 30)):
        services["patrol_sessions"].create(
            {
                "officer_id": w.officer,
                "ward_id": ward,
                "starts_at": local(2026, 3, 5, start),
                "ends_at": local(2026, 3, 5, start + minutes // 60, minutes % 60),
                "mode": "foot",
            }
        )
    services["abstractions"].create(
        {
            "officer_id": w.officer,
            "starts_at": local(2026, 3, 6, 9),
            "ends_at": local(2026, 3, 6, 9, 30),
            "reason": "court",
        }
    )
    for received, hours in ((utc(2026, 3, 3, 9), 3), (utc(2026, 3, 4, 9), 30)):
        made = services["messages"].create(
            {
                "received_at": received,
                "channel": "email",
                "subject": "Parking on the verge",
                "kind": "request",
                "neighbourhood_id": w.neighbourhood,
            }
        )
        responded = received.replace(hour=9 + hours % 24, day=received.day + hours // 24)
        services.messages.respond(
            made.created[0], at=responded, officer_id=w.officer, note="Replied by e-mail"
        )


def _kin(services: Services, w: World) -> None:
    kin = (
        services["kins"]
        .create({"name": "Riverside KIN", "neighbourhood_id": w.neighbourhood, "ward_id": w.ward})
        .created[0]
    )
    contact = services.contacts.create(
        {"name": "Canary Person Zebedee", "phone": "01632 960123", "lawful_basis": "consent"}
    ).created[0]
    member = (
        services["kin_members"]
        .create({"kin_id": kin, "contact_id": contact, "joined_on": d("2025-06-01")})
        .created[0]
    )
    for day, score in (("2026-03-01", 4), ("2026-03-31", 2), ("2026-01-15", 5)):
        services.kins.check_in(
            member, {"checked_on": d(day), "method": "phone", "safety_score": score}
        )


def _priority(services: Services, w: World) -> None:
    made = services["priorities"].create(
        {
            "title": "Speeding on Mill Lane",
            "public_wording": "You told us about speeding on Mill Lane.",
            "category": "speeding",
            "neighbourhood_id": w.neighbourhood,
            "ward_id": w.ward,
            "agreed_on": d("2026-01-10"),
            "review_on": d("2026-04-10"),
        }
    )
    pid = made.created[0]
    services.priorities.add_action(
        pid, {"action_on": d("2026-03-12"), "public_text": "We ran speed checks on Mill Lane."}
    )
    services.priorities.add_action(
        pid, {"action_on": d("2026-04-01"), "public_text": "We wrote to April residents."}
    )


def _victims(services: Services, w: World) -> None:
    victim = services.contacts.create({"name": "Canary Victim Quentin"}).created[0]

    def case(ref: str, opened: datetime) -> str:
        values = {"victim_id": victim, "crime_reference": ref, "offence_type": "Burglary"}
        made = services["victim_cases"].create({**values, "opened_at": opened, "ward_id": w.ward})
        return made.created[0]

    contacted, missed = (
        case("41/70001/26", utc(2026, 2, 20, 9)),
        case("41/70002/26", utc(2026, 3, 2, 9)),
    )
    case("41/70003/26", utc(2026, 4, 2, 9))  # opened after March: not counted
    visit = {"visit_type": "follow_up", "method": "phone"}
    services.victims.record_contact(contacted, {**visit, "contacted_at": utc(2026, 3, 9, 10)})
    services.victims.record_contact(
        missed, {**visit, "contacted_at": utc(2026, 3, 9, 11), "successful": False}
    )


@pytest.fixture
def known(services: Services, world: World, tmp_path: Path) -> Known:
    for code, ward in (("E01000001", world.ward), ("E01000002", world.other_ward)):
        services["lsoa_wards"].create({"lsoa_code": code, "ward_id": ward})
    services.packs.import_crimes(_crime_file(tmp_path))
    # Hand counts: used where nothing was imported for that ward and month, ignored otherwise.
    services["crime_counts"].create(
        {"ward_id": world.other_ward, "month": "2025-03", "crime_type": "Shoplifting", "count": 4}
    )
    services["crime_counts"].create(
        {"ward_id": world.ward, "month": MONTH, "crime_type": "Shoplifting", "count": 10}
    )
    council = (
        services["councils"]
        .create(
            {"name": "Riverside Parish Council", "kind": "parish", "district_id": world.district}
        )
        .created[0]
    )
    services["wards"].update(world.ward, {"council_id": council})
    _meetings(services, world)
    _activity(services, world)
    _kin(services, world)
    _priority(services, world)
    _victims(services, world)
    return Known(world, council)


def hood(services: Services, month: str = MONTH) -> MonthlyFigures:
    return monthly_figures(
        services.ctx, find_area(services.ctx, "neighbourhood", "riverside snt"), month
    )


def crime(f: MonthlyFigures) -> dict[str, tuple[int, int, int]]:
    return {c.category: (c.this_month, c.last_month, c.last_year) for c in f.crime}


def test_neighbourhood_figures_are_exact(services: Services, known: Known) -> None:
    f = hood(services)
    assert crime(f) == {
        "Burglary": (7, 2, 7),
        "Anti-social behaviour": (3, 0, 0),
        "Vehicle crime": (2, 5, 0),
        "Shoplifting": (0, 0, 4),
    }
    # By name, never by count (Burglary's 7 would come first): an order that follows the
    # counts tells a reader which is larger.
    assert [c.category for c in f.crime] == [
        "Anti-social behaviour",
        "Burglary",
        "Shoplifting",
        "Vehicle crime",
    ]
    assert [(x.held_on, x.title, x.attendance) for x in f.meetings] == [
        (date(2026, 3, 31), "Have your say: Riverside", 23)  # its public title
    ]
    assert f.public_meeting_held
    assert (f.engagements, f.kin_members, f.kin_check_ins) == (3, 1, 2)
    assert f.safety[-1].month == MONTH and (f.safety[-1].check_ins, f.safety[-1].average) == (
        2,
        3.0,
    )
    assert f.safety[0].month == "2025-04" and len(f.safety) == 12
    assert {p.month: p.average for p in f.safety}["2026-01"] == 5.0
    assert (f.patrol_minutes, f.locality_minutes, f.abstracted_minutes) == (120, 120, 30)
    assert f.locality_share == pytest.approx(0.8)
    assert (f.messages, f.messages_in_time) == (2, 1)
    assert (f.victim_cases, f.victim_cases_contacted) == (2, 1)
    # Victims' Code: the February case's 5-day contact fell due in February (made late, 9
    # March, which moves its next to April); the March case's fell due on 7 March, unmade.
    assert (f.victim_contacts_due, f.victim_contacts_on_time) == (1, 0)
    assert [(p.you_said, p.we_did) for p in f.priorities] == [
        ("You told us about speeding on Mill Lane.", ("We ran speed checks on Mill Lane.",))
    ]


def test_ward_and_council_areas_count_only_their_wards(services: Services, known: Known) -> None:
    ward = monthly_figures(
        services.ctx, find_area(services.ctx, "ward", "Riverside Central"), MONTH
    )
    assert crime(ward) == {"Burglary": (6, 2, 7), "Vehicle crime": (2, 0, 0)}
    assert ward.patrol_minutes == 90 and ward.engagements == 3
    council = find_area(services.ctx, "council", "Riverside Parish Council")
    assert council.ward_ids == (known.world.ward,)
    assert crime(monthly_figures(services.ctx, council, MONTH)) == crime(ward)
    east = monthly_figures(services.ctx, find_area(services.ctx, "ward", "Riverside East"), MONTH)
    assert east.meetings == () and not east.public_meeting_held
    assert crime(east)["Shoplifting"] == (0, 0, 4)


def test_the_month_after_and_an_empty_month(services: Services, known: Known) -> None:
    april = hood(services, "2026-04")
    assert crime(april)["Burglary"] == (9, 7, 0)
    # No public title: the pack names it by its type (and venue), never "April PACT".
    assert [x.title for x in april.meetings] == ["PACT meeting"]
    empty = hood(services, "2027-06")
    assert empty.crime == () and empty.meetings == () and empty.priorities[0].we_did == ()
    assert (empty.engagements, empty.kin_check_ins, empty.patrol_minutes, empty.messages) == (
        0,
        0,
        0,
        0,
    )
    assert empty.locality_share is None
    assert all(p.average is None for p in empty.safety)


def test_public_tables_show_crime_exactly_and_protect_counts_about_people(
    services: Services, known: Known
) -> None:
    tables = {t.name: t for t in pack_tables(hood(services), public=True)}
    rows = {r[0]: r[1:] for r in tables["crime"].rows}
    # Crime counts are published by the police crime by crime: exact here, small or not.
    assert rows["Burglary"] == (7, 2, 5, 7, 0)
    assert rows["Anti-social behaviour"] == (3, 0, 3, 0, 3)
    assert rows["Shoplifting"] == (0, 0, 0, 4, -4)
    assert rows["All crime"] == (12, 7, 5, 11, 1)
    assert [r[0] for r in tables["crime"].rows][-1] == "All crime"
    summary = dict(tables["summary"].rows)
    assert summary["Engagements with the community"] == SMALL
    assert summary["People attending meetings"] == 23
    assert summary["Key individual check-ins"] == SMALL
    assert summary["Time in the locality"] == "80%"
    assert summary["Messages answered within 24 hours"] == "fewer than 5 messages"
    assert summary[VICTIMS_CODE_ROW] == "fewer than 5 contacts due"
    internal = {t.name: t for t in pack_tables(hood(services), public=False)}
    assert dict(internal["summary"].rows)["Engagements with the community"] == 3
    assert dict(internal["summary"].rows)[VICTIMS_CODE_ROW] == "0 of 1 (0%)"
    assert {r[0]: r[1:] for r in internal["crime"].rows}["Burglary"] == (7, 2, 5, 7, 0)
    assert dict(internal["summary"].rows)["Messages answered within 24 hours"] == "50%"


def test_ward_and_council_public_packs_leave_counts_about_people_to_the_neighbourhood(
    services: Services, known: Known
) -> None:
    from pcso_desk.domain.disclosure import NEIGHBOURHOOD_ONLY

    for kind, name in (("ward", "Riverside Central"), ("council", "Riverside Parish Council")):
        figures = monthly_figures(services.ctx, find_area(services.ctx, kind, name), MONTH)
        tables = {t.name: t for t in pack_tables(figures, public=True)}
        summary = dict(tables["summary"].rows)
        for measure in (
            "People attending meetings",
            "Engagements with the community",
            "Key individual network members",
            "Key individual check-ins",
            VICTIMS_CODE_ROW,
        ):
            assert summary[measure] == NEIGHBOURHOOD_ONLY, (kind, measure)
        assert tables["feelings-of-safety"].rows == ()
        assert {r[0]: r[1] for r in tables["crime"].rows}["Burglary"] == 6  # crime: exact
        internal = dict(pack_tables(figures, public=False)[0].rows)
        assert internal["Engagements with the community"] == 3


def test_disclosure_policy() -> None:
    assert [shown_count(n, public=True) for n in (0, 1, 4, 5)] == [0, SMALL, SMALL, 5]
    assert shown_count(3, public=False) == 3
    assert shown_change(10, 3, public=True) == WITHHELD
    assert shown_change(10, 0, public=True) == 10 and shown_change(4, 9, public=False) == -5


def test_months_and_areas(services: Services, known: Known) -> None:
    assert last_complete_month(date(2026, 1, 5)) == "2025-12"
    assert shift_month("2026-03", -12) == "2025-03"
    assert parse_month(" 2026-03 ") == "2026-03"
    with pytest.raises(ValidationError, match="YYYY-MM"):
        parse_month("2026-13")
    with pytest.raises(NotFoundError, match="no neighbourhood called 'Nowhere'"):
        find_area(services.ctx, "neighbourhood", "Nowhere")
    assert [a.name for a in district_neighbourhoods(services.ctx, "Testshire North")] == [
        "Riverside SNT"
    ]


def test_a_total_with_a_hidden_part_is_withheld() -> None:
    from pcso_desk.domain.disclosure import HIDDEN, SMALL, cells_to_hide, shown_total

    counts = [24, 25, 22, 3]  # a total of 74 would give the 3 away: 74 - (24 + 25 + 22)
    assert cells_to_hide(counts) == [False, False, False, True]
    assert shown_total(counts, public=True) == HIDDEN
    assert shown_total([1, 1, 1], public=True) == HIDDEN  # "withheld" says nothing of its size
    assert shown_total([24, 25, 0], public=True) == 49
    assert shown_total([3], public=False) == 3 and shown_total([3, 0], public=True) == HIDDEN
    assert shown_total([], public=True) == 0 != SMALL


def test_each_priority_gets_its_own_actions_of_the_month_in_date_order(
    services: Services, known: Known
) -> None:
    w = known.world
    made = services["priorities"].create(
        {
            "title": "Parking at the school",
            "public_wording": "You told us about parking at the school.",
            "category": "parking",
            "neighbourhood_id": w.neighbourhood,
            "ward_id": w.other_ward,
            "agreed_on": d("2026-02-01"),
            "review_on": d("2026-05-01"),
        }
    )
    pid = made.created[0]
    for day, text in (("2026-03-20", "We ticketed cars."), ("2026-03-04", "We wrote to parents.")):
        services.priorities.add_action(pid, {"action_on": d(day), "public_text": text})
    services.priorities.add_action(pid, {"action_on": d("2026-03-05"), "public_text": ""})
    assert [(p.you_said, p.we_did) for p in hood(services).priorities] == [
        ("You told us about speeding on Mill Lane.", ("We ran speed checks on Mill Lane.",)),
        (
            "You told us about parking at the school.",
            ("We wrote to parents.", "We ticketed cars."),
        ),
    ]
    east = monthly_figures(services.ctx, find_area(services.ctx, "ward", "Riverside East"), MONTH)
    assert [p.we_did for p in east.priorities] == [("We wrote to parents.", "We ticketed cars.")]
