"""W12: a hub's first sync — does the memory it takes grow with what is pulled?

A station's first sync with a county's hub pulls everything its team ever pushed (millions
of items for a busy team): pulls must stream, their memory bounded (≤ 300 MB for a 3-million
item first sync). Three million items take hours here, so the workload measures the growth
instead: the same first sync at two sizes, and the peaks compared.

Untimed setup: a throwaway PostgreSQL server and hub (as W8); per size N (20,000 and
100,000 contacts; quick: 500 and 2,500) a team of two new stations, a sender holding N new
contacts (hub.py `_make_station`) and an empty receiver, made one team on the hub as a county
does (`join_team`). The sender pushes its N contacts in a fresh process (its peak is
measured too: the push side).

Measured, each in a fresh child process (multiprocessing "spawn", so nothing else this
harness did is counted): the receiver opens its store, its resident set is read (the start:
interpreter, the app's imports, the store) and its peak is started again from there
(/proc/self/clear_refs), then it runs `Sync.hub()` — its first sync, pulling the N items page
by page, checking and merging them — and its peak resident set (VmHWM) is read. (Not
`getrusage().ru_maxrss`: Linux carries that over from the parent into a spawned child, so it
would read the harness's own size.) The child also reads its resident set after every tenth
page of the pull (by wrapping `Hub.pull` in the child only) and after the sync, so the detail
shows where memory grows: during the pages (something kept per item) or after them (the
steps that look across everything). Part of any growth is SQLite's page cache, which fills
up to its bound as the store grows (a large pull merges with a 32 MiB cache,
services/sync/hub.py `PULL_CACHE_KIB`): the detail gives each receiver's store size beside
it.

The figure is the peak at the larger size; the reference the peak at the smaller size;
the ratio, larger / smaller, should stay near 1 when memory does not grow with N (budget
≤ 1.3× and ≤ 300 MB; not judged in quick mode, where the sizes are too small to tell).
The detail also gives each sync's growth above its start, the push side's peaks (the
sender's first sync, measured the same way), and checks that each receiver holds all N
contacts.
"""

from __future__ import annotations

import multiprocessing
import resource
import time
import uuid
from pathlib import Path
from typing import Any

from tests.benchmarks.harness import Bench, Result, rss_mb
from tests.benchmarks.hub import _contacts, _make_station, _problems, join_team

TITLE = "hub: first sync's peak memory, larger pull against smaller"
GROWTH = 1.3  # the larger pull's peak at most this many times the smaller's
LIMIT_MB = 300


def _peak_mb() -> float:
    """This process's peak resident set (VmHWM), in MB. Not `getrusage().ru_maxrss`: Linux
    carries that over from the parent across fork and exec, so a spawned child's reads at
    least the harness's own resident set at the moment it started the child."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _reset_peak() -> bool:
    """Start this process's peak (VmHWM) again from its resident set now (Linux: writing 5
    to /proc/self/clear_refs); whether it could."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def _sync_child(folder: str, results: Any) -> None:
    """A fresh process: open the station, note the peak so far, sync with the hub once."""
    from pcso_desk.paths import DataPaths
    from pcso_desk.sync import hub as hub_module
    from tests.keys import build_services

    readings: list[tuple[int, float]] = []
    pull = hub_module.Hub.pull

    def watched_pull(self: Any, *args: Any, **kwargs: Any) -> Any:
        rows = 0
        for number, page in enumerate(pull(self, *args, **kwargs), start=1):
            rows += len(page.rows)
            if number % 10 == 1:
                readings.append((rows, round(rss_mb(), 1)))
            yield page
        readings.append((rows, round(rss_mb(), 1)))

    hub_module.Hub.pull = watched_pull  # type: ignore[method-assign]
    try:
        services = build_services(DataPaths(Path(folder)), create=False)
        try:
            services.sync.status()
            baseline, before = _peak_mb(), rss_mb()
            reset = _reset_peak()  # the peak from here on is the sync's own
            started = time.perf_counter()
            done = services.sync.hub()
            took = time.perf_counter() - started
            after = rss_mb()
        finally:
            services.ctx.store.close()
        results.put(
            {
                "baseline_mb": round(baseline, 1),
                "rss_before_mb": round(before, 1),
                "peak_reset": reset,
                "store_mb": round(Path(folder, "pcso-desk.sqlite").stat().st_size / 2**20, 1),
                "peak_mb": round(_peak_mb(), 1),
                "after_mb": round(after, 1),
                "seconds": round(took, 1),
                "pushed": done.pushed,
                "pulled": done.pulled,
                "applied": done.changed,
                "rss_by_rows_pulled": readings,
                "error": "",
            }
        )
    except Exception as exc:
        results.put({"error": f"{type(exc).__name__}: {exc}"})


