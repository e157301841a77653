"""The app over a county-scale store (100,000 contacts): it opens, lists, filters and scrolls.

Timings are the benchmark harness's business (tests/benchmarks); this proves the behaviour.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from pcso_desk.gui.main_window import MainWindow
from tests.gui import real_input

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def county_paths(tmp_path_factory):  # type: ignore[no-untyped-def]
    from datetime import date

    from pcso_desk.paths import DataPaths
    from tests.keys import build_services

    paths = DataPaths(tmp_path_factory.mktemp("county")).ensure()
    services = build_services(paths)
    summary = services.build_demo(seed=7, scale="county", today=date(2026, 3, 15))
    services.ctx.store.close()
    assert summary.counts["contacts"] >= 100_000
    return paths


@pytest.fixture
def county_desk(qtbot, county_paths):  # type: ignore[no-untyped-def]
    from pcso_desk.gui.desk import Desk
    from tests.keys import build_services

    services = build_services(county_paths, create=False)
    desk = Desk(services, county_paths)
    yield desk
    qtbot.waitUntil(lambda: desk.runner.idle, timeout=30_000)
    desk.runner.shutdown()
    services.ctx.store.close()


def test_contacts_open_filter_and_scroll_over_100k(qtbot, county_desk) -> None:  # type: ignore[no-untyped-def]
    window = MainWindow(county_desk)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    screen = window.go_to("Contacts")
    model = screen.model
    # The scroll bar spans every live contact at once; only the pages looked at are fetched.
    qtbot.waitUntil(lambda: model.rowCount() > 100_000, timeout=10_000)
    total = model.rowCount()
    assert screen.count.text() == f"{total:,} shown"
    names = [model.index(r, 0).data() for r in range(200)]
    assert None not in names and names == sorted(names)
    assert model.index(5_000, 0).data() is None  # far down: not fetched until shown
    real_input.type_text(screen.filter, "smith")
    qtbot.waitUntil(lambda: not model.loading and model.query.text == "smith", timeout=10_000)
    shown = {model.index(r, 0).data().lower() for r in range(min(200, model.rowCount()))}
    assert shown and all("smith" in name for name in shown)
    real_input.clear(screen.filter)
    qtbot.waitUntil(lambda: model.query.text == "" and model.rowCount() == total, timeout=10_000)
    # Ctrl+End in the list: the end of the list, and its last page arrives.
    real_input.press(screen.table, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    last = model.index(total - 1, 0)
    qtbot.waitUntil(lambda: last.data() is not None, timeout=10_000)
    tail = [model.index(r, 0).data() for r in range(total - 20, total)]
    assert None not in tail and tail == sorted(tail) and tail[-1] >= names[-1]


def test_today_over_the_county_store_lists_overdue_first(qtbot, county_desk) -> None:  # type: ignore[no-untyped-def]
    window = MainWindow(county_desk)
    qtbot.addWidget(window)
    window.show()
    today = window.screens["Today"]
    qtbot.waitUntil(lambda: getattr(today, "summary", None) is not None, timeout=30_000)
    overdue = today.sections["overdue_victims"].list
    assert overdue.count() == len(today.summary.overdue_victim_contacts) > 0
    assert "overdue by" in overdue.item(0).text()
