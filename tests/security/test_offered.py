"""What the front end is told a role may do is exactly what the gateway lets it do, and the
tooltip of what it may not names the roles that can."""

from __future__ import annotations

import pytest

from pcso_desk.domain.enums import UserRole
from pcso_desk.domain.errors import PermissionDenied
from pcso_desk.domain.permissions import Action, who_can
from pcso_desk.services.protection import accounts

PASSWORD = "a long enough passphrase"


def test_who_can_names_the_roles_in_one_sentence() -> None:
    assert who_can(Action.DELETE) == "Only a PC or a sergeant can delete records."
    assert who_can(Action.INTERNAL_PACKS) == "Only a sergeant can build internal monthly packs."
    assert who_can(Action.RESOLVE_CONFLICTS) == "Only a sergeant can settle sync conflicts."
    assert who_can(Action.DELETE, "wards") == (
        "Only a sergeant or an admin can change districts, wards, stations and officers."
    )
    assert who_can(Action.CHANGE, "victim_cases") == (
        "Only a PCSO, a PC or a sergeant can change records."
    )


@pytest.mark.parametrize("role", list(UserRole), ids=lambda r: r.value)
def test_may_agrees_with_the_gateway_on_deleting_a_contact(services, role: UserRole) -> None:  # type: ignore[no-untyped-def]
    contact = services.contacts.create({"name": "Robin Example"}).created[0]
    ctx = services.ctx
    accounts.create_account(ctx, role.value, PASSWORD, role)
    accounts.sign_in(ctx, role.value, PASSWORD)
    offered = services.may(Action.DELETE, "contacts")
    try:
        services.contacts.delete(contact)
        done = True
    except PermissionDenied:
        done = False
    assert offered is done
    assert offered is (role in (UserRole.PC, UserRole.SERGEANT))


def test_before_any_account_everything_is_offered(services) -> None:  # type: ignore[no-untyped-def]
    assert all(services.may(action) for action in Action)
    assert services.whereabouts().officer_id is None


def test_whereabouts_and_team_officers_follow_the_signed_in_officer(services, world) -> None:  # type: ignore[no-untyped-def]
    services["officer_wards"].create({"officer_id": world.officer, "ward_id": world.ward})
    district = world.district
    away = (
        services["neighbourhoods"]
        .create({"name": "Abbots Langley SNT", "code": "ABL", "district_id": district})
        .created[0]
    )
    stranger = (
        services["officers"]
        .create(
            {
                "name": "PCSO Away",
                "collar_number": "PCSO 2",
                "role": "pcso",
                "neighbourhood_id": away,
            }
        )
        .created[0]
    )
    ctx = services.ctx
    accounts.create_account(ctx, "alex", PASSWORD, UserRole.PCSO, officer_id=world.officer)
    accounts.sign_in(ctx, "alex", PASSWORD)
    here = services.whereabouts()
    assert (here.officer_id, here.neighbourhood_id, here.ward_id) == (
        world.officer,
        world.neighbourhood,
        world.ward,
    )
    team = [officer for officer, _label in services.team_options("officers")]
    assert team == [world.officer]
    assert stranger in [officer for officer, _label in services.options("officers")]
