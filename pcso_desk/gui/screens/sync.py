"""The Sync screen: this station, trusted stations, bundles and the hub, and the conflict queue."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontDatabase, QFontMetrics, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QBoxLayout,
    QCheckBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLayout,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from pcso_desk.domain.permissions import Action
from pcso_desk.domain.schedule import LONDON
from pcso_desk.gui.desk import Desk
from pcso_desk.gui.offered import offer, set_enabled
from pcso_desk.gui.progress import ProgressTask
from pcso_desk.gui.widgets import named
from pcso_desk.services.values import set_aside_line

SaveFile = Callable[[QWidget | None, str, str], str | None]
Progress = Callable[[str], None]
BUNDLES = "Sync bundles (*.pcsosync);;All files (*)"
ACCESS_FILES = "Hub access files (*.access *.pcsohub);;All files (*)"
IDENTITIES = "Identity files (*.identity *.json);;All files (*)"
# Three or more stations may each have given a field its own value: up to four shown.
SIDE_TITLES = {"a": "Kept for now", "b": "Set aside", "c": "Also set aside", "d": "A fourth value"}
# Two-line headings, so that a narrow window cuts no heading short.
PEER_COLUMNS = ("Station", "Fingerprint", "Last bundle\nreceived", "Last bundle\nmade",
                "Has our changes\nup to")  # fmt: skip
CONFLICT_COLUMNS = ("Record", "Field", "Kept for now", "Set aside", "Decision")


def save_file(parent: QWidget | None, title: str, suggested: str) -> str | None:
    pattern = IDENTITIES if suggested.endswith(".identity") else BUNDLES
    chosen, _filter = QFileDialog.getSaveFileName(parent, title, suggested, pattern)
    return chosen or None


def when_text(moment: datetime | None) -> str:
    return "never" if moment is None else moment.astimezone(LONDON).strftime("%d %b %Y %H:%M")


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "station"


def _label(text: str = "", name: str = "", scale: float = 0.0) -> QLabel:
    """A wrapping label; with `scale`, a bold one that much larger than the user's font."""
    label = named(QLabel(text), name or text)
    label.setWordWrap(True)
    if scale:
        label.setFont(_bold(label.font(), scale))
    return label


def _bold(font: QFont, scale: float) -> QFont:
    font.setPointSizeF(max(font.pointSizeF(), 9.0) * scale)
    font.setWeight(QFont.Weight.DemiBold)
    return font


def _box(layout: QBoxLayout, *parts: QWidget | QLayout | int) -> QBoxLayout:
    """Fill a box layout: widgets, nested layouts, and ints for stretch."""
    for part in parts:
        if isinstance(part, int):
            layout.addStretch(part)
        elif isinstance(part, QLayout):
            layout.addLayout(part)
        else:
            layout.addWidget(part)
    return layout


def _table(name: str, headers: tuple[str, ...]) -> QTableWidget:
    """A read-only table of a few rows; columns share the width (no resize-to-contents)."""
    table = named(QTableWidget(0, len(headers)), name)
    table.setHorizontalHeaderLabels(list(headers))
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
    table.verticalHeader().setVisible(False)
    table.setWordWrap(False)
    return table


def _fill(table: QTableWidget, rows: list[list[str]]) -> None:
    table.setRowCount(len(rows))
    for row, cells in enumerate(rows):
        for column, text in enumerate(cells):
            item = QTableWidgetItem(text)
            item.setToolTip(text)  # long values are cut at the column edge
            table.setItem(row, column, item)


def _mono() -> QFont:
    return QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)


class StationBox(QGroupBox):
    """This station's name, team and fingerprint, large enough to read aloud on the phone."""

    def __init__(self) -> None:
        super().__init__("This station")
        self.name, self.team = _label(name="Station name"), _label(name="Team")
        self.fingerprint = _label(name="Fingerprint")
        self.fingerprint.setFont(_bold(_mono(), 1.6))
        self.fingerprint.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.save = named(QPushButton("Save identity file…"), "Save identity file")
        self.saved = _label(name="Identity file status")
        form = QFormLayout(self)
        form.addRow("Name", self.name)
        form.addRow("Team", self.team)
        form.addRow("Fingerprint", self.fingerprint)
        row = _box(QHBoxLayout(), self.save, self.saved)
        row.setStretch(1, 1)
        form.addRow(row)

    def show_status(self, status: Any) -> None:
        self.name.setText(status.name)
        self.team.setText(status.team)
        self.fingerprint.setText(status.fingerprint)


