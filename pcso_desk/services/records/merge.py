"""Merging a duplicate contact into the one to keep, and undoing that merge exactly."""

from __future__ import annotations

import enum
import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from pcso_desk.domain.errors import NotFoundError, ValidationError
from pcso_desk.services.context import Changes, Context
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
    filled: dict[str, Any] = field(default_factory=dict)  # field -> value copied onto keep
    was: dict[str, Any] = field(default_factory=dict)  # field -> keep's blank before (None, "", [])

    def to_json(self) -> str:
        return json.dumps(self.__dict__)

    @classmethod
    def from_json(cls, text: str) -> MergeUndo:
        return cls(**json.loads(text))


@dataclass(frozen=True)
class MergeResult:
    changes: Changes
    undo: MergeUndo


def _plain(value: Any) -> Any:
    """A field's value as JSON keeps it: an enum member as its value."""
    return value.value if isinstance(value, enum.Enum) else value


def _live_contact(session: Session, contact_id: str) -> m.Contact:
    contact = session.get(m.Contact, contact_id)
    if contact is None or contact.deleted_at is not None or contact.merged_into_id is not None:
        raise NotFoundError("That contact no longer exists; it may have been merged or deleted.")
    return contact


def merge_contacts(ctx: Context, keep_id: str, duplicate_id: str) -> MergeResult:
    """Re-point every record of the duplicate to the kept contact and fill its blank fields."""
    if keep_id == duplicate_id:
        raise ValidationError("A contact cannot be merged into itself.")
    with ctx.store.write() as session:
        keep = _live_contact(session, keep_id)
        duplicate = _live_contact(session, duplicate_id)
        moved: dict[str, list[str]] = {}
        for model, column in REFERENCES:
            rows = session.scalars(
                select(model).where(getattr(model, column) == duplicate_id)
            ).all()
            for row in rows:
                setattr(row, column, keep_id)
                ctx.stamp(row, creating=False)
            if rows:
                moved[model.__tablename__] = [row.id for row in rows]
        filled, was = {}, {}
        for name in FILLABLE:
            if not getattr(keep, name) and getattr(duplicate, name):
                was[name] = getattr(keep, name)
                filled[name] = _plain(getattr(duplicate, name))
                setattr(keep, name, getattr(duplicate, name))
        ctx.stamp(keep, creating=False)
        record_basis(keep, duplicate, filled)  # for stations that have not heard of it yet
        duplicate.merged_into_id = keep_id
        ctx.stamp(duplicate, creating=False)
    undo = MergeUndo(keep_id, duplicate_id, moved, filled, {n: _plain(v) for n, v in was.items()})
    return MergeResult(Changes("contacts", updated=(keep_id, duplicate_id)), undo)


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
            if _plain(getattr(keep, name)) == value:
                setattr(keep, name, undo.was.get(name, None if name == "ward_id" else ""))
        duplicate.merged_into_id = None
        duplicate.merge_basis = None
        ctx.stamp(keep, creating=False)
        ctx.stamp(duplicate, creating=False)
    return Changes("contacts", updated=(undo.keep_id, undo.duplicate_id))
