"""Key Individual Networks: members and their check-ins, overdue members, and ward coverage."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from PySide6.QtCore import QModelIndex
from PySide6.QtWidgets import (
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from pcso_desk.domain.schedule import LONDON, DueState
from pcso_desk.domain.wording import counted
from pcso_desk.gui.desk import Desk
from pcso_desk.gui.editor import RecordEditor
from pcso_desk.gui.list_memory import ColumnMemory
from pcso_desk.gui.screens import definitions as d
from pcso_desk.gui.screens.detail import DetailPane
from pcso_desk.gui.screens.records import RecordScreen
from pcso_desk.gui.screens.victims import (
    DueDelegate,
    heading,
    open_editor,
    share_with_detail,
    small_table,
)
from pcso_desk.gui.table_model import RECORD_ROLE, ColumnDef, RecordTableModel
from pcso_desk.services.values import Changes, Coverage, ListQuery

Today = Callable[[], date]
SOON = timedelta(days=7)
MEMBER_KINDS = frozenset({"kin_members", "kin_checkins"})


def london_today() -> date:
    return datetime.now(LONDON).date()


def member_state(row: dict[str, Any], today: date) -> DueState | None:
    """Where a member's service-derived next check-in stands; due today is not yet overdue."""
    due = row.get("next_checkin_due")
    if due is None or row.get("left_on") is not None:
        return None
    if due < today:
        return DueState.OVERDUE
    return DueState.DUE_SOON if due <= today + SOON else DueState.OK


def short_date(value: Any, _row: dict[str, Any] | None = None) -> str:
    return value.strftime("%d %b %Y") if isinstance(value, date) else ""


def member_due_text(value: Any, row: dict[str, Any], today: date) -> str:
    if row.get("left_on") is not None:
        return f"Left {short_date(row['left_on'])}"
    state = member_state(row, today)
    shown = short_date(value)
    if state is DueState.OVERDUE:
        return f"⚠ Overdue — {shown}"
    if state is DueState.DUE_SOON:
        return f"Due soon — {shown}"
    return shown


def _last(value: Any, row: dict[str, Any]) -> str:
    return short_date(value) if value else "Never"


def _weeks(value: Any, _row: dict[str, Any]) -> str:
    return f"{value} weeks" if value else ""


def member_columns(today: Today) -> list[ColumnDef]:
    return [
        ColumnDef("contact_id", "Key individual", d.label("contact_id")),
        ColumnDef("next_checkin_due", "Next due", lambda v, row: member_due_text(v, row, today())),
        ColumnDef("last_checkin_on", "Last check-in", _last),
        ColumnDef("represents", "Represents"),
        ColumnDef("cadence_weeks", "Every", _weeks),
    ]


class CoveragePanel(QGroupBox):
    """Pick a ward: which of its streets or communities no current KIN member represents."""

    def __init__(self, desk: Desk) -> None:
        super().__init__("Coverage")
        self.desk = desk
        self.setAccessibleName("Coverage")
        self.ward = QComboBox()
        self.ward.setAccessibleName("Ward for coverage")
        self.summary = QLabel("Choose a ward.")
        self.summary.setAccessibleName("Coverage summary")
        self.summary.setWordWrap(True)
        self.gaps = QListWidget()
        self.gaps.setAccessibleName("Streets and communities with no member")
        self.coverage: Coverage | None = None
        self._wanted: str | None = None
        form = QHBoxLayout()
        caption = QLabel("&Ward:")
        caption.setBuddy(self.ward)
        form.addWidget(caption)
        form.addWidget(self.ward, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.summary)
        layout.addWidget(QLabel("No member represents:"))
        layout.addWidget(self.gaps)
        self.ward.currentIndexChanged.connect(lambda _i: self.refresh())
        desk.hub.changed.connect(self._on_changes)
        self.load_wards()

    def load_wards(self) -> None:
        self.desk.runner.run(
            lambda: self.desk.services.options("wards"), self._fill_wards, guard=self
        )

    def _fill_wards(self, wards: list[tuple[str, str]]) -> None:
        chosen = self._wanted or self.ward.currentData()
        self._wanted = None
        self.ward.blockSignals(True)
        self.ward.clear()
        for ward_id, name in wards:
            self.ward.addItem(name, ward_id)
        self.ward.setCurrentIndex(max(self.ward.findData(chosen), 0) if wards else -1)
        self.ward.blockSignals(False)
        self.refresh()

    def choose(self, ward_id: str) -> None:
        """Show a network's own ward (once the ward list has arrived, if it has not yet)."""
        self._wanted = ward_id
        index = self.ward.findData(ward_id)
        if index >= 0:
            self._wanted = None
            if index != self.ward.currentIndex():
                self.ward.setCurrentIndex(index)

    def refresh(self) -> None:
        ward_id = self.ward.currentData()
        if not ward_id:
            return
        kins = self.desk.services.kins
        self.desk.runner.run(lambda: kins.coverage(ward_id), self._show, guard=self)

    def _show(self, coverage: Coverage) -> None:
        if coverage.ward_id != self.ward.currentData():
            return  # another ward was chosen while this one was counted
        self.coverage = coverage
        self.gaps.clear()
        self.gaps.addItems(list(coverage.gaps))
        total = len(coverage.areas)
        if total == 0:
            self.summary.setText(
                "This ward has no streets or communities listed yet: add them under Admin › Wards."
            )
            return
        covered = total - len(coverage.gaps)
        self.summary.setText(
            f"{covered} of {total} streets and communities have a member; "
            f"{len(coverage.gaps)} have none."
        )

    def _on_changes(self, changes: Changes) -> None:
        if changes.kind in ("kin_members", "kins"):
            self.refresh()
        elif changes.kind == "wards":
            self.load_wards()


