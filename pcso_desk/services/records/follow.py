"""Following a contact merge across stations: nothing stays on the merged-away contact, and
nothing the merge copied outlives an erasure of the person it was copied from.

A merge (`merge.py`) is made on one station; others may go on changing the duplicate, or
linking new records to it, until they hear of it, and one may erase the duplicate's person
meanwhile. So every station, after every sync merge, follows the merges it holds
(`follow_merges`), the same way, so they all end the same:

- records linked to a merged-away contact (engagements, KIN memberships, victim cases,
  messages) move to the contact it was merged into (followed to the end of a chain);
- an edit of the duplicate that the merge had not seen (its clock is not the one the merge
  recorded in `merge_basis["seen"]`) and that is later than the kept contact's value moves
  to the kept contact, whose old value goes into field history as any overwritten value;
- when the duplicate is erased (on any station, before or after the merge), every field the
  merge filled on the kept contact that still holds the copied value is blanked, and its
  history entries erased, without keeping the copy anywhere; the audit says how many.

`merged_into_id` and `merge_basis` survive an erasure (`Contact.__erase_keeps__`): they are
ids and clocks, no one's data, and they are what lets every station find the copy.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from pcso_desk.domain.permissions import Action
from pcso_desk.domain.wording import counted
from pcso_desk.services.context import Context
from pcso_desk.services.protection import audit
from pcso_desk.services.protection.erasure import blank_value, erase_row
from pcso_desk.services.records.specs import CONTACT_FILLABLE
from pcso_desk.store import models as m
from pcso_desk.store.base import utcnow
from pcso_desk.store.clocks import STAR, clock_of
from pcso_desk.store.history import history_clocks, history_id, history_values
from pcso_desk.sync.changes import Item
from pcso_desk.sync.local import load_item, write_local_change

# Every place a contact is referred to: (model, column).
REFERENCES: tuple[tuple[Any, str], ...] = (
    (m.EngagementContact, "contact_id"),
    (m.KinMember, "contact_id"),
    (m.VictimCase, "victim_id"),
    (m.Message, "contact_id"),
)
CARRIED = CONTACT_FILLABLE  # what a merge carries from the duplicate to the kept contact


def record_basis(keep: m.Contact, duplicate: m.Contact, filled: Iterable[str]) -> None:
    """Note on `duplicate`, as it is merged into `keep`, the clock of each carried field as
    the merge saw it and the clock `keep`'s filled fields now carry. Called after `keep` is
    stamped and before `duplicate` is."""
    before = duplicate.field_clocks or {STAR: duplicate.hlc}
    seen = {name: clock_of(before, name)[0] for name in CARRIED}
    duplicate.merge_basis = json.dumps(
        {"seen": seen, "filled": {name: keep.hlc for name in filled}}, sort_keys=True
    )


@dataclass
class Followed:
    """What following the merges changed here: ids per table, and what an erasure took."""

    changed: dict[str, list[str]] = field(default_factory=dict)
    erased_fields: int = 0
    erased_records: int = 0

    def add(self, table: str, row_id: str) -> None:
        ids = self.changed.setdefault(table, [])
        if row_id not in ids:
            ids.append(row_id)


def follow_merges(
    ctx: Context, session: Session, changed: dict[str, list[str]] | None = None
) -> Followed:
    """Move late links and edits of merged-away contacts to the kept ones, and erase what a
    merge copied from a person since erased. Links are looked for on every merged-away
    contact (an indexed lookup); edits and erasures only where a merge changed the duplicate
    or the kept contact (`changed`: table -> ids; None: everywhere). Cheap when no contact
    was ever merged."""
    done = Followed()
    merges = session.execute(
        select(m.Contact.id, m.Contact.merged_into_id, m.Contact.merge_basis, m.Contact.erased_at)
        .where(m.Contact.merged_into_id.is_not(None))
    ).all()  # fmt: skip
    if not merges:
        return done
    into = {str(row.id): str(row.merged_into_id) for row in merges}
    live = [row for row in merges if row.erased_at is None]
    _move_links(ctx, session, {str(row.id): _final(into, str(row.id)) for row in live}, done)
    touched = None if changed is None else _touched(session, changed)
    for row in merges:
        if touched is not None and not {str(row.id), str(row.merged_into_id)} & touched:
            continue
        if row.erased_at is None:
            final = _final(into, str(row.id))
            _move_edits(ctx, session, str(row.id), final, row.merge_basis, done)
        else:
            _erase_copy(ctx, session, str(row.merged_into_id), row.merge_basis, done)
    if done.erased_fields:
        audit.append(
            session,
            ctx,
            "erasure followed a merge",
            "contacts",
            tuple(done.changed.get("contacts", ())),
            f"{counted(done.erased_fields, 'field')} of "
            f"{counted(done.erased_records, 'record')} erased: copied by a merge from a "
            "person since erased",
        )
    return done


def _touched(session: Session, changed: dict[str, list[str]]) -> set[str]:
    """Contacts a merge changed, or whose field history it changed (a copy's entry made by
    a station or hub that had not heard of an erasure is erased where it arrives)."""
    touched = set(changed.get("contacts", ()))
    entries = changed.get("field_history", [])
    for start in range(0, len(entries), 500):
        touched |= set(
            session.scalars(
                select(m.FieldHistory.row_id).where(
                    m.FieldHistory.id.in_(entries[start : start + 500]),
                    m.FieldHistory.table_name == "contacts",
                )
            )
        )
    return touched


def _final(into: dict[str, str], contact_id: str) -> str:
    """The contact a chain of merges ends at."""
    seen = {contact_id}
    current = into[contact_id]
    while current in into and into[current] not in seen:
        seen.add(current)
        current = into[current]
    return current


def _move_links(ctx: Context, session: Session, targets: dict[str, str], done: Followed) -> None:
    if not targets:
        return
    restricted_ok = ctx.may(Action.VIEW_RESTRICTED)
    for model, column in REFERENCES:
        if model is m.VictimCase and not restricted_ok:
            continue  # a station signed in with a role that sees victim care moves these
        key = getattr(model, column)
        rows = session.scalars(
            select(model).where(
                key.in_(list(targets)), model.erased_at.is_(None), model.deleted_at.is_(None)
            )
        ).all()
        for row in rows:
            setattr(row, column, targets[getattr(row, column)])
            ctx.stamp(row, creating=False)
            done.add(model.__tablename__, row.id)
    session.flush()


def _basis(text: str | None) -> dict[str, dict[str, str]]:
    try:
        loaded = json.loads(text) if text else {}
    except ValueError:
        return {}
    return loaded if isinstance(loaded, dict) else {}


def _move_edits(
    ctx: Context, session: Session, duplicate_id: str, keep_id: str, basis: str | None,
    done: Followed,
) -> None:  # fmt: skip
    seen = _basis(basis).get("seen")
    if not seen:
        return  # merged before merges recorded what they saw: nothing to tell apart
    duplicate = load_item(session, "contacts", duplicate_id)
    keep = load_item(session, "contacts", keep_id)
    if duplicate is None or keep is None or keep.values.get("erased_at") is not None:
        return
    edits = {}
    for name in CARRIED:
        value, clock = duplicate.values[name], duplicate.clock(name)[0]
        if clock == seen.get(name) or value in (None, "", "[]") or value == keep.values[name]:
            continue
        if clock > keep.clock(name)[0]:
            edits[name] = value
    if edits and _write(ctx, session, keep, edits, keep_history=True):
        done.add("contacts", keep_id)


def _erase_copy(
    ctx: Context, session: Session, keep_id: str, basis: str | None, done: Followed
) -> None:
    filled = _basis(basis).get("filled") or {}
    keep = load_item(session, "contacts", keep_id) if filled else None
    if keep is None or keep.values.get("erased_at") is not None:
        return
    table = m.Contact.__table__
    blanks = {
        name: _blank(table.c[name])
        for name, clock in filled.items()
        if name in keep.values and keep.clock(name)[0] == clock
    }
    if blanks and _write(ctx, session, keep, blanks, keep_history=False):
        done.add("contacts", keep_id)
        done.erased_fields += len(blanks)
        done.erased_records += 1
    _erase_copied_history(ctx, session, keep_id, filled, done)


def _erase_copied_history(
    ctx: Context, session: Session, keep_id: str, filled: dict[str, str], done: Followed
) -> None:
    """Erase the history entries holding a copied value (the kept contact's value set at the
    merge and since overwritten), or leave an erased one in its place, so that no station or
    hub that made the entry itself can bring it back. A new one is made the same on every
    station (its clock and values follow from the copy's), so they agree without a round."""
    for name, clock in filled.items():
        entry_id = history_id("contacts", keep_id, name, clock)
        entry = session.get(m.FieldHistory, entry_id)
        if entry is not None and entry.erased_at is not None:
            continue
        if entry is None:
            values = _loaded(history_values("contacts", keep_id, name, None, clock, None))
            entry = m.FieldHistory(id=entry_id, **values)
            entry.erased_at = values["created_at"]
            entry.field_clocks = history_clocks(clock)
            entry.hlc = ctx.clock.now().encode()  # stored here now: the next export has it
            session.add(entry)
        else:
            erase_row(ctx, entry, utcnow(), utcnow().date())
        done.add("field_history", entry_id)
    session.flush()


def _loaded(values: dict[str, Any]) -> dict[str, Any]:
    """History values as the model takes them (times as datetimes)."""
    from datetime import UTC, datetime

    out = dict(values)
    for key in ("created_at", "updated_at"):
        out[key] = datetime.fromisoformat(out[key]).replace(tzinfo=UTC)
    return out


def _blank(column: Any) -> Any:
    """What an erasure leaves in a column, as the store holds it (a list as JSON text)."""
    value = blank_value(column)
    return json.dumps(value) if isinstance(value, list) else value


def _write(
    ctx: Context, session: Session, item: Item, edits: dict[str, Any], *, keep_history: bool
) -> bool:
    now = utcnow()
    role = ctx.actor.role.value if ctx.actor else None
    written = write_local_change(
        session,
        item,
        edits,
        ctx.clock,
        officer=ctx.officer_id,
        role=role,
        now_text=now.replace(tzinfo=None).isoformat(sep=" ", timespec="seconds"),
        keep_history=keep_history,
    )
    if written:
        session.expire_all()
    return written
