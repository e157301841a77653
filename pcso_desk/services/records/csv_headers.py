"""Reading a contacts CSV: the many ways people spell the same column, and the same choice.

Headers are compared case-, space- and punctuation-insensitively ("E-mail", "Post Code",
"Address line 1" all match). Several columns may feed one field (for example "Phone" and
"Mobile"): the first non-blank value in header order is used.
"""

from __future__ import annotations

import enum
import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

from pcso_desk.domain.enums import ContactKind, ContactMethod, LawfulBasis
from pcso_desk.domain.errors import ValidationError

E = TypeVar("E", bound=enum.StrEnum)

# field -> the header spellings that mean it, already folded by `fold`.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "name": ("name", "fullname", "contactname", "contact", "personname"),
    "first_name": ("firstname", "forename", "forenames", "givenname", "first"),
    "last_name": ("lastname", "surname", "familyname", "last"),
    "organisation": (
        "organisation",
        "organization",
        "organisationname",
        "organizationname",
        "company",
        "companyname",
        "business",
        "businessname",
    ),
    "role_title": ("role", "jobtitle", "position", "roletitle"),
    "address": ("address", "addressline1", "address1", "street", "streetaddress"),
    "address2": ("addressline2", "address2"),
    "address3": ("addressline3", "address3"),
    "town": ("town", "city", "towncity"),
    "postcode": ("postcode", "postalcode", "zip", "zipcode"),
    "phone": (
        "phone",
        "telephone",
        "tel",
        "telno",
        "phoneno",
        "mobile",
        "mobileno",
        "mobilenumber",
        "mobilephone",
        "phonenumber",
        "telephonenumber",
    ),
    "email": ("email", "emailaddress"),
    "ward": ("ward", "wardname", "wardcode"),
    "kind": ("type", "kind", "category", "contacttype"),
    "tags": ("tags", "tag", "labels"),
    "notes": ("notes", "note", "comments", "comment"),
    "preferred_method": ("preferredmethod", "preferredcontactmethod", "contactmethod"),
    "preferred_times": ("preferredtimes", "preferredtime", "besttimes", "besttime"),
    "lawful_basis": ("lawfulbasis", "legalbasis"),
}
_FIELD_OF = {spelling: field for field, spellings in SYNONYMS.items() for spelling in spellings}
NEUTRALISED = ("'=", "'+", "'-", "'@", "'\t", "'\r")
_NOT_ALNUM = re.compile(r"[\W_]+")


def fold(header: str) -> str:
    """'  E-mail Address ' -> 'emailaddress': the form header spellings are compared in."""
    return _NOT_ALNUM.sub("", header.replace("\ufeff", "")).casefold()


@dataclass(frozen=True)
class HeaderMap:
    """Which columns of the file feed which contact field, and which columns were ignored."""

    headers: tuple[str, ...]
    columns: dict[str, tuple[int, ...]]
    ignored: tuple[str, ...]

    @property
    def has_name(self) -> bool:
        return "name" in self.columns or {"first_name", "last_name"} <= set(self.columns)

    def value(self, row: Sequence[str], field: str) -> str:
        """The field's first non-blank value in the row, stripped; "" if none.

        A value that an export neutralised against formula injection ("'=...", "'+44...")
        gets its protective quote back off, so that exported files import again as they were.
        """
        for index in self.columns.get(field, ()):
            if index < len(row) and (text := row[index].strip()):
                return text[1:] if text.startswith(NEUTRALISED) else text
        return ""

    def values(self, row: Sequence[str]) -> dict[str, str]:
        """`value` of every mapped field in one pass, leaving out the blank ones."""
        found: dict[str, str] = {}
        count = len(row)
        for field, indexes in self.columns.items():
            for index in indexes:
                if index < count and (text := row[index].strip()):
                    found[field] = text[1:] if text.startswith(NEUTRALISED) else text
                    break
        return found

    def name(self, row: Sequence[str]) -> str:
        """The name column, or first name and last name joined."""
        return self.value(row, "name") or " ".join(
            part for part in (self.value(row, "first_name"), self.value(row, "last_name")) if part
        )

    def address(self, row: Sequence[str]) -> str:
        """Address lines and town joined with ', '."""
        parts = (self.value(row, field) for field in ("address", "address2", "address3", "town"))
        return ", ".join(part for part in parts if part)


def map_headers(header: Sequence[str]) -> HeaderMap:
    """Map a header row; unknown and blank headers are listed in `ignored`."""
    columns: dict[str, list[int]] = {}
    ignored: list[str] = []
    for index, cell in enumerate(header):
        field = _FIELD_OF.get(fold(cell))
        if field is None:
            if cell.strip():
                ignored.append(cell.strip())
            continue
        columns.setdefault(field, []).append(index)
    return HeaderMap(
        tuple(cell.replace("\ufeff", "").strip() for cell in header),
        {field: tuple(indexes) for field, indexes in columns.items()},
        tuple(ignored),
    )


# Ways people write the choices of a contact's type, preferred method and lawful basis, folded.
# Each enum's own values (with or without the underscores) are always accepted too.
VALUE_ALIASES: dict[type[enum.StrEnum], dict[str, str]] = {
    ContactKind: {
        "person": "resident",
        "individual": "resident",
        "shop": "business",
        "community": "community_group",
        "group": "community_group",
        "faith": "faith_group",
        "church": "faith_group",
        "partner": "partner_agency",
        "agency": "partner_agency",
        "councilor": "councillor",
        "nhw": "nhw_coordinator",
        "neighbourhoodwatch": "nhw_coordinator",
        "neighbourhoodwatchcoordinator": "nhw_coordinator",
    },
    ContactMethod: {
        "telephone": "phone",
        "call": "phone",
        "mobile": "phone",
        "post": "letter",
        "facetoface": "in_person",
        "visit": "in_person",
        "sms": "text",
        "textmessage": "text",
    },
    LawfulBasis: {
        "legitimateinterest": "legitimate_interests",
        "vitalinterest": "vital_interests",
    },
}
WHAT = {
    ContactKind: "contact type",
    ContactMethod: "preferred method",
    LawfulBasis: "lawful basis",
}


@functools.cache
def _choices(enum_cls: type[enum.StrEnum]) -> dict[str, enum.StrEnum]:
    """Folded spelling -> member: each member's own value first, then the aliases."""
    found: dict[str, enum.StrEnum] = {}
    for member in enum_cls:
        found.setdefault(fold(member.value), member)
    for alias, value in VALUE_ALIASES.get(enum_cls, {}).items():
        found.setdefault(alias, enum_cls(value))
    return found


def parse_choice(enum_cls: type[E], raw: str) -> E:
    """The member a cell names ("Faith group", "faith_group", "Church"), or a ValidationError."""
    member = _choices(enum_cls).get(fold(raw))
    if member is not None:
        return member  # type: ignore[return-value]  # a member of enum_cls, by construction
    choices = ", ".join(member.value.replace("_", " ") for member in enum_cls)
    raise ValidationError(
        f"'{raw.strip()}' is not a {WHAT.get(enum_cls, 'choice')}; choose one of: {choices}."
    )
