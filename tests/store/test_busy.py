"""A busy store says so: a writer that cannot have the lock in time names what holds it."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from pcso_desk.domain.errors import PcsoDeskError, StoreBusyError
from pcso_desk.paths import DataPaths
from pcso_desk.services.unlock import Door
from pcso_desk.store import busy
from pcso_desk.store.session import Store, open_store

SENTENCE = re.compile(r"The store is busy with (.+); try again in a moment\.")
PASSWORD = "a long enough passphrase"


@pytest.fixture(autouse=True)
def no_doing() -> Iterator[None]:
    before = busy.doing()
    busy.set_doing(None)
    yield
    busy.set_doing(before)


def dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


# -- the note ---------------------------------------------------------------------------------


def test_the_holder_is_read_from_the_note_of_a_live_process(tmp_path: Path) -> None:
    store = tmp_path / "pcso-desk.sqlite"
    assert busy.holder(store) == "another command"  # no note
    busy.note_path(store).write_text("not json", encoding="utf-8")
    assert busy.holder(store) == "another command"
    note = {"pid": dead_pid(), "what": "importing contacts", "since": "2026-01-01T10:02:00"}
    busy.note_path(store).write_text(json.dumps(note), encoding="utf-8")
    assert busy.holder(store) == "another command"  # its writer is gone
    note["pid"] = os.getpid()
    busy.note_path(store).write_text(json.dumps(note), encoding="utf-8")
    assert busy.holder(store) == "importing contacts"
    error = busy.busy_error(store)
    assert isinstance(error, PcsoDeskError)
    assert str(error) == "The store is busy with importing contacts; try again in a moment."


def test_a_command_is_described_by_its_words_and_start_time() -> None:
    started = time.mktime((2026, 3, 4, 10, 2, 0, 0, 0, -1))
    described = busy.describe("import", ["contacts"], started)
    assert described == "importing contacts (pcso-desk import contacts, started 10:02)"
    assert busy.describe(None, []) == "the PCSO Desk app on this PC"
    assert busy.describe("frobnicate", [], started).startswith("a command (pcso-desk frobnicate")


def test_sqlite_s_lock_errors_are_recognised_and_others_are_not() -> None:
    import sqlite3

    from sqlalchemy.exc import OperationalError

    assert busy.is_busy(sqlite3.OperationalError("database is locked"))
    wrapped = OperationalError(
        "BEGIN IMMEDIATE", {}, sqlite3.OperationalError("database is locked")
    )
    assert busy.is_busy(wrapped)
    assert not busy.is_busy(sqlite3.OperationalError("no such table: contacts"))
    assert not busy.is_busy(ValueError("database is locked"))


# -- one process, two stores --------------------------------------------------------------------


def _hold(store: Store, held: threading.Event, release: threading.Event) -> None:
    with store.write():
        held.set()
        release.wait(30)


def test_a_write_waits_for_the_lock_then_names_its_holder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "pcso-desk.sqlite"
    first = open_store(path, tmp_path / "backups")
    second = open_store(path, tmp_path / "backups")
    held, release = threading.Event(), threading.Event()
    busy.set_doing("importing contacts (pcso-desk import contacts, started 10:02)")
    holder = threading.Thread(target=_hold, args=(first, held, release))
    holder.start()
    try:
        assert held.wait(10)
        assert busy.note_path(path).exists()
        monkeypatch.setenv(busy.ENV_TIMEOUT, "200")
        began = time.monotonic()
        with pytest.raises(StoreBusyError) as caught, second.write():
            pass
        assert time.monotonic() - began >= 0.15  # it waited before giving up
        assert str(caught.value) == (
            "The store is busy with importing contacts (pcso-desk import contacts, started "
            "10:02); try again in a moment."
        )
    finally:
        release.set()
        holder.join()
    assert not busy.note_path(path).exists()  # removed before the lock was given up
    with second.write():  # free again
        pass
    first.close()
    second.close()


# -- two real processes -------------------------------------------------------------------------


def pcso_desk(
    data: Path, *argv: str, timeout_ms: int | None = None, **popen: object
) -> subprocess.Popen[str]:
    env = {**os.environ, "PCSO_DESK_PASSWORD": PASSWORD, "PCSO_DESK_NEW_PASSWORD": PASSWORD}
    env.update(PCSO_DESK_ADMIN_USER="admin", PCSO_DESK_ADMIN_PASSWORD=PASSWORD)
    env.pop("PCSO_DESK_DATA_DIR", None)
    if timeout_ms is not None:
        env[busy.ENV_TIMEOUT] = str(timeout_ms)
    command = [sys.executable, "-m", "pcso_desk", "--data-dir", str(data), *argv]
    return subprocess.Popen(  # type: ignore[call-overload,no-any-return]
        command, env=env, text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **popen
    )


def finished(process: subprocess.Popen[str]) -> tuple[int, str, str]:
    out, err = process.communicate(timeout=240)
    return process.returncode, out, err


def contacts_csv(path: Path, rows: int) -> Path:
    letters = "ABDEFGHJLNPQRSTUWXYZ"
    lines = ["First name,Last name,Postcode,Email"]
    for i in range(rows):
        inward = f"{i % 9 + 1}{letters[i // 9 % 20]}{letters[i // 180 % 20]}"
        postcode = f"AL{i // 3600 % 10 + 1} {inward}"
        lines.append(f"Sam{i},Tester{i * 7919 % 100003},{postcode},sam{i}@example.com")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def station(tmp_path: Path) -> Path:
    data = tmp_path / "station"
    assert finished(pcso_desk(data, "init", "--team", "Riverside"))[0] == 0
    made = pcso_desk(data, "--user", "admin", "accounts", "add", "sgt", "--role", "sergeant")
    assert finished(made)[0] == 0
    return data


def wait_for_note(store: Path, writer: subprocess.Popen[str]) -> dict[str, object]:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and writer.poll() is None:
        try:
            found: dict[str, object] = json.loads(busy.note_path(store).read_text("utf-8"))
            return found
        except (OSError, ValueError):
            time.sleep(0.01)
    raise AssertionError("the importing process never took the lock")


def test_a_second_command_waits_or_names_the_import_that_holds_the_store(
    station: Path, tmp_path: Path
) -> None:
    """A real import holds the lock; a command with a short wait says what holds it, one
    with the normal 30 s wait waits and succeeds. Never "unexpected error"."""
    source = contacts_csv(tmp_path / "many.csv", 3000)
    importer = pcso_desk(station, "--user", "sgt", "import", "contacts", str(source))
    note = wait_for_note(station / "pcso-desk.sqlite", importer)
    assert note["pid"] == importer.pid
    assert str(note["what"]).startswith("importing contacts (pcso-desk import contacts, started ")

    out = tmp_path / "contacts.csv"
    export = ("--user", "sgt", "export", "contacts", "--format", "csv", "--out", str(out))
    impatient = pcso_desk(station, *export, timeout_ms=100)
    patient = pcso_desk(station, *export)
    code, _, err = finished(impatient)
    assert "unexpected error" not in err
    if code:  # the lock was still held after 0.1 s (the import holds it for seconds)
        assert err.count("\n") == 1 and err.startswith("pcso-desk: The store is busy with ")
        found = SENTENCE.fullmatch(err.strip().removeprefix("pcso-desk: "))
        assert found is not None  # the import, or the other export that waited for it
        assert found[1] == note["what"] or found[1].startswith("an export (pcso-desk export ")
    code, written, err = finished(patient)
    assert code == 0, err
    assert finished(importer)[0] == 0
    assert "Exported" in written


def test_a_lock_held_past_the_wait_gives_the_sentence_not_an_unexpected_error(
    station: Path, tmp_path: Path
) -> None:
    """The app's own Store (opened through its Door), in another process, holds the lock
    longer than the wait."""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(station), PASSWORD],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
        out = tmp_path / "contacts.csv"
        export = ("--user", "sgt", "export", "contacts", "--format", "csv", "--out", str(out))
        code, written, err = finished(pcso_desk(station, *export, timeout_ms=300))
        assert (code, written) == (1, "")
        assert err == (
            "pcso-desk: The store is busy with the PCSO Desk app on this PC; try again in a "
            "moment.\n"
        )
        assert not out.exists()
    finally:
        holder.communicate("release\n", timeout=60)
    assert holder.returncode == 0


HOLD = """
import sys
from pathlib import Path
from pcso_desk.paths import DataPaths
from pcso_desk.services.unlock import Door
from pcso_desk.store import busy

