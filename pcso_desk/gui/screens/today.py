"""Today: what is overdue or due soon for the team, every line opening its record."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QColor, QFont, QShowEvent
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from pcso_desk.domain.months import month_title
from pcso_desk.domain.schedule import LOCALITY_TARGET, LONDON, LocalityShare
from pcso_desk.domain.wording import counted
from pcso_desk.gui.desk import Desk
from pcso_desk.services.values import Changes, TodayItem, TodaySummary

Clock = Callable[[], datetime]
OpenRecord = Callable[[str, str], None]
KIND_ROLE = Qt.ItemDataRole.UserRole + 1
ID_ROLE = Qt.ItemDataRole.UserRole + 2
OVERDUE_INK = "#b3261e"
OVERDUE_PAPER = "#fdecea"
WARN_INK = "#8a5a00"
GOOD_INK = "#1e5631"
STALE_AFTER = timedelta(minutes=5)  # a dashboard shown again after this is re-read
# The record kinds whose changes can alter what Today shows.
LISTENS = frozenset(
    {
        "victim_cases",
        "victim_contacts",
        "kin_members",
        "kin_checkins",
        "meetings",
        "priorities",
        "priority_actions",
        "messages",
        "patrol_sessions",
        "abstractions",
        "contacts",
    }
)


def now_utc() -> datetime:
    return datetime.now(UTC)


def _ago(due: datetime | date, now: datetime) -> str:
    """'3 days' / '5 hours' / 'minutes' since a past due time, for an overdue line."""
    assert isinstance(due, datetime)  # victim contacts and reply deadlines are instants
    late = now - due
    if late >= timedelta(days=1):
        return counted(late.days, "day")
    hours = late // timedelta(hours=1)
    return counted(hours, "hour") if hours else "minutes"


def _left(deadline: datetime, now: datetime) -> str:
    minutes = max(0, (deadline - now) // timedelta(minutes=1))
    return f"{minutes // 60} h {minutes % 60:02d} min left"


def _time(value: datetime) -> str:
    return value.astimezone(LONDON).strftime("%H:%M")


def when(value: datetime | date) -> str:
    """A dashboard date: weekday, day and month (the year only matters in lists and reports)."""
    if isinstance(value, datetime):
        return value.astimezone(LONDON).strftime("%a %d %b %H:%M")
    return value.strftime("%a %d %b")


def victim_line(item: TodayItem, now: datetime) -> str:
    if item.overdue:
        return (
            f"⚠ Overdue by {_ago(item.due, now)} — {item.title} ({item.detail}), "
            f"was due {when(item.due)}"
        )
    return f"{item.title} ({item.detail}) — due {when(item.due)}"


def kin_line(item: TodayItem, now: datetime) -> str:
    who = f"{item.title}, {item.detail}" if item.detail else item.title
    if item.overdue:
        return f"⚠ Overdue — {who}: check-in was due {when(item.due)}"
    return f"{who} — check-in due {when(item.due)}"


def meeting_line(item: TodayItem, _now: datetime) -> str:
    where = f", {item.detail}" if item.detail else ""
    return f"{when(item.due)} — {item.title}{where}"


def priority_line(item: TodayItem, _now: datetime) -> str:
    if item.overdue:
        return f"⚠ Review overdue — {item.title} ({item.detail}), was due {when(item.due)}"
    return f"{item.title} ({item.detail}) — review {when(item.due)}"


def message_line(item: TodayItem, now: datetime) -> str:
    assert isinstance(item.due, datetime)
    if item.overdue:
        return (
            f"⚠ Reply overdue by {_ago(item.due, now)} — {item.title} "
            f"(from {item.detail}), was due {_time(item.due)}"
        )
    return f"{item.title} (from {item.detail}) — {_left(item.due, now)}, reply by {_time(item.due)}"


def locality_line(share: LocalityShare) -> tuple[str, str]:
    """The time-in-locality sentence and its colour."""
    target = f"target {LOCALITY_TARGET:.0%}"
    if share.share is None:
        return f"No patrol or abstraction time logged this month ({target})", WARN_INK
    text = f"{share.share:.0%} in the locality this month ({target})"
    return text, GOOD_INK if share.meets_target else WARN_INK


def _hours(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    return f"{hours} h {rest:02d} min" if rest else f"{hours} h"


def locality_detail(share: LocalityShare) -> str:
    return (
        f"{_hours(share.locality_minutes)} patrolling in the locality, "
        f"{_hours(share.abstracted_minutes)} abstracted (court, training, other duties)."
    )


@dataclass(frozen=True)
class SectionDef:
    key: str
    title: str
    empty: str
    line: Callable[[TodayItem, datetime], str]
    pick: Callable[[TodaySummary], Sequence[TodayItem]]


SECTIONS = (
    SectionDef(
        "overdue_victims",
        "Overdue victim contacts",
        "No victim contact is overdue.",
        victim_line,
        lambda s: s.overdue_victim_contacts,
    ),
    SectionDef(
        "victims_due",
        "Victim contacts due this week",
        "No victim contact falls due this week.",
        victim_line,
        lambda s: s.victim_contacts_due,
    ),
    SectionDef(
        "kin",
        "KIN check-ins due",
        "No KIN check-in is due this week.",
        kin_line,
        lambda s: s.kin_checkins_due,
    ),
    SectionDef(
        "messages",
        "Messages near the 24-hour clock",
        "No message is near its 24-hour reply deadline.",
        message_line,
        lambda s: s.messages_near_clock,
    ),
    SectionDef(
        "meetings",
        "Upcoming meetings (next 14 days)",
        "No meeting is planned in the next 14 days.",
        meeting_line,
        lambda s: s.meetings,
    ),
    SectionDef(
        "priorities",
        "Priorities near review",
        "No open priority is due for review in the next 14 days.",
        priority_line,
        lambda s: s.priorities_for_review,
    ),
)


class Section(QFrame):
    """A heading with a count, and a list whose rows open their record on Enter/double-click."""

    def __init__(self, definition: SectionDef, open_record: OpenRecord, urgent: bool) -> None:
        super().__init__()
        self.definition = definition
        self.urgent = urgent
        self.setObjectName("todaySection")
        self.heading = QLabel()
        self.heading.setObjectName("todayHeading")
        font = QFont(self.heading.font())
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.1)
        self.heading.setFont(font)
        self.empty = QLabel(definition.empty)
        self.empty.setObjectName("todayEmpty")
        self.empty.setWordWrap(True)
        self.list = QListWidget()
        self.list.setAccessibleName(definition.title)
        self.list.setWordWrap(True)
        self.list.setSpacing(2)
        self.list.setAlternatingRowColors(not urgent)
        self.list.itemActivated.connect(
            lambda item: open_record(item.data(KIND_ROLE), item.data(ID_ROLE))
        )
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 10)
        layout.addWidget(self.heading)
        layout.addWidget(self.empty)
        layout.addWidget(self.list, 1)
        self._paint(False)

    def show_items(self, items: Sequence[TodayItem], now: datetime) -> None:
        self.heading.setText(f"{self.definition.title} ({len(items)})")
        self.heading.setAccessibleName(self.heading.text())
        current = self.list.currentItem()
        keep = current.data(ID_ROLE) if current is not None else None
        self.list.clear()
        for item in items:
            row = QListWidgetItem(self.definition.line(item, now))
            row.setData(KIND_ROLE, item.kind)
            row.setData(ID_ROLE, item.record_id)
            row.setToolTip("Press Enter or double-click to open")
            if item.overdue:
                row.setForeground(QColor(OVERDUE_INK))
                font = QFont(self.list.font())
                font.setBold(True)
                row.setFont(font)
            self.list.addItem(row)
            if item.record_id == keep:
                self.list.setCurrentItem(row)
        self.list.setVisible(bool(items))
        self.empty.setVisible(not items)
        self._paint(self.urgent and bool(items))

    def _paint(self, alarm: bool) -> None:
        # Set here, not by the window's style, so overdue reads the same on every theme.
        if alarm:
            self.setStyleSheet(
                f"#todaySection {{ background: {OVERDUE_PAPER}; border: 2px solid {OVERDUE_INK};"
                f" border-radius: 6px; }} #todayHeading {{ color: {OVERDUE_INK}; }}"
                f" QListWidget {{ background: white; color: #1a1a1a; }}"
            )
        else:
            self.setStyleSheet(
                "#todaySection { border: 1px solid palette(mid); border-radius: 6px; }"
                " #todayEmpty { color: palette(placeholder-text); }"
            )


class LocalityPanel(QFrame):
    """This month's share of time in the locality against the 80% target."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("todaySection")
        self.setStyleSheet("#todaySection { border: 1px solid palette(mid); border-radius: 6px; }")
        self.heading = QLabel("Time in the locality")
        font = QFont(self.heading.font())
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.1)
        self.heading.setFont(font)
        self.line = QLabel("Loading…")
        self.line.setAccessibleName("Time in the locality this month")
        self.line.setWordWrap(True)
        self.detail = QLabel()
        self.detail.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 10)
        for label in (self.heading, self.line, self.detail):
            layout.addWidget(label)
        layout.addStretch(1)

    def show_share(self, share: LocalityShare, month: str) -> None:
        self.heading.setText(f"Time in the locality — {month_title(month)}")
        text, ink = locality_line(share)
        self.line.setText(text)
        big = QFont(self.line.font())
        big.setBold(True)
        big.setPointSizeF(self.heading.font().pointSizeF() * 1.2)
        self.line.setFont(big)
        self.line.setStyleSheet(f"color: {ink};")
        self.detail.setText(locality_detail(share) if share.share is not None else "")


