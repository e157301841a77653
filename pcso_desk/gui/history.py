"""A record's history: each field's values over time, the ones that lost a sync included,
with who set each, on which station and when; one can be made the value again."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from pcso_desk.gui.desk import Desk

LONDON = ZoneInfo("Europe/London")
COLUMNS = ("Field", "Value", "Set on", "By", "")


class HistoryDialog(QDialog):
    """Opened from a record screen's History button for the selected record."""

    def __init__(self, desk: Desk, kind: str, record_id: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.desk, self.kind, self.record_id = desk, kind, record_id
        self.values: list[Any] = []
        self.setWindowTitle("History")
        self.heading = QLabel("Loading…")
        self.heading.setObjectName("detailTitle")
        self.heading.setWordWrap(True)
        note = QLabel(
            "Every value a field has held, newest first: edits here, changes from other "
            "stations, and values that lost when two stations changed the same field."
        )
        note.setWordWrap(True)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setAccessibleName("Values over time")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.empty = QLabel("No field of this record has had more than one value yet.")
        self.empty.hide()
        self.restore = QPushButton("&Restore this value")
        self.restore.setAccessibleName("Restore this value")
        self.restore.setEnabled(False)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.restore, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for widget in (self.heading, note, self.table, self.empty, buttons):
            layout.addWidget(widget)
        self.table.currentCellChanged.connect(lambda *_: self._enable())
        self.restore.clicked.connect(self._restore)
        self.resize(760, 420)
        self.reload()

    def reload(self) -> None:
        kind, record_id = self.kind, self.record_id
        self.desk.runner.run(
            lambda: self.desk.services.history(kind, record_id), self._show, guard=self
        )

    def _show(self, found: Any) -> None:
        self.values = list(found.values)
        self.heading.setText(f"History of the {found.record}")
        self.table.setRowCount(len(self.values))
        for row, value in enumerate(self.values):
            when = value.when.astimezone(LONDON).strftime("%d %b %Y %H:%M") if value.when else ""
            cells = (value.label, value.text, when, value.who, "now" if value.current else "")
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if value.current:
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                self.table.setItem(row, column, item)
        self.table.setVisible(bool(self.values))
        self.empty.setVisible(not self.values)
        self._enable()
        if self.values:
            self.table.setFocus(Qt.FocusReason.OtherFocusReason)

    def current(self) -> Any:
        row = self.table.currentRow()
        return self.values[row] if 0 <= row < len(self.values) else None

    def _enable(self) -> None:
        value = self.current()
        self.restore.setEnabled(value is not None and not value.current)

    def _restore(self) -> None:
        value = self.current()
        if value is None or value.current:
            return
        question = (
            f"Set the {value.label.lower()} back to “{value.text}”?\n\n"
            "The value it has now stays in this history."
        )
        if not self.desk.ask(self, "Restore a value", question):
            return
        kind, entry = self.kind, value.entry_id
        self.desk.write(
            lambda: self.desk.services.restore_value(kind, entry),
            lambda _changes: self.reload(),
            lambda error: self.desk.report_error(error, self),
        )
