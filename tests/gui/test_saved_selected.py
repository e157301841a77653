"""A record just saved is selected in its list, in sight, with its detail shown."""

from __future__ import annotations

from PySide6.QtWidgets import QDialogButtonBox

from pcso_desk.gui.screens.contacts import contacts_screen
from tests.gui import real_input


def test_a_new_contact_is_selected_and_shown_once_saved(qtbot, desk, services) -> None:  # type: ignore[no-untyped-def]
    for n in range(30):
        services.contacts.create({"name": f"Aaron Early {n:02d}", "postcode": "AL1 1AA"})
    screen = contacts_screen(desk)
    qtbot.addWidget(screen)
    screen.resize(1200, 500)
    screen.show()
    qtbot.waitUntil(lambda: screen.model.rowCount() == 30)
    editor = screen.open_record(None)
    qtbot.waitExposed(editor)
    qtbot.waitUntil(lambda: editor.ready)
    real_input.type_text(editor.form.editors["name"].input, "Zara Zed")
    with qtbot.waitSignal(editor.saved, timeout=5000) as saved:
        real_input.click(editor.buttons.button(QDialogButtonBox.StandardButton.Save))
    made = saved.args[0].created[0]
    qtbot.waitUntil(lambda: screen.selected_id() == made, timeout=5000)
    row = screen.table.currentIndex()
    assert screen.table.viewport().rect().intersects(screen.table.visualRect(row))  # in sight
    qtbot.waitUntil(lambda: "Zara Zed" in screen.detail.title.text(), timeout=5000)
