"""The central PostgreSQL hub, as a station uses it: a relay of sealed changes, per team.

The hub keeps, per team, each station's latest sealed state of each record (hub_seal.py:
encrypted for the team, signed by the station) with a number from one sequence; it reads
none of it and merges nothing. A push copies its rows into a temporary table without any
lock, then takes its team's lock only to number them (and commits), so a team's numbers
become visible strictly in order and "everything after N" never skips a change, while
other teams, and pulls, never wait. A pull reads, page by page, the team's rows numbered
past what the station last saw, leaving out its own. The station merges what it pulls with
the same rules as bundles.

A station signs in with its own role (hub_admin.py makes it); its rows are its team's only
(row-level security). The schema is created and upgraded by `pcso-desk hub setup` with the
owner role, never by a station: `hub_meta.interface` says which stations can use it, so a
release that adds to the hub keeps the previous release's stations syncing.

The hub is also a witness of each station's audit log: it keeps the highest head (seq,
hash) each station has pushed (hub_heads) and hands every station of the team all of them.
"""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import Connection, Engine, MetaData, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, OperationalError

from pcso_desk.domain.errors import PcsoDeskError
from pcso_desk.domain.hlc import Hlc
from pcso_desk.sync.changes import Item
from pcso_desk.sync.hub_seal import (
    PROTOCOL,
    SealError,
    new_team_key,
    seal_item,
    sign_page,
    unwrap_team_key,
    wrap_team_key,
)
from pcso_desk.sync.identity import PublicIdentity, StationIdentity

VERSION_TABLE = "hub_alembic_version"
MIGRATIONS = Path(__file__).with_name("hub_migrations")
TEAM_LOCK = 7_277_274  # pg_advisory_xact_lock key of the keeper's schema and role changes
INTERFACE = 2  # hub_meta.interface: the hub schema this release's stations can use
PAGE = 1000  # items per signed page of a push, and rows per page of a pull
LOCK_WAIT_S = 10  # one wait for a team's numbering lock (held for seconds by a push)
LOCK_TRIES = 12  # then "busy" (a stalled holder is ended by the server within 20 s)
LOCK_NOT_AVAILABLE = "55P03"  # SQLSTATE of a lock_timeout
CLOCK_SLACK_S = 300  # a station whose clock is further from the hub's than this is refused
CONNECT_TIMEOUT_S = 10
# No station can stall the others: a session left idle inside a transaction (a laptop lid
# closed mid-push, a process stopped) is ended by the server, releasing the push lock; a
# statement is given up after minutes, not never; dead links are found by TCP keepalives.
IDLE_IN_TRANSACTION_S = 20
STATEMENT_TIMEOUT_S = 300
SESSION_OPTIONS = (
    f"-c idle_in_transaction_session_timeout={IDLE_IN_TRANSACTION_S * 1000} "
    f"-c statement_timeout={STATEMENT_TIMEOUT_S * 1000}"
)
KEEPALIVES = {"keepalives": 1, "keepalives_idle": 30, "keepalives_interval": 10,
              "keepalives_count": 3}  # fmt: skip
HUB_METADATA = MetaData()  # the schema is in hub_migrations (raw SQL: policies, functions)


def _quiet(_message: str) -> None:
    return None


class HubError(PcsoDeskError):
    """The hub cannot be used as asked; the message is one sentence."""


def hub_engine(url: str) -> tuple[Engine, str]:
    """An engine for a PostgreSQL URL (psycopg 3), and the address to show (no password)."""
    try:
        parsed = make_url(url.strip())
    except ArgumentError:
        parsed = None
    if parsed is None or parsed.get_backend_name() not in ("postgresql", "postgres"):
        raise HubError(
            "The hub address must be a PostgreSQL URL, like postgresql://user@host/database."
        )
    parsed = _verified_tls(parsed.set(drivername="postgresql+psycopg"))
    return _engine(parsed)


def _engine(parsed: Any) -> tuple[Engine, str]:
    # Shown to people and written in logs: where the hub is, never who signs in or how.
    where = f"{parsed.host or 'localhost'}{f':{parsed.port}' if parsed.port else ''}"
    shown = f"postgresql://{where}/{parsed.database or ''}"
    try:
        engine = create_engine(  # hide_parameters: errors never carry the changes' values
            parsed,
            connect_args={
                "connect_timeout": CONNECT_TIMEOUT_S,
                "options": SESSION_OPTIONS,
                **KEEPALIVES,
            },
            pool_pre_ping=True,
            hide_parameters=True,
        )
    except (NoSuchModuleError, ImportError) as exc:  # pragma: no cover - a broken install
        raise HubError(
            "This installation cannot reach a PostgreSQL hub (psycopg is missing)."
        ) from exc
    return engine, shown


