"""The merge rules: one record's state here and a peer's state become one, the same everywhere.

Each field takes the value with the later clock (last writer wins, field by field), so the
order in which stations meet each other's changes never matters. Deletions are a field like
any other, written only by a delete (or by a sergeant restoring a record), so an ordinary
edit can never bring a deleted record back.

Erasure is absorbing: once either side has erased a record (`erased_at`), the fields its
model lists in `__erase__` (and the role the erasure was made in) take the erased side's
values whatever the clocks say, so a station that still holds the person's data, or edits it
afterwards, can never bring it back.

Nothing a merge overwrites is lost: whichever side's value of a field loses (the value
held here, or the one received) becomes a field-history entry (`store/history.py`), the
same entry on every station and on the hub that meets it.

Two things are not settled silently but also recorded as a `Conflict`, with the losing
value kept: two stations giving a conflict-checked field (every field of a victim case; a
contact's phone, e-mail and address; a meeting's time and venue; a priority's public
wording) different values without either having seen the other's (their clocks are
concurrent), and an edit made without knowing of a deletion. A conflict becomes an entry of
the synced conflict queue, with an id made from what conflicted, so every station that
meets it holds the same entry; three stations disagreeing make entries that together hold
all three values (`services/sync/queue.py` shows them as one).
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from pcso_desk.domain.hlc import Hlc
from pcso_desk.store.clocks import (
    ERASED,
    STAR,
    erased_fields,
    merge_flags,
    synced_columns,
    synced_table,
)
from pcso_desk.store.history import (
    HISTORY_TABLE,
    history_clocks,
    history_id,
    history_values,
    worth_keeping,
)
from pcso_desk.sync.changes import ROLE, Item

CONFLICTS_TABLE = "sync_conflicts"
# Bookkeeping every change touches: merged, never a conflict on its own.
SYSTEM_FIELDS = frozenset(
    {"created_at", "created_by", "updated_at", "updated_by", ROLE, "station_id", "deleted_at"}
)
_NAMESPACE = uuid.UUID("6f0c1c8e-4a53-4c1e-9b8e-0d5a7c2f9e11")


@dataclass(frozen=True)
class Conflict:
    """Two sides sync could not settle alone. Side A is what sync kept for now."""

    kind: str  # "field" or "deletion"
    table: str
    row_id: str
    field: str
    a_value: Any
    a_clock: str
    a_by: str | None
    b_value: Any
    b_clock: str
    b_by: str | None

    def key(self) -> str:
        if self.kind == "deletion":
            return f"deletion|{self.table}|{self.row_id}|{self.a_clock}"
        low, high = sorted((self.a_clock, self.b_clock))
        return f"field|{self.table}|{self.row_id}|{self.field}|{low}|{high}"

    def item(self) -> Item:
        """The conflict-queue entry: identical on every station that meets this conflict."""
        clock = max(self.a_clock, self.b_clock)
        stamp = _utc_text(Hlc.decode(clock).wall_ms)
        values = {
            "kind": self.kind,
            "table_name": self.table,
            "row_id": self.row_id,
            "field_name": self.field,
            "a_value": _json(self.a_value),
            "a_clock": self.a_clock,
            "a_by": self.a_by,
            "b_value": _json(self.b_value),
            "b_clock": self.b_clock,
            "b_by": self.b_by,
            "chosen": "",
            "resolved_at": None,
            "resolved_by": None,
            "created_at": stamp,
            "updated_at": stamp,
            "created_by": None,
            "updated_by": None,
            ROLE: None,  # found by sync itself, alike on every station
            "station_id": Hlc.decode(clock).station,
            "deleted_at": None,
            "erased_at": None,
        }
        row_id = str(uuid.uuid5(_NAMESPACE, self.key()))
        return Item(CONFLICTS_TABLE, row_id, values, {STAR: clock})


@dataclass
class Merged:
    item: Item
    changed: bool
    conflicts: list[Conflict] = field(default_factory=list)
    history: list[Item] = field(default_factory=list)  # field-history entries: values lost


def merge(local: Item | None, incoming: Item) -> Merged:
    """The state both sides end with, whether it differs from `local`, and any conflicts."""
    if local is None:
        fresh = Item(incoming.table, incoming.id, dict(incoming.values), normal(incoming))
        return Merged(fresh, True)
    if local.values == incoming.values and normal(local) == normal(incoming):
        return Merged(local, False)
    names = synced_columns(_table(incoming.table))
    star = max(str(local.clocks[STAR]), str(incoming.clocks[STAR]))
    values: dict[str, Any] = {}
    clocks: dict[str, Any] = {STAR: star}
    erased = _erased_side(local, incoming)
    # The erasure's role stays with it, whatever later edits arrive: it is what a station
    # that has not yet heard of the erasure checks it against.
    owned = erased_fields(local.table) | {ROLE} if erased is not None else frozenset()
    for name in names:
        winner = erased if name in owned and erased is not None else _later(local, incoming, name)
        values[name] = winner.values[name]
        entry = winner.clock(name)
        if entry != (star, ""):
            clocks[name] = list(entry)
    merged = Item(local.table, local.id, values, clocks)
    changed = values != local.values or clocks != normal(local)
    if erased is not None:
        return Merged(merged, changed)  # nothing erased is ever kept aside, anywhere
    # Even when the local state wins every field, the other side's value may be a conflict.
    return Merged(
        merged, changed, _conflicts(local, incoming, merged), _history(local, incoming, merged)
    )


def _history(local: Item, incoming: Item, merged: Item) -> list[Item]:
    """A field-history entry for each value, here or received, that the merge did not keep."""
    entries = []
    for name in synced_columns(_table(local.table)):
        kept = merged.values[name]
        for side in (local, incoming):
            value, clock = side.values[name], side.clock(name)[0]
            if value == kept or clock == merged.clock(name)[0]:
                continue
            if worth_keeping(local.table, name, value):
                entries.append(history_item(local.table, local.id, name, value, clock, side))
    return entries


def history_item(table: str, row_id: str, name: str, value: Any, clock: str, side: Item) -> Item:
    values = history_values(table, row_id, name, value, clock, changed_by(side, name))
    return Item(
        HISTORY_TABLE, history_id(table, row_id, name, clock), values, history_clocks(clock)
    )


def _erased_side(local: Item, incoming: Item) -> Item | None:
    """The side whose erasure wins: the only erased one, or, both erased, the later erasure."""
    ours, theirs = local.values.get(ERASED), incoming.values.get(ERASED)
    if ours is None and theirs is None:
        return None
    if ours is None or theirs is None:
        return local if theirs is None else incoming
    return _later(local, incoming, ERASED)


def normal(item: Item) -> dict[str, Any]:
    """The item's clocks without entries that only repeat the default (so equal means equal)."""
    star = str(item.clocks[STAR])
    clocks: dict[str, Any] = {STAR: star}
    for name, entry in item.clocks.items():
        if name != STAR and (entry[0], entry[1]) != (star, ""):
            clocks[name] = [entry[0], entry[1]]
    return clocks