class PeersBox(QGroupBox):
    """The stations this one exchanges bundles with, and when it last did."""

    def __init__(self) -> None:
        super().__init__("Trusted stations")
        self.table = _table("Trusted stations", PEER_COLUMNS)
        self.table.setMinimumHeight(110)
        self.table.setMaximumHeight(220)  # a team has a handful of station PCs
        # The fingerprint is read aloud and compared, so its column never cuts it short.
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Fixed)
        widest = QFontMetrics(_mono()).horizontalAdvance("-".join(["MMMM"] * 6))
        self.table.setColumnWidth(1, widest + 24)
        self.trust = named(QPushButton("Trust a station…"), "Trust a station")
        self.note = _label(name="Trust status")
        row = _box(QHBoxLayout(), self.trust, self.note)
        row.setStretch(1, 1)
        _box(QVBoxLayout(self), self.table, row)

    def show_peers(self, peers: list[Any]) -> None:
        _fill(self.table, [
            [p.name, p.fingerprint, when_text(p.last_import_at), when_text(p.last_export_at),
             when_text(p.confirmed_through)]
            for p in peers
        ])  # fmt: skip
        for row in range(len(peers)):
            if (fingerprint := self.table.item(row, 1)) is not None:
                fingerprint.setFont(_mono())


class ExchangeBox(QGroupBox):
    """Bundles by hand (USB stick, shared folder) and the team's hub, with what they changed."""

    def __init__(self) -> None:
        super().__init__("Exchange")
        self.make = named(QPushButton("Make sync bundle…"), "Make sync bundle")
        self.full = named(QCheckBox("Everything (full)"), "Everything (full)")
        self.full.setToolTip("Every record, not only what the other stations have not confirmed")
        self.load = named(QPushButton("Import sync bundle…"), "Import sync bundle")
        # The hub is reached with this station's own access (an access file its keeper made
        # for it): no address or password is ever typed here, and none is shown in full.
        self.address = _label(name="Hub address")
        self.address.setTextFormat(Qt.TextFormat.PlainText)
        self.join = named(QPushButton("&Join hub…"), "Join hub")
        self.join.setToolTip("Open the hub access file made for this PC by whoever keeps the hub")
        self.hub = named(QPushButton("Sync with hub"), "Sync with hub")
        self.working = named(QLabel(""), "Working on")
        self.bar = named(QProgressBar(), "Progress")
        self.bar.setRange(0, 0)  # the services report stages, not amounts: a busy bar
        self.bar.setMaximumWidth(200)
        self.result = _label(name="Result")
        self.pending = _label(name="Changes not yet confirmed")
        self.last_hub = _label(name="Last hub sync")
        self.set_aside = _label(name="Changes set aside")  # hidden while none waits
        self.set_aside.setTextFormat(Qt.TextFormat.PlainText)
        self.set_aside.setVisible(False)
        hub = _box(QHBoxLayout(), self.address, self.join, self.hub)
        hub.setStretch(0, 1)
        _box(
            QVBoxLayout(self),
            _box(QHBoxLayout(), self.make, self.full, self.load, 1),
            hub,
            _box(QHBoxLayout(), self.working, self.bar, 1),
            self.result,
            self.pending,
            self.last_hub,
            self.set_aside,
        )
        self.joined = False
        self.show_hub(None)
        self.set_busy("")

    def show_hub(self, address: str | None) -> None:
        """The hub this station joined (its address without the password), or how to join."""
        self.joined = address is not None
        self.address.setText(
            f"Hub: {address}"
            if address
            else "Hub: not joined yet. Join with the access file made for this PC."
        )
        set_enabled(self.hub, self.joined and not self.working.isVisible())

    def set_busy(self, doing: str) -> None:
        """`doing` names the work under way; "" when nothing is."""
        self.working.setText(f"{doing}…" if doing else "")
        self.working.setVisible(bool(doing))
        self.bar.setVisible(bool(doing))
        for button in (self.make, self.load, self.join):
            set_enabled(button, not doing)
        set_enabled(self.hub, not doing and self.joined)

    def show_status(self, status: Any) -> None:
        waiting = status.unconfirmed_changes
        self.pending.setText(f"Changes not yet confirmed by every trusted station: {waiting}")
        lines = [set_aside_line(*group) for group in status.set_aside]
        self.set_aside.setText("\n".join(lines))
        self.set_aside.setVisible(bool(lines))
        self.show_hub(status.hub_address)
        if not status.hubs:
            self.last_hub.setText("Last hub sync: never")
            return
        synced = [h for h in status.hubs if h.last_sync_at] or status.hubs
        hub = max(synced, key=lambda h: h.last_sync_at or 0)
        self.last_hub.setText(f"Last hub sync: {when_text(hub.last_sync_at)} ({hub.address})")


