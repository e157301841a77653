"""The Scorecard screen: each Policing Pledge item met, at risk or missed, for an area (or
every neighbourhood of a district) and a month, with the figure behind it.

What it shows is the `Scorecard` value of services.scorecards, the one the command line
prints and the internal pack's page holds. A mark is a symbol and a word, coloured as well:
never colour alone.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from pcso_desk.domain.wording import counted
from pcso_desk.gui.desk import Desk
from pcso_desk.services.values import month_title, shift_month

KINDS = (
    ("Neighbourhood", "neighbourhood"),
    ("Ward", "ward"),
    ("Every neighbourhood of a district", "district"),
)
MONTHS_OFFERED = 24
# Ink for each mark's word and symbol, dark enough on white (WCAG AA for normal text).
INK = {
    "met": "#1b5e20",
    "at risk": "#8a4b00",
    "missed": "#b3261e",
    "not measured": "#4a4a4a",
}
COLUMNS = ("Area", "Pledge item", "Mark", "Figure")


def _months(today: date) -> list[str]:
    this = today.strftime("%Y-%m")
    return [shift_month(this, -back) for back in range(MONTHS_OFFERED)]


class ScorecardScreen(QWidget):
    """Area and month choosers, then the items: one row each (per neighbourhood for a
    district), the mark as a symbol and a word, and the figure."""

    def __init__(self, desk: Desk, today: date | None = None) -> None:
        super().__init__()
        self.desk = desk
        self.setAccessibleName("Scorecard")
        self._asked = 0
        self._loads = 0
        self._wanted_area: str | None = None
        self.title = QLabel("<h2>Pledge scorecard</h2>")
        self.kind = QComboBox()
        for label, key in KINDS:
            self.kind.addItem(label, key)
        self.area = QComboBox()
        self.month = QComboBox()
        for month in _months(today or date.today()):
            self.month.addItem(month_title(month), month)
        self.show_button = QPushButton("&Show")
        self.heading = QLabel("Choose an area and a month.")
        self.heading.setWordWrap(True)
        heading_font = QFont(self.heading.font())
        heading_font.setBold(True)
        heading_font.setPointSizeF(heading_font.pointSizeF() * 1.15)
        self.heading.setFont(heading_font)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(True)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.key = QLabel(
            "✓ met · ! at risk (the month is open and it would be missed if nothing "
            "changed) · ✗ missed · – not measured (the reason is given)"
        )
        self.key.setWordWrap(True)
        for widget, name in (
            (self.kind, "Scorecard for"),
            (self.area, "Area"),
            (self.month, "Month"),
            (self.show_button, "Show"),
            (self.heading, "Scorecard heading"),
            (self.table, "Pledge items"),
        ):
            widget.setAccessibleName(name)
        self._lay_out()
        self.kind.currentIndexChanged.connect(self._load_areas)
        self.area.activated.connect(lambda _i: self.refresh())
        self.month.activated.connect(lambda _i: self.refresh())
        self.show_button.clicked.connect(self.refresh)
        self._load_areas()

    def _lay_out(self) -> None:
        form = QFormLayout()
        form.addRow("Scorecard &for", self.kind)
        self.area_label = QLabel("&Area")
        self.area_label.setBuddy(self.area)
        form.addRow(self.area_label, self.area)
        month_row = QHBoxLayout()
        month_row.addWidget(self.month, 1)
        month_row.addWidget(self.show_button)
        month_label = QLabel("&Month")
        month_label.setBuddy(self.month)
        form.addRow(month_label, month_row)
        column = QVBoxLayout(self)
        column.addWidget(self.title)
        column.addLayout(form)
        column.addWidget(self.heading)
        column.addWidget(self.table, 1)
        column.addWidget(self.key)

    # -- choosing --------------------------------------------------------------------------

    def _load_areas(self) -> None:
        kind, services = self.kind.currentData(), self.desk.services
        self.area_label.setText("&District" if kind == "district" else "&Area")
        self.area.setAccessibleName("District" if kind == "district" else "Area")

        def read() -> tuple[list[str], str | None]:  # on the worker: two reads, one task
            names = services.packs.area_names(kind)
            if kind == "district":
                return names, None
            where = services.whereabouts()
            wanted = where.neighbourhood_id if kind == "neighbourhood" else where.ward_id
            labels = dict(
                services.options("neighbourhoods" if kind == "neighbourhood" else "wards")
            )
            label = labels.get(wanted or "", "")
            return names, next((n for n in names if label == n or label.startswith(f"{n} ")), None)

        self._loads += 1
        loading = self._loads
        self.area.setEnabled(False)
        self.desk.runner.run(read, lambda found: self._show_areas(loading, *found), guard=self)

    def _show_areas(self, loading: int, names: list[str], mine: str | None) -> None:
        if loading != self._loads:
            return  # another kind was chosen meanwhile: its names are on their way
        self.area.clear()
        self.area.addItems(names)
        self.area.setEnabled(True)
        wanted, self._wanted_area = self._wanted_area, None
        for choice in (wanted, mine):
            if choice is not None and choice in names:
                self.area.setCurrentIndex(names.index(choice))
                break
        if names:
            self.refresh()
        else:
            self._show(self._asked, None)

    def open_record(self, record_id: str) -> None:
        """Show the scorecard Today's line names: 'neighbourhood:Name' or 'ward:Name'."""
        kind, _sep, name = record_id.partition(":")
        keys = [key for _label, key in KINDS]
        if kind not in keys:
            return
        self.month.setCurrentIndex(0)
        self._wanted_area = name
        if self.kind.currentIndex() == keys.index(kind):
            self._load_areas()
        else:
            self.kind.setCurrentIndex(keys.index(kind))  # loads the areas, then shows it

    # -- showing ---------------------------------------------------------------------------

    def refresh(self) -> None:
        self._asked += 1
        asked = self._asked
        kind, name, month = (
            self.kind.currentData(),
            self.area.currentText(),
            self.month.currentData(),
        )
        if not name:
            return
        cards = self.desk.services.scorecards
        if kind == "district":
            work: Any = lambda: cards.district(name, month)  # noqa: E731
        else:
            work = lambda: cards.area(kind, name, month)  # noqa: E731
        self.heading.setText("Loading…")
        self.desk.runner.run(work, lambda found: self._show(asked, found), guard=self)

    def _show(self, asked: int, found: Any) -> None:
        if asked != self._asked:
            return  # a newer choice is on its way
        self.found = found
        self.table.setRowCount(0)
        if found is None:
            self.heading.setText("There is no area of that kind in this store yet.")
            return
        cards = getattr(found, "cards", None)
        if cards is None:
            cards = (found,)
            state = "month still open" if found.month_open else "month closed"
            self.heading.setText(f"{found.title} ({state})")
        else:
            self.heading.setText(
                f"{found.district} district, {month_title(found.month)}: "
                f"{counted(len(cards), 'neighbourhood')}"
            )
        self.table.setColumnHidden(0, len(cards) == 1 and not hasattr(found, "cards"))
        for card in cards:
            for item in card.items:
                row = self.table.rowCount()
                self.table.insertRow(row)
                mark = QTableWidgetItem(f"{item.mark.symbol} {item.mark.value}")
                mark.setForeground(QColor(INK[item.mark.value]))
                bold = QFont(self.table.font())
                bold.setBold(True)
                mark.setFont(bold)
                for column, cell in enumerate(
                    (QTableWidgetItem(card.area), QTableWidgetItem(item.title), mark,
                     QTableWidgetItem(item.figure))
                ):  # fmt: skip
                    cell.setToolTip(f"{item.title}: {item.mark.value} ({item.figure})")
                    self.table.setItem(row, column, cell)
        self.table.resizeRowsToContents()

    def rows(self) -> list[tuple[str, ...]]:
        """What the table shows, row by row (area, item, mark, figure): for tests and for
        reading aloud."""

        def text(row: int, column: int) -> str:
            cell = self.table.item(row, column)
            return "" if cell is None else cell.text()

        return [
            tuple(text(row, column) for column in range(len(COLUMNS)))
            for row in range(self.table.rowCount())
        ]


def scorecard_screen(desk: Desk) -> ScorecardScreen:
    return ScorecardScreen(desk)
