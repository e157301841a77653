"""Two-way sync with the team's PostgreSQL hub: push what the hub lacks, pull what this PC lacks.

Each direction is all-or-nothing and remembered only once it has succeeded, so an
interrupted sync (a dropped network, a closed laptop) is simply repeated next time: merging
is idempotent. With no network the station keeps working on its own store.

The station signs in with its own access (hub_access.py, kept in its keys folder), never the
hub owner's. It refuses to sync while its clock is more than five minutes from the hub's,
naming itself, so its changes never hold back the others. What it pulls is checked item by
item (signed by a station it trusts, readable with the team's key, a well-formed change, not
dated ahead of this PC's clock): a change that fails is set aside (set_aside.py, shown in
`sync status` and on the Sync screen, tried again at each sync) and the rest is merged.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from pcso_desk.domain.hlc import Hlc
from pcso_desk.domain.permissions import Action
from pcso_desk.services.context import Changes, Context, meta_value, set_meta
from pcso_desk.services.protection import audit, audit_witness, erasure
from pcso_desk.services.sync.apply import apply_pages, integrity_message, journal
from pcso_desk.services.sync.set_aside import SetAside, release, set_aside, waiting
from pcso_desk.services.sync.stations import ensure_identity, keys_folder
from pcso_desk.store.base import utcnow
from pcso_desk.store.models import SyncHub
from pcso_desk.sync.changes import ChangeError, Item
from pcso_desk.sync.hub import CLOCK_SLACK_S, Hub, HubError, HubRow, Joined
from pcso_desk.sync.hub_access import (
    AccessError,
    keep_access,
    kept_access,
    open_access,
    read_access_file,
)
from pcso_desk.sync.hub_seal import Page, SealError, open_item, open_page
from pcso_desk.sync.identity import PublicIdentity, StationIdentity, TrustStore
from pcso_desk.sync.local import Applied, count_changes, read_changes

Progress = Callable[[str], None]
HUB_EPOCH_KEY = "hub_epoch"  # store meta, per hub id: the hub's epoch when last synced


@dataclass(frozen=True)
class HubResult:
    address: str
    pushed: int  # changes sent
    hub_changed: int  # of those, how many the hub took (all: it keeps the latest of each)
    pulled: int  # changes received
    changed: int  # of those, how many were new here
    new_conflicts: int
    # table -> ids; () for a kind of which too many changed to list (refreshed whole)
    changed_ids: dict[str, tuple[str, ...]] = field(default_factory=dict)
    set_aside: int = 0  # changes received that could not be used (see `sync status`)

    @property
    def changes(self) -> tuple[Changes, ...]:
        """What it changed here, kind by kind, for the screens to refresh."""
        return tuple(
            Changes(table, updated=ids, whole=not ids) for table, ids in self.changed_ids.items()
        )


def _quiet(_message: str) -> None:
    return None


def join_hub(ctx: Context, path: Path) -> str:
    """Keep the hub access made for this station (by `pcso-desk hub add-station`); the
    hub's address as it may be shown (no password)."""
    ctx.require(Action.SYNC, "sync")
    me = ensure_identity(ctx)
    try:
        url = open_access(read_access_file(path), me)
    except AccessError as exc:
        raise HubError(exc.message) from exc
    hub = Hub(url)
    try:
        joined = hub.join()
    finally:
        hub.close()
    _check_joined(joined, me, hub.address)
    keep_access(keys_folder(ctx), url, ctx.store.key)
    journal(ctx, f"joined the hub at {hub.address}")
    return hub.address


def hub_address(ctx: Context) -> str | None:
    """The hub this station has joined, as it may be shown (no password), or None."""
    url = _kept(ctx)
    return None if url is None else Hub(url).address


def _kept(ctx: Context) -> str | None:
    try:
        return kept_access(keys_folder(ctx), ctx.store.key)
    except AccessError as exc:
        raise HubError(exc.message) from exc


def _check_joined(joined: Joined, me: StationIdentity, address: str) -> None:
    if joined.station_id != me.station_id:
        raise HubError(f"This access to the hub at {address} belongs to another station.")
    if joined.team != me.team:
        raise HubError(f"The hub at {address} serves team {joined.team}, not {me.team}.")


