"""The Today dashboard's reads (what is due or near its clock) and the quick engagement log."""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, and_, false, or_, select, true
from sqlalchemy.orm import Session

from pcso_desk.domain.consent import contact_stop, marked
from pcso_desk.domain.enums import (
    CaseStatus,
    IssueCategory,
    MeetingStatus,
    PriorityStatus,
    UserRole,
)
from pcso_desk.domain.errors import ValidationError
from pcso_desk.domain.months import month_bounds
from pcso_desk.domain.permissions import Action
from pcso_desk.domain.schedule import (
    LONDON,
    RESPONSE_WINDOW,
    DueState,
    LocalityShare,
    ResponseState,
    due_state,
    response_clock,
)
from pcso_desk.services.casework import operations
from pcso_desk.services.context import Actor, Changes, Context
from pcso_desk.services.records import specs
from pcso_desk.services.records.service import RecordService
from pcso_desk.store import models as m

if TYPE_CHECKING:
    from pcso_desk.services.api import Services

DUE_SOON = timedelta(days=7)
MEETINGS_AHEAD = timedelta(days=14)
REVIEW_AHEAD = timedelta(days=14)
REPLY_WARNING = timedelta(hours=4)
PLEDGE_FROM_DAY = 15  # Today lists the Pledge items at risk from the middle of the month
OPEN_PRIORITY = (PriorityStatus.OPEN, PriorityStatus.IN_PROGRESS)


class Scope(enum.StrEnum):
    """Whose work Today shows: the signed-in officer's own, or their team's."""

    MINE = "mine"
    TEAM = "team"


def starting_scope(actor: Actor | None) -> Scope:
    """Which scope Today opens on: a sergeant (or an administrator, or anyone with no
    officer to be) on the team's work, a PCSO or constable on their own."""
    if actor is None or actor.officer_id is None:
        return Scope.TEAM
    return Scope.MINE if actor.role in (UserRole.PCSO, UserRole.PC) else Scope.TEAM


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
    scope: Scope = Scope.TEAM
    # Whose work it is, in words: "Riverside SNT" (the team's neighbourhoods, by name),
    # "every neighbourhood" (no officer, or one with no neighbourhood), or the officer's name.
    whose: str = "every neighbourhood"
    # From the 15th: the Pledge items that would be missed this month if nothing changed
    # (services/casework/scorecard.py), for the team's neighbourhoods or the officer's wards.
    pledge_at_risk: tuple[TodayItem, ...] = ()
    # Intelligence sources to tell what happened (services/casework/tell_source.py).
    sources_to_tell: tuple[TodayItem, ...] = ()


@dataclass(frozen=True)
class Reach:
    """What one Today covers. `hoods`/`wards`/`officers` are the team's (None: the whole
    store); `mine` is the officer whose own work it is (None: the team's), `my_wards` the
    wards that officer is attached to."""

    hoods: frozenset[str] | None
    wards: frozenset[str] | None
    officers: frozenset[str] | None
    mine: str | None = None
    my_wards: frozenset[str] = frozenset()
    whose: str = "every neighbourhood"


def reach_of(session: Session, scope: Scope, officer_id: str | None) -> Reach:
    """The team is the officer's neighbourhood and the neighbourhoods of the wards they are
    attached to; with no officer (or one placed nowhere) it is the whole store."""
    officer = session.get(m.Officer, officer_id) if officer_id else None
    if officer is None:
        if scope is Scope.MINE:
            raise ValidationError("Sign in as an officer to see your own work.", "officer_id")
        return Reach(None, None, None)
    my_wards = frozenset(
        session.scalars(
            select(m.OfficerWard.ward_id).where(
                m.OfficerWard.officer_id == officer.id, m.OfficerWard.deleted_at.is_(None)
            )
        )
    )
    hoods = set(session.scalars(select(m.Ward.neighbourhood_id).where(m.Ward.id.in_(my_wards))))
    if officer.neighbourhood_id:
        hoods.add(officer.neighbourhood_id)
    if scope is Scope.MINE:
        team = frozenset(hoods) or None
        return Reach(team, None, None, officer.id, my_wards, officer.name)
    if not hoods:
        return Reach(None, None, None)
    wards = session.scalars(
        select(m.Ward.id).where(m.Ward.neighbourhood_id.in_(hoods), m.Ward.deleted_at.is_(None))
    )
    officers = session.scalars(select(m.Officer.id).where(m.Officer.neighbourhood_id.in_(hoods)))
    names = session.scalars(
        select(m.Neighbourhood.name).where(m.Neighbourhood.id.in_(hoods)).order_by("name")
    )
    return Reach(frozenset(hoods), frozenset(wards), frozenset(officers), whose=", ".join(names))


def _in(column: Any, ids: frozenset[str] | None) -> ColumnElement[bool]:
    """`column` among `ids`; everything when `ids` is None (the whole store)."""
    return true() if ids is None else (column.in_(ids) if ids else false())


def _context(services_or_ctx: Services | Context) -> Context:
    return services_or_ctx if isinstance(services_or_ctx, Context) else services_or_ctx.ctx


