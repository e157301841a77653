"""A store's daily care when it opens: today's automatic backup, then expired notes.

The desktop app runs it on a thread while the sign-in form shows, so a county-sized store
does not hold up the start; a command runs it before its own work. Neither kind of care ever
stops anyone working: a failure (a full disk, a read-only backups folder, a locked store) goes
to the crash log and the next opening tries again. A damaged store gets no care at all (the
app says why elsewhere). `finish()` lets a backup under way end before the store closes: a
cut-off one would leave a large '.part' file behind.
"""

from __future__ import annotations

import threading
from pathlib import Path

from pcso_desk.crash_log import append_crash
from pcso_desk.services.context import Context
from pcso_desk.services.protection.backups import auto_backup
from pcso_desk.services.protection.retention import expire_notes
from pcso_desk.store.backup import DamagedStoreError


class DailyCare:
    """The care of one opened store; started once, finished before the store closes."""

    def __init__(self, ctx: Context, logs: Path) -> None:
        self.ctx = ctx
        self.logs = logs
        self._thread: threading.Thread | None = None
        self._closing = threading.Event()

    def start(self, background: bool) -> None:
        if not background:
            self.run()
            return
        self._thread = threading.Thread(target=self.run, name="daily-care", daemon=True)
        self._thread.start()
        self.ctx.store.pending.append(self.finish)

    def finish(self) -> None:
        """Before the store closes: care not begun because the store's check is still
        running is left for the next opening (quitting never waits for a whole-file check:
        seconds on a county store); care under way is finished."""
        self._closing.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    def run(self) -> None:
        check = self.ctx.store.intact
        while check is not None and not check.done():
            if self._closing.wait(0.1) and not check.done():  # closing first: next opening cares
                return
        try:
            self.ctx.store.wait_intact()
        except DamagedStoreError:
            return
        for step in (lambda: auto_backup(self.ctx.store), lambda: expire_notes(self.ctx)):
            try:
                step()
            except Exception as exc:  # the log says which; the next opening tries again
                log_crash(self.logs, exc)


def log_crash(logs: Path, exc: BaseException) -> str:
    """Write the traceback (no personal data: crash_log.py) to the log; return where it went."""
    try:
        return str(append_crash(logs, exc))
    except OSError:
        return "(the log could not be written)"
