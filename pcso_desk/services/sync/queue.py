"""The sync conflict queue: what stations disagreed on, side by side, and a sergeant's choice.

Each entry holds two sides; when three or more stations gave one field different values,
their entries (one per pair that met somewhere) are shown as one conflict with every value,
the value the record holds for now first, and one choice settles them all. A choice is
written as an ordinary local change (new clocks), so it reaches every station, and the
entries themselves are synced, so the conflict closes everywhere. The values not chosen stay
in the entries and in the record's field history: nothing is lost.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from pcso_desk.domain.errors import NotFoundError, ValidationError
from pcso_desk.domain.hlc import Hlc
from pcso_desk.domain.permissions import Action
from pcso_desk.services.context import STATION_NAME_KEY, Changes, Context, meta_value
from pcso_desk.services.protection import audit
from pcso_desk.services.records.coerce import label_of
from pcso_desk.services.sync.apply import refresh_derived
from pcso_desk.services.sync.screen import record_label
from pcso_desk.store import models as m
from pcso_desk.store.base import utcnow
from pcso_desk.store.clocks import synced_table
from pcso_desk.sync.local import load_item, write_local_change

LABEL_COLUMNS = ("crime_reference", "name", "title", "code")


@dataclass(frozen=True)
class Side:
    text: str
    when: datetime | None
    who: str
    value: str = "null"  # the stored value as JSON: what a choice writes back


@dataclass(frozen=True)
class ConflictView:
    id: str
    kind: str  # "field" or "deletion"
    record: str  # "victim case CR/1234/26"
    field: str  # "service level", or "" for a deletion
    sides: tuple[Side, ...]  # what sync kept for now first, then every other value
    resolved: bool
    chosen: str  # "a", "b", ... the side kept ("" while open)
    resolved_at: datetime | None
    resolved_by: str
    entries: tuple[str, ...] = ()  # the queue entries shown as this one conflict

    @property
    def a(self) -> Side:
        return self.sides[0]

    @property
    def b(self) -> Side:
        return self.sides[1]

    @property
    def kept(self) -> Side | None:
        """The side a sergeant kept, once settled."""
        index = ord(self.chosen) - ord("a") if self.chosen else -1
        return self.sides[index] if 0 <= index < len(self.sides) else None


def list_conflicts(ctx: Context, *, include_resolved: bool = False) -> list[ConflictView]:
    ctx.require(Action.SYNC, "sync_conflicts")
    with ctx.store.read() as session:
        rows = _entries(session, include_resolved=include_resolved)
        names = Names(session, ctx)
        return [_view(session, group, names) for group in _groups(rows)]


def _entries(session: Session, *, include_resolved: bool, **where: Any) -> list[m.SyncConflict]:
    stmt = select(m.SyncConflict).where(
        m.SyncConflict.deleted_at.is_(None), m.SyncConflict.erased_at.is_(None)
    )
    if not include_resolved:
        stmt = stmt.where(m.SyncConflict.chosen == "")
    for name, value in where.items():
        stmt = stmt.where(getattr(m.SyncConflict, name) == value)
    return list(session.scalars(stmt.order_by(m.SyncConflict.created_at.desc())).all())


def _groups(rows: list[m.SyncConflict]) -> list[list[m.SyncConflict]]:
    """Entries about one field of one record (open, or settled) as one conflict; a deletion
    conflict on its own. Newest first."""
    groups: dict[tuple[Any, ...], list[m.SyncConflict]] = {}
    for row in rows:
        if row.kind == "field":
            key: tuple[Any, ...] = (row.table_name, row.row_id, row.field_name, bool(row.chosen))
        else:
            key = (row.id,)
        groups.setdefault(key, []).append(row)
    return list(groups.values())


def resolve_conflict(ctx: Context, conflict_id: str, choice: str) -> Changes:
    """Keep side `choice` ("a", "b", ... as listed): write it to the record and close every
    entry of the conflict."""
    ctx.require(Action.RESOLVE_CONFLICTS, "sync_conflicts", (conflict_id,))
    with ctx.store.write() as session:
        row = session.get(m.SyncConflict, conflict_id)
        if row is None or row.deleted_at is not None or row.erased_at is not None:
            raise NotFoundError("That conflict no longer exists.")
        if row.chosen:
            raise ValidationError("That conflict has already been settled.")
        target = load_item(session, row.table_name, row.row_id)
        if target is None:
            raise NotFoundError("The record this conflict is about no longer exists here.")
        if row.kind == "field":
            group = _entries(
                session,
                include_resolved=False,
                table_name=row.table_name,
                row_id=row.row_id,
                field_name=row.field_name,
            )
        else:
            group = [row]
        view = _view(session, group, Names(session, ctx))
        index = ord(choice) - ord("a") if len(choice) == 1 else -1
        if not 0 <= index < len(view.sides):
            letters = ", ".join(chr(ord("a") + i) for i in range(len(view.sides)))
            raise ValidationError(f"Choose one of the sides ({letters}).")
        now = utcnow()
        now_text = now.replace(tzinfo=None).isoformat(sep=" ", timespec="seconds")
        edits = _edits(row, view.sides[index], choice)
        role = ctx.actor.role.value if ctx.actor else None
        changed = write_local_change(
            session, target, edits, ctx.clock, officer=ctx.officer_id, role=role, now_text=now_text
        )
        if changed:
            session.expire_all()
            refresh_derived(session, {row.table_name: [row.row_id]})
        kept = view.sides[index].value
        for member in group:
            entry = load_item(session, "sync_conflicts", member.id)
            assert entry is not None
            letter = _letter(entry.values, kept) if row.kind == "field" else choice
            resolution = {"chosen": letter, "resolved_at": now_text, "resolved_by": ctx.officer_id}
            write_local_change(
                session,
                entry,
                resolution,
                ctx.clock,
                officer=ctx.officer_id,
                role=role,
                now_text=now_text,
            )
        audit.append(session, ctx, "resolve conflict", row.table_name, (row.row_id,), choice)
        kind = row.table_name
    return Changes(kind, updated=(row.row_id,) if changed else ())


def _letter(entry: dict[str, Any], kept: str) -> str:
    """How one entry of a conflict was settled: its side a or b, or "x" for another value."""
    if _same(entry["a_value"], kept):
        return "a"
    return "b" if _same(entry["b_value"], kept) else "x"


def _same(one: str, other: str) -> bool:
    return bool(json.loads(one) == json.loads(other))


def _edits(row: m.SyncConflict, side: Side, choice: str) -> dict[str, Any]:
    if row.kind == "field":
        return {row.field_name: json.loads(side.value)}
    if choice == "a":
        return {}  # the deletion stands
    edits: dict[str, Any] = json.loads(row.b_value)
    return {**edits, "deleted_at": None}  # restored, with the edit it missed


class Names:
    """Officer and station names for the 'who' of each side."""

    def __init__(self, session: Session, ctx: Context) -> None:
        self.officers: dict[str, str] = {
            str(key): str(name)
            for key, name in session.execute(select(m.Officer.id, m.Officer.name)).tuples()
        }
        self.stations = {p.station_id: p.name for p in session.scalars(select(m.SyncPeer))}
        self.stations[ctx.station_id] = (
            meta_value(session, STATION_NAME_KEY) or "this station"
        ) + " (this PC)"

    def who(self, officer: str | None, clock: str) -> str:
        station = Hlc.decode(clock).station if Hlc.parse(clock) else ""
        where = self.stations.get(station, "another station")
        person = self.officers.get(officer or "")
        return f"{person}, {where}" if person else where


def _view(session: Session, group: list[m.SyncConflict], names: Names) -> ConflictView:
    row = group[0]
    deletion = row.kind == "deletion"
    found: dict[str, tuple[str, str | None]] = {}  # value JSON -> (latest clock, by)
    for entry in group:
        for value, clock, by in (
            (entry.a_value, entry.a_clock, entry.a_by),
            (entry.b_value, entry.b_clock, entry.b_by),
        ):
            key = _canonical(value)
            if key not in found or clock > found[key][0]:
                found[key] = (clock, by)
    first = [_canonical(row.a_value), _canonical(row.b_value)]
    rest = sorted(set(found) - set(first), key=lambda k: found[k][0], reverse=True)
    order = first + rest  # one entry's two sides as it holds them, then any more values
    settled = [e for e in group if e.chosen]
    if not deletion and not settled:
        held = load_item(session, row.table_name, row.row_id)
        now = _canonical(json.dumps(held.values[row.field_name])) if held else None
        if now in found:  # the value the record holds for now comes first
            order.remove(now)
            order.insert(0, now)
    sides = tuple(
        Side(
            _text(row, key, deletion and i == 0),
            clock_time(found[key][0]),
            names.who(found[key][1], found[key][0]),
            key,
        )
        for i, key in enumerate(order)
    )
    chosen = ""
    if settled:
        entry = next((e for e in settled if e.chosen in ("a", "b")), settled[0])
        value = entry.a_value if entry.chosen == "a" else entry.b_value
        keys = [side.value for side in sides]
        chosen = chr(ord("a") + keys.index(_canonical(value))) if _canonical(value) in keys else ""
    return ConflictView(
        id=row.id,
        kind=row.kind,
        record=record_title(session, row.table_name, row.row_id),
        field=label_of(row.field_name) if row.field_name else "",
        sides=sides,
        resolved=bool(settled),
        chosen=chosen,
        resolved_at=settled[0].resolved_at if settled else None,
        resolved_by=names.who(settled[0].resolved_by, settled[0].hlc) if settled else "",
        entries=tuple(e.id for e in group),
    )


def _canonical(value: str) -> str:
    return json.dumps(json.loads(value), ensure_ascii=False, sort_keys=True)


def _text(row: m.SyncConflict, value: str, deletion: bool) -> str:
    if deletion:
        return "Deleted"
    loaded = json.loads(value)
    if isinstance(loaded, dict):
        return "; ".join(f"{label_of(k)}: {_plain(v)}" for k, v in loaded.items())
    return _plain(loaded)


def _plain(value: Any) -> str:
    if value is None or value == "":
        return "(blank)"
    return str(value)


def clock_time(clock: str) -> datetime | None:
    parsed = Hlc.parse(clock)
    return None if parsed is None else datetime.fromtimestamp(parsed.wall_ms / 1000, UTC)


def record_title(session: Session, table_name: str, row_id: str) -> str:
    table = synced_table(table_name)
    kind = record_label(table_name)
    if table is None:
        return kind
    column = next((table.c[n] for n in LABEL_COLUMNS if n in table.c), None)
    if column is None:
        return kind
    label = session.execute(select(column).where(table.c.id == row_id)).scalar()
    return f"{kind} {label}" if label else kind