def hub_sync(ctx: Context, url: str | None = None, *, progress: Progress = _quiet) -> HubResult:
    ctx.require(Action.SYNC, "sync")
    me = ensure_identity(ctx)
    url = url or _kept(ctx)
    if not url:
        raise HubError(
            "This station has not joined a hub: open the hub access file made for it "
            "(Join hub on the Sync screen, or pcso-desk sync join-hub FILE)."
        )
    hub = Hub(url)
    trusted = TrustStore(keys_folder(ctx))
    try:
        progress(f"Connecting to {hub.address}")
        joined = hub.join()
        _check_joined(joined, me, hub.address)
        _check_clock(hub, me)
        if _restored(ctx, hub, joined.hub_id):
            progress("The hub was restored from a backup: sending and reading everything again")
        key = hub.team_key(me.team, me, trusted, busy=progress)
        pushed = _push(ctx, hub, joined.hub_id, me, key, progress)
        _exchange_heads(ctx, hub, me)
        pulled, applied, aside = _pull(ctx, hub, joined.hub_id, me, key, trusted, progress)
        hub.seen(me.station_id, me.name)
    except (HubError, ChangeError) as exc:
        journal(ctx, f"hub sync with {hub.address} failed: {exc.message}")
        raise HubError(exc.message) from exc
    finally:
        hub.close()
    journal(
        ctx,
        f"hub sync with {hub.address}: sent {pushed}, received {pulled} "
        f"({applied.changed_count} new here), {applied.new_conflicts} new conflicts"
        + (f", {aside} set aside" if aside else ""),
    )
    audit.record(ctx, "sync hub", "sync", (), f"sent {pushed}, received {pulled}")
    audit_witness.witness(ctx.store, "hub sync")
    return HubResult(
        hub.address,
        pushed,
        pushed,
        pulled,
        applied.changed_count,
        applied.new_conflicts,
        applied.changed_ids(),
        aside,
    )