def today_summary(
    services_or_ctx: Services | Context,
    *,
    now: datetime,
    scope: Scope | str = Scope.TEAM,
    officer_id: str | None = None,
) -> TodaySummary:
    """Everything due or near its deadline at `now` (aware), soonest first in each section.

    `officer_id` (the signed-in officer if not given) says whose Today it is. With
    Scope.TEAM every section is the team's: records of the officer's neighbourhood(s), found
    by neighbourhood, ward or officer, and records placed nowhere yet (no neighbourhood, ward
    or officer), since somebody has to pick those up. With Scope.MINE every section is the
    officer's own work: victim cases and priorities they own, and the team's unowned ones
    in the wards they are attached to (an unowned neighbourhood-wide priority too); KIN
    members of their wards' networks or living in their wards; meetings they attend or held
    for their wards; messages from people in their wards, and the team's messages whose
    sender's ward is not known; their own time in the locality.
    """
    ctx = _context(services_or_ctx)
    ctx.require(Action.VIEW, "today")
    scope = Scope(scope)
    local_now = now.astimezone(LONDON)
    today = local_now.date()
    month = f"{local_now.year:04d}-{local_now.month:02d}"
    with ctx.store.read() as session:
        reach = reach_of(session, scope, officer_id or ctx.officer_id)
        victims = _victim_items(ctx, session, now, reach)
        kin = _kin_items(session, today, reach)
        meetings = _meeting_items(session, now, reach)
        priorities = _priority_items(session, today, reach)
        messages = _message_items(session, now, reach)
        from pcso_desk.services.casework.tell_source import tell_source_items

        sources = tell_source_items(session, today, reach)
    pledge = _pledge_items(ctx, now, reach) if local_now.day >= PLEDGE_FROM_DAY else ()
    officers = None if reach.mine is None else [reach.mine]
    if reach.mine is None and reach.officers is not None:
        officers = sorted(reach.officers)
    return TodaySummary(
        now=now,
        month=month,
        overdue_victim_contacts=tuple(i for i in victims if i.overdue),
        victim_contacts_due=tuple(i for i in victims if not i.overdue),
        kin_checkins_due=kin,
        meetings=meetings,
        priorities_for_review=priorities,
        messages_near_clock=messages,
        locality=operations.officers_time_in_locality(ctx, month, officers),
        scope=scope,
        whose=reach.whose,
        sources_to_tell=sources,
        pledge_at_risk=pledge,
    )


def _pledge_items(ctx: Context, now: datetime, reach: Reach) -> tuple[TodayItem, ...]:
    """Each Pledge item at risk this month: in the officer's wards (their own work), else in
    the team's neighbourhoods (every neighbourhood when the team is the whole store)."""
    from pcso_desk.domain.pledge import risk_sentence
    from pcso_desk.services.casework import scorecard

    if reach.mine is not None:
        areas = scorecard.reach_areas(ctx, "ward", reach.my_wards)
    else:
        areas = scorecard.reach_areas(ctx, "neighbourhood", reach.hoods)
    return tuple(
        TodayItem(
            "scorecard",
            f"{card.kind}:{card.area}",
            risk_sentence(item, card.area),
            item.figure,
            month_bounds(card.month)[1].date() - timedelta(days=1),
            False,
        )
        for card, item in scorecard.at_risk(ctx, areas, now)
    )


def _victim_items(ctx: Context, session: Session, now: datetime, reach: Reach) -> list[TodayItem]:
    """Open cases overdue or due within the week. A victim who must not be contacted stays
    listed (the case still needs closing), marked "— do not contact"."""
    if not ctx.may(Action.VIEW_RESTRICTED):
        return []  # victim care is not this role's to see
    case = m.VictimCase
    if reach.mine is not None:
        whose = or_(
            case.officer_id == reach.mine,
            and_(case.officer_id.is_(None), _in(case.ward_id, reach.my_wards)),
        )
    else:
        whose = or_(
            _in(case.ward_id, reach.wards),
            _in(case.officer_id, reach.officers),
            and_(case.ward_id.is_(None), case.officer_id.is_(None)),
        )
    stmt = (
        select(case, m.Contact)
        .join(m.Contact, m.Contact.id == case.victim_id)
        .where(
            case.deleted_at.is_(None),
            case.status == CaseStatus.OPEN,
            case.next_contact_due <= now + DUE_SOON,
            whose,
        )
        .order_by(case.next_contact_due, case.id)
    )
    return [
        TodayItem(
            "victim_cases",
            row.id,
            marked(victim.name, contact_stop(victim)),
            row.crime_reference,
            row.next_contact_due,
            due_state(row.next_contact_due, now, DUE_SOON) is DueState.OVERDUE,
        )
        for row, victim in session.execute(stmt)
    ]


