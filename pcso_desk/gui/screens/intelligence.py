"""The intelligence ledger: that each report was submitted (never what it said), and the
sources still waiting to be told what happened."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtWidgets import QCheckBox

from pcso_desk.domain.schedule import DueState
from pcso_desk.gui.desk import Desk
from pcso_desk.gui.editor import RecordEditor
from pcso_desk.gui.screens import definitions as d
from pcso_desk.gui.screens.records import RecordScreen
from pcso_desk.gui.screens.victims import DueDelegate

TELL_COLUMN = 5  # "Tell the source by" in d.INTELLIGENCE


def waiting_state(row: dict[str, Any], today: date) -> DueState | None:
    """Red once the date to tell the source has passed, amber within the week; nothing once
    the source was told (or for the officer's own observation)."""
    due = row.get("tell_source_by")
    if row.get("source_told_on") is not None or not isinstance(due, date):
        return None
    if due < today:
        return DueState.OVERDUE
    return DueState.DUE_SOON if (due - today).days <= 7 else None


class IntelligenceScreen(RecordScreen):
    """The ledger, with a tick box that shows only the sources still to be told."""

    waiting_only: QCheckBox

    def open_record(
        self, record_id: str | None, initial: dict[str, Any] | None = None
    ) -> RecordEditor:
        """A new report starts as submitted today (by the signed-in officer, where they work:
        the editor's own defaults)."""
        if record_id is None and initial is None:
            initial = {"submitted_on": date.today()}
        return super().open_record(record_id, initial)


def intelligence_screen(desk: Desk) -> IntelligenceScreen:
    screen = IntelligenceScreen(desk, d.INTELLIGENCE)
    screen.table.setItemDelegateForColumn(
        TELL_COLUMN, DueDelegate(lambda row: waiting_state(row, date.today()), screen.table)
    )
    waiting = QCheckBox("Only sources &still to tell")
    waiting.setAccessibleName("Show only reports whose source has not been told what happened")
    waiting.toggled.connect(lambda on: screen.set_extra_filters({"waiting": True} if on else {}))
    screen.filter_row.insertWidget(1, waiting)
    screen.waiting_only = waiting
    return screen
