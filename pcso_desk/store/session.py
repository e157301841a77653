"""The Store: one open SQLite store (engine, sessions, paths) that services work through."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from pcso_desk.domain.errors import StoreError
from pcso_desk.store import migrate
from pcso_desk.store.engine import make_engine, make_session_factory


@dataclass
class Store:
    path: Path
    engine: Engine
    sessions: sessionmaker[Session]
    pre_upgrade_backup: str | None = None

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self.sessions() as session:
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A unit of work: commits on success, rolls back everything on any error."""
        with self.sessions() as session, session.begin():
            yield session

    def close(self) -> None:
        self.engine.dispose()


def _check_is_sqlite(path: Path) -> None:
    if not path.exists() or path.stat().st_size == 0:
        return
    with path.open("rb") as handle:
        header = handle.read(16)
    if header != b"SQLite format 3\x00":
        raise StoreError(f"{path} is not a PCSO Desk store (it is not an SQLite database).")


def open_store(path: Path, backups: Path, *, create: bool = True) -> Store:
    """Open (and migrate) the store at `path`; with create=False a missing store is an error."""
    if not create and not path.exists():
        raise StoreError(
            f"There is no store at {path}; run 'pcso-desk init' or 'pcso-desk demo' first."
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    _check_is_sqlite(path)
    engine = make_engine(path)
    try:
        backup = migrate.upgrade(engine, path, backups)
    except sqlite3.DatabaseError as exc:  # pragma: no cover - depends on the damage
        engine.dispose()
        raise StoreError(f"The store at {path} cannot be read: {exc}.") from exc
    except Exception:
        engine.dispose()
        raise
    return Store(path, engine, make_session_factory(engine), backup)
