"""Column types that keep SQLite honest: aware UTC datetimes and enum values stored as text."""

from __future__ import annotations

import enum
import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import String, Text
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """Stores naive UTC ISO text; hands back aware UTC datetimes, and refuses naive ones."""

    impl = String(32)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> str | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ", timespec="seconds")

    def process_result_value(self, value: str | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return datetime.fromisoformat(value).replace(tzinfo=UTC)


class JSONList(TypeDecorator[list[str]]):
    """A short list of strings (tags, issue categories, street names) as JSON text."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: list[str] | None, dialect: Dialect) -> str | None:
        if value is None:
            return None
        return json.dumps(list(value), ensure_ascii=False)

    def process_result_value(self, value: str | None, dialect: Dialect) -> list[str] | None:
        if value is None:
            return None
        loaded: Any = json.loads(value)
        return [str(item) for item in loaded]


def enum_column(enum_cls: type[enum.StrEnum], length: int = 32) -> Any:
    """An enum stored as its value (lower-case text), checked in Python, not by the database."""
    from sqlalchemy import Enum

    return Enum(
        enum_cls,
        values_callable=lambda cls: [member.value for member in cls],
        native_enum=False,
        create_constraint=False,
        length=length,
        validate_strings=True,
    )
