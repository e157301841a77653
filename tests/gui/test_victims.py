"""Victim care screen: next contact due moves only on a successful contact; overdue stands out."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QDialogButtonBox, QStyleOptionViewItem

from pcso_desk.domain.enums import CaseStatus
from pcso_desk.domain.schedule import LONDON, add_local_months
from pcso_desk.gui.screens.definitions import when
from pcso_desk.gui.screens.victims import OVERDUE_COLOUR, CaseDetail, victims_screen
from tests.gui import real_input

NOW = datetime.now(UTC).replace(second=0, microsecond=0)


def make_case(services: Any, world: Any, name: str, ref: str, opened_days_ago: int) -> str:
    victim = services.contacts.create(
        {"name": name, "kind": "resident", "postcode": "AL1 3AB", "phone": "07700 900123"}
    ).created[0]
    return (
        services["victim_cases"]
        .create(
            {
                "victim_id": victim,
                "crime_reference": ref,
                "offence_type": "Burglary dwelling",
                "opened_at": NOW - timedelta(days=opened_days_ago),
                "officer_id": world.officer,
                "ward_id": world.ward,
                "contact_frequency": "monthly",
            }
        )
        .created[0]
    )


def due_in_store(services: Any, case_id: str) -> datetime | None:
    return services["victim_cases"].get(case_id)["next_contact_due"]


def show_screen(qtbot: Any, desk: Any) -> Any:
    """Open the screen once the test's data is in the store, as a user would find it."""
    made = victims_screen(desk)
    qtbot.addWidget(made)
    made.resize(1300, 720)
    made.show()
    qtbot.waitExposed(made)
    return made


def detail_of(screen: Any) -> CaseDetail:
    found = screen.findChild(CaseDetail)
    assert found is not None
    return found


def list_cell(screen: Any, case_id: str, column: int) -> Any:
    """The list's cell for the case, read afresh (None while the windowed list refetches)."""
    row = screen.model.row_of(case_id)
    return None if row is None else screen.model.index(row, column).data()


def open_case(qtbot: Any, screen: Any, case_id: str) -> CaseDetail:
    """Click the case's row in the list, as a user would, and wait for its detail."""
    real_input.click_row(qtbot, screen.table, lambda: screen.model.row_of(case_id), column=1)
    detail = detail_of(screen)
    qtbot.waitUntil(lambda: detail.record.get("id") == case_id and detail.currentIndex() == 1)
    return detail


def save(qtbot: Any, dialog: Any) -> None:
    qtbot.waitExposed(dialog)
    real_input.click(dialog.buttons.button(QDialogButtonBox.StandardButton.Save))


def record_contact(qtbot: Any, detail: CaseDetail, at: datetime, made: bool, notes: str) -> None:
    real_input.click(detail.record_button)
    dialog = detail.dialog
    assert dialog is not None and dialog.isVisible()
    qtbot.waitExposed(dialog)
    qtbot.waitUntil(lambda: dialog.ready)
    editors = dialog.form.editors
    typed = at.astimezone(LONDON).strftime("%Y-%m-%d %H:%M")
    real_input.clear_and_type(editors["contacted_at"].input, typed)
    if not made:  # "Contact was made" starts ticked
        real_input.press(editors["successful"].input, Qt.Key.Key_Space)
    assert editors["successful"].input.isChecked() is made
    real_input.type_text(editors["notes"].input, notes)
    with qtbot.waitSignal(dialog.saved, timeout=5000):
        save(qtbot, dialog)


def test_successful_contact_moves_the_next_due_date(qtbot, desk, services, world) -> None:  # type: ignore[no-untyped-def]
    case = make_case(services, world, "Jo Bloggs", "41/12345/26", opened_days_ago=3)
    before = due_in_store(services, case)
    assert before is not None
    screen = show_screen(qtbot, desk)
    detail = open_case(qtbot, screen, case)
    assert detail.due_box.date.text() == when(before, {})

    contact_at = NOW - timedelta(hours=1)
    record_contact(qtbot, detail, contact_at, made=True, notes="Spoke at the door; reassured.")

    expected = add_local_months(contact_at, 1)
    qtbot.waitUntil(lambda: due_in_store(services, case) == expected)
    qtbot.waitUntil(lambda: detail.due_box.date.text() == when(expected, {}))
    assert "On track" in detail.due_box.state.text()
    qtbot.waitUntil(lambda: detail.timeline.rowCount() == 1)
    cells = [detail.timeline.index(0, c).data() for c in range(detail.timeline.columnCount())]
    assert cells[3] == "Made" and cells[5] == "Spoke at the door; reassured."
    # The windowed list refetches after the save: find the case's row afresh on every look.
    qtbot.waitUntil(lambda: list_cell(screen, case, 0) == when(expected, {}))


