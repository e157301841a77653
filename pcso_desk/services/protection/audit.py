"""The audit log: one hash-chained entry per audited action, a verifier, and a reader.

Entries say who did what to which records, never the personal data itself: field names of a
change, not its values; the count of search results, not the words searched for.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pcso_desk.domain.wording import counted
from pcso_desk.store.base import utcnow
from pcso_desk.store.models import AuditEntry

if TYPE_CHECKING:
    from pcso_desk.services.context import Context
    from pcso_desk.store.session import Store

log = logging.getLogger(__name__)

GENESIS = "0" * 64
_HASHED = (
    "seq", "at", "station_id", "user_id", "username", "role", "action", "kind",
    "record_ids", "detail", "outcome",
)  # fmt: skip
COLUMNS = (*_HASHED, "prev_hash", "hash")
# The triggers that make the table append-only (migration 0004), as SQLite keeps their SQL.
GUARDS = {
    name: f"CREATE TRIGGER {name} BEFORE {verb} ON audit_log "
    "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"
    for name, verb in (("audit_log_no_update", "UPDATE"), ("audit_log_no_delete", "DELETE"))
}


def _digest(prev_hash: str, fields: dict[str, Any]) -> str:
    text = json.dumps([prev_hash, *(str(fields[k]) for k in _HASHED)], ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def append(
    session: Session,
    ctx: Context,
    action: str,
    kind: str = "",
    ids: Sequence[str] = (),
    detail: str = "",
    *,
    outcome: str = "ok",
    at: datetime | None = None,
) -> None:
    """Add one entry in the caller's write transaction (which holds the store's write lock);
    `at` the moment it was made when that was earlier (an owed entry: owed.py)."""
    last = session.execute(
        select(AuditEntry.seq, AuditEntry.hash).order_by(AuditEntry.seq.desc()).limit(1)
    ).first()
    actor = ctx.actor
    # One reading of the clock, hashed and stored: two readings a second boundary apart once
    # made an entry that `check` called "changed outside the app".
    now = (at or utcnow()).replace(microsecond=0)
    fields: dict[str, Any] = {
        "seq": (last[0] + 1) if last else 1,
        "at": now.replace(tzinfo=None).isoformat(sep=" ", timespec="seconds"),
        "station_id": ctx.station_id,
        "user_id": actor.user_id if actor else None,
        "username": actor.username if actor else "",
        "role": actor.role.value if actor else "",
        "action": action,
        "kind": kind,
        "record_ids": json.dumps(list(ids)),
        "detail": detail,
        "outcome": outcome,
    }
    prev = last[1] if last else GENESIS
    entry = AuditEntry(**{**fields, "at": now}, prev_hash=prev, hash=_digest(prev, fields))
    session.add(entry)


def record(
    ctx: Context,
    action: str,
    kind: str = "",
    ids: Sequence[str] = (),
    detail: str = "",
    *,
    outcome: str = "ok",
) -> None:
    """Add one entry in a transaction of its own (views, searches, prints, refusals); while
    the store's check still runs, owed to the log instead, never lost (owed.py)."""
    from pcso_desk.services.protection import owed

    if owed.owe(ctx, action, kind, ids, detail, outcome):
        return
    with ctx.store.write() as session:
        append(session, ctx, action, kind, ids, detail, outcome=outcome)


# -- entries written just after (a search as the user types) ---------------------------------


