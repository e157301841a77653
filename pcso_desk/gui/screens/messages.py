"""Messages to the team, each with its 24-hour reply clock (Pledges 4 and 10)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from pcso_desk.domain.schedule import DueState, ResponseClock, ResponseState, response_clock
from pcso_desk.gui.desk import Desk
from pcso_desk.gui.screens import definitions as d
from pcso_desk.gui.screens.detail import DetailPane
from pcso_desk.gui.screens.records import RecordScreen
from pcso_desk.gui.screens.victims import DueDelegate, heading, share_with_detail
from pcso_desk.gui.table_model import ColumnDef

Clock = Callable[[], datetime]
CLOCK_COLUMN = 1
TICK_MS = 60_000  # the clock is shown to the hour: once a minute keeps it true
# Ink and paper per state; colour repeats what the words already say.
CLOCK_STYLES = {
    ResponseState.ANSWERED_IN_TIME: ("#1e5631", "#e8f3ea"),
    ResponseState.ANSWERED_LATE: ("#444444", "#eeeeee"),
    ResponseState.OPEN: ("#1f3a5f", "#e8eef6"),
    ResponseState.NEAR_DEADLINE: ("#8a5a00", "#fff4d6"),
    ResponseState.BREACHED: ("#b3261e", "#fdecea"),
}


def now_utc() -> datetime:
    return datetime.now(UTC)


def span(length: timedelta) -> str:
    """A short, honest length of time: minutes under an hour, hours under two days."""
    minutes = max(0, length // timedelta(minutes=1))
    if minutes < 60:
        return f"{minutes} min"
    hours = minutes // 60
    if hours < 48:
        return f"{hours} h"
    return f"{hours // 24} days"


def clock_of(row: dict[str, Any], now: datetime) -> ResponseClock | None:
    received = row.get("received_at")
    if received is None:
        return None
    return response_clock(received, row.get("responded_at"), now)


def clock_text(row: dict[str, Any], now: datetime) -> str:
    """'Answered in 3 h', 'Due in 5 h', '⚠ 2 h left' or 'Overdue by 6 h'."""
    clock = clock_of(row, now)
    if clock is None:
        return ""
    if clock.state in (ResponseState.ANSWERED_IN_TIME, ResponseState.ANSWERED_LATE):
        took = span(row["responded_at"] - row["received_at"])
        late = " (late)" if clock.state is ResponseState.ANSWERED_LATE else ""
        return f"Answered in {took}{late}"
    if clock.state is ResponseState.BREACHED:
        return f"Overdue by {span(-clock.remaining)}"
    if clock.state is ResponseState.NEAR_DEADLINE:
        return f"⚠ {span(clock.remaining)} left"
    return f"Due in {span(clock.remaining)}"


def clock_words(row: dict[str, Any], clock: ResponseClock) -> str:
    """The line under the big clock: the deadline, or when and by whom it was answered."""
    deadline = d.when(clock.deadline, row)
    if clock.state in (ResponseState.ANSWERED_IN_TIME, ResponseState.ANSWERED_LATE):
        by = row.get("responded_by_id_label")
        answered = d.when(row["responded_at"], row) + (f" by {by}" if by else "")
        in_time = "within" if clock.state is ResponseState.ANSWERED_IN_TIME else "after"
        return f"Answered {answered} — {in_time} the 24-hour deadline ({deadline})"
    if clock.state is ResponseState.BREACHED:
        return f"The 24-hour deadline passed at {deadline}: reply now"
    return f"Reply by {deadline}"


def urgent(row: dict[str, Any], now: datetime) -> DueState | None:
    """For the list's colouring: breached reads as overdue, near the deadline as due soon."""
    clock = clock_of(row, now)
    if clock is None:
        return None
    return {
        ResponseState.BREACHED: DueState.OVERDUE,
        ResponseState.NEAR_DEADLINE: DueState.DUE_SOON,
    }.get(clock.state)


