"""The crash log (logs/pcso-desk.log): where an unexpected error happened, never the data it held.

A traceback's frames name files, lines and functions of PCSO Desk itself, so they are kept. An
exception's message is kept only when the program writes it (a missing attribute, a wrong
type, a deleted Qt object); any other message may quote what someone typed or the store holds
(a ValueError's bad value, a KeyError's key, a PostgreSQL error's DETAIL line) and is withheld;
an OSError keeps its reason but not the file's name, which a user may have made a person's.
A database error keeps its SQL (values are bound, never in the text) and SQLite's message,
which names tables, columns and constraints but never the values.
"""

from __future__ import annotations

import sqlite3
import traceback
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.exc import StatementError

LOG_NAME = "pcso-desk.log"
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
    sqlite3.Error,
)


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
    if isinstance(error, StatementError):  # the database's (or the driver's) error, and the SQL
        return f"({_kind(error.orig)}) {_message(error.orig)}\n[SQL: {error.statement}]"
    if isinstance(error, OSError) and error.strerror:  # the reason, not the file's name
        return f"[Errno {error.errno}] {error.strerror}"
    if isinstance(error, _KEPT_MESSAGES):
        return str(error)
    return WITHHELD
