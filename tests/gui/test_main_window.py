"""The desktop app starts over a store and offers every screen of PRODUCT.md §3."""

from __future__ import annotations

from pcso_desk.gui.main_window import SCREENS, MainWindow


def test_main_window_shows_navigation_and_store(qtbot, services, data_paths) -> None:  # type: ignore[no-untyped-def]
    window = MainWindow(services, data_paths)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    names = [window.nav.item(i).text() for i in range(window.nav.count())]
    assert names == list(SCREENS)
    assert str(data_paths.store) in window.statusBar().currentMessage()
    window.nav.setCurrentRow(SCREENS.index("Victim care"))
    assert window.stack.currentIndex() == SCREENS.index("Victim care")
