"""What a received change must pass before it is merged here: the authority of the role it was
made in, and the rules a change made here follows.

A change is identified by its change id (the clock of the fields it wrote, sync/FORMAT.md) and
carries the role it was made in (`updated_role`, whose clock is that change's own). Here:

- An erasure of a record this station holds unerased needs a role that may erase. One that
  lacks it (or carries no role) is held until the rest of the merge is done: if this
  station's own rule then erases that record too (it is linked to an erased person, KIN
  member or case, and was erased on arrival elsewhere), it merges; otherwise it is refused.
  An erasure of a record this station does not hold, or holds erased already, removes
  nothing here and merges as before.
- Any other change made in a role is refused when that role could not have made it: victim
  care records need a role that sees them, the team's organisation (districts, wards,
  stations, officers) one that changes it, and a deletion one that deletes.
- A change with no role (made before roles travelled with changes, or where no one was
  signed in) is accepted as before, except as an erasure (above).
- Every value a change brings passes the checks a local edit of that field passes (a name's
  length, a postcode, a phone number, a text column's length). A value not of its column's
  type at all (an enum value not among its values) refuses the whole bundle as it is read.

A store without user accounts refuses nothing for a role, as it refuses its own users
nothing. A refused change leaves the record as it is here (the other changes in it still
merge; a new record with a refused change is not added), is named in one sentence with the
field or record kind and the station, and is audited; the rest of the bundle still applies.
Every station of the team refuses the same change, so they stay in step with each other.
A role is only as trustworthy as the station that signed the bundle: one whose keys were
stolen can claim any role, and is removed from every station's trusted list.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

from sqlalchemy import Column, Enum, String
from sqlalchemy.orm import Session

from pcso_desk.domain.enums import UserRole
from pcso_desk.domain.errors import ValidationError
from pcso_desk.domain.hlc import Hlc
from pcso_desk.domain.permissions import (
    ORGANISATION_KINDS,
    RESTRICTED_KINDS,
    ROLE_NAMES,
    Action,
    allowed,
)
from pcso_desk.services.context import Context
from pcso_desk.services.protection import audit
from pcso_desk.services.records.coerce import coerce, label_of
from pcso_desk.store.clocks import ERASED, STAR, erased_fields, synced_columns, synced_table
from pcso_desk.sync.changes import ROLE, Item
from pcso_desk.sync.local import load_item
from pcso_desk.sync.merge import Merged, merge

Journal = Callable[[str], None]


class Screen:
    """One merge's screening (`sync.local.Screen`): what it refused, and erasures it holds."""

    def __init__(self, ctx: Context, session: Session, journal: Journal) -> None:
        self.ctx = ctx
        self.session = session
        self.journal = journal
        self.roles = ctx.accounts  # before accounts exist, no role is refused anything
        self.held: list[Item] = []
        self.refused: list[str] = []
        self._stations: dict[str, str] | None = None

    def __call__(self, here: Item | None, incoming: Item, result: Merged) -> Merged | None:
        if not result.changed and not result.conflicts:
            return result
        changes = _taking_effect(here, incoming, result)
        merged = result.item
        if incoming.values.get(ERASED) is not None and merged.values.get(ERASED) is not None:
            erasure = incoming.clock(ERASED)[0]
            owned = erased_fields(incoming.table) | {ROLE}
            for clock in list(changes):  # what an erasure wrote is not checked as an edit
                kept = set() if clock == erasure else changes[clock] - owned
                if kept:
                    changes[clock] = kept
                else:
                    del changes[clock]
            erasing = here is not None and here.values.get(ERASED) is None
            if erasing and self.roles and not _may(incoming, erasure, Action.ERASE):
                self.held.append(incoming)
                return None
        refused = set()
        for clock, names in changes.items():
            reason = self._role_refusal(here, incoming, merged, clock, names)
            reason = reason or rule_refusal(incoming.table, names, incoming.values)
            if reason:
                self._refuse(incoming, clock, reason)
                refused.add(clock)
        if not refused:
            return result
        if here is None:
            return None  # a record new here: not added without the change that made it
        return merge(here, _without(incoming, here, refused))

    def settle(self) -> list[Item]:
        """After this station's own erasures on arrival: the held erasures of records now
        erased here too (to merge), the others refused."""
        excused = []
        for item in self.held:
            here = load_item(self.session, item.table, item.id)
            if here is not None and here.values.get(ERASED) is not None:
                excused.append(item)
                continue
            erasure = item.clock(ERASED)[0]
            role = _role(item, erasure)
            if role is None:
                erasers = [ROLE_NAMES[r].lower() for r in UserRole if allowed(r, Action.ERASE)]
                who = " or ".join(_a(name) for name in erasers)
                why = (
                    "it carries no role (it was made with no one signed in, or by an older "
                    f"version), and only {who} may erase; erase it here if it should be erased"
                )
            else:
                why = _cannot(role, Action.ERASE)
            self._refuse(item, erasure, why, erasure=True)
        self.held = []
        return excused

    def _role_refusal(
        self, here: Item | None, incoming: Item, merged: Item, clock: str, names: set[str]
    ) -> str | None:
        role = _role(incoming, clock)
        if not self.roles or role is None:
            return None  # no role: accepted as before (only an erasure needs one)
        needs = []
        if incoming.table in RESTRICTED_KINDS:
            needs.append(Action.VIEW_RESTRICTED)
        if incoming.table in ORGANISATION_KINDS:
            needs.append(Action.ORGANISATION)
        deleting = merged.values.get("deleted_at") is not None and (
            here is None or here.values.get("deleted_at") is None
        )
        if deleting and "deleted_at" in names:
            needs.append(Action.DELETE)
        return next((_cannot(role, a) for a in needs if not allowed(role, a)), None)

    def _refuse(self, item: Item, clock: str, why: str, *, erasure: bool = False) -> None:
        what = record_label(item.table)
        change = f"the erasure of {_a(what)}" if erasure else f"a change to {_a(what)}"
        sentence = f"Refused {change} from {self._station(clock)}: {why}."
        self.refused.append(sentence)
        self.journal(f"refused {change} ({item.table} {item.id}): {why}")
        audit.append(
            self.session, self.ctx, "sync refused", item.table, (item.id,), sentence,
            outcome="refused",
        )  # fmt: skip

    def _station(self, clock: str) -> str:
        """The station that made a change, as this station knows it (its change id says)."""
        if self._stations is None:
            from pcso_desk.services.sync.stations import keys_folder
            from pcso_desk.sync.identity import TrustStore

            peers = TrustStore(keys_folder(self.ctx)).all()
            self._stations = {p.station_id: p.name for p in peers}
            self._stations[self.ctx.station_id] = "this station"
        station = Hlc.decode(clock).station
        return self._stations.get(station, f"station {station}")


