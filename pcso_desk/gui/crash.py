"""When something breaks that nobody expected: log the traceback, say so in one sentence."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QMessageBox, QPushButton, QWidget

from pcso_desk.gui.desk import Desk

ExceptHook = Callable[[type[BaseException], BaseException, TracebackType | None], object]


def crash_sentence(where: str) -> str:
    """What the user is told; `where` is the log file ("" when it could not be written)."""
    if where:
        return (
            "Something went wrong that PCSO Desk did not expect. "
            f"The details were saved to {where}."
        )
    return "Something went wrong that PCSO Desk did not expect. The details could not be saved."


class CrashDialog(QMessageBox):
    """One sentence, "Open log folder" and "Close"; PCSO Desk carries on afterwards."""

    def __init__(self, where: str, parent: QWidget | None = None) -> None:
        from PySide6.QtCore import Qt  # not at start-up: the reporter is made before the form

        super().__init__(parent)
        self.where = where
        self.setIcon(QMessageBox.Icon.Warning)
        self.setWindowTitle("PCSO Desk: unexpected error")
        self.setAccessibleName("Unexpected error")
        self.setText(crash_sentence(where))
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.open_button: QPushButton | None = None
        if where:
            self.open_button = self.addButton("Open log folder", QMessageBox.ButtonRole.ActionRole)
            self.open_button.setAccessibleName("Open log folder")
            self.open_button.clicked.connect(self.open_log_folder)
        self.close_button = self.addButton("Close", QMessageBox.ButtonRole.RejectRole)
        self.close_button.setAccessibleName("Close")
        self.setDefaultButton(self.close_button)
        self.setEscapeButton(self.close_button)

    def open_log_folder(self) -> bool:
        return QDesktopServices.openUrl(QUrl.fromLocalFile(str(Path(self.where).parent)))


class CrashReporter:
    """desk.crash for the running app: shows one crash dialog at a time, never a pile."""

    def __init__(self, parent: Callable[[], QWidget | None]) -> None:
        self._parent = parent
        self.dialog: CrashDialog | None = None

    def __call__(self, _error: BaseException, where: str) -> None:
        if self.dialog is not None and self.dialog.isVisible():
            return  # the same fault firing again (a timer, a repaint) adds nothing new
        self.dialog = CrashDialog(where, self._parent())
        self.dialog.setModal(True)
        self.dialog.show()


def install_excepthook(desk: Desk) -> ExceptHook:
    """Route uncaught exceptions (in Qt slots too) to desk.report_error; returns the old hook.

    PySide6 hands an exception raised in a slot to sys.excepthook and carries on, so
    without this a bug would only print to a console nobody sees on a station PC.
    """
    previous = sys.excepthook

    def hook(kind: type[BaseException], error: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            previous(kind, error, tb)
            return
        desk.report_error(error.with_traceback(tb))

    sys.excepthook = hook
    return previous
