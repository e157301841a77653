"""Loading the record a detail pane shows: on the worker, never a stale answer, gone if deleted."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QStackedWidget, QWidget

from pcso_desk.domain.errors import NotFoundError
from pcso_desk.gui.desk import Desk
from pcso_desk.services.values import Changes

T = TypeVar("T")


def load_for(
    pane: QWidget,
    desk: Desk,
    shown: Callable[[], Any],
    record_id: str,
    work: Callable[[], T],
    fill: Callable[[T], None],
    clear: Callable[[], None],
) -> None:
    """Run `work` for `record_id`; `fill` only if the pane still shows that record (the user
    may have moved on meanwhile); `clear` if it was deleted here or by a sync."""

    def done(result: T) -> None:
        if shown() == record_id:
            fill(result)

    def failed(error: BaseException) -> None:
        if isinstance(error, NotFoundError):
            if shown() == record_id:
                clear()
        else:
            desk.report_error(error, pane)

    desk.runner.run(work, done, failed, guard=pane)


class DetailPane(QStackedWidget):
    """A record's detail beside its list: a hint until one is chosen, then its page, loaded
    on the worker (`load_for`: never a stale answer), reloaded when the record or one of the
    `related` kinds changes, back to the hint if the record is deleted here or by a sync.

    A pane names its `kind`, adds its page after this __init__, and says how a record is
    loaded (`load`, on the worker) and shown (`fill`). `chosen`, `cleared` and `changed` are
    for what else it keeps in step (a timeline's query, a list of links).
    """

    kind = ""
    related: frozenset[str] = frozenset()
    # The kinds another screen (Today, search) may open in this pane (`reveal`).
    reveals: frozenset[str] = frozenset()

    def __init__(self, desk: Desk, name: str, hint: str) -> None:
        super().__init__()
        self.desk = desk
        self.record_id: str | None = None
        self._ready_pending = False  # opened from elsewhere: its action to be made ready
        self.setAccessibleName(name)
        self.empty = QLabel(hint)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.addWidget(self.empty)
        desk.hub.changed.connect(self._on_changes)

    def show_record(self, record_id: str | None) -> None:
        self.record_id = record_id
        if record_id is None:
            self.cleared()
            self.setCurrentIndex(0)
            return
        self.chosen(record_id)
        self.reload()

    def reload(self) -> None:
        record_id = self.record_id
        if record_id is None:
            return
        load_for(
            self,
            self.desk,
            lambda: self.record_id,
            record_id,
            lambda: self.load(record_id),
            self._filled,
            lambda: self.show_record(None),
        )

    def _filled(self, loaded: Any) -> None:
        self.fill(loaded)
        self.setCurrentIndex(1)
        if self._ready_pending:
            self._ready_pending = False
            self.ready()

    def reveal(self, kind: str, record_id: str, showing: Callable[[str], None]) -> None:
        """Open a record from elsewhere (Today, search) with its action ready: `showing` is
        told which of this pane's records will be shown (its list selects it), then the
        record is loaded and `ready` called once it is filled."""
        showing(record_id)
        self._ready_pending = True
        self.show_record(record_id)

    def concerns(self, changes: Changes) -> bool:
        """Whether a change touches the record shown: itself, or a related kind."""
        return changes.kind in self.related or (
            changes.kind == self.kind and (changes.whole or self.record_id in changes.ids)
        )

    def _on_changes(self, changes: Changes) -> None:
        if self.record_id is None:
            return
        if self.concerns(changes):
            self.reload()
        self.changed(changes)

    # -- what a pane says about itself -------------------------------------------------------

    def load(self, record_id: str) -> Any:
        """On the worker: what `fill` shows of the record."""
        raise NotImplementedError

    def fill(self, loaded: Any) -> None:
        raise NotImplementedError

    def chosen(self, record_id: str) -> None:
        """A record was chosen (before it is loaded)."""

    def ready(self) -> None:
        """The record opened by `reveal` is shown: make its action ready (focus it)."""

    def cleared(self) -> None:
        """No record is shown any more."""

    def changed(self, changes: Changes) -> None:
        """Any change announced while a record is shown (after a reload it caused)."""
