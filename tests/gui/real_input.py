"""Input the way the window system delivers it: every event goes to the top-level window
handle (QWindow) and finds its widget from there, through every event filter on the way.

Tests that type into a widget, or click it, use these instead of sending events straight
to the widget, which skips the application's filters (the idle lock once swallowed real
keys while tests that typed into its password box passed).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QModelIndex, QPoint, Qt
from PySide6.QtGui import QWindow
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QComboBox,
    QListWidget,
    QListWidgetItem,
    QRadioButton,
    QStyle,
    QWidget,
)


def _poll(done: Callable[[], bool], timeout_ms: int = 5000) -> bool:
    """Let Qt run until `done()` holds (or the time is up): activation and focus take a
    trip through the window system's event queue."""
    deadline = time.monotonic() + timeout_ms / 1000
    QApplication.processEvents()
    while not done():
        if time.monotonic() > deadline:
            return False
        QTest.qWait(5)
    return True


def _window_of(widget: QWidget) -> QWindow | None:
    """`widget`'s native window, None before it is first shown."""
    handle = widget.windowHandle()
    assert handle is None or shiboken6.isValid(handle), f"PySide lost {widget!r}'s window"
    return handle


def handle_of(widget: QWidget) -> QWindow:
    """The native window that holds `widget`, activated so that it receives the keys.

    The offscreen platform has no window manager: a popup that closes, or another window
    that opens, can leave no window active, where a desktop would give the activation back
    (or the person would click the window before typing into it). While a popup is open it
    holds the keyboard, so nothing is activated under it.
    """
    top = widget.window()
    handle = _window_of(top)
    assert handle is not None, f"{top!r} is not shown: it has no window to send events to"
    if QApplication.activePopupWidget() is None and not top.isActiveWindow():
        top.activateWindow()
        handle.requestActivate()
        assert _poll(top.isActiveWindow), f"{top!r} cannot be made the active window"
    return handle


def _key(handle: QWindow, key: Qt.Key | str, modifiers: Qt.KeyboardModifier) -> None:
    """Press and release `key` in `handle`, or in an open popup's own window (a drop-down's
    list, a completer), which holds the keyboard grab on a desktop.

    Checked against X (Xvfb, keys from xdotool): Enter that takes a contact picker's match
    closes its popup and goes no further. Sent to the dialog's window instead, the same key
    press would go on, once the popup had closed, to the dialog's default button.

    The press and the release each go where the keyboard is at that moment: a press can
    close the popup, and the release then goes to the window under it, as on a desktop.
    """
    for send in (QTest.keyPress, QTest.keyRelease):
        # Held while the key is sent: PySide drops the wrapper of a popup's window together
        # with the popup's own wrapper, though both live on in Qt.
        popup = QApplication.activePopupWidget()
        target = handle if popup is None else _window_of(popup.window())
        if target is handle and not shiboken6.isValid(handle):
            break  # the press closed its window (Escape, Enter) and Qt deleted it: no release
        assert target is not None and shiboken6.isValid(target), "the key would go nowhere"
        try:
            send(target, key, modifiers)  # type: ignore[call-overload]
        except RuntimeError:
            if shiboken6.isValid(target):
                raise
            # Qt destroyed the popup's window while it handled the key: PySide says so
            # when the call returns. The key was delivered.
        del popup, target


def focus(widget: QWidget) -> QWindow:
    """Give `widget` the keyboard focus (a person clicks or tabs to it) and return its window."""
    handle = handle_of(widget)
    if not widget.hasFocus():
        widget.setFocus(Qt.FocusReason.OtherFocusReason)
        _poll(widget.hasFocus)
    assert widget.hasFocus(), f"{widget!r} cannot take the keyboard focus"
    return handle


def type_text(widget: QWidget, text: str) -> None:
    """Type `text` into `widget` key by key, through its window (or a popup it opens)."""
    handle = focus(widget)
    for char in text:  # QTest.keyClicks takes only widgets: one QWindow key event a char
        _key(handle, char, Qt.KeyboardModifier.NoModifier)


def press(
    widget: QWidget,
    key: Qt.Key,
    modifiers: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier,
) -> None:
    """Press and release one key (with modifiers) while `widget` has the focus."""
    _key(focus(widget), key, modifiers)


def press_in_window(
    window: QWidget,
    key: Qt.Key,
    modifiers: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier,
) -> None:
    """Press a key in `window` wherever its focus is (a shortcut, say), or in the popup that
    is open over it."""
    _key(handle_of(window), key, modifiers)


