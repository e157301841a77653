"""One background worker for all store work, so the window never waits (after Anki's taskman).

Every service call from a screen goes through `TaskRunner.run`: the call runs on a single
worker thread (one writer, in order), and its result or error comes back on the GUI thread.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

import shiboken6
from PySide6.QtCore import QObject, Signal, Slot

log = logging.getLogger(__name__)
T = TypeVar("T")


class Cancelled(Exception):
    """Raised inside a long task when the user pressed Cancel."""


class CancelToken:
    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def check(self) -> None:
        if self._event.is_set():
            raise Cancelled()


class TaskRunner(QObject):
    """Runs callables on one worker thread and delivers results on the GUI thread."""

    _deliver = Signal(object)
    busy_changed = Signal(bool)

    def __init__(self, on_error: Callable[[BaseException], None]) -> None:
        super().__init__()
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="store")
        self._on_error = on_error
        self._pending = 0
        self._deliver.connect(self._run_closure)

    @Slot(object)
    def _run_closure(self, closure: Callable[[], None]) -> None:
        closure()

    def run(
        self,
        work: Callable[[], T],
        done: Callable[[T], None] | None = None,
        failed: Callable[[BaseException], None] | None = None,
        guard: QObject | None = None,
        cancelled: Callable[[], None] | None = None,
    ) -> Future[T]:
        """Queue `work`; `done(result)` or `failed(error)` later runs on the GUI thread.

        With a `guard`, the result is dropped if that object was destroyed meanwhile (a screen
        closed while its page was loading).
        """
        self._set_pending(+1)
        future = self._executor.submit(work)

        def finish(fut: Future[T]) -> None:
            def on_gui_thread() -> None:
                self._set_pending(-1)
                if guard is not None and not shiboken6.isValid(guard):
                    return
                error = fut.exception()
                if error is None:
                    if done is not None:
                        done(fut.result())
                elif isinstance(error, Cancelled):
                    if cancelled is not None:
                        cancelled()
                elif failed is not None:
                    failed(error)
                else:
                    self._on_error(error)

            self._deliver.emit(on_gui_thread)

        future.add_done_callback(finish)
        return future

    def _set_pending(self, step: int) -> None:
        before = self._pending
        self._pending += step
        if (before == 0) != (self._pending == 0):
            self.busy_changed.emit(self._pending > 0)

    @property
    def idle(self) -> bool:
        return self._pending == 0

    def shutdown(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)
