"""The logs folder: the crash log (pcso-desk.log), where an unexpected error happened, never
the data it held; and the app's running log (events.log), configured once at start-up.

A traceback's frames name files, lines and functions of PCSO Desk itself, so they are kept. An
exception's message is kept only when the program writes it (a missing attribute, a wrong
type, a deleted Qt object); any other message may quote what someone typed or the store holds
(a ValueError's bad value, a KeyError's key, a PostgreSQL error's DETAIL line) and is withheld;
an OSError keeps its reason but not the file's name, which a user may have made a person's.
A database error keeps its SQL (values are bound, never in the text) and SQLite's message,
which names tables, columns and constraints but never the values.
"""

from __future__ import annotations

import logging
import logging.handlers
import traceback
from datetime import UTC, datetime
from pathlib import Path

LOG_NAME = "pcso-desk.log"
EVENTS_NAME = "events.log"
EVENTS_BYTES = 1_000_000  # then events.log.1 ... .3, the oldest dropped
HANDLER_NAME = "pcso-desk-events"
WITHHELD = "(message withheld: it may hold personal data)"
# Exceptions whose message the program (Python, Qt, this code, SQLite) writes, not the data.
_KEPT_MESSAGES: tuple[type[BaseException], ...] = (
    ArithmeticError,
    AttributeError,
    ImportError,
    IndexError,
    MemoryError,
    NameError,
    RuntimeError,
    TypeError,
)  # and SQLite's errors, the plain module's and the driver's (`_kept`): imported when needed


def append_crash(logs: Path, error: BaseException) -> Path:
    """Add `error` to the crash log in the `logs` folder; OSError when it cannot be written."""
    logs.mkdir(parents=True, exist_ok=True)
    target = logs / LOG_NAME
    with target.open("a", encoding="utf-8") as handle:
        handle.write(f"\n[{datetime.now(UTC).isoformat()}] unexpected error\n")
        handle.write(describe(error))
    return target


def describe(error: BaseException) -> str:
    """The traceback as Python prints it (causes first), each message as `_message` allows."""
    chain: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and all(current is not seen for seen in chain):
        chain.append(current)
        current = current.__cause__ or (
            None if current.__suppress_context__ else current.__context__
        )
    ordered = chain[::-1]
    parts = []
    for at, earlier in enumerate(ordered):
        parts.append(_one(earlier))
        if at + 1 < len(ordered):
            parts.append(
                "\nThe above exception was the direct cause of the following exception:\n\n"
                if ordered[at + 1].__cause__ is earlier
                else "\nDuring handling of the above exception, another exception occurred:\n\n"
            )
    return "".join(parts)


def _one(error: BaseException) -> str:
    frames = traceback.format_tb(error.__traceback__)
    head = "Traceback (most recent call last):\n" if frames else ""
    return f"{head}{''.join(frames)}{_kind(error)}: {_message(error)}\n"


def _kind(error: BaseException | None) -> str:
    kind = type(error)
    return (
        kind.__qualname__
        if kind.__module__ == "builtins"
        else f"{kind.__module__}.{kind.__qualname__}"
    )


def _message(error: BaseException | None) -> str:
    from sqlalchemy.exc import StatementError  # not at start-up: the sign-in form needs none

    if isinstance(error, StatementError):  # the database's (or the driver's) error, and the SQL
        return f"({_kind(error.orig)}) {_message(error.orig)}\n[SQL: {error.statement}]"
    if isinstance(error, OSError) and error.strerror:  # the reason, not the file's name
        return f"[Errno {error.errno}] {error.strerror}"
    if isinstance(error, _kept()):
        return str(error)
    return WITHHELD


def _kept() -> tuple[type[BaseException], ...]:
    """_KEPT_MESSAGES and SQLite's errors (the driver loads with the data layer, after the
    sign-in form is on screen, so it is not imported for the crash log at start-up)."""
    import sqlite3

    from sqlcipher3 import dbapi2 as driver

    return (*_KEPT_MESSAGES, sqlite3.Error, driver.Error)


class _FolderMadeOnUse(logging.handlers.RotatingFileHandler):
    """Creates the logs folder with its first line: a command that logs nothing (or fails
    on a data folder that does not exist) leaves no folder behind."""

    def _open(self):  # type: ignore[no-untyped-def]
        Path(self.baseFilename).parent.mkdir(parents=True, exist_ok=True)
        return super()._open()


class _NoPersonalData(logging.Formatter):
    """Every exception in a log line, as an argument or with its traceback, is shown as the
    crash log shows it (`describe`): its message only where the program wrote it."""

    def format(self, record: logging.LogRecord) -> str:
        if isinstance(record.args, tuple):
            record.args = tuple(
                f"{_kind(a)}: {_message(a)}" if isinstance(a, BaseException) else a
                for a in record.args
            )
        return super().format(record)

    def formatException(self, ei) -> str:  # type: ignore[no-untyped-def]
        return describe(ei[1]).rstrip("\n") if ei[1] is not None else ""


def configure_logging(logs: Path, level: int = logging.INFO) -> None:
    """Send the app's log (the `pcso_desk` logger) to logs/events.log, rotated at 1 MB.

    Called once at start-up by app.main; calling it again (a test, another data folder)
    replaces the handler it made before. Log calls pass exceptions and words the program
    chose as arguments, never a value someone typed: exceptions are cleaned here.
    """
    logger = logging.getLogger("pcso_desk")
    for old in [h for h in logger.handlers if h.get_name() == HANDLER_NAME]:
        logger.removeHandler(old)
        old.close()
    handler = _FolderMadeOnUse(
        logs / EVENTS_NAME, maxBytes=EVENTS_BYTES, backupCount=3, encoding="utf-8", delay=True
    )
    handler.set_name(HANDLER_NAME)
    handler.setFormatter(_NoPersonalData("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(level)
