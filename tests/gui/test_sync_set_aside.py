"""The Sync screen names the changes a sync set aside, and hides the line when none waits."""

from __future__ import annotations

import os
from collections.abc import Sequence

from PySide6.QtCore import Qt

from pcso_desk.gui.main_window import MainWindow
from pcso_desk.gui.screens.sync import SyncScreen
from pcso_desk.services.api import Services
from pcso_desk.services.sync.set_aside import SetAside, release, set_aside
from tests.gui import real_input

PEER = "7b0c2a7e-5d1f-4c3e-9a61-0d2f8e4b6c11"
AHEAD = "It is dated 2 hours ahead of this PC's clock."
NEWER = "It was made by a newer release of PCSO Desk."


def _entry(n: int, reason: str, name: str = "Station PC 2") -> SetAside:
    return SetAside(f"hub:h:{n}", "hub", PEER, name, "contacts", f"row-{n}", reason, "{}")


def _put(services: Services, entries: Sequence[SetAside] = (), done: Sequence[str] = ()) -> None:
    with services.ctx.store.write() as session:
        set_aside(session, entries)
        release(session, done)


def _window(qtbot, desk) -> tuple[MainWindow, SyncScreen]:  # type: ignore[no-untyped-def]
    window = MainWindow(desk)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    screen = window.go_to("Sync")
    assert isinstance(screen, SyncScreen)
    qtbot.waitUntil(lambda: screen.status is not None and desk.runner.idle, timeout=10_000)
    return window, screen


def _revisit(qtbot, desk, window: MainWindow, screen: SyncScreen) -> None:  # type: ignore[no-untyped-def]
    """Away to Today and back to Sync, as the user would: the screen reads the status again."""
    before = screen.status
    for name in ("Today", "Sync"):
        real_input.click_cell(window.nav, window.nav.findItems(name, Qt.MatchFlag.MatchExactly)[0])
    assert window.stack.currentWidget().isAncestorOf(screen)
    qtbot.waitUntil(lambda: screen.status is not before and desk.runner.idle, timeout=10_000)


def test_the_sync_screen_shows_set_aside_changes_only_while_some_wait(qtbot, desk) -> None:  # type: ignore[no-untyped-def]
    window, screen = _window(qtbot, desk)
    line = screen.exchange.set_aside
    assert line.isHidden() and line.text() == ""
    _put(desk.services, [_entry(1, AHEAD), _entry(2, AHEAD), _entry(3, NEWER)])
    _revisit(qtbot, desk, window, screen)
    assert line.isVisible()
    assert sorted(line.text().splitlines()) == [
        "Set aside: 1 change from Station PC 2 — it was made by a newer release of PCSO Desk; "
        "it is tried again at each sync.",
        "Set aside: 2 changes from Station PC 2 — it is dated 2 hours ahead of this PC's "
        "clock; they are tried again at each sync.",
    ]
    # The whole line is in view on a 1366×768 screen: the Stations tab scrolls to it, and it
    # wraps inside the box rather than running past its edge.
    scroll = screen.tabs.widget(0)
    scroll.ensureWidgetVisible(line)  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: line.visibleRegion().boundingRect().height() == line.height())
    assert line.width() <= screen.exchange.contentsRect().width()
    assert line.heightForWidth(line.width()) <= line.height()
    if os.environ.get("PCSO_SHOTS"):
        window.grab().save("/tmp/sync_set_aside.png")
    _put(desk.services, done=["hub:h:1", "hub:h:2", "hub:h:3"])  # a later sync applied them
    _revisit(qtbot, desk, window, screen)
    assert line.isHidden() and screen.exchange.last_hub.isVisible()
