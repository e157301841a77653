"""The SQLite engine with the pragmas PCSO Desk relies on, and the session factory."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

BUSY_TIMEOUT_MS = 30000  # a writer waits this long for the lock, then StoreBusyError


def _set_pragmas(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets screens read while one writer writes; FULL survives power loss on a station PC.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    # Erased personal data must not linger in free pages (DPA 2018 erasure).
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.close()


def make_engine(path: Path) -> Engine:
    # hide_parameters: a failed statement's error names the SQL, never the values it carried
    # (names, postcodes, notes), so a crash log or a printed error holds no personal data.
    engine = create_engine(f"sqlite:///{path}", future=True, hide_parameters=True)
    event.listen(engine, "connect", _set_pragmas)
    return engine


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False, future=True)
