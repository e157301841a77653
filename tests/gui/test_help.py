"""Help: F1 opens the user guide at its sections; About says the version and the data folder."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from pcso_desk import __version__
from pcso_desk.gui.help import GuideWindow
from pcso_desk.gui.main_window import MainWindow
from tests.gui import real_input

SECTIONS = [
    "PCSO Desk user guide",
    "A PCSO's day",
    "Printing a street briefing handout",
    "Producing a monthly update pack",
    "The intelligence ledger",
    "Feeds for the force website",
    "Crime data and the crime map",
    "Syncing stations",
    "Data protection",
    "Where your data and backups live",
]


def _window(qtbot, desk) -> MainWindow:  # type: ignore[no-untyped-def]
    window = MainWindow(desk)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()  # shortcuts reach the active window only
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)
    return window


def _from_help_menu(qtbot, window: MainWindow, letter: Qt.Key) -> None:  # type: ignore[no-untyped-def]
    """Alt+H opens the Help menu; the item's underlined letter chooses it."""
    real_input.press_in_window(window, Qt.Key.Key_H, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(window.help_menu.isVisible, timeout=5000)
    real_input.press_in_window(window, letter)
    qtbot.waitUntil(lambda: not window.help_menu.isVisible(), timeout=5000)


def test_f1_opens_the_user_guide_at_its_sections(qtbot, desk, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    window = _window(qtbot, desk)
    assert window.findChild(GuideWindow) is None
    real_input.press(window.search, Qt.Key.Key_F1)
    guide = window.findChild(GuideWindow)
    assert guide is not None and guide.isVisible()
    assert guide.headings() == SECTIONS
    text = guide.browser.toPlainText()
    assert "Ctrl+L" in text and "Admin → Data protection" in text
    assert "#" not in text.splitlines()[0]  # rendered as Markdown, not shown as source
    target = tmp_path / "guide.png"
    assert guide.grab().save(str(target))
    if os.environ.get("PCSO_SHOTS"):
        guide.grab().save("/tmp/help_guide.png")

    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)
    real_input.press(window.search, Qt.Key.Key_F1)  # again: the same window comes forward
    assert window.findChildren(GuideWindow) == [guide]
    guide.close()


def test_the_help_menu_names_the_guide_and_about(qtbot, desk) -> None:  # type: ignore[no-untyped-def]
    window = _window(qtbot, desk)
    actions = {a.text().replace("&", ""): a for a in window.help_menu.actions()}
    assert set(actions) == {"User guide", "About PCSO Desk"}
    assert actions["User guide"].shortcut().toString() == "F1"
    _from_help_menu(qtbot, window, Qt.Key.Key_U)  # User guide
    guide = window.findChild(GuideWindow)
    assert guide is not None and "Syncing stations" in guide.headings()
    guide.close()


def test_about_shows_the_version_and_the_data_folder(qtbot, desk, data_paths) -> None:  # type: ignore[no-untyped-def]
    window = _window(qtbot, desk)
    actions = {a.text().replace("&", ""): a for a in window.help_menu.actions()}
    assert "About PCSO Desk" in actions
    _from_help_menu(qtbot, window, Qt.Key.Key_A)  # About PCSO Desk
    boxes = [b for b in window.findChildren(QMessageBox) if b.isVisible()]
    assert len(boxes) == 1
    text = boxes[0].text()
    assert f"PCSO Desk {__version__}" in text
    assert str(data_paths.root) in text
    if os.environ.get("PCSO_SHOTS"):
        boxes[0].grab().save("/tmp/help_about.png")
    boxes[0].close()
