"""User accounts: Argon2id hashes, one answer for wrong names and passwords, lockout, rehash."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import argon2
import pytest
from sqlalchemy import select, text

from pcso_desk.domain.errors import PermissionDenied, ValidationError
from pcso_desk.paths import DataPaths
from pcso_desk.services.api import Services
from pcso_desk.services.context import Context
from pcso_desk.services.protection import accounts
from pcso_desk.store.base import utcnow
from pcso_desk.store.models import User
from pcso_desk.store.session import Store
from tests.factories import World

PASSWORD = "correct horse battery"
ADMIN_PASSWORD = "admin staple battery"
CANARY_PASSWORD = "Zebedee-canary-secret-42"
NEW_CANARY_PASSWORD = "Quokka-canary-secret-77"


@pytest.fixture
def users(services: Services, world: World) -> dict[str, str]:
    """An admin and a PCSO, made while the store is being set up."""
    return {
        "boss": accounts.create_account(services.ctx, "boss", ADMIN_PASSWORD, "admin")
        .created[0],
        "alex": accounts.create_account(services.ctx, "alex", PASSWORD, "pcso", world.officer)
        .created[0],
    }  # fmt: skip


def _fresh(store: Store, now: Callable[[], datetime] = utcnow) -> Context:
    """A new session at the desk: the store has accounts and no one is signed in yet."""
    return Context.open(store, now=now)


def _hash(store: Store, username: str) -> str:
    with store.read() as session:
        return str(session.scalar(select(User.password_hash).where(User.username == username)))


def _audit(store: Store) -> list[dict[str, Any]]:
    with store.read() as session:
        return [dict(r._mapping) for r in session.execute(text("SELECT * FROM audit_log"))]


def _refusals(store: Store) -> int:
    return sum(
        1 for row in _audit(store) if row["action"] == "sign in" and row["outcome"] == "refused"
    )


def _admin(store: Store) -> Context:
    ctx = _fresh(store)
    accounts.sign_in(ctx, "boss", ADMIN_PASSWORD)
    return ctx


def test_passwords_are_stored_as_argon2id_hashes(ctx: Context, users: dict[str, str]) -> None:
    for name in ("boss", "alex"):
        stored = _hash(ctx.store, name)
        assert stored.startswith("$argon2id$")
        assert PASSWORD not in stored and ADMIN_PASSWORD not in stored


def test_the_right_password_signs_in_as_that_user(ctx: Context, users: dict[str, str]) -> None:
    desk = _fresh(ctx.store)
    actor = accounts.sign_in(desk, "  Alex ", PASSWORD)
    assert (actor.username, actor.role.value, desk.actor) == ("alex", "pcso", actor)
    assert desk.officer_id == actor.officer_id is not None


def test_wrong_password_and_unknown_user_get_the_same_answer(
    ctx: Context, users: dict[str, str]
) -> None:
    answers = []
    for name, password in (("alex", "not the password"), ("nobody", PASSWORD)):
        with pytest.raises(PermissionDenied) as refused:
            accounts.sign_in(_fresh(ctx.store), name, password)
        answers.append(str(refused.value))
    assert answers == [accounts.WRONG, accounts.WRONG]


def test_a_good_sign_in_before_the_limit_clears_the_count(
    ctx: Context, users: dict[str, str]
) -> None:
    for _ in range(accounts.MAX_FAILURES - 1):
        with pytest.raises(PermissionDenied):
            accounts.sign_in(_fresh(ctx.store), "alex", "not the password")
    accounts.sign_in(_fresh(ctx.store), "alex", PASSWORD)
    for _ in range(accounts.MAX_FAILURES - 1):
        with pytest.raises(PermissionDenied):
            accounts.sign_in(_fresh(ctx.store), "alex", "not the password")
    accounts.sign_in(_fresh(ctx.store), "alex", PASSWORD)


def test_repeated_failures_lock_the_account_until_the_wait_is_over(
    ctx: Context, users: dict[str, str]
) -> None:
    for _ in range(accounts.MAX_FAILURES):
        with pytest.raises(PermissionDenied, match=accounts.WRONG):
            accounts.sign_in(_fresh(ctx.store), "alex", "not the password")
    with pytest.raises(PermissionDenied, match=r"^Too many failed sign-ins"):
        accounts.sign_in(_fresh(ctx.store), "alex", PASSWORD)
    later = utcnow() + accounts.LOCKOUT + timedelta(seconds=1)
    assert accounts.sign_in(_fresh(ctx.store, lambda: later), "alex", PASSWORD).username == "alex"


def test_every_failed_sign_in_is_audited(ctx: Context, users: dict[str, str]) -> None:
    before = _refusals(ctx.store)
    for name in ("alex", "nobody", "alex"):
        with pytest.raises(PermissionDenied):
            accounts.sign_in(_fresh(ctx.store), name, "not the password")
    assert _refusals(ctx.store) == before + 3


def test_a_locked_account_is_refused_even_with_the_right_password(
    ctx: Context, users: dict[str, str]
) -> None:
    """The lock itself, set directly: a locked account waits out LOCKOUT."""
    with ctx.store.write() as session:
        user = session.get(User, users["alex"])
        assert user is not None
        user.locked_until = utcnow() + accounts.LOCKOUT
    with pytest.raises(PermissionDenied, match=r"^Too many failed sign-ins; .* try again at "):
        accounts.sign_in(_fresh(ctx.store), "alex", PASSWORD)
    later = utcnow() + accounts.LOCKOUT + timedelta(seconds=1)
    assert accounts.sign_in(_fresh(ctx.store, lambda: later), "alex", PASSWORD).username == "alex"


def test_an_admin_reset_sets_a_new_password_and_clears_the_lock(
    ctx: Context, users: dict[str, str]
) -> None:
    with ctx.store.write() as session:
        user = session.get(User, users["alex"])
        assert user is not None
        user.locked_until, user.failed_attempts = utcnow() + accounts.LOCKOUT, 3
    accounts.reset_password(_admin(ctx.store), users["alex"], "a brand new password")
    assert accounts.sign_in(_fresh(ctx.store), "alex", "a brand new password").username == "alex"
    with pytest.raises(PermissionDenied, match=accounts.WRONG):
        accounts.sign_in(_fresh(ctx.store), "alex", PASSWORD)


def test_only_an_admin_may_reset_or_create_accounts(ctx: Context, users: dict[str, str]) -> None:
    pcso = _fresh(ctx.store)
    accounts.sign_in(pcso, "alex", PASSWORD)
    with pytest.raises(PermissionDenied, match="cannot manage user accounts"):
        accounts.reset_password(pcso, users["boss"], "taken over now")
    with pytest.raises(PermissionDenied, match="cannot manage user accounts"):
        accounts.create_account(pcso, "mallory", "taken over now", "admin")
    with pytest.raises(PermissionDenied, match=r"^Sign in first"):
        accounts.create_account(_fresh(ctx.store), "mallory", "taken over now", "admin")


def test_changing_your_own_password_needs_the_current_one(
    ctx: Context, users: dict[str, str]
) -> None:
    desk = _fresh(ctx.store)
    accounts.sign_in(desk, "alex", PASSWORD)
    stored = _hash(ctx.store, "alex")
    with pytest.raises(PermissionDenied, match="current password is not right"):
        accounts.change_own_password(desk, "a wrong guess!", "my new long password")
    assert _hash(ctx.store, "alex") == stored
    accounts.change_own_password(desk, PASSWORD, "my new long password")
    assert accounts.sign_in(_fresh(ctx.store), "alex", "my new long password")
    with pytest.raises(PermissionDenied, match=accounts.WRONG):
        accounts.sign_in(_fresh(ctx.store), "alex", PASSWORD)
    with pytest.raises(PermissionDenied, match=r"^Sign in first"):
        accounts.change_own_password(_fresh(ctx.store), PASSWORD, "my new long password")


def test_a_disabled_account_cannot_sign_in(ctx: Context, users: dict[str, str]) -> None:
    admin = _admin(ctx.store)
    accounts.set_active(admin, users["alex"], False)
    with pytest.raises(PermissionDenied) as refused:
        accounts.sign_in(_fresh(ctx.store), "alex", PASSWORD)
    assert str(refused.value) == accounts.WRONG  # says no more than for anyone else
    with pytest.raises(ValidationError, match="cannot disable the account you are signed in"):
        accounts.set_active(admin, users["boss"], False)
    accounts.set_active(admin, users["alex"], True)
    assert accounts.sign_in(_fresh(ctx.store), "alex", PASSWORD).username == "alex"


def test_short_passwords_are_refused_with_one_sentence(ctx: Context, users: dict[str, str]) -> None:
    admin = _admin(ctx.store)
    short = "x" * (accounts.MIN_PASSWORD - 1)
    calls: list[Callable[[], object]] = [
        lambda: accounts.create_account(admin, "jo", short, "pc"),
        lambda: accounts.reset_password(admin, users["alex"], short),
    ]
    desk = _fresh(ctx.store)
    accounts.sign_in(desk, "alex", PASSWORD)
    calls.append(lambda: accounts.change_own_password(desk, PASSWORD, short))
    for call in calls:
        with pytest.raises(ValidationError) as refused:
            call()
        message = str(refused.value)
        assert message.startswith(f"A password needs at least {accounts.MIN_PASSWORD} characters")
        assert message.endswith(".") and message.count(".") == 1
    accounts.create_account(admin, "jo", "x" * accounts.MIN_PASSWORD, "pc")


@pytest.mark.real_password_hashing
def test_a_hash_made_with_weaker_parameters_is_redone_at_sign_in(
    ctx: Context, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    cheap = argon2.PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    with monkeypatch.context() as patch:
        patch.setattr(accounts, "_hasher", lambda: cheap)
        accounts.create_account(ctx, "alex", PASSWORD, "pcso", world.officer)
    weak = _hash(ctx.store, "alex")
    assert argon2.extract_parameters(weak).memory_cost == 8
    accounts.sign_in(_fresh(ctx.store), "alex", PASSWORD)
    strong = _hash(ctx.store, "alex")
    assert strong != weak and strong.startswith("$argon2id$")
    default = argon2.PasswordHasher()
    found = argon2.extract_parameters(strong)
    assert (found.time_cost, found.memory_cost, found.parallelism) == (
        default.time_cost,
        default.memory_cost,
        default.parallelism,
    )
    assert not default.check_needs_rehash(strong)
    assert accounts.sign_in(_fresh(ctx.store), "alex", PASSWORD).username == "alex"


def test_no_password_or_hash_is_ever_logged(
    ctx: Context, world: World, data_paths: DataPaths
) -> None:
    accounts.create_account(ctx, "boss", ADMIN_PASSWORD, "admin")
    accounts.create_account(ctx, "alex", CANARY_PASSWORD, "pcso", world.officer)
    hashes = {_hash(ctx.store, "alex")}
    desk = _fresh(ctx.store)
    accounts.sign_in(desk, "alex", CANARY_PASSWORD)
    for name, password in (("alex", NEW_CANARY_PASSWORD), ("boss", CANARY_PASSWORD)):
        with pytest.raises(PermissionDenied):
            accounts.sign_in(_fresh(ctx.store), name, password)
    with pytest.raises(PermissionDenied):  # the password typed where the name goes
        accounts.sign_in(_fresh(ctx.store), CANARY_PASSWORD, CANARY_PASSWORD)
    with pytest.raises(PermissionDenied):
        accounts.change_own_password(desk, NEW_CANARY_PASSWORD, CANARY_PASSWORD + "!")
    accounts.change_own_password(desk, CANARY_PASSWORD, NEW_CANARY_PASSWORD)
    hashes.add(_hash(ctx.store, "alex"))
    admin = _admin(ctx.store)
    alex = next(a.id for a in accounts.list_accounts(admin) if a.username == "alex")
    accounts.reset_password(admin, alex, CANARY_PASSWORD)
    hashes.add(_hash(ctx.store, "alex"))
    accounts.sign_out(desk)
    secrets = {CANARY_PASSWORD, NEW_CANARY_PASSWORD, *hashes}
    secrets |= {h.rsplit("$", 1)[-1] for h in hashes}  # the digest alone, too
    for row in _audit(ctx.store):
        for column, value in row.items():
            assert not any(s.lower() in str(value).lower() for s in secrets), column
    logs = [p for p in Path(data_paths.logs).rglob("*") if p.is_file()]
    for log in logs:
        content = log.read_bytes().decode("utf-8", "replace").lower()
        assert not any(s.lower() in content for s in secrets), log


def test_sign_out_leaves_a_context_that_refuses_everything(
    ctx: Context, users: dict[str, str]
) -> None:
    desk = Services(_fresh(ctx.store))
    accounts.sign_in(desk.ctx, "alex", PASSWORD)
    assert desk.contacts.count() == 0
    accounts.sign_out(desk.ctx)
    with pytest.raises(PermissionDenied, match=r"^Sign in first"):
        desk.contacts.count()


def test_last_sign_in_is_shown_to_the_admin(ctx: Context, users: dict[str, str]) -> None:
    accounts.sign_in(_fresh(ctx.store), "alex", PASSWORD)
    listed = {a.username: a for a in accounts.list_accounts(_admin(ctx.store))}
    assert set(listed) == {"alex", "boss"}
    seen = listed["alex"].last_sign_in
    assert isinstance(seen, datetime) and abs(seen - utcnow()) < timedelta(minutes=1)
    assert listed["alex"].officer == "PCSO Alex Example" and listed["alex"].active
