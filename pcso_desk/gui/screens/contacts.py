"""Contacts: the list, a duplicate warning before a new contact is saved, and merges that undo."""

from __future__ import annotations

from html import escape
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from pcso_desk.domain.consent import contact_stop, preferred_way
from pcso_desk.domain.permissions import Action
from pcso_desk.domain.validation import format_phone
from pcso_desk.gui.desk import Desk
from pcso_desk.gui.editor import RecordEditor
from pcso_desk.gui.merge_dialog import choose_then_merge
from pcso_desk.gui.offered import offer
from pcso_desk.gui.screens import definitions as d
from pcso_desk.gui.screens.records import RecordScreen
from pcso_desk.gui.screens.story import StoryList
from pcso_desk.services.values import Changes


def _describe(match: Any) -> str:
    where = f" ({match.postcode})" if match.postcode else ""
    return f"{match.name}{where} — {', '.join(match.reasons)}"


def _prefers(record: dict[str, Any]) -> str:
    way = preferred_way(record.get("preferred_method"), record.get("preferred_times") or "")
    return f"Prefers {way}" if way else ""


class ContactEditor(RecordEditor):
    """A contact editor that checks for a likely duplicate before saving a new contact."""

    def __init__(self, screen: ContactsScreen, record_id: str | None, **kwargs: Any) -> None:
        title = "New contact" if record_id is None else "Edit contact"
        super().__init__(
            screen.desk, "contacts", title, d.CONTACTS.fields, record_id, parent=screen, **kwargs
        )
        self.list_screen = screen
        self.matches: list[Any] = []
        self.warning = QWidget()
        self.warning.setObjectName("duplicateWarning")
        self.warning_text = QLabel()
        self.warning_text.setWordWrap(True)
        self.open_button = QPushButton("&Open existing")
        self.merge_button = QPushButton("&Merge into existing")
        self.anyway_button = QPushButton("Save as &new anyway")
        row = QHBoxLayout()
        for button in (self.open_button, self.merge_button, self.anyway_button):
            button.setAccessibleName(button.text().replace("&", ""))
            row.addWidget(button)
        box = QVBoxLayout(self.warning)
        box.addWidget(self.warning_text)
        box.addLayout(row)
        self.warning.hide()
        self.column.insertWidget(1, self.warning)
        self.open_button.clicked.connect(self._open_existing)
        self.merge_button.clicked.connect(self._merge_into_existing)
        self.anyway_button.clicked.connect(lambda: RecordEditor.save(self))

    def save(self) -> None:
        if self.record_id is not None or self.form.first_error():
            super().save()
            return
        values = self.values()
        self.desk.runner.run(
            lambda: self.desk.services.likely_duplicates(values), self._checked, guard=self
        )

    def _checked(self, matches: list[Any]) -> None:
        self.matches = matches
        if not matches:
            RecordEditor.save(self)
            return
        self.warning_text.setText(
            "<b>This looks like a contact you already have:</b><br>" + _describe(matches[0])
        )
        self.warning.show()
        self.open_button.setFocus()

    def _open_existing(self) -> None:
        existing = self.matches[0].contact_id
        self.reject()
        self.list_screen.open_record(existing)

    def _merge_into_existing(self) -> None:
        """Show the existing contact beside what was typed (the typed values chosen where
        they differ); on Merge, save what was typed and fold it into the existing contact
        with those choices (undoable)."""
        existing = self.matches[0].contact_id
        values = self.values()
        services = self.desk.services

        def merge(take: frozenset[str]) -> None:
            def work() -> Any:
                new_id = services.contacts.create(values).created[0]
                return services.merge_contacts(existing, new_id, take)

            self.desk.write(work, self._merged, self._save_failed)

        titles = ("Existing contact", "Typed now")
        choose_then_merge(self.desk, self, existing, values, titles, True, merge)

    def _merged(self, result: Any) -> None:
        self.list_screen.merged(result)
        self._saved(result.changes)


