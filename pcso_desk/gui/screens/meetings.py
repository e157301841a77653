"""Public meetings: what happened, the wards and officers there, and the priorities agreed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from pcso_desk.domain.enums import MeetingType
from pcso_desk.domain.errors import PcsoDeskError
from pcso_desk.domain.permissions import Action
from pcso_desk.domain.schedule import priority_review_due
from pcso_desk.gui.desk import Desk
from pcso_desk.gui.editor import RecordEditor
from pcso_desk.gui.list_memory import ColumnMemory
from pcso_desk.gui.offered import offer, set_enabled
from pcso_desk.gui.screens import definitions as d
from pcso_desk.gui.screens.detail import DetailPane
from pcso_desk.gui.screens.records import RecordScreen
from pcso_desk.gui.screens.victims import heading, open_editor, share_with_detail, small_table
from pcso_desk.gui.table_model import ColumnDef, RecordTableModel
from pcso_desk.services.values import Changes, ListQuery

# The meeting dates the priority and the service files it under the meeting: not asked for.
AGREE_FIELDS = [f for f in d.PRIORITY_FIELDS if f.key not in ("agreed_on", "meeting_id")]
LINK_KINDS = frozenset({"meeting_wards", "meeting_officers"})

TYPE_LABELS = {
    MeetingType.PACT: "PACT meeting",
    MeetingType.WARD_PANEL: "Ward panel",
    MeetingType.SURGERY: "Surgery",
    MeetingType.STREET_BRIEFING: "Street briefing",
    MeetingType.MOBILE_STATION: "Mobile police station",
    MeetingType.COMMUNITY_EVENT: "Community event",
}


def type_label(value: Any, _row: dict[str, Any]) -> str:
    return TYPE_LABELS.get(value, "") if value is not None else ""


def short_date(value: Any, _row: dict[str, Any]) -> str:
    return value.strftime("%d %b %Y") if value is not None else ""


AGREED_COLUMNS = [
    ColumnDef("title", "Priority"),
    ColumnDef("status", "Status", d.enum_label),
    ColumnDef("agreed_on", "Agreed", short_date),
    ColumnDef("review_on", "Review", short_date),
    ColumnDef("category", "Category", d.enum_label),
]


def name_buttons(box: QDialogButtonBox) -> None:
    """Screen readers announce a dialog's Save and Cancel by name, like every other button."""
    for button in box.buttons():
        button.setAccessibleName(button.text().replace("&", ""))


@dataclass(frozen=True)
class LinkKind:
    """One of the meeting's two lists of links: wards covered and officers present."""

    kind: str  # meeting_wards or meeting_officers
    key: str  # ward_id or officer_id
    options: str  # wards or officers
    noun: str


WARDS = LinkKind("meeting_wards", "ward_id", "wards", "ward")
OFFICERS = LinkKind("meeting_officers", "officer_id", "officers", "officer present")


@dataclass(frozen=True)
class MeetingView:
    record: dict[str, Any]
    wards: list[dict[str, Any]]
    officers: list[dict[str, Any]]


class PickDialog(QDialog):
    """Choose one ward or officer from a short list and add it to the meeting."""

    def __init__(
        self,
        desk: Desk,
        title: str,
        caption: str,
        choices: list[tuple[str, str]],
        add: Callable[[str], Changes],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.desk = desk
        self._add = add
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.choice = QComboBox()
        self.choice.setAccessibleName(caption)
        for record_id, name in choices:
            self.choice.addItem(name, record_id)
        self.message = QLabel()
        self.message.setObjectName("formMessage")
        self.message.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        name_buttons(self.buttons)
        form = QFormLayout()
        label = QLabel(f"&{caption}:")
        label.setBuddy(self.choice)
        form.addRow(label, self.choice)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.resize(420, 140)

    def save(self) -> None:
        chosen = self.choice.currentData()
        if not chosen:
            self.message.setText("Choose one from the list.")
            return
        self.buttons.setEnabled(False)
        self.desk.write(lambda: self._add(chosen), lambda _c: self.accept(), self._failed)

    def _failed(self, error: BaseException) -> None:
        self.buttons.setEnabled(True)
        if isinstance(error, PcsoDeskError):
            self.message.setText(error.message)
        else:
            self.desk.report_error(error, self)


class LinkList(QGroupBox):
    """The wards (or officers) on a meeting, with Add… and Remove buttons."""

    def __init__(self, title: str, link: LinkKind, add_text: str) -> None:
        super().__init__(title)
        self.link = link
        self.setAccessibleName(title)
        self.items = QListWidget()
        self.items.setAccessibleName(title)
        self.items.setMaximumHeight(96)
        self.add_button = QPushButton(add_text)
        self.remove_button = QPushButton("Remove")
        self.add_button.setAccessibleName(add_text.replace("&", "").rstrip("…"))
        self.remove_button.setAccessibleName(f"Remove {link.noun}")
        self.remove_button.setEnabled(False)
        self.items.currentRowChanged.connect(lambda row: set_enabled(self.remove_button, row >= 0))
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.items)
        layout.addLayout(buttons)

    def show_rows(self, rows: list[dict[str, Any]]) -> None:
        self.items.clear()
        label = f"{self.link.key}_label"
        for row in sorted(rows, key=lambda r: str(r.get(label) or "").casefold()):
            item = QListWidgetItem(row.get(label) or "(unknown)")
            item.setData(Qt.ItemDataRole.UserRole, row["id"])
            item.setData(Qt.ItemDataRole.UserRole + 1, row[self.link.key])
            self.items.addItem(item)
        if not rows:
            self.items.addItem(QListWidgetItem("None recorded yet"))
            self.items.item(0).setFlags(Qt.ItemFlag.NoItemFlags)
        set_enabled(self.remove_button, False)

    def present(self) -> set[str]:
        found = (self.items.item(i).data(Qt.ItemDataRole.UserRole + 1) for i in range(self.count))
        return {value for value in found if value}

    @property
    def count(self) -> int:
        return self.items.count()

    def selected_link(self) -> str | None:
        item = self.items.currentItem()
        if item is None:
            return None
        link: str | None = item.data(Qt.ItemDataRole.UserRole)
        return link


