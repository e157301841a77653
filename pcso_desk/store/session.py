"""The Store: one open SQLite store (engine, sessions, paths) that services work through."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker

from pcso_desk.domain.errors import StoreError
from pcso_desk.domain.hlc import Hlc, HybridClock
from pcso_desk.store import migrate
from pcso_desk.store.backup import check_intact, check_intact_later
from pcso_desk.store.clocks import CLOCK_KEY, track_field_clocks
from pcso_desk.store.engine import DatabaseError, make_engine, make_session_factory
from pcso_desk.store.location import check_location

log = logging.getLogger(__name__)


@dataclass
class Store:
    path: Path
    engine: Engine
    sessions: sessionmaker[Session]
    pre_upgrade_backup: str | None = None
    clock: HybridClock | None = None  # this station's clock, set once its id is known
    _thread: threading.local | None = None
    backups: Path | None = None  # the folder of this store's backups
    intact: Future[None] | None = None  # the integrity check still running (open_store)
    # Work on other threads that must end before the store closes (a backup under way).
    pending: list[Callable[[], None]] = field(default_factory=list)
    key: bytes | None = field(default=None, repr=False)  # None: a plain (older) store
    # What is owed to the store from before its check passed (audit entries made meanwhile,
    # services/protection/owed.py): written first by the next `write()`, inside it.
    catch_up: Callable[[Session], None] | None = field(default=None, repr=False)
    _owing: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def encrypted(self) -> bool:
        return self.key is not None

    def wait_intact(self) -> None:
        """Wait for a background integrity check; raise DamagedStoreError if it failed."""
        if self.intact is not None:
            self.intact.result()

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session to read with; inside a `write()` on this thread, that unit of work's own
        session, so that a use case reads what it has written so far."""
        joined = getattr(self._local(), "session", None)
        if joined is not None:
            yield joined
            return
        with self.sessions() as session:
            yield session

    @contextmanager
    def snapshot(self) -> Iterator[Session]:
        """A read session that sees one moment throughout, however long it reads; inside a
        `write()` on this thread, that unit of work (which is one moment already)."""
        joined = getattr(self._local(), "session", None)
        if joined is not None:
            yield joined
            return
        with self.sessions() as session:
            session.connection().exec_driver_sql("BEGIN")
            yield session

    def owe(self, work: Callable[[Session], None]) -> None:
        """Have the next `write()` do `work` in its unit of work before anything else."""
        with self._owing:
            self.catch_up = work

    def _pay(self, session: Session) -> Callable[[Session], None] | None:
        """Do what is owed (`catch_up`) in this unit of work; what was done, if anything."""
        with self._owing:
            work, self.catch_up = self.catch_up, None
        if work is None:
            return None
        try:
            with session.begin_nested():  # what is owed cannot spoil the write that pays it
                work(session)
        except Exception:
            log.warning("what was owed to the store waits for the next write", exc_info=True)
            self.owe(work)
            return None
        return work

    @property
    def in_write(self) -> bool:
        """Whether this thread is inside a `write()` unit of work."""
        return bool(getattr(self._local(), "depth", 0))

    def _local(self) -> threading.local:
        if self._thread is None:
            self._thread = threading.local()
        return self._thread

    @contextmanager
    def write(self, patience_ms: int | None = None) -> Iterator[Session]:
        """A unit of work: commits on success, rolls back everything on any error.

        It takes SQLite's write lock first (BEGIN IMMEDIATE), so that every clock value
        issued inside it is later than the high-water mark of every committed write, in this
        process or another: "changes since T" then never misses a change (see sync).

        A `write()` inside another on the same thread joins it as a savepoint: a use case
        and everything it calls commit together, or not at all.

        An error raised inside may carry `after_rollback`, work that must be kept although
        the unit of work is not (an audit entry for a refusal): it runs once the rollback
        has released the lock.

        `patience_ms` waits less than the usual 30 s for the lock (store/busy.py), for a
        writer that can keep its work elsewhere meanwhile (a sign-in's audit entry).
        """
        local = self._local()
        outer = getattr(local, "session", None)
        if outer is not None:  # nested: a savepoint of the unit of work already open
            with outer.begin_nested():
                yield outer
            return
        if self.intact is not None:
            self.wait_intact()  # nothing is written to a store before it has passed its check
        local.depth, local.committed = 1, []
        paid = None
        try:
            with self.sessions() as session, session.begin():
                from pcso_desk.store import busy  # a lock held too long: StoreBusyError

                busy.begin_immediate(session.connection(), self.path, patience_ms)
                with busy.holding(self.path):  # the note of what holds the lock (busy.py)
                    local.session = session
                    floor = self._clock_floor(session)
                    paid = self._pay(session)
                    yield session
                    self._raise_clock_floor(session, floor)
        except BaseException as exc:
            local.depth, local.session = 0, None
            if paid is not None:  # rolled back with the rest: owed again, to the next write
                self.owe(paid)
            keep = getattr(exc, "after_rollback", None)
            if keep is not None:
                exc.after_rollback = None  # type: ignore[attr-defined]
                keep()
            raise
        else:
            local.depth, local.session = 0, None
            done, local.committed = local.committed, []
            for work in done:
                work()

    def after_commit(self, work: Callable[[], None]) -> None:
        """Do `work` once the unit of work open on this thread has committed (now if none is):
        what cannot run inside a transaction, such as a WAL checkpoint."""
        if getattr(self._local(), "session", None) is None:
            work()
        else:
            self._local().committed.append(work)

    def _clock_floor(self, session: Session) -> str:
        found = session.execute(
            text("SELECT value FROM store_meta WHERE key = :key"), {"key": CLOCK_KEY}
        ).scalar()
        floor = str(found or "")
        if self.clock is not None and floor:
            self.clock.advance_to(Hlc.decode(floor))
        return floor

    def _raise_clock_floor(self, session: Session, floor: str) -> None:
        if self.clock is None or self.clock.last.wall_ms == 0:
            return
        mark = self.clock.last.encode()
        if mark > floor:
            session.execute(
                text("INSERT OR REPLACE INTO store_meta (key, value) VALUES (:key, :value)"),
                {"key": CLOCK_KEY, "value": mark},
            )

    def high_water(self, session: Session) -> str:
        """The newest clock value any committed write has used (as seen by `session`)."""
        found = session.execute(
            text("SELECT value FROM store_meta WHERE key = :key"), {"key": CLOCK_KEY}
        ).scalar()
        return str(found or "")

    def let_finish(self) -> None:
        """Wait for the work registered in `pending` (its own thread's join, say)."""
        while self.pending:
            self.pending.pop()()

    def close(self) -> None:
        self.let_finish()
        check = self.intact
        if check is not None and not check.done():  # closing before the check has passed
            stop = getattr(check, "stop", None)  # backup.LaterCheck
            if stop is not None:
                stop()
        self.engine.dispose()


