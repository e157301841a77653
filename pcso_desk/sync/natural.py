"""Records identified by a natural key: ids made from the key, and one row per key after sync.

Some synced records are public data named by something outside the app, and any station of a
team may create them on its own: a data.police.uk street-level crime row (its `row_key`), an
LSOA's place in the team's LSOA table (its LSOA code), an ONS boundary (its kind and code).
Each of these tables holds one row per key (a unique constraint), so two stations that each
created the row under an id of their own could never merge them.

So where such a record is created (an import, or an addition in Admin) it takes the id made
from its key (`natural_id`: a UUID 5 of the table and the key under this project's fixed
namespace, written as every other id is): two stations importing the same month create the
same ids, and their changes simply merge.

Rows made before this rule, or made while the key's own id was taken (an LSOA mapping whose
code was since changed), still carry other ids. When a merge meets two ids for one key
(held here and arriving, or two arriving together), `fold` settles it the same way on every
station, whichever order the changes come in:

- the row kept is the one whose id is made from the key, if any is; otherwise the one
  with the smaller id (string order);
- every other id of that key is folded into it: every state of it that arrives, and its row
  held here, are merged into the kept row as ordinary changes of that row (each field keeps
  the later value, `merge.py`), and its row here is removed. A state of the removed id that
  arrives later carries the same key and is folded the same way, so the id never comes back.

The one case this cannot settle: an LSOA mapping whose code was changed and that was folded
for its new code; a station that never heard of the change may still send its state under
the old code, which then arrives as a row of its own (every station still ends with the same
rows: that old mapping, as it was). Settling it would need a tombstone for every folded row.

Nothing entered is lost: a field edited on either row (a mapping moved to another ward, a
row deleted) keeps its latest value in the kept row. No other table refers to these rows by
id (crime rows and boundaries name their ward, not the other way round), so nothing points
at a removed one.

Other synced tables with a unique field (district, neighbourhood and ward codes and names,
officers' collar numbers) are the team's own records, typed by a person and referred to by
many others; they keep random ids, and two made apart with one code are refused by the merge
in one sentence (`services/sync/apply.integrity_message`) until one is renamed.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Table
from sqlalchemy.orm import Session

from pcso_desk.store.base import new_id
from pcso_desk.sync.changes import Item

# Fixed for good: changing it would give the same import different ids on different releases.
NAMESPACE = uuid.UUID("2b8d5c61-0f3e-5a7d-9c41-7e6a3d2f8b90")
# table -> the columns that name a record of it (its unique constraint).
NATURAL_KEYS: dict[str, tuple[str, ...]] = {
    "crime_records": ("row_key",),
    "lsoa_wards": ("lsoa_code",),
    "boundaries": ("kind", "code"),
}
_CHUNK = 500  # keys per SELECT ... IN (...)
Key = tuple[Any, ...]


def natural_id(table: str, *key: Any) -> str:
    """The id a record of `table` named by `key` is created with (the same on every station)."""
    name = "\x1f".join((table, *(str(part) for part in key)))
    return str(uuid.uuid5(NAMESPACE, name))


def key_of(table: str, values: dict[str, Any]) -> Key | None:
    """The natural key of a record of `table` with these values (None: the table has none)."""
    names = NATURAL_KEYS.get(table)
    if names is None or any(values.get(name) is None for name in names):
        return None
    return tuple(values[name] for name in names)


def id_for_new(session: Session, table: str, *key: Any) -> str:
    """The id a new record of `table` named by `key` takes: the one made from its key, unless
    a row here already holds that id (a row whose key was changed since), then a random one."""
    return ids_for_new(session, table, [key])[0]


def id_for_record(session: Session, record: Any) -> str | None:
    """`id_for_new` for a new ORM record, from its key; None for a table with no natural key."""
    table = record.__table__.name
    key = key_of(table, {name: getattr(record, name) for name in NATURAL_KEYS.get(table, ())})
    return None if key is None else id_for_new(session, table, *key)


def ids_for_new(session: Session, table: str, keys: list[Key]) -> list[str]:
    """`id_for_new` for many new rows of one table at once: each key's own id, or a random one
    where a row here already holds that id."""
    wanted = [natural_id(table, *key) for key in keys]
    taken: set[str] = set()
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start : start + _CHUNK]
        marks = ", ".join("?" for _ in chunk)
        sql = f'SELECT id FROM "{table}" WHERE id IN ({marks})'
        taken.update(str(row[0]) for row in session.connection().exec_driver_sql(sql, tuple(chunk)))
    return [new_id() if one in taken else one for one in wanted]


def keeps(table: str, key: Key, ids: Iterable[str]) -> str:
    """Of several ids for one key, the one every station keeps (see the module docstring)."""
    found = set(ids)
    own = natural_id(table, *key)
    return own if own in found else min(found)


@dataclass
class Fold:
    """What `fold` decided for one table's arriving changes."""

    items: list[Item]  # the arriving changes, each under the id its key keeps
    moves: dict[str, str] = field(default_factory=dict)  # id held here -> id it folds into


