"""Builds the upgrade corpus: one small store per schema revision, holding every kind of record.

tests/store/test_upgrade_corpus.py upgrades each store under tests/data/stores/ to the newest
schema and checks it record by record (the practice of Electrum and qutebrowser): a migration
that drops or mangles data a release wrote fails it.

Adding a migration? Add its store to the corpus, in the same commit:

    .venv/bin/python tests/data/make_corpus.py 0008      # writes tests/data/stores/0008.sqlite
    git add -f tests/data/stores/0008.sqlite   # -f: .gitignore ignores *.sqlite elsewhere

(with no argument it builds the store for the newest revision, migrate.HEAD). A test fails
while the newest revision has no store. Never rebuild the stores of older revisions: each
stands for what the release of its day wrote, and the next migration must upgrade them as
they are. If a new table or column needs values this script cannot guess (an enum kept as
plain text, JSON in a text column), add it to OVERRIDES below before building the store.

How a store is built: an empty store is migrated by Alembic to exactly that revision, then
every table present at that revision (found with sqlite_master and PRAGMA table_info, so the
script works for any revision) gets two synthetic rows: a full one (every column holds a
value) and a sparse one (every nullable column NULL); contacts also get a tombstone and one
merged into another. Foreign keys point at the rows made here; enum columns take values the
newest models accept; the audit log (from 0004) holds a short hash chain made the way
services/protection/audit.py makes it. Everything is made up: "Corpus Person 0003", ZZ99 postcodes,
01632 960xxx phone numbers (Ofcom's drama range), example.org addresses, no password hash.
"""

from __future__ import annotations

import json
import sqlite3
import sys
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from pcso_desk.domain.hlc import Hlc  # noqa: E402
from pcso_desk.store import migrate  # noqa: E402
from pcso_desk.store.models import Base  # noqa: E402
from pcso_desk.store.types import JSONList, UTCDateTime  # noqa: E402

STORES = Path(__file__).with_name("stores")
NAMESPACE = uuid.UUID("5f1c0a52-9d0e-4c0b-a7d4-6f2b8e3c1d00")
STATION = str(uuid.uuid5(NAMESPACE, "station"))
BASE_MS = 1_709_280_000_000  # 2024-03-01 08:00 UTC
# Columns kept as plain text whose values the app reads as more than text.
OVERRIDES: dict[tuple[str, str], list[Any]] = {  # per row: [row 1, row 2, ...]
    ("boundaries", "kind"): ["ward", "lsoa"],
    ("boundaries", "shape"): [
        json.dumps([[[[-0.11, 51.69], [-0.09, 51.69], [-0.09, 51.71], [-0.11, 51.69]]]]),
        json.dumps([[[[-0.10, 51.70], [-0.095, 51.70], [-0.095, 51.705], [-0.10, 51.70]]]]),
    ],
    ("field_history", "table_name"): ["contacts", "contacts"],
    ("field_history", "field_name"): ["phone", "address"],
    ("field_history", "value"): [json.dumps("01632 960103"), json.dumps("1 Corpus Road")],
    ("councils", "kind"): ["district", "parish", "town", "district"],
    ("retention_reviews", "decision"): ["keep", "dispose"],
    ("retention_reviews", "table_name"): ["contacts", "contacts"],
    ("sync_conflicts", "kind"): ["field", "deletion"],
    ("sync_conflicts", "table_name"): ["contacts", "contacts"],
    ("sync_conflicts", "field_name"): ["phone", ""],
    ("sync_conflicts", "a_value"): [json.dumps("01632 960101"), "null"],
    ("sync_conflicts", "b_value"): [json.dumps("01632 960102"), "null"],
    ("sync_conflicts", "chosen"): ["a", ""],
    ("sync_hubs", "address"): ["postgresql://corpus@hub.example.org/pcso", ""],
    ("sync_set_aside", "id"): ["hub:corpus-hub:41", "bundle:corpus-bundle:7"],
    ("sync_set_aside", "source"): ["hub", "bundle"],
    ("sync_set_aside", "sender_name"): ["Corpus Station Two", ""],
    ("sync_set_aside", "kind"): ["contacts", "meetings"],
    ("sync_set_aside", "reason"): [
        "It is dated 2 hours ahead of this PC's clock.",
        "It was made by a newer release of PCSO Desk.",
    ],
    ("sync_set_aside", "payload"): ["corpus opaque payload 1", "corpus opaque payload 2"],
    ("users", "password_hash"): ["corpus-not-a-password-hash", "corpus-not-a-password-hash"],
    ("users", "role"): ["admin", "pcso"],
    ("users", "username"): ["corpus.admin", "corpus.pcso"],
    ("users", "failed_attempts"): [0, 0],
}


