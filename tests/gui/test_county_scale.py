"""The app over a county-scale store (100,000 contacts): it opens, lists, filters and scrolls.

Timings are the benchmark harness's business (tests/benchmarks); this proves the behaviour.
"""

from __future__ import annotations

import pytest

from pcso_desk.gui.main_window import MainWindow

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def county_paths(tmp_path_factory):  # type: ignore[no-untyped-def]
    from datetime import date

    from pcso_desk.app import build_services
    from pcso_desk.paths import DataPaths

    paths = DataPaths(tmp_path_factory.mktemp("county")).ensure()
    services = build_services(paths)
    summary = services.build_demo(seed=7, scale="county", today=date(2026, 3, 15))
    services.ctx.store.close()
    assert summary.counts["contacts"] >= 100_000
    return paths


@pytest.fixture
def county_desk(qtbot, county_paths):  # type: ignore[no-untyped-def]
    from pcso_desk.app import build_services
    from pcso_desk.gui.desk import Desk

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
    screen = window.go_to("Contacts")
    model = screen.model
    qtbot.waitUntil(lambda: model.rowCount() == 200, timeout=10_000)  # one batch, not 100k
    assert model.canFetchMore()
    names = [model.index(r, 0).data() for r in range(model.rowCount())]
    assert names == sorted(names)
    qtbot.keyClicks(screen.filter, "smith")
    qtbot.waitUntil(lambda: not model.loading and model.query.text == "smith", timeout=10_000)
    shown = {model.index(r, 0).data().lower() for r in range(model.rowCount())}
    assert shown and all("smith" in name for name in shown)
    screen.filter.clear()
    qtbot.waitUntil(lambda: model.query.text == "" and model.rowCount() == 200, timeout=10_000)
    screen.table.scrollToBottom()
    qtbot.waitUntil(lambda: model.rowCount() >= 400, timeout=10_000)  # the view asked for more


def test_today_over_the_county_store_lists_overdue_first(qtbot, county_desk) -> None:  # type: ignore[no-untyped-def]
    window = MainWindow(county_desk)
    qtbot.addWidget(window)
    window.show()
    today = window.screens["Today"]
    qtbot.waitUntil(lambda: getattr(today, "summary", None) is not None, timeout=30_000)
    overdue = today.sections["overdue_victims"].list
    assert overdue.count() == len(today.summary.overdue_victim_contacts) > 0
    assert "Overdue" in overdue.item(0).text()
