"""The search box finds contacts, meetings (with their dates), priorities and more by word,
postcode or crime reference as you type."""

from __future__ import annotations

import threading
from dataclasses import dataclass

import pytest
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QVBoxLayout, QWidget

from pcso_desk.gui.search_box import ID_ROLE, SearchBox, SearchResultsModel, rows_for
from pcso_desk.services.records.search import SearchHit
from tests.factories import d, utc
from tests.gui import real_input

windows: list[QWidget] = []


@pytest.fixture(autouse=True)
def _forget_windows():  # type: ignore[no-untyped-def]
    yield
    windows.clear()


@dataclass
class Found:
    pat: str
    shop: str
    meeting: str
    briefing: str
    priority: str


def _records(services, world) -> Found:  # type: ignore[no-untyped-def]
    def contact(name: str, postcode: str) -> str:
        return services.contacts.create({"name": name, "postcode": postcode}).created[0]

    def meeting(title: str, venue: str) -> str:
        values = {
            "meeting_type": "pact",
            "title": title,
            "venue": venue,
            "neighbourhood_id": world.neighbourhood,
        }
        return services.meetings.create({**values, "starts_at": utc(2026, 3, 17, 19)}).created[0]

    pat = contact("Pat Patrolled", "AL1 3EX")
    shop = contact("Mill Lane Stores", "AL2 4PQ")
    contact("Robin Resident", "AL5 2JD")
    priority = services["priorities"].create(
        {
            "title": "Speeding on Mill Lane",
            "public_wording": "You told us cars speed past the school on Mill Lane.",
            "category": "speeding",
            "neighbourhood_id": world.neighbourhood,
            "agreed_on": d("2026-01-10"),
        }
    )
    return Found(
        pat,
        shop,
        meeting("Riverside PACT meeting", "Riverside Community Centre, AL1 3EX"),
        meeting("Mill Lane street briefing", "Corner of Mill Lane and Canal Close"),
        priority.created[0],
    )


def _box(qtbot, desk, search=None) -> SearchBox:  # type: ignore[no-untyped-def]
    window = QWidget()
    windows.append(window)  # qtbot holds widgets weakly; the test's window must live on
    qtbot.addWidget(window)
    box = SearchBox(desk, search)
    layout = QVBoxLayout(window)
    layout.addWidget(box)
    layout.addStretch(1)
    window.resize(520, 300)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    box.focus_search()
    qtbot.waitUntil(box.hasFocus)
    return box


def _shown(box: SearchBox) -> list[str]:
    model = box.model
    return [model.index(n).data() for n in range(model.rowCount())]


def test_a_word_finds_each_kind_grouped_and_enter_opens_it(qtbot, desk, services, world) -> None:  # type: ignore[no-untyped-def]
    found = _records(services, world)
    box = _box(qtbot, desk)
    assert box.placeholderText() == "Search names, postcodes, crime references, meetings… (Ctrl+K)"
    with qtbot.waitSignal(box.results_shown) as shown:
        real_input.type_text(box, "mill")
    assert shown.args == ["mill"]
    assert box.popup.isVisible()
    assert _shown(box) == [
        "Contacts (1)",
        "    Mill Lane Stores — AL2 4PQ",
        "Meetings (1)",
        "    Mill Lane street briefing — Tue 17 Mar 2026 19:00 · Corner of Mill Lane and Canal"
        " Close",
        "Priorities (1)",
        "    Speeding on Mill Lane — You told us cars speed past the school on Mill Lane.",
    ]
    assert box.popup.view.currentIndex().data(ID_ROLE) == found.shop  # the first hit
    real_input.press(box, Qt.Key.Key_Down)  # over the "Meetings" heading to the meeting
    real_input.press(box, Qt.Key.Key_Down)
    real_input.press(box, Qt.Key.Key_Up)
    with qtbot.waitSignal(box.opened) as opened:
        real_input.press(box, Qt.Key.Key_Return)
    assert opened.args == ["meetings", found.briefing]
    assert not box.popup.isVisible()


def test_a_postcode_finds_the_contact_and_the_meeting_there(qtbot, desk, services, world) -> None:  # type: ignore[no-untyped-def]
    found = _records(services, world)
    box = _box(qtbot, desk)
    with qtbot.waitSignal(box.results_shown):
        real_input.type_text(box, "AL1 3EX")
    assert _shown(box) == [
        "Contacts (1)",
        "    Pat Patrolled — AL1 3EX",
        "Meetings (1)",
        "    Riverside PACT meeting — Tue 17 Mar 2026 19:00 · Riverside Community Centre, AL1 3EX",
    ]
    with qtbot.waitSignal(box.opened) as opened:
        real_input.press(box, Qt.Key.Key_Enter)
    assert opened.args == ["contacts", found.pat]
    real_input.type_text(box, " ")  # typing on brings the results back; Escape closes them
    qtbot.waitUntil(box.popup.isVisible)
    real_input.press(box, Qt.Key.Key_Escape)
    assert not box.popup.isVisible() and box.text() == "AL1 3EX "
    real_input.press(box, Qt.Key.Key_Escape)  # a second Escape empties the box
    assert box.text() == ""


