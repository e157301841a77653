"""Every editor and dialog fits a 1366×768 station screen at 100% and at 150% scaling: its
Save/OK/Cancel buttons are on the screen, never under the taskbar or off its bottom.

Each scale runs tests/gui/fit_probe.py as its own process (the scale factor is fixed when a
QApplication starts) on an offscreen screen of exactly 1366×768 physical pixels.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

SCREEN = {"name": "station", "x": 0, "y": 0, "width": 1366, "height": 768,
          "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}  # fmt: skip
ROOT = Path(__file__).resolve().parents[2]


def _probe(tmp_path: Path, scale: str) -> dict[str, Any]:
    config = tmp_path / "screen.json"
    config.write_text(json.dumps({"screens": [SCREEN]}), encoding="utf-8")
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": f"offscreen:configfile={config}",
        "QT_SCALE_FACTOR": scale,
        "PYTHONPATH": os.pathsep.join(filter(None, (str(ROOT), os.environ.get("PYTHONPATH")))),
    }
    done = subprocess.run(
        [sys.executable, "-m", "tests.gui.fit_probe", str(tmp_path / "data")],
        env=env, cwd=ROOT, capture_output=True, text=True, timeout=240,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    found: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return found


@pytest.mark.parametrize("scale", ["1", "1.5"], ids=["100%", "150%"])
def test_every_dialog_shows_its_buttons_on_a_1366_by_768_screen(tmp_path: Path, scale: str) -> None:
    found = _probe(tmp_path, scale)
    left, top, width, height = found["screen"]
    assert (round(width * found["scale"]), round(height * found["scale"])) == (1366, 768)
    off: list[str] = []
    for shown in found["shown"]:
        x, y, w, h = shown["window"]
        if y < top or y + h > top + height or x + w > left + width:
            off.append(f"{shown['name']}: window {shown['window']}")
        assert shown["buttons"], f"{shown['name']} shows no buttons"
        for button in shown["buttons"]:
            bx, by, bw, bh = button["rect"]
            if by < top or by + bh > top + height or bx + bw > left + width:
                off.append(f"{shown['name']}: {button['text']} at {button['rect']}")
    assert off == []
    assert len(found["shown"]) >= 30  # every record editor and every other dialog