def type_in_window(window: QWidget, text: str) -> None:
    """Type `text` into `window` wherever its focus is (or into the popup open over it)."""
    for char in text:
        _key(handle_of(window), char, Qt.KeyboardModifier.NoModifier)


def _window_point(widget: QWidget, at: QPoint) -> QPoint:
    """`at` (in `widget`) in its top-level window, checked to land on `widget` itself: a click
    that something else covers, or that falls outside a scrolled area, would miss it."""
    top = widget.window()
    point = widget.mapTo(top, at)
    hit = top.childAt(point)
    assert hit is not None and (hit is widget or widget.isAncestorOf(hit)), (
        f"a click at {at} in {widget!r} would land on {hit!r} instead"
    )
    return point


def _middle(widget: QWidget) -> QPoint:
    """Where a person clicks a control: its middle, or a tick box's box (its label may end
    well before the middle of a wide row)."""
    middle = widget.rect().center()
    if isinstance(widget, QCheckBox | QRadioButton):
        metric = QStyle.PixelMetric.PM_IndicatorWidth
        if isinstance(widget, QRadioButton):
            metric = QStyle.PixelMetric.PM_ExclusiveIndicatorWidth
        middle.setX(min(middle.x(), widget.style().pixelMetric(metric, None, widget) // 2 + 1))
    return middle


def click(widget: QWidget, button: Qt.MouseButton = Qt.MouseButton.LeftButton) -> None:
    """Click the middle of `widget` through its window, as a mouse would."""
    click_at(widget, _middle(widget), button)


def click_at(
    widget: QWidget,
    at: QPoint,
    button: Qt.MouseButton = Qt.MouseButton.LeftButton,
    modifiers: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier,
) -> None:
    """Click the point `at` (in `widget`'s own coordinates) through its window."""
    handle = handle_of(widget)
    QTest.mouseClick(handle, button, modifiers, _window_point(widget, at))


def double_click(widget: QWidget, at: QPoint | None = None) -> None:
    """Double-click `widget` (at `at`, else its middle) through its window: press, release,
    press again (which Qt makes the double-click) and release, as a mouse delivers it."""
    handle = handle_of(widget)
    point = _window_point(widget, _middle(widget) if at is None else at)
    QTest.mouseDClick(handle, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, point)


def _cell(view: QAbstractItemView, index: QModelIndex | QListWidgetItem) -> QPoint:
    if isinstance(index, QListWidgetItem):
        assert isinstance(view, QListWidget)
        index = view.indexFromItem(index)
    assert index.isValid(), "no such row to click"
    view.scrollTo(index)  # a person scrolls the row into sight first
    rect = view.visualRect(index)
    assert not rect.isEmpty(), f"row {index.row()} is not on screen"
    return rect.center()


def click_cell(view: QAbstractItemView, index: QModelIndex | QListWidgetItem) -> None:
    """Click a list's or table's cell (a model index, or a QListWidget's item)."""
    click_at(view.viewport(), _cell(view, index))


def double_click_cell(view: QAbstractItemView, index: QModelIndex | QListWidgetItem) -> None:
    """Double-click a list's or table's cell."""
    double_click(view.viewport(), _cell(view, index))


def click_row(
    qtbot: Any, view: QAbstractItemView, row_of: Callable[[], int | None], column: int = 0
) -> None:
    """Wait until `row_of()` finds the row in the list, then click its cell in `column`.

    The row is looked up again just before the click, with the window already active (no
    events run in between): a list that reloads meanwhile has no row to miss.
    """
    handle_of(view)
    qtbot.waitUntil(lambda: row_of() is not None)
    row = row_of()
    assert row is not None
    click_cell(view, view.model().index(row, column))


def choose(combo: QComboBox, text: str) -> None:
    """Pick the item of a (not editable) drop-down whose text is `text` from the keyboard:
    Home, then Down until it shows, as a person does with the box focused."""
    assert combo.findText(text) >= 0, f"{text!r} is not among {combo!r}'s items"
    press(combo, Qt.Key.Key_Home)
    for _ in range(combo.count()):
        if combo.currentText() == text:
            return
        press(combo, Qt.Key.Key_Down)
    assert combo.currentText() == text, f"the keyboard cannot reach {text!r} in {combo!r}"


def clear(widget: QWidget) -> None:
    """Select everything in a text box and delete it."""
    press(widget, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    press(widget, Qt.Key.Key_Delete)


def clear_and_type(widget: QWidget, text: str) -> None:
    """Select everything in a text box and type over it."""
    clear(widget)
    type_text(widget, text)
