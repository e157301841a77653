"""User accounts: Argon2id passwords, sign-in with throttling, and what admins and users change.

One message for an unknown user name and a wrong password, so sign-in does not tell who has
an account. After MAX_FAILURES failures in a row an account waits LOCKOUT before it may try
again; every failure is audited. An unknown user name costs the same Argon2 check and is
counted and locked out the same way, so neither the time taken nor any answer tells it apart.
"""

from __future__ import annotations

import hmac
import os
import secrets
from base64 import b64encode
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pcso_desk.domain.enums import UserRole
from pcso_desk.domain.errors import NotFoundError, PermissionDenied, ValidationError
from pcso_desk.domain.passwords import DEMO_PASSWORD as DEMO_PASSWORD
from pcso_desk.domain.passwords import MAX_PASSWORD as MAX_PASSWORD
from pcso_desk.domain.passwords import MIN_PASSWORD as MIN_PASSWORD
from pcso_desk.domain.permissions import Action
from pcso_desk.services.context import Actor, Changes, Context, meta_value, set_meta
from pcso_desk.services.gateway import Effect, use_case
from pcso_desk.services.protection import audit
from pcso_desk.services.records.names import no_such
from pcso_desk.store.models import Officer, User

MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=15)
WRONG = "The user name or password is not right."
# store_meta: the secret keying the failure counts of unknown user names, and their prefix.
TALLY_SECRET_KEY = "sign_in_tally_secret"
TALLY_PREFIX = "sign_in_tally:"


if TYPE_CHECKING:
    from argon2 import PasswordHasher


def _hasher() -> PasswordHasher:
    from argon2 import PasswordHasher

    return PasswordHasher()  # Argon2id, the library's current RFC 9106 low-memory profile


def hash_password(password: str) -> str:
    return str(_hasher().hash(password))


def _check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise ValidationError(
            f"A password needs at least {MIN_PASSWORD} characters; a few words make a good one.",
            "password",
        )
    if len(password) > MAX_PASSWORD:
        raise ValidationError(f"A password can be at most {MAX_PASSWORD} characters.", "password")
    return password


def _clean_username(username: str) -> str:
    name = username.strip().lower()
    if not name or len(name) > 64 or any(c.isspace() for c in name):
        raise ValidationError("A user name is one word of up to 64 characters.", "username")
    return name


def check_new_account(username: str, password: str | None = None) -> str:
    """The cleaned user name, once the name (and password) would be accepted; writes nothing."""
    name = _clean_username(username)
    if password is not None:
        _check_password(password)
    return name


@dataclass(frozen=True)
class Account:
    id: str
    username: str
    role: UserRole
    officer_id: str | None
    officer: str
    active: bool
    last_sign_in: datetime | None
    locked_until: datetime | None


def has_accounts(ctx: Context) -> bool:
    with ctx.store.read() as session:
        found = session.scalar(
            select(func.count()).select_from(User).where(User.deleted_at.is_(None))
        )
    return bool(found)


def create_account(
    ctx: Context,
    username: str,
    password: str,
    role: UserRole | str,
    officer_id: str | None = None,
) -> Changes:
    """A new account (admins only, once accounts exist; the first one is the first admin)."""
    ctx.require(Action.MANAGE_USERS, "users")
    name, role = _clean_username(username), UserRole(role)
    hashed = hash_password(_check_password(password))
    with ctx.store.write() as session:
        if session.scalar(select(User.id).where(User.username == name)):
            raise ValidationError(f"There is already an account called {name}.", "username")
        if officer_id and session.get(Officer, officer_id) is None:
            raise ValidationError("The chosen officer does not exist.", "officer_id")
        user = User(username=name, role=role, password_hash=hashed, officer_id=officer_id)
        ctx.stamp(user, creating=True)
        session.add(user)
        session.flush()
        audit.append(session, ctx, "create account", "users", (user.id,), f"role {role.value}")
        wrap_key(ctx, name, password)
    return Changes("users", created=(user.id,))


def wrap_key(ctx: Context, username: str, password: str) -> None:
    """Let `username`'s password open the store (an encrypted one): its key is wrapped for
    that password in the keyring (store/keyring.py), replacing the account's old wrap.
    Called last inside the unit of work, so a keyring that cannot be written undoes it."""
    store = ctx.store
    if store.key is None:
        return
    from pcso_desk.store import keyring

    spare = keyring.spare_path(store.path, store.backups) if store.backups else None
    with keyring.editing(keyring.keyring_path(store.path), spare) as ring:
        ring.wrap_account(username, store.key, password)


