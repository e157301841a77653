"""Backups of the store through SQLite's backup API, how to tell a good one, which to keep,
and the start-up check that keeps a damaged store from ever being written to.

Each backup is one SQLite file in the data folder's ``backups/``, named
``pcso-desk-<kind>-<YYYYMMDDTHHMMSSZ>.sqlite`` (UTC). It is written under a temporary name,
checked (`problem_with_backup`: it opens read-only, ``PRAGMA integrity_check`` says ok, and
it carries a schema version this release knows) and only then renamed into place. A backup of
an encrypted store is encrypted with the store's own key (SQLite's backup API copies the
encrypted pages as they are), so it opens to whoever can open the store, and to no one else.

Automatic backups are made at most once a calendar day (UTC): the first of a calendar month
is a *monthly* backup, otherwise the first of an ISO week a *weekly* one, otherwise a *daily*
one (`due_kind`). Rotation (`to_prune`) keeps the newest **7 daily, 4 weekly and 12 monthly**
backups (`KEEP`). Backups made on request (`pcso-desk backup`, kind *manual*) and the
``pre-upgrade-*.sqlite`` copies that migrate.py makes before a schema upgrade are never
rotated.

A store is *damaged* (`problem_with_store`) when it is empty (a new store never exists as an
empty file: it is made whole under another name and renamed into place) or cut short (not a
whole number of pages), when its key does not open it (a damaged first page reads the same
as a wrong key), when a read-only ``PRAGMA integrity_check`` (and, encrypted,
``PRAGMA cipher_integrity_check``, every page's HMAC) fails or cannot run, when it has
tables but no schema version, or when its write-ahead log has gone (a ``-shm`` file without
its ``-wal``: SQLite deletes the ``-shm`` first on a clean close, so only a lost log leaves it
alone). A lost log whose ``-shm`` went too cannot be told from a store that was closed
cleanly before its latest changes.
"""

from __future__ import annotations

import contextlib
import re
import shlex
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pcso_desk.atomic import atomic_path
from pcso_desk.domain.errors import StoreError
from pcso_desk.store import migrate
from pcso_desk.store.engine import DatabaseError, connect

KEEP: dict[str, int] = {"daily": 7, "weekly": 4, "monthly": 12}
MANUAL = "manual"
PRE_UPGRADE = "pre-upgrade"
STAMP = "%Y%m%dT%H%M%SZ"
SQLITE_HEADER = b"SQLite format 3\x00"
PAGE = 4096  # SQLCipher's and the app's page size: a store is a whole number of them
_NAME = re.compile(r"pcso-desk-(daily|weekly|monthly|manual)-(\d{8}T\d{6}Z)(?:-\d+)?\.sqlite")
_PRE_UPGRADE = re.compile(r"pre-upgrade-.+-(\d{8}T\d{6}Z)\.sqlite")


class DamagedStoreError(StoreError):
    """The store failed its integrity check; it was not opened, so nothing was written to it."""

    def __init__(self, path: Path, reason: str, newest_backup: Backup | None) -> None:
        if newest_backup is None:
            advice = (
                "no backup in the backups folder verifies, so keep the file as it is and ask "
                "for help"
            )
        else:
            advice = (
                "restore the newest good backup with "
                f"'pcso-desk restore {_quoted(newest_backup.path)}'"
            )
        super().__init__(
            f"The store at {path} is damaged ({reason}) and was not opened, so nothing was "
            f"written to it; {advice}."
        )
        self.path = path
        self.reason = reason
        self.newest_backup = newest_backup


def _quoted(path: Path) -> str:
    text = str(path)
    return text if shlex.quote(text) == text else f'"{text}"'


@dataclass(frozen=True)
class Backup:
    """One backup file: where it is, which set it belongs to, and when it was made (UTC)."""

    path: Path
    kind: str  # daily, weekly, monthly, manual or pre-upgrade
    made_at: datetime

    @property
    def rotated(self) -> bool:
        return self.kind in KEEP


def backup_name(kind: str, when: datetime) -> str:
    return f"pcso-desk-{kind}-{when.astimezone(UTC).strftime(STAMP)}.sqlite"


def read_backup_name(path: Path) -> Backup | None:
    """The backup a file name describes, or None for any other file."""
    found = _NAME.fullmatch(path.name)
    if found is not None:
        kind, stamp = found.group(1), found.group(2)
    elif (pre := _PRE_UPGRADE.fullmatch(path.name)) is not None:
        kind, stamp = PRE_UPGRADE, pre.group(1)
    else:
        return None
    try:
        made = datetime.strptime(stamp, STAMP).replace(tzinfo=UTC)
    except ValueError:
        return None
    return Backup(path, kind, made)


def list_backups(folder: Path) -> list[Backup]:
    """Every backup in `folder`, newest first."""
    if not folder.is_dir():
        return []
    found = [b for p in folder.iterdir() if p.is_file() and (b := read_backup_name(p))]
    return sorted(found, key=lambda b: (b.made_at, b.path.name), reverse=True)


