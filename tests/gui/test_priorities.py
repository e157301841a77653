"""Priorities screen: the "you said, we did" timeline, review dates, and keep/drop reviews."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QDialogButtonBox, QStyleOptionViewItem

from pcso_desk.domain.enums import PriorityStatus, ReviewDecision
from pcso_desk.gui.screens.priorities import (
    REVIEW_COLUMN,
    PriorityDetail,
    ReviewDialog,
    priorities_screen,
    timeline_html,
)
from pcso_desk.gui.screens.victims import OVERDUE_COLOUR, SOON_COLOUR
from tests.gui import real_input

TODAY = date(2026, 3, 20)
STATUS_COLUMN = REVIEW_COLUMN + 1


def make_priority(services: Any, world: Any, title: str, agreed: date) -> str:
    values = {
        "title": title,
        "category": "youth_nuisance",
        "neighbourhood_id": world.neighbourhood,
        "ward_id": world.ward,
        "agreed_on": agreed,
        "public_wording": "Reduce nuisance at the skate park in the evenings.",
    }
    return str(services["priorities"].create(values).created[0])


def show_screen(qtbot: Any, desk: Any) -> Any:
    screen = priorities_screen(desk, today=lambda: TODAY)
    qtbot.addWidget(screen)
    screen.resize(1300, 760)
    screen.show()
    qtbot.waitExposed(screen)
    return screen


def open_priority(qtbot: Any, screen: Any, priority: str) -> PriorityDetail:
    real_input.click_row(qtbot, screen.table, lambda: screen.model.row_of(priority))
    detail = screen.findChild(PriorityDetail)
    assert detail is not None
    qtbot.waitUntil(lambda: detail.view is not None and detail.view.record["id"] == priority)
    return detail


def status_in_list(screen: Any, priority: str) -> str:
    """The list's status cell for the priority ("" while the list is reloading)."""
    row = screen.model.row_of(priority)
    return "" if row is None else str(screen.model.index(row, STATUS_COLUMN).data())


def click_save(qtbot: Any, dialog: Any) -> None:
    qtbot.waitExposed(dialog)
    real_input.click(dialog.buttons.button(QDialogButtonBox.StandardButton.Save))


def review(qtbot: Any, detail: PriorityDetail, drop: bool, reason: str, on: str) -> ReviewDialog:
    real_input.click(detail.review_button)
    dialog = detail.dialog
    assert isinstance(dialog, ReviewDialog) and dialog.isVisible()
    qtbot.waitExposed(dialog)
    assert dialog.keep.isChecked()  # keeping is the usual decision
    if drop:
        real_input.click(dialog.drop)
        assert dialog.drop.isChecked()
    real_input.type_text(dialog.reason, reason)
    real_input.clear_and_type(dialog.on, on)
    click_save(qtbot, dialog)
    return dialog


def test_add_action_appears_in_the_timeline(qtbot, desk, services, world) -> None:  # type: ignore[no-untyped-def]
    priority = make_priority(services, world, "Youths at the skate park", date(2026, 3, 10))
    screen = show_screen(qtbot, desk)
    detail = open_priority(qtbot, screen, priority)
    assert "No actions recorded yet" in detail.timeline.toPlainText()

    real_input.click(detail.action_button)
    dialog = detail.dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    qtbot.waitUntil(lambda: dialog.ready)  # type: ignore[attr-defined]
    editors = dialog.form.editors  # type: ignore[attr-defined]
    assert editors["action_on"].input.text() == "20/03/2026"
    real_input.clear_and_type(editors["action_on"].input, "2026-03-18")
    text = "We patrolled the skate park every Friday."
    real_input.type_text(editors["public_text"].input, text)
    real_input.type_text(editors["description"].input, "Spoke to six youths; names to schools.")
    with qtbot.waitSignal(dialog.saved, timeout=5000):  # type: ignore[attr-defined]
        click_save(qtbot, dialog)

    qtbot.waitUntil(lambda: text in detail.timeline.toPlainText())
    shown = detail.timeline.toPlainText()
    assert "Wed 18 Mar 2026" in shown
    assert "Spoke to six youths; names to schools." in shown  # the internal note beneath
    html = detail.timeline.toHtml()
    assert html.index(text) < html.index("Spoke to six youths")
    actions = services["priority_actions"].page().rows
    assert [(a["priority_id"], a["action_on"]) for a in actions] == [(priority, date(2026, 3, 18))]
    # A first action starts work on the priority: the detail and the list both say so.
    assert services["priorities"].get(priority)["status"] == PriorityStatus.IN_PROGRESS
    qtbot.waitUntil(lambda: detail.facts["status"].text().startswith("In progress"))
    qtbot.waitUntil(lambda: status_in_list(screen, priority) == "In progress")
    qtbot.waitUntil(lambda: desk.runner.idle)


