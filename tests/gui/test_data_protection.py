"""Admin → Data protection: keep and dispose from the review queue, notes expiry, subject
access export and erasure through the person picker, and the refusal a PCSO sees."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from pcso_desk.domain.enums import UserRole
from pcso_desk.domain.errors import NotFoundError
from pcso_desk.domain.permissions import Action, refusal
from pcso_desk.gui.screens.data_protection import DataProtectionTab, KeepDialog
from pcso_desk.services.protection import accounts
from pcso_desk.services.protection.retention import NotesSettings
from tests.factories import utc
from tests.gui import real_input

PASSWORD = "a long enough passphrase"


def _as(desk, role: UserRole) -> None:  # type: ignore[no-untyped-def]
    """The store's first account (no one needs to be signed in to make it), signed in."""
    ctx = desk.services.ctx
    accounts.create_account(ctx, role.value, PASSWORD, role)
    accounts.sign_in(ctx, role.value, PASSWORD)


def _shown(qtbot, desk) -> DataProtectionTab:  # type: ignore[no-untyped-def]
    tab = DataProtectionTab(desk)
    qtbot.addWidget(tab)
    tab.resize(1200, 800)
    tab.show()
    qtbot.waitExposed(tab)
    qtbot.waitUntil(lambda: desk.runner.idle, timeout=10_000)
    return tab


def _pick_person(qtbot, tab: DataProtectionTab, typed: str, contact_id: str) -> None:  # type: ignore[no-untyped-def]
    """Type part of a name into the person picker, then take the match from its popup."""
    real_input.type_text(tab.person, typed)
    qtbot.waitUntil(lambda: tab.person.view().isVisible(), timeout=5000)
    real_input.press_in_window(tab, Qt.Key.Key_Down)
    real_input.press_in_window(tab, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: tab.person.value() == contact_id, timeout=5000)


def _titles(tab: DataProtectionTab) -> list[str]:
    return [tab.table.item(row, 1).text() for row in range(tab.table.rowCount())]


def _message(services, subject: str, received: datetime, **more: str) -> str:  # type: ignore[no-untyped-def]
    fields = {
        "received_at": received,
        "channel": "email",
        "from_name": "Sam Sender",
        "subject": subject,
        "body": "Please call me back.",
        "kind": "request",
        **more,
    }
    return services["messages"].create(fields).created[0]


def shot(widget: QWidget) -> None:
    if os.environ.get("PCSO_SHOTS"):
        widget.grab().save("/tmp/data_protection.png")


def test_a_sergeant_keeps_a_due_contact_only_with_a_reason(qtbot, desk, services) -> None:  # type: ignore[no-untyped-def]
    due = services.contacts.create({"name": "Dora Due", "review_date": date(2025, 3, 1)})
    services.contacts.create({"name": "Nora Notdue"})  # reviewed two years after being added
    _message(services, "Dog fouling on the green", utc(2024, 9, 2, 10))
    _as(desk, UserRole.SERGEANT)
    tab = _shown(qtbot, desk)
    assert not tab.refused
    assert _titles(tab) == ["Dora Due", "Sam Sender: Dog fouling on the green"]  # soonest first
    assert tab.count.text() == "2 records due for review"
    assert "• Contact: 24 months after the last engagement with them" in tab.rules.text()
    real_input.click_cell(tab.table, tab.table.model().index(0, 1))
    shot(tab)

    real_input.click(tab.keep_button)
    dialog = tab.dialog
    assert isinstance(dialog, KeepDialog)
    qtbot.waitExposed(dialog)
    until = dialog.until.date().toPython()
    assert until == date.today().replace(year=date.today().year + 1)
    real_input.click(dialog.ok)  # no reason given
    qtbot.waitUntil(lambda: dialog.message.text() == "Give a reason for keeping it.", timeout=5000)
    assert dialog.isVisible() and "Dora Due" in _titles(tab)

    real_input.type_text(dialog.reason, "Still the contact for the street watch")
    real_input.click(dialog.ok)
    qtbot.waitUntil(lambda: _titles(tab) == ["Sam Sender: Dog fouling on the green"], timeout=5000)
    assert not shiboken6.isValid(dialog)  # closed and deleted
    assert tab.count.text() == "1 record due for review"
    assert tab.queue_result.text() == "Kept: Dora Due."
    assert services.contacts.get(due.created[0])["review_date"] == until


def test_disposing_of_an_old_message_asks_first(qtbot, desk, services, answers) -> None:  # type: ignore[no-untyped-def]
    old = _message(services, "Parking on the verge", utc(2024, 5, 1, 9))
    _message(services, "Thank you", datetime.now(UTC) - timedelta(days=10))  # not due yet
    _as(desk, UserRole.SERGEANT)
    tab = _shown(qtbot, desk)
    assert _titles(tab) == ["Sam Sender: Parking on the verge"]
    real_input.click_cell(tab.table, tab.table.model().index(0, 1))
    assert tab.dispose_button.toolTip().startswith("Removes the sender, subject and text")

    answers.yes = False
    real_input.click(tab.dispose_button)
    assert answers.questions == [
        "Dispose of message to the team “Sam Sender: Parking on the verge”? Its personal "
        "details are removed on every station; counts stay. This cannot be undone."
    ]
    qtbot.waitUntil(lambda: desk.runner.idle, timeout=5000)
    assert services["messages"].get(old)["subject"] == "Parking on the verge"

    answers.yes = True
    real_input.click(tab.dispose_button)
    qtbot.waitUntil(lambda: tab.count.text() == "Nothing is due for review.", timeout=5000)
    assert _titles(tab) == [] and not tab.dispose_button.isEnabled()
    assert (
        tab.queue_result.text() == "Disposed of Sam Sender: Parking on the verge: 1 record erased."
    )
    assert services["messages"].get(old)["subject"] == ""


