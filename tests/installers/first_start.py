"""Start an installed `pcso-desk` on a data folder that does not exist yet, as a new user does."""

from __future__ import annotations

import os
import stat
import subprocess
import time
from pathlib import Path

STAY_UP_S = 10.0  # the first-hour bug: the app quit at once on a new machine


def app_stays_up_on_a_new_folder(
    command: list[str], env: dict[str, str], cwd: Path
) -> tuple[Path, str]:
    """Run the app offscreen on `cwd/new-data` (not made yet) for STAY_UP_S seconds.

    Returns the data folder and what the app printed. Fails if the app exits before then:
    the point is that it is still up, showing its first window, when a person looks.
    """
    data = cwd / "new-data"
    assert not data.exists()
    log = cwd / "first-start.log"
    with log.open("w") as out:
        app = subprocess.Popen(
            [*command, "--data-dir", str(data)], stdout=out, stderr=subprocess.STDOUT,
            cwd=cwd, env={**env, "QT_QPA_PLATFORM": "offscreen"},
        )  # fmt: skip
        deadline = time.monotonic() + STAY_UP_S
        try:
            while time.monotonic() < deadline:
                code = app.poll()
                assert code is None, f"the app exited ({code}): {log.read_text()[-2000:]}"
                time.sleep(0.2)  # polling the process: being up for the whole time is the test
        finally:
            app.terminate()
            app.wait(timeout=30)
    printed = log.read_text()
    assert "Traceback" not in printed and "already open" not in printed, printed
    assert data.is_dir(), "the app made no data folder"
    if os.name == "posix":
        assert stat.S_IMODE(data.stat().st_mode) == 0o700, "the new data folder is not private"
    # The store is made, encrypted, with the first administrator account (or the demo): a
    # first window left unanswered writes no store and no key.
    assert not (data / "pcso-desk.sqlite").exists(), "a store was made before anyone chose"
    return data, printed
