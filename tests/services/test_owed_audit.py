"""Reading does not wait for the store's whole-file check, and its audit entries are never lost.

The app checks every page of the store on a thread at sign-in (about 20 s on a county store)
and nothing is written before the check passes. An audited read made meanwhile (Today, a
search) answers at once; its entry is owed in the keyring and written, in order, with its
user and the moment it was made, once the check passes (services/protection/owed.py). If the
check finds the store damaged nothing is written and the entries stay owed.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from pcso_desk.domain.enums import UserRole
from pcso_desk.paths import DataPaths
from pcso_desk.services.api import Services
from pcso_desk.services.protection import audit
from pcso_desk.services.unlock import Door
from pcso_desk.store import backup
from pcso_desk.store.backup import DamagedStoreError

PASSWORD = "correct horse battery"
NOW = datetime(2026, 3, 10, 12, tzinfo=UTC)


@pytest.fixture
def station(tmp_path: Path) -> Path:
    paths = DataPaths(tmp_path / "station").ensure()
    door = Door(paths)
    made = door.create()
    made.accounts.create("admin", PASSWORD, UserRole.ADMIN)
    made.accounts.create("sgt", PASSWORD, UserRole.SERGEANT)
    made.ctx.store.close()
    return paths.root


@pytest.fixture
def held(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[threading.Event, list[str]]]:
    """The whole-file check waits for `release`; it then finds the problem put in `problem`."""
    release, problem = threading.Event(), []
    real = backup.problem_with_store

    def slow(path: Path, key: bytes | None = None, whole_file: bool = True) -> str | None:
        if not whole_file:
            return real(path, key, whole_file=False)
        assert release.wait(60)
        return problem[0] if problem else real(path, key, whole_file=True)

    monkeypatch.setattr(backup, "problem_with_store", slow)
    yield release, problem
    release.set()


def owed(station: Path) -> list[dict[str, str]]:
    ring = json.loads((station / "pcso-desk.sqlite.keys").read_text("utf-8"))
    return list(ring["refusals"])


def log_rows(services: Services) -> list[tuple[str, str, str, str]]:
    with services.ctx.store.read() as session:
        rows = session.execute(
            text("SELECT username, action, kind, detail FROM audit_log ORDER BY seq")
        ).all()
    return [tuple(row) for row in rows]


def wait_until_paid(station: Path) -> None:
    deadline = time.monotonic() + 30
    while owed(station):
        assert time.monotonic() < deadline, "the owed entries were never written"
        time.sleep(0.05)


def test_reads_made_during_the_check_are_written_in_order_once_it_passes(
    station: Path, held: tuple[threading.Event, list[str]]
) -> None:
    release, _problem = held
    door = Door(DataPaths(station), background=True)
    opened = door.sign_in("sgt", PASSWORD)  # would hang if it waited for the check
    check = opened.ctx.store.intact
    assert check is not None and not check.done()
    before = len(log_rows(opened))
    opened.today.summary(NOW)  # audited reads: they answer while the check is held
    opened.search("riverside")
    assert len(log_rows(opened)) == before  # nothing written yet
    assert [e.get("action", "sign in") for e in owed(station)] == ["sign in", "list", "search"]

    release.set()
    check.result(timeout=60)
    wait_until_paid(station)
    rows = log_rows(opened)[before:]
    assert [(user, action, kind) for user, action, kind, _ in rows] == [
        ("", "sign in", "users"),
        ("sgt", "list", "today"),
        ("sgt", "search", "search"),
    ]
    assert "riverside" not in json.dumps(rows)  # never the words searched for
    with opened.ctx.store.read() as session:
        assert audit.verify(session).ok
    opened.ctx.store.close()


def test_a_write_after_the_check_writes_what_was_owed_first(
    station: Path, held: tuple[threading.Event, list[str]]
) -> None:
    """However the check's thread and a user's save race, the owed entries come first."""
    release, _problem = held
    door = Door(DataPaths(station), background=True)
    opened = door.sign_in("sgt", PASSWORD)
    opened.today.summary(NOW)
    release.set()
    opened.contacts.create({"name": "Ada Lovelace"})  # waits for the check, then pays first
    actions = [action for _user, action, _kind, _detail in log_rows(opened)]
    assert actions[-3:] == ["sign in", "list", "create"]
    wait_until_paid(station)
    assert [a for _u, a, _k, _d in log_rows(opened)].count("list") == 1  # never twice
    opened.ctx.store.close()


def test_a_damaged_store_is_not_written_and_the_owed_entries_stay(
    station: Path, held: tuple[threading.Event, list[str]]
) -> None:
    release, problem = held
    door = Door(DataPaths(station), background=True)
    opened = door.sign_in("sgt", PASSWORD)
    store = opened.ctx.store
    before = len(log_rows(opened))
    opened.today.summary(NOW)
    problem.append("page 7 does not match its checksum")
    release.set()
    assert store.intact is not None
    with pytest.raises(DamagedStoreError):
        store.intact.result(timeout=60)
    time.sleep(0.2)  # the check's callbacks have run; they must not have written
    assert len(log_rows(opened)) == before
    assert [e.get("action", "sign in") for e in owed(station)] == ["sign in", "list"]
    store.close()
    assert backup.damage_mark(store.path).exists()  # the next start checks it first
