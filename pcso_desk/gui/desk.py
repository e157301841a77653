"""What every screen is given: the services, the task runner, drafts, and the change hub."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeVar

import shiboken6
from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMainWindow, QMessageBox, QWidget

from pcso_desk.crash_log import append_crash
from pcso_desk.domain.errors import PcsoDeskError
from pcso_desk.gui.drafts import DraftStore
from pcso_desk.gui.tasks import TaskRunner
from pcso_desk.paths import DataPaths

if TYPE_CHECKING:  # the services load while the sign-in form is up (gui/__init__.py)
    from pcso_desk.services.api import Door, Services
    from pcso_desk.services.values import Changes

log = logging.getLogger(__name__)


R = TypeVar("R")


def changes_in(result: object) -> tuple[Changes, ...]:
    """What a use case's result says it changed: a `Changes`, or the result's `changes` (one
    or several), as the services return them (MergeResult, ImportResult, Disposal, ...)."""
    from pcso_desk.services.values import Changes

    if isinstance(result, Changes):
        return (result,)
    found = getattr(result, "changes", None)
    if isinstance(found, Changes):
        return (found,)
    if isinstance(found, tuple):
        return tuple(c for c in found if isinstance(c, Changes))
    return ()


class DeskWindow(QMainWindow):
    """The main window as the screens see it; gui/main_window.py's MainWindow is the one.

    Declared here so that the desk (which every screen imports) does not import the window
    that imports every screen.
    """

    def open_record(self, kind: str, record_id: str) -> None:
        """Show a record wherever it came from (Today, search): its screen, then its editor."""
        raise NotImplementedError


class ChangeHub(QObject):
    """Screens listen here and refresh only the record kinds a change touched."""

    changed = Signal(object)  # Changes

    def publish(self, changes: Changes) -> None:
        if changes:
            self.changed.emit(changes)


def ask_yes_no(parent: QWidget | None, title: str, question: str) -> bool:
    answer = QMessageBox.question(parent, title, question)
    return answer == QMessageBox.StandardButton.Yes


def tell(parent: QWidget | None, title: str, message: str) -> None:
    QMessageBox.warning(parent, title, message)


def choose_file(parent: QWidget | None, title: str, pattern: str) -> str | None:
    from PySide6.QtWidgets import QFileDialog

    chosen, _filter = QFileDialog.getOpenFileName(parent, title, "", pattern)
    return chosen or None


@dataclass
class Desk:
    """Passed to every screen instead of globals; tests build their own.

    The app starts with no store open (`opened` None): the sign-in form unlocks it through
    the `door` (services/unlock.py) and sets `opened`; every screen after it uses `services`.
    """

    opened: Services | None
    paths: DataPaths
    runner: TaskRunner = field(init=False)
    hub: ChangeHub = field(default_factory=ChangeHub)
    drafts: DraftStore = field(init=False)
    ask: Callable[[QWidget | None, str, str], bool] = ask_yes_no
    inform: Callable[[QWidget | None, str, str], None] = tell
    choose: Callable[[QWidget | None, str, str], str | None] = choose_file
    crash: Callable[[BaseException, str], None] | None = None
    window: DeskWindow | None = None
    door: Door | None = None

    @property
    def services(self) -> Services:
        if self.opened is None:
            raise RuntimeError("no store is open yet: the sign-in form opens it")
        return self.opened

    def needs_setup(self) -> bool:
        """Whether no account exists yet (a new store, or one being set up): first run."""
        if self.opened is not None:
            return not self.opened.ctx.accounts
        assert self.door is not None
        stage = self.door.stage()
        kinds = type(stage)  # its enum, not services.api's: that is not loaded yet
        if stage is kinds.PLAIN:  # made before encryption: open it to see
            self.opened = self.door.open_unsigned()
            return not self.opened.ctx.accounts
        return stage in (kinds.NEW, kinds.SETTING_UP)

    def is_demo(self) -> bool:
        if self.opened is not None:
            return self.opened.is_demo()
        return self.door is not None and self.door.is_demo()

    def __post_init__(self) -> None:
        self.runner = TaskRunner(self.report_error)
        self.drafts = DraftStore(self.paths.drafts)

    def report_error(self, error: BaseException, parent: QWidget | None = None) -> None:
        """A user's error: one sentence in a dialog. A bug: logged, then the crash dialog."""
        if isinstance(error, PcsoDeskError):
            self.inform(parent or self.window, "PCSO Desk", error.message)
            return
        where = self.log_crash(error)
        if self.crash is not None:
            self.crash(error, where)

    def log_crash(self, error: BaseException) -> str:
        """The traceback to logs/pcso-desk.log, with no personal data (crash_log.py)."""
        try:
            return str(append_crash(self.paths.logs, error))
        except OSError:
            log.exception("could not write the crash log")
            return ""

    def find_contacts(self, typed: str, show: Callable[[list[tuple[str, str]]], None]) -> None:
        """Type-ahead contact lookup on the worker; `show` gets the matches on the GUI thread."""
        owner = getattr(show, "__self__", None)  # a picker closed meanwhile gets nothing
        guard = owner if isinstance(owner, QObject) else None
        self.runner.run(lambda: self.services.find_contacts(typed), show, guard=guard)

    def write(
        self,
        work: Callable[[], R],
        done: Callable[[R], None] | None = None,
        failed: Callable[[BaseException], None] | None = None,
        guard: QObject | None = None,
    ) -> None:
        """Run a mutating service call off the GUI thread and announce what it changed.

        Every GUI mutation goes through here. What the service says it changed (`changes_in`)
        is always announced to every screen; `done` and `failed` are skipped when the window
        they belong to (an editor closed while its save was on the worker, or `guard`) has
        gone.
        """

        def alive(callback: Callable[..., None] | None) -> bool:
            owner = getattr(callback, "__self__", None)
            gone = guard is not None and not shiboken6.isValid(guard)
            return (
                callback is not None
                and not gone
                and (not isinstance(owner, QObject) or shiboken6.isValid(owner))
            )

        def finished(result: R) -> None:
            for changes in changes_in(result):
                self.hub.publish(changes)
            if done is not None and alive(done):
                done(result)

        def refused(error: BaseException) -> None:
            if failed is not None and alive(failed):
                failed(error)
            elif isinstance(error, PcsoDeskError):  # nobody left to show the sentence to
                log.info("a refusal arrived after its window closed: %s", type(error).__name__)
            else:
                raise error  # a bug still reaches the crash reporter

        self.runner.run(work, finished, refused if failed is not None else None)
