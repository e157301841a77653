"""The Monthly packs panel of the Reports screen: pick an area and month, build, open."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from pcso_desk.domain.errors import ValidationError
from pcso_desk.domain.permissions import Action
from pcso_desk.domain.wording import counted
from pcso_desk.gui.desk import Desk
from pcso_desk.gui.offered import offer, set_enabled
from pcso_desk.gui.progress import ProgressTask
from pcso_desk.services.values import last_complete_month, month_title, shift_month

KINDS = (
    ("Neighbourhood", "neighbourhood"),
    ("Single ward", "ward"),
    ("Parish or town council area", "council"),
    ("Every neighbourhood of a district", "district"),
)
MONTHS_OFFERED = 24


def _months(today: date) -> list[str]:
    last = last_complete_month(today)
    return [shift_month(last, -back) for back in range(MONTHS_OFFERED)]


class MonthlyPackPanel(QWidget):
    """Builds a public or internal pack (or a district's packs) into a folder."""

    def __init__(self, desk: Desk, today: date | None = None) -> None:
        super().__init__()
        self.desk = desk
        self.open_url: Callable[[QUrl], Any] = QDesktopServices.openUrl  # tests replace it
        self.saved: Path | None = None
        self._build_controls(today or date.today())
        self._lay_out()
        self.kind.currentIndexChanged.connect(self._load_areas)
        self.build.clicked.connect(self._build)
        self.open_folder.clicked.connect(self._open)
        # The internal pack holds exact figures about people: only a sergeant's to build.
        offer(desk, self.internal, Action.INTERNAL_PACKS)
        offer(desk, self.build, Action.PUBLIC_PACKS)
        self._load_areas()

    def _build_controls(self, today: date) -> None:
        self.kind = QComboBox()
        for label, key in KINDS:
            self.kind.addItem(label, key)
        self.area = QComboBox()
        self.month = QComboBox()
        for month in _months(today):
            self.month.addItem(month_title(month), month)
        self.internal = QCheckBox("Internal version for the sergeant (OFFICIAL-SENSITIVE)")
        self.folder = QLineEdit(str(Path.home()))
        self.choose = QPushButton("Choose…")
        self.build = QPushButton("Build pack")
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.open_folder = QPushButton("Open folder")
        self.open_folder.setEnabled(False)
        self.choose.clicked.connect(self._choose_folder)
        names = (
            (self.kind, "Pack for"),
            (self.area, "Area"),
            (self.month, "Month"),
            (self.internal, "Internal version"),
            (self.folder, "Save in folder"),
            (self.choose, "Choose folder"),
            (self.build, "Build pack"),
            (self.status, "Pack status"),
            (self.open_folder, "Open folder"),
        )
        for widget, name in names:
            widget.setAccessibleName(name)

    def _lay_out(self) -> None:
        form = QFormLayout()
        form.addRow("Pack &for", self.kind)
        form.addRow("&Area", self.area)
        form.addRow("&Month", self.month)
        form.addRow("", self.internal)
        where = QHBoxLayout()
        where.addWidget(self.folder, 1)
        where.addWidget(self.choose)
        save_in = QLabel("&Save in")
        save_in.setBuddy(self.folder)  # a row holding a layout gets no buddy by itself
        form.addRow(save_in, where)
        buttons = QHBoxLayout()
        buttons.addWidget(self.build)
        buttons.addWidget(self.open_folder)
        buttons.addStretch(1)
        intro = QLabel(
            "A monthly update pack is a PDF report with the same figures as CSV files and an "
            "Excel workbook, in one zip. The public version shows counts from 1 to 4 as "
            "“fewer than 5” and names no one."
        )
        intro.setWordWrap(True)
        column = QVBoxLayout(self)
        column.addWidget(intro)
        column.addLayout(form)
        column.addLayout(buttons)
        column.addWidget(self.status)
        column.addStretch(1)

    def _load_areas(self) -> None:
        kind, packs = self.kind.currentData(), self.desk.services.packs
        self.area.setEnabled(False)
        self.desk.runner.run(lambda: packs.area_names(kind), self._show_areas, guard=self)

    def _show_areas(self, names: list[str]) -> None:
        self.area.clear()
        self.area.addItems(names)
        self.area.setEnabled(True)

    def _choose_folder(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, "Save packs in", self.folder.text())
        if chosen:
            self.folder.setText(chosen)

    def _build(self) -> None:
        kind, name = self.kind.currentData(), self.area.currentText()
        month, internal = self.month.currentData(), self.internal.isChecked()
        folder = Path(self.folder.text().strip())
        if not name:
            self.desk.inform(self, "Monthly pack", "Choose an area first.")
            return
        packs = self.desk.services.packs
        task = ProgressTask(self.desk, self, "Building monthly packs")
        self.build.setEnabled(False)

        def work(report: Callable[[str, int, int], None]) -> tuple[list[Path], list[str]]:
            if not folder.is_dir():  # the packs go into a folder the user already has
                raise ValidationError(f"The folder '{folder}' does not exist.", field="out")
            if kind == "district":
                written = packs.build_district(
                    name,
                    month,
                    folder,
                    internal=internal,
                    progress=lambda done, total, area: report(area or "Done", done, total),
                )
            else:
                report(name, 0, 1)
                written = [packs.build_into(kind, name, month, folder, internal=internal)]
            # A public pack leaves out priorities with no public wording: say which.
            return written, [] if internal else packs.left_out(kind, name, month)

        task.start(work, self._built, self._failed, lambda: set_enabled(self.build, True))

    def _built(self, result: tuple[list[Path], list[str]]) -> None:
        written, left_out = result
        set_enabled(self.build, True)
        self.saved = written[0].parent if written else Path(self.folder.text())
        count = counted(len(written), "pack")
        shown = written[0].name if len(written) == 1 else "the folder"
        said = f"Saved {count}: {shown} in {self.saved}."
        if left_out:
            said += (
                f" Left out, having no public wording ({len(left_out)}): "
                + "; ".join(left_out)
                + "."
            )
        self.status.setText(said)
        self.open_folder.setEnabled(True)

    def _failed(self, error: BaseException) -> None:
        set_enabled(self.build, True)
        self.desk.report_error(error, self)

    def _open(self) -> None:
        if self.saved is not None:
            self.open_url(QUrl.fromLocalFile(str(self.saved)))


def monthly_pack_panel(desk: Desk) -> QWidget:
    """The panel the lead adds as a tab of the Reports screen."""
    return MonthlyPackPanel(desk)
