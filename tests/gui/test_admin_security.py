"""Admin → Users and Audit log: accounts made through the dialog, refusals, the chain check."""

from __future__ import annotations

import csv
import os
import sqlite3
from pathlib import Path

import shiboken6
from PySide6.QtWidgets import QWidget

from pcso_desk.domain.enums import UserRole
from pcso_desk.domain.permissions import Action, refusal
from pcso_desk.gui.screens import admin_security
from pcso_desk.gui.screens.admin_security import AccountDialog, AuditTab, UsersTab
from pcso_desk.services.protection import accounts
from tests.gui import real_input

PASSWORD = "a long enough passphrase"


def shot(widget: QWidget, name: str) -> None:
    if os.environ.get("PCSO_SHOTS"):
        widget.grab().save(f"/tmp/admin_{name}.png")


def _admin(desk) -> None:  # type: ignore[no-untyped-def]
    ctx = desk.services.ctx
    accounts.create_account(ctx, "ada", PASSWORD, UserRole.ADMIN)
    accounts.sign_in(ctx, "ada", PASSWORD)


def _shown(qtbot, desk, tab: QWidget) -> QWidget:  # type: ignore[no-untyped-def]
    qtbot.addWidget(tab)
    tab.resize(1200, 800)
    tab.show()
    qtbot.waitExposed(tab)
    qtbot.waitUntil(lambda: desk.runner.idle, timeout=10_000)
    return tab


def _choose_data(combo, data) -> None:  # type: ignore[no-untyped-def]
    """Pick the item that stands for `data` from the keyboard, by its text."""
    real_input.choose(combo, combo.itemText(combo.findData(data)))
    assert combo.currentData() == data


def _row(table, row: int) -> None:  # type: ignore[no-untyped-def]
    real_input.click_cell(table, table.model().index(row, 0))


def _dialog(qtbot, users, button):  # type: ignore[no-untyped-def]
    """Click a button that opens the tab's form dialog, and wait for it."""
    real_input.click(button)
    dialog = users.dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    return dialog


def test_an_admin_makes_a_pcso_account_who_then_sees_refusals(qtbot, desk, world) -> None:  # type: ignore[no-untyped-def]
    _admin(desk)
    users = _shown(qtbot, desk, UsersTab(desk))
    assert not users.refused and users.table.rowCount() == 1
    dialog = _dialog(qtbot, users, users.new_button)
    assert isinstance(dialog, AccountDialog)
    qtbot.waitUntil(lambda: dialog.officer.count() > 1, timeout=5000)
    real_input.type_text(dialog.username, "Pat")
    _choose_data(dialog.role, UserRole.PCSO.value)
    _choose_data(dialog.officer, world.officer)
    real_input.type_text(dialog.password, "short")
    real_input.type_text(dialog.again, "short")
    real_input.click(dialog.ok)
    qtbot.waitUntil(lambda: "at least 10" in dialog.message.text(), timeout=5000)
    real_input.clear_and_type(dialog.password, PASSWORD)
    real_input.clear_and_type(dialog.again, PASSWORD)
    real_input.click(dialog.ok)
    qtbot.waitUntil(lambda: users.table.rowCount() == 2, timeout=5000)
    shot(users, "users")
    cells = [users.table.item(1, c).text() for c in range(3)]
    assert cells == ["pat", "PCSO", "PCSO Alex Example"]

    accounts.sign_in(desk.services.ctx, "pat", PASSWORD)
    refused_users = _shown(qtbot, desk, UsersTab(desk))
    refused_audit = _shown(qtbot, desk, AuditTab(desk))
    assert refused_users.refused and refused_audit.refused
    assert refused_users.refusal.text() == refusal(UserRole.PCSO, Action.MANAGE_USERS)
    assert refused_users.refusal.text() == (
        "A PCSO account cannot manage user accounts; ask an admin."
    )
    assert refused_audit.refusal.text() == refusal(UserRole.PCSO, Action.READ_AUDIT)
    assert not refused_users.table.isVisible() and not refused_audit.table.isVisible()
    shot(refused_users, "users_refused")


