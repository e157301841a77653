"""Patrol log screen: the month's share of time in the locality against the 80% target."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from PySide6.QtCore import Qt

from pcso_desk.gui.screens.patrol import PatrolScreen, patrol_screen
from tests.gui import real_input

TODAY = date(2026, 3, 20)
EIGHTY = "80% of logged time in the locality (target 80%)"


def patrol(services: Any, officer: str, day: int, hours: int = 8, month: int = 3) -> str:
    starts = datetime(2026, month, day, 8, 0, tzinfo=UTC)
    values = {
        "officer_id": officer,
        "starts_at": starts,
        "ends_at": starts + timedelta(hours=hours),
        "mode": "foot",
    }
    return str(services["patrol_sessions"].create(values).created[0])


def abstraction(services: Any, officer: str, day: int, hours: int = 8) -> str:
    starts = datetime(2026, 3, day, 9, 0, tzinfo=UTC)
    values = {
        "officer_id": officer,
        "starts_at": starts,
        "ends_at": starts + timedelta(hours=hours),
        "reason": "court",
    }
    return str(services["abstractions"].create(values).created[0])


def a_month_of_work(services: Any, world: Any) -> list[str]:
    """Four 8-hour patrols and one 8-hour day at court: 32 of 40 hours, 80%."""
    patrols = [patrol(services, world.officer, day) for day in (2, 3, 4, 5)]
    abstraction(services, world.officer, 6)
    return patrols


def show_screen(qtbot: Any, desk: Any) -> PatrolScreen:
    screen = patrol_screen(desk, today=lambda: TODAY)
    qtbot.addWidget(screen)
    screen.resize(1300, 700)
    screen.show()
    qtbot.waitExposed(screen)
    return screen


def test_the_months_share_of_time_in_the_locality(qtbot, desk, services, world) -> None:  # type: ignore[no-untyped-def]
    a_month_of_work(services, world)
    patrol(services, world.officer, 27, month=2)  # last month's patrol does not count
    screen = show_screen(qtbot, desk)
    panel = screen.locality
    qtbot.waitUntil(lambda: panel.line.text() == EIGHTY)
    assert panel.month_label.text() == "March 2026"
    assert panel.detail.text() == (
        "32 h patrolling in the locality, 8 h abstracted (court, training, other duties). "
        "Meets the target."
    )
    assert panel.bar.share == 0.8 and panel.bar.meets
    assert panel.bar.accessibleDescription() == "80%; target 80%"
    assert not panel.next_button.isEnabled()  # no months from the future


def test_previous_and_next_month(qtbot, desk, services, world) -> None:  # type: ignore[no-untyped-def]
    a_month_of_work(services, world)
    patrol(services, world.officer, 27, month=1)
    screen = show_screen(qtbot, desk)
    panel = screen.locality
    qtbot.waitUntil(lambda: panel.line.text() == EIGHTY)

    real_input.click(panel.previous_button)
    qtbot.waitUntil(lambda: panel.line.text().startswith("No patrol or abstraction"))
    assert panel.line.text() == (
        "No patrol or abstraction time logged in February 2026 (target 80%)"
    )
    assert panel.month_label.text() == "February 2026"
    assert panel.bar.share is None

    real_input.click(panel.previous_button)
    qtbot.waitUntil(lambda: panel.month_label.text() == "January 2026")
    qtbot.waitUntil(lambda: panel.line.text().startswith("100%"))

    real_input.click(panel.this_month_button)
    qtbot.waitUntil(lambda: panel.line.text() == EIGHTY)
    assert not panel.this_month_button.isEnabled()
    real_input.click(panel.previous_button)
    qtbot.waitUntil(lambda: panel.line.text().startswith("No patrol or abstraction"))
    assert panel.next_button.isEnabled()
    real_input.click(panel.next_button)
    qtbot.waitUntil(lambda: panel.line.text() == EIGHTY)
    assert panel.month_label.text() == "March 2026"


def test_one_officers_share(qtbot, desk, services, world) -> None:  # type: ignore[no-untyped-def]
    a_month_of_work(services, world)
    other = (
        services["officers"]
        .create({"name": "PC Sam Constable", "collar_number": "4521", "role": "pc"})
        .created[0]
    )
    abstraction(services, other, 9, hours=24)  # a week's training course, say
    screen = show_screen(qtbot, desk)
    panel = screen.locality
    qtbot.waitUntil(lambda: panel.line.text().startswith("50%"))  # 32 of 64 hours

    real_input.press(panel.scope, Qt.Key.Key_End)  # officers come last, by name
    assert panel.scope.currentText() == "Officer: PCSO Alex Example — PCSO 9001"
    qtbot.waitUntil(lambda: panel.line.text() == EIGHTY)

    assert panel.choose_scope("neighbourhood", world.neighbourhood)
    # The PC has no neighbourhood: the Riverside team's share is the PCSO's alone.
    assert panel.scope.currentText() == "Neighbourhood: Riverside SNT"
    qtbot.waitUntil(lambda: desk.runner.idle)
    assert panel.line.text() == EIGHTY


def test_deleting_a_patrol_updates_the_share(qtbot, desk, services, world, answers) -> None:  # type: ignore[no-untyped-def]
    patrols = a_month_of_work(services, world)
    screen = show_screen(qtbot, desk)
    panel, listing = screen.locality, screen.patrols
    qtbot.waitUntil(lambda: panel.line.text() == EIGHTY)

    real_input.click_row(qtbot, listing.table, lambda: listing.model.row_of(patrols[0]))
    real_input.click(listing.delete_button)

    assert answers.questions == ["Delete this patrol? This cannot be undone here."]
    qtbot.waitUntil(lambda: panel.line.text().startswith("75%"))  # 24 of 32 hours
    assert "Below the target." in panel.detail.text()
    assert not panel.bar.meets
    qtbot.waitUntil(lambda: listing.model.rowCount() == 3)
    qtbot.waitUntil(lambda: desk.runner.idle)
