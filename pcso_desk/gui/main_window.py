"""The main window: navigation, menus and shortcuts, status bar. It wires; it decides nothing."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings, Qt
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMainWindow,
    QStackedWidget,
    QWidget,
)

from pcso_desk.gui.desk import Desk
from pcso_desk.gui.screens.registry import SCREENS, build_screen


class MainWindow(QMainWindow):
    def __init__(self, desk: Desk, settings: QSettings | None = None) -> None:
        super().__init__()
        self.desk = desk
        desk.window = self
        self.settings = settings
        self.setWindowTitle("PCSO Desk")
        self.setAccessibleName("PCSO Desk")
        self.resize(1200, 760)
        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        self.nav.setAccessibleName("Navigation")
        self.nav.addItems(SCREENS)
        self.nav.setFixedWidth(170)
        self.stack = QStackedWidget()
        self.screens: dict[str, QWidget] = {}
        for _name in SCREENS:  # placeholders; each screen is built on its first visit
            holder = QWidget()
            holder.setLayout(QHBoxLayout())
            holder.layout().setContentsMargins(0, 0, 0, 0)
            self.stack.addWidget(holder)
        self.nav.currentRowChanged.connect(self.go_to_row)
        body = QWidget()
        layout = QHBoxLayout(body)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.nav)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(body)
        self._menus()
        self._status()
        self._restore_layout()
        self.nav.setCurrentRow(0)

    # -- navigation ---------------------------------------------------------------------

    def go_to_row(self, row: int) -> None:
        if not 0 <= row < len(SCREENS):
            return
        name = SCREENS[row]
        if name not in self.screens:
            screen = build_screen(name, self.desk)
            self.screens[name] = screen
            self.stack.widget(row).layout().addWidget(screen)
        self.stack.setCurrentIndex(row)

    def go_to(self, name: str) -> QWidget:
        self.nav.setCurrentRow(SCREENS.index(name))
        return self.screens[name]

    # -- chrome -------------------------------------------------------------------------

    def _menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        quit_action = QAction("&Quit", self, shortcut=QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)
        go_menu = self.menuBar().addMenu("&Go")
        for number, name in enumerate(SCREENS):
            action = QAction(name, self)
            if number < 9:
                action.setShortcut(QKeySequence(f"Ctrl+{number + 1}"))
            action.triggered.connect(lambda _=False, row=number: self.nav.setCurrentRow(row))
            go_menu.addAction(action)
        self.go_menu = go_menu
        help_menu = self.menuBar().addMenu("&Help")
        about = QAction("&About PCSO Desk", self)
        about.triggered.connect(self._about)
        help_menu.addAction(about)

    def _status(self) -> None:
        ctx = self.desk.services.ctx
        self.officer_label = QLabel("Not signed in")
        self.officer_label.setAccessibleName("Signed-in officer")
        self.station_label = QLabel(f"Station: {self.desk.services.station_name()}")
        self.store_label = QLabel(f"Store: {ctx.store.path}")
        self.store_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        for label in (self.officer_label, self.station_label, self.store_label):
            self.statusBar().addPermanentWidget(label)

    def _about(self) -> None:
        from pcso_desk import __version__

        self.desk.inform(self, "About PCSO Desk", f"PCSO Desk {__version__}")

    # -- layout memory ------------------------------------------------------------------

    def _restore_layout(self) -> None:
        if self.settings is None:
            return
        geometry = self.settings.value("window/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.settings is not None:
            self.settings.setValue("window/geometry", self.saveGeometry())
        super().closeEvent(event)
