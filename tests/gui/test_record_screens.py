"""Every plain record screen lists what the store holds in words a user reads, and edits it."""

from __future__ import annotations

from PySide6.QtCore import Qt

from pcso_desk.gui.screens import definitions as d
from pcso_desk.gui.screens.records import RecordScreen
from tests.factories import utc


def _cells(model, row):  # type: ignore[no-untyped-def]
    return [model.index(row, c).data() for c in range(model.columnCount())]


def test_engagements_list_shows_issue_labels_and_names(
    qtbot, qtmodeltester, desk, services, world
) -> None:  # type: ignore[no-untyped-def]
    services.engagements.create(
        {
            "occurred_at": utc(2026, 3, 3, 11),
            "channel": "patrol",
            "summary": "Chat by the shops",
            "issues": ["asb", "speeding"],
            "ward_id": world.ward,
            "officer_id": world.officer,
        }
    )
    screen = RecordScreen(desk, d.ENGAGEMENTS)
    qtbot.addWidget(screen)
    qtbot.waitUntil(lambda: screen.model.rowCount() == 1)
    qtmodeltester.check(screen.model)
    cells = _cells(screen.model, 0)
    assert "Anti-social behaviour, Speeding / inconsiderate motoring" in cells
    assert "Riverside Central" in cells and "PCSO Alex Example" in cells
    assert "Patrol" in cells


def test_create_edit_and_delete_through_the_screen(qtbot, desk, services, world, answers) -> None:  # type: ignore[no-untyped-def]
    screen = RecordScreen(desk, d.ADMIN["wards"])
    qtbot.addWidget(screen)
    qtbot.waitUntil(lambda: screen.model.rowCount() == 2)
    editor = screen.open_record(None)
    qtbot.waitUntil(lambda: editor.ready)
    qtbot.keyClicks(editor.form.editors["name"].input, "Riverside West")
    qtbot.keyClicks(editor.form.editors["code"].input, "RIV-W")
    editor.form.editors["neighbourhood_id"].set_value(world.neighbourhood)
    qtbot.mouseClick(
        editor.buttons.button(editor.buttons.StandardButton.Save), Qt.MouseButton.LeftButton
    )
    qtbot.waitUntil(lambda: screen.model.rowCount() == 3)
    row = screen.model.row_of(
        next(r["id"] for r in services["wards"].page().rows if r["code"] == "RIV-W")
    )
    screen.table.selectRow(row)
    editor = screen.open_record(screen.selected_id())
    qtbot.waitUntil(lambda: editor.ready)
    assert editor.form.editors["name"].value() == "Riverside West"
    editor.form.editors["name"].input.setText("Riverside Far West")
    editor.save()
    qtbot.waitUntil(
        lambda: any(r["name"] == "Riverside Far West" for r in services["wards"].page().rows)
    )
    qtbot.waitUntil(lambda: screen.model.rowCount() == 3)
    screen.table.selectRow(screen.model.row_of(editor.record_id))
    screen.delete_selected()
    qtbot.waitUntil(lambda: screen.model.rowCount() == 2)
    assert answers.questions[-1].startswith("Delete this ward?")
    assert "Riverside Far West" not in {r["name"] for r in services["wards"].page().rows}


def test_a_bad_value_is_shown_beside_its_field_and_nothing_is_saved(qtbot, desk, services) -> None:  # type: ignore[no-untyped-def]
    screen = RecordScreen(desk, d.CONTACTS)
    qtbot.addWidget(screen)
    editor = screen.open_record(None)
    qtbot.waitUntil(lambda: editor.ready)
    qtbot.keyClicks(editor.form.editors["name"].input, "Casey Check")
    qtbot.keyClicks(editor.form.editors["postcode"].input, "ZZ9")
    field = editor.form.editors["postcode"]
    assert field.error.isVisibleTo(editor) and "not a valid UK postcode" in field.error.text()
    editor.save()
    assert "correct the highlighted field" in editor.message.text()
    assert services.contacts.count() == 0
