"""W9: memory — the resident set of the app's process over a county store.

Workload, in a fresh child process (so nothing else this harness did is counted): open a
copy of the county store signed in as a sergeant (the app's services, Qt offscreen), show
the Contacts screen (1200×800), page through the list — down 30 pages, then to the end —
and read the resident set size (VmRSS). Then make twenty monthly packs in a row for the
busiest neighbourhood (services/documents/packs.py, internal edition, the same month each
time) and read the resident set after each.

Budgets: ≤ 200 MB after opening and scrolling and after the packs (the store is encrypted,
as the county demo store is: each connection's SQLCipher page cache, store/engine.py, is
part of the figure); and no growth across the repeats — the twentieth pack's resident set
at most 8 MB above the fifth's (the first packs load reportlab and openpyxl and fill the
page cache with the pages a pack reads, so growth is measured from the fifth). The figure
is the highest resident set seen; every reading is in the detail. There is no reference:
the budget is absolute.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.benchmarks.harness import ROOT, Bench, Result

LIMIT_MB = 200
PACKS = 20
GROWTH_FROM = 5  # growth is measured from this pack to the last
GROWTH_MB = 8

CHILD = r"""
import json, sys, time
from pathlib import Path
from tests.benchmarks.harness import open_signed_in, rss_mb
from tests.benchmarks.lists import _wait
from PySide6.QtWidgets import QApplication
app = QApplication([])
folder = Path(sys.argv[1])
services = open_signed_in(folder)
services.ctx.store.wait_intact()
from pcso_desk.gui.desk import Desk
from pcso_desk.gui.screens.contacts import contacts_screen
from pcso_desk.paths import DataPaths
desk = Desk(services, DataPaths(folder))
readings = {"opened": rss_mb()}
screen = contacts_screen(desk)
screen.resize(1200, 800)
screen.show()
model, table = screen.model, screen.table
_wait(lambda: model.rowCount() > 0 and model.index(0, 0).data() is not None)
bar = table.verticalScrollBar()
for page in range(1, 31):
    row = min(model.rowCount() - 1, page * 200 + 10)
    table.scrollTo(model.index(row, 0))
    table.viewport().repaint()
    _wait(lambda: model.index(row, 0).data() is not None)
table.scrollToBottom()
table.viewport().repaint()
last = model.rowCount() - 1
_wait(lambda: model.index(last, 0).data() is not None)
table.viewport().repaint()
_wait(lambda: desk.runner.idle)
readings["scrolled"] = rss_mb()
from sqlalchemy import text
with services.ctx.store.read() as session:
    hood = session.execute(text(
        "SELECT n.name FROM neighbourhoods n JOIN wards w ON w.neighbourhood_id = n.id "
        "GROUP BY n.id ORDER BY count(*) DESC, n.name LIMIT 1")).scalar_one()
from pcso_desk.services.documents import packs
out = folder / "packs"
out.mkdir(exist_ok=True)
for number in range(1, int(sys.argv[2]) + 1):
    packs.build_pack(services.ctx, "neighbourhood", hood, "2026-02", out / "pack.zip",
                     internal=True)
    readings[f"pack {number}"] = rss_mb()
desk.runner.shutdown()
services.ctx.store.close()
print(json.dumps(readings))
"""


def w9(bench: Bench) -> Result:
    folder = bench.copy_of(bench.county_store(), "w9-station")
    packs = GROWTH_FROM + 1 if bench.quick else PACKS  # quick: proves the child runs
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(folder), str(packs)],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=900,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"the memory child failed: {done.stderr[-2000:]}")
    readings: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    highest = max(readings.values())
    growth = readings[f"pack {packs}"] - readings[f"pack {GROWTH_FROM}"]
    return Result(
        "W9",
        f"memory: county store opened, contacts scrolled, {packs} packs",
        highest,
        "MB",
        None,
        "",
        f"≤ {LIMIT_MB} MB; growth ≤ {GROWTH_MB} MB",
        None,
        highest <= LIMIT_MB and growth <= GROWTH_MB,
        {
            "readings_mb": {k: round(v, 1) for k, v in readings.items()},
            f"growth_pack{GROWTH_FROM}_to_pack{packs}_mb": round(growth, 1),
        },
    )


WORKLOADS = [("W9", w9)]
