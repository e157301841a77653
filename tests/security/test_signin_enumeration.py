"""Sign-in gives nothing away: an unknown user name gets a real one's answers, lockout
included, and the same Argon2 check (counted here; timings are in tests/benchmarks/signin.py)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

import argon2
import pytest
from sqlalchemy import select

from pcso_desk.domain.errors import PermissionDenied
from pcso_desk.paths import DataPaths
from pcso_desk.services.context import Context
from pcso_desk.services.protection import accounts
from pcso_desk.store.models import StoreMeta, User
from pcso_desk.store.session import Store, open_store

PASSWORD = "correct horse battery"
UNKNOWN = "Zqxghost-not-an-account"
NOON = datetime.fromisoformat("2031-05-06T12:00:00+00:00")


@pytest.fixture
def station(ctx: Context, data_paths: DataPaths) -> DataPaths:
    accounts.create_account(ctx, "boss", "admin staple battery", "admin")
    accounts.create_account(ctx, "alex", PASSWORD, "pc")
    return data_paths


CLOCK = [NOON]  # sign-in's clock, held still (a "try again at" must not straddle a minute)


@pytest.fixture
def clock() -> Iterator[list[datetime]]:
    CLOCK[0] = NOON
    yield CLOCK


def _answer(paths: DataPaths, name: str, password: str) -> str:
    """One sign-in as a separate run of the command line would make it: its own store opening."""
    store = open_store(paths.store, paths.backups)
    try:
        accounts.sign_in(Context.open(store, now=lambda: CLOCK[0]), name, password)
    except PermissionDenied as refused:
        return str(refused)
    finally:
        store.close()
    return "signed in"


def test_an_unknown_name_gets_the_answers_a_real_one_gets_lockout_included(
    station: DataPaths, clock: list[datetime]
) -> None:
    def answers(name: str) -> list[str]:
        clock[0] = NOON
        said = [_answer(station, name, "not the password") for _ in range(accounts.MAX_FAILURES)]
        said.append(_answer(station, name, PASSWORD))  # the right one, for alex: still locked
        clock[0] = NOON + accounts.LOCKOUT - timedelta(seconds=1)
        said.append(_answer(station, name, "not the password"))  # the lock's last second
        clock[0] = NOON + accounts.LOCKOUT
        said.append(_answer(station, name, "not the password"))  # over: counted afresh
        return said

    real, unknown = answers("alex"), answers(UNKNOWN)
    locked = "Too many failed sign-ins; this account can try again at 12:15 UTC."
    assert real == [accounts.WRONG] * accounts.MAX_FAILURES + [locked, locked, accounts.WRONG]
    assert unknown == real


def test_an_unknown_names_lockout_is_kept_without_the_name_itself(
    station: DataPaths, clock: list[datetime], store: Store
) -> None:
    for _ in range(accounts.MAX_FAILURES):
        _answer(station, UNKNOWN, "not the password")
    with store.read() as session:
        meta = session.execute(select(StoreMeta.key, StoreMeta.value)).all()
    assert any(key.startswith(accounts.TALLY_PREFIX) for key, _ in meta)
    assert not any(UNKNOWN.lower() in f"{key} {value}".lower() for key, value in meta)
    assert "Too many" in _answer(station, f"  {UNKNOWN.upper()} ", "x")  # as a name is matched
    assert _answer(station, UNKNOWN + "2", "x") == accounts.WRONG  # each name its own count


def test_an_unknown_name_costs_the_argon2_check_a_real_one_costs(
    station: DataPaths, clock: list[datetime], monkeypatch: pytest.MonkeyPatch, store: Store
) -> None:
    checked: list[argon2.Parameters] = []
    verify = argon2.PasswordHasher.verify

    def counted(self: argon2.PasswordHasher, hashed: str | bytes, password: str | bytes) -> bool:
        checked.append(argon2.extract_parameters(str(hashed)))
        return verify(self, hashed, password)

    monkeypatch.setattr(argon2.PasswordHasher, "verify", counted)
    for name in ("alex", UNKNOWN, "alex", UNKNOWN):
        assert _answer(station, name, "not the password") == accounts.WRONG
    with store.read() as session:
        stored = session.scalar(select(User.password_hash).where(User.username == "alex"))
    assert checked == [argon2.extract_parameters(str(stored))] * 4


def test_the_decoy_hash_has_the_hashers_own_cost_and_matches_no_password() -> None:
    app = argon2.PasswordHasher()
    decoy = accounts._decoy_hash(app)
    assert argon2.extract_parameters(decoy) == argon2.extract_parameters(app.hash("x"))
    cheap = argon2.PasswordHasher(time_cost=1, memory_cost=64, parallelism=1)
    decoys = {accounts._decoy_hash(cheap) for _ in range(3)}
    assert len(decoys) == 3
    assert not any(accounts._verify(cheap, d, "") for d in decoys)
