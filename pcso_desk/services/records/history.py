"""A record's history: each field's values over time, the losing ones included, and a value
brought back.

The values come from field history (`store/history.py`): every value an edit, a bundle, the
hub or a sergeant's choice overwrote, on any station, with who set it, on which station and
when. The record's value now closes each field's list. Reading a victim care record's history
is a restricted read (audited by the Services surface); restoring a value is an ordinary
change of the record, made by someone who may change it, with its own history and audit.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from pcso_desk.domain.errors import NotFoundError, ValidationError
from pcso_desk.services.context import Changes, Context
from pcso_desk.services.gateway import note
from pcso_desk.services.records.coerce import label_of
from pcso_desk.services.sync.apply import refresh_derived
from pcso_desk.services.sync.queue import Names, clock_time, record_title
from pcso_desk.services.sync.screen import record_label
from pcso_desk.store import models as m
from pcso_desk.store.base import utcnow
from pcso_desk.store.clocks import keeps_history, synced_table
from pcso_desk.store.history import BOOKKEEPING, HISTORY_TABLE
from pcso_desk.sync.local import load_item, write_local_change
from pcso_desk.sync.merge import changed_by


@dataclass(frozen=True)
class PastValue:
    """One value a field held: `entry_id` names it for a restore (None: the value now)."""

    field: str  # the stored name, e.g. "venue"
    label: str  # "Venue"
    text: str  # the value as a person reads it
    when: datetime | None  # when it was set
    who: str  # "Sgt Ada Example, Station B" (officer, station)
    current: bool
    entry_id: str | None


@dataclass(frozen=True)
class RecordHistory:
    kind: str
    record_id: str
    record: str  # "meeting Ward panel" (the kind and its title)
    values: list[PastValue]  # field by field (fields in the record's order), newest first

    def fields(self) -> list[str]:
        return list(dict.fromkeys(v.field for v in self.values))


def record_history(ctx: Context, kind: str, record_id: str) -> RecordHistory:
    """Every field that has had more than one value, each with its values, newest first."""
    table = _history_table(kind)
    with ctx.store.read() as session:
        item = load_item(session, kind, record_id)
        if item is None:
            raise NotFoundError(f"There is no {record_label(kind)} with id {record_id}.")
        entries = session.scalars(
            select(m.FieldHistory).where(
                m.FieldHistory.table_name == kind,
                m.FieldHistory.row_id == record_id,
                m.FieldHistory.erased_at.is_(None),
                m.FieldHistory.deleted_at.is_(None),
            )
        ).all()
        names = Names(session, ctx)
        values: list[PastValue] = []
        order = [c.name for c in table.columns]
        by_field: dict[str, list[m.FieldHistory]] = {}
        for entry in entries:
            if entry.field_name in item.values:
                by_field.setdefault(entry.field_name, []).append(entry)
        for name in sorted(by_field, key=order.index):
            now_clock = item.clock(name)[0]
            values.append(
                PastValue(
                    name,
                    _field_label(kind, name),
                    _text(item.values[name]),
                    clock_time(now_clock),
                    names.who(changed_by(item, name), now_clock),
                    True,
                    None,
                )
            )
            past = sorted(by_field[name], key=lambda e: e.value_clock, reverse=True)
            for entry in past:
                if entry.value_clock == now_clock:
                    continue  # the value now, kept when it lost once and won again since
                values.append(
                    PastValue(
                        name,
                        _field_label(kind, name),
                        _text(json.loads(entry.value)),
                        clock_time(entry.value_clock),
                        names.who(entry.value_by, entry.value_clock),
                        False,
                        entry.id,
                    )
                )
        return RecordHistory(kind, record_id, record_title(session, kind, record_id), values)


def restore_value(ctx: Context, kind: str, entry_id: str) -> Changes:
    """Make a value from a record's history its value again (a change like any edit: the
    value it replaces joins the history)."""
    _history_table(kind)
    with ctx.store.write() as session:
        entry = session.get(m.FieldHistory, entry_id)
        if entry is None or entry.erased_at is not None or entry.table_name != kind:
            raise NotFoundError("That value is no longer in this record's history.")
        item = load_item(session, kind, entry.row_id)
        if item is None or item.values.get("erased_at") is not None:
            raise NotFoundError(f"The {record_label(kind)} this value belonged to is gone.")
        if item.values.get("deleted_at") is not None:
            raise ValidationError(
                f"This {record_label(kind)} was deleted; restore the record before its values."
            )
        value = _restorable(kind, entry, item.values)
        now = utcnow()
        changed = write_local_change(
            session,
            item,
            {entry.field_name: value},
            ctx.clock,
            officer=ctx.officer_id,
            role=ctx.actor.role.value if ctx.actor else None,
            now_text=now.replace(tzinfo=None).isoformat(sep=" ", timespec="seconds"),
        )
        if not changed:
            raise ValidationError(f"The {label_of(entry.field_name).lower()} is that already.")
        session.expire_all()
        refresh_derived(session, {kind: [entry.row_id]})
        note(
            (entry.row_id,),
            f"{label_of(entry.field_name)} set back to the value of {_day(entry.value_clock)}",
        )  # the Services surface writes the "restore value" entry with this
    return Changes(kind, updated=(entry.row_id,))


def _restorable(kind: str, entry: m.FieldHistory, held: dict[str, Any]) -> Any:
    """The entry's value, if it may be written back: a field of the record that a change
    may set, holding a value a change made here could hold (an entry arrives by sync, and
    a station's history is only as trustworthy as the station)."""
    from pcso_desk.services.sync.screen import rule_refusal

    name = entry.field_name
    try:
        value = json.loads(entry.value)
    except ValueError:
        value = None
    if name not in held or name in BOOKKEEPING or value is None:
        raise ValidationError("That value cannot be set back: it is not one a record can hold.")
    if rule_refusal(kind, {name}, {name: value}):
        raise ValidationError(
            f"That {_field_label(kind, name).lower()} cannot be set back: it breaks the rules "
            "an edit must follow."
        )
    return value


def _field_label(kind: str, name: str) -> str:
    """A field as its form names it ("Venue"), or its column name in words."""
    from pcso_desk.domain import kinds

    for declared in vars(kinds).values():
        if isinstance(declared, kinds.Kind) and declared.table == kind:
            found = next((f.label for f in declared.fields if f.key == name), None)
            if found:
                return found
    return label_of(name).capitalize()


def _history_table(kind: str) -> Any:
    table = synced_table(kind)
    if table is None or kind == HISTORY_TABLE or not keeps_history(kind):
        raise ValidationError(f"'{kind}' is not a kind of record with a history.")
    return table


def _text(stored: Any) -> str:
    if stored is None or stored == "":
        return "(blank)"
    if isinstance(stored, str) and stored.startswith("["):
        try:
            listed = json.loads(stored)
        except ValueError:
            return stored
        if isinstance(listed, list):
            return ", ".join(str(x) for x in listed) or "(blank)"
    if isinstance(stored, bool):
        return "yes" if stored else "no"
    return str(stored).replace("_", " ") if _is_code(stored) else str(stored)


def _is_code(stored: Any) -> bool:
    """A stored enum value (face_to_face): shown as words."""
    return isinstance(stored, str) and stored.islower() and "_" in stored and " " not in stored


def _day(clock: str) -> str:
    moment = clock_time(clock)
    return "an unknown day" if moment is None else f"{moment:%Y-%m-%d %H:%M} UTC"
