"""The figures of a monthly update pack for one area and month, computed in SQL.

An area is a neighbourhood, a single ward, or a parish/town council's wards. Everything is
counted over the area's wards, except what belongs to the team rather than a ward (messages
to the team, time in the locality), which is counted for the neighbourhood(s) the wards
belong to. The dataclasses here hold exact numbers; what a public document may show of them
is decided when the tables are made (`pcso_desk.domain.disclosure`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, literal_column, or_, select
from sqlalchemy.orm import Session

from pcso_desk.domain.enums import MeetingStatus
from pcso_desk.domain.errors import NotFoundError
from pcso_desk.domain.months import (
    last_complete_month,
    month_bounds,
    month_title,
    parse_month,
    shift_month,
)
from pcso_desk.domain.permissions import Action
from pcso_desk.domain.schedule import RESPONSE_WINDOW
from pcso_desk.reports.monthly_pack import (
    Area,
    CrimeLine,
    MeetingLine,
    MonthlyFigures,
    PriorityLine,
    SafetyPoint,
)
from pcso_desk.services.casework.operations import time_in_locality
from pcso_desk.services.context import Context
from pcso_desk.services.documents import crime_figures
from pcso_desk.services.documents.victims_figures import victim_cases, victims_code_figures
from pcso_desk.store import models as m

__all__ = [
    "Area",
    "CrimeLine",
    "MeetingLine",
    "MonthlyFigures",
    "PriorityLine",
    "SafetyPoint",
    "area_names",
    "district_neighbourhoods",
    "find_area",
    "last_complete_month",
    "month_title",
    "monthly_figures",
    "parse_month",
    "shift_month",
]

TREND_MONTHS = 12
AREA_KINDS = ("neighbourhood", "ward", "council")


# -- months ----------------------------------------------------------------------------------


# -- areas -----------------------------------------------------------------------------------


def find_area(ctx: Context, kind: str, name: str) -> Area:
    """The area of that kind with that name (case-insensitive), or a NotFoundError."""
    ctx.require(Action.VIEW, kind)
    model: Any = {"neighbourhood": m.Neighbourhood, "ward": m.Ward, "council": m.Council}[kind]
    with ctx.store.read() as session:
        row = session.scalars(
            select(model).where(
                model.deleted_at.is_(None), func.lower(model.name) == name.strip().lower()
            )
        ).first()
        if row is None:
            raise NotFoundError(f"There is no {kind} called '{name}'.")
        return _area(session, kind, row.name, row.id)


def _area(session: Session, kind: str, name: str, area_id: str) -> Area:
    column = {"neighbourhood": m.Ward.neighbourhood_id, "ward": m.Ward.id}.get(
        kind, m.Ward.council_id
    )
    wards = session.execute(
        select(m.Ward.id, m.Ward.neighbourhood_id)
        .where(m.Ward.deleted_at.is_(None), column == area_id)
        .order_by(m.Ward.name)
    ).all()
    hoods = sorted({hood for _ward, hood in wards})
    if kind == "neighbourhood":
        hoods = [area_id]
    return Area(kind, name, tuple(ward for ward, _hood in wards), tuple(hoods))


def area_names(ctx: Context, kind: str) -> list[str]:
    """Names of every neighbourhood, ward, council or district, for a picker."""
    ctx.require(Action.VIEW, kind)
    model: Any = {
        "neighbourhood": m.Neighbourhood,
        "ward": m.Ward,
        "council": m.Council,
        "district": m.District,
    }[kind]
    with ctx.store.read() as session:
        return list(
            session.scalars(
                select(model.name).where(model.deleted_at.is_(None)).order_by(model.name)
            )
        )


def district_neighbourhoods(ctx: Context, district: str) -> list[Area]:
    """Every neighbourhood of the named district, by name."""
    with ctx.store.read() as session:
        found = session.scalars(
            select(m.District).where(
                m.District.deleted_at.is_(None),
                func.lower(m.District.name) == district.strip().lower(),
            )
        ).first()
        if found is None:
            raise NotFoundError(f"There is no district called '{district}'.")
        hoods = session.execute(
            select(m.Neighbourhood.id, m.Neighbourhood.name)
            .where(m.Neighbourhood.deleted_at.is_(None), m.Neighbourhood.district_id == found.id)
            .order_by(m.Neighbourhood.name)
        ).all()
        return [_area(session, "neighbourhood", name, hood) for hood, name in hoods]


# -- the figures -----------------------------------------------------------------------------


# What the disclosure check reads of a neighbourhood's month (auditor.people_figures), by the
# same queries as here: a pack built after the check shows those very counts.
PEOPLE_FIGURES = (
    "meetings", "kin_check_ins", "safety", "engagements", "patrol_minutes", "kin_members",
    "victim_cases", "victim_cases_contacted", "messages", "messages_in_time",
)  # fmt: skip


def monthly_figures(
    ctx: Context, area: Area, month: str, *, people: MonthlyFigures | None = None
) -> MonthlyFigures:
    """Every figure of the pack for `area` and `month`. `people`: the disclosure check's
    figures of the same neighbourhood and month (`auditor.check_month`), whose counts about
    people are taken as checked rather than counted again."""
    month = parse_month(month)
    start, end = month_bounds(month)
    wards = list(area.ward_ids)
    checked = (
        people is not None
        and area.kind == "neighbourhood"
        and people.area == area
        and people.month == month
    )
    with ctx.store.read() as session:
        figures: dict[str, Any] = {"crime": _crime(session, wards, month)}
        if checked:
            figures.update({name: getattr(people, name) for name in PEOPLE_FIGURES})
        else:
            first = shift_month(month, 1 - TREND_MONTHS)
            check_ins = _check_ins_by_month(session, area, first, month)
            figures["meetings"] = _meetings(session, area, start, end)
            figures["kin_check_ins"] = _kin_check_ins(check_ins, month)
            figures["safety"] = _safety(check_ins, month)
            figures.update(_counts(session, area, start, end))
            figures.update(_messages(session, area, start, end))
        figures["priorities"], figures["left_out"] = _priorities(session, area, start, end)
        figures.update(victims_code_figures(session, wards, start, end))
        figures.update(crime_figures.figures(session, area, month))
    locality, away = 0, 0
    for hood in area.neighbourhood_ids:
        share = time_in_locality(ctx, month, neighbourhood_id=hood)
        locality += share.locality_minutes
        away += share.abstracted_minutes
    return MonthlyFigures(
        area=area, month=month, locality_minutes=locality, abstracted_minutes=away, **figures
    )


def _crime_counts(session: Session, wards: list[str], months: list[str]) -> dict[Any, int]:
    """(ward, month, type) -> count: imported rows, or hand counts where none were imported."""
    imported = session.execute(
        select(m.CrimeRecord.ward_id, m.CrimeRecord.month, m.CrimeRecord.crime_type, func.count())
        .where(
            m.CrimeRecord.deleted_at.is_(None),
            m.CrimeRecord.ward_id.in_(wards),
            m.CrimeRecord.month.in_(months),
        )
        .group_by(m.CrimeRecord.ward_id, m.CrimeRecord.month, m.CrimeRecord.crime_type)
    ).all()
    counts = {(w, mo, t): n for w, mo, t, n in imported}
    covered = {(w, mo) for w, mo, _t in counts}
    typed = session.execute(
        select(
            m.CrimeCount.ward_id, m.CrimeCount.month, m.CrimeCount.crime_type, m.CrimeCount.count
        ).where(
            m.CrimeCount.deleted_at.is_(None),
            m.CrimeCount.ward_id.in_(wards),
            m.CrimeCount.month.in_(months),
        )
    ).all()
    for w, mo, t, n in typed:
        if (w, mo) not in covered:
            counts[(w, mo, t)] = counts.get((w, mo, t), 0) + n
    return counts


def _crime(session: Session, wards: list[str], month: str) -> tuple[CrimeLine, ...]:
    months = [month, shift_month(month, -1), shift_month(month, -12)]
    per: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for (_ward, mo, crime_type), count in _crime_counts(session, wards, months).items():
        per[crime_type][months.index(mo)] += count
    lines = [CrimeLine(t, *counts) for t, counts in per.items()]
    # By name, never by count: an order that follows the counts tells a reader which is
    # larger, and so narrows any count a table does not show.
    return tuple(sorted(lines, key=lambda line: line.category.casefold()))


def _counts(session: Session, area: Area, start: datetime, end: datetime) -> dict[str, int]:
    """The area's single numbers, each a subquery of one SELECT (one round trip)."""
    wards = list(area.ward_ids)
    cases, contacted = _victims(wards, start, end)
    row = session.execute(
        select(
            _engagements(wards, start, end),
            _patrol_minutes(wards, start, end),
            _kin_members(area, end),
            cases,
            contacted,
        )
    ).one()
    engagements, patrol, members, total, reached = row
    return {
        "engagements": engagements or 0,
        "patrol_minutes": round(patrol or 0),
        "kin_members": members or 0,
        "victim_cases": total or 0,
        "victim_cases_contacted": reached or 0,
    }


