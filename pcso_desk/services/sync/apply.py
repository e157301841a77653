"""Merging received changes into this store, whether they came in a bundle or from a hub."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from pcso_desk.domain.hlc import Hlc
from pcso_desk.services.context import Context
from pcso_desk.services.protection import erasure
from pcso_desk.services.records import derived
from pcso_desk.services.records.follow import follow_merges
from pcso_desk.services.sync.screen import Screen, record_label
from pcso_desk.store.clocks import erased_fields
from pcso_desk.store.engine import LARGE_CACHE_KIB
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
    ctx: Context,
    session: Session,
    pages: Iterable[Sequence[Item]],
    expected: int,
    *,
    cache_kib: int | None = None,
) -> Applied:
    """`apply_changes` for changes that arrive a page at a time (a hub pull): each page is
    merged as it comes, in one transaction, so only one page is held in memory; the steps
    that look across everything (erasures, merges followed, derived dates) run once, at the
    end. `expected`: about how many changes will come; a large merge's page cache is
    `cache_kib` (by default `LARGE_CACHE_KIB`) while it runs.

    Memory does not grow with the number of changes: what the steps after the last page
    need of each page is worked out as it is merged (how many arrived erased, the LSOA codes
    of crime rows to map again), and the ids changed are kept in a temporary table, each
    kind's only up to `LISTED_IDS`; of a kind of which more changed only the count is kept,
    and the steps after the last page treat every record of it as changed (derived dates
    refreshed for all, merges followed everywhere). `Applied.changed` lists the ids of the
    kinds listed, `Applied.whole` counts the others, and the screens refresh those whole."""
    connection = session.connection()
    connection.exec_driver_sql("PRAGMA defer_foreign_keys = ON")
    screen = Screen(ctx, session, lambda line: journal(ctx, line))
    applied = Applied()
    changed = ChangedIds(session)
    try:
        with _large_cache(session, expected, cache_kib or LARGE_CACHE_KIB):
            for items in pages:
                newest = max((item.newest for item in items), default="")
                if newest:
                    ctx.clock.observe(Hlc.decode(newest))  # later local edits sort after these
                applied.mark = applied.mark or ctx.clock.now().encode()
                page = apply_items(session, items, ctx.clock, screen, applied.mark)
                applied.erased += _arrived_erased(session, page.changed)
                _gather(applied, page, changed)
            for table, ids in erasure.enforce_erasures(ctx, session).items():
                applied.erased += len(ids)
                changed.add(table, ids)
            followed = follow_merges(ctx, session, changed.for_follow())  # late links, edits
            for table, ids in followed.changed.items():
                changed.add(table, ids)
            excused = screen.settle()  # held erasures of records this station has erased too
            if excused:
                late = apply_items(session, excused, ctx.clock, screen)
                for table, ids in late.changed.items():
                    changed.add(table, ids)
                applied.new_conflicts += late.new_conflicts
            applied.refused = screen.refused
            refresh_derived_of(session, changed)
            _remap_crimes(ctx, session, changed.lsoa_codes())  # crimes find wards mapped elsewhere
            applied.changed, applied.whole = changed.result()
    finally:
        changed.drop()
    return applied


LISTED_IDS = 2_000  # a kind with more changed ids than this is refreshed whole on screens


class ChangedIds:
    """The ids a merge changed, per table, in a temporary table of this connection: each
    kind's up to `LISTED_IDS`, then only how many (the kind has overflowed)."""

    TABLE = "temp.sync_changed"

    def __init__(self, session: Session) -> None:
        self.connection = session.connection()
        self.connection.exec_driver_sql(f"DROP TABLE IF EXISTS {self.TABLE}")
        self.connection.exec_driver_sql(
            f"CREATE TABLE {self.TABLE} (kind TEXT NOT NULL, row_id TEXT NOT NULL, "
            "PRIMARY KEY (kind, row_id)) WITHOUT ROWID"
        )
        self.counts: dict[str, int] = {}  # ids per kind, listed or not
        self.overflowed: set[str] = set()

    def add(self, kind: str, ids: Sequence[str]) -> None:
        if not ids:
            return
        if kind not in self.overflowed and self.counts.get(kind, 0) + len(ids) > LISTED_IDS:
            self.overflowed.add(kind)
            self.connection.exec_driver_sql(
                f"DELETE FROM {self.TABLE} WHERE kind = ?", (kind,)
            )  # not needed any more: the kind is treated as changed throughout
        if kind in self.overflowed:
            self.counts[kind] = self.counts.get(kind, 0) + len(ids)  # a record comes once
            return
        before = self._count(kind)
        self.connection.exec_driver_sql(
            f"INSERT OR IGNORE INTO {self.TABLE} (kind, row_id) VALUES (?, ?)",
            [(kind, row_id) for row_id in ids],
        )
        self.counts[kind] = self.counts.get(kind, 0) + self._count(kind) - before

    def _count(self, kind: str) -> int:
        found = self.connection.exec_driver_sql(
            f"SELECT count(*) FROM {self.TABLE} WHERE kind = ?", (kind,)
        )
        return int(found.scalar() or 0)

    def select(self, *kinds: str) -> str | None:
        """A SELECT of the ids of `kinds` (table names) changed; None when one of them has
        overflowed (then any record of them may have changed)."""
        if self.overflowed & set(kinds):
            return None
        names = ", ".join(f"'{kind}'" for kind in kinds)
        return f"SELECT row_id FROM {self.TABLE} WHERE kind IN ({names})"

    def ids(self, kind: str) -> list[str]:
        found = self.connection.exec_driver_sql(
            f"SELECT row_id FROM {self.TABLE} WHERE kind = ?", (kind,)
        )
        return [str(row_id) for (row_id,) in found]

    def result(self) -> tuple[dict[str, list[str]], dict[str, int]]:
        """The changed ids of each kind listed; how many of each kind that overflowed."""
        listed = {kind: self.ids(kind) for kind in self.counts if kind not in self.overflowed}
        return listed, {kind: self.counts[kind] for kind in self.overflowed}

    def for_follow(self) -> dict[str, list[str]] | None:
        """What `follow_merges` needs to know was changed: the contacts and field history
        entries, or None (look everywhere) when there were too many to list."""
        kinds = ("contacts", "field_history")
        if self.select(*kinds) is None:
            return None
        return {kind: self.ids(kind) for kind in kinds}

    def lsoa_codes(self) -> set[str]:
        """The LSOA codes of the crime rows and LSOA mappings changed (every code the store
        holds, when too many of either changed to list them)."""
        kinds = ("crime_records", "lsoa_wards")
        listed = self.select(*kinds)
        sql = " UNION ".join(
            f'SELECT lsoa_code FROM "{kind}"'
            + ("" if listed is None else f" WHERE id IN ({self.select(kind)})")
            for kind in kinds
        )
        found = self.connection.exec_driver_sql(sql)
        return {str(code) for (code,) in found if code is not None}

    def drop(self) -> None:
        self.connection.exec_driver_sql(f"DROP TABLE IF EXISTS {self.TABLE}")


