"""Station identities for sync: this store's keys, its public identity, and trusted peers."""

from __future__ import annotations

from pathlib import Path

from pcso_desk.services.context import STATION_NAME_KEY, TEAM_KEY, Context, meta_value
from pcso_desk.sync.files import write_bundle_atomic
from pcso_desk.sync.identity import PublicIdentity, StationIdentity, TrustStore

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
    ensure_identity(ctx)
    TrustStore(keys_folder(ctx)).trust(public)
    return public


def trusted_peers(ctx: Context) -> list[PublicIdentity]:
    ensure_identity(ctx)
    return TrustStore(keys_folder(ctx)).all()