def _patrol_minutes(wards: list[str], start: datetime, end: datetime) -> Any:
    span = (
        func.julianday(m.PatrolSession.ends_at) - func.julianday(m.PatrolSession.starts_at)
    ) * 1440
    return (
        select(func.coalesce(func.sum(span), 0))
        .where(
            m.PatrolSession.deleted_at.is_(None),
            m.PatrolSession.ward_id.in_(wards),
            m.PatrolSession.starts_at >= start,
            m.PatrolSession.starts_at < end,
        )
        .scalar_subquery()
    )


def _meetings(
    session: Session, area: Area, start: datetime, end: datetime
) -> tuple[MeetingLine, ...]:
    return meetings_of_areas(session, [area], start, end)[0]


def meetings_of_areas(
    session: Session, areas: Sequence[Area], start: datetime, end: datetime
) -> list[tuple[MeetingLine, ...]]:
    """The public meetings held in [start, end) of each area, by time, read in two
    statements however many areas: a meeting belongs to an area when one of its wards is
    the area's, or (for a neighbourhood) when it is the neighbourhood's own."""
    wards = sorted({ward for area in areas for ward in area.ward_ids})
    hoods = sorted(
        {h for area in areas if area.kind == "neighbourhood" for h in area.neighbourhood_ids}
    )
    in_wards = select(m.MeetingWard.meeting_id).where(
        m.MeetingWard.deleted_at.is_(None), m.MeetingWard.ward_id.in_(wards)
    )
    scope: Any = m.Meeting.id.in_(in_wards)
    if hoods:
        scope = or_(scope, m.Meeting.neighbourhood_id.in_(hoods))
    rows = session.scalars(
        select(m.Meeting)
        .where(
            m.Meeting.deleted_at.is_(None),
            m.Meeting.status == MeetingStatus.HELD,
            m.Meeting.starts_at >= start,
            m.Meeting.starts_at < end,
            scope,
        )
        .order_by(m.Meeting.starts_at)
    ).all()
    lines = [
        MeetingLine(
            _local_date(r.starts_at),
            public_meeting_title(r),
            r.meeting_type.value.replace("_", " "),
            r.attendance,
            key=r.id,
        )
        for r in rows
    ]
    if len(areas) == 1:  # the statement's scope is the area's own
        return [tuple(lines)]
    linked: dict[str, set[str]] = defaultdict(set)
    if rows:
        for meeting_id, ward in session.execute(
            select(m.MeetingWard.meeting_id, m.MeetingWard.ward_id).where(
                m.MeetingWard.deleted_at.is_(None),
                m.MeetingWard.meeting_id.in_([r.id for r in rows]),
            )
        ):
            linked[meeting_id].add(ward)
    out = []
    for area in areas:
        own, its_hoods = set(area.ward_ids), set(area.neighbourhood_ids)
        hood_too = area.kind == "neighbourhood"
        out.append(
            tuple(
                line
                for r, line in zip(rows, lines, strict=True)
                if linked[r.id] & own or (hood_too and r.neighbourhood_id in its_hoods)
            )
        )
    return out


