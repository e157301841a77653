"""W1: cold start to an interactive, signed-in main window over a county-scale store.

Workload: a new Python process runs the app's real start path — `pcso_desk.app.main` with
`--data-dir` pointing at a copy of the county store (101,000 contacts): Qt starts, the
single-instance lock is claimed, the store is opened and checked, today's automatic backup
and the notes-expiry check run, the sign-in form shows, a demo user's name and password are
typed and submitted (Argon2 verifies them), the main window is built and shown. The clock
stops when the main window has shown and the event loop has come back from its first tick
after that (a zero-timer fires), which is when the window answers input. The child drives
the sign-in form through the form's own widgets (see CHILD) and changes nothing else; it
patches the window code only once the app has started it, so imports happen in the app's
own order.

Reference: a new Python process that imports PySide6, creates a QApplication, shows a
QMainWindow holding an empty QTableView and returns from its first event-loop tick.

Both are timed by this process from spawn to the child's "ready" line, so both include the
interpreter's start. Today's automatic backup is made during the warm-up run (once a day is
what users meet); the detail reports how long the first start of a day takes, separately.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

from tests.benchmarks.harness import ROOT, Bench, Result, slower_ratio

BARE = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow, QTableView
app = QApplication(sys.argv)
window = QMainWindow()
window.setCentralWidget(QTableView())
window.resize(1200, 800)
window.show()
def ready():
    print("ready", flush=True)
    app.quit()
QTimer.singleShot(0, ready)
app.exec()
"""

CHILD = """
import sys
import pcso_desk.gui as gui  # the package only: Qt and the app's code load as the app starts

run_window = gui._run_window

def driven(*args, **kwargs):  # the app's own window code, with a user at the sign-in form
    from pcso_desk.gui import session, signin

    present, open_window = session.SessionFlow.present, session.SessionFlow.open_window

    def typed_in(flow, dialog, quits=True):
        present(flow, dialog, quits)
        if isinstance(dialog, signin.SignInDialog):
            dialog.username.setText(sys.argv[2])
            dialog.password.setText(sys.argv[3])
            dialog.submit()

    def shown(flow, actor):
        from PySide6.QtCore import QTimer
        from PySide6.QtWidgets import QApplication

        open_window(flow, actor)

        def ready():
            print("ready", flush=True)
            QApplication.instance().exit(0)

        QTimer.singleShot(0, ready)

    session.SessionFlow.present = typed_in
    session.SessionFlow.open_window = shown
    return run_window(*args, **kwargs)

gui._run_window = driven
from pcso_desk.app import main
raise SystemExit(main(["--data-dir", sys.argv[1]]))
"""


def _spawn_until_ready(code: str, *args: str) -> float:
    """Seconds from spawning `python -c code args` to its 'ready' line; it must then exit 0."""
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
    env["PYTHONPATH"] = str(ROOT)
    started = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-c", code, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=ROOT,
    )
    assert child.stdout is not None
    line = child.stdout.readline()
    took = time.perf_counter() - started
    _out, err = child.communicate(timeout=120)
    if line.strip() != "ready" or child.returncode != 0:
        raise RuntimeError(f"the start-up child failed ({child.returncode}): {err[-2000:]}")
    return took


def w1(bench: Bench) -> Result:
    folder = bench.copy_of(bench.county_store(), "w1-station")
    first_of_day = _spawn_until_ready(CHILD, str(folder), "sergeant", "demo-password")
    app = bench.times(lambda: _spawn_until_ready(CHILD, str(folder), "sergeant", "demo-password"))
    bare = bench.times(lambda: _spawn_until_ready(BARE))
    size = (folder / "pcso-desk.sqlite").stat().st_size / 1e6
    return slower_ratio(
        "W1",
        f"cold start, signed in ({bench.contacts:,} contacts)",
        app.median,
        bare.median,
        3,
        reference_title="bare PySide6 window",
        runs=app.runs,
        reference_runs=bare.runs,
        first_start_of_day_s=first_of_day,
        store_mb=round(size),
    )


WORKLOADS = [("W1", w1)]
