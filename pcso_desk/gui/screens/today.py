"""Today: what is overdue or due soon for the team, every line opening its record."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from PySide6.QtCore import QItemSelectionModel, Qt, QTimer
from PySide6.QtGui import QColor, QFont, QShowEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from pcso_desk.domain.months import month_title
from pcso_desk.domain.schedule import LOCALITY_TARGET, LONDON, LocalityShare
from pcso_desk.domain.wording import counted
from pcso_desk.gui.desk import Desk
from pcso_desk.services.values import Changes, Scope, TodayItem, TodaySummary, starting_scope

Clock = Callable[[], datetime]
OpenRecord = Callable[[str, str], None]
KIND_ROLE = Qt.ItemDataRole.UserRole + 1
ID_ROLE = Qt.ItemDataRole.UserRole + 2
OVERDUE_INK = "#b3261e"
OVERDUE_PAPER = "#fdecea"
WARN_INK = "#8a5a00"
GOOD_INK = "#1e5631"
QUIET_INK = "#595959"  # an empty section's line: 7:1 on white, quieter than the text
# The chosen side of the Mine / The team's switch reads as chosen on every theme.
SWITCH_STYLE = (
    "QPushButton:checked { background: #1f3a5f; color: #ffffff; border: 1px solid #1f3a5f; }"
)
# What Enter on a line opens, in its tooltip.
OPENS = {
    "victim_cases": "Opens the case, ready to record contact",
    "kin_members": "Opens the member's network, ready to check in",
    "messages": "Opens the message, ready to mark it responded",
    "meetings": "Opens the meeting",
    "priorities": "Opens the priority, ready to record its review",
    "scorecard": "Opens the area's Pledge scorecard",
    "intelligence_reports": "Opens the report, ready to record when the source was told",
}
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
        "intelligence_reports",
    }
)


def now_utc() -> datetime:
    return datetime.now(UTC)


def _late(due: datetime | date, now: datetime) -> str:
    """'2 days' / '5 hours' / 'minutes' since a past due time, for an overdue line; a date
    (a check-in, a review) is late by whole days of the London calendar."""
    if not isinstance(due, datetime):
        return counted(max(1, (now.astimezone(LONDON).date() - due).days), "day")
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


def plainly(value: datetime | date, now: datetime) -> str:
    """A date the way people say it, from where `now` stands on the London calendar:
    'today 11:28', 'tomorrow', 'yesterday 09:00', 'Friday 14:00' within the coming week,
    else 'Fri 20 Mar' (with the time, for an instant; with the year, in another year)."""
    today = now.astimezone(LONDON).date()
    day = value.astimezone(LONDON).date() if isinstance(value, datetime) else value
    at = f" {_time(value)}" if isinstance(value, datetime) else ""
    ahead = (day - today).days
    if ahead == 0:
        return f"today{at}"
    if ahead == 1:
        return f"tomorrow{at}"
    if ahead == -1:
        return f"yesterday{at}"
    if 1 < ahead < 7:
        return f"{day.strftime('%A')}{at}"
    if day.year != today.year:
        return f"{day.strftime('%a %d %b %Y')}{at}"
    return when(value)


def victim_line(item: TodayItem, now: datetime) -> str:
    if item.overdue:
        return (
            f"⚠ {item.title} ({item.detail}) — overdue by {_late(item.due, now)}, "
            f"was due {plainly(item.due, now)}"
        )
    return f"{item.title} ({item.detail}) — due {plainly(item.due, now)}"


def kin_line(item: TodayItem, now: datetime) -> str:
    who = f"{item.title}, {item.detail}" if item.detail else item.title
    if item.overdue:
        return f"⚠ {who} — check-in overdue by {_late(item.due, now)}"
    return f"{who} — check-in due {plainly(item.due, now)}"


def meeting_line(item: TodayItem, now: datetime) -> str:
    where = f", {item.detail}" if item.detail else ""
    return f"{item.title}{where} — {plainly(item.due, now)}"


def priority_line(item: TodayItem, now: datetime) -> str:
    if item.overdue:
        return f"⚠ {item.title} ({item.detail}) — review overdue by {_late(item.due, now)}"
    return f"{item.title} ({item.detail}) — review due {plainly(item.due, now)}"


def source_line(item: TodayItem, now: datetime) -> str:
    """An intelligence report whose source is still to be told what happened."""
    if item.overdue:
        return (
            f"⚠ {item.title} ({item.detail}) — tell the source: overdue by {_late(item.due, now)}"
        )
    return f"{item.title} ({item.detail}) — tell the source by {plainly(item.due, now)}"


def message_line(item: TodayItem, now: datetime) -> str:
    assert isinstance(item.due, datetime)
    if item.overdue:
        return (
            f"⚠ {item.title} (from {item.detail}) — reply overdue by {_late(item.due, now)}, "
            f"was due {plainly(item.due, now)}"
        )
    return (
        f"{item.title} (from {item.detail}) — reply due {plainly(item.due, now)} "
        f"({_left(item.due, now)})"
    )


def pledge_line(item: TodayItem, _now: datetime) -> str:
    """'No public meeting planned in Ward X this month — 0 held, 0 planned'."""
    return f"{item.title} — {item.detail}"


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
    title: str  # with its mnemonic: Alt and the letter move to the section's list
    empty: str
    line: Callable[[TodayItem, datetime], str]
    pick: Callable[[TodaySummary], Sequence[TodayItem]]

    @property
    def name(self) -> str:
        return self.title.replace("&", "")


SECTIONS = (
    SectionDef(
        "overdue_victims",
        "Overdue &victim contacts",
        "No victim contact is overdue.",
        victim_line,
        lambda s: s.overdue_victim_contacts,
    ),
    SectionDef(
        "victims_due",
        "Victim contacts &due this week",
        "No victim contact falls due this week.",
        victim_line,
        lambda s: s.victim_contacts_due,
    ),
    SectionDef(
        "kin",
        "&KIN check-ins due",
        "No KIN check-in is due this week.",
        kin_line,
        lambda s: s.kin_checkins_due,
    ),
    SectionDef(
        "messages",
        "Messages &near the 24-hour clock",
        "No message is near its 24-hour reply deadline.",
        message_line,
        lambda s: s.messages_near_clock,
    ),
    SectionDef(
        "meetings",
        "U&pcoming meetings (next 14 days)",
        "No meeting is planned in the next 14 days.",
        meeting_line,
        lambda s: s.meetings,
    ),
    SectionDef(
        "priorities",
        "Priorities near revie&w",
        "No open priority is due for review in the next 14 days.",
        priority_line,
        lambda s: s.priorities_for_review,
    ),
    SectionDef(
        "pledge",
        "P&ledge items at risk this month",
        "No Pledge item is at risk (listed from the 15th of the month).",
        pledge_line,
        lambda s: s.pledge_at_risk,
    ),
    SectionDef(
        "sources",
        "&Intelligence: sources to tell what happened",
        "No source of intelligence is waiting to be told what happened.",
        source_line,
        lambda s: s.sources_to_tell,
    ),
)
LEFT = ("victims_due", "kin", "messages")
RIGHT = ("meetings", "priorities", "pledge", "sources")


class Section(QFrame):
    """A heading with a count, and a list whose rows open their record on Enter/double-click.
    An empty section collapses to one line saying so."""

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
        self.list.setAccessibleName(definition.name)
        self.list.setWordWrap(True)
        self.list.setSpacing(2)
        self.list.setAlternatingRowColors(not urgent)
        # As tall as its lines (scrolling when the screen is shorter): no blank box.
        self.list.setSizeAdjustPolicy(QListWidget.SizeAdjustPolicy.AdjustToContents)
        self.list.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Maximum)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self.list.itemActivated.connect(
            lambda item: open_record(item.data(KIND_ROLE), item.data(ID_ROLE))
        )
        self.heading.setBuddy(self.list)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.addWidget(self.heading)
        layout.addWidget(self.empty)
        layout.addWidget(self.list, 1)
        self.count = 0
        self._paint(False)

    @property
    def collapsed(self) -> bool:
        return self.count == 0

    def show_items(self, items: Sequence[TodayItem], now: datetime) -> None:
        self.count = len(items)
        self.heading.setText(f"{self.definition.title} ({len(items)})")
        self.heading.setAccessibleName(f"{self.definition.name} ({len(items)})")
        current = self.list.currentItem()
        keep = current.data(ID_ROLE) if current is not None else None
        self.list.clear()
        for item in items:
            row = QListWidgetItem(self.definition.line(item, now))
            row.setData(KIND_ROLE, item.kind)
            row.setData(ID_ROLE, item.record_id)
            row.setToolTip(f"{OPENS[item.kind]}: press Enter or double-click")
            if item.overdue:
                row.setForeground(QColor(OVERDUE_INK))
                font = QFont(self.list.font())
                font.setBold(True)
                row.setFont(font)
            self.list.addItem(row)
            if item.record_id == keep:
                self.list.setCurrentItem(row)
        if self.list.currentItem() is None and items:
            # Alt and the heading's letter, then Enter, opens the first line; nothing is
            # shown chosen until the user moves in the list.
            self.list.setCurrentRow(0, QItemSelectionModel.SelectionFlag.NoUpdate)
        # However long the other sections, this many lines stay in view (overdue ones more).
        shown = min(len(items), 6 if self.urgent else 3)
        line = self.list.fontMetrics().lineSpacing() + 2 * self.list.spacing() + 2
        self.list.setMinimumHeight(shown * line + 2 * self.list.frameWidth() if items else 0)
        # Empty: one line, the heading itself saying so.
        self.heading.setVisible(bool(items))
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
                f" #todayEmpty {{ color: {QUIET_INK}; }}"
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
        layout.setContentsMargins(10, 6, 10, 6)
        for label in (self.heading, self.line, self.detail):
            layout.addWidget(label)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)

    def show_share(self, share: LocalityShare, month: str, scope: Scope) -> None:
        whose = "Your" if scope is Scope.MINE else "The team's"
        self.heading.setText(f"{whose} time in the locality — {month_title(month)}")
        text, ink = locality_line(share)
        self.line.setText(text)
        big = QFont(self.line.font())
        big.setBold(True)
        big.setPointSizeF(self.heading.font().pointSizeF() * 1.2)
        self.line.setFont(big)
        self.line.setStyleSheet(f"color: {ink};")
        self.detail.setText(locality_detail(share) if share.share is not None else "")


def whose_line(summary: TodaySummary) -> str:
    """What the dashboard covers, in words."""
    if summary.scope is Scope.MINE:
        return f"Your own work ({summary.whose})"
    if summary.whose == "every neighbourhood":
        return "Every neighbourhood in this store"
    return f"The team's work: {summary.whose}"


class TodayScreen(QWidget):
    """The dashboard; reads through the runner and refreshes when what it shows changes.
    A switch chooses whose work every section shows: the signed-in officer's own, or their
    team's (a sergeant starts on the team's, a PCSO or constable on their own)."""

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
        self._switch()
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

    def _switch(self) -> None:
        ctx = self.desk.services.ctx
        self.mine_button = QPushButton("&Mine")
        self.mine_button.setAccessibleName("Show my own work")
        self.team_button = QPushButton("The &team's")
        self.team_button.setAccessibleName("Show the team's work")
        self.switch = QButtonGroup(self)
        for number, button in enumerate((self.mine_button, self.team_button)):
            button.setCheckable(True)
            button.setStyleSheet(SWITCH_STYLE)
            self.switch.addButton(button, number)
        if ctx.officer_id is None:
            self.mine_button.setEnabled(False)
            self.mine_button.setToolTip("Sign in as an officer to see your own work.")
        self.scope = starting_scope(ctx.actor) if ctx.officer_id else Scope.TEAM
        (self.mine_button if self.scope is Scope.MINE else self.team_button).setChecked(True)
        self.switch.idToggled.connect(self._switched)
        self.whose = QLabel()
        self.whose.setAccessibleName("Whose work Today shows")
        self.whose.setWordWrap(True)  # a team of several neighbourhoods names them all

    def _switched(self, number: int, checked: bool) -> None:
        if not checked:
            return
        self.scope = Scope.MINE if number == 0 else Scope.TEAM
        self.refresh()

    def _layout(self) -> None:
        top = QHBoxLayout()
        top.addWidget(self.title)
        top.addSpacing(12)
        top.addWidget(self.date, 1)
        top.addWidget(self.updated)
        top.addWidget(self.refresh_button)
        # The switch on a line of its own with what it shows: the screen fits 1366 px at 150%.
        whose = QHBoxLayout()
        whose.setSpacing(0)
        whose.addWidget(self.mine_button)
        whose.addWidget(self.team_button)
        whose.addSpacing(12)
        whose.addWidget(self.whose, 1)
        self.columns: list[QVBoxLayout] = []
        below = QHBoxLayout()
        below.setSpacing(10)
        for keys in (LEFT, RIGHT):
            column = QVBoxLayout()
            column.setSpacing(8)
            for key in keys:
                column.addWidget(self.sections[key])
            self.columns.append(column)
            below.addLayout(column, 1)
        self.columns[1].addWidget(self.locality_panel)
        for column in self.columns:
            column.addStretch(0)  # takes the height when every section above is collapsed
        self.body = QVBoxLayout(self)
        self.body.addLayout(top)
        self.body.addLayout(whose)
        self.body.addWidget(self.sections["overdue_victims"])
        self.body.addLayout(below, 1)
        self._fit()

    def _fit(self) -> None:
        """Sections are as tall as their lines; the spare height goes below them."""
        for column in self.columns:
            column.setStretch(column.count() - 1, 1)

    def refresh(self) -> None:
        self._asked += 1
        asked, now, scope = self._asked, self._now(), self.scope
        today = self.desk.services.today
        self.desk.runner.run(
            lambda: today.summary(now, scope.value),
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
        self._fit()
        self.locality_panel.show_share(summary.locality, summary.month, summary.scope)
        self.whose.setText(whose_line(summary))
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
