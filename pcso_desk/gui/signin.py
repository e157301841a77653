"""Who is at the desk: the sign-in form (also the first administrator's) and change password.

Every password check runs on the task runner (Argon2 takes a noticeable moment), so the
forms stay responsive. The idle lock is `lock.py`; the session from sign-in to sign-out is
`session.py`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSettings, Signal
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from pcso_desk.domain.errors import PcsoDeskError
from pcso_desk.domain.passwords import DEMO_PASSWORD, MAX_PASSWORD, MIN_PASSWORD
from pcso_desk.gui.desk import Desk
from pcso_desk.gui.widgets import named
from pcso_desk.paths import DataPaths

# What the form does not show is imported where it is used (the roles, Qt's namespace of
# enums): the form is painted first (gui/__init__.py `_run_window`).
if TYPE_CHECKING:  # loaded while this form is up (gui/__init__.py `_run_window`)
    from pcso_desk.services.api import Services
    from pcso_desk.services.values import Actor

MISMATCH = "The two passwords are not the same."
LAST_USER_KEY = "signIn/lastUser"  # in the data folder's window.ini: a name, never a password
DEMO_NOTE = (
    "This is the <b>demo store</b>: a year of made-up work by Hertfordshire's neighbourhood "
    "teams, kept apart from your real store. Sign in with one of the demo accounts — "
    "<b>pcso</b>, <b>pc</b>, <b>sergeant</b> or <b>admin</b> — each with the password "
    f"<b>{DEMO_PASSWORD}</b>."
)


RECOVERY_TITLE = "Your store's recovery code"


def show_recovery_code(parent: QWidget | None, code: str) -> None:
    """The recovery code, shown once: the only way back in if every password is lost."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QMessageBox

    box = QMessageBox(parent)
    box.setWindowTitle(RECOVERY_TITLE)
    box.setIcon(QMessageBox.Icon.Information)
    box.setText(
        "This store is encrypted. If every password is lost, this recovery code is the only "
        "way back in. Write it down now and lock it away, apart from this PC: it is shown "
        "only this once."
    )
    box.setInformativeText(
        f"<p style='font-size:16pt; white-space:nowrap'><b><tt>{code}</tt></b></p>"
    )
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    box.setAccessibleName(RECOVERY_TITLE)
    box.exec()


def actor_text(actor: Actor | None) -> str:
    from pcso_desk.domain.permissions import ROLE_NAMES

    if actor is None:
        return "Not signed in"
    return f"Signed in: {actor.username} ({ROLE_NAMES[actor.role]})"


def password_field(name: str) -> QLineEdit:
    field = named(QLineEdit(), name)
    field.setEchoMode(QLineEdit.EchoMode.Password)
    field.setMaxLength(MAX_PASSWORD)
    return field


def form_message() -> QLabel:
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
        self.message = form_message()
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
        self.desk.write(work, lambda result: self._finished(done, result), self._refused)

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


def _settings(paths: DataPaths) -> QSettings:
    """This PC's settings for this data folder (window.ini, beside the store)."""
    return QSettings(str(paths.root / "window.ini"), QSettings.Format.IniFormat)


def last_user(paths: DataPaths) -> str:
    """The user name last signed in with on this PC (for this data folder), or ""."""
    value = _settings(paths).value(LAST_USER_KEY, "")
    return value if isinstance(value, str) else ""


def remember_user(paths: DataPaths, username: str) -> None:
    """Keep the user name (never the password) for the next sign-in on this PC."""
    settings = _settings(paths)
    settings.setValue(LAST_USER_KEY, username)
    settings.sync()


class SignInDialog(_PasswordForm):
    """Sign in with a user name and password, or (first run) create the first administrator."""

    signed_in = Signal(object)  # Actor

    def __init__(self, desk: Desk, first_run: bool, parent: QWidget | None = None) -> None:
        demo = not first_run and desk.is_demo()
        title = "Create the first administrator account" if first_run else "Sign in to PCSO Desk"
        title += " — DEMO" if demo else ""
        super().__init__(desk, title, "&Create and sign in" if first_run else "&Sign in", parent)
        self.first_run = first_run
        self.cancel_button.setText("&Quit")
        self.cancel_button.setAccessibleName("Quit")
        self.username = named(QLineEdit(), "User name")
        self.username.setMaxLength(64)
        self.password = password_field("Password")
        self.again = password_field("Password again")
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
        remembered = "" if first_run else last_user(desk.paths)
        if remembered:  # the last user name signed in on this PC; never a password
            self.username.setText(remembered)
            self.password.setFocus()

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
        desk, first_run = self.desk, self.first_run

        def work() -> Services:
            from pcso_desk.domain.enums import UserRole
            from pcso_desk.services.api import Stage

            door = desk.door
            if door is None:  # a desk given its services (tests): the store is open
                if first_run:
                    desk.services.accounts.create(name, password, UserRole.ADMIN)
                desk.services.accounts.sign_in(name, password)
                return desk.services
            if first_run:
                opened = desk.opened or (
                    door.create() if door.stage() is Stage.NEW else door.open_unsigned()
                )
                desk.opened = opened
                opened.accounts.create(name, password, UserRole.ADMIN)
            return door.sign_in(name, password)

        self._start(work, self._done)

    def _refused(self, error: BaseException) -> None:
        from pcso_desk.services.values import DamagedStoreError

        door = self.desk.door
        if isinstance(error, DamagedStoreError) and door is not None:
            self.busy = False
            self.submit_button.setEnabled(True)
            self.message.clear()
            from pcso_desk.gui.recovery import offer_restore

            if offer_restore(error, self.desk.paths, self, key=door.key):
                self.message.setText("The backup is in place; sign in again to open it.")
            else:
                self.message.setText(error.message)
            self._clear_passwords()
            return
        super()._refused(error)

    def _done(self, services: Services) -> None:
        self.desk.opened = services
        if services.recovery_code:
            code, services.recovery_code = services.recovery_code, None
            show_recovery_code(self, code)
        actor = services.ctx.actor
        if actor is not None:
            remember_user(self.desk.paths, actor.username)
        self.signed_in.emit(actor)  # before accept: a window is up before this one goes
        self.accept()


class ChangePasswordDialog(_PasswordForm):
    """The signed-in user changes their own password (the current one first)."""

    def __init__(self, desk: Desk, parent: QWidget | None = None) -> None:
        super().__init__(desk, "Change my password", "&Change password", parent)
        self.current = password_field("Current password")
        self.new = password_field("New password")
        self.again = password_field("New password again")
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