def fold(session: Session, table: Table, items: list[Item]) -> Fold:
    """The arriving `items` of `table` with every record under the id its key keeps, and the
    rows held here that must fold into another id (the caller merges and removes them)."""
    names = NATURAL_KEYS.get(table.name)
    if names is None or not items:
        return Fold(items)
    arriving: dict[Key, set[str]] = {}
    for item in items:
        values = item.values
        key = tuple(values.get(name) for name in names)
        if None not in key:
            arriving.setdefault(key, set()).add(item.id)
    held = _held(session, table.name, names, list(arriving))
    renamed: dict[str, str] = {}  # id -> the id it folds into
    contested: list[tuple[Key, set[str]]] = []
    for key, ids in arriving.items():
        here = held.get(key)
        every = (ids | {here}) if here is not None else ids
        if len(every) > 1:
            contested.append((key, every))
    for key, every in sorted(contested, key=repr):  # in one order everywhere
        kept = keeps(table.name, key, every)
        for one in sorted(every - {kept}):
            renamed.setdefault(one, kept)
    if not renamed:
        return Fold(items)
    for one in renamed:  # an id kept for one key but folded for another: to the end
        seen = {one}
        while renamed[one] in renamed and renamed[one] not in seen:
            seen.add(renamed[one])
            renamed[one] = renamed[renamed[one]]
    # Every state of a folded id goes to the id kept, an earlier one with another key (an
    # LSOA code since changed) too, and a row held here under it folds as well.
    moves = {one: renamed[one] for one in _held_ids(session, table.name, list(renamed))}
    return Fold(
        [
            Item(item.table, renamed[item.id], item.values, item.clocks)
            if item.id in renamed
            else item
            for item in items
        ],
        moves,
    )


def _held_ids(session: Session, table: str, ids: list[str]) -> list[str]:
    found: list[str] = []
    for start in range(0, len(ids), _CHUNK):
        chunk = tuple(ids[start : start + _CHUNK])
        marks = ", ".join("?" for _ in chunk)
        sql = f'SELECT id FROM "{table}" WHERE id IN ({marks})'
        found.extend(str(row[0]) for row in session.connection().exec_driver_sql(sql, chunk))
    return found


def _held(session: Session, table: str, names: tuple[str, ...], keys: list[Key]) -> dict[Key, str]:
    """The id held here for each of these keys (looked up by the key's last column)."""
    found: dict[Key, str] = {}
    wanted = set(keys)
    last = list({key[-1] for key in keys})
    columns = ", ".join(f'"{name}"' for name in names)
    cursor = session.connection().connection.cursor()  # plain rows: one per key looked up
    try:
        for start in range(0, len(last), _CHUNK):
            chunk = last[start : start + _CHUNK]
            marks = ", ".join("?" for _ in chunk)
            sql = f'SELECT id, {columns} FROM "{table}" WHERE "{names[-1]}" IN ({marks})'
            for row in cursor.execute(sql, tuple(chunk)).fetchall():
                key = tuple(row[1:])
                if key in wanted:
                    found[key] = str(row[0])
    finally:
        cursor.close()
    return found


def fold_held(
    session: Session,
    table: Table,
    moves: dict[str, str],
    load: Callable[[Session, Table, list[str]], dict[str, Item]],
) -> list[Item]:
    """Remove the rows held here that fold into another id; their state, under the id kept,
    for the caller to merge into that row as any change."""
    if not moves:
        return []
    losers = sorted(moves)
    folded: list[Item] = []
    connection = session.connection()
    for start in range(0, len(losers), _CHUNK):
        chunk = losers[start : start + _CHUNK]
        for loser, state in load(session, table, chunk).items():
            folded.append(Item(table.name, moves[loser], state.values, state.clocks))
        marks = ", ".join("?" for _ in chunk)
        connection.exec_driver_sql(
            f'DELETE FROM "{table.name}" WHERE id IN ({marks})', tuple(chunk)
        )
    return folded
