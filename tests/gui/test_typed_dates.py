"""Dates in the record editors: typed day first, or picked from a calendar; a refusal names
the field's label."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QApplication, QCalendarWidget, QDialogButtonBox

from pcso_desk.gui.editor import RecordEditor
from pcso_desk.gui.screens.meetings import meetings_screen
from pcso_desk.services.values import ListQuery
from tests.factories import utc
from tests.gui import real_input


def new_meeting(qtbot: Any, desk: Any) -> RecordEditor:
    screen = meetings_screen(desk)
    qtbot.addWidget(screen)
    editor = screen.open_record(None)
    qtbot.addWidget(editor)
    qtbot.waitExposed(editor)
    qtbot.waitUntil(lambda: editor.ready)
    return editor


def fill_meeting(editor: RecordEditor, starts: str) -> None:
    editors = editor.form.editors
    real_input.type_text(editors["title"].input, "Riverside PACT")
    real_input.choose(editors["neighbourhood_id"].input, "Riverside SNT")
    real_input.type_text(editors["starts_at"].input, starts)


def save(editor: RecordEditor) -> None:
    real_input.click(editor.buttons.button(QDialogButtonBox.StandardButton.Save))


def test_a_meeting_entered_day_first_saves(qtbot, desk, services, world) -> None:  # type: ignore[no-untyped-def]
    editor = new_meeting(qtbot, desk)
    fill_meeting(editor, "02/12/2026 19:00")
    assert not editor.form.editors["starts_at"].error.isVisible()  # checked as typed: fine
    with qtbot.waitSignal(editor.saved, timeout=5000):
        save(editor)
    [meeting] = services.meetings.page(ListQuery()).rows
    assert meeting["title"] == "Riverside PACT"
    assert meeting["starts_at"] == utc(2026, 12, 2, 19)  # 7 pm in London, in December


def test_an_impossible_date_names_the_field_and_saves_nothing(qtbot, desk, services, world) -> None:  # type: ignore[no-untyped-def]
    editor = new_meeting(qtbot, desk)
    fill_meeting(editor, "31/02/2026 19:00")
    error = editor.form.editors["starts_at"].error
    qtbot.waitUntil(error.isVisible)
    assert error.text() == "Starts: '31/02/2026 19:00' is not a date: there is no 31 February 2026."
    save(editor)
    assert editor.isVisible()
    assert services.meetings.count() == 0


def test_the_calendar_puts_the_day_in_front_of_the_typed_time(qtbot, desk, services, world) -> None:  # type: ignore[no-untyped-def]
    editor = new_meeting(qtbot, desk)
    fill_meeting(editor, "today 19:00")
    box = editor.form.editors["starts_at"].input
    real_input.press(box, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: isinstance(QApplication.activePopupWidget(), QCalendarWidget))
    calendar = QApplication.activePopupWidget()
    assert isinstance(calendar, QCalendarWidget)
    calendar.setSelectedDate(QDate(2026, 12, 2))  # the arrows walk there; Enter picks it
    real_input.press_in_window(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: box.text() == "02/12/2026 19:00")
    assert box.hasFocus() and editor.isVisible()
    with qtbot.waitSignal(editor.saved, timeout=5000):
        save(editor)
    [meeting] = services.meetings.page(ListQuery()).rows
    assert meeting["starts_at"] == utc(2026, 12, 2, 19)


def test_a_saved_date_is_shown_day_first(qtbot, desk, services, world) -> None:  # type: ignore[no-untyped-def]
    services.meetings.create(
        {
            "meeting_type": "pact",
            "title": "Held",
            "starts_at": utc(2026, 7, 1, 18),
            "neighbourhood_id": world.neighbourhood,
        }
    )
    screen = meetings_screen(desk)
    qtbot.addWidget(screen)
    [meeting] = services.meetings.page(ListQuery()).rows
    editor = screen.open_record(meeting["id"])
    qtbot.addWidget(editor)
    qtbot.waitUntil(lambda: editor.ready)
    assert editor.form.editors["starts_at"].input.text() == "01/07/2026 19:00"  # BST


def test_what_is_typed_while_the_editor_loads_is_kept(
    qtbot, desk, services, world, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    import threading

    loaded = threading.Event()
    options = services.options

    def slow_options(ref: str) -> Any:
        loaded.wait(10)  # the choice lists arrive only once the person has typed
        return options(ref)

    monkeypatch.setattr(services, "options", slow_options)
    meeting = services.meetings.create(
        {
            "meeting_type": "pact",
            "title": "Held",
            "starts_at": utc(2026, 7, 1, 18),
            "neighbourhood_id": world.neighbourhood,
        }
    ).created[0]
    screen = meetings_screen(desk)
    qtbot.addWidget(screen)
    editor = screen.open_record(meeting)
    qtbot.addWidget(editor)
    qtbot.waitExposed(editor)
    assert not editor.ready
    real_input.type_text(editor.form.editors["venue"].input, "Village hall")
    loaded.set()
    qtbot.waitUntil(lambda: editor.ready)
    assert editor.form.editors["venue"].input.text() == "Village hall"
    assert editor.form.editors["title"].input.text() == "Held"  # the record still shown


def test_the_calendar_button_opens_on_the_date_typed(qtbot, desk, services, world) -> None:  # type: ignore[no-untyped-def]
    editor = new_meeting(qtbot, desk)
    starts = editor.form.editors["starts_at"]
    real_input.type_text(starts.input, "2 Dec 2026 19:00")
    real_input.click(starts.calendar)
    qtbot.waitUntil(lambda: isinstance(QApplication.activePopupWidget(), QCalendarWidget))
    calendar = QApplication.activePopupWidget()
    assert isinstance(calendar, QCalendarWidget)
    assert calendar.selectedDate() == QDate(2026, 12, 2)
    real_input.press_in_window(editor, Qt.Key.Key_Escape)  # closes the calendar only
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is None)
    assert editor.isVisible() and starts.input.text() == "2 Dec 2026 19:00"
