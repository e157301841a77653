"""Who is at the desk: first-run admin form, sign-in, change password, idle lock and sign-out.

Every password check runs on the task runner (Argon2 takes a noticeable moment), so the
forms stay responsive. The idle lock covers every window of the app without closing any of
them, so an editor's typed work is still there after unlocking.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeGuard

import shiboken6
from PySide6.QtCore import QEvent, QObject, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QWindow
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QPushButton,
    QStatusBar,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from pcso_desk.domain.enums import UserRole
from pcso_desk.domain.errors import PcsoDeskError
from pcso_desk.domain.permissions import ROLE_NAMES
from pcso_desk.gui.desk import Desk
from pcso_desk.gui.widgets import named
from pcso_desk.services.values import DEMO_PASSWORD, MAX_PASSWORD, MIN_PASSWORD, Actor

LOCK_KEY = "security/lock_minutes"
DEFAULT_LOCK_MINUTES = 10.0
MISMATCH = "The two passwords are not the same."
DEMO_NOTE = (
    "This is the <b>demo store</b>: a year of made-up work by Hertfordshire's neighbourhood "
    "teams, kept apart from your real store. Sign in with one of the demo accounts — "
    "<b>pcso</b>, <b>pc</b>, <b>sergeant</b> or <b>admin</b> — each with the password "
    f"<b>{DEMO_PASSWORD}</b>."
)
# Input that counts as someone at the desk (and that the lock keeps from covered windows).
ACTIVITY = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
        QEvent.Type.TouchUpdate,
    }
)
BLOCKED_WHILE_LOCKED = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.KeyRelease,
        QEvent.Type.ShortcutOverride,
        QEvent.Type.Shortcut,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseButtonRelease,
        QEvent.Type.MouseButtonDblClick,
        QEvent.Type.Wheel,
        QEvent.Type.ContextMenu,
    }
)


def actor_text(actor: Actor | None) -> str:
    if actor is None:
        return "Not signed in"
    return f"Signed in: {actor.username} ({ROLE_NAMES[actor.role]})"


def lock_minutes(settings: QSettings | None) -> float:
    """The idle time before the lock, from the settings file (at least one minute)."""
    if settings is None:
        return DEFAULT_LOCK_MINUTES
    stored = settings.value(LOCK_KEY, DEFAULT_LOCK_MINUTES)
    if not isinstance(stored, str | int | float):
        return DEFAULT_LOCK_MINUTES
    try:
        minutes = float(stored)
    except ValueError:
        return DEFAULT_LOCK_MINUTES
    return max(1.0, minutes)


def _password(name: str) -> QLineEdit:
    field = named(QLineEdit(), name)
    field.setEchoMode(QLineEdit.EchoMode.Password)
    field.setMaxLength(MAX_PASSWORD)
    return field


def _message() -> QLabel:
    label = named(QLabel(), "Message")
    label.setObjectName("formMessage")
    label.setWordWrap(True)
    return label


class _PasswordForm(QDialog):
    """A small form whose submit runs one service call on the worker, refusals shown inline."""

    def __init__(self, desk: Desk, title: str, submit: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.heading = QLabel(title)
        self.heading.setObjectName("screenTitle")
        self.heading.setWordWrap(True)
        self.form = QFormLayout()
        self.message = _message()
        self.submit_button = named(QPushButton(submit), submit.replace("&", ""))
        self.submit_button.setDefault(True)  # Enter in any field submits
        self.submit_button.clicked.connect(self.submit)
        self.cancel_button = named(QPushButton("Cancel"), "Cancel")
        self.cancel_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.submit_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.addWidget(self.heading)
        layout.addLayout(self.form)
        layout.addWidget(self.message)
        layout.addStretch(1)
        layout.addLayout(buttons)
        self.busy = False

    def submit(self) -> None:
        raise NotImplementedError

    def _start(self, work: Callable[[], Any], done: Callable[[Any], None]) -> None:
        if self.busy:
            return
        self.busy = True
        self.submit_button.setEnabled(False)
        self.message.setText("Checking…")
        self.desk.runner.run(work, lambda result: self._finished(done, result), self._refused)

    def _finished(self, done: Callable[[Any], None], result: Any) -> None:
        self.busy = False
        self.submit_button.setEnabled(True)
        self.message.clear()
        done(result)

    def _refused(self, error: BaseException) -> None:
        self.busy = False
        self.submit_button.setEnabled(True)
        if not isinstance(error, PcsoDeskError):
            self.message.clear()
            self.desk.report_error(error, self)
            return
        self.message.setText(error.message)
        self._clear_passwords()

    def _clear_passwords(self) -> None:
        fields = self.findChildren(QLineEdit)
        secret = [f for f in fields if f.echoMode() == QLineEdit.EchoMode.Password]
        for field in secret:
            field.clear()
        if secret:
            secret[0].setFocus()


class SignInDialog(_PasswordForm):
    """Sign in with a user name and password, or (first run) create the first administrator."""

    signed_in = Signal(object)  # Actor

    def __init__(self, desk: Desk, first_run: bool, parent: QWidget | None = None) -> None:
        demo = not first_run and desk.services.is_demo()
        title = "Create the first administrator account" if first_run else "Sign in to PCSO Desk"
        title += " — DEMO" if demo else ""
        super().__init__(desk, title, "&Create and sign in" if first_run else "&Sign in", parent)
        self.first_run = first_run
        self.cancel_button.setText("&Quit")
        self.cancel_button.setAccessibleName("Quit")
        self.username = named(QLineEdit(), "User name")
        self.username.setMaxLength(64)
        self.password = _password("Password")
        self.again = _password("Password again")
        if first_run:
            intro = QLabel(
                "This store has no user accounts yet. The account you create now manages "
                f"the others. Choose a password of at least {MIN_PASSWORD} "
                "characters; a few words make a good one."
            )
            intro.setWordWrap(True)
            self.form.addRow(intro)
        self.form.addRow("&User name", self.username)
        self.form.addRow("&Password", self.password)
        if first_run:
            self.form.addRow("Password &again", self.again)
        self.resize(480, 340 if first_run else 250)
        self.username.setFocus()
        if demo:
            self._demo_note()

    def _demo_note(self) -> None:
        """A demo store's sign-in names its accounts, with the sergeant's name typed in."""
        note = QLabel(DEMO_NOTE)
        note.setWordWrap(True)
        note.setAccessibleName("Demo accounts")
        self.form.insertRow(0, note)
        self.username.setText("sergeant")
        self.password.setFocus()
        self.resize(520, 320)

    def submit(self) -> None:
        name, password = self.username.text(), self.password.text()
        if self.first_run and password != self.again.text():
            self.message.setText(MISMATCH)
            self._clear_passwords()
            return
        accounts = self.desk.services.accounts

        def work() -> Actor:
            if self.first_run:
                accounts.create(name, password, UserRole.ADMIN)
            return accounts.sign_in(name, password)

        self._start(work, self._done)

    def _done(self, actor: Actor) -> None:
        self.signed_in.emit(actor)  # before accept: a window is up before this one goes
        self.accept()


class ChangePasswordDialog(_PasswordForm):
    """The signed-in user changes their own password (the current one first)."""

    def __init__(self, desk: Desk, parent: QWidget | None = None) -> None:
        super().__init__(desk, "Change my password", "&Change password", parent)
        self.current = _password("Current password")
        self.new = _password("New password")
        self.again = _password("New password again")
        self.form.addRow("&Current password", self.current)
        self.form.addRow("&New password", self.new)
        self.form.addRow("New password &again", self.again)
        self.resize(480, 260)

    def submit(self) -> None:
        current, new = self.current.text(), self.new.text()
        if new != self.again.text():
            self.message.setText(MISMATCH)
            return
        accounts = self.desk.services.accounts
        self._start(lambda: accounts.change_password(current, new), self._done)

    def _done(self, _result: object) -> None:
        self.desk.inform(self.parentWidget(), "PCSO Desk", "Your password was changed.")
        self.accept()


class LockScreen(QFrame):
    """An opaque cover over one window: the signed-in user's password unlocks it."""

    unlock_requested = Signal(str)  # the password typed
    sign_out_requested = Signal()

    def __init__(self, parent: QWidget, actor: Actor, compact: bool = False) -> None:
        super().__init__(parent)
        self.setObjectName("lockScreen")
        self.setAccessibleName("Locked")
        self.setAutoFillBackground(True)
        self.setStyleSheet(
            "QFrame#lockScreen { background: #1f3a5f; }"
            " QFrame#lockCard { background: #f4f6f9; border-radius: 8px; }"
        )
        heading = QLabel("PCSO Desk is locked")
        heading.setObjectName("screenTitle")
        who = QLabel(
            f"Signed in as <b>{actor.username}</b> ({ROLE_NAMES[actor.role]}). "
            "Type your password to carry on where you left off."
        )
        who.setWordWrap(True)
        self.password = _password("Password to unlock")
        self.password.returnPressed.connect(self._unlock)
        self.message = _message()
        self.unlock_button = named(QPushButton("&Unlock"), "Unlock")
        self.unlock_button.clicked.connect(self._unlock)
        self.sign_out_button = named(QPushButton("Sign &out"), "Sign out")
        self.sign_out_button.setToolTip("Sign out so that someone else can sign in")
        self.sign_out_button.clicked.connect(self.sign_out_requested)
        card = QFrame()
        card.setObjectName("lockCard")
        card.setMaximumWidth(460)
        inner = QVBoxLayout(card)
        inner.setContentsMargins(24, 20, 24, 20)
        buttons = QHBoxLayout()
        buttons.addWidget(self.sign_out_button)
        buttons.addStretch(1)
        buttons.addWidget(self.unlock_button)
        parts = [self.password, self.message] if compact else [heading, who, self.password]
        for part in parts:
            inner.addWidget(part)
        if not compact:
            inner.addWidget(self.message)
        inner.addLayout(buttons)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(card, 3)
        row.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(1)

    def _unlock(self) -> None:
        self.unlock_button.setEnabled(False)
        self.message.setText("Checking…")
        self.unlock_requested.emit(self.password.text())

    def refused(self, sentence: str) -> None:
        self.unlock_button.setEnabled(True)
        self.message.setText(sentence)
        self.password.clear()
        self.password.setFocus()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Keys the fields do not use (Escape, Enter) stop here: the covered dialog must not
        # take them as Cancel (dropping a draft) or Save.
        event.accept()

    def focusNextPrevChild(self, next: bool) -> bool:
        """Tab cycles among the lock's own controls, never into the covered window."""
        chain = [self.password, self.sign_out_button, self.unlock_button]
        chain = [w for w in chain if w.isEnabled()]
        current = QApplication.focusWidget()
        at = chain.index(current) if current in chain else -1
        chain[(at + (1 if next else -1)) % len(chain)].setFocus()
        return True


