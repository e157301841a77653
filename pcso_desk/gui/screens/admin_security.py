"""Admin → Users and Audit log: manage sign-in accounts; read, check and export the audit log.

Both tabs load on first show and ask the services, which refuse what the role does not
allow: the refusal sentence then stands where the data would have been.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from pcso_desk.domain.errors import PcsoDeskError, ValidationError
from pcso_desk.domain.permissions import ROLE_NAMES
from pcso_desk.domain.schedule import LONDON
from pcso_desk.gui.desk import Desk
from pcso_desk.gui.widgets import line_edit_of, named
from pcso_desk.services.values import (
    AUDIT_COLUMNS,
    Account,
    AuditRow,
    ChainCheck,
    Changes,
    audit_cells,
)

SaveFile = Callable[[QWidget | None, str, str], str | None]
USER_COLUMNS = ("User name", "Role", "Officer", "Active", "Last sign-in", "Locked until")
AUDIT_PAGE = 200
FILTER_DELAY_MS = 300
# The actions the services write, offered in the filter (any other can be typed).
KNOWN_ACTIONS = (
    "sign in", "sign out", "refused", "view", "search", "create", "change", "delete",
    "merge", "print", "export", "import", "create account", "reset password",
    "change password", "change role", "enable account", "disable account", "read audit",
    "trust station", "sync export", "sync import", "sync hub", "resolve conflict",
)  # fmt: skip


def save_file(parent: QWidget | None, title: str, suggested: str) -> str | None:
    chosen, _filter = QFileDialog.getSaveFileName(parent, title, suggested, "CSV (*.csv)")
    return chosen or None


def when_text(moment: datetime | None) -> str:
    return "" if moment is None else moment.astimezone(LONDON).strftime("%d %b %Y %H:%M:%S")


def push_button(text: str) -> QPushButton:
    return named(QPushButton(text), text.replace("&", "").rstrip("…"))


def data_table(name: str, headers: tuple[str, ...]) -> QTableWidget:
    """A read-only table of loaded rows (accounts, or audit pages loaded on request)."""
    table = named(QTableWidget(0, len(headers)), name)
    table.setHorizontalHeaderLabels(list(headers))
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    table.horizontalHeader().setStretchLastSection(True)
    table.verticalHeader().setVisible(False)
    table.setWordWrap(False)
    return table


def set_row(table: QTableWidget, row: int, cells: list[str]) -> None:
    for column, text in enumerate(cells):
        item = QTableWidgetItem(text)
        item.setToolTip(text)
        table.setItem(row, column, item)


def form_footer(
    dialog: QDialog, ok_text: str, submit: Callable[[], None]
) -> tuple[QLabel, QPushButton, QHBoxLayout]:
    """A form dialog's message line (for one-sentence refusals) and its Cancel / OK row."""
    message = named(QLabel(), "Message")
    message.setObjectName("formMessage")
    message.setWordWrap(True)
    ok = push_button(ok_text)
    ok.setDefault(True)
    ok.clicked.connect(submit)
    cancel = push_button("Cancel")
    cancel.clicked.connect(dialog.reject)
    buttons = QHBoxLayout()
    buttons.addStretch(1)
    buttons.addWidget(cancel)
    buttons.addWidget(ok)
    return message, ok, buttons


class Guarded(QWidget):
    """A tab that shows its content, or the service's refusal in its place."""

    def __init__(self, desk: Desk, name: str) -> None:
        super().__init__()
        self.desk = desk
        self.setAccessibleName(name)
        self.content = QWidget()
        self.refusal = named(QLabel(), "Refused")
        self.refusal.setObjectName("formMessage")
        self.refusal.setWordWrap(True)
        self.refusal.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.refusal.setContentsMargins(12, 12, 12, 12)
        self.pages = QStackedWidget()
        self.pages.addWidget(self.content)
        self.pages.addWidget(self.refusal)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.pages)
        self.loaded = False
        self.dialog: QDialog | None = None  # the last dialog opened (tests fill it in)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self.loaded:
            self.loaded = True
            self.load()

    def load(self) -> None:
        raise NotImplementedError

    def failed(self, error: BaseException) -> None:
        """A refusal replaces the data; anything else is reported as usual."""
        if isinstance(error, PcsoDeskError):
            self.refusal.setText(error.message)
            self.pages.setCurrentWidget(self.refusal)
        else:
            self.desk.report_error(error, self)

    @property
    def refused(self) -> bool:
        return self.pages.currentWidget() is self.refusal


