"""The desktop app starts over a store and offers every screen of a neighbourhood team."""

from __future__ import annotations

from pcso_desk.gui.main_window import MainWindow
from pcso_desk.gui.screens.registry import SCREENS
from tests.gui import real_input


def test_main_window_offers_every_screen(qtbot, desk, data_paths) -> None:  # type: ignore[no-untyped-def]
    window = MainWindow(desk)
    qtbot.addWidget(window)
    window.resize(1200, 800)
    window.show()
    qtbot.waitExposed(window)
    names = [window.nav.item(i).text() for i in range(window.nav.count())]
    assert names == list(SCREENS)
    assert str(data_paths.store) in window.store_label.text()
    for row, name in enumerate(SCREENS):
        real_input.click_cell(window.nav, window.nav.item(row))  # the user picks the screen
        assert window.stack.currentIndex() == SCREENS.index(name)
        screen = window.screens[name]
        assert screen.isVisible()
        assert screen.accessibleName(), f"{name} has no accessible name"
