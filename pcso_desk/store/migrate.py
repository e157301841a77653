"""Runs Alembic at start-up: builds, upgrades (after a backup) or refuses a newer store."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from pcso_desk.domain.errors import StoreError

if TYPE_CHECKING:
    from alembic.config import Config
    from sqlalchemy import Engine

MIGRATIONS = Path(__file__).with_name("migrations")
# The newest migration's revision, read from the file names (NNNN_what.py) so that adding a
# migration needs no edit here. Opening a store already at HEAD (every start but the first
# after an upgrade) then never imports Alembic, a quarter of a second at start-up; a test
# checks this against Alembic's own view of the migrations folder.
HEAD = max(p.name[:4] for p in (MIGRATIONS / "versions").glob("[0-9][0-9][0-9][0-9]_*.py"))


def _config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head_revision() -> str:
    """The newest revision as Alembic reads it from the migrations folder (imports Alembic)."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(_config()).get_current_head()
    assert head is not None, "the package ships no migrations"
    return head


def known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    return {rev.revision for rev in ScriptDirectory.from_config(_config()).walk_revisions()}


def current_revision(engine: Engine) -> str | None:
    from sqlalchemy import inspect

    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        row = conn.exec_driver_sql("SELECT version_num FROM alembic_version").first()
        return None if row is None else str(row[0])


def _waited(check: Callable[[], None], copy: Path | None) -> None:
    """Wait for the store's check; if it fails, the copy made of the store goes too."""
    try:
        check()
    except BaseException:
        if copy is not None:
            copy.unlink(missing_ok=True)
        raise


def backup_file(source: Path, target: Path, key: bytes | None = None) -> Path:
    """Copy a live SQLite store consistently with SQLite's online backup API (encrypted with
    the store's `key`, as the store is)."""
    from pcso_desk.store.engine import connect

    target.parent.mkdir(parents=True, exist_ok=True)
    src = connect(source, key)
    dst = connect(target, key)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()
    return target


def upgrade(
    engine: Engine,
    store_path: Path,
    backups: Path,
    before_writing: Callable[[], None] | None = None,
) -> str | None:
    """Bring the store to the newest schema; returns the pre-upgrade backup path, if any.

    `before_writing` (the app's whole-file check still running: store/session.py) is waited
    for after the pre-upgrade backup is made and before anything is written: the backup only
    reads, so the two run side by side. If it raises (the store is damaged), nothing was
    written, the copy just made of the damaged store is not kept, and the error goes on.
    """
    current = current_revision(engine)
    if current == HEAD:
        return None
    if current is not None and current not in known_revisions():
        raise StoreError(
            f"The store at {store_path} was written by a newer version of PCSO Desk; "
            "install that version (or newer) to open it."
        )
    backup: str | None = None
    if current is not None:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        from pcso_desk.store.engine import key_of

        target = backups / f"pre-upgrade-{current}-{stamp}.sqlite"
        try:
            backup = str(backup_file(store_path, target, key_of(engine)))
        except BaseException:
            if before_writing is not None:  # a damaged store: its check says so first
                _waited(before_writing, target)
            raise
    if before_writing is not None:
        _waited(before_writing, None if backup is None else Path(backup))
    from alembic import command

    config = _config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
    return backup
