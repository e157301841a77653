"""Field history: the values a record's fields held before they were overwritten.

Every path that overwrites a stored value keeps the old one here, in one shape:

- a local edit through the ORM (the `before_flush` hook in `clocks.py`);
- a change written in stored form (a sergeant's choice in the conflict queue, a restore);
- a merge, on a station or on the hub, whichever side loses a field (`sync/merge.py`).

An entry's id is made from (table, record, field, clock of the change that set the value),
and every other column of it follows from the value and that clock, so two stations that
each see the same value overwritten make the same entry: it syncs without ever conflicting.
Blank values are not kept (a field filled for the first time has lost nothing), nor the
bookkeeping every change touches, nor anything of an erased record.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any

from pcso_desk.store.clocks import STAR, keeps_history

HISTORY_TABLE = "field_history"
# Bookkeeping every change touches: never history on its own.
BOOKKEEPING = frozenset(
    {
        "created_at",
        "created_by",
        "updated_at",
        "updated_by",
        "updated_role",
        "station_id",
        "deleted_at",
        "erased_at",
        "merged_into_id",
        "merge_basis",
    }
)
_NAMESPACE = uuid.UUID("1b7e4a0c-93f2-4d0e-8a51-2f6c9e3b7d40")


def worth_keeping(table: str, field: str, stored: Any) -> bool:
    """Whether an overwritten stored value of `table.field` goes into the history."""
    if stored is None or stored in ("", "[]", "null") or field in BOOKKEEPING:
        return False
    return table != HISTORY_TABLE and keeps_history(table)


def history_id(table: str, row_id: str, field: str, clock: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, f"{table}|{row_id}|{field}|{clock}"))


def history_values(
    table: str, row_id: str, field: str, stored: Any, clock: str, by: str | None
) -> dict[str, Any]:
    """The stored values of the history entry for one overwritten value (every synced
    column), the same on every station: its times are those of the change that set it."""
    station, wall = _station_and_time(clock)
    return {
        "table_name": table,
        "row_id": row_id,
        "field_name": field,
        "value": json.dumps(stored, ensure_ascii=False, sort_keys=True),
        "value_clock": clock,
        "value_by": by,
        "created_at": wall,
        "updated_at": wall,
        "created_by": by,
        "updated_by": by,
        "updated_role": None,  # made by the history itself, alike everywhere
        "station_id": station,
        "deleted_at": None,
        "erased_at": None,
    }


def history_clocks(clock: str) -> dict[str, Any]:
    return {STAR: clock}


def _station_and_time(clock: str) -> tuple[str | None, str]:
    """The station and wall time a clock text names (a clock is 'wall:counter:station')."""
    from pcso_desk.domain.hlc import Hlc

    parsed = Hlc.parse(clock)
    if parsed is None:
        return None, "1970-01-01 00:00:00"
    moment = datetime.fromtimestamp(parsed.wall_ms / 1000, UTC).replace(tzinfo=None)
    return parsed.station, moment.isoformat(sep=" ", timespec="seconds")


def keep_entries(connection: Any, rows: list[dict[str, Any]]) -> None:
    """Write history entries made here, in stored form (an entry already held, from here
    or from another station, stays as it is: it is the same entry)."""
    columns = ("id", *rows[0])
    names = ", ".join(f'"{c}"' for c in columns)
    marks = ", ".join("?" for _ in columns)
    sql = f"INSERT INTO {HISTORY_TABLE} ({names}) VALUES ({marks}) ON CONFLICT (id) DO NOTHING"
    connection.exec_driver_sql(
        sql,
        [(_entry_id(row), *(_text(row[c]) for c in columns[1:])) for row in rows],
    )


def _entry_id(row: dict[str, Any]) -> str:
    return history_id(row["table_name"], row["row_id"], row["field_name"], row["value_clock"])


def _text(value: Any) -> Any:
    return json.dumps(value) if isinstance(value, dict) else value
