"""The SQLite engine with the pragmas PCSO Desk relies on, and the session factory.

Every store is opened through SQLCipher (the `sqlcipher3` package: SQLite with SQLCipher
built in, with binary wheels for Windows x64 and Linux x86-64). A store with a key is
encrypted page by page (AES-256, and an HMAC on every page, so a changed page is reported,
not read); a store opened without one is a plain SQLite file (one made before the store was
encrypted, converted at the first sign-in: services/unlock.py).

One SQLite library per process: the app never opens a store through Python's own `sqlite3`
as well. Two copies of SQLite in one process do not see each other's POSIX locks, and closing
a file in one drops the locks the other holds on it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import URL, Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import QueuePool
from sqlcipher3 import dbapi2 as driver

from pcso_desk.store.keyring import KEY_BYTES

BUSY_TIMEOUT_MS = 30000  # a writer waits this long for the lock, then StoreBusyError
# Page caches, per connection. Every page SQLCipher reads is decrypted and its HMAC checked,
# so a connection keeps the pages it has read; but the cache is per connection and fills up
# to its bound, so the bound is what each connection may hold for its life. Most work (lists,
# records, packs) is served by CACHE_KIB; a use that revisits a large index on every call
# (search as you type walks the trigram index) asks for LARGE_CACHE_KIB on the connection it
# uses (`larger_cache`). SQLite's own default is 2 MiB. 16 MiB: a deep page of a long list
# (the middle of 170,000 engagements) walks tens of thousands of index entries, and with
# 4 MiB they no longer stayed decrypted between pages — 35-50 ms a page against 12-21 ms on a
# quiet county store (W14) — for 12 MB less of the app's memory (W9, over its budget either
# way; README "Performance").
CACHE_KIB = 16 * 1024
LARGE_CACHE_KIB = 64 * 1024

# The driver's errors (what code that talks to a raw connection catches).
Error = driver.Error
DatabaseError = driver.DatabaseError
OperationalError = driver.OperationalError
Connection = driver.Connection


def key_pragma(key: bytes) -> str:
    """SQLCipher's raw-key form: the 256-bit key itself, no passphrase derivation."""
    if len(key) != KEY_BYTES:
        raise ValueError("a store key is 32 bytes")
    return f"x'{key.hex()}'"


def connect(
    path: Path | str, key: bytes | None, *, uri: bool = False, timeout: float | None = None
) -> Any:
    """A DB-API connection to the store at `path` (a file name or, with `uri`, a file: URI),
    unlocked with `key` when it has one. Reading it is what tells whether the key is right:
    a wrong key (or a damaged first page) raises DatabaseError "file is not a database"."""
    seconds = BUSY_TIMEOUT_MS / 1000 if timeout is None else timeout
    conn = driver.connect(str(path), uri=uri, timeout=seconds)
    _quiet(conn)
    if key is not None:
        conn.execute(f'PRAGMA key = "{key_pragma(key)}"')
    return conn


def _quiet(conn: Any) -> None:
    """SQLCipher writes its own errors (a failed page HMAC) to stderr; the app reports them."""
    conn.execute("PRAGMA cipher_log_level = NONE")


def _set_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets screens read while one writer writes; FULL survives power loss on a station PC.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    # Erased personal data must not linger in free pages (DPA 2018 erasure).
    cursor.execute("PRAGMA secure_delete=ON")
    # Each page read from disk (or the OS's cache) is decrypted and its HMAC checked: keep the
    # pages a connection has read, so that the lists stay decrypted (CACHE_KIB, above).
    cursor.execute(f"PRAGMA cache_size=-{CACHE_KIB}")
    cursor.close()


def larger_cache(connection: Any, kib: int = LARGE_CACHE_KIB) -> None:
    """Let `connection` (a DB-API connection or SQLAlchemy's) keep up to `kib` KiB of pages
    from now on (never less than it may already keep). Raising the bound keeps the pages
    already cached; the connection stays in the pool with it, so the use that asked finds
    its pages still decrypted next time it gets the same connection."""
    run = getattr(connection, "exec_driver_sql", None) or connection.execute
    now = run("PRAGMA cache_size").fetchone()[0]
    have = -now if now < 0 else now * 4  # pages of 4 KiB (SQLCipher's page size)
    if have < kib:
        run(f"PRAGMA cache_size=-{kib}")


def make_engine(path: Path, key: bytes | None = None) -> Engine:
    """The engine of the store at `path`: encrypted with `key` (SQLAlchemy's pysqlcipher
    dialect), or a plain store without one."""
    # hide_parameters: a failed statement's error names the SQL, never the values it carried
    # (names, postcodes, notes), so a crash log or a printed error holds no personal data.
    if key is None:
        engine = create_engine(
            f"sqlite:///{path}", module=driver, future=True, hide_parameters=True
        )
        event.listen(engine, "connect", lambda conn, _record: _quiet(conn), insert=True)
    else:
        url = URL.create("sqlite+pysqlcipher", password=key_pragma(key), database=str(path))
        # The dialect's own pool keeps a connection per thread for ever; the app's worker
        # threads come and go, so it gets the pool a plain file store has.
        engine = create_engine(url, future=True, hide_parameters=True, poolclass=QueuePool)
        event.listen(engine, "connect", lambda conn, _record: _quiet(conn), insert=True)
    event.listen(engine, "connect", _set_pragmas)
    return engine


def key_of(engine: Engine) -> bytes | None:
    """The key an engine made by `make_engine` opens its store with (None: a plain store)."""
    secret = engine.url.password
    if engine.url.get_driver_name() != "pysqlcipher" or not secret:
        return None
    return bytes.fromhex(str(secret)[2:-1])


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False, future=True)
