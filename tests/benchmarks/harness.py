"""The benchmark harness's shared parts: timing, the synthetic stores, results and reports.

Every workload module exposes ``WORKLOADS``: (key, function) pairs, where the function takes
the `Bench` and returns a `Result`. Figures are medians of several runs after a warm-up, and
each comes with a reference measured in the same run on the same machine, so the ratio means
something on a shared, noisy machine where the seconds alone do not.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
DEMO_DAY = date(2026, 3, 15)  # the demo store's "today": a full year of work behind it
SEED = 7


@dataclass
class Result:
    """One workload's line in the report."""

    key: str  # "W1"
    title: str
    figure: float  # the workload's median (its unit below)
    unit: str  # "s", "ms", "pages/s", "MB", "changes/s"
    reference: float | None  # the same-run reference, in the same unit
    reference_title: str
    budget: str  # as the issue puts it, e.g. "≤ 3×"
    ratio: float | None = None  # figure / reference (for rates: reference / figure)
    within: bool | None = None  # None: reported, no budget to meet
    detail: dict[str, Any] = field(default_factory=dict)

    def row(self) -> list[str]:
        ratio = "" if self.ratio is None else f"{self.ratio:.2f}×"
        verdict = {True: "ok", False: "OVER", None: "—"}[self.within]
        reference = "" if self.reference is None else f"{_number(self.reference)} {self.unit}"
        return [
            self.key,
            self.title,
            f"{_number(self.figure)} {self.unit}",
            reference,
            ratio,
            self.budget,
            verdict,
        ]


def _number(value: float) -> str:
    if value >= 100:
        return f"{value:,.0f}"
    if value >= 10:
        return f"{value:.1f}"
    return f"{value:.3f}" if value < 1 else f"{value:.2f}"


def slower_ratio(key: str, title: str, figure: float, reference: float, limit: float,
                 unit: str = "s", reference_title: str = "", **detail: Any) -> Result:  # fmt: skip
    """A time against its reference time; within budget when figure <= limit × reference."""
    ratio = figure / reference if reference > 0 else float("inf")
    return Result(key, title, figure, unit, reference, reference_title, f"≤ {limit:g}×",
                  ratio, ratio <= limit, dict(detail))  # fmt: skip


@dataclass
class Timing:
    runs: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.runs)

    def p95(self) -> float:
        ordered = sorted(self.runs)
        return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


@dataclass
class Bench:
    """What every workload is given: the mode, a work folder, and the shared stores."""

    quick: bool
    work: Path
    runs: int = 5
    warmups: int = 1
    _county: Path | None = None
    log: Callable[[str], None] = field(default=lambda line: print(line, file=sys.stderr))

    @property
    def contacts(self) -> int:
        """How many contacts the 'county' store and the import CSV hold in this mode."""
        return 1_500 if self.quick else 101_000

    @property
    def scale(self) -> str:
        return "small" if self.quick else "county"

    def times(self, work: Callable[[], Any], setup: Callable[[], Any] | None = None,
              runs: int | None = None, warmups: int | None = None) -> Timing:  # fmt: skip
        """Seconds per run of `work` (after `setup`, untimed), warm-ups discarded."""
        found: list[float] = []
        total = (self.warmups if warmups is None else warmups) + (runs or self.runs)
        for number in range(total):
            if setup is not None:
                setup()
            start = time.perf_counter()
            work()
            took = time.perf_counter() - start
            if number >= total - (runs or self.runs):
                found.append(took)
        return Timing(found)

    def county_store(self) -> Path:
        """A data folder holding the demo store at county scale (small in quick mode), built
        once per run; treat it as read-only and take a `copy_of` it to change anything."""
        if self._county is None:
            folder = self.work / f"demo-{self.scale}"
            built = folder / ".built"  # a kept --work folder is reused from run to run
            if not built.exists():
                if folder.exists():
                    shutil.rmtree(folder)
                started = time.perf_counter()
                build_demo_folder(folder, self.scale)
                took = time.perf_counter() - started
                self.log(f"  built the {self.scale} demo store in {took:.1f} s")
                built.touch()
            self._county = folder
        return self._county

    def copy_of(self, folder: Path, name: str) -> Path:
        """A fresh copy of a data folder (its store, keys and settings) under the work folder;
        backups are left behind (a copy of a county store's backups is gigabytes)."""
        target = self.work / name
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(folder, target, ignore=shutil.ignore_patterns("backups", ".built"))
        return target


