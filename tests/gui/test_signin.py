"""Sign-in, first run, sign-out and the idle lock: nobody sees data without a password."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QAbstractItemView, QApplication, QLabel, QLineEdit, QWidget

from pcso_desk.domain.enums import UserRole
from pcso_desk.gui.editor import RecordEditor
from pcso_desk.gui.first_run import FirstRunChoice, TeamDialog
from pcso_desk.gui.lock import IdleLock, LockScreen
from pcso_desk.gui.main_window import MainWindow
from pcso_desk.gui.screens import definitions as d
from pcso_desk.gui.session import SessionFlow
from pcso_desk.gui.signin import SignInDialog
from pcso_desk.services.protection import accounts
from tests.gui import real_input

PASSWORD = "a long enough passphrase"
CANARY = "Zebedee Canary"


def shot(widget: QWidget, name: str, tmp_path: Path) -> Path:
    target = tmp_path / f"{name}.png"
    assert widget.grab().save(str(target))
    if os.environ.get("PCSO_SHOTS"):
        widget.grab().save(f"/tmp/signin_{name}.png")
    return target


@pytest.fixture
def no_quit():  # type: ignore[no-untyped-def]
    """The flow turns quit-on-last-window off and quits on close: undo both for the suite."""
    app = QApplication.instance()
    yield
    app.setQuitOnLastWindowClosed(True)  # type: ignore[union-attr]


@pytest.fixture(autouse=True)
def _close_main_windows():  # type: ignore[no-untyped-def]
    """Close the main windows a test's sign-in opened (and sign-out has not deleted)."""
    yield
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, MainWindow) and shiboken6.isValid(widget):
            widget.close()
            widget.deleteLater()


def _flow(qtbot, desk) -> SessionFlow:  # type: ignore[no-untyped-def]
    def make() -> MainWindow:
        # Not given to qtbot: sign-out deletes the window itself (_close_main_windows).
        return MainWindow(desk)

    flow = SessionFlow(desk, None, make, lock_ms=60_000)
    flow._quit = lambda: None  # type: ignore[method-assign]  # the test's app keeps running
    flow.start()
    assert flow.dialog is not None
    qtbot.addWidget(flow.dialog)
    return flow


def _pcso(desk) -> None:  # type: ignore[no-untyped-def]
    """A contact to look for, then a PCSO account (the store's first), signed in."""
    desk.services.contacts.create({"name": CANARY})
    ctx = desk.services.ctx
    accounts.create_account(ctx, "pat", PASSWORD, UserRole.PCSO)
    accounts.sign_in(ctx, "pat", PASSWORD)


