"""What every service call works within: the open store, this station, its clock, the actor."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from pcso_desk.domain.enums import UserRole
from pcso_desk.domain.errors import PermissionDenied
from pcso_desk.domain.hlc import HybridClock
from pcso_desk.domain.permissions import (
    ORGANISATION_KINDS,
    RESTRICTED_KINDS,
    Action,
    allowed,
    refusal,
)
from pcso_desk.store.base import new_id, utcnow
from pcso_desk.store.models import StoreMeta
from pcso_desk.store.session import Store

STATION_KEY = "station_id"
STATION_NAME_KEY = "station_name"
TEAM_KEY = "team_name"
DEMO_KEY = "demo"  # "1" on a store of made-up data built by demo/builder.py


@dataclass(frozen=True)
class Changes:
    """What a mutating call changed, so that a screen can refresh just that."""

    kind: str
    created: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()
    deleted: tuple[str, ...] = ()
    # Any record of the kind may have changed (a sync that changed too many to list them):
    # a screen refreshes everything of the kind it shows.
    whole: bool = False

    @property
    def ids(self) -> tuple[str, ...]:
        return self.created + self.updated + self.deleted

    def __bool__(self) -> bool:
        return self.whole or bool(self.ids)


def meta_value(session: Session, key: str) -> str | None:
    row = session.get(StoreMeta, key)
    return None if row is None else row.value


def set_meta(session: Session, key: str, value: str) -> None:
    row = session.get(StoreMeta, key)
    if row is None:
        session.add(StoreMeta(key=key, value=value))
    else:
        row.value = value


def default_station_name() -> str:
    """The PC's own name, which is what a team calls its station PCs by; else 'Station PC'."""
    import platform

    name = " ".join(platform.node().split())[:60]
    return name or "Station PC"


def ensure_station(store: Store, name: str | None = None) -> str:
    """This store's station id, created once with the store and never changed."""
    with store.read() as session:
        found = meta_value(session, STATION_KEY)
    if found is not None:
        return found
    name = name or default_station_name()
    with store.write() as session:
        station = meta_value(session, STATION_KEY)
        if station is None:
            station = new_id()
            set_meta(session, STATION_KEY, station)
            set_meta(session, STATION_NAME_KEY, name)
        return station


@dataclass(frozen=True)
class Actor:
    """The signed-in user: who is acting, in which role, as which officer."""

    user_id: str
    username: str
    role: UserRole
    officer_id: str | None


@dataclass
class Context:
    """One open store seen by one actor.

    Until the store has user accounts (a new store being set up by `init`, `demo` or the
    app's first-run screen) no one is signed in and nothing is refused. Once it has them,
    every service call needs a signed-in `actor` whose role allows it (`require`).
    """

    store: Store
    station_id: str
    clock: HybridClock = field(init=False)
    officer_id: str | None = None
    actor: Actor | None = None
    accounts: bool = False  # the store had user accounts when this context opened
    # The wall clock (UTC) of rules that wait, such as a sign-in lockout; a test passes its own.
    now: Callable[[], datetime] = utcnow

    def __post_init__(self) -> None:
        # One clock per open store, shared by every context on it: never two clocks racing.
        if self.store.clock is None:
            self.store.clock = HybridClock(self.station_id)
        self.clock = self.store.clock

    @classmethod
    def open(
        cls, store: Store, officer_id: str | None = None, now: Callable[[], datetime] = utcnow
    ) -> Context:
        ctx = cls(store, ensure_station(store), officer_id, now=now)
        with store.read() as session:
            ctx.accounts = (
                session.execute(
                    text("SELECT 1 FROM users WHERE deleted_at IS NULL LIMIT 1")
                ).first()
                is not None
            )
        return ctx

    def sign_in(self, actor: Actor | None) -> None:
        self.actor = actor
        self.officer_id = actor.officer_id if actor else None
        if actor is not None:
            self.accounts = True

    def may(self, action: Action) -> bool:
        """Whether the current actor may do `action` (always, before accounts exist)."""
        if not self.accounts:
            return True
        return self.actor is not None and allowed(self.actor.role, action)

    def require(self, action: Action, kind: str = "", ids: tuple[str, ...] = ()) -> None:
        """Refuse (audited, one sentence) what the actor's role does not allow."""
        if self.may(action):
            return
        from pcso_desk.services.protection import audit

        def keep() -> None:
            audit.record(self, "refused", kind, ids, action.value, outcome="refused")

        if self.actor is None:
            error = PermissionDenied("Sign in first: this store has user accounts.")
        else:
            error = PermissionDenied(refusal(self.actor.role, action))
        raise after_rollback(error, keep, self.store)

    def require_kind(self, action: Action, kind: str, ids: tuple[str, ...] = ()) -> None:
        """`require` for a record kind: restricted kinds also need VIEW_RESTRICTED, and the
        team's organisation needs ORGANISATION to change."""
        if kind in RESTRICTED_KINDS:
            self.require(Action.VIEW_RESTRICTED, kind, ids)
        if kind in ORGANISATION_KINDS and action in (Action.CREATE, Action.CHANGE, Action.DELETE):
            action = Action.ORGANISATION
        self.require(action, kind, ids)

    def stamp(self, record: Any, *, creating: bool, now: datetime | None = None) -> None:
        """Mark a record as changed here and now: clock, station, officer, role."""
        moment = now or utcnow()
        record.hlc = self.clock.now().encode()
        record.station_id = self.station_id
        record.updated_by = self.officer_id
        record.updated_at = moment
        # The role travels with the change, and a receiving station checks the change against
        # it: flagged even when unchanged, so that its field clock is always this change's.
        record.updated_role = self.actor.role if self.actor else None
        if not creating:
            flag_modified(record, "updated_role")
        if creating:
            record.created_by = self.officer_id
            record.created_at = moment
            if not getattr(record, "id", None):
                record.id = new_id()

    def clock_checkpoint(self) -> None:
        """Record a clock reading now: everything committed before it is at or before the
        store's high-water mark, which "changes since" then reads as its upper bound."""
        with self.store.write():
            self.clock.now()

    def team_name(self) -> str:
        with self.store.read() as session:
            return meta_value(session, TEAM_KEY) or ""


def after_rollback(error: Exception, keep: Callable[[], None], store: Store) -> Exception:
    """`error`, with `keep` done now or, inside a unit of work, once it has rolled back."""
    if store.in_write:
        error.after_rollback = keep  # type: ignore[attr-defined]
    else:
        keep()
    return error


def live(model: Any) -> Any:
    """A select of the model's rows that are not tombstones."""
    return select(model).where(model.deleted_at.is_(None))