def public_meeting_title(row: m.Meeting) -> str:
    """A meeting's name on a public document: its public title, else its type and venue;
    never its internal title."""
    from pcso_desk.services.documents.briefings import MEETING_LABELS

    kind = str(getattr(row.meeting_type, "value", row.meeting_type) or "")
    label = MEETING_LABELS.get(kind, kind.replace("_", " ") or "Public meeting")
    venue = (row.venue or "").strip()
    return (row.public_title or "").strip() or ", ".join(x for x in (label, venue) if x)


def _local_date(moment: datetime) -> date:
    from pcso_desk.domain.schedule import LONDON

    return moment.astimezone(LONDON).date()


def _priority_scope(area: Area) -> Any:
    if area.kind == "neighbourhood":
        return m.Priority.neighbourhood_id.in_(area.neighbourhood_ids)
    return m.Priority.ward_id.in_(area.ward_ids)


def _priorities(
    session: Session, area: Area, start: datetime, end: datetime
) -> tuple[tuple[PriorityLine, ...], tuple[str, ...]]:
    """The priorities a pack reports (by their public wording), and the internal titles of
    those left out because they have no public wording."""
    first, last = _local_date(start), _local_date(end) - timedelta(days=1)
    rows = session.scalars(
        select(m.Priority)
        .where(m.Priority.deleted_at.is_(None), m.Priority.agreed_on <= last, _priority_scope(area))
        .order_by(m.Priority.agreed_on, m.Priority.title)
    ).all()
    done_in_month: dict[str, list[str]] = defaultdict(list)
    if rows:  # every priority's public actions of the month, in one statement
        actions = session.execute(
            select(m.PriorityAction.priority_id, m.PriorityAction.public_text)
            .where(
                m.PriorityAction.deleted_at.is_(None),
                m.PriorityAction.priority_id.in_([row.id for row in rows]),
                m.PriorityAction.action_on >= first,
                m.PriorityAction.action_on <= last,
                m.PriorityAction.public_text != "",
            )
            .order_by(m.PriorityAction.action_on, literal_column("priority_actions.rowid"))
        )
        for priority_id, text in actions:
            done_in_month[priority_id].append(text)
    lines, left_out = [], []
    for row in rows:
        done = tuple(done_in_month.get(row.id, ()))
        closed = row.status.value in ("resolved", "dropped")
        if closed and not done and (row.review_decided_on is None or row.review_decided_on < first):
            continue  # closed before this month and nothing done in it: not news
        said = (row.public_wording or "").strip()
        if not said:  # the internal title never goes public: the build names what was left out
            left_out.append(row.title)
            continue
        lines.append(PriorityLine(said, row.status.value.replace("_", " "), done))
    return tuple(lines), tuple(left_out)


