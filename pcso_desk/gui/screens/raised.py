"""What people raised: the front of the priority cycle.

The digest of an area since its last PACT meeting (or a date typed in), by ward and issue,
most raised first; "Propose as a priority…" on any line opens the new-priority form filled
in from the line (ward, category, a first public wording) and saves the priority with how
many raised it and where (services.raised, services["priorities"]). "Save PDF for the
meeting…" writes the digest as the meeting's OFFICIAL-SENSITIVE paper: counts, categories
and vocabulary terms, no one named.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from pcso_desk.domain.permissions import Action
from pcso_desk.domain.raised import (
    SOURCES,
    Digest,
    DigestLine,
    proposal_title,
    proposal_wording,
)
from pcso_desk.domain.when import NotADate, read_date
from pcso_desk.gui.desk import Desk
from pcso_desk.gui.editor import RecordEditor
from pcso_desk.gui.offered import offer, set_enabled
from pcso_desk.gui.screens import definitions as d
from pcso_desk.gui.screens.kins import london_today
from pcso_desk.gui.screens.reports import SaveFile, save_file
from pcso_desk.gui.screens.victims import open_editor
from pcso_desk.services.values import Changes

Today = Callable[[], date]
COLUMNS: tuple[str, ...] = ("Ward", "Issue", "Raised", "Engagements", "Meeting issues")
COLUMNS += ("KIN suggestions", "Messages", "Terms used")


def uk_day(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


class RaisedScreen(QWidget):
    def __init__(self, desk: Desk, today: Today = london_today, save: SaveFile = save_file):
        super().__init__()
        self.desk, self.today, self.save = desk, today, save
        self.setAccessibleName("What people raised")
        self.digest: Digest | None = None
        self.dialog: RecordEditor | None = None
        self.areas: list[tuple[str, str, str]] = []  # (kind, id, label)
        self._build()
        self.desk.hub.changed.connect(self._on_changes)
        self._load_areas()

    # -- building ------------------------------------------------------------------------

    def _build(self) -> None:
        self.area = QComboBox()
        self.area.setAccessibleName("Area")
        self.since = QLineEdit()
        self.since.setAccessibleName("Since")
        self.since.setPlaceholderText("the last PACT meeting or ward panel; or a date: 1/11/2026")
        self.show_button = QPushButton("&Show")
        self.show_button.setAccessibleName("Show")
        self.pdf_button = QPushButton("Save PDF for the &meeting…")
        self.pdf_button.setAccessibleName("Save PDF for the meeting")
        self.propose_button = QPushButton("&Propose as a priority…")
        self.propose_button.setAccessibleName("Propose as a priority")
        self.heading = QLabel("Choose an area.")
        self.heading.setAccessibleName("Digest covers")
        self.heading.setWordWrap(True)
        self.status = QLabel("")
        self.status.setAccessibleName("Status")
        self.status.setWordWrap(True)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setAccessibleName("What people raised, by ward and issue")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(
            len(COLUMNS) - 1, QHeaderView.ResizeMode.Stretch
        )
        self.table.setColumnWidth(0, 160)
        self.table.setColumnWidth(1, 220)
        self.area.currentIndexChanged.connect(lambda _i: self.reload())
        self.show_button.clicked.connect(self.reload)
        self.since.returnPressed.connect(self.reload)
        self.pdf_button.clicked.connect(self.save_pdf)
        self.propose_button.clicked.connect(self.propose)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.table.doubleClicked.connect(lambda _index: self.propose())
        self.propose_button.setEnabled(False)
        offer(self.desk, self.propose_button, Action.CREATE, "priorities")
        offer(self.desk, self.pdf_button, Action.PRINT)
        top = QHBoxLayout()
        for caption, widget in (("&Area", self.area), ("S&ince", self.since)):
            label = QLabel(caption)
            label.setBuddy(widget)
            top.addWidget(label)
            top.addWidget(widget, 1)
        top.addWidget(self.show_button)
        buttons = QHBoxLayout()
        buttons.addWidget(self.propose_button)
        buttons.addWidget(self.pdf_button)
        buttons.addStretch(1)
        column = QVBoxLayout(self)
        column.addLayout(top)
        column.addWidget(self.heading)
        column.addWidget(self.table, 1)
        column.addLayout(buttons)
        column.addWidget(self.status)

    # -- the areas and the digest --------------------------------------------------------

    def _load_areas(self) -> None:
        services = self.desk.services

        def work() -> tuple[list[tuple[str, str, str]], Any]:
            hoods = services.options("neighbourhoods")
            wards = services.options("wards")
            areas = [("neighbourhood", i, label) for i, label in hoods]
            areas += [("ward", i, label) for i, label in wards]
            return areas, services.whereabouts()

        self.desk.runner.run(work, self._show_areas, guard=self)

    def _show_areas(self, found: tuple[list[tuple[str, str, str]], Any]) -> None:
        areas, where = found
        self.areas = areas
        self.area.blockSignals(True)
        self.area.clear()
        for kind, _id, label in areas:
            self.area.addItem(label if kind == "neighbourhood" else f"{label} (ward)")
        mine = next((n for n, (_k, i, _l) in enumerate(areas) if i == where.neighbourhood_id), 0)
        self.area.setCurrentIndex(mine if areas else -1)
        self.area.blockSignals(False)
        self.reload()

    def reload(self) -> None:
        index = self.area.currentIndex()
        if not 0 <= index < len(self.areas):
            return
        kind, area_id, _label = self.areas[index]
        today = self.today()
        since: date | None = None
        typed = self.since.text().strip()
        if typed:
            try:
                since = read_date(typed, today)
            except NotADate as refused:
                self.status.setText(f"Since: {refused.message}")
                return
        raised = self.desk.services.raised
        self.status.setText("")
        self.desk.runner.run(
            lambda: raised.digest(kind, area_id, today, since),
            self.show_digest,
            self._failed,
            guard=self,
        )

    def show_digest(self, digest: Digest) -> None:
        self.digest = digest
        since = digest.since_meeting or uk_day(digest.since)
        total = sum(line.total for line in digest.lines)
        self.heading.setText(
            f"<b>{digest.area_name}</b>: what people raised since {since} to "
            f"{uk_day(digest.until)} — {total} in all. Victim care is never counted."
        )
        self.table.setRowCount(len(digest.lines))
        for row, line in enumerate(digest.lines):
            cells = [line.ward, line.label, str(line.total)]
            cells += [str(line.counts[key]) for key, *_ in SOURCES]
            cells.append(", ".join(sorted(line.terms)))
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if 2 <= column <= 6:  # the counts
                    right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    item.setTextAlignment(right)
                self.table.setItem(row, column, item)
        self._selection_changed()

    def _on_changes(self, changes: Changes) -> None:
        if changes.kind in ("engagements", "meetings", "kin_checkins", "messages"):
            self.reload()
        elif changes.kind in ("wards", "neighbourhoods"):
            self._load_areas()

    def _failed(self, error: BaseException) -> None:
        self.desk.report_error(error, self)

    def _selection_changed(self) -> None:
        set_enabled(self.propose_button, self.selected_line() is not None)

    def selected_line(self) -> DigestLine | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows or self.digest is None or rows[0].row() >= len(self.digest.lines):
            return None
        return self.digest.lines[rows[0].row()]

    # -- proposing a priority ------------------------------------------------------------

    def propose(self) -> RecordEditor | None:
        """The new-priority form, filled in from the selected line; saved with its evidence."""
        line, digest = self.selected_line(), self.digest
        if line is None or digest is None or not self.propose_button.isEnabled():
            return None
        initial = {
            "title": proposal_title(line),
            "public_wording": proposal_wording(line),
            "category": line.category.value,
            "neighbourhood_id": digest.neighbourhood_id,
            "ward_id": line.ward_id,
            "agreed_on": self.today(),
        }
        evidence = {"evidence_count": line.total, "evidence": line.evidence()}
        priorities = self.desk.services["priorities"]
        self.dialog = RecordEditor(
            self.desk,
            "priorities",
            f"Propose a priority — {line.total} raised it",
            d.PRIORITY_FIELDS,
            None,
            initial,
            save=lambda values: priorities.create({**values, **evidence}),
            parent=self,
            draft_scope=f"raised-{line.ward_id or digest.neighbourhood_id}-{line.category.value}",
        )
        said = f"{line.label} in {line.ward}: {line.evidence()}"
        self.dialog.saved.connect(lambda _changes: self.status.setText(f"Proposed — {said}."))
        return open_editor(self.dialog)

    # -- the PDF for the meeting ---------------------------------------------------------

    def save_pdf(self) -> None:
        digest = self.digest
        if digest is None:
            return
        name = f"what-people-raised-{digest.area_name}-{digest.until:%Y-%m-%d}.pdf"
        chosen = self.save(self, "Save what people raised", name.replace(" ", "-"))
        if not chosen:
            return
        out = Path(chosen)
        raised = self.desk.services.raised
        kind, area_id, since = digest.area_kind, digest.area_id, None
        if self.since.text().strip():
            since = digest.since
        self.desk.runner.run(
            lambda: raised.save_pdf(kind, area_id, digest.until, out, since),
            lambda path: self.status.setText(f"Saved {Path(path).name} in {Path(path).parent}."),
            self._failed,
            guard=self,
        )


def raised_screen(desk: Desk) -> RaisedScreen:
    return RaisedScreen(desk)
