"""Loading the record a detail pane shows: on the worker, never a stale answer, gone if deleted."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtWidgets import QWidget

from pcso_desk.domain.errors import NotFoundError
from pcso_desk.gui.desk import Desk

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
