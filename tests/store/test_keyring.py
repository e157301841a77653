"""The keyring beside an encrypted store: wraps per account and for the recovery code."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from pcso_desk.domain.errors import StoreError
from pcso_desk.store import keyring as kr


def _ring(tmp_path: Path) -> tuple[kr.Keyring, bytes]:
    key = bytes(range(32, 64))
    ring = kr.Keyring(tmp_path / "pcso-desk.sqlite.keys", spare=tmp_path / "backups" / "spare")
    ring.set_open(key)
    return ring, key


def test_a_password_unwraps_only_its_own_account(tmp_path: Path) -> None:
    ring, key = _ring(tmp_path)
    ring.wrap_account("alice", key, "alice's long password")
    assert ring.open_key() is None  # the first account's wrap closes the open key
    assert ring.unwrap_account("alice", "alice's long password")[0] == key
    assert ring.unwrap_account("alice", "alice's long passwore")[0] is None
    assert ring.unwrap_account("bob", "alice's long password")[0] is None
    # A wrap moved to another name does not open: the name is bound into the wrap.
    ring.wraps["account:bob"] = ring.wraps["account:alice"]
    assert ring.unwrap_account("bob", "alice's long password")[0] is None


def test_the_file_holds_no_key_and_no_password(tmp_path: Path) -> None:
    ring, key = _ring(tmp_path)
    ring.wrap_account("alice", key, "alice's long password")
    code = kr.new_recovery_code()
    ring.wrap_recovery(key, code)
    ring.save()
    text = ring.path.read_text(encoding="utf-8")
    for secret in (key.hex(), "alice's long password", code, code.replace("-", "")):
        assert secret not in text
    assert oct(ring.path.stat().st_mode & 0o777) == "0o600"
    assert ring.spare is not None and ring.spare.read_text(encoding="utf-8") == text


def test_a_recovery_code_opens_however_it_is_typed(tmp_path: Path) -> None:
    ring, key = _ring(tmp_path)
    code = kr.new_recovery_code()
    ring.wrap_recovery(key, code)
    assert len(code) == 35 and code.count("-") == 5
    assert ring.unwrap_recovery(code.lower().replace("-", " ")) == key
    assert ring.unwrap_recovery("AAAAA-BBBBB-CCCCC-DDDDD-EEEEE-FFFFF") is None


def test_five_failures_lock_a_name_out_and_success_clears_it(tmp_path: Path) -> None:
    ring, _key = _ring(tmp_path)
    now = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
    for _ in range(kr.MAX_FAILURES):
        assert ring.locked_until("alice", now) is None
        ring.failed("alice", now)
    assert ring.locked_until("alice", now) == now + kr.LOCKOUT
    assert ring.locked_until("alice", now + kr.LOCKOUT + timedelta(seconds=1)) is None
    assert "alice" not in json.dumps(ring.tallies)  # a keyed hash of what was typed
    ring.succeeded("alice")
    assert ring.tallies == {}


def test_a_legacy_wrap_opens_with_the_password_behind_an_old_hash(tmp_path: Path) -> None:
    from argon2 import PasswordHasher

    ring, key = _ring(tmp_path)
    hashed = PasswordHasher(time_cost=1, memory_cost=64, parallelism=1).hash("bob's password!")
    assert ring.wrap_legacy("bob", key, hashed)
    found, stale = ring.unwrap_account("bob", "bob's password!")
    assert found == key and stale  # re-wrapped with a salt of its own at that sign-in
    assert ring.unwrap_account("bob", "not bob's password")[0] is None
    assert not ring.wrap_legacy("carol", key, "$2b$12$not-argon2")


def test_a_missing_keyring_is_one_sentence_and_the_spare_stands_in(tmp_path: Path) -> None:
    ring, key = _ring(tmp_path)
    ring.wrap_account("alice", key, "alice's long password")
    ring.save()
    ring.path.unlink()
    found = kr.Keyring.load(ring.path, ring.spare)  # the copy kept with the backups
    assert found.unwrap_account("alice", "alice's long password")[0] == key
    with pytest.raises(StoreError, match=r"keyring .* is missing") as raised:
        kr.Keyring.load(ring.path, None)
    assert "\n" not in str(raised.value)
    ring.path.write_text("{not json", encoding="utf-8")
    with pytest.raises(StoreError, match="cannot be read"):
        kr.Keyring.load(ring.path, None)
