"""The quick "Log engagement" dialog: ward, channel, contact, issues, summary, in 30 seconds."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QFocusEvent, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from pcso_desk.domain.consent import contact_stop
from pcso_desk.domain.enums import Channel, IssueCategory
from pcso_desk.domain.errors import ValidationError
from pcso_desk.domain.kinds import choices_of
from pcso_desk.domain.schedule import LONDON
from pcso_desk.domain.when import NotADate, read_datetime
from pcso_desk.gui.desk import Desk
from pcso_desk.gui.forms import RecordPicker
from pcso_desk.gui.widgets import completer_of, line_edit_of
from pcso_desk.services.api import Services
from pcso_desk.services.values import ListQuery, LoggedEngagement

Clock = Callable[[], datetime]
DRAFT_KEY = "quick-log"
DRAFT_DELAY_MS = 300
ERROR_INK = "#b3261e"
# A few minutes' grace: the station PC's clock and the officer's watch need not agree.
FUTURE_GRACE = timedelta(minutes=5)
# Number keys tick issues: 1-9 for the first nine categories, 0 for the tenth ("Other").
ISSUE_KEYS = "1234567890"


def now_utc() -> datetime:
    return datetime.now(UTC)


def not_picked(typed: str) -> str:
    """One sentence for a name typed in the contact box but not picked from its matches."""
    return (
        f"'{typed}' is not picked from the contacts: choose them from the list that shows as "
        "you type, add them as a new contact, or clear the box."
    )


def load_choices(services: Services) -> tuple[list[tuple[str, str]], str | None]:
    """(ward id, label) pairs, and the signed-in officer's first attached ward if any."""
    wards = services.options("wards")
    officer = services.ctx.officer_id
    mine = None
    if officer:
        rows = services["officer_wards"].page(ListQuery(filters={"officer": officer}, limit=1))
        mine = rows.rows[0]["ward_id"] if rows.rows else None
    return wards, mine


class WardBox(QComboBox):
    """Type any part of a ward's name or code to pick it: a county can hold hundreds of wards."""

    def __init__(self) -> None:
        super().__init__()
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        line_edit_of(self).setPlaceholderText("Type a ward name or code…")
        completer = completer_of(self)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)

    def value(self) -> str | None:
        """The chosen ward's id: the exact item shown, or the only one matching what was typed."""
        typed = self.currentText().strip()
        index = self.currentIndex()
        if index >= 0 and self.itemText(index) == self.currentText():
            return str(self.itemData(index))
        matches = [
            i for i in range(self.count()) if typed.casefold() in self.itemText(i).casefold()
        ]
        return str(self.itemData(matches[0])) if typed and len(matches) == 1 else None

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self.settle()

    def settle(self) -> None:
        """On leaving the box, show the full name of the ward that what was typed picks out."""
        chosen = self.value()
        if chosen is not None and self.currentIndex() != self.findData(chosen):
            self.setCurrentIndex(self.findData(chosen))
        popup = completer_of(self).popup()
        if popup is not None:
            popup.hide()


class IssueList(QListWidget):
    """Issue categories with tick boxes: Space ticks the current one, a number key ticks its own."""

    def __init__(self) -> None:
        super().__init__()
        for key, category in zip(ISSUE_KEYS, IssueCategory, strict=True):
            item = QListWidgetItem(f"{key}  {category.label}")
            item.setData(Qt.ItemDataRole.UserRole, category.value)
            item.setData(Qt.ItemDataRole.AccessibleTextRole, category.label)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.addItem(item)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        position = ISSUE_KEYS.find(event.text()) if event.text() else -1
        if position >= 0 and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            item = self.item(position)
            self.setCurrentItem(item)
            checked = item.checkState() == Qt.CheckState.Checked
            item.setCheckState(Qt.CheckState.Unchecked if checked else Qt.CheckState.Checked)
            return
        super().keyPressEvent(event)

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        if self.currentRow() < 0 and self.count():
            self.setCurrentRow(0)  # so that Space ticks something straight away

    def chosen(self) -> list[str]:
        return [
            self.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.count())
            if self.item(i).checkState() == Qt.CheckState.Checked
        ]

    def choose(self, values: list[str]) -> None:
        for i in range(self.count()):
            item = self.item(i)
            ticked = item.data(Qt.ItemDataRole.UserRole) in values
            item.setCheckState(Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked)


