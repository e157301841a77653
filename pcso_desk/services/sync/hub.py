"""Two-way sync with the team's PostgreSQL hub: push what the hub lacks, pull what this PC lacks.

Each direction is all-or-nothing and remembered only once it has succeeded, so an
interrupted sync (a dropped network, a closed laptop) is simply repeated next time: merging
is idempotent. With no network the station keeps working on its own store.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy.exc import IntegrityError

from pcso_desk.domain.hlc import Hlc
from pcso_desk.domain.permissions import Action
from pcso_desk.services.context import Changes, Context, meta_value, set_meta
from pcso_desk.services.protection import audit, audit_witness, erasure
from pcso_desk.services.sync.apply import apply_changes, integrity_message, journal
from pcso_desk.services.sync.stations import ensure_identity
from pcso_desk.store.base import utcnow
from pcso_desk.store.models import SyncHub
from pcso_desk.sync.changes import ChangeError
from pcso_desk.sync.hub import Hub, HubError
from pcso_desk.sync.local import Applied, count_changes, read_changes

Progress = Callable[[str], None]


@dataclass(frozen=True)
class HubResult:
    address: str
    pushed: int  # changes sent
    hub_changed: int  # of those, how many the hub did not have
    pulled: int  # changes received
    changed: int  # of those, how many were new here
    new_conflicts: int
    changed_ids: dict[str, tuple[str, ...]] = field(default_factory=dict)  # table -> ids

    @property
    def changes(self) -> tuple[Changes, ...]:
        """What it changed here, kind by kind, for the screens to refresh."""
        return tuple(Changes(table, updated=ids) for table, ids in self.changed_ids.items())


def _quiet(_message: str) -> None:
    return None


def hub_sync(ctx: Context, url: str, *, progress: Progress = _quiet) -> HubResult:
    ctx.require(Action.SYNC, "sync")
    me = ensure_identity(ctx)
    hub = Hub(url)
    try:
        progress(f"Connecting to {hub.address}")
        hub_id = hub.prepare(me.team, me.station_id, me.name)
        if _restored(ctx, hub, hub_id):
            progress("The hub was restored from a backup: sending and reading everything again")
        pushed, hub_changed = _push(ctx, hub, hub_id, me.station_id, progress)
        _exchange_heads(ctx, hub, me.station_id)
        pulled, applied = _pull(ctx, hub, hub_id, progress)
    except (HubError, ChangeError) as exc:
        journal(ctx, f"hub sync with {hub.address} failed: {exc.message}")
        raise HubError(exc.message) from exc
    finally:
        hub.close()
    journal(
        ctx,
        f"hub sync with {hub.address}: sent {pushed} ({hub_changed} new there), "
        f"received {pulled} ({applied.changed_count} new here), "
        f"{applied.new_conflicts} new conflicts",
    )
    audit.record(ctx, "sync hub", "sync", (), f"sent {pushed}, received {pulled}")
    audit_witness.witness(ctx.store, "hub sync")
    return HubResult(
        hub.address,
        pushed,
        hub_changed,
        pulled,
        applied.changed_count,
        applied.new_conflicts,
        applied.changed_ids(),
    )


def _restored(ctx: Context, hub: Hub, hub_id: str) -> bool:
    """Whether the hub was restored (or replaced) since this station last synced with it:
    then this station's saved positions mean nothing there, so it sends everything it holds
    and reads everything the hub holds (merging is idempotent), and the changes the hub lost
    come back from whichever station has them."""
    epoch, newest = hub.epoch()
    key = f"{HUB_EPOCH_KEY}:{hub_id}"
    _state(ctx, hub_id, hub.address)
    with ctx.store.write() as session:
        row = session.get(SyncHub, hub_id)
        assert row is not None
        saved = meta_value(session, key)
        restored = saved is not None and (saved != epoch or newest < row.pulled_seq)
        if restored:
            row.pushed_through, row.pulled_seq = None, 0
        set_meta(session, key, epoch)
    if restored:
        journal(ctx, f"the hub at {hub.address} was restored or replaced: sending and reading all")
    return restored


HUB_EPOCH_KEY = "hub_epoch"  # store meta, per hub id: the hub's epoch when last synced


def _state(ctx: Context, hub_id: str, address: str) -> tuple[str | None, int]:
    with ctx.store.write() as session:
        row = session.get(SyncHub, hub_id)
        if row is None:
            row = SyncHub(hub_id=hub_id, address=address, pulled_seq=0)
            session.add(row)
        row.address = address
        return row.pushed_through, row.pulled_seq


def _push(ctx: Context, hub: Hub, hub_id: str, station: str, progress: Progress) -> tuple[int, int]:
    since, _ = _state(ctx, hub_id, hub.address)
    ctx.clock_checkpoint()
    with ctx.store.snapshot() as session:  # one moment for everything read
        through = ctx.store.high_water(session)
        items = list(read_changes(session, since))
    progress(f"Sending {len(items)} changes")
    changed, _conflicts = hub.push(items, station) if items else (0, 0)
    with ctx.store.write() as session:
        row = session.get(SyncHub, hub_id)
        assert row is not None
        row.pushed_through = max(row.pushed_through or "", through)
    return len(items), changed


def _exchange_heads(ctx: Context, hub: Hub, station: str) -> None:
    """Give the hub this station's audit head; keep every station's head the hub holds (one
    of this station's higher than its own log is what `check` reports as entries missing)."""
    heads = hub.exchange_heads(station, audit_witness.committed_head(ctx.store))
    with ctx.store.write() as session:
        for station_id, head in heads.items():
            audit_witness.keep_head(session, station_id, head, "the hub")


def _pull(ctx: Context, hub: Hub, hub_id: str, progress: Progress) -> tuple[int, Applied]:
    _, after = _state(ctx, hub_id, hub.address)
    progress("Receiving changes")
    items, last = hub.pull(after)
    newest = max((item.newest for item in items), default="")
    if newest and ctx.clock.too_far_ahead(Hlc.decode(newest)):
        raise HubError(
            "The hub holds changes dated ahead of this PC's clock; check the date and time "
            "on this PC and on the team's other station PCs."
        )
    progress(f"Merging {len(items)} changes")
    try:
        with ctx.store.write() as session:
            applied = apply_changes(ctx, session, items)
            row = session.get(SyncHub, hub_id)
            assert row is not None
            row.pulled_seq = max(row.pulled_seq, last)
            if applied.mark and not count_changes(
                session, row.pushed_through, besides=applied.mark
            ):
                row.pushed_through = applied.mark  # what came from the hub need not go back
            row.last_sync_at = utcnow()
    except IntegrityError as exc:
        raise HubError(integrity_message(exc)) from None
    if applied.erased:
        erasure.purge_traces(ctx)
    return len(items), applied