class SidePane(QGroupBox):
    """One side of a conflict: the value, who set it and when, and the button to keep it."""

    def __init__(self, choice: str) -> None:
        title = SIDE_TITLES[choice]
        super().__init__(title)
        self.choice = choice
        self.value = _label(name=f"{title}: value", scale=1.3)
        self.who, self.when = _label(name=f"{title}: who"), _label(name=f"{title}: when")
        self.keep = named(QPushButton("Keep this"), f"Keep this: {title.lower()}")
        _box(QVBoxLayout(self), self.value, self.who, self.when, 1, self.keep)

    def show_side(self, side: Any, chosen: bool, settled: bool) -> None:
        title = SIDE_TITLES[self.choice]
        self.setTitle(f"{title} (chosen)" if chosen else title)
        self.value.setText(side.text)
        self.who.setText(f"By {side.who}")
        self.when.setText(f"On {when_text(side.when)}")
        set_enabled(self.keep, not settled)


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _decision(view: Any) -> str:
    if not view.resolved:
        return "Open"
    side = view.kept
    kept = f"Kept “{side.text}”" if side is not None else "Settled"
    return f"{kept} on {when_text(view.resolved_at)}"


def _row_of(view: Any) -> list[str]:
    field = view.field or "(the whole record)"
    more = len(view.sides) - 2
    aside = view.b.text + (f" (and {more} more)" if more > 0 else "")
    return [_capital(view.record), field, view.a.text, aside, _decision(view)]