busy.set_doing(busy.describe(None, []))
store = Door(DataPaths(Path(sys.argv[1]))).sign_in("sgt", sys.argv[2]).ctx.store
with store.write():
    print("holding", flush=True)
    sys.stdin.readline()
store.close()
"""


def test_a_sign_in_is_not_refused_while_another_command_writes(station: Path) -> None:
    """The app holds the write lock for longer than any wait: a read-only command still signs
    in and runs (its sign-in waits in the keyring), and the next sign-in records it."""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(station), PASSWORD],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
        code, listed, err = finished(pcso_desk(station, "--user", "sgt", "meetings"))
        assert listed.strip(), "meetings printed nothing"
        assert code == 0, err
        assert "busy" not in err and "unexpected" not in err
        keyring = json.loads((station / "pcso-desk.sqlite.keys").read_text("utf-8"))
        assert [e["outcome"] for e in keyring["refusals"]] == ["ok"]
    finally:
        holder.communicate("release\n", timeout=60)
    assert holder.returncode == 0
    door = Door(DataPaths(station))
    opened = door.sign_in("admin", PASSWORD)  # writes what waited in the keyring
    with opened.ctx.store.read() as session:
        rows = session.execute(
            text("SELECT record_ids, outcome, detail FROM audit_log WHERE action = 'sign in'")
        ).all()
    opened.ctx.store.close()
    late = [row for row in rows if "recorded late" in (row.detail or "")]
    assert len(late) == 1 and late[0].outcome == "ok"
    assert len(json.loads(late[0].record_ids)) == 1  # the account that signed in: sgt
    keyring = json.loads((station / "pcso-desk.sqlite.keys").read_text("utf-8"))
    assert keyring["refusals"] == []


def test_a_sign_in_does_not_wait_for_the_store_s_whole_check(
    station: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The app checks every page on a thread (seconds on a county store): signing in does
    not wait for it; its entry is written as soon as the check has passed."""
    from pcso_desk.store import backup

    release = threading.Event()
    real = backup.problem_with_store

    def slow(path: Path, key: bytes | None = None, whole_file: bool = True) -> str | None:
        if whole_file:
            assert release.wait(60)
        return real(path, key, whole_file=whole_file)

    monkeypatch.setattr(backup, "problem_with_store", slow)
    door = Door(DataPaths(station), background=True)
    opened = door.sign_in("sgt", PASSWORD)  # the check is held: this would hang if it waited
    assert opened.ctx.actor is not None and opened.ctx.actor.username == "sgt"
    check = opened.ctx.store.intact
    assert check is not None and not check.done()
    ring = json.loads((station / "pcso-desk.sqlite.keys").read_text("utf-8"))
    assert [entry["outcome"] for entry in ring["refusals"]] == ["ok"]
    release.set()
    check.result(timeout=60)
    deadline = time.monotonic() + 30
    while json.loads((station / "pcso-desk.sqlite.keys").read_text("utf-8"))["refusals"]:
        assert time.monotonic() < deadline, "the waiting entry was never written"
        time.sleep(0.05)  # the check's thread writes it just after the check passes
    while True:  # the keyring is emptied just before the entry's transaction commits
        with opened.ctx.store.read() as session:
            late = session.execute(
                text("SELECT outcome FROM audit_log WHERE detail LIKE '%recorded late%'")
            ).all()
        if late or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    opened.ctx.store.close()
    assert [row.outcome for row in late] == ["ok"]
