"""Retention review (DPA 2018 s.39): what is due, keep with a reason, dispose; expiring notes.

The periods are the rules in `domain.retention` (printed in the README). A record is due on
its review date: for a contact, its own review date when one is set, else two years after
the last engagement with them; for the other kinds, the latest "keep until" a reviewer gave,
else the rule's period after the event it runs from. Erased records are never due again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from pcso_desk.domain import retention as rules
from pcso_desk.domain.errors import NotFoundError, ValidationError
from pcso_desk.domain.permissions import Action
from pcso_desk.domain.schedule import add_months
from pcso_desk.services.context import Changes, Context, meta_value, set_meta
from pcso_desk.services.gateway import Effect, use_case
from pcso_desk.services.protection import audit, erasure
from pcso_desk.services.protection.person_records import person_records
from pcso_desk.services.records.coerce import LONDON
from pcso_desk.store import models as m
from pcso_desk.store.base import utcnow

NOTES_KEY = "retention_notes_months"
DOORSTEP_KEY = "retention_doorstep_days"
MAX_KEEP_YEARS = 5
QUEUE_LIMIT = 500


@dataclass(frozen=True)
class ReviewItem:
    kind: str
    row_id: str
    label: str  # the kind, as users say it
    title: str
    due: date
    deleted: bool


@dataclass(frozen=True)
class ReviewQueue:
    items: tuple[ReviewItem, ...]  # soonest due first, at most QUEUE_LIMIT
    total: int  # everything due


@dataclass(frozen=True)
class NotesSettings:
    notes_months: int = rules.NOTES_MONTHS
    doorstep_days: int = rules.DOORSTEP_DAYS


def _today() -> date:
    return datetime.now(LONDON).date()


def _months(kind: str) -> str:
    return f"+{rules.RULE_OF[kind].months} months"


def _kept(kind: str) -> Any:
    """The latest "keep until" per record of `kind`."""
    review = m.RetentionReview
    return (
        select(review.row_id.label("row_id"), func.max(review.keep_until).label("until"))
        .where(review.table_name == kind, review.decision == "keep", review.deleted_at.is_(None))
        .group_by(review.row_id)
        .subquery()
    )


def _contacts(restricted: bool) -> tuple[Select[Any], Any]:
    ec, e, c = m.EngagementContact, m.Engagement, m.Contact
    last = (
        select(ec.contact_id.label("cid"), func.max(e.occurred_at).label("last"))
        .join(e, e.id == ec.engagement_id)
        .where(ec.deleted_at.is_(None), e.deleted_at.is_(None))
        .group_by(ec.contact_id)
        .subquery()
    )
    base = func.coalesce(last.c.last, c.created_at)
    due = func.coalesce(c.review_date, func.date(base, _months("contacts")))
    stmt = (
        select(c.id, c.name, c.organisation, due, c.deleted_at)
        .outerjoin(last, last.c.cid == c.id)
        .where(c.erased_at.is_(None), c.merged_into_id.is_(None))
    )
    return stmt, due


def _contact_title(row: Any, _restricted: bool) -> str:
    return row[1] if not row[2] else f"{row[1]} ({row[2]})"


def _cases(restricted: bool) -> tuple[Select[Any], Any]:
    case, kept = m.VictimCase, _kept("victim_cases")
    base = func.coalesce(case.closed_at, case.deleted_at)
    due = func.coalesce(kept.c.until, func.date(base, _months("victim_cases")))
    stmt = (
        select(case.id, case.crime_reference, m.Contact.name, due, case.deleted_at)
        .join(m.Contact, m.Contact.id == case.victim_id)
        .outerjoin(kept, kept.c.row_id == case.id)
        .where(case.erased_at.is_(None), base.is_not(None))
    )
    return stmt, due


def _case_title(row: Any, restricted: bool) -> str:
    if not restricted:
        return "A victim care case (restricted: a sergeant can see who)"
    return f"Case {row[1]}: {row[2]}"


def _members(restricted: bool) -> tuple[Select[Any], Any]:
    member, kept = m.KinMember, _kept("kin_members")
    base = func.coalesce(member.left_on, member.deleted_at)
    due = func.coalesce(kept.c.until, func.date(base, _months("kin_members")))
    stmt = (
        select(member.id, m.Contact.name, m.Kin.name, due, member.deleted_at)
        .join(m.Contact, m.Contact.id == member.contact_id)
        .join(m.Kin, m.Kin.id == member.kin_id)
        .outerjoin(kept, kept.c.row_id == member.id)
        .where(member.erased_at.is_(None), base.is_not(None))
    )
    return stmt, due


def _member_title(row: Any, _restricted: bool) -> str:
    return f"{row[1]} in {row[2]}"


def _messages(restricted: bool) -> tuple[Select[Any], Any]:
    msg, kept = m.Message, _kept("messages")
    due = func.coalesce(kept.c.until, func.date(msg.received_at, _months("messages")))
    stmt = (
        select(msg.id, msg.from_name, msg.subject, due, msg.deleted_at)
        .outerjoin(kept, kept.c.row_id == msg.id)
        .where(msg.erased_at.is_(None))
    )
    return stmt, due


def _message_title(row: Any, _restricted: bool) -> str:
    return f"{row[1] or 'Unknown sender'}: {row[2]}"


Query = Callable[[bool], tuple[Select[Any], Any]]
Title = Callable[[Any, bool], str]
_QUERIES: dict[str, tuple[Query, Title]] = {
    "contacts": (_contacts, _contact_title),
    "victim_cases": (_cases, _case_title),
    "kin_members": (_members, _member_title),
    "messages": (_messages, _message_title),
}


def review_queue(ctx: Context, today: date | None = None) -> ReviewQueue:
    """Every record due for review on `today`, soonest first (the first QUEUE_LIMIT)."""
    ctx.require(Action.REVIEW, "retention")
    day = (today or _today()).isoformat()
    restricted = ctx.may(Action.VIEW_RESTRICTED)
    items: list[ReviewItem] = []
    total = 0
    with ctx.store.read() as session:
        for kind, (query, title) in _QUERIES.items():
            stmt, due = query(restricted)
            stmt = stmt.where(due <= day)
            total += session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
            for row in session.execute(stmt.order_by(due).limit(QUEUE_LIMIT)):
                items.append(
                    ReviewItem(
                        kind,
                        str(row[0]),
                        rules.RULE_OF[kind].label,
                        title(row, restricted),
                        date.fromisoformat(str(row[3])),
                        row[4] is not None,
                    )
                )
    items.sort(key=lambda item: (item.due, item.label, item.title))
    return ReviewQueue(tuple(items[:QUEUE_LIMIT]), total)


def _record(session: Session, kind: str, row_id: str) -> Any:
    if kind not in rules.RULE_OF:
        raise ValidationError(
            "Only contacts, victim cases, KIN memberships and messages are reviewed."
        )
    model = next(mp.class_ for mp in m.Base.registry.mappers if mp.local_table.name == kind)  # type: ignore[attr-defined]
    row = session.get(model, row_id)
    if row is None or row.erased_at is not None:
        raise NotFoundError("That record does not exist or has been disposed of already.")
    return row


def keep(
    ctx: Context, kind: str, row_id: str, reason: str, until: date, today: date | None = None
) -> Changes:
    """Keep a record: a reason and the date of its next review (after today, within 5 years)."""
    ctx.require(Action.REVIEW, kind, (row_id,))
    day = today or _today()
    reason = " ".join(reason.split())
    if not reason:
        raise ValidationError("Give a reason for keeping it.", "reason")
    if until <= day:
        raise ValidationError("The next review date must be after today.", "keep_until")
    if until > day.replace(year=day.year + MAX_KEEP_YEARS):
        raise ValidationError(
            f"The next review must be within {MAX_KEEP_YEARS} years.", "keep_until"
        )
    with ctx.store.write() as session:
        row = _record(session, kind, row_id)
        review = m.RetentionReview(
            table_name=kind, row_id=row_id, decision="keep", reason=reason,
            keep_until=until, decided_on=day,
        )  # fmt: skip
        ctx.stamp(review, creating=True)
        session.add(review)
        if kind == "contacts":
            row.review_date = until
            ctx.stamp(row, creating=False)
        audit.append(session, ctx, "review", kind, (row_id,), "kept")
    return Changes(kind, updated=(row_id,))


def _disposal_rows(session: Session, kind: str, row: Any) -> list[Any]:
    if kind == "contacts":
        return person_records(session, row.id).rows()
    if kind == "victim_cases":
        visits = session.scalars(select(m.VictimContact).where(m.VictimContact.case_id == row.id))
        return [row, *visits]
    if kind == "kin_members":
        checkins = session.scalars(select(m.KinCheckIn).where(m.KinCheckIn.member_id == row.id))
        return [row, *checkins]
    return [row]


@dataclass(frozen=True)
class Disposal:
    """What a disposal erased: how many records, starting from the one reviewed."""

    erased: int
    changes: Changes


def dispose(ctx: Context, kind: str, row_id: str, today: date | None = None) -> Disposal:
    """Dispose of a record at review: erase it (and what hangs off it)."""
    ctx.require(Action.REVIEW, kind, (row_id,))
    if kind == "contacts":
        ctx.require(Action.ERASE, kind, (row_id,))
    with ctx.store.write() as session:
        row = _record(session, kind, row_id)
        review = m.RetentionReview(
            table_name=kind, row_id=row_id, decision="dispose", decided_on=today or _today()
        )
        ctx.stamp(review, creating=True)
        session.add(review)
        session.flush()
        erased = erasure.erase_rows(ctx, session, _disposal_rows(session, kind, row))
        total = sum(len(ids) for table, ids in erased.items() if table != "retention_reviews")
        audit.append(session, ctx, "disposal", kind, (row_id,), f"{total} records erased")
    erasure.purge_traces(ctx)
    return Disposal(total, Changes(kind, updated=(row_id,)))


def notes_settings(ctx: Context) -> NotesSettings:
    with ctx.store.read() as session:
        months = meta_value(session, NOTES_KEY)
        days = meta_value(session, DOORSTEP_KEY)
    return NotesSettings(
        int(months) if months else rules.NOTES_MONTHS,
        int(days) if days else rules.DOORSTEP_DAYS,
    )


def save_notes_settings(ctx: Context, settings: NotesSettings) -> None:
    ctx.require(Action.REVIEW, "retention")
    if not 1 <= settings.notes_months <= 120:
        raise ValidationError("Notes can be kept between 1 and 120 months.", "notes_months")
    if not 0 <= settings.doorstep_days <= 3650:
        raise ValidationError("Doorstep notes expire after 0 to 3650 days.", "doorstep_days")
    with ctx.store.write() as session:
        set_meta(session, NOTES_KEY, str(settings.notes_months))
        set_meta(session, DOORSTEP_KEY, str(settings.doorstep_days))
        audit.append(
            session, ctx, "settings", "retention", (),
            f"notes {settings.notes_months} months, doorstep {settings.doorstep_days} days",
        )  # fmt: skip


def expire_notes(ctx: Context, now: datetime | None = None) -> int:
    """Blank engagement summaries and KIN check-in notes past their time (see the settings).
    Automatic (the app and commands run it whenever a store opens): needs no role, writes
    nothing when nothing is due. Returns how many records it changed (audited when any)."""
    moment = now or utcnow()
    settings = notes_settings(ctx)
    day = moment.astimezone(LONDON).date()
    cutoff = add_months(day, -settings.notes_months)
    old = datetime.combine(cutoff, datetime.min.time(), LONDON)
    e, k = m.Engagement, m.KinCheckIn
    expired = or_(e.occurred_at < old)
    if settings.doorstep_days:
        doorstep = datetime.combine(
            day - timedelta(days=settings.doorstep_days), datetime.min.time(), LONDON
        )
        expired = or_(
            e.occurred_at < old, e.channel.in_(rules.DOORSTEP_CHANNELS) & (e.occurred_at < doorstep)
        )
    queries = (
        select(e).where(e.erased_at.is_(None), e.summary != "", expired),
        select(k).where(
            k.erased_at.is_(None),
            or_(k.concerns != "", k.suggested_priorities != ""),
            k.checked_on < cutoff,
        ),
    )
    total = 0
    for stmt in queries:
        with ctx.store.read() as session:  # most days there is nothing: write nothing then
            if session.scalars(stmt.limit(1)).first() is None:
                continue
        while True:
            with ctx.store.write() as session:
                rows = session.scalars(stmt.limit(erasure.CHUNK)).all()
                if not rows:
                    break
                erased = erasure.erase_rows(ctx, session, rows)
                total += sum(len(ids) for ids in erased.values())
    if total:
        audit.record(ctx, "expiry", "engagements", (), f"{total} notes expired")
        erasure.purge_traces(ctx)
    return total


class Retention:
    """Retention review and erasure, as the app and the command line reach them."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    @use_case(Action.REVIEW, effect=Effect.READ, kind="retention")
    def queue(self, today: date | None = None) -> ReviewQueue:
        return review_queue(self.ctx, today)

    @use_case(Action.REVIEW, "review", kind="retention")
    def keep(self, kind: str, row_id: str, reason: str, until: date) -> Changes:
        return keep(self.ctx, kind, row_id, reason, until)

    @use_case(Action.REVIEW, "disposal", kind="retention")
    def dispose(self, kind: str, row_id: str) -> Disposal:
        return dispose(self.ctx, kind, row_id)

    @use_case(Action.ERASE, "erasure", kind="contacts")
    def erase_person(self, contact_id: str) -> erasure.Erasure:
        return erasure.erase_person(self.ctx, contact_id)

    @use_case(Action.VIEW, effect=Effect.READ, kind="retention")
    def notes_settings(self) -> NotesSettings:
        return notes_settings(self.ctx)

    @use_case(Action.REVIEW, "settings", kind="retention")
    def save_notes_settings(self, settings: NotesSettings) -> None:
        save_notes_settings(self.ctx, settings)

    @use_case(Action.REVIEW, "expiry", kind="engagements")
    def expire_notes(self) -> int:
        return expire_notes(self.ctx)
