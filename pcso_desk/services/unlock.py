"""Before a store is open: make a new (encrypted) one, sign in to open one, or recover.

The store is encrypted with a data key that only the keyring beside it holds, wrapped for
each account and for the recovery code (store/keyring.py). So the front ends start here,
not at `Services`: a `Door` says what is in the data folder (`state`), and each way in
returns the `Services` of the opened store with someone signed in:

* `create` makes a new store, encrypted from its first page, with a new key and recovery
  code (`Services.recovery_code`, shown once by `init` and the first-run screen). Until it
  has an account its key lies open in the keyring (it holds no records yet); the first
  account wraps it.
* `sign_in` unwraps the key with a password (a wrong one costs the same Argon2 work as an
  unknown name, and is counted towards a lockout in the keyring), opens the store with it,
  and records the sign-in there: the account must still be active, and the refusals that
  waited in the keyring go into the audit log. When another command holds the write lock for
  longer than SIGN_IN_PATIENCE_MS, the sign-in is not refused for it: the account is checked
  by reading, and the entry waits in the keyring for the next sign-in to write.
* A store made before stores were encrypted (`Stage.PLAIN`) signs in as it always did and is
  then encrypted in place (`_convert`): a backup first, then a whole encrypted copy checked
  and renamed over it, its backups encrypted too. The account signing in gets a new wrap;
  the others a wrap from their existing password hash (store/keyring.py `legacy_wrap`), and
  a recovery code is made for the front end to show.
* `recover` lets an administrator back in with the recovery code when every password is lost.

Signing in no longer needs the store to verify the password (the wrap did), so it costs one
Argon2 derivation, as before.
"""

from __future__ import annotations

import contextlib
import enum
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pcso_desk.domain.errors import PermissionDenied, StoreBusyError, StoreError
from pcso_desk.paths import DataPaths
from pcso_desk.store import keyring as kr

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from pcso_desk.services.api import Services

# The app shows its sign-in form before the data layer (SQLAlchemy, the models, the store)
# has loaded: what a Door answers before someone signs in (`stage`, `is_demo`) needs only the
# keyring, so everything else is imported where it is used (gui/__init__.py `_run_window`).

log = logging.getLogger(__name__)

CONVERTING = ".encrypting"
# How long a sign-in waits for another command's write lock before it records itself later.
SIGN_IN_PATIENCE_MS = 2000


class Stage(enum.Enum):
    NEW = "new"  # no store yet
    SETTING_UP = "setting up"  # a store with no account yet: opens without signing in
    LOCKED = "locked"  # an encrypted store: a password (or the recovery code) opens it
    PLAIN = "plain"  # a store made before stores were encrypted: converted at sign-in