def test_nothing_found_is_said_and_cannot_be_opened(qtbot, desk, services, world) -> None:  # type: ignore[no-untyped-def]
    _records(services, world)
    box = _box(qtbot, desk)
    with qtbot.waitSignal(box.results_shown):
        real_input.type_text(box, "zebra crossing")
    assert _shown(box) == ["Nothing matches “zebra crossing”"]
    with qtbot.assertNotEmitted(box.opened):
        real_input.press(box, Qt.Key.Key_Return)


def test_a_slow_stale_answer_does_not_replace_a_newer_one(qtbot, desk, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    release = threading.Event()
    asked: list[str] = []

    def search(typed: str) -> list[SearchHit]:
        if typed == "riv":
            release.wait(10)  # the first lookup is slow...
        return [SearchHit("contacts", f"id-{typed}", f"Found by {typed}", "")]

    queued = desk.runner.run

    def run(work, done=None, failed=None, guard=None):  # type: ignore[no-untyped-def]
        asked.append("lookup")
        return queued(work, done, failed, guard=guard)

    monkeypatch.setattr(desk.runner, "run", run)
    box = _box(qtbot, desk, search)
    seen: list[str] = []
    box.results_shown.connect(seen.append)
    real_input.type_text(box, "riv")
    qtbot.waitUntil(lambda: len(asked) == 1)
    real_input.press(box, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    real_input.type_text(box, "mill")  # ...and the user has typed on before it answers
    qtbot.waitUntil(lambda: len(asked) == 2)
    release.set()
    qtbot.waitUntil(lambda: seen == ["mill"])
    qtbot.waitUntil(lambda: desk.runner.idle)
    assert seen == ["mill"]
    assert _shown(box) == ["Contacts (1)", "    Found by mill"]


def test_one_character_closes_the_results_and_does_not_search(qtbot, desk) -> None:  # type: ignore[no-untyped-def]
    searched: list[str] = []
    box = _box(qtbot, desk, lambda typed: searched.append(typed) or [])
    with qtbot.waitSignal(box.results_shown):
        real_input.type_text(box, "mi")
    real_input.press(box, Qt.Key.Key_Backspace)
    assert not box.popup.isVisible()
    qtbot.waitUntil(lambda: desk.runner.idle)
    assert searched == ["mi"]


def test_the_results_model_is_a_well_behaved_qt_model(qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    model = SearchResultsModel()
    hits = [
        SearchHit("contacts", "c1", "Pat Patrolled", "AL1 3EX"),
        SearchHit("meetings", "m1", "Riverside PACT meeting", "Riverside Community Centre"),
        SearchHit("priorities", "p1", "Speeding on Mill Lane", ""),
    ]
    model.set_rows(rows_for("riv", hits))
    qtmodeltester.check(model)
    assert model.rowCount() == 6
    heading = model.index(0)
    assert not heading.flags() & Qt.ItemFlag.ItemIsSelectable
    assert model.index(1).data(Qt.ItemDataRole.AccessibleTextRole) == (
        "Contact: Pat Patrolled, AL1 3EX"
    )
    assert model.index(5).data() == "    Speeding on Mill Lane"


def test_results_for_a_box_that_has_gone_are_dropped(qtbot, desk) -> None:  # type: ignore[no-untyped-def]
    """A search still running when its window closes (sign-out, the lock) reaches no one:
    it once raised 'Internal C++ object (SearchBox) already deleted' in a Qt slot."""
    started, release = threading.Event(), threading.Event()

    def slow(_typed: str) -> list[SearchHit]:
        started.set()
        release.wait(5)
        return []

    box = SearchBox(desk, slow)
    box.show()
    qtbot.waitExposed(box)
    real_input.type_text(box, "riv")
    qtbot.waitUntil(started.is_set, timeout=5000)
    box.deleteLater()
    qtbot.waitUntil(lambda: not shiboken6.isValid(box), timeout=5000)
    release.set()
    qtbot.waitUntil(lambda: desk.runner.idle, timeout=5000)  # delivered, to nobody
