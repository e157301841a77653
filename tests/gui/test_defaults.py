"""Forms start with the signed-in officer, their neighbourhood and ward (never whatever comes
first in the alphabet), and officer lists hold the team's officers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from PySide6.QtWidgets import QComboBox, QDialogButtonBox

from pcso_desk.domain.enums import UserRole
from pcso_desk.gui.editor import RecordEditor
from pcso_desk.gui.screens import definitions as d
from pcso_desk.gui.screens.records import RecordScreen
from pcso_desk.services.protection import accounts
from pcso_desk.services.values import ListQuery
from tests.gui import real_input
from tests.gui.test_victims import make_case, open_case, show_screen

PASSWORD = "a long enough passphrase"


def _elsewhere(services: Any, world: Any) -> str:
    """A neighbourhood that sorts first (Abbots Langley) with an officer of its own."""
    hood = (
        services["neighbourhoods"]
        .create({"name": "Abbots Langley SNT", "code": "ABL", "district_id": world.district})
        .created[0]
    )
    services["wards"].create({"name": "Abbots Langley", "code": "ABL-1", "neighbourhood_id": hood})
    return str(
        services["officers"]
        .create(
            {
                "name": "PCSO Aaron Away",
                "collar_number": "PCSO 1",
                "role": "pcso",
                "neighbourhood_id": hood,
            }
        )
        .created[0]
    )


def _signed_in(services: Any, world: Any) -> None:
    services["officer_wards"].create({"officer_id": world.officer, "ward_id": world.other_ward})
    ctx = services.ctx
    accounts.create_account(ctx, "alex", PASSWORD, UserRole.PCSO, officer_id=world.officer)
    accounts.sign_in(ctx, "alex", PASSWORD)


def _combo(editor: RecordEditor, key: str) -> QComboBox:
    combo = editor.form.editors[key].input
    assert isinstance(combo, QComboBox)
    return combo


def _opened(qtbot: Any, editor: RecordEditor) -> RecordEditor:
    qtbot.addWidget(editor)
    editor.show()
    qtbot.waitExposed(editor)
    qtbot.waitUntil(lambda: editor.ready)
    return editor


def test_a_new_priority_starts_in_the_officers_own_neighbourhood_ward_and_name(
    qtbot, desk, services, world
) -> None:  # type: ignore[no-untyped-def]
    away = _elsewhere(services, world)
    _signed_in(services, world)
    screen = RecordScreen(desk, d.PRIORITIES)
    qtbot.addWidget(screen)
    editor = _opened(qtbot, screen.open_record(None))
    assert _combo(editor, "neighbourhood_id").currentData() == world.neighbourhood
    assert _combo(editor, "neighbourhood_id").currentText() == "Riverside SNT"
    assert _combo(editor, "ward_id").currentData() == world.other_ward  # the officer's own ward
    owner = _combo(editor, "owner_id")
    assert owner.currentData() == world.officer
    listed = [owner.itemData(i) for i in range(owner.count())]
    assert away not in listed and world.officer in listed  # the team's officers only


def test_a_kin_check_in_starts_with_the_signed_in_officer(qtbot, desk, services, world) -> None:  # type: ignore[no-untyped-def]
    _elsewhere(services, world)
    _signed_in(services, world)
    editor = _opened(
        qtbot, RecordEditor(desk, "kin_checkins", "Check in", d.CHECKIN_FIELDS, None, {})
    )
    assert _combo(editor, "officer_id").currentData() == world.officer


def test_record_contact_files_the_visit_under_the_signed_in_officer_not_the_case_owner(
    qtbot, desk, services, world
) -> None:  # type: ignore[no-untyped-def]
    away = _elsewhere(services, world)
    case_id = make_case(services, world, "Vic Example", "41/12345/26", 3)
    services["victim_cases"].update(case_id, {"officer_id": away})  # owned elsewhere
    _signed_in(services, world)
    screen = show_screen(qtbot, desk)
    detail = open_case(qtbot, screen, case_id)
    real_input.click(detail.record_button)
    dialog = detail.dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    qtbot.waitUntil(lambda: dialog.ready)
    assert _combo(dialog, "officer_id").currentData() == world.officer
    real_input.type_text(dialog.form.editors["notes"].input, "Called; all well.")
    with qtbot.waitSignal(dialog.saved, timeout=5000):
        real_input.click(dialog.buttons.button(QDialogButtonBox.StandardButton.Save))
    visits = services["victim_contacts"].page(ListQuery(filters={"case": case_id})).rows
    assert [v["officer_id"] for v in visits] == [world.officer]


def test_a_meeting_saved_without_its_neighbourhood_is_refused_in_one_sentence(
    qtbot, desk, services, world
) -> None:  # type: ignore[no-untyped-def]
    editor = _opened(qtbot, RecordEditor(desk, "meetings", "New meeting", d.MEETINGS.fields))
    assert _combo(editor, "neighbourhood_id").currentText() == "Choose…"  # no one signed in
    starts = (datetime.now(UTC) + timedelta(days=3)).strftime("%Y-%m-%d 19:00")
    real_input.type_text(editor.form.editors["title"].input, "Riverside PACT")
    real_input.clear_and_type(editor.form.editors["starts_at"].input, starts)
    real_input.click(editor.buttons.button(QDialogButtonBox.StandardButton.Save))
    error = editor.form.editors["neighbourhood_id"].error
    qtbot.waitUntil(lambda: error.isVisible())
    assert error.text() == (
        "Choose the meeting's neighbourhood: without it the meeting reaches no handout."
    )
    assert services.meetings.count() == 0
