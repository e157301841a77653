"""Sync by bundle: export the changes peers have not confirmed, import a peer's bundle.

An import is all-or-nothing (one write transaction) and idempotent (merging is; and a bundle
already imported is recognised by its id and content hash). A bundle that fails any check is
refused before anything is written, with one sentence, and noted in logs/sync.log.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from pcso_desk.domain.errors import PcsoDeskError
from pcso_desk.domain.hlc import Hlc
from pcso_desk.domain.permissions import Action
from pcso_desk.services.context import Changes, Context
from pcso_desk.services.gateway import note
from pcso_desk.services.protection import audit, audit_witness, erasure
from pcso_desk.services.sync.apply import apply_changes, integrity_message, journal
from pcso_desk.services.sync.stations import ensure_identity, keys_folder
from pcso_desk.store.base import utcnow
from pcso_desk.store.clocks import STAR
from pcso_desk.store.models import SyncBundle, SyncPeer
from pcso_desk.sync.changes import ChangeError, Item, Payload, encode_payload, parse_payload
from pcso_desk.sync.envelope import BundleError, new_bundle_id, open_bundle, seal
from pcso_desk.sync.files import read_bundle, write_bundle_atomic
from pcso_desk.sync.identity import PublicIdentity, TrustStore
from pcso_desk.sync.local import read_changes

Progress = Callable[[str], None]


@dataclass(frozen=True)
class ExportResult:
    path: Path
    changes: int
    full: bool
    recipients: tuple[str, ...]


@dataclass(frozen=True)
class ImportResult:
    sender: str
    received: int
    changed: int
    new_conflicts: int
    already_imported: bool = False
    # table -> ids; () for a kind of which too many changed to list (refreshed whole)
    changed_ids: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def changes(self) -> tuple[Changes, ...]:
        """What it changed here, kind by kind, for the screens to refresh."""
        return tuple(
            Changes(table, updated=ids, whole=not ids) for table, ids in self.changed_ids.items()
        )


def _no_progress(_message: str) -> None:
    return None


def export_bundle(
    ctx: Context, out: Path, *, full: bool = False, progress: Progress = _no_progress
) -> ExportResult:
    """Write one bundle, readable by every trusted station, of what they have not confirmed."""
    ctx.require(Action.SYNC, "sync")
    me = ensure_identity(ctx)
    peers = TrustStore(keys_folder(ctx)).all()
    if not peers:
        raise PcsoDeskError(
            "No other station is trusted yet; trust one first (pcso-desk sync trust FILE)."
        )
    progress("Gathering changes")
    ctx.clock_checkpoint()
    with ctx.store.snapshot() as session:  # one moment for everything read
        through = ctx.store.high_water(session)
        known = {p.station_id: p for p in session.scalars(select(SyncPeer))}
        acks = [known[p.station_id].acked_through if p.station_id in known else None for p in peers]
        since = None if full or None in acks else min(a for a in acks if a is not None)
        items = list(read_changes(session, since))
        received = {k: p.received_through for k, p in known.items() if p.received_through}
    if not full:  # leave out what every recipient is known to hold already
        seen = [_known_to(p.station_id, known.get(p.station_id)) for p in peers]
        items = [item for item in items if not all(has(item) for has in seen)]
    payload = Payload(me.station_id, through, since is None, received, items)
    progress(f"Encrypting {len(items)} changes")
    head = audit_witness.committed_head(ctx.store)  # the recipients keep it (audit_witness.py)
    data = seal(encode_payload(payload), me, peers, bundle_id=new_bundle_id(), audit_head=head)
    write_bundle_atomic(out, data)
    with ctx.store.write() as session:
        for peer in peers:
            _peer_row(session, peer).last_export_at = utcnow()
    journal(ctx, f"exported {len(items)} changes to {out} for {len(peers)} station(s)")
    note((), f"{len(items)} changes")  # the entry is the use case's (Sync.export_bundle)
    audit_witness.witness(ctx.store, "sync export")
    return ExportResult(out, len(items), since is None, tuple(p.name for p in peers))


def import_bundle(ctx: Context, path: Path, *, progress: Progress = _no_progress) -> ImportResult:
    """Check, then merge a peer's bundle in one transaction; a refusal changes nothing."""
    ctx.require(Action.SYNC, "sync")
    try:
        result = _import(ctx, path, progress)
    except (BundleError, ChangeError) as exc:
        journal(ctx, f"refused {path}: {exc.message}")
        raise BundleError(exc.message) from exc
    if not result.already_imported:  # a repeat changes nothing, not even the log
        audit.record(ctx, "sync import", "sync", (), f"{result.changed} changes applied")
    return result


