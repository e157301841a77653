"""Backups and recovery: make, rotate and list backups of the store, and restore one.

When: `auto_backup` runs each time a store that already existed is opened for the app or a
command (app.build_services), and makes at most one automatic backup a day (UTC); the sets
kept and the file names are described in store/backup.py (7 daily, 4 weekly, 12 monthly;
manual and pre-upgrade backups are never rotated). A damaged store is never opened, so it
is never backed up over a good backup.

`restore` checks the backup first; then it moves the current store (with its -wal and -shm)
aside to ``backups/set-aside-<UTC stamp>/`` (kept, never deleted), puts a copy of the backup
in its place with one rename, and marks sync as needing a fresh exchange in that copy.

The audit log never goes backwards: the entries the replaced store holds after the backup's
last one are appended to the copy's log, unchanged when that log continues the backup's (so
every head witnessed before still matches; see audit_witness.py), else re-chained with their
detail marked "carried from before restore"; then a "restore" entry names the backup and
what was carried. Every backup carries the signed head of its own log, and each backup and
restore rewrites the station's signed head sidecar.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pcso_desk.domain.errors import PcsoDeskError
from pcso_desk.domain.permissions import Action
from pcso_desk.domain.wording import counted
from pcso_desk.paths import DataPaths
from pcso_desk.services.context import STATION_KEY, Actor, Context
from pcso_desk.services.gateway import note
from pcso_desk.services.protection import audit, audit_witness
from pcso_desk.store.backup import (
    MANUAL,
    STAMP,
    Backup,
    DamagedStoreError,
    due_kind,
    free_name,
    list_backups,
    newest_good_backup,
    problem_with_backup,
    read_backup_name,
    sidecars,
    to_prune,
    write_backup,
)
from pcso_desk.store.engine import Error as DriverError
from pcso_desk.store.engine import connect
from pcso_desk.store.session import Store

__all__ = [
    "Backup",
    "DamagedStoreError",
    "RestoreResult",
    "auto_backup",
    "list_backups",
    "make_backup",
    "newest_good_backup",
    "restore",
]

CARRIED = "carried from before restore"

RECOVERY_LOG = "recovery.log"


def _now(now: datetime | None) -> datetime:
    return (now or datetime.now(UTC)).astimezone(UTC)


def _backups_folder(store: Store) -> Path:
    return store.backups or store.path.with_name("backups")


def _stamp(store: Store) -> Callable[[Any], None]:
    """Sign the head of a backup copy's audit log into the copy (its own witness)."""
    return lambda conn: audit_witness.stamp_backup(conn, audit_witness.keys_folder(store))


def make_backup(ctx: Context, out: Path | None = None, now: datetime | None = None) -> Backup:
    """A backup on request: into the backups folder (never rotated), or to `out`.

    A copy outside the data folder takes personal data away, so it needs the export right.
    """
    moment = _now(now)
    if out is not None:
        ctx.require(Action.EXPORT, "backup")
        target = Path(out)
    else:
        target = free_name(_backups_folder(ctx.store), MANUAL, moment)
    write_backup(ctx.store.path, target, _stamp(ctx.store), ctx.store.key)
    if out is None:
        audit.record(ctx, "backup", "store", (), "manual")
    else:  # the use case (Services.backup_to) writes the entry, with the copy's digest
        note((), "to a file")
    audit_witness.witness(ctx.store, "backup")
    return Backup(target, MANUAL, moment)


def auto_backup(store: Store, now: datetime | None = None) -> Backup | None:
    """Make today's automatic backup if none is made yet, then rotate; returns the new one."""
    moment = _now(now)
    folder = _backups_folder(store)
    existing = list_backups(folder)
    kind = due_kind(existing, moment)
    if kind is None:
        return None
    target = free_name(folder, kind, moment)
    made = Backup(write_backup(store.path, target, _stamp(store), store.key), kind, moment)
    for old in to_prune([made, *existing]):
        with contextlib.suppress(FileNotFoundError):
            old.path.unlink()
    audit_witness.witness(store, "automatic backup")
    return made


@dataclass(frozen=True)
class RestoreResult:
    backup: Path
    set_aside: Path | None  # the folder now holding the store it replaced (None: no store)
    made_at: datetime | None  # when the backup was made, if its name says
    carried: int = 0  # audit entries made after the backup, carried into the restored log

    def line(self) -> str:
        when = f" (made {self.made_at:%d %b %Y %H:%M} UTC)" if self.made_at else ""
        kept = (
            f"; the store it replaced is kept in {self.set_aside}"
            if self.set_aside is not None
            else ""
        )
        carried = (
            f" The {self.carried} audit log entries made since the backup were kept."
            if self.carried
            else ""
        )
        return (
            f"Restored the store from {self.backup}{when}{kept}.{carried} Sync will send this "
            "station's changes in full next time; ask each trusted station for a full bundle "
            "(sync export --full)."
        )


