"""Every record that holds one person's data: what subject access shows and erasure removes.

Which records count as the person's:

- the contact itself and every contact merged into it (`merged_into_id`, followed
  transitively): a merged duplicate is the same person. Asked for a merged-away contact,
  the search starts from the contact it was merged into;
- engagements the person is linked to through `engagement_contacts` (and those links);
- KIN memberships (`kin_members.contact_id`) and the check-ins of those memberships;
- victim care cases with the person as victim, and those cases' visits and contacts;
- messages linked to the person (`messages.contact_id`), or unlinked messages whose sender
  name (`from_name`, the only sender field) equals one of the person's names exactly,
  ignoring case and spacing.

Meetings, priorities, patrol sessions and crime figures have no link to a contact and are
not searched. Tombstoned records (and deleted engagement links) still hold data, so they are
included.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from pcso_desk.domain.errors import NotFoundError
from pcso_desk.store import models as m


@dataclass
class PersonRecords:
    """One person's records, each list oldest first."""

    person: m.Contact
    merged: list[m.Contact]
    links: list[m.EngagementContact]
    engagements: list[m.Engagement]
    members: list[m.KinMember]
    checkins: list[m.KinCheckIn]
    cases: list[m.VictimCase]
    visits: list[m.VictimContact]
    messages: list[m.Message]

    @property
    def contact_ids(self) -> list[str]:
        return [self.person.id, *(c.id for c in self.merged)]

    @property
    def names(self) -> set[str]:
        return {c.name for c in (self.person, *self.merged) if c.name}

    def rows(self) -> list[Any]:
        """Every record, contacts first."""
        return [
            self.person, *self.merged, *self.links, *self.engagements, *self.members,
            *self.checkins, *self.cases, *self.visits, *self.messages,
        ]  # fmt: skip


def words(text: str) -> str:
    """A name compared as people mean it: spacing and case ignored."""
    return " ".join(text.split()).casefold()


def owned(session: Session, key: Any, ids: Iterable[str], when: Any) -> list[Any]:
    """Rows whose `key` column is one of `ids`, oldest first (ties by id, for a stable order)."""
    model = key.class_
    stmt = select(model).where(key.in_(list(ids))).order_by(when, model.id)
    return list(session.scalars(stmt).all())


def _person(session: Session, contact_id: str) -> m.Contact:
    contact = session.get(m.Contact, contact_id)
    seen = {contact_id}
    while contact is not None and contact.merged_into_id and contact.merged_into_id not in seen:
        seen.add(contact.merged_into_id)
        contact = session.get(m.Contact, contact.merged_into_id)
    if contact is None:
        raise NotFoundError("That contact does not exist.")
    return contact


def _merged(session: Session, keep_id: str) -> list[m.Contact]:
    found: list[m.Contact] = []
    frontier, seen = [keep_id], {keep_id}
    while frontier:
        rows = session.scalars(
            select(m.Contact).where(m.Contact.merged_into_id.in_(frontier)).order_by(m.Contact.id)
        ).all()
        frontier = [r.id for r in rows if r.id not in seen]
        seen.update(frontier)
        found.extend(r for r in rows if r.id in frontier)
    return found


def person_records(session: Session, contact_id: str) -> PersonRecords:
    """Everything the store holds about the contact `contact_id` (NotFoundError if unknown)."""
    person = _person(session, contact_id)
    merged = _merged(session, person.id)
    ids = [person.id, *(c.id for c in merged)]
    ec = m.EngagementContact
    links = owned(session, ec.contact_id, ids, ec.created_at)
    engagements = owned(
        session, m.Engagement.id, {lk.engagement_id for lk in links}, m.Engagement.occurred_at
    )
    members = owned(session, m.KinMember.contact_id, ids, m.KinMember.joined_on)
    checkins = owned(
        session, m.KinCheckIn.member_id, [mb.id for mb in members], m.KinCheckIn.checked_on
    )
    cases = owned(session, m.VictimCase.victim_id, ids, m.VictimCase.opened_at)
    visits = owned(
        session, m.VictimContact.case_id, [c.id for c in cases], m.VictimContact.contacted_at
    )
    own_words = {words(c.name) for c in (person, *merged) if c.name}
    candidates = session.scalars(
        select(m.Message)
        .where(or_(m.Message.contact_id.in_(ids), m.Message.contact_id.is_(None)))
        .order_by(m.Message.received_at, m.Message.id)
    ).all()
    messages = [
        msg
        for msg in candidates
        if msg.contact_id in ids or (msg.from_name and words(msg.from_name) in own_words)
    ]
    return PersonRecords(
        person, merged, links, engagements, members, checkins, cases, visits, messages
    )