def _taking_effect(here: Item | None, incoming: Item, result: Merged) -> dict[str, set[str]]:
    """The received changes (change id -> fields) this merge takes, or keeps aside in the
    conflict queue; values this station holds already are not among them."""
    if here is None and len(incoming.clocks) == 1:  # a new record, made at one clock
        return {incoming.clocks[STAR]: set(incoming.values)}
    aside = set()
    for conflict in result.conflicts:
        aside.add(conflict.field)
        for side in (conflict.a_value, conflict.b_value):
            aside.update(side if isinstance(side, dict) else ())
    merged = result.item
    found: dict[str, set[str]] = {}
    for name, value in incoming.values.items():
        clock = incoming.clock(name)[0]
        if here is not None and here.values[name] == value and here.clock(name)[0] == clock:
            continue
        taken = merged.clock(name)[0] == clock and merged.values[name] == value
        if taken or name in aside:
            found.setdefault(clock, set()).add(name)
    return found


def _without(incoming: Item, here: Item, refused: set[str]) -> Item:
    """`incoming` with the fields of the refused changes as they are here."""
    values, clocks = dict(incoming.values), dict(incoming.clocks)
    for name in values:
        if incoming.clock(name)[0] in refused:
            values[name] = here.values[name]
            clocks[name] = list(here.clock(name))
    return Item(incoming.table, incoming.id, values, clocks)


def _role(item: Item, clock: str) -> UserRole | None:
    """The role change `clock` was made in: the item's role, if that change set it."""
    value = item.values.get(ROLE)
    return UserRole(value) if value and item.clock(ROLE)[0] == clock else None


def _may(item: Item, clock: str, action: Action) -> bool:
    role = _role(item, clock)
    return role is not None and allowed(role, action)


def _cannot(role: UserRole, action: Action) -> str:
    name = ROLE_NAMES[role]
    return f"it was made by {_a(name)} account, which cannot {action.value}"


def _a(noun: str) -> str:
    return f"{'an' if noun[0].lower() in 'aeiou' else 'a'} {noun}"


def rule_refusal(table: str, names: set[str], values: dict[str, Any]) -> str | None:
    """Why one of `names` breaks the rules a change made here follows (None: it does not).
    The value itself is never named: it may be personal data, and this goes to the logs."""
    checks = _checks(table)
    broken = [n for n in names if (check := checks.get(n)) is not None and check(values[n])]
    if not broken:
        return None
    return f"its {label_of(min(broken))} breaks the rules a change made here must follow"


Check = Callable[[Any], bool]  # whether a stored value breaks a field's rules
REMEMBERED = 50_000  # values remembered as passing, per field


@cache
def _checks(table: str) -> dict[str, Check]:
    """The rules of each field of `table` that has any beyond its type (which the change
    format checks as it is read): made once per table."""
    found = synced_table(table)
    assert found is not None, table
    spec = _specs().get(table)
    checks = {}
    for name in synced_columns(found):
        check = _check(spec, found.c[name])
        if check is not None:
            checks[name] = check
    return checks


def _check(spec: Any, column: Column[Any]) -> Check | None:
    name = column.name
    if spec is not None and name in spec.editable:
        # As RecordService.check_field checks a value typed here.
        blank_allowed = column.nullable or column.default is not None
        required = not blank_allowed and name not in spec.filled_by_clean
        passed: set[Any] = set()  # values seen to pass: ids, dates and kinds repeat a great deal

        def breaks(value: Any) -> bool:
            if value in passed:
                return False
            try:
                checked = coerce(column, spec.clean(None, {name: value}, None).get(name))
            except (ValidationError, ValueError, TypeError):
                return True
            if checked is None and required:
                return True
            if len(passed) >= REMEMBERED:
                passed.clear()
            passed.add(value)
            return False

        return breaks
    if isinstance(column.type, String) and not isinstance(column.type, Enum) and column.type.length:
        length = column.type.length
        return lambda value: isinstance(value, str) and len(value) > length
    return None


@cache
def _specs() -> dict[str, Any]:
    from pcso_desk.services.records.specs import ALL_SPECS

    return {spec.model.__tablename__: spec for spec in ALL_SPECS}


def record_label(table: str) -> str:
    """How a user names a record of `table` ("victim care case", "priority")."""
    spec = _specs().get(table)
    return spec.label if spec is not None else table.replace("_", " ")
