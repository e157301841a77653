"""The Crime data panel of the Reports screen: import what the packs' crime figures and map
are made from — data.police.uk street-level files, the ONS LSOA lookup, ONS boundaries.

Each import is one use case of `services.packs` (its rights and its audit entry are the
service's), run off the GUI thread with a progress dialog; what it did is shown in one line.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget

from pcso_desk.domain.permissions import Action
from pcso_desk.gui.desk import Desk
from pcso_desk.gui.offered import offer, set_enabled
from pcso_desk.gui.progress import ProgressTask

IMPORTS = (
    (
        "crimes",
        "Import &street-level crimes…",
        "A month's street-level crime CSV from data.police.uk (done again, it updates "
        "outcomes and adds nothing twice).",
        "CSV files (*.csv);;All files (*)",
    ),
    (
        "lsoa-map",
        "Import the ONS &LSOA lookup…",
        "The ONS LSOA to ward lookup CSV: maps the team's LSOAs to its wards, and gives the "
        "crimes already held their ward.",
        "CSV files (*.csv);;All files (*)",
    ),
    (
        "boundaries",
        "Import &boundaries…",
        "ONS ward or LSOA boundaries for the crime map: GeoJSON (WGS 84), a shapefile or its .zip.",
        "Boundary files (*.geojson *.json *.shp *.zip);;All files (*)",
    ),
)


class CrimeDataPanel(QWidget):
    """Three imports, each with a line saying what it is for, and a status line."""

    def __init__(self, desk: Desk) -> None:
        super().__init__()
        self.desk = desk
        self.buttons: dict[str, QPushButton] = {}
        layout = QVBoxLayout(self)
        for key, label, about, pattern in IMPORTS:
            button = QPushButton(label)
            button.setAccessibleName(label.replace("&", "").rstrip("…"))
            button.clicked.connect(lambda _=False, k=key, p=pattern: self.choose(k, p))
            text = QLabel(about)
            text.setWordWrap(True)
            layout.addWidget(button)
            layout.addWidget(text)
            self.buttons[key] = button
        # Crime records are an import; the LSOA map and boundaries change the organisation.
        for key, action in (("crimes", Action.IMPORT), ("lsoa-map", Action.ORGANISATION),
                            ("boundaries", Action.ORGANISATION)):  # fmt: skip
            offer(desk, self.buttons[key], action)
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.status.setAccessibleName("What the last import did")
        layout.addWidget(self.status)
        layout.addStretch(1)
        self._task: ProgressTask | None = None

    def choose(self, key: str, pattern: str) -> None:
        title = next(label for k, label, _a, _p in IMPORTS if k == key).replace("&", "")
        chosen = self.desk.choose(self, title.rstrip("…"), pattern)
        if chosen:
            self.start(key, Path(chosen))

    def start(self, key: str, path: Path) -> None:
        """Run one import on the worker with a progress dialog (the imports are one unit of
        work each: nothing is kept unless all of it is)."""
        packs = self.desk.services.packs
        work = {
            "crimes": packs.import_crimes,
            "lsoa-map": packs.import_lsoa_map,
            "boundaries": packs.import_boundaries,
        }[key]
        for button in self.buttons.values():
            set_enabled(button, False)
        task = ProgressTask(self.desk, self, "Importing crime data")
        self._task = task

        def run(report: Any) -> Any:
            report(path.name, 0, 1)
            return work(path)

        task.start(run, self._done, self._failed, self._enable)

    def _enable(self) -> None:
        for button in self.buttons.values():
            set_enabled(button, True)

    def _done(self, report: Any) -> None:
        self._enable()
        self.status.setText(report.summary())

    def _failed(self, error: BaseException) -> None:
        self._enable()
        self.status.setText("")
        self.desk.report_error(error, self)


def crime_data_panel(desk: Desk) -> CrimeDataPanel:
    return CrimeDataPanel(desk)