def _engagements(wards: list[str], start: datetime, end: datetime) -> Any:
    return (
        select(func.count())
        .where(
            m.Engagement.deleted_at.is_(None),
            m.Engagement.ward_id.in_(wards),
            m.Engagement.occurred_at >= start,
            m.Engagement.occurred_at < end,
        )
        .scalar_subquery()
    )


def _kin_scope(area: Area) -> Any:
    """The KIN members an area counts (a condition on KinMember joined to its Kin).

    A neighbourhood counts the members of its own networks. A ward or council counts members
    by their own ward where it is known (the member's contact record), else by their network's
    ward: a neighbourhood-wide network's members are counted in the wards they live in, and a
    member of no known ward in no ward's pack."""
    if area.kind == "neighbourhood":
        return m.Kin.neighbourhood_id.in_(area.neighbourhood_ids)
    own_ward = (
        select(m.Contact.ward_id)
        .where(m.Contact.id == m.KinMember.contact_id)
        .correlate(m.KinMember)
        .scalar_subquery()
    )
    return func.coalesce(own_ward, m.Kin.ward_id).in_(area.ward_ids)


def _check_ins_by_month(session: Session, area: Area, first: str, last: str) -> dict[str, Any]:
    month = func.strftime("%Y-%m", m.KinCheckIn.checked_on)
    rows = session.execute(
        select(month, func.count(), func.avg(m.KinCheckIn.safety_score))
        .join(m.KinMember, m.KinMember.id == m.KinCheckIn.member_id)
        .join(m.Kin, m.Kin.id == m.KinMember.kin_id)
        .where(
            m.KinCheckIn.deleted_at.is_(None),
            m.Kin.deleted_at.is_(None),
            _kin_scope(area),
            month >= first,
            month <= last,
        )
        .group_by(month)
    ).all()
    return {mo: (n, avg) for mo, n, avg in rows}


