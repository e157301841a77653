"""The main window: navigation, menus and shortcuts, status bar. It wires; it decides nothing."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from pcso_desk.gui.desk import Desk, DeskWindow
from pcso_desk.gui.screens.registry import SCREEN_OF_KIND, SCREENS, build_screen
from pcso_desk.gui.search_box import SearchBox

DEMO_BADGE = "DEMO: made-up data"
DEMO_STYLE = (
    "QLabel#demoBadge { background: #b45309; color: #ffffff; font-weight: bold;"
    " border-radius: 3px; padding: 2px 10px; }"
)


class MainWindow(DeskWindow):
    # The session (gui/session.py) acts on these; the window only offers them.
    sign_out_requested = Signal()
    lock_requested = Signal()
    closed = Signal()

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
        self.nav.ensurePolished()  # styled item heights before the items exist
        self.nav.addItems(SCREENS)
        self.nav.setFixedWidth(170)
        self.stack = QStackedWidget()
        self.screens: dict[str, QWidget] = {}
        self._holders: list[QHBoxLayout] = []
        for _name in SCREENS:  # placeholders; each screen is built on its first visit
            holder = QWidget()
            holder_layout = QHBoxLayout(holder)
            holder_layout.setContentsMargins(0, 0, 0, 0)
            self._holders.append(holder_layout)
            self.stack.addWidget(holder)
        self.nav.currentRowChanged.connect(self.go_to_row)
        body = QWidget()
        layout = QHBoxLayout(body)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.nav)
        layout.addWidget(self.stack, 1)
        self.search = SearchBox(self.desk)
        self.search.opened.connect(self.open_record)
        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(8, 6, 8, 0)
        top_layout.addWidget(self.search)
        outer = QWidget()
        outer_layout = QVBoxLayout(outer)
        outer_layout.setContentsMargins(0, 0, 0, 0)
        outer_layout.setSpacing(0)
        outer_layout.addWidget(top)
        outer_layout.addWidget(body, 1)
        self.setCentralWidget(outer)
        self._menus()
        self._status()
        self._mark_demo()
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
            self._holders[row].addWidget(screen)
        self.stack.setCurrentIndex(row)

    def go_to(self, name: str) -> QWidget:
        self.nav.setCurrentRow(SCREENS.index(name))
        return self.screens[name]

    def open_record(self, kind: str, record_id: str) -> None:
        """Show a record wherever it came from (Today, search): its screen, then its detail
        pane with the pane's action ready (gui/screens/reveal.py), or else its editor."""
        from pcso_desk.gui.screens.reveal import reveal

        name = SCREEN_OF_KIND.get(kind)
        if name is None:
            return
        screen = self.go_to(name)
        if reveal(screen, kind, record_id):
            return
        opener = getattr(screen, "open_record", None)
        if callable(opener):
            opener(record_id)

    def quick_log(self) -> None:
        from pcso_desk.gui.quick_log import open_quick_log

        open_quick_log(self.desk, self)

    def focus_search(self) -> None:
        self.search.focus_search()

    # -- chrome -------------------------------------------------------------------------

    def _menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        log_action = QAction("&Log engagement…", self, shortcut=QKeySequence("Ctrl+L"))
        log_action.triggered.connect(self.quick_log)
        file_menu.addAction(log_action)
        search_action = QAction("&Search…", self, shortcut=QKeySequence("Ctrl+K"))
        search_action.triggered.connect(self.focus_search)
        file_menu.addAction(search_action)
        file_menu.addSeparator()
        quit_action = QAction("&Quit", self, shortcut=QKeySequence(QKeySequence.StandardKey.Quit))
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)
        self._account_menu()
        go_menu = self.menuBar().addMenu("&Go")
        for number, name in enumerate(SCREENS):
            action = QAction(name, self)
            if number < 9:
                action.setShortcut(QKeySequence(f"Ctrl+{number + 1}"))
            action.triggered.connect(lambda _=False, row=number: self.nav.setCurrentRow(row))
            go_menu.addAction(action)
        self.go_menu = go_menu
        help_menu = self.menuBar().addMenu("&Help")
        guide = QAction("&User guide", self, shortcut=QKeySequence("F1"))
        guide.triggered.connect(self.show_guide)
        help_menu.addAction(guide)
        about = QAction("&About PCSO Desk", self)
        about.triggered.connect(self._about)
        help_menu.addAction(about)
        self.help_menu = help_menu

    def _account_menu(self) -> None:
        menu = self.menuBar().addMenu("&Account")
        entries = (
            ("&Change my password…", None, self.change_password),
            ("&Lock", "Ctrl+Shift+L", self.lock_requested.emit),
            ("Sign &out", None, self.sign_out_requested.emit),
        )
        for text, keys, slot in entries:
            action = QAction(text, self)
            if keys:
                action.setShortcut(QKeySequence(keys))
            action.triggered.connect(lambda _=False, run=slot: run())
            action.setEnabled(self.desk.services.ctx.accounts)  # no accounts: no one to be
            menu.addAction(action)
        self.account_menu = menu

    def change_password(self) -> None:
        from pcso_desk.gui.signin import ChangePasswordDialog

        dialog = ChangePasswordDialog(self.desk, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def _status(self) -> None:
        from pcso_desk.gui.signin import actor_text

        ctx = self.desk.services.ctx
        self.officer_label = QLabel(actor_text(ctx.actor))
        self.officer_label.setAccessibleName("Signed-in officer")
        self.station_label = QLabel("Station: …")
        self.desk.runner.run(
            self.desk.services.station_name,
            lambda name: self.station_label.setText(f"Station: {name}"),
            guard=self.station_label,
        )
        self.store_label = QLabel(f"Store: {ctx.store.path}")
        self.store_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        for label in (self.officer_label, self.station_label, self.store_label):
            self.statusBar().addPermanentWidget(label)

    def _mark_demo(self) -> None:
        """A demo store says so in the title and the status bar, so no one takes it for real."""
        services = self.desk.services
        if not services.is_demo():
            return
        team = services.ctx.team_name()
        self.setWindowTitle(" — ".join(part for part in ("PCSO Desk", "DEMO", team) if part))
        self.demo_label = QLabel(DEMO_BADGE)
        self.demo_label.setObjectName("demoBadge")
        self.demo_label.setAccessibleName("Demo store")
        self.demo_label.setToolTip("Everything in this store is made up; real work is kept apart.")
        self.demo_label.setStyleSheet(DEMO_STYLE)
        self.statusBar().insertPermanentWidget(0, self.demo_label)

    def show_guide(self) -> QWidget:
        from pcso_desk.gui.help import show_guide

        return show_guide(self)

    def _about(self) -> QWidget:
        from pcso_desk.gui.help import show_about

        return show_about(self, self.desk.paths.root, self.desk.services.ctx.store.path)

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
        if event.isAccepted():
            self.closed.emit()
