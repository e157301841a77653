"""An import killed part way leaves the store whole, with all of the bundle or none of it."""

from __future__ import annotations

import contextlib
import subprocess
import sys
from pathlib import Path

from pcso_desk.app import build_services
from pcso_desk.paths import DataPaths
from pcso_desk.services.api import Services
from pcso_desk.services.maintenance import check_store, init_store
from pcso_desk.store.clocks import synced_tables
from tests.stations import dump

# An import of the small demo takes about 5 s here: start-up and decryption take about 3 s,
# then one merge transaction. Kills after fixed delays land before, inside or after it; the
# "writing" kill comes once the transaction has written over 1 MB to the write-ahead log.
WRITING = "writing"
KILL_MOMENTS: tuple[float | str, ...] = (0.3, 2.0, WRITING, 4.5)


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


def _run_and_kill(data: Path, bundle: Path, moment: float | str) -> bool:
    """Run an import and SIGKILL it at `moment`; whether it was killed (not finished first)."""
    process = _import(data, bundle)
    wal = data / "pcso-desk.sqlite-wal"
    try:
        if moment == WRITING:
            while process.poll() is None:
                if wal.exists() and wal.stat().st_size > 1_000_000:
                    break
                with contextlib.suppress(subprocess.TimeoutExpired):
                    process.wait(timeout=0.01)
        else:
            assert isinstance(moment, float)
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=moment)
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
    # The kill inside the merge transaction left nothing, so a kill did land before the end.
    assert (WRITING, True, False) in outcomes, outcomes

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