def _gather(applied: Applied, page: Applied, changed: ChangedIds) -> None:
    """Add one page's merge to the whole's (its ids to the temporary table)."""
    applied.received += page.received
    for table, ids in page.changed.items():
        changed.add(table, ids)
    applied.conflicts.extend(page.conflicts)
    applied.new_conflicts += page.new_conflicts
    applied.history.extend(page.history)


LARGE_MERGE = 20_000  # items: a merge this large gets its own page cache size while it runs


@contextmanager
def _large_cache(session: Session, items: int, kib: int) -> Iterator[None]:
    """A page cache of `kib` for a large merge (a first full sync writes every table and its
    indexes: with the connection's usual cache, store/engine.py, the pages it keeps revisiting
    spill to disk), then the old size."""
    if items < LARGE_MERGE:
        yield
        return
    connection = session.connection()
    before = connection.exec_driver_sql("PRAGMA cache_size").scalar()
    connection.exec_driver_sql(f"PRAGMA cache_size = -{int(kib)}")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA cache_size = {int(before or -2000)}")


def _arrived_erased(session: Session, changed: dict[str, list[str]]) -> int:
    """How many of the records a page's merge changed are erased ones."""
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


def _remap_crimes(ctx: Context, session: Session, codes: set[str]) -> int:
    """After a sync merge: the crime rows of every LSOA whose mapping, or whose crime rows,
    the merge changed (`codes`) take the ward this station's LSOA table gives them (a crime
    imported on one station before another's mapping reached it would otherwise keep no
    ward). Each row re-mapped is a change of this station's, so it travels on like any
    other; stations that hold the same table reach the same ward, so nothing goes back and
    forth."""
    from pcso_desk.services.documents.crimes import remap_crimes

    if not codes:
        return 0
    remapped = remap_crimes(
        session, codes, lambda crime: ctx.stamp(crime, creating=False), outlines=False
    )
    session.flush()
    return remapped


def refresh_derived(session: Session, changed: dict[str, list[str]]) -> None:
    """Next-contact and next-check-in dates are worked out here, never carried by sync:
    those of the cases and members in `changed` (table -> ids) and of those whose contacts
    or check-ins are in it."""
    ids = ChangedIds(session)
    try:
        for table, row_ids in changed.items():
            ids.add(table, row_ids)
        refresh_derived_of(session, ids)
    finally:
        ids.drop()


def refresh_derived_of(session: Session, changed: ChangedIds) -> None:
    """`refresh_derived` over the ids in a temporary table: one UPDATE per kind (of every
    case, or member, when too many of its kind or of its contacts, or check-ins, changed)."""
    cases, contacts = changed.select("victim_cases"), changed.select("victim_contacts")
    derived.refresh_cases(
        session,
        None
        if cases is None or contacts is None
        else f"{cases} UNION SELECT case_id FROM victim_contacts WHERE id IN ({contacts})",
    )
    members, checkins = changed.select("kin_members"), changed.select("kin_checkins")
    derived.refresh_members(
        session,
        None
        if members is None or checkins is None
        else f"{members} UNION SELECT member_id FROM kin_checkins WHERE id IN ({checkins})",
    )


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