LOCAL_HOSTS = frozenset({"", "localhost", "127.0.0.1", "::1"})
VERIFIED = "verify-full"  # libpq: encrypted, and the server's certificate and name checked


def _verified_tls(url: Any) -> Any:
    """A hub on another machine is reached only over TLS whose certificate and host name are
    verified (`sslmode=verify-full`, the default given here); a hub on this machine (or its
    Unix socket) as the URL says. Anything weaker is refused before a connection is made:
    the stations' changes and the hub's password would cross the network readable."""
    host = url.host or ""
    if host in LOCAL_HOSTS or host.startswith("/"):
        return url
    mode = url.query.get("sslmode")
    if mode is None:
        return url.update_query_dict({"sslmode": VERIFIED})
    if mode != VERIFIED:
        raise HubError(
            f"The hub at {host} must be reached over verified TLS: leave sslmode out of the "
            f"address or set sslmode={VERIFIED}; nothing was sent."
        )
    return url


@dataclass(frozen=True)
class Joined:
    """Who the hub says this sign-in is."""

    hub_id: str
    team: str
    station_id: str


@dataclass(frozen=True)
class HubRow:
    """One sealed change as the hub holds it."""

    seq: int
    table: str
    id: str
    sender: str
    version: int
    page: str
    body: bytes


@dataclass(frozen=True)
class Pulled:
    """One page of a pull: its rows, and the signed manifests of the pages they came in."""

    rows: list[HubRow]
    pages: dict[tuple[str, str], bytes]  # (sender, page) -> signed manifest
    last: int  # the highest sequence number read


class TrustedStations(Protocol):
    """The stations this one has registered (sync/identity.py TrustStore)."""

    def get(self, station_id: str) -> PublicIdentity | None: ...

    def all(self) -> list[PublicIdentity]: ...