class ContactDetail(QWidget):
    """The selected contact's likely duplicates, a merge, and the undo of the last merge."""

    def __init__(self, screen: ContactsScreen) -> None:
        super().__init__()
        self.list_screen = screen
        self.desk = screen.desk
        self.contact_id: str | None = None
        self.title = QLabel("Choose a contact")
        self.title.setObjectName("detailTitle")
        self.facts = QLabel()
        self.facts.setWordWrap(True)
        self.facts.setAccessibleName("Contact details")
        self.stop = QLabel()  # "Do not contact: consent withdrawn 3 March 2026"
        self.stop.setObjectName("doNotContact")
        self.stop.setAccessibleName("Do not contact")
        self.stop.setWordWrap(True)
        self.stop.setStyleSheet("color: #b3261e; font-weight: bold;")
        self.stop.hide()
        self.story = StoryList(self.desk)  # their engagements, KINs, messages, cases
        self.duplicates = QListWidget()
        self.duplicates.setAccessibleName("Likely duplicates of this contact")
        # Short enough for the narrow pane beside the list; the tooltip says it whole.
        self.merge_button = QPushButton("&Merge into this contact…")
        self.merge_button.setToolTip("Merge the chosen duplicate into this contact")
        self.undo_button = QPushButton("&Undo last merge")
        self.status = QLabel()
        self.status.setWordWrap(True)
        for button in (self.merge_button, self.undo_button):
            button.setAccessibleName(button.text().replace("&", ""))
        self.undo_button.setEnabled(False)
        self.merge_button.setEnabled(False)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.stop)
        layout.addWidget(self.facts)
        layout.addWidget(QLabel("Their story, newest first:"))
        layout.addWidget(self.story, 3)
        layout.addWidget(QLabel("Likely duplicates:"))
        layout.addWidget(self.duplicates, 1)
        layout.addWidget(self.merge_button)
        layout.addWidget(self.undo_button)
        layout.addWidget(self.status)
        self.merge_button.clicked.connect(self.merge_chosen)
        self.undo_button.clicked.connect(self.undo)
        self.duplicates.currentRowChanged.connect(
            lambda row: self.merge_button.setEnabled(row >= 0)
        )

    def show_contact(self, contact_id: str | None) -> None:
        self.contact_id = contact_id
        self.duplicates.clear()
        self.story.show_contact(contact_id)
        if contact_id is None:
            self.title.setText("Choose a contact")
            self.facts.clear()
            self.stop.hide()
            return
        services = self.desk.services

        def work() -> tuple[dict[str, Any], list[Any]]:
            record = services.contacts.get(contact_id)
            return record, services.likely_duplicates(record, exclude_id=contact_id)

        self.desk.runner.run(work, self._show, guard=self)

    def _show(self, found: tuple[dict[str, Any], list[Any]]) -> None:
        record, matches = found
        if record["id"] != self.contact_id:
            return
        self.title.setText(f"<b>{escape(record['name'])}</b>")
        facts = [
            record["organisation"],
            record["address"].replace("\n", ", "),
            record["postcode"],
            format_phone(record["phone"]) if record["phone"] else "",
            record["email"],
            record.get("ward_id_label") and f"Ward: {record['ward_id_label']}",
            record["tags"] and "Tags: " + ", ".join(record["tags"]),
            _prefers(record),
        ]
        stop = contact_stop(record)
        self.stop.setText(f"Do not contact: {stop.reason}" if stop else "")
        self.stop.setVisible(stop is not None)
        self.facts.setText("<br>".join(escape(str(f)) for f in facts if f))
        for match in matches:
            item = QListWidgetItem(_describe(match))
            item.setData(Qt.ItemDataRole.UserRole, match.contact_id)
            self.duplicates.addItem(item)
        if not matches:
            self.duplicates.addItem("No likely duplicates.")
            self.duplicates.item(0).setFlags(Qt.ItemFlag.NoItemFlags)

    def merge_chosen(self) -> None:
        item = self.duplicates.currentItem()
        duplicate = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        if not duplicate or not self.contact_id:
            return
        keep, services = self.contact_id, self.desk.services

        def merge(take: frozenset[str]) -> None:
            self.desk.write(
                lambda: services.merge_contacts(keep, duplicate, take),
                self.list_screen.merged,
                guard=self,  # the pane may be closed before the merge comes back
            )

        # The two side by side, this contact's values chosen where both have one.
        titles = ("This contact (kept)", "Chosen duplicate")
        choose_then_merge(self.desk, self, keep, duplicate, titles, False, merge)

    def remember(self, result: Any) -> None:
        self.last_merge = result.undo
        self.undo_button.setEnabled(True)
        self.status.setText("Merged. The duplicate's history now belongs to this contact.")

    def undo(self) -> None:
        undo = getattr(self, "last_merge", None)
        if undo is None:
            return

        def done(changes: Changes) -> None:
            self.last_merge = None
            self.undo_button.setEnabled(False)
            self.status.setText("Merge undone: the two contacts are separate again.")

        self.desk.write(lambda: self.desk.services.undo_merge(undo), done)


class ContactsScreen(RecordScreen):
    def __init__(self, desk: Desk) -> None:
        self.detail = None
        detail_holder = QWidget()
        super().__init__(desk, d.CONTACTS, detail_holder)
        self.detail = ContactDetail(self)
        QVBoxLayout(detail_holder).addWidget(self.detail)
        self.selected.connect(self.detail.show_contact)
        self.import_button = QPushButton("&Import CSV…")
        self.import_button.setAccessibleName("Import contacts from a CSV file")
        self.import_button.clicked.connect(self.import_csv)
        offer(desk, self.import_button, Action.IMPORT, "contacts")
        self.bar.addWidget(self.import_button)

    def import_csv(self) -> None:
        """Import a contacts CSV with progress; Cancel rolls the whole import back."""
        chosen = self.desk.choose(self, "Import contacts", "CSV files (*.csv);;All files (*)")
        if not chosen:
            return
        from pathlib import Path

        from pcso_desk.gui.progress import ProgressTask

        task = ProgressTask(self.desk, self, "Importing contacts")
        self._import = task
        services = self.desk.services
        task.start(
            lambda report: services.import_contacts(Path(chosen), progress=report),
            self._imported,
            cancelled=lambda: self.desk.inform(
                self, "Import cancelled", "The import was cancelled; no contacts were changed."
            ),
        )

    def _imported(self, report: Any) -> None:
        self.model.reload()
        self.desk.inform(self, "Import finished", report.summary())

    def editor(self, record_id: str | None, initial: dict[str, Any] | None = None) -> RecordEditor:
        return ContactEditor(self, record_id, initial=initial)

    def merged(self, result: Any) -> None:
        """A merge happened (from the editor or the detail pane): offer its undo (Desk.write
        has announced what it changed)."""
        if self.detail is not None:
            self.detail.remember(result)
            self.detail.show_contact(self.detail.contact_id)


def contacts_screen(desk: Desk) -> ContactsScreen:
    return ContactsScreen(desk)
