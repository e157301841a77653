"""An import killed part way leaves the store whole, with all of the bundle or none of it."""

from __future__ import annotations

import contextlib
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pcso_desk.paths import DataPaths
from pcso_desk.services.api import Services
from pcso_desk.services.maintenance import check_store, init_store
from pcso_desk.store.clocks import synced_tables
from tests.keys import build_services
from tests.stations import dump

# An import of the small demo is start-up, decryption, then one merge transaction. Each kill
# comes on a condition seen, never after a fixed delay (a busy machine would move a delay to
# another phase): as soon as the process starts; once it has opened the store (its
# write-ahead log exists); inside the transaction (over 1 MB written to the log); and once
# the merge is committed (another connection sees the contacts).
pytestmark = pytest.mark.slow(minutes=0.6)

STARTED, OPENED, WRITING, COMMITTED = "started", "opened", "writing", "committed"
KILL_MOMENTS = (STARTED, OPENED, WRITING, COMMITTED)
DEADLINE_S = 300.0  # no condition takes this long even on a loaded machine


def _open(root: Path) -> Services:
    return build_services(DataPaths(root), create=False)


def _counts(services: Services) -> tuple[int, int]:
    """(contacts, rows of every synced table) in the store."""
    with services.ctx.store.read() as session:
        connection = session.connection()
        total = 0
        for table in synced_tables():
            total += int(
                connection.exec_driver_sql(f'SELECT count(*) FROM "{table.name}"').scalar()
            )
        contacts = int(connection.exec_driver_sql("SELECT count(*) FROM contacts").scalar())
    return contacts, total


def _import(data: Path, bundle: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "pcso_desk", "--data-dir", str(data), "sync", "import", str(bundle)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def _committed(store: Path) -> bool:
    """Whether another connection sees contacts in the store (the merge has committed)."""
    conn = sqlite3.connect(store, timeout=30)
    try:
        return conn.execute("SELECT 1 FROM contacts LIMIT 1").fetchone() is not None
    except sqlite3.OperationalError:  # no schema yet
        return False
    finally:
        conn.close()


def _reached(data: Path, moment: str) -> bool:
    wal = data / "pcso-desk.sqlite-wal"
    if moment == STARTED:
        return True
    if moment == OPENED:
        return wal.exists()
    if moment == WRITING:
        return wal.exists() and wal.stat().st_size > 1_000_000
    assert moment == COMMITTED
    return _committed(data / "pcso-desk.sqlite")


def _run_and_kill(data: Path, bundle: Path, moment: str) -> bool:
    """Run an import and SIGKILL it at `moment`; whether it was killed (not finished first)."""
    process = _import(data, bundle)
    deadline = time.monotonic() + DEADLINE_S
    try:
        while process.poll() is None and not _reached(data, moment):
            assert time.monotonic() < deadline, f"the import never reached {moment!r}"
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=0.01)
        killed = process.poll() is None
        process.kill()  # SIGKILL on POSIX: no clean-up of any kind
        process.wait()
        assert process.stderr is not None
        errors = process.stderr.read().decode()
        assert killed or process.returncode == 0, errors
        return killed
    finally:
        if process.stderr is not None:
            process.stderr.close()


def test_an_import_killed_at_any_moment_leaves_all_or_nothing_and_can_be_run_again(
    tmp_path: Path,
) -> None:
    a_dir, b_dir = tmp_path / "a", tmp_path / "b"
    a = build_services(DataPaths(a_dir).ensure())
    a.build_demo(seed=3)
    b = build_services(DataPaths(b_dir).ensure())
    init_store(b.ctx, a.ctx.team_name())
    for sender, receiver in ((a, b), (b, a)):
        card = tmp_path / f"{sender.ctx.station_id}.identity"
        sender.sync.write_identity(card)
        receiver.sync.trust(receiver.sync.read_identity(card))
    bundle = tmp_path / "full.bundle"
    a.sync.export_bundle(bundle, full=True)
    full = _counts(a)
    empty = _counts(b)
    assert full[0] > 1000 and empty == (0, 0)
    b.ctx.store.close()

    outcomes = []
    for moment in KILL_MOMENTS:
        killed = _run_and_kill(b_dir, bundle, moment)
        after = _open(b_dir)
        try:
            report = check_store(after.ctx)
            assert report.ok, report.problems
            counts = _counts(after)
        finally:
            after.ctx.store.close()
        assert counts in (empty, full), f"killed at {moment}: {counts} rows, not all or none"
        outcomes.append((moment, killed, counts == full))
    # The kill inside the merge transaction left nothing, so a kill did land before the end;
    # the kill after the commit left everything.
    assert (WRITING, True, False) in outcomes, outcomes
    assert outcomes[-1][0] == COMMITTED and outcomes[-1][2], outcomes

    finished = subprocess.run(
        [
            sys.executable,
            "-m",
            "pcso_desk",
            "--data-dir",
            str(b_dir),
            "sync",
            "import",
            str(bundle),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert finished.returncode == 0, finished.stderr
    b = _open(b_dir)
    try:
        assert check_store(b.ctx).ok
        assert dump(b) == dump(a)
    finally:
        b.ctx.store.close()
        a.ctx.store.close()