def free_name(folder: Path, kind: str, when: datetime) -> Path:
    """A backup path for `kind` at `when` that no file has yet (a suffix within one second)."""
    name = backup_name(kind, when)
    target, count = folder / name, 1
    while target.exists():
        count += 1
        target = folder / name.replace(".sqlite", f"-{count}.sqlite")
    return target


def _uri(path: Path, *options: str) -> str:
    return path.absolute().as_uri() + "?" + "&".join(options)


def write_backup(
    source: Path,
    target: Path,
    stamp: Callable[[Any], None] | None = None,
    key: bytes | None = None,
) -> Path:
    """Copy the store at `source` to `target` with SQLite's online backup API, consistently
    even while the app writes; the file appears under its name only once it verifies.

    `stamp` may add to the copy before it is checked (the signed head of its audit log).
    `key` is the store's: the copy is encrypted with it as the store is."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(target, ".part") as temp:
        src = connect(source, key)
        dst = connect(temp, key)
        try:
            src.backup(dst)
            if stamp is not None:
                with dst:
                    stamp(dst)
            # One self-contained file: no -wal is needed (or made) to read it later.
            dst.execute("PRAGMA journal_mode=DELETE")
        finally:
            dst.close()
            src.close()
        problem = problem_with_backup(temp, key)
        if problem is not None:
            raise StoreError(f"The backup of {source} did not verify ({problem}); none was kept.")
    return target


def problem_with_backup(path: Path, key: bytes | None = None) -> str | None:
    """Why `path` is not a good backup of a PCSO Desk store, or None if it is one.

    It is opened read-only and immutable: nothing is written to it or beside it.
    """
    if not path.is_file():
        return "there is no such file"
    problem = _shape_problem(path, key)
    if problem is not None:
        return problem
    try:
        conn = connect(_uri(path, "mode=ro", "immutable=1"), key, uri=True)
        try:
            return _problem_in(conn, key) or _schema_problem(conn, required=True)
        finally:
            conn.close()
    except DatabaseError as exc:
        return _unreadable(exc, key)


def _shape_problem(path: Path, key: bytes | None) -> str | None:
    """What is wrong with the file as a file, before SQLite reads it: empty, cut short, or
    (a plain store) without SQLite's header."""
    size = path.stat().st_size
    if size == 0:
        return "it is empty"
    page = PAGE
    if key is None:
        with path.open("rb") as handle:
            header = handle.read(18)
        if header[:16] != SQLITE_HEADER:
            return "its first page is damaged (it is not an SQLite database)"
        found = int.from_bytes(header[16:18], "big")
        page = 65536 if found == 1 else found or PAGE
    if size % page:
        return "it is cut short (not a whole number of pages)"
    return None


def _unreadable(exc: BaseException, key: bytes | None) -> str:
    if key is not None and "not a database" in str(exc):
        return "its key does not open it: its first page is damaged or it is another store's"
    return f"it cannot be read: {exc}"


def _problem_in(conn: Any, key: bytes | None) -> str | None:
    stop = _STOPS.get(threading.get_ident())  # a check on a thread, stopped if the store closes
    if stop is not None:
        conn.set_progress_handler(lambda: int(stop.is_set()), 10_000)
    if key is not None:  # every page's HMAC: a changed bit anywhere, free pages too
        rows = [str(row[0]) for row in conn.execute("PRAGMA cipher_integrity_check")]
        if rows and re.search(r"\bpage 1\b", rows[0]):
            return "its key does not open it: its first page is damaged or it is another store's"
        if rows:
            return f"a page fails its check: {rows[0]}"
    if stop is not None and stop.is_set():
        return None  # stopped: what it would have found is not asked for
    rows = [str(row[0]) for row in conn.execute("PRAGMA integrity_check")]
    if rows != ["ok"]:
        return f"its integrity check failed: {rows[0]}"
    return None


def _schema_problem(conn: Any, *, required: bool) -> str | None:
    tables = {str(row[0]) for row in conn.execute("SELECT name FROM sqlite_master")}
    if "alembic_version" not in tables:
        if not required and not tables:
            return None  # an empty store, about to be built
        return "it has no schema version, so it is not a whole PCSO Desk store"
    row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    if row is None:
        return "its schema version is missing"
    if required and str(row[0]) != migrate.HEAD and str(row[0]) not in migrate.known_revisions():
        return f"its schema version {row[0]} is unknown to this release"
    return None


def sidecars(path: Path) -> tuple[Path, Path]:
    """The write-ahead log and its shared-memory index beside a store."""
    return path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")


