"""Global search (Ctrl+K): contacts, meetings and priorities by any word or postcode as you type."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, literal_column, or_, select, text

from pcso_desk.services.context import Context
from pcso_desk.services.records.service import fts_query
from pcso_desk.store import models as m


@dataclass(frozen=True)
class SearchHit:
    kind: str  # "contacts", "meetings", "priorities"
    id: str
    title: str
    detail: str


@dataclass(frozen=True)
class _Target:
    kind: str
    model: Any
    fts: str
    title: str
    detail: str
    like_columns: tuple[str, ...]
    capitals: tuple[str, ...] = ()  # stored in capitals (postcodes): matched as typed, upper


TARGETS = (
    _Target(
        "contacts",
        m.Contact,
        "contacts_fts",
        "name",
        "postcode",
        ("name", "postcode"),
        capitals=("postcode",),
    ),
    _Target("meetings", m.Meeting, "meetings_fts", "title", "venue", ("title", "venue")),
    _Target("priorities", m.Priority, "priorities_fts", "title", "public_wording", ("title",)),
)


def _condition(target: _Target, word: str) -> ColumnElement[bool]:
    """One typed word: FTS5 trigram match, or a prefix match for one or two characters."""
    model = target.model
    if len(word) >= 3:
        match = text(f"SELECT rowid FROM {target.fts} WHERE {target.fts} MATCH :q")
        rowid: ColumnElement[Any] = literal_column(f"{model.__tablename__}.rowid")
        return rowid.in_(match.bindparams(q=fts_query([word])))
    return or_(
        *(_starts_with(getattr(model, c), word, c in target.capitals) for c in target.like_columns)
    )


def _starts_with(column: Any, word: str, capitals: bool) -> ColumnElement[bool]:
    """A case-insensitive prefix test written as a range, so an index answers it: a county's
    contacts (ix_contacts_name_nocase, ix_contacts_postcode) in a few milliseconds instead of
    a scan of every name (LIKE with lower() cannot use an index)."""
    if capitals:  # the column's own index, on text stored in capitals
        start = word.upper()
        return and_(column >= start, column < start[:-1] + chr(ord(start[-1]) + 1))
    start, folded = word.lower(), column.collate("NOCASE")
    return and_(folded >= start, folded < start[:-1] + chr(ord(start[-1]) + 1))


def search(ctx: Context, typed: str, limit: int = 20) -> list[SearchHit]:
    """Up to `limit` hits per kind, best kind first; empty for an empty box."""
    words = typed.split()
    if not words:
        return []
    hits: list[SearchHit] = []
    with ctx.store.read() as session:
        for target in TARGETS:
            model = target.model
            conditions = [_condition(target, w) for w in words]
            stmt = (
                select(model.id, getattr(model, target.title), getattr(model, target.detail))
                .where(model.deleted_at.is_(None), *conditions)
                .order_by(getattr(model, target.title))
                .limit(limit)
            )
            if target.kind == "contacts":
                stmt = stmt.where(m.Contact.merged_into_id.is_(None))
            hits.extend(SearchHit(target.kind, *row) for row in session.execute(stmt))
    return hits
