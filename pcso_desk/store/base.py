"""The declarative base and the columns every synced record carries."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import JSON, Index, MetaData, String, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from pcso_desk.domain.enums import Sensitivity, UserRole
from pcso_desk.store.types import UTCDateTime, enum_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def new_id() -> str:
    return str(uuid.uuid4())


def utcnow() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime()}


def personal(sensitivity: Sensitivity, **kwargs: Any) -> Any:
    """A personal-data column, with its class declared once where exports and reports read it."""
    info = dict(kwargs.pop("info", {}))
    info["sensitivity"] = sensitivity
    return mapped_column(info=info, **kwargs)


def list_index(name: str, key: Any) -> Index:
    """The index a long list's screen pages through in one sort order (services/records).

    A list page asks for live rows (deleted_at IS NULL) ordered by the sort key, then id
    (the tie-breaker), at any offset. This partial index holds exactly those rows in exactly
    that order, so SQLite counts them and reaches any page by walking the index, never the
    table, and never sorts. `key` is the column's name, or for a nullable column the
    expression the list sorts by: coalesce(column, '~'), so that empty values come last.
    """
    return Index(name, key, "id", sqlite_where=text("deleted_at IS NULL"))


class Record:
    """Mixin: UUID key, audit stamps, and what sync needs (clock, station, tombstone).

    `hlc` is this station's hybrid-logical-clock time when it last stored a change to the
    row (made here, or received by sync): string-ordered, it is what "changes since" means.
    `field_clocks` holds the clock of each field's last change where the fields differ
    ({"*": clock of the rest, field: [clock, clock it replaced]}); NULL means every field
    changed at `hlc`. `station_id` is the station PC that made the last change, and
    `updated_role` the role of the user who made it;
    `deleted_at` marks a tombstone: deleted records stay as tombstones so that a deletion
    propagates and never comes back. `erased_at` marks a record whose personal data was
    erased (a person's erasure, or a disposal at review): the fields its model lists in
    `__erase__` were blanked, and sync keeps them blank whatever any station still holds.
    `updated_at` is set by whoever stamps the change (never by the ORM behind its back: a
    sync merge must not invent a new time).
    """

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str | None] = mapped_column(String(36))
    updated_by: Mapped[str | None] = mapped_column(String(36))
    # NULL: no one signed in made the change (no accounts yet, the app itself, or a change
    # older than revision 0007). A receiving station checks a change against this role.
    updated_role: Mapped[UserRole | None] = mapped_column(enum_column(UserRole, 16), default=None)
    station_id: Mapped[str | None] = mapped_column(String(36))
    hlc: Mapped[str] = mapped_column(String(64), default="", index=True)
    deleted_at: Mapped[datetime | None] = mapped_column(default=None)
    erased_at: Mapped[datetime | None] = mapped_column(default=None)
    field_clocks: Mapped[dict[str, Any] | None] = mapped_column(
        JSON(none_as_null=True), default=None
    )

    # Append-only records (engagements, visits, check-ins, actions) never conflict in sync.
    __append_only__: bool = False
    # Two stations giving one field different values without either having seen the
    # other's go to the sync conflict queue: every field (True: victim cases), or the fields
    # named (a contact's phone, e-mail and address; a meeting's time and venue; ...).
    __conflict_checked__: bool | tuple[str, ...] = False
    # Values overwritten in this table's fields are kept in `field_history` (False: in
    # bookkeeping tables, and in public data re-imported whole from its source).
    __field_history__: bool = True
    # Fields an erasure leaves even when `__erase__` is ERASE_ALL: ids and clocks that hold
    # no one's data but that sync needs to follow the erasure (a contact's merge).
    __erase_keeps__: tuple[str, ...] = ()
    # The fields an erasure blanks (ERASE_ALL: every field); empty for records that hold no
    # one's personal data. Once a record is erased, sync keeps these as the erasure left them.
    __erase__: tuple[str, ...] = ()


ERASE_ALL = ("*",)