class MeetingDetail(DetailPane):
    """The selected meeting's facts, who and where, and the priorities it agreed."""

    kind = "meetings"
    related = frozenset(LINK_KINDS)
    reveals = frozenset({"meetings"})

    def __init__(self, desk: Desk) -> None:
        super().__init__(
            desk,
            "Meeting detail",
            "Choose a meeting to see who was there and the priorities it agreed.",
        )
        self.view: MeetingView | None = None
        self.dialog: QDialog | None = None
        self.addWidget(self._build_page())
        self._wire()

    def _build_page(self) -> QWidget:
        self.title = heading("", "meetingTitle")
        self.title.setAccessibleName("Meeting")
        self.title.setWordWrap(True)
        big = self.title.font()
        big.setPointSizeF(big.pointSizeF() * 1.3)
        self.title.setFont(big)
        captions = {
            "type": "Type",
            "public": "Public title",
            "when": "When",
            "venue": "Venue",
            "status": "Status",
            "attendance": "Attendance",
            "partners": "Partners present",
        }
        self.facts = {key: QLabel() for key in captions}
        form = QFormLayout()
        for key, caption in captions.items():
            self.facts[key].setAccessibleName(caption)
            self.facts[key].setWordWrap(True)
            self.facts[key].setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            form.addRow(f"{caption}:", self.facts[key])
        self.wards = LinkList("Wards", WARDS, "Add &ward…")
        self.officers = LinkList("Officers present", OFFICERS, "Add &officer present…")
        self.agreed = RecordTableModel(
            self.desk.runner, self.desk.services["priorities"].page, AGREED_COLUMNS, parent=self
        )
        self.agreed_view = small_table(self.agreed, "Priorities agreed at this meeting")
        for column, width in enumerate((200, 90, 105, 105)):
            self.agreed_view.setColumnWidth(column, width)
        ColumnMemory(self.desk, self.agreed_view, "meeting_priorities", fit=False)
        self.agree_button = QPushButton("&Agree a priority…")
        self.agree_button.setAccessibleName("Agree a priority")
        return self._lay_out(form)

    def _lay_out(self, form: QFormLayout) -> QWidget:
        links = QHBoxLayout()
        links.addWidget(self.wards)
        links.addWidget(self.officers)
        agreed_bar = QHBoxLayout()
        agreed_bar.addWidget(heading("Priorities agreed here"))
        agreed_bar.addStretch(1)
        agreed_bar.addWidget(self.agree_button)
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(8, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addLayout(form)
        layout.addLayout(links)
        layout.addLayout(agreed_bar)
        layout.addWidget(self.agreed_view, 1)
        return page

    def _wire(self) -> None:
        self.agree_button.clicked.connect(self.agree_priority)
        self.wards.add_button.clicked.connect(lambda: self.add_link(WARDS))
        self.officers.add_button.clicked.connect(lambda: self.add_link(OFFICERS))
        self.wards.remove_button.clicked.connect(lambda: self.remove_link(self.wards))
        self.officers.remove_button.clicked.connect(lambda: self.remove_link(self.officers))
        for shown in (self.wards, self.officers):  # removing a link deletes it: not a PCSO's
            offer(self.desk, shown.remove_button, Action.DELETE, shown.link.kind)
        self.agreed.failed.connect(self.desk.report_error)

    # -- showing a meeting --------------------------------------------------------------

    def cleared(self) -> None:
        self.view = None

    def chosen(self, record_id: str) -> None:
        self.agreed.set_query(ListQuery(filters={"meeting": record_id}, sort="agreed"))

    def load(self, record_id: str) -> MeetingView:
        services = self.desk.services
        links = ListQuery(filters={"meeting": record_id}, limit=1000)
        return MeetingView(
            services.meetings.get(record_id),
            services["meeting_wards"].page(links).rows,
            services["meeting_officers"].page(links).rows,
        )

    def fill(self, view: MeetingView) -> None:
        record = view.record
        self.view = view
        self.title.setText(record["title"])
        self.facts["type"].setText(type_label(record["meeting_type"], record))
        self.facts["public"].setText(record.get("public_title") or "— (type and venue)")
        self.facts["when"].setText(_when(record))
        self.facts["venue"].setText(record.get("venue") or "—")
        self.facts["status"].setText(d.enum_label(record["status"], record))
        attendance = record.get("attendance")
        self.facts["attendance"].setText("—" if attendance is None else f"{attendance} people")
        self.facts["partners"].setText(record.get("partners_present") or "—")
        self.wards.show_rows(view.wards)
        self.officers.show_rows(view.officers)

    def changed(self, changes: Changes) -> None:
        if changes.kind == "priorities":
            self.agreed.reload()

    # -- actions ------------------------------------------------------------------------

    def agree_priority(self) -> RecordEditor | None:
        """The priority is dated by the meeting and reviewed three months on (the service)."""
        meeting_id, view = self.record_id, self.view
        if meeting_id is None or view is None:
            return None
        priorities = self.desk.services.priorities
        # The service dates the priority by the meeting; the review date is shown (and can be
        # changed) before saving, three months on.
        agreed = view.record["starts_at"].date()
        initial: dict[str, Any] = {"review_on": priority_review_due(agreed)}
        if view.record.get("neighbourhood_id"):  # else the signed-in officer's (the editor)
            initial["neighbourhood_id"] = view.record["neighbourhood_id"]
        if len(view.wards) == 1:
            initial["ward_id"] = view.wards[0]["ward_id"]
        self.dialog = RecordEditor(
            self.desk,
            "priorities",
            f"Agree a priority — {view.record['title']}",
            AGREE_FIELDS,
            None,
            initial,
            save=lambda values: priorities.agree_at_meeting(meeting_id, values),
            parent=self,
            draft_scope=f"meeting-{meeting_id}",
        )
        return open_editor(self.dialog)

    def add_link(self, link: LinkKind) -> None:
        """Load the choices off the GUI thread, then offer those not already on the meeting."""
        if self.record_id is None:
            return
        options = self.desk.services.options
        self.desk.runner.run(
            lambda: options(link.options), lambda found: self._pick(link, found), guard=self
        )

    def _pick(self, link: LinkKind, found: list[tuple[str, str]]) -> None:
        meeting_id = self.record_id
        if meeting_id is None:
            return
        shown = self.wards if link is WARDS else self.officers
        choices = [(key, label) for key, label in found if key not in shown.present()]
        if not choices:
            self.desk.inform(self, "PCSO Desk", f"Every {link.options[:-1]} is already listed.")
            return
        service = self.desk.services[link.kind]
        self.dialog = PickDialog(
            self.desk,
            f"Add {link.noun}",
            link.noun.capitalize(),
            choices,
            lambda chosen: service.create({"meeting_id": meeting_id, link.key: chosen}),
            self,
        )
        self.dialog.setModal(True)
        self.dialog.show()

    def remove_link(self, shown: LinkList) -> None:
        link_id = shown.selected_link()
        if not link_id:
            return
        item = shown.items.currentItem()
        name = item.text() if item is not None else "this"
        if not self.desk.ask(self, "Remove", f"Remove {name} from this meeting?"):
            return
        service = self.desk.services[shown.link.kind]
        self.desk.write(lambda: service.delete(link_id))


def _when(record: dict[str, Any]) -> str:
    starts = d.when(record["starts_at"], record)
    ends = record.get("ends_at")
    if ends is None:
        return starts
    end_text = d.when(ends, record)
    same_day = end_text[:15] == starts[:15]  # "Tue 03 Mar 2026"
    return f"{starts} – {end_text[16:] if same_day else end_text}"


def meetings_screen(desk: Desk) -> RecordScreen:
    """Meetings: the list, and the chosen meeting with its wards, officers and priorities."""
    columns = [
        replace(c, show=type_label) if c.key == "meeting_type" else c for c in d.MEETINGS.columns
    ]
    detail = MeetingDetail(desk)
    screen = RecordScreen(desk, replace(d.MEETINGS, columns=columns), detail=detail)
    screen.table.setColumnWidth(0, 170)
    share_with_detail(screen, 640, 620)
    screen.selected.connect(detail.show_record)
    return screen
