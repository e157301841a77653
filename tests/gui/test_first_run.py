"""First run: set the station up (first admin, then the team), or explore the demo, which is
built in a folder of its own and opened in a new app while this store stays empty."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QWidget
from sqlalchemy import func, select

from pcso_desk.domain.enums import UserRole
from pcso_desk.gui import first_run
from pcso_desk.gui.first_run import FirstRunChoice, TeamDialog
from pcso_desk.gui.main_window import MainWindow
from pcso_desk.gui.session import SessionFlow
from pcso_desk.gui.signin import SignInDialog
from pcso_desk.paths import DataPaths
from pcso_desk.services.api import Services
from pcso_desk.services.context import DEMO_KEY, Context, set_meta
from pcso_desk.services.protection import accounts
from pcso_desk.services.records.service import ListQuery
from pcso_desk.store import models as m
from pcso_desk.store.session import open_store
from tests.factories import make_world
from tests.gui.real_input import clear_and_type, click, press, press_in_window, type_text
from tests.keys import key_for

PASSWORD = "a long enough passphrase"
BUILD_MS = 180_000  # the small demo store takes a few seconds; a busy shared PC, far longer


def shot(widget: QWidget, name: str, tmp_path: Path) -> None:
    assert widget.grab().save(str(tmp_path / f"{name}.png"))
    if os.environ.get("PCSO_SHOTS"):
        widget.grab().save(f"/tmp/first_run_{name}.png")


@pytest.fixture
def flow(qtbot, desk):  # type: ignore[no-untyped-def]
    app = QApplication.instance()

    def make() -> MainWindow:
        window = MainWindow(desk)
        qtbot.addWidget(window)
        return window

    made = SessionFlow(desk, None, make, lock_ms=60_000)
    made.quits = []  # type: ignore[attr-defined]
    made._quit = lambda: made.quits.append(True)  # type: ignore[method-assign, attr-defined]
    made.start()
    assert made.dialog is not None
    qtbot.addWidget(made.dialog)
    yield made
    if made.idle is not None:
        made.idle.stop()
    app.setQuitOnLastWindowClosed(True)  # type: ignore[union-attr]


class Launches:
    """Stands in for starting a process: records what would have been started."""

    def __init__(self, works: bool = True) -> None:
        self.works = works
        self.started: list[tuple[str, list[str]]] = []

    def __call__(self, program: str, arguments: Sequence[str]) -> bool:
        self.started.append((program, list(arguments)))
        return self.works


def _next(qtbot, flow, kind):  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: isinstance(flow.dialog, kind), timeout=30_000)
    qtbot.addWidget(flow.dialog)
    return flow.dialog


def _names(desk, kind: str) -> list[str]:  # type: ignore[no-untyped-def]
    return sorted(r["name"] for r in desk.services[kind].page(ListQuery(limit=100)).rows)


def _rows(ctx: Context) -> dict[str, int]:
    """Rows in every table but the store's own settings: {} for a store with no data."""
    counts = {}
    with ctx.store.read() as session:
        for table in m.Base.metadata.sorted_tables:
            count = session.scalar(select(func.count()).select_from(table))
            if table.name != "store_meta" and count:
                counts[table.name] = count
    return counts


def _demo_store(paths: DataPaths) -> tuple[bool, list[str], int]:
    """Whether the store in `paths` is a demo, its user names, and its contacts."""
    store = open_store(paths.store, paths.backups, create=False, key=key_for(paths.store))
    try:
        ctx = Context.open(store)
        with store.read() as session:
            users = sorted(session.scalars(select(m.User.username)))
            contacts = session.scalar(select(func.count()).select_from(m.Contact)) or 0
        return Services(ctx).is_demo(), users, contacts
    finally:
        store.close()


def _type_lines(widget: QWidget, lines: list[str]) -> None:
    for line in lines:
        type_text(widget, line)
        press(widget, Qt.Key.Key_Return)


