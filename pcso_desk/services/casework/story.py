"""A person's whole story in one place (`services.story`): the contact pane's timeline, and
which contacts an engagement was with.

The timeline gathers, newest first, everything the store holds about one contact:

- engagements they were with (`engagement_contacts`);
- KIN memberships (the day they joined, and left) and each check-in of those memberships;
- messages from them (`messages.contact_id`);
- victim cases where they are the victim (`victim_cases.victim_id`): restricted, so listed
  only for a role that may see victim care, and read through `victim_cases`, a use case of
  its own audited like every restricted read (the kind and how many cases, never a word of
  them). A role that may not see victim care gets the rest of the story, with no refusal
  logged and no hint that a case exists.

Meetings count their attendance as a number; nothing records who attended, so meetings are
not part of a person's story.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from pcso_desk.domain.errors import NotFoundError, ValidationError
from pcso_desk.domain.permissions import Action
from pcso_desk.services.context import Changes, Context
from pcso_desk.services.gateway import Effect, note, use_case
from pcso_desk.services.records import specs
from pcso_desk.services.records.service import RecordService
from pcso_desk.store import models as m
from pcso_desk.store.base import utcnow

SUMMARY_CHARS = 90  # a timeline line is one line: longer words are cut with an ellipsis


@dataclass(frozen=True)
class StoryItem:
    """One line of a contact's timeline. `kind` and `record_id` name the record itself;
    `open_kind` and `open_id` the record a front end opens for it (a KIN membership or
    check-in opens its network, whose screen lists its members and check-ins)."""

    when: datetime  # aware (UTC); a day-only record (a check-in) at midnight UTC
    what: str  # "Engagement", "KIN check-in", ...
    summary: str  # one line
    kind: str
    record_id: str
    open_kind: str
    open_id: str


def _moment(value: date | datetime) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    return datetime.combine(value, time(), tzinfo=UTC)


def _label(value: Any) -> str:
    return str(getattr(value, "value", value) or "").replace("_", " ").capitalize()


def _line(*parts: Any) -> str:
    text = " — ".join(str(p).strip() for p in parts if p and str(p).strip())
    text = " ".join(text.split())  # one line: no newlines from a summary or concerns
    return text if len(text) <= SUMMARY_CHARS else text[: SUMMARY_CHARS - 1].rstrip() + "…"


def _item(
    when: Any, what: str, summary: str, kind: str, rid: str, opens: tuple[str, str] | None = None
) -> StoryItem:
    open_kind, open_id = opens or (kind, rid)
    return StoryItem(_moment(when), what, summary, kind, rid, open_kind, open_id)


def _live(model: Any) -> Any:
    return model.deleted_at.is_(None)


def _engagements(session: Session, contact_id: str) -> list[StoryItem]:
    found = session.execute(
        select(m.Engagement)
        .join(m.EngagementContact, m.EngagementContact.engagement_id == m.Engagement.id)
        .where(
            m.EngagementContact.contact_id == contact_id,
            _live(m.EngagementContact),
            _live(m.Engagement),
        )
        .distinct()
    ).scalars()
    return [
        _item(e.occurred_at, "Engagement", _line(_label(e.channel), e.summary), "engagements", e.id)
        for e in found
    ]


def _kin(session: Session, contact_id: str) -> list[StoryItem]:
    members = session.execute(
        select(m.KinMember, m.Kin.name)
        .join(m.Kin, m.Kin.id == m.KinMember.kin_id)
        .where(m.KinMember.contact_id == contact_id, _live(m.KinMember))
    ).all()
    items: list[StoryItem] = []
    names = {member.id: name for member, name in members}
    kins = {member.id: member.kin_id for member, _ in members}
    for member, name in members:
        opens = ("kins", member.kin_id)  # the network's screen, where its members are
        joined = _line(f"Joined {name}", member.represents)
        items.append(_item(member.joined_on, "KIN member", joined, "kin_members", member.id, opens))
        if member.left_on is not None:
            left = f"Left {name}"
            items.append(_item(member.left_on, "KIN member", left, "kin_members", member.id, opens))
    if names:
        checkins = session.execute(
            select(m.KinCheckIn).where(m.KinCheckIn.member_id.in_(names), _live(m.KinCheckIn))
        ).scalars()
        for c in checkins:
            summary = _line(
                names[c.member_id], _label(c.method), f"feels safe {c.safety_score}/5", c.concerns
            )
            opens = ("kins", kins[c.member_id])
            items.append(_item(c.checked_on, "KIN check-in", summary, "kin_checkins", c.id, opens))
    return items


def _messages(session: Session, contact_id: str) -> list[StoryItem]:
    found = session.execute(
        select(m.Message).where(m.Message.contact_id == contact_id, _live(m.Message))
    ).scalars()
    return [
        _item(x.received_at, "Message", _line(_label(x.kind), x.subject), "messages", x.id)
        for x in found
    ]


def _victim_case_ids(session: Session, contact_id: str) -> list[str]:
    """Whether the person has victim cases, by id only: no restricted field is read."""
    stmt = select(m.VictimCase.id).where(m.VictimCase.victim_id == contact_id, _live(m.VictimCase))
    return [str(i) for i in session.execute(stmt).scalars()]


class Story:
    """A contact's timeline, and the contacts an engagement was with."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    @use_case(Action.VIEW, effect=Effect.READ, kind="contacts")
    def timeline(self, contact_id: str) -> list[StoryItem]:
        """Everything about one contact, newest first; victim cases only for a role that
        may see victim care (that part read, and audited, through `victim_cases`)."""
        with self.ctx.store.read() as session:
            contact = session.get(m.Contact, contact_id)
            if contact is None or contact.deleted_at is not None:
                raise NotFoundError("That contact no longer exists; it may have been deleted.")
            items = [
                *_engagements(session, contact_id),
                *_kin(session, contact_id),
                *_messages(session, contact_id),
            ]
            has_cases = bool(_victim_case_ids(session, contact_id))
        if has_cases and self.ctx.may(Action.VIEW_RESTRICTED):
            items.extend(self.victim_cases(contact_id))
        return sorted(items, key=lambda item: (item.when, item.record_id), reverse=True)

    @use_case(Action.VIEW, "list", effect=Effect.READ, kind="victim_cases")
    def victim_cases(self, contact_id: str) -> list[StoryItem]:
        """The victim cases of one contact as timeline lines: restricted, and audited with the
        cases' ids and how many (never their words)."""
        with self.ctx.store.read() as session:
            cases = session.execute(
                select(m.VictimCase).where(
                    m.VictimCase.victim_id == contact_id, _live(m.VictimCase)
                )
            ).scalars()
            items = [
                _item(
                    case.opened_at,
                    "Victim case",
                    _line(case.offence_type, case.crime_reference, _label(case.status)),
                    "victim_cases",
                    case.id,
                )
                for case in cases
            ]
        note([i.record_id for i in items], f"{len(items)} victim case(s) on a contact's story")
        return items

    @use_case(Action.CREATE, "create", kind="engagements")
    def add_engagement(self, values: dict[str, Any], contact_ids: Sequence[str]) -> Changes:
        """The engagement editor's save of a new engagement with the contacts it was with, in
        one unit of work: both, or neither."""
        engagements = RecordService(self.ctx, specs.ENGAGEMENTS)
        with self.ctx.store.write() as session:
            changes = engagements.create(values)
            _link(self.ctx, session, changes.created[0], contact_ids)
            note(changes.created)
        return changes

    @use_case(Action.CHANGE, "change", kind="engagements")
    def change_engagement(
        self, record_id: str, values: dict[str, Any], contact_ids: Sequence[str]
    ) -> Changes:
        """The engagement editor's save of an existing engagement: its fields, and exactly
        `contact_ids` as the contacts it was with. Adding a contact needs only the change
        right; removing one deletes its link (a tombstone that reaches other stations, which
        accept a deletion only from a role with the delete right), so it needs that right
        too, and a role without it is refused before anything is saved."""
        engagements = RecordService(self.ctx, specs.ENGAGEMENTS)
        with self.ctx.store.write() as session:
            note((record_id,))
            changes = engagements.update(record_id, values)
            linked = _link(self.ctx, session, record_id, contact_ids)
        if linked and not changes:
            return Changes("engagements", updated=(record_id,))
        return changes


