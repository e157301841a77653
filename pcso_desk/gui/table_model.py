"""Lazy, SQL-backed table models: pages arrive from the worker as the user scrolls.

Filtering and sorting happen in SQL (ListQuery). RecordTableModel holds the rows fetched so
far, in keyset-paged batches (small side tables); WindowedTableModel (the record screens)
counts the rows and fetches each page by position when it is shown. No proxy model sits on
top: each data() call costs microseconds, so a proxy sort over 100,000 rows takes seconds.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from pcso_desk.gui.tasks import TaskRunner
from pcso_desk.services.values import ListQuery, Page

ID_ROLE = Qt.ItemDataRole.UserRole + 1
RECORD_ROLE = Qt.ItemDataRole.UserRole + 2
BATCH = 200
_ROLES = frozenset({Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, ID_ROLE, RECORD_ROLE})
_TEXTS = "\x00texts"  # a row's cell texts, kept beside its values (never a column's key)
Index = QModelIndex | QPersistentModelIndex
Show = Callable[[Any, dict[str, Any]], str]  # a cell's text from its value and its row


@dataclass(frozen=True)
class ColumnDef:
    """One column: the record key, its header, how to show it, and its SQL sort key if any."""

    key: str
    header: str
    show: Show | None = None
    sort: str | None = None


def plain(value: Any, _row: dict[str, Any]) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(getattr(value, "value", value))


class RecordTableModel(QAbstractTableModel):
    """Rows of one record type for a ListQuery; more rows are fetched as the view needs them."""

    loaded = Signal(int)  # rows held after a page arrived
    failed = Signal(object)

    def __init__(
        self,
        runner: TaskRunner,
        fetch: Callable[[ListQuery], Page],
        columns: Sequence[ColumnDef],
        query: ListQuery | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._runner = runner
        self._fetch = fetch
        self._columns = list(columns)
        self._told = 0  # the cells' texts kept with their rows are of this telling (`retell`)
        self._query = replace(query or ListQuery(), limit=BATCH)
        self._rows: list[dict[str, Any]] = []
        self._next: tuple[Any, str] | None = None
        self._more = True
        self._loading = False
        self._generation = 0

    # -- Qt model API -------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def _row(self, number: int) -> dict[str, Any] | None:
        return self._rows[number] if 0 <= number < len(self._rows) else None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role not in _ROLES:  # a painted cell is asked for a dozen roles: most answer None
            return None
        row = self._row(index.row()) if index.isValid() else None
        if row is None:
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            # Each cell's text is worked out once (a phone number's formatting is not free),
            # then kept with its row for the repaints while it is on screen.
            kept = row.get(_TEXTS)
            if kept is None or kept[0] != self._told:
                blank: list[str | None] = [None] * len(self._columns)
                kept = row[_TEXTS] = (self._told, blank)
            texts: list[str | None] = kept[1]
            column_number = index.column()
            text = texts[column_number]
            if text is None:
                column = self._columns[column_number]
                text = texts[column_number] = (column.show or plain)(row.get(column.key), row)
            return text
        if role == ID_ROLE:
            return row["id"]
        if role == RECORD_ROLE:
            return {key: value for key, value in row.items() if key != _TEXTS}
        return None

    def retell(self) -> None:
        """Work every cell's text out again and repaint it: for a column told relative to now
        (a message's 24-hour clock), whose kept text the passing time makes wrong."""
        self._told += 1
        rows, columns = self.rowCount(), self.columnCount()
        if rows and columns:
            self.dataChanged.emit(self.index(0, 0), self.index(rows - 1, columns - 1))

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        horizontal = orientation == Qt.Orientation.Horizontal
        if horizontal and role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(self._columns):
            return self._columns[section].header
        return None

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self._more and not self._loading

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid() or not self._more or self._loading:
            return
        self._loading = True
        generation = self._generation
        query = replace(self._query, after=self._next)
        self._runner.run(
            lambda: self._fetch(query),
            lambda page: self._append(generation, page),
            lambda error: self._fail(generation, error),
            guard=self,
        )

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        key = self._columns[column].sort if 0 <= column < len(self._columns) else None
        if key is None:
            return
        descending = order == Qt.SortOrder.DescendingOrder
        self.set_query(replace(self._query, sort=key, descending=descending))

    # -- our API ------------------------------------------------------------------------

    @property
    def query(self) -> ListQuery:
        return self._query

    @property
    def loading(self) -> bool:
        return self._loading

    def sortable(self, column: int) -> bool:
        return self._columns[column].sort is not None

    def set_query(self, query: ListQuery) -> None:
        """Start again with a new filter or sort; a page still on its way is dropped."""
        self.beginResetModel()
        self._generation += 1
        self._query = replace(query, after=None, limit=BATCH)
        self._rows, self._next, self._more, self._loading = [], None, True, False
        self.endResetModel()
        self.fetchMore()

    def reload(self) -> None:
        self.set_query(self._query)

    def row_id(self, row: int) -> str | None:
        found = self._row(row)
        return None if found is None else str(found["id"])

    def row_of(self, record_id: str) -> int | None:
        for number, row in enumerate(self._rows):
            if row["id"] == record_id:
                return number
        return None

    def _append(self, generation: int, page: Page) -> None:
        if generation != self._generation:
            return
        self._loading = False
        self._next = page.next_after
        self._more = page.next_after is not None
        if page.rows:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(page.rows) - 1)
            self._rows.extend(page.rows)
            self.endInsertRows()
        self.loaded.emit(len(self._rows))

    def _fail(self, generation: int, error: BaseException) -> None:
        if generation == self._generation:
            self._loading = False
            self._more = False
            self.failed.emit(error)