class IdleLock(QObject):
    """Locks every window of the app after `timeout_ms` without keyboard or mouse input.

    An application-wide event filter sees all input: it restarts the idle timer, and while
    locked it lets through only what is aimed at a lock screen.
    """

    locked = Signal()
    unlocked = Signal()
    sign_out_requested = Signal()

    def __init__(self, window: QMainWindow, desk: Desk, timeout_ms: int) -> None:
        super().__init__(window)
        self.window = window
        self.desk = desk
        self.covers: dict[QWidget, LockScreen] = {}
        self._hidden: list[QWidget] = []
        self._status_text = ""
        self._timer = QTimer(self, singleShot=True, interval=max(1, timeout_ms))
        self._timer.timeout.connect(self.lock)
        app = QApplication.instance()
        assert app is not None
        app.installEventFilter(self)
        self._timer.start()

    @property
    def is_locked(self) -> bool:
        return bool(self.covers)

    def stop(self) -> None:
        self._timer.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)

    # -- watching ------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if not self.covers:
            if kind in ACTIVITY:
                self._timer.start()
            return False
        if kind == QEvent.Type.Resize and watched in self.covers:
            self._place(watched)
        elif kind == QEvent.Type.Show and self._needs_cover(watched):
            self._cover(watched)  # a window that opened meanwhile
        elif kind == QEvent.Type.Close and watched in self.covers and watched is not self.window:
            event.ignore()  # closing a covered editor would drop its typed work
            return True
        elif kind in BLOCKED_WHILE_LOCKED and not isinstance(watched, QWindow):
            # Real input reaches the top-level QWindow first, which hands it on to the widget
            # under the cursor or with focus: that second delivery is the one to judge.
            return not self._inside_cover(watched)
        return False

    def _inside_cover(self, obj: QObject | None) -> bool:
        while obj is not None:
            if isinstance(obj, LockScreen):
                return True
            obj = obj.parent()
        return False

    def _needs_cover(self, obj: QObject) -> TypeGuard[QWidget]:
        if not isinstance(obj, QWidget) or not obj.isWindow() or obj in self.covers:
            return False
        popup = obj.windowType() in (Qt.WindowType.Popup, Qt.WindowType.ToolTip)
        if popup:
            QTimer.singleShot(0, obj.hide)
        return not popup

    # -- locking -------------------------------------------------------------------------

    def lock(self) -> None:
        actor = self.desk.services.ctx.actor
        if self.covers or actor is None or not shiboken6.isValid(self.window):
            return
        self._timer.stop()
        QToolTip.hideText()
        while (popup := QApplication.activePopupWidget()) is not None:
            popup.close()
        main = self.window
        parts = (main.centralWidget(), main.menuBar())
        self._hidden = [w for w in parts if w is not None and w.isVisible()]
        for widget in self._hidden:
            widget.hide()
        label = getattr(main, "officer_label", None)
        if isinstance(label, QLabel):
            self._status_text = label.text()
            label.setText("Locked")
        windows = [w for w in QApplication.topLevelWidgets() if w.isVisible() and w.isWindow()]
        for window in [main, *(w for w in windows if w is not main)]:
            if self._needs_cover(window):
                self._cover(window)
        self._focus_cover()
        self.locked.emit()

    def _cover(self, window: QWidget) -> None:
        actor = self.desk.services.ctx.actor
        assert actor is not None
        cover = LockScreen(window, actor, compact=window.height() < 320)
        cover.unlock_requested.connect(lambda password: self._try(cover, password))
        cover.sign_out_requested.connect(self.sign_out_requested)
        self.covers[window] = cover
        self._place(window)
        cover.show()
        cover.raise_()

    def _place(self, window: QWidget) -> None:
        cover = self.covers[window]
        height = window.height()
        status = window.findChild(QStatusBar) if isinstance(window, QMainWindow) else None
        if status is not None and status.isVisible():
            height = status.geometry().top()  # the status bar says "Locked" and no more
        cover.setGeometry(0, 0, window.width(), height)
        cover.raise_()

    def _focus_cover(self) -> None:
        modal = QApplication.activeModalWidget()
        cover = self.covers.get(modal) if modal is not None else None
        cover = cover or self.covers.get(self.window)
        if cover is not None:
            cover.password.setFocus()

    def _try(self, cover: LockScreen, password: str) -> None:
        actor = self.desk.services.ctx.actor
        if actor is None:
            self.sign_out_requested.emit()
            return
        accounts, name = self.desk.services.accounts, actor.username

        def refused(error: BaseException) -> None:
            if isinstance(error, PcsoDeskError):
                cover.refused(error.message)
            else:
                cover.refused("")
                self.desk.report_error(error)

        self.desk.runner.run(
            lambda: accounts.sign_in(name, password),
            lambda _actor: self.unlock(),
            refused,
            guard=cover,
        )

    def unlock(self) -> None:
        if not self.covers:
            return
        for cover in self.covers.values():
            if shiboken6.isValid(cover):
                cover.hide()
                cover.deleteLater()
        self.covers.clear()
        for widget in self._hidden:
            if shiboken6.isValid(widget):
                widget.show()
        self._hidden = []
        label = getattr(self.window, "officer_label", None)
        if isinstance(label, QLabel):
            label.setText(self._status_text)
        self._timer.start()
        self.unlocked.emit()


