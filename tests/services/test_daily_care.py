"""The daily care of an opened store (automatic backup, notes expiry) and closing."""

from __future__ import annotations

import threading
from concurrent.futures import Future
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from pcso_desk.domain.enums import UserRole
from pcso_desk.paths import DataPaths
from pcso_desk.services.api import Services
from pcso_desk.services.protection import audit
from pcso_desk.services.protection.care import DailyCare
from pcso_desk.services.unlock import Door
from pcso_desk.store.backup import list_backups, problem_with_backup

PASSWORD = "correct horse battery"
NOW = datetime(2026, 3, 10, 12, tzinfo=UTC)


def test_closing_while_the_store_is_still_being_checked_leaves_the_care_for_next_time(
    services: Services, tmp_path: Path
) -> None:
    """Quitting the app never waits for a whole-file check (seconds on a county store): care
    that has not begun is left for the next opening, and nothing is written."""
    store = services.ctx.store
    checking: Future[None] = Future()  # a check that has not finished
    store.intact = checking
    care = DailyCare(services.ctx, tmp_path / "logs")
    care.start(background=True)
    store.let_finish()  # what closing the store does: returns although the check never ends
    assert care._thread is None
    assert list_backups(store.backups) == []
    store.intact = None


def test_care_runs_once_the_check_has_passed(services: Services, tmp_path: Path) -> None:
    store = services.ctx.store
    checking: Future[None] = Future()
    store.intact = checking
    care = DailyCare(services.ctx, tmp_path / "logs")
    care.start(background=True)
    checking.set_result(None)
    store.let_finish()
    assert [backup.kind for backup in list_backups(store.backups)] != []


def test_today_and_saves_are_served_while_the_days_backup_is_being_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first sign-in of a day: once the store's check has passed, its daily care copies
    the whole store (a minute on a county store). Meanwhile Today answers, a save is made and
    the audit entries owed from the check are written; the backup is still made, whole."""
    from pcso_desk.store import backup as backups_module

    paths = DataPaths(tmp_path / "station").ensure()
    made = Door(paths).create()
    made.accounts.create("sgt", PASSWORD, UserRole.SERGEANT)
    made.ctx.store.close()
    under_way, release = threading.Event(), threading.Event()
    real_connect = backups_module.connect

    class Copying:
        """The store's side of the backup, held after its first page with a read open."""

        def __init__(self, conn: Any) -> None:
            self.conn = conn

        def __getattr__(self, name: str) -> Any:
            return getattr(self.conn, name)

        def backup(self, target: Any) -> None:
            def progress(_status: int, _remaining: int, _total: int) -> None:
                if not under_way.is_set():
                    under_way.set()
                    assert release.wait(60), "the test never let the backup finish"

            self.conn.execute("BEGIN")
            self.conn.execute("SELECT count(*) FROM sqlite_master").fetchall()  # a read held
            try:
                self.conn.backup(target, pages=1, progress=progress)
            finally:
                self.conn.execute("COMMIT")

    def connect(path: Any, key: bytes | None = None, **kwargs: Any) -> Any:
        conn = real_connect(path, key, **kwargs)
        return Copying(conn) if Path(str(path)) == paths.store else conn

    monkeypatch.setattr(backups_module, "connect", connect)
    opened = Door(paths, background=True).sign_in("sgt", PASSWORD)
    try:
        assert under_way.wait(60), "the day's backup never began"
        assert list_backups(paths.backups) == []  # still being made
        summary = opened.today.summary(NOW)  # answers while the copy holds its read
        assert summary.now == NOW
        opened.contacts.create({"name": "Ada Lovelace"})  # a save goes through
        assert list_backups(paths.backups) == []  # the copy is still held
    finally:
        release.set()
        opened.ctx.store.let_finish()  # what closing does: the backup under way is finished
    made_today = list_backups(paths.backups)
    assert len(made_today) == 1 and made_today[0].rotated  # the day's automatic backup
    assert problem_with_backup(made_today[0].path, opened.ctx.store.key) is None
    with opened.ctx.store.read() as session:
        actions = [row[0] for row in session.execute(text("SELECT action FROM audit_log"))]
        assert audit.verify(session).ok
    assert "list" in actions and "create" in actions  # Today's read and the save, audited
    opened.ctx.store.close()
