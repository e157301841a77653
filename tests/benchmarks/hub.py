"""W8: ten stations syncing with the PostgreSQL hub at once, 10,000 changes each.

Untimed setup: a throwaway PostgreSQL server (tests/pg_server.py, its own cluster on a free
port, fsync off as in the tests) and one empty hub database; ten new stations of one team
(`build_services` + `init_store`, as tests/stations.py makes them), each given 10,000 new
contacts written in one transaction by a Core-style batch insert of the row a service create
would store (a fresh UUID, the station's own clock value per row, the station's id and audit
stamps), so every station holds 10,000 changes the hub has never seen. Then the stations
become one team on the hub as a county does it (tests/stations.py `hub_team`): they register
each other's identities, the keeper (`HubKeeper` with the owner's address) sets the hub up
and adds each station (its own role and password), and each station joins with its access
file. This is done in this process before the workers start; no station uses the owner.

Timed, one measured round: ten processes (multiprocessing, "spawn"), one per station, each
opens its store and waits at a barrier; from the barrier every station runs `Sync.hub()`
(push its changes, pull what is there), waits for the other nine, then runs `Sync.hub()`
again (round 2 pulls everything the others pushed). The figure is the changes moved per
second: (changes pushed + changes pulled that were new to the puller, summed over the
stations and both rounds) divided by the seconds from the barrier until the last station
finished round 2. A warm-up is not possible (a sync changes the state it would repeat), so
this is one measured round, not a median; the detail gives each station's round-1 and
round-2 seconds and counts.

Hub-only rates, beside it (the end-to-end figure is mostly each station's own work: reading
its changes, sealing, opening and merging what it pulls into SQLite): each worker wraps
`Hub.push` and `Hub.pull` in its own process only (`time_hub_calls`; no timing code in the
product) and adds up the items and the seconds spent inside them. Push rate = items pushed /
seconds inside `Hub.push` (sealing each item for the team and signing its pages, then COPY
and numbering on the server; the sealing seconds are also given apart, `seal_s`, so the
server's part is `push_s - seal_s`); pull rate = rows read / seconds spent inside the
`Hub.pull` iteration (the paged SELECTs, not the checking and merging that follow). Both sum
the seconds of calls that ran at the same time in different stations, so they are per-station
rates under this load, not the server's total throughput.

Checks afterwards: the hub holds every contact (stations × changes distinct ids; a record
has one row per station that sent it, so ids are counted DISTINCT, and the rows beyond one
per id are given as `echoed_rows`), no other kind of row, and every station holds all of
them exactly once. Then the result has within=None (no ratio budget); a lost or duplicated
change makes it within=False and the detail says what. Quick mode: 3 stations × 200 changes.
"""

from __future__ import annotations

import multiprocessing
import shutil
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.benchmarks.harness import Bench, Result, raw_connection

TEAM = "Benchmark SNT"
TITLE = "hub: stations syncing at once"


@dataclass
class HubTimes:
    """Items and seconds spent inside `Hub.push` and `Hub.pull` in one process (all threads)."""

    push_items: int = 0
    push_s: float = 0.0
    seal_s: float = 0.0
    pull_items: int = 0
    pull_s: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def add(self, **amounts: float) -> None:
        with self.lock:
            for name, amount in amounts.items():
                setattr(self, name, getattr(self, name) + amount)

    def figures(self) -> dict[str, float]:
        with self.lock:
            return {name: getattr(self, name) for name in NAMES}


NAMES = ("push_items", "push_s", "seal_s", "pull_items", "pull_s")