class _Queue:
    """One store's queued entries, written in the order queued by one thread that lives while
    there are any, several to a transaction when they come faster than a commit. The store
    waits for them before it closes (Store.pending), and the interpreter before it exits (a
    thread that is not a daemon); an entry that cannot be written yet (the store's check still
    running, another program holding the write lock) is tried again, never dropped.

    While the user types, the entries wait for a pause (QUIET_S without a keystroke, or MOST_S
    after the oldest was made), then go in one commit. A commit on this thread's connection
    makes every other connection drop its page cache (SQLite's WAL: a reader that sees the
    file changed starts cold), so a commit after each keystroke made every next keystroke's
    search read cold pages — 2–3× the time on the county store. Anyone reading the log first
    (`flush`) or closing the store (`finish`) has them written at once; what a hard kill (the
    power cut) can take is at most MOST_S of searches' entries, as before it was one commit's."""

    RETRY_S = 0.5
    GIVE_UP_S = 120.0  # a store that stays unwritable (damaged): said in the log, not hung on
    LINGER_S = 1.0  # the thread waits this long for the next keystroke's entry before it ends
    QUIET_S = 0.3  # a pause in typing longer than the gap between a typist's keystrokes
    MOST_S = 1.0  # the longest an entry waits for that pause

    def __init__(self, store: Store) -> None:
        self.store = store
        self.lock = threading.Condition()
        self.items: list[tuple[Context, str, str, tuple[str, ...], str, datetime]] = []
        self.thread: threading.Thread | None = None
        self.writing = 0  # entries taken from `items`, not yet committed
        self.ending = False  # the store is closing: no lingering
        self.hurry = 0  # callers of `flush` waiting: no waiting for a pause in typing
        self.first_at = self.last_at = 0.0  # monotonic: the oldest and newest queued entry

    def put(self, ctx: Context, action: str, kind: str, ids: Sequence[str], detail: str) -> None:
        who = dataclasses.replace(ctx)  # the actor now, whoever signs in before it is written
        with self.lock:
            self.last_at = time.monotonic()
            if not self.items:
                self.first_at = self.last_at
            self.items.append((who, action, kind, tuple(ids), detail, utcnow()))
            self.lock.notify_all()
            if self.thread is None:
                self.ending = False
                if self.finish not in self.store.pending:
                    self.store.pending.append(self.finish)
                self.thread = threading.Thread(target=self._write, name="audit queue")
                self.thread.start()

    def _write(self) -> None:
        failing_since: float | None = None
        while True:
            with self.lock:
                if not self.items and not self.ending:
                    self.lock.wait(self.LINGER_S)
                while self.items and not (self.ending or self.hurry):  # the pause in typing
                    due = min(self.last_at + self.QUIET_S, self.first_at + self.MOST_S)
                    if time.monotonic() >= due:
                        break
                    self.lock.wait(due - time.monotonic())
                batch = list(self.items)
                given_up = (
                    failing_since is not None and time.monotonic() - failing_since > self.GIVE_UP_S
                )
                if not batch or given_up:
                    if batch:
                        log.error("%d audit entries could not be written", len(batch))
                        self.items.clear()
                    self.thread = None
                    self.lock.notify_all()
                    return
                del self.items[: len(batch)]
                self.writing = len(batch)
            try:
                with self.store.write() as session:
                    for who, action, kind, ids, detail, at in batch:
                        append(session, who, action, kind, ids, detail, at=at)
            except Exception:
                log.warning("queued audit entries not written yet; trying again", exc_info=True)
                failing_since = failing_since or time.monotonic()
                with self.lock:
                    self.items[:0] = batch  # first again, in their order
                    self.writing = 0
                time.sleep(self.RETRY_S)
                continue
            failing_since = None
            with self.lock:
                self.writing = 0
                self.lock.notify_all()

    def flush(self) -> None:
        """Wait until every entry queued so far is in the log."""
        with self.lock:
            self.hurry += 1
            self.lock.notify_all()
            try:
                while self.thread is not None and (self.items or self.writing):
                    self.lock.wait()
            finally:
                self.hurry -= 1

    def finish(self) -> None:
        """Before the store closes: write what is queued, and let the thread end now."""
        with self.lock:
            self.ending = True
            self.lock.notify_all()
            while self.thread is not None:
                self.lock.wait()
            self.ending = False
        with _QUEUES_LOCK:  # the closed store is not kept alive by its queue
            if _QUEUES.get(id(self.store)) is self:
                del _QUEUES[id(self.store)]


_QUEUES: dict[int, _Queue] = {}
_QUEUES_LOCK = threading.Lock()


def _queue(store: Store) -> _Queue:
    with _QUEUES_LOCK:
        found = _QUEUES.get(id(store))
        if found is None or found.store is not store:
            found = _QUEUES[id(store)] = _Queue(store)
        return found


def record_soon(
    ctx: Context, action: str, kind: str = "", ids: Sequence[str] = (), detail: str = ""
) -> None:
    """Add one entry as `record` does, on the store's queue: the caller does not wait for the
    commit (a search as the user types). Written in order, with the moment it was made, before
    the store closes; while the store's check still runs it is owed as `record`'s are (kept in
    the keyring, so a quit or a crash before the check ends does not lose it: owed.py)."""
    from pcso_desk.services.protection import owed

    if owed.owe(ctx, action, kind, ids, detail, "ok"):
        return
    _queue(ctx.store).put(ctx, action, kind, ids, detail)


