"""Reading changes out of, and merging changes into, this station's SQLite store.

Both work on stored values with plain SQL (no ORM): a change goes out as SQLite holds it and
comes back the same way, and nothing here can trigger the ORM's own stamping. The caller
owns the transaction: `apply_items` either runs to the end or raises, and the caller's
rollback leaves the store as it was.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from json.encoder import encode_basestring_ascii
from typing import Any

from sqlalchemy import Table
from sqlalchemy.orm import Session

from pcso_desk.domain.hlc import HybridClock
from pcso_desk.store.clocks import STAR, synced_columns, synced_tables
from pcso_desk.store.history import HISTORY_TABLE, worth_keeping
from pcso_desk.sync import natural
from pcso_desk.sync.changes import Item
from pcso_desk.sync.merge import CONFLICTS_TABLE, Conflict, Merged, history_item, merge

CHUNK = 500  # ids per SELECT ... IN (...): well under SQLite's variable limit
# Looks at each merge before it is written: (state here, change received, their merge) ->
# the merge to write, another one, or None to leave the record as it is here.
Screen = Callable[[Item | None, Item, Merged], Merged | None]


@dataclass
class Applied:
    """What merging a set of changes did here."""

    received: int = 0
    mark: str = ""  # the clock value every row written by this merge carries
    changed: dict[str, list[str]] = field(default_factory=dict)  # table -> ids
    # Kinds of which too many records changed to list their ids: table -> how many.
    whole: dict[str, int] = field(default_factory=dict)
    conflicts: list[Conflict] = field(default_factory=list)
    new_conflicts: int = 0
    history: list[Item] = field(default_factory=list)  # values the merge overwrote or set aside
    # Records that arrived erased, or were erased here on arrival (linked to an erased one).
    erased: int = 0
    refused: list[str] = field(default_factory=list)  # one sentence per change refused

    @property
    def changed_count(self) -> int:
        """Records changed here (new conflict-queue entries are counted apart)."""
        listed = sum(len(ids) for table, ids in self.changed.items() if table != CONFLICTS_TABLE)
        return listed + sum(n for table, n in self.whole.items() if table != CONFLICTS_TABLE)

    def changed_ids(self) -> dict[str, tuple[str, ...]]:
        """The ids changed per table; a kind in `whole` maps to () (all may have changed)."""
        return {
            **{table: tuple(ids) for table, ids in self.changed.items()},
            **{table: () for table in self.whole},
        }


def _quoted(names: Iterable[str]) -> str:
    return ", ".join(f'"{name}"' for name in names)


def read_changes(session: Session, since: str | None) -> Iterator[Item]:
    """Every synced record this station stored after clock `since` (None: every record).

    Rows are read a batch at a time straight from the session's DB-API cursor (the same
    connection and transaction), without a Result object per row."""
    cursor = session.connection().connection.cursor()
    try:
        for table in synced_tables():
            names = synced_columns(table)
            sql = f'SELECT id, {_quoted(names)}, hlc, field_clocks FROM "{table.name}"'
            params: tuple[Any, ...] = ()
            if since is not None:
                sql += " WHERE hlc > ?"
                params = (since,)
            cursor.execute(sql + " ORDER BY hlc, id", params)
            while rows := cursor.fetchmany(_FETCH):
                for row in rows:
                    yield _item(table.name, names, row)
    finally:
        cursor.close()


_FETCH = 2_000  # rows per fetch when reading changes out


def _item(table: str, names: tuple[str, ...], row: Sequence[Any]) -> Item:
    values = dict(zip(names, row[1:-2], strict=True))
    mark, stored = row[-2], row[-1]
    clocks = json.loads(stored) if stored else {STAR: mark}
    return Item(table, str(row[0]), values, clocks)


def _load(session: Session, table: Table, ids: list[str]) -> dict[str, Item]:
    names = synced_columns(table)
    marks = ", ".join("?" for _ in ids)
    sql = (
        f'SELECT id, {_quoted(names)}, hlc, field_clocks FROM "{table.name}" WHERE id IN ({marks})'
    )
    rows = session.connection().exec_driver_sql(sql, tuple(ids))
    return {str(row[0]): _item(table.name, names, tuple(row)) for row in rows}


def _write(session: Session, table: Table, items: list[Item], mark: str) -> None:
    names = synced_columns(table)
    columns = ("id", *names, "hlc", "field_clocks")
    updates = ", ".join(f'"{c}" = excluded."{c}"' for c in columns if c != "id")
    sql = (
        f'INSERT INTO "{table.name}" ({_quoted(columns)}) '
        f"VALUES ({', '.join('?' for _ in columns)}) "
        f"ON CONFLICT (id) DO UPDATE SET {updates}"
    )
    rows = [(item.id, *map(item.values.__getitem__, names), mark, _clocks_text(item.clocks))
            for item in items]  # fmt: skip
    session.connection().exec_driver_sql(sql, rows)


def _clocks_text(clocks: dict[str, Any]) -> str:
    """json.dumps(clocks), quicker for the usual one-clock record (the same text)."""
    if len(clocks) == 1 and STAR in clocks and isinstance(clocks[STAR], str):
        return '{"*": ' + encode_basestring_ascii(clocks[STAR]) + "}"
    return json.dumps(clocks)


def apply_items(
    session: Session,
    items: Iterable[Item],
    clock: HybridClock,
    screen: Screen | None = None,
    mark: str = "",
) -> Applied:
    """Merge `items` into the store, parents first; found conflicts join the conflict queue.
    `screen`, when given, sees every merge first and may change or drop it. `mark` (one
    clock value for every page of a paged merge) is made here when not given."""
    applied = Applied()
    by_table: dict[str, list[Item]] = {}
    for item in items:
        by_table.setdefault(item.table, []).append(item)
        applied.received += 1
    mark = mark or clock.now().encode()  # "stored here at": what the next export compares
    applied.mark = mark
    for table in synced_tables():
        # One row per natural key, whichever ids stations gave it (natural.py): rows held
        # here under an id that another folds into merge into that one first, unscreened
        # (they were accepted here already), then what arrived merges under the kept ids.
        folded = natural.fold(session, table, by_table.get(table.name, []))
        held = natural.fold_held(session, table, folded.moves, _load)
        if held:
            _apply_table(session, table, held, mark, applied)
        _apply_table(session, table, folded.items, mark, applied, screen)
    if applied.conflicts:
        queue = next(t for t in synced_tables() if t.name == CONFLICTS_TABLE)
        entries = list({c.key(): c.item() for c in applied.conflicts}.values())
        before = len(applied.changed.get(CONFLICTS_TABLE, []))
        _apply_table(session, queue, entries, mark, applied)
        applied.new_conflicts = len(applied.changed.get(CONFLICTS_TABLE, [])) - before
    if applied.history:
        kept = next(t for t in synced_tables() if t.name == HISTORY_TABLE)
        _apply_table(
            session, kept, list({i.id: i for i in applied.history}.values()), mark, applied
        )
    return applied


def _apply_table(
    session: Session,
    table: Table,
    items: list[Item],
    mark: str,
    applied: Applied,
    screen: Screen | None = None,
) -> None:
    # In id order (stable: a record's repeated items keep their order): each chunk's lookup
    # and writes then walk the id index forwards instead of jumping about it.
    items = sorted(items, key=_by_id)
    for start in range(0, len(items), CHUNK):
        chunk = items[start : start + CHUNK]
        known = _load(session, table, sorted({item.id for item in chunk}))
        to_write: dict[str, Item] = {}
        for item in chunk:
            here = known.get(item.id)
            result = merge(here, item)
            if screen is not None:
                screened = screen(here, item, result)
                if screened is None:
                    continue
                result = screened
            applied.conflicts.extend(result.conflicts)
            applied.history.extend(result.history)
            if result.changed:
                known[item.id] = to_write[item.id] = result.item
        if to_write:
            _write(session, table, list(to_write.values()), mark)
            applied.changed.setdefault(table.name, []).extend(to_write)


def _by_id(item: Item) -> str:
    return item.id


def load_item(session: Session, table_name: str, row_id: str) -> Item | None:
    table = next((t for t in synced_tables() if t.name == table_name), None)
    return None if table is None else _load(session, table, [row_id]).get(row_id)


def write_local_change(
    session: Session,
    item: Item,
    changes: dict[str, Any],
    clock: HybridClock,
    *,
    officer: str | None,
    role: str | None,
    now_text: str,
    keep_history: bool = True,
) -> bool:
    """Change stored values of one record as a local edit: new clocks for what changed, and
    the values it overwrites kept in field history (`keep_history=False`: not kept, for an
    erasure's blanking of what must not stay anywhere).

    Used where a change is made in stored form (a sergeant's choice in the conflict queue, a
    value restored from history). Returns False, writing nothing, when every value is
    already as asked.
    """
    changed = {k: v for k, v in changes.items() if item.values[k] != v}
    if not changed:
        return False
    stamp = clock.now().encode()
    clocks = dict(item.clocks)
    values = dict(item.values)
    edits = {
        **changed,
        "updated_at": now_text,
        "updated_by": officer,
        "updated_role": role,  # always given a new clock: it is this change's role
        "station_id": clock.station,
    }
    for name, value in edits.items():
        clocks[name] = [stamp, item.clock(name)[0]]
        values[name] = value
    table = next(t for t in synced_tables() if t.name == item.table)
    _write(session, table, [Item(item.table, item.id, values, clocks)], stamp)
    if keep_history and item.values.get("erased_at") is None:
        lost = [
            history_item(item.table, item.id, name, item.values[name], item.clock(name)[0], item)
            for name in changed
            if worth_keeping(item.table, name, item.values[name])
        ]
        if lost:
            kept = next(t for t in synced_tables() if t.name == HISTORY_TABLE)
            _apply_table(session, kept, lost, stamp, Applied())
    return True


def count_changes(session: Session, since: str | None, *, besides: str = "") -> int:
    """How many synced records this station stored after clock `since` (None: all), not
    counting those stored at exactly `besides` (one merge's rows)."""
    total = 0
    connection = session.connection()
    for table in synced_tables():
        sql = f'SELECT count(*) FROM "{table.name}" WHERE hlc > ? AND hlc != ?'
        found = connection.exec_driver_sql(sql, (since or "", besides)).scalar()
        total += int(found or 0)
    return total
