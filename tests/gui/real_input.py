"""Input the way the window system delivers it: every event goes to the top-level window
handle (QWindow) and finds its widget from there, through every event filter on the way.

Tests that type into a widget, or click it, use these instead of sending events straight
to the widget, which skips the application's filters (the idle lock once swallowed real
keys while tests that typed into its password box passed).
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QWindow
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget


def handle_of(widget: QWidget) -> QWindow:
    """The native window that holds `widget`, activated so that it receives the keys."""
    top = widget.window()
    handle = top.windowHandle()
    assert handle is not None, f"{top!r} is not shown: it has no window to send events to"
    if QApplication.activeWindow() is not top:
        top.activateWindow()
        handle.requestActivate()
        QApplication.processEvents()
    return handle


def focus(widget: QWidget) -> QWindow:
    """Give `widget` the keyboard focus (a person clicks or tabs to it) and return its window."""
    handle = handle_of(widget)
    if not widget.hasFocus():
        widget.setFocus(Qt.FocusReason.OtherFocusReason)
        QApplication.processEvents()
    assert widget.hasFocus(), f"{widget!r} cannot take the keyboard focus"
    return handle


def type_text(widget: QWidget, text: str) -> None:
    """Type `text` into `widget` key by key, through its window."""
    handle = focus(widget)
    for char in text:  # QTest.keyClicks takes only widgets: one QWindow key event a char
        QTest.keyClick(handle, char)


def press(
    widget: QWidget,
    key: Qt.Key,
    modifiers: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier,
) -> None:
    """Press and release one key (with modifiers) while `widget` has the focus."""
    QTest.keyClick(focus(widget), key, modifiers)


def press_in_window(
    window: QWidget,
    key: Qt.Key,
    modifiers: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier,
) -> None:
    """Press a key in `window` wherever its focus is (a shortcut, say)."""
    QTest.keyClick(handle_of(window), key, modifiers)


def click(widget: QWidget, button: Qt.MouseButton = Qt.MouseButton.LeftButton) -> None:
    """Click the middle of `widget` through its window, as a mouse would."""
    handle = handle_of(widget)
    at = widget.mapTo(widget.window(), widget.rect().center())
    QTest.mouseClick(handle, button, Qt.KeyboardModifier.NoModifier, QPoint(at))


def clear_and_type(widget: QWidget, text: str) -> None:
    """Select everything in a text box and type over it."""
    press(widget, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    press(widget, Qt.Key.Key_Delete)
    type_text(widget, text)
