"""The desktop application: the only package that imports PySide6."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import shiboken6  # noqa: F401  (Qt's bindings load it first: its import hook is quieted here)

from pcso_desk.gui.sources import keep_no_sources

keep_no_sources()  # before the app's thousand modules are imported (gui/sources.py)

if TYPE_CHECKING:
    from concurrent.futures import Future

    from PySide6.QtWidgets import QApplication, QWidget

    from pcso_desk.gui.desk import Desk
    from pcso_desk.gui.session import SessionFlow
    from pcso_desk.gui.single_instance import SingleInstance
    from pcso_desk.paths import DataPaths
    from pcso_desk.services.api import Door
    from pcso_desk.services.values import ChainCheck


def run_app(door: Door, paths: DataPaths, bundle: Path | None = None) -> int:
    """Start Qt, show the sign-in form, run until the app quits; returns the exit code.

    The store is encrypted: it opens when someone signs in (the form unlocks it through the
    `door`, services/unlock.py), never before. A second start on a store that is already open
    asks the first window to come forward, prints why it stopped, and returns 1. A `bundle`
    (a sync bundle opened from the desktop) is imported on the Sync screen once someone has
    signed in.
    """
    import sys

    from pcso_desk.gui.single_instance import SingleInstance

    app = _application(fit=False)
    try:  # the lock file lives in the data folder, which a first start has not made yet
        paths.ensure()
    except OSError as exc:
        sentence = f"PCSO Desk cannot write to {paths.root} ({exc.strerror or exc})."
        print(f"pcso-desk: {sentence}", file=sys.stderr)
        _tell(sentence)
        return 1
    instance = SingleInstance(paths.store)
    refused = instance.claim(listen=False)  # listens for a second start once the form is up
    if refused is not None:
        print(f"pcso-desk: {refused}", file=sys.stderr)
        if not instance.owner_answered:  # nothing came forward: say it where it is seen
            _tell(refused)
        return 1
    try:
        return _run_window(app, door, paths, instance, bundle)
    finally:
        instance.release()


def _application(fit: bool = True) -> QApplication:
    """The QApplication, with high-DPI scaling that follows the screen's exact factor, and
    (with `fit`) every dialog fitted to the screen it opens on (gui/fit.py). The app's own
    start installs that fit once its first form is on screen (`_once_painted`)."""
    import sys

    from PySide6.QtWidgets import QApplication

    from pcso_desk.gui.style import apply_style

    # High-DPI scaling follows the screen's exact factor: Qt 6's own rounding policy is
    # pass-through (125% and 150% screens keep their true size instead of rounding to 100% or
    # 200%; tests/gui/test_polish.py checks it), so nothing is set here, and Qt's namespace of
    # enums (a large Python object to build) is not touched before the sign-in form is up.
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv)
    app.setApplicationName("PCSO Desk")
    app.setOrganizationName("PCSO Desk")
    app.setApplicationDisplayName("PCSO Desk")
    app.setDesktopFileName("pcso-desk")  # Linux: ties windows to the .desktop entry's icon
    apply_style(app)
    if fit:
        _fit_dialogs(app)
    return app


def _fit_dialogs(app: QApplication) -> None:
    """Every dialog fits the screen it opens on (gui/fit.py), once per application."""
    from PySide6.QtCore import QObject

    if app.findChild(QObject, "screenFit") is None:
        from pcso_desk.gui.fit import install

        install(app).setObjectName("screenFit")


def _run_window(
    app: QApplication,
    door: Door,
    paths: DataPaths,
    instance: SingleInstance,
    bundle: Path | None = None,
) -> int:
    import sys

    from PySide6.QtCore import QSettings, QTimer

    from pcso_desk.gui.crash import CrashReporter, install_excepthook
    from pcso_desk.gui.desk import Desk
    from pcso_desk.gui.session import SessionFlow

    desk = Desk(None, paths, door=door)
    desk.crash = CrashReporter(lambda: desk.window)
    previous_hook = install_excepthook(desk)
    settings = QSettings(str(paths.root / "window.ini"), QSettings.Format.IniFormat)
    # Sign in (or create the first admin) before any window shows data; sign-out comes back.
    # Signing in opens the store (a plain one opens before, to see whether it has accounts):
    # its integrity check runs then, and is watched once.
    watched: list[object] = []

    def watch() -> None:
        if desk.opened is not None and all(w is not desk.opened for w in watched):
            watched.append(desk.opened)
            _watch_integrity(app, desk, flow)

    def after_sign_in(window: Any) -> None:
        watch()
        QTimer.singleShot(0, lambda: _after_sign_in(desk, window, bundle))

    def make_window() -> Any:
        from pcso_desk.gui.main_window import MainWindow

        return MainWindow(desk, settings)

    flow = SessionFlow(desk, settings, make_window, after_sign_in=after_sign_in)
    instance.raise_requested.connect(lambda: _bring_forward_if(flow.front()))
    flow.start()
    if flow.dialog is not None:  # the first form, shown before the fit is installed
        from pcso_desk.gui.fit import fit_to_screen

        fit_to_screen(flow.dialog)
    QTimer.singleShot(0, lambda: _once_painted(app, desk, instance))
    watch()
    try:
        code: int = app.exec()
    finally:
        sys.excepthook = previous_hook
        app.setQuitOnLastWindowClosed(True)  # the flow turned it off for sign-out
        desk.runner.shutdown()
    return code


def _once_painted(app: QApplication, desk: Desk, instance: SingleInstance) -> None:
    """What the start does once its first form is on screen (the event loop's first tick):
    the form is painted without waiting for any of it.

    The data layer loads behind the form (`_load_behind`); the store's lock was claimed before
    the form showed, and now its owner listens for a second start asking it to come forward
    (gui/single_instance.py); and every later dialog is fitted to the screen (gui/fit.py), an
    event filter that sees each of the app's events (the first form was fitted as it showed).
    """
    _load_behind(desk)
    instance.listen()
    _fit_dialogs(app)


def _load_behind(desk: Desk) -> None:
    """Load the rest of the app while the user types at the sign-in form.

    The form is painted before the data layer is imported: this module, the session and the
    sign-in form import no SQLAlchemy, models or services (they come in under TYPE_CHECKING or
    where they are used), and a Door answers what the form asks (is this a demo store, has it
    accounts) from the keyring alone (services/unlock.py). Here the worker then imports and
    maps the data layer (`Door.prepare`; the form's submit queues behind it on the same
    worker, so a quick Enter waits for it rather than racing it), and the GUI thread imports
    the main window's code and the Today screen's once that is done (Qt widgets' modules are
    imported on the thread that builds them).
    """
    door = desk.door
    if door is None or desk.opened is not None:  # a store already open: nothing to hurry
        return

    def window_code(_done: object) -> None:
        import pcso_desk.gui.main_window
        import pcso_desk.gui.screens.today  # noqa: F401  the first screen shown

    desk.runner.run(door.prepare, window_code)


def _watch_integrity(app: QApplication, desk: Desk, flow: SessionFlow) -> None:
    """The store's integrity check runs while the app starts; if it fails, say so and stop.

    Nothing was written (the store refuses writes until the check passes), and the store is
    marked, so the next start checks it first and offers the newest good backup. The check
    runs on its own thread (seconds on a county store) and is watched through its future: the
    worker that loads screens is never held waiting for it, nor is quitting.
    """
    from PySide6.QtCore import QObject, Signal, Slot

    def damaged(error: BaseException) -> None:
        from PySide6.QtCore import QTimer
        from PySide6.QtWidgets import QMessageBox

        from pcso_desk.gui.recovery import RESTORE_TITLE

        reason = getattr(error, "reason", str(error))
        QMessageBox.warning(
            flow.front(),
            RESTORE_TITLE,
            f"The store is damaged ({reason}); nothing was written to it. PCSO Desk will now "
            "close: start it again and it will offer to restore the newest good backup.",
        )
        QTimer.singleShot(0, lambda: app.exit(1))  # also when this comes before app.exec()

    class Relay(QObject):
        """Lives on the GUI thread: a failure emitted on the check's thread is queued here."""

        failed = Signal(object)

        @Slot(object)
        def tell(self, error: BaseException) -> None:
            damaged(error)

    check = desk.services.ctx.store.intact
    if check is None:  # checked in full before it opened
        return
    relay = Relay(app)  # a child of the application: lives as long as the app
    relay.failed.connect(relay.tell)

    def finished(done: Future[None]) -> None:
        if done.cancelled():  # stopped: the store closed before it ended
            return
        error = done.exception()
        if error is not None:
            relay.failed.emit(error)

    check.add_done_callback(finished)


def _after_sign_in(desk: Desk, window: Any, bundle: Path | None = None) -> None:
    """Offer unsaved drafts, import a bundle the app was opened with, and check the audit
    chain (off the GUI thread) at start-up."""
    from pcso_desk.gui.drafts import DraftStore, drafts_folder
    from pcso_desk.gui.recovery import offer_drafts

    # Each user's typed-but-unsaved work is theirs: the next user is not offered it.
    desk.drafts = DraftStore(drafts_folder(desk.paths.drafts, desk.services.ctx.actor))
    offer_drafts(desk, window)
    if bundle is not None:
        window.go_to("Sync").import_file(bundle)

    def show(check: ChainCheck) -> None:
        if not check.ok:
            desk.inform(
                window,
                "Audit log",
                f"The audit log has been tampered with: {check.reason}. Tell your sergeant "
                "and keep this PC as it is.",
            )

    desk.runner.run(desk.services.audit.verify, show, guard=window)


def bring_forward(window: QWidget) -> None:
    """A second start asked for us: un-minimise and raise the main window."""
    if window.isMinimized():
        window.showNormal()
    window.raise_()
    window.activateWindow()


def _bring_forward_if(window: QWidget | None) -> None:
    if window is not None:
        bring_forward(window)


def _tell(sentence: str) -> None:
    from PySide6.QtWidgets import QMessageBox

    QMessageBox.information(None, "PCSO Desk", sentence)
