"""Erasure (DPA 2018 s.47): remove a person everywhere, keep published counts.

Erasing a person erases every record `person_records` finds. An erased record keeps its id,
who changed it and when, and what monthly figures count (an engagement's time, ward and
issues; a check-in's date and score; a victim case's ward and dates; a message's times); the
fields its model lists in `__erase__` are blanked (every field of the contact itself, which
also becomes a tombstone) and `erased_at` is set:

- engagements keep being counted, without their summary and without the link to the person;
- a KIN membership ends on the erasure date (if it had not ended), so past months' member
  counts stay; its check-ins lose their concerns and suggested priorities;
- a victim care case is closed on the erasure date (if open) and loses every restricted
  detail; its visits lose their notes;
- messages lose the sender, subject and text (the 24-hour response figures stay);
- sync conflict entries, review decisions and field history about erased records lose their
  values (a contact's history, every value it ever held, goes with it).

Sync carries an erasure like any change, but absorbingly (`sync.merge`): no station or hub
can bring the data back, and a record that reaches this station linked to an erased person
after the erasure (made on a station that had not heard of it) is erased on arrival
(`enforce_erasures`). Afterwards the search index is rebuilt and the WAL checkpointed and
truncated; with SQLite's secure_delete on, no copy of the old values stays in the store.
The audit log gets one "erasure" entry with the contact's id and the number of records.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Table, select, text
from sqlalchemy.orm import Session

from pcso_desk.domain.enums import CaseStatus
from pcso_desk.domain.errors import ValidationError
from pcso_desk.domain.permissions import Action
from pcso_desk.services.context import Changes, Context
from pcso_desk.services.protection import audit
from pcso_desk.services.protection.person_records import person_records
from pcso_desk.services.records import derived
from pcso_desk.services.records.coerce import LONDON
from pcso_desk.store import models as m
from pcso_desk.store.base import utcnow
from pcso_desk.store.clocks import ERASED, erased_fields

CHUNK = 500
# Tables whose entries name another record by (table_name, row_id): they follow its erasure.
_ABOUT_RECORDS: tuple[Any, ...] = (m.SyncConflict, m.RetentionReview, m.FieldHistory)


@dataclass(frozen=True)
class Erasure:
    """What an erasure did: records erased, per kind."""

    contact_id: str
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def changes(self) -> Changes:
        """The person leaves every list (what hangs off them goes with them)."""
        return Changes("contacts", deleted=(self.contact_id,))


def blank_value(column: Any) -> Any:
    """What an erasure leaves in a column: its default, else None or ''."""
    default = column.default
    if default is not None and default.is_scalar:
        return default.arg
    if default is not None and default.is_callable:
        return default.arg(None)
    if column.nullable:
        return None
    return ""


def _erased_value(row: Any, name: str, now: datetime, today: date) -> Any:
    """What an erasure leaves in `name`: a blank, or for a few fields an ending."""
    if name in ("deleted_at", "closed_at", "resolved_at"):
        return getattr(row, name) or now
    if name == "left_on":
        return min(row.left_on or today, today)
    if name == "status" and isinstance(row, m.VictimCase):
        return CaseStatus.CLOSED
    return blank_value(row.__table__.c[name])


def erase_row(ctx: Context, row: Any, now: datetime, today: date) -> bool:
    """Blank what the row's model lists in `__erase__`; False when it was erased already."""
    if row.erased_at is not None:
        return False
    table: Table = row.__table__
    for name in sorted(erased_fields(table.name) - {ERASED}):
        setattr(row, name, _erased_value(row, name, now, today))
    row.erased_at = now
    ctx.stamp(row, creating=False, now=now)
    return True


def erase_rows(ctx: Context, session: Session, rows: Iterable[Any]) -> dict[str, list[str]]:
    """Erase `rows` and the conflict entries and review decisions about them; derived dates
    brought up to date. Returns the ids erased, per table."""
    now = utcnow()
    today = now.astimezone(LONDON).date()
    rows = list(rows)
    erased: dict[str, list[str]] = {}
    for row in rows:
        if erase_row(ctx, row, now, today):
            erased.setdefault(row.__tablename__, []).append(row.id)
    for model in _ABOUT_RECORDS:
        for table, ids in list(erased.items()):
            for start in range(0, len(ids), CHUNK):
                about = session.scalars(
                    select(model).where(
                        model.table_name == table,
                        model.row_id.in_(ids[start : start + CHUNK]),
                        model.erased_at.is_(None),
                    )
                ).all()
                for entry in about:
                    # A record's field history goes with it, uncounted: it is the record's.
                    if erase_row(ctx, entry, now, today) and model is not m.FieldHistory:
                        erased.setdefault(entry.__tablename__, []).append(entry.id)
    session.flush()
    for row in rows:
        if isinstance(row, m.VictimCase):
            derived.refresh_case(session, row)
        elif isinstance(row, m.KinMember):
            derived.refresh_member(session, row)
    session.flush()
    return erased


