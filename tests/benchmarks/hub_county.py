"""W10: a county's 8 am burst — 30 teams × 4 stations syncing with one PostgreSQL hub.

Untimed setup: a throwaway PostgreSQL server (tests/pg_server.py, fsync off as in the tests,
`max_connections` raised as a county's server would be: 120 stations each hold a connection)
and one hub database. 30 teams of 4 new stations (tests/benchmarks/hub.py `_make_station`),
each station given 300 new contacts the hub has never seen; each team made one team on the
hub as a county does it (`join_team`: trust within the team, the keeper's setup and
add-station, join-hub), in this process, before any worker starts. One more team of the same
shape, the reference team, is made the same way.

How the 120 stations run: 120 processes do not fit a 2-core machine (each would import the
app, ~100 MB, and the scheduler would measure itself), so 4 worker processes ("spawn") each
drive whole teams, one thread per station, each station with its own store (opened in its
own thread). Threads of one process share its interpreter lock, which is why there are
several processes; keeping a team inside one process lets its stations wait for each other
with a thread barrier. Everything a station does is the app's `Sync.hub()` with its own
access.

Timed, one measured burst: every station opens its store and waits; at the burst start each
starts its first sync at a random moment within the first 2 s (seeded), pushes and pulls;
once all four of its team have done that, each syncs again (round 2 pulls what the others
pushed), as W8 does. A team has converged when its last station finishes round 2; the figure
is the p95 over the 30 teams of the seconds from the burst start until then (the detail has
the median, the worst and each team's).

Reference, measured in the same run on the same server just before the burst: the reference
team alone (4 stations × 300 contacts, the same random start window, the same worker code),
its seconds from start to converged. The ratio, p95 under the burst / alone, is how much the
other 29 teams syncing at the same moment delay a team — what a county's hub adds to a
team's morning. It is not a pure measure of the server: on this machine the 120 stations'
own work (reading, sealing, opening and merging into SQLite) runs on the same 2 cores as
PostgreSQL, where in a county each station is its own PC, so the ratio is an upper bound.

Hub-only rates beside it, as W8 reports them (hub.py `time_hub_calls`, `hub_rates`): items
per second inside `Hub.push` (and its server part, without sealing) and inside the `Hub.pull`
iteration, summed over the burst's stations.

Checks afterwards: every station holds exactly its own team's contacts (all of them, none
twice, none of another team's); a failure makes within=False and the detail says what.
There is no budget yet (within=None). Quick mode: 3 teams × 2 stations × 10 changes, 2 workers.
"""

from __future__ import annotations

import multiprocessing
import random
import statistics
import threading
import time
import uuid
from pathlib import Path
from typing import Any

from tests.benchmarks.harness import Bench, Result, Timing
from tests.benchmarks.hub import (
    _contacts,
    _make_station,
    _problems,
    hub_only_note,
    hub_rates,
    join_team,
    time_hub_calls,
)

TITLE = "hub: a county's 8 am burst"
WINDOW_S = 2.0  # every station starts its first sync within this many seconds of the burst
SEED = 23
Team = tuple[str, list[str]]  # (team name, its stations' folders)


def _station(
    team: str, folder: str, jitter: float, clock: dict[str, Any], team_done: threading.Barrier,
    opened: threading.Barrier, out: list[dict[str, Any]],
) -> None:  # fmt: skip
    """One station's thread: open its store, wait for the burst, sync, wait for its team,
    sync again; its moments (time.monotonic, comparable across processes) into `out`."""
    from pcso_desk.paths import DataPaths
    from tests.keys import build_services

    services = None
    try:
        services = build_services(DataPaths(Path(folder)), create=False)
        opened.wait(timeout=600)
        clock["go"].wait(timeout=600)
        time.sleep(max(0.0, clock["start"] + jitter - time.monotonic()))
        began = time.monotonic()
        first = services.sync.hub()
        middle = time.monotonic()
        team_done.wait(timeout=1800)
        second = services.sync.hub()
        ended = time.monotonic()
        out.append(
            {
                "team": team,
                "folder": folder,
                "began": began,
                "round1_end": middle,
                "ended": ended,
                "pushed": first.pushed + second.pushed,
                "pulled": first.pulled + second.pulled,
                "applied": first.changed + second.changed,
                "error": "",
            }
        )
    except Exception as exc:  # reported, not raised: nobody may hang on a barrier
        opened.abort()
        team_done.abort()
        out.append({"team": team, "folder": folder, "error": f"{type(exc).__name__}: {exc}"})
    finally:
        if services is not None:
            services.ctx.store.close()


def _worker(teams: list[Team], window: float, seed: int, start: Any, results: Any) -> None:
    """One worker process: a thread per station of `teams`; all open, then the burst."""
    times = time_hub_calls()
    rng = random.Random(seed)
    count = sum(len(folders) for _, folders in teams)
    opened = threading.Barrier(count + 1)
    clock: dict[str, Any] = {"go": threading.Event(), "start": 0.0}
    out: list[dict[str, Any]] = []
    threads = []
    for team, folders in teams:
        team_done = threading.Barrier(len(folders))
        for folder in folders:
            args = (team, folder, rng.uniform(0, window), clock, team_done, opened, out)
            threads.append(threading.Thread(target=_station, args=args, daemon=True))
    for thread in threads:
        thread.start()
    error = ""
    try:
        opened.wait(timeout=600)
    except threading.BrokenBarrierError:
        error = "a station could not open its store"
    try:
        start.wait(timeout=600)  # every worker's stations are open: the burst starts
    except threading.BrokenBarrierError:
        error = error or "another worker failed"
    if error:
        start.abort()
    clock["start"] = time.monotonic()
    clock["go"].set()
    for thread in threads:
        thread.join(timeout=1800)
    results.put({"stations": out, "hub": times.figures(), "error": error})


