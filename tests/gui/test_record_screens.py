"""Every plain record screen lists what the store holds in words a user reads, and edits it."""

from __future__ import annotations

from PySide6.QtWidgets import QDialogButtonBox

from pcso_desk.gui.editor import RecordEditor
from pcso_desk.gui.screens import definitions as d
from pcso_desk.gui.screens.records import RecordScreen
from tests.factories import utc
from tests.gui import real_input


def _cells(model, row):  # type: ignore[no-untyped-def]
    return [model.index(row, c).data() for c in range(model.columnCount())]


def _row_named(screen, name):  # type: ignore[no-untyped-def]
    """The list's row that shows `name` (None while the list reloads)."""
    model = screen.model
    return next((r for r in range(model.rowCount()) if name in _cells(model, r)), None)


def _shown(qtbot, screen):  # type: ignore[no-untyped-def]
    qtbot.addWidget(screen)
    screen.resize(1200, 700)
    screen.show()
    qtbot.waitExposed(screen)
    return screen


def _opened(qtbot, screen, button) -> RecordEditor:  # type: ignore[no-untyped-def]
    """Click New or Edit and wait for the editor it opens."""
    before = set(screen.findChildren(RecordEditor))
    real_input.click(button)
    [editor] = [e for e in screen.findChildren(RecordEditor) if e not in before]
    qtbot.waitExposed(editor)
    qtbot.waitUntil(lambda: editor.ready)
    return editor


def _save(editor) -> None:  # type: ignore[no-untyped-def]
    real_input.click(editor.buttons.button(QDialogButtonBox.StandardButton.Save))


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
    screen = _shown(qtbot, RecordScreen(desk, d.ADMIN["wards"]))
    qtbot.waitUntil(lambda: screen.model.rowCount() == 2)
    editor = _opened(qtbot, screen, screen.new_button)
    real_input.type_text(editor.form.editors["name"].input, "Riverside West")
    real_input.type_text(editor.form.editors["code"].input, "RIV-W")
    area = editor.form.editors["neighbourhood_id"].input
    real_input.choose(area, area.itemText(area.findData(world.neighbourhood)))
    assert editor.form.editors["neighbourhood_id"].value() == world.neighbourhood
    _save(editor)
    qtbot.waitUntil(lambda: screen.model.rowCount() == 3)
    ward = next(r["id"] for r in services["wards"].page().rows if r["code"] == "RIV-W")
    real_input.click_row(qtbot, screen.table, lambda: screen.model.row_of(ward))
    editor = _opened(qtbot, screen, screen.edit_button)
    assert editor.record_id == ward
    assert editor.form.editors["name"].value() == "Riverside West"
    real_input.clear_and_type(editor.form.editors["name"].input, "Riverside Far West")
    _save(editor)
    qtbot.waitUntil(
        lambda: any(r["name"] == "Riverside Far West" for r in services["wards"].page().rows)
    )
    qtbot.waitUntil(lambda: screen.model.rowCount() == 3)
    # The list reloads after the save: wait until it shows the new name before choosing it.
    real_input.click_row(qtbot, screen.table, lambda: _row_named(screen, "Riverside Far West"))
    real_input.click(screen.delete_button)
    qtbot.waitUntil(lambda: screen.model.rowCount() == 2)
    assert answers.questions[-1].startswith("Delete this ward?")
    assert "Riverside Far West" not in {r["name"] for r in services["wards"].page().rows}


def test_a_bad_value_is_shown_beside_its_field_and_nothing_is_saved(qtbot, desk, services) -> None:  # type: ignore[no-untyped-def]
    screen = _shown(qtbot, RecordScreen(desk, d.CONTACTS))
    editor = _opened(qtbot, screen, screen.new_button)
    real_input.type_text(editor.form.editors["name"].input, "Casey Check")
    real_input.type_text(editor.form.editors["postcode"].input, "ZZ9")
    field = editor.form.editors["postcode"]
    assert field.error.isVisibleTo(editor) and "not a valid UK postcode" in field.error.text()
    _save(editor)
    assert "correct the highlighted field" in editor.message.text()
    assert services.contacts.count() == 0
