"""Create, update, delete, get and list any record type: validation, stamping, keyset paging."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    String,
    and_,
    func,
    inspect,
    literal_column,
    or_,
    select,
    text,
    type_coerce,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.sql.schema import Column

from pcso_desk.domain.consent import FACTS as CONSENT_FACTS
from pcso_desk.domain.consent import contact_stop, marked
from pcso_desk.domain.errors import NotFoundError, ValidationError
from pcso_desk.domain.permissions import Action
from pcso_desk.services.context import Changes, Context
from pcso_desk.services.gateway import Effect, note, record_change, use_case
from pcso_desk.services.records.coerce import coerce, label_of
from pcso_desk.store.base import Base, utcnow
from pcso_desk.sync.natural import id_for_record

SYSTEM_COLUMNS = frozenset(
    {
        "id",
        "created_at",
        "updated_at",
        "created_by",
        "updated_by",
        "updated_role",
        "station_id",
        "hlc",
        "deleted_at",
        # Set by an erasure and by sync alone: a save that named them was refused.
        "erased_at",
        "field_clocks",
    }
)
MAX_PAGE = 1000
LABEL_COLUMNS = ("name", "title", "crime_reference", "code")

Cleaner = Callable[[Session, dict[str, Any], Any], dict[str, Any]]
Hook = Callable[[Session, Any], None]


def _no_clean(_session: Session, values: dict[str, Any], _existing: Any) -> dict[str, Any]:
    return values


@dataclass(frozen=True)
class RecordSpec:
    """How one record type is validated, searched, filtered and sorted."""

    kind: str
    label: str
    model: type[Any]
    sorts: Mapping[str, str]
    default_sort: str
    text_columns: tuple[str, ...] = ()
    fts: str | None = None
    # A filter names the column it matches, or is a condition made from the value given
    # (the intelligence ledger's "waiting": two columns at once).
    filters: Mapping[str, str | Callable[[Any], ColumnElement[bool]]] = field(default_factory=dict)
    derived: frozenset[str] = frozenset()
    filled_by_clean: frozenset[str] = frozenset()  # required, but worked out when left blank
    clean: Cleaner = _no_clean
    check: Hook | None = None
    after_write: Hook | None = None
    # Adds read-only values to rows as they are read (an engagement's linked contacts).
    decorate: Callable[[Session, list[dict[str, Any]]], None] | None = None

    @property
    def columns(self) -> Mapping[str, Column[Any]]:
        return {c.name: c for c in self.model.__table__.columns}

    @property
    def editable(self) -> frozenset[str]:
        return frozenset(self.columns) - SYSTEM_COLUMNS - self.derived


@dataclass(frozen=True)
class ListQuery:
    """A filter-as-you-type list request; `after` is the cursor a previous Page returned."""

    text: str = ""
    filters: Mapping[str, Any] = field(default_factory=dict)
    sort: str | None = None
    descending: bool = False
    after: tuple[Any, str] | None = None
    limit: int = 100
    offset: int = 0  # rows to skip (a page anywhere in a long list); ignored with `after`


@dataclass(frozen=True)
class Page:
    rows: list[dict[str, Any]]
    next_after: tuple[Any, str] | None
    total: int | None = None  # every row the query matches, when asked for (counted_page)


ERASED_LABEL = "(erased)"  # what a reference to an erased person shows instead of a name


def as_dict(record: Any) -> dict[str, Any]:
    """A plain copy of a record's column values: what crosses to screens and reports."""
    return {c.key: getattr(record, c.key) for c in inspect(record).mapper.column_attrs}


def one_of(column: ColumnElement[Any] | Any, values: Iterable[Any]) -> ColumnElement[bool]:
    """`column IN (values)` with the values as one JSON parameter: the same SQL whatever
    their number, so a page's two hundred ids are not expanded into the statement (and its
    cache key) on every read. The column's index answers each value, as with IN (?, ?, …)."""
    listed = func.json_each(json.dumps(list(values))).table_valued("value")
    found: ColumnElement[bool] = column.in_(select(listed.c.value))
    return found


def fts_query(words: list[str]) -> str:
    """An FTS5 MATCH string that treats each typed word literally (quotes doubled)."""
    return " AND ".join('"' + word.replace('"', '""') + '"' for word in words)


