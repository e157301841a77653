"""The merge dialog: two versions of one person side by side, a choice wherever they differ.

Every field a merge carries (domain/carry.py) is shown for the kept contact and for the
other record, with what the merge will do with it. Where both hold different values the
person merging picks one; nothing the other record holds is dropped without that visible
choice. "Merge into existing" preselects what was just typed; the contact pane's merge of a
chosen duplicate preselects the kept contact's values (a blank of its own is filled anyway).
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QRadioButton,
    QScrollArea,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from pcso_desk.domain.carry import Way
from pcso_desk.gui.desk import Desk

WRAP = 44  # characters a line of a shown value
MOST_LINES = 6  # a longer value (notes) shows its start; the whole of it is in its tooltip
BLANK = "(blank)"

OUTCOMES = {  # what the merge does with a field, in the dialog's last column
    Way.SAME: "Same in both",
    Way.KEPT: "Kept as it is",
    Way.FILLS: "Filled in",
    Way.UNITE: "Tags of both",
    Way.CHOOSE: "Your choice",
    Way.APART: "Not carried",
}


def _shown(text: str) -> str:
    """A value wrapped to the column, cut short (with …) when it is very long."""
    if not text:
        return BLANK
    lines = [line for part in text.splitlines() for line in (textwrap.wrap(part, WRAP) or [""])]
    if len(lines) > MOST_LINES:
        lines = lines[:MOST_LINES]
        lines[-1] += " …"
    return "\n".join(lines)


class MergeDialog(QDialog):
    """Choose, field by field, what the kept contact holds after the merge.

    `rows` are Services.merge_choices' FieldVersions; `titles` name the two columns (the
    kept contact's first); with `prefer_other` the other record's differing values start
    chosen. `take()` is what to pass to Services.merge_contacts.
    """

    def __init__(
        self,
        rows: Sequence[Any],
        titles: tuple[str, str],
        prefer_other: bool,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Merge contacts")
        self.setAccessibleName("Merge contacts")
        self.rows = list(rows)
        self.titles = titles
        self.choices: dict[str, tuple[QRadioButton, QRadioButton]] = {}
        self._groups: list[QButtonGroup] = []
        self.intro = intro = QLabel(
            "Where the two differ, choose the value to keep. A blank never replaces a value, "
            "and tags from both are kept. A field marked “Not carried” is not merged: the kept "
            "contact's value stays, and the other is kept with the merged record. You can undo "
            "the merge afterwards."
        )
        intro.setWordWrap(True)
        grid_holder = QWidget()
        grid_holder.setObjectName("mergeGrid")
        self.grid = QGridLayout(grid_holder)
        self.grid.setHorizontalSpacing(16)
        self.grid.setVerticalSpacing(8)
        for column, text in enumerate(("Field", *titles, "After the merge")):
            heading = QLabel(f"<b>{text}</b>")
            self.grid.addWidget(heading, 0, column)
        for number, row in enumerate(self.rows, start=1):
            self._add_row(number, row, prefer_other)
        self.grid.setColumnStretch(1, 1)
        self.grid.setColumnStretch(2, 1)
        self.grid.setRowStretch(len(self.rows) + 1, 1)
        self._scroll = scroll = QScrollArea()
        scroll.setWidget(grid_holder)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.merge_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.merge_button.setText("&Merge")
        for button in self.buttons.buttons():
            button.setAccessibleName(button.text().replace("&", ""))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.buttons)
        self.setStyleSheet("QLabel#mergeOutcome { color: #4a5568; }")
        self._grid_holder = grid_holder
        self._fitted = False

    def _add_row(self, number: int, row: Any, prefer_other: bool) -> None:
        name = QLabel(row.label)
        self.grid.addWidget(name, number, 0, Qt.AlignmentFlag.AlignTop)
        if row.way is Way.CHOOSE:
            group = QButtonGroup(self)  # one choice a row: the rows do not exclude each other
            buttons = []
            for column, text in ((1, row.kept), (2, row.other)):
                button = QRadioButton(_shown(text))
                button.setAutoExclusive(False)
                button.setAccessibleName(f"{row.label}: {self.titles[column - 1]}")
                button.setAccessibleDescription(text)
                button.setToolTip(text)
                group.addButton(button)
                self.grid.addWidget(button, number, column, Qt.AlignmentFlag.AlignTop)
                buttons.append(button)
            buttons[1 if prefer_other else 0].setChecked(True)
            group.setExclusive(True)
            self._groups.append(group)
            self.choices[row.name] = (buttons[0], buttons[1])
            name.setBuddy(buttons[0])
        else:
            for column, text in ((1, row.kept), (2, row.other)):
                value = QLabel(_shown(text))
                value.setToolTip(text)
                value.setAccessibleName(f"{row.label}: {self.titles[column - 1]}")
                value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
                self.grid.addWidget(value, number, column, Qt.AlignmentFlag.AlignTop)
        outcome = QLabel(OUTCOMES[row.way])
        outcome.setObjectName("mergeOutcome")
        self.grid.addWidget(outcome, number, 3, Qt.AlignmentFlag.AlignTop)

    def showEvent(self, event: QShowEvent) -> None:
        """Sized when first shown, once styled: as wide and tall as the rows need, never
        more than the screen holds (the rows scroll then)."""
        if not self._fitted:
            self._fitted = True
            self.ensurePolished()
            self._grid_holder.ensurePolished()
            wanted = self._grid_holder.sizeHint()
            room = self.screen().availableGeometry()
            bar = self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)
            others = self.intro.sizeHint().height() + self.buttons.sizeHint().height() + 80
            self._scroll.setMinimumSize(
                min(wanted.width() + bar + 4, room.width() - 80),
                min(wanted.height() + 4, room.height() - others),
            )
            self.adjustSize()
        super().showEvent(event)

    def take(self) -> frozenset[str]:
        """The fields whose value comes from the other record where the kept one has one."""
        return frozenset(name for name, (_, other) in self.choices.items() if other.isChecked())


def choose_then_merge(
    desk: Desk,
    parent: QWidget,
    keep_id: str,
    other: str | dict[str, Any],
    titles: tuple[str, str],
    prefer_other: bool,
    merge: Callable[[frozenset[str]], None],
) -> None:
    """Fetch both versions on the worker, show the dialog over `parent`, and call
    `merge(take)` if the user presses Merge (Cancel changes nothing)."""
    services = desk.services
    if parent.property("mergeOpen"):  # a second click while the first is being read or shown
        return
    parent.setProperty("mergeOpen", True)

    def closed() -> None:
        parent.setProperty("mergeOpen", False)

    def show(rows: list[Any]) -> None:
        dialog = MergeDialog(rows, titles, prefer_other, parent)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: merge(dialog.take()))
        dialog.finished.connect(closed)
        dialog.open()

    def failed(error: BaseException) -> None:
        closed()
        desk.report_error(error, parent)

    desk.runner.run(lambda: services.merge_choices(keep_id, other), show, failed, guard=parent)
