"""The writer that tests/store/test_crash_durability.py kills: a fork server and its children.

Run as `python crash_child.py DATA_DIR`. The server imports the app once and warms it up
(Python, SQLAlchemy, Alembic, the services and the first open take most of a second), prints
`server`, then for each `fork`
line on stdin forks a child and prints `child PID`. The child opens the store through the
real code (`build_services`: open_store, migrations check, WAL, synchronous=FULL, the station
and its clock), prints `ready PID`, then creates contacts one unit of work at a time and
prints `commit PID ID` after each commit has returned, until it is killed. When the child has
gone the server prints `dead PID STATUS`: every line that child wrote is in the pipe by then.

A child forked from an imported server is a fresh process for SQLite (no connection is open
before the fork), so a SIGKILL lands on exactly the write path a station PC runs, at the cost
of a fork rather than an interpreter start.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

LIFETIME_S = 30.0  # a child nobody kills stops by itself


def _say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()  # one write per line: lines from server and child never interleave


def _child(root: Path) -> None:
    from pcso_desk.app import build_services
    from pcso_desk.paths import DataPaths

    pid = os.getpid()
    services = build_services(DataPaths(root), create=False)
    _say(f"ready {pid}")
    contacts = services.contacts
    deadline = time.monotonic() + LIFETIME_S
    n = 0
    while time.monotonic() < deadline:
        n += 1
        changes = contacts.create({"name": f"Crash {pid} {n}", "kind": "resident"})
        _say(f"commit {pid} {changes.created[0]}")
    services.ctx.store.close()


def _warm_up(root: Path) -> None:
    """Import and exercise the whole write path once, on a copy of the store, so that each
    child starts in milliseconds; no connection to the store itself is ever open here."""
    from pcso_desk.app import build_services
    from pcso_desk.paths import DataPaths

    with tempfile.TemporaryDirectory() as scratch:
        copy = DataPaths(Path(scratch))
        shutil.copyfile(DataPaths(root).store, copy.store)
        services = build_services(copy, create=False)
        services.contacts.create({"name": "Warm up", "kind": "resident"})
        services.ctx.store.close()


def serve(root: Path) -> None:
    _warm_up(root)
    _say("server")
    for command in sys.stdin:
        if command.strip() != "fork":
            break
        pid = os.fork()
        if pid == 0:
            status = 0
            try:
                _child(root)
            except BaseException as exc:  # reported to the test, which fails on it
                _say(f"error {os.getpid()} {type(exc).__name__}: {exc}")
                status = 1
            finally:
                os._exit(status)
        _say(f"child {pid}")
        _, status = os.waitpid(pid, 0)
        _say(f"dead {pid} {status}")


if __name__ == "__main__":
    serve(Path(sys.argv[1]))