def problem_with_store(
    path: Path, key: bytes | None = None, *, whole_file: bool = True
) -> str | None:
    """Why the store at `path` must not be opened for writing, or None if it may be.

    Only a read-only connection touches it, so a damaged store is never written to. Without
    `whole_file`, only what is quick to see: the file's shape, the key, the write-ahead log,
    the schema, the version. A store that does not exist is a new one; an empty file is not.
    """
    if not path.exists():
        return None  # a new store
    wal, shm = sidecars(path)
    if shm.exists() and not wal.exists():
        return "its write-ahead log (the -wal file) has gone, so recent changes may be lost"
    problem = _shape_problem(path, key)
    if problem is not None:
        return problem
    try:
        conn = connect(_uri(path, "mode=ro"), key, uri=True)
        try:
            whole = _problem_in(conn, key) if whole_file else None
            return whole or _schema_problem(conn, required=False)
        finally:
            conn.close()
    except DatabaseError as exc:
        return _unreadable(exc, key)


def newest_good_backup(folder: Path, key: bytes | None = None) -> Backup | None:
    """The newest backup in `folder` that verifies (older ones are tried in turn)."""
    for backup in list_backups(folder):
        if problem_with_backup(backup.path, key) is None:
            return backup
    return None


def damage_mark(path: Path) -> Path:
    """A file beside the store saying a background check found it damaged."""
    return path.with_name(path.name + "-damaged")


def damaged(path: Path, key: bytes | None, problem: str, backups: Path) -> DamagedStoreError:
    """The error for a damaged store, naming the newest good backup; the store is marked, so
    that `restore` knows it may replace it (services/protection/backups.py)."""
    with contextlib.suppress(OSError):
        damage_mark(path).write_text(problem + "\n", encoding="utf-8")
    return DamagedStoreError(path, problem, newest_good_backup(backups, key))


def check_intact(path: Path, backups: Path, key: bytes | None = None) -> None:
    """Raise DamagedStoreError, naming the newest good backup, if the store is damaged."""
    problem = problem_with_store(path, key)
    if problem is not None:
        raise damaged(path, key, problem, backups)
    damage_mark(path).unlink(missing_ok=True)


_STOPS: dict[int, threading.Event] = {}  # the checks running on threads, by thread


class LaterCheck(Future[None]):
    """The whole-file check running on its own thread (`check_intact_later`)."""

    def __init__(self) -> None:
        super().__init__()
        self.stopping = threading.Event()
        self.thread: threading.Thread | None = None

    def stop(self) -> None:
        """Stop it (the store is closing): the check is cancelled, not failed, so nothing is
        marked damaged and the next opening checks again. SQLite's structural check stops at
        once; the page-by-page HMAC check (SQLCipher's, one statement) ends first. Left
        running, its thread would still be reading and decrypting while the process ends."""
        self.stopping.set()
        if self.thread is not None:
            self.thread.join(timeout=120)


def check_intact_later(path: Path, backups: Path, key: bytes | None = None) -> Future[None] | None:
    """The cheap checks now, the whole-file integrity check on a thread of its own.

    Returns the check's future (its result raises DamagedStoreError), or None when the store
    was checked in full now: a new store, or one an earlier background check found damaged.
    A failed background check leaves the mark, so the next opening checks in full first.
    """
    if damage_mark(path).exists() or not path.exists() or path.stat().st_size == 0:
        check_intact(path, backups, key)
        return None
    problem = problem_with_store(path, key, whole_file=False)
    if problem is not None:
        raise damaged(path, key, problem, backups)
    found = LaterCheck()

    def run() -> None:
        _STOPS[threading.get_ident()] = found.stopping
        try:
            problem = problem_with_store(path, key)
        finally:
            _STOPS.pop(threading.get_ident(), None)
        if found.stopping.is_set():
            found.cancel()  # never begun as far as its watchers know: no verdict, no mark
            return
        if problem is None:
            found.set_result(None)
            return
        found.set_exception(damaged(path, key, problem, backups))

    found.thread = threading.Thread(target=run, name="store-integrity-check", daemon=True)
    found.thread.start()
    return found


def due_kind(existing: Sequence[Backup], now: datetime) -> str | None:
    """Which automatic backup is due at `now`: at most one a day; monthly, weekly, daily."""
    today = now.astimezone(UTC)
    if any(b.rotated and b.made_at.date() == today.date() for b in existing):
        return None
    months = {_month(b.made_at) for b in existing if b.kind == "monthly"}
    weeks = {_week(b.made_at) for b in existing if b.kind == "weekly"}
    if _month(today) not in months:
        return "monthly"
    if _week(today) not in weeks:
        return "weekly"
    return "daily"


def _month(when: datetime) -> tuple[int, int]:
    return (when.year, when.month)


def _week(when: datetime) -> tuple[int, int]:
    iso = when.isocalendar()
    return (iso.year, iso.week)


def to_prune(existing: Sequence[Backup]) -> list[Backup]:
    """The automatic backups beyond the newest KEEP[kind] of each kind."""
    extra: list[Backup] = []
    for kind, keep in KEEP.items():
        of_kind = sorted(
            (b for b in existing if b.kind == kind),
            key=lambda b: (b.made_at, b.path.name),
            reverse=True,
        )
        extra.extend(of_kind[keep:])
    return extra
