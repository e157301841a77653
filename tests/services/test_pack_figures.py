"""Figures that mean what they say: Victims' Code compliance and satisfaction in the internal
pack, KIN members counted in their own ward, neighbourhood figures labelled in ward packs, and
the cover's contacts and next public meeting."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

import pytest

from pcso_desk.domain.disclosure import NEIGHBOURHOOD_ONLY
from pcso_desk.domain.errors import ValidationError
from pcso_desk.reports.pack_cover import meeting_when
from pcso_desk.services.api import Services
from pcso_desk.services.documents.monthly import find_area, monthly_figures, public_meeting_title
from pcso_desk.services.documents.pack_extras import (
    VICTIMS_CODE_ROW,
    pack_extras,
    victims_table,
)
from pcso_desk.services.documents.packs import pack_tables
from pcso_desk.store import models as m
from tests.factories import World, d

MONTH = "2026-11"


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


def _case(services: Services, w: World, victim: str, ref: str, **values: object) -> str:
    made = services["victim_cases"].create(
        {"victim_id": victim, "crime_reference": ref, "offence_type": "Burglary",
         "ward_id": w.ward, **values}
    )  # fmt: skip
    return str(made.created[0])


def _contact(services: Services, case: str, at: datetime, successful: bool = True) -> None:
    services.victims.record_contact(
        case,
        {"visit_type": "follow_up", "method": "phone", "contacted_at": at,
         "successful": successful},
    )  # fmt: skip


def test_victims_code_compliance_counts_the_contacts_due_and_made_on_time(
    services: Services, world: World
) -> None:
    victim = services.contacts.create({"name": "Synthetic Victim Example"}).created[0]
    # Enhanced, weekly: due 3 Nov 10:00 (24 h; made 09:00, on time), 13 Nov 09:00 (10 days
    # after; made 14 Nov, late), 21 Nov 12:00 and 28 Nov 12:00 (weekly; neither made).
    enhanced = _case(
        services, world, victim, "41/80001/26", opened_at=utc(2026, 11, 2, 10),
        service_level="enhanced", contact_frequency="weekly",
    )  # fmt: skip
    _contact(services, enhanced, utc(2026, 11, 3, 9))
    _contact(services, enhanced, utc(2026, 11, 14, 12))
    _contact(services, enhanced, utc(2026, 11, 20, 9), successful=False)  # does not count
    # Standard, closed on 20 Nov with satisfaction 4: due 5 Nov 09:00 (made 4 Nov, on time).
    closed = _case(services, world, victim, "41/80002/26", opened_at=utc(2026, 10, 31, 9))
    _contact(services, closed, utc(2026, 11, 4, 9))
    services["victim_cases"].update(
        closed, {"status": "closed", "closed_at": utc(2026, 11, 20), "satisfaction": 4,
                 "closing_reason": "Offender charged"},
    )  # fmt: skip

    area = find_area(services.ctx, "ward", "Riverside Central")
    f = monthly_figures(services.ctx, area, MONTH)
    assert (f.victim_contacts_due, f.victim_contacts_on_time) == (5, 2)
    assert (f.victim_cases_closed, f.victim_satisfaction) == (1, (4,))
    internal = dict(victims_table(f).rows)
    assert internal["Contacts due in the month (agreed cadence and tier)"] == 5
    assert internal["Contacts made on time"] == 2
    assert internal["Satisfied or very satisfied at closure"] == 1
    assert internal["Average satisfaction at closure (1 to 5)"] == 4.0
    assert dict(pack_tables(f, public=False)[0].rows)[VICTIMS_CODE_ROW] == "2 of 5 (40%)"
    # A ward's public pack leaves counts about people to its neighbourhood's (whose pack
    # shows the share: 40%, as no other case of the neighbourhood had a contact due).
    assert dict(pack_tables(f, public=True)[0].rows)[VICTIMS_CODE_ROW] == NEIGHBOURHOOD_ONLY
    hood = monthly_figures(
        services.ctx, find_area(services.ctx, "neighbourhood", "Riverside SNT"), MONTH
    )
    assert dict(pack_tables(hood, public=True)[0].rows)[VICTIMS_CODE_ROW] == "40%"
    december = monthly_figures(services.ctx, area, "2026-12")
    assert december.victim_contacts_due == 4  # weekly, still owed: 5, 12, 19 and 26 December


def test_kin_members_are_counted_in_their_own_ward(services: Services, world: World) -> None:
    whole = (
        services["kins"]
        .create({"name": "Riverside KIN", "neighbourhood_id": world.neighbourhood})
        .created[0]
    )
    central = (
        services["kins"]
        .create(
            {"name": "Central KIN", "neighbourhood_id": world.neighbourhood, "ward_id": world.ward}
        )
        .created[0]
    )

    def member(kin: str, name: str, ward: str | None) -> None:
        values = {"name": name} | ({"ward_id": ward} if ward else {})
        contact = services.contacts.create(values).created[0]
        services["kin_members"].create(
            {"kin_id": kin, "contact_id": contact, "joined_on": d("2026-01-05")}
        )

    member(whole, "Member East", world.other_ward)  # lives in East: East's member
    member(whole, "Member Unknown", None)  # ward unknown, network of no ward: no ward's
    member(central, "Member Central", None)  # ward unknown: the network's ward, Central
    member(central, "Member Lives East", world.other_ward)  # lives in East

    def members(kind: str, name: str) -> int:
        return monthly_figures(services.ctx, find_area(services.ctx, kind, name), MONTH).kin_members

    assert members("neighbourhood", "Riverside SNT") == 4
    assert members("ward", "Riverside Central") == 1
    assert members("ward", "Riverside East") == 2


def test_ward_packs_label_neighbourhood_figures(services: Services, world: World) -> None:
    ward = monthly_figures(services.ctx, find_area(services.ctx, "ward", "Riverside East"), MONTH)
    labels = [row[0] for row in pack_tables(ward, public=True)[0].rows]
    assert "Time in the locality (neighbourhood figure)" in labels
    assert "Messages answered within 24 hours (neighbourhood figure)" in labels
    hood = find_area(services.ctx, "neighbourhood", "Riverside SNT")
    labels = [
        row[0]
        for row in pack_tables(monthly_figures(services.ctx, hood, MONTH), public=True)[0].rows
    ]
    assert "Time in the locality" in labels and not any("neighbourhood figure" in x for x in labels)


def test_the_cover_has_the_teams_contacts_and_next_public_meeting(
    services: Services, world: World
) -> None:
    station = services["police_stations"].create(
        {"name": "Riverside Police Office", "address": "1 Mill Lane", "postcode": "AL1 3AB",
         "phone": "01632 960999"}
    ).created[0]  # fmt: skip
    services["neighbourhoods"].update(
        world.neighbourhood,
        {"phone": "01632 960100", "email": "riverside@example.police.uk",
         "base_station_id": station},
    )  # fmt: skip

    def meeting(title: str, at: datetime, status: str, venue: str = "") -> None:
        made = services.meetings.create(
            {"meeting_type": "pact", "title": title, "starts_at": at, "status": status,
             "neighbourhood_id": world.neighbourhood, "venue": venue}
        )  # fmt: skip
        services["meeting_wards"].create({"meeting_id": made.created[0], "ward_id": world.ward})

    meeting("Held in November", utc(2026, 11, 20, 19), "held")
    meeting("Drugs at 14 Cromwell Road", utc(2027, 1, 12, 19), "planned", "Riverside Library")
    meeting("Called off", utc(2027, 1, 5, 19), "cancelled")
    area = find_area(services.ctx, "ward", "Riverside Central")
    extras = pack_extras(services.ctx, area, utc(2026, 12, 1), d("2026-12-02"))
    (contact,) = extras.contacts
    assert (contact.phone, contact.email) == ("01632 960100", "riverside@example.police.uk")
    assert contact.station == "Riverside Police Office"
    assert contact.station_address == "1 Mill Lane, AL1 3AB"
    assert extras.next_meeting is not None
    assert extras.next_meeting.name == "PACT meeting, Riverside Library"  # never the title
    assert extras.next_meeting.starts_at == utc(2027, 1, 12, 19)
    assert meeting_when(extras.next_meeting.starts_at) == "Tuesday 12 January 2027 at 7pm"
    assert meeting_when(utc(2027, 6, 1, 17, 30)) == "Tuesday 1 June 2027 at 6.30pm"  # BST
    assert extras.photo is None


def test_a_meetings_public_name_is_its_public_title_else_its_type_and_venue() -> None:
    assert public_meeting_title(m.Meeting(meeting_type="surgery", venue=" Library ")) == (
        "Police surgery, Library"
    )
    assert public_meeting_title(m.Meeting(meeting_type="ward_panel", venue="")) == "Ward panel"
    titled = m.Meeting(meeting_type="pact", venue="Hall", public_title="Have your say", title="x")
    assert public_meeting_title(titled) == "Have your say"


def test_a_team_photo_is_scaled_into_the_store_and_refused_in_one_sentence(
    services: Services, world: World, tmp_path: Path
) -> None:
    from PIL import Image

    big = tmp_path / "big.png"
    Image.new("RGB", (3000, 1000), (200, 30, 40)).save(big)
    assert services.set_team_photo(world.neighbourhood, big).updated == (world.neighbourhood,)
    stored = services.team_photo(world.neighbourhood)
    assert stored is not None
    with Image.open(io.BytesIO(stored)) as image:
        assert image.format == "JPEG" and image.size == (800, 267)
    with services.ctx.store.read() as session:
        hood = session.get(m.Neighbourhood, world.neighbourhood)
        assert hood is not None and hood.photo and hood.hlc  # a synced field, stamped
    text = tmp_path / "notes.png"
    text.write_text("not a picture", encoding="utf-8")
    with pytest.raises(ValidationError, match="not a photo PCSO Desk can read"):
        services.set_team_photo(world.neighbourhood, text)
    huge = tmp_path / "huge.jpg"
    huge.write_bytes(b"\xff" * (5 * 1024 * 1024 + 1))
    with pytest.raises(ValidationError, match="5 MB or less"):
        services.set_team_photo(world.neighbourhood, huge)
    assert services.team_photo(world.neighbourhood) == stored  # unchanged by the refusals
    area = find_area(services.ctx, "neighbourhood", "Riverside SNT")
    assert pack_extras(services.ctx, area, utc(2026, 12, 1), d("2026-12-02")).photo == stored
    services.set_team_photo(world.neighbourhood, None)
    assert services.team_photo(world.neighbourhood) is None
