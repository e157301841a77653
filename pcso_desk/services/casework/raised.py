"""What people raised since the last PACT meeting, and whether a priority moved the dial.

`digest` counts, by ward and issue category, the issues of engagements, the items of
meetings' "issues raised", KIN members' suggested priorities and the subjects of messages
in a window (domain/raised.py files typed words under a category). Victim care is never
read. Where each is placed:
- an engagement: its ward (one with no ward is left out: it has no place);
- a meeting: its one ward; a meeting of several wards or none: the whole neighbourhood;
- a KIN check-in: the member's own ward where it is known (as the monthly pack counts KIN
  members), else the KIN's ward, else the whole neighbourhood;
- a message: its sender's ward where the message is linked to a contact of the area, else
  the whole neighbourhood.
A ward's digest holds only what was placed in that ward.

`before_after` sets, for a priority's category and area, the figures of the months before it
was agreed beside those since: police.uk crimes of the matching types, the digest's counts,
and the KIN safety score (1-5, every member's check-ins in the area: not tied to a category).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from pcso_desk.domain.enums import IssueCategory, MeetingStatus, MeetingType, PriorityStatus
from pcso_desk.domain.errors import ValidationError
from pcso_desk.domain.raised import BeforeAfter, Digest, DigestLine, Figure, classify, items
from pcso_desk.domain.schedule import LONDON
from pcso_desk.store import models as m

WHOLE = "Whole neighbourhood"
# The public meetings where priorities are agreed: a team holds PACT meetings or ward panels.
PRIORITY_MEETINGS = {MeetingType.PACT: "PACT meeting", MeetingType.WARD_PANEL: "ward panel"}
NO_MEETING_DAYS = 90  # with no PACT meeting held yet, the digest covers this many days
# The police.uk crime types that count for each issue category (others have none: speeding,
# parking and fly-tipping are not street-level crime types).
CRIME_TYPES: dict[IssueCategory, tuple[str, ...]] = {
    IssueCategory.ASB: ("Anti-social behaviour",),
    IssueCategory.YOUTH_NUISANCE: ("Anti-social behaviour",),
    IssueCategory.DRUGS: ("Drugs",),
    IssueCategory.BURGLARY: ("Burglary",),
    IssueCategory.VEHICLE_CRIME: ("Vehicle crime",),
    IssueCategory.CRIMINAL_DAMAGE: ("Criminal damage and arson",),
    IssueCategory.OTHER: (),
    IssueCategory.SPEEDING: (),
    IssueCategory.PARKING: (),
    IssueCategory.FLY_TIPPING: (),
}


@dataclass(frozen=True)
class Place:
    """The area a digest or a comparison is for: a neighbourhood, or one ward of it."""

    kind: str  # "ward" or "neighbourhood"
    id: str
    name: str
    neighbourhood_id: str
    wards: dict[str, str]  # the neighbourhood's wards: id -> name


def _live(model: Any) -> Any:
    return model.deleted_at.is_(None)


def _utc(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=LONDON).astimezone(UTC)


def _local_day(moment: datetime) -> date:
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(LONDON).date()


def place(session: Session, kind: str, area_id: str) -> Place:
    if kind not in ("ward", "neighbourhood"):
        raise ValueError(f"an area is a ward or a neighbourhood, not {kind!r}")
    model: Any = m.Ward if kind == "ward" else m.Neighbourhood
    row = session.get(model, area_id)
    if row is None or row.deleted_at is not None:
        raise ValidationError(f"That {kind} no longer exists.", field=kind)
    hood = row.neighbourhood_id if kind == "ward" else row.id
    wards = dict(
        session.execute(
            select(m.Ward.id, m.Ward.name)
            .where(_live(m.Ward), m.Ward.neighbourhood_id == hood)
            .order_by(m.Ward.name)
        )
        .tuples()
        .all()
    )
    return Place(kind, row.id, row.name, hood, wards)


def last_pact(session: Session, where: Place, before: datetime) -> m.Meeting | None:
    """The area's latest PACT meeting or ward panel that has started by `before` (not
    cancelled)."""
    query = select(m.Meeting).where(
        _live(m.Meeting),
        m.Meeting.meeting_type.in_(list(PRIORITY_MEETINGS)),
        m.Meeting.status != MeetingStatus.CANCELLED,
        m.Meeting.starts_at <= before,
        m.Meeting.neighbourhood_id == where.neighbourhood_id,
    )
    if where.kind == "ward":
        in_ward = select(m.MeetingWard.meeting_id).where(
            _live(m.MeetingWard), m.MeetingWard.ward_id == where.id
        )
        no_ward = select(m.MeetingWard.meeting_id).where(_live(m.MeetingWard))
        query = query.where(or_(m.Meeting.id.in_(in_ward), m.Meeting.id.not_in(no_ward)))
    return session.scalars(query.order_by(m.Meeting.starts_at.desc()).limit(1)).first()


class _Tally:
    def __init__(self, where: Place) -> None:
        self.where = where
        self.lines: dict[tuple[str | None, IssueCategory], DigestLine] = {}

    def add(self, ward_id: str | None, category: IssueCategory, source: str, term: str) -> None:
        if ward_id not in self.where.wards:
            ward_id = None
        if self.where.kind == "ward" and ward_id != self.where.id:
            return
        key = (ward_id, category)
        line = self.lines.get(key)
        if line is None:
            name = self.where.wards[ward_id] if ward_id else WHOLE
            line = self.lines[key] = DigestLine(ward_id, name, category)
        line.add(source, term)

    def text(self, ward_id: str | None, text: str, source: str, *, other: bool) -> None:
        for item in items(text):
            found = classify(item)
            if found is not None:
                self.add(ward_id, found.category, source, found.term)
            elif other:
                self.add(ward_id, IssueCategory.OTHER, source, "")

    def result(self) -> tuple[DigestLine, ...]:
        return tuple(
            sorted(
                self.lines.values(),
                key=lambda line: (-line.total, line.ward_id is None, line.ward, line.label),
            )
        )


def count(session: Session, where: Place, start: date, end: date) -> tuple[DigestLine, ...]:
    """What was raised in the area from `start` to `end` (local dates, both included)."""
    low, high = _utc(start), _utc(end + timedelta(days=1))
    tally = _Tally(where)
    _engagements(session, tally, low, high)
    _meetings(session, tally, low, high)
    _check_ins(session, tally, start, end)
    _messages(session, tally, low, high)
    return tally.result()


def _engagements(session: Session, tally: _Tally, low: datetime, high: datetime) -> None:
    rows = session.execute(
        select(m.Engagement.ward_id, m.Engagement.issues).where(
            _live(m.Engagement),
            m.Engagement.occurred_at >= low,
            m.Engagement.occurred_at < high,
            m.Engagement.ward_id.in_(list(tally.where.wards)),
        )
    )
    for ward_id, issues in rows:
        for issue in dict.fromkeys(issues or ()):  # each category once per engagement
            try:
                category = IssueCategory(issue)
            except ValueError:
                continue
            tally.add(ward_id, category, "engagements", "")


def _meetings(session: Session, tally: _Tally, low: datetime, high: datetime) -> None:
    rows = session.execute(
        select(m.Meeting.id, m.Meeting.issues_raised).where(
            _live(m.Meeting),
            m.Meeting.status != MeetingStatus.CANCELLED,
            m.Meeting.neighbourhood_id == tally.where.neighbourhood_id,
            m.Meeting.starts_at >= low,
            m.Meeting.starts_at < high,
            m.Meeting.issues_raised != "",
        )
    ).all()
    wards: dict[str, list[str]] = {}
    for meeting_id, ward_id in session.execute(
        select(m.MeetingWard.meeting_id, m.MeetingWard.ward_id).where(
            _live(m.MeetingWard), m.MeetingWard.meeting_id.in_([r[0] for r in rows])
        )
    ):
        wards.setdefault(meeting_id, []).append(ward_id)
    for meeting_id, text in rows:
        held = sorted(set(wards.get(meeting_id, [])))
        tally.text(held[0] if len(held) == 1 else None, text, "meetings", other=True)


def _check_ins(session: Session, tally: _Tally, start: date, end: date) -> None:
    rows = session.execute(
        select(m.KinCheckIn.suggested_priorities, m.Contact.ward_id, m.Kin.ward_id)
        .join(m.KinMember, m.KinMember.id == m.KinCheckIn.member_id)
        .join(m.Kin, m.Kin.id == m.KinMember.kin_id)
        .join(m.Contact, m.Contact.id == m.KinMember.contact_id)
        .where(
            _live(m.KinCheckIn),
            m.Kin.neighbourhood_id == tally.where.neighbourhood_id,
            m.KinCheckIn.checked_on >= start,
            m.KinCheckIn.checked_on <= end,
            m.KinCheckIn.suggested_priorities != "",
        )
    )
    for text, own_ward, kin_ward in rows:
        ward = own_ward if own_ward in tally.where.wards else kin_ward
        tally.text(ward, text, "kin", other=True)


def _messages(session: Session, tally: _Tally, low: datetime, high: datetime) -> None:
    rows = session.execute(
        select(m.Message.subject, m.Contact.ward_id)
        .outerjoin(m.Contact, m.Contact.id == m.Message.contact_id)
        .where(
            _live(m.Message),
            m.Message.neighbourhood_id == tally.where.neighbourhood_id,
            m.Message.received_at >= low,
            m.Message.received_at < high,
        )
    )
    for subject, ward_id in rows:
        tally.text(ward_id, subject or "", "messages", other=False)


def digest(
    session: Session, kind: str, area_id: str, today: date, since: date | None = None
) -> Digest:
    """What people raised in the area since its last PACT meeting or ward panel (that
    meeting's own issues included), or since `since`; up to and including `today`."""
    where = place(session, kind, area_id)
    said = ""
    if since is None:
        end_of_today = _utc(today + timedelta(days=1))
        meeting = last_pact(session, where, end_of_today)
        if meeting is not None:
            since = _local_day(meeting.starts_at)
            kind_said = PRIORITY_MEETINGS[MeetingType(meeting.meeting_type)]
            said = f"the {kind_said} of {since.day} {since:%B %Y}"
        else:
            since = today - timedelta(days=NO_MEETING_DAYS)
    if since > today:
        raise ValidationError("The digest's start date is after today.", field="since")
    lines = count(session, where, since, today)
    return Digest(kind, where.id, where.name, where.neighbourhood_id, since, said, today, lines)


# -- did it move the dial? ---------------------------------------------------------------------


def _month(day: date) -> str:
    return f"{day:%Y-%m}"


def _shift(month: str, by: int) -> str:
    year, mon = int(month[:4]), int(month[5:])
    index = year * 12 + mon - 1 + by
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def _months_text(months: list[str]) -> str:
    if not months:
        return ""
    first, last = (date(int(x[:4]), int(x[5:]), 1) for x in (months[0], months[-1]))
    if first == last:
        return f"{first:%B %Y}"
    return f"{first:%b %Y} – {last:%b %Y}"


def _span_text(start: date, end: date) -> str:
    return f"{start.day} {start:%b %Y} – {end.day} {end:%b %Y}"


def before_after(session: Session, priority_id: str, today: date) -> BeforeAfter:
    row = session.get(m.Priority, priority_id)
    if row is None or row.deleted_at is not None:
        raise ValidationError("That priority no longer exists.", field="priority")
    kind, area_id = (
        ("ward", row.ward_id) if row.ward_id else ("neighbourhood", row.neighbourhood_id)
    )
    where = place(session, kind, area_id)
    category = IssueCategory(row.category)
    agreed = row.agreed_on
    # Equal spans of days: since agreement (up to today; for a priority that has ended, up
    # to the decision that ended it), and as many days just before it.
    ended = row.status in (PriorityStatus.RESOLVED, PriorityStatus.DROPPED)
    end = min(today, row.review_decided_on) if ended and row.review_decided_on else today
    days = max((end - agreed).days, 1)
    after_start, after_end = agreed, agreed + timedelta(days=days - 1)
    before_start, before_end = agreed - timedelta(days=days), agreed - timedelta(days=1)
    spans = (before_start, before_end), (after_start, after_end)
    crime, months = _crimes(session, where, category, agreed, end)
    figures = (crime, _raised(session, where, category, *spans), _safety(session, where, *spans))
    return BeforeAfter(
        row.id,
        row.title,
        category.label,
        where.name if kind == "ward" else f"{where.name} (whole neighbourhood)",
        agreed,
        _span_text(before_start, before_end),
        _span_text(after_start, after_end),
        months,
        figures,
    )


def _crimes(
    session: Session, where: Place, category: IssueCategory, agreed: date, end: date
) -> tuple[Figure, tuple[str, str]]:
    """Crimes of the category's police.uk types in the area's wards: the whole months since
    the month of agreement that the store holds, and as many months before that month (the
    month of agreement itself is in neither: it is split)."""
    types = CRIME_TYPES[category]
    measure = "Crimes (police.uk)"
    if not types:
        none = f"no police.uk crime type for {category.label.lower()}"
        return Figure(measure, None, None, none), ("", "")
    wards = [where.id] if where.kind == "ward" else list(where.wards)
    agreed_month = _month(agreed)
    held = set(
        session.scalars(
            select(m.CrimeRecord.month)
            .where(_live(m.CrimeRecord), m.CrimeRecord.ward_id.in_(wards))
            .where(m.CrimeRecord.month > agreed_month, m.CrimeRecord.month <= _month(end))
            .distinct()
        )
    )
    if not held:
        return Figure(measure, None, None, "no crime figures held since it was agreed"), ("", "")
    after = _month_range(_shift(agreed_month, 1), max(held))
    n = len(after)
    before = [_shift(agreed_month, -n + i) for i in range(n)]

    def total(months: Iterable[str]) -> int:
        return int(
            session.scalar(
                select(func.count())
                .select_from(m.CrimeRecord)
                .where(_live(m.CrimeRecord), m.CrimeRecord.ward_id.in_(wards))
                .where(m.CrimeRecord.month.in_(list(months)), m.CrimeRecord.crime_type.in_(types))
            )
            or 0
        )

    note = ", ".join(types)
    figure = Figure(measure, total(before), total(after), note)
    return figure, (_months_text(before), _months_text(after))


def _month_range(first: str, last: str) -> list[str]:
    months, current = [], first
    while current <= last:
        months.append(current)
        current = _shift(current, 1)
    return months


def _raised(
    session: Session,
    where: Place,
    category: IssueCategory,
    before: tuple[date, date],
    after: tuple[date, date],
) -> Figure:
    def raised(span: tuple[date, date]) -> int:
        return sum(line.total for line in count(session, where, *span) if line.category == category)

    return Figure("Times raised (what people raised)", raised(before), raised(after))


def _safety(
    session: Session, where: Place, before: tuple[date, date], after: tuple[date, date]
) -> Figure:
    def mean(span: tuple[date, date]) -> float | None:
        query = (
            select(func.avg(m.KinCheckIn.safety_score))
            .join(m.KinMember, m.KinMember.id == m.KinCheckIn.member_id)
            .join(m.Kin, m.Kin.id == m.KinMember.kin_id)
            .join(m.Contact, m.Contact.id == m.KinMember.contact_id)
            .where(_live(m.KinCheckIn), m.Kin.neighbourhood_id == where.neighbourhood_id)
            .where(m.KinCheckIn.checked_on >= span[0], m.KinCheckIn.checked_on <= span[1])
        )
        if where.kind == "ward":
            query = query.where(
                or_(
                    m.Contact.ward_id == where.id,
                    (m.Contact.ward_id.is_(None)) & (m.Kin.ward_id == where.id),
                )
            )
        value = session.scalar(query)
        return round(float(value), 1) if value is not None else None

    return Figure(
        "KIN safety score (1–5, all check-ins)",
        mean(before),
        mean(after),
        "how safe people feel, not only about this issue",
    )