class ClockBox(QFrame):
    """The reply clock in large type, with the deadline in words beneath."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("clockBox")
        self.setAccessibleName("24-hour reply clock")
        self.big = QLabel()
        self.big.setAccessibleName("Reply clock")
        font = self.big.font()
        font.setPointSizeF(font.pointSizeF() * 2.0)
        font.setBold(True)
        self.big.setFont(font)
        self.words = QLabel()
        self.words.setAccessibleName("Reply deadline")
        self.words.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("24-hour reply clock"))
        layout.addWidget(self.big)
        layout.addWidget(self.words)

    def show_clock(self, row: dict[str, Any], now: datetime) -> None:
        clock = clock_of(row, now)
        if clock is None:
            self.big.setText("—")
            self.words.setText("")
            return
        self.big.setText(clock_text(row, now))
        self.words.setText(clock_words(row, clock))
        ink, paper = CLOCK_STYLES[clock.state]
        # Set here, not by the window's style, so a breach reads the same on every theme.
        self.setStyleSheet(
            f"#clockBox {{ background: {paper}; border: 2px solid {ink}; border-radius: 6px; }}"
            f"#clockBox QLabel {{ color: {ink}; background: transparent; border: none; }}"
        )


class MessageDetail(DetailPane):
    """The selected message: its clock, who it is from, what it says, and Mark responded."""

    kind = "messages"
    reveals = frozenset({"messages"})

    def __init__(self, desk: Desk, now: Clock = now_utc) -> None:
        super().__init__(desk, "Message detail", "Choose a message to see its 24-hour reply clock.")
        self.now = now
        self.record: dict[str, Any] = {}
        self.dialog: QDialog | None = None
        self.addWidget(self._build_page())

    def _build_page(self) -> QWidget:
        self.subject = heading("", "messageTitle")
        self.subject.setAccessibleName("Subject")
        self.subject.setWordWrap(True)
        big = self.subject.font()
        big.setPointSizeF(big.pointSizeF() * 1.3)
        self.subject.setFont(big)
        self.clock_box = ClockBox()
        self.respond_button = QPushButton("&Mark responded")
        self.respond_button.setAccessibleName("Mark responded")
        self.respond_button.clicked.connect(self.mark_responded)
        captions = {
            "from": "From",
            "received": "Received",
            "kind": "Kind",
            "channel": "Channel",
            "answered": "Answered",
        }
        self.facts = {key: QLabel() for key in captions}
        form = QFormLayout()
        for key, caption in captions.items():
            self.facts[key].setAccessibleName(caption)
            self.facts[key].setWordWrap(True)
            form.addRow(f"{caption}:", self.facts[key])
        self.body = QPlainTextEdit()
        self.body.setReadOnly(True)
        self.body.setTabChangesFocus(True)
        self.body.setAccessibleName("Message")
        buttons = QHBoxLayout()
        buttons.addWidget(self.respond_button)
        buttons.addStretch(1)
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(8, 0, 0, 0)
        layout.addWidget(self.subject)
        layout.addWidget(self.clock_box)
        layout.addLayout(buttons)
        layout.addLayout(form)
        layout.addWidget(self.body, 1)
        return page

    def cleared(self) -> None:
        self.record = {}

    def load(self, record_id: str) -> dict[str, Any]:
        return self.desk.services["messages"].get(record_id)

    def fill(self, record: dict[str, Any]) -> None:
        self.record = record
        self.subject.setText(record["subject"])
        sender = record.get("from_name") or ""
        contact = record.get("contact_id_label")
        if contact and contact != sender:
            sender = f"{sender} ({contact})" if sender else contact
        self.facts["from"].setText(sender or "—")
        self.facts["received"].setText(d.when(record["received_at"], record))
        self.facts["kind"].setText(d.enum_label(record["kind"], record))
        self.facts["channel"].setText(d.enum_label(record["channel"], record))
        note = record.get("response_note") or ""
        answered = d.when(record["responded_at"], record) if record.get("responded_at") else ""
        self.facts["answered"].setText(" — ".join(p for p in (answered, note) if p) or "Not yet")
        self.body.setPlainText(record.get("body") or "")
        self.respond_button.setEnabled(record.get("responded_at") is None)
        self.tick()

    def ready(self) -> None:
        if self.respond_button.isEnabled():  # an answered message has nothing left to do
            self.respond_button.setFocus()

    def tick(self) -> None:
        if self.record:
            self.clock_box.show_clock(self.record, self.now())

    def mark_responded(self) -> ResponseDialog | None:
        """Ask how the message was answered (a short note), then stop its 24-hour clock."""
        message_id = self.record_id
        if message_id is None or self.record.get("responded_at") is not None:
            return None
        dialog = ResponseDialog(self.record.get("subject") or "", self)
        dialog.accepted.connect(lambda: self._respond(message_id, dialog.note()))
        dialog.setModal(True)
        dialog.show()
        self.dialog = dialog
        return dialog

    def _respond(self, message_id: str, note: str) -> None:
        at = self.now()
        services = self.desk.services
        officer = services.ctx.officer_id  # the signed-in officer, when there is one
        self.respond_button.setEnabled(False)
        self.desk.write(
            lambda: services.messages.respond(message_id, at=at, officer_id=officer, note=note),
            failed=self._respond_failed,
        )

    def _respond_failed(self, error: BaseException) -> None:
        self.respond_button.setEnabled(True)
        self.desk.report_error(error, self)


class ResponseDialog(QDialog):
    """How was it answered? A few words, asked before the 24-hour clock stops."""

    def __init__(self, subject: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Mark responded")
        question = QLabel(f"How was “{subject}” answered? A few words for the record.")
        question.setWordWrap(True)
        self.text = QPlainTextEdit()
        self.text.setAccessibleName("How it was answered")
        self.text.setTabChangesFocus(True)
        self.text.setPlaceholderText("e.g. Rang back; patrol arranged for Friday evening")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Mark &responded")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.text.textChanged.connect(self._enable)
        layout = QVBoxLayout(self)
        layout.addWidget(question)
        layout.addWidget(self.text)
        layout.addWidget(self.buttons)
        self.resize(460, 220)
        self._enable()
        self.text.setFocus()

    def note(self) -> str:
        return self.text.toPlainText().strip()

    def _enable(self) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(bool(self.note()))


class MessagesScreen(RecordScreen):
    """The messages list, with a tick box that shows only those still waiting for an answer."""

    unanswered_only: QCheckBox


def messages_screen(desk: Desk, now: Clock = now_utc) -> MessagesScreen:
    """Messages: the list with each one's 24-hour clock, and the chosen message."""
    clock_column = ColumnDef(
        "received_at", "24-hour clock", lambda _v, row: clock_text(row, now()), "responded"
    )
    columns = list(d.MESSAGES.columns)
    columns.insert(CLOCK_COLUMN, clock_column)
    definition = replace(d.MESSAGES, columns=columns)
    detail = MessageDetail(desk, now)
    screen = MessagesScreen(desk, definition, detail=detail)
    screen.table.setItemDelegateForColumn(
        CLOCK_COLUMN, DueDelegate(lambda row: urgent(row, now()), screen.table)
    )
    screen.table.setColumnWidth(0, 170)
    screen.table.setColumnWidth(CLOCK_COLUMN, 150)
    share_with_detail(screen, 700, 560)
    screen.selected.connect(detail.show_record)
    waiting = QCheckBox("Only &unanswered")
    waiting.setAccessibleName("Show only messages still waiting for an answer")
    waiting.toggled.connect(lambda on: screen.set_extra_filters({"responded": None} if on else {}))
    screen.filter_row.insertWidget(1, waiting)
    screen.unanswered_only = waiting
    # The clock moves on its own: repaint the list and the detail every minute.
    timer = QTimer(screen, interval=TICK_MS)
    timer.timeout.connect(screen.model.retell)
    timer.timeout.connect(detail.tick)
    timer.start()
    return screen
