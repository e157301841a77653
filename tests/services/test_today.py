"""The Today dashboard reads what is due at a fixed moment; the quick log is all or nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest

from pcso_desk.domain.enums import UserRole
from pcso_desk.domain.errors import ValidationError
from pcso_desk.services.api import Services
from pcso_desk.services.casework.today import Scope, log_engagement, starting_scope, today_summary
from pcso_desk.services.context import Actor
from pcso_desk.services.records.service import ListQuery
from tests.factories import World, d, utc

NOW = utc(2026, 3, 10, 12)  # a Tuesday, London on GMT


@dataclass
class Day:
    """The ids of the records a dashboard at NOW should (or should not) show."""

    overdue_case: str
    soon_case: str
    other_officers_case: str
    overdue_member: str
    soon_member: str
    meeting: str
    overdue_priority: str
    soon_priority: str
    breached_message: str
    near_message: str
    victims: tuple[str, ...]


def _contact(services: Services, name: str, postcode: str = "") -> str:
    made = services.contacts.create({"name": name, "postcode": postcode})
    return made.created[0]


def _case(services: Services, victim: str, ref: str, opened: object, officer: str | None) -> str:
    values = {
        "victim_id": victim,
        "crime_reference": ref,
        "offence_type": "Burglary dwelling",
        "opened_at": opened,
        "officer_id": officer,
    }
    return services["victim_cases"].create(values).created[0]


def _victims(services: Services, world: World) -> dict[str, str]:
    other_officer = {"name": "PC Robin Other", "collar_number": "PC 9002", "role": "pc"}
    other = services["officers"].create(other_officer).created[0]
    made = {}
    for key, name, opened, officer in (
        ("overdue", "Olive Overdue", utc(2026, 2, 20, 10), world.officer),
        ("soon", "Dana Duesoon", utc(2026, 3, 8, 9), world.officer),
        ("far", "Frank Farout", utc(2026, 3, 9, 9), world.officer),
        ("closed", "Cora Closed", utc(2026, 2, 1, 9), world.officer),
        ("other", "Otto Otherofficer", utc(2026, 2, 1, 9), other),
    ):
        reference = f"41/{10001 + len(made)}/26"
        made[key] = _case(services, _contact(services, name, "AL1 3EX"), reference, opened, officer)
    visit = {"contacted_at": utc(2026, 3, 9, 10), "visit_type": "follow_up", "method": "visit"}
    services.victims.record_contact(made["far"], visit)
    services.victims.close(made["closed"], "Victim wanted no further contact.", 4)
    return made


def _kin(services: Services, world: World) -> dict[str, str]:
    kin = services["kins"].create(
        {"name": "Riverside KIN", "neighbourhood_id": world.neighbourhood, "ward_id": world.ward}
    )
    made = {}
    for key, name, joined, left in (
        ("overdue", "Kim Keyholder", "2026-01-01", None),
        ("soon", "Sunil Shopkeeper", "2026-01-30", None),
        ("later", "Lara Later", "2026-03-01", None),
        ("left", "Lenny Left", "2025-10-01", "2026-02-01"),
    ):
        values = {
            "kin_id": kin.created[0],
            "contact_id": _contact(services, name),
            "represents": f"{name.split()[1]} Parade",
            "joined_on": d(joined),
            "left_on": d(left) if left else None,
        }
        made[key] = services["kin_members"].create(values).created[0]
    return made


def _meetings(services: Services, world: World) -> dict[str, str]:
    made = {}
    for key, title, starts, status in (
        ("soon", "Riverside PACT meeting", utc(2026, 3, 17, 19), "planned"),
        ("far", "Ward panel (April)", utc(2026, 3, 30, 19), "planned"),
        ("cancelled", "Cancelled surgery", utc(2026, 3, 12, 10), "cancelled"),
        ("past", "Last month's PACT", utc(2026, 3, 3, 19), "held"),
    ):
        values = {
            "meeting_type": "pact",
            "title": title,
            "venue": "Riverside Community Centre, AL1 3EX",
            "starts_at": starts,
            "status": status,
            "neighbourhood_id": world.neighbourhood,
        }
        made[key] = services.meetings.create(values).created[0]
    return made


def _priorities(services: Services, world: World) -> dict[str, str]:
    made = {}
    for key, title, agreed, status in (
        ("overdue", "Speeding on Mill Lane", "2025-12-01", "open"),
        ("soon", "Drug dealing near the canal", "2025-12-20", "in_progress"),
        ("later", "Parking outside the school", "2026-02-01", "open"),
        ("done", "Fly-tipping behind the shops", "2025-12-05", "resolved"),
    ):
        values = {
            "title": title,
            "category": "speeding",
            "neighbourhood_id": world.neighbourhood,
            "ward_id": world.ward,
            "agreed_on": d(agreed),
            "status": status,
        }
        made[key] = services["priorities"].create(values).created[0]
    return made


def _messages(services: Services) -> dict[str, str]:
    made = {}
    for key, subject, received, responded in (
        ("breached", "Noise from the flats", utc(2026, 3, 9, 10), None),
        ("near", "Bikes on the towpath", utc(2026, 3, 9, 14), None),
        ("fresh", "Thank you note", utc(2026, 3, 10, 9), None),
        ("answered", "Lost dog", utc(2026, 3, 9, 8), utc(2026, 3, 9, 12)),
    ):
        values = {
            "received_at": received,
            "responded_at": responded,
            "channel": "email",
            "from_name": "Jo Resident",
            "subject": subject,
            "kind": "request",
        }
        made[key] = services["messages"].create(values).created[0]
    return made


def _time(services: Services, world: World) -> None:
    """39 hours in the locality against 11 abstracted this month: 78%; February ignored."""
    for day, start, end in ((2, 9, 17), (3, 9, 17), (4, 9, 17), (6, 9, 16), (9, 9, 17)):
        services["patrol_sessions"].create(
            {
                "officer_id": world.officer,
                "ward_id": world.ward,
                "starts_at": utc(2026, 3, day, start),
                "ends_at": utc(2026, 3, day, end),
                "mode": "foot",
            }
        )
    services["patrol_sessions"].create(
        {
            "officer_id": world.officer,
            "starts_at": utc(2026, 2, 20, 9),
            "ends_at": utc(2026, 2, 20, 17),
            "mode": "cycle",
        }
    )
    for day, start, end, reason in ((5, 9, 17, "court"), (10, 8, 11, "training")):
        services["abstractions"].create(
            {
                "officer_id": world.officer,
                "starts_at": utc(2026, 3, day, start),
                "ends_at": utc(2026, 3, day, end),
                "reason": reason,
            }
        )


def build_day(services: Services, world: World) -> Day:
    """A realistic team's records around NOW: some due, some not, some someone else's."""
    victims = _victims(services, world)
    kin = _kin(services, world)
    meetings = _meetings(services, world)
    priorities = _priorities(services, world)
    messages = _messages(services)
    _time(services, world)
    return Day(
        victims["overdue"],
        victims["soon"],
        victims["other"],
        kin["overdue"],
        kin["soon"],
        meetings["soon"],
        priorities["overdue"],
        priorities["soon"],
        messages["breached"],
        messages["near"],
        tuple(victims.values()),
    )


def _ids(items: tuple[object, ...]) -> list[str]:
    return [item.record_id for item in items]  # type: ignore[attr-defined]


def test_victim_contacts_split_into_overdue_and_due_this_week(services, world) -> None:  # type: ignore[no-untyped-def]
    day = build_day(services, world)
    summary = today_summary(services, now=NOW)
    assert _ids(summary.overdue_victim_contacts) == [day.other_officers_case, day.overdue_case]
    assert _ids(summary.victim_contacts_due) == [day.soon_case]
    first = summary.overdue_victim_contacts[1]
    assert (first.kind, first.title, first.detail) == (
        "victim_cases",
        "Olive Overdue",
        "41/10001/26",
    )
    assert first.due == utc(2026, 2, 25, 10) and first.overdue
    mine = today_summary(services, now=NOW, scope="mine", officer_id=world.officer)
    assert _ids(mine.overdue_victim_contacts) == [day.overdue_case]


def test_kin_meetings_priorities_and_messages_due_at_now(services, world) -> None:  # type: ignore[no-untyped-def]
    day = build_day(services, world)
    summary = today_summary(services.ctx, now=NOW)
    kin = summary.kin_checkins_due
    assert [(i.record_id, i.overdue, i.due) for i in kin] == [
        (day.overdue_member, True, d("2026-02-12")),
        (day.soon_member, False, d("2026-03-13")),
    ]
    assert {i.kind for i in kin} == {"kin_members"}
    assert [(i.kind, i.record_id, i.title) for i in summary.meetings] == [
        ("meetings", day.meeting, "Riverside PACT meeting")
    ]
    assert [(i.record_id, i.overdue, i.due) for i in summary.priorities_for_review] == [
        (day.overdue_priority, True, d("2026-03-01")),
        (day.soon_priority, False, d("2026-03-20")),
    ]
    assert summary.priorities_for_review[0].detail == "Riverside Central"
    messages = summary.messages_near_clock
    assert [(i.kind, i.record_id, i.overdue, i.due) for i in messages] == [
        ("messages", day.breached_message, True, utc(2026, 3, 10, 10)),
        ("messages", day.near_message, False, utc(2026, 3, 10, 14)),
    ]
    assert messages[0].detail == "Jo Resident"


def test_time_in_locality_is_this_months_share(services, world) -> None:  # type: ignore[no-untyped-def]
    build_day(services, world)
    summary = today_summary(services, now=NOW, scope="mine", officer_id=world.officer)
    assert summary.month == "2026-03"
    assert summary.locality.locality_minutes == 39 * 60
    assert summary.locality.abstracted_minutes == 11 * 60
    assert summary.locality.share == pytest.approx(0.78)
    assert summary.locality.meets_target is False


def test_an_empty_store_has_an_empty_day(services) -> None:  # type: ignore[no-untyped-def]
    summary = today_summary(services, now=NOW)
    assert summary.overdue_victim_contacts == summary.messages_near_clock == ()
    assert summary.locality.share is None


def test_a_message_exactly_four_hours_from_its_deadline_is_near(services) -> None:  # type: ignore[no-untyped-def]
    values = {"channel": "phone", "subject": "Call back", "kind": "request"}
    edge = services["messages"].create({**values, "received_at": NOW - timedelta(hours=20)})
    services["messages"].create({**values, "received_at": NOW - timedelta(hours=19, minutes=59)})
    found = today_summary(services, now=NOW).messages_near_clock
    assert _ids(found) == [edge.created[0]]
    assert found[0].detail == "phone"  # no sender name: the channel stands in


def _engagements(services: Services) -> list[dict[str, object]]:
    return services.engagements.page(ListQuery()).rows


def _links(services: Services) -> list[dict[str, object]]:
    return services["engagement_contacts"].page(ListQuery()).rows


def test_log_engagement_writes_the_engagement_and_its_contact(services, world) -> None:  # type: ignore[no-untyped-def]
    contact = _contact(services, "Pat Patrolled", "AL1 3EX")
    values = {
        "occurred_at": NOW,
        "channel": "patrol",
        "ward_id": world.ward,
        "issues": ["asb", "parking"],
        "summary": "Complaint about cars on the pavement.",
    }
    logged = log_engagement(services, values, [contact, contact])
    [engagement] = _engagements(services)
    assert logged.engagement.created == (engagement["id"],)
    assert engagement["issues"] == ["asb", "parking"] and engagement["ward_id"] == world.ward
    assert [(r["engagement_id"], r["contact_id"]) for r in _links(services)] == [
        (engagement["id"], contact)
    ]
    assert logged.links.kind == "engagement_contacts" and len(logged.links.created) == 1


def test_log_engagement_is_all_or_nothing(services, world) -> None:  # type: ignore[no-untyped-def]
    values = {"occurred_at": NOW, "channel": "patrol", "ward_id": world.ward, "summary": "Chat."}
    with pytest.raises(ValidationError) as raised:
        log_engagement(services, values, ["no-such-contact"])
    assert raised.value.field == "contact_id"
    assert _engagements(services) == [] and _links(services) == []


@pytest.mark.parametrize(
    ("change", "field"),
    [({"ward_id": None}, "ward_id"), ({"summary": "  "}, "summary"), ({"issues": ["x"]}, "issues")],
)
def test_log_engagement_refuses_an_incomplete_entry(services, world, change, field) -> None:  # type: ignore[no-untyped-def]
    values = {"occurred_at": NOW, "channel": "patrol", "ward_id": world.ward, "summary": "Chat."}
    with pytest.raises(ValidationError) as raised:
        log_engagement(services, {**values, **change})
    assert raised.value.field == field
    assert _engagements(services) == []


# -- whose Today: the officer's own work, or the team's --------------------------------------


@dataclass
class Teams:
    """Riverside (the world's neighbourhood: the PCSO, a constable) and Hillside next door."""

    pc: str
    hillside: str
    hill_ward: str
    hill_pcso: str


def _teams(services: Services, world: World) -> Teams:
    officers = services["officers"]
    pc = officers.create(
        {"name": "PC Pat Partner", "collar_number": "PC 9003", "role": "pc",
         "neighbourhood_id": world.neighbourhood}
    ).created[0]  # fmt: skip
    hood = (
        services["neighbourhoods"]
        .create({"name": "Hillside SNT", "code": "HIL", "district_id": world.district})
        .created[0]
    )
    ward = (
        services["wards"]
        .create({"name": "Hillside Top", "code": "HIL-T", "neighbourhood_id": hood})
        .created[0]
    )
    pcso = officers.create(
        {"name": "PCSO Hal Hill", "collar_number": "PCSO 9004", "role": "pcso",
         "neighbourhood_id": hood}
    ).created[0]  # fmt: skip
    services["officer_wards"].create({"officer_id": world.officer, "ward_id": world.ward})
    return Teams(pc, hood, ward, pcso)


def _counts(summary: object) -> dict[str, int]:
    keys = ("overdue_victim_contacts", "kin_checkins_due", "meetings", "priorities_for_review",
            "messages_near_clock")  # fmt: skip
    return {key: len(getattr(summary, key)) for key in keys}


def test_the_team_sees_a_colleagues_overdue_victim_contact_that_mine_does_not(  # type: ignore[no-untyped-def]
    services, world
) -> None:
    teams = _teams(services, world)
    opened = utc(2026, 2, 1, 9)  # first contact due within days: long overdue at NOW
    own = _case(services, _contact(services, "Olive Own"), "41/20001/26", opened, world.officer)
    partner = _case(services, _contact(services, "Paula Partner"), "41/20002/26", opened, teams.pc)
    hill = _case(services, _contact(services, "Harry Hill"), "41/20003/26", opened, teams.hill_pcso)
    team = today_summary(services, now=NOW, scope="team", officer_id=world.officer)
    mine = today_summary(services, now=NOW, scope="mine", officer_id=world.officer)
    assert sorted(_ids(team.overdue_victim_contacts)) == sorted([own, partner])
    assert _ids(mine.overdue_victim_contacts) == [own]
    assert hill not in _ids(team.overdue_victim_contacts)  # another neighbourhood's
    assert (team.scope, team.whose) == ("team", "Riverside SNT")
    assert (mine.scope, mine.whose) == ("mine", "PCSO Alex Example")


def test_the_team_is_its_neighbourhood_not_the_county(services, world) -> None:  # type: ignore[no-untyped-def]
    """Another neighbourhood's KIN check-ins, meetings, priorities and messages stay out."""
    build_day(services, world)
    teams = _teams(services, world)
    kin = services["kins"].create({"name": "Hillside KIN", "neighbourhood_id": teams.hillside})
    member = {"kin_id": kin.created[0], "contact_id": _contact(services, "Hattie Hill"),
              "joined_on": d("2026-01-01")}  # fmt: skip
    hill_member = services["kin_members"].create(member).created[0]
    hill_meeting = services.meetings.create(
        {"meeting_type": "pact", "title": "Hillside PACT", "starts_at": utc(2026, 3, 12, 19),
         "status": "planned", "neighbourhood_id": teams.hillside}
    ).created[0]  # fmt: skip
    hill_priority = services["priorities"].create(
        {"title": "Hill racing", "category": "speeding", "neighbourhood_id": teams.hillside,
         "agreed_on": d("2025-12-01"), "status": "open"}
    ).created[0]  # fmt: skip
    hill_message = services["messages"].create(
        {"received_at": utc(2026, 3, 9, 10), "channel": "email", "subject": "Hill noise",
         "kind": "request", "neighbourhood_id": teams.hillside}
    ).created[0]  # fmt: skip
    everyone = today_summary(services, now=NOW)  # no officer signed in: the whole store
    team = today_summary(services, now=NOW, scope="team", officer_id=world.officer)
    hill = today_summary(services, now=NOW, scope="team", officer_id=teams.hill_pcso)
    assert hill_member in _ids(everyone.kin_checkins_due)
    assert hill_member not in _ids(team.kin_checkins_due)
    assert _ids(hill.kin_checkins_due) == [hill_member]
    assert hill_meeting not in _ids(team.meetings) and hill_meeting in _ids(hill.meetings)
    assert hill_priority not in _ids(team.priorities_for_review)
    assert hill_priority in _ids(hill.priorities_for_review)
    assert hill_message not in _ids(team.messages_near_clock)
    assert hill_message in _ids(hill.messages_near_clock)
    # The world's messages name no neighbourhood and no sender's ward: placed nowhere yet,
    # every team sees them, since somebody has to answer them.
    assert len(team.messages_near_clock) == len(hill.messages_near_clock) - 1 == 2
    assert everyone.whose == "every neighbourhood" and hill.whose == "Hillside SNT"


def test_mine_is_the_officers_wards_and_what_they_own(services, world) -> None:  # type: ignore[no-untyped-def]
    day = build_day(services, world)
    teams = _teams(services, world)
    kin = services["kins"].create({"name": "East KIN", "neighbourhood_id": world.neighbourhood,
                                   "ward_id": world.other_ward})  # fmt: skip
    member = {"kin_id": kin.created[0], "contact_id": _contact(services, "Eve East"),
              "joined_on": d("2026-01-01")}  # fmt: skip
    east_member = services["kin_members"].create(member).created[0]
    services["priorities"].update(day.soon_priority, {"owner_id": teams.pc})
    pcso = today_summary(services, now=NOW, scope="mine", officer_id=world.officer)
    pc = today_summary(services, now=NOW, scope="mine", officer_id=teams.pc)
    team = today_summary(services, now=NOW, scope="team", officer_id=world.officer)
    # The PCSO is attached to Riverside Central, whose network's members are theirs.
    assert _ids(pcso.kin_checkins_due) == [day.overdue_member, day.soon_member]
    assert east_member in _ids(team.kin_checkins_due) and east_member not in _ids(
        pc.kin_checkins_due
    )
    # A priority owned by the constable is theirs, not the PCSO's; an unowned one in the
    # PCSO's ward stays with the PCSO (somebody has to pick it up).
    assert _ids(pcso.priorities_for_review) == [day.overdue_priority]
    assert _ids(pc.priorities_for_review) == [day.soon_priority]
    assert _counts(team)["priorities_for_review"] == 2


def test_sergeants_start_on_the_team_pcsos_and_constables_on_their_own() -> None:
    def actor(role: UserRole, officer: str | None = "officer-1") -> Actor:
        return Actor("user-1", role.value, role, officer)

    assert starting_scope(actor(UserRole.SERGEANT)) is Scope.TEAM
    assert starting_scope(actor(UserRole.PCSO)) is Scope.MINE
    assert starting_scope(actor(UserRole.PC)) is Scope.MINE
    assert starting_scope(actor(UserRole.ADMIN)) is Scope.TEAM
    assert starting_scope(actor(UserRole.PCSO, None)) is Scope.TEAM  # no officer to be
    assert starting_scope(None) is Scope.TEAM


def test_mine_without_an_officer_is_refused_in_a_sentence(services) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError, match="Sign in as an officer"):
        today_summary(services, now=NOW, scope="mine")
