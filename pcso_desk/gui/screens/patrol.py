"""Patrol log and abstractions, under the month's share of time in the locality (80% target)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from pcso_desk.domain.months import month_of, month_title, shift_month
from pcso_desk.domain.schedule import LOCALITY_TARGET, LocalityShare
from pcso_desk.gui.desk import Desk
from pcso_desk.gui.screens import definitions as d
from pcso_desk.gui.screens.kins import london_today
from pcso_desk.gui.screens.records import RecordScreen
from pcso_desk.services.values import Changes

Today = Callable[[], date]
Scopes = tuple[list[tuple[str, str]], list[tuple[str, str]]]
TIME_KINDS = frozenset({"patrol_sessions", "abstractions"})
SCOPE_KINDS = frozenset({"officers", "neighbourhoods"})
GOOD_INK = "#1e5631"
WARN_INK = "#8a5a00"
TRACK = "#dde3ea"


def hours(minutes: int) -> str:
    whole, rest = divmod(minutes, 60)
    return f"{whole} h {rest:02d} min" if rest else f"{whole} h"


def share_line(share: LocalityShare, month: str) -> str:
    target = f"target {LOCALITY_TARGET:.0%}"
    if share.share is None:
        return f"No patrol or abstraction time logged in {month_title(month)} ({target})"
    return f"{share.share:.0%} of logged time in the locality ({target})"


def share_detail(share: LocalityShare) -> str:
    if share.share is None:
        return "Log patrols and abstractions below to see the share."
    verdict = "Meets the target." if share.meets_target else "Below the target."
    return (
        f"{hours(share.locality_minutes)} patrolling in the locality, "
        f"{hours(share.abstracted_minutes)} abstracted (court, training, other duties). {verdict}"
    )


class ShareBar(QWidget):
    """A plain bar: the share filled in, with a mark where the 80% target sits."""

    def __init__(self) -> None:
        super().__init__()
        self.share: float | None = None
        self.meets = False
        self.setAccessibleName("Share of time in the locality")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def sizeHint(self) -> QSize:
        return QSize(320, self.fontMetrics().height() + 22)

    def set_share(self, share: LocalityShare) -> None:
        self.share = share.share
        self.meets = bool(share.meets_target)
        shown = "none logged" if share.share is None else f"{share.share:.0%}"
        self.setAccessibleDescription(f"{shown}; target {LOCALITY_TARGET:.0%}")
        self.update()

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        label_height = self.fontMetrics().height()
        track = QRectF(1, 1, self.width() - 2, self.height() - label_height - 6)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(TRACK))
        painter.drawRoundedRect(track, 4, 4)
        if self.share:
            filled = QRectF(track.x(), track.y(), track.width() * self.share, track.height())
            painter.setBrush(QColor(GOOD_INK if self.meets else WARN_INK))
            painter.drawRoundedRect(filled, 4, 4)
        x = track.x() + track.width() * LOCALITY_TARGET
        painter.setPen(QPen(QColor("#1f3a5f"), 2))
        painter.drawLine(int(x), int(track.top()) - 1, int(x), int(track.bottom()) + 3)
        text = f"target {LOCALITY_TARGET:.0%}"
        width = self.fontMetrics().horizontalAdvance(text)
        painter.drawText(int(x - width / 2), self.height() - 3, text)
        painter.end()


class LocalityPanel(QFrame):
    """This month's (or a chosen month's) share of time in the locality, for a chosen scope."""

    def __init__(self, desk: Desk, today: Today = london_today) -> None:
        super().__init__()
        self.desk = desk
        self.today = today
        self.month = month_of(today())
        self.share: LocalityShare | None = None
        self._asked = 0  # the newest request; older answers are dropped
        self.setObjectName("localityPanel")
        self.setStyleSheet("#localityPanel { border: 1px solid palette(mid); border-radius: 6px; }")
        self.setAccessibleName("Time in the locality")
        self._build()
        self._lay_out()
        self.previous_button.clicked.connect(lambda: self.go(-1))
        self.next_button.clicked.connect(lambda: self.go(+1))
        self.this_month_button.clicked.connect(self.go_to_this_month)
        self.scope.currentIndexChanged.connect(lambda _index: self.refresh())
        desk.hub.changed.connect(self._on_changes)
        self.load_scopes()

    def _build(self) -> None:
        self.previous_button = QPushButton("◀ Pre&vious month")
        self.next_button = QPushButton("Nex&t month ▶")
        self.this_month_button = QPushButton("T&his month")
        for button in (self.previous_button, self.next_button, self.this_month_button):
            button.setAccessibleName(button.text().replace("&", "").strip("◀▶ "))
        self.month_label = QLabel()
        self.month_label.setAccessibleName("Month shown")
        bold = self.month_label.font()
        bold.setBold(True)
        self.month_label.setFont(bold)
        self.scope = QComboBox()
        self.scope.setAccessibleName("Whose time")
        self.scope.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.scope.addItem("Whole team", "")
        self.line = QLabel("Loading…")
        self.line.setAccessibleName("Time in the locality this month")
        big = self.line.font()
        big.setBold(True)
        big.setPointSizeF(big.pointSizeF() * 1.5)
        self.line.setFont(big)
        self.bar = ShareBar()
        self.detail = QLabel()
        self.detail.setAccessibleName("Patrol and abstraction hours")
        self.detail.setWordWrap(True)

    def _lay_out(self) -> None:
        top = QHBoxLayout()
        top.addWidget(self.previous_button)
        top.addWidget(self.month_label)
        top.addWidget(self.next_button)
        top.addWidget(self.this_month_button)
        top.addStretch(1)
        caption = QLabel("&Whose time:")
        caption.setBuddy(self.scope)
        top.addWidget(caption)
        top.addWidget(self.scope)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 10)
        layout.addLayout(top)
        layout.addWidget(self.line)
        layout.addWidget(self.bar)
        layout.addWidget(self.detail)

    # -- choosing -----------------------------------------------------------------------

    def go(self, months: int) -> None:
        self.month = shift_month(self.month, months)
        self.refresh()

    def go_to_this_month(self) -> None:
        self.month = month_of(self.today())
        self.refresh()

    def load_scopes(self) -> None:
        options = self.desk.services.options
        self.desk.runner.run(
            lambda: (options("neighbourhoods"), options("officers")), self._fill, guard=self
        )

    def _fill(self, found: Scopes) -> None:
        neighbourhoods, officers = found
        chosen = self.scope.currentData()
        self.scope.blockSignals(True)
        self.scope.clear()
        self.scope.addItem("Whole team", "")
        for prefix, group in (("neighbourhood", neighbourhoods), ("officer", officers)):
            if group:
                self.scope.insertSeparator(self.scope.count())
            for record_id, name in group:
                self.scope.addItem(f"{prefix.capitalize()}: {name}", f"{prefix}:{record_id}")
        self.scope.setCurrentIndex(max(self.scope.findData(chosen), 0))
        self.scope.blockSignals(False)
        self.refresh()

    def choose_scope(self, kind: str, record_id: str) -> bool:
        """Show one neighbourhood's or officer's time (kind: "neighbourhood" or "officer")."""
        index = self.scope.findData(f"{kind}:{record_id}")
        if index >= 0:
            self.scope.setCurrentIndex(index)
        return index >= 0

    # -- showing ------------------------------------------------------------------------

    def refresh(self) -> None:
        self._asked += 1
        asked, month = self._asked, self.month
        self.month_label.setText(month_title(month))
        self.next_button.setEnabled(month < month_of(self.today()))
        self.this_month_button.setEnabled(month != month_of(self.today()))
        kind, _, record_id = str(self.scope.currentData() or "").partition(":")
        scope = {f"{kind}_id": record_id} if record_id else {}
        work = self.desk.services.time_in_locality
        self.desk.runner.run(
            lambda: work(month, **scope), lambda s: self._show(asked, s), guard=self
        )

    def _show(self, asked: int, share: LocalityShare) -> None:
        if asked != self._asked:
            return  # the month or scope changed while this was counted
        self.share = share
        self.line.setText(share_line(share, self.month))
        ink = GOOD_INK if share.meets_target else WARN_INK
        self.line.setStyleSheet(f"color: {ink};")
        self.bar.set_share(share)
        self.detail.setText(share_detail(share))

    def _on_changes(self, changes: Changes) -> None:
        if changes.kind in SCOPE_KINDS:
            self.load_scopes()
        elif changes.kind in TIME_KINDS:
            self.refresh()


class PatrolScreen(QWidget):
    """The locality share above tabs for the patrol log and the abstractions."""

    def __init__(self, desk: Desk, today: Today = london_today) -> None:
        super().__init__()
        self.setAccessibleName("Patrol log")
        self.locality = LocalityPanel(desk, today)
        self.patrols = RecordScreen(desk, d.PATROLS)
        self.abstractions = RecordScreen(desk, d.ABSTRACTIONS)
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Patrol log and abstractions")
        self.tabs.addTab(self.patrols, "&Patrols")
        self.tabs.addTab(self.abstractions, "&Abstractions")
        for tab in (self.patrols, self.abstractions):
            tab.table.setColumnWidth(0, 175)
            tab.table.setColumnWidth(1, 175)
            for inner in tab.findChildren(QLabel, "screenTitle"):
                inner.hide()  # the tab already names the list; one title for the screen
        title = QLabel("Patrol log")
        title.setObjectName("screenTitle")
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(self.locality)
        layout.addWidget(self.tabs, 1)


def patrol_screen(desk: Desk, today: Today = london_today) -> PatrolScreen:
    """Patrol log: the month's time in the locality, the patrols, and the abstractions."""
    return PatrolScreen(desk, today)
