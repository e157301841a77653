"""Lists that show the text: a column dragged wider stays that wide the next time the list
opens, for that user only; a cell too narrow for its text shows it whole in a tooltip; an
empty detail pane leaves the width to the list; the filter keeps its room at 1024 px."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QHeaderView, QToolTip, QWidget

from pcso_desk.domain.enums import UserRole
from pcso_desk.gui.screens import definitions as d
from pcso_desk.gui.screens.records import RecordScreen
from pcso_desk.services.context import Actor
from tests.factories import utc
from tests.gui import real_input

ALEX = Actor("user-alex", "alex", UserRole.PCSO, None)
SAM = Actor("user-sam", "sam", UserRole.SERGEANT, None)
LONG_TITLE = "Residents' association annual general meeting with the parish council and partners"


def _screen(qtbot, desk, definition=d.MEETINGS, detail=None) -> RecordScreen:  # type: ignore[no-untyped-def]
    screen = RecordScreen(desk, definition, detail)
    qtbot.addWidget(screen)
    screen.resize(1000, 500)
    screen.show()
    qtbot.waitExposed(screen)
    qtbot.waitUntil(lambda: screen.model.rowCount() > 0 and not screen.model.loading)
    return screen


def _column(screen: RecordScreen, header: str) -> int:
    model = screen.model
    shown = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    return shown.index(header)


def _drag_edge(header: QHeaderView, section: int, by: int) -> None:
    """Press on the right edge of a header section, move the mouse `by` pixels, release:
    through the window, as the window system delivers a drag."""
    handle = real_input.handle_of(header)
    top = header.window()
    edge = header.sectionViewportPosition(section) + header.sectionSize(section) - 1
    start = header.viewport().mapTo(top, QPoint(edge, header.height() // 2))
    QTest.mouseMove(handle, start)
    QTest.mousePress(handle, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
    for step in range(1, 5):
        QTest.mouseMove(handle, start + QPoint(by * step // 4, 0))
    end = start + QPoint(by, 0)
    QTest.mouseRelease(handle, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, end)


def _meeting(services, title: str) -> str:  # type: ignore[no-untyped-def]
    from tests.factories import make_world

    values = {
        "meeting_type": "pact",
        "title": title,
        "venue": "Riverside Community Centre",
        "neighbourhood_id": make_world(services).neighbourhood,  # a meeting needs its own
    }
    return services.meetings.create({**values, "starts_at": utc(2026, 3, 17, 19)}).created[0]


def test_a_column_dragged_wider_is_that_wide_when_the_list_opens_again_for_that_user_only(
    qtbot, desk, services
) -> None:  # type: ignore[no-untyped-def]
    _meeting(services, LONG_TITLE)
    services.ctx.sign_in(ALEX)
    first = _screen(qtbot, desk)
    header = first.table.horizontalHeader()
    title = _column(first, "Title")
    assert title < header.count() - 1 and header.stretchLastSection()
    assert header.sectionResizeMode(title) == QHeaderView.ResizeMode.Interactive
    fitted = header.sectionSize(title)
    _drag_edge(header, title, 90)
    dragged = header.sectionSize(title)
    assert dragged >= fitted + 80  # the column followed the mouse
    kept = desk.paths.root / "window.ini"  # the width is kept once the drag has settled
    qtbot.waitUntil(lambda: kept.exists() and "user-alex" in kept.read_text(), timeout=5000)
    first.close()

    again = _screen(qtbot, desk)
    assert again.table.horizontalHeader().sectionSize(title) == dragged
    again.close()

    services.ctx.sign_in(SAM)  # another officer on the same PC: their own widths
    theirs = _screen(qtbot, desk)
    assert theirs.table.horizontalHeader().sectionSize(title) == fitted


def test_a_cell_too_narrow_for_its_text_shows_it_whole_in_a_tooltip(qtbot, desk, services) -> None:  # type: ignore[no-untyped-def]
    _meeting(services, LONG_TITLE)
    screen = _screen(qtbot, desk)
    table = screen.table
    title = _column(screen, "Title")
    table.setColumnWidth(title, 120)  # far narrower than the title
    index = screen.model.index(0, title)
    assert table.fontMetrics().horizontalAdvance(LONG_TITLE) > table.columnWidth(title)
    cell = table.visualRect(index).center()
    handle = real_input.handle_of(table)
    QTest.mouseMove(handle, table.viewport().mapTo(table.window(), cell))
    qtbot.waitUntil(QToolTip.isVisible, timeout=5000)
    assert QToolTip.text() == LONG_TITLE


def test_an_empty_detail_pane_leaves_the_width_to_the_list_and_the_filter_keeps_its_room(
    qtbot, desk, services
) -> None:  # type: ignore[no-untyped-def]
    _meeting(services, LONG_TITLE)
    detail = QWidget()
    screen = RecordScreen(desk, d.MEETINGS, detail)
    qtbot.addWidget(screen)
    screen.resize(850, 600)  # what a 1024 px screen leaves beside the navigation
    screen.show()
    qtbot.waitExposed(screen)
    qtbot.waitUntil(lambda: screen.model.rowCount() > 0)
    assert screen.split is not None
    list_width, detail_width = screen.split.splitter.sizes()
    assert detail_width < 0.3 * (list_width + detail_width)
    real_input.click_cell(screen.table, screen.model.index(0, 0))  # a record chosen: room
    list_width, detail_width = screen.split.splitter.sizes()
    assert detail_width >= 0.35 * (list_width + detail_width)
    placeholder = screen.filter.placeholderText()
    assert screen.filter.width() >= screen.filter.fontMetrics().horizontalAdvance(placeholder)
    assert QApplication.mouseButtons() == Qt.MouseButton.NoButton


def test_a_detail_panes_table_keeps_its_screens_widths_until_the_user_drags_one(
    qtbot, desk, services
) -> None:  # type: ignore[no-untyped-def]
    from pcso_desk.gui.list_memory import ColumnMemory
    from pcso_desk.gui.screens.victims import small_table
    from pcso_desk.gui.table_model import RecordTableModel

    _meeting(services, LONG_TITLE)

    def pane() -> QHeaderView:
        model = RecordTableModel(desk.runner, services.meetings.page, d.MEETINGS.columns)
        table = small_table(model, "Meetings")
        model.setParent(table)
        qtbot.addWidget(table)
        table.setColumnWidth(0, 150)  # the screen's own default
        ColumnMemory(desk, table, "meetings_beside", fit=False)
        table.resize(700, 200)
        table.show()
        qtbot.waitExposed(table)
        model.fetchMore()
        qtbot.waitUntil(lambda: model.rowCount() > 0)
        return table.horizontalHeader()

    header = pane()
    assert header.sectionSize(0) == 150
    _drag_edge(header, 0, 60)
    dragged = header.sectionSize(0)
    assert dragged >= 200
    kept = desk.paths.root / "window.ini"
    qtbot.waitUntil(lambda: kept.exists() and "meetings_beside" in kept.read_text(), timeout=5000)
    header.window().close()
    assert pane().sectionSize(0) == dragged