def test_first_run_creates_the_first_admin_and_signs_in(qtbot, desk, no_quit, tmp_path) -> None:  # type: ignore[no-untyped-def]
    flow = _flow(qtbot, desk)
    choice = flow.dialog
    assert isinstance(choice, FirstRunChoice)  # set up the station, or explore the demo
    qtbot.waitExposed(choice)
    real_input.click(choice.setup_button)
    dialog = flow.dialog
    assert isinstance(dialog, SignInDialog) and dialog.first_run
    qtbot.addWidget(dialog)
    dialog.resize(520, 360)
    qtbot.waitExposed(dialog)
    shot(dialog, "first_run", tmp_path)
    real_input.type_text(dialog.username, "Ada")
    real_input.type_text(dialog.password, PASSWORD)
    real_input.type_text(dialog.again, PASSWORD + "x")
    real_input.click(dialog.submit_button)
    assert dialog.message.text() == "The two passwords are not the same."
    real_input.clear_and_type(dialog.password, "short")
    real_input.clear_and_type(dialog.again, "short")
    real_input.click(dialog.submit_button)
    qtbot.waitUntil(lambda: "at least 10 characters" in dialog.message.text(), timeout=5000)
    assert flow.window is None
    real_input.clear_and_type(dialog.password, PASSWORD)
    real_input.clear_and_type(dialog.again, PASSWORD)
    real_input.press(dialog.again, Qt.Key.Key_Return)  # Enter submits
    qtbot.waitUntil(lambda: isinstance(flow.dialog, TeamDialog), timeout=10_000)
    team = flow.dialog
    qtbot.addWidget(team)
    qtbot.waitExposed(team)
    real_input.click(team.skip_button)  # type: ignore[union-attr]
    qtbot.waitUntil(lambda: flow.window is not None, timeout=10_000)
    actor = desk.services.ctx.actor
    assert actor is not None and actor.username == "ada" and actor.role is UserRole.ADMIN
    assert flow.window.officer_label.text() == "Signed in: ada (Admin)"  # type: ignore[union-attr]
    assert accounts.has_accounts(desk.services.ctx)

    window = flow.window
    assert window is not None
    # Account → Sign out, from the keyboard: back to the sign-in form, the window gone.
    real_input.press_in_window(window, Qt.Key.Key_A, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(window.account_menu.isVisible, timeout=5000)
    real_input.press_in_window(window, Qt.Key.Key_O)
    qtbot.waitUntil(lambda: flow.window is None and flow.dialog is not None, timeout=10_000)
    assert desk.services.ctx.actor is None
    assert not flow.dialog.first_run  # type: ignore[union-attr]
    qtbot.addWidget(flow.dialog)


def test_a_wrong_password_is_refused_inline_and_the_form_stays(qtbot, desk, tmp_path) -> None:  # type: ignore[no-untyped-def]
    accounts.create_account(desk.services.ctx, "ada", PASSWORD, UserRole.ADMIN)
    dialog = SignInDialog(desk, first_run=False)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    real_input.type_text(dialog.username, "ada")
    real_input.type_text(dialog.password, "not the password")
    with qtbot.assertNotEmitted(dialog.signed_in, wait=0):
        real_input.press(dialog.password, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: dialog.message.text() == accounts.WRONG, timeout=5000)
    shot(dialog, "sign_in_refused", tmp_path)
    assert dialog.isVisible() and dialog.password.text() == ""
    assert desk.services.ctx.actor is None
    real_input.type_text(dialog.password, PASSWORD)
    with qtbot.waitSignal(dialog.signed_in, timeout=5000) as signed:
        real_input.click(dialog.submit_button)
    assert signed.args[0].username == "ada"


def _shows(widget: QWidget, text: str) -> bool:
    if isinstance(widget, QLabel | QLineEdit) and text in widget.text():
        return True
    if isinstance(widget, QAbstractItemView) and widget.model() is not None:
        model = widget.model()
        for row in range(min(model.rowCount(), 200)):
            column = 0
            while (index := model.index(row, column)).isValid():  # list or table alike
                if text in str(model.data(index) or ""):
                    return True
                column += 1
    return False


def _visible_with(root: QWidget, text: str) -> list[QWidget]:
    return [w for w in root.findChildren(QWidget) if w.isVisible() and _shows(w, text)]


def test_idle_lock_hides_every_screen_and_the_password_unlocks(qtbot, desk, tmp_path) -> None:  # type: ignore[no-untyped-def]
    _pcso(desk)
    window = MainWindow(desk)
    qtbot.addWidget(window)
    window.resize(1200, 800)
    window.show()
    qtbot.waitExposed(window)
    window.go_to("Contacts")
    qtbot.waitUntil(lambda: bool(_visible_with(window, CANARY)), timeout=10_000)
    lock = IdleLock(window, desk, timeout_ms=200)
    with qtbot.waitSignal(lock.locked, timeout=5000):
        pass  # no input at all: the timer runs out
    cover = lock.covers[window]
    assert _visible_with(window, CANARY) == [], "the contact's name is still on screen"
    assert window.officer_label.text() == "Locked"
    assert not window.centralWidget().isVisible() and not window.menuBar().isVisible()
    assert cover.geometry().contains(window.centralWidget().geometry())
    rgb = QImage.Format.Format_RGB32
    covered = window.grab(cover.geometry()).toImage().convertToFormat(rgb)
    assert covered == cover.grab().toImage().convertToFormat(rgb), "something shows through"
    assert shot(window, "locked", tmp_path).stat().st_size > 0

    # Typed and pressed through the window, as a keyboard does: the lock's own filter sees it.
    real_input.type_text(cover.password, "not the password")
    real_input.press(cover.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: cover.message.text() == accounts.WRONG, timeout=5000)
    assert lock.is_locked
    real_input.clear_and_type(cover.password, PASSWORD)
    assert cover.password.text() == PASSWORD, "the lock screen swallowed the typed password"
    with qtbot.waitSignal(lock.unlocked, timeout=5000):
        real_input.press(cover.password, Qt.Key.Key_Return)
    assert window.officer_label.text() == "Signed in: pat (PCSO)"
    assert window.centralWidget().isVisible()
    qtbot.waitUntil(lambda: bool(_visible_with(window, CANARY)), timeout=5000)
    lock.stop()


def test_input_keeps_the_desk_unlocked(qtbot, desk) -> None:  # type: ignore[no-untyped-def]
    _pcso(desk)
    window = MainWindow(desk)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    # The lock's clock is the test's: time moves on without waiting, so a busy machine cannot
    # stall the event loop into a lock (real waits once did, at 400 ms a press).
    now = [1000.0]
    lock = IdleLock(window, desk, timeout_ms=1000, clock=lambda: now[0])
    for _ in range(12):  # a key every 0.4 s for 4.8 s: each press restarts the count
        real_input.press(window.search, Qt.Key.Key_A)
        now[0] += 0.4
        lock.check()
        assert not lock.is_locked
    now[0] += 0.7  # 1.1 s since the last press, and no input since
    lock.check()
    assert lock.is_locked
    real_input.clear_and_type(lock.covers[window].password, PASSWORD)
    with qtbot.waitSignal(lock.unlocked, timeout=5000):
        real_input.press(lock.covers[window].password, Qt.Key.Key_Return)
    lock.check()
    assert not lock.is_locked  # unlocking starts the count again
    window.lock_requested.connect(lock.lock)  # Account → Lock (Ctrl+Shift+L) locks at once
    shift_ctrl = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    real_input.press_in_window(window, Qt.Key.Key_L, shift_ctrl)
    assert lock.is_locked
    lock.stop()


def test_a_draft_in_an_open_editor_survives_the_lock(qtbot, desk, tmp_path) -> None:  # type: ignore[no-untyped-def]
    _pcso(desk)
    window = MainWindow(desk)
    qtbot.addWidget(window)
    window.resize(1200, 800)
    window.show()
    editor = RecordEditor(desk, "contacts", "New contact", d.CONTACTS.fields, parent=window)
    editor.setModal(True)
    editor.show()
    qtbot.waitUntil(lambda: editor.ready, timeout=5000)
    editor.form.set_values({"name": "Yolanda Draft"})
    editor._keep_draft()
    lock = IdleLock(window, desk, timeout_ms=60_000)
    lock.lock()
    cover = lock.covers[editor]
    assert isinstance(cover, LockScreen) and cover.isVisible()
    assert cover.geometry() == editor.rect()
    real_input.press(cover.password, Qt.Key.Key_Escape)  # not the editor's Cancel
    editor.close()  # nor may its close box drop the work
    assert editor.isVisible()
    assert editor.windowTitle() == "New contact"
    shot(editor, "editor_locked", tmp_path)
    real_input.type_text(cover.password, PASSWORD)
    with qtbot.waitSignal(lock.unlocked, timeout=5000):
        real_input.press(cover.password, Qt.Key.Key_Return)
    assert editor.isVisible() and editor.values()["name"] == "Yolanda Draft"
    assert desk.drafts.load(editor.draft_key)["name"] == "Yolanda Draft"  # type: ignore[index]
    editor.reject()
    lock.stop()


def test_sign_out_from_the_lock_returns_to_the_sign_in_form(qtbot, desk, no_quit) -> None:  # type: ignore[no-untyped-def]
    accounts.create_account(desk.services.ctx, "ada", PASSWORD, UserRole.ADMIN)
    desk.services.ctx.accounts = True
    flow = _flow(qtbot, desk)
    dialog = flow.dialog
    assert dialog is not None and not dialog.first_run
    qtbot.waitExposed(dialog)
    real_input.type_text(dialog.username, "ada")
    real_input.type_text(dialog.password, PASSWORD)
    real_input.click(dialog.submit_button)
    qtbot.waitUntil(lambda: flow.window is not None, timeout=10_000)
    window = flow.window
    assert window is not None
    shift_ctrl = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    real_input.press_in_window(window, Qt.Key.Key_L, shift_ctrl)  # Account → Lock
    assert flow.idle is not None and flow.idle.is_locked
    cover = flow.idle.covers[window]  # type: ignore[index]
    real_input.click(cover.sign_out_button)
    qtbot.waitUntil(lambda: flow.window is None and flow.dialog is not None, timeout=10_000)
    qtbot.addWidget(flow.dialog)
    assert desk.services.ctx.actor is None
    assert not shiboken6.isValid(window) or not window.isVisible()
