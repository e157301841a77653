"""What another record of the same person carries onto a contact, decided in one place.

A merged duplicate (services/records/merge.py, and the desk's merge dialog that shows it) and
a matching row of an imported CSV (services/records/contact_import.py) both carry values onto
the contact that is kept, by this rule:

- The fields carried are the contact declaration's `fills` fields (`CONTACTS.fills()` in
  domain/kinds/casework.py): one list, so a field added there is carried everywhere.
- A withdrawal of consent is one of them: whichever record holds it, it stops contact
  (domain/consent.py), so a merge never leaves it behind on the merged-away record.
- Tags are UNITED: the kept contact keeps its tags and gains the other record's (compared
  ignoring case, the kept spelling first). There is nothing to choose, and no tag is lost.
- Every other field takes the other record's value where the kept contact's is blank, or
  where the person merging chose the other's value (`take`). A blank never replaces a value:
  choosing the other record's blank address keeps the address the contact has.

This module is pure: it reads values it is given and imports no database and no GUI.
"""

from __future__ import annotations

import enum
from collections.abc import Collection, Mapping
from datetime import date
from typing import Any

from pcso_desk.domain.errors import ValidationError
from pcso_desk.domain.kinds import CONTACTS

FIELDS: tuple[str, ...] = CONTACTS.fills()
UNITED: frozenset[str] = frozenset({"tags"})  # lists: both records' items are kept


def plain(value: Any) -> Any:
    """A value as compared and kept in JSON: an enum member as its value, a date or time
    in ISO 8601."""
    if isinstance(value, date):  # a datetime is a date too
        return value.isoformat()
    return value.value if isinstance(value, enum.Enum) else value


def is_blank(value: Any) -> bool:
    """No value: None, an empty or all-space text, an empty list."""
    if isinstance(value, str):
        return not value.strip()
    return value is None or value == []


def united(kept: Any, other: Any) -> list[str]:
    """The kept tags, then the other record's tags it lacks (ignoring case), in order."""
    out = list(kept or [])
    seen = {str(tag).casefold() for tag in out}
    for tag in other or []:
        if str(tag).casefold() not in seen:
            seen.add(str(tag).casefold())
            out.append(tag)
    return out


def checked_take(take: Collection[str] | None) -> frozenset[str]:
    """`take` as a set, or a ValidationError naming a field a merge does not carry."""
    chosen = frozenset(take or ())
    unknown = sorted(chosen - set(FIELDS))
    if unknown:
        carried = ", ".join(FIELDS)
        raise ValidationError(
            f"'{unknown[0]}' is not a field a merge carries; choose from: {carried}.", "take"
        )
    return chosen


class Way(enum.Enum):
    """How one field comes out of a merge."""

    SAME = "same"  # both hold the same value, or neither has one
    KEPT = "kept"  # only the kept contact has a value: it stays
    FILLS = "fills"  # only the other record has one: it fills the blank
    UNITE = "unite"  # tags: the other record's tags the kept contact lacks are added
    CHOOSE = "choose"  # both hold different values: the person merging chooses
    APART = "apart"  # a field a merge does not carry (the name, consent): the other record
    # keeps its value, hidden with it once merged; an undo brings both back


def way(name: str, kept: Any, other: Any) -> Way:
    """How the field `name` comes out of merging `other` into `kept`."""
    if is_blank(other):
        return Way.SAME if is_blank(kept) else Way.KEPT
    if name in UNITED:
        return Way.SAME if united(kept, other) == list(kept or []) else Way.UNITE
    if is_blank(kept):
        return Way.FILLS
    return Way.SAME if plain(kept) == plain(other) else Way.CHOOSE


def carried(
    kept: Mapping[str, Any], other: Mapping[str, Any], take: Collection[str] = ()
) -> dict[str, Any]:
    """Field -> the kept contact's new value, for just the fields that change (the rule
    above). `kept` and `other` hold at least FIELDS; `take` names fields whose value comes
    from `other` even where `kept` has one."""
    out: dict[str, Any] = {}
    for name in FIELDS:
        mine, theirs = kept.get(name), other.get(name)
        how = way(name, mine, theirs)
        if how is Way.UNITE:
            out[name] = united(mine, theirs)
        elif how is Way.FILLS or (how is Way.CHOOSE and name in take):
            out[name] = theirs
    return out
