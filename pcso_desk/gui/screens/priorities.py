"""Neighbourhood priorities: public wording, review dates, "you said, we did" and reviews."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from html import escape
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from pcso_desk.domain.enums import PriorityStatus, ReviewDecision
from pcso_desk.domain.errors import PcsoDeskError
from pcso_desk.domain.permissions import Action
from pcso_desk.domain.schedule import DueState
from pcso_desk.domain.when import NotADate, read_date
from pcso_desk.domain.wording import counted
from pcso_desk.gui.desk import Desk
from pcso_desk.gui.editor import RecordEditor
from pcso_desk.gui.forms import DATE_SHOWN
from pcso_desk.gui.screens import definitions as d
from pcso_desk.gui.screens.detail import DetailPane
from pcso_desk.gui.screens.kins import london_today
from pcso_desk.gui.screens.meetings import name_buttons
from pcso_desk.gui.screens.records import RecordScreen
from pcso_desk.gui.screens.victims import (
    DUE_STYLES,
    DueDelegate,
    heading,
    open_editor,
    share_with_detail,
)
from pcso_desk.gui.table_model import ColumnDef
from pcso_desk.services.values import REVIEW_AHEAD, ListQuery

Today = Callable[[], date]
FINISHED = (PriorityStatus.RESOLVED, PriorityStatus.DROPPED)
REVIEW_COLUMN = 1
GREY = "#5f6b7a"


def review_state(row: dict[str, Any], today: date) -> DueState | None:
    """Where a live priority's review stands; resolved and dropped ones need none."""
    review = row.get("review_on")
    if review is None or row.get("status") in FINISHED:
        return None
    if review < today:
        return DueState.OVERDUE
    return DueState.DUE_SOON if review <= today + REVIEW_AHEAD else DueState.OK


def review_text(value: Any, row: dict[str, Any], today: date) -> str:
    """The list cell: overdue and due-soon reviews say so in words, not only in colour."""
    shown = value.strftime("%d %b %Y") if isinstance(value, date) else ""
    state = review_state(row, today)
    if state is DueState.OVERDUE:
        return f"⚠ Overdue — {shown}"
    if state is DueState.DUE_SOON:
        return f"Due soon — {shown}"
    return shown


def review_words(row: dict[str, Any], today: date) -> str:
    state = review_state(row, today)
    if state is None:
        return f"No further review: the priority is {d.enum_label(row['status'], row).lower()}."
    days = (row["review_on"] - today).days
    if state is DueState.OVERDUE:
        late = -days
        return f"⚠ Review overdue by {counted(late, 'day')} — review it now"
    if days == 0:
        return "Review due today"
    soon = "Review due soon — " if state is DueState.DUE_SOON else "Next review "
    return f"{soon}in {counted(days, 'day')}"


def decision_words(row: dict[str, Any]) -> str:
    decision = row.get("review_decision")
    if decision is None:
        return "No review decision recorded yet."
    verb = "Kept" if decision == ReviewDecision.KEEP else "Dropped"
    on = d.when(row.get("review_decided_on"), row)
    reason = row.get("review_reason") or "no reason given"
    return f"Last review: {verb} on {on} — {reason}"


def _lines(text: str) -> str:
    return escape(text).replace("\n", "<br>")


def timeline_html(
    actions: Sequence[dict[str, Any]], *, changeable: bool = False, removable: bool = False
) -> str:
    """Each action: its date, the public sentence, and the internal note in small grey type;
    with links to change it and to remove it when the signed-in role may."""
    if not actions:
        return f"<p style='color:{GREY}'>No actions recorded yet. Use “Add action…”.</p>"
    rows = []
    for action in actions:
        public = action.get("public_text") or ""
        said = (
            _lines(public)
            if public.strip()
            else f"<i style='color:{GREY}'>(no public sentence: not shown on handouts)</i>"
        )
        notes = [action.get("description") or "", action.get("officer_id_label") or ""]
        internal = " — ".join(_lines(n) for n in notes if n.strip())
        below = (
            f"<br><span style='color:{GREY}; font-size:small'>{internal}</span>" if internal else ""
        )
        links = [
            f"<a href='{verb}:{escape(str(action['id']))}'>{word}</a>"
            for verb, word, shown in (
                ("change", "Change", changeable),
                ("remove", "Remove", removable),
            )
            if shown
        ]
        if links:
            below += f"<br><span style='font-size:small'>{' · '.join(links)}</span>"
        when = d.when(action["action_on"], action)
        rows.append(
            f"<tr><td valign='top' style='padding:4px 12px 8px 0'><b>{when}</b></td>"
            f"<td valign='top' style='padding:4px 0 8px 0'>{said}{below}</td></tr>"
        )
    return f"<table cellspacing='0'>{''.join(rows)}</table>"


