"""New stores for tests are copied from one migrated template instead of running Alembic.

Running the six migrations takes most of a second (more on a busy machine) and hundreds of
tests make a new store, through every path the app has (open_store, build_services,
tests/stations.py, the CLI in-process). A session fixture in tests/conftest.py puts
`TemplateStores.upgrade` in place of `pcso_desk.store.migrate.upgrade`: a brand-new store
(no `alembic_version`, nothing in `sqlite_master`) gets the template's pages with SQLite's
backup API; everything else (upgrading an old store, refusing a newer one, a store already
at head) goes through the real function untouched.

The template holds the schema only: migrations write no per-store value into an empty store
(`build_template` checks it), and a store's station id, name and keys are made later, when a
Context first opens it (services/context.py ensure_station, services/sync/stations.py
ensure_identity), so no two copies share an identity.

Tests that exercise migrating itself opt out with `@pytest.mark.real_migrations`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pcso_desk.store import migrate
from pcso_desk.store.engine import connect, driver, key_of

if TYPE_CHECKING:
    from sqlalchemy import Engine

Upgrade = Callable[["Engine", Path, Path], "str | None"]


class TemplateStores:
    """The session's template and the switch the per-test fixture turns off for opt-outs."""

    def __init__(self, folder: Path, real: Upgrade) -> None:
        self.folder = folder
        self.real = real
        self.enabled = True
        self.copies = 0  # stores made from the template (a test checks it is used)
        self._template: Path | None = None
        self._encrypted: dict[bytes, Path] = {}  # the template encrypted with each key

    @property
    def template(self) -> Path:
        """Built on first use, so a session that makes no store never imports Alembic."""
        if self._template is None:
            self._template = build_template(self.folder, self.real)
        return self._template

    def _template_for(self, key: bytes | None) -> Path:
        """The template, or a copy of it encrypted with `key` (made once per key with
        `sqlcipher_export`: SQLite's backup API copies pages only between stores that share
        a key). Tests' stores share one key (tests/keys.py), so that is made once."""
        if key is None:
            return self.template
        if key not in self._encrypted:
            target = self.folder / f"template-{len(self._encrypted)}.sqlite"
            conn = connect(target, key)
            try:
                escaped = str(self.template).replace("'", "''")
                conn.execute(f"ATTACH DATABASE '{escaped}' AS template KEY ''")
                conn.execute("SELECT sqlcipher_export('main', 'template')")
                conn.execute("DETACH DATABASE template")
                conn.commit()
            finally:
                conn.close()
            self._encrypted[key] = target
        return self._encrypted[key]

    def upgrade(
        self,
        engine: Engine,
        store_path: Path,
        backups: Path,
        before_writing: Callable[[], None] | None = None,
    ) -> str | None:
        if self.enabled and migrate.current_revision(engine) is None and self._copy(engine):
            return None
        return self.real(engine, store_path, backups, before_writing)

    def _copy(self, engine: Engine) -> bool:
        """Copy the template into the (empty) store behind `engine`; False if not empty.

        A plain store gets the template's pages with SQLite's backup API; an encrypted one
        (its own random key) a copy through `sqlcipher_export`, which encrypts as it writes.
        """
        raw = engine.raw_connection()
        try:
            target = raw.driver_connection
            assert isinstance(target, driver.Connection)
            if target.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] != 0:
                return False  # something is there already: let the real code decide
            key = key_of(engine)
            source = connect(self._template_for(key), key)
            try:
                source.backup(target)  # the template is never written after it is built
            finally:
                source.close()
        finally:
            raw.close()
        self.copies += 1
        return True


class NoWaitCommits:
    """Test stores commit without waiting for the disk: PRAGMA synchronous=NORMAL after the
    app's own pragmas (pcso_desk.store.engine._set_pragmas sets FULL).

    In WAL mode the two differ only when the machine itself loses power or crashes: a
    killed process loses no commit under either (the crash tests kill real app processes,
    which keep FULL). No test can cut the power, but every test paid an fsync per commit:
    5-15% of tests/services' time on this 2-core machine, more when the disk is busy.
    `@pytest.mark.full_sync` keeps FULL.
    """

    def __init__(self, real: Callable[[sqlite3.Connection, Any], None]) -> None:
        self.real = real
        self.full = False

    def set_pragmas(self, connection: sqlite3.Connection, record: Any) -> None:
        self.real(connection, record)
        if not self.full:
            cursor = connection.cursor()
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()


def build_template(folder: Path, real: Upgrade) -> Path:
    """A store migrated to head by the real migrations, holding no per-store values."""
    from pcso_desk.store.engine import make_engine

    path = folder / "template.sqlite"
    engine = make_engine(path)
    try:
        real(engine, path, folder / "backups")
        with engine.connect() as conn:
            meta = conn.exec_driver_sql("SELECT key FROM store_meta").fetchall()
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        engine.dispose()
    # A migration that seeds a per-store value (a station id, a clock) would be shared by
    # every copy: refuse to copy such a template rather than give stations one identity.
    assert meta == [], f"migrations wrote store_meta rows into a new store: {meta}"
    return path
