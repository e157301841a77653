"""W3: a full sync of a county-scale store into an empty station, against raw SQLite copying.

W3 — "sync: export all changes of a county-scale store and import them into an empty
station". Untimed setup, before every run: a fresh copy of `bench.county_store()` (the
exporter, signed in as the demo sergeant), and a brand-new, never-synced station of the same
team in a fresh folder (`build_services` + `init_store`, as tests/stations.py makes them);
each trusts the other through identity files, as `sync identity` / `sync trust` do. Timed:
the exporter writes a full bundle for its trusted peers (`Sync.export_bundle(full=True)`, the
path of the Sync screen and `pcso-desk sync export --full`: read every synced row, encode,
compress, encrypt, sign, write atomically, audit), then the new station imports it
(`Sync.import_bundle`: verify, decrypt, decompress, check every value, merge in one
transaction, enforce erasures, refresh derived dates, journal, audit). The detail gives the
export and import parts (medians), the number of changes, the bundle size and the rate.

Reference, measured in the same run: raw `sqlite3` reads every row of every synced table of
the same store (`SELECT *` per table) and inserts those rows with `executemany` into an empty
store with the same schema (a fresh station's store made, untimed, by `build_services` on a
fresh folder), all in one transaction, committed. Same rows, same tables, same columns; no
encoding, encryption, checking or merging — the floor any sync must stand on.

Budget: ≤ 2× the reference. A county store is ~420 MB (about 600,000 synced rows), so the
full mode measures 3 runs (`runs=3`) after one warm-up rather than the harness's default 5;
quick mode uses the small demo store (about 42,000 synced rows) and one run of each, no
warm-up, to stay within a few seconds.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path
from typing import Any

from tests.benchmarks.harness import (
    Bench,
    Result,
    raw_connection,
    slower_ratio,
    store_key,
)
from tests.stations import station as new_station
from tests.stations import trust

TITLE = "sync: full export + import into an empty station"
REFERENCE = "raw SELECT * + executemany INSERT of the same rows"
BUDGET = 2.0


def _open_signed_in(folder: Path) -> Any:
    """The exporter's services, signed in as the demo sergeant (no automatic backup: the copy
    is thrown away, and a backup of 420 MB would only slow the untimed setup)."""
    from pcso_desk.paths import DataPaths
    from pcso_desk.services.api import Services
    from pcso_desk.services.context import Context
    from pcso_desk.services.protection.accounts import DEMO_PASSWORD, sign_in
    from pcso_desk.store.session import open_store

    paths = DataPaths(folder)
    key = store_key(paths.store)
    store = open_store(paths.store, paths.backups, create=False, key=key)
    services = Services(Context.open(store))
    sign_in(services.ctx, "sergeant", DEMO_PASSWORD)
    return services


def _team(folder: Path) -> str:
    from pcso_desk.services.context import TEAM_KEY

    with raw_connection(folder / "pcso-desk.sqlite") as conn:
        found = conn.execute("SELECT value FROM store_meta WHERE key = ?", (TEAM_KEY,)).fetchone()
    return str(found[0])


def _fresh_station(folder: Path, team: str) -> Any:
    """A new, set-up station of `team` in an emptied folder (tests/stations.py)."""
    import shutil

    if folder.exists():
        shutil.rmtree(folder)
    return new_station(folder, team, encrypted=True)


class _Pair:
    """One run's exporter (a fresh copy of the county store) and empty importing station."""

    def __init__(self, bench: Bench) -> None:
        self.bench = bench
        self.source = bench.county_store()
        self.team = _team(self.source)
        self.exporter: Any = None
        self.importer: Any = None
        self.export_s: list[float] = []
        self.import_s: list[float] = []
        self.changes = 0
        self.applied = 0
        self.bundle_bytes = 0

    def close(self) -> None:
        for services in (self.exporter, self.importer):
            if services is not None:
                services.ctx.store.close()
        self.exporter = self.importer = None

    def setup(self) -> None:
        self.close()
        work = self.bench.work
        self.exporter = _open_signed_in(self.bench.copy_of(self.source, "w3-exporter"))
        self.importer = _fresh_station(work / "w3-importer", self.team)
        cards = work / "w3-cards"
        cards.mkdir(exist_ok=True)
        trust(self.exporter, self.importer, cards)
        trust(self.importer, self.exporter, cards)
        self.bundle = work / "w3-full.pcsosync"
        self.bundle.unlink(missing_ok=True)

    def run(self) -> None:
        started = time.perf_counter()
        exported = self.exporter.sync.export_bundle(self.bundle, full=True)
        middle = time.perf_counter()
        imported = self.importer.sync.import_bundle(self.bundle)
        ended = time.perf_counter()
        if imported.received != exported.changes or imported.changed != exported.changes:
            raise AssertionError(
                f"W3 moved {exported.changes} changes but {imported.changed} were applied"
            )
        self.export_s.append(middle - started)
        self.import_s.append(ended - middle)
        self.changes = exported.changes
        self.applied = imported.changed
        self.bundle_bytes = self.bundle.stat().st_size


class _Raw:
    """The reference: SELECT * of every synced table, executemany into an empty store."""

    def __init__(self, bench: Bench, team: str) -> None:
        self.bench = bench
        self.team = team
        self.rows = 0
        self.target = bench.work / "w3-raw"

    def setup(self) -> None:
        station = _fresh_station(self.target, self.team)
        station.ctx.store.close()

    def run(self) -> None:
        from pcso_desk.store.clocks import synced_tables

        source = self.bench.county_store() / "pcso-desk.sqlite"
        rows = 0
        reader = raw_connection(source)
        writer = raw_connection(self.target / "pcso-desk.sqlite", isolation_level=None)
        try:
            writer.execute("BEGIN IMMEDIATE")
            for table in synced_tables():
                cursor = reader.execute(f'SELECT * FROM "{table.name}"')
                columns = ", ".join(f'"{d[0]}"' for d in cursor.description)
                marks = ", ".join("?" for _ in cursor.description)
                found = cursor.fetchall()
                writer.executemany(
                    f'INSERT INTO "{table.name}" ({columns}) VALUES ({marks})', found
                )
                rows += len(found)
            writer.execute("COMMIT")
        finally:
            reader.close()
            writer.close()
        self.rows = rows


def w3(bench: Bench) -> Result:
    runs = 1 if bench.quick else 3  # see the module docstring
    pair = _Pair(bench)
    raw = _Raw(bench, pair.team)
    try:
        reference = bench.times(raw.run, setup=raw.setup, runs=runs)
        measured = bench.times(pair.run, setup=pair.setup, runs=runs)
    finally:
        pair.close()
    kept = len(measured.runs)
    export_s = statistics.median(pair.export_s[-kept:])
    import_s = statistics.median(pair.import_s[-kept:])
    if raw.rows != pair.changes:
        raise AssertionError(f"W3: the reference moved {raw.rows} rows, sync {pair.changes}")
    return slower_ratio(
        "W3",
        TITLE,
        measured.median,
        reference.median,
        BUDGET,
        reference_title=REFERENCE,
        changes=pair.changes,
        applied=pair.applied,
        export_s=round(export_s, 3),
        import_s=round(import_s, 3),
        bundle_mb=round(pair.bundle_bytes / 1e6, 1),
        changes_per_s=round(pair.changes / measured.median),
        runs=[round(r, 3) for r in measured.runs],
        p95_s=round(measured.p95(), 3),
        reference_runs=[round(r, 3) for r in reference.runs],
        reference_rows=raw.rows,
    )


WORKLOADS = [("W3", w3)]
