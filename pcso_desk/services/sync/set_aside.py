"""Changes set aside: received items a sync could not use, kept to try again at each sync.

A pull (from the hub, or a bundle) applies every item it can and hands the rest here, each
with one sentence saying why (unreadable, forged, dated ahead of this PC's clock, made by a
newer release, refused by the store's rules) and whatever trying again needs (`payload`,
opaque here: it may be ciphertext). At the next sync the caller tries `waiting` items again
and `release`s the ones that now apply; one that fails again is set aside again, which
counts a try. `sync status` and the Sync screen show `summary`.

The entries live in the store (`sync_set_aside`, a local table: sync never carries it), so
they outlast a restart. Every function works in the caller's session, inside the caller's
read or write transaction (`ctx.store.write()` / `ctx.store.read()`); nothing here commits.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from itertools import islice
from typing import TypeVar

from sqlalchemy import delete, func, literal, select, tuple_
from sqlalchemy.orm import Session

from pcso_desk.store.base import utcnow
from pcso_desk.store.models import SyncSetAside
from pcso_desk.store.types import UTCDateTime

T = TypeVar("T")
SOURCES = frozenset({"hub", "bundle"})
_CHUNK = 500  # ids per IN (...): well inside SQLite's limit on bound values


@dataclass(frozen=True)
class SetAside:
    """One item to set aside, as the caller describes it.

    `id` is the caller's stable key for the item (e.g. "hub:<hub id>:<seq>"): the same item
    set aside again updates its entry. `sender_name` is the sending station's name as this
    station knows it ("" if it does not); `kind` and `row_id` the table and record the item
    is for; `reason` one sentence a user understands."""

    id: str
    source: str  # "hub" or "bundle"
    sender: str
    sender_name: str
    kind: str
    row_id: str
    reason: str
    payload: str


@dataclass(frozen=True)
class SetAsideRow:
    """An entry waiting here: the item, when it was first set aside, last tried, and how
    many times it has been tried (1 when first set aside)."""

    id: str
    source: str
    sender: str
    sender_name: str
    kind: str
    row_id: str
    reason: str
    payload: str
    first_seen: datetime
    last_tried: datetime
    tries: int


def set_aside(session: Session, entries: Iterable[SetAside], *, now: datetime | None = None) -> int:
    """Keep each entry to try again; returns how many were not already waiting.

    An entry already waiting (same id) counts one more try: its reason, payload and what it
    describes are refreshed, `last_tried` moves to now and `first_seen` stays. Descriptive
    text longer than its column is cut (an item from a forged or newer sender may carry
    anything). An unknown `source` is a programming error (ValueError)."""
    moment = now or utcnow()
    new = 0
    for chunk in _chunks(entries):
        for entry in chunk:
            if entry.source not in SOURCES:
                raise ValueError(f"set_aside: unknown source {entry.source!r}")
        ids = {entry.id for entry in chunk}
        known = {
            row.id: row
            for row in session.scalars(select(SyncSetAside).where(SyncSetAside.id.in_(ids)))
        }
        for entry in chunk:
            row = known.get(entry.id)
            if row is None:
                row = SyncSetAside(id=entry.id, first_seen=moment, tries=0)
                session.add(row)
                known[entry.id] = row
                new += 1
            row.source = entry.source
            row.sender = entry.sender[:64]
            row.sender_name = entry.sender_name[:100] or row.sender_name or ""
            row.kind = entry.kind[:64]
            row.row_id = entry.row_id[:64]
            row.reason = entry.reason
            row.payload = entry.payload
            row.last_tried = moment
            row.tries = (row.tries or 0) + 1
        session.flush()
    return new


def waiting(
    session: Session,
    source: str | None = None,
    *,
    after: SetAsideRow | None = None,
    limit: int | None = None,
) -> list[SetAsideRow]:
    """Every entry waiting (or those from one source), the oldest first.

    With `limit`, one page: pass the page's last row as `after` for the next (the order,
    by `first_seen` then `id`, does not move when an entry is set aside again or released,
    so a retry can walk every page while it sets aside and releases)."""
    query = select(SyncSetAside).order_by(SyncSetAside.first_seen, SyncSetAside.id)
    if source is not None:
        query = query.where(SyncSetAside.source == source)
    if after is not None:
        query = query.where(
            tuple_(SyncSetAside.first_seen, SyncSetAside.id)
            > tuple_(literal(after.first_seen, UTCDateTime()), literal(after.id))
        )
    if limit is not None:
        query = query.limit(limit)
    return [_row(row) for row in session.scalars(query)]


def release(session: Session, ids: Iterable[str]) -> int:
    """Remove the entries that have now been applied; returns how many were waiting."""
    removed = 0
    for chunk in _chunks(ids):
        done = session.execute(delete(SyncSetAside).where(SyncSetAside.id.in_(set(chunk))))
        removed += int(getattr(done, "rowcount", 0) or 0)
    return removed


def summary(session: Session) -> list[tuple[str, str, int]]:
    """(the sender's name, or its id if this station knows no name; reason; count): one
    line per sender and reason, the group waiting longest first. Reads no payload."""
    by_sender = select(SyncSetAside.sender, func.max(SyncSetAside.sender_name))
    names = {  # a name known for any of a sender's entries beats ""
        sender: name for sender, name in session.execute(by_sender.group_by(SyncSetAside.sender))
    }
    query = (
        select(SyncSetAside.sender, SyncSetAside.reason, func.count())
        .group_by(SyncSetAside.sender, SyncSetAside.reason)
        .order_by(func.min(SyncSetAside.first_seen), SyncSetAside.sender, SyncSetAside.reason)
    )
    return [
        (names.get(sender) or sender, reason, int(count))
        for sender, reason, count in session.execute(query)
    ]


def set_aside_line(sender: str, reason: str, count: int) -> str:
    """One group of `summary` as `sync status` and the Sync screen say it."""
    changes = "1 change" if count == 1 else f"{count} changes"
    again = "it is" if count == 1 else "they are"
    return (
        f"Set aside: {changes} from {sender} — {_clause(reason)}; {again} tried again at each sync."
    )


def _clause(reason: str) -> str:
    """A sentence as part of a line: no closing full stop, no capital unless a word's own
    ("It is dated ..." -> "it is dated ...", "PC's clock ..." stays)."""
    text = reason.strip().rstrip(".")
    first = text.split(" ", 1)[0]
    if first[:1].isupper() and not any(c.isupper() for c in first[1:]):
        text = text[:1].lower() + text[1:]
    return text


def _row(row: SyncSetAside) -> SetAsideRow:
    return SetAsideRow(
        row.id,
        row.source,
        row.sender,
        row.sender_name,
        row.kind,
        row.row_id,
        row.reason,
        row.payload,
        row.first_seen,
        row.last_tried,
        row.tries,
    )


def _chunks(items: Iterable[T]) -> Iterator[list[T]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, _CHUNK)):
        yield chunk
