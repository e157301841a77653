"""KINs screen: members and check-ins move the next due date; overdue marked; ward coverage."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QDialogButtonBox, QStyleOptionViewItem

from pcso_desk.gui.screens.kins import KinDetail, kins_screen, short_date
from pcso_desk.gui.screens.victims import OVERDUE_COLOUR
from tests.gui import real_input

# The screen's day is fixed: a run that crosses midnight must not move it (a CI run did).
TODAY = date(2026, 11, 24)
NAME, NEXT_DUE, LAST = 0, 1, 2


def person(services: Any, name: str) -> str:
    return services.contacts.create(
        {"name": name, "kind": "business", "postcode": "AL1 3AB", "phone": "01632 960123"}
    ).created[0]


def network(services: Any, world: Any) -> str:
    return (
        services["kins"]
        .create(
            {
                "name": "Riverside Central KIN",
                "neighbourhood_id": world.neighbourhood,
                "ward_id": world.ward,
            }
        )
        .created[0]
    )


def member(services: Any, kin: str, name: str, represents: str, joined: date) -> str:
    values = {"kin_id": kin, "represents": represents, "joined_on": joined}
    return (
        services["kin_members"].create({**values, "contact_id": person(services, name)}).created[0]
    )


def show_screen(qtbot: Any, desk: Any) -> Any:
    made = kins_screen(desk, today=lambda: TODAY)
    qtbot.addWidget(made)
    made.resize(1300, 760)
    made.show()
    qtbot.waitExposed(made)
    return made


def open_network(qtbot: Any, screen: Any, kin: str, members: int) -> KinDetail:
    real_input.click_row(qtbot, screen.table, lambda: screen.model.row_of(kin))
    detail = screen.findChild(KinDetail)
    assert detail is not None
    qtbot.waitUntil(lambda: detail.record.get("id") == kin and detail.members.rowCount() == members)
    return detail


def cell(detail: KinDetail, name: str, column: int) -> str:
    """What the members table shows for that person ("" while the list is reloading)."""
    rows = range(detail.members.rowCount())
    row = next((r for r in rows if detail.members.index(r, NAME).data() == name), None)
    return "" if row is None else str(detail.members.index(row, column).data())


def row_named(detail: KinDetail, name: str) -> int | None:
    rows = range(detail.members.rowCount())
    return next((r for r in rows if detail.members.index(r, NAME).data() == name), None)


def click_member(qtbot: Any, detail: KinDetail, name: str) -> None:
    real_input.click_row(qtbot, detail.members_view, lambda: row_named(detail, name), NAME)
    qtbot.waitUntil(lambda: detail.checkin_button.isEnabled())


def open_dialog(qtbot: Any, detail: KinDetail, button: Any) -> Any:
    real_input.click(button)
    dialog = detail.dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    qtbot.waitUntil(lambda: dialog.ready)
    return dialog


def save(qtbot: Any, dialog: Any) -> None:
    button = dialog.buttons.button(QDialogButtonBox.StandardButton.Save)
    with qtbot.waitSignal(dialog.saved, timeout=5000):
        real_input.click(button)


def test_overdue_member_is_marked(qtbot, desk, services, world) -> None:  # type: ignore[no-untyped-def]
    kin = network(services, world)
    member(services, kin, "Ahmed Shopkeeper", "High Street", TODAY - timedelta(weeks=10))
    member(services, kin, "Bev Chair", "Mill Lane", TODAY - timedelta(weeks=1))
    detail = open_network(qtbot, show_screen(qtbot, desk), kin, members=2)

    late = cell(detail, "Ahmed Shopkeeper", NEXT_DUE)
    assert late == f"⚠ Overdue — {short_date(TODAY - timedelta(weeks=4))}"
    assert cell(detail, "Bev Chair", NEXT_DUE) == short_date(TODAY + timedelta(weeks=5))
    assert detail.members.index(0, NAME).data() == "Ahmed Shopkeeper"  # soonest due first
    option = QStyleOptionViewItem()
    late_index = detail.members.index(0, NEXT_DUE)
    detail.members_view.itemDelegateForColumn(NEXT_DUE).initStyleOption(option, late_index)
    assert option.palette.color(QPalette.ColorRole.Text).name() == OVERDUE_COLOUR
    qtbot.waitUntil(lambda: "1 overdue" in detail.summary.text())
    assert detail.summary.text().startswith("2 members")


def test_check_in_moves_next_due(qtbot, desk, services, world) -> None:  # type: ignore[no-untyped-def]
    kin = network(services, world)
    ahmed = member(services, kin, "Ahmed Shopkeeper", "High Street", TODAY - timedelta(weeks=10))
    detail = open_network(qtbot, show_screen(qtbot, desk), kin, members=1)
    assert cell(detail, "Ahmed Shopkeeper", LAST) == "Never"
    click_member(qtbot, detail, "Ahmed Shopkeeper")

    dialog = open_dialog(qtbot, detail, detail.checkin_button)
    checked = TODAY - timedelta(days=2)
    when = dialog.form.editors["checked_on"].input
    assert when.text() == TODAY.strftime("%d/%m/%Y")  # day first, as in the UK
    real_input.press(when, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    real_input.type_text(when, checked.isoformat())  # over the selected date
    real_input.type_text(dialog.form.editors["safety_score"].input, "2")
    concerns = dialog.form.editors["concerns"].input
    real_input.type_text(concerns, "Youths gathering by the shops at night.")
    save(qtbot, dialog)

    stored = services["kin_members"].get(ahmed)
    assert stored["last_checkin_on"] == checked
    assert stored["next_checkin_due"] == checked + timedelta(weeks=6)
    due_shown = short_date(checked + timedelta(weeks=6))
    qtbot.waitUntil(lambda: cell(detail, "Ahmed Shopkeeper", NEXT_DUE) == due_shown)
    assert cell(detail, "Ahmed Shopkeeper", LAST) == short_date(checked)
    qtbot.waitUntil(lambda: "none overdue" in detail.summary.text())
    checkins = services["kin_checkins"].page().rows
    assert [(c["safety_score"], c["member_id"]) for c in checkins] == [(2, ahmed)]


def test_coverage_lists_exactly_the_uncovered_streets(qtbot, desk, services, world) -> None:  # type: ignore[no-untyped-def]
    kin = network(services, world)
    member(services, kin, "Ahmed Shopkeeper", "High St", TODAY)  # abbreviations count
    member(services, kin, "Bev Chair", "mill lane", TODAY)
    gone = member(services, kin, "Carl Warden", "Canal Close", TODAY - timedelta(weeks=20))
    services["kin_members"].update(gone, {"left_on": TODAY})  # a member who left covers nothing
    detail = open_network(qtbot, show_screen(qtbot, desk), kin, members=3)
    panel = detail.coverage

    def gaps() -> list[str]:
        return [panel.gaps.item(i).text() for i in range(panel.gaps.count())]

    qtbot.waitUntil(lambda: panel.ward.currentData() == world.ward and bool(gaps()))
    assert gaps() == ["Station Road", "Canal Close"]
    assert panel.summary.text().startswith("2 of 4 streets and communities have a member")

    # Choose the other ward from the keyboard: it lists no streets.
    real_input.press(panel.ward, Qt.Key.Key_Down)
    qtbot.waitUntil(lambda: "no streets or communities listed" in panel.summary.text())
    assert gaps() == []


def test_adding_a_member_closes_a_coverage_gap(qtbot, desk, services, world) -> None:  # type: ignore[no-untyped-def]
    kin = network(services, world)
    person(services, "Dana Warden")
    detail = open_network(qtbot, show_screen(qtbot, desk), kin, members=0)
    panel = detail.coverage
    qtbot.waitUntil(lambda: panel.gaps.count() == 4)

    dialog = open_dialog(qtbot, detail, detail.add_button)
    picker = dialog.form.editors["contact_id"].input
    real_input.type_text(picker, "Dana")
    qtbot.waitUntil(lambda: picker.count() == 1 and picker.view().isVisible())
    real_input.press_in_window(dialog, Qt.Key.Key_Return)  # the popup takes the match
    qtbot.waitUntil(lambda: dialog.form.editors["contact_id"].value() is not None)
    real_input.type_text(dialog.form.editors["represents"].input, "Station Road")
    save(qtbot, dialog)

    qtbot.waitUntil(lambda: detail.members.rowCount() == 1)
    assert cell(detail, "Dana Warden", NEXT_DUE) == short_date(TODAY + timedelta(weeks=6))
    stored = services["kin_members"].page().rows
    assert [(m["kin_id"], m["represents"]) for m in stored] == [(kin, "Station Road")]
    qtbot.waitUntil(lambda: panel.gaps.count() == 3)
    assert "Station Road" not in [panel.gaps.item(i).text() for i in range(3)]


def test_members_model_is_sound(qtbot, qtmodeltester, desk, services, world) -> None:  # type: ignore[no-untyped-def]
    kin = network(services, world)
    for number, street in enumerate(("High Street", "Mill Lane", "Station Road")):
        member(services, kin, f"Member {number}", street, TODAY - timedelta(weeks=3 * number))
    detail = open_network(qtbot, show_screen(qtbot, desk), kin, members=3)
    qtmodeltester.check(detail.members)