def test_keep_review_sets_the_next_review(qtbot, desk, services, world) -> None:  # type: ignore[no-untyped-def]
    priority = make_priority(services, world, "Youths at the skate park", date(2025, 12, 1))
    screen = show_screen(qtbot, desk)
    detail = open_priority(qtbot, screen, priority)
    assert detail.review_box.date.text() == "Sun 01 Mar 2026"
    assert detail.review_box.state.text() == "⚠ Review overdue by 19 days — review it now"
    assert detail.review_box.decision.text() == "No review decision recorded yet."

    review(qtbot, detail, drop=False, reason="Still reported weekly.", on="2026-03-19")

    qtbot.waitUntil(lambda: detail.review_box.decision.text().startswith("Last review: Kept"))
    assert detail.review_box.decision.text() == (
        "Last review: Kept on Thu 19 Mar 2026 — Still reported weekly."
    )
    assert detail.review_box.date.text() == "Fri 19 Jun 2026"
    assert detail.review_box.state.text() == "Next review in 91 days"
    stored = services["priorities"].get(priority)
    assert stored["review_decision"] == ReviewDecision.KEEP
    assert stored["review_on"] == date(2026, 6, 19)
    assert stored["status"] == PriorityStatus.OPEN
    assert detail.review_button.isEnabled()
    qtbot.waitUntil(lambda: desk.runner.idle)


def test_drop_review_ends_the_priority(qtbot, desk, services, world) -> None:  # type: ignore[no-untyped-def]
    priority = make_priority(services, world, "Parking outside the school", date(2025, 12, 1))
    screen = show_screen(qtbot, desk)
    detail = open_priority(qtbot, screen, priority)

    review(qtbot, detail, drop=True, reason="No reports since January.", on="19/03/2026")

    qtbot.waitUntil(lambda: detail.review_box.decision.text().startswith("Last review: Dropped"))
    assert detail.review_box.decision.text() == (
        "Last review: Dropped on Thu 19 Mar 2026 — No reports since January."
    )
    assert detail.review_box.state.text() == "No further review: the priority is dropped."
    assert not detail.review_button.isEnabled()
    stored = services["priorities"].get(priority)
    assert (stored["review_decision"], stored["status"]) == (
        ReviewDecision.DROP,
        PriorityStatus.DROPPED,
    )
    assert stored["review_decided_on"] == date(2026, 3, 19)
    qtbot.waitUntil(lambda: status_in_list(screen, priority) == "Dropped")
    assert screen.model.index(0, REVIEW_COLUMN).data() == "01 Mar 2026"  # no longer overdue
    qtbot.waitUntil(lambda: desk.runner.idle)


def test_a_review_needs_a_reason_and_a_date(qtbot, desk, services, world) -> None:  # type: ignore[no-untyped-def]
    priority = make_priority(services, world, "Youths at the skate park", date(2025, 12, 1))
    detail = open_priority(qtbot, show_screen(qtbot, desk), priority)
    dialog = review(qtbot, detail, drop=True, reason="", on="2026-03-19")
    assert dialog.isVisible()
    assert dialog.message.text() == "Say why the priority is being kept or dropped."
    real_input.type_text(dialog.reason, "No reports.")
    real_input.clear_and_type(dialog.on, "31/02/2026")
    click_save(qtbot, dialog)
    assert (
        dialog.message.text() == "Date: '31/02/2026' is not a date: there is no 31 February 2026."
    )
    qtbot.waitUntil(lambda: desk.runner.idle)
    assert services["priorities"].get(priority)["review_decision"] is None


