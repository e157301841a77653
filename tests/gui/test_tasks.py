"""The task runner: one worker, results on the GUI thread, and widgets never freed off it."""

from __future__ import annotations

import gc
import threading

from pcso_desk.gui.tasks import Cancelled, TaskRunner


class Probe:
    """Records on which thread it was freed (a Qt object freed off the GUI thread crashes)."""

    def __init__(self, seen: list[bool]) -> None:
        self.seen = seen

    def __del__(self) -> None:
        self.seen.append(threading.current_thread() is threading.main_thread())


def test_callables_holding_objects_are_released_on_the_gui_thread(qtbot) -> None:  # type: ignore[no-untyped-def]
    runner = TaskRunner(on_error=lambda error: None)
    seen: list[bool] = []
    go = threading.Event()
    probe = Probe(seen)
    runner.run(lambda held=probe: go.wait(5))
    del probe
    go.set()
    qtbot.waitUntil(lambda: runner.idle)
    gc.collect()
    runner.shutdown()
    assert seen == [True]


def test_results_errors_and_cancellation_arrive_on_the_gui_thread(qtbot) -> None:  # type: ignore[no-untyped-def]
    errors: list[BaseException] = []
    runner = TaskRunner(on_error=errors.append)
    got: list[tuple[str, bool]] = []
    main = threading.main_thread

    def record(kind: str):  # type: ignore[no-untyped-def]
        return lambda *_a: got.append((kind, threading.current_thread() is main()))

    def fail() -> None:
        raise ValueError("boom")

    def stop() -> None:
        raise Cancelled()

    runner.run(lambda: 42, record("done"))
    runner.run(fail, failed=record("failed"))
    runner.run(stop, record("done"), record("failed"), cancelled=record("cancelled"))
    runner.run(fail)  # no handler: the runner's own error handler hears of it
    qtbot.waitUntil(lambda: runner.idle)
    runner.shutdown()
    assert got == [("done", True), ("failed", True), ("cancelled", True)]
    assert [str(e) for e in errors] == ["boom"]


def test_work_asked_for_after_shutdown_is_dropped_quietly(qtbot) -> None:  # type: ignore[no-untyped-def]
    runner = TaskRunner(on_error=lambda error: None)
    runner.shutdown()
    ran: list[int] = []
    future = runner.run(lambda: ran.append(1))  # e.g. a filter timer firing as the app closes
    assert future.cancelled() and ran == [] and runner.idle


def test_work_still_queued_at_shutdown_is_dropped_quietly(qtbot) -> None:  # type: ignore[no-untyped-def]
    """Closing the app while a job waits behind another: the waiting one never runs and its
    cancellation reaches no error handler (it once raised CancelledError in a Qt slot)."""
    errors: list[BaseException] = []
    runner = TaskRunner(on_error=errors.append)
    release = threading.Event()
    ran: list[str] = []
    runner.run(lambda: release.wait(5), lambda _r: ran.append("first"))
    second = runner.run(lambda: ran.append("second"), failed=errors.append)
    stopper = threading.Thread(target=runner.shutdown)
    stopper.start()
    qtbot.waitUntil(second.cancelled)  # the shutdown has dropped the queued job
    release.set()
    stopper.join(5)
    qtbot.waitUntil(lambda: runner.idle)  # both deliveries have arrived on the GUI thread
    assert "second" not in ran and errors == []


def test_a_write_that_lands_after_its_window_closed_is_announced_but_not_handed_back(
    qtbot, desk
) -> None:  # type: ignore[no-untyped-def]
    """An editor closed while its save was on the worker: the save still tells the screens,
    and the gone editor is not called (it raised 'Internal C++ object already deleted')."""
    import shiboken6
    from PySide6.QtCore import QObject

    from pcso_desk.services.context import Changes

    class Owner(QObject):
        def done(self, changes: Changes) -> None:
            handed_back.append(changes)

    handed_back: list[Changes] = []
    announced: list[Changes] = []
    desk.hub.changed.connect(announced.append)
    release = threading.Event()
    owner = Owner()

    def work() -> Changes:
        release.wait(10)
        return Changes("contacts", created=("c1",))

    desk.write(work, owner.done)
    shiboken6.delete(owner)  # the window goes while the write is on the worker
    release.set()
    qtbot.waitUntil(lambda: desk.runner.idle, timeout=10_000)
    assert [c.created for c in announced] == [("c1",)]
    assert handed_back == []
