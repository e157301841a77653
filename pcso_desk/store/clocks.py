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
    for record in session.dirty:
        if not isinstance(record, Record):
            continue
        state: Any = inspect(record)
        history = state.attrs.hlc.history
        if not history.added or not history.deleted:
            continue  # not re-stamped here: a derived refresh, or nothing changed
        clocks: dict[str, Any] = dict(record.field_clocks or {STAR: history.deleted[0]})
        changed = False
        for name in synced_columns(record.__table__):  # type: ignore[attr-defined]
            if state.attrs[name].history.has_changes():
                clocks[name] = [record.hlc, clock_of(clocks, name)[0]]
                changed = True
        if changed:
            record.field_clocks = clocks


def track_field_clocks(sessions: sessionmaker[Session]) -> None:
    event.listen(sessions, "before_flush", _stamp_field_clocks)


def _model(name: str) -> Any:
    mapper = next(m for m in Base.registry.mappers if m.local_table.name == name)  # type: ignore[attr-defined]
    return mapper.class_


@cache
def merge_flags(name: str) -> tuple[bool, bool]:
    """(append-only, conflict-checked) for a synced table, as its model declares them."""
    model = _model(name)
    return bool(model.__append_only__), bool(model.__conflict_checked__)


@cache
def erased_fields(name: str) -> frozenset[str]:
    """The fields an erasure of a `name` record sets (with `erased_at`); empty: not erasable."""
    model = _model(name)
    listed: tuple[str, ...] = model.__erase__
    if not listed:
        return frozenset()
    if listed == ERASE_ALL:
        listed = tuple(c for c in synced_columns(model.__table__) if c not in _STAMPS)
    return frozenset({*listed, ERASED})
