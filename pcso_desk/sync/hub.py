"""The central PostgreSQL hub: the same changes and merge rules as bundles, over the network.

The hub keeps one row per record with its merged state and the hub sequence number of its
last change. A station pushes its changes (merged into the hub's rows under one advisory
lock, so sequence numbers become visible strictly in order and "everything after N" never
skips a change) and pulls every row whose number is past the last one it saw. Its schema is
created and upgraded by Alembic, like a station's store.

The hub is also a witness of each station's audit log: it keeps the highest head (seq,
hash) each station has pushed, in one hub_meta row, and hands every station all of them.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    DateTime,
    Engine,
    Index,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    text,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError

from pcso_desk.domain.errors import PcsoDeskError
from pcso_desk.sync.changes import ChangeError, Item, parse_item
from pcso_desk.sync.merge import Conflict, merge

VERSION_TABLE = "hub_alembic_version"
MIGRATIONS = Path(__file__).with_name("hub_migrations")
PUSH_LOCK = 7_277_274  # pg_advisory_xact_lock key: one push at a time, in sequence order
CHUNK = 500
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
HEADS_KEY = "audit_heads"  # hub_meta: {station id: [seq, hash]}, the highest of each

HUB_METADATA = MetaData()
Table(
    "hub_meta",
    HUB_METADATA,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)
Table(
    "hub_items",
    HUB_METADATA,
    Column("tbl", String(64), primary_key=True),
    Column("id", String(64), primary_key=True),
    Column("body", Text, nullable=False),
    Column("seq", BigInteger, nullable=False),
    Column("pushed_by", String(64), nullable=False),
    Index("ix_hub_items_seq", "seq"),
)
Table(
    "hub_stations",
    HUB_METADATA,
    Column("station_id", String(64), primary_key=True),
    Column("name", String(100), nullable=False),
    Column("last_sync_at", DateTime(timezone=True)),
)


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
    shown = parsed.render_as_string(hide_password=True)
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


class Hub:
    """One open hub: prepare it, push changes into it, pull changes out of it."""

    def __init__(self, url: str) -> None:
        self.engine, self.address = hub_engine(url)

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def _connect(self) -> Iterator[Connection]:
        try:
            link = self.engine.connect()
        except DBAPIError as exc:  # no link at all: a wrong address, a refused login, no network
            raise HubError(self._no_link(exc)) from exc
        try:
            with link, link.begin():
                yield link
        except DBAPIError as exc:
            if exc.connection_invalidated or _unreachable(exc):
                raise HubError(self._no_link(exc)) from exc
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

    def prepare(self, team: str, station_id: str, station_name: str) -> str:
        """Create or upgrade the hub's schema; check it serves this team; its hub id."""
        from alembic import command
        from alembic.config import Config

        with self._connect() as conn:
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": PUSH_LOCK})
            config = Config()
            config.set_main_option("script_location", str(MIGRATIONS))
            config.attributes["connection"] = conn
            command.upgrade(config, "head")
            meta = dict(conn.execute(text("SELECT key, value FROM hub_meta")).tuples().all())
            if "hub_id" not in meta:
                meta = {"hub_id": str(uuid.uuid4()), "team": team}
                for key, value in meta.items():
                    conn.execute(
                        text("INSERT INTO hub_meta (key, value) VALUES (:k, :v)"),
                        {"k": key, "v": value},
                    )
            if meta.get("team") != team:
                raise HubError(
                    f"The hub at {self.address} serves team {meta.get('team')}, not {team}."
                )
            conn.execute(
                text(
                    "INSERT INTO hub_stations (station_id, name, last_sync_at) "
                    "VALUES (:s, :n, :t) ON CONFLICT (station_id) DO UPDATE "
                    "SET name = excluded.name, last_sync_at = excluded.last_sync_at"
                ),
                {"s": station_id, "n": station_name, "t": datetime.now(UTC)},
            )
            return str(meta["hub_id"])

    def epoch(self) -> tuple[str, int]:
        """(what changes when the hub's database is restored from a dump or replaced, the
        newest sequence number it holds). A restore recreates the database or its tables,
        so their object ids change; a restore into tables kept as they were (data only)
        shows as a sequence below what a station has already read."""
        with self._connect() as conn:
            database, table, newest = conn.execute(
                text(
                    "SELECT (SELECT oid FROM pg_database WHERE datname = current_database()), "
                    "'hub_items'::regclass::oid, (SELECT coalesce(max(seq), 0) FROM hub_items)"
                )
            ).one()
        return f"{database}:{table}", int(newest)

    def push(self, items: Sequence[Item], station_id: str) -> tuple[int, int]:
        """Merge `items` into the hub; (rows changed, conflicts found) — all or nothing."""
        changed = 0
        conflicts: dict[str, Conflict] = {}
        history: dict[str, Item] = {}  # values the hub's merges overwrote or set aside
        with self._connect() as conn:
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": PUSH_LOCK})
            for table, group in _by_table(items).items():
                for start in range(0, len(group), CHUNK):
                    chunk = group[start : start + CHUNK]
                    changed += _merge_chunk(conn, table, chunk, station_id, conflicts, history)
            for entries in ([c.item() for c in conflicts.values()], list(history.values())):
                for start in range(0, len(entries), CHUNK):
                    chunk = entries[start : start + CHUNK]
                    changed += _merge_chunk(conn, chunk[0].table, chunk, station_id, {}, {})
        return changed, len(conflicts)

    def exchange_heads(self, station_id: str, head: tuple[int, str]) -> dict[str, tuple[int, str]]:
        """Keep `head` as this station's audit head unless the hub holds a higher one of it;
        every station's highest head as the hub now holds it (this station's included)."""
        with self._connect() as conn:
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": PUSH_LOCK})
            raw = conn.execute(
                text("SELECT value FROM hub_meta WHERE key = :k"), {"k": HEADS_KEY}
            ).scalar()
            heads = _heads(raw)
            if head[0] > heads.get(station_id, (-1, ""))[0]:
                heads[station_id] = head
                conn.execute(
                    text(
                        "INSERT INTO hub_meta (key, value) VALUES (:k, :v) "
                        "ON CONFLICT (key) DO UPDATE SET value = excluded.value"
                    ),
                    {"k": HEADS_KEY, "v": json.dumps({k: list(v) for k, v in heads.items()})},
                )
        return heads

    def pull(self, after: int) -> tuple[list[Item], int]:
        """Every row changed on the hub after sequence `after`, and the newest sequence seen."""
        with self._connect() as conn:
            rows = conn.execute(
                text("SELECT tbl, id, body, seq FROM hub_items WHERE seq > :after ORDER BY seq"),
                {"after": after},
            ).tuples()
            items, last = [], after
            for table, row_id, body, seq in rows:
                items.append(_decode(table, row_id, body))
                last = max(last, int(seq))
        return items, last


