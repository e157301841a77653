"""The main window: navigation between the team's screens (screens are filled in by later work)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMainWindow,
    QStackedWidget,
    QWidget,
)

if TYPE_CHECKING:
    from pcso_desk.paths import DataPaths
    from pcso_desk.services.api import Services

SCREENS = (
    "Today",
    "Contacts",
    "Engagements",
    "KINs",
    "Meetings",
    "Priorities",
    "Victim care",
    "Patrol log",
    "Messages",
    "Reports",
    "Sync",
    "Admin",
)


class MainWindow(QMainWindow):
    def __init__(self, services: Services, paths: DataPaths) -> None:
        super().__init__()
        self.setWindowTitle("PCSO Desk")
        self.resize(1100, 720)
        self.nav = QListWidget()
        self.nav.setAccessibleName("Navigation")
        self.nav.addItems(SCREENS)
        self.nav.setFixedWidth(180)
        self.stack = QStackedWidget()
        for name in SCREENS:
            label = QLabel(f"<h2>{name}</h2><p>This screen is being built.</p>")
            label.setAccessibleName(name)
            self.stack.addWidget(label)
        self.nav.currentRowChanged.connect(self.stack.setCurrentIndex)
        self.nav.setCurrentRow(0)
        body = QWidget()
        layout = QHBoxLayout(body)
        layout.addWidget(self.nav)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(body)
        self.statusBar().showMessage(f"Store: {services.ctx.store.path}")