class ConflictsTab(QWidget):
    """Open conflicts in a list; the chosen one side by side, with a button under each side."""

    def __init__(self) -> None:
        super().__init__()
        self.views: list[Any] = []
        self.settled = named(QCheckBox("Show settled"), "Show settled conflicts")
        self.table = _table("Conflicts", CONFLICT_COLUMNS)
        self.heading = _label(name="Conflict", scale=1.2)
        self.sides = {choice: SidePane(choice) for choice in SIDE_TITLES}
        self.outcome = _label(name="Decision")
        self.empty = _label("No conflicts: every station agrees.", "No conflicts")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.pages = QStackedWidget()
        self.pages.addWidget(self.empty)
        self.pages.addWidget(self._list_and_detail())
        layout = QVBoxLayout(self)
        layout.addWidget(self.settled, 0, Qt.AlignmentFlag.AlignLeft)  # clickable on its text only
        layout.addWidget(self.pages, 1)
        self.table.currentCellChanged.connect(lambda *_: self._show_detail())

    def _list_and_detail(self) -> QWidget:
        note = _label(
            "A sergeant decides which side stands. Until then the record shows the side kept "
            "for now; the side not chosen stays in this list, so nothing is lost.",
            "Who decides",
        )
        detail = QWidget()
        sides = _box(QHBoxLayout(), *self.sides.values())
        _box(QVBoxLayout(detail), self.heading, note, sides, self.outcome, 1)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(self.table)
        splitter.addWidget(detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        return splitter

    def show_conflicts(self, views: list[Any]) -> None:
        shown = self.current()
        self.views = views
        self.pages.setCurrentIndex(1 if views else 0)
        _fill(self.table, [_row_of(view) for view in views])
        ids = [view.id for view in views]
        self.table.selectRow(ids.index(shown.id) if shown and shown.id in ids else 0)
        self._show_detail()

    def current(self) -> Any:
        row = self.table.currentRow()
        return self.views[row] if 0 <= row < len(self.views) else None

    def _show_detail(self) -> None:
        view = self.current()
        if view is None:
            return
        record = _capital(view.record)
        self.heading.setText(
            f"{record}: {view.field}" if view.field else f"{record} (deleted on one side)"
        )
        for index, (choice, pane) in enumerate(self.sides.items()):
            pane.setVisible(index < len(view.sides))
            if index < len(view.sides):
                pane.show_side(view.sides[index], view.chosen == choice, view.resolved)
        settled = f"Settled by {view.resolved_by}: {_decision(view)}." if view.resolved else ""
        self.outcome.setText(settled)
        self.outcome.setVisible(view.resolved)


def _conflicts_text(count: int) -> str:
    if not count:
        return ""
    noun = "conflict needs" if count == 1 else "conflicts need"
    return f" {count} {noun} a sergeant's decision (Conflicts tab)."


class SyncScreen(QWidget):
    """Keeps the team's station PCs in step; every service call runs on the desk's worker."""

    def __init__(self, desk: Desk, save: SaveFile = save_file) -> None:
        super().__init__()
        self.setAccessibleName("Sync")
        self.desk, self.save = desk, save
        self.sync = desk.services.sync
        self.status: Any = None
        self.station, self.peers, self.exchange = StationBox(), PeersBox(), ExchangeBox()
        self.conflicts = ConflictsTab()
        stations = QWidget()
        _box(QVBoxLayout(stations), self.station, self.peers, self.exchange, 1)
        scroll = QScrollArea()  # a small laptop screen scrolls rather than squashing the boxes
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(stations)
        self.tabs = named(QTabWidget(), "Stations and conflicts")
        self.tabs.addTab(scroll, "Stations")
        self.tabs.addTab(self.conflicts, "Conflicts")
        title = QLabel("Sync")
        title.setObjectName("screenTitle")
        _box(QVBoxLayout(self), title, self.tabs)
        self._connect()

    def _connect(self) -> None:
        self.station.save.clicked.connect(self.save_identity)
        self.peers.trust.clicked.connect(self.trust_station)
        self.exchange.make.clicked.connect(self.make_bundle)
        self.exchange.load.clicked.connect(self.import_bundle)
        self.exchange.hub.clicked.connect(self.sync_hub)
        self.exchange.join.clicked.connect(self.join_hub)
        self.conflicts.settled.toggled.connect(lambda _on: self.refresh())
        for pane in self.conflicts.sides.values():
            pane.keep.clicked.connect(lambda _c=False, p=pane: self.keep(p.choice))
            offer(self.desk, pane.keep, Action.RESOLVE_CONFLICTS)  # a sergeant's decision
        offer(self.desk, self.peers.trust, Action.REGISTER_PEERS)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.refresh()  # other screens' edits change what waits to be confirmed

    def refresh(self) -> None:
        settled, sync = self.conflicts.settled.isChecked(), self.sync
        self.desk.runner.run(
            lambda: (sync.status(), sync.conflicts(include_resolved=settled)),
            self._show,
            guard=self,
        )

    def _show(self, loaded: tuple[Any, list[Any]]) -> None:
        self.status, views = loaded
        self.station.show_status(self.status)
        self.peers.show_peers(self.status.peers)
        self.exchange.show_status(self.status)
        self.conflicts.show_conflicts(views)
        count = self.status.open_conflicts
        self.tabs.setTabText(1, f"Conflicts ({count})" if count else "Conflicts")

    def _name(self) -> str:
        return slug(self.status.name if self.status else "station")

    # -- identity and trust ------------------------------------------------------------------

    def save_identity(self) -> None:
        chosen = self.save(self, "Save identity file", f"{self._name()}.identity")
        if not chosen:
            return
        saved = f"Saved to {chosen}. Give it to the other station and read out the fingerprint."
        self.desk.write(
            lambda: self.sync.write_identity(Path(chosen)),
            lambda _public: self.station.saved.setText(saved),
            guard=self,
        )

    def trust_station(self) -> None:
        chosen = self.desk.choose(self, "Trust a station", IDENTITIES)
        if chosen:
            self.desk.runner.run(
                lambda: self.sync.read_identity(Path(chosen)), self._confirm, guard=self
            )

    def _confirm(self, public: Any) -> None:
        question = (
            f"Station {public.name} of team {public.team}\n\nFingerprint:\n{public.fingerprint}"
            "\n\nDoes the other station show this fingerprint?"
        )
        if not self.desk.ask(self, "Trust a station", question):
            self.peers.note.setText(f"{public.name} was not trusted: fingerprint not confirmed.")
            return

        def trusted(_public: Any) -> None:
            self.peers.note.setText(f"Trusted {public.name}.")
            self.refresh()

        self.desk.write(lambda: self.sync.trust(public), trusted, guard=self)

    # -- bundles and the hub -----------------------------------------------------------------

    def _long(
        self, doing: str, work: Callable[[Progress], Any], said: Callable[[Any], str]
    ) -> None:
        """Run `work(progress)` with the progress dialog (Cancel rolls back) and the busy line;
        `said(result)` is the sentence the result line then shows."""
        task = ProgressTask(self.desk, self, doing)
        self.exchange.set_busy(doing)

        def ended(text: str) -> None:
            self.exchange.set_busy("")
            self.exchange.result.setText(text)
            self.refresh()

        def failed(error: BaseException) -> None:
            ended(f"{doing} stopped: {getattr(error, 'message', 'an unexpected error')}")
            self.desk.report_error(error, self)

        task.start(
            lambda report: work(lambda stage: report(stage, 0, 0)),
            lambda result: ended(said(result)),
            failed,
            lambda: ended(f"{doing} was cancelled; nothing changed."),
        )

    def make_bundle(self) -> None:
        stamp = datetime.now(LONDON).strftime("%Y%m%d-%H%M")
        chosen = self.save(self, "Make sync bundle", f"{self._name()}-{stamp}.pcsosync")
        if not chosen:
            return
        full, sync = self.exchange.full.isChecked(), self.sync
        self._long(
            "Making sync bundle",
            lambda progress: sync.export_bundle(Path(chosen), full=full, progress=progress),
            self._made,
        )

    def _made(self, result: Any) -> str:
        what = "every record" if result.full else "changes not yet confirmed"
        to = ", ".join(result.recipients)
        return f"Made a bundle of {result.changes} changes ({what}) for {to}: {result.path}."

    def import_bundle(self) -> None:
        chosen = self.desk.choose(self, "Import sync bundle", BUNDLES)
        if chosen:
            self.import_file(Path(chosen))

    def import_file(self, path: Path) -> None:
        """Import one bundle (chosen here, or one the app was opened with from the desktop)."""
        sync = self.sync
        self._long(
            "Importing sync bundle",
            lambda progress: sync.import_bundle(path, progress=progress),
            self._imported,
        )

    def _imported(self, result: Any) -> str:
        if result.already_imported:
            return "This bundle was imported before; nothing changed."
        applied = result.changed
        return (
            f"Imported {result.received} changes from {result.sender}: {applied} applied, "
            f"{result.received - applied} already here.{_conflicts_text(result.new_conflicts)}"
        )

    def join_hub(self) -> None:
        chosen = self.desk.choose(self, "Join hub", ACCESS_FILES)
        if not chosen:
            return

        def joined(address: str) -> None:
            self.exchange.result.setText(f"Joined the hub at {address}.")
            self.refresh()

        sync = self.sync
        self.desk.write(lambda: sync.join_hub(Path(chosen)), joined, guard=self)

    def sync_hub(self) -> None:
        sync = self.sync
        self._long("Syncing with hub", lambda report: sync.hub(progress=report), self._synced)

    def _synced(self, result: Any) -> str:
        aside = (
            f" {result.set_aside} received change(s) set aside (see below)."
            if result.set_aside
            else ""
        )
        return (
            f"Synced with {result.address}: sent {result.pushed} changes, received "
            f"{result.pulled} ({result.changed} new here).{aside}"
            f"{_conflicts_text(result.new_conflicts)}"
        )

    # -- conflicts ---------------------------------------------------------------------------

    def keep(self, choice: str) -> None:
        view = self.conflicts.current()
        if view is None or view.resolved:
            return
        side = view.sides[ord(choice) - ord("a")]
        what = f"the {view.field} of {view.record}" if view.field else view.record
        others = "The other values stay" if len(view.sides) > 2 else "The other side stays"
        question = f"Keep “{side.text}” for {what}?\n\n{others} in its history, not lost."
        if not self.desk.ask(self, "Settle a conflict", question):
            return
        conflict_id = view.id
        self.desk.write(
            lambda: self.sync.resolve(conflict_id, choice),
            lambda _changes: self.refresh(),
            self._not_settled,
        )

    def _not_settled(self, error: BaseException) -> None:
        self.desk.report_error(error, self)
        self.refresh()  # another station may have settled it meanwhile


def sync_screen(desk: Desk) -> SyncScreen:
    return SyncScreen(desk)