@dataclass(frozen=True)
class PriorityView:
    record: dict[str, Any]
    actions: list[dict[str, Any]]


class ReviewBox(QFrame):
    """The review date in large type, its state in words and colour, and the last decision."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("reviewBox")
        self.setAccessibleName("Review")
        self.date = QLabel()
        self.date.setAccessibleName("Review date")
        big = self.date.font()
        big.setPointSizeF(big.pointSizeF() * 1.5)
        big.setBold(True)
        self.date.setFont(big)
        self.state = QLabel()
        self.state.setAccessibleName("Review state")
        self.decision = QLabel()
        self.decision.setAccessibleName("Review decision")
        self.decision.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Review"))
        layout.addWidget(self.date)
        layout.addWidget(self.state)
        layout.addWidget(self.decision)

    def show_review(self, record: dict[str, Any], today: date) -> None:
        self.date.setText(d.when(record.get("review_on"), record) or "—")
        self.state.setText(review_words(record, today))
        self.decision.setText(decision_words(record))
        state = review_state(record, today)
        ink, paper = ("#444444", "#eeeeee") if state is None else DUE_STYLES[state]
        # Set here, not by the window's style, so overdue reads the same on every theme.
        self.setStyleSheet(
            f"#reviewBox {{ background: {paper}; border: 2px solid {ink}; border-radius: 6px; }}"
            f"#reviewBox QLabel {{ color: {ink}; background: transparent; border: none; }}"
        )


class ReviewDialog(QDialog):
    """Keep or drop a priority at review, with the reason and the date of the decision."""

    def __init__(
        self, desk: Desk, priority_id: str, title: str, today: date, parent: QWidget | None
    ) -> None:
        super().__init__(parent)
        self.desk = desk
        self.priority_id = priority_id
        self._today = today
        self.setWindowTitle(f"Record review — {title}")
        self.setAccessibleName("Record review")
        self.keep = QRadioButton("&Keep — review again in three months")
        self.drop = QRadioButton("D&rop — the priority ends here")
        self.keep.setChecked(True)
        self.choice = QButtonGroup(self)
        for button, name in ((self.keep, "Keep"), (self.drop, "Drop")):
            button.setAccessibleName(name)
            self.choice.addButton(button)
        self.reason = QPlainTextEdit()
        self.reason.setAccessibleName("Reason")
        self.reason.setTabChangesFocus(True)
        self.reason.setFixedHeight(80)
        self.on = QLineEdit(today.strftime(DATE_SHOWN))
        self.on.setAccessibleName("Date of the decision")
        self.on.setPlaceholderText("e.g. 02/12/2026, today, yesterday")
        self.message = QLabel()
        self.message.setObjectName("formMessage")
        self.message.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        name_buttons(self.buttons)
        self.dial = dial_box(desk, priority_id, today, self)
        self._lay_out()

    def _lay_out(self) -> None:
        form = QFormLayout()
        form.addRow("Decision:", self.keep)
        form.addRow("", self.drop)
        for caption, widget in (("Rea&son *", self.reason), ("&Date *", self.on)):
            label = QLabel(caption)
            label.setBuddy(widget)
            form.addRow(label, widget)
        layout = QVBoxLayout(self)
        layout.addWidget(self.dial)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.resize(560, 480)

    def decision(self) -> ReviewDecision:
        return ReviewDecision.KEEP if self.keep.isChecked() else ReviewDecision.DROP

    def save(self) -> None:
        reason = self.reason.toPlainText().strip()
        if not reason:
            self.message.setText("Say why the priority is being kept or dropped.")
            self.reason.setFocus()
            return
        try:
            on = read_date(self.on.text(), self._today)
        except NotADate as refused:
            self.message.setText(f"Date: {refused.message}")
            self.on.setFocus()
            return
        decision, priority_id = self.decision(), self.priority_id
        priorities = self.desk.services.priorities
        self.buttons.setEnabled(False)
        self.desk.write(
            lambda: priorities.review(priority_id, decision, reason, on),
            lambda _changes: self.accept(),
            self._failed,
        )

    def _failed(self, error: BaseException) -> None:
        self.buttons.setEnabled(True)
        if isinstance(error, PcsoDeskError):
            self.message.setText(error.message)
        else:
            self.desk.report_error(error, self)


def dial_box(desk: Desk, priority_id: str, today: date, parent: QWidget) -> QLabel:
    """ "Did it move the dial?": the priority's figures before it was agreed and since,
    side by side (services.raised.before_after), filled in when they have been counted."""
    box = QLabel("Counting the figures before and since it was agreed…")
    box.setAccessibleName("Did it move the dial")
    box.setWordWrap(True)
    box.setTextFormat(Qt.TextFormat.RichText)
    raised = desk.services.raised

    def shown(seen: Any) -> None:
        box.setText(dial_html(seen))

    desk.runner.run(lambda: raised.before_after(priority_id, today), shown, guard=parent)
    return box


def dial_html(seen: Any) -> str:
    """A BeforeAfter (domain/raised.py) as a small table: measure, before, since, note."""
    before, after = seen.before_span, seen.after_span
    rows = [
        f"<tr><th align='left'>{escape(seen.category)}, {escape(seen.area)}</th>"
        f"<th>Before<br><small>{escape(before)}</small></th>"
        f"<th>Since agreed<br><small>{escape(after)}</small></th></tr>"
    ]
    for figure in seen.figures:
        note = figure.note
        if figure.measure.startswith("Crimes") and seen.crime_months[0]:
            note = f"{seen.crime_months[0]} v {seen.crime_months[1]}: {note}"
        small = f"<br><small style='color:{GREY}'>{escape(note)}</small>" if note else ""
        rows.append(
            f"<tr><td>{escape(figure.measure)}{small}</td>"
            f"<td align='center'>{figure.shown(figure.before)}</td>"
            f"<td align='center'>{figure.shown(figure.after)}</td></tr>"
        )
    table = "<table cellspacing='0' cellpadding='3'>" + "".join(rows) + "</table>"
    return f"<b>Did it move the dial?</b>{table}"


class PriorityDetail(DetailPane):
    """The selected priority: wording, review, the actions taken and the review decision."""

    kind = "priorities"
    related = frozenset({"priority_actions"})
    reveals = frozenset({"priorities"})

    def __init__(self, desk: Desk, today: Today = london_today) -> None:
        super().__init__(
            desk,
            "Priority detail",
            "Choose a priority to see what has been done and when it is reviewed.",
        )
        self.today = today
        self.view: PriorityView | None = None
        self.dialog: QDialog | None = None
        self.addWidget(self._build_page())

    def _build_page(self) -> QWidget:
        self.title = heading("", "priorityTitle")
        self.title.setAccessibleName("Priority")
        self.title.setWordWrap(True)
        big = self.title.font()
        big.setPointSizeF(big.pointSizeF() * 1.3)
        self.title.setFont(big)
        self.review_box = ReviewBox()
        captions = {
            "status": "Status",
            "wording": "Public wording",
            "area": "Area",
            "agreed": "Agreed",
            "owner": "Owner",
            "evidence": "Raised by",  # proposed from "what people raised": how many, where
        }
        self.facts = {key: QLabel() for key in captions}
        self.form = QFormLayout()
        for key, caption in captions.items():
            self.facts[key].setAccessibleName(caption)
            self.facts[key].setWordWrap(True)
            self.facts[key].setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.form.addRow(f"{caption}:", self.facts[key])
        self.timeline = QTextBrowser()
        self.timeline.setAccessibleName("You said, we did: actions, newest first")
        self.timeline.setOpenLinks(False)
        self.timeline.anchorClicked.connect(lambda url: self.on_link(url.toString()))
        self.action_button = QPushButton("Add &action…")
        self.review_button = QPushButton("Record re&view…")
        self.action_button.clicked.connect(self.add_action)
        self.review_button.clicked.connect(self.record_review)
        return self._lay_out()

    def _lay_out(self) -> QWidget:
        buttons = QHBoxLayout()
        for button in (self.action_button, self.review_button):
            button.setAccessibleName(button.text().replace("&", "").rstrip("…"))
            buttons.addWidget(button)
        buttons.addStretch(1)
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(8, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addLayout(self.form)
        layout.addWidget(self.review_box)
        layout.addLayout(buttons)
        layout.addWidget(heading("You said, we did (newest first)"))
        layout.addWidget(self.timeline, 1)
        return page

    # -- showing a priority -------------------------------------------------------------

    def ready(self) -> None:
        if self.review_button.isEnabled():  # Today lists priorities near their review
            self.review_button.setFocus()

    def cleared(self) -> None:
        self.view = None

    def load(self, record_id: str) -> PriorityView:
        services = self.desk.services
        actions = ListQuery(filters={"priority": record_id}, sort="date", descending=True)
        record = services["priorities"].get(record_id)
        rows = services["priority_actions"].page(replace(actions, limit=1000)).rows
        return PriorityView(record, rows)

    def fill(self, view: PriorityView) -> None:
        record = view.record
        self.view = view
        self.title.setText(record["title"])
        category = d.enum_label(record.get("category"), record)
        self.facts["status"].setText(f"{d.enum_label(record['status'], record)} · {category}")
        self.facts["wording"].setText(record.get("public_wording") or "—")
        self.facts["area"].setText(_area(record))
        self.facts["agreed"].setText(_agreed(record))
        self.facts["owner"].setText(record.get("owner_id_label") or "—")
        self.facts["evidence"].setText(record.get("evidence") or "—")
        self.review_box.show_review(record, self.today())
        may = self.desk.services.may
        self.timeline.setHtml(
            timeline_html(
                view.actions,
                changeable=may(Action.CHANGE, "priority_actions"),
                removable=may(Action.DELETE, "priority_actions"),
            )
        )
        self.review_button.setEnabled(record["status"] not in FINISHED)

    # -- actions ------------------------------------------------------------------------

    def add_action(self) -> RecordEditor | None:
        """What was done, with its public sentence; a first action starts the priority."""
        priority_id, view = self.record_id, self.view
        if priority_id is None or view is None:
            return None
        priorities = self.desk.services.priorities
        self.dialog = RecordEditor(
            self.desk,
            "priority_actions",
            f"Add action — {view.record['title']}",
            d.ACTION_FIELDS,
            None,
            {"action_on": self.today()},  # by the signed-in officer (the editor's default)
            save=lambda values: priorities.add_action(priority_id, values),
            parent=self,
            draft_scope=f"priority-{priority_id}",
        )
        return open_editor(self.dialog)

    def on_link(self, link: str) -> None:
        """A timeline link: "change:<action id>" or "remove:<action id>"."""
        verb, _, action_id = link.partition(":")
        view = self.view
        if view is None or action_id not in {str(a["id"]) for a in view.actions}:
            return
        if verb == "change":
            self.change_action(action_id)
        elif verb == "remove":
            self.remove_action(action_id)

    def change_action(self, action_id: str) -> RecordEditor | None:
        """Correct an action's date, words or public sentence (audited as any change)."""
        view = self.view
        if view is None:
            return None
        self.dialog = RecordEditor(
            self.desk,
            "priority_actions",
            f"Change action — {view.record['title']}",
            d.ACTION_FIELDS,
            action_id,
            parent=self,
        )
        return open_editor(self.dialog)

    def remove_action(self, action_id: str) -> None:
        """Take an action off the priority after asking (audited; it stays in the history)."""
        view = self.view
        if view is None:
            return
        action = next(a for a in view.actions if str(a["id"]) == action_id)
        said = action.get("public_text") or action.get("description") or "this action"
        question = (
            f"Remove the action of {d.when(action['action_on'], action)}: “{said}”?\n\n"
            "It goes from the priority, its handouts and packs."
        )
        if not self.desk.ask(self, "Remove an action", question):
            return
        actions = self.desk.services["priority_actions"]
        self.desk.write(lambda: actions.delete(action_id))

    def record_review(self) -> ReviewDialog | None:
        priority_id, view = self.record_id, self.view
        if priority_id is None or view is None:
            return None
        dialog = ReviewDialog(self.desk, priority_id, view.record["title"], self.today(), self)
        self.dialog = dialog
        dialog.setModal(True)
        dialog.show()
        return dialog


