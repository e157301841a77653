"""The global search box (Ctrl+K): contacts, victim cases, meetings, priorities, KINs, messages
and engagements found as you type."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPoint,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QFocusEvent, QFont, QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QFrame, QLineEdit, QListView, QVBoxLayout, QWidget

from pcso_desk.gui.desk import Desk
from pcso_desk.services.values import SearchHit

Search = Callable[[str], list[SearchHit]]
Index = QModelIndex | QPersistentModelIndex
KIND_ROLE = Qt.ItemDataRole.UserRole + 1
ID_ROLE = Qt.ItemDataRole.UserRole + 2
DELAY_MS = 120
MIN_CHARS = 2
PER_KIND = 8
VISIBLE_ROWS = 14
PLACEHOLDER = "Search names, postcodes, crime references, meetings… (Ctrl+K)"
GROUPS = {
    "contacts": "Contacts",
    "victim_cases": "Victim cases",
    "meetings": "Meetings",
    "priorities": "Priorities",
    "kins": "KINs",
    "messages": "Messages",
    "engagements": "Engagements",
}
NOUNS = {
    "contacts": "Contact",
    "victim_cases": "Victim case",
    "meetings": "Meeting",
    "priorities": "Priority",
    "kins": "KIN",
    "messages": "Message",
    "engagements": "Engagement",
}


@dataclass(frozen=True)
class Row:
    """A line of the results: a group heading, a hit, or a note such as 'nothing found'."""

    text: str
    hit: SearchHit | None = None
    heading: bool = False


def _short(text: str, limit: int = 60) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def rows_for(typed: str, hits: Sequence[SearchHit]) -> list[Row]:
    """Hits grouped under a heading per kind, in the order the service ranked the kinds."""
    if not hits:
        return [Row(f"Nothing matches “{typed}”")]
    rows: list[Row] = []
    for kind in dict.fromkeys(hit.kind for hit in hits):  # the service's order of the kinds
        group = [hit for hit in hits if hit.kind == kind]
        rows.append(Row(f"{GROUPS.get(kind, kind)} ({len(group)})", heading=True))
        rows.extend(Row(hit.title, hit) for hit in group)
    return rows


class SearchResultsModel(QAbstractListModel):
    """The popup's rows. Headings and notes are shown but cannot be selected."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[Row] = []

    def set_rows(self, rows: list[Row]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: Index | None = None) -> int:
        return 0 if parent is not None and parent.isValid() else len(self._rows)

    def row(self, number: int) -> Row:
        return self._rows[number]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        hit = row.hit
        if role == Qt.ItemDataRole.DisplayRole:
            if hit is None:
                return row.text
            detail = _short(hit.detail)
            return f"    {hit.title} — {detail}" if detail else f"    {hit.title}"
        if role == Qt.ItemDataRole.AccessibleTextRole:
            if hit is None:
                return row.text
            noun = NOUNS.get(hit.kind, hit.kind)
            return f"{noun}: {hit.title}, {_short(hit.detail)}".rstrip(", ")
        if role == Qt.ItemDataRole.FontRole and row.heading:
            font = QFont()
            font.setBold(True)
            return font
        if role == KIND_ROLE:
            return hit.kind if hit else None
        if role == ID_ROLE:
            return hit.id if hit else None
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return Qt.ItemFlag.NoItemFlags
        if self._rows[index.row()].hit is None:
            return Qt.ItemFlag.ItemIsEnabled  # headings and notes: seen, not chosen
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemNeverHasChildren
        )

    def hit_rows(self) -> list[int]:
        return [n for n, row in enumerate(self._rows) if row.hit is not None]


