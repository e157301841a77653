"""The app's start as a user meets it, in its own process: the sign-in form comes up before the
data layer has loaded, Today follows the password without waiting for the store's whole-file
check, and a store that check then finds damaged is still never written to.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from pcso_desk.domain.enums import UserRole
from pcso_desk.gui.signin import remember_user
from pcso_desk.gui.single_instance import ALREADY_OPEN
from pcso_desk.paths import DataPaths
from pcso_desk.services.unlock import Door
from pcso_desk.store.backup import damage_mark

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "correct horse battery"

# The app's own start (`pcso_desk.app.main`), a user at its sign-in form. argv: data folder,
# and how it goes once Today is on screen: "whole" (the whole-file check passes, then the
# user quits), "quit" (the user quits at once) or "damaged" (the check finds a problem).
CHILD = """
import sys
import pcso_desk.gui as gui

run_window = gui._run_window
DAMAGED = sys.argv[2] == "damaged"
# What the sign-in form does not need, loaded once it is on screen: the database driver, Qt's
# network module (a second start's knock), the first run's forms, the idle lock, the window.
LATER = ("sqlcipher3", "PySide6.QtNetwork", "pcso_desk.gui.first_run", "pcso_desk.gui.lock",
         "pcso_desk.gui.main_window")

def driven(*args, **kwargs):
    import threading
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox
    from pcso_desk.gui import session, signin

    release = threading.Event()

    def hold_the_check():  # the whole-file check, held until Today shows
        from pcso_desk.store import backup

        real = backup.problem_with_store

        def held(path, key=None, whole_file=True):
            if not whole_file:
                return real(path, key, whole_file=False)
            assert release.wait(120)
            return "page 7 does not match its checksum" if DAMAGED else real(path, key)

        backup.problem_with_store = held

    QMessageBox.warning = lambda parent, title, text: print("warning:", text, flush=True)
    present, open_window = session.SessionFlow.present, session.SessionFlow.open_window

    def typed_in(flow, dialog, quits=True):
        present(flow, dialog, quits)
        if isinstance(dialog, signin.SignInDialog):
            print("form up; data layer loaded:", "sqlalchemy" in sys.modules, flush=True)
            later = [m for m in LATER if m in sys.modules]
            typing_in = "password" if dialog.focusWidget() is dialog.password else "name"
            print("form up; also loaded:", later, "name:", dialog.username.text(),
                  "typing in:", typing_in, flush=True)  # fmt: skip
            hold_the_check()
            dialog.username.setText("sgt")
            dialog.password.setText(sys.argv[3])
            dialog.submit()

    def shown(flow, actor):
        open_window(flow, actor)

        def filled():
            today = flow.window.screens.get("Today")
            if today is None or today.loaded_at is None:
                QTimer.singleShot(10, filled)
                return
            print("today shown; check done:", flow.desk.services.ctx.store.intact.done(),
                  flush=True)
            from pcso_desk.gui.single_instance import SingleInstance

            second = SingleInstance(flow.desk.paths.store)  # a second start knocks
            print("second start:", second.claim(), "answered:", second.owner_answered,
                  flush=True)
            release.set()
            if sys.argv[2] == "quit":  # at once: the check is stopped if it has not ended
                QTimer.singleShot(0, lambda: QApplication.instance().exit(0))
            elif not DAMAGED:
                checked()

        def checked():
            if not flow.desk.services.ctx.store.intact.done():
                QTimer.singleShot(10, checked)
                return
            QTimer.singleShot(200, lambda: QApplication.instance().exit(0))

        filled()

    session.SessionFlow.present = typed_in
    session.SessionFlow.open_window = shown
    return run_window(*args, **kwargs)

gui._run_window = driven
from pcso_desk.app import main
raise SystemExit(main(["--data-dir", sys.argv[1]]))
"""


@pytest.fixture
def station(tmp_path: Path) -> Path:
    paths = DataPaths(tmp_path / "station").ensure()
    made = Door(paths).create()
    made.accounts.create("admin", PASSWORD, UserRole.ADMIN)
    made.accounts.create("sgt", PASSWORD, UserRole.SERGEANT)
    made.ctx.store.close()
    remember_user(paths, "sgt")  # signed in on this PC before
    return paths.root


def start(station: Path, how: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-c", CHILD, str(station), how, PASSWORD],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip


def owed(station: Path) -> list[str]:
    ring = json.loads((station / "pcso-desk.sqlite.keys").read_text("utf-8"))
    return [entry.get("action", "sign in") for entry in ring["refusals"]]


def test_the_form_comes_before_the_data_layer_and_today_before_the_check(
    station: Path,
) -> None:
    done = start(station, "whole")
    assert done.returncode == 0, done.stderr[-3000:]
    lines = done.stdout.splitlines()
    assert lines[:4] == [
        "form up; data layer loaded: False",
        "form up; also loaded: [] name: sgt typing in: password",  # the name remembered
        "today shown; check done: False",
        f"second start: {ALREADY_OPEN} answered: True",  # the lock held, the owner listening
    ], done.stdout
    assert owed(station) == []  # the check passed: every owed entry was written
    assert today_entries(station) == [("sgt", "list", "today")]


def today_entries(station: Path) -> list[tuple[str, str, str]]:
    from tests.keys import build_services

    services = build_services(DataPaths(station), create=False)
    try:
        with services.ctx.store.read() as session:
            rows = session.execute(
                text("SELECT username, action, kind FROM audit_log WHERE kind = 'today'")
            ).all()
    finally:
        services.ctx.store.close()
    return [tuple(row) for row in rows]


def test_entries_owed_when_the_user_quits_before_the_check_ends_are_written_next_time(
    station: Path,
) -> None:
    done = start(station, "quit")
    assert done.returncode == 0, done.stderr[-3000:]
    assert "today shown; check done: False" in done.stdout
    assert owed(station) in ([], ["sign in", "list"])  # the check may just have ended
    Door(DataPaths(station)).sign_in("sgt", PASSWORD).ctx.store.close()  # the next sign-in
    assert today_entries(station) == [("sgt", "list", "today")]  # written once
    assert owed(station) == []


def test_a_store_found_damaged_after_today_is_not_written_and_the_app_stops(
    station: Path,
) -> None:
    done = start(station, "damaged")
    assert done.returncode == 1, done.stdout + done.stderr[-3000:]
    assert "today shown; check done: False" in done.stdout
    warning = next(line for line in done.stdout.splitlines() if line.startswith("warning:"))
    assert "The store is damaged (page 7 does not match its checksum)" in warning
    assert "nothing was written to it" in warning
    assert owed(station) == ["sign in", "list"]  # kept for the store restored in its place
    assert damage_mark(station / "pcso-desk.sqlite").exists()  # the next start offers a backup