def _kin_check_ins(by_month: dict[str, Any], month: str) -> int:
    found = by_month.get(month)
    return int(found[0]) if found else 0


def _safety(by_month: dict[str, Any], month: str) -> tuple[SafetyPoint, ...]:
    """The last TREND_MONTHS months' check-ins (`by_month` covers them), oldest first."""
    points = []
    for back in range(TREND_MONTHS - 1, -1, -1):
        mo = shift_month(month, -back)
        n, avg = by_month.get(mo, (0, None))
        points.append(SafetyPoint(mo, int(n), None if avg is None else round(float(avg), 2)))
    return tuple(points)


def _kin_members(area: Area, end: datetime) -> Any:
    last = _local_date(end) - timedelta(days=1)
    return (
        select(func.count())
        .select_from(m.KinMember)
        .join(m.Kin, m.Kin.id == m.KinMember.kin_id)
        .where(
            m.KinMember.deleted_at.is_(None),
            m.Kin.deleted_at.is_(None),
            _kin_scope(area),
            or_(m.KinMember.left_on.is_(None), m.KinMember.left_on > last),
        )
        .scalar_subquery()
    )


def _victims(wards: list[str], start: datetime, end: datetime) -> tuple[Any, Any]:
    """Cases open at some time in the month, and how many had a successful contact in it."""
    cases = victim_cases(wards, start, end)
    total = select(func.count()).select_from(cases.subquery()).scalar_subquery()
    contacted = (
        select(func.count(func.distinct(m.VictimContact.case_id)))
        .where(
            m.VictimContact.deleted_at.is_(None),
            m.VictimContact.successful.is_(True),
            m.VictimContact.case_id.in_(cases),
            m.VictimContact.contacted_at >= start,
            m.VictimContact.contacted_at < end,
        )
        .scalar_subquery()
    )
    return total, contacted


def _messages(session: Session, area: Area, start: datetime, end: datetime) -> dict[str, int]:
    """Messages to the team received in the month, and how many were answered within 24 h."""
    received = session.execute(
        select(m.Message.received_at, m.Message.responded_at).where(
            m.Message.deleted_at.is_(None),
            m.Message.neighbourhood_id.in_(area.neighbourhood_ids),
            m.Message.received_at >= start,
            m.Message.received_at < end,
        )
    ).all()
    in_time = sum(
        1
        for got, answered in received
        if answered is not None and answered - got <= RESPONSE_WINDOW
    )
    return {"messages": len(received), "messages_in_time": in_time}
