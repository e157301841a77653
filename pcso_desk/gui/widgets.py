"""Small typed helpers over Qt widgets: an accessible name, and the parts Qt builds for a widget.

Qt's getters for the parts it makes itself (an editable combo box's line edit and completer)
are typed as possibly None; these say once why each part is there.
"""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtWidgets import QComboBox, QCompleter, QLineEdit, QWidget

W = TypeVar("W", bound=QWidget)


def named(widget: W, name: str) -> W:
    """`widget`, with the name a screen reader says for it."""
    widget.setAccessibleName(name)
    return widget


def line_edit_of(box: QComboBox) -> QLineEdit:
    """The text field of an editable combo box (Qt makes it in `setEditable(True)`)."""
    edit = box.lineEdit()
    assert edit is not None, "the combo box is not editable"
    return edit


def completer_of(box: QComboBox) -> QCompleter:
    """The completer Qt gives an editable combo box along with its line edit."""
    found = box.completer()
    assert found is not None, "the combo box is not editable"
    return found
