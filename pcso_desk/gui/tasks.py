"""One background worker for all store work, so the window never waits (after Anki's taskman).

Every service call from a screen goes through `TaskRunner.run`: the call runs on a single
worker thread (one writer, in order), and its result or error comes back on the GUI thread.
"""

from __future__ import annotations

import functools
import itertools
import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

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


@dataclass
class _Job:
    work: Callable[[], Any]
    done: Callable[[Any], None] | None
    failed: Callable[[BaseException], None] | None
    guard: QObject | None
    cancelled: Callable[[], None] | None


class TaskRunner(QObject):
    """Runs callables on one worker thread and delivers results on the GUI thread.

    The callables usually hold widgets. Only the GUI thread ever owns them (in `_jobs`): the
    worker sees a job number, so the last reference to a widget is never dropped on the
    worker thread, where destroying a Qt object crashes the process.
    """

    _deliver = Signal(object)
    busy_changed = Signal(bool)

    def __init__(self, on_error: Callable[[BaseException], None]) -> None:
        super().__init__()
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="store")
        self._on_error = on_error
        self._pending = 0
        self._jobs: dict[int, _Job] = {}
        self._closed = False
        self._numbers = itertools.count()
        self._deliver.connect(self._delivered)

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
        if self._closed:  # the window is closing: late timers and clicks start nothing
            dropped: Future[T] = Future()
            dropped.cancel()
            return dropped
        number = next(self._numbers)
        self._jobs[number] = _Job(work, done, failed, guard, cancelled)
        self._set_pending(+1)
        future: Future[T] = self._executor.submit(self._call, number)
        future.add_done_callback(functools.partial(self._finished, number))
        return future

    def _call(self, number: int) -> Any:
        """On the worker: run the job's work, holding it no longer than the call."""
        work = self._jobs[number].work
        try:
            return work()
        finally:
            del work

    def _finished(self, number: int, future: Future[Any]) -> None:
        self._deliver.emit((number, future))

    @Slot(object)
    def _delivered(self, item: tuple[int, Future[Any]]) -> None:
        number, future = item
        job = self._jobs.pop(number)
        self._set_pending(-1)
        if job.guard is not None and not shiboken6.isValid(job.guard):
            return
        if future.cancelled():  # never started: the app is closing (shutdown)
            if job.cancelled is not None:
                job.cancelled()
            return
        error = future.exception()
        if error is None:
            if job.done is not None:
                job.done(future.result())
        elif isinstance(error, Cancelled):
            if job.cancelled is not None:
                job.cancelled()
        elif job.failed is not None:
            job.failed(error)
        else:
            self._on_error(error)

    def _set_pending(self, step: int) -> None:
        before = self._pending
        self._pending += step
        if (before == 0) != (self._pending == 0):
            self.busy_changed.emit(self._pending > 0)

    @property
    def idle(self) -> bool:
        return self._pending == 0

    def shutdown(self) -> None:
        self._closed = True
        self._executor.shutdown(wait=True, cancel_futures=True)