def page_query(query: ListQuery, total: int, number: int) -> tuple[ListQuery, bool]:
    """What a windowed list asks the store for its page `number` (of BATCH rows) of `total`,
    and whether the rows come back in the opposite order (to be turned round): a page in the
    back half is read from the end, in the opposite order, as SQL skips rows one by one to
    reach an offset and the rows after the page are fewer than those before it."""
    first, end = number * BATCH, min(total, (number + 1) * BATCH)
    asked = replace(query, after=None, offset=first, limit=BATCH)
    backwards = total - end < first
    if backwards:  # the same rows, counted from the end in the opposite order
        flipped = not query.descending
        asked = replace(asked, offset=total - end, limit=end - first, descending=flipped)
    return asked, backwards


class WindowedTableModel(RecordTableModel):
    """A long list shown whole: it counts the rows first, then fetches each page of BATCH
    rows (by position, in SQL order) only when the view shows it.

    The scroll bar spans every row from the start, so the end of 100,000 contacts is one drag
    (or Ctrl+End) away, and only the pages near what the user has looked at stay in memory.
    A row not fetched yet shows blank for the moment its page takes to arrive. A page in the
    back half of the list is read from the end, in the opposite order, and turned round: SQL
    skips rows one by one to reach an offset, so the last page costs what the first does.
    """

    KEEP_PAGES = 40  # pages held at most (8,000 rows); the least recently fetched go first

    def __init__(
        self,
        runner: TaskRunner,
        fetch: Callable[[ListQuery], Page],
        counted: Callable[[ListQuery], Page],
        columns: Sequence[ColumnDef],
        query: ListQuery | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(runner, fetch, columns, query, parent)
        self._counted = counted
        self._total = 0
        self._pages: dict[int, list[dict[str, Any]]] = {}  # insertion order = fetch order
        self._asked: set[int] = set()
        self._started = False

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._total

    def _row(self, number: int) -> dict[str, Any] | None:
        """The row, or None while its page is on its way (asked for here)."""
        if not 0 <= number < self._total:
            return None
        page = self._pages.get(number // BATCH)
        if page is None:
            self._ask(number // BATCH)
            return None
        offset = number % BATCH
        return page[offset] if offset < len(page) else None

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and not self._started

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        """The first page and the count, in one trip to the worker."""
        if parent.isValid() or self._started:
            return
        self._started = True
        self._loading = True
        generation = self._generation
        query = replace(self._query, after=None, offset=0)
        self._runner.run(
            lambda: self._counted(query),
            lambda page: self._first(generation, page),
            lambda error: self._fail(generation, error),
            guard=self,
        )

    def set_query(self, query: ListQuery) -> None:
        self.beginResetModel()
        self._generation += 1
        self._query = replace(query, after=None, offset=0, limit=BATCH)
        self._total, self._pages, self._asked = 0, {}, set()
        self._started = self._loading = False
        self.endResetModel()
        self.fetchMore()

    @property
    def loading(self) -> bool:
        return self._loading or bool(self._asked)

    def row_of(self, record_id: str) -> int | None:
        for number, page in self._pages.items():
            for offset, row in enumerate(page):
                if row["id"] == record_id:
                    return number * BATCH + offset
        return None

    def _ask(self, number: int) -> None:
        if number in self._asked or not self._started or self._loading:
            return
        self._asked.add(number)
        generation = self._generation
        query, backwards = page_query(self._query, self._total, number)
        self._runner.run(
            lambda: self._fetch(query),
            lambda page: self._arrived(
                generation, number, page.rows[::-1] if backwards else page.rows
            ),
            lambda error: self._fail(generation, error),
            guard=self,
        )

    def _first(self, generation: int, page: Page) -> None:
        if generation != self._generation:
            return
        self._loading = False
        total = page.total if page.total is not None else len(page.rows)
        if total:
            self.beginInsertRows(QModelIndex(), 0, total - 1)
            self._total, self._pages[0] = total, page.rows
            self.endInsertRows()
        self.loaded.emit(self._total)

    def _arrived(self, generation: int, number: int, rows: list[dict[str, Any]]) -> None:
        if generation != self._generation:
            return
        self._asked.discard(number)
        self._pages[number] = rows
        while len(self._pages) > self.KEEP_PAGES:
            del self._pages[next(iter(self._pages))]
        first = number * BATCH
        last = min(self._total, first + BATCH) - 1
        if last >= first:
            right = self.columnCount() - 1
            self.dataChanged.emit(self.index(first, 0), self.index(last, right))
