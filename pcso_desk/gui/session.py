"""From start to quit: sign in (or first run), the main window, the idle lock, sign out."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QObject, QSettings
from PySide6.QtWidgets import QApplication, QDialog, QMainWindow, QWidget

from pcso_desk.gui.desk import Desk
from pcso_desk.gui.signin import SignInDialog

if TYPE_CHECKING:
    from pcso_desk.gui.lock import IdleLock
    from pcso_desk.services.values import Actor

# The sign-in form is painted before anything it does not show is imported: the first run's
# forms (a new store) and the idle lock (once someone has signed in) load when first needed.


class SessionFlow(QObject):
    """From start to quit: sign in (or first run), the main window, lock, sign out, again."""

    def __init__(
        self,
        desk: Desk,
        settings: QSettings | None,
        make_window: Callable[[], QMainWindow],
        lock_ms: int | None = None,
        after_sign_in: Callable[[QMainWindow], None] | None = None,
    ) -> None:
        super().__init__()
        self.desk = desk
        self.settings = settings
        self.make_window = make_window
        self._lock_ms = lock_ms
        self.after_sign_in = after_sign_in
        self.window: QMainWindow | None = None
        self.dialog: QDialog | None = None
        self.idle: IdleLock | None = None
        self._signing_out = False

    @property
    def lock_ms(self) -> int:
        """The idle time before the lock (the settings file's, read when first asked)."""
        if not self._lock_ms:
            from pcso_desk.gui.lock import lock_minutes

            self._lock_ms = int(lock_minutes(self.settings) * 60_000)
        return self._lock_ms

    def start(self) -> None:
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.setQuitOnLastWindowClosed(False)  # sign-out closes the window, not the app
        self._ask()

    def _ask(self) -> None:
        if self.desk.needs_setup():  # set up, or explore the demo (first_run.py)
            from pcso_desk.gui.first_run import start_first_run

            start_first_run(self)
            return
        dialog = SignInDialog(self.desk, first_run=False)
        dialog.signed_in.connect(self.open_window)
        self.present(dialog)

    def present(self, dialog: QDialog, quits: bool = True) -> None:
        """Show the next form (sign-in, or a first-run step) in place of the one before."""
        if quits:
            dialog.rejected.connect(self._quit)
        before, self.dialog = self.dialog, dialog
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()
        if before is not None and before is not dialog:
            before.hide()
            before.deleteLater()

    def front(self) -> QWidget | None:
        """The window a second start should bring forward."""
        return self.window if self.window is not None else self.dialog

    def open_window(self, _actor: Actor) -> None:
        window = self.make_window()
        self.window = window
        closed = getattr(window, "closed", None)
        if closed is not None:
            closed.connect(self._window_closed)
        for name, slot in (("sign_out_requested", self.sign_out), ("lock_requested", self.lock)):
            signal = getattr(window, name, None)
            if signal is not None:
                signal.connect(slot)
        from pcso_desk.gui.lock import IdleLock

        self.idle = IdleLock(window, self.desk, self.lock_ms)
        self.idle.sign_out_requested.connect(self.sign_out)
        window.show()
        if self.dialog is not None:
            self.dialog.deleteLater()
            self.dialog = None
        if self.after_sign_in is not None:
            self.after_sign_in(window)

    def lock(self) -> None:
        if self.idle is not None:
            self.idle.lock()

    def sign_out(self) -> None:
        if self._signing_out:
            return
        self._signing_out = True
        accounts = self.desk.services.accounts
        self.desk.write(accounts.sign_out, self._signed_out, self._signed_out)

    def _signed_out(self, _result: object = None) -> None:
        if self.idle is not None:
            self.idle.stop()  # still locked: nothing is uncovered on the way out
            for covered in self.idle.covers:
                if covered is not self.window and shiboken6.isValid(covered):
                    covered.hide()  # hidden, not rejected: an editor's draft stays on disk
            self.idle = None
        self._ask()  # shown before the window closes, so the app always has a window
        window, self.window = self.window, None
        if window is not None and shiboken6.isValid(window):
            window.close()
            window.deleteLater()
        self.desk.window = None
        self._signing_out = False

    def _window_closed(self) -> None:
        if not self._signing_out:
            if self.idle is not None:
                self.idle.stop()
            self._quit()

    def _quit(self) -> None:
        app = QApplication.instance()
        if app is not None:
            app.quit()