class ResultsPopup(QFrame):
    """A frameless list under the search box that never takes the keyboard from it."""

    def __init__(self, model: SearchResultsModel, owner: QWidget) -> None:
        # A tool-tip window: shown and clicked without ever being activated, so the window
        # stays active and the text cursor stays in the search box (a Qt.Popup would grab it).
        super().__init__(owner, Qt.WindowType.ToolTip | Qt.WindowType.FramelessWindowHint)
        self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
        self.setFrameShape(QFrame.Shape.Box)
        self.setAccessibleName("Search results")
        self.setWindowTitle("Search results")  # never the words typed
        self.view = QListView()
        self.view.setModel(model)
        self.view.setAccessibleName("Search results")
        self.view.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # typing stays in the box
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setUniformItemSizes(True)
        self.view.setSpacing(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(1, 1, 1, 1)
        layout.addWidget(self.view)


class SearchBox(QLineEdit):
    """Type a word or postcode; arrows pick a result; Enter opens it through `opened`."""

    opened = Signal(str, str)  # kind (a key of GROUPS), record id
    results_shown = Signal(str)  # the text whose results are now on screen

    def __init__(self, desk: Desk, search: Search | None = None) -> None:
        super().__init__()
        self.desk = desk
        self._search = search or (lambda typed: desk.services.search(typed, PER_KIND))
        self._asked = 0  # the newest lookup; answers to older ones are dropped
        self.setPlaceholderText(PLACEHOLDER)
        self.setAccessibleName("Search")
        self.setClearButtonEnabled(True)
        self.setMinimumWidth(320)
        self.model = SearchResultsModel(self)
        self.popup = ResultsPopup(self.model, self)
        self.popup.view.clicked.connect(self._open_index)
        self._timer = QTimer(self, singleShot=True, interval=DELAY_MS)
        self._timer.timeout.connect(self._look_up)
        self.textEdited.connect(self._typed)

    # -- looking up ---------------------------------------------------------------------------

    def _typed(self, text: str) -> None:
        if len(text.strip()) < MIN_CHARS:
            self._timer.stop()
            self._asked += 1  # anything still on its way is now stale
            self.hide_results()
            return
        self._timer.start()

    def _look_up(self) -> None:
        self._asked += 1
        asked, typed = self._asked, self.text().strip()
        self.desk.runner.run(
            lambda: self._search(typed),
            lambda hits: self._show(asked, typed, hits),
            guard=self,  # the window may close (sign-out, lock) before the results come
        )

    def _show(self, asked: int, typed: str, hits: list[SearchHit]) -> None:
        if asked != self._asked or not self.hasFocus():
            return  # the user typed on (a newer lookup is coming) or has left the box
        self.model.set_rows(rows_for(typed, hits))
        first = self.model.hit_rows()[:1]
        self.popup.view.setCurrentIndex(self.model.index(first[0]) if first else QModelIndex())
        self._place_popup()
        self.results_shown.emit(typed)

    def _place_popup(self) -> None:
        view = self.popup.view
        rows = min(self.model.rowCount(), VISIBLE_ROWS)
        spacing = 2 * view.spacing()  # above and below each row
        height = sum(view.sizeHintForRow(n) + spacing for n in range(rows))
        height += 2 * view.frameWidth() + 2 * spacing
        fits = self.model.rowCount() <= VISIBLE_ROWS
        view.setVerticalScrollBarPolicy(
            Qt.ScrollBarPolicy.ScrollBarAlwaysOff if fits else Qt.ScrollBarPolicy.ScrollBarAsNeeded
        )
        margins = self.popup.contentsMargins()
        self.popup.resize(max(self.width(), 460), height + margins.top() + margins.bottom())
        self.popup.move(self.mapToGlobal(QPoint(0, self.height())))
        self.popup.show()

    def hide_results(self) -> None:
        self.popup.hide()

    # -- keyboard -----------------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        showing = self.popup.isVisible()
        if showing and key in (Qt.Key.Key_Down, Qt.Key.Key_Up):
            self._step(1 if key == Qt.Key.Key_Down else -1)
        elif showing and key in (Qt.Key.Key_PageDown, Qt.Key.Key_PageUp):
            self._step(5 if key == Qt.Key.Key_PageDown else -5)
        elif showing and key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._open_index(self.popup.view.currentIndex())
        elif key == Qt.Key.Key_Escape and showing:
            self.hide_results()
        elif key == Qt.Key.Key_Escape and self.text():
            self.clear()
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    def _step(self, by: int) -> None:
        """Move the current result by `by` hits, skipping headings; stop at either end."""
        hits = self.model.hit_rows()
        if not hits:
            return
        current = self.popup.view.currentIndex().row()
        position = hits.index(current) if current in hits else -1
        wanted = hits[max(0, min(len(hits) - 1, position + by))]
        self.popup.view.setCurrentIndex(self.model.index(wanted))
        self.popup.view.scrollTo(self.model.index(wanted))

    def _open_index(self, index: QModelIndex) -> None:
        kind, record_id = index.data(KIND_ROLE), index.data(ID_ROLE)
        if not (index.isValid() and kind and record_id):
            return
        self.hide_results()
        self.opened.emit(kind, record_id)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self.hide_results()

    def focus_search(self) -> None:
        """What Ctrl+K does: put the cursor in the box with its text selected."""
        self.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.selectAll()