class SessionFlow(QObject):
    """From start to quit: sign in (or first run), the main window, lock, sign out, again."""

    def __init__(
        self,
        desk: Desk,
        settings: QSettings | None,
        make_window: Callable[[], QMainWindow],
        lock_ms: int | None = None,
        after_sign_in: Callable[[QMainWindow], None] | None = None,
    ) -> None:
        super().__init__()
        self.desk = desk
        self.settings = settings
        self.make_window = make_window
        self.lock_ms = lock_ms or int(lock_minutes(settings) * 60_000)
        self.after_sign_in = after_sign_in
        self.window: QMainWindow | None = None
        self.dialog: QDialog | None = None
        self.idle: IdleLock | None = None
        self._signing_out = False

    def start(self) -> None:
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.setQuitOnLastWindowClosed(False)  # sign-out closes the window, not the app
        self._ask()

    def _ask(self) -> None:
        if not self.desk.services.ctx.accounts:  # set up, or explore the demo (first_run.py)
            from pcso_desk.gui.first_run import start_first_run

            start_first_run(self)
            return
        dialog = SignInDialog(self.desk, first_run=False)
        dialog.signed_in.connect(self.open_window)
        self.present(dialog)

    def present(self, dialog: QDialog, quits: bool = True) -> None:
        """Show the next form (sign-in, or a first-run step) in place of the one before."""
        if quits:
            dialog.rejected.connect(self._quit)
        before, self.dialog = self.dialog, dialog
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()
        if before is not None and before is not dialog:
            before.hide()
            before.deleteLater()

    def front(self) -> QWidget | None:
        """The window a second start should bring forward."""
        return self.window if self.window is not None else self.dialog

    def open_window(self, _actor: Actor) -> None:
        window = self.make_window()
        self.window = window
        closed = getattr(window, "closed", None)
        if closed is not None:
            closed.connect(self._window_closed)
        for name, slot in (("sign_out_requested", self.sign_out), ("lock_requested", self.lock)):
            signal = getattr(window, name, None)
            if signal is not None:
                signal.connect(slot)
        self.idle = IdleLock(window, self.desk, self.lock_ms)
        self.idle.sign_out_requested.connect(self.sign_out)
        window.show()
        if self.dialog is not None:
            self.dialog.deleteLater()
            self.dialog = None
        if self.after_sign_in is not None:
            self.after_sign_in(window)

    def lock(self) -> None:
        if self.idle is not None:
            self.idle.lock()

    def sign_out(self) -> None:
        if self._signing_out:
            return
        self._signing_out = True
        accounts = self.desk.services.accounts
        self.desk.runner.run(accounts.sign_out, self._signed_out, self._signed_out)

    def _signed_out(self, _result: object = None) -> None:
        if self.idle is not None:
            self.idle.stop()  # still locked: nothing is uncovered on the way out
            for covered in self.idle.covers:
                if covered is not self.window and shiboken6.isValid(covered):
                    covered.hide()  # hidden, not rejected: an editor's draft stays on disk
            self.idle = None
        self._ask()  # shown before the window closes, so the app always has a window
        window, self.window = self.window, None
        if window is not None and shiboken6.isValid(window):
            window.close()
            window.deleteLater()
        self.desk.window = None
        self._signing_out = False

    def _window_closed(self) -> None:
        if not self._signing_out:
            if self.idle is not None:
                self.idle.stop()
            self._quit()

    def _quit(self) -> None:
        app = QApplication.instance()
        if app is not None:
            app.quit()
