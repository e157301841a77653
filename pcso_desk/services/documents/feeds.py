"""Feeds the force website can carry: the area's public meetings as an iCalendar file, its
priorities in the shape of police.uk's neighbourhood priorities (CSV), and "meet the team"
as JSON. Public outputs: each carries only what the public street briefing already prints.

- The calendar (RFC 5545, written with `icalendar`) holds the area's meetings that start
  today or in the next `HORIZON_DAYS - 1` days, planned or held, and cancelled ones marked
  STATUS:CANCELLED. Each event shows the meeting's public name (its public title, else its
  type and venue: never its internal title), its type, venue, start and end in
  Europe/London (with a VTIMEZONE); never its notes, issues raised, partners or attendance.
  The UID is made from the meeting's id, so a calendar that imports the file again updates
  the event. SEQUENCE grows with every change to what the event shows: twice the values of
  its public fields that were replaced (`field_history`, which syncs, so every station
  counts the same) plus how many of them are filled, so filling, changing and blanking a
  field each move it on; LAST-MODIFIED is the meeting's last change.
- The priorities file has police.uk's columns (`issue`, `issue-date`, `action`,
  `action-date`, with the neighbourhood first): one row per live priority that has public
  wording, the issue being that wording and the action its public "you said, we did"
  sentences, oldest first; never a priority's title, internal notes or an action's
  description.
- The team file holds what the handout's "Who we are" shows: each active officer's name,
  collar number, role, work phone and work e-mail, with the team's own contacts and base.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from pcso_desk.domain.enums import MeetingStatus
from pcso_desk.domain.schedule import LONDON
from pcso_desk.reports.briefing import ROLE_LABELS, Area
from pcso_desk.services.documents import briefings
from pcso_desk.services.documents.monthly import public_meeting_title
from pcso_desk.store import models as m

HORIZON_DAYS = 90  # today and the 89 days after it
PRODID = "-//PCSO Desk//Public meetings//EN"
UID_DOMAIN = "pcso-desk"
# What the event shows of a meeting: a change to any of them moves SEQUENCE on.
PUBLIC_FIELDS = ("meeting_type", "public_title", "venue", "starts_at", "ends_at", "status")
POLICE_UK_HEADER = ("neighbourhood", "issue", "issue-date", "action", "action-date")
TEAM_FORMAT = "pcso-desk meet-the-team 1"


def _live(model: Any) -> Any:
    return model.deleted_at.is_(None)


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


# -- the calendar ------------------------------------------------------------------------------


@dataclass(frozen=True)
class FeedMeeting:
    uid: str
    name: str
    kind: str
    venue: str
    starts: datetime  # Europe/London
    ends: datetime | None
    cancelled: bool
    created: datetime  # UTC
    modified: datetime  # UTC
    sequence: int


def _area_meetings(area: Area) -> Any:
    """Meetings of the area: a neighbourhood's own and its wards'; a ward's own, and the
    neighbourhood's meetings held for no ward in particular."""
    links = select(m.MeetingWard.meeting_id).where(_live(m.MeetingWard))
    if area.kind == "ward":
        mine = links.where(m.MeetingWard.ward_id == area.id)
        any_ward = select(m.MeetingWard.meeting_id).where(_live(m.MeetingWard))
        return or_(
            m.Meeting.id.in_(mine),
            (m.Meeting.neighbourhood_id == area.neighbourhood_id) & m.Meeting.id.not_in(any_ward),
        )
    wards = select(m.Ward.id).where(_live(m.Ward), m.Ward.neighbourhood_id == area.id)
    return or_(
        m.Meeting.neighbourhood_id == area.id,
        m.Meeting.id.in_(links.where(m.MeetingWard.ward_id.in_(wards))),
    )


def calendar_meetings(session: Session, area: Area, today: date) -> list[FeedMeeting]:
    """The area's meetings from the start of `today` for HORIZON_DAYS days, soonest first."""
    start = datetime.combine(today, time(0), tzinfo=LONDON).astimezone(UTC)
    end = datetime.combine(today + timedelta(days=HORIZON_DAYS), time(0), tzinfo=LONDON)
    rows = session.scalars(
        select(m.Meeting)
        .where(
            _live(m.Meeting),
            m.Meeting.starts_at >= start,
            m.Meeting.starts_at < end.astimezone(UTC),
            _area_meetings(area),
        )
        .order_by(m.Meeting.starts_at, m.Meeting.id)
    ).all()
    replaced: dict[str, int] = {
        row_id: count
        for row_id, count in session.execute(
            select(m.FieldHistory.row_id, func.count())
            .where(
                m.FieldHistory.table_name == m.Meeting.__tablename__,
                m.FieldHistory.row_id.in_([row.id for row in rows]),
                m.FieldHistory.field_name.in_(PUBLIC_FIELDS),
            )
            .group_by(m.FieldHistory.row_id)
        )
    }
    return [_feed_meeting(row, replaced.get(row.id, 0)) for row in rows]