class Hub:
    """One open hub, as a station (or, for hub_admin, its keeper) signs in to it."""

    def __init__(self, url: str, *, as_owner: bool = False) -> None:
        self.engine, self.address = hub_engine(url)
        self.as_owner = as_owner

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def connect(self, *, snapshot: bool = False) -> Iterator[Connection]:
        """One transaction on the hub; `snapshot`: every statement in it sees one moment
        (REPEATABLE READ), as a pull's rows and the pages that sign them must."""
        try:
            link = self.engine.connect()
            if snapshot:
                link.execution_options(isolation_level="REPEATABLE READ")
        except DBAPIError as exc:  # no link at all: a wrong address, a refused login, no network
            raise HubError(self._no_link(exc)) from exc
        try:
            with link, link.begin():
                yield link
        except DBAPIError as exc:
            if exc.connection_invalidated or _unreachable(exc):
                raise HubError(self._no_link(exc)) from exc
            if _denied(exc):
                raise HubError(
                    f"The hub at {self.address} refused this station's sign-in a change it "
                    "is not allowed (its access may have been withdrawn); nothing was kept."
                ) from exc
            raise

    def _no_link(self, exc: DBAPIError) -> str:
        if _refused(exc):
            return (
                f"The hub at {self.address} refused the connection (check the user name, "
                "password and database name); the work on this PC is kept."
            )
        return (
            f"The hub at {self.address} could not be reached; the work on this PC is "
            "kept and will be sent next time."
        )

    def join(self) -> Joined:
        """Check the hub is set up for this release and who this sign-in is on it."""
        with self.connect() as conn:
            if conn.execute(text("SELECT to_regclass('public.hub_meta')")).scalar() is None:
                raise HubError(
                    f"The hub at {self.address} is not set up yet: whoever keeps it runs "
                    "pcso-desk hub setup first."
                )
            meta = dict(conn.execute(text("SELECT key, value FROM hub_meta")).tuples().all())
            interface = int(meta.get("interface", "1"))
            if interface > INTERFACE:
                raise HubError(
                    f"The hub at {self.address} was set up by a newer PCSO Desk that this PC "
                    "cannot use; update PCSO Desk on this PC."
                )
            if interface < INTERFACE:
                raise HubError(
                    f"The hub at {self.address} needs upgrading for this release: whoever "
                    "keeps it runs pcso-desk hub setup with it."
                )
            owner = conn.execute(
                text(
                    "SELECT rolsuper OR pg_has_role(session_user, "
                    "(SELECT tableowner FROM pg_tables WHERE tablename = 'hub_items' "
                    "AND schemaname = 'public'), 'MEMBER') FROM pg_roles "
                    "WHERE rolname = session_user"
                )
            ).scalar()
            if owner and not self.as_owner:
                raise HubError(
                    f"The hub address signs in as the hub's owner ({self.address}); a station "
                    "syncs only with its own access, from pcso-desk hub add-station."
                )
            station, team = conn.execute(text("SELECT hub_station(), hub_team()")).one()
            if station is None:
                raise HubError(
                    f"The hub at {self.address} does not know this sign-in as a station (it "
                    "may have been removed); ask whoever keeps the hub."
                )
            return Joined(str(meta["hub_id"]), str(team), str(station))

    def clock_offset(self) -> float:
        """Seconds this PC's clock is ahead of the hub's (negative: behind)."""
        with self.connect() as conn:
            before = time.time()
            hub_now = float(conn.execute(text("SELECT extract(epoch FROM now())")).scalar_one())
            after = time.time()
        return (before + after) / 2 - hub_now

    def epoch(self) -> tuple[str, int]:
        """(what changes when the hub's database is restored from a dump or replaced, the
        newest sequence number this team holds). A restore recreates the database or its
        tables, so their object ids change; a restore into tables kept as they were (data
        only) shows as a sequence below what a station has already read."""
        with self.connect() as conn:
            database, table, newest = conn.execute(
                text(
                    "SELECT (SELECT oid FROM pg_database WHERE datname = current_database()), "
                    "'hub_items'::regclass::oid, (SELECT coalesce(max(seq), 0) FROM hub_items "
                    "WHERE team = hub_team())"
                )
            ).one()
        return f"{database}:{table}", int(newest)

    def team_key(
        self,
        team: str,
        me: StationIdentity,
        trusted: TrustedStations,
        busy: Callable[[str], None] = _quiet,
    ) -> bytes:
        """The team's key, unwrapped from the hub. The team's first station makes it; every
        station holding it wraps it for each station it trusts that the hub knows and that
        has none yet (in the same transaction, under the team's lock, so stations syncing
        for the first time together wait for it rather than fail). A station not yet handed
        the key is told so."""
        with self.connect() as conn:
            self._lock_team_waiting(conn, team, busy)
            wraps = {
                station: (by, wrapped)
                for station, by, wrapped in conn.execute(
                    text("SELECT station_id, by_station, wrapped FROM hub_keys WHERE team = :t"),
                    {"t": team},
                ).tuples()
            }
            if me.station_id in wraps:
                by_id, wrapped = wraps[me.station_id]
                by = me.public() if by_id == me.station_id else trusted.get(by_id)
                try:
                    key = unwrap_team_key(wrapped, team, me, by, by_id)
                except SealError as exc:
                    raise HubError(exc.message) from exc
            elif wraps:
                raise HubError(
                    "This station has not been handed the team's hub key yet: it is handed "
                    "over when a station of the team that has registered this one syncs."
                )
            else:
                key = new_team_key()
                wraps[me.station_id] = (me.station_id, "")
                _add_wrap(
                    conn,
                    team,
                    me.station_id,
                    me.station_id,
                    wrap_team_key(key, team, me.public(), me),
                )
            on_hub = set(
                conn.execute(
                    text(
                        "SELECT station_id FROM hub_stations WHERE team = :t AND removed_at IS NULL"
                    ),
                    {"t": team},
                ).scalars()
            )
            for peer in trusted.all():
                if peer.team == team and peer.station_id in on_hub - set(wraps):
                    _add_wrap(
                        conn,
                        team,
                        peer.station_id,
                        me.station_id,
                        wrap_team_key(key, team, peer, me),
                    )
            return key

    def push(
        self,
        items: Iterable[Item],
        team: str,
        me: StationIdentity,
        key: bytes,
        busy: Callable[[str], None] = _quiet,
    ) -> int:
        """Seal and send `items` (all or nothing); how many were sent. Items are sealed and
        streamed a page at a time, so a first push of millions holds one page in memory."""
        sent = 0
        with self.connect() as conn:
            conn.exec_driver_sql("SET LOCAL statement_timeout = 0")  # a long first push
            conn.exec_driver_sql(
                "CREATE TEMP TABLE hub_incoming (ord integer, tbl varchar(64), id varchar(64), "
                "v smallint, newest timestamptz, page varchar(64), body bytea, signed bytea) "
                "ON COMMIT DROP"
            )
            raw = conn.connection.driver_connection
            assert raw is not None
            with (
                raw.cursor() as cursor,
                cursor.copy(
                    "COPY hub_incoming (ord, tbl, id, v, newest, page, body, signed) FROM STDIN"
                ) as copy,
            ):
                for batch in _pages(items):
                    page = uuid.uuid4().hex
                    sealed = [seal_item(key, team, me.station_id, item) for item in batch]
                    signed: bytes | None = sign_page(me, team, page, sealed)
                    for item, body in zip(batch, sealed, strict=True):
                        wall = Hlc.decode(item.newest).wall_ms / 1000
                        newest = datetime.fromtimestamp(wall, UTC)
                        copy.write_row(
                            (sent, item.table, item.id, PROTOCOL, newest, page, body, signed)
                        )
                        signed, sent = None, sent + 1  # the manifest rides on a page's first
            conn.exec_driver_sql(f"SET LOCAL statement_timeout = {STATEMENT_TIMEOUT_S * 1000}")
            conn.execute(
                text(
                    "INSERT INTO hub_pages (team, sender, page, signed) SELECT :team, :me, page, "
                    "signed FROM hub_incoming WHERE signed IS NOT NULL"
                ),
                {"team": team, "me": me.station_id},
            )
            self._lock_team_waiting(conn, team, busy)  # held only while numbering
            try:
                conn.execute(
                    text(
                        "INSERT INTO hub_items (team, tbl, id, sender, seq, v, newest, page, body) "
                        "SELECT :team, tbl, id, :me, nextval('hub_seq'), v, newest, page, body "
                        "FROM (SELECT * FROM hub_incoming ORDER BY ord) AS incoming "
                        "ON CONFLICT (team, tbl, id, sender) DO UPDATE SET seq = excluded.seq, "
                        "v = excluded.v, newest = excluded.newest, page = excluded.page, "
                        "body = excluded.body"
                    ),
                    {"team": team, "me": me.station_id},
                )
            except DBAPIError as exc:
                if "pcso-hub: clock ahead" in str(exc.orig):
                    raise HubError(
                        f"The hub refused the changes of {me.name}: its clock is ahead of the "
                        "hub's; set this PC's date and time, and nothing was sent."
                    ) from exc
                raise
            conn.execute(
                text(
                    "DELETE FROM hub_pages p WHERE p.team = :team AND p.sender = :me AND NOT "
                    "EXISTS (SELECT 1 FROM hub_items i WHERE i.team = p.team AND "
                    "i.sender = p.sender AND i.page = p.page)"
                ),
                {"team": team, "me": me.station_id},
            )  # pages whose every item a later push replaced
        return sent

    def _lock_team_waiting(self, conn: Connection, team: str, busy: Callable[[str], None]) -> None:
        """Take the team's numbering lock, waiting at most LOCK_WAIT_S at a time; while another
        station holds it, say the hub is busy and try again after a growing pause (spent in
        the server, so this session never sits idle in its transaction)."""
        pause = 1.0
        for _attempt in range(LOCK_TRIES):
            try:
                with conn.begin_nested():
                    conn.exec_driver_sql(f"SET LOCAL lock_timeout = {LOCK_WAIT_S * 1000}")
                    _lock_team(conn, team)
                return
            except OperationalError as exc:
                if getattr(exc.orig, "sqlstate", "") != LOCK_NOT_AVAILABLE:
                    raise
            busy("The hub is busy; trying again")
            conn.execute(text("SELECT pg_sleep(:s)"), {"s": pause + random.random()})
            pause = min(pause * 2, 8.0)
        raise HubError(
            f"The hub at {self.address} stayed busy with another station of the team for "
            "minutes; nothing was sent, so sync again shortly."
        )

    def exchange_heads(
        self, team: str, station_id: str, head: tuple[int, str]
    ) -> dict[str, tuple[int, str]]:
        """Keep `head` as this station's audit head unless the hub holds a higher one of it;
        every station's highest head as the hub now holds it (this station's included)."""
        with self.connect() as conn:
            conn.execute(
                text(
                    "INSERT INTO hub_heads (team, station_id, seq, hash) VALUES (:t, :s, :q, :h) "
                    "ON CONFLICT (team, station_id) DO UPDATE SET seq = excluded.seq, "
                    "hash = excluded.hash WHERE hub_heads.seq < excluded.seq"
                ),
                {"t": team, "s": station_id, "q": head[0], "h": head[1]},
            )
            found = conn.execute(
                text("SELECT station_id, seq, hash FROM hub_heads WHERE team = :t"), {"t": team}
            ).tuples()
            return {str(s): (int(q), str(h)) for s, q, h in found}

    def waiting(self, team: str, after: int, me: str) -> int:
        """How many rows a pull from `after` would read (for the progress shown and the
        merge's cache), counted without reading them."""
        with self.connect() as conn:
            return int(
                conn.execute(
                    text(
                        "SELECT count(*) FROM hub_items "
                        "WHERE team = :t AND seq > :after AND sender <> :me"
                    ),
                    {"t": team, "after": after, "me": me},
                ).scalar_one()
            )

    def pull(self, team: str, after: int, me: str, page: int = PAGE) -> Iterator[Pulled]:
        """The team's rows numbered after `after`, other stations' only, a page at a time
        (each read in its own short transaction, so memory and locks stay small)."""
        while True:
            with self.connect(snapshot=True) as conn:
                rows = [
                    HubRow(int(seq), tbl, row_id, sender, int(v), page_id, bytes(body))
                    for seq, tbl, row_id, sender, v, page_id, body in conn.execute(
                        text(
                            "SELECT seq, tbl, id, sender, v, page, body FROM hub_items "
                            "WHERE team = :t AND seq > :after AND sender <> :me "
                            "ORDER BY seq LIMIT :n"
                        ),
                        {"t": team, "after": after, "me": me, "n": page},
                    ).tuples()
                ]
                if not rows:
                    return
                wanted = sorted({row.page for row in rows})
                pages = {
                    (str(sender), str(page_id)): bytes(signed)
                    for sender, page_id, signed in conn.execute(
                        text(
                            "SELECT sender, page, signed FROM hub_pages "
                            "WHERE team = :t AND page = ANY(:pages)"
                        ),
                        {"t": team, "pages": wanted},
                    ).tuples()
                }
            after = rows[-1].seq
            yield Pulled(rows, pages, after)
            if len(rows) < page:
                return

    def seen(self, station_id: str, name: str) -> None:
        with self.connect() as conn:
            conn.execute(
                text(
                    "UPDATE hub_stations SET last_sync_at = now(), name = :n WHERE station_id = :s"
                ),
                {"s": station_id, "n": name},
            )


