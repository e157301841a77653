"""First run on a store with no accounts: set the station up for real, or explore the demo.

Setting up: the first administrator (gui/signin.py's form), then "Your team" (district,
neighbourhood, base station, wards), then the main window. Exploring: the demo store is
built on the worker in the data folder's own demo folder (never this store, which stays
empty), then PCSO Desk starts again on that folder, where the sign-in form names the demo
accounts, and this app quits.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtCore import QObject, QProcess, Qt, Signal
from PySide6.QtWidgets import (
    QCommandLinkButton,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from pcso_desk.domain.errors import PcsoDeskError
from pcso_desk.gui.desk import Desk
from pcso_desk.gui.signin import SignInDialog
from pcso_desk.gui.widgets import named

if TYPE_CHECKING:
    from pcso_desk.services.values import Actor, TeamSetup


class Flow(Protocol):
    """What the steps need of the session that runs them (gui/session.py's SessionFlow)."""

    desk: Desk

    def present(self, dialog: QDialog, quits: bool = True) -> None: ...

    def open_window(self, actor: Actor) -> None: ...


DEMO_SCALE = "small"
CHOICE_STYLE = (
    "QCommandLinkButton { background: #ffffff; color: #1f3a5f; border: 1px solid #c3ccd7;"
    " border-radius: 6px; padding: 10px; }"
    " QCommandLinkButton:hover { background: #e8eef6; border-color: #2d5283; }"
    " QCommandLinkButton:focus { border: 2px solid #2b6cb0; }"
    " QCommandLinkButton:disabled { color: #8a94a3; background: #eef1f5; }"
)
WARDS_HINT = "One ward a line: its name, then a comma and its code if it has one."


def _heading(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("screenTitle")
    label.setWordWrap(True)
    return label


def _message() -> QLabel:
    label = named(QLabel(), "Message")
    label.setObjectName("formMessage")
    label.setWordWrap(True)
    return label


Launch = Callable[[str, Sequence[str]], bool]  # program, arguments -> whether it started


def start_detached(program: str, arguments: Sequence[str]) -> bool:
    """Start a process that outlives this one; whether it started."""
    started, _pid = QProcess.startDetached(program, list(arguments))
    return bool(started)


def app_command(root: Path) -> tuple[str, list[str]]:
    """The program and arguments that start PCSO Desk on the data folder `root`."""
    if getattr(sys, "frozen", False):  # the installed app: its executable is PCSO Desk
        return sys.executable, ["--data-dir", str(root)]
    return sys.executable, ["-m", "pcso_desk", "--data-dir", str(root)]


class _Relay(QObject):
    """Carries the demo builder's progress from the worker to the GUI thread."""

    said = Signal(str)


class FirstRunChoice(QDialog):
    """The first thing a new store shows: set this station up, or explore with demo data."""

    setup_chosen = Signal()

    def __init__(self, desk: Desk, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.launch: Launch = start_detached  # a test puts a recorder here
        self.setWindowTitle("Welcome to PCSO Desk")
        self.setAccessibleName("Welcome to PCSO Desk")
        intro = QLabel("This store has no user accounts yet. How would you like to start?")
        intro.setWordWrap(True)
        self.setup_button = named(
            QCommandLinkButton(
                "&Set up this station",
                "Create the first administrator account, then enter your team's district, "
                "neighbourhood, base station and wards.",
            ),
            "Set up this station",
        )
        self.setup_button.clicked.connect(self.setup_chosen)
        self.demo_button = named(
            QCommandLinkButton(
                "&Explore with demo data",
                "Try PCSO Desk out on a separate demo store: a year of made-up work. It opens "
                "in a new window marked DEMO; this store stays empty, ready to set up later.",
            ),
            "Explore with demo data",
        )
        self.demo_button.clicked.connect(self.build_demo)
        for button in (self.setup_button, self.demo_button):
            button.setAutoDefault(False)  # the app's default-button navy would hide their text
        self.setStyleSheet(CHOICE_STYLE)
        apart = QLabel(
            "Demo data is never mixed with real work: it is kept in its own folder, "
            f"{desk.paths.demo.root}"
        )
        apart.setObjectName("fieldHint")
        apart.setWordWrap(True)
        apart.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status = named(QLabel(), "Progress")
        self.status.setWordWrap(True)
        self.message = _message()
        self.quit_button = named(QPushButton("&Quit"), "Quit")
        self.quit_button.setAutoDefault(False)
        self.quit_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.quit_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        for part in (_heading("Welcome to PCSO Desk"), intro, self.setup_button):
            layout.addWidget(part)
        layout.addWidget(self.demo_button)
        layout.addWidget(apart)
        layout.addWidget(self.status)
        layout.addWidget(self.message)
        layout.addStretch(1)
        layout.addLayout(buttons)
        self._relay = _Relay(self)
        self._relay.said.connect(self._progress)
        self.busy = False
        self.resize(580, 380)

    def build_demo(self) -> None:
        """Build the demo store and its accounts in the demo folder (one already there is
        kept) on the worker, then open it in a new app; the window stays responsive."""
        if self.busy:
            return
        self._set_busy(True)
        self.message.clear()
        self.status.setText("Building the demo store… this takes a minute or so.")
        folder, relay = self.desk.paths.demo, self._relay

        def work() -> Any:
            from pcso_desk.services.api import make_demo_folder

            return make_demo_folder(folder, reuse=True, scale=DEMO_SCALE, progress=relay.said.emit)

        self.desk.write(work, self._open_demo, self._failed, self)

    def _open_demo(self, made: Any) -> None:
        """Start PCSO Desk on the demo folder, then quit this one (its store stays empty)."""
        program, arguments = app_command(made.root)
        if not self.launch(program, arguments):
            self._set_busy(False)
            self.status.clear()
            self.message.setText(
                f"The demo store is ready, but PCSO Desk could not open it by itself: "
                f"run {made.open_command()}"
            )
            return
        self.status.setText("Opening the demo store in a new window…")
        self.reject()  # the flow quits this app

    def _progress(self, stage: str) -> None:
        self.status.setText(f"Building the demo store: {stage.rstrip('.…').lower()}…")

    def _failed(self, error: BaseException) -> None:
        self._set_busy(False)
        self.status.clear()
        if isinstance(error, PcsoDeskError):
            self.message.setText(error.message)
        else:
            self.message.clear()
            self.desk.report_error(error, self)

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        for button in (self.setup_button, self.demo_button, self.quit_button):
            button.setEnabled(not busy)


class TeamDialog(QDialog):
    """Step two of setting up: the team, its district, neighbourhood, base station and wards."""

    done_with = Signal()  # saved or skipped: the main window comes next

    def __init__(self, desk: Desk, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.setWindowTitle("Your team")
        self.setAccessibleName("Your team")
        intro = QLabel(
            "Tell PCSO Desk about the team this station works for. You can add more wards, "
            "officers and stations later under Admin."
        )
        intro.setWordWrap(True)
        self.team = self._line("Team name", "e.g. Riverside Safer Neighbourhood Team")
        self.district = self._line("District", "e.g. Dacorum")
        self.neighbourhood = self._line("Neighbourhood", "e.g. Riverside")
        self.station = self._line("Base police station", "e.g. Riverside Police Station")
        self.wards = named(QPlainTextEdit(), "Wards")
        self.wards.setPlaceholderText("Riverside Central, RIV-C\nRiverside East\nMill Green")
        self.wards.setTabChangesFocus(True)
        self.wards.setMinimumHeight(110)
        hint = QLabel(WARDS_HINT)
        hint.setWordWrap(True)
        hint.setObjectName("fieldHint")
        form = QFormLayout()
        for label, field in (
            ("&Team name", self.team),
            ("&District", self.district),
            ("&Neighbourhood", self.neighbourhood),
            ("Base police &station", self.station),
            ("&Wards", self.wards),
        ):
            form.addRow(label, field)
        form.addRow("", hint)
        self.message = _message()
        self.skip_button = named(QPushButton("S&kip for now"), "Skip for now")
        self.skip_button.setAutoDefault(False)
        self.skip_button.clicked.connect(self.skip)
        self.save_button = named(QPushButton("Sa&ve and continue"), "Save and continue")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.submit)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.skip_button)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.addWidget(_heading("Your team"))
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addStretch(1)
        layout.addLayout(buttons)
        self.busy = False
        self.resize(560, 520)
        desk.runner.run(desk.services.setup.team, self._prefill, guard=self)
        self.team.setFocus()

    def _line(self, name: str, example: str) -> QLineEdit:
        field = named(QLineEdit(), name)
        field.setPlaceholderText(example)
        field.setMaxLength(160)
        return field

    def _prefill(self, team: str) -> None:
        if team and not self.team.text():
            self.team.setText(team)  # named at `pcso-desk init --team`

    def setup(self) -> TeamSetup:
        from pcso_desk.services.values import TeamSetup, parse_wards

        return TeamSetup(
            team=self.team.text(),
            district=self.district.text(),
            neighbourhood=self.neighbourhood.text(),
            station=self.station.text(),
            wards=parse_wards(self.wards.toPlainText()),
        )

    def submit(self) -> None:
        if self.busy:
            return
        self._set_busy(True)
        self.message.setText("Saving…")
        services, setup = self.desk.services, self.setup()
        self.desk.write(lambda: services.set_up_team(setup), self._saved, self._refused, self)

    def _saved(self, summary: Any) -> None:
        self._set_busy(False)
        self.message.clear()
        self.done_with.emit()
        self.accept()

    def _refused(self, error: BaseException) -> None:
        self._set_busy(False)
        if not isinstance(error, PcsoDeskError):
            self.message.clear()
            self.desk.report_error(error, self)
            return
        self.message.setText(error.message)
        field = {
            "team": self.team,
            "district": self.district,
            "neighbourhood": self.neighbourhood,
            "police station": self.station,
            "wards": self.wards,
        }.get(getattr(error, "field", None) or "")
        if field is not None:
            field.setFocus()

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.save_button.setEnabled(not busy)
        self.skip_button.setEnabled(not busy)

    def skip(self) -> None:
        if self.busy:
            return
        self.done_with.emit()
        self.accept()

    def reject(self) -> None:
        """Escape or the close box: the admin is signed in, so this skips rather than quits."""
        self.skip()


def start_first_run(flow: Flow) -> None:
    """Show the choice; each way ends with someone signed in and the main window open."""
    choice = FirstRunChoice(flow.desk)
    choice.setup_chosen.connect(lambda: _admin_step(flow))
    flow.present(choice)


def _admin_step(flow: Flow) -> None:
    dialog = SignInDialog(flow.desk, first_run=True)
    dialog.signed_in.connect(lambda actor: _team_step(flow, actor))
    flow.present(dialog)


def _team_step(flow: Flow, actor: Actor) -> None:
    dialog = TeamDialog(flow.desk)
    open_window: Callable[[], None] = lambda: flow.open_window(actor)  # noqa: E731
    dialog.done_with.connect(open_window)
    flow.present(dialog, quits=False)
