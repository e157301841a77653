"""What a monthly pack carries besides its figures: the cover's publication date, the team's
contacts and photo, the next public meeting; and the internal pack's Victims' Code table.

Everything on the cover is public: the team's own phone and email, its police station's
public details, the next meeting's type, venue and time. Victims' figures come from
`pcso_desk.domain.victims_code` (contacts due on each victim's agreed cadence and tier, and how
many were made on time) and appear as counts only in the internal pack.
"""

from __future__ import annotations

from datetime import date, datetime
from statistics import mean
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from pcso_desk.domain.disclosure import is_small
from pcso_desk.domain.enums import MeetingStatus
from pcso_desk.domain.validation import format_phone
from pcso_desk.reports.monthly_pack import Area, MonthlyFigures, PackTable
from pcso_desk.reports.pack_cover import NextMeeting, PackExtras, TeamContact
from pcso_desk.services.context import Context
from pcso_desk.services.documents.monthly import public_meeting_title
from pcso_desk.services.documents.team_photo import photo_bytes
from pcso_desk.store import models as m

VICTIMS_CODE_ROW = "Victims updated on time (Victims' Code)"

# -- the victims' figures ----------------------------------------------------------------


def _percent(part: int, whole: int) -> str:
    return "no data" if whole == 0 else f"{round(100 * part / whole)}%"


def victims_code_cell(f: MonthlyFigures, public: bool) -> str:
    """The summary's Victims' Code cell: a share of the contacts due that were made on time;
    the counts themselves only in the internal pack; too few due to show in a public one."""
    due, on_time = f.victim_contacts_due, f.victim_contacts_on_time
    if public:
        return "fewer than 5 contacts due" if is_small(due) else _percent(on_time, due)
    if due == 0:
        return "no contacts due"
    return f"{on_time} of {due} ({_percent(on_time, due)})"


def victims_table(f: MonthlyFigures) -> PackTable:
    """The internal pack's Victims' Code table: contacts due and made on time, and
    satisfaction at closure. Never in a public pack: these are counts about victims."""
    due, on_time = f.victim_contacts_due, f.victim_contacts_on_time
    scores = f.victim_satisfaction
    satisfied = sum(1 for s in scores if s >= 4)
    rows: list[tuple[Any, ...]] = [
        ("Victim care cases open in the month", f.victim_cases),
        ("Contacts due in the month (agreed cadence and tier)", due),
        ("Contacts made on time", on_time),
        ("Contacts made on time (share)", _percent(on_time, due)),
        ("Cases closed in the month", f.victim_cases_closed),
        ("Closed cases giving their satisfaction", len(scores)),
        ("Satisfied or very satisfied at closure", satisfied),
        ("Average satisfaction at closure (1 to 5)", round(mean(scores), 1) if scores else ""),
    ]
    return PackTable(
        "victims", "Victims' Code and satisfaction (internal)", ("Measure", "Value"), tuple(rows)
    )


# -- the cover ---------------------------------------------------------------------------


def pack_extras(ctx: Context, area: Area, month_end: datetime, published_on: date) -> PackExtras:
    """The cover's public details for `area`: the team's contacts, photo and next meeting."""
    with ctx.store.read() as session:
        hoods = session.scalars(
            select(m.Neighbourhood)
            .where(
                m.Neighbourhood.deleted_at.is_(None),
                m.Neighbourhood.id.in_(area.neighbourhood_ids),
            )
            .order_by(m.Neighbourhood.name)
        ).all()
        contacts = tuple(_contact(session, hood) for hood in hoods)
        photo = next((photo_bytes(hood.photo) for hood in hoods if hood.photo), None)
        meeting = _next_meeting(session, area, month_end)
    return PackExtras(published_on, contacts, meeting, photo)


def _contact(session: Session, hood: m.Neighbourhood) -> TeamContact:
    station = session.get(m.PoliceStation, hood.base_station_id) if hood.base_station_id else None
    if station is not None and station.deleted_at is not None:
        station = None
    if station is None:
        return TeamContact(hood.name, _phone(hood.phone), hood.email)
    where = ", ".join(x for x in (station.address, station.postcode) if x)
    return TeamContact(
        team=hood.name,
        phone=_phone(hood.phone),
        email=hood.email,
        station=station.name,
        station_address=" ".join(where.split()),
        station_phone=_phone(station.phone),
    )


def _phone(stored: str) -> str:
    return format_phone(stored) if stored else ""


def _next_meeting(session: Session, area: Area, after: datetime) -> NextMeeting | None:
    """The first meeting planned for the area after the month (not cancelled or held)."""
    in_wards = select(m.MeetingWard.meeting_id).where(
        m.MeetingWard.deleted_at.is_(None), m.MeetingWard.ward_id.in_(area.ward_ids)
    )
    scope: Any = m.Meeting.id.in_(in_wards)
    if area.kind == "neighbourhood":
        scope = or_(scope, m.Meeting.neighbourhood_id.in_(area.neighbourhood_ids))
    found = session.scalars(
        select(m.Meeting)
        .where(
            m.Meeting.deleted_at.is_(None),
            m.Meeting.status == MeetingStatus.PLANNED,
            m.Meeting.starts_at >= after,
            scope,
        )
        .order_by(m.Meeting.starts_at, m.Meeting.id)
        .limit(1)
    ).first()
    if found is None:
        return None
    return NextMeeting(found.starts_at, public_meeting_title(found))