DEMO_ACCOUNTS = (("pcso", UserRole.PCSO), ("pc", UserRole.PC), ("sergeant", UserRole.SERGEANT),
                 ("admin", UserRole.ADMIN))  # fmt: skip


def create_demo_accounts(ctx: Context) -> list[str]:
    """One account per role for a demo store, each tied to an officer of that rank."""
    from pcso_desk.domain.enums import Role

    ranks = {UserRole.PCSO: Role.PCSO, UserRole.PC: Role.PC, UserRole.SERGEANT: Role.SERGEANT}
    made = []
    for username, role in DEMO_ACCOUNTS:
        with ctx.store.read() as session:
            rank = ranks.get(role)
            officer = session.scalar(
                select(Officer.id).where(Officer.role == rank).order_by(Officer.name).limit(1)
            ) if rank else None  # fmt: skip
        create_account(ctx, username, DEMO_PASSWORD, role, officer)
        made.append(username)
    return made


def sign_in(ctx: Context, username: str, password: str) -> Actor:
    """Check a user name and password; on success the context acts as that user."""
    now = ctx.now()
    name = username.strip().lower()
    # A refusal is committed (the failure count, the audit entry) and raised afterwards.
    refused: PermissionDenied | None = None
    hasher = _hasher()
    # Argon2 takes a noticeable moment by design: check the password before taking the
    # store's write lock, so no other write waits on it (and the app's start-up integrity
    # check, which writes wait for, runs meanwhile).
    with ctx.store.read() as session:
        stored = session.scalar(
            select(User.password_hash).where(User.username == name, User.deleted_at.is_(None))
        )
    # An unknown name is checked against a decoy of the same cost: it takes as long.
    verified = _verify(hasher, _decoy_hash(hasher) if stored is None else stored, password)
    with ctx.store.write() as session:
        user = session.scalar(select(User).where(User.username == name, User.deleted_at.is_(None)))
        if user is not None and user.password_hash != stored:  # changed meanwhile: again
            verified = _verify(hasher, user.password_hash, password)
        # An unknown name's failures are counted (in the store, so across processes) and
        # locked out exactly like an account's.
        tally = user if user is not None else _Tally.load(session, name)
        ids = (user.id,) if user is not None else ()
        if tally.locked_until and tally.locked_until > now:
            audit.append(session, ctx, "sign in", "users", ids, "locked", outcome="refused")
            until = tally.locked_until.strftime("%H:%M UTC")
            refused = PermissionDenied(
                f"Too many failed sign-ins; this account can try again at {until}."
            )
        elif user is None or not user.active or not verified:
            _failed(tally, now)
            if isinstance(tally, _Tally):
                tally.save(session)
            audit.append(
                session, ctx, "sign in", "users", ids, "wrong user name or password",
                outcome="refused",
            )  # fmt: skip
            refused = PermissionDenied(WRONG)
        else:
            if hasher.check_needs_rehash(user.password_hash):
                user.password_hash = hash_password(password)  # parameters rose since it was set
            user.failed_attempts, user.locked_until, user.last_sign_in = 0, None, now
            actor = Actor(user.id, user.username, user.role, user.officer_id)
            ctx.sign_in(actor)
            audit.append(session, ctx, "sign in", "users", (user.id,))
    if refused is not None:
        raise refused
    return actor


def _verify(hasher: PasswordHasher, stored: str, password: str) -> bool:
    from argon2.exceptions import InvalidHashError, VerificationError

    try:
        return bool(hasher.verify(stored, password))
    except (VerificationError, InvalidHashError):
        return False


def _decoy_hash(hasher: PasswordHasher) -> str:
    """An Argon2 hash with the hasher's own parameters that no password matches (its digest is
    random), so checking against it costs what checking a real one does. Written out, not
    hashed: making it would add a hash's time to the first unknown name of every process."""
    from argon2.low_level import ARGON2_VERSION

    salt, digest = (
        b64encode(os.urandom(size)).decode().rstrip("=")
        for size in (hasher.salt_len, hasher.hash_len)
    )
    return (
        f"$argon2{hasher.type.name.lower()}$v={ARGON2_VERSION}$m={hasher.memory_cost},"
        f"t={hasher.time_cost},p={hasher.parallelism}${salt}${digest}"
    )