def _in_fresh_process(folder: Path) -> dict[str, Any]:
    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    child = context.Process(target=_sync_child, args=(str(folder), results))
    child.start()
    found: dict[str, Any] = results.get(timeout=3600)
    child.join(timeout=60)
    return found


def _growth(runs: dict[int, dict[str, Any]], side: str) -> dict[int, float]:
    """Per size, how far the sync's peak rose above the resident set it started from."""
    return {
        n: round(r[side]["peak_mb"] - r[side]["rss_before_mb"], 1)
        for n, r in runs.items()
        if "peak_mb" in r[side]
    }


def w12(bench: Bench) -> Result:
    from tests.pg_server import PgServer, find_bin_dir

    sizes = (500, 2_500) if bench.quick else (20_000, 100_000)
    bin_dir = find_bin_dir()
    if bin_dir is None:
        return Result("W12", TITLE, 0.0, "MB", None, "", "—", None, None,
                      {"skipped": "PostgreSQL server binaries not found"})  # fmt: skip
    server = PgServer(bin_dir)
    server.start()
    runs: dict[int, dict[str, Any]] = {}
    problems: list[str] = []
    try:
        url = server.create_database(f"hub_{uuid.uuid4().hex}")
        for size in sizes:
            root = bench.work / "w12" / str(size)
            sender, receiver = root / "sender", root / "receiver"
            team = f"Memory {size} SNT"
            made = time.perf_counter()
            expected = set(_make_station(sender, size, f"M{size}", team=team))
            expected.update(_make_station(receiver, 1, f"R{size}", team=team))
            join_team(url, [sender, receiver], root / "cards")
            bench.log(f"  made a team with {size:,} contacts in {time.perf_counter() - made:.1f} s")
            push = _in_fresh_process(sender)
            pull = _in_fresh_process(receiver)
            bench.log(f"  {size:,}: push peak {push.get('peak_mb')} MB, "
                      f"pull peak {pull.get('peak_mb')} MB ({pull.get('seconds')} s)")  # fmt: skip
            runs[size] = {"push": push, "pull": pull}
            problems += [f"{size}: {r['error']}" for r in (push, pull) if r.get("error")]
            problems += _problems(expected, _contacts(receiver), f"the {size:,} receiver")
    finally:
        server.stop()
    small, large = (runs.get(size, {}).get("pull", {}) for size in sizes)
    figure, reference = float(large.get("peak_mb", 0.0)), float(small.get("peak_mb", 0.0))
    ratio = figure / reference if reference > 0 else None
    detail: dict[str, Any] = {
        "sizes": list(sizes),
        "pull_peak_mb": {n: r["pull"].get("peak_mb") for n, r in runs.items()},
        "pull_growth_mb": _growth(runs, "pull"),
        "push_peak_mb": {n: r["push"].get("peak_mb") for n, r in runs.items()},
        "push_growth_mb": _growth(runs, "push"),
        "store_mb": {n: r["pull"].get("store_mb") for n, r in runs.items()},
        "runs": runs,
    }
    if problems:
        detail["problems"] = problems
    within = None if bench.quick or ratio is None else (ratio <= GROWTH and figure <= LIMIT_MB)
    title = f"{TITLE} ({sizes[1]:,} vs {sizes[0]:,} items)"
    budget = f"≤ {GROWTH:g}× and ≤ {LIMIT_MB} MB"
    return Result("W12", title, figure, "MB", reference or None,
                  f"the same first sync of {sizes[0]:,} items", budget,
                  ratio, False if problems else within, detail)  # fmt: skip


WORKLOADS = [("W12", w12)]
