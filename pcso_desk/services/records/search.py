"""Global search (Ctrl+K): whatever a team asks for by a word, a name, a postcode or a crime
reference, as they type.

What is searched, kind by kind:

- contacts: name, organisation, postcode, e-mail, phone, tags (the trigram index
  `contacts_fts`), plus names that begin with what was typed (the NOCASE name index);
- victim cases, by crime reference, only for a role that may see victim care (the caller
  audits the ids of the cases shown: Services.search);
- meetings (title, venue; shown with their date), priorities (title, wording);
- KINs (name, description), messages (subject, sender), engagements (summary): these have
  no search index, so each looks only at the newest `SCAN_ROWS` live rows of its kind (an
  index walk of a bounded length), which keeps a keystroke's cost flat on a county store.

A postcode typed without its space ("AL13AB") is searched as "AL1 3AB". Within each kind the
hits are ranked: a title equal to what was typed first, then titles beginning with it, then
titles with a word beginning with it, then the rest (alphabetically, or newest first for the
dated kinds); the kinds come in the order of their best hit.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, column, literal_column, or_, select, text
from sqlalchemy.orm import Session

from pcso_desk.domain.enums import CaseStatus
from pcso_desk.domain.errors import ValidationError
from pcso_desk.domain.schedule import LONDON
from pcso_desk.domain.validation import normalise_crime_reference, normalise_postcode
from pcso_desk.services.context import Context
from pcso_desk.services.records.service import fts_query
from pcso_desk.store import models as m
from pcso_desk.store.engine import larger_cache

# Rows of an unindexed kind (KINs, messages, engagements) looked at per search, newest first.
SCAN_ROWS = 5_000
# Contacts matching the trigram index from which the first `limit` of them in name order are
# sought by walking the list's name index (ix_contacts_list: its entries only, a row read for
# each hit), not by reading every match's row and sorting (a row read per match: about 50 µs
# each on a cold page cache, 15 ms for 300 matches). The walk goes no further than the first
# WALK_ROWS names (about 3 ms cold); matches spread through the alphabet yield their first
# `limit` well within them (from WALK_FROM matches on a county store), but matches bunched
# late in it ("zoe") may not, and are then read and sorted after all.
WALK_FROM = 200
WALK_ROWS = 10_000
_FTS_COUNT = text("SELECT count(*) FROM contacts_fts WHERE contacts_fts MATCH :q")
_LIVE_NAMES = (
    "FROM contacts INDEXED BY ix_contacts_list WHERE deleted_at IS NULL AND merged_into_id IS NULL"
)
_WALK_BOUND = text(f"SELECT name {_LIVE_NAMES} ORDER BY name LIMIT 1 OFFSET :walk")
_WALK_NAMES = text(
    f"SELECT id, name, postcode, organisation {_LIVE_NAMES} AND name < :bound "
    "AND rowid IN (SELECT rowid FROM contacts_fts WHERE contacts_fts MATCH :q) "
    "ORDER BY name LIMIT :limit"
)
# The order of the kinds when their best hits rank the same.
KINDS = (
    "contacts",
    "victim_cases",
    "meetings",
    "priorities",
    "kins",
    "messages",
    "engagements",
)
# Kinds matched by a plain scan (victim cases: of their references only), from three letters.
UNINDEXED = frozenset({"victim_cases", "kins", "messages", "engagements"})
EXACT, STARTS, WORD_STARTS, ELSEWHERE = range(4)
_LARGER_CACHE = "search: larger cache"  # set in a pooled connection's info once it has it


@dataclass(frozen=True)
class SearchHit:
    kind: str  # one of KINDS
    id: str
    title: str
    detail: str
    rank: int = ELSEWHERE  # EXACT, STARTS, WORD_STARTS or ELSEWHERE (lower is better)


# -- what was typed ----------------------------------------------------------------------------

_COMPACT_POSTCODE = re.compile(r"[A-Za-z]{1,2}[0-9][A-Za-z0-9]?[0-9][A-Za-z]{2}")
_POSTCODE_START = re.compile(r"[A-Za-z]{1,2}([0-9][A-Za-z0-9]?( [0-9]?[A-Za-z]{0,2})?)?")


def words_of(typed: str) -> list[str]:
    """The typed words, a postcode written without its space put in its usual form."""
    words = []
    for word in typed.split():
        if _COMPACT_POSTCODE.fullmatch(word):
            with contextlib.suppress(ValidationError):
                word = normalise_postcode(word)
        words.append(word)
    return words


def rank_of(title: str, phrase: str) -> int:
    """How well a title answers the phrase typed (see the module's docstring)."""
    title, phrase = " ".join(title.lower().split()), phrase.lower()
    if title == phrase:
        return EXACT
    if title.startswith(phrase):
        return STARTS
    if any(word.startswith(phrase) for word in re.split(r"[\s,/()-]+", title)[1:]):
        return WORD_STARTS
    return ELSEWHERE


def when_text(value: datetime | None) -> str:
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(LONDON).strftime("%a %d %b %Y %H:%M")


def _label(value: Any) -> str:
    return str(getattr(value, "value", value) or "").replace("_", " ").capitalize()


def _join(*parts: str) -> str:
    return " · ".join(part for part in parts if part)


# -- conditions --------------------------------------------------------------------------------


def _starts_with(column: Any, word: str, capitals: bool = False) -> ColumnElement[bool]:
    """A case-insensitive prefix test written as a range, so an index answers it: a county's
    contacts (ix_contacts_name_nocase, ix_contacts_postcode) in a few milliseconds instead of
    a scan of every name (LIKE with lower() cannot use an index)."""
    if capitals:  # the column's own index, on text stored in capitals
        start = word.upper()
        return and_(column >= start, column < start[:-1] + chr(ord(start[-1]) + 1))
    start, folded = word.lower(), column.collate("NOCASE")
    return and_(folded >= start, folded < start[:-1] + chr(ord(start[-1]) + 1))


def _indexed(
    model: Any,
    fts: str,
    words: list[str],
    prefix_columns: tuple[str, ...],
    capitals: tuple[str, ...],
) -> list[ColumnElement[bool]]:
    """The typed words: the words of three letters or more in one FTS5 trigram match (all of
    them), each shorter one a prefix match (trigrams cannot match it)."""
    conditions: list[ColumnElement[bool]] = []
    long_words = [w for w in words if len(w) >= 3]
    if long_words:
        match = text(f"SELECT rowid FROM {fts} WHERE {fts} MATCH :q")
        rowid: ColumnElement[Any] = literal_column(f"{model.__tablename__}.rowid")
        conditions.append(rowid.in_(match.bindparams(q=fts_query(long_words))))
    for word in words:
        if len(word) < 3:
            starts = (_starts_with(getattr(model, c), word, c in capitals) for c in prefix_columns)
            conditions.append(or_(*starts))
    return conditions


def _contains(model: Any, columns: tuple[str, ...], word: str) -> ColumnElement[bool]:
    """SQLite's LIKE already ignores case (of ASCII letters, as its lower() does), so the
    column is compared as stored: no lower() of every value scanned."""
    pattern = "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    return or_(*(getattr(model, c).like(pattern, escape="\\") for c in columns))


def _ranked(hits: list[SearchHit], limit: int) -> list[SearchHit]:
    """Best rank first; within a rank the order the query gave (a stable sort)."""
    unique = list({hit.id: hit for hit in reversed(hits)}.values())[::-1]
    return sorted(unique, key=lambda hit: hit.rank)[:limit]


# -- each kind ---------------------------------------------------------------------------------


def _contacts(session: Session, words: list[str], phrase: str, limit: int) -> list[SearchHit]:
    """Names beginning with the phrase, postcodes beginning with it, and (for words of three
    letters or more) the trigram index over every searched field: each its own indexed query,
    never an OR of two indexes, which SQLite answers by walking every name."""
    c = m.Contact
    live = (c.deleted_at.is_(None), c.merged_into_id.is_(None))
    columns = (c.id, c.name, c.postcode, c.organisation)
    queries = [
        select(*columns)
        .where(*live, _starts_with(c.name, phrase))
        .order_by(c.name.collate("NOCASE"))
        .limit(limit)
    ]
    if _POSTCODE_START.fullmatch(phrase):
        postcodes = select(*columns).where(*live, _starts_with(c.postcode, phrase, True))
        queries.append(postcodes.order_by(c.postcode).limit(limit))
    walked_rows: list[Any] = []  # the trigram matches when walked for: last, as their query
    long_words = [w for w in words if len(w) >= 3]
    if long_words:
        conditions = _indexed(c, "contacts_fts", words, ("name", "postcode"), ("postcode",))
        # Names alike in id order, as the walk down the list's index (name, id) gives them.
        stmt: Any = select(*columns).where(*live, *conditions).order_by(c.name, c.id).limit(limit)
        if len(long_words) == len(words):
            walked = _walk_names(session, fts_query(words), limit)
            if walked is not None:
                walked_rows, stmt = walked, None
        if stmt is not None:
            queries.append(stmt)
    hits = []
    found = [row for stmt in queries for row in session.execute(stmt)]
    for record_id, name, postcode, organisation in found + walked_rows:
        rank = rank_of(name, phrase)
        if postcode and postcode == phrase.upper():
            rank = min(rank, STARTS)
        hits.append(SearchHit("contacts", record_id, name, _join(postcode, organisation), rank))
    return _ranked(hits, limit)


def _walk_names(session: Session, q: str, limit: int) -> list[Any] | None:
    """The first `limit` live contacts in name order matching the trigram query `q`, found
    by the bounded walk (WALK_FROM, above); None when the matches are too few for it, or when
    the walk did not find `limit` of them (they are then read and sorted)."""
    if session.execute(_FTS_COUNT, {"q": q}).scalar_one() < WALK_FROM:
        return None
    bound = session.execute(_WALK_BOUND, {"walk": WALK_ROWS}).scalar()
    if bound is None:  # fewer live contacts than WALK_ROWS: the walk is of them all
        bound = "\U0010ffff"
    rows = list(session.execute(_WALK_NAMES, {"q": q, "bound": bound, "limit": limit}))
    return rows if len(rows) == limit else None


def _victim_cases(session: Session, words: list[str], phrase: str, limit: int) -> list[SearchHit]:
    """By crime reference: the whole reference in any usual form ("41 12345 26"), or part of
    one (digits typed). Other words may narrow by the victim's name."""
    v = m.VictimCase
    try:
        whole: str | None = normalise_crime_reference(phrase)
    except ValidationError:
        whole = None
    if whole is not None:
        condition: ColumnElement[bool] = v.crime_reference == whole
        rest: list[str] = []
    else:
        reference = [w for w in words if any(ch.isdigit() for ch in w)]
        if not reference or len("".join(reference)) < 3:
            return []
        condition = and_(*(_contains(v, ("crime_reference",), w) for w in reference))
        rest = [w for w in words if w not in reference]
    stmt = (
        select(v.id, v.crime_reference, v.offence_type, v.status, m.Contact.name)
        .join(m.Contact, m.Contact.id == v.victim_id)
        .where(v.deleted_at.is_(None), condition)
        .where(*(_contains(m.Contact, ("name",), w) for w in rest))
        .order_by(v.opened_at.desc())
        .limit(limit)
    )
    hits = []
    for record_id, reference_text, offence, status, victim in session.execute(stmt):
        rank = EXACT if whole is not None or reference_text == phrase else STARTS
        if whole is None and not reference_text.startswith(phrase):
            rank = WORD_STARTS
        closed = "closed" if status == CaseStatus.CLOSED else ""
        detail = _join(offence, f"victim {victim}", closed)
        hits.append(SearchHit("victim_cases", record_id, reference_text, detail, rank))
    return _ranked(hits, limit)


def _meetings(session: Session, words: list[str], phrase: str, limit: int) -> list[SearchHit]:
    mt = m.Meeting
    conditions = _indexed(mt, "meetings_fts", words, ("title", "venue"), ())
    stmt = (
        select(mt.id, mt.title, mt.starts_at, mt.venue)
        .where(mt.deleted_at.is_(None), *conditions)
        .order_by(mt.starts_at.desc())
        .limit(limit * 4)
    )
    found = {row[0]: row for row in session.execute(stmt)}
    hits = [
        SearchHit("meetings", record_id, title, "", rank_of(title, phrase))
        for record_id, title, _starts, _venue in found.values()
    ]
    return [  # the dates of the hits kept only: a time zone's conversion is not free
        replace(hit, detail=_join(when_text(found[hit.id][2]), found[hit.id][3]))
        for hit in _ranked(hits, limit)
    ]


def _priorities(session: Session, words: list[str], phrase: str, limit: int) -> list[SearchHit]:
    p = m.Priority
    conditions = _indexed(p, "priorities_fts", words, ("title",), ())
    stmt = (
        select(p.id, p.title, p.public_wording)
        .where(p.deleted_at.is_(None), *conditions)
        .order_by(p.title)
        .limit(limit * 4)
    )
    hits = [
        SearchHit("priorities", record_id, title, wording, rank_of(title, phrase))
        for record_id, title, wording in session.execute(stmt)
    ]
    return _ranked(hits, limit)


def _newest(model: Any, index: str, order: str, *columns: str) -> Any:
    """The newest SCAN_ROWS live rows of an unindexed kind, read from the covering index
    `index` alone (migration 0017): never the list's index on the same date, which SQLite
    would pick as readily and which makes it fetch each row (its body, on a cold page cache:
    the audit entry each keystroke queues is written on another connection, so the next
    keystroke finds this connection's cache emptied)."""
    names = ("id", *columns)
    return (
        text(
            f"SELECT {', '.join(names)} FROM {model.__tablename__} INDEXED BY {index} "
            f"WHERE deleted_at IS NULL ORDER BY {order} DESC LIMIT {SCAN_ROWS}"
        )
        .columns(*(column(name, getattr(model, name).type) for name in names))
        .subquery()
    )


def _kins(session: Session, words: list[str], phrase: str, limit: int) -> list[SearchHit]:
    k = m.Kin
    stmt = (
        select(k.id, k.name, k.description)
        .where(k.deleted_at.is_(None), *(_contains(k, ("name", "description"), w) for w in words))
        .order_by(k.name)
        .limit(limit * 4)
    )
    hits = [
        SearchHit("kins", record_id, name, description, rank_of(name, phrase))
        for record_id, name, description in session.execute(stmt)
    ]
    return _ranked(hits, limit)


def _messages(session: Session, words: list[str], phrase: str, limit: int) -> list[SearchHit]:
    newest = _newest(
        m.Message, "ix_messages_newest", "received_at", "subject", "from_name", "received_at"
    )
    stmt = (
        select(newest.c.id, newest.c.subject, newest.c.from_name, newest.c.received_at)
        .where(*(_contains(newest.c, ("subject", "from_name"), w) for w in words))
        .order_by(newest.c.received_at.desc())
        .limit(limit * 4)
    )
    found = {row[0]: row for row in session.execute(stmt)}
    hits = [
        SearchHit("messages", record_id, subject, "", rank_of(subject, phrase))
        for record_id, subject, _sender, _received in found.values()
    ]
    return [  # the dates of the hits kept only
        replace(hit, detail=_join(*_sent_by(found[hit.id][2], found[hit.id][3])))
        for hit in _ranked(hits, limit)
    ]


def _sent_by(sender: str | None, received: datetime | None) -> tuple[str, str]:
    return (f"from {sender}" if sender else "", when_text(received))


def _engagements(session: Session, words: list[str], phrase: str, limit: int) -> list[SearchHit]:
    newest = _newest(
        m.Engagement, "ix_engagements_newest", "occurred_at", "summary", "occurred_at", "channel"
    )
    stmt = (
        select(newest.c.id, newest.c.summary, newest.c.occurred_at, newest.c.channel)
        .where(*(_contains(newest.c, ("summary",), w) for w in words))
        .order_by(newest.c.occurred_at.desc())
        .limit(limit)
    )
    return [
        SearchHit(
            "engagements",
            record_id,
            _join(when_text(occurred), _label(channel)),
            summary,
            WORD_STARTS if rank_of(summary, phrase) < ELSEWHERE else ELSEWHERE,
        )
        for record_id, summary, occurred, channel in session.execute(stmt)
    ]


Finder = Callable[[Session, list[str], str, int], list[SearchHit]]
FINDERS: dict[str, Finder] = {
    "contacts": _contacts,
    "victim_cases": _victim_cases,
    "meetings": _meetings,
    "priorities": _priorities,
    "kins": _kins,
    "messages": _messages,
    "engagements": _engagements,
}


def search(
    ctx: Context, typed: str, limit: int = 20, *, victim_cases: bool = False
) -> list[SearchHit]:
    """Up to `limit` hits per kind, best kind first; empty for an empty box. Victim cases only
    when `victim_cases` (the caller has checked the role may see them)."""
    words = words_of(typed)
    if not words:
        return []
    phrase = " ".join(words)
    found: list[list[SearchHit]] = []
    with ctx.store.read() as session:
        # Every keystroke walks the trigram index again: keep its pages decrypted (engine.py).
        # Asked once per pooled connection (its info lives as long as it does), not by a
        # PRAGMA on every keystroke.
        connection = session.connection()
        if not connection.info.get(_LARGER_CACHE):
            larger_cache(connection)
            connection.info[_LARGER_CACHE] = True
        for kind in KINDS:
            if kind == "victim_cases" and not victim_cases:
                continue
            if kind in UNINDEXED and len(phrase) < 3:
                continue  # one or two letters would match nearly every row's text
            hits = FINDERS[kind](session, words, phrase, limit)
            if hits:
                found.append(hits)
    found.sort(key=lambda hits: min(hit.rank for hit in hits))  # stable: KINDS order on ties
    return [hit for hits in found for hit in hits]
