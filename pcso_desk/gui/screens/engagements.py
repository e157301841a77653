"""Engagements: the list (with who each was with) and an editor that links one or more
contacts to an engagement."""

from __future__ import annotations

import itertools
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from pcso_desk.domain.errors import ValidationError
from pcso_desk.gui.desk import Desk
from pcso_desk.gui.editor import RecordEditor
from pcso_desk.gui.forms import RecordPicker, not_picked
from pcso_desk.gui.screens import definitions as d
from pcso_desk.gui.screens.records import RecordScreen
from pcso_desk.services.values import Changes

ID_ROLE = Qt.ItemDataRole.UserRole


class ContactPicks(QWidget):
    """Pick one or more contacts: type a name or postcode, choose a match (Enter), and it
    joins the list below; Delete removes the chosen one from the list."""

    changed = Signal()  # a contact added or removed

    def __init__(self, desk: Desk) -> None:
        super().__init__()
        self.picker = RecordPicker(desk.find_contacts, required=False)
        self.picker.setAccessibleName("Find a contact to add")
        self.add_button = QPushButton("&Add")
        self.add_button.setAccessibleName("Add the contact found")
        self.add_button.setAutoDefault(False)
        self.chosen = QListWidget()
        self.chosen.setAccessibleName("Contacts this engagement was with")
        self.chosen.setAccessibleDescription("Delete removes the chosen contact")
        self.chosen.setMaximumHeight(96)
        self.remove_button = QPushButton("&Remove")
        self.remove_button.setAccessibleName("Remove the chosen contact")
        self.remove_button.setAutoDefault(False)
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.picker, 1)
        top.addWidget(self.add_button)
        bottom = QHBoxLayout()
        bottom.setContentsMargins(0, 0, 0, 0)
        bottom.addWidget(self.chosen, 1)
        bottom.addWidget(self.remove_button, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addLayout(bottom)
        self.add_button.clicked.connect(self.add_picked)
        self.picker.activated.connect(lambda _index: self.add_picked())
        self.remove_button.clicked.connect(self.remove_current)
        self.chosen.installEventFilter(self)

    def eventFilter(self, watched: Any, event: Any) -> bool:
        if (
            watched is self.chosen
            and isinstance(event, QKeyEvent)
            and event.type() == QKeyEvent.Type.KeyPress
            and event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace)
        ):
            self.remove_current()
            return True
        return super().eventFilter(watched, event)

    def add(self, contact_id: str, label: str) -> None:
        if contact_id in self.ids():
            return
        item = QListWidgetItem(label)
        item.setData(ID_ROLE, contact_id)
        self.chosen.addItem(item)
        self.changed.emit()

    def add_picked(self) -> None:
        picked = self.picker.value()
        if picked is None:
            return
        self.add(picked, self.picker.currentText())
        self.picker.set_choice(None, "")
        self.picker.setEditText("")

    def remove_current(self) -> None:
        row = self.chosen.currentRow()
        if row >= 0:
            self.chosen.takeItem(row)
            self.changed.emit()

    def ids(self) -> list[str]:
        return [str(self.chosen.item(i).data(ID_ROLE)) for i in range(self.chosen.count())]

    def names(self) -> list[str]:
        return [self.chosen.item(i).text() for i in range(self.chosen.count())]

    def set_contacts(self, ids: list[str], names: list[str]) -> None:
        """Show a record's (or a draft's) contacts: not a change the user made."""
        self.blockSignals(True)
        self.chosen.clear()
        for contact_id, name in zip(ids, names, strict=False):
            self.add(contact_id, name)
        self.blockSignals(False)

    def typed_not_picked(self) -> str:
        """What is typed in the box and not yet in the list ('' when nothing is)."""
        if self.picker.value() is not None:
            self.add_picked()  # chosen from the matches but not yet added: add it now
            return ""
        return self.picker.currentText().strip()


class EngagementEditor(RecordEditor):
    """The engagement editor with a Contacts field: saved as the engagement's contact links,
    with the engagement, in one unit of work."""

    def __init__(
        self,
        screen: RecordScreen,
        record_id: str | None,
        initial: dict[str, Any] | None = None,
    ) -> None:
        title = "New engagement" if record_id is None else "Edit engagement"
        services = screen.desk.services

        def save(values: dict[str, Any]) -> Changes:
            contacts = self.contacts.ids()
            if record_id is None:
                return services.story.add_engagement(values, contacts)
            return services.story.change_engagement(record_id, values, contacts)

        super().__init__(
            screen.desk,
            "engagements",
            title,
            d.ENGAGEMENTS.fields,
            record_id,
            initial,
            save=save,
            parent=screen,
        )
        self.contacts = ContactPicks(screen.desk)
        self.contacts.changed.connect(self._draft_timer.start)
        self._add_contacts_row(after="channel")
        self.resize(self.width(), self.height() + 120)

    def _add_contacts_row(self, after: str) -> None:
        """The Contacts row in the form, after the field `after`, and in the Tab order there."""
        label = QLabel("C&ontacts")
        label.setBuddy(self.contacts.picker)
        keys = list(self.form.editors)
        layout = self.form.layout()
        assert isinstance(layout, QFormLayout)
        layout.insertRow(keys.index(after) + 1, label, self.contacts)
        inputs = [self.form.editors[key].input for key in keys]
        position = keys.index(after)
        chain = [
            inputs[position],
            self.contacts.picker,
            self.contacts.add_button,
            self.contacts.chosen,
            self.contacts.remove_button,
            *inputs[position + 1 : position + 2],
        ]
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)

    def set_values(self, values: dict[str, Any]) -> None:
        super().set_values(values)
        self.contacts.set_contacts(
            list(values.get("contact_ids") or []), list(values.get("contact_names") or [])
        )

    def draft_values(self) -> dict[str, Any]:
        """The form, and the contacts chosen (ids and names, to show them again)."""
        ids, names = self.contacts.ids(), self.contacts.names()
        return {**super().draft_values(), "contact_ids": ids, "contact_names": names}

    def save(self) -> None:
        typed = self.contacts.typed_not_picked()
        if typed:
            self.message.setText(not_picked(typed))
            self.contacts.picker.setFocus()
            return
        super().save()

    def _save_failed(self, error: BaseException) -> None:
        if isinstance(error, ValidationError) and error.field == "contact_ids":
            self.buttons.setEnabled(True)
            self.message.setText(error.message)
            self.contacts.picker.setFocus()
            return
        super()._save_failed(error)


class EngagementsScreen(RecordScreen):
    def __init__(self, desk: Desk) -> None:
        super().__init__(desk, d.ENGAGEMENTS)

    def editor(self, record_id: str | None, initial: dict[str, Any] | None = None) -> RecordEditor:
        return EngagementEditor(self, record_id, initial)


def engagements_screen(desk: Desk) -> EngagementsScreen:
    return EngagementsScreen(desk)