@dataclass
class _Tally:
    """An unknown user name's failures, in store_meta under a keyed hash of the name: what
    was typed (often a password, in the wrong box) is never kept as typed."""

    key: str
    failed_attempts: int = 0
    locked_until: datetime | None = None

    @classmethod
    def load(cls, session: Session, name: str) -> _Tally:
        secret = meta_value(session, TALLY_SECRET_KEY)
        if secret is None:
            secret = secrets.token_hex(32)
            set_meta(session, TALLY_SECRET_KEY, secret)
        typed = name.encode("utf-8", "surrogatepass")
        key = TALLY_PREFIX + hmac.new(bytes.fromhex(secret), typed, "sha256").hexdigest()[:32]
        count, _, until = (meta_value(session, key) or "0 ").partition(" ")
        return cls(key, int(count), datetime.fromisoformat(until) if until else None)

    def save(self, session: Session) -> None:
        until = self.locked_until.isoformat() if self.locked_until else ""
        set_meta(session, self.key, f"{self.failed_attempts} {until}")


def _failed(tally: User | _Tally, now: datetime) -> None:
    tally.failed_attempts = (tally.failed_attempts or 0) + 1
    if tally.failed_attempts >= MAX_FAILURES:
        tally.locked_until = now + LOCKOUT
        tally.failed_attempts = 0


def sign_out(ctx: Context) -> None:
    if ctx.actor is not None:
        audit.record(ctx, "sign out", "users", (ctx.actor.user_id,))
    ctx.sign_in(None)
    ctx.accounts = True


def change_own_password(ctx: Context, current: str, new: str) -> None:
    actor = ctx.actor
    if actor is None:
        raise PermissionDenied("Sign in first: this store has user accounts.")
    hashed = hash_password(_check_password(new))
    with ctx.store.write() as session:
        user = session.get(User, actor.user_id)
        right = user is not None and _verify(_hasher(), user.password_hash, current)
        if user is None or not right:
            audit.append(
                session, ctx, "change password", "users", (actor.user_id,), "", outcome="refused"
            )
        else:
            user.password_hash = hashed
            ctx.stamp(user, creating=False)
            audit.append(session, ctx, "change password", "users", (user.id,))
            wrap_key(ctx, user.username, new)
    if not right:
        raise PermissionDenied("The current password is not right; the password was not changed.")


def reset_password(ctx: Context, user_id: str, new: str) -> Changes:
    ctx.require(Action.MANAGE_USERS, "users", (user_id,))
    hashed = hash_password(_check_password(new))
    with ctx.store.write() as session:
        user = _user(session, user_id)
        user.password_hash, user.failed_attempts, user.locked_until = hashed, 0, None
        ctx.stamp(user, creating=False)
        audit.append(session, ctx, "reset password", "users", (user.id,))
        wrap_key(ctx, user.username, new)
    return Changes("users", updated=(user_id,))


def set_active(ctx: Context, user_id: str, active: bool) -> Changes:
    ctx.require(Action.MANAGE_USERS, "users", (user_id,))
    with ctx.store.write() as session:
        user = _user(session, user_id)
        if not active and ctx.actor and ctx.actor.user_id == user_id:
            raise ValidationError("You cannot disable the account you are signed in with.")
        user.active = active
        ctx.stamp(user, creating=False)
        audit.append(
            session, ctx, "enable account" if active else "disable account", "users", (user.id,)
        )
    return Changes("users", updated=(user_id,))


def set_role(ctx: Context, user_id: str, role: UserRole | str) -> Changes:
    ctx.require(Action.MANAGE_USERS, "users", (user_id,))
    with ctx.store.write() as session:
        user = _user(session, user_id)
        user.role = UserRole(role)
        ctx.stamp(user, creating=False)
        audit.append(session, ctx, "change role", "users", (user.id,), f"role {user.role.value}")
    return Changes("users", updated=(user_id,))


