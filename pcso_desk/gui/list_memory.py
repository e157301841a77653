"""Lists that show the text: columns sized to what they hold, resizable, and remembered per user.

Each list's column widths (and a screen's split between its list and its detail pane) are
kept in the data folder's `window.ini` (beside the window's geometry) under the signed-in
user's id, so two officers sharing a station PC each keep their own. Until a user resizes
a column, a list sizes its columns to the header and the rows first shown (at most
`WIDEST` pixels each); the last column always stretches to the edge. Only widths are kept
(never a sort order or any text from the rows).
"""

from __future__ import annotations

import json

from PySide6.QtCore import QObject, QSettings, Qt, QTimer
from PySide6.QtWidgets import QApplication, QHeaderView, QSplitter, QTableView

from pcso_desk.gui.desk import Desk

WIDEST = 360  # a column sized to its contents is never wider than this, until dragged
NARROWEST = 48
SAVE_DELAY_MS = 250  # a drag resizes a column many times: keep the last width


def settings_of(desk: Desk) -> QSettings:
    return QSettings(str(desk.paths.root / "window.ini"), QSettings.Format.IniFormat)


def user_key(desk: Desk) -> str:
    """Whose layout this is: the signed-in user's id (one shared layout before accounts)."""
    actor = desk.opened.ctx.actor if desk.opened is not None else None
    return str(actor.user_id) if actor is not None else "anyone"


def _load(desk: Desk, key: str) -> list[int] | None:
    raw = settings_of(desk).value(f"lists/{user_key(desk)}/{key}")
    try:
        widths = json.loads(str(raw)) if raw is not None else None
    except ValueError:
        return None
    if not isinstance(widths, list) or not all(isinstance(w, int) for w in widths):
        return None
    return widths


def _save(desk: Desk, key: str, widths: list[int]) -> None:
    settings = settings_of(desk)
    settings.setValue(f"lists/{user_key(desk)}/{key}", json.dumps(widths))
    settings.sync()


class ColumnMemory(QObject):
    """Sizes one table's columns and remembers the widths its user gives them."""

    def __init__(self, desk: Desk, table: QTableView, key: str, *, fit: bool = True) -> None:
        """`fit` False: a detail pane's small table keeps its screen's widths until the user
        drags one (then the user's, from the next time it is built)."""
        super().__init__(table)
        self.desk, self.table, self.key = desk, table, f"columns/{key}"
        self._sizing = False
        self._sized = False
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        header.setMinimumSectionSize(NARROWEST)
        self._timer = QTimer(self, singleShot=True, interval=SAVE_DELAY_MS)
        self._timer.timeout.connect(self.save)
        header.sectionResized.connect(self._resized)
        self._remembered = _load(desk, self.key)
        if not fit:
            self._sized = True
            if self._remembered is not None:
                self._apply(self._remembered)

    def fit_to_contents(self) -> None:
        """Once the first rows are in: the widths the user gave, else the header's and the
        rows' own (a screen's setColumnWidth before then is a default, not a choice)."""
        if self._sized:
            return
        self._sized = True
        if self._remembered is not None:
            self._apply(self._remembered)
            return
        header = self.table.horizontalHeader()
        self._sizing = True
        try:
            for column in range(header.count() - 1):  # the last one stretches
                wanted = max(self.table.sizeHintForColumn(column), header.sectionSizeHint(column))
                header.resizeSection(column, max(NARROWEST, min(WIDEST, wanted + 8)))
        finally:
            self._sizing = False

    def widths(self) -> list[int]:
        header = self.table.horizontalHeader()
        return [header.sectionSize(column) for column in range(header.count())]

    def save(self) -> None:
        _save(self.desk, self.key, self.widths())

    def _apply(self, widths: list[int]) -> None:
        header = self.table.horizontalHeader()
        self._sizing = True
        try:
            for column, width in enumerate(widths[: max(0, header.count() - 1)]):
                header.resizeSection(column, max(NARROWEST, width))
        finally:
            self._sizing = False

    def _resized(self, column: int, _old: int, _new: int) -> None:
        header = self.table.horizontalHeader()
        if self._sizing or column >= header.count() - 1:
            return  # our own sizing, or the stretching last column following the window
        if not QApplication.mouseButtons() & Qt.MouseButton.LeftButton:
            return  # a screen's own default, not the user dragging a column's edge
        self._sized = True
        self._remembered = self.widths()
        self._timer.start()


class SplitMemory(QObject):
    """A list beside its detail pane: the pane narrow while it shows nothing, its screen's
    share once a record is chosen, collapsible (drag the handle to the edge), and wherever
    the user last dragged it, remembered."""

    EMPTY_SHARE = 0.28  # of the width, for a detail pane with nothing chosen
    EMPTY_MINIMUM = 160  # pixels: room for its "Choose a …" line, wrapped

    def __init__(self, desk: Desk, splitter: QSplitter, key: str) -> None:
        super().__init__(splitter)
        self.desk, self.splitter, self.key = desk, splitter, f"split/{key}"
        self.detail_share = 0.4  # a screen may give its pane more (victims.share_with_detail)
        self.showing = False
        splitter.setChildrenCollapsible(True)
        splitter.setCollapsible(0, False)  # the list stays; the detail pane may fold away
        remembered = _load(desk, self.key)
        self.by_user = remembered is not None and len(remembered) == 2
        if self.by_user and remembered is not None:
            splitter.setSizes(remembered)
        splitter.splitterMoved.connect(self._moved)

    def fit(self, showing: bool | None = None) -> None:
        """Share the width for a detail pane that shows a record or shows nothing."""
        if showing is not None:
            self.showing = showing
        pane = self.splitter.widget(1)
        if pane is not None:  # nothing chosen: its hidden form need not hold its width
            pane.setMinimumWidth(0 if self.showing else self.EMPTY_MINIMUM)  # 0: its own again
        if self.by_user:
            return
        total = sum(self.splitter.sizes()) or self.splitter.width()
        share = self.detail_share if self.showing else min(self.detail_share, self.EMPTY_SHARE)
        detail = round(total * share)
        self.splitter.setSizes([total - detail, detail])

    def _moved(self, _position: int, _index: int) -> None:
        self.by_user = True
        _save(self.desk, self.key, self.splitter.sizes())
