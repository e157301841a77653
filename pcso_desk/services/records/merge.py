"""Merging a duplicate contact into the one to keep, and undoing that merge exactly."""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from pcso_desk.domain.carry import carried, checked_take, is_blank, plain
from pcso_desk.domain.errors import NotFoundError, ValidationError
from pcso_desk.services.context import Changes, Context
from pcso_desk.services.records import specs
from pcso_desk.services.records.coerce import coerce
from pcso_desk.services.records.follow import REFERENCES, record_basis
from pcso_desk.services.records.specs import CONTACT_FILLABLE
from pcso_desk.store import models as m

FILLABLE = CONTACT_FILLABLE


@dataclass(frozen=True)
class MergeUndo:
    """Everything needed to put two contacts back as they were before a merge."""

    keep_id: str
    duplicate_id: str
    moved: dict[str, list[str]] = field(default_factory=dict)  # table -> row ids re-pointed
    filled: dict[str, Any] = field(default_factory=dict)  # field -> value the merge set on keep
    was: dict[str, Any] = field(default_factory=dict)  # field -> keep's value before (or blank)

    def to_json(self) -> str:
        return json.dumps(self.__dict__)

    @classmethod
    def from_json(cls, text: str) -> MergeUndo:
        return cls(**json.loads(text))


@dataclass(frozen=True)
class MergeResult:
    changes: Changes
    undo: MergeUndo


def live_contact(session: Session, contact_id: str) -> m.Contact:
    contact = session.get(m.Contact, contact_id)
    if contact is None or contact.deleted_at is not None or contact.merged_into_id is not None:
        raise NotFoundError("That contact no longer exists; it may have been merged or deleted.")
    return contact


def _move_references(
    ctx: Context, session: Session, keep_id: str, duplicate_id: str
) -> dict[str, list[str]]:
    """Re-point every record that refers to the duplicate; table -> the row ids moved."""
    moved: dict[str, list[str]] = {}
    for model, column in REFERENCES:
        rows = session.scalars(select(model).where(getattr(model, column) == duplicate_id)).all()
        for row in rows:
            setattr(row, column, keep_id)
            ctx.stamp(row, creating=False)
        if rows:
            moved[model.__tablename__] = [row.id for row in rows]
    return moved


def _values(contact: m.Contact) -> dict[str, Any]:
    return {name: getattr(contact, name) for name in FILLABLE}


def merge_contacts(
    ctx: Context, keep_id: str, duplicate_id: str, take: Collection[str] | None = None
) -> MergeResult:
    """Re-point every record of the duplicate to the kept contact and carry its values onto
    it by the one rule of domain/carry.py: blanks filled, tags united, and the fields named
    in `take` from the duplicate even where the kept contact has a value (None: fill blanks).

    The undo records every value the merge set and what the field held before, blank or not.
    """
    if keep_id == duplicate_id:
        raise ValidationError("A contact cannot be merged into itself.")
    taken = checked_take(take)
    with ctx.store.write() as session:
        keep = live_contact(session, keep_id)
        duplicate = live_contact(session, duplicate_id)
        moved = _move_references(ctx, session, keep_id, duplicate_id)
        chosen = carried(_values(keep), _values(duplicate), taken)  # field -> keep's new value
        was = {name: plain(getattr(keep, name)) for name in chosen}
        for name, value in chosen.items():
            setattr(keep, name, value)
        ctx.stamp(keep, creating=False)
        record_basis(keep, duplicate, chosen)  # for stations that have not heard of it yet
        duplicate.merged_into_id = keep_id
        ctx.stamp(duplicate, creating=False)
    filled = {name: plain(value) for name, value in chosen.items()}
    undo = MergeUndo(keep_id, duplicate_id, moved, filled, was)
    return MergeResult(Changes("contacts", updated=(keep_id, duplicate_id)), undo)


def _stored(name: str, value: Any) -> Any:
    """A value kept in an undo (plain, as JSON has it) as the column holds it."""
    if is_blank(value):
        return value  # the exact blank it had: None, "" or []
    return coerce(specs.CONTACTS.columns[name], value)


def undo_merge(ctx: Context, undo: MergeUndo) -> Changes:
    """Separate the two contacts again; fields since changed on the kept contact stay changed."""
    tables = {model.__tablename__: (model, column) for model, column in REFERENCES}
    with ctx.store.write() as session:
        duplicate = session.get(m.Contact, undo.duplicate_id)
        keep = session.get(m.Contact, undo.keep_id)
        if duplicate is None or keep is None or duplicate.merged_into_id != undo.keep_id:
            raise ValidationError("That merge can no longer be undone.")
        for table, ids in undo.moved.items():
            model, column = tables[table]
            for row in session.scalars(select(model).where(model.id.in_(ids))):
                if getattr(row, column) == undo.keep_id:
                    setattr(row, column, undo.duplicate_id)
                    ctx.stamp(row, creating=False)
        for name, value in undo.filled.items():
            if plain(getattr(keep, name)) == value:  # not edited since the merge
                blank = None if name == "ward_id" else ""
                setattr(keep, name, _stored(name, undo.was.get(name, blank)))
        duplicate.merged_into_id = None
        duplicate.merge_basis = None
        ctx.stamp(keep, creating=False)
        ctx.stamp(duplicate, creating=False)
    return Changes("contacts", updated=(undo.keep_id, undo.duplicate_id))
