"""Printed call lists and visit cards honour consent and show how each person asked to be
reached: a KIN member whose consent was withdrawn is not on the call list (only counted);
the e-mail shows when e-mail is the preferred way, the address for a letter."""

from __future__ import annotations

from datetime import date

import pytest

from pcso_desk.reports.internal import build_kin_call_list, build_victim_card
from pcso_desk.services.documents import briefings
from tests.factories import d, utc
from tests.reports import flat, page_texts

TODAY = date(2026, 11, 24)


@pytest.fixture
def kin(services, world) -> str:  # type: ignore[no-untyped-def]
    """A KIN of four: one to ring, one who prefers e-mail, one who prefers letters, and one
    who withdrew their consent."""
    kin_id = str(
        services["kins"]
        .create({"name": "Canal KIN", "neighbourhood_id": world.neighbourhood})
        .created[0]
    )
    people = [
        {"name": "Ringo Phoneman", "phone": "07700 900101", "preferred_method": "phone"},
        {
            "name": "Emma Mailwright",
            "phone": "07700 900102",
            "email": "emma.m@example.org",
            "preferred_method": "email",
            "preferred_times": "weekday evenings",
        },
        {
            "name": "Lettice Post",
            "address": "4 Lock Lane\nHitchin",
            "postcode": "SG5 1AA",
            "preferred_method": "letter",
        },
        {"name": "Nell Nophone", "email": "nell.n@example.org"},  # no preference, no phone
        {
            "name": "Wanda Withdrawn",
            "phone": "07700 900199",
            "email": "wanda.w@example.org",
            "lawful_basis": "consent",
            "consent_at": utc(2025, 6, 1, 10),
            "consent_withdrawn_at": utc(2026, 3, 3, 12),
        },
    ]
    for n, person in enumerate(people):
        contact = services.contacts.create(person).created[0]
        services["kin_members"].create(
            {
                "kin_id": kin_id,
                "contact_id": contact,
                "represents": f"{n + 1} Canal Walk",
                "joined_on": d("2026-01-05"),
            }
        )
    return kin_id


def _call_list_text(ctx, kin_id: str) -> str:  # type: ignore[no-untyped-def]
    return " ".join(page_texts(build_kin_call_list(briefings.kin_call_list(ctx, kin_id, TODAY))))


def test_a_member_who_withdrew_consent_is_not_on_the_kin_call_list(ctx, kin) -> None:  # type: ignore[no-untyped-def]
    text = flat(_call_list_text(ctx, kin))
    assert "RingoPhoneman" in text and "EmmaMailwright" in text and "LetticePost" in text
    # Nothing of the withdrawn member: not the name, number, e-mail or street they represent.
    for trace in ("Wanda", "Withdrawn", "07700900199", "wanda.w@", "5CanalWalk"):
        assert trace not in text, trace
    assert "1memberisleftoff" in text  # counted, so the list is not silently short


def test_consent_as_basis_with_none_recorded_is_left_off_too(services, ctx, kin) -> None:  # type: ignore[no-untyped-def]
    never = services.contacts.create(
        {"name": "Nora Neverasked", "phone": "07700 900177", "lawful_basis": "consent"}
    ).created[0]
    services["kin_members"].create(
        {"kin_id": kin, "contact_id": never, "joined_on": d("2026-02-01")}
    )
    text = flat(_call_list_text(ctx, kin))
    assert "Nora" not in text and "07700900177" not in text
    assert "2membersareleftoff" in text


def test_the_call_list_shows_the_preferred_way_and_its_detail(ctx, kin) -> None:  # type: ignore[no-untyped-def]
    text = flat(_call_list_text(ctx, kin))
    assert "E-mail:emma.m@example.org" in text  # not "—" for a member who prefers e-mail
    assert "Preferse-mail,weekdayevenings" in text
    assert "Address:4LockLane,Hitchin,SG51AA" in text  # a letter goes to the address
    assert "07700900101" in text and "Prefersphone" in text
    assert "E-mail:nell.n@example.org" in text  # no phone: the e-mail, not "—"


def test_withdrawal_after_printing_takes_the_member_off_the_next_list(services, ctx, kin) -> None:  # type: ignore[no-untyped-def]
    assert "RingoPhoneman" in flat(_call_list_text(ctx, kin))
    ringo = next(
        row["id"] for row in services.contacts.page().rows if row["name"] == "Ringo Phoneman"
    )
    services.contacts.update(ringo, {"consent_withdrawn_at": utc(2026, 11, 20, 9)})
    text = flat(_call_list_text(ctx, kin))
    assert "Ringo" not in text and "2membersareleftoff" in text


def test_the_victim_visit_card_shows_the_preferred_way_and_a_stop(services, ctx, world) -> None:  # type: ignore[no-untyped-def]
    victim = services.contacts.create(
        {
            "name": "Vera Victim",
            "phone": "01632 960777",
            "email": "vera.v@example.org",
            "preferred_method": "email",
            "preferred_times": "after 6pm",
        }
    ).created[0]
    case_id = str(
        services["victim_cases"]
        .create(
            {
                "victim_id": victim,
                "crime_reference": "41 55555 26",
                "offence_type": "Burglary",
                "opened_at": utc(2026, 11, 2, 10),
            }
        )
        .created[0]
    )
    text = flat(" ".join(page_texts(build_victim_card(briefings.victim_card(ctx, case_id, TODAY)))))
    assert "e-mail,after6pm" in text and "vera.v@example.org" in text
    assert "Donotcontact" not in text
    services.contacts.update(victim, {"consent_withdrawn_at": utc(2026, 3, 3, 12)})
    text = flat(" ".join(page_texts(build_victim_card(briefings.victim_card(ctx, case_id, TODAY)))))
    assert "Donotcontactconsentwithdrawn3March2026" in text