def _feed_meeting(row: m.Meeting, replaced: int) -> FeedMeeting:
    filled = sum(1 for name in PUBLIC_FIELDS if getattr(row, name) not in (None, ""))
    kind = briefings.MEETING_LABELS.get(str(row.meeting_type), str(row.meeting_type))
    return FeedMeeting(
        uid=f"{row.id}@{UID_DOMAIN}",
        name=public_meeting_title(row),
        kind=kind,
        venue=(row.venue or "").strip(),
        starts=briefings.local(row.starts_at),
        ends=briefings.local(row.ends_at) if row.ends_at else None,
        cancelled=row.status == MeetingStatus.CANCELLED,
        created=_utc(row.created_at),
        modified=_utc(row.updated_at),
        sequence=2 * replaced + filled,
    )


def calendar_bytes(area: Area, team: str, meetings: Sequence[FeedMeeting], now: datetime) -> bytes:
    """The meetings as an RFC 5545 calendar, times in Europe/London with its VTIMEZONE."""
    from icalendar import Calendar, Event

    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", f"{area.name}: public police meetings")
    cal.add("x-wr-timezone", "Europe/London")
    for meeting in meetings:
        event = Event()
        event.add("uid", meeting.uid)
        event.add("dtstamp", now.astimezone(UTC))
        event.add("created", meeting.created)
        event.add("last-modified", meeting.modified)
        event.add("sequence", meeting.sequence)
        event.add("summary", meeting.name)
        event.add("dtstart", meeting.starts)
        if meeting.ends is not None and meeting.ends > meeting.starts:
            event.add("dtend", meeting.ends)
        if meeting.venue:
            event.add("location", meeting.venue)
        event.add("categories", [meeting.kind])
        event.add("description", f"{meeting.kind}, with the {team} team.")
        event.add("status", "CANCELLED" if meeting.cancelled else "CONFIRMED")
        event.add("transp", "TRANSPARENT")
        cal.add_component(event)
    # Europe/London's rules for the years around the feed only (not 1970 to 2038).
    year = timedelta(days=366)
    cal.add_missing_timezones(first_date=now.date() - year, last_date=now.date() + 2 * year)
    return bytes(cal.to_ical())


# -- police.uk priorities ----------------------------------------------------------------------


def police_uk_rows(session: Session, area: Area | None) -> list[tuple[str, str, str, str, str]]:
    """One row per live priority with public wording (of the area, or of every
    neighbourhood), in a fixed order: neighbourhood, date agreed, wording."""
    query = (
        select(m.Priority, m.Neighbourhood.name)
        .join(m.Neighbourhood, m.Neighbourhood.id == m.Priority.neighbourhood_id)
        .where(_live(m.Priority), m.Priority.status.in_(briefings.LIVE_PRIORITIES))
        .where(m.Priority.public_wording != "")
    )
    if area is not None:
        query = query.where(m.Priority.neighbourhood_id == area.neighbourhood_id)
        if area.kind == "ward":
            query = query.where(or_(m.Priority.ward_id.is_(None), m.Priority.ward_id == area.id))
    rows = session.execute(
        query.order_by(m.Neighbourhood.name, m.Priority.agreed_on, m.Priority.id)
    ).all()
    out = []
    for priority, hood in rows:
        wording = " ".join(priority.public_wording.split())
        if not wording:
            continue
        actions = session.execute(
            select(m.PriorityAction.public_text, m.PriorityAction.action_on)
            .where(_live(m.PriorityAction), m.PriorityAction.priority_id == priority.id)
            .where(m.PriorityAction.public_text != "")
            .order_by(m.PriorityAction.action_on, m.PriorityAction.id)
        ).all()
        said = " ".join(" ".join(text.split()) for text, _on in actions)
        last = actions[-1][1].isoformat() if actions else ""
        out.append((hood, wording, priority.agreed_on.isoformat(), said, last))
    return out


def write_police_uk(rows: Sequence[Sequence[str]], out: Path) -> Path:
    with out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(POLICE_UK_HEADER)
        writer.writerows(rows)
    return out


# -- meet the team -----------------------------------------------------------------------------


@dataclass(frozen=True)
class TeamOfficer:
    name: str
    collar_number: str
    role: str
    phone: str
    email: str


def team_entries(session: Session, area: Area | None) -> list[dict[str, Any]]:
    """Each team (the area's, or every neighbourhood's) as the handout shows it."""
    if area is not None:
        areas = [area]
    else:
        hoods = session.scalars(
            select(m.Neighbourhood).where(_live(m.Neighbourhood)).order_by(m.Neighbourhood.name)
        ).all()
        areas = [Area("neighbourhood", h.id, h.name, h.code, h.id) for h in hoods]
    teams = []
    for each in areas:
        hood = session.get(m.Neighbourhood, each.neighbourhood_id)
        if hood is None:
            continue
        base = briefings.team_base(session, hood)
        officers = [
            TeamOfficer(o.name, o.collar_number, ROLE_LABELS.get(o.role, o.role), o.phone, o.email)
            for o in briefings.officer_cards(session, each)
        ]
        teams.append(
            {
                "area": each.name,
                "area_kind": each.kind,
                "team": base.team_name,
                "phone": base.phone,
                "email": base.email,
                "base": {
                    "station": base.station_name,
                    "address": base.station_address,
                    "postcode": base.station_postcode,
                    "phone": base.station_phone,
                    "front_counter": base.opening_hours,
                },
                "officers": [asdict(officer) for officer in officers],
            }
        )
    return teams


def write_team(teams: list[dict[str, Any]], issued: date, out: Path) -> Path:
    document = {"format": TEAM_FORMAT, "issued": issued.isoformat(), "teams": teams}
    out.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return out