def erase_person(ctx: Context, contact_id: str) -> Erasure:
    """Erase everything the store holds about one person (see the module's description)."""
    ctx.require(Action.ERASE, "contacts", (contact_id,))
    with ctx.store.write() as session:
        found = person_records(session, contact_id)
        if found.person.erased_at is not None:
            raise ValidationError("This person's data has been erased already.")
        erased = erase_rows(ctx, session, found.rows())
        counts = {table: len(ids) for table, ids in erased.items()}
        total = sum(counts.values())
        audit.append(
            session, ctx, "erasure", "contacts", (found.person.id,), f"{total} records erased"
        )
    purge_traces(ctx)
    return Erasure(found.person.id, counts)


def enforce_erasures(ctx: Context, session: Session) -> dict[str, list[str]]:
    """Erase records that arrived linked to something erased (made on a station that had not
    yet heard of the erasure). Run after every merge; cheap when nothing was ever erased."""
    erased: dict[str, list[str]] = {}

    def add(more: dict[str, list[str]]) -> None:
        for table, ids in more.items():
            erased.setdefault(table, []).extend(ids)

    people = session.scalars(select(m.Contact.id).where(m.Contact.erased_at.is_not(None))).all()
    for start in range(0, len(people), CHUNK):
        chunk = people[start : start + CHUNK]
        for contact_id in _with_unerased_links(session, chunk):
            add(erase_rows(ctx, session, person_records(session, contact_id).rows()))
    for child, key, parent in (
        (m.KinCheckIn, m.KinCheckIn.member_id, m.KinMember),
        (m.VictimContact, m.VictimContact.case_id, m.VictimCase),
    ):
        late = session.scalars(
            select(child)
            .join(parent, parent.id == key)
            .where(parent.erased_at.is_not(None), child.erased_at.is_(None))
        ).all()
        add(erase_rows(ctx, session, late))
    for model in _ABOUT_RECORDS:
        for table in {t for (t,) in session.execute(select(model.table_name).distinct())}:
            target = m.Base.metadata.tables.get(table)
            if target is None or not erased_fields(table):
                continue
            late = session.scalars(
                select(model).where(
                    model.table_name == table,
                    model.erased_at.is_(None),
                    model.row_id.in_(select(target.c.id).where(target.c.erased_at.is_not(None))),
                )
            ).all()
            add(erase_rows(ctx, session, late))
    return erased


def _with_unerased_links(session: Session, people: Sequence[str]) -> set[str]:
    """Which of these erased contacts have records still linked to them unerased."""
    found: set[str] = set()
    for key, model in (
        (m.EngagementContact.contact_id, m.EngagementContact),
        (m.KinMember.contact_id, m.KinMember),
        (m.VictimCase.victim_id, m.VictimCase),
        (m.Message.contact_id, m.Message),
        (m.Contact.merged_into_id, m.Contact),
    ):
        found |= {
            str(c)
            for c in session.scalars(
                select(key).where(key.in_(people), model.erased_at.is_(None)).distinct()
            )
        }
    return found


def purge_traces(ctx: Context) -> None:
    """After an erasure: rebuild the contacts search index (dropping the erased words from
    its segments) and, once the erasure has committed, checkpoint the WAL into the store and
    truncate it."""
    with ctx.store.write() as session:
        session.execute(text("INSERT INTO contacts_fts(contacts_fts) VALUES('optimize')"))
    ctx.store.after_commit(lambda: _checkpoint(ctx))


def _checkpoint(ctx: Context) -> None:
    for _attempt in range(20):
        with ctx.store.engine.connect() as conn:
            busy = conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").first()
        if busy is None or not busy[0]:
            return
        time.sleep(0.1)  # a reader of the old pages is finishing; the next try will do