def _kin_items(session: Session, today: date, reach: Reach) -> tuple[TodayItem, ...]:
    """Current members whose check-in is overdue or due within the week; not those who must
    not be contacted (domain/consent.py), who are due no call at all."""
    member, kin = m.KinMember, m.Kin
    whose = _in(kin.neighbourhood_id, reach.hoods)
    if reach.mine is not None:
        whose = and_(
            whose,
            or_(
                _in(kin.ward_id, reach.my_wards),
                and_(kin.ward_id.is_(None), _in(m.Contact.ward_id, reach.my_wards)),
            ),
        )
    stmt = (
        select(member, m.Contact)
        .join(m.Contact, m.Contact.id == member.contact_id)
        .join(kin, kin.id == member.kin_id)
        .where(
            member.deleted_at.is_(None),
            member.left_on.is_(None),
            kin.deleted_at.is_(None),
            member.next_checkin_due <= today + DUE_SOON,
            whose,
        )
        .order_by(member.next_checkin_due, member.id)
    )
    return tuple(
        TodayItem(
            "kin_members",
            mem.id,
            contact.name,
            mem.represents,
            mem.next_checkin_due,
            mem.next_checkin_due < today,
        )
        for mem, contact in session.execute(stmt)
        if contact_stop(contact) is None
    )


def _meeting_items(session: Session, now: datetime, reach: Reach) -> tuple[TodayItem, ...]:
    meeting = m.Meeting

    def held_in(wards: frozenset[str] | None) -> ColumnElement[bool]:
        return (
            select(m.MeetingWard.id)
            .where(
                m.MeetingWard.meeting_id == meeting.id,
                m.MeetingWard.deleted_at.is_(None),
                _in(m.MeetingWard.ward_id, wards),
            )
            .exists()
        )

    if reach.mine is not None:
        attending = (
            select(m.MeetingOfficer.id)
            .where(
                m.MeetingOfficer.meeting_id == meeting.id,
                m.MeetingOfficer.deleted_at.is_(None),
                m.MeetingOfficer.officer_id == reach.mine,
            )
            .exists()
        )
        whose = or_(attending, held_in(reach.my_wards) if reach.my_wards else false())
    elif reach.hoods is None:
        whose = true()
    else:
        whose = or_(
            meeting.neighbourhood_id.in_(reach.hoods),
            held_in(reach.wards),
            and_(meeting.neighbourhood_id.is_(None), ~held_in(None)),
        )
    stmt = (
        select(meeting)
        .where(
            meeting.deleted_at.is_(None),
            meeting.status == MeetingStatus.PLANNED,
            meeting.starts_at >= now,
            meeting.starts_at <= now + MEETINGS_AHEAD,
            whose,
        )
        .order_by(meeting.starts_at, meeting.id)
    )
    return tuple(
        TodayItem("meetings", mt.id, mt.title, mt.venue, mt.starts_at, False)
        for mt in session.scalars(stmt)
    )


def _priority_items(session: Session, today: date, reach: Reach) -> tuple[TodayItem, ...]:
    priority = m.Priority
    whose = _in(priority.neighbourhood_id, reach.hoods)
    if reach.mine is not None:
        unowned_here = and_(
            priority.owner_id.is_(None),
            whose,
            or_(priority.ward_id.is_(None), _in(priority.ward_id, reach.my_wards)),
        )
        whose = or_(priority.owner_id == reach.mine, unowned_here)
    stmt = (
        select(priority, m.Ward.name)
        .outerjoin(m.Ward, m.Ward.id == priority.ward_id)
        .where(
            priority.deleted_at.is_(None),
            priority.status.in_(OPEN_PRIORITY),
            priority.review_on <= today + REVIEW_AHEAD,
            whose,
        )
        .order_by(priority.review_on, priority.id)
    )
    return tuple(
        TodayItem(
            "priorities", p.id, p.title, ward or p.category.label, p.review_on, p.review_on < today
        )
        for p, ward in session.execute(stmt)
    )


def _message_items(session: Session, now: datetime, reach: Reach) -> tuple[TodayItem, ...]:
    message, sender = m.Message, m.Contact
    ward_unknown = or_(message.contact_id.is_(None), sender.ward_id.is_(None))
    if reach.mine is not None:
        team = or_(message.neighbourhood_id.is_(None), _in(message.neighbourhood_id, reach.hoods))
        whose = or_(
            _in(sender.ward_id, reach.my_wards) if reach.my_wards else false(),
            and_(ward_unknown, team),
        )
    elif reach.hoods is None:
        whose = true()
    else:
        whose = or_(
            message.neighbourhood_id.in_(reach.hoods),
            _in(sender.ward_id, reach.wards),
            and_(message.neighbourhood_id.is_(None), ward_unknown),
        )
    # Only messages received long enough ago to be within REPLY_WARNING of their deadline.
    latest = now - (RESPONSE_WINDOW - REPLY_WARNING)
    stmt = (
        select(message)
        .outerjoin(sender, sender.id == message.contact_id)
        .where(
            message.deleted_at.is_(None),
            message.responded_at.is_(None),
            message.received_at <= latest,
            whose,
        )
        .order_by(message.received_at, message.id)
    )
    items = []
    for msg in session.scalars(stmt):
        clock = response_clock(msg.received_at, None, now, REPLY_WARNING)
        late = clock.state is ResponseState.BREACHED
        who = msg.from_name or msg.channel.value.replace("_", " ")
        items.append(TodayItem("messages", msg.id, msg.subject, who, clock.deadline, late))
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
