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


CORPUS = Path(__file__).resolve().parents[1] / "data" / "stores"


def _upgrade_while_checking(tmp_path: Path, monkeypatch, problem: str | None):  # type: ignore[no-untyped-def]
    """Open an older store as the app does (its whole-file check on a thread), the check held
    until the pre-upgrade backup is made; returns what opening gave and what was seen then."""
    import shutil
    import threading

    from pcso_desk.store import backup as checks

    path, backups = tmp_path / "pcso-desk.sqlite", tmp_path / "backups"
    shutil.copyfile(CORPUS / "0016.sqlite", path)
    with sqlite3.connect(path) as conn:  # as the app keeps it (opening would switch it)
        conn.execute("PRAGMA journal_mode=WAL")
    copied, seen, opened = threading.Event(), {}, {"before": path.read_bytes()}
    real_check, real_copy = checks.problem_with_store, migrate.backup_file

    def held_check(path, key=None, whole_file=True):  # type: ignore[no-untyped-def]
        if not whole_file:
            return real_check(path, key, whole_file=False)
        assert copied.wait(30), "the pre-upgrade backup waited for the check"
        return problem or real_check(path, key)

    def watched_copy(source, target, key=None):  # type: ignore[no-untyped-def]
        made = real_copy(source, target, key)
        with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as conn:
            seen["store's revision"] = conn.execute("SELECT version_num FROM alembic_version")
            seen["store's revision"] = seen["store's revision"].fetchone()[0]
        copied.set()
        return made

    monkeypatch.setattr(checks, "problem_with_store", held_check)
    monkeypatch.setattr(migrate, "backup_file", watched_copy)

    def run() -> None:
        try:
            opened["store"] = open_store(path, backups, check_later=True)
        except Exception as exc:
            opened["error"] = exc

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(60)
    return path, backups, opened, seen


def test_an_upgrade_backs_up_while_the_check_runs_and_migrates_once_it_passes(
    tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """The app's first start after an upgrade: the store is copied while its whole-file check
    runs (both only read), and migrated only after the check has passed."""
    _path, backups, opened, seen = _upgrade_while_checking(tmp_path, monkeypatch, None)
    assert seen == {"store's revision": "0016"}  # copied before anything was written
    store = opened["store"]
    try:
        assert store.intact.done()
        assert migrate.current_revision(store.engine) == migrate.HEAD
        assert Path(store.pre_upgrade_backup).parent == backups
        with sqlite3.connect(store.pre_upgrade_backup) as conn:
            assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "0016"
    finally:
        store.close()


def test_a_store_found_damaged_during_an_upgrade_is_not_written_and_keeps_no_copy(
    tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from pcso_desk.store.backup import DamagedStoreError, damage_mark

    path, backups, opened, _seen = _upgrade_while_checking(
        tmp_path, monkeypatch, "page 7 does not match its checksum"
    )
    assert isinstance(opened.get("error"), DamagedStoreError)
    assert path.read_bytes() == opened["before"]  # never migrated
    assert list(backups.glob("pre-upgrade-*")) == []  # the damaged store's copy is not kept
    assert damage_mark(path).exists()  # the next start checks first and offers a backup