def test_reviews_due_stand_out_in_the_list(qtbot, desk, services, world) -> None:  # type: ignore[no-untyped-def]
    late = make_priority(services, world, "Drug dealing by the station", date(2025, 12, 1))
    soon = make_priority(services, world, "Speeding on Station Road", date(2025, 12, 25))
    later = make_priority(services, world, "Fly-tipping behind the shops", date(2026, 3, 1))
    screen = show_screen(qtbot, desk)
    qtbot.waitUntil(lambda: screen.model.rowCount() == 3)
    assert [screen.model.row_id(r) for r in range(3)] == [late, soon, later]  # soonest first
    cells = [screen.model.index(r, REVIEW_COLUMN).data() for r in range(3)]
    assert cells == ["⚠ Overdue — 01 Mar 2026", "Due soon — 25 Mar 2026", "01 Jun 2026"]
    delegate = screen.table.itemDelegateForColumn(REVIEW_COLUMN)
    for row, colour in ((0, OVERDUE_COLOUR), (1, SOON_COLOUR)):
        option = QStyleOptionViewItem()
        delegate.initStyleOption(option, screen.model.index(row, REVIEW_COLUMN))
        assert option.palette.color(QPalette.ColorRole.Text).name() == colour
        assert option.font.bold()
    detail = open_priority(qtbot, screen, soon)
    assert detail.review_box.state.text() == "Review due soon — in 5 days"
    qtbot.waitUntil(lambda: desk.runner.idle)


def _add(services: Any, priority: str, on: date, said: str) -> str:
    values = {"action_on": on, "public_text": said, "description": "internal"}
    return str(services.priorities.add_action(priority, values).created[0])


def test_an_action_is_changed_and_removed_from_the_timeline_by_keyboard(  # type: ignore[no-untyped-def]
    qtbot, desk, services, world, answers
) -> None:
    priority = make_priority(services, world, "Parking at the school gates", date(2026, 3, 10))
    first = _add(services, priority, date(2026, 3, 12), "We spoke to the school.")
    _add(services, priority, date(2026, 3, 15), "We ticketed three cars.")
    screen = show_screen(qtbot, desk)
    detail = open_priority(qtbot, screen, priority)
    qtbot.waitUntil(lambda: "We ticketed three cars." in detail.timeline.toPlainText())
    assert "Change" in detail.timeline.toPlainText() and "Remove" in detail.timeline.toPlainText()
    # Tab through the timeline's links (newest action first): Change, Remove, then the
    # older action's Change, which Enter opens.
    real_input.click(detail.timeline)
    for _ in range(3):
        real_input.press(detail.timeline, Qt.Key.Key_Tab)
    assert detail.timeline.textCursor().selectedText() == "Change"
    real_input.press(detail.timeline, Qt.Key.Key_Return)
    dialog = detail.dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    qtbot.waitUntil(lambda: dialog.ready)  # type: ignore[attr-defined]
    public = dialog.form.editors["public_text"].input  # type: ignore[attr-defined]
    assert public.toPlainText() == "We spoke to the school."
    real_input.clear_and_type(public, "We spoke to the head teacher.")
    with qtbot.waitSignal(dialog.saved, timeout=5000):  # type: ignore[attr-defined]
        click_save(qtbot, dialog)
    qtbot.waitUntil(lambda: "We spoke to the head teacher." in detail.timeline.toPlainText())
    real_input.click(detail.timeline)  # the older action's Remove: the fourth link
    for _ in range(4):
        real_input.press(detail.timeline, Qt.Key.Key_Tab)
    assert detail.timeline.textCursor().selectedText() == "Remove"
    real_input.press(detail.timeline, Qt.Key.Key_Return)
    assert "We spoke to the head teacher." in answers.questions[-1]
    qtbot.waitUntil(lambda: "head teacher" not in detail.timeline.toPlainText())
    left = [(a["id"], a["public_text"]) for a in services["priority_actions"].page().rows]
    assert [text for _, text in left] == ["We ticketed three cars."]
    assert first not in [action for action, _ in left]  # the changed one is the one removed
    # The change and the removal are in the audit log as any change is.
    newest = [(e.action, e.kind) for e in services.audit.entries(limit=2)]
    assert newest == [("delete", "priority_actions"), ("change", "priority_actions")]


def test_a_role_that_may_not_delete_is_not_offered_remove() -> None:
    action = {"id": "a1", "action_on": date(2026, 3, 12), "public_text": "We spoke to them."}
    offered = timeline_html([action], changeable=True, removable=False)
    assert "change:a1" in offered and "remove:" not in offered
