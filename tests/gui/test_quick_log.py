"""The quick log, completed from the keyboard alone, writes one engagement and its link."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget

from pcso_desk.gui.quick_log import DRAFT_KEY, QuickLogDialog, open_quick_log
from pcso_desk.services.records.service import ListQuery
from tests.factories import utc
from tests.gui import real_input

NOW = utc(2026, 3, 10, 12)


def _dialog(qtbot, desk) -> QuickLogDialog:  # type: ignore[no-untyped-def]
    dialog = QuickLogDialog(desk, now=lambda: NOW)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: dialog.ward.count() == 2)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None)
    return dialog


def _focus() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None
    return widget


class Keys:
    """A keyboard: every key goes to the dialog's window, or to the popup open over it (a
    ward's completions, the contact matches), wherever the focus is, as a desktop delivers it.
    """

    def __init__(self, dialog: QuickLogDialog) -> None:
        self.dialog = dialog

    def type(self, text: str) -> None:
        real_input.type_in_window(self.dialog, text)

    def press(self, key: Qt.Key, modifier=Qt.KeyboardModifier.NoModifier) -> None:  # type: ignore[no-untyped-def]
        real_input.press_in_window(self.dialog, key, modifier)


def _engagements(services):  # type: ignore[no-untyped-def]
    return services.engagements.page(ListQuery()).rows


def test_a_whole_entry_from_the_keyboard(qtbot, desk, services, world) -> None:  # type: ignore[no-untyped-def]
    contact = services.contacts.create({"name": "Pat Patrolled", "postcode": "AL1 3EX"}).created[0]
    services.contacts.create({"name": "Robin Resident", "postcode": "AL1 3EY"})
    dialog = _dialog(qtbot, desk)
    keys = Keys(dialog)
    assert _focus() is dialog.ward
    keys.type("east")  # any part of the ward's name or code
    keys.press(Qt.Key.Key_Tab)
    assert dialog.ward.currentText() == "Riverside East — RIV-E"
    keys.type("Ph")  # channel: type to select
    assert dialog.channel.currentText() == "Phone"
    keys.press(Qt.Key.Key_Tab)
    keys.type("Patrolled")
    qtbot.waitUntil(lambda: dialog.contact.view().isVisible())
    keys.press(Qt.Key.Key_Down)
    keys.press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.contact.value() == contact)
    keys.press(Qt.Key.Key_Tab)
    assert _focus() is dialog.issues
    keys.press(Qt.Key.Key_Space)  # ticks the first: anti-social behaviour
    keys.type("6")  # parking, by its number
    keys.press(Qt.Key.Key_Tab)
    keys.type("Cars on the pavement outside the school.")
    with qtbot.waitSignal(desk.hub.changed):
        keys.press(Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: dialog.status.text().startswith("Logged"))
    [engagement] = _engagements(services)
    assert engagement["ward_id"] == world.other_ward
    assert engagement["channel"] == "phone"
    assert engagement["issues"] == ["asb", "parking"]
    assert engagement["summary"] == "Cars on the pavement outside the school."
    assert engagement["occurred_at"] == NOW
    links = services["engagement_contacts"].page(ListQuery()).rows
    assert [(r["engagement_id"], r["contact_id"]) for r in links] == [(engagement["id"], contact)]
    # Ready for the next one: ward and channel kept, the rest cleared, the dialog still open.
    assert dialog.isVisible() and dialog.ward.currentText() == "Riverside East — RIV-E"
    assert dialog.summary.toPlainText() == "" and dialog.issues.chosen() == []
    assert dialog.contact.value() is None and _focus() is dialog.contact


def test_enter_on_the_log_button_logs_without_a_contact(qtbot, desk, services, world) -> None:  # type: ignore[no-untyped-def]
    dialog = _dialog(qtbot, desk)
    keys = Keys(dialog)
    keys.type("RIV-C")
    for _ in range(4):  # channel (patrol by default), contact, issues, summary
        keys.press(Qt.Key.Key_Tab)
    keys.type("Quiet patrol; spoke to shopkeepers.")
    keys.press(Qt.Key.Key_Tab)
    assert _focus() is dialog.log_button
    keys.press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.status.text().startswith("Logged"))
    [engagement] = _engagements(services)
    assert (engagement["ward_id"], engagement["channel"]) == (world.ward, "patrol")
    assert services["engagement_contacts"].count(ListQuery()) == 0


def test_a_missing_summary_is_said_and_nothing_is_logged(qtbot, desk, services, world) -> None:  # type: ignore[no-untyped-def]
    dialog = _dialog(qtbot, desk)
    keys = Keys(dialog)
    keys.type("Central")
    keys.press(Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: "Write a line" in dialog.status.text())
    assert _focus() is dialog.summary
    assert _engagements(services) == []


def test_an_unknown_ward_is_refused(qtbot, desk, services, world) -> None:  # type: ignore[no-untyped-def]
    dialog = _dialog(qtbot, desk)
    keys = Keys(dialog)
    keys.type("Nowhere")
    real_input.type_text(dialog.summary, "Spoke to a resident.")
    keys.press(Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: "Choose the ward" in dialog.status.text())
    assert _engagements(services) == []


def test_typed_work_survives_a_crash_and_comes_back(qtbot, desk, services, world, answers) -> None:  # type: ignore[no-untyped-def]
    contact = services.contacts.create({"name": "Pat Patrolled", "postcode": "AL1 3EX"}).created[0]
    first = _dialog(qtbot, desk)
    keys = Keys(first)
    keys.type("East")
    keys.press(Qt.Key.Key_Tab)
    keys.press(Qt.Key.Key_Tab)
    keys.type("Patrolled")
    qtbot.waitUntil(lambda: first.contact.view().isVisible())
    keys.press(Qt.Key.Key_Return)
    keys.press(Qt.Key.Key_Tab)
    keys.press(Qt.Key.Key_Tab)
    assert _focus() is first.summary
    keys.type("Half-typed note")
    qtbot.waitUntil(lambda: (desk.drafts.load(DRAFT_KEY) or {}).get("summary") == "Half-typed note")
    first.hide()  # as if the app had died: no Close, so the draft stays
    second = _dialog(qtbot, desk)
    qtbot.waitUntil(lambda: second.summary.toPlainText() == "Half-typed note")
    assert second.ward.currentText() == "Riverside East — RIV-E"
    assert second.contact.value() == contact
    assert answers.questions == [
        "You have an engagement from earlier that was not logged. Restore it?"
    ]
    real_input.press_in_window(second, Qt.Key.Key_Escape)
    assert desk.drafts.load(DRAFT_KEY) is None  # Escape drops it, as the record editor does


def test_open_quick_log_shows_a_modal_dialog(qtbot, desk, world) -> None:  # type: ignore[no-untyped-def]
    parent = QWidget()
    qtbot.addWidget(parent)
    dialog = open_quick_log(desk, parent)
    qtbot.waitExposed(dialog)
    assert dialog.isModal() and dialog.windowTitle() == "Log engagement"
    for widget in (dialog.ward, dialog.channel, dialog.contact, dialog.issues, dialog.summary):
        assert widget.accessibleName()
    qtbot.waitUntil(lambda: dialog.ward.count() == 2)
    dialog.close()