class QuickLogDialog(QDialog):
    """Logs one engagement after another; after a save it clears for the next and stays open."""

    def __init__(self, desk: Desk, now: Clock = now_utc, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self._now = now
        self._saving = False
        self._occurred: datetime | None = None
        self.logged: list[LoggedEngagement] = []
        self.setWindowTitle("Log engagement")
        self.setAccessibleName("Log engagement")
        self._make_fields()
        self._make_buttons()
        self._lay_out()
        self._draft_timer = QTimer(self, singleShot=True, interval=DRAFT_DELAY_MS)
        self._draft_timer.timeout.connect(self._keep_draft)
        for signal in (
            self.ward.currentIndexChanged,
            self.channel.currentIndexChanged,
            self.contact.currentIndexChanged,
            self.issues.itemChanged,
            self.summary.textChanged,
            self.when.textChanged,
        ):
            signal.connect(self._changed)
        self.contact.editTextChanged.connect(lambda _text: self.add_contact.hide())
        desk.runner.run(lambda: load_choices(desk.services), self._fill_choices, guard=self)

    # -- building ---------------------------------------------------------------------------

    def _make_fields(self) -> None:
        self.ward = WardBox()
        self.ward.setAccessibleName("Ward")
        self.channel = QComboBox()
        self.channel.setAccessibleName("Channel")
        for value, label in choices_of(Channel):
            self.channel.addItem(label, value)
        self.channel.setCurrentIndex(self.channel.findData(Channel.PATROL.value))
        self.contact = RecordPicker(self.desk.find_contacts, required=False)
        self.contact.setAccessibleName("Contact (optional)")
        self.issues = IssueList()
        self.issues.setAccessibleName("Issues raised")
        self.issues.setAccessibleDescription("Space ticks the current issue; 1 to 0 tick by number")
        self.summary = QPlainTextEdit()
        self.summary.setAccessibleName("Summary")
        self.summary.setTabChangesFocus(True)
        self.summary.setPlaceholderText("What was said or done, in a line or two")
        self.summary.setFixedHeight(84)
        self.when = QLineEdit()
        self.when.setAccessibleName("When (blank: now)")
        self.when.setPlaceholderText("now — or e.g. earlier today 14:30, yesterday 09:00")
        self.when.setToolTip("When it happened; leave blank for now")
        self.status = QLabel(" ")
        self.status.setObjectName("formMessage")
        self.status.setAccessibleName("Status")
        self.status.setWordWrap(True)
        self.add_contact = QPushButton()
        self.add_contact.setAccessibleName("Add as a new contact")
        self.add_contact.setAutoDefault(False)
        self.add_contact.clicked.connect(self._add_contact)
        self.add_contact.hide()

    def _make_buttons(self) -> None:
        self.log_button = QPushButton("&Log")
        self.log_button.setAccessibleName("Log")
        self.log_button.setToolTip("Log this engagement (Ctrl+Enter)")
        self.log_button.setDefault(True)
        self.log_button.clicked.connect(self.save)
        self.close_button = QPushButton("Close")
        self.close_button.setAccessibleName("Close")
        self.close_button.setAutoDefault(False)
        self.close_button.clicked.connect(self.reject)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
            shortcut.activated.connect(self.save)

    def _lay_out(self) -> None:
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for text, widget in (
            ("&Ward *", self.ward),
            ("C&hannel", self.channel),
            ("C&ontact", self.contact),
            ("&Issues", self.issues),
            ("&Summary *", self.summary),
            ("Ti&me", self.when),
        ):
            label = QLabel(text)
            label.setBuddy(widget)
            form.addRow(label, widget)
        hint = QLabel("Space or 1–0 tick issues · Ctrl+Enter logs · Esc closes")
        hint.setObjectName("hint")
        hint.setStyleSheet("color: palette(placeholder-text);")
        buttons = QHBoxLayout()
        buttons.addWidget(hint, 1)
        buttons.addWidget(self.log_button)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        offer = QHBoxLayout()  # under the sentence that says the name is not picked
        offer.addWidget(self.add_contact)
        offer.addStretch(1)
        layout.addWidget(self.status)
        layout.addLayout(offer)
        layout.addLayout(buttons)
        self.issues.setFixedHeight(self.issues.sizeHintForRow(0) * self.issues.count() + 6)
        self.resize(520, self.sizeHint().height())
        for first, second in (
            (self.ward, self.channel),
            (self.channel, self.contact),
            (self.contact, self.issues),
            (self.issues, self.summary),
            (self.summary, self.when),
            (self.when, self.log_button),
            (self.log_button, self.close_button),
        ):
            QWidget.setTabOrder(first, second)
        self.ward.setFocus()

    def _fill_choices(self, choices: tuple[list[tuple[str, str]], str | None]) -> None:
        wards, mine = choices
        self.ward.blockSignals(True)
        for ward_id, label in wards:
            self.ward.addItem(label, ward_id)
        draft = self.desk.drafts.load(DRAFT_KEY) or {}
        question = "You have an engagement from earlier that was not logged. Restore it?"
        if draft and not self.desk.ask(self, "Unsaved work", question):
            self.desk.drafts.discard(DRAFT_KEY)
            draft = {}
        wanted = draft.get("ward_id") or mine
        self.ward.setCurrentIndex(self.ward.findData(wanted) if wanted else -1)
        if self.ward.currentIndex() < 0:
            self.ward.setEditText("")
        self.ward.blockSignals(False)
        self._restore(draft)

    # -- values, drafts and saving --------------------------------------------------------------

    def values(self) -> dict[str, Any]:
        return {
            "ward_id": self.ward.value(),
            "channel": self.channel.currentData(),
            "issues": self.issues.chosen(),
            "summary": self.summary.toPlainText().strip(),
        }

    def _restore(self, draft: dict[str, Any]) -> None:
        """Put back what was typed before a crash or lock."""
        if not draft:
            return
        if draft.get("contact_id"):
            self.contact.set_choice(draft["contact_id"], str(draft.get("contact_label") or ""))
        elif draft.get("contact_label"):  # typed, not yet picked: back as it was typed
            self.contact.setEditText(str(draft["contact_label"]))
        index = self.channel.findData(draft.get("channel"))
        if index >= 0:
            self.channel.setCurrentIndex(index)
        self.issues.choose(list(draft.get("issues") or []))
        self.summary.setPlainText(str(draft.get("summary") or ""))
        self.when.setText(str(draft.get("when") or ""))
        self._say("Your earlier entry is back; check it and log it.")

    def _changed(self) -> None:
        self._draft_timer.start()

    def _keep_draft(self) -> None:
        values = self.values()
        if values["issues"] or values["summary"]:
            contact = {
                "contact_id": self.contact.value(),
                "contact_label": self.contact.currentText(),
                "when": self.when.text(),
            }
            self.desk.drafts.save(DRAFT_KEY, "Log engagement", {**values, **contact})

    def save(self) -> None:
        if self._saving:
            return  # Ctrl+Enter pressed twice before the first save came back
        contact = self.contact.value()
        typed = self.contact.currentText().strip()
        if contact is None and typed:
            # A name typed but not picked is never dropped without a word: the officer picks
            # the person, adds them as a new contact (offered here), or clears the box.
            self._say(not_picked(typed), error=True)
            shown = typed.replace("&", "&&")  # a name's "&" is no shortcut key
            self.add_contact.setText(f"&Add ‘{shown}’ as a new contact")
            self.add_contact.show()
            QTimer.singleShot(0, self, self._fit)
            self.contact.setFocus()
            return
        try:
            self._occurred = self._when()
        except NotADate as refused:
            self._say(f"Time: {refused.message}", error=True)
            self.when.setFocus()
            return
        self._saving = True
        self.log_button.setEnabled(False)
        if contact is None:
            self._log(None)
            return
        self._say("Checking the contact…")
        contacts = self.desk.services.contacts
        self.desk.runner.run(
            lambda: contacts.get(contact), self._check_consent, self._failed, guard=self
        )

    def _when(self) -> datetime:
        """When it happened: now if the time is left blank, else the time typed (UK time)."""
        now = self._now()
        typed = self.when.text().strip()
        if not typed:
            return now
        local = read_datetime(typed, now.astimezone(LONDON).replace(tzinfo=None))
        moment = local if local.tzinfo else local.replace(tzinfo=LONDON)
        if moment > now + FUTURE_GRACE:
            raise NotADate(f"'{typed}' is later than now; log an engagement once it has happened.")
        return moment

    def _add_contact(self) -> None:
        """Add the typed name as a new contact (in the chosen ward), pick it, then log."""
        typed = self.contact.currentText().strip()
        if not typed or self._saving:
            return
        self.add_contact.hide()
        self._say(f"Adding {typed} as a new contact…")
        values: dict[str, Any] = {"name": typed}
        if self.ward.value():
            values["ward_id"] = self.ward.value()
        contacts = self.desk.services.contacts
        self.desk.write(
            lambda: contacts.create(values),
            lambda changes: self._contact_added(str(changes.created[0]), typed),
            self._failed,
            guard=self,
        )

    def _contact_added(self, contact_id: str, name: str) -> None:
        self.contact.set_choice(contact_id, name)
        self.save()

    def _check_consent(self, record: dict[str, Any]) -> None:
        """Warn, before logging, when the person's consent stops the team contacting them:
        logging that they approached the officer is still allowed, so the officer decides."""
        stop = contact_stop(SimpleNamespace(**record))
        if stop is not None:
            warning = stop.warning(str(record.get("name") or "This person"))
            self._say(warning, error=True)
            question = f"{warning} Log this engagement with them anyway?"
            if not self.desk.ask(self, "Do not contact", question):
                self._saving = False
                self.log_button.setEnabled(True)
                self.contact.setFocus()
                return
        self._log(str(record["id"]))

    def _log(self, contact: str | None) -> None:
        values = {**self.values(), "occurred_at": self._occurred}
        contacts = [contact] if contact else []
        self._say("Logging…")
        self.desk.write(
            lambda: self.desk.services.today.log_engagement(values, contacts),
            self._saved,
            self._failed,
        )

    def _saved(self, logged: LoggedEngagement) -> None:
        self._saving = False
        self.log_button.setEnabled(True)
        self.logged.append(logged)
        self._draft_timer.stop()
        self.desk.drafts.discard(DRAFT_KEY)
        self._clear()
        self._say("Logged. Ward and channel are kept for the next one.")

    def _failed(self, error: BaseException) -> None:
        self._saving = False
        self.log_button.setEnabled(True)
        if not isinstance(error, ValidationError):
            self._say("")
            self.desk.report_error(error, self)
            return
        self._say(error.message, error=True)
        target = {
            "ward_id": self.ward,
            "summary": self.summary,
            "issues": self.issues,
            "contact_id": self.contact,
        }.get(error.field or "")
        if target is not None:
            target.setFocus()

    def _clear(self) -> None:
        self.contact.set_choice(None, "")
        self.contact.setEditText("")
        self.issues.choose([])
        self.summary.clear()
        self.when.clear()
        self.add_contact.hide()
        self._draft_timer.stop()
        self.contact.setFocus()

    def _say(self, text: str, error: bool = False) -> None:
        """A line under the form: red and bold only for what needs fixing; otherwise (Logged.,
        Checking…) in the calm ink of a note."""
        self.status.setText(text)
        self.status.setObjectName("formMessage" if error else "formNote")
        self.status.setStyleSheet(f"color: {ERROR_INK}; font-weight: bold;" if error else "")
        self.status.style().unpolish(self.status)
        self.status.style().polish(self.status)
        QTimer.singleShot(0, self, self._fit)

    def _fit(self) -> None:
        """Grow to show a message that wraps onto more lines (Qt's layout does not count a
        wrapped label's height when it sets the dialog's minimum, so it would squeeze the
        issue list instead)."""
        layout = self.layout()
        if layout is None:
            return
        needed = layout.totalHeightForWidth(self.width())
        if needed > self.height():
            self.resize(self.width(), needed)

    def unsaved(self) -> bool:
        """Something typed for this engagement (ward and channel are kept between entries)."""
        return bool(
            self.summary.toPlainText().strip()
            or self.contact.currentText().strip()
            or self.issues.chosen()
            or self.when.text().strip()
        )

    def reject(self) -> None:
        """Close or Escape: with an entry half typed, the officer is asked first; yes drops it
        (and its draft), as the record editor does."""
        question = "Close without logging the engagement you have typed? It will be lost."
        if self.unsaved() and not self.desk.ask(self, "Unsaved engagement", question):
            return
        self._draft_timer.stop()
        self.desk.drafts.discard(DRAFT_KEY)
        super().reject()


def open_quick_log(desk: Desk, parent: QWidget | None = None) -> QuickLogDialog:
    """Show the quick log (the main window binds this to Ctrl+L); it closes itself on Esc."""
    dialog = QuickLogDialog(desk, parent=parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.setModal(True)
    dialog.show()
    dialog.raise_()
    dialog.activateWindow()
    return dialog