def _import(ctx: Context, path: Path, progress: Progress) -> ImportResult:
    me = ensure_identity(ctx)
    progress("Checking the bundle")
    opened = open_bundle(read_bundle(path), me, TrustStore(keys_folder(ctx)))
    sender = opened.sender
    with ctx.store.read() as session:
        seen = session.get(SyncBundle, opened.bundle_id)
    if seen is not None:
        if seen.payload_sha256 != opened.payload_sha256:
            raise BundleError(
                "A bundle with this id was imported before with different contents; "
                "this copy was not imported."
            )
        return ImportResult(sender.name, seen.changes, 0, 0, already_imported=True)
    try:
        payload = parse_payload(opened.payload)
    except ChangeError as exc:  # the signer is the one to ask about a change it sent
        raise ChangeError(f"{exc.message.removesuffix('.')} (from {sender.name}).") from exc
    if payload.station != sender.station_id:
        raise BundleError("The changes in the bundle do not come from the station that signed it.")
    _check_clocks(ctx, payload, sender)
    progress(f"Merging {len(payload.items)} changes")
    try:
        with ctx.store.write() as session:
            applied = apply_changes(ctx, session, payload.items)
            _record(session, sender, payload, ctx)
            if opened.audit_head is not None:
                audit_witness.keep_head(session, sender.station_id, opened.audit_head, "bundle")
            session.add(
                SyncBundle(
                    bundle_id=opened.bundle_id,
                    sender=sender.station_id,
                    payload_sha256=opened.payload_sha256,
                    imported_at=utcnow(),
                    changes=len(payload.items),
                    applied=applied.changed_count,
                )
            )
    except IntegrityError as exc:
        raise BundleError(integrity_message(exc)) from None
    if applied.erased:
        erasure.purge_traces(ctx)
    journal(
        ctx,
        f"imported {path} from {sender.name}: {len(payload.items)} changes, "
        f"{applied.changed_count} applied, {applied.new_conflicts} new conflicts",
    )
    return ImportResult(
        sender.name,
        len(payload.items),
        applied.changed_count,
        applied.new_conflicts,
        changed_ids=applied.changed_ids(),
    )


def _check_clocks(ctx: Context, payload: Payload, sender: PublicIdentity) -> None:
    """Refuse changes stamped too far ahead of this PC's clock: they would win every merge."""
    newest = max([payload.through, *(item.newest for item in payload.items)], default="")
    clock = Hlc.parse(newest)
    if clock is not None and ctx.clock.too_far_ahead(clock):
        when = datetime.fromtimestamp(clock.wall_ms / 1000, UTC).strftime("%d %b %Y %H:%M")
        raise BundleError(
            f"The bundle holds changes dated {when} UTC, ahead of this PC's clock; check the "
            f"date and time on {sender.name} and on this PC."
        )


def _known_to(station: str, row: SyncPeer | None) -> Callable[[Item], bool]:
    """Whether `station` holds an item's state already: every clock in it is one that station
    made itself, or one from a station it has received everything from up to that time."""
    knows: dict[str, str] = json.loads(row.knows) if row else {}

    def seen(clock: str) -> bool:
        owner = Hlc.decode(clock).station
        return owner == station or clock <= knows.get(owner, "")

    def has(item: Item) -> bool:
        clocks = [str(item.clocks[STAR]), *(e[0] for k, e in item.clocks.items() if k != STAR)]
        return all(seen(clock) for clock in clocks)

    return has


def _peer_row(session: Session, peer: PublicIdentity) -> SyncPeer:
    row = session.get(SyncPeer, peer.station_id)
    if row is None:
        row = SyncPeer(station_id=peer.station_id, name=peer.name, received_through="")
        session.add(row)
    row.name = peer.name
    return row


def _record(session: Session, sender: PublicIdentity, payload: Payload, ctx: Context) -> None:
    """Remember how far the sender's clock had got, and what it confirms it has of ours."""
    row = _peer_row(session, sender)
    row.received_through = max(row.received_through or "", payload.through)
    row.knows = json.dumps(payload.received)
    confirmed = payload.received.get(ctx.station_id)
    if confirmed is not None:
        row.acked_through = max(row.acked_through or "", confirmed)
    row.last_import_at = utcnow()
