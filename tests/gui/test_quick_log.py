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
    assert _focus() is dialog.when  # optional: blank is now
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


def test_a_pause_in_the_contact_name_then_tab_keeps_every_keystroke(
    qtbot, desk, services, world, answers
) -> None:  # type: ignore[no-untyped-def]
    services.contacts.create({"name": "Pat Patrolled", "postcode": "AL1 3EX"})
    dialog = _dialog(qtbot, desk)
    keys = Keys(dialog)
    keys.type("RIV-C")
    keys.press(Qt.Key.Key_Tab)
    keys.press(Qt.Key.Key_Tab)
    assert _focus() is dialog.contact
    keys.type("Pat")
    qtbot.waitUntil(lambda: dialog.contact.view().isVisible())  # the pause: matches open
    keys.type(" Newcomer")  # typed while the matches are open: into the box, none lost
    assert dialog.contact.currentText() == "Pat Newcomer"
    qtbot.waitUntil(lambda: dialog.contact.view().isVisible() or desk.runner.idle)
    keys.press(Qt.Key.Key_Tab)  # moves on, whether the matches are open or not
    assert _focus() is dialog.issues
    assert not dialog.contact.view().isVisible()
    keys.type("6")
    keys.press(Qt.Key.Key_Tab)
    keys.type("Parking outside the school again.")
    assert dialog.contact.currentText() == "Pat Newcomer"
    assert dialog.issues.chosen() == ["parking"]
    assert dialog.summary.toPlainText() == "Parking outside the school again."
    # Not picked: said, and "add as a new contact" offered; nothing logged without them.
    keys.press(Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: "'Pat Newcomer' is not picked" in dialog.status.text())
    assert dialog.add_contact.isVisible() and "Pat Newcomer" in dialog.add_contact.text()
    assert _engagements(services) == []
    with qtbot.waitSignal(desk.hub.changed):
        real_input.click(dialog.add_contact)
    qtbot.waitUntil(lambda: dialog.status.text().startswith("Logged"))
    [engagement] = _engagements(services)
    [added] = [c for c in services.contacts.page(ListQuery()).rows if c["name"] == "Pat Newcomer"]
    assert added["ward_id"] == world.ward
    links = services["engagement_contacts"].page(ListQuery()).rows
    assert [(r["engagement_id"], r["contact_id"]) for r in links] == [
        (engagement["id"], added["id"])
    ]


def test_tab_on_a_match_reached_with_the_arrows_picks_it(qtbot, desk, services, world) -> None:  # type: ignore[no-untyped-def]
    contact = services.contacts.create({"name": "Pat Patrolled", "postcode": "AL1 3EX"}).created[0]
    dialog = _dialog(qtbot, desk)
    keys = Keys(dialog)
    real_input.type_text(dialog.contact, "Patrol")
    qtbot.waitUntil(lambda: dialog.contact.view().isVisible())
    keys.press(Qt.Key.Key_Down)
    keys.press(Qt.Key.Key_Tab)
    assert _focus() is dialog.issues
    assert dialog.contact.value() == contact


def test_escape_with_an_entry_typed_asks_first(qtbot, desk, services, world, answers) -> None:  # type: ignore[no-untyped-def]
    dialog = _dialog(qtbot, desk)
    real_input.type_text(dialog.summary, "Half a note")
    answers.yes = False
    real_input.press_in_window(dialog, Qt.Key.Key_Escape)
    assert answers.questions == [
        "Close without logging the engagement you have typed? It will be lost."
    ]
    assert dialog.isVisible() and dialog.summary.toPlainText() == "Half a note"
    answers.yes = True
    real_input.press_in_window(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    assert desk.drafts.load(DRAFT_KEY) is None


def test_escape_with_nothing_typed_closes_without_asking(qtbot, desk, world, answers) -> None:  # type: ignore[no-untyped-def]
    dialog = _dialog(qtbot, desk)
    real_input.press_in_window(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible() and answers.questions == []


def test_a_time_typed_is_when_it_happened(qtbot, desk, services, world) -> None:  # type: ignore[no-untyped-def]
    dialog = _dialog(qtbot, desk)  # now: 10 March 2026, 12:00 (GMT)
    keys = Keys(dialog)
    keys.type("RIV-C")
    keys.press(Qt.Key.Key_Tab)  # closes the ward's completions
    real_input.type_text(dialog.summary, "Spoke to the school crossing patrol.")
    real_input.type_text(dialog.when, "yesterday 09:00")
    keys.press(Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: dialog.status.text().startswith("Logged"))
    assert dialog.when.text() == ""  # the next one is "now" again
    real_input.type_text(dialog.summary, "Leaflets at the shops.")
    real_input.type_text(dialog.when, "earlier today 10:45")
    keys.press(Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: len(_engagements(services)) == 2)
    times = sorted(e["occurred_at"] for e in _engagements(services))
    assert times == [utc(2026, 3, 9, 9), utc(2026, 3, 10, 10, 45)]


def test_a_time_that_is_no_time_or_still_to_come_is_refused(qtbot, desk, services, world) -> None:  # type: ignore[no-untyped-def]
    dialog = _dialog(qtbot, desk)
    keys = Keys(dialog)
    keys.type("RIV-C")
    keys.press(Qt.Key.Key_Tab)  # closes the ward's completions
    real_input.type_text(dialog.summary, "Spoke to a resident.")
    real_input.type_text(dialog.when, "teatime")
    keys.press(Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: dialog.status.text().startswith("Time: 'teatime' is not a date"))
    assert _focus() is dialog.when
    real_input.clear_and_type(dialog.when, "today 18:00")
    keys.press(Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: "is later than now" in dialog.status.text())
    assert _engagements(services) == []


def test_logged_is_said_calmly_and_a_refusal_in_red(qtbot, desk, services, world) -> None:  # type: ignore[no-untyped-def]
    dialog = _dialog(qtbot, desk)
    keys = Keys(dialog)
    keys.type("RIV-C")
    keys.press(Qt.Key.Key_Tab)  # closes the ward's completions
    keys.press(Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: "Write a line" in dialog.status.text())
    refused = dialog.status.palette().color(dialog.status.foregroundRole()).name()
    real_input.type_text(dialog.summary, "Quiet patrol.")
    keys.press(Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: dialog.status.text().startswith("Logged"))
    calm = dialog.status.palette().color(dialog.status.foregroundRole())
    assert refused == "#b3261e"
    assert calm.red() < 100 and calm.name() != refused  # not the red kept for errors