def restore(
    paths: DataPaths,
    backup: Path,
    now: datetime | None = None,
    *,
    actor: Actor | None = None,
    key: bytes | None = None,
) -> RestoreResult:
    """Put a verified backup in place of the store; a refusal leaves everything as it was.

    The store must be closed (by this process); another PCSO Desk holding it is refused.
    The restore is audited as done by `actor` (None: no one could sign in to a damaged store).
    `key` is the store's data key (None: a plain store): the backup must open with it.
    """
    backup = Path(backup)
    problem = problem_with_backup(backup, key)
    if problem is not None:
        raise PcsoDeskError(
            f"{backup} was not restored because it is not a good backup ({problem}); "
            "the store was left as it was."
        )
    _refuse_if_in_use(paths.store)
    moment = _now(now)
    paths.backups.mkdir(parents=True, exist_ok=True)
    temp = paths.store.with_name(f".{paths.store.name}.{uuid.uuid4().hex}.restoring")
    try:
        shutil.copyfile(backup, temp)
        _mark_sync_for_fresh_exchange(temp, key)
        carried = _carry_audit(paths.store, temp, backup, actor, key)
        problem = problem_with_backup(temp, key)
        if problem is not None:  # pragma: no cover - the copy of a good file went bad
            raise PcsoDeskError(
                f"The copy of {backup} did not verify ({problem}); nothing changed."
            )
        with open(temp, "rb+") as handle:
            os.fsync(handle.fileno())
        aside = _set_aside(paths, moment)
        try:
            os.replace(temp, paths.store)
        except OSError:  # pragma: no cover - the folder became read-only between two renames
            if aside is not None:
                _put_back(aside, paths.store.parent)
            raise
    finally:
        temp.unlink(missing_ok=True)
    _log(paths, f"restored {backup}; the store it replaced is in {aside or '(none)'}")
    _witness_restored(paths, key)
    found = read_backup_name(backup)
    return RestoreResult(backup, aside, found.made_at if found else None, carried)


def _carry_audit(
    store: Path, temp: Path, backup: Path, actor: Actor | None, key: bytes | None
) -> int:
    """Append the replaced store's later audit entries and a "restore" entry to the copy's
    log (see the module's docstring); how many entries were carried."""
    older = _audit_rows(store, key)
    conn = connect(temp, key)
    try:
        tables = {str(r[0]) for r in conn.execute("SELECT name FROM sqlite_master")}
        if "audit_log" not in tables:
            return 0  # a backup from before the audit log: its store starts one when opened
        with conn:
            end, digest = audit.raw_head(conn)
            station = conn.execute(
                "SELECT value FROM store_meta WHERE key = ?", (STATION_KEY,)
            ).fetchone()
            fields = {
                "at": _entry_time(),
                "station_id": station[0] if station else "",
                "user_id": actor.user_id if actor else None,
                "username": actor.username if actor else "",
                "role": actor.role.value if actor else "",
                "action": "restore",
                "kind": "store",
                "record_ids": "[]",
                "outcome": "ok",
            }
            carried, how = _carry(conn, older, end, digest)
            detail = f"from {backup.name}, whose log ends at entry {end}; {how}"
            audit.raw_append(conn, {**fields, "detail": detail})
            conn.execute("DELETE FROM store_meta WHERE key = ?", (audit_witness.BACKUP_KEY,))
    finally:
        conn.close()
    return carried


def _entry_time() -> str:
    return datetime.now(UTC).replace(tzinfo=None).isoformat(sep=" ", timespec="seconds")


def _audit_rows(store: Path, key: bytes | None) -> list[tuple[Any, ...]] | None:
    """Every audit entry of the store about to be replaced (None: it cannot be read)."""
    if not store.exists():
        return []
    try:
        conn = connect(store.absolute().as_uri() + "?mode=ro", key, uri=True)
        try:
            sql = f"SELECT {', '.join(audit.COLUMNS)} FROM audit_log ORDER BY seq"
            return [tuple(row) for row in conn.execute(sql)]
        finally:
            conn.close()
    except DriverError:
        return None


