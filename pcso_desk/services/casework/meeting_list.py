"""The team's meetings as a plain list, soonest first: what `pcso-desk meetings` prints."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import or_, select

from pcso_desk.domain.errors import ValidationError
from pcso_desk.domain.permissions import Action
from pcso_desk.domain.schedule import LONDON
from pcso_desk.services.context import Context
from pcso_desk.services.documents.briefings import MEETING_LABELS, find_area, local
from pcso_desk.store import models as m


@dataclass(frozen=True)
class MeetingLine:
    """One meeting: when (local time), what, where, and the id `meeting-pack` takes."""

    id: str
    starts: datetime
    kind: str
    title: str
    place: str
    status: str


def list_meetings(
    ctx: Context,
    *,
    ward: str | None = None,
    neighbourhood: str | None = None,
    start: date | None = None,
    end: date | None = None,
) -> list[MeetingLine]:
    """Live meetings between `start` and `end` (local dates, both included), soonest first,
    of one ward (its own and its neighbourhood's team-wide ones) or one neighbourhood."""
    ctx.require_kind(Action.VIEW, "meetings")
    if start and end and end < start:
        raise ValidationError(f"The end date {end} is before the start date {start}.", "to")
    query = select(m.Meeting).where(m.Meeting.deleted_at.is_(None))
    if start:
        query = query.where(m.Meeting.starts_at >= _utc(start))
    if end:
        query = query.where(m.Meeting.starts_at < _utc(end + timedelta(days=1)))
    if ward or neighbourhood:
        query = query.where(
            _in_area(ctx, "ward" if ward else "neighbourhood", ward or neighbourhood)
        )
    with ctx.store.read() as session:
        rows = session.scalars(query.order_by(m.Meeting.starts_at, m.Meeting.id)).all()
        places = _places(session, [row.id for row in rows])
        hoods = dict(
            session.execute(select(m.Neighbourhood.id, m.Neighbourhood.name)).tuples().all()
        )
    return [
        MeetingLine(
            row.id,
            local(row.starts_at),
            MEETING_LABELS.get(str(row.meeting_type), str(row.meeting_type)),
            row.title,
            places.get(row.id) or hoods.get(row.neighbourhood_id or "", ""),
            str(row.status),
        )
        for row in rows
    ]


def _utc(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=LONDON).astimezone(UTC)


def _in_area(ctx: Context, kind: str, name: str | None) -> Any:
    """The meetings of a ward (or of its neighbourhood, naming no ward), or of a neighbourhood."""
    area = find_area(ctx, kind, name or "")
    if kind == "neighbourhood":
        return m.Meeting.neighbourhood_id == area.id
    linked = select(m.MeetingWard.meeting_id).where(m.MeetingWard.deleted_at.is_(None))
    return or_(
        m.Meeting.id.in_(linked.where(m.MeetingWard.ward_id == area.id)),
        (m.Meeting.neighbourhood_id == area.neighbourhood_id) & m.Meeting.id.not_in(linked),
    )


def _places(session: Any, meeting_ids: list[str]) -> dict[str, str]:
    """The names of each meeting's wards, joined."""
    names: dict[str, list[str]] = defaultdict(list)
    for chunk in range(0, len(meeting_ids), 500):
        rows = session.execute(
            select(m.MeetingWard.meeting_id, m.Ward.name)
            .join(m.Ward, m.Ward.id == m.MeetingWard.ward_id)
            .where(
                m.MeetingWard.deleted_at.is_(None),
                m.MeetingWard.meeting_id.in_(meeting_ids[chunk : chunk + 500]),
            )
            .order_by(m.Ward.name)
        )
        for meeting_id, name in rows:
            names[meeting_id].append(name)
    return {meeting_id: ", ".join(found) for meeting_id, found in names.items()}