def _later(local: Item, incoming: Item, name: str) -> Item:
    ours, theirs = local.clock(name), incoming.clock(name)
    if theirs[0] != ours[0]:
        return incoming if theirs[0] > ours[0] else local
    mine, other = local.values[name], incoming.values[name]
    if mine == other:
        return incoming if theirs[1] > ours[1] else local
    # The same clock with two values cannot come from one station; settle it the same way
    # everywhere all the same.
    return incoming if _json(other) > _json(mine) else local


def _conflicts(local: Item, incoming: Item, merged: Item) -> list[Conflict]:
    append_only, checked = merge_flags(local.table)
    if local.table in (CONFLICTS_TABLE, HISTORY_TABLE) or append_only:
        return []
    business = [n for n in synced_columns(_table(local.table)) if n not in SYSTEM_FIELDS]
    found = _deletion_conflict(local, incoming, merged, business)
    found += [
        c for n in business if n in checked and (c := _field_conflict(local, incoming, merged, n))
    ]
    return found


def _field_conflict(local: Item, incoming: Item, merged: Item, name: str) -> Conflict | None:
    (ours, our_base), (theirs, their_base) = local.clock(name), incoming.clock(name)
    if ours == theirs or local.values[name] == incoming.values[name]:
        return None
    if their_base >= ours or our_base >= theirs:
        return None  # one side had seen the other's value before changing it
    kept, lost = (incoming, local) if merged.clock(name)[0] == theirs else (local, incoming)
    return Conflict(
        "field",
        local.table,
        local.id,
        name,
        kept.values[name],
        kept.clock(name)[0],
        changed_by(kept, name),
        lost.values[name],
        lost.clock(name)[0],
        changed_by(lost, name),
    )


def _deletion_conflict(
    local: Item, incoming: Item, merged: Item, business: list[str]
) -> list[Conflict]:
    ours_deleted = local.values["deleted_at"] is not None
    theirs_deleted = incoming.values["deleted_at"] is not None
    if ours_deleted == theirs_deleted:
        return []
    deleter, editor = (local, incoming) if ours_deleted else (incoming, local)
    unseen = [n for n in business if editor.clock(n)[0] > deleter.clock(n)[0]]
    if not unseen:
        return []
    edited_at = max(editor.clock(n)[0] for n in unseen)
    deleted_at = deleter.clock("deleted_at")[0]
    return [
        Conflict(
            "deletion",
            local.table,
            local.id,
            "",
            merged.values["deleted_at"],
            deleted_at,
            changed_by(deleter, "deleted_at"),
            {n: editor.values[n] for n in unseen},
            edited_at,
            changed_by(editor, unseen[0]),
        )
    ]


def changed_by(item: Item, name: str) -> str | None:
    """Who made the change to `name`: the item's last editor, when that was the same change."""
    if item.clock("updated_by")[0] == item.clock(name)[0]:
        value = item.values.get("updated_by")
        return None if value is None else str(value)
    return None


def _table(name: str) -> Any:
    table = synced_table(name)
    assert table is not None, name
    return table


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _utc_text(wall_ms: int) -> str:
    moment = datetime.fromtimestamp(wall_ms / 1000, UTC).replace(microsecond=0, tzinfo=None)
    return moment.isoformat(sep=" ", timespec="seconds")
