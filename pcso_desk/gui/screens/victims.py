"""Victim care: open cases with their next contact due (derived by the service), visits, closing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from pcso_desk.domain.enums import CaseStatus, ServiceLevel
from pcso_desk.domain.schedule import LONDON, DueState, due_state
from pcso_desk.domain.wording import counted
from pcso_desk.gui.desk import Desk
from pcso_desk.gui.editor import RecordEditor
from pcso_desk.gui.forms import FieldDef
from pcso_desk.gui.list_memory import ColumnMemory
from pcso_desk.gui.screens import definitions as d
from pcso_desk.gui.screens.detail import DetailPane
from pcso_desk.gui.screens.records import RecordScreen
from pcso_desk.gui.table_model import RECORD_ROLE, ColumnDef, RecordTableModel
from pcso_desk.services.values import Changes, ListQuery

Clock = Callable[[], datetime]
OVERDUE_COLOUR = "#b3261e"
SOON_COLOUR = "#8a5a00"
DUE_STYLES = {
    DueState.OVERDUE: (OVERDUE_COLOUR, "#fdecea"),
    DueState.DUE_SOON: (SOON_COLOUR, "#fff4d6"),
    DueState.OK: ("#1e5631", "#e8f3ea"),
}
SATISFACTION = [
    (str(n), f"{n} — {t}")
    for n, t in (
        (1, "very dissatisfied"),
        (2, "dissatisfied"),
        (3, "neither"),
        (4, "satisfied"),
        (5, "very satisfied"),
    )
]
CLOSE_FIELDS = [
    FieldDef("closing_reason", "Why the case is closing", "multiline", required=True),
    FieldDef("satisfaction", "Victim's satisfaction at close", "choice", SATISFACTION),
]


def now_utc() -> datetime:
    return datetime.now(UTC)


def case_state(row: dict[str, Any], now: datetime) -> DueState | None:
    """The service's derived due date classified by the domain rule; None once closed."""
    due = row.get("next_contact_due")
    return None if due is None else due_state(due, now)


def due_text(value: Any, row: dict[str, Any], now: datetime | None = None) -> str:
    """The list cell: an overdue date says so in words, not only in colour."""
    if value is None:
        return "Closed" if row.get("status") == CaseStatus.CLOSED else ""
    shown = d.when(value, row)
    state = due_state(value, now or now_utc())
    if state is DueState.OVERDUE:
        return f"⚠ Overdue — {shown}"
    if state is DueState.DUE_SOON:
        return f"Due soon — {shown}"
    return shown


