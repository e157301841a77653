"""Start an installed `pcso-desk` on a data folder that does not exist yet, as a new user does."""

from __future__ import annotations

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
    assert (data / "pcso-desk.sqlite").is_file(), "the app made no store in the new folder"
    return data, printed
