"""Opening a record from elsewhere (Today, search) in its screen's detail pane, with the
pane's action ready: a victim case with "Record contact" focused, a KIN member in their
network with "Check in" focused, a message with "Mark responded" focused."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex
from PySide6.QtWidgets import QWidget

from pcso_desk.gui.screens.detail import DetailPane
from pcso_desk.gui.screens.records import RecordScreen


def pane_for(screen: QWidget, kind: str) -> DetailPane | None:
    """The detail pane on `screen` that opens records of `kind`, if there is one."""
    for pane in screen.findChildren(DetailPane):
        if kind in pane.reveals:
            return pane
    return None


def reveal(screen: QWidget, kind: str, record_id: str) -> bool:
    """Show the record in the screen's detail pane, chosen in its list when the list holds
    it (and nothing chosen when it does not: the pane and the list never disagree).
    False when the screen has no pane for `kind` (the caller opens its editor instead)."""
    pane = pane_for(screen, kind)
    if pane is None:
        return False

    def showing(pane_record: str) -> None:
        if not isinstance(screen, RecordScreen) or screen.select_record(pane_record):
            return
        screen.table.clearSelection()
        screen.table.setCurrentIndex(QModelIndex())
        if not screen.model.loading:
            return

        def arrived(_rows: int) -> None:  # a screen's first visit: its list is on its way
            screen.model.loaded.disconnect(arrived)
            if pane.record_id == pane_record and not screen.table.currentIndex().isValid():
                # Chosen in the list without telling the pane, which shows it already (and
                # would otherwise load it again, losing a member chosen in it).
                screen.blockSignals(True)
                try:
                    screen.select_record(pane_record)
                finally:
                    screen.blockSignals(False)

        screen.model.loaded.connect(arrived)

    pane.reveal(kind, record_id, showing)
    return True
