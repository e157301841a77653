"""A person's whole story: the contact's timeline (victim cases only for a role allowed them,
and audited), and the contacts an engagement was with."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest

from pcso_desk.domain.enums import UserRole
from pcso_desk.domain.errors import PermissionDenied, ValidationError
from pcso_desk.services.api import Services
from pcso_desk.services.records.service import ListQuery
from tests.factories import utc
from tests.role_station import Station

# Station's Robin Sample has a victim case opened 2 July 2026 (tests/role_station.py).


@pytest.fixture(scope="module")
def station(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Station]:
    made = Station(tmp_path_factory.mktemp("story"))
    setup, robin = made.setup, made.contact
    setup.today.log_engagement(
        {
            "occurred_at": utc(2026, 7, 10, 10),
            "channel": "patrol",
            "ward_id": made.world.ward,
            "summary": "Asked about the parking on\nMill Lane.",
        },
        [robin],
    )
    kin = setup["kins"].create(
        {"name": "High St KIN", "neighbourhood_id": made.world.neighbourhood}
    )
    member = setup["kin_members"].create(
        {"kin_id": kin.created[0], "contact_id": robin, "joined_on": date(2026, 6, 1)}
    )
    setup.kins.check_in(
        member.created[0],
        {"checked_on": date(2026, 7, 5), "method": "phone", "safety_score": 4},
    )
    setup["messages"].create(
        {
            "received_at": utc(2026, 7, 8, 9),
            "channel": "email",
            "subject": "Bins left on the pavement",
            "kind": "request",
            "contact_id": robin,
            "neighbourhood_id": made.world.neighbourhood,
        }
    )
    someone_else = made.new_contact("Alex Other")
    setup["messages"].create(
        {
            "received_at": utc(2026, 7, 9, 9),
            "channel": "email",
            "subject": "Not Robin's message",
            "kind": "request",
            "contact_id": someone_else,
            "neighbourhood_id": made.world.neighbourhood,
        }
    )
    yield made
    made.setup.ctx.store.close()


def _lines(items: list[Any]) -> list[tuple[str, str]]:
    return [(item.what, item.summary) for item in items]


def test_a_pcso_sees_the_whole_story_newest_first_and_the_victim_case_read_is_audited(
    station: Station,
) -> None:
    before = len(station.audit_rows())
    items = station.signed_in[UserRole.PCSO].story.timeline(station.contact)
    assert [item.what for item in items] == [
        "Engagement",  # 10 July
        "Message",  # 8 July
        "KIN check-in",  # 5 July
        "Victim case",  # 2 July
        "KIN member",  # joined 1 June
    ]
    lines = dict(_lines(items))
    assert lines["Engagement"] == "Patrol — Asked about the parking on Mill Lane."
    assert lines["Message"] == "Request — Bins left on the pavement"
    assert lines["KIN check-in"] == "High St KIN — Phone — feels safe 4/5"
    assert lines["Victim case"] == "Burglary — 41/12345/26 — Open"
    assert lines["KIN member"] == "Joined High St KIN"
    assert "Not Robin's message" not in str(lines)
    checkin = next(i for i in items if i.what == "KIN check-in")
    assert (checkin.kind, checkin.open_kind) == ("kin_checkins", "kins")
    added = station.audit_rows()[before:]
    assert [(r["action"], r["kind"], r["role"]) for r in added] == [
        ("list", "victim_cases", "pcso")
    ]
    case = next(i for i in items if i.what == "Victim case")
    assert case.record_id == station.case and station.case in added[0]["record_ids"]


def test_a_role_not_allowed_victim_care_gets_the_rest_and_no_trace_of_the_case(
    station: Station,
) -> None:
    before = len(station.audit_rows())
    admin = station.signed_in[UserRole.ADMIN]
    items = admin.story.timeline(station.contact)
    assert [item.what for item in items] == ["Engagement", "Message", "KIN check-in", "KIN member"]
    assert "12345" not in str(items)
    assert station.audit_rows()[before:] == []  # nothing read that needs an entry
    with pytest.raises(PermissionDenied):
        admin.story.victim_cases(station.contact)


def test_a_contact_with_no_victim_case_adds_no_audit_entry(station: Station) -> None:
    quiet = station.new_contact("Quinn Quiet")
    before = len(station.audit_rows())
    assert station.signed_in[UserRole.SERGEANT].story.timeline(quiet) == []
    assert station.audit_rows()[before:] == []


def _new(services: Services, ward: str, contacts: list[str]) -> str:
    values = {
        "occurred_at": utc(2026, 7, 11, 10),
        "channel": "face_to_face",
        "ward_id": ward,
        "summary": "Street meeting about speeding.",
    }
    return str(services.story.add_engagement(values, contacts).created[0])


def test_an_engagement_saved_with_two_contacts_lists_both_and_shows_them_in_one_column(
    station: Station,
) -> None:
    pcso = station.signed_in[UserRole.PCSO]
    pat, sam = station.new_contact("Pat First"), station.new_contact("Sam Second")
    made = _new(pcso, station.world.ward, [pat, sam])
    record = pcso.engagements.get(made)
    assert record["contact_ids"] == [pat, sam]
    assert record["contact_names"] == ["Pat First", "Sam Second"]
    rows = pcso.engagements.page(ListQuery(limit=200)).rows
    assert next(r for r in rows if r["id"] == made)["contacts_label"] == "Pat First +1"
    assert made in [i.record_id for i in pcso.story.timeline(sam)]


def test_changing_an_engagement_sets_exactly_its_contacts(station: Station) -> None:
    sergeant = station.signed_in[UserRole.SERGEANT]
    jo, kit = station.new_contact("Jo Fourth"), station.new_contact("Kit Third")
    made = _new(sergeant, station.world.ward, [jo])
    changed = sergeant.story.change_engagement(made, {}, [kit])
    assert changed.updated == (made,)
    assert sergeant.engagements.get(made)["contact_names"] == ["Kit Third"]
    assert made not in [i.record_id for i in sergeant.story.timeline(jo)]
    assert sergeant.story.change_engagement(made, {}, [kit]).updated == ()  # nothing to change


def test_a_pcso_adds_a_contact_to_an_engagement_but_may_not_remove_one(
    station: Station,
) -> None:
    """Removing a contact deletes its link, and other stations take a deletion only from a
    role with the delete right: refused here, before anything is saved, and audited."""
    pcso = station.signed_in[UserRole.PCSO]
    ash, bo = station.new_contact("Ash Sixth"), station.new_contact("Bo Seventh")
    made = _new(pcso, station.world.ward, [ash])
    assert pcso.story.change_engagement(made, {}, [ash, bo]).updated == (made,)
    before = len(station.audit_rows())
    with pytest.raises(PermissionDenied, match="cannot delete records"):
        pcso.story.change_engagement(made, {"summary": "Changed too."}, [bo])
    record = pcso.engagements.get(made)
    assert (record["contact_names"], record["summary"]) == (
        ["Ash Sixth", "Bo Seventh"],
        "Street meeting about speeding.",
    )
    assert [(r["action"], r["outcome"]) for r in station.audit_rows()[before:]] == [
        ("refused", "refused")
    ]


def test_an_engagement_linked_to_a_deleted_contact_is_refused_and_nothing_saved(
    station: Station,
) -> None:
    sergeant = station.signed_in[UserRole.SERGEANT]
    gone = station.new_contact("Gone Away")
    station.setup.contacts.delete(gone)
    count = sergeant.engagements.count()
    with pytest.raises(ValidationError, match="no longer exists"):
        _new(sergeant, station.world.ward, [station.new_contact("Lou Fifth"), gone])
    assert sergeant.engagements.count() == count