@dataclass
class Door:
    """The way into the store of one data folder (see the module's docstring)."""

    paths: DataPaths
    background: bool = False  # the app: integrity check and daily care on threads
    now: Callable[[], datetime] = field(default=lambda: _utcnow())
    opened: Services | None = field(default=None, repr=False)
    _key: bytes | None = field(default=None, repr=False)

    @property
    def ring_path(self) -> Path:
        return kr.keyring_path(self.paths.store)

    @property
    def spare_path(self) -> Path:
        return kr.spare_path(self.paths.store, self.paths.backups)

    def keyring(self) -> kr.Keyring:
        return kr.Keyring.load(self.ring_path, self.spare_path)

    def has_keyring(self) -> bool:
        return self.ring_path.exists() or self.spare_path.exists()

    def stage(self) -> Stage:
        if not self.paths.store.exists():
            if self.has_keyring():  # the store went, its key did not: a damaged store
                return Stage.LOCKED
            return Stage.NEW
        if not self.has_keyring():
            return Stage.PLAIN
        ring = self.keyring()
        return Stage.SETTING_UP if ring.open_key() is not None else Stage.LOCKED

    def is_demo(self) -> bool:
        return self.has_keyring() and self.keyring().demo

    def prepare(self) -> None:
        """Load what opening a store and signing in need (SQLAlchemy, the models mapped, the
        services), so that a sign-in does not wait for it: the app calls this on its worker
        while the sign-in form is up (gui/__init__.py `_load_behind`)."""
        from sqlalchemy.orm import configure_mappers

        import pcso_desk.services.api
        import pcso_desk.services.protection.care
        import pcso_desk.store.session  # noqa: F401

        configure_mappers()

    # New stores -------------------------------------------------------------------------

    def create(self, *, demo: bool = False) -> Services:
        """A new encrypted store with its keyring (key open until the first account);
        `recovery_code` holds the code to show."""
        if self.paths.store.exists() or self.has_keyring():
            raise StoreError(f"There is a store at {self.paths.store} already.")
        self.paths.ensure()
        key, code = kr.new_data_key(), kr.new_recovery_code()
        ring = kr.Keyring(self.ring_path, spare=self.spare_path, demo=demo)
        ring.set_open(key)
        ring.wrap_recovery(key, code)
        ring.save()
        services = self._open(key, care=False)
        services.recovery_code = code
        self.opened = services
        return services

    def open_unsigned(self) -> Services:
        """A store with no account yet (a new one, or a plain one being set up)."""
        if self.opened is not None:
            return self.opened
        stage = self.stage()
        if stage is Stage.SETTING_UP:
            self.opened = self._open(self.keyring().open_key(), care=True)
        elif stage is Stage.PLAIN:
            self.opened = self._open(None, care=True)
        else:
            raise PermissionDenied("Sign in first: this store has user accounts.")
        return self.opened

    # Signing in ---------------------------------------------------------------------------

    def sign_in(self, username: str, password: str) -> Services:
        """Open the store as `username` (see the module's docstring)."""
        from pcso_desk.services.protection import accounts

        if self.stage() is Stage.PLAIN:
            return self._sign_in_plain(username, password)
        name = username.strip().lower()
        now = self.now()
        ring = kr.Keyring.load(self.ring_path, self.spare_path)
        changed = True  # saved unless a sign-in changed nothing in it (most do not)
        until = ring.locked_until(name, now)
        if until is None:
            key, stale = ring.unwrap_account(name, password)
            if key is None:
                ring.failed(name, now)
                ring.refused(now, "wrong user name or password", _known(ring, name))
            else:
                tallies = dict(ring.tallies)
                ring.succeeded(name)
                changed = stale or ring.tallies != tallies
                if stale:
                    ring.wrap_account(name, key, password)
        else:
            key = None
            ring.refused(now, "locked", _known(ring, name))
        if changed:
            ring.save()
        if until is not None:
            raise PermissionDenied(
                f"Too many failed sign-ins; this account can try again at {until:%H:%M} UTC."
            )
        if key is None:
            raise PermissionDenied(accounts.WRONG)
        self._key = key
        services = self.opened if self._same_key(key) else self._open(key, care=True)
        assert services is not None
        self.opened = services
        self._enter(services, name)
        return services

    def recover(self, username: str, code: str, new_password: str) -> Services:
        """An administrator's new password, with the recovery code (every password lost)."""
        from sqlalchemy import select

        from pcso_desk.services.context import Actor
        from pcso_desk.services.protection import accounts, audit
        from pcso_desk.store.models import User

        accounts.check_new_account(username, new_password)
        key = self.keyring().unwrap_recovery(code)
        if key is None:
            raise PermissionDenied("That recovery code does not open this store.")
        self._key = key
        services = self._open(key, care=False)
        ctx, name = services.ctx, username.strip().lower()
        with ctx.store.write() as session:
            user = session.scalar(select(User).where(User.username == name))
            if user is None or user.deleted_at is not None or user.role.value != "admin":
                services.ctx.store.close()
                raise PermissionDenied(f"There is no administrator account called {name}.")
            user.password_hash = accounts.hash_password(new_password)
            user.active, user.failed_attempts, user.locked_until = True, 0, None
            ctx.sign_in(Actor(user.id, user.username, user.role, user.officer_id))
            ctx.stamp(user, creating=False)
            audit.append(session, ctx, "recover", "users", (user.id,), "with the recovery code")
            with kr.editing(self.ring_path, self.spare_path) as ring:
                ring.wrap_account(name, key, new_password)
                ring.succeeded(name)
        self.opened = services
        return services

    def check_unsigned(self) -> None:
        """What can be told of an encrypted store without its key: DamagedStoreError if it
        has gone, is empty or is cut short (naming the newest backup whole in size: it is
        checked in full when restored); else a refusal asking for a user to check it all."""
        from pcso_desk.store.backup import PAGE, DamagedStoreError, damage_mark, list_backups

        path = self.paths.store
        size = path.stat().st_size if path.exists() else None
        problem = (
            "the store file has gone (its keyring is still here)"
            if size is None
            else "it is empty"
            if size == 0
            else "it is cut short (not a whole number of pages)"
            if size % PAGE
            else None
        )
        if problem is None:
            raise PermissionDenied(
                "This store is encrypted, so only a signed-in user can check every page of "
                "it; give --user NAME."
            )
        whole = [b for b in list_backups(self.paths.backups) if _whole(b.path)]
        with contextlib.suppress(OSError):
            damage_mark(path).write_text(problem + "\n", encoding="utf-8")
        raise DamagedStoreError(path, problem, whole[0] if whole else None)

    @property
    def key(self) -> bytes | None:
        """The key the last sign-in unwrapped (a restore of a damaged store needs it)."""
        return self._key

    # Inside --------------------------------------------------------------------------------

    def _same_key(self, key: bytes) -> bool:
        return self.opened is not None and self.opened.ctx.store.key == key

    def _open(self, key: bytes | None, *, care: bool) -> Services:
        from pcso_desk.services.api import Services
        from pcso_desk.services.context import Context
        from pcso_desk.services.protection.care import DailyCare
        from pcso_desk.store.session import open_store

        existed = self.paths.store.exists()
        store = open_store(
            self.paths.store, self.paths.backups, check_later=self.background, key=key
        )
        try:
            services = Services(Context.open(store))
        except BaseException:
            store.close()
            raise
        if existed and care:
            DailyCare(services.ctx, self.paths.logs).start(self.background)
        return services

    def _enter(self, services: Services, name: str) -> None:
        """Record the sign-in in the opened store (the wrap proved the password).

        Not at once while the store's whole-file check still runs on its thread (seconds on a
        county store; nothing is written before it passes) or another command holds the write
        lock: the account is then checked by reading, and the entry waits in the keyring,
        written when the check passes or at the next sign-in."""
        from pcso_desk.services.context import Actor
        from pcso_desk.services.protection import accounts, audit, owed

        ctx = services.ctx
        checking = ctx.store.intact
        running = checking is not None and not checking.done()
        waiting: list[dict[str, str]] = []  # while the check runs they stay where they are
        if not running:
            with kr.editing(self.ring_path, self.spare_path) as ring:
                waiting = ring.take_refusals()
        try:
            if running:
                raise StoreBusyError("The store's check is still running.")
            with ctx.store.write(patience_ms=SIGN_IN_PATIENCE_MS) as session:
                for entry in waiting:
                    owed.write_waiting(session, ctx, entry)
                user = _account(session, name)
                if user is not None:
                    user.failed_attempts, user.locked_until = 0, None
                    user.last_sign_in = self.now()
                    ctx.sign_in(Actor(user.id, user.username, user.role, user.officer_id))
                    audit.append(session, ctx, "sign in", "users", (user.id,))
                else:
                    ids = _user_ids(session, name)
                    audit.append(
                        session, ctx, "sign in", "users", ids, "account disabled",
                        outcome="refused",
                    )  # fmt: skip
        except StoreBusyError:
            with ctx.store.read() as session:
                user = _account(session, name)
            now = self.now()
            with kr.editing(self.ring_path, self.spare_path) as ring:
                ring.refusals[:0] = waiting
                if user is None:
                    ring.refused(now, "account disabled", name)
                else:
                    ring.entered(now, name)
            if user is not None:
                ctx.sign_in(Actor(user.id, user.username, user.role, user.officer_id))
            if checking is not None and not checking.done():
                owed.expect(ctx)  # written with the entries owed meanwhile, once it passes
        if user is None:
            raise PermissionDenied(accounts.WRONG)

    def _sign_in_plain(self, username: str, password: str) -> Services:
        """A store made before encryption: sign in as before, then encrypt it in place."""
        services = self.opened or self._open(None, care=True)
        self.opened = services
        services.accounts.sign_in(username, password)
        converted = self._convert(services, username.strip().lower(), password)
        self.opened = converted
        return converted

    def _convert(self, plain: Services, name: str, password: str) -> Services:
        from sqlalchemy import select

        from pcso_desk.services.protection import audit
        from pcso_desk.services.protection.backups import make_backup
        from pcso_desk.store.models import User

        ctx = plain.ctx
        actor = ctx.actor
        make_backup(ctx)  # the plain store as it was, until its backups are encrypted below
        with ctx.store.read() as session:
            hashes = dict(
                session.execute(
                    select(User.username, User.password_hash).where(User.deleted_at.is_(None))
                )
                .tuples()
                .all()
            )
        ctx.store.let_finish()
        ctx.store.close()
        key, code = kr.new_data_key(), kr.new_recovery_code()
        _encrypt_file(self.paths.store, key)
        for backup in _plain_backups(self.paths.backups):
            _encrypt_file(backup, key, keep_name=True)
        ring = kr.Keyring(self.ring_path, spare=self.spare_path)
        ring.wrap_recovery(key, code)
        for other, hashed in hashes.items():
            if other != name:
                ring.wrap_legacy(other, key, hashed)
        ring.wrap_account(name, key, password)
        ring.save()
        self._key = key
        services = self._open(key, care=False)
        services.recovery_code = code
        if actor is not None:
            services.ctx.sign_in(actor)
            audit.record(services.ctx, "encrypt store", "store", (), "converted at sign-in")
        return services


