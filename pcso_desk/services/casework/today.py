"""The Today dashboard's reads (what is due or near its clock) and the quick engagement log."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from pcso_desk.domain.enums import IssueCategory, MeetingStatus, PriorityStatus
from pcso_desk.domain.errors import ValidationError
from pcso_desk.domain.permissions import Action
from pcso_desk.domain.schedule import (
    LONDON,
    RESPONSE_WINDOW,
    DueState,
    LocalityShare,
    ResponseState,
    response_clock,
)
from pcso_desk.services.casework import operations
from pcso_desk.services.context import Changes, Context
from pcso_desk.services.records import specs
from pcso_desk.services.records.service import RecordService
from pcso_desk.store import models as m

if TYPE_CHECKING:
    from pcso_desk.services.api import Services

DUE_SOON = timedelta(days=7)
MEETINGS_AHEAD = timedelta(days=14)
REVIEW_AHEAD = timedelta(days=14)
REPLY_WARNING = timedelta(hours=4)
OPEN_PRIORITY = (PriorityStatus.OPEN, PriorityStatus.IN_PROGRESS)


@dataclass(frozen=True)
class TodayItem:
    """One line of the dashboard, carrying the service kind and id that open its record.

    `due` is what the line is about in time: the victim's next contact, the member's next
    check-in, the meeting's start, the priority's review date, or the 24-hour reply deadline.
    `overdue` is true once that time has passed (for a message: the reply is late).
    """

    kind: str
    record_id: str
    title: str
    detail: str
    due: datetime | date
    overdue: bool


@dataclass(frozen=True)
class TodaySummary:
    now: datetime
    month: str  # YYYY-MM of `now` on the London calendar
    overdue_victim_contacts: tuple[TodayItem, ...]
    victim_contacts_due: tuple[TodayItem, ...]  # due within the week, not yet overdue
    kin_checkins_due: tuple[TodayItem, ...]
    meetings: tuple[TodayItem, ...]
    priorities_for_review: tuple[TodayItem, ...]
    messages_near_clock: tuple[TodayItem, ...]
    locality: LocalityShare


def _context(services_or_ctx: Services | Context) -> Context:
    return services_or_ctx if isinstance(services_or_ctx, Context) else services_or_ctx.ctx


def today_summary(
    services_or_ctx: Services | Context, *, now: datetime, officer_id: str | None = None
) -> TodaySummary:
    """Everything due or near its deadline at `now` (aware), soonest first in each section.

    With `officer_id`, victim cases and priorities are the officer's own (priorities with no
    owner stay in, since somebody has to pick them up) and the locality share is theirs;
    KIN check-ins, meetings and messages belong to the whole team either way.
    """
    ctx = _context(services_or_ctx)
    ctx.require(Action.VIEW, "today")
    local_now = now.astimezone(LONDON)
    today = local_now.date()
    month = f"{local_now.year:04d}-{local_now.month:02d}"
    victims = _victim_items(ctx, now, officer_id)
    with ctx.store.read() as session:
        meetings = _meeting_items(session, now)
        priorities = _priority_items(session, today, officer_id)
        messages = _message_items(session, now)
    return TodaySummary(
        now=now,
        month=month,
        overdue_victim_contacts=tuple(i for i in victims if i.overdue),
        victim_contacts_due=tuple(i for i in victims if not i.overdue),
        kin_checkins_due=_kin_items(ctx, today),
        meetings=meetings,
        priorities_for_review=priorities,
        messages_near_clock=messages,
        locality=operations.time_in_locality(ctx, month, officer_id=officer_id),
    )


def _victim_items(ctx: Context, now: datetime, officer_id: str | None) -> list[TodayItem]:
    if not ctx.may(Action.VIEW_RESTRICTED):
        return []  # victim care is not this role's to see
    due = operations.VictimCare(ctx).due(now, within=DUE_SOON, officer_id=officer_id)
    return [
        TodayItem(
            "victim_cases",
            case.case_id,
            case.victim_name,
            case.crime_reference,
            case.due,
            case.state is DueState.OVERDUE,
        )
        for case in due
    ]


def _kin_items(ctx: Context, today: date) -> tuple[TodayItem, ...]:
    due = operations.Kins(ctx).due(today, within_days=DUE_SOON.days)
    return tuple(
        TodayItem(
            "kin_members", mem.member_id, mem.contact_name, mem.represents, mem.due, mem.overdue
        )
        for mem in due
    )


def _meeting_items(session: Session, now: datetime) -> tuple[TodayItem, ...]:
    stmt = (
        select(m.Meeting)
        .where(
            m.Meeting.deleted_at.is_(None),
            m.Meeting.status == MeetingStatus.PLANNED,
            m.Meeting.starts_at >= now,
            m.Meeting.starts_at <= now + MEETINGS_AHEAD,
        )
        .order_by(m.Meeting.starts_at, m.Meeting.id)
    )
    return tuple(
        TodayItem("meetings", mt.id, mt.title, mt.venue, mt.starts_at, False)
        for mt in session.scalars(stmt)
    )


def _priority_items(session: Session, today: date, officer_id: str | None) -> tuple[TodayItem, ...]:
    stmt = (
        select(m.Priority, m.Ward.name)
        .outerjoin(m.Ward, m.Ward.id == m.Priority.ward_id)
        .where(
            m.Priority.deleted_at.is_(None),
            m.Priority.status.in_(OPEN_PRIORITY),
            m.Priority.review_on <= today + REVIEW_AHEAD,
        )
        .order_by(m.Priority.review_on, m.Priority.id)
    )
    if officer_id:
        stmt = stmt.where(or_(m.Priority.owner_id == officer_id, m.Priority.owner_id.is_(None)))
    return tuple(
        TodayItem(
            "priorities", p.id, p.title, ward or p.category.label, p.review_on, p.review_on < today
        )
        for p, ward in session.execute(stmt)
    )


def _message_items(session: Session, now: datetime) -> tuple[TodayItem, ...]:
    # Only messages received long enough ago to be within REPLY_WARNING of their deadline.
    latest = now - (RESPONSE_WINDOW - REPLY_WARNING)
    stmt = (
        select(m.Message)
        .where(
            m.Message.deleted_at.is_(None),
            m.Message.responded_at.is_(None),
            m.Message.received_at <= latest,
        )
        .order_by(m.Message.received_at, m.Message.id)
    )
    items = []
    for msg in session.scalars(stmt):
        clock = response_clock(msg.received_at, None, now, REPLY_WARNING)
        late = clock.state is ResponseState.BREACHED
        sender = msg.from_name or msg.channel.value.replace("_", " ")
        items.append(TodayItem("messages", msg.id, msg.subject, sender, clock.deadline, late))
    return tuple(items)


# -- the quick log ---------------------------------------------------------------------------


@dataclass(frozen=True)
class LoggedEngagement:
    """What one quick log wrote: the engagement, and its links to the contacts it was with."""

    engagement: Changes
    links: Changes

    @property
    def changes(self) -> tuple[Changes, ...]:
        return (self.engagement, self.links)


def _check_quick_log(values: Mapping[str, Any]) -> None:
    """The quick log's own minimum: a ward, a line of summary, and known issue categories."""
    if not values.get("ward_id"):
        raise ValidationError("Choose the ward the engagement was in.", "ward_id")
    if not str(values.get("summary") or "").strip():
        raise ValidationError("Write a line saying what the engagement was about.", "summary")
    known = {c.value for c in IssueCategory}
    for issue in values.get("issues") or ():
        if str(issue) not in known:
            raise ValidationError(f"'{issue}' is not an issue category.", "issues")


def log_engagement(
    services_or_ctx: Services | Context,
    values: Mapping[str, Any],
    contact_ids: Iterable[str] = (),
) -> LoggedEngagement:
    """Log one engagement and link the contacts it was with, all or nothing.

    One unit of work rather than two `create` calls: if linking a contact fails (it was merged
    or deleted on another PC meanwhile), no engagement without its contact is left behind.
    """
    _check_quick_log(values)
    ctx = _context(services_or_ctx)
    entry = {"officer_id": ctx.officer_id, **values}
    engagements = RecordService(ctx, specs.ENGAGEMENTS)
    links = RecordService(ctx, specs.ENGAGEMENT_CONTACTS)
    with ctx.store.write():  # one unit of work: the engagement with its contacts, or none
        engagement_id = engagements.create(entry).created[0]
        link_ids = tuple(
            links.create({"engagement_id": engagement_id, "contact_id": cid}).created[0]
            for cid in dict.fromkeys(contact_ids)  # once each, in the order chosen
        )
    return LoggedEngagement(
        Changes("engagements", created=(engagement_id,)),
        Changes("engagement_contacts", created=link_ids),
    )