def _heads(raw: object) -> dict[str, tuple[int, str]]:
    """The hub's audit heads; an entry that is not a (seq, hash) pair is left out."""
    try:
        loaded: Any = json.loads(str(raw)) if raw else {}
    except ValueError:
        return {}
    heads = {}
    for station, head in loaded.items() if isinstance(loaded, dict) else ():
        if isinstance(head, list) and len(head) == 2 and type(head[0]) is int:
            heads[str(station)] = (head[0], str(head[1]))
    return heads


def _by_table(items: Sequence[Item]) -> dict[str, list[Item]]:
    grouped: dict[str, list[Item]] = {}
    for item in items:
        grouped.setdefault(item.table, []).append(item)
    return grouped


def _merge_chunk(
    conn: Connection,
    table: str,
    chunk: list[Item],
    station_id: str,
    conflicts: dict[str, Conflict],
    history: dict[str, Item],
) -> int:
    found = conn.execute(
        text("SELECT id, body FROM hub_items WHERE tbl = :tbl AND id = ANY(:ids)"),
        {"tbl": table, "ids": sorted({item.id for item in chunk})},
    ).tuples()
    known = {row_id: _decode(table, row_id, body) for row_id, body in found}
    to_write: dict[str, Item] = {}
    for item in chunk:
        result = merge(known.get(item.id), item)
        for conflict in result.conflicts:
            conflicts[conflict.key()] = conflict
        history.update((entry.id, entry) for entry in result.history)
        if result.changed:
            known[item.id] = to_write[item.id] = result.item
    if to_write:
        conn.execute(
            text(
                "INSERT INTO hub_items (tbl, id, body, seq, pushed_by) "
                "VALUES (:tbl, :id, :body, nextval('hub_seq'), :by) "
                "ON CONFLICT (tbl, id) DO UPDATE SET body = excluded.body, "
                "seq = excluded.seq, pushed_by = excluded.pushed_by"
            ),
            [
                {"tbl": table, "id": i.id, "body": _encode(i), "by": station_id}
                for i in to_write.values()
            ],
        )
    return len(to_write)


def _encode(item: Item) -> str:
    return json.dumps({"v": item.values, "c": item.clocks}, ensure_ascii=False)


def _decode(table: str, row_id: str, body: str) -> Item:
    """A hub row back into a checked item: the hub is trusted no more than a bundle."""
    try:
        loaded: Any = json.loads(body)
    except ValueError as exc:
        raise ChangeError("The hub holds a change this station cannot read.") from exc
    if not isinstance(loaded, dict) or set(loaded) != {"v", "c"}:
        raise ChangeError("The hub holds a change this station cannot read.")
    return parse_item({"t": table, "id": row_id, "v": loaded["v"], "c": loaded["c"]})


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