def test_setting_up_the_station_makes_the_admin_then_the_team(qtbot, desk, flow, tmp_path) -> None:  # type: ignore[no-untyped-def]
    choice = flow.dialog
    assert isinstance(choice, FirstRunChoice)
    click(choice.setup_button)

    admin = _next(qtbot, flow, SignInDialog)
    assert admin.first_run and "DEMO" not in admin.windowTitle()
    type_text(admin.username, "ada")
    type_text(admin.password, PASSWORD)
    type_text(admin.again, PASSWORD)
    click(admin.submit_button)

    team = _next(qtbot, flow, TeamDialog)
    assert flow.window is None  # the team step comes before any data is shown
    type_text(team.team, "Riverside Safer Neighbourhood Team")
    type_text(team.district, "Dacorum")
    type_text(team.neighbourhood, "Riverside")
    type_text(team.station, "Riverside Police Station")
    _type_lines(team.wards, ["Riverside Central, RIV-C", "Riverside East", "Mill Green"])
    team.resize(560, 520)
    shot(team, "team", tmp_path)
    clear_and_type(team.neighbourhood, "  ")
    click(team.save_button)
    qtbot.waitUntil(lambda: team.message.text() == "Give the neighbourhood a name.", timeout=5000)
    assert team.isVisible() and flow.window is None
    assert _names(desk, "wards") == []

    shot(team, "team_refused", tmp_path)
    clear_and_type(team.neighbourhood, "Riverside")
    click(team.save_button)
    qtbot.waitUntil(lambda: flow.window is not None, timeout=10_000)

    assert flow.window.isVisible()
    assert flow.window.officer_label.text() == "Signed in: ada (Admin)"
    assert flow.window.windowTitle() == "PCSO Desk"  # a real store: no DEMO anywhere
    assert flow.window.findChild(QLabel, "demoBadge") is None
    assert _names(desk, "wards") == ["Mill Green", "Riverside Central", "Riverside East"]
    assert _names(desk, "districts") == ["Dacorum"]
    assert _names(desk, "neighbourhoods") == ["Riverside"]
    assert _names(desk, "police_stations") == ["Riverside Police Station"]
    assert desk.services.ctx.team_name() == "Riverside Safer Neighbourhood Team"


def test_the_team_step_can_be_skipped(qtbot, desk, flow) -> None:  # type: ignore[no-untyped-def]
    click(flow.dialog.setup_button)
    admin = _next(qtbot, flow, SignInDialog)
    type_text(admin.username, "ada")
    type_text(admin.password, PASSWORD)
    type_text(admin.again, PASSWORD)
    press(admin.again, Qt.Key.Key_Return)
    team = _next(qtbot, flow, TeamDialog)
    press_in_window(team, Qt.Key.Key_Escape)  # Escape skips; it does not quit
    qtbot.waitUntil(lambda: flow.window is not None, timeout=10_000)
    assert _names(desk, "wards") == []
    assert desk.services.ctx.actor is not None
    assert desk.services.ctx.actor.role is UserRole.ADMIN


