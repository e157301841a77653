"""The daily care of an opened store (automatic backup, notes expiry) and closing."""

from __future__ import annotations

from concurrent.futures import Future
from pathlib import Path

from pcso_desk.services.api import Services
from pcso_desk.services.protection.care import DailyCare
from pcso_desk.store.backup import list_backups


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