def _link(
    ctx: Context, session: Session, engagement_id: str, contact_ids: Sequence[str]
) -> Changes:
    wanted = list(dict.fromkeys(c for c in contact_ids if c))
    engagement = session.get(m.Engagement, engagement_id)
    if engagement is None or engagement.deleted_at is not None:
        raise NotFoundError("That engagement no longer exists; it may have been deleted.")
    for contact_id in wanted:
        contact = session.get(m.Contact, contact_id)
        if contact is None or contact.deleted_at is not None or contact.merged_into_id:
            raise ValidationError(
                "One of the contacts chosen no longer exists; choose them again.", "contact_ids"
            )
    live_links = select(m.EngagementContact).where(
        m.EngagementContact.engagement_id == engagement_id, _live(m.EngagementContact)
    )
    links = list(session.execute(live_links).scalars())
    have = {link.contact_id for link in links}
    service = RecordService(ctx, specs.ENGAGEMENT_CONTACTS)
    created = tuple(
        service.create({"engagement_id": engagement_id, "contact_id": c}).created[0]
        for c in wanted
        if c not in have
    )
    removed = [link for link in links if link.contact_id not in wanted]
    if removed:
        ctx.require(Action.DELETE, "engagement_contacts", tuple(link.id for link in removed))
    deleted: list[str] = []
    for link in removed:
        link.deleted_at = utcnow()
        ctx.stamp(link, creating=False)
        deleted.append(link.id)
    session.flush()
    if deleted:  # the caller's entry says so (the links it added join it as they are made)
        note((engagement_id, *deleted), f"{len(deleted)} contact link(s) removed")
    return Changes("engagement_contacts", created=created, deleted=tuple(deleted))