def open_store(
    path: Path,
    backups: Path,
    *,
    create: bool = True,
    check_later: bool = False,
    key: bytes | None = None,
) -> Store:
    """Open (and migrate) the store at `path`; with create=False a missing store is an error.

    `key` is the store's data key (store/keyring.py): the store is encrypted with it, and a
    new store is made encrypted. Without one the store is a plain SQLite file: one made
    before stores were encrypted (services/unlock.py converts it), or a test's.

    The integrity check reads the whole file (about 20 seconds on an encrypted county store).
    With `check_later` (the desktop app, whose user is still typing a password) it runs on its
    own thread while the store opens for reading, and the first `write()` waits for it: a
    damaged store is still never written to. A store that needs a schema upgrade waits for it
    before migrating, its pre-upgrade backup made meanwhile. A store found damaged that way is
    marked, so that the next opening checks it first and offers the newest good backup
    (store/backup.py).
    """
    if not create and not path.exists():
        raise StoreError(
            f"There is no store at {path}; run 'pcso-desk init' or 'pcso-desk demo' first."
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    # Not on a network share, a synced folder or a removable drive; WAL must work here.
    check_location(path.parent)
    intact = None
    if check_later:
        intact = check_intact_later(path, backups, key)
    else:
        check_intact(path, backups, key)
    engine = make_engine(path, key)
    try:
        # An upgrade writes, so the check must have passed first; its pre-upgrade backup only
        # reads, and is made while the check runs (migrate.upgrade).
        wait = intact.result if intact is not None else None
        backup = migrate.upgrade(engine, path, backups, before_writing=wait)
    except DatabaseError as exc:  # pragma: no cover - depends on the damage
        engine.dispose()
        raise StoreError(f"The store at {path} cannot be read: {exc}.") from exc
    except Exception:
        engine.dispose()
        raise
    sessions = make_session_factory(engine)
    track_field_clocks(sessions)
    return Store(path, engine, sessions, backup, backups=backups, intact=intact, key=key)
