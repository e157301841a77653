"""The tests' template stores (tests/store_template.py) are real stores, each its own station."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from pcso_desk.paths import DataPaths
from pcso_desk.services.context import Context
from pcso_desk.store import migrate
from pcso_desk.store.session import open_store
from tests.stations import station, trust
from tests.store_template import TemplateStores


def _schema(path: Path) -> list[tuple[str, str, str]]:
    with sqlite3.connect(path) as conn:
        rows = conn.execute("SELECT type, name, sql FROM sqlite_master ORDER BY type, name")
        found = [(str(t), str(n), str(s)) for t, n, s in rows]
    conn.close()
    return found


def test_two_stores_copied_in_one_session_are_two_stations(
    tmp_path: Path, store_template: TemplateStores
) -> None:
    before = store_template.copies
    a, b = station(tmp_path / "a"), station(tmp_path / "b")
    try:
        assert store_template.copies == before + 2  # both came from the template
        assert a.ctx.station_id != b.ctx.station_id
        assert a.ctx.clock is not b.ctx.clock
        first = a.sync.write_identity(tmp_path / "a.identity")
        second = b.sync.write_identity(tmp_path / "b.identity")
        assert first.station_id == a.ctx.station_id and second.station_id == b.ctx.station_id
        assert first.fingerprint != second.fingerprint
        trust(a, b, tmp_path)  # and they can trust each other as two stations do
        assert [p.station_id for p in a.sync.status().peers] == [b.ctx.station_id]
    finally:
        a.ctx.store.close()
        b.ctx.store.close()


def test_a_copied_store_is_at_head_with_the_app_pragmas(data_paths: DataPaths) -> None:
    store = open_store(data_paths.store, data_paths.backups)
    try:
        assert store.pre_upgrade_backup is None
        assert migrate.current_revision(store.engine) == migrate.HEAD
        with store.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
            assert conn.exec_driver_sql("SELECT count(*) FROM store_meta").scalar() == 0
        Context.open(store)  # the station id is made on first open, as for a migrated store
    finally:
        store.close()


@pytest.mark.real_migrations
def test_the_template_is_what_the_migrations_build(
    tmp_path: Path, store_template: TemplateStores
) -> None:
    before = store_template.copies
    migrated = open_store(tmp_path / "migrated.sqlite", tmp_path / "backups")
    migrated.close()
    assert store_template.copies == before  # the marker ran the real migrations
    assert _schema(tmp_path / "migrated.sqlite") == _schema(store_template.template)


def test_an_old_store_is_still_upgraded_by_alembic(
    data_paths: DataPaths, store_template: TemplateStores
) -> None:
    from alembic import command

    from pcso_desk.store.engine import make_engine

    engine = make_engine(data_paths.store)
    config = migrate._config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0003")
    engine.dispose()
    before = store_template.copies
    store = open_store(data_paths.store, data_paths.backups)
    try:
        assert store_template.copies == before
        assert store.pre_upgrade_backup is not None
        assert migrate.current_revision(store.engine) == migrate.HEAD
    finally:
        store.close()


def test_test_stores_commit_without_an_fsync_each(store) -> None:  # type: ignore[no-untyped-def]
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"  # still the app's


@pytest.mark.full_sync
def test_full_sync_keeps_the_apps_setting(store) -> None:  # type: ignore[no-untyped-def]
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