def _unique_message(spec: RecordSpec, exc: IntegrityError) -> str:
    found = re.search(r"UNIQUE constraint failed: \w+\.(\w+)", str(exc.orig))
    if found:
        return f"Another {spec.label} already has that {label_of(found.group(1))}."
    return f"The {spec.label} could not be saved because it conflicts with another record."


class RecordService:
    """The use cases every record type shares, parameterised by its RecordSpec."""

    def __init__(self, ctx: Context, spec: RecordSpec) -> None:
        self.ctx = ctx
        self.spec = spec

    @property
    def kind(self) -> str:
        return self.spec.kind

    # -- reading ---------------------------------------------------------------------------

    def _load(self, session: Session, record_id: str) -> Any:
        record = session.get(self.spec.model, record_id)
        if record is None or record.deleted_at is not None:
            raise NotFoundError(
                f"That {self.spec.label} no longer exists; it may have been deleted."
            )
        return record

    @use_case(Action.VIEW, "view", effect=Effect.READ, kind=None, restricted_only=True)
    def get(self, record_id: str) -> dict[str, Any]:
        """The record's values, with `<reference>_label` names for its references.

        Opening a restricted record (victim care) is audited.
        """
        note((record_id,), "1 record")
        with self.ctx.store.read() as session:
            record = as_dict(self._load(session, record_id))
            self._attach_labels(session, [record])
            if self.spec.decorate is not None:
                self.spec.decorate(session, [record])
        return record

    @use_case(Action.VIEW, "count", effect=Effect.READ, kind=None, restricted_only=True)
    def count(self, query: ListQuery = ListQuery()) -> int:
        with self.ctx.store.read() as session:
            stmt = self._filtered(query).with_only_columns(func.count())
            return int(session.execute(stmt).scalar_one())

    @use_case(Action.VIEW, "list", effect=Effect.READ, kind=None, restricted_only=True)
    def page(self, query: ListQuery = ListQuery()) -> Page:
        """One page of rows, filtered and sorted in SQL; pass `next_after` back for the next.
        A list of restricted records is audited with how many rows it showed, never the
        words typed to filter it."""
        limit = max(1, min(query.limit, MAX_PAGE))
        # The table's columns, not the mapped class (a Core read): a page is read-only values
        # for a screen, and building, then copying out of, ORM objects cost more than the read.
        table = self.spec.model.__table__
        key = self._sort_key(query).label("sort_key")
        columns = list(table.columns)
        stmt = self._filtered(query).with_only_columns(*columns, key)
        if query.after is not None:
            value, last_id = query.after
            beyond = key < value if query.descending else key > value
            after_id = table.c.id < last_id if query.descending else table.c.id > last_id
            stmt = stmt.where(or_(beyond, and_(key == value, after_id)))
        order = (key.desc(), table.c.id.desc()) if query.descending else (key, table.c.id)
        stmt = stmt.order_by(*order).limit(limit)
        if query.after is None and query.offset > 0:
            stmt = stmt.offset(query.offset)
        names = [column.name for column in columns]
        with self.ctx.store.read() as session:
            found = session.execute(stmt).all()
            rows = [dict(zip(names, row, strict=False)) for row in found]
            self._attach_labels(session, rows)
            if self.spec.decorate is not None:
                self.spec.decorate(session, rows)
        next_after = (found[-1][-1], rows[-1]["id"]) if len(found) == limit else None
        return Page(rows, next_after)

    @use_case(Action.VIEW, "list", effect=Effect.READ, kind=None, restricted_only=True)
    def counted_page(self, query: ListQuery = ListQuery()) -> Page:
        """The first page (at `query.offset`) with the number of rows the query matches."""
        page = self.page(query)
        return Page(page.rows, page.next_after, self.count(query))

    def _attach_labels(self, session: Session, rows: list[dict[str, Any]]) -> None:
        """Add `<column>_label` (the name or title) for each reference, one query per column."""
        for column in self.spec.columns.values():
            if not column.foreign_keys or not rows:
                continue
            target = next(iter(column.foreign_keys)).column.table
            label = next((target.c[n] for n in LABEL_COLUMNS if n in target.c), None)
            if label is None:
                continue
            ids = {row[column.name] for row in rows if row[column.name]}
            if not ids:
                continue
            # A person the team must not contact is marked wherever they are chosen or listed
            # ("Ann Lee — do not contact": domain/consent.py).
            consent = [target.c[n] for n in CONSENT_FACTS] if target.name == "contacts" else []
            found = session.execute(
                select(target.c.id, label, target.c.erased_at, *consent).where(
                    one_of(target.c.id, ids)
                )
            )
            names: dict[str, str] = {
                str(key): _label(value, erased, facts) for key, value, erased, *facts in found
            }
            for row in rows:
                row[f"{column.name}_label"] = names.get(row[column.name], "")

    def _sort_key(self, query: ListQuery) -> ColumnElement[Any]:
        """The sort column as its raw stored value: a stable keyset cursor.

        NULL sorts as '~' (after any date, digit or letter), so records with no date yet — a
        closed case's next contact, a KIN member who left — come last, not first.
        """
        name = query.sort or self.spec.default_sort
        if name not in self.spec.sorts:
            choices = ", ".join(self.spec.sorts)
            raise ValidationError(
                f"{self.spec.label.capitalize()}s cannot be sorted by '{name}'; "
                f"choose one of: {choices}."
            )
        column = self.spec.model.__table__.c[self.spec.sorts[name]]
        if self.spec.columns[self.spec.sorts[name]].nullable:
            return func.coalesce(column, literal_column("'~'"), type_=String)
        return type_coerce(column, String)

    def _filtered(self, query: ListQuery) -> Select[Any]:
        table = self.spec.model.__table__
        stmt = select(table).where(table.c.deleted_at.is_(None))
        if "merged_into_id" in table.c:
            stmt = stmt.where(table.c.merged_into_id.is_(None))
        for key, value in query.filters.items():
            if key not in self.spec.filters:
                raise ValidationError(
                    f"{self.spec.label.capitalize()}s cannot be filtered by '{key}'."
                )
            target = self.spec.filters[key]
            if callable(target):
                stmt = stmt.where(target(value))
                continue
            column = self.spec.columns[target]
            stmt = stmt.where(column == coerce(column, value))
        return self._text_filter(stmt, query.text)

    def _text_filter(self, stmt: Select[Any], typed: str) -> Select[Any]:
        words = typed.split()
        if not words or not (self.spec.text_columns or self.spec.fts):
            return stmt  # nothing here holds free text to match
        table = self.spec.model.__table__
        long_words = [w for w in words if len(w) >= 3]
        if self.spec.fts and long_words:
            match = text(f"SELECT rowid FROM {self.spec.fts} WHERE {self.spec.fts} MATCH :q")
            rowid: ColumnElement[Any] = literal_column(f"{table.name}.rowid")
            stmt = stmt.where(rowid.in_(match.bindparams(q=fts_query(long_words))))
            words = [w for w in words if len(w) < 3]
        for word in words:  # one- and two-character terms: trigram cannot match them
            pattern = f"%{word.replace('%', '').replace('_', '')}%"
            stmt = stmt.where(or_(*(table.c[col].ilike(pattern) for col in self.spec.text_columns)))
        return stmt

    @use_case(None, effect=Effect.READ, kind=None)
    def check_field(self, name: str, raw: Any) -> str | None:
        """Validate one typed value as the form goes (no store access): the error, or None."""
        if name not in self.spec.editable:
            return f"'{name}' is not a field of a {self.spec.label}."
        column = self.spec.columns[name]
        try:
            cleaned = self.spec.clean(None, {name: raw}, None)  # type: ignore[arg-type]
            value = coerce(column, cleaned.get(name))
            blank_allowed = column.nullable or column.default is not None
            if value is None and not blank_allowed and name not in self.spec.filled_by_clean:
                return f"A {self.spec.label} needs a {label_of(name)}."
        except ValidationError as error:
            return error.message
        return None

    # -- writing ---------------------------------------------------------------------------

    def _apply(self, session: Session, record: Any, values: Mapping[str, Any]) -> list[str]:
        unknown = sorted(set(values) - self.spec.editable)
        if unknown:
            raise ValidationError(
                f"'{unknown[0]}' is not a field of a {self.spec.label}.", unknown[0]
            )
        cleaned = self.spec.clean(session, dict(values), record)
        changed = []
        for name, raw in cleaned.items():
            column = self.spec.columns[name]
            value = coerce(column, raw)
            if value is None and not column.nullable:
                value = self._blank(column)
            self._check_reference(session, column, value)
            if getattr(record, name) != value:
                setattr(record, name, value)
                changed.append(name)
        return changed

    def _blank(self, column: Column[Any]) -> Any:
        default = getattr(column.default, "arg", None)
        if default is None or callable(default):
            if callable(default):
                return default(None)  # e.g. list for JSON lists
            raise ValidationError(
                f"A {self.spec.label} needs a {label_of(column.name)}.", column.name
            )
        return default

    def _check_reference(self, session: Session, column: Column[Any], value: Any) -> None:
        if value is None or not column.foreign_keys:
            return
        target = next(iter(column.foreign_keys)).column.table
        mapper = next(m for m in Base.registry.mappers if m.local_table is target)
        row = session.get(mapper.class_, value)
        if row is None or row.deleted_at is not None:
            raise ValidationError(
                f"The chosen {label_of(column.name)} does not exist.", column.name
            )

    def _required(self, record: Any) -> None:
        for name, column in self.spec.columns.items():
            missing = getattr(record, name) is None and column.default is None
            if name in self.spec.editable and not column.nullable and missing:
                raise ValidationError(f"A {self.spec.label} needs a {label_of(name)}.", name)

    def _flush(self, session: Session, record: Any) -> None:
        if self.spec.check:
            self.spec.check(session, record)
        if self.spec.after_write:
            self.spec.after_write(session, record)
        try:
            session.flush()
        except IntegrityError as exc:
            raise ValidationError(_unique_message(self.spec, exc)) from None

    def _create_in(self, session: Session, values: Mapping[str, Any]) -> str:
        """Validate, stamp and add a new record inside the caller's unit of work; its id."""
        self.ctx.require_kind(Action.CREATE, self.spec.kind)
        record = self.spec.model()
        self._apply(session, record, values)
        self._required(record)
        record.id = id_for_record(session, record)  # natural-key kinds: the id made from the key
        self.ctx.stamp(record, creating=True)
        session.add(record)
        self._flush(session, record)
        record_change(session, self.ctx, "create", self.spec.kind, (str(record.id),))
        return str(record.id)

    @use_case(Action.CREATE, "create", kind=None)
    def create(self, values: Mapping[str, Any]) -> Changes:
        with self.ctx.store.write() as session:
            return Changes(self.spec.kind, created=(self._create_in(session, values),))

    @use_case(Action.CHANGE, "change", kind=None)
    def update(self, record_id: str, values: Mapping[str, Any]) -> Changes:
        note((record_id,))
        with self.ctx.store.write() as session:
            record = self._load(session, record_id)
            changed = self._apply(session, record, values)
            if not changed:
                return Changes(self.spec.kind)
            self.ctx.stamp(record, creating=False)
            self._flush(session, record)
            detail = "fields: " + ", ".join(sorted(changed))  # the names, never the values
            record_change(session, self.ctx, "change", self.spec.kind, (record.id,), detail)
            return Changes(self.spec.kind, updated=(record.id,))

    @use_case(Action.DELETE, "delete", kind=None)
    def delete(self, record_id: str) -> Changes:
        """Leave a tombstone, so that the deletion reaches other stations and never comes back."""
        with self.ctx.store.write() as session:
            record = self._load(session, record_id)
            record.deleted_at = utcnow()
            self.ctx.stamp(record, creating=False)
            if self.spec.after_write:
                self.spec.after_write(session, record)
            record_change(session, self.ctx, "delete", self.spec.kind, (record.id,))
            return Changes(self.spec.kind, deleted=(record.id,))


def _label(value: Any, erased: Any, consent: list[Any]) -> str:
    """A referenced record's label: ERASED_LABEL for an erased one, and a contact's marked
    when the team must not contact them (`consent` holds its CONSENT_FACTS, else empty)."""
    if erased and not value:
        return ERASED_LABEL
    stop = contact_stop(dict(zip(CONSENT_FACTS, consent, strict=True))) if consent else None
    return marked(str(value), stop)
