"""A record's History at the desk: the values a field held, a past one set back with a click."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from pcso_desk.gui.history import HistoryDialog
from pcso_desk.gui.screens.meetings import meetings_screen
from tests.gui import real_input
from tests.gui.test_meetings import make_meeting


def _dialog(qtbot: Any) -> HistoryDialog:
    found: list[HistoryDialog] = []

    def opened() -> bool:
        found[:] = [w for w in QApplication.topLevelWidgets() if isinstance(w, HistoryDialog)]
        return bool(found) and found[0].isVisible()

    qtbot.waitUntil(opened)
    return found[0]


def test_history_lists_each_venue_and_restores_one(qtbot, desk, services, world, answers) -> None:  # type: ignore[no-untyped-def]
    meeting = make_meeting(services, world)
    services.meetings.update(meeting, {"venue": "Library"})
    services.meetings.update(meeting, {"venue": "Town Hall"})
    screen = meetings_screen(desk)
    qtbot.addWidget(screen)
    screen.resize(1300, 760)
    screen.show()
    qtbot.waitExposed(screen)
    real_input.click_row(qtbot, screen.table, lambda: screen.model.row_of(meeting), column=1)
    real_input.press(screen.table, Qt.Key.Key_Y, Qt.KeyboardModifier.AltModifier)  # Histor&y
    dialog = _dialog(qtbot)
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 3)
    cells = [
        [dialog.table.item(r, c).text() for c in range(dialog.table.columnCount())]
        for r in range(dialog.table.rowCount())
    ]
    assert [row[1] for row in cells] == ["Town Hall", "Library", "Riverside Community Centre"]
    assert cells[0][0] == "Venue" and cells[0][4] == "now"
    assert not dialog.restore.isEnabled()  # the value now cannot be restored
    real_input.click_cell(dialog.table, dialog.table.model().index(2, 1))
    assert dialog.restore.isEnabled()
    real_input.click(dialog.restore)
    qtbot.waitUntil(lambda: services.meetings.get(meeting)["venue"] == "Riverside Community Centre")
    assert "Riverside Community Centre" in answers.questions[-1]
    # Town Hall, replaced by the restore, is now in the history itself: four values over time.
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 4)
    values = [dialog.table.item(r, 1).text() for r in range(dialog.table.rowCount())]
    assert values == [
        "Riverside Community Centre",
        "Town Hall",
        "Library",
        "Riverside Community Centre",
    ]
    dialog.grab().save("/tmp/history-dialog.png")
