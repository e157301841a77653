"""A person's story on the contact pane: their engagements, KIN memberships and check-ins,
messages and (for a role allowed victim care) victim cases, newest first; Enter or a
double-click opens the item in its screen."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QListWidget, QListWidgetItem

from pcso_desk.domain.schedule import LONDON
from pcso_desk.gui.desk import Desk
from pcso_desk.services.values import Changes, StoryItem

KIND_ROLE = Qt.ItemDataRole.UserRole
ID_ROLE = Qt.ItemDataRole.UserRole + 1
# Changes to these kinds can change a story on show.
LISTENS = frozenset(
    {"engagements", "engagement_contacts", "kin_members", "kin_checkins", "messages",
     "victim_cases", "contacts"}
)  # fmt: skip
EMPTY = "Nothing recorded with this person yet."


def story_line(item: StoryItem) -> str:
    """'10 Jul 2026 · Engagement · Patrol — Asked about parking'."""
    day = item.when.astimezone(LONDON)
    return f"{day.day} {day:%b %Y} · {item.what} · {item.summary}"


class StoryList(QListWidget):
    """The timeline of one contact; `show_contact` loads it on the worker."""

    def __init__(self, desk: Desk) -> None:
        super().__init__()
        self.desk = desk
        self.contact_id: str | None = None
        self.setAccessibleName("This person's story, newest first")
        self.setAccessibleDescription("Press Enter or double-click an item to open it")
        self.setWordWrap(True)
        self.setSpacing(2)
        self.setAlternatingRowColors(True)
        self.itemActivated.connect(self._open)
        desk.hub.changed.connect(self._on_changes)

    def show_contact(self, contact_id: str | None) -> None:
        self.contact_id = contact_id
        self.clear()
        if contact_id is None:
            return
        story = self.desk.services.story
        self.desk.runner.run(
            lambda: (contact_id, story.timeline(contact_id)), self._show, guard=self
        )

    def _show(self, found: tuple[str, Sequence[StoryItem]]) -> None:
        contact_id, items = found
        if contact_id != self.contact_id:
            return  # another contact was chosen meanwhile
        self.clear()
        for item in items:
            row = QListWidgetItem(story_line(item))
            row.setData(KIND_ROLE, item.open_kind)
            row.setData(ID_ROLE, item.open_id)
            row.setToolTip("Press Enter or double-click to open")
            self.addItem(row)
        if not items:
            self.addItem(EMPTY)
            self.item(0).setFlags(Qt.ItemFlag.NoItemFlags)

    def _open(self, row: QListWidgetItem) -> None:
        kind, record_id = row.data(KIND_ROLE), row.data(ID_ROLE)
        if kind and record_id and self.desk.window is not None:
            self.desk.window.open_record(str(kind), str(record_id))

    def _on_changes(self, changes: Changes) -> None:
        if changes.kind == "contacts" and self.contact_id in changes.deleted:
            self.show_contact(None)  # the person was just deleted: no story to reload
        elif self.contact_id is not None and changes.kind in LISTENS and self.isVisible():
            self.show_contact(self.contact_id)