def _utcnow() -> datetime:
    from pcso_desk.store.base import utcnow

    return utcnow()


def _whole(path: Path) -> bool:
    from pcso_desk.store.backup import PAGE

    size = path.stat().st_size
    return size > 0 and size % PAGE == 0


def _known(ring: kr.Keyring, name: str) -> str:
    """The name for an audit entry only when it is an account's (never what else was typed)."""
    return name if name in ring.accounts() else ""


def _account(session: Session, name: str) -> Any:
    """The active account of that name (None: none, or disabled)."""
    from sqlalchemy import select

    from pcso_desk.store.models import User

    user = session.scalar(select(User).where(User.username == name, User.deleted_at.is_(None)))
    return user if user is not None and user.active else None


def _user_ids(session: object, username: str) -> tuple[str, ...]:
    from sqlalchemy import select

    from pcso_desk.store.models import User

    if not username:
        return ()
    found = session.scalar(select(User.id).where(User.username == username))  # type: ignore[attr-defined]
    return (found,) if found else ()


def _plain_backups(folder: Path) -> list[Path]:
    """The backups (and set-aside stores) in `folder` that are still plain SQLite files."""
    if not folder.is_dir():
        return []
    found = []
    for path in folder.rglob("*.sqlite"):
        with contextlib.suppress(OSError), path.open("rb") as handle:
            if handle.read(16) == b"SQLite format 3\x00":
                found.append(path)
    return found