def time_hub_calls() -> HubTimes:
    """Wrap this process's `Hub.push`, `Hub.pull` and the sealing `Hub.push` does, adding
    what they take to the returned `HubTimes`. For benchmark workers only: it patches the
    class in this process, never the product's code."""
    from pcso_desk.sync import hub as hub_module

    times = HubTimes()
    push, pull, seal = hub_module.Hub.push, hub_module.Hub.pull, hub_module.seal_item

    def timed_seal(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return seal(*args, **kwargs)
        finally:
            times.add(seal_s=time.perf_counter() - start)

    def timed_push(self: Any, *args: Any, **kwargs: Any) -> int:
        start = time.perf_counter()
        sent = push(self, *args, **kwargs)
        times.add(push_s=time.perf_counter() - start, push_items=sent)
        return sent

    def timed_pull(self: Any, *args: Any, **kwargs: Any) -> Iterator[Any]:
        pages = pull(self, *args, **kwargs)
        while True:
            start = time.perf_counter()
            try:
                page = next(pages)
            except StopIteration:
                times.add(pull_s=time.perf_counter() - start)
                return
            times.add(pull_s=time.perf_counter() - start, pull_items=len(page.rows))
            yield page

    hub_module.seal_item = timed_seal  # type: ignore[assignment]
    hub_module.Hub.push = timed_push  # type: ignore[method-assign]
    hub_module.Hub.pull = timed_pull  # type: ignore[method-assign]
    return times


def hub_rates(times: list[dict[str, float]]) -> dict[str, float]:
    """The hub-only rates from the workers' `HubTimes.figures()`: items per second inside
    `Hub.push` (and inside its server part, without the sealing) and inside `Hub.pull`."""
    total = {k: sum(t.get(k, 0.0) for t in times) for k in NAMES}
    server_s = total["push_s"] - total["seal_s"]
    return {
        "push_items_per_s": round(total["push_items"] / total["push_s"]) if total["push_s"] else 0,
        "push_server_items_per_s": round(total["push_items"] / server_s) if server_s > 0 else 0,
        "pull_items_per_s": round(total["pull_items"] / total["pull_s"]) if total["pull_s"] else 0,
        **{k: round(v, 3) for k, v in total.items()},
    }


def join_team(owner_url: str, folders: list[Path], cards: Path) -> None:
    """Make the stations in `folders` one team on the hub, as a keeper and officers do
    (tests/stations.py `hub_team`: trust, keeper setup and add-station, join-hub)."""
    from pcso_desk.paths import DataPaths
    from tests.keys import build_services
    from tests.stations import hub_team

    opened = [build_services(DataPaths(folder), create=False) for folder in folders]
    try:
        hub_team(owner_url, opened, cards)
    finally:
        for services in opened:
            services.ctx.store.close()


def _make_station(folder: Path, count: int, label: str, team: str = TEAM) -> list[str]:
    """A new station of `team` with `count` new contacts (one transaction); their ids."""
    from pcso_desk.paths import DataPaths
    from pcso_desk.services.maintenance import init_store
    from tests.keys import build_services

    if folder.exists():
        shutil.rmtree(folder)
    services = build_services(DataPaths(folder).ensure())
    try:
        init_store(services.ctx, team)
        template = services.contacts.create({"name": f"{label} Template"}).created[0]
        return [str(template), *_add_contacts(services, str(template), count - 1, label)]
    finally:
        services.ctx.store.close()


def _add_contacts(services: Any, template: str, count: int, label: str) -> list[str]:
    """`count` copies of the template contact's stored row, each a new record made now: new
    id, name, this station's clock value (the write unit raises the clock's high-water mark)."""
    ctx = services.ctx
    ids = [str(uuid.uuid4()) for _ in range(count)]
    if not ids:
        return ids
    with ctx.store.write() as session:
        conn = session.connection()
        cursor = conn.exec_driver_sql("SELECT * FROM contacts WHERE id = ?", (template,))
        names = list(cursor.keys())
        row = dict(zip(names, cursor.one(), strict=True))
        rows = []
        for number, new_id in enumerate(ids, start=1):
            row.update(id=new_id, name=f"{label} Person{number:05d}", hlc=ctx.clock.now().encode())
            rows.append(tuple(row[n] for n in names))
        columns = ", ".join(f'"{n}"' for n in names)
        marks = ", ".join("?" for _ in names)
        conn.exec_driver_sql(f"INSERT INTO contacts ({columns}) VALUES ({marks})", rows)
    return ids


def _station_worker(folder: str, barrier: Any, between: Any, results: Any) -> None:
    """One station's process: open, wait for the start, sync, wait for all, sync again (with
    the hub access it joined with); the seconds spent inside the hub's calls beside."""
    from pcso_desk.paths import DataPaths
    from tests.keys import build_services

    times = time_hub_calls()
    services = build_services(DataPaths(Path(folder)), create=False)
    try:
        barrier.wait(timeout=3600)
        started = time.perf_counter()
        first = services.sync.hub()
        middle = time.perf_counter()
        between.wait(timeout=3600)  # every station has pushed (a loaded machine: minutes)
        second_start = time.perf_counter()
        second = services.sync.hub()
        ended = time.perf_counter()
        results.put(
            {
                "folder": folder,
                "round1_s": round(middle - started, 3),
                "round2_s": round(ended - second_start, 3),
                "pushed": first.pushed + second.pushed,
                "pulled": first.pulled + second.pulled,
                "applied": first.changed + second.changed,
                "round1_pushed": first.pushed,
                "round2_pulled": second.pulled,
                "hub": times.figures(),
                "error": "",
            }
        )
    except Exception as exc:  # reported, not raised: nobody may hang on a barrier
        barrier.abort()
        between.abort()
        results.put({"folder": folder, "error": f"{type(exc).__name__}: {exc}"})
    finally:
        services.ctx.store.close()


def _contacts(folder: Path) -> list[str]:
    with raw_connection(folder / "pcso-desk.sqlite") as conn:
        return [str(r[0]) for r in conn.execute("SELECT id FROM contacts")]


def _hub_contacts(url: str) -> tuple[list[str], int, int]:
    """(the distinct contact ids on the hub, its rows of other kinds, its rows beyond one per
    contact: a record has one row per station that sent it), read as the owner."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            found = conn.execute(text("SELECT DISTINCT id FROM hub_items WHERE tbl = 'contacts'"))
            ids = [str(r[0]) for r in found]
            rows = "SELECT count(*) FROM hub_items WHERE tbl = 'contacts'"
            echoed = int(conn.execute(text(rows)).scalar() or 0) - len(ids)
            rest = "SELECT count(*) FROM hub_items WHERE tbl != 'contacts'"
            others = int(conn.execute(text(rest)).scalar() or 0)
    finally:
        engine.dispose()
    return ids, others, echoed


def _problems(expected: set[str], ids: list[str], where: str) -> list[str]:
    found: list[str] = []
    if len(ids) != len(set(ids)):
        found.append(f"{where} holds {len(ids) - len(set(ids))} duplicated contact(s)")
    missing = expected - set(ids)
    if missing:
        found.append(f"{where} lacks {len(missing)} contact(s)")
    extra = set(ids) - expected
    if extra:
        found.append(f"{where} holds {len(extra)} unexpected contact(s)")
    return found


def w8(bench: Bench) -> Result:
    from tests.pg_server import PgServer, find_bin_dir

    stations, each = (3, 200) if bench.quick else (10, 10_000)
    bin_dir = find_bin_dir()
    if bin_dir is None:
        return Result("W8", TITLE, 0.0, "changes/s", None, "", "—", None, None,
                      {"skipped": "PostgreSQL server binaries not found"})  # fmt: skip
    server = PgServer(bin_dir)
    server.start()
    try:
        url = server.create_database(f"hub_{uuid.uuid4().hex}")
        root = bench.work / "w8"
        made = time.perf_counter()
        folders = [root / f"s{n:02d}" for n in range(stations)]
        expected: set[str] = set()
        for n, folder in enumerate(folders):
            expected.update(_make_station(folder, each, f"Station{n:02d}"))
        join_team(url, folders, root / "cards")
        bench.log(f"  made {stations} stations × {each} contacts and joined them in "
                  f"{time.perf_counter() - made:.1f} s")  # fmt: skip
        context = multiprocessing.get_context("spawn")
        barrier = context.Barrier(stations + 1)  # the stations and this process
        between = context.Barrier(stations)  # the stations, between the two rounds
        results = context.Queue()
        workers = [
            context.Process(target=_station_worker, args=(str(f), barrier, between, results))
            for f in folders
        ]
        for worker in workers:
            worker.start()
        barrier.wait(timeout=600)  # every station open and ready
        started = time.perf_counter()
        reports = [results.get(timeout=3600) for _ in workers]
        took = time.perf_counter() - started
        for worker in workers:
            worker.join(timeout=60)
        errors = [r["error"] for r in reports if r.get("error")]
        hub_ids, hub_others, echoed = _hub_contacts(url)
    finally:
        server.stop()
    problems = list(errors)
    problems += _problems(expected, hub_ids, "the hub")
    if hub_others:
        problems.append(f"the hub holds {hub_others} non-contact row(s)")
    for folder in folders:
        problems += _problems(expected, _contacts(folder), folder.name)
    moved = sum(r.get("pushed", 0) + r.get("applied", 0) for r in reports)
    per_station = {
        Path(r["folder"]).name: {
            k: r[k] for k in ("round1_s", "round2_s", "pushed", "pulled", "applied")
        }
        for r in reports
        if not r.get("error")
    }
    detail: dict[str, Any] = {
        "stations": stations,
        "changes_each": each,
        "distinct_changes": len(expected),
        "moved": moved,
        "seconds": round(took, 2),
        "hub_only": hub_rates([r["hub"] for r in reports if "hub" in r]),
        "echoed_rows": echoed,
        "measured": "one round after setup (no warm-up: a sync changes its own starting state)",
        "per_station": dict(sorted(per_station.items())),
    }
    if problems:
        detail["problems"] = problems
    rate = moved / took if took > 0 else 0.0
    title = f"{TITLE} ({stations} × {each:,} changes; {hub_only_note(detail['hub_only'])})"
    return Result("W8", title, rate, "changes/s", None, "", "—", None,
                  False if problems else None, detail)  # fmt: skip


def hub_only_note(rates: dict[str, float]) -> str:
    """The hub-only rates as the report's title shows them beside the end-to-end figure."""
    return (f"hub-only: push {rates['push_items_per_s']:,}/s, "
            f"pull {rates['pull_items_per_s']:,}/s")  # fmt: skip


WORKLOADS = [("W8", w8)]
