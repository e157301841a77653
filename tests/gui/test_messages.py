"""Messages screen: each message's 24-hour reply clock, and marking one responded."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QDialogButtonBox, QStyleOptionViewItem

from pcso_desk.gui.screens.messages import (
    CLOCK_COLUMN,
    TICK_MS,
    MessageDetail,
    clock_text,
    messages_screen,
)
from pcso_desk.gui.screens.victims import OVERDUE_COLOUR, SOON_COLOUR
from tests.gui import real_input

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def message(services: Any, subject: str, age: timedelta, answered_after: Any = None) -> str:
    values: dict[str, Any] = {
        "received_at": NOW - age,
        "channel": "email",
        "from_name": "Ann Other",
        "subject": subject,
        "kind": "request",
        "body": "Cars parked on the pavement again. Call 07700 900123.",
    }
    if answered_after is not None:
        values["responded_at"] = NOW - age + answered_after
    return str(services["messages"].create(values).created[0])


def show_screen(qtbot: Any, desk: Any, clock: Any = lambda: NOW) -> Any:
    screen = messages_screen(desk, now=clock)
    qtbot.addWidget(screen)
    screen.resize(1300, 700)
    screen.show()
    qtbot.waitExposed(screen)
    return screen


def clock_cell(screen: Any, message_id: str) -> str:
    row = screen.model.row_of(message_id)
    return "" if row is None else str(screen.model.index(row, CLOCK_COLUMN).data())


def open_message(qtbot: Any, screen: Any, message_id: str) -> MessageDetail:
    real_input.click_row(qtbot, screen.table, lambda: screen.model.row_of(message_id), column=2)
    detail = screen.findChild(MessageDetail)
    assert detail is not None
    qtbot.waitUntil(lambda: detail.record.get("id") == message_id and detail.currentIndex() == 1)
    return detail


def test_clock_text_at_several_ages() -> None:
    hours = timedelta(hours=1)

    def text(age: timedelta, answered_after: timedelta | None = None) -> str:
        row = {"received_at": NOW - age, "responded_at": None}
        if answered_after is not None:
            row["responded_at"] = NOW - age + answered_after
        return clock_text(row, NOW)

    assert text(3 * hours) == "Due in 21 h"
    assert text(20 * hours) == "⚠ 4 h left"  # four hours before the deadline: warn
    assert text(22 * hours) == "⚠ 2 h left"
    assert text(23 * hours + timedelta(minutes=40)) == "⚠ 20 min left"
    assert text(24 * hours) == "⚠ 0 min left"  # at the deadline, not yet breached
    assert text(30 * hours) == "Overdue by 6 h"
    assert text(24 * hours + timedelta(minutes=5)) == "Overdue by 5 min"
    assert text(5 * 24 * hours) == "Overdue by 4 days"
    assert text(10 * hours, answered_after=3 * hours) == "Answered in 3 h"
    assert text(40 * hours, answered_after=30 * hours) == "Answered in 30 h (late)"


def test_the_list_shows_each_messages_clock(qtbot, desk, services) -> None:  # type: ignore[no-untyped-def]
    fresh = message(services, "Cars on the pavement", timedelta(hours=3))
    near = message(services, "Noise from the flat above", timedelta(hours=22))
    late = message(services, "Bike stolen — any update?", timedelta(hours=30))
    done = message(services, "Thanks for the surgery", timedelta(hours=10), timedelta(hours=3))
    screen = show_screen(qtbot, desk)
    qtbot.waitUntil(lambda: screen.model.rowCount() == 4)
    assert screen.model.headerData(CLOCK_COLUMN, Qt.Orientation.Horizontal) == "24-hour clock"
    shown = {m: clock_cell(screen, m) for m in (fresh, near, late, done)}
    assert shown == {
        fresh: "Due in 21 h",
        near: "⚠ 2 h left",
        late: "Overdue by 6 h",
        done: "Answered in 3 h",
    }
    delegate = screen.table.itemDelegateForColumn(CLOCK_COLUMN)
    for message_id, colour in ((late, OVERDUE_COLOUR), (near, SOON_COLOUR)):
        option = QStyleOptionViewItem()
        row = screen.model.row_of(message_id)
        delegate.initStyleOption(option, screen.model.index(row, CLOCK_COLUMN))
        assert option.palette.color(QPalette.ColorRole.Text).name() == colour
        assert option.font.bold()

    detail = open_message(qtbot, screen, late)
    assert detail.clock_box.big.text() == "Overdue by 6 h"
    assert detail.clock_box.words.text() == (
        "The 24-hour deadline passed at Tue 10 Mar 2026 06:00: reply now"
    )
    assert detail.clock_box.big.font().pointSizeF() > detail.subject.font().pointSizeF()
    qtbot.waitUntil(lambda: desk.runner.idle)


def test_mark_responded(qtbot, desk, services) -> None:  # type: ignore[no-untyped-def]
    waiting = message(services, "Cars on the pavement", timedelta(hours=5))
    screen = show_screen(qtbot, desk)
    detail = open_message(qtbot, screen, waiting)
    assert detail.clock_box.big.text() == "Due in 19 h"
    assert detail.clock_box.words.text() == "Reply by Wed 11 Mar 2026 07:00"
    assert detail.respond_button.isEnabled()

    real_input.click(detail.respond_button)
    dialog = detail.respond_dialog  # how it was answered, before the clock stops
    qtbot.waitExposed(dialog)
    real_input.click(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok))
    assert dialog.message.text() == "Say in a few words how it was answered."
    assert services["messages"].get(waiting)["responded_at"] is None
    real_input.type_in_window(dialog, "Phoned back; patrol booked")  # the note has the keys
    real_input.press_in_window(dialog, Qt.Key.Key_Return)

    qtbot.waitUntil(lambda: detail.clock_box.big.text() == "Answered in 5 h")
    stored = services["messages"].get(waiting)
    assert stored["responded_at"] == NOW
    assert stored["responded_by_id"] is None
    assert stored["body"].endswith("Response (10 Mar 2026 12:00): Phoned back; patrol booked")
    assert detail.clock_box.words.text() == (
        "Answered Tue 10 Mar 2026 12:00 — within the 24-hour deadline (Wed 11 Mar 2026 07:00)"
    )
    assert not detail.respond_button.isEnabled()
    qtbot.waitUntil(lambda: clock_cell(screen, waiting) == "Answered in 5 h")
    qtbot.waitUntil(lambda: desk.runner.idle)


def test_the_clock_moves_on_by_itself(qtbot, desk, services) -> None:  # type: ignore[no-untyped-def]
    now = [NOW]
    waiting = message(services, "Cars on the pavement", timedelta(hours=5))
    screen = show_screen(qtbot, desk, clock=lambda: now[0])
    detail = open_message(qtbot, screen, waiting)
    assert detail.clock_box.big.text() == "Due in 19 h"

    now[0] = NOW + timedelta(hours=17)
    ticker = next(t for t in screen.findChildren(QTimer) if t.interval() == TICK_MS)
    assert ticker.isActive()
    ticker.timeout.emit()  # a minute passes

    assert detail.clock_box.big.text() == "⚠ 2 h left"
    assert clock_cell(screen, waiting) == "⚠ 2 h left"
    qtbot.waitUntil(lambda: desk.runner.idle)


def test_only_unanswered_hides_answered_messages(qtbot, desk, services) -> None:  # type: ignore[no-untyped-def]
    waiting = message(services, "Noise from the flat above", timedelta(hours=22))
    message(services, "Thanks for the surgery", timedelta(hours=10), timedelta(hours=3))
    screen = show_screen(qtbot, desk)
    qtbot.waitUntil(lambda: screen.model.rowCount() == 2)
    real_input.click(screen.unanswered_only)
    qtbot.waitUntil(lambda: screen.model.rowCount() == 1)
    assert screen.model.row_id(0) == waiting
    real_input.type_text(screen.filter, "surgery")  # the typed filter keeps the box's choice
    qtbot.waitUntil(lambda: screen.model.query.text == "surgery" and not screen.model.loading)
    assert screen.model.rowCount() == 0
    real_input.clear(screen.filter)
    real_input.click(screen.unanswered_only)
    qtbot.waitUntil(lambda: screen.model.rowCount() == 2)