class KinDetail(DetailPane):
    """The selected network's members and who is overdue a check-in. Its `coverage` panel
    (a ward's coverage) sits below it on the screen and follows the network's ward."""

    kind = "kins"
    related = MEMBER_KINDS
    reveals = frozenset({"kins", "kin_members"})

    def __init__(self, desk: Desk, today: Today = london_today) -> None:
        super().__init__(
            desk,
            "Network detail",
            "Choose a network to see its members and who is due a check-in.",
        )
        self.today = today
        self.record: dict[str, Any] = {}
        self.dialog: RecordEditor | None = None
        self._member_wanted: str | None = None  # a member opened from elsewhere (Today)
        self.members = RecordTableModel(
            desk.runner, desk.services["kin_members"].page, member_columns(today), parent=self
        )
        self.members.failed.connect(desk.report_error)
        self.members_view = small_table(self.members, "Members")
        self.members_view.setItemDelegateForColumn(
            1, DueDelegate(lambda row: member_state(row, self.today()), self.members_view)
        )
        for column, width in enumerate((150, 200, 120, 130)):
            self.members_view.setColumnWidth(column, width)
        ColumnMemory(desk, self.members_view, "kin_members", fit=False)
        self.coverage = CoveragePanel(desk)
        self.addWidget(self._members_page())
        self._wire()

    def _members_page(self) -> QWidget:
        self.title = heading("", "kinTitle")
        self.title.setAccessibleName("Network")
        self.where = QLabel()
        self.where.setAccessibleName("Network area")
        self.summary = QLabel()
        self.summary.setAccessibleName("Members summary")
        self.summary.setWordWrap(True)
        self.add_button = QPushButton("&Add member…")
        self.checkin_button = QPushButton("Check &in…")
        self.member_edit_button = QPushButton("Edit &member…")
        buttons = QHBoxLayout()
        for button in (self.add_button, self.checkin_button, self.member_edit_button):
            button.setAccessibleName(button.text().replace("&", ""))
            buttons.addWidget(button)
        buttons.addStretch(1)
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in (self.title, self.where, self.summary):
            layout.addWidget(widget)
        layout.addLayout(buttons)
        layout.addWidget(self.members_view, 1)
        return page

    def _wire(self) -> None:
        self.add_button.clicked.connect(self.add_member)
        self.checkin_button.clicked.connect(self.check_in)
        self.member_edit_button.clicked.connect(self.edit_member)
        self.members_view.activated.connect(lambda _index: self.check_in())
        self.members_view.selectionModel().currentRowChanged.connect(self._member_changed)
        self.members.modelReset.connect(lambda: self._member_changed(QModelIndex(), QModelIndex()))
        self.members.loaded.connect(lambda _rows: self._choose_wanted_member())
        self._member_changed(QModelIndex(), QModelIndex())

    # -- showing a network --------------------------------------------------------------

    def reveal(self, kind: str, record_id: str, showing: Callable[[str], None]) -> None:
        """A network as any pane opens its record; a member (Today's KIN line): their
        network, with the member chosen and "Check in" ready."""
        if kind != "kin_members":
            super().reveal(kind, record_id, showing)
            return
        members = self.desk.services["kin_members"]

        def found(member: dict[str, Any]) -> None:
            showing(member["kin_id"])  # may clear the pane (another network was chosen)
            self._member_wanted = record_id
            self.show_record(member["kin_id"])
            self._choose_wanted_member()  # the network may be shown with its members already

        self.desk.runner.run(
            lambda: members.get(record_id),
            found,
            lambda error: self.desk.report_error(error, self),
            guard=self,
        )

    def _choose_wanted_member(self) -> None:
        wanted = self._member_wanted
        if wanted is None or self.members.loading:
            return
        row = self.members.row_of(wanted)
        if row is None:
            if not self.members.canFetchMore():
                self._member_wanted = None  # no longer a member here: nothing is chosen
            return
        self._member_wanted = None
        self.members_view.selectRow(row)
        self.checkin_button.setFocus()

    def cleared(self) -> None:
        self.record = {}
        self._member_wanted = None

    def chosen(self, record_id: str) -> None:
        self.members.set_query(ListQuery(filters={"kin": record_id}, sort="next_due"))

    def load(self, record_id: str) -> tuple[dict[str, Any], int, int]:
        services = self.desk.services
        record = services["kins"].get(record_id)
        count = services["kin_members"].count(ListQuery(filters={"kin": record_id}))
        due = services.kins.due(self.today(), within_days=0, kin_id=record_id)
        return record, count, sum(1 for member in due if member.overdue)

    def fill(self, loaded: tuple[dict[str, Any], int, int]) -> None:
        record, count, overdue = loaded
        self.record = record
        self.title.setText(record["name"])
        area = record.get("ward_id_label") or "the whole neighbourhood"
        self.where.setText(f"{area} — {record.get('neighbourhood_id_label', '')}")
        people = counted(count, "member")
        late = f"⚠ {overdue} overdue for a check-in" if overdue else "none overdue for a check-in"
        self.summary.setText(f"{people} · {late}")
        self.summary.setStyleSheet(f"color: {'#b3261e' if overdue else 'palette(text)'};")
        if record.get("ward_id"):
            self.coverage.choose(record["ward_id"])

    def changed(self, changes: Changes) -> None:
        if changes.kind in MEMBER_KINDS:
            self.members.reload()

    def _member_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self.checkin_button.setEnabled(current.isValid())
        self.member_edit_button.setEnabled(current.isValid())

    def selected_member(self) -> dict[str, Any] | None:
        index = self.members_view.currentIndex()
        row = index.data(RECORD_ROLE) if index.isValid() else None
        return row if isinstance(row, dict) else None

    # -- actions ------------------------------------------------------------------------

    def add_member(self) -> RecordEditor | None:
        kin_id = self.record_id
        if kin_id is None:
            return None
        members = self.desk.services["kin_members"]
        self.dialog = RecordEditor(
            self.desk,
            "kin_members",
            f"Add member — {self.record.get('name', 'network')}",
            d.KIN_MEMBER_FIELDS,
            None,
            {"joined_on": self.today()},
            # The form has no network field: the member joins the network on screen.
            save=lambda values: members.create({**values, "kin_id": kin_id}),
            parent=self,
            draft_scope=f"kin-{kin_id}",
        )
        return open_editor(self.dialog)

    def check_in(self) -> RecordEditor | None:
        """Record a check-in; the service moves the member's last and next dates."""
        member = self.selected_member()
        if member is None:
            return None
        member_id = member["id"]
        kins = self.desk.services.kins
        self.dialog = RecordEditor(
            self.desk,
            "kin_checkins",
            f"Check in — {member.get('contact_id_label') or 'member'}",
            d.CHECKIN_FIELDS,
            None,
            {"checked_on": self.today()},
            save=lambda values: kins.check_in(member_id, values),
            parent=self,
            draft_scope=f"member-{member_id}",
        )
        return open_editor(self.dialog)

    def edit_member(self) -> RecordEditor | None:
        member = self.selected_member()
        if member is None:
            return None
        self.dialog = RecordEditor(
            self.desk, "kin_members", "Edit member", d.KIN_MEMBER_FIELDS, member["id"], parent=self
        )
        return open_editor(self.dialog)


def kins_screen(desk: Desk, today: Today = london_today) -> RecordScreen:
    """Key Individual Networks: the networks, each one's members and check-ins, and coverage."""
    detail = KinDetail(desk, today)
    beside = QWidget()  # the network above, the coverage of a ward below it
    layout = QVBoxLayout(beside)
    layout.setContentsMargins(8, 0, 0, 0)
    layout.addWidget(detail, 3)
    layout.addWidget(detail.coverage, 1)
    screen = RecordScreen(desk, d.KINS, detail=beside)
    share_with_detail(screen, 560, 700)
    screen.selected.connect(detail.show_record)
    return screen
