"""A writer killed with SIGKILL at random moments loses no commit it reported, ever.

A child process commits contacts in a loop through the real write path (WAL,
synchronous=FULL, BEGIN IMMEDIATE, the clock high-water mark) and reports each commit once
`create` has returned; it is killed at a random moment, 200+ times, one child per kill: while
it opens the store, or as soon as it has reported a random number (0-4) of commits, when it
is already inside the next one. The moment is a condition seen, never a time slept, so a
busy machine does not move the kills out of the writes. After
every kill the store passes SQLite's integrity and foreign-key checks and holds every
contact a child reported; at the end the app's own `check` finds the store healthy.
"""

from __future__ import annotations

import contextlib
import os
import queue
import random
import signal
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from pcso_desk.paths import DataPaths
from pcso_desk.services.maintenance import check_store, init_store
from tests.keys import build_services

KILLS = 220
EARLY_SHARE = 0.1  # kills that may land while the child is still opening the store
MOST_COMMITS = 4  # other kills land once the child has reported 0-4 commits: mid-commit
CHILD = Path(__file__).with_name("crash_child.py")

pytestmark = [
    pytest.mark.slow(minutes=0.6),
    pytest.mark.skipif(
        not hasattr(os, "fork") or not hasattr(signal, "SIGKILL"),
        reason="needs fork and SIGKILL (POSIX)",
    ),
]


class Server:
    """The fork server's output as (event, pid, rest) tuples, read on a thread."""

    def __init__(self, root: Path) -> None:
        self.process = subprocess.Popen(
            [sys.executable, str(CHILD), str(root)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            bufsize=1,
        )
        self.events: queue.Queue[tuple[str, int, str]] = queue.Queue()
        self.child = 0  # the writer alive now, if any
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            event, _, rest = line.rstrip("\n").partition(" ")
            pid_text, _, detail = rest.partition(" ")
            self.events.put((event, int(pid_text or 0), detail))
        self.events.put(("eof", 0, ""))

    def next(self, timeout: float = 30.0) -> tuple[str, int, str]:
        event = self.events.get(timeout=timeout)
        assert event[0] not in ("eof", "error"), f"the writer failed: {event}"
        return event

    def fork(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write("fork\n")
        self.process.stdin.flush()

    def close(self) -> None:
        if self.child:  # a test that failed mid-kill leaves no writer behind
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.child, signal.SIGKILL)
        if self.process.stdin is not None:
            self.process.stdin.close()
        try:
            self.process.wait(timeout=30)
        finally:
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait()
            self.reader.join(timeout=10)
            if self.process.stdout is not None:
                self.process.stdout.close()


def kill_one(server: Server, rng: random.Random) -> tuple[int, list[str]]:
    """Fork a writer, kill it at a random moment; its wait status and the ids it reported."""
    server.fork()
    early = rng.random() < EARLY_SHARE
    commits = rng.randint(0, MOST_COMMITS)
    pid = 0
    ready = False
    reported: list[str] = []
    while not pid or (not early and (not ready or len(reported) < commits)):
        event, who, detail = server.next()
        if event == "child":
            pid = server.child = who
        elif event == "ready":
            ready = True
        elif event == "commit":
            reported.append(detail)
    os.kill(pid, signal.SIGKILL)
    while True:
        event, who, detail = server.next()
        if event == "commit" and who == pid:
            reported.append(detail)
        elif event == "dead" and who == pid:
            server.child = 0
            return int(detail), reported


def check_after_kill(db: Path, every_reported: set[str]) -> None:
    """SQLite's own checks on the store, and every reported contact present."""
    # Read-only first; a hot WAL left by the killed writer needs write access to recover.
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.Error:
        conn = sqlite3.connect(db)
    try:
        assert [row[0] for row in conn.execute("PRAGMA integrity_check")] == ["ok"]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        stored = {row[0] for row in conn.execute("SELECT id FROM contacts")}
    finally:
        conn.close()
    missing = every_reported - stored
    assert not missing, f"{len(missing)} reported commit(s) lost, e.g. {sorted(missing)[:3]}"


def test_sigkill_at_random_moments_loses_no_reported_commit(tmp_path: Path) -> None:
    paths = DataPaths(tmp_path / "data").ensure()
    services = build_services(paths)
    init_store(services.ctx, "Team")
    services.ctx.store.close()

    rng = random.Random(20240801)
    server = Server(paths.root)
    every_reported: set[str] = set()
    kills_with_commits = 0
    try:
        assert server.next(timeout=60)[0] == "server"
        for _ in range(KILLS):
            status, reported = kill_one(server, rng)
            assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
            every_reported.update(reported)
            kills_with_commits += bool(reported)
            check_after_kill(paths.store, every_reported)
    finally:
        server.close()

    print(f"{KILLS} kills, {kills_with_commits} mid-write, {len(every_reported)} reported commits")
    assert kills_with_commits > 100, "the kills did not land while the writer was writing"
    assert len(every_reported) > KILLS

    services = build_services(paths, create=False)
    try:
        report = check_store(services.ctx)
        assert report.ok, report.problems
        assert report.contacts >= len(every_reported)
    finally:
        services.ctx.store.close()
