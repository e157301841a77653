"""The store is built by migrations that agree with the models, and guards its own version."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from pcso_desk.domain.errors import StoreError
from pcso_desk.store import migrate
from pcso_desk.store.models import Base
from pcso_desk.store.session import open_store

# Every store in this module is built by the migrations themselves (tests/store_template.py).
pytestmark = pytest.mark.real_migrations


# SQLAlchemy cannot reflect an index on an expression (the lists' coalesce(column, '~') sort
# keys, revision 0016), so it is left out of this comparison; tests/store/test_list_indexes.py
# checks that each list's page query walks its index.
@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
@pytest.mark.filterwarnings("ignore:autogenerate skipping")
def test_models_and_migrations_agree(store) -> None:  # type: ignore[no-untyped-def]
    with store.engine.connect() as conn:
        context = MigrationContext.configure(
            conn,
            opts={
                "compare_type": True,
                "include_name": lambda name, kind, _p: not (kind == "table" and "_fts" in name),
            },
        )
        assert compare_metadata(context, Base.metadata) == []


def test_the_head_constant_is_alembics_newest_revision() -> None:
    # migrate.HEAD lets a store at head open without importing Alembic: it must not go stale.
    assert migrate.head_revision() == migrate.HEAD


@pytest.mark.full_sync
def test_new_store_is_at_head_with_pragmas(store) -> None:  # type: ignore[no-untyped-def]
    assert migrate.current_revision(store.engine) == migrate.head_revision()
    with store.engine.connect() as conn:
        pragma = lambda name: conn.exec_driver_sql(f"PRAGMA {name}").scalar()  # noqa: E731
        assert pragma("journal_mode") == "wal"
        assert pragma("synchronous") == 2  # FULL
        assert pragma("foreign_keys") == 1
        assert pragma("busy_timeout") == 30000  # then StoreBusyError (store/busy.py)


LOCAL_TABLES = {
    "store_meta",
    "sync_peers",
    "sync_bundles",
    "sync_hubs",
    "sync_set_aside",
    "audit_log",
}


def test_every_table_carries_sync_columns() -> None:
    for table in Base.metadata.sorted_tables:
        if table.name in LOCAL_TABLES:
            continue
        names = set(table.columns.keys())
        wanted = {"id", "hlc", "station_id", "deleted_at", "updated_at", "field_clocks"}
        assert wanted <= names, table.name


def test_store_from_a_newer_version_is_refused(data_paths) -> None:  # type: ignore[no-untyped-def]
    store = open_store(data_paths.store, data_paths.backups)
    store.close()
    with sqlite3.connect(data_paths.store) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    with pytest.raises(StoreError, match="newer version of PCSO Desk"):
        open_store(data_paths.store, data_paths.backups)
    with sqlite3.connect(data_paths.store) as conn:  # and it was left alone
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == (
            "9999_from_the_future"
        )


def test_old_store_is_backed_up_then_upgraded(data_paths) -> None:  # type: ignore[no-untyped-def]
    from alembic import command

    from pcso_desk.store.engine import make_engine

    engine = make_engine(data_paths.store)
    config = migrate._config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0001")
    engine.dispose()
    store = open_store(data_paths.store, data_paths.backups)
    try:
        assert store.pre_upgrade_backup is not None
        backup = Path(store.pre_upgrade_backup)
        assert backup.exists() and backup.name.startswith("pre-upgrade-0001-")
        with sqlite3.connect(backup) as conn:
            assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "0001"
        assert migrate.current_revision(store.engine) == migrate.head_revision()
    finally:
        store.close()


def test_a_file_that_is_not_a_store_is_refused(tmp_path: Path) -> None:
    bogus = tmp_path / "pcso-desk.sqlite"
    bogus.write_bytes(b"%PDF-1.7 not a database")
    with pytest.raises(StoreError, match=r"is damaged .its first page is damaged .it is not an"):
        open_store(bogus, tmp_path / "backups")
    assert bogus.read_bytes() == b"%PDF-1.7 not a database"


def test_personal_fields_declare_their_class() -> None:
    from pcso_desk.domain.enums import Sensitivity

    cases = Base.metadata.tables["victim_cases"].columns
    assert cases["safe_contact_notes"].info["sensitivity"] is Sensitivity.RESTRICTED
    contacts = Base.metadata.tables["contacts"].columns
    assert contacts["phone"].info["sensitivity"] is Sensitivity.INTERNAL
    officers = Base.metadata.tables["officers"].columns
    assert officers["name"].info["sensitivity"] is Sensitivity.PUBLIC
