"""What holds a busy store: a note beside it, and the one sentence a writer that waited in
vain is given instead of SQLite's "database is locked".

SQLite lets one connection write at a time; a writer waits for the lock up to the busy
timeout (store/engine.py: 30 s) and then fails. So that the failure can say who holds the
lock, the writer that takes it (`Store.write`, outermost unit of work) leaves a small note
beside the store, ``<store>-busy``: JSON with its process id, what it is doing (set once per
process from the command line: "importing contacts (pcso-desk import contacts, started
10:02)", or "the PCSO Desk app on this PC") and since when. The note is replaced atomically
and removed before the lock is given up, so whoever reads it while waiting reads the
holder's; a note whose process has died is ignored, and with none readable the holder is
"another command".

The note is written without an fsync: it only names a holder while that process lives.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pcso_desk.atomic import process_alive, write_atomic
from pcso_desk.domain.errors import StoreBusyError

NOTE_SUFFIX = "-busy"
UNKNOWN = "another command"
APP = "the PCSO Desk app on this PC"
# A shorter wait than the engine's, for tests that need a writer to give up soon.
ENV_TIMEOUT = "PCSO_DESK_BUSY_TIMEOUT_MS"
# What SQLite (or SQLCipher) says when the lock could not be had in time.
BUSY_MESSAGES = ("database is locked", "database is busy", "database table is locked")

_doing: str | None = None  # what this process is doing, for the note (None: no note)

# Commands in words ("The store is busy with <these> (pcso-desk ..., started 10:02)").
DOING = {
    "import contacts": "importing contacts",
    "import crimes": "importing crime figures",
    "demo": "building the demo store",
    "init": "setting up the store",
    "backup": "a backup",
    "restore": "restoring a backup",
    "export": "an export",
    "sync": "a sync",
    "monthly-pack": "making a monthly pack",
    "accounts": "a change to accounts",
    "check": "a store check",
}


def note_path(store: Path) -> Path:
    return store.with_name(store.name + NOTE_SUFFIX)


def set_doing(what: str | None) -> None:
    """Say, once per process, what it is doing; its writes then leave the note."""
    global _doing
    _doing = what


def doing() -> str | None:
    return _doing


def describe(command: str | None, words: list[str], started: float | None = None) -> str:
    """The holder's words for a command line: `command` (None: the desktop app) and the
    subcommand words after it ("contacts" of `import contacts`)."""
    if command is None:
        return APP
    line = " ".join([command, *words])
    what = DOING.get(line) or DOING.get(command) or "a command"
    at = time.strftime("%H:%M", time.localtime(started))
    return f"{what} (pcso-desk {line}, started {at})"


@contextlib.contextmanager
def holding(store: Path) -> Iterator[None]:
    """Leave this process's note beside `store` while the block holds its write lock."""
    what = _doing
    if what is None:
        yield
        return
    note = note_path(store)
    record = {"pid": os.getpid(), "what": what, "since": time.strftime("%Y-%m-%dT%H:%M:%S")}
    with contextlib.suppress(OSError):  # a note is a courtesy: it never stops a write
        write_atomic(note, json.dumps(record).encode("utf-8"), durable=False)
    try:
        yield
    finally:
        with contextlib.suppress(OSError):
            note.unlink()


def holder(store: Path) -> str:
    """What holds the store's write lock, from its note; "another command" if unknown."""
    try:
        record: Any = json.loads(note_path(store).read_text(encoding="utf-8"))
        pid, what = int(record["pid"]), str(record["what"]).strip()
    except (OSError, ValueError, TypeError, KeyError):
        return UNKNOWN
    if not what or not process_alive(pid):
        return UNKNOWN
    return what


def is_busy(exc: BaseException) -> bool:
    """Whether `exc` (sqlite3's, SQLCipher's or SQLAlchemy's OperationalError) says the lock
    could not be had in time."""
    for error in (exc, getattr(exc, "orig", None), exc.__cause__):
        if error is None or type(error).__name__ != "OperationalError":
            continue
        if any(message in str(error).lower() for message in BUSY_MESSAGES):
            return True
    return False


def busy_error(store: Path) -> StoreBusyError:
    return StoreBusyError(holder(store))


def timeout_override() -> int | None:
    """The busy timeout (ms) set in the environment, or None for the engine's own."""
    value = os.environ.get(ENV_TIMEOUT, "").strip()
    return int(value) if value.isdigit() else None


def begin_immediate(connection: Any, store: Path, patience_ms: int | None = None) -> None:
    """Take the write lock (BEGIN IMMEDIATE) on an SQLAlchemy connection, waiting as long as
    the busy timeout allows (or `patience_ms`, when shorter: a writer that has somewhere else
    to put its work); a lock still held then raises StoreBusyError naming the holder."""
    from pcso_desk.store.engine import BUSY_TIMEOUT_MS

    usual = timeout_override()
    wait = usual if usual is not None else BUSY_TIMEOUT_MS
    if patience_ms is not None and patience_ms < wait:
        connection.exec_driver_sql(f"PRAGMA busy_timeout={patience_ms}")
    elif usual is not None:
        connection.exec_driver_sql(f"PRAGMA busy_timeout={usual}")
    try:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    except Exception as exc:
        if is_busy(exc):
            raise busy_error(store) from exc
        raise
    finally:
        if patience_ms is not None and patience_ms < wait:  # the pooled connection's own again
            connection.exec_driver_sql(f"PRAGMA busy_timeout={wait}")