def test_disable_reset_and_change_role(qtbot, desk, answers) -> None:  # type: ignore[no-untyped-def]
    _admin(desk)
    accounts.create_account(desk.services.ctx, "pat", PASSWORD, UserRole.PCSO)
    users = _shown(qtbot, desk, UsersTab(desk))
    _row(users.table, 1)
    assert users.selected().username == "pat"  # type: ignore[union-attr]
    real_input.click(users.active_button)
    qtbot.waitUntil(lambda: users.table.item(1, 3).text() == "no", timeout=5000)
    assert answers.questions and users.active_button.text() == "&Enable"
    role_dialog = _dialog(qtbot, users, users.role_button)
    assert role_dialog.role.currentData() == UserRole.PCSO.value
    _choose_data(role_dialog.role, "sergeant")
    real_input.click(role_dialog.ok)
    qtbot.waitUntil(lambda: users.table.item(1, 1).text() == "Sergeant", timeout=5000)
    reset = _dialog(qtbot, users, users.reset_button)
    real_input.type_text(reset.password, "another long passphrase")
    real_input.type_text(reset.again, "another long passphrase")
    real_input.click(reset.ok)
    qtbot.waitUntil(lambda: not shiboken6.isValid(reset), timeout=5000)  # closed, deleted
    _row(users.table, 0)  # one's own account cannot be disabled: the sentence says so
    real_input.click(users.active_button)
    qtbot.waitUntil(lambda: bool(answers.messages), timeout=5000)
    assert answers.messages == ["You cannot disable the account you are signed in with."]


def test_audit_log_lists_checks_and_names_the_changed_entry(  # type: ignore[no-untyped-def]
    qtbot, desk, data_paths, monkeypatch, tmp_path: Path, answers
) -> None:
    _admin(desk)
    accounts.sign_in(desk.services.ctx, "ada", PASSWORD)  # entries 1-3: create, sign in x2
    monkeypatch.setattr(admin_security, "AUDIT_PAGE", 2)
    tab = _shown(qtbot, desk, AuditTab(desk))
    assert not tab.refused
    assert [(e.seq, e.action) for e in tab.entries] == [(3, "sign in"), (2, "sign in")]
    assert tab.more_button.isEnabled()
    real_input.click(tab.more_button)
    qtbot.waitUntil(lambda: len(tab.entries) == 3, timeout=5000)
    assert [e.seq for e in tab.entries] == [3, 2, 1] and not tab.more_button.isEnabled()
    assert tab.table.item(0, 1).text() == "ada" and tab.table.item(0, 3).text() == "sign in"

    monkeypatch.setattr(admin_security, "AUDIT_PAGE", 200)
    real_input.clear_and_type(tab.action, "create account")
    assert tab.action.currentText() == "create account"
    qtbot.waitUntil(lambda: [e.action for e in tab.entries] == ["create account"], timeout=5000)
    real_input.clear(tab.action)
    assert tab.action.currentText() == ""
    qtbot.waitUntil(lambda: len(tab.entries) > 2, timeout=5000)

    real_input.click(tab.check_button)
    qtbot.waitUntil(lambda: tab.chain.text().startswith("The audit log is intact ("), timeout=5000)
    shot(tab, "audit")

    with sqlite3.connect(data_paths.store) as db:  # someone edits the file behind the app
        db.execute("DROP TRIGGER audit_log_no_update")
        db.execute("UPDATE audit_log SET detail = 'role pcso' WHERE seq = 1")
    real_input.click(tab.check_button)
    changed = "Entry 1 was changed outside the app."
    qtbot.waitUntil(lambda: tab.chain.text() == changed, timeout=5000)

    target = tmp_path / "audit.csv"
    tab.save_file = lambda *_args: str(target)
    real_input.click(tab.export_button)
    qtbot.waitUntil(lambda: bool(answers.messages), timeout=5000)
    with target.open(encoding="utf-8-sig", newline="") as handle:
        marking, *rows = list(csv.reader(handle))
    assert marking == ["OFFICIAL-SENSITIVE"]
    assert rows[0] == ["Seq", *admin_security.AUDIT_COLUMNS]
    assert rows[-1][4] == "create account" and rows[-1][0] == "1"
