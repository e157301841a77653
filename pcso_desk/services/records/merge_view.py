"""A contact and another record of the same person side by side, field by field, before they
are merged: what the desk's merge dialog shows and lets the user choose between.

The other record is a contact (a duplicate found in the contact pane) or the values typed
for a new contact ("Merge into existing" in the editor). Typed values are cleaned as a save
would clean them (a postcode in capitals, a phone number in E.164), so only real
differences are offered as choices. Nothing is written.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from pcso_desk.domain.carry import FIELDS, Way, is_blank, plain, way
from pcso_desk.domain.errors import ValidationError
from pcso_desk.domain.kinds import CONTACTS
from pcso_desk.domain.validation import format_phone
from pcso_desk.services.context import Context
from pcso_desk.services.records import specs
from pcso_desk.services.records.coerce import coerce
from pcso_desk.services.records.merge import live_contact
from pcso_desk.store import models as m

_CHOICE_LABELS = {f.key: dict(f.choices) for f in CONTACTS.fields if f.choices}
# Shown too where the other record holds a different value, so that nothing it holds goes
# out of sight unseen: the fields a merge does not carry (they stay on the merged record).
APART = tuple(
    f.key for f in CONTACTS.fields if f.key not in FIELDS and f.key in specs.CONTACTS.editable
)
_LABELS = {f.key: f.label for f in CONTACTS.fields}


@dataclass(frozen=True)
class FieldVersions:
    """One field: its value on the kept contact and on the other record, as shown ("" for
    blank), and how a merge treats it (domain/carry.py's `Way`)."""

    name: str
    label: str
    kept: str
    other: str
    way: Way


def _typed(session: Session, values: Mapping[str, Any]) -> dict[str, Any]:
    """Values typed for a new contact, as a save would store them."""
    given = {name: values[name] for name in (*FIELDS, *APART) if name in values}
    cleaned = specs.CONTACTS.clean(session, given, None)
    columns = specs.CONTACTS.columns
    return {name: coerce(columns[name], cleaned.get(name)) for name in (*FIELDS, *APART)}


def _shown(name: str, value: Any, wards: Mapping[str, str]) -> str:
    if is_blank(value):
        return ""
    if name == "ward_id":
        return wards.get(str(value), "")
    if name == "phone":
        return format_phone(str(value))
    if name in _CHOICE_LABELS:
        raw = getattr(value, "value", value)
        return _CHOICE_LABELS[name].get(str(raw), str(raw))
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    if isinstance(value, datetime):
        return value.strftime("%d %b %Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d %b %Y")
    return str(value)


def merge_choices(
    ctx: Context, keep_id: str, other: str | Mapping[str, Any]
) -> list[FieldVersions]:
    """Every field a merge carries, in the declared order, on `keep_id` and on `other` (a
    contact's id, or the values typed for a new contact); then each field it does not carry
    where `other` holds a different value (`Way.APART`)."""
    if other == keep_id:
        raise ValidationError("A contact cannot be merged into itself.")
    names = (*FIELDS, *APART)
    with ctx.store.read() as session:
        keep = live_contact(session, keep_id)
        kept = {name: getattr(keep, name) for name in names}
        if isinstance(other, str):
            duplicate = live_contact(session, other)
            theirs = {name: getattr(duplicate, name) for name in names}
        else:
            theirs = _typed(session, other)
        ids = {str(v) for v in (kept.get("ward_id"), theirs.get("ward_id")) if v}
        wards = {
            str(ward_id): str(name)
            for ward_id, name in session.execute(
                select(m.Ward.id, m.Ward.name).where(m.Ward.id.in_(ids))
            )
        }

    def row(name: str, how: Way) -> FieldVersions:
        shown = (_shown(name, kept[name], wards), _shown(name, theirs[name], wards))
        return FieldVersions(name, _LABELS[name], *shown, how)

    carried = [row(name, way(name, kept[name], theirs[name])) for name in FIELDS]
    apart = [
        row(name, Way.APART)
        for name in APART
        if not is_blank(theirs[name]) and plain(theirs[name]) != plain(kept[name])
    ]
    return carried + apart