def test_unsuccessful_attempt_does_not_move_it(qtbot, desk, services, world) -> None:  # type: ignore[no-untyped-def]
    case = make_case(services, world, "Sam Sample", "41/22345/26", opened_days_ago=3)
    before = due_in_store(services, case)
    screen = show_screen(qtbot, desk)
    detail = open_case(qtbot, screen, case)
    shown_before = detail.due_box.date.text()

    record_contact(qtbot, detail, NOW - timedelta(minutes=30), made=False, notes="No answer.")

    qtbot.waitUntil(lambda: detail.timeline.rowCount() == 1)
    assert detail.timeline.index(0, 3).data() == "Not made"
    qtbot.waitUntil(lambda: desk.runner.idle)
    assert due_in_store(services, case) == before
    assert detail.due_box.date.text() == shown_before
    contacts = services["victim_contacts"].page().rows
    assert [c["successful"] for c in contacts] == [False]


def test_an_overdue_case_stands_out(qtbot, desk, services, world) -> None:  # type: ignore[no-untyped-def]
    late = make_case(services, world, "Priya Testcase", "41/32345/26", opened_days_ago=20)
    fine = make_case(services, world, "Morgan Example", "41/42345/26", opened_days_ago=0)
    screen = show_screen(qtbot, desk)
    qtbot.waitUntil(lambda: screen.model.rowCount() == 2)
    # Soonest due first, so the overdue case leads the list.
    assert screen.model.row_id(0) == late
    late_cell = screen.model.index(0, 0)
    assert late_cell.data().startswith("⚠ Overdue — ")
    assert not screen.model.index(1, 0).data().startswith("⚠")

    option = QStyleOptionViewItem()
    screen.table.itemDelegateForColumn(0).initStyleOption(option, late_cell)
    assert option.palette.color(QPalette.ColorRole.Text).name() == OVERDUE_COLOUR
    assert option.font.bold()

    detail = open_case(qtbot, screen, late)
    # Opened 20 days ago, first contact due after 5: 15 days late (14 across a clock change).
    assert re.search(r"Overdue by 1[45] days", detail.due_box.state.text())
    assert OVERDUE_COLOUR in detail.due_box.styleSheet()
    detail = open_case(qtbot, screen, fine)
    assert "Overdue" not in detail.due_box.state.text()


def test_closing_a_case(qtbot, desk, services, world) -> None:  # type: ignore[no-untyped-def]
    case = make_case(services, world, "Alex Sample", "41/52345/26", opened_days_ago=2)
    screen = show_screen(qtbot, desk)
    detail = open_case(qtbot, screen, case)
    real_input.click(detail.close_button)
    dialog = detail.dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.ready)

    save(qtbot, dialog)  # no reason given: refused, with the reason field flagged
    error = dialog.form.editors["closing_reason"].error
    qtbot.waitUntil(lambda: error.isVisible())
    assert "why" in error.text().lower()
    assert services["victim_cases"].get(case)["status"] == CaseStatus.OPEN

    reason = dialog.form.editors["closing_reason"].input
    real_input.type_text(reason, "Offender charged; victim content.")
    satisfaction = dialog.form.editors["satisfaction"].input
    real_input.type_text(satisfaction, "4")  # type-to-select "4 — satisfied"
    assert satisfaction.currentData() == "4"
    with qtbot.waitSignal(dialog.saved, timeout=5000):
        save(qtbot, dialog)

    stored = services["victim_cases"].get(case)
    assert stored["status"] == CaseStatus.CLOSED
    assert stored["satisfaction"] == 4
    assert stored["closing_reason"] == "Offender charged; victim content."
    assert stored["next_contact_due"] is None
    qtbot.waitUntil(lambda: screen.model.rowCount() == 0)  # the list shows open cases
    qtbot.waitUntil(lambda: detail.due_box.date.text() == "No further contact due")
    assert not detail.record_button.isEnabled() and not detail.close_button.isEnabled()


def test_timeline_model_is_sound(qtbot, qtmodeltester, desk, services, world) -> None:  # type: ignore[no-untyped-def]
    case = make_case(services, world, "Jo Bloggs", "41/62345/26", opened_days_ago=10)
    for days, made in ((9, True), (4, False), (1, True)):
        services.victims.record_contact(
            case,
            {
                "contacted_at": NOW - timedelta(days=days),
                "visit_type": "follow_up",
                "method": "phone",
                "successful": made,
            },
        )
    screen = show_screen(qtbot, desk)
    detail = open_case(qtbot, screen, case)
    qtbot.waitUntil(lambda: detail.timeline.rowCount() == 3)
    whens = [detail.timeline.index(r, 0).data() for r in range(3)]
    assert whens[0].startswith((NOW - timedelta(days=1)).astimezone(LONDON).strftime("%d %b"))
    qtmodeltester.check(detail.timeline)