def _pages(items: Iterable[Item]) -> Iterator[list[Item]]:
    batch: list[Item] = []
    for item in items:
        batch.append(item)
        if len(batch) == PAGE:
            yield batch
            batch = []
    if batch:
        yield batch


def _lock_team(conn: Connection, team: str) -> None:
    conn.execute(text("SELECT pg_advisory_xact_lock(hashtext(:k))"), {"k": f"pcso-hub|{team}"})


def _add_wrap(conn: Connection, team: str, station: str, by: str, wrapped: str) -> None:
    conn.execute(
        text(
            "INSERT INTO hub_keys (team, station_id, by_station, wrapped) "
            "VALUES (:t, :s, :b, :w) ON CONFLICT (team, station_id) DO NOTHING"
        ),
        {"t": team, "s": station, "b": by, "w": wrapped},
    )


def _denied(exc: DBAPIError) -> bool:
    text_of = str(exc.orig).lower()
    return "row-level security" in text_of or "permission denied" in text_of


def _refused(exc: DBAPIError) -> bool:
    """The server answered but would not let this station in (login or database name)."""
    text_of = str(exc.orig).lower()
    return any(
        hint in text_of
        for hint in ("authentication failed", "does not exist", "no pg_hba.conf", "password")
    )


def _unreachable(exc: DBAPIError) -> bool:
    text_of = str(exc.orig).lower()
    return any(
        hint in text_of
        for hint in ("could not connect", "connection refused", "timeout", "timed out", "no route")
    )
