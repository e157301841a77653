"""Which tables and columns sync carries, and the per-field clocks every local change leaves.

A local change is stamped by `Context.stamp` (a new `hlc`); the `before_flush` hook here
then records, for each column that changed, the change's clock and the clock of the value
it replaced. That is what lets sync merge field by field and tell a concurrent edit (a
conflict) from a later one (no conflict). Sync itself writes rows with Core statements and
sets `field_clocks` itself, so this hook never sees its writes.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from sqlalchemy import Table, event, inspect
from sqlalchemy.orm import Session, sessionmaker

from pcso_desk.store.base import ERASE_ALL, Base, Record

CLOCK_KEY = "clock_high_water"
STAR = "*"  # the clock of every field not listed on its own
_NOT_FIELDS = frozenset({"id", "hlc", "field_clocks"})
ERASED = "erased_at"
# Who changed a record and when: kept on an erased record (ids and times, no one's data).
_STAMPS = frozenset({"created_at", "created_by", "updated_at", "updated_by", "station_id"})


@cache
def synced_tables() -> tuple[Table, ...]:
    """Every synced table, parents before children (so inserts meet their references)."""
    import pcso_desk.store.models  # noqa: F401  (every model registered before the cache fills)

    return tuple(
        table
        for table in Base.metadata.sorted_tables
        if "field_clocks" in table.c and table.info.get("sync", True)
    )


@cache
def synced_table(name: str) -> Table | None:
    return next((t for t in synced_tables() if t.name == name), None)


@cache
def synced_columns(table: Table) -> tuple[str, ...]:
    """The columns a change carries: all but the key, the local clocks and derived fields."""
    return tuple(
        c.name for c in table.columns if c.name not in _NOT_FIELDS and c.info.get("sync", True)
    )


def clock_of(clocks: dict[str, Any], name: str) -> tuple[str, str]:
    """(clock of the field's last change, clock of the value that change replaced)."""
    entry = clocks.get(name)
    if isinstance(entry, list):
        return str(entry[0]), str(entry[1])
    return str(clocks.get(STAR, "")), ""


def _stamp_field_clocks(session: Session, _context: Any, _instances: Any) -> None:
    kept: list[dict[str, Any]] = []
    for record in session.dirty:
        if not isinstance(record, Record):
            continue
        state: Any = inspect(record)
        history = state.attrs.hlc.history
        if not history.added or not history.deleted:
            continue  # not re-stamped here: a derived refresh, or nothing changed
        before: dict[str, Any] = dict(record.field_clocks or {STAR: history.deleted[0]})
        clocks = dict(before)
        changed = []
        for name in synced_columns(record.__table__):  # type: ignore[attr-defined]
            if state.attrs[name].history.has_changes():
                clocks[name] = [record.hlc, clock_of(before, name)[0]]
                changed.append(name)
        if changed:
            record.field_clocks = clocks
            if record.erased_at is None:  # an erasure keeps nothing of what it blanked
                kept += _overwritten(session, record, state, before, changed)
    if kept:
        from pcso_desk.store.history import keep_entries

        keep_entries(session.connection(), kept)


def _overwritten(
    session: Session, record: Any, state: Any, before: dict[str, Any], names: list[str]
) -> list[dict[str, Any]]:
    """The history entries (stored values) for the values this edit of `record` overwrote."""
    from pcso_desk.store.history import history_values, worth_keeping

    table = record.__table__
    dialect = session.get_bind().dialect
    by_then = _earlier(state, "updated_by")
    by_clock = clock_of(before, "updated_by")[0]
    rows = []
    for name in names:
        old = state.attrs[name].history.deleted
        if not old:
            continue
        stored = _stored(table.c[name], old[0], dialect)
        if not worth_keeping(table.name, name, stored):
            continue
        clock = clock_of(before, name)[0]
        by = by_then if by_clock == clock else None
        values = history_values(table.name, record.id, name, stored, clock, by)
        rows.append({**values, "hlc": record.hlc, "field_clocks": {STAR: clock}})
    return rows


def _earlier(state: Any, name: str) -> Any:
    """An attribute's value before this flush's change to it (its value, if unchanged)."""
    history = state.attrs[name].history
    if history.deleted:
        return history.deleted[0]
    return history.unchanged[0] if history.unchanged else None


def _stored(column: Any, value: Any, dialect: Any) -> Any:
    """`value` as the store holds it (the text of a date, an enum's value, a list's JSON)."""
    process = column.type.dialect_impl(dialect).bind_processor(dialect)
    return process(value) if process is not None and value is not None else value


def track_field_clocks(sessions: sessionmaker[Session]) -> None:
    event.listen(sessions, "before_flush", _stamp_field_clocks)


def _model(name: str) -> Any:
    mapper = next(m for m in Base.registry.mappers if m.local_table.name == name)  # type: ignore[attr-defined]
    return mapper.class_


@cache
def merge_flags(name: str) -> tuple[bool, frozenset[str]]:
    """(append-only, the fields whose concurrent values are conflicts) for a synced table,
    as its model declares them."""
    model = _model(name)
    checked = model.__conflict_checked__
    if checked is True:
        fields = frozenset(synced_columns(model.__table__))
    else:
        fields = frozenset(checked or ())
    return bool(model.__append_only__), fields


@cache
def keeps_history(name: str) -> bool:
    """Whether values overwritten in table `name` are kept in field_history."""
    return bool(_model(name).__field_history__)


@cache
def erased_fields(name: str) -> frozenset[str]:
    """The fields an erasure of a `name` record sets (with `erased_at`); empty: not erasable."""
    model = _model(name)
    listed: tuple[str, ...] = model.__erase__
    if not listed:
        return frozenset()
    if listed == ERASE_ALL:
        keeps = _STAMPS | set(model.__erase_keeps__)
        listed = tuple(c for c in synced_columns(model.__table__) if c not in keeps)
    return frozenset({*listed, ERASED})