def record_id(table: str, n: int) -> str:
    return str(uuid.uuid5(NAMESPACE, f"{table}/{n}"))


def clock(n: int, station: str = STATION) -> str:
    return Hlc(BASE_MS + n * 1000, n % 3, station).encode()


def build(revision: str, out: Path) -> None:
    """Write the corpus store for `revision` to `out` (replacing it)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    for stale in (out, out.with_name(out.name + "-wal"), out.with_name(out.name + "-shm")):
        stale.unlink(missing_ok=True)
    migrate_to(revision, out)
    conn = sqlite3.connect(out, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode=DELETE")
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("BEGIN")
        fill(conn, revision)
        conn.execute("COMMIT")
        problems = conn.execute("PRAGMA foreign_key_check").fetchall()
        assert problems == [], problems
        conn.execute("PRAGMA page_size=1024")  # a page per table and index: keep pages small
        conn.execute("VACUUM")
    finally:
        conn.close()


def migrate_to(revision: str, path: Path) -> None:
    from alembic import command

    from pcso_desk.store.engine import make_engine

    engine = make_engine(path)
    try:
        config = migrate._config()
        with engine.begin() as conn:
            config.attributes["connection"] = conn
            command.upgrade(config, revision)
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        engine.dispose()


def record_tables(conn: sqlite3.Connection) -> list[str]:
    """The tables that hold records, parents before children (no FTS index, no bookkeeping)."""
    rows = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'").fetchall()
    virtual = [name for name, sql in rows if sql.upper().startswith("CREATE VIRTUAL TABLE")]
    names = [
        name
        for name, _sql in rows
        if not name.startswith("sqlite_")
        and name != "alembic_version"
        and name not in virtual
        and not any(name.startswith(f"{v}_") for v in virtual)
    ]
    ordered: list[str] = []
    while len(ordered) < len(names):
        for name in sorted(names):
            parents = {row[2] for row in conn.execute(f"PRAGMA foreign_key_list({name})")}
            if name not in ordered and parents - {name} <= set(ordered):
                ordered.append(name)
    return ordered


def fill(conn: sqlite3.Connection, revision: str) -> None:
    tables = record_tables(conn)
    for table in tables:
        if table == "store_meta":
            continue
        if table == "audit_log":
            fill_audit(conn)
            continue
        rows: list[tuple[int, bool, dict[str, str]]] = [(1, True, {}), (2, False, {})]
        if table == "contacts":  # a tombstone, and a contact merged into the first
            rows += [
                (3, True, {"deleted_at": "2024-03-05 10:00:00"}),
                (4, True, {"merged_into_id": record_id("contacts", 1)}),
            ]
        for n, full, extra in rows:
            values = row_values(conn, table, n, full, revision)
            values.update((k, v) for k, v in extra.items() if k in values)
            insert(conn, table, values)
    meta = {
        "station_id": STATION,
        "station_name": f"Corpus Station {revision}",
        "team_name": "Corpus Team",
    }
    if "sync_peers" in tables:  # the sync revision keeps the clock's high-water mark
        meta["clock_high_water"] = clock(999)
    for key, value in meta.items():
        insert(conn, "store_meta", {"key": key, "value": value})


def insert(conn: sqlite3.Connection, table: str, values: dict[str, Any]) -> None:
    names = ", ".join(values)
    marks = ", ".join("?" * len(values))
    conn.execute(f"INSERT INTO {table} ({names}) VALUES ({marks})", list(values.values()))


def row_values(
    conn: sqlite3.Connection, table: str, n: int, full: bool, revision: str
) -> dict[str, Any]:
    refs = {row[3]: row[2] for row in conn.execute(f"PRAGMA foreign_key_list({table})").fetchall()}
    values: dict[str, Any] = {}
    for _cid, name, declared, notnull, _default, pk in conn.execute(
        f"PRAGMA table_info({table})"
    ).fetchall():
        if not (full or notnull or pk):
            values[name] = None
        elif name in refs:
            values[name] = record_id(refs[name], min(n, 2))  # rows 1 and 2 of every table
        else:
            values[name] = column_value(table, name, str(declared), n, revision)
    return values


def column_value(table: str, name: str, declared: str, n: int, revision: str) -> Any:
    """A made-up value for one column, as the newest model would store it."""
    override = OVERRIDES.get((table, name))
    if override is not None:
        return override[(n - 1) % len(override)]
    if name == "id":
        return record_id(table, n)
    special = _by_name(table, name, n, revision)
    if special is not _GUESS:
        return special
    model = Base.metadata.tables.get(table)
    column = model.columns.get(name) if model is not None else None
    kind = column.type if column is not None else None
    if isinstance(kind, sa.Enum):
        return kind.enums[(n - 1) % len(kind.enums)]
    if isinstance(kind, JSONList):
        return json.dumps([f"corpus tag {n}", "made-up"])
    if isinstance(kind, sa.JSON):
        return json.dumps({"*": clock(n)})
    if isinstance(kind, UTCDateTime):
        return (datetime(2024, 3, 1, 9) + timedelta(days=n, hours=n)).isoformat(sep=" ")
    if isinstance(kind, sa.Date) or declared.upper() == "DATE":
        return (date(2024, 3, 1) + timedelta(days=7 * n)).isoformat()
    if isinstance(kind, sa.Boolean) or declared.upper() == "BOOLEAN":
        return n % 2
    if isinstance(kind, sa.Integer) or declared.upper() == "INTEGER":
        return n + 1  # within every range the app keeps (scores 1-5, weeks, counts)
    if isinstance(kind, sa.Float) or declared.upper() in ("FLOAT", "REAL"):
        return 51.5 + n / 100
    return _text(table, name, declared, n, revision)


_GUESS = object()  # _by_name has no value for the column: go by its type


def _by_name(table: str, name: str, n: int, revision: str) -> Any:
    if name in ("hlc", "a_clock", "b_clock", "received_through", "acked_through"):
        return clock(n)
    if name in ("pushed_through",):
        return clock(n + 10)
    if name in ("station_id", "sender"):
        return str(uuid.uuid5(NAMESPACE, f"peer/{n}")) if table == "sync_peers" else STATION
    if name in ("created_by", "updated_by", "user_id", "resolved_by", "a_by", "b_by"):
        return record_id("users", 1)
    if name == "row_id":
        return record_id("contacts", n)
    if name in ("merged_into_id", "deleted_at", "erased_at"):
        return None  # live records (fill makes a tombstone and a merged contact)
    if "phone" in name:
        return f"01632 960{100 * (len(table) % 9) + n:03d}"
    if "email" in name:
        return f"corpus.{table}.{n}@example.org"
    if name == "postcode":
        return f"ZZ99 {n}ZZ"
    if name == "month":
        return f"2024-0{n}"
    if name == "knows":
        return json.dumps({STATION: clock(n)})
    if name in ("record_ids", "areas", "partners_present"):
        return json.dumps([f"corpus item {n}"])
    if name == "payload_sha256":
        return f"{n:x}" * 64
    if name == "name" and table in ("contacts", "users", "officers"):
        return f"Corpus Person {revision}-{n}"
    return _GUESS


def _text(table: str, name: str, declared: str, n: int, revision: str) -> str:
    length = _length(declared)
    text = f"Corpus {table} {name} {n} ({revision})"
    if length is not None and len(text) > length:
        text = f"{name[: max(1, length - len(str(n)) - 1)]}-{n}"[:length]
    return text


def _length(declared: str) -> int | None:
    if "(" not in declared:
        return None
    return int(declared.split("(", 1)[1].rstrip(")"))


def fill_audit(conn: sqlite3.Connection) -> None:
    """A short chain: a change by a signed-in user, a refusal, an action before accounts."""
    from pcso_desk.services.protection.audit import raw_append

    actor: dict[str, Any] = {
        "user_id": record_id("users", 1),
        "username": "corpus.admin",
        "role": "admin",
    }
    nobody: dict[str, Any] = {"user_id": None, "username": "", "role": ""}
    entries = [
        (actor, "create", "contacts", [record_id("contacts", 1)], "fields: name, phone", "ok"),
        (actor, "export", "victim_cases", [], "rows: 2", "refused"),
        (nobody, "init", "", [], "", "ok"),
    ]
    for n, (who, action, kind, ids, detail, outcome) in enumerate(entries, start=1):
        raw_append(
            conn,
            {
                "at": f"2024-03-0{n} 12:00:00",
                "station_id": STATION,
                **who,
                "action": action,
                "kind": kind,
                "record_ids": json.dumps(ids),
                "detail": detail,
                "outcome": outcome,
            },
        )


def main(argv: list[str]) -> int:
    revisions = argv or [migrate.HEAD]
    known = migrate.known_revisions()
    for revision in revisions:
        if revision not in known:
            print(f"unknown revision {revision!r}; known: {', '.join(sorted(known))}")
            return 2
        out = STORES / f"{revision}.sqlite"
        build(revision, out)
        print(f"{out} ({out.stat().st_size // 1024} KB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
