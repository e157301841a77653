"""The domain operations a team performs beyond plain edits: visits, check-ins, reviews, clocks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from pcso_desk.domain.consent import contact_stop, marked
from pcso_desk.domain.enums import CaseStatus, PriorityStatus, ReviewDecision
from pcso_desk.domain.errors import ValidationError
from pcso_desk.domain.months import month_bounds
from pcso_desk.domain.permissions import Action
from pcso_desk.domain.schedule import (
    LONDON,
    DueState,
    LocalityShare,
    ResponseClock,
    coverage_gaps,
    due_state,
    locality_share,
    priority_review_due,
    response_clock,
)
from pcso_desk.services.context import Changes, Context
from pcso_desk.services.gateway import Effect, use_case
from pcso_desk.services.records import specs
from pcso_desk.services.records.service import RecordService
from pcso_desk.store import models as m
from pcso_desk.store.base import utcnow


@dataclass(frozen=True)
class CaseDue:
    case_id: str
    crime_reference: str
    victim_name: str
    due: datetime
    state: DueState


@dataclass(frozen=True)
class MemberDue:
    member_id: str
    contact_name: str
    represents: str
    last_checkin_on: date | None
    due: date
    overdue: bool


@dataclass(frozen=True)
class Coverage:
    ward_id: str
    areas: tuple[str, ...]
    gaps: tuple[str, ...]


class VictimCare:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.cases = RecordService(ctx, specs.VICTIM_CASES)
        self.contacts = RecordService(ctx, specs.VICTIM_CONTACTS)

    @use_case(Action.CREATE, "create", kind="victim_contacts")
    def record_contact(self, case_id: str, values: dict[str, Any]) -> Changes:
        """Log a visit, call or letter; a successful one moves the case's next due date."""
        return self.contacts.create({**values, "case_id": case_id})

    @use_case(Action.CHANGE, "change", kind="victim_cases")
    def close(self, case_id: str, reason: str, satisfaction: int | None = None) -> Changes:
        if not reason.strip():
            raise ValidationError("Say why the case is being closed.", "closing_reason")
        values = {"status": CaseStatus.CLOSED, "closed_at": utcnow(), "closing_reason": reason}
        return self.cases.update(case_id, {**values, "satisfaction": satisfaction})

    @use_case(Action.VIEW, "list", effect=Effect.READ, kind="victim_cases")
    def due(
        self, now: datetime, *, within: timedelta = timedelta(days=7), officer_id: str | None = None
    ) -> list[CaseDue]:
        """Open cases overdue or due within `within`, soonest first. A victim who must not be
        contacted stays listed (the case still needs closing), marked "— do not contact"."""
        stmt = (
            select(m.VictimCase, m.Contact)
            .join(m.Contact, m.Contact.id == m.VictimCase.victim_id)
            .where(
                m.VictimCase.deleted_at.is_(None),
                m.VictimCase.status == CaseStatus.OPEN,
                m.VictimCase.next_contact_due <= now + within,
            )
            .order_by(m.VictimCase.next_contact_due)
        )
        if officer_id:
            stmt = stmt.where(m.VictimCase.officer_id == officer_id)
        with self.ctx.store.read() as session:
            return [
                CaseDue(
                    case.id,
                    case.crime_reference,
                    marked(victim.name, contact_stop(victim)),
                    case.next_contact_due,
                    due_state(case.next_contact_due, now, within),
                )
                for case, victim in session.execute(stmt)
            ]


class Kins:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.networks = RecordService(ctx, specs.KINS)
        self.members = RecordService(ctx, specs.KIN_MEMBERS)
        self.checkins = RecordService(ctx, specs.KIN_CHECKINS)

    @use_case(Action.CREATE, "create", kind="kin_checkins")
    def check_in(self, member_id: str, values: dict[str, Any]) -> Changes:
        return self.checkins.create({**values, "member_id": member_id})

    @use_case(Action.VIEW, effect=Effect.READ, kind="kin_members")
    def due(
        self, today: date, *, within_days: int = 7, kin_id: str | None = None
    ) -> list[MemberDue]:
        """Current members whose check-in is overdue or due within `within_days`; not those
        who must not be contacted (domain/consent.py), who are due no call at all."""
        stmt = (
            select(m.KinMember, m.Contact)
            .join(m.Contact, m.Contact.id == m.KinMember.contact_id)
            .where(
                m.KinMember.deleted_at.is_(None),
                m.KinMember.left_on.is_(None),
                m.KinMember.next_checkin_due <= today + timedelta(days=within_days),
            )
            .order_by(m.KinMember.next_checkin_due)
        )
        if kin_id:
            stmt = stmt.where(m.KinMember.kin_id == kin_id)
        with self.ctx.store.read() as session:
            return [
                MemberDue(
                    mem.id,
                    contact.name,
                    mem.represents,
                    mem.last_checkin_on,
                    mem.next_checkin_due,
                    mem.next_checkin_due < today,
                )
                for mem, contact in session.execute(stmt)
                if contact_stop(contact) is None
            ]

    @use_case(Action.VIEW, effect=Effect.READ, kind="kins")
    def coverage(self, ward_id: str) -> Coverage:
        """Which streets or communities of a ward no current KIN member represents."""
        with self.ctx.store.read() as session:
            ward = session.get(m.Ward, ward_id)
            if ward is None or ward.deleted_at is not None:
                raise ValidationError("That ward does not exist.", "ward_id")
            represented = session.scalars(
                select(m.KinMember.represents)
                .join(m.Kin, m.Kin.id == m.KinMember.kin_id)
                .where(
                    m.KinMember.deleted_at.is_(None),
                    m.KinMember.left_on.is_(None),
                    (m.Kin.ward_id == ward_id) | (m.Kin.neighbourhood_id == ward.neighbourhood_id),
                )
            ).all()
            areas = tuple(ward.areas or ())
        return Coverage(ward_id, areas, tuple(coverage_gaps(areas, represented)))


