"""Admin → Data protection: the retention review queue, notes expiry, subject access, erasure.

A sergeant or an admin works here (the services refuse anyone else: the refusal sentence then
stands where the queue would have been). Disposing of a record and erasing a person cannot be
undone, so both ask first; each change is announced on the hub so that other screens (and the
queue) reload.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from pcso_desk.domain.errors import PcsoDeskError
from pcso_desk.domain.permissions import Action
from pcso_desk.domain.retention import RULE_OF, RULES
from pcso_desk.domain.wording import counted
from pcso_desk.gui.desk import Desk
from pcso_desk.gui.forms import RecordPicker
from pcso_desk.gui.offered import REFUSED, offer, set_enabled
from pcso_desk.gui.screens.admin_security import (
    Guarded,
    data_table,
    form_footer,
    push_button,
    set_row,
)
from pcso_desk.gui.widgets import named
from pcso_desk.services.values import (
    Changes,
    Disposal,
    Erasure,
    NotesSettings,
    ReviewItem,
    ReviewQueue,
)

ChooseFolder = Callable[[QWidget | None, str], str | None]
QUEUE_COLUMNS = ("Kind", "Record", "Due", "Deleted?")
MUTED = "color: #5f6b7a;"
NO_STEP_BUTTONS = "QSpinBox::up-button, QSpinBox::down-button { width: 0px; border: none; }"


def choose_folder(parent: QWidget | None, title: str) -> str | None:
    return QFileDialog.getExistingDirectory(parent, title) or None


def rules_text() -> str:
    """When each kind of record comes up for review, in plain words; then the notes."""
    lines = ["When a record is due for review:"]
    lines += [f"• {rule.label}: {rule.months} months after {rule.after}." for rule in RULES]
    lines.append(
        "Notes (engagement summaries, KIN check-in concerns) are not reviewed: they expire "
        "on their own, as set under Notes expiry."
    )
    return "\n".join(lines)


def count_text(queue: ReviewQueue) -> str:
    if not queue.total:
        return "Nothing is due for review."
    due = counted(queue.total, "record")
    if queue.total > len(queue.items):
        return f"{due} due for review (the first {len(queue.items)} shown)"
    return f"{due} due for review"


def _notes(count: int) -> str:
    return counted(count, "expired note")


def notes_text(settings: NotesSettings) -> str:
    doorstep = (
        f"doorstep notes for {settings.doorstep_days} days"
        if settings.doorstep_days
        else "doorstep notes like the others"
    )
    return f"Saved: notes are kept for {settings.notes_months} months, {doorstep}."


def _say(line: QLabel, text: str, error: bool = False) -> None:
    """A result line: plain for what was done, in the message colour for a refusal."""
    line.setText(text)
    line.setObjectName("formMessage" if error else "")
    line.setStyleSheet(line.styleSheet())  # re-polish for the new name


def _spin(name: str, low: int, high: int, suffix: str) -> QSpinBox:
    box = named(QSpinBox(), name)
    box.setRange(low, high)
    box.setSuffix(suffix)
    box.setMinimumWidth(140)
    # The app's stylesheet has no step arrows for spin boxes (they draw broken): the number
    # is typed, or stepped with the arrow keys or the wheel.
    box.setStyleSheet(NO_STEP_BUTTONS)
    return box


def _result_line(name: str) -> QLabel:
    line = named(QLabel(), name)
    line.setWordWrap(True)
    line.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return line


class KeepDialog(QDialog):
    """Keep a record: a reason and the next review date; the service's objection inline."""

    def __init__(
        self,
        desk: Desk,
        item: ReviewItem,
        submit: Callable[[str, date], Changes],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.desk = desk
        self._submit = submit
        self.setWindowTitle("Keep a record")
        self.setAccessibleName("Keep a record")
        record = QLabel(f"{item.label}: {item.title}")
        record.setWordWrap(True)
        self.reason = named(QLineEdit(), "Reason")
        self.reason.setPlaceholderText("Why it is still needed")
        self.until = named(QDateEdit(QDate.currentDate().addYears(1)), "Next review")
        self.until.setCalendarPopup(True)
        self.until.setDisplayFormat("dd MMM yyyy")
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for text, widget in (("&Reason *", self.reason), ("&Next review", self.until)):
            label = QLabel(text)
            label.setBuddy(widget)
            form.addRow(label, widget)
        self.message, self.ok, buttons = form_footer(self, "&Keep", self.submit)
        layout = QVBoxLayout(self)
        layout.addWidget(record)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addStretch(1)
        layout.addLayout(buttons)
        self.resize(480, 220)

    def submit(self) -> None:
        picked = self.until.date()  # QDate.toPython() is typed as object: build the date
        reason, until = self.reason.text(), date(picked.year(), picked.month(), picked.day())
        self.ok.setEnabled(False)
        self.desk.write(
            lambda: self._submit(reason, until), lambda _r: self.accept(), self._failed, self
        )

    def _failed(self, error: BaseException) -> None:
        self.ok.setEnabled(True)
        if isinstance(error, PcsoDeskError):
            self.message.setText(error.message)
        else:
            self.desk.report_error(error, self)


class DataProtectionTab(Guarded):
    """Records due for review (keep or dispose), notes expiry, and one person's data."""

    def __init__(self, desk: Desk, choose: ChooseFolder = choose_folder) -> None:
        super().__init__(desk, "Data protection")
        self.choose_folder = choose
        self.items: list[ReviewItem] = []
        self.count = named(QLabel(), "Records due")
        self.refresh_button = push_button("&Refresh")
        self.keep_button = push_button("&Keep…")
        self.dispose_button = push_button("&Dispose of…")
        self.table = data_table("Records due for review", QUEUE_COLUMNS)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for column, width in ((0, 170), (2, 110), (3, 80)):
            self.table.setColumnWidth(column, width)
        self.queue_result = _result_line("Review result")
        self.rules = named(QLabel(rules_text()), "Retention rules")
        self.rules.setWordWrap(True)
        self.rules.setObjectName("hint")
        self.rules.setStyleSheet(MUTED)
        self.notes_box = self._notes_box()
        self.person_box = self._person_box()
        self.refresh_button.clicked.connect(self.refresh_queue)
        self.keep_button.clicked.connect(self.keep)
        self.dispose_button.clicked.connect(self.dispose)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self._layout()
        for button, action in (
            (self.keep_button, Action.REVIEW),
            (self.dispose_button, Action.REVIEW),
            (self.save_notes_button, Action.REVIEW),
            (self.expire_button, Action.REVIEW),
            (self.export_button, Action.EXPORT),
            (self.erase_button, Action.ERASE),
        ):
            offer(desk, button, action)
        self._selection_changed()
        desk.hub.changed.connect(self._changed)

    def _notes_box(self) -> QGroupBox:
        box = QGroupBox("Notes expiry")
        self.notes_months = _spin("Notes kept for", 1, 120, " months")
        self.doorstep_days = _spin("Doorstep notes kept for", 0, 3650, " days")
        self.doorstep_days.setSpecialValueText("Off")
        self.doorstep_days.setToolTip("Off: patrol and face-to-face notes expire like the others")
        self.save_notes_button = push_button("&Save")
        self.expire_button = push_button("Remove e&xpired notes now")
        self.notes_result = _result_line("Notes result")
        self.save_notes_button.clicked.connect(self.save_notes)
        self.expire_button.clicked.connect(self.expire_notes)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        for text, widget in (
            ("&Notes kept for", self.notes_months),
            ("Doorstep notes (patrol, face to face) kept &for", self.doorstep_days),
        ):
            label = QLabel(text)
            label.setBuddy(widget)
            form.addRow(label, widget)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_notes_button)
        buttons.addWidget(self.expire_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(box)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.notes_result)
        layout.addStretch(1)
        return box

    def _person_box(self) -> QGroupBox:
        box = QGroupBox("A person's data")
        self.person = RecordPicker(self._find_contacts, required=True)
        self.person.setAccessibleName("Person")
        self.export_button = push_button("Subject &access export…")
        self.erase_button = push_button("&Erase this person…")
        self.person_result = _result_line("Person result")
        self.export_button.clicked.connect(self.export)
        self.erase_button.clicked.connect(self.erase)
        label = QLabel("&Person")
        label.setBuddy(self.person)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(label, self.person)
        buttons = QHBoxLayout()
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.erase_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(box)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.person_result)
        layout.addStretch(1)
        return box

    def _layout(self) -> None:
        bar = QHBoxLayout()
        bar.addWidget(self.count, 1)
        for button in (self.refresh_button, self.keep_button, self.dispose_button):
            bar.addWidget(button)
        boxes = QHBoxLayout()
        boxes.addWidget(self.notes_box, 1)
        boxes.addWidget(self.person_box, 1)
        layout = QVBoxLayout(self.content)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.queue_result)
        layout.addWidget(self.rules)
        layout.addSpacing(6)
        layout.addLayout(boxes)

    def _run(self, work: Callable[[], Any], done: Callable[[Any], None], line: QLabel) -> None:
        """A service call in the background; a refusal or objection goes on `line`."""

        def failed(error: BaseException) -> None:
            if isinstance(error, PcsoDeskError):
                _say(line, error.message, error=True)
            else:
                self.desk.report_error(error, self)

        self.desk.write(work, done, failed, self)

    # -- the review queue ---------------------------------------------------------------

    def load(self) -> None:
        retention = self.desk.services.retention

        def work() -> tuple[ReviewQueue, NotesSettings]:
            return retention.queue(), retention.notes_settings()

        def done(loaded: tuple[ReviewQueue, NotesSettings]) -> None:
            queue, settings = loaded
            self.notes_months.setValue(settings.notes_months)
            self.doorstep_days.setValue(settings.doorstep_days)
            self._show(queue)

        self.desk.runner.run(work, done, self.failed, self)

    def refresh_queue(self) -> None:
        self.desk.runner.run(self.desk.services.retention.queue, self._show, self.failed, self)

    def _changed(self, changes: Changes) -> None:
        if self.loaded and not self.refused and changes.kind in RULE_OF:
            self.refresh_queue()

    def _show(self, queue: ReviewQueue) -> None:
        self.items = list(queue.items)
        self.table.setRowCount(len(self.items))
        for row, item in enumerate(self.items):
            cells = [item.label, item.title, f"{item.due:%d %b %Y}", "yes" if item.deleted else ""]
            set_row(self.table, row, cells)
        self.count.setText(count_text(queue))
        self.pages.setCurrentWidget(self.content)
        self._selection_changed()

    def selected(self) -> ReviewItem | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows or rows[0].row() >= len(self.items):
            return None
        return self.items[rows[0].row()]

    def _selection_changed(self) -> None:
        item = self.selected()
        set_enabled(self.keep_button, item is not None)
        set_enabled(self.dispose_button, item is not None)
        disposal = "" if item is None else RULE_OF[item.kind].disposal
        if not self.dispose_button.property(REFUSED):  # else it says who can
            self.dispose_button.setToolTip(disposal[:1].upper() + disposal[1:])

    def keep(self) -> None:
        item = self.selected()
        if item is None:
            return
        retention = self.desk.services.retention

        def submit(reason: str, until: date) -> Changes:
            return retention.keep(item.kind, item.row_id, reason, until)

        dialog = KeepDialog(self.desk, item, submit, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._kept(item))
        self.dialog = dialog
        dialog.open()

    def _kept(self, item: ReviewItem) -> None:
        _say(self.queue_result, f"Kept: {item.title}.")

    def dispose(self) -> None:
        item = self.selected()
        if item is None or not self.desk.ask(
            self,
            "Dispose of a record",
            f"Dispose of {item.label.lower()} “{item.title}”? Its personal details are removed "
            "on every station; counts stay. This cannot be undone.",
        ):
            return
        retention = self.desk.services.retention

        def done(disposal: Disposal) -> None:
            erased = counted(disposal.erased, "record")
            _say(self.queue_result, f"Disposed of {item.title}: {erased} erased.")

        self._run(lambda: retention.dispose(item.kind, item.row_id), done, self.queue_result)

    # -- notes expiry -------------------------------------------------------------------

    def save_notes(self) -> None:
        settings = NotesSettings(self.notes_months.value(), self.doorstep_days.value())
        retention = self.desk.services.retention

        def work() -> int:  # the new times apply at once, off the GUI thread
            retention.save_notes_settings(settings)
            return retention.expire_notes()

        def done(removed: int) -> None:
            gone = f" {_notes(removed)} past the new time removed." if removed else ""
            _say(self.notes_result, notes_text(settings) + gone)

        self._run(work, done, self.notes_result)

    def expire_notes(self) -> None:
        def done(removed: int) -> None:
            if removed:
                _say(self.notes_result, f"Removed {_notes(removed)}.")
            else:
                _say(self.notes_result, "No notes were past their time.")

        self._run(self.desk.services.retention.expire_notes, done, self.notes_result)

    # -- one person's data --------------------------------------------------------------

    def _find_contacts(self, typed: str, show: Callable[[list[tuple[str, str]]], None]) -> None:
        services = self.desk.services
        self.desk.runner.run(lambda: services.find_contacts(typed), show, guard=self)

    def _chosen(self) -> str | None:
        contact_id = self.person.value()
        if contact_id is None:
            _say(self.person_result, "Choose a person first: type a name or postcode.", error=True)
        return contact_id

    def export(self) -> None:
        contact_id = self._chosen()
        if contact_id is None:
            return
        chosen = self.choose_folder(self, "Choose a folder for the subject access export")
        if not chosen:
            return
        services, folder = self.desk.services, Path(chosen)

        def done(paths: tuple[Path, Path]) -> None:
            json_path, pdf_path = paths
            _say(self.person_result, f"Saved {json_path.name} and {pdf_path.name} in {folder}.")

        self._run(
            lambda: services.export_subject_access(contact_id, folder), done, self.person_result
        )

    def erase(self) -> None:
        contact_id = self._chosen()
        if contact_id is None:
            return
        name = self.person.currentText()
        if not self.desk.ask(
            self,
            "Erase a person",
            f"Erase {name}? Everything held about them is removed from every station and the "
            "hub: their details, notes, messages and memberships. Published counts stay. "
            "This cannot be undone.",
        ):
            return
        retention = self.desk.services.retention

        def done(erasure: Erasure) -> None:
            _say(
                self.person_result,
                f"Erased: {counted(erasure.total, 'record')} on this station; the erasure goes "
                "to the other stations with the next sync.",
            )
            self.person.set_choice(None, "")

        self._run(lambda: retention.erase_person(contact_id), done, self.person_result)


def data_protection_tab(desk: Desk) -> QWidget:
    return DataProtectionTab(desk)
