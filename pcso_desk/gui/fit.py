"""Every dialog fits the screen it opens on: a 1366×768 station screen at 100% or 150%.

Installed once on the application (gui/__init__.py): when a dialog or window is about to
show, it is made no larger than the screen's free area (less the taskbar, which
`availableGeometry` leaves out) and moved onto it, so that its Save and Cancel are never under
the taskbar or off the bottom. Forms longer than the room scroll (gui/editor.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QRect
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialog, QWidget

if TYPE_CHECKING:
    from PySide6.QtCore import QEvent

TITLE_BAR = 34  # room for the window's title bar and frame, which Qt does not count
EDGE = 8


def room_for(window: QWidget) -> QRect:
    """The part of the screen a window may take: the free area less its frame."""
    screen = window.screen() or QGuiApplication.primaryScreen()
    free = screen.availableGeometry()
    return free.adjusted(EDGE, EDGE + TITLE_BAR, -EDGE, -EDGE)


def fit_to_screen(window: QWidget) -> None:
    """Shrink `window` to the screen's free area (never below what its layout needs) and
    move it wholly onto the screen."""
    room = room_for(window)
    size = window.size()
    width, height = min(size.width(), room.width()), min(size.height(), room.height())
    if (width, height) != (size.width(), size.height()):
        window.resize(max(width, window.minimumWidth()), max(height, window.minimumHeight()))
    geometry = window.geometry()
    x = min(max(geometry.x(), room.left()), max(room.left(), room.right() - geometry.width()))
    y = min(max(geometry.y(), room.top()), max(room.top(), room.bottom() - geometry.height()))
    if (x, y) != (geometry.x(), geometry.y()):
        window.move(x, y)


class ScreenFit(QObject):
    """The application's event filter that fits each dialog as it shows."""

    def __init__(self, parent: QObject | None = None) -> None:
        from PySide6.QtCore import QEvent  # its enum of event types is large: made when needed

        super().__init__(parent)
        self.show_type = QEvent.Type.Show

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == self.show_type and isinstance(watched, QDialog) and watched.isWindow():
            fit_to_screen(watched)
        return False


def install(app: QObject) -> ScreenFit:
    fitter = ScreenFit(app)
    app.installEventFilter(fitter)
    return fitter