class Priorities:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.priorities = RecordService(ctx, specs.PRIORITIES)
        self.actions = RecordService(ctx, specs.PRIORITY_ACTIONS)
        self.meetings = RecordService(ctx, specs.MEETINGS)

    @use_case(Action.CREATE, "create", kind="priorities")
    def agree_at_meeting(self, meeting_id: str, values: dict[str, Any]) -> Changes:
        """A meeting agrees a priority: it is dated by the meeting and reviewed in 3 months."""
        meeting = self.meetings.get(meeting_id)
        agreed = values.get("agreed_on") or meeting["starts_at"].date()
        neighbourhood = values.get("neighbourhood_id") or meeting["neighbourhood_id"]
        if neighbourhood is None:
            raise ValidationError(
                "Choose the neighbourhood the priority belongs to.", "neighbourhood_id"
            )
        return self.priorities.create(
            {
                "source": meeting["title"],
                **values,
                "meeting_id": meeting_id,
                "agreed_on": agreed,
                "neighbourhood_id": neighbourhood,
            }
        )

    @use_case(Action.CREATE, "create", kind="priority_actions")
    def add_action(self, priority_id: str, values: dict[str, Any]) -> Changes:
        """Record what was done, with its public "you said, we did" sentence."""
        changes = self.actions.create({**values, "priority_id": priority_id})
        current = self.priorities.get(priority_id)
        if current["status"] == PriorityStatus.OPEN:
            self.priorities.update(priority_id, {"status": PriorityStatus.IN_PROGRESS})
        return changes

    @use_case(Action.CHANGE, "change", kind="priorities")
    def review(self, priority_id: str, decision: ReviewDecision, reason: str, on: date) -> Changes:
        """Keep (reviewed again in 3 months) or drop a priority, with the reason recorded."""
        values: dict[str, Any] = {
            "review_decision": decision,
            "review_decided_on": on,
            "review_reason": reason,
        }
        if decision == ReviewDecision.KEEP:
            values["review_on"] = priority_review_due(on)
        else:
            values["status"] = PriorityStatus.DROPPED
        return self.priorities.update(priority_id, values)


class Messages:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.messages = RecordService(ctx, specs.MESSAGES)

    @use_case(Action.CHANGE, "change", kind="messages")
    def respond(
        self, message_id: str, *, at: datetime, officer_id: str | None, note: str = ""
    ) -> Changes:
        """Stop the 24-hour clock. `note` (how it was answered, in a few words) is added
        under the message, dated, so whoever reads it next sees what was said."""
        values: dict[str, Any] = {"responded_at": at, "responded_by_id": officer_id}
        said = " ".join(note.split())
        if said:
            body = (self.messages.get(message_id).get("body") or "").rstrip()
            when = at.astimezone(LONDON)
            line = f"Response ({when.day} {when:%b %Y %H:%M}): {said}"
            values["body"] = f"{body}\n\n{line}" if body else line
        return self.messages.update(message_id, values)

    @use_case(Action.VIEW, effect=Effect.READ, kind="messages")
    def clock(self, message_id: str, now: datetime) -> ResponseClock:
        message = self.messages.get(message_id)
        return response_clock(message["received_at"], message["responded_at"], now)


def _minutes(
    session: Any, model: Any, start: datetime, end: datetime, officer_ids: list[str] | None
) -> int:
    span = (func.julianday(model.ends_at) - func.julianday(model.starts_at)) * 1440
    stmt = select(func.coalesce(func.sum(span), 0)).where(
        model.deleted_at.is_(None), model.starts_at >= start, model.starts_at < end
    )
    if officer_ids is not None:
        stmt = stmt.where(model.officer_id.in_(officer_ids))
    return round(session.scalar(stmt) or 0)


def time_in_locality(
    ctx: Context, month: str, *, officer_id: str | None = None, neighbourhood_id: str | None = None
) -> LocalityShare:
    """Share of the month's logged time spent in the locality, against the 80% target."""
    ctx.require(Action.VIEW, "patrol_sessions")
    start, end = month_bounds(month)
    with ctx.store.read() as session:
        officers: list[str] | None = None
        if officer_id:
            officers = [officer_id]
        elif neighbourhood_id:
            officers = list(
                session.scalars(
                    select(m.Officer.id).where(m.Officer.neighbourhood_id == neighbourhood_id)
                )
            )
        patrol = _minutes(session, m.PatrolSession, start, end, officers)
        away = _minutes(session, m.Abstraction, start, end, officers)
    return locality_share(patrol, away)