def _encrypt_file(path: Path, key: bytes, *, keep_name: bool = False) -> None:
    """Replace the plain store at `path` with an encrypted copy (sqlcipher_export), checked
    before the rename; the plain file's -wal is folded in first."""
    import uuid

    from pcso_desk.store.backup import damage_mark, problem_with_backup, sidecars
    from pcso_desk.store.engine import connect

    temp = path.with_name(f".{path.name}.{uuid.uuid4().hex}{CONVERTING}")
    plain = connect(path, None)
    try:
        plain.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        escaped = str(temp).replace("'", "''")
        plain.execute(f"ATTACH DATABASE '{escaped}' AS encrypted KEY \"{_pragma(key)}\"")
        plain.execute("SELECT sqlcipher_export('encrypted')")
        version = plain.execute("PRAGMA user_version").fetchone()[0]
        plain.execute(f"PRAGMA encrypted.user_version = {int(version)}")
        plain.execute("DETACH DATABASE encrypted")
    finally:
        plain.close()
    problem = problem_with_backup(temp, key)
    if problem is not None:
        temp.unlink(missing_ok=True)
        raise StoreError(f"The store could not be encrypted ({problem}); it was left as it was.")
    with open(temp, "rb+") as handle:
        os.fsync(handle.fileno())
    os.replace(temp, path)
    for sidecar in sidecars(path):
        sidecar.unlink(missing_ok=True)
    if not keep_name:
        damage_mark(path).unlink(missing_ok=True)


def _pragma(key: bytes) -> str:
    from pcso_desk.store.engine import key_pragma

    return key_pragma(key)
