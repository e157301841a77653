"""An editor opens with the keyboard in its first field: what is typed straight away (through
the window, as a person types) lands there, and survives the form filling in."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QLineEdit

from pcso_desk.gui.screens import definitions as d
from pcso_desk.gui.screens.records import RecordScreen
from tests.gui import real_input


@pytest.mark.parametrize(
    "definition", [d.CONTACTS, d.MEETINGS, d.PRIORITIES, d.MESSAGES], ids=lambda x: x.kind
)
def test_the_first_keystrokes_land_in_the_first_field(qtbot, desk, definition) -> None:  # type: ignore[no-untyped-def]
    screen = RecordScreen(desk, definition)
    qtbot.addWidget(screen)
    editor = screen.open_record(None)
    qtbot.waitExposed(editor)
    real_input.type_in_window(editor, "Robin")  # at once, before the choices have loaded
    qtbot.waitUntil(lambda: editor.ready)
    first_key, first = next(iter(editor.form.editors.items()))
    if isinstance(first.input, QLineEdit):
        assert first.input.text() == "Robin", first_key
    else:  # a drop-down takes the keys as a search of its items: it still has the keyboard
        assert first.input.hasFocus(), first_key
    assert editor.focusWidget() is first.input
