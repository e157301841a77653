"""The sync conflict queue: what two stations disagreed on, side by side, and a sergeant's choice.

A choice is written as an ordinary local change (new clocks), so it reaches every station,
and the queue entry itself is synced, so the conflict closes everywhere. The side not chosen
stays in the entry: nothing is lost.
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


@dataclass(frozen=True)
class ConflictView:
    id: str
    kind: str  # "field" or "deletion"
    record: str  # "victim case CR/1234/26"
    field: str  # "service level", or "" for a deletion
    a: Side  # what sync kept for now
    b: Side  # what it set aside
    resolved: bool
    chosen: str
    resolved_at: datetime | None
    resolved_by: str


def list_conflicts(ctx: Context, *, include_resolved: bool = False) -> list[ConflictView]:
    ctx.require(Action.SYNC, "sync_conflicts")
    with ctx.store.read() as session:
        stmt = select(m.SyncConflict).where(m.SyncConflict.deleted_at.is_(None))
        if not include_resolved:
            stmt = stmt.where(m.SyncConflict.chosen == "")
        rows = session.scalars(stmt.order_by(m.SyncConflict.created_at.desc())).all()
        names = Names(session, ctx)
        return [_view(session, row, names) for row in rows]


def resolve_conflict(ctx: Context, conflict_id: str, choice: str) -> Changes:
    """Keep side `choice` ("a" or "b"): write it to the record and close the entry."""
    ctx.require(Action.RESOLVE_CONFLICTS, "sync_conflicts", (conflict_id,))
    if choice not in ("a", "b"):
        raise ValidationError("Choose one of the two sides (a or b).")
    with ctx.store.write() as session:
        row = session.get(m.SyncConflict, conflict_id)
        if row is None or row.deleted_at is not None:
            raise NotFoundError("That conflict no longer exists.")
        if row.chosen:
            raise ValidationError("That conflict has already been settled.")
        target = load_item(session, row.table_name, row.row_id)
        if target is None:
            raise NotFoundError("The record this conflict is about no longer exists here.")
        now = utcnow()
        now_text = now.replace(tzinfo=None).isoformat(sep=" ", timespec="seconds")
        edits = _edits(row, choice)
        role = ctx.actor.role.value if ctx.actor else None
        changed = write_local_change(
            session, target, edits, ctx.clock, officer=ctx.officer_id, role=role, now_text=now_text
        )
        if changed:
            session.expire_all()
            refresh_derived(session, {row.table_name: [row.row_id]})
        entry = load_item(session, "sync_conflicts", row.id)
        assert entry is not None
        resolution = {"chosen": choice, "resolved_at": now_text, "resolved_by": ctx.officer_id}
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


def _edits(row: m.SyncConflict, choice: str) -> dict[str, Any]:
    if row.kind == "field":
        value = json.loads(row.a_value if choice == "a" else row.b_value)
        return {row.field_name: value}
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


def _view(session: Session, row: m.SyncConflict, names: Names) -> ConflictView:
    def side(value: str, clock: str, by: str | None, deletion: bool) -> Side:
        return Side(_text(row, value, deletion), clock_time(clock), names.who(by, clock))

    return ConflictView(
        id=row.id,
        kind=row.kind,
        record=record_title(session, row.table_name, row.row_id),
        field=label_of(row.field_name) if row.field_name else "",
        a=side(row.a_value, row.a_clock, row.a_by, row.kind == "deletion"),
        b=side(row.b_value, row.b_clock, row.b_by, False),
        resolved=bool(row.chosen),
        chosen=row.chosen,
        resolved_at=row.resolved_at,
        resolved_by=names.who(row.resolved_by, row.hlc) if row.chosen else "",
    )


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