def _burst(teams: list[Team], workers: int, window: float, seed: int) -> dict[str, Any]:
    """Run `teams` at once in `workers` processes; per team its seconds to converge."""
    context = multiprocessing.get_context("spawn")
    shares: list[list[Team]] = [teams[n::workers] for n in range(workers)]
    shares = [share for share in shares if share]
    start = context.Barrier(len(shares) + 1)
    results = context.Queue()
    processes = [
        context.Process(target=_worker, args=(share, window, seed + n, start, results))
        for n, share in enumerate(shares)
    ]
    for process in processes:
        process.start()
    start.wait(timeout=900)
    began = time.monotonic()
    reports = [results.get(timeout=3600) for _ in processes]
    for process in processes:
        process.join(timeout=60)
    stations = [s for r in reports for s in r["stations"]]
    errors = [r["error"] for r in reports if r["error"]]
    errors += [f"{Path(s['folder']).name}: {s['error']}" for s in stations if s["error"]]
    converged: dict[str, float] = {}
    for team, folders in teams:
        ends = [s["ended"] for s in stations if s["team"] == team and not s["error"]]
        if len(ends) == len(folders):
            converged[team] = round(max(ends) - began, 3)
        else:
            errors.append(f"team {team}: {len(folders) - len(ends)} station(s) did not finish")
    return {
        "converged": converged,
        "errors": errors,
        "hub_only": hub_rates([r["hub"] for r in reports]),
        "pushed": sum(s.get("pushed", 0) for s in stations),
        "applied": sum(s.get("applied", 0) for s in stations),
        "seconds": round(max((s.get("ended", began) for s in stations), default=began) - began, 2),
    }


def w10(bench: Bench) -> Result:
    from tests.pg_server import PgServer, find_bin_dir

    teams, stations, each, workers = (3, 2, 10, 2) if bench.quick else (30, 4, 300, 4)
    window = WINDOW_S / 10 if bench.quick else WINDOW_S
    bin_dir = find_bin_dir()
    if bin_dir is None:
        return Result("W10", TITLE, 0.0, "s", None, "", "—", None, None,
                      {"skipped": "PostgreSQL server binaries not found"})  # fmt: skip
    server = PgServer(bin_dir, max_connections=(teams + 1) * stations + 40)
    server.start()
    try:
        url = server.create_database(f"hub_{uuid.uuid4().hex}")
        root = bench.work / "w10"
        made = time.perf_counter()
        county: list[Team] = []
        expected: dict[str, set[str]] = {}
        for t in range(teams + 1):
            name = "Reference SNT" if t == teams else f"Ward {t:02d} SNT"
            folders = [root / f"t{t:02d}" / f"s{n}" for n in range(stations)]
            expected[name] = set()
            for n, folder in enumerate(folders):
                label = f"T{t:02d}S{n}"
                expected[name].update(_make_station(folder, each, label, team=name))
            join_team(url, folders, root / "cards" / f"t{t:02d}")
            county.append((name, [str(f) for f in folders]))
        bench.log(f"  made {teams + 1} teams × {stations} stations × {each} contacts and joined "
                  f"them in {time.perf_counter() - made:.1f} s")  # fmt: skip
        reference_team, burst_teams = county[-1:], county[:-1]
        alone = _burst(reference_team, 1, window, SEED + 1000)
        bench.log(f"  the reference team alone: {alone['seconds']} s")
        burst = _burst(burst_teams, workers, window, SEED)
    finally:
        server.stop()
    problems = alone["errors"] + burst["errors"]
    for name, folders in county:
        for folder in folders:
            where = f"{name} {Path(folder).name}"
            problems += _problems(expected[name], _contacts(Path(folder)), where)
    times = Timing(list(burst["converged"].values()) or [0.0])
    p95 = times.p95()
    reference = alone["converged"].get(reference_team[0][0], 0.0)
    detail: dict[str, Any] = {
        "teams": teams,
        "stations_each": stations,
        "changes_each": each,
        "workers": f"{workers} processes, one thread per station",
        "start_window_s": window,
        "converge_p95_s": p95,
        "converge_median_s": round(statistics.median(times.runs), 3),
        "converge_worst_s": max(times.runs),
        "burst_seconds": burst["seconds"],
        "pushed": burst["pushed"],
        "applied": burst["applied"],
        "hub_only": burst["hub_only"],
        "reference_team_alone_s": reference,
        "reference_hub_only": alone["hub_only"],
        "measured": "one burst after setup (no warm-up: a sync changes its own starting state)",
        "per_team_s": dict(sorted(burst["converged"].items())),
    }
    if problems:
        detail["problems"] = problems[:50]
    ratio = p95 / reference if reference > 0 else None
    title = (f"{TITLE} ({teams} teams × {stations} stations × {each:,} changes, p95 to "
             f"converge; {hub_only_note(burst['hub_only'])})")  # fmt: skip
    return Result("W10", title, p95, "s", reference or None, "one team alone, same run", "—",
                  ratio, False if problems else None, detail)  # fmt: skip


WORKLOADS = [("W10", w10)]