class TodayScreen(QWidget):
    """The dashboard; reads through the runner and refreshes when what it shows changes."""

    def __init__(self, desk: Desk, open_record: OpenRecord, now: Clock = now_utc) -> None:
        super().__init__()
        self.desk = desk
        self._now = now
        self._asked = 0  # the newest refresh; older answers are dropped
        self.loaded_at: datetime | None = None
        self.summary: TodaySummary | None = None
        self.setAccessibleName("Today")
        self.title = QLabel("<h2>Today</h2>")
        self.date = QLabel()
        self.updated = QLabel("Loading…")
        self.updated.setAccessibleName("Last updated")
        self.refresh_button = QPushButton("&Refresh")
        self.refresh_button.setAccessibleName("Refresh")
        self.refresh_button.clicked.connect(self.refresh)
        self.sections = {
            s.key: Section(s, open_record, urgent=s.key == "overdue_victims") for s in SECTIONS
        }
        self.locality_panel = LocalityPanel()
        self.locality = self.locality_panel.line
        self._changes_timer = QTimer(self, singleShot=True, interval=150)
        self._changes_timer.timeout.connect(self.refresh)
        # Clocks run on while the screen sits open (a reply deadline passes, a visit falls due).
        self._clock_timer = QTimer(self, interval=int(STALE_AFTER.total_seconds() * 1000))
        self._clock_timer.timeout.connect(self._tick)
        self._clock_timer.start()
        desk.hub.changed.connect(self._on_changes)
        self._layout()
        self.refresh()

    def _layout(self) -> None:
        top = QHBoxLayout()
        top.addWidget(self.title)
        top.addSpacing(12)
        top.addWidget(self.date, 1)
        top.addWidget(self.updated)
        top.addWidget(self.refresh_button)
        grid = QGridLayout()
        grid.setSpacing(10)
        grid.addWidget(self.sections["overdue_victims"], 0, 0, 1, 2)
        others = [self.sections[key] for key in list(self.sections)[1:]]
        for number, widget in enumerate([*others, self.locality_panel]):
            grid.addWidget(widget, 1 + number // 2, number % 2)
        for row in range(4):
            grid.setRowStretch(row, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(grid, 1)

    def refresh(self) -> None:
        self._asked += 1
        asked, now = self._asked, self._now()
        officer = self.desk.services.ctx.officer_id
        today = self.desk.services.today
        self.desk.runner.run(
            lambda: today.summary(now, officer_id=officer),
            lambda summary: self._show(asked, summary),
            guard=self,  # signed out or closed while the summary was on its way
        )

    def _show(self, asked: int, summary: TodaySummary) -> None:
        if asked != self._asked:
            return  # a newer refresh is on its way
        self.summary = summary
        self.loaded_at = summary.now
        for definition in SECTIONS:
            self.sections[definition.key].show_items(definition.pick(summary), summary.now)
        self.locality_panel.show_share(summary.locality, summary.month)
        self.date.setText(summary.now.astimezone(LONDON).strftime("%A %d %B %Y"))
        self.updated.setText(f"Updated {_time(summary.now)}")

    def _on_changes(self, changes: Changes) -> None:
        if changes.kind in LISTENS:
            self._changes_timer.start()  # a burst of changes makes one refresh

    def _tick(self) -> None:
        if self.isVisible():
            self.refresh()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self.loaded_at is not None and self._now() - self.loaded_at > STALE_AFTER:
            self.refresh()


def today_screen(desk: Desk, open_record: OpenRecord, now: Clock = now_utc) -> TodayScreen:
    """The Today dashboard; `open_record(kind, id)` is called when a line is activated."""
    return TodayScreen(desk, open_record, now)