# -- Users ------------------------------------------------------------------------------


class AccountDialog(QDialog):
    """New account, reset password or change role: fields as asked, refusals inline."""

    def __init__(
        self,
        desk: Desk,
        title: str,
        parts: tuple[str, ...],
        submit: Callable[[dict[str, Any]], Changes],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.desk = desk
        self._submit = submit
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        form = QFormLayout()
        self.username = named(QLineEdit(), "User name")
        self.role = named(QComboBox(), "Role")
        for role, name in ROLE_NAMES.items():
            self.role.addItem(name, role.value)
        self.officer = named(QComboBox(), "Officer")
        self.officer.addItem("(no officer)", None)
        self.password = named(QLineEdit(), "Password")
        self.again = named(QLineEdit(), "Password again")
        for field in (self.password, self.again):
            field.setEchoMode(QLineEdit.EchoMode.Password)
        rows = {
            "username": ("&User name", self.username),
            "role": ("&Role", self.role),
            "officer": ("&Officer", self.officer),
            "password": ("&Password", self.password),
            "again": ("Password &again", self.again),
        }
        for part in parts:
            form.addRow(*rows[part])
        self.message, self.ok, buttons = form_footer(self, "&Save", self.submit)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addStretch(1)
        layout.addLayout(buttons)
        self.resize(460, 120 + 40 * len(parts))
        if "officer" in parts:
            self._load_officers()

    def _load_officers(self) -> None:
        def loaded(options: list[tuple[str, str]]) -> None:
            for officer_id, label in options:
                self.officer.addItem(label, officer_id)

        self.desk.runner.run(
            lambda: self.desk.services.options("officers"), loaded, lambda _e: None, guard=self
        )

    def values(self) -> dict[str, Any]:
        return {
            "username": self.username.text(),
            "role": self.role.currentData(),
            "officer_id": self.officer.currentData(),
            "password": self.password.text(),
        }

    def submit(self) -> None:
        if self.password.isVisibleTo(self) and self.password.text() != self.again.text():
            self.message.setText("The two passwords are not the same.")
            return
        values = self.values()
        self.ok.setEnabled(False)
        self.desk.write(lambda: self._submit(values), lambda _c: self.accept(), self._failed)

    def _failed(self, error: BaseException) -> None:
        self.ok.setEnabled(True)
        if isinstance(error, ValidationError):
            self.message.setText(error.message)
        else:
            self.desk.report_error(error, self)


class UsersTab(Guarded):
    """Every sign-in account, and what an admin changes about them."""

    def __init__(self, desk: Desk) -> None:
        super().__init__(desk, "Users")
        self.accounts: list[Account] = []
        self.table = data_table("User accounts", USER_COLUMNS)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.new_button = push_button("&New account…")
        self.reset_button = push_button("&Reset password…")
        self.active_button = push_button("&Disable")
        self.role_button = push_button("Change r&ole…")
        self.new_button.clicked.connect(self.new_account)
        self.reset_button.clicked.connect(self.reset_password)
        self.active_button.clicked.connect(self.toggle_active)
        self.role_button.clicked.connect(self.change_role)
        buttons = QHBoxLayout()
        for button in (self.new_button, self.reset_button, self.active_button, self.role_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self.content)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)
        self._selection_changed()
        desk.hub.changed.connect(self._changed)

    def load(self) -> None:
        accounts = self.desk.services.accounts
        self.desk.runner.run(accounts.list_all, self._show, self.failed, self)

    def _changed(self, changes: Changes) -> None:
        if self.loaded and changes.kind in ("users", "officers"):
            self.load()

    def _show(self, found: list[Account]) -> None:
        chosen = self.selected()
        self.accounts = found
        self.table.setRowCount(len(found))
        for row, account in enumerate(found):
            cells = [
                account.username,
                ROLE_NAMES[account.role],
                account.officer,
                "yes" if account.active else "no",
                when_text(account.last_sign_in) or "never",
                when_text(account.locked_until),
            ]
            set_row(self.table, row, cells)
            if chosen is not None and account.id == chosen.id:
                self.table.selectRow(row)
        self.table.resizeColumnsToContents()  # a handful of accounts, never a long list
        self.pages.setCurrentWidget(self.content)
        self._selection_changed()

    def selected(self) -> Account | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows or rows[0].row() >= len(self.accounts):
            return None
        return self.accounts[rows[0].row()]

    def _selection_changed(self) -> None:
        account = self.selected()
        for button in (self.reset_button, self.active_button, self.role_button):
            button.setEnabled(account is not None)
        enable = account is not None and not account.active
        self.active_button.setText("&Enable" if enable else "&Disable")
        self.active_button.setAccessibleName("Enable" if enable else "Disable")

    def _open(self, title: str, parts: tuple[str, ...], submit: Callable[..., Changes]) -> None:
        dialog = AccountDialog(self.desk, title, parts, submit, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog = dialog
        dialog.open()

    def new_account(self) -> None:
        accounts = self.desk.services.accounts

        def create(v: dict[str, Any]) -> Changes:
            return accounts.create(v["username"], v["password"], v["role"], v["officer_id"])

        parts = ("username", "role", "officer", "password", "again")
        self._open("New account", parts, create)

    def reset_password(self) -> None:
        account, accounts = self.selected(), self.desk.services.accounts
        if account is not None:
            submit = lambda v: accounts.reset_password(account.id, v["password"])  # noqa: E731
            self._open(f"Reset the password of {account.username}", ("password", "again"), submit)

    def change_role(self) -> None:
        account, accounts = self.selected(), self.desk.services.accounts
        if account is None:
            return
        self._open(
            f"Change the role of {account.username}",
            ("role",),
            lambda v: accounts.change_role(account.id, v["role"]),
        )
        assert isinstance(self.dialog, AccountDialog)  # the one _open just made
        role_box = self.dialog.role
        role_box.setCurrentIndex(role_box.findData(account.role.value))

    def toggle_active(self) -> None:
        account, accounts = self.selected(), self.desk.services.accounts
        if account is None:
            return
        active = not account.active
        if not active and not self.desk.ask(
            self,
            "Disable account",
            f"Disable the account {account.username}? It will not be able to sign in "
            "until it is enabled again.",
        ):
            return
        self.desk.write(lambda: (accounts.enable if active else accounts.disable)(account.id))


# -- Audit log --------------------------------------------------------------------------


def chain_sentence(check: ChainCheck) -> str:
    if check.ok:
        return f"The audit log is intact ({check.entries} entries)."
    reason = check.reason or f"entry {check.first_bad} was changed outside the app"
    return reason[0].upper() + reason[1:] + "."


class AuditTab(Guarded):
    """The audit log newest first, filtered; load more pages; check the chain; export."""

    def __init__(self, desk: Desk, save: SaveFile = save_file) -> None:
        super().__init__(desk, "Audit log")
        self.save_file = save
        self.entries: list[AuditRow] = []
        self.action = named(QComboBox(), "Action")
        self.action.setEditable(True)
        self.action.addItems(["", *sorted(KNOWN_ACTIONS)])
        line_edit_of(self.action).setPlaceholderText("Any action")
        self.action.setMinimumContentsLength(16)
        self.user = named(QLineEdit(), "User name")
        self.user.setPlaceholderText("Any user")
        self.user.setClearButtonEnabled(True)
        self.table = data_table("Audit entries", AUDIT_COLUMNS)
        for column, width in enumerate((170, 140, 70, 120, 90, 200, 160)):
            self.table.setColumnWidth(column, width)
        self.more_button = push_button("Load &more")
        self.check_button = push_button("&Check the chain")
        self.export_button = push_button("E&xport…")
        self.count = named(QLabel(), "Entries shown")
        self.chain = named(QLabel(), "Chain check")
        self.chain.setWordWrap(True)
        self._filter_timer = QTimer(self, singleShot=True, interval=FILTER_DELAY_MS)
        self._filter_timer.timeout.connect(self.load)
        self.action.currentTextChanged.connect(lambda _t: self._filter_timer.start())
        self.user.textChanged.connect(lambda _t: self._filter_timer.start())
        self.more_button.clicked.connect(self.load_more)
        self.check_button.clicked.connect(self.check_chain)
        self.export_button.clicked.connect(self.export)
        self._layout()

    def _layout(self) -> None:
        filters = QHBoxLayout()
        action_label = QLabel("&Action")
        action_label.setBuddy(self.action)
        filters.addWidget(action_label)
        filters.addWidget(self.action)
        user_label = QLabel("&User")
        user_label.setBuddy(self.user)
        filters.addWidget(user_label)
        filters.addWidget(self.user)
        filters.addStretch(1)
        filters.addWidget(self.check_button)
        filters.addWidget(self.export_button)
        footer = QHBoxLayout()
        footer.addWidget(self.count)
        footer.addWidget(self.chain, 1)
        footer.addWidget(self.more_button)
        layout = QVBoxLayout(self.content)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addLayout(footer)

    def _filters(self) -> dict[str, str | None]:
        return {
            "action": self.action.currentText().strip() or None,
            "username": self.user.text().strip().lower() or None,
        }

    def load(self) -> None:
        self._fetch(None, replace=True)

    def load_more(self) -> None:
        if self.entries:
            self._fetch(self.entries[-1].seq, replace=False)

    def _fetch(self, before: int | None, replace: bool) -> None:
        log, filters = self.desk.services.audit, self._filters()
        self.more_button.setEnabled(False)

        def work() -> list[AuditRow]:
            return log.entries(before_seq=before, limit=AUDIT_PAGE, **filters)

        self.desk.runner.run(work, lambda rows: self._show(rows, replace), self.failed, self)

    def _show(self, rows: list[AuditRow], replace: bool) -> None:
        if replace:
            self.entries = []
            self.table.setRowCount(0)
        start = len(self.entries)
        self.entries.extend(rows)
        self.table.setRowCount(len(self.entries))
        for offset, entry in enumerate(rows):
            set_row(self.table, start + offset, audit_cells(entry))
        self.more_button.setEnabled(len(rows) == AUDIT_PAGE)
        self.count.setText(f"{len(self.entries)} entries shown")
        self.pages.setCurrentWidget(self.content)

    def check_chain(self) -> None:
        self.chain.setText("Checking the chain…")

        def done(check: ChainCheck) -> None:
            self.chain.setText(chain_sentence(check))
            self.chain.setObjectName("" if check.ok else "formMessage")
            self.chain.setStyleSheet(self.chain.styleSheet())  # re-polish for the new name

        def failed(error: BaseException) -> None:
            self.chain.clear()
            self.desk.report_error(error, self)

        self.desk.runner.run(self.desk.services.audit.verify, done, failed, self)

    def export(self) -> None:
        stamp = datetime.now(LONDON).strftime("%Y-%m-%d")
        chosen = self.save_file(self, "Export the audit log", f"audit-log-{stamp}.csv")
        if not chosen:
            return
        log, filters, target = self.desk.services.audit, self._filters(), Path(chosen)

        def work() -> int:
            return log.export_csv(target, **filters)

        def done(count: int) -> None:
            self.desk.inform(self, "Export", f"{count} audit entries were saved to {target}.")

        self.desk.write(work, done, lambda e: self.desk.report_error(e, self), self)


def users_tab(desk: Desk) -> QWidget:
    return UsersTab(desk)


def audit_tab(desk: Desk) -> QWidget:
    return AuditTab(desk)
