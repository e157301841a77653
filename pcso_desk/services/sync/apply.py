"""Merging received changes into this store, whether they came in a bundle or from a hub."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from pcso_desk.domain.hlc import Hlc
from pcso_desk.services.context import Context
from pcso_desk.services.protection import erasure
from pcso_desk.services.records import derived
from pcso_desk.services.records.follow import follow_merges
from pcso_desk.services.sync.screen import Screen, record_label
from pcso_desk.store import models as m
from pcso_desk.store.clocks import erased_fields
from pcso_desk.sync.changes import Item
from pcso_desk.sync.local import CHUNK, Applied, apply_items


def apply_changes(ctx: Context, session: Session, items: Sequence[Item]) -> Applied:
    """Merge `items` in the caller's write transaction, then bring derived fields up to date.

    References are checked at commit (deferred), so a bundle's rows may arrive in any order.
    Each change is screened first (`screen.py`): one its role could not have made, or with
    a value a local edit could not hold, is refused (`Applied.refused`, audited, in
    logs/sync.log) and the rest still merges.
    """
    return apply_pages(ctx, session, [items], len(items))


def apply_pages(
    ctx: Context, session: Session, pages: Iterable[Sequence[Item]], expected: int
) -> Applied:
    """`apply_changes` for changes that arrive a page at a time (a hub pull): each page is
    merged as it comes, in one transaction, so only one page is held in memory; the steps
    that look across everything (erasures, merges followed, derived dates) run once, at the
    end. `expected`: about how many changes will come (a large merge gets a larger cache)."""
    connection = session.connection()
    connection.exec_driver_sql("PRAGMA defer_foreign_keys = ON")
    screen = Screen(ctx, session, lambda line: journal(ctx, line))
    applied = Applied()
    seen: dict[str, set[str]] = {}  # applied.changed's ids, per table, to add each once
    with _large_cache(session, expected):
        for items in pages:
            newest = max((item.newest for item in items), default="")
            if newest:
                ctx.clock.observe(Hlc.decode(newest))  # later local edits sort after these
            applied.mark = applied.mark or ctx.clock.now().encode()
            page = apply_items(session, items, ctx.clock, screen, applied.mark)
            _gather(applied, page, seen)
        applied.erased = _arrived_erased(session, applied.changed)
        for table, ids in erasure.enforce_erasures(ctx, session).items():
            applied.erased += len(ids)
            applied.changed.setdefault(table, []).extend(i for i in ids if i not in applied.changed)
        followed = follow_merges(ctx, session, applied.changed)  # late links, edits, erasures
        for table, ids in followed.changed.items():
            known = applied.changed.setdefault(table, [])
            known.extend(i for i in ids if i not in known)
        excused = screen.settle()  # held erasures of records this station has now erased too
        if excused:
            late = apply_items(session, excused, ctx.clock, screen)
            for table, ids in late.changed.items():
                applied.changed.setdefault(table, []).extend(ids)
            applied.new_conflicts += late.new_conflicts
        applied.refused = screen.refused
        refresh_derived(session, applied.changed)
        from pcso_desk.services.documents.crimes import remap_after_sync

        remap_after_sync(ctx, session, applied.changed)  # crimes find wards mapped elsewhere
    return applied


def _gather(applied: Applied, page: Applied, seen: dict[str, set[str]]) -> None:
    """Add one page's merge to the whole's. `seen` keeps the ids gathered so far from page
    to page (rebuilding it for each page made a pull of N items cost N²/page set inserts)."""
    applied.received += page.received
    for table, ids in page.changed.items():
        known = applied.changed.setdefault(table, [])
        have = seen.setdefault(table, set(known))
        for row_id in ids:
            if row_id not in have:
                have.add(row_id)
                known.append(row_id)
    applied.conflicts.extend(page.conflicts)
    applied.new_conflicts += page.new_conflicts
    applied.history.extend(page.history)


LARGE_MERGE = 20_000  # items: a merge this large gets a larger page cache while it runs
LARGE_CACHE_KIB = 64 * 1024  # as the demo builder's bulk load; SQLite's default is 2 MiB


@contextmanager
def _large_cache(session: Session, items: int) -> Iterator[None]:
    """A larger page cache for a large merge (a first full sync writes every table and its
    indexes: with 2 MiB the pages it keeps revisiting spill to disk), then the old size."""
    if items < LARGE_MERGE:
        yield
        return
    connection = session.connection()
    before = connection.exec_driver_sql("PRAGMA cache_size").scalar()
    connection.exec_driver_sql(f"PRAGMA cache_size = -{LARGE_CACHE_KIB}")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA cache_size = {int(before or -2000)}")


def _arrived_erased(session: Session, changed: dict[str, list[str]]) -> int:
    """How many of the records a merge changed are erased ones."""
    found = 0
    for name, ids in changed.items():
        if not erased_fields(name):
            continue
        for start in range(0, len(ids), CHUNK):
            marks = ", ".join("?" for _ in ids[start : start + CHUNK])
            found += int(
                session.connection()
                .exec_driver_sql(
                    f'SELECT count(*) FROM "{name}" WHERE erased_at IS NOT NULL '
                    f"AND id IN ({marks})",
                    tuple(ids[start : start + CHUNK]),
                )
                .scalar()
                or 0
            )
    return found


def refresh_derived(session: Session, changed: dict[str, list[str]]) -> None:
    """Next-contact and next-check-in dates are worked out here, never carried by sync."""
    cases = set(changed.get("victim_cases", []))
    contacts = changed.get("victim_contacts", [])
    if contacts:
        cases |= set(
            session.scalars(select(m.VictimContact.case_id).where(m.VictimContact.id.in_(contacts)))
        )
    members = set(changed.get("kin_members", []))
    checkins = changed.get("kin_checkins", [])
    if checkins:
        members |= set(
            session.scalars(select(m.KinCheckIn.member_id).where(m.KinCheckIn.id.in_(checkins)))
        )
    # The refreshes read only contacts and check-ins, which the session never holds changed:
    # one flush at the end rather than one before every read.
    with session.no_autoflush:
        for case in session.scalars(select(m.VictimCase).where(m.VictimCase.id.in_(cases))):
            derived.refresh_case(session, case)
        for member in session.scalars(select(m.KinMember).where(m.KinMember.id.in_(members))):
            derived.refresh_member(session, member)
    session.flush()


def integrity_message(exc: IntegrityError) -> str:
    """One sentence for a merge the store's rules refuse (the whole import is rolled back)."""
    found = re.search(r"UNIQUE constraint failed: (\w+)\.(\w+)", str(exc.orig))
    if found:
        table, column = found.groups()
        return (
            f"Nothing was imported: the changes hold a {record_label(table)} with the same "
            f"{column.replace('_', ' ')} as a different one here, so rename one and sync again."
        )
    return (
        "Nothing was imported: the changes refer to records this station does not have, so "
        "import the sending station's earlier bundles (or a full export) first."
    )


def journal(ctx: Context, line: str) -> None:
    """Append one line to logs/sync.log in the data folder: what sync did, and what it refused."""
    folder = ctx.store.path.parent / "logs"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S")
        with (folder / "sync.log").open("a", encoding="utf-8") as handle:
            handle.write(f"{stamp} UTC {line}\n")
    except OSError:  # the log is a courtesy; a full disk must not turn a refusal into a crash
        return
