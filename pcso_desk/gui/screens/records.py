"""A list-and-editor screen for one record type: filter as you type, sort, create, edit, delete."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from pcso_desk.gui.desk import Desk
from pcso_desk.gui.editor import RecordEditor
from pcso_desk.gui.forms import FieldDef
from pcso_desk.gui.list_memory import ColumnMemory, SplitMemory
from pcso_desk.gui.table_model import ColumnDef, WindowedTableModel
from pcso_desk.services.values import Changes, ListQuery

FILTER_DELAY_MS = 120
# Rows whose text sizes a column (Qt's default reads 1,000 rows for each column: on a long
# windowed list, a thousand rows not fetched yet, nine roles each, for every column).
SIZE_FROM_ROWS = 60


@dataclass(frozen=True)
class ScreenDef:
    """What a record screen shows: its kind, list columns, editor fields and wording."""

    kind: str
    title: str
    noun: str
    columns: Sequence[ColumnDef]
    fields: Sequence[FieldDef]
    filter_hint: str = "Filter…"
    query: ListQuery = field(default_factory=ListQuery)
    listens: frozenset[str] = frozenset()


class RecordScreen(QWidget):
    """List on the left (lazy, SQL-sorted), optional detail pane on the right."""

    selected = Signal(object)  # record id or None

    def __init__(self, desk: Desk, definition: ScreenDef, detail: QWidget | None = None) -> None:
        super().__init__()
        self.desk = desk
        self.definition = definition
        self.service = desk.services[definition.kind]
        self.extra_filters: dict[str, Any] = {}
        self.setAccessibleName(definition.title)
        self.filter = QLineEdit()
        self.filter.setPlaceholderText(definition.filter_hint)
        self.filter.setAccessibleName(f"Filter {definition.title.lower()}")
        self.filter.setClearButtonEnabled(True)
        # Room for a word or a postcode however many buttons share the bar (never "Fi…").
        self.filter.setMinimumWidth(self.filter.fontMetrics().horizontalAdvance("M" * 11))
        self.count = QLabel()
        self.count.setAccessibleName("Rows shown")
        self.new_button = QPushButton(f"&New {definition.noun}")
        self.edit_button = QPushButton("&Edit")
        self.delete_button = QPushButton("&Delete")
        # Every value the selected record's fields have held, other stations' included.
        self.history_button = QPushButton("Histor&y")
        for button in (self.new_button, self.edit_button, self.delete_button, self.history_button):
            button.setAccessibleName(button.text().replace("&", ""))
        self._offer_what_the_role_may()
        self.model = WindowedTableModel(
            desk.runner,
            self.service.page,
            self.service.counted_page,
            definition.columns,
            definition.query,
            parent=self,
        )
        self.table = self._make_table()
        self.columns = ColumnMemory(desk, self.table, definition.kind)
        self.split: SplitMemory | None = None
        self._filter_timer = QTimer(self, singleShot=True, interval=FILTER_DELAY_MS)
        self._filter_timer.timeout.connect(self._apply_filter)
        self._wire()
        self._layout(detail)
        self.model.fetchMore()

    def _offer_what_the_role_may(self) -> None:
        """New and Delete are disabled, saying who can, for a role that may not use them."""
        from pcso_desk.domain.permissions import Action
        from pcso_desk.gui.offered import offer

        kind = self.definition.kind
        offer(self.desk, self.new_button, Action.CREATE, kind)
        offer(self.desk, self.delete_button, Action.DELETE, kind)

    def _make_table(self) -> QTableView:
        table = QTableView()
        table.setModel(self.model)
        table.setAccessibleName(f"{self.definition.title} list")
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        # No sort indicator until the user clicks a header: the query's own order stands.
        table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        table.setSortingEnabled(True)
        table.setAlternatingRowColors(True)
        table.verticalHeader().hide()
        table.verticalHeader().setDefaultSectionSize(26)
        for either in (table.verticalHeader(), table.horizontalHeader()):  # Qt reads the latter
            either.setResizeContentsPrecision(SIZE_FROM_ROWS)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        header.setDefaultSectionSize(160)
        return table

    def _wire(self) -> None:
        self.filter.textChanged.connect(self._filter_timer.start)
        self.new_button.clicked.connect(lambda: self.open_record(None))
        self.edit_button.clicked.connect(self.edit_selected)
        self.delete_button.clicked.connect(self.delete_selected)
        self.history_button.clicked.connect(self.show_history)
        self.table.activated.connect(lambda index: self.open_record(self.model.row_id(index.row())))
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        self.model.loaded.connect(self._show_count)
        self.model.loaded.connect(lambda _rows: self.columns.fit_to_contents())
        self.model.failed.connect(self.desk.report_error)
        self.desk.hub.changed.connect(self._on_changes)

    def _layout(self, detail: QWidget | None) -> None:
        # The filter on a row of its own above the buttons: both fit at 1024 px wide with a
        # detail pane beside the list. Screens may add their own buttons to `bar`, and
        # their own filters to `filter_row`.
        self.filter_row = filter_row = QHBoxLayout()
        filter_row.addWidget(self.filter, 1)
        filter_row.addWidget(self.count)
        self.bar = bar = QHBoxLayout()
        for button in (self.new_button, self.edit_button, self.delete_button, self.history_button):
            bar.addWidget(button)
        bar.setAlignment(Qt.AlignmentFlag.AlignLeft)  # buttons added later line up too
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addLayout(filter_row)
        left_layout.addLayout(bar)
        left_layout.addWidget(self.table)
        layout = QVBoxLayout(self)
        heading = QLabel(self.definition.title)
        heading.setObjectName("screenTitle")
        layout.addWidget(heading)
        if detail is None:
            layout.addWidget(left, 1)
            return
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout.addWidget(splitter, 1)
        self.split = SplitMemory(self.desk, splitter, self.definition.kind)

    def set_extra_filters(self, filters: dict[str, Any]) -> None:
        """Narrow the list further (e.g. only unanswered messages), on top of the typed text."""
        self.extra_filters = filters
        self._apply_filter()

    def _apply_filter(self) -> None:
        self.model.set_query(
            ListQuery(
                text=self.filter.text(),
                filters={**self.definition.query.filters, **self.extra_filters},
                sort=self.model.query.sort,
                descending=self.model.query.descending,
            )
        )

    def _show_count(self, rows: int) -> None:
        more = "+" if self.model.canFetchMore() else ""
        self.count.setText(f"{rows:,}{more} shown")

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self.split is not None:  # an empty detail pane stays narrow
            self.split.fit(current.isValid())
        self.selected.emit(self.model.row_id(current.row()) if current.isValid() else None)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self.split is not None:
            self.split.fit()

    def _on_changes(self, changes: Changes) -> None:
        if changes.kind == self.definition.kind or changes.kind in self.definition.listens:
            self.model.reload()

    def selected_id(self) -> str | None:
        index = self.table.currentIndex()
        return self.model.row_id(index.row()) if index.isValid() else None

    def edit_selected(self) -> None:
        record_id = self.selected_id()
        if record_id:
            self.open_record(record_id)

    def editor(self, record_id: str | None, initial: dict[str, Any] | None = None) -> RecordEditor:
        noun = self.definition.noun
        title = f"New {noun}" if record_id is None else f"Edit {noun}"
        return RecordEditor(
            self.desk,
            self.definition.kind,
            title,
            self.definition.fields,
            record_id,
            initial,
            parent=self,
        )

    def open_record(
        self, record_id: str | None, initial: dict[str, Any] | None = None
    ) -> RecordEditor:
        dialog = self.editor(record_id, initial)
        dialog.saved.connect(self._show_saved)
        dialog.setModal(True)
        dialog.show()
        return dialog

    def _show_saved(self, changes: Changes) -> None:
        """The record just saved is selected in the list once it reloads (shown in the
        detail pane at least, when its row is further down than the pages fetched)."""
        if changes.kind != self.definition.kind or not (changes.created or changes.updated):
            return
        saved = (changes.created or changes.updated)[0]

        def select(_rows: int = 0) -> None:
            self.model.loaded.disconnect(select)
            if self.select_record(saved):
                self.table.scrollTo(self.table.currentIndex())
            else:
                self.selected.emit(saved)

        self.model.loaded.connect(select)

    def show_history(self) -> None:
        record_id = self.selected_id()
        if not record_id:
            return
        from pcso_desk.gui.history import HistoryDialog

        dialog = HistoryDialog(self.desk, self.definition.kind, record_id, self)
        dialog.setModal(True)
        dialog.show()

    def delete_selected(self) -> None:
        record_id = self.selected_id()
        if not record_id or not self.delete_button.isEnabled():
            return
        noun = self.definition.noun
        if not self.desk.ask(
            self, f"Delete {noun}", f"Delete this {noun}? This cannot be undone here."
        ):
            return
        self.desk.write(lambda: self.service.delete(record_id))

    def select_record(self, record_id: str) -> bool:
        row = self.model.row_of(record_id)
        if row is None:
            return False
        self.table.selectRow(row)
        return True