def test_erasing_a_person_picked_by_name(qtbot, desk, services, answers) -> None:  # type: ignore[no-untyped-def]
    ellis = services.contacts.create({"name": "Ellis Erasable", "postcode": "AL1 3EX"})
    services.contacts.create({"name": "Robin Resident", "postcode": "AL1 3EY"})
    message = _message(services, "Bins", utc(2026, 7, 6, 8), contact_id=ellis.created[0])
    _as(desk, UserRole.SERGEANT)
    tab = _shown(qtbot, desk)
    real_input.click(tab.erase_button)
    assert tab.person_result.text() == "Choose a person first: type a name or postcode."
    assert answers.questions == []

    _pick_person(qtbot, tab, "Erasable", ellis.created[0])
    real_input.click(tab.erase_button)
    [question] = answers.questions
    assert question.startswith("Erase Ellis Erasable — AL1 3EX? ")
    assert "every station and the hub" in question and "cannot be undone" in question
    qtbot.waitUntil(lambda: tab.person_result.text().startswith("Erased: "), timeout=10_000)
    assert tab.person_result.text() == (
        "Erased: 2 records on this station; the erasure goes to the other stations with the "
        "next sync."
    )
    assert tab.person.value() is None and tab.person.currentText() == ""
    with pytest.raises(NotFoundError):
        services.contacts.get(ellis.created[0])
    assert services["messages"].get(message)["body"] == ""


def test_subject_access_export_for_a_sergeant_not_an_admin(  # type: ignore[no-untyped-def]
    qtbot, desk, services, tmp_path: Path
) -> None:
    wilma = services.contacts.create({"name": "Wilma Subjectson"}).created[0]
    _as(desk, UserRole.ADMIN)
    accounts.create_account(desk.services.ctx, "sam", PASSWORD, UserRole.SERGEANT)
    accounts.sign_in(desk.services.ctx, "sam", PASSWORD)
    tab = _shown(qtbot, desk)
    _pick_person(qtbot, tab, "Subjectson", wilma)
    tab.choose_folder = lambda *_args: str(tmp_path / "sar")
    real_input.click(tab.export_button)
    qtbot.waitUntil(lambda: tab.person_result.text().startswith("Saved "), timeout=20_000)
    saved = sorted(p.name for p in (tmp_path / "sar").iterdir())
    assert [name.rsplit(".", 1)[1] for name in saved] == ["json", "pdf"]
    assert tab.person_result.text() == f"Saved {saved[0]} and {saved[1]} in {tmp_path / 'sar'}."

    accounts.sign_in(desk.services.ctx, "admin", PASSWORD)
    real_input.click(tab.export_button)
    sentence = refusal(UserRole.ADMIN, Action.EXPORT)
    qtbot.waitUntil(lambda: tab.person_result.text() == sentence, timeout=5000)


def test_notes_expiry_is_saved_and_run(qtbot, desk, services, world) -> None:  # type: ignore[no-untyped-def]
    old = services.engagements.create(
        {"occurred_at": utc(2024, 1, 10, 10), "channel": "phone", "summary": "Old chat",
         "ward_id": world.ward, "officer_id": world.officer}
    ).created[0]  # fmt: skip
    _as(desk, UserRole.SERGEANT)
    tab = _shown(qtbot, desk)
    assert (tab.notes_months.value(), tab.doorstep_days.text()) == (24, "Off")
    real_input.clear_and_type(tab.notes_months, "12")
    real_input.clear_and_type(tab.doorstep_days, "30")
    assert (tab.notes_months.value(), tab.doorstep_days.value()) == (12, 30)
    real_input.click(tab.save_notes_button)
    qtbot.waitUntil(lambda: tab.notes_result.text().startswith("Saved"), timeout=5000)
    assert tab.notes_result.text().endswith("1 expired note past the new time removed.")
    assert services.retention.notes_settings() == NotesSettings(12, 30)
    assert services.engagements.get(old)["summary"] == ""  # the new time applied at once
    older = services.engagements.create(
        {"occurred_at": utc(2024, 2, 10, 10), "channel": "phone", "summary": "Older chat"}
    ).created[0]
    real_input.click(tab.expire_button)
    qtbot.waitUntil(lambda: tab.notes_result.text() == "Removed 1 expired note.", timeout=5000)
    assert services.engagements.get(older)["summary"] == ""
    real_input.click(tab.expire_button)
    qtbot.waitUntil(
        lambda: tab.notes_result.text() == "No notes were past their time.", timeout=5000
    )


def test_a_pcso_sees_the_refusal_instead_of_the_queue(qtbot, desk, services) -> None:  # type: ignore[no-untyped-def]
    services.contacts.create({"name": "Dora Due", "review_date": date(2025, 3, 1)})
    _as(desk, UserRole.PCSO)
    tab = _shown(qtbot, desk)
    assert tab.refused and not tab.table.isVisible()
    assert tab.refusal.text() == refusal(UserRole.PCSO, Action.REVIEW)
    assert tab.refusal.text() == (
        "A PCSO account cannot review records due for retention; ask a sergeant or an admin."
    )