def _area(record: dict[str, Any]) -> str:
    hood = record.get("neighbourhood_id_label") or ""
    ward = record.get("ward_id_label")
    return f"{ward} ({hood})" if ward else f"{hood} (whole neighbourhood)"


def _agreed(record: dict[str, Any]) -> str:
    agreed = d.when(record.get("agreed_on"), record)
    source = record.get("meeting_id_label") or record.get("source")
    return f"{agreed} at {source}" if source else agreed


def priorities_screen(desk: Desk, today: Today = london_today) -> RecordScreen:
    """Priorities: the list with reviews due marked, and the chosen priority's timeline."""
    # The review is what a sergeant scans for: it comes straight after the title.
    review = ColumnDef("review_on", "Review", lambda v, row: review_text(v, row, today()), "review")
    by_key = {c.key: c for c in d.PRIORITIES.columns}
    order = ("title", "status", "category", "neighbourhood_id", "agreed_on")
    columns = [by_key[key] for key in order]
    columns.insert(REVIEW_COLUMN, review)
    # An action can move a priority from open to in progress: the list shows the new status.
    definition = replace(d.PRIORITIES, columns=columns, listens=frozenset({"priority_actions"}))
    detail = PriorityDetail(desk, today)
    screen = RecordScreen(desk, definition, detail=detail)
    screen.table.setItemDelegateForColumn(
        REVIEW_COLUMN, DueDelegate(lambda row: review_state(row, today()), screen.table)
    )
    screen.table.setColumnWidth(0, 200)
    screen.table.setColumnWidth(REVIEW_COLUMN, 215)
    screen.table.setColumnWidth(REVIEW_COLUMN + 1, 100)
    share_with_detail(screen, 640, 620)
    screen.selected.connect(detail.show_record)
    return screen