def build_demo_folder(folder: Path, scale: str) -> None:
    """A data folder with the seeded demo store and the demo accounts (password known):
    encrypted, as the app makes it. (The app encrypts a plain store at its first sign-in, so
    the cost of encryption is measured against the harness of the commit before it: README,
    "Performance".)"""
    from pcso_desk.paths import DataPaths
    from pcso_desk.services.api import Door
    from pcso_desk.services.protection.accounts import create_demo_accounts

    paths = DataPaths(folder).ensure()
    services = Door(paths).create(demo=True)
    try:
        services.build_demo(seed=SEED, scale=scale, today=DEMO_DAY)
        create_demo_accounts(services.ctx)
    finally:
        services.ctx.store.close()


def open_signed_in(folder: Path, username: str = "sergeant") -> Any:
    """The app's services over an existing data folder, signed in as a demo account (as the
    app signs in: the password unwraps the store's key, which opens it)."""
    from pcso_desk.paths import DataPaths
    from pcso_desk.services.api import Door
    from pcso_desk.services.protection.accounts import DEMO_PASSWORD, sign_in
    from tests.keys import build_services

    paths = DataPaths(folder)
    if store_key(paths.store) is not None:
        return Door(paths).sign_in(username, DEMO_PASSWORD)
    services = build_services(paths, create=False)
    sign_in(services.ctx, username, DEMO_PASSWORD)
    return services


def store_key(store: Path) -> bytes | None:
    """The key of an encrypted bench store (unwrapped with a demo account's password, or
    open on a station with no account yet)."""
    from pcso_desk.services.protection.accounts import DEMO_PASSWORD
    from pcso_desk.store import keyring

    path = keyring.keyring_path(store)
    if not path.exists():
        return None
    ring = keyring.Keyring.load(path)  # a station with no account yet: its key lies open
    return ring.open_key() or ring.unwrap_account("sergeant", DEMO_PASSWORD)[0]


def raw_connection(path: Path | str, **options: Any) -> Any:
    """A raw connection to a bench store as a hand-written reference would open it, in the
    app's SQLite library (SQLCipher), with the store's key when it is encrypted."""
    from pcso_desk.store.engine import driver, key_pragma

    connection = driver.connect(str(path), **options)
    connection.execute("PRAGMA cipher_log_level = NONE")
    key = store_key(Path(path))
    if key is not None:
        connection.execute(f'PRAGMA key = "{key_pragma(key)}"')
    return connection


@contextmanager
def raw_sqlite(path: Path) -> Iterator[Any]:
    """A raw connection, as a hand-written reference would use it: the app's SQLite (with
    SQLCipher), with the store's key when it is encrypted, so both sides decrypt pages."""
    from pcso_desk.store.engine import connect

    connection = connect(path, store_key(path))
    try:
        yield connection
    finally:
        connection.close()


def rss_mb(pid: int | None = None) -> float:
    """Resident set size now, in MB (Linux /proc)."""
    status = Path(f"/proc/{pid or os.getpid()}/status").read_text()
    kib = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:"))
    return kib / 1024


def machine() -> dict[str, Any]:
    """What the figures were taken on."""
    cpu = "unknown"
    with_cpuinfo = Path("/proc/cpuinfo")
    if with_cpuinfo.exists():
        for line in with_cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = 0.0
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        memory = int(meminfo.read_text().split()[1]) / 1024 / 1024
    try:
        from PySide6 import __version__ as qt
    except ImportError:  # pragma: no cover - the harness needs the test extra
        qt = "absent"
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": round(memory, 1),
        "os": platform.platform(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "pyside6": qt,
    }


def table(results: list[Result]) -> str:
    head = ["", "workload", "measured", "reference", "ratio", "budget", ""]
    rows = [head, *(r.row() for r in results)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(head))]
    lines = ["  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip()
             for row in rows]  # fmt: skip
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def write_json(path: Path, results: list[Result], bench: Bench, seconds: float) -> None:
    payload = {
        "taken": datetime.now(UTC).isoformat(timespec="seconds"),
        "mode": "quick" if bench.quick else "full",
        "runs": bench.runs,
        "warmups": bench.warmups,
        "seconds": round(seconds, 1),
        "machine": machine(),
        "results": [asdict(r) for r in results],
    }
    path.write_text(json.dumps(payload, indent=2, default=str) + "\n", encoding="utf-8")


def at_most(key: str, title: str, figure: float, limit: float, unit: str,
            **detail: Any) -> Result:  # fmt: skip
    """A figure with an absolute ceiling (seconds, MB) rather than a reference."""
    return Result(key, title, figure, unit, None, "", f"≤ {limit:g} {unit}", None,
                  figure <= limit, dict(detail))  # fmt: skip