def list_accounts(ctx: Context) -> list[Account]:
    ctx.require(Action.MANAGE_USERS, "users")
    with ctx.store.read() as session:
        officers = dict(session.execute(select(Officer.id, Officer.name)).tuples().all())
        users = session.scalars(
            select(User).where(User.deleted_at.is_(None)).order_by(User.username)
        ).all()
        return [
            Account(
                u.id,
                u.username,
                u.role,
                u.officer_id,
                officers.get(u.officer_id or "", ""),
                u.active,
                u.last_sign_in,
                u.locked_until,
            )
            for u in users
        ]


def find_account(ctx: Context, username: str) -> Account:
    """The account called `username` (admins only); an unknown name is refused in one sentence."""
    accounts = list_accounts(ctx)
    wanted = username.strip().lower()
    for account in accounts:
        if account.username == wanted:
            return account
    names = [account.username for account in accounts]
    raise NotFoundError(no_such("account called", username, names))


def officer_by_collar(ctx: Context, collar: str) -> str:
    """The id of the officer with that collar number (spaces and case do not matter)."""
    ctx.require(Action.MANAGE_USERS, "users")
    with ctx.store.read() as session:
        officers = session.execute(
            select(Officer.id, Officer.collar_number).where(Officer.deleted_at.is_(None))
        ).all()
    for officer_id, number in officers:
        if _fold(number) == _fold(collar):
            return str(officer_id)
    numbers = [str(number) for _id, number in officers]
    raise NotFoundError(no_such("officer with the collar number", collar, numbers))


def _fold(text: str) -> str:
    return "".join(text.split()).casefold()


def _user(session: Session, user_id: str) -> User:
    user = session.get(User, user_id)
    if user is None or user.deleted_at is not None:
        raise NotFoundError("That account no longer exists.")
    return user


class Accounts:
    """Signing in and out, one's own password, and the accounts an admin manages, for front
    ends (`services.accounts`). The entries are the ones the functions above write."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    # Signing in and changing one's own password commit a refusal (its entry; a sign-in's
    # failure count, which leads to the lockout) before raising it, and sign-in checks the
    # password before taking the write lock: a unit of work around them would roll the
    # refusal back with the error (Effect.OWN_COMMITS).
    @use_case(None, "sign in", effect=Effect.OWN_COMMITS, kind="users")
    def sign_in(self, username: str, password: str) -> Actor:
        """Check a user name and password; on success the store is used as that user."""
        return sign_in(self.ctx, username, password)

    @use_case(None, "change password", effect=Effect.OWN_COMMITS, kind="users")
    def change_password(self, current: str, new: str) -> None:
        """The signed-in user's own password, the current one given first."""
        change_own_password(self.ctx, current, new)

    @use_case(None, "sign out", kind="users")
    def sign_out(self) -> None:
        sign_out(self.ctx)

    @use_case(Action.MANAGE_USERS, effect=Effect.READ, kind="users")
    def list_all(self) -> list[Account]:
        """Every account, by user name."""
        return list_accounts(self.ctx)

    @use_case(Action.MANAGE_USERS, effect=Effect.READ, kind="users")
    def find(self, username: str) -> Account:
        """The account called `username`; an unknown name is refused in one sentence."""
        return find_account(self.ctx, username)

    @use_case(Action.MANAGE_USERS, effect=Effect.READ, kind="users")
    def officer_by_collar(self, collar: str) -> str:
        """The id of the officer with that collar number, to tie a new account to."""
        return officer_by_collar(self.ctx, collar)

    # On a store with no accounts yet everyone may: that makes the first admin.
    @use_case(Action.MANAGE_USERS, "create account", kind="users")
    def create(
        self, username: str, password: str, role: UserRole | str, officer_id: str | None = None
    ) -> Changes:
        return create_account(self.ctx, username, password, role, officer_id)

    @use_case(Action.MANAGE_USERS, "reset password", kind="users")
    def reset_password(self, user_id: str, new: str) -> Changes:
        return reset_password(self.ctx, user_id, new)

    @use_case(Action.MANAGE_USERS, "disable account", kind="users")
    def disable(self, user_id: str) -> Changes:
        """Stop an account signing in (not the one signed in); its records stay."""
        return set_active(self.ctx, user_id, False)

    @use_case(Action.MANAGE_USERS, "enable account", kind="users")
    def enable(self, user_id: str) -> Changes:
        return set_active(self.ctx, user_id, True)

    @use_case(Action.MANAGE_USERS, "change role", kind="users")
    def change_role(self, user_id: str, role: UserRole | str) -> Changes:
        return set_role(self.ctx, user_id, role)