def flush(store: Store) -> None:
    """Wait for the entries queued on this store (`record_soon`) to be written."""
    with _QUEUES_LOCK:
        found = _QUEUES.get(id(store))
    if found is not None and found.store is store:
        found.flush()


def head(session: Session) -> tuple[int, str]:
    """The newest entry's (seq, hash); (0, GENESIS) for an empty log."""
    last = session.execute(
        select(AuditEntry.seq, AuditEntry.hash).order_by(AuditEntry.seq.desc()).limit(1)
    ).first()
    return (int(last[0]), str(last[1])) if last else (0, GENESIS)


def hash_at(session: Session, seq: int) -> str | None:
    """The hash of entry `seq` (GENESIS for 0), or None if the log has no such entry."""
    if seq == 0:
        return GENESIS
    found = session.scalar(select(AuditEntry.hash).where(AuditEntry.seq == seq))
    return None if found is None else str(found)


def missing_guards(session: Session) -> list[str]:
    """The names of the append-only triggers that are gone or no longer as the app made them."""
    rows = session.connection().exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_log'"
    )
    found = {str(name): " ".join(str(sql).split()) for name, sql in rows}
    return [name for name, sql in GUARDS.items() if found.get(name) != sql]


def raw_head(conn: Any) -> tuple[int, str]:
    """`head` of a store opened as a raw connection (a backup, a store being restored)."""
    row = conn.execute("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
    return (int(row[0]), str(row[1])) if row else (0, GENESIS)


def raw_append(conn: Any, fields: dict[str, Any]) -> tuple[int, str]:
    """Chain one entry onto the log of a store opened as a raw connection; its (seq, hash).

    `fields` holds every hashed field but seq; `at` is text as `append` writes it.
    """
    seq, prev = raw_head(conn)
    values = {**fields, "seq": seq + 1}
    hashed = {k: "None" if values[k] is None else values[k] for k in _HASHED}
    digest = _digest(prev, hashed)
    conn.execute(
        f"INSERT INTO audit_log ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})",
        [values[k] for k in _HASHED] + [prev, digest],
    )
    return seq + 1, digest


@dataclass(frozen=True)
class ChainCheck:
    entries: int
    first_bad: int | None  # the seq of the first entry that does not fit its chain
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.first_bad is None


def verify(session: Session) -> ChainCheck:
    """Walk the chain in order: each entry's hash, its link to the one before, no gaps."""
    rows = session.connection().exec_driver_sql(
        f"SELECT {', '.join(_HASHED)}, prev_hash, hash FROM audit_log ORDER BY seq"
    )
    prev, expected, count = GENESIS, 1, 0
    for row in rows:
        count += 1
        fields = dict(zip(_HASHED, row[: len(_HASHED)], strict=True))
        fields = {k: "None" if v is None else v for k, v in fields.items()}
        seq, prev_hash, stored = int(row[0]), row[-2], row[-1]
        if seq != expected:
            return ChainCheck(count, expected, f"entry {expected} is missing")
        if prev_hash != prev or _digest(prev, fields) != stored:
            return ChainCheck(count, seq, f"entry {seq} was changed outside the app")
        prev, expected = stored, expected + 1
    return ChainCheck(count, None)


@dataclass(frozen=True)
class AuditRow:
    seq: int
    at: datetime
    username: str
    role: str
    action: str
    kind: str
    record_ids: list[str]
    detail: str
    outcome: str


def entries(
    ctx: Context,
    *,
    action: str | None = None,
    username: str | None = None,
    before_seq: int | None = None,
    limit: int = 200,
) -> list[AuditRow]:
    """The newest entries first, filtered; pass the last seq back as `before_seq` for more."""
    from pcso_desk.domain.permissions import Action

    ctx.require(Action.READ_AUDIT, "audit_log")
    stmt = select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(max(1, min(limit, 1000)))
    if action:
        stmt = stmt.where(AuditEntry.action == action)
    if username:
        stmt = stmt.where(AuditEntry.username == username)
    if before_seq is not None:
        stmt = stmt.where(AuditEntry.seq < before_seq)
    with ctx.store.read() as session:
        found = [
            AuditRow(
                e.seq,
                e.at,
                e.username,
                e.role,
                e.action,
                e.kind,
                json.loads(e.record_ids),
                e.detail,
                e.outcome,
            )
            for e in session.scalars(stmt)
        ]
    record(ctx, "read audit", "audit_log", (), counted(len(found), "entry", "entries"))
    return found


def count(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(AuditEntry)) or 0)
