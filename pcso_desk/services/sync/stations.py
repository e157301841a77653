"""Station identities for sync: this store's keys, its public identity, and trusted peers."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select

from pcso_desk.domain.hlc import Hlc
from pcso_desk.domain.permissions import Action
from pcso_desk.services.context import STATION_NAME_KEY, TEAM_KEY, Context, meta_value
from pcso_desk.services.protection import audit
from pcso_desk.services.sync.set_aside import summary as set_aside_summary
from pcso_desk.store.models import SyncConflict, SyncHub, SyncPeer
from pcso_desk.sync.files import write_bundle_atomic
from pcso_desk.sync.identity import PublicIdentity, StationIdentity, TrustStore
from pcso_desk.sync.local import count_changes

DEFAULT_TEAM = "Neighbourhood Team"


def keys_folder(ctx: Context) -> Path:
    """The keys/ folder beside the store (the data folder)."""
    return ctx.store.path.parent / "keys"


def ensure_identity(ctx: Context) -> StationIdentity:
    """This station's signing and encryption keys, made once with the store."""
    folder = keys_folder(ctx)
    existing = StationIdentity.load(folder)
    if existing is not None:
        return existing
    with ctx.store.read() as session:
        name = meta_value(session, STATION_NAME_KEY) or "Station PC"
        team = meta_value(session, TEAM_KEY) or DEFAULT_TEAM
    return StationIdentity.create(folder, ctx.station_id, name, team)


def write_identity(ctx: Context, out: Path) -> PublicIdentity:
    """Write this station's public identity (name, keys, fingerprint) for a peer to trust."""
    public = ensure_identity(ctx).public()
    write_bundle_atomic(out, public.to_json().encode("utf-8"))
    return public


def read_identity(path: Path) -> PublicIdentity:
    from pcso_desk.sync.files import read_bundle

    return PublicIdentity.from_json(read_bundle(path, 64 * 1024))


def trust_peer(ctx: Context, public: PublicIdentity) -> PublicIdentity:
    """Register a peer station of this team (after its fingerprint has been compared)."""
    ctx.require(Action.SYNC, "sync")
    ensure_identity(ctx)
    TrustStore(keys_folder(ctx)).trust(public)
    audit.record(ctx, "trust station", "sync", (public.station_id,), public.name)
    return public


@dataclass(frozen=True)
class PeerStatus:
    station_id: str
    name: str
    fingerprint: str
    last_import_at: datetime | None
    last_export_at: datetime | None
    confirmed_through: datetime | None  # our changes it has confirmed, up to this time


@dataclass(frozen=True)
class HubStatus:
    address: str
    last_sync_at: datetime | None


@dataclass(frozen=True)
class SyncStatus:
    station_id: str
    name: str
    team: str
    fingerprint: str
    peers: list[PeerStatus]
    hubs: list[HubStatus]
    open_conflicts: int
    unconfirmed_changes: int  # changes at least one trusted station has not confirmed
    # Received changes not applied yet (services/sync/set_aside.py): (sender, reason, count).
    set_aside: list[tuple[str, str, int]] = field(default_factory=list)
    # The hub this station joined (services/sync/hub.py), without its password; None: none.
    hub_address: str | None = None


def sync_status(ctx: Context) -> SyncStatus:
    """This station, each trusted peer and hub with the last exchange, and what is pending."""
    me = ensure_identity(ctx).public()
    peers = TrustStore(keys_folder(ctx)).all()
    with ctx.store.read() as session:
        rows = {p.station_id: p for p in session.scalars(select(SyncPeer))}
        hubs = [HubStatus(h.address, h.last_sync_at) for h in session.scalars(select(SyncHub))]
        conflicts = session.scalar(
            select(func.count())
            .select_from(SyncConflict)
            .where(SyncConflict.chosen == "", SyncConflict.deleted_at.is_(None))
        )
        acks = [rows[p.station_id].acked_through if p.station_id in rows else None for p in peers]
        since = None if None in acks else min((a for a in acks if a), default=None)
        pending = count_changes(session, since) if peers else 0
        waiting = set_aside_summary(session)
    return SyncStatus(
        me.station_id,
        me.name,
        me.team,
        me.fingerprint,
        [_peer_status(p, rows.get(p.station_id)) for p in peers],
        hubs,
        int(conflicts or 0),
        pending,
        waiting,
        _joined_hub(ctx),
    )


def _joined_hub(ctx: Context) -> str | None:
    from pcso_desk.services.sync.hub import hub_address  # it imports this module
    from pcso_desk.sync.hub import HubError

    try:
        return hub_address(ctx)
    except HubError as exc:  # a damaged access file: say so where the address would be
        return f"(unusable: {exc.message})"


def _peer_status(peer: PublicIdentity, row: SyncPeer | None) -> PeerStatus:
    confirmed = Hlc.parse(row.acked_through) if row and row.acked_through else None
    return PeerStatus(
        peer.station_id,
        peer.name,
        peer.fingerprint,
        row.last_import_at if row else None,
        row.last_export_at if row else None,
        datetime.fromtimestamp(confirmed.wall_ms / 1000, UTC) if confirmed else None,
    )
