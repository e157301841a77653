"""Long work with a progress dialog and a Cancel button that really stops it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from pcso_desk.gui.desk import Desk, changes_in
from pcso_desk.gui.tasks import CancelToken

Report = Callable[[str, int, int], None]


class _Relay(QObject):
    """Carries progress from the worker thread to the dialog on the GUI thread.

    A child of the dialog, so it lives exactly as long as the dialog does: a report still
    queued when the work has finished (and the ProgressTask is gone) reaches a live relay
    or, once the dialog is deleted, nothing — never a Python object already collected.
    """

    moved = Signal(str, int, int)

    def __init__(self, dialog: QProgressDialog, token: CancelToken) -> None:
        super().__init__(dialog)
        self.dialog, self.token = dialog, token
        self.moved.connect(self.show)

    def show(self, stage: str, done: int, total: int) -> None:
        if self.token.cancelled:
            return
        self.dialog.setLabelText(f"{stage}…")
        self.dialog.setMaximum(max(total, 1))
        self.dialog.setValue(min(done, max(total, 1)))


class ProgressTask:
    """Runs `work(report)` on the worker; `report(stage, done, total)` moves the dialog and
    raises Cancelled once the user has pressed Cancel, so the service rolls its work back."""

    def __init__(self, desk: Desk, parent: QWidget | None, title: str) -> None:
        self.desk = desk
        self.token = CancelToken()
        self.dialog = QProgressDialog(title, "Cancel", 0, 0, parent)
        self.dialog.setWindowTitle(title)
        self.dialog.setAccessibleName(title)
        self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.dialog.setMinimumDuration(300)  # quick work never flashes a dialog
        self.dialog.canceled.connect(self.token.cancel)
        self._relay = _Relay(self.dialog, self.token)  # dies with the dialog: no late updates

    def report(self, stage: str, done: int, total: int) -> None:
        """Called on the worker thread."""
        self.token.check()
        self._relay.moved.emit(stage, done, total)

    def start(
        self,
        work: Callable[[Report], Any],
        done: Callable[[Any], None],
        failed: Callable[[BaseException], None] | None = None,
        cancelled: Callable[[], None] | None = None,
    ) -> None:
        def stopped() -> None:
            self.dialog.reset()
            if cancelled is not None:
                cancelled()

        def finish(result: Any) -> None:
            self.dialog.reset()
            for changes in changes_in(result):  # as Desk.write announces them
                self.desk.hub.publish(changes)
            done(result)

        def fail(error: BaseException) -> None:
            self.dialog.reset()
            (failed or self.desk.report_error)(error)

        self.desk.runner.run(
            lambda: work(self.report), finish, fail, guard=self.dialog, cancelled=stopped
        )