def _check_clock(hub: Hub, me: StationIdentity) -> None:
    """A station whose clock is wrong is refused before it sends or reads anything: its
    changes would sort after everyone's, and the other stations would set them aside."""
    offset = hub.clock_offset()
    if abs(offset) <= CLOCK_SLACK_S:
        return
    minutes = round(abs(offset) / 60)
    amount = f"{minutes // 60} h {minutes % 60} min" if minutes >= 60 else f"{minutes} min"
    side = "ahead of" if offset > 0 else "behind"
    raise HubError(
        f"The clock of {me.name} is {amount} {side} the hub's: set this PC's date and time "
        "and sync again; nothing was sent or received."
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


def _state(ctx: Context, hub_id: str, address: str) -> tuple[str | None, int]:
    with ctx.store.write() as session:
        row = session.get(SyncHub, hub_id)
        if row is None:
            row = SyncHub(hub_id=hub_id, address=address, pulled_seq=0)
            session.add(row)
        row.address = address
        return row.pushed_through, row.pulled_seq


def _push(
    ctx: Context, hub: Hub, hub_id: str, me: StationIdentity, key: bytes, progress: Progress
) -> int:
    since, _ = _state(ctx, hub_id, hub.address)
    ctx.clock_checkpoint()
    with ctx.store.snapshot() as session:  # one moment for everything read, read as it is sent
        through = ctx.store.high_water(session)
        progress("Sending changes")
        sent = hub.push(read_changes(session, since), me.team, me, key, busy=progress)
    with ctx.store.write() as session:
        row = session.get(SyncHub, hub_id)
        assert row is not None
        row.pushed_through = max(row.pushed_through or "", through)
    return sent


def _exchange_heads(ctx: Context, hub: Hub, me: StationIdentity) -> None:
    """Give the hub this station's audit head; keep every station's head the hub holds (one
    of this station's higher than its own log is what `check` reports as entries missing)."""
    heads = hub.exchange_heads(me.team, me.station_id, audit_witness.committed_head(ctx.store))
    with ctx.store.write() as session:
        for station_id, head in heads.items():
            audit_witness.keep_head(session, station_id, head, "the hub")


class _Opener:
    """Checks each pulled row; what it cannot use is set aside, page by page (so neither the
    set-aside nor the opened records pile up in memory over a pull of millions)."""

    def __init__(
        self,
        ctx: Context,
        hub_id: str,
        me: StationIdentity,
        key: bytes,
        trusted: TrustStore,
        waiting_ids: set[str],
    ) -> None:
        self.ctx, self.hub_id, self.me, self.key, self.trusted = ctx, hub_id, me, key, trusted
        self.pages: dict[tuple[str, str], Page] = {}
        self.waiting = waiting_ids  # set aside by earlier syncs
        self.aside: list[SetAside] = []  # this page's
        self.set_aside = 0
        self.first_reason = ""
        self.opened: set[str] = set()  # of `waiting`, those that opened this time
        self.senders: dict[str, PublicIdentity | None] = {}

    def sender(self, station: str) -> PublicIdentity:
        if station not in self.senders:  # read from keys/trusted once per pull, not per item
            self.senders[station] = self.trusted.get(station)
        public = self.senders[station]
        if public is None or public.team != self.me.team:
            raise SealError(
                f"A change from station {station}, which this PC has not registered, was "
                "kept aside; register its identity if it is one of the team's."
            )
        return public

    def item(self, row: HubRow, signed: bytes | None) -> Item | None:
        try:
            sender = self.sender(row.sender)
            page = self.pages.get((row.sender, row.page))
            if page is None:
                if signed is None:
                    raise SealError(
                        f"A change under the name of {sender.name} on the hub is not in any "
                        "page it signed (written on the hub by someone else)."
                    )
                page = open_page(signed, self.me.team, sender, row.page)
                self.pages[(row.sender, row.page)] = page
            item = open_item(
                self.key, self.me.team, row.table, row.id, sender, row.version, row.body, page
            )
            if item.newest and self.ctx.clock.too_far_ahead(Hlc.decode(item.newest)):
                raise SealError(
                    f"A change from {sender.name} is dated ahead of this PC's clock; check "
                    f"the date and time on {sender.name} and on this PC."
                )
        except (SealError, ChangeError) as exc:
            public = self.senders.get(row.sender)
            self.aside.append(
                SetAside(
                    id=self.aside_id(row),
                    source="hub",
                    sender=row.sender,
                    sender_name=public.name if public else "",
                    kind=row.table,
                    row_id=row.id,
                    reason=exc.message,
                    payload=_payload(row, signed),
                )
            )
            return None
        if self.aside_id(row) in self.waiting:
            self.opened.add(self.aside_id(row))  # a good version ends its setting aside
        return item

    def aside_id(self, row: HubRow) -> str:
        return f"hub:{self.hub_id}:{row.sender}:{row.table}:{row.id}"

    def pages_of(
        self, session: Session, pulled: Iterator[tuple[list[HubRow], dict[tuple[str, str], bytes]]]
    ) -> Iterator[list[Item]]:
        """Each pulled page's usable items; at the end, what opened is no longer set aside."""
        for rows, signed in pulled:
            items = []
            for row in rows:
                item = self.item(row, signed.get((row.sender, row.page)))
                if item is not None:
                    items.append(item)
            # Only the signed pages this pull page came in are kept: a page's rows that come
            # in a later pull page come with its signed manifest again (Hub.pull).
            self.pages = {key: page for key, page in self.pages.items() if key in signed}
            if self.aside:
                set_aside(session, self.aside)
                self.set_aside += len(self.aside)
                self.first_reason = self.first_reason or self.aside[0].reason
                self.opened -= {entry.id for entry in self.aside}
                self.aside = []
            yield items
        release(session, self.opened)


def _payload(row: HubRow, signed: bytes | None) -> str:
    return json.dumps(
        {
            "seq": row.seq,
            "t": row.table,
            "id": row.id,
            "sender": row.sender,
            "v": row.version,
            "page": row.page,
            "body": row.body.hex(),
            "signed": signed.hex() if signed else "",
        }
    )


def _from_payload(payload: str) -> tuple[HubRow, bytes | None] | None:
    try:
        p = json.loads(payload)
        row = HubRow(
            int(p["seq"]), str(p["t"]), str(p["id"]), str(p["sender"]), int(p["v"]),
            str(p["page"]), bytes.fromhex(p["body"]),
        )  # fmt: skip
        return row, bytes.fromhex(p["signed"]) if p["signed"] else None
    except (ValueError, KeyError, TypeError):
        return None


# A large pull's page cache: a first sync pulls a team's whole history (millions of items
# for a busy team) and must stay within a bounded memory; the cache is most of what a long
# pull's resident set grows by (a bundle import holds its whole payload in memory anyway,
# and keeps the larger cache).
PULL_CACHE_KIB = 32 * 1024


def _pull(
    ctx: Context,
    hub: Hub,
    hub_id: str,
    me: StationIdentity,
    key: bytes,
    trusted: TrustStore,
    progress: Progress,
) -> tuple[int, Applied, int]:
    _, after = _state(ctx, hub_id, hub.address)
    progress("Receiving changes")
    with ctx.store.read() as session:
        retry = [w for w in waiting(session, "hub") if w.id.startswith(f"hub:{hub_id}:")]
    opener = _Opener(ctx, hub_id, me, key, trusted, {w.id for w in retry})
    counted = {"rows": 0, "last": after}
    expected = hub.waiting(me.team, after, me.station_id)

    def pulled() -> Iterator[tuple[list[HubRow], dict[tuple[str, str], bytes]]]:
        again = [found for w in retry if (found := _from_payload(w.payload)) is not None]
        if again:  # set aside before: perhaps this PC now trusts the sender, or was updated
            yield (
                [row for row, _ in again],
                {(row.sender, row.page): signed for row, signed in again if signed},
            )
        for page in hub.pull(me.team, after, me.station_id):
            counted["rows"] += len(page.rows)
            counted["last"] = page.last
            progress(f"Merging {counted['rows']:,} of {expected:,} changes")
            yield page.rows, page.pages

    try:
        with ctx.store.write() as session:
            applied = apply_pages(
                ctx, session, opener.pages_of(session, pulled()), expected, cache_kib=PULL_CACHE_KIB
            )
            row = session.get(SyncHub, hub_id)
            assert row is not None
            row.pulled_seq = max(row.pulled_seq, counted["last"])
            if (
                applied.mark
                and not applied.erased
                and not count_changes(session, row.pushed_through, besides=applied.mark)
            ):
                # What came from the hub need not go back; but an erasure that arrived is sent
                # on next time, so this station's own earlier (sealed) copy of the erased
                # record on the hub is replaced by its erased state.
                row.pushed_through = applied.mark
            row.last_sync_at = utcnow()
    except IntegrityError as exc:
        raise HubError(integrity_message(exc)) from None
    if applied.erased:
        erasure.purge_traces(ctx)
    if opener.set_aside:
        journal(ctx, f"{opener.set_aside} changes from the hub set aside: {opener.first_reason}")
    return counted["rows"], applied, opener.set_aside
