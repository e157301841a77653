"""Turns values typed, imported or passed by a caller into what a column holds, or says why not."""

from __future__ import annotations

import enum
from datetime import date, datetime
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Boolean, Date, Float, Integer, String, Text
from sqlalchemy.sql.schema import Column
from sqlalchemy.types import Enum as SaEnum

from pcso_desk.domain import kinds
from pcso_desk.domain.errors import ValidationError
from pcso_desk.domain.when import NotADate, read_date, read_datetime
from pcso_desk.store.types import JSONList, UTCDateTime

LONDON = ZoneInfo("Europe/London")


def label_of(column_name: str) -> str:
    """'follow_up_due' -> 'follow-up due': how a field is named in a sentence."""
    return column_name.replace("_id", "").replace("_", " ").replace("follow up", "follow-up")


def _as_enum(column: Column[Any], value: Any) -> enum.Enum:
    enum_cls = column.type.enum_class  # type: ignore[attr-defined]
    if isinstance(value, enum_cls):
        return value  # type: ignore[no-any-return]
    text = str(value).strip().lower().replace(" ", "_").replace("-", "_")
    try:
        return enum_cls(text)  # type: ignore[no-any-return]
    except ValueError:
        choices = ", ".join(member.value for member in enum_cls)
        raise ValidationError(
            f"'{value}' is not a valid {label_of(column.name)}; choose one of: {choices}.",
            column.name,
        ) from None


def field_label(column: Column[Any]) -> str:
    """The label a form shows for the column ("Starts"), else its name made readable."""
    table = str(getattr(column.table, "name", ""))
    return _labels().get((table, column.name)) or label_of(column.name).capitalize()


@cache
def _labels() -> dict[tuple[str, str], str]:
    declared = (getattr(kinds, name) for name in kinds.__all__)
    return {
        (kind.table, field.key): field.label
        for kind in declared
        if isinstance(kind, kinds.Kind)
        for field in kind.fields
    }


def local_now() -> datetime:
    """The station's wall clock (UK time, no zone): what "today" and "Friday" count from."""
    return datetime.now(LONDON).replace(tzinfo=None)


def _as_date(column: Column[Any], value: Any) -> date:
    if isinstance(value, datetime):
        return value.astimezone(LONDON).date() if value.tzinfo else value.date()
    if isinstance(value, date):
        return value
    try:
        return read_date(str(value), local_now().date())
    except NotADate as refused:
        raise ValidationError(f"{field_label(column)}: {refused.message}", column.name) from None


def _as_datetime(column: Column[Any], value: Any) -> datetime:
    if isinstance(value, datetime):
        moment = value
    else:
        try:
            moment = read_datetime(str(value), local_now())
        except NotADate as refused:
            raise ValidationError(
                f"{field_label(column)}: {refused.message}", column.name
            ) from None
    # A time typed at a station PC without a zone is UK local time.
    return moment if moment.tzinfo else moment.replace(tzinfo=LONDON)


def _as_int(column: Column[Any], value: Any) -> int:
    if isinstance(value, bool):
        raise ValidationError(f"{label_of(column.name).capitalize()} must be a whole number.")
    try:
        return int(str(value).strip()) if not isinstance(value, int) else value
    except ValueError:
        raise ValidationError(
            f"'{value}' is not a whole number for {label_of(column.name)}.", column.name
        ) from None


def _as_bool(column: Column[Any], value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in {"1", "true", "yes", "y"}:
        return True
    if text in {"0", "false", "no", "n", ""}:
        return False
    raise ValidationError(f"'{value}' is not yes or no for {label_of(column.name)}.", column.name)


def _as_list(column: Column[Any], value: Any) -> list[str]:
    if isinstance(value, str):
        parts = value.replace(";", ",").replace("\n", ",").split(",")
    else:
        parts = [str(item) for item in value]
    return [part.strip() for part in parts if part.strip()]


def coerce(column: Column[Any], value: Any) -> Any:
    """The column's own type for a value, or a ValidationError naming the field."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    kind = column.type
    if isinstance(kind, SaEnum) and kind.enum_class is not None:
        return _as_enum(column, value)
    if isinstance(kind, UTCDateTime):
        return _as_datetime(column, value)
    if isinstance(kind, Date):
        return _as_date(column, value)
    if isinstance(kind, JSONList):
        return _as_list(column, value)
    if isinstance(kind, Boolean):
        return _as_bool(column, value)
    if isinstance(kind, Integer):
        return _as_int(column, value)
    if isinstance(kind, Float):
        return float(value)
    if isinstance(kind, String | Text):
        # Text is a subclass of String: keep its line breaks; fold spaces only in short fields.
        text = str(value).strip() if isinstance(kind, Text) else " ".join(str(value).split())
        length = getattr(kind, "length", None)
        if length and len(text) > length:
            raise ValidationError(
                f"{label_of(column.name).capitalize()} is too long ({len(text)} characters; "
                f"at most {length}).",
                column.name,
            )
        return text
    return value
