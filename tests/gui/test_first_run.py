"""First run: set the station up (first admin, then the team), or explore the demo store."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QWidget

from pcso_desk.domain.enums import UserRole
from pcso_desk.gui.first_run import FirstRunChoice, TeamDialog
from pcso_desk.gui.main_window import MainWindow
from pcso_desk.gui.signin import SessionFlow, SignInDialog
from pcso_desk.services import accounts
from pcso_desk.services.records import ListQuery

PASSWORD = "a long enough passphrase"


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
    made._quit = lambda: None  # type: ignore[method-assign]  # the test's app keeps running
    made.start()
    assert made.dialog is not None
    qtbot.addWidget(made.dialog)
    yield made
    if made.idle is not None:
        made.idle.stop()
    app.setQuitOnLastWindowClosed(True)  # type: ignore[union-attr]


def _next(qtbot, flow, kind):  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: isinstance(flow.dialog, kind), timeout=30_000)
    qtbot.addWidget(flow.dialog)
    return flow.dialog


def _names(desk, kind: str) -> list[str]:  # type: ignore[no-untyped-def]
    return sorted(r["name"] for r in desk.services[kind].page(ListQuery(limit=100)).rows)


def test_setting_up_the_station_makes_the_admin_then_the_team(qtbot, desk, flow, tmp_path) -> None:  # type: ignore[no-untyped-def]
    choice = flow.dialog
    assert isinstance(choice, FirstRunChoice)
    shot(choice, "choice", tmp_path)
    qtbot.mouseClick(choice.setup_button, Qt.MouseButton.LeftButton)

    admin = _next(qtbot, flow, SignInDialog)
    assert admin.first_run
    admin.username.setText("ada")
    admin.password.setText(PASSWORD)
    admin.again.setText(PASSWORD)
    qtbot.mouseClick(admin.submit_button, Qt.MouseButton.LeftButton)

    team = _next(qtbot, flow, TeamDialog)
    assert flow.window is None  # the team step comes before any data is shown
    team.team.setText("Riverside Safer Neighbourhood Team")
    team.district.setText("Dacorum")
    team.neighbourhood.setText("Riverside")
    team.station.setText("Riverside Police Station")
    team.wards.setPlainText("Riverside Central, RIV-C\nRiverside East\nMill Green\n")
    team.resize(560, 520)
    shot(team, "team", tmp_path)
    team.neighbourhood.setText("  ")
    qtbot.mouseClick(team.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: team.message.text() == "Give the neighbourhood a name.", timeout=5000)
    assert team.isVisible() and flow.window is None
    assert _names(desk, "wards") == []

    shot(team, "team_refused", tmp_path)
    team.neighbourhood.setText("Riverside")
    qtbot.mouseClick(team.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: flow.window is not None, timeout=10_000)

    assert flow.window.isVisible()
    assert flow.window.officer_label.text() == "Signed in: ada (Admin)"
    assert _names(desk, "wards") == ["Mill Green", "Riverside Central", "Riverside East"]
    assert _names(desk, "districts") == ["Dacorum"]
    assert _names(desk, "neighbourhoods") == ["Riverside"]
    assert _names(desk, "police_stations") == ["Riverside Police Station"]
    assert desk.services.ctx.team_name() == "Riverside Safer Neighbourhood Team"


def test_the_team_step_can_be_skipped(qtbot, desk, flow) -> None:  # type: ignore[no-untyped-def]
    qtbot.mouseClick(flow.dialog.setup_button, Qt.MouseButton.LeftButton)
    admin = _next(qtbot, flow, SignInDialog)
    admin.username.setText("ada")
    admin.password.setText(PASSWORD)
    admin.again.setText(PASSWORD)
    qtbot.keyClick(admin.again, Qt.Key.Key_Return)
    team = _next(qtbot, flow, TeamDialog)
    qtbot.keyClick(team.team, Qt.Key.Key_Escape)  # Escape skips; it does not quit
    qtbot.waitUntil(lambda: flow.window is not None, timeout=10_000)
    assert _names(desk, "wards") == []
    assert desk.services.ctx.actor is not None
    assert desk.services.ctx.actor.role is UserRole.ADMIN


def test_exploring_the_demo_leads_to_the_demo_accounts(qtbot, desk, flow, tmp_path) -> None:  # type: ignore[no-untyped-def]
    choice = flow.dialog
    qtbot.mouseClick(choice.demo_button, Qt.MouseButton.LeftButton)
    assert not choice.setup_button.isEnabled()  # one way at a time while the demo builds
    sign_in = _next(qtbot, flow, SignInDialog)
    assert not sign_in.first_run
    note = " ".join(label.text() for label in sign_in.findChildren(QLabel))
    assert "sergeant" in note and accounts.DEMO_PASSWORD in note
    assert sign_in.username.text() == "sergeant"
    shot(sign_in, "demo_sign_in", tmp_path)

    assert desk.services["wards"].count() > 0  # the demo store was built
    sign_in.password.setText(accounts.DEMO_PASSWORD)
    qtbot.mouseClick(sign_in.submit_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: flow.window is not None, timeout=10_000)
    actor = desk.services.ctx.actor
    assert actor is not None and actor.username == "sergeant"
    assert actor.role is UserRole.SERGEANT
    assert flow.window.officer_label.text() == "Signed in: sergeant (Sergeant)"


def test_a_refused_demo_says_why_and_the_choice_stays(qtbot, desk, flow) -> None:  # type: ignore[no-untyped-def]
    desk.services["districts"].create({"name": "Already here", "code": "AH"})
    choice = flow.dialog
    qtbot.mouseClick(choice.demo_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "already holds data" in choice.message.text(), timeout=10_000)
    assert flow.dialog is choice and choice.setup_button.isEnabled()
    assert not accounts.has_accounts(desk.services.ctx)