def test_exploring_the_demo_builds_it_apart_and_opens_it_in_a_new_app(
    qtbot, desk, flow, data_paths, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    choice = flow.dialog
    assert str(data_paths.demo.root) in " ".join(w.text() for w in choice.findChildren(QLabel))
    shot(choice, "choice", tmp_path)
    launches = Launches()
    choice.launch = launches
    click(choice.demo_button)
    assert not choice.setup_button.isEnabled()  # one way at a time while the demo builds
    qtbot.waitUntil(lambda: launches.started != [], timeout=BUILD_MS)

    demo = data_paths.root / "demo"
    assert launches.started == [(sys.executable, ["-m", "pcso_desk", "--data-dir", str(demo)])]
    assert flow.quits and not choice.isVisible()  # this app makes way for the demo's
    assert _rows(desk.services.ctx) == {}  # the real store: no accounts, no records
    assert not accounts.has_accounts(desk.services.ctx) and not desk.services.is_demo()
    is_demo, users, contacts = _demo_store(DataPaths(demo))
    assert is_demo and contacts > 0
    assert users == ["admin", "pc", "pcso", "sergeant"]


def test_a_demo_that_cannot_open_says_how_and_a_second_try_keeps_the_store(
    qtbot, desk, flow, data_paths
) -> None:  # type: ignore[no-untyped-def]
    choice = flow.dialog
    choice.launch = Launches(works=False)
    click(choice.demo_button)
    command = f'pcso-desk --data-dir "{data_paths.demo.root}"'
    qtbot.waitUntil(lambda: command in choice.message.text(), timeout=BUILD_MS)
    assert choice.isVisible() and choice.demo_button.isEnabled() and not flow.quits
    _, _, contacts = _demo_store(data_paths.demo)

    launches = Launches()
    choice.launch = launches
    click(choice.demo_button)  # the demo store already there is opened, not built again
    qtbot.waitUntil(lambda: launches.started != [], timeout=30_000)
    assert launches.started[0][1][-2:] == ["--data-dir", str(data_paths.demo.root)]
    assert _demo_store(data_paths.demo)[2] == contacts
    assert _rows(desk.services.ctx) == {}


def test_a_demo_folder_holding_other_data_is_refused(qtbot, desk, flow, data_paths) -> None:  # type: ignore[no-untyped-def]
    other = data_paths.demo.ensure()
    store = open_store(other.store, other.backups)
    Services(Context.open(store))["districts"].create({"name": "Already here", "code": "AH"})
    store.close()
    choice = flow.dialog
    launches = Launches()
    choice.launch = launches
    click(choice.demo_button)
    qtbot.waitUntil(lambda: "is not a demo" in choice.message.text(), timeout=30_000)
    assert flow.dialog is choice and choice.setup_button.isEnabled()
    assert launches.started == [] and not flow.quits
    assert _rows(desk.services.ctx) == {}


def test_the_installed_app_starts_itself_on_the_demo_folder(monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    program, arguments = first_run.app_command(tmp_path / "demo")
    assert (program, arguments) == (sys.executable, ["--data-dir", str(tmp_path / "demo")])


@pytest.fixture
def demo_store(desk):  # type: ignore[no-untyped-def]
    """The test's store made a demo store: a small world, the demo accounts, the mark."""
    make_world(desk.services)
    accounts.create_demo_accounts(desk.services.ctx)
    with desk.services.ctx.store.write() as session:
        set_meta(session, DEMO_KEY, "1")
        set_meta(session, "team_name", "Hertfordshire Safer Neighbourhood Teams (demo)")
    desk.services.ctx.accounts = True
    return desk


def test_a_demo_store_says_demo_from_sign_in_to_the_main_window(
    qtbot, demo_store, flow, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    sign_in = flow.dialog
    assert isinstance(sign_in, SignInDialog) and not sign_in.first_run
    assert "DEMO" in sign_in.windowTitle()
    note = " ".join(label.text() for label in sign_in.findChildren(QLabel))
    assert "sergeant" in note and accounts.DEMO_PASSWORD in note
    assert sign_in.username.text() == "sergeant"
    shot(sign_in, "demo_sign_in", tmp_path)

    type_text(sign_in.password, accounts.DEMO_PASSWORD)
    press(sign_in.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: flow.window is not None, timeout=10_000)
    window = flow.window
    assert window.windowTitle() == (
        "PCSO Desk — DEMO — Hertfordshire Safer Neighbourhood Teams (demo)"
    )
    badge = window.statusBar().findChild(QLabel, "demoBadge")
    assert badge is not None and badge.isVisible() and badge.text() == "DEMO: made-up data"
    assert window.officer_label.text() == "Signed in: sergeant (Sergeant)"
    shot(window, "demo_main_window", tmp_path)