class DueDelegate(QStyledItemDelegate):
    """Paints a due-date cell red and bold when overdue, amber when due soon."""

    def __init__(
        self, state_of: Callable[[dict[str, Any]], DueState | None], parent: QObject | None
    ) -> None:
        super().__init__(parent)
        self._state_of = state_of

    def initStyleOption(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        super().initStyleOption(option, index)
        row = index.data(RECORD_ROLE)
        state = self._state_of(row) if isinstance(row, dict) else None
        if state in (DueState.OVERDUE, DueState.DUE_SOON):
            colour = OVERDUE_COLOUR if state is DueState.OVERDUE else SOON_COLOUR
            # PySide hands out copies of the option's palette and font: set them back whole.
            palette = QPalette(option.palette)
            palette.setColor(QPalette.ColorRole.Text, QColor(colour))
            option.palette = palette
            font = QFont(option.font)
            font.setBold(True)
            option.font = font


def open_editor(dialog: RecordEditor) -> RecordEditor:
    dialog.setModal(True)
    dialog.show()
    return dialog


def small_table(model: RecordTableModel, name: str) -> QTableView:
    """A read-only, row-selecting table for a detail pane."""
    table = QTableView()
    table.setModel(model)
    table.setAccessibleName(name)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.verticalHeader().hide()
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setStretchLastSection(True)
    header.setDefaultSectionSize(110)
    return table


def heading(text: str, object_name: str = "sectionTitle") -> QLabel:
    label = QLabel(text)
    label.setObjectName(object_name)
    font = label.font()
    font.setBold(True)
    label.setFont(font)
    return label


def _made(value: Any, _row: dict[str, Any]) -> str:
    return "Made" if value else "Not made"


def _short_when(value: Any, _row: dict[str, Any]) -> str:
    return value.astimezone(LONDON).strftime("%d %b %Y %H:%M") if value else ""


TIMELINE_COLUMNS = [
    ColumnDef("contacted_at", "When", _short_when),
    ColumnDef("visit_type", "Type", d.enum_label),
    ColumnDef("method", "How", d.enum_label),
    ColumnDef("successful", "Contact", _made),
    ColumnDef("officer_id", "Officer", d.label("officer_id")),
    ColumnDef("notes", "Notes"),
]


class DueBox(QFrame):
    """The next contact due in large type, with its state in words and colour."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("dueBox")
        self.setAccessibleName("Next contact due")
        self.caption = QLabel("Next contact due")
        self.date = QLabel()
        self.date.setAccessibleName("Next contact due date")
        big = self.date.font()
        big.setPointSizeF(big.pointSizeF() * 1.8)
        big.setBold(True)
        self.date.setFont(big)
        self.state = QLabel()
        self.state.setAccessibleName("Contact state")
        layout = QVBoxLayout(self)
        layout.addWidget(self.caption)
        layout.addWidget(self.date)
        layout.addWidget(self.state)

    def show_due(self, record: dict[str, Any], now: datetime) -> None:
        due = record.get("next_contact_due")
        state = case_state(record, now)
        if due is None or state is None:
            self.date.setText("No further contact due")
            closed = d.when(record.get("closed_at"), record)
            self.state.setText(f"Case closed {closed}".strip())
            self._paint("#444444", "#eeeeee")
            return
        self.date.setText(d.when(due, record))
        self.state.setText(_state_words(state, due, now))
        self._paint(*DUE_STYLES[state])

    def _paint(self, ink: str, paper: str) -> None:
        # Colours set here, not by the window's style, so overdue reads the same on every theme.
        self.setStyleSheet(
            f"#dueBox {{ background: {paper}; border: 2px solid {ink}; border-radius: 6px; }}"
            f"#dueBox QLabel {{ color: {ink}; background: transparent; border: none; }}"
        )


def _state_words(state: DueState, due: datetime, now: datetime) -> str:
    if state is DueState.OVERDUE:
        days = (now - due).days
        late = f"by {counted(days, 'day')}" if days >= 1 else "since today"
        return f"⚠ Overdue {late} — contact the victim now"
    if state is DueState.DUE_SOON:
        return "Due soon — within the next week"
    return "On track"


class CaseDetail(DetailPane):
    """The selected case: who, what, the next contact due, its visits, and what to do next."""

    kind = "victim_cases"
    related = frozenset({"victim_contacts"})
    reveals = frozenset({"victim_cases"})

    def __init__(self, desk: Desk, clock: Clock = now_utc) -> None:
        super().__init__(
            desk, "Victim care case", "Choose a case to see its next contact due and its visits."
        )
        self.clock = clock
        self.record: dict[str, Any] = {}
        self.dialog: RecordEditor | None = None
        self.addWidget(self._build_page())

    def _build_page(self) -> QWidget:
        self.victim = heading("", "caseTitle")
        self.victim.setAccessibleName("Victim")
        big = self.victim.font()
        big.setPointSizeF(big.pointSizeF() * 1.3)
        self.victim.setFont(big)
        self.due_box = DueBox()
        form = self._facts_form()
        self.record_button = QPushButton("&Record contact…")
        self.close_button = QPushButton("C&lose case…")
        self.record_button.clicked.connect(self.record_contact)
        self.close_button.clicked.connect(self.close_case)
        self._build_timeline()
        return self._lay_out(QWidget(), form)

    def _facts_form(self) -> QFormLayout:
        captions = {
            "reference": "Crime reference",
            "offence": "Offence",
            "level": "Service level",
            "frequency": "Agreed contact",
            "safe": "Safe contact",
        }
        self.facts = {key: QLabel() for key in captions}
        form = QFormLayout()
        for key, caption in captions.items():
            label = self.facts[key]
            label.setAccessibleName(caption)
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            form.addRow(f"{caption}:", label)
        return form

    def _build_timeline(self) -> None:
        self.timeline = RecordTableModel(
            self.desk.runner,
            self.desk.services["victim_contacts"].page,
            TIMELINE_COLUMNS,
            parent=self,
        )
        self.timeline_view = small_table(self.timeline, "Visits and contacts, newest first")
        for column, width in enumerate((120, 130, 55, 75, 125)):
            self.timeline_view.setColumnWidth(column, width)
        ColumnMemory(self.desk, self.timeline_view, "victim_contacts", fit=False)
        self.visit_notes = QLabel()
        self.visit_notes.setAccessibleName("Notes of the chosen visit")
        self.visit_notes.setWordWrap(True)
        self.visit_notes.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.timeline_view.selectionModel().currentRowChanged.connect(self._show_visit_notes)
        self.timeline.loaded.connect(lambda _rows: self._show_visit_notes())
        self.timeline.failed.connect(self.desk.report_error)

    def _lay_out(self, page: QWidget, form: QFormLayout) -> QWidget:
        buttons = QHBoxLayout()
        for button in (self.record_button, self.close_button):
            button.setAccessibleName(button.text().replace("&", ""))
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(8, 0, 0, 0)
        layout.addWidget(self.victim)
        layout.addWidget(self.due_box)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(heading("Visits and contacts (newest first)"))
        layout.addWidget(self.timeline_view, 1)
        layout.addWidget(self.visit_notes)
        return page

    def _show_visit_notes(self, *_indexes: Any) -> None:
        """Notes are often longer than their column: show the chosen visit's in full."""
        if self.timeline.rowCount() == 0:
            self.visit_notes.setText("No visits or contacts recorded yet.")
            return
        index = self.timeline_view.currentIndex()
        row = index.data(RECORD_ROLE) if index.isValid() else None
        if not isinstance(row, dict):
            self.visit_notes.setText("Choose a visit to read its notes in full.")
            return
        self.visit_notes.setText(f"Notes: {row.get('notes') or '(none)'}")

    # -- showing a case -----------------------------------------------------------------

    def cleared(self) -> None:
        self.record = {}

    def chosen(self, record_id: str) -> None:
        query = ListQuery(filters={"case": record_id}, sort="when", descending=True)
        self.timeline.set_query(query)

    def load(self, record_id: str) -> dict[str, Any]:
        return self.desk.services["victim_cases"].get(record_id)

    def fill(self, record: dict[str, Any]) -> None:
        self.record = record
        self.victim.setText(record.get("victim_id_label") or "Unknown victim")
        self.due_box.show_due(record, self.clock())
        self.facts["reference"].setText(record["crime_reference"])
        offence_on = d.when(record.get("offence_date"), record)
        offence = record["offence_type"] + (f" (on {offence_on})" if offence_on else "")
        self.facts["offence"].setText(offence)
        self.facts["level"].setText(_service_level(record))
        self.facts["frequency"].setText(_frequency(record))
        self.facts["safe"].setText(record.get("safe_contact_notes") or "—")
        is_open = record["status"] == CaseStatus.OPEN
        self.record_button.setEnabled(is_open)
        self.close_button.setEnabled(is_open)

    def changed(self, changes: Changes) -> None:
        if self.concerns(changes):
            self.timeline.reload()

    def ready(self) -> None:
        if self.record_button.isEnabled():  # a closed case has no contact to record
            self.record_button.setFocus()

    # -- actions ------------------------------------------------------------------------

    def record_contact(self) -> RecordEditor | None:
        """Log a visit, call or letter; the service moves the due date if contact was made."""
        case_id = self.record_id
        if case_id is None or not self.record:
            return None
        victims = self.desk.services.victims
        # Filed under the signed-in officer who made the contact (the editor's default),
        # not the case owner.
        initial = {"contacted_at": self.clock()}
        self.dialog = RecordEditor(
            self.desk,
            "victim_contacts",
            f"Record contact — {self.record['crime_reference']}",
            d.VISIT_FIELDS,
            None,
            initial,
            save=lambda values: victims.record_contact(case_id, values),
            parent=self,
            draft_scope=f"case-{case_id}",
        )
        return open_editor(self.dialog)

    def close_case(self) -> RecordEditor | None:
        case_id = self.record_id
        if case_id is None or not self.record:
            return None
        victims = self.desk.services.victims

        def close(values: dict[str, Any]) -> Changes:
            score = values.get("satisfaction")
            return victims.close(case_id, values["closing_reason"], int(score) if score else None)

        self.dialog = RecordEditor(
            self.desk,
            "victim_cases",
            f"Close case — {self.record['crime_reference']}",
            CLOSE_FIELDS,
            save=close,
            parent=self,
            draft_scope="close",
        )
        return open_editor(self.dialog)


def _service_level(record: dict[str, Any]) -> str:
    level = d.enum_label(record.get("service_level"), record)
    reasons = record.get("enhanced_reasons") or []
    if record.get("service_level") == ServiceLevel.ENHANCED and reasons:
        words = ", ".join(str(r).replace("_", " ") for r in reasons)
        return f"{level} ({words})"
    return level


def _frequency(record: dict[str, Any]) -> str:
    text = str(record.get("contact_frequency") or "monthly").capitalize()
    method = record.get("contact_method")
    if method:
        text += f", by {d.enum_label(method, record).lower()}"
    if record.get("victim_asked_less_often"):
        text += " (victim asked for less than monthly)"
    return text


def share_with_detail(screen: RecordScreen, list_width: int, detail_width: int) -> None:
    """Give the detail pane room, and the splitter (not the title) the spare height.

    RecordScreen's splitter keeps QSplitter's Preferred vertical policy, so without this the
    screen title takes half of any extra height.
    """
    splitter = screen.findChild(QSplitter)
    if splitter is None:
        return
    splitter.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
    splitter.setSizes([list_width, detail_width])
    if screen.split is not None:  # the pane's share once a record is chosen (narrow till then)
        screen.split.detail_share = detail_width / (list_width + detail_width)
        screen.split.fit()


def victims_screen(desk: Desk, clock: Clock = now_utc) -> RecordScreen:
    """Victim care: open cases soonest-due first, overdue ones marked, with the case detail."""
    due_column = ColumnDef(
        "next_contact_due", "Next contact due", lambda v, row: due_text(v, row, clock()), "due"
    )
    definition = replace(d.VICTIM_CASES, columns=[due_column, *d.VICTIM_CASES.columns[1:]])
    detail = CaseDetail(desk, clock)
    screen = RecordScreen(desk, definition, detail=detail)
    screen.table.setItemDelegateForColumn(
        0, DueDelegate(lambda row: case_state(row, clock()), screen.table)
    )
    screen.table.setColumnWidth(0, 260)
    screen.table.setColumnWidth(1, 100)
    screen.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)  # overdue first
    share_with_detail(screen, 620, 640)
    screen.selected.connect(detail.show_record)
    return screen
