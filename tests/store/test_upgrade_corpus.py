"""Every store in the upgrade corpus upgrades to the newest schema with every record intact.

tests/data/stores/ holds one small store per schema revision (0001.sqlite ... ), each
holding every kind of record, built by tests/data/make_corpus.py (which says how to add the
store for a new migration). Each is copied, opened the way the app opens a store (which
upgrades it, after a backup), and checked record by record against the corpus file itself:
every row is still there with the same value in every column that still exists; then the
app reads every record through its models and its services.
"""

from __future__ import annotations

import shutil
import sqlite3
import uuid
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from pcso_desk.domain.enums import UserRole
from pcso_desk.services.api import Services
from pcso_desk.services.context import Actor, Context
from pcso_desk.services.protection import audit
from pcso_desk.services.records.service import ListQuery
from pcso_desk.store import migrate
from pcso_desk.store.models import Base
from pcso_desk.store.session import Store, open_store

pytestmark = pytest.mark.real_migrations

CORPUS = Path(__file__).resolve().parents[1] / "data" / "stores"
STORES = sorted(CORPUS.glob("*.sqlite"))
NAMESPACE = uuid.UUID("5f1c0a52-9d0e-4c0b-a7d4-6f2b8e3c1d00")  # as make_corpus.py
HOW = "build it with: .venv/bin/python tests/data/make_corpus.py {rev} (see its docstring)"

Rows = dict[str, dict[tuple[Any, ...], dict[str, Any]]]  # table -> primary key -> row


def corpus_id(table: str, n: int) -> str:
    return str(uuid.uuid5(NAMESPACE, f"{table}/{n}"))


def record_tables(conn: sqlite3.Connection) -> list[str]:
    """The tables that hold records: not the FTS indexes (rebuilt from them), nor Alembic's."""
    rows = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'").fetchall()
    virtual = [name for name, sql in rows if sql.upper().startswith("CREATE VIRTUAL TABLE")]
    return sorted(
        name
        for name, _sql in rows
        if not name.startswith("sqlite_")
        and name != "alembic_version"
        and name not in virtual
        and not any(name.startswith(f"{v}_") for v in virtual)
    )


def read_rows(path: Path) -> tuple[str, Rows]:
    """The store's revision and every row of every record table, read with plain sqlite3."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]
        rows: Rows = {}
        for table in record_tables(conn):
            info = conn.execute(f"PRAGMA table_info({table})").fetchall()
            names = [col[1] for col in info]
            key = [col[1] for col in sorted(info, key=lambda c: c[5]) if col[5]]
            cursor = conn.execute(f"SELECT * FROM {table}")
            found = [dict(zip(names, row, strict=True)) for row in cursor]
            rows[table] = {tuple(row[k] for k in key): row for row in found}
        return str(revision), rows
    finally:
        conn.close()


def lost_or_changed(before: Rows, after: Rows) -> list[str]:
    """Every difference that loses data: a table, a row, or a value in a column still there."""
    problems: list[str] = []
    for table, rows in before.items():
        if table not in after:
            problems.append(f"table {table} ({len(rows)} rows) is gone")
            continue
        for key, row in rows.items():
            now = after[table].get(key)
            if now is None:
                problems.append(f"{table} {key}: the row is gone")
                continue
            problems += [
                f"{table} {key}: {column} was {value!r}, is {now[column]!r}"
                for column, value in row.items()
                if column in now and now[column] != value
            ]
    return problems


def test_the_newest_revision_has_a_store_in_the_corpus() -> None:
    store = CORPUS / f"{migrate.HEAD}.sqlite"
    assert store.exists(), (
        f"the newest schema revision {migrate.HEAD} has no store in the upgrade corpus; "
        + HOW.format(rev=migrate.HEAD)
    )


def test_every_revision_has_its_store_and_every_store_its_revision() -> None:
    missing = sorted(migrate.known_revisions() - {path.stem for path in STORES})
    assert missing == [], "no corpus store for " + ", ".join(missing) + "; " + HOW
    for path in STORES:
        revision, rows = read_rows(path)
        assert revision == path.stem, f"{path.name} is at revision {revision}"
        empty = sorted(table for table, found in rows.items() if not found)
        assert empty == [], f"{path.name} holds no {', '.join(empty)}: every kind is needed"
        assert path.stat().st_size < 400_000, f"{path.name} is too big for the repository"


@pytest.mark.parametrize("corpus", STORES, ids=lambda path: path.stem)
def test_a_corpus_store_upgrades_with_every_record_intact(corpus: Path, tmp_path: Path) -> None:
    revision, before = read_rows(corpus)
    path = tmp_path / "pcso-desk.sqlite"
    shutil.copyfile(corpus, path)
    store = open_store(path, tmp_path / "backups")
    try:
        assert migrate.current_revision(store.engine) == migrate.HEAD
        if revision != migrate.HEAD:
            backup = store.pre_upgrade_backup
            assert backup is not None and Path(backup).name.startswith(f"pre-upgrade-{revision}")
        _, after = read_rows(path)
        problems = lost_or_changed(before, after)
        assert problems == [], f"upgrading {corpus.name} lost data:\n" + "\n".join(problems)
        with store.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
            assert conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []
        read_through_the_models(store, before)
        read_through_the_services(store, before)
    finally:
        store.close()


def read_through_the_models(store: Store, before: Rows) -> None:
    """Every row loads as its model (enums, dates, JSON lists parse); the audit chain holds."""
    with store.read() as session:
        for mapper in Base.registry.mappers:
            table = mapper.local_table.name  # type: ignore[attr-defined]
            loaded = session.scalars(select(mapper.class_)).all()
            assert len(loaded) >= len(before.get(table, {})), table
        if "audit_log" in before:
            check = audit.verify(session)
            assert check.ok, check.reason
            assert check.entries == len(before["audit_log"])


def read_through_the_services(store: Store, before: Rows) -> None:
    """The app lists every live record of every kind, opens each, and finds contacts."""
    ctx = Context.open(store)
    # A sergeant sees every kind of record, victim care too (an admin does not).
    ctx.sign_in(Actor(corpus_id("users", 1), "corpus.sergeant", UserRole.SERGEANT, None))
    services = Services(ctx)
    for kind, records in services.records.items():
        table = records.spec.model.__tablename__
        live = {
            row["id"]
            for row in before.get(table, {}).values()
            if row.get("deleted_at") is None and row.get("merged_into_id") is None
        }
        listed = {row["id"] for row in records.page(ListQuery(limit=500)).rows}
        assert live <= listed, f"{kind}: {sorted(live - listed)} not listed"
        for record_id in sorted(live):
            assert records.get(record_id)["id"] == record_id
    contacts = before["contacts"]
    hits = {hit for hit, _label in services.find_contacts("Corpus Person", limit=50)}
    assert hits == {corpus_id("contacts", 1), corpus_id("contacts", 2)}
    first = services.contacts.get(corpus_id("contacts", 1))
    assert first["name"] == contacts[(corpus_id("contacts", 1),)]["name"]
