"""What each record kind holds, described once: fields, labels, cleaning, export, merge.

A record kind is stored by a SQLAlchemy model (`store/models`) created by an Alembic
migration; everything else about it is declared here, and read from here by:

- the editor's form (`gui/screens/definitions.py` takes `Kind.fields` as they are),
- the service's cleaning (`services/records/specs.py`: each field's `normalise`) and its
  free-text search,
- the contacts export's columns (`services/records/export.py`: every field not `export=None`),
- what a merged duplicate or a matching imported row carries (`fills=True`).

Adding an optional field to a kind therefore touches three places: the model, a migration
(with its store in the upgrade corpus, `tests/data/stores/`) and the kind's declaration here.
This module is pure data: it imports no database and no GUI.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from pcso_desk.domain import enums as e
from pcso_desk.domain import validation as v

Normaliser = Callable[[str, str], str]


@dataclass(frozen=True)
class Field:
    """One field of a record kind.

    kind is how it is entered: text, multiline, choice, multi, date, datetime, bool, ref (a
    drop-down of `ref` records) or pick (a search for one of `ref`). `export` is the header in
    exports ("" means the label; None keeps the field out of exports). `fills` says another
    record of the same person carries it (a merge, an import) by domain/carry.py's rule: it
    fills a blank, tags are united, and a value is replaced only where the person merging
    chose so. `normalise` cleans a typed value (a postcode, a phone number) before saving.
    """

    key: str
    label: str
    kind: str = "text"
    choices: Sequence[tuple[str, str]] = ()
    ref: str | None = None
    required: bool = False
    placeholder: str = ""
    default: Any = None
    help: str = ""
    export: str | None = ""
    fills: bool = False
    normalise: Normaliser | None = None

    @property
    def header(self) -> str:
        return self.export or self.label


@dataclass(frozen=True)
class Kind:
    """A record kind: its table, what one record is called, its fields and searched text.

    `elsewhere` names the columns its form does not edit because their own step sets them
    (the network a member belongs to, a priority's review, a case's closing): with `fields`
    it accounts for every column a save may set, which a test holds against the model.
    """

    table: str
    noun: str
    fields: tuple[Field, ...]
    search: tuple[str, ...] = ()
    elsewhere: tuple[str, ...] = ()

    def fills(self) -> tuple[str, ...]:
        """The fields another record of the same person carries (domain/carry.py)."""
        return tuple(f.key for f in self.fields if f.fills)

    def normalisers(self) -> dict[str, Normaliser]:
        return {f.key: f.normalise for f in self.fields if f.normalise is not None}

    def exported(self) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if f.export is not None)


def choices_of(
    enum_cls: type[enum.Enum], labels: dict[Any, str] | None = None
) -> list[tuple[str, str]]:
    """(value, label) pairs for an enum: 'in_person' -> 'In person' unless labelled."""
    out = []
    for member in enum_cls:
        label = (labels or {}).get(member) or str(member.value).replace("_", " ").capitalize()
        out.append((str(member.value), label))
    return out


SCORES = [
    (str(n), f"{n} — {t}")
    for n, t in ((1, "very unsafe"), (2, "unsafe"), (3, "neither"), (4, "safe"), (5, "very safe"))
]
ISSUES = choices_of(e.IssueCategory, {c: c.label for c in e.IssueCategory})
NAME = Field("name", "Name", required=True, normalise=v.normalise_name)
CODE = Field("code", "Code", required=True)


def choice(key: str, label: str, enum_cls: type[enum.Enum], default: str, **kw: Any) -> Field:
    """A required drop-down of an enum's values with a default."""
    return Field(key, label, "choice", choices_of(enum_cls), required=True, default=default, **kw)


def ref(key: str, label: str, table: str, **kw: Any) -> Field:
    """A drop-down of the records of another table."""
    return Field(key, label, "ref", ref=table, **kw)
