"""Setting up a new station's team: one step makes the organisation, or nothing at all."""

from __future__ import annotations

import pytest

from pcso_desk.domain.enums import UserRole
from pcso_desk.domain.errors import PermissionDenied, ValidationError
from pcso_desk.services.api import Services
from pcso_desk.services.protection import accounts
from pcso_desk.services.records.service import ListQuery
from pcso_desk.services.team_setup import TeamSetup, WardLine, parse_wards

PASSWORD = "a long enough passphrase"
ORGANISATION = ("districts", "police_stations", "neighbourhoods", "wards")


def _setup(**changes: object) -> TeamSetup:
    values: dict[str, object] = {
        "team": "Riverside Safer Neighbourhood Team",
        "district": "Testshire North",
        "neighbourhood": "Riverside",
        "station": "Riverside Police Station",
        "wards": parse_wards("Riverside Central, RIV-C\nRiverside East\n\n  Mill  Green  \n"),
    }
    values.update(changes)
    return TeamSetup(**values)  # type: ignore[arg-type]


def _rows(services: Services, kind: str) -> list[dict[str, object]]:
    return services[kind].page(ListQuery(limit=100)).rows


def _counts(services: Services) -> dict[str, int]:
    return {kind: len(_rows(services, kind)) for kind in ORGANISATION}


def test_parse_wards_reads_names_and_optional_codes() -> None:
    assert parse_wards("Riverside Central, riv-c\n\nMill Green\nOld Town\tOT\n") == (
        WardLine("Riverside Central", "RIV-C"),
        WardLine("Mill Green", ""),
        WardLine("Old Town", "OT"),
    )


def test_set_up_team_creates_the_organisation_and_names_the_team(services: Services) -> None:
    summary = services.set_up_team(_setup())

    assert services.ctx.team_name() == "Riverside Safer Neighbourhood Team"
    assert [r["name"] for r in _rows(services, "districts")] == ["Testshire North"]
    assert [r["name"] for r in _rows(services, "police_stations")] == ["Riverside Police Station"]
    (hood,) = _rows(services, "neighbourhoods")
    assert hood["name"] == "Riverside"
    assert hood["district_id"] == summary.district_id
    assert hood["base_station_id"] == summary.station_id
    wards = {r["name"]: r for r in _rows(services, "wards")}
    assert sorted(wards) == ["Mill Green", "Riverside Central", "Riverside East"]
    assert wards["Riverside Central"]["code"] == "RIV-C"
    codes = [str(w["code"]) for w in wards.values()]
    assert all(codes) and len(set(codes)) == 3  # made up where none was typed, all different
    assert {w["neighbourhood_id"] for w in wards.values()} == {hood["id"]}
    assert set(summary.ward_ids) == {w["id"] for w in wards.values()}
    assert summary.line() == "Set up Riverside Safer Neighbourhood Team with 3 wards."


def test_a_second_neighbourhood_joins_the_existing_district(services: Services) -> None:
    services.set_up_team(_setup())
    services.set_up_team(
        _setup(neighbourhood="Hilltop", station="", wards=(WardLine("Hilltop North"),))
    )
    assert len(_rows(services, "districts")) == 1
    assert len(_rows(services, "neighbourhoods")) == 2
    assert len(_rows(services, "wards")) == 4


@pytest.mark.parametrize(
    ("changes", "sentence"),
    [
        ({"wards": ()}, "List at least one ward, one per line."),
        ({"wards": parse_wards("  \n \n")}, "List at least one ward, one per line."),
        (
            {"wards": parse_wards("Riverside Central\nriverside  central, RC2")},
            "The ward 'riverside central' is listed twice.",
        ),
        ({"wards": parse_wards("A, X1\nB, x1")}, "The ward code 'X1' is listed twice."),
        ({"neighbourhood": "   "}, "Give the neighbourhood a name."),
        ({"team": ""}, "Give the team a name."),
        ({"district": " "}, "Say which district the team works in."),
    ],
)
def test_bad_input_is_refused_in_one_sentence_and_nothing_is_written(
    services: Services, changes: dict[str, object], sentence: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        services.set_up_team(_setup(**changes))
    assert refused.value.message == sentence
    assert _counts(services) == dict.fromkeys(ORGANISATION, 0)
    assert services.ctx.team_name() == ""


def test_a_clash_found_late_still_writes_nothing(services: Services) -> None:
    district = services["districts"].create({"name": "Elsewhere", "code": "ELS"}).created[0]
    hood = (
        services["neighbourhoods"]
        .create({"name": "Elsewhere SNT", "code": "ELS", "district_id": district})
        .created[0]
    )
    services["wards"].create({"name": "Taken", "code": "RIV-C", "neighbourhood_id": hood})
    before = _counts(services)

    with pytest.raises(ValidationError) as refused:
        services.set_up_team(_setup())  # district, station, neighbourhood made, then the clash
    assert refused.value.message == "Another ward already has the code RIV-C."
    assert _counts(services) == before
    assert services.ctx.team_name() == ""


def test_a_pcso_may_not_set_up_the_team(services: Services) -> None:
    ctx = services.ctx
    accounts.create_account(ctx, "pat", PASSWORD, UserRole.PCSO)
    accounts.sign_in(ctx, "pat", PASSWORD)
    with pytest.raises(PermissionDenied):
        services.set_up_team(_setup())
    assert _counts(services) == dict.fromkeys(ORGANISATION, 0)


def test_an_admin_may(services: Services) -> None:
    ctx = services.ctx
    accounts.create_account(ctx, "ada", PASSWORD, UserRole.ADMIN)
    accounts.sign_in(ctx, "ada", PASSWORD)
    services.set_up_team(_setup())
    assert len(_rows(services, "wards")) == 3
