"""Meetings screen: a meeting agrees priorities (reviewed in 3 months); wards and officers."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from pcso_desk.gui.screens.meetings import MeetingDetail, PickDialog, meetings_screen
from tests.gui import real_input

STARTS = datetime(2026, 3, 10, 19, 0, tzinfo=UTC)  # GMT: the same wall clock in London
PRIORITY, STATUS, AGREED, REVIEW = 0, 1, 2, 3


def make_meeting(services: Any, world: Any, title: str = "Riverside PACT meeting") -> str:
    meeting = services.meetings.create(
        {
            "meeting_type": "pact",
            "title": title,
            "venue": "Riverside Community Centre",
            "starts_at": STARTS,
            "status": "held",
            "neighbourhood_id": world.neighbourhood,
            "attendance": "23",
        }
    ).created[0]
    services["meeting_wards"].create({"meeting_id": meeting, "ward_id": world.ward})
    return str(meeting)


def open_meeting(qtbot: Any, desk: Any, meeting: str) -> MeetingDetail:
    screen = meetings_screen(desk)
    qtbot.addWidget(screen)
    screen.resize(1300, 760)
    screen.show()
    qtbot.waitExposed(screen)
    real_input.click_row(qtbot, screen.table, lambda: screen.model.row_of(meeting), column=1)
    detail = screen.findChild(MeetingDetail)
    assert detail is not None
    qtbot.waitUntil(lambda: detail.view is not None and detail.currentIndex() == 1)
    return detail


def listed(widget: Any) -> list[str]:
    items = widget.items
    return [items.item(i).text() for i in range(items.count())]


def test_the_meeting_shows_its_facts(qtbot, desk, services, world) -> None:  # type: ignore[no-untyped-def]
    meeting = make_meeting(services, world)
    detail = open_meeting(qtbot, desk, meeting)
    assert detail.title.text() == "Riverside PACT meeting"
    assert detail.facts["type"].text() == "PACT meeting"
    assert detail.facts["when"].text() == "Tue 10 Mar 2026 19:00"
    assert detail.facts["attendance"].text() == "23 people"
    assert detail.facts["status"].text() == "Held"
    assert listed(detail.wards) == ["Riverside Central"]
    assert listed(detail.officers) == ["None recorded yet"]
    qtbot.waitUntil(lambda: desk.runner.idle)


def test_agree_a_priority_reviewed_three_months_on(qtbot, desk, services, world) -> None:  # type: ignore[no-untyped-def]
    meeting = make_meeting(services, world)
    detail = open_meeting(qtbot, desk, meeting)
    assert detail.agreed.rowCount() == 0

    real_input.click(detail.agree_button)
    dialog = detail.dialog
    assert dialog is not None and dialog.isVisible()
    qtbot.waitExposed(dialog)
    qtbot.waitUntil(lambda: dialog.ready)
    editors = dialog.form.editors
    assert "agreed_on" not in editors  # the meeting dates it
    assert editors["neighbourhood_id"].value() == world.neighbourhood
    assert editors["ward_id"].value() == world.ward  # the meeting's only ward
    assert editors["review_on"].value() == "10/06/2026"  # three months on, shown before saving
    real_input.type_text(editors["title"].input, "Speeding on Station Road")
    real_input.type_text(editors["public_wording"].input, "Tackle speeding near the school.")
    button = dialog.buttons.button(QDialogButtonBox.StandardButton.Save)
    with qtbot.waitSignal(dialog.saved, timeout=5000):
        real_input.click(button)

    qtbot.waitUntil(lambda: detail.agreed.rowCount() == 1)
    cells = [detail.agreed.index(0, c).data() for c in (PRIORITY, STATUS, AGREED, REVIEW)]
    assert cells == ["Speeding on Station Road", "Open", "10 Mar 2026", "10 Jun 2026"]
    stored = services["priorities"].page().rows
    assert [(p["meeting_id"], p["agreed_on"], p["review_on"]) for p in stored] == [
        (meeting, date(2026, 3, 10), date(2026, 6, 10))
    ]
    assert stored[0]["source"] == "Riverside PACT meeting"
    qtbot.waitUntil(lambda: desk.runner.idle)


def test_priorities_of_other_meetings_are_not_listed(qtbot, desk, services, world) -> None:  # type: ignore[no-untyped-def]
    ours = make_meeting(services, world)
    other = make_meeting(services, world, "Riverside East ward panel")
    values = {"title": "Fly-tipping behind the shops", "category": "fly_tipping"}
    services.priorities.agree_at_meeting(other, values)
    detail = open_meeting(qtbot, desk, ours)
    qtbot.waitUntil(lambda: not detail.agreed.loading)
    assert detail.agreed.rowCount() == 0
    qtbot.waitUntil(lambda: desk.runner.idle)


def test_add_and_remove_wards_and_officers_present(qtbot, desk, services, world, answers) -> None:  # type: ignore[no-untyped-def]
    meeting = make_meeting(services, world)
    detail = open_meeting(qtbot, desk, meeting)

    real_input.click(detail.wards.add_button)
    qtbot.waitUntil(lambda: isinstance(detail.dialog, PickDialog) and detail.dialog.isVisible())
    dialog = detail.dialog
    assert isinstance(dialog, PickDialog)
    qtbot.waitExposed(dialog)
    # The ward already on the meeting is not offered again.
    assert [dialog.choice.itemText(i) for i in range(dialog.choice.count())] == [
        "Riverside East — RIV-E"
    ]
    real_input.click(dialog.buttons.button(QDialogButtonBox.StandardButton.Save))
    qtbot.waitUntil(lambda: listed(detail.wards) == ["Riverside Central", "Riverside East"])

    real_input.click(detail.officers.add_button)
    qtbot.waitUntil(lambda: detail.dialog is not dialog and detail.dialog.isVisible())
    officer_dialog = detail.dialog
    assert isinstance(officer_dialog, PickDialog)
    qtbot.waitExposed(officer_dialog)
    real_input.press(officer_dialog.choice, Qt.Key.Key_Return)  # Enter saves, like a click
    qtbot.waitUntil(lambda: listed(detail.officers) == ["PCSO Alex Example"])
    officers = services["meeting_officers"].page().rows
    assert [(o["meeting_id"], o["officer_id"]) for o in officers] == [(meeting, world.officer)]

    items = detail.wards.items
    real_input.click_cell(items, items.item(1))
    assert detail.wards.remove_button.isEnabled()
    real_input.click(detail.wards.remove_button)
    assert answers.questions == ["Remove Riverside East from this meeting?"]
    qtbot.waitUntil(lambda: listed(detail.wards) == ["Riverside Central"])
    left = services["meeting_wards"].page().rows
    assert [w["ward_id"] for w in left] == [world.ward]
    qtbot.waitUntil(lambda: desk.runner.idle)


def test_no_ward_left_to_add_says_so(qtbot, desk, services, world, answers) -> None:  # type: ignore[no-untyped-def]
    meeting = make_meeting(services, world)
    services["meeting_wards"].create({"meeting_id": meeting, "ward_id": world.other_ward})
    detail = open_meeting(qtbot, desk, meeting)
    real_input.click(detail.wards.add_button)
    qtbot.waitUntil(lambda: answers.messages == ["Every ward is already listed."])
    assert detail.dialog is None
    qtbot.waitUntil(lambda: desk.runner.idle)


def test_agreed_priorities_model_is_sound(qtbot, qtmodeltester, desk, services, world) -> None:  # type: ignore[no-untyped-def]
    meeting = make_meeting(services, world)
    for title in ("Speeding on Station Road", "Youths at the skate park"):
        services.priorities.agree_at_meeting(meeting, {"title": title, "category": "asb"})
    detail = open_meeting(qtbot, desk, meeting)
    qtbot.waitUntil(lambda: detail.agreed.rowCount() == 2)
    qtmodeltester.check(detail.agreed)
    qtbot.waitUntil(lambda: desk.runner.idle)


def test_the_meeting_editor_offers_a_public_title(qtbot, desk, services, world) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QWidget

    from pcso_desk.gui.editor import RecordEditor
    from pcso_desk.gui.screens.definitions import MEETINGS

    meeting = make_meeting(services, world)
    detail = open_meeting(qtbot, desk, meeting)
    assert detail.facts["public"].text() == "— (type and venue)"
    qtbot.waitUntil(lambda: desk.runner.idle)
    host = QWidget()
    qtbot.addWidget(host)
    editor = RecordEditor(desk, "meetings", "Edit meeting", MEETINGS.fields, meeting, parent=host)
    editor.show()
    qtbot.waitExposed(editor)
    qtbot.waitUntil(lambda: editor.ready)
    real_input.type_text(editor.form.editors["public_title"].input, "Riverside PACT: have your say")
    with qtbot.waitSignal(editor.saved, timeout=10_000):
        real_input.click(editor.buttons.button(QDialogButtonBox.StandardButton.Save))
    assert services.meetings.get(meeting)["public_title"] == "Riverside PACT: have your say"
    assert services.meetings.get(meeting)["title"] == "Riverside PACT meeting"
