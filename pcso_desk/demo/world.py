"""The machinery under the demo builder: the batch writer, the build's shared state, helpers.

`Sink` writes rows in batches, one executemany per table (on a thread of its own, while the
next rows are made), and gives each row its sync columns
(a UUID drawn from a seeded random.Random, created/updated times, this station, and a hybrid
logical clock value made from those times), so that a build is a pure function of its seed and
day. `bulk_mode` makes a county-sized load take seconds rather than minutes.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import json
import math
import os
import random
import re
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any, Generic, TypeVar

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from pcso_desk.demo import places
from pcso_desk.domain.enums import ContactKind, Role
from pcso_desk.domain.hlc import Hlc
from pcso_desk.domain.schedule import LONDON
from pcso_desk.store import models as m
from pcso_desk.store.types import JSONList, UTCDateTime

BATCH = 5000
BULK_CACHE_KIB = 64 * 1024  # page cache for the load; SQLite's own default is 2 MiB
UNIT_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"  # letters Royal Mail uses in the inward code


@dataclass(frozen=True)
class Scale:
    """How much of everything to make; the organisation is the same at every scale."""

    contacts: int
    engagements: int
    victim_cases: int
    messages: int
    crimes_per_ward_month: float
    shifts_per_week: int  # patrol shifts logged per officer per week
    max_sessions: int  # patrol sessions per shift, 1..max


SCALES = {
    "small": Scale(1_500, 3_000, 120, 300, 3.0, 1, 1),
    "county": Scale(101_000, 170_000, 4_000, 12_000, 30.0, 4, 3),
}


Converter = Callable[[Any], Any] | None
T = TypeVar("T")


def utc_text(value: datetime | None) -> str | None:
    """What UTCDateTime stores for an aware datetime ("2025-06-15 09:30:00", naive UTC)."""
    if value is None:
        return None
    if value.tzinfo is None:
        raise ValueError("naive datetime given to a UTC column")
    return value.astimezone(UTC).isoformat(" ", "seconds")[:19]


def json_text(value: list[str] | None) -> str | None:
    """What JSONList stores, with the common empty list short-cut; the few lists the demo
    repeats (issues, tags, hot spots) are encoded once each."""
    if value is None:
        return None
    if not value:
        return "[]"
    key = tuple(value)
    text = _JSON_SEEN.get(key)
    if text is None:
        if len(_JSON_SEEN) >= 50_000:  # bounded: a long-lived app may build more than once
            _JSON_SEEN.clear()
        text = _JSON_SEEN[key] = json.dumps(list(value), ensure_ascii=False)
    return text


_JSON_SEEN: dict[tuple[str, ...], str] = {}


def uuid4_text(bits: int) -> str:
    """str(uuid.UUID(int=bits, version=4)) without building a UUID object (a hot path here)."""
    bits = (bits & ~(0xC000 << 48) | 0x8000 << 48) & ~(0xF000 << 64) | 0x4000 << 64
    h = f"{bits:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


class Sink:
    """Buffers rows per table and writes them in batches of one executemany, parents first.

    Tables flush in the order they were first given rows, so a row's parents (added earlier)
    are always written before it. Each row gets its sync columns here: a seeded UUID, created and
    updated times capped at the demo's moment, this station, and a clock value from those times.
    Values are converted by each column type's own bind processor (a faster equivalent for UTC
    datetimes) and every column must be given, so nothing is left to a default.
    """

    def __init__(self, session: Session, station: str, cap: datetime, seed: int) -> None:
        self.session = session
        self.station = station
        self.cap = cap
        self.ids = random.Random(f"pcso-desk-demo:{seed}:ids")
        self.plans: dict[str, tuple[str, Callable[..., tuple[Any, ...]]]] = {}
        self.buffers: dict[str, list[tuple[Any, ...]]] = {}
        self.counts: dict[str, int] = {}
        self.texts: dict[datetime, str] = {}
        self.seq = 0
        self.top = (0, 0)
        self._writer = ThreadPoolExecutor(1, thread_name_prefix="demo-writer")
        self._pending: Future[None] | None = None

    def new_id(self) -> str:
        return uuid4_text(self.ids.getrandbits(128))

    def _utc(self, value: datetime | None) -> str | None:
        """utc_text, remembered for the batch: most rows repeat one time in several columns."""
        if value is None:
            return None
        text = self.texts.get(value)
        if text is None:
            text = self.texts[value] = str(utc_text(value))
        return text

    def add(
        self,
        model: Any,
        row: dict[str, Any],
        at: datetime,
        *,
        changed: datetime | None = None,
        by: str | None = None,
    ) -> str:
        created = min(at, self.cap)
        updated = max(created, min(changed or at, self.cap))
        if "id" not in row:
            row["id"] = self.new_id()
        self.seq += 1
        clock = (int(updated.timestamp() * 1000), self.seq % 1_000_000)
        if clock > self.top:
            self.top = clock
        name = model.__tablename__
        plan = self.plans.get(name) or self._plan(name)
        hlc = f"{clock[0]:015d}-{clock[1]:06d}-{self.station}"
        rows = self.buffers[name]
        rows.append(plan[1](row, created, updated, by, hlc))
        if len(rows) >= BATCH:
            self.flush()
        return str(row["id"])

    def _plan(self, name: str) -> tuple[str, Callable[..., tuple[Any, ...]]]:
        """The table's INSERT and a function made for it that turns a row into its values.

        Each column's value is the row's (or the model's default when the row leaves it out:
        a column added since the demo was written), converted by its type's bind processor (a
        faster equivalent for UTC datetimes); the sync columns are the ones `add` works out:
        created and updated times, who, the clock, this station, and NULL for the rest.
        """
        table = m.Base.metadata.tables[name]
        dialect = self.session.get_bind().dialect
        special: dict[type[Any], Converter] = {UTCDateTime: self._utc, JSONList: json_text}
        given = {  # the sync columns: what `add` gives each (an argument, or a constant)
            "created_at": "created",
            "updated_at": "updated",
            "created_by": "by",
            "updated_by": "by",
            "updated_role": None,  # made up, by no one signed in
            "station_id": "station",
            "hlc": "hlc",
            "deleted_at": None,
            "erased_at": None,
            "field_clocks": None,
        }
        scope: dict[str, Any] = {"station": self.station}
        values: list[str] = []
        for n, column in enumerate(table.columns):
            convert = special.get(type(column.type)) or column.type.bind_processor(dialect)
            if column.name in given and given[column.name] is None:
                scope[f"k{n}"] = None if convert is None else convert(None)
                values.append(f"k{n}")
                continue
            if column.name in given:
                value = str(given[column.name])
            else:
                scope[f"b{n}"] = _model_default(column)
                value = f"get({column.name!r}, b{n})"
            if convert is not None:
                scope[f"f{n}"] = convert
                value = f"f{n}({value})"
            values.append(value)
        source = (
            "def values(row, created, updated, by, hlc):\n"
            "    get = row.get\n"
            f"    return ({', '.join(values)},)\n"
        )
        exec(source, scope)  # code made here from the table's own column names, no input
        names = ", ".join(c.name for c in table.columns)
        marks = ", ".join("?" for _ in table.columns)
        self.plans[name] = (f"INSERT INTO {name} ({names}) VALUES ({marks})", scope["values"])
        self.buffers.setdefault(name, [])
        return self.plans[name]

    def flush(self) -> None:
        """Hand the rows buffered so far to the writer thread, parents first.

        The writer writes one flush's batches while the build makes the next rows: SQLite's
        own work (and the page encryption) runs without Python's lock, so the two share the
        machine's cores. One flush is written at a time, in order, on the unit of work's own
        connection; the build's thread does not use that connection meanwhile (see `wait`).
        """
        batches = []
        for table, rows in self.buffers.items():
            if rows:
                batches.append((self.plans[table][0], rows))
                self.counts[table] = self.counts.get(table, 0) + len(rows)
                self.buffers[table] = []
        self.texts.clear()
        if batches:  # after the one before: in order, and no more than one held in memory
            self.later(functools.partial(_write, batches=batches))

    def later(self, work: Callable[[Any], None]) -> None:
        """Do `work` with the connection on the writer thread, after what is flushed so far."""
        self.wait()
        raw = self.session.connection().connection.dbapi_connection
        self._pending = self._writer.submit(work, raw)

    def wait(self) -> None:
        """Wait until everything flushed is written (raising the writer's error, if any):
        before the connection is used for anything else."""
        pending, self._pending = self._pending, None
        if pending is not None:
            pending.result()

    def close(self) -> None:
        """Wait for the writer and end its thread (also when the build failed: nothing may be
        writing when the unit of work rolls back)."""
        try:
            self.wait()
        finally:
            self._writer.shutdown(wait=True)

    @property
    def last_clock(self) -> Hlc:
        return Hlc(self.top[0], self.top[1], self.station)


def _write(connection: Any, *, batches: list[tuple[str, list[tuple[Any, ...]]]]) -> None:
    for statement, rows in batches:
        connection.executemany(statement, rows)


def _model_default(column: Any) -> Any:
    """What the model would store in `column` when a new record leaves it out."""
    default = column.default
    if default is None:
        return None
    if default.is_callable:
        return default.arg(None)
    return default.arg if default.is_scalar else None


class Weighted(Generic[T]):
    """A weighted choice whose cumulative weights are worked out once, not on every pick."""

    def __init__(self, items: Sequence[T], weights: Sequence[float]) -> None:
        self.items = list(items)
        self.cumulative = list(itertools.accumulate(weights))
        self.total = self.cumulative[-1]

    def pick(self, rng: random.Random) -> T:
        return self.items[bisect.bisect(self.cumulative, rng.random() * self.total)]


@dataclass(frozen=True)
class Person:
    """A contact as later stages need it: who, what kind, which street, since when."""

    id: str
    name: str
    kind: ContactKind
    street: str
    created: datetime


@dataclass(eq=False)
class Hood:
    id: str
    place: places.HoodPlace
    district: places.DistrictPlace
    town: str
    wards: list[Ward] = field(default_factory=list)
    officers: list[tuple[str, Role]] = field(default_factory=list)
    # Held PACT / ward panel meetings: (id, start, title); priorities are agreed at these.
    pacts: list[tuple[str, datetime, str]] = field(default_factory=list)

    @property
    def weight(self) -> float:
        return sum(ward.weight for ward in self.wards)

    def ids(self, *roles: Role) -> list[str]:
        """The team's officers with any of these roles (all of them when none is given)."""
        return [oid for oid, role in self.officers if not roles or role in roles]


@dataclass(eq=False)
class Ward:
    id: str
    name: str
    hood: Hood
    areas: list[str]
    weight: float
    officers: list[str] = field(default_factory=list)
    contacts: list[Person] = field(default_factory=list)
    contact_times: list[datetime] = field(default_factory=list)

    def pick(self, rng: random.Random, before: datetime) -> Person | None:
        """A contact of this ward already known at `before`, or None."""
        known = bisect.bisect_right(self.contact_times, before)
        return self.contacts[rng.randrange(known)] if known else None


@dataclass(eq=False)
class World:
    """Shared state of one build: the sink, the calendar, the places made so far, name pools."""

    sink: Sink
    seed: int
    scale: Scale
    today: date
    firsts: list[str]
    lasts: list[str]
    hoods: list[Hood] = field(default_factory=list)
    wards: list[Ward] = field(default_factory=list)

    @property
    def moment(self) -> datetime:
        return at(self.today, 0)

    @property
    def start(self) -> date:
        return self.today - timedelta(days=365)

    def rng(self, stage: str) -> random.Random:
        """A random stream per stage, so that one stage's changes never reshuffle another's."""
        return random.Random(f"pcso-desk-demo:{self.seed}:{stage}")

    def when(self, rng: random.Random, first: date, last: date, hours: tuple[int, int]) -> datetime:
        """A random London time between `hours` on a random day from first to last inclusive."""
        day = first + timedelta(days=rng.randint(0, max(0, (last - first).days)))
        return at(day, rng.randrange(hours[0] * 60, hours[1] * 60))

    def name(self, rng: random.Random) -> tuple[str, str]:
        return rng.choice(self.firsts), rng.choice(self.lasts)


@functools.lru_cache(maxsize=1 << 16)  # a build asks for the same instants again and again
def at(day: date, minute: int) -> datetime:
    """The UTC instant of a London wall-clock time, given as minutes after midnight, on a day."""
    return datetime.combine(day, time(minute // 60, minute % 60), LONDON).astimezone(UTC)


def apportion(total: int, weights: Sequence[float]) -> list[int]:
    """Split total into whole shares proportional to weights (largest remainders get the rest)."""
    whole = sum(weights)
    exact = [total * w / whole for w in weights]
    shares = [math.floor(x) for x in exact]
    by_remainder = sorted(range(len(weights)), key=lambda i: shares[i] - exact[i])
    for i in by_remainder[: total - sum(shares)]:
        shares[i] += 1
    return shares


def poisson(rng: random.Random, lam: float) -> int:
    if lam > 30:
        return max(0, round(rng.gauss(lam, math.sqrt(lam))))
    limit, k, p = math.exp(-lam), 0, rng.random()
    while p > limit:
        k += 1
        p *= rng.random()
    return k


def slug(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalpha())


def mobile(rng: random.Random, low: int, high: int) -> str:
    """An Ofcom drama-range mobile (07700 900xxx) in E.164, from the given block of xxx."""
    return f"+447700900{rng.randint(low, high):03d}"


def landline(rng: random.Random, low: int, high: int) -> str:
    """An Ofcom drama-range landline (01632 960xxx) in E.164."""
    return f"+441632960{rng.randint(low, high):03d}"


@contextmanager
def unjournaled(engine: Engine, path: Path) -> Iterator[None]:
    """Load a store that is new and no one's yet (a build folder of its own) without its
    write-ahead log and without waiting for the disk: the pages are written once, into the
    store itself, instead of into the log and then copied. Still encrypted page by page; a
    rollback still undoes (the journal is kept in memory). A build cut short leaves a damaged
    file, but only in the build folder, which is thrown away (builder.make_demo_folder). On
    the way out the store is put back in WAL mode with full syncs (store/engine.py) and
    synced, before anyone else opens it.
    """
    engine.dispose()  # the one connection left, so that the journal mode may change
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA journal_mode=MEMORY")
        conn.exec_driver_sql("PRAGMA synchronous=OFF")
    try:
        yield
    finally:
        engine.dispose()  # the next connection opens with the usual pragmas: WAL, FULL
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA journal_mode=WAL")
    with open(path, "rb+") as file:  # what synchronous=OFF left to the OS, on the disk now
        os.fsync(file.fileno())


class Rebuild:
    """What `bulk_mode` took away, to be put back: the plain indexes and the search indexes'
    insert triggers, each with its table, and each table's largest rowid before the load."""

    def __init__(
        self,
        indexes: list[tuple[str, str]],
        triggers: list[tuple[str, str, str]],
        marks: dict[str, int],
        sink: Sink | None = None,
    ) -> None:
        self.indexes = indexes  # (table, CREATE INDEX ...)
        self.triggers = triggers  # (trigger name, table, CREATE TRIGGER ...)
        self.marks = marks
        self.sink = sink

    def take(self, tables: frozenset[str]) -> Rebuild:
        """What `tables` lost, taken off this list."""
        part = Rebuild(
            [i for i in self.indexes if i[0] in tables],
            [t for t in self.triggers if t[1] in tables],
            self.marks,
        )
        self.indexes = [i for i in self.indexes if i[0] not in tables]
        self.triggers = [t for t in self.triggers if t[1] not in tables]
        return part

    def early(self, tables: frozenset[str]) -> None:
        """Put back what `tables` lost now, on the sink's writer thread (after the rows flushed
        so far), while the build goes on making other rows."""
        if self.sink is None:
            return
        part = self.take(tables)
        self.sink.flush()
        self.sink.later(lambda connection: part.put_back(connection.execute))

    def put_back(self, execute: Callable[[str], Any]) -> None:
        """Each index made, then each search index filled and its trigger put back."""
        for _table, sql in self.indexes:
            execute(sql)
        for name, table, sql in self.triggers:
            execute(_backfill_sql(execute, table, name.removesuffix("_ai"), sql, self.marks[table]))
            execute(sql)
        self.indexes, self.triggers = [], []


@contextmanager
def bulk_mode(session: Session, sink: Sink | None = None) -> Iterator[Rebuild]:
    """Make a large load fast inside the caller's transaction, leaving the schema as it was.

    A large page cache while loading; plain (non-unique) indexes are dropped and rebuilt once
    at the end, which is far cheaper than keeping them up to date row by row; and each search
    index (the `*_fts_ai` triggers of migration 0002) is filled once at the end with the
    trigger's own live-row condition, then the trigger is put back. Everything is put back from
    the SQL SQLite stored for it; on an error the transaction rolls back, drops included.

    With the `sink` whose rows are being loaded, `Rebuild.early(tables)` puts back what those
    tables lost at once, on the sink's writer thread, while the build goes on making other
    rows (rows those tables are given later are indexed as they arrive, as in any store).
    """
    conn = session.connection()
    triggers = conn.exec_driver_sql(
        "SELECT name, tbl_name, sql FROM sqlite_master "
        "WHERE type = 'trigger' AND name GLOB '*_fts_ai' ORDER BY name"
    ).all()
    marks = {
        t: conn.exec_driver_sql(f"SELECT max(rowid) FROM {t}").scalar() or 0 for _, t, _ in triggers
    }
    indexes = conn.exec_driver_sql(
        "SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
        "AND upper(sql) NOT LIKE 'CREATE UNIQUE%' ORDER BY name"
    ).all()
    cache = conn.exec_driver_sql("PRAGMA cache_size").scalar()
    conn.exec_driver_sql(f"PRAGMA cache_size = -{BULK_CACHE_KIB}")
    rebuild = Rebuild(
        [(table, sql) for _name, table, sql in indexes],
        [(name, table, sql) for name, table, sql in triggers],
        marks,
        sink,
    )
    try:
        for kind, rows in (("TRIGGER", triggers), ("INDEX", indexes)):
            for row in rows:
                conn.exec_driver_sql(f"DROP {kind} {row[0]}")
        yield rebuild
        if sink is not None:
            sink.close()  # every row and early rebuild written before the rest is put back
        rebuild.put_back(lambda sql: conn.exec_driver_sql(sql))
    finally:
        conn.exec_driver_sql(f"PRAGMA cache_size = {cache}")


def _backfill_sql(
    execute: Callable[[str], Any], table: str, fts: str, trigger_sql: str, after: int
) -> str:
    """The insert that indexes the rows added since rowid `after` that the trigger would
    have indexed."""
    columns = ", ".join(row[1] for row in execute(f"PRAGMA table_info({fts})").fetchall())
    live = re.search(r"\bWHEN\s+(.*?)\s+BEGIN\b", trigger_sql, re.IGNORECASE | re.DOTALL)
    where = f"new.rowid > {after}" + (f" AND ({live.group(1)})" if live else "")
    return (
        f"INSERT INTO {fts}(rowid, {columns}) SELECT rowid, {columns} FROM {table} AS new "
        f"WHERE {where}"
    )