def _carry(
    conn: Any, older: list[tuple[Any, ...]] | None, end: int, digest: str
) -> tuple[int, str]:
    """Carry the replaced store's entries past the backup's last one into `conn`'s log."""
    if older is None:
        return 0, "the replaced store's log could not be read (it is kept aside)"
    hashes = {row[-1] for row in older}
    if end == 0 or digest in hashes:  # its log continues the backup's: carry entries as they are
        later = [row for row in older if row[0] > end]
        marks = ", ".join("?" * len(audit.COLUMNS))
        conn.executemany(
            f"INSERT INTO audit_log ({', '.join(audit.COLUMNS)}) VALUES ({marks})", later
        )
        if not later:
            return 0, "no later entries to carry"
        return len(later), f"entries {later[0][0]}–{later[-1][0]} were carried as they were"
    # The logs parted before the backup's end: each entry the backup lacks becomes a new one.
    known = {str(row[0]) for row in conn.execute("SELECT hash FROM audit_log")}
    later = [row for row in older if row[-1] not in known]
    for row in later:
        entry = dict(zip(audit.COLUMNS, row, strict=True))
        entry["detail"] = f"{CARRIED} (entry {row[0]}, {row[-1][:16]}): {entry['detail']}"
        audit.raw_append(conn, {k: entry[k] for k in audit.COLUMNS[1:-2]})
    carried = counted(len(later), "entry", "entries")
    return len(later), f"{carried} of the replaced store were carried as new"


def _witness_restored(paths: DataPaths, key: bytes | None) -> None:
    """Sign the restored log's head into the sidecar (never backwards: audit_witness.py)."""
    try:
        conn = connect(paths.store.absolute().as_uri() + "?mode=ro", key, uri=True)
        try:
            audit_witness.advance_sidecar(paths.keys, conn, "restore")
        finally:
            conn.close()
    except (OSError, DriverError, PcsoDeskError) as exc:
        _log(paths, f"the restored audit log's head was not witnessed: {exc}")


def _set_aside(paths: DataPaths, moment: datetime) -> Path | None:
    """Move the store and its -wal/-shm into a new folder under backups/ (kept, not deleted)."""
    journal = paths.store.with_name(paths.store.name + "-journal")
    files = [f for f in (paths.store, *sidecars(paths.store), journal) if f.exists()]
    if not files:
        return None
    aside = paths.backups / f"set-aside-{moment.strftime(STAMP)}"
    count = 1
    while aside.exists():
        count += 1
        aside = paths.backups / f"set-aside-{moment.strftime(STAMP)}-{count}"
    aside.mkdir(parents=True)
    for file in files:
        os.replace(file, aside / file.name)
    return aside


def _put_back(aside: Path, folder: Path) -> None:  # pragma: no cover - see restore
    for file in aside.iterdir():
        os.replace(file, folder / file.name)


def _mark_sync_for_fresh_exchange(path: Path, key: bytes | None) -> None:
    """Forget how far sync had got: the next bundle is full and the next hub sync starts over.

    Peers and the hub may hold changes made after the backup that this copy lacks, and they
    believe this station has them; forgetting what was confirmed makes both sides send all.
    """
    conn = connect(path, key)
    try:
        tables = {str(r[0]) for r in conn.execute("SELECT name FROM sqlite_master")}
        with conn:
            if "sync_peers" in tables:
                conn.execute("UPDATE sync_peers SET acked_through = NULL, knows = '{}'")
            if "sync_hubs" in tables:
                conn.execute("UPDATE sync_hubs SET pushed_through = NULL, pulled_seq = 0")
            if "sync_bundles" in tables:
                conn.execute("DELETE FROM sync_bundles")
        conn.execute("PRAGMA journal_mode=DELETE")
    finally:
        conn.close()


def _refuse_if_in_use(store: Path) -> None:
    """Refuse while another running PCSO Desk app holds the store (its .lock file)."""
    lock = store.with_name(store.name + ".lock")
    try:
        first = lock.read_text(encoding="utf-8", errors="replace").split("\n", 1)[0]
        pid = int(first.strip())
    except (OSError, ValueError):
        return
    if pid == os.getpid() or not _alive(pid):
        return
    raise PcsoDeskError(
        "PCSO Desk is open on this store; close it first, then restore; nothing was changed."
    )


def _alive(pid: int) -> bool:
    if sys.platform == "win32":  # pragma: no cover - os.kill would end the process there
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # pragma: no cover - someone else's process
        return True
    return True


def _log(paths: DataPaths, line: str) -> None:
    with contextlib.suppress(OSError):
        paths.logs.mkdir(parents=True, exist_ok=True)
        with (paths.logs / RECOVERY_LOG).open("a", encoding="utf-8") as handle:
            handle.write(f"{datetime.now(UTC).isoformat()} {line}\n")
