"""Whether the team may still contact a person, and how they asked to be contacted.

One rule, read by every place that puts a person in front of an officer to call or visit
(KIN call lists, contact exports, pickers, quick log, the meeting sign-in pre-fill):

- consent withdrawn (a `consent_withdrawn_at` date) always stops contact, whatever the
  lawful basis: the person asked the team to stop;
- a contact held on the basis of consent without any consent recorded has no basis at all
  (an expired or never-given consent): treated the same way.

Other lawful bases (public task, legitimate interests, ...) do not depend on the person's
agreement, so they never stop contact here; the retention review decides how long they stay.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from types import SimpleNamespace
from typing import Any, Protocol

from pcso_desk.domain.enums import ContactMethod, LawfulBasis


class ConsentFacts(Protocol):
    """What the rule reads: a contact record, or anything with the same attributes."""

    lawful_basis: Any
    consent_at: datetime | None
    consent_withdrawn_at: datetime | None


@dataclass(frozen=True)
class Stop:
    """Why the team must not contact this person: a short phrase for a mark or a warning."""

    reason: str  # "consent withdrawn 3 March 2026" / "no consent recorded"

    def warning(self, name: str) -> str:
        """One sentence for a warning shown before a contact is logged or pre-filled."""
        return f"{name} must not be contacted: {self.reason}."


DO_NOT_CONTACT = "do not contact"
FACTS = ("lawful_basis", "consent_at", "consent_withdrawn_at")  # what the rule reads


def contact_stop(person: ConsentFacts | Mapping[str, Any]) -> Stop | None:
    """Why the team may no longer contact `person` (a record, or a record's values as a
    mapping), or None when it may."""
    if isinstance(person, Mapping):
        person = SimpleNamespace(**{name: person.get(name) for name in FACTS})
    withdrawn = person.consent_withdrawn_at
    if withdrawn is not None:
        return Stop(f"consent withdrawn {_day(withdrawn)}")
    basis = person.lawful_basis
    if _value(basis) == LawfulBasis.CONSENT.value and person.consent_at is None:
        return Stop("held on consent, but no consent is recorded")
    return None


def marked(label: str, stop: Stop | None) -> str:
    """A person's label in a picker or list: 'Ann Lee — do not contact' when stopped."""
    return f"{label} \u2014 {DO_NOT_CONTACT}" if stop else label


def _value(value: Any) -> str:
    return str(getattr(value, "value", value) or "")


def _day(moment: date | datetime) -> str:
    return f"{moment.day} {moment:%B %Y}"


METHOD_WORDS = {
    ContactMethod.PHONE.value: "phone",
    ContactMethod.EMAIL.value: "e-mail",
    ContactMethod.LETTER.value: "letter",
    ContactMethod.IN_PERSON.value: "in person",
    ContactMethod.TEXT.value: "text message",
}


def preferred_way(method: Any, times: str = "") -> str:
    """'e-mail, evenings' — the preferred method and times as one phrase ('' when neither)."""
    words = METHOD_WORDS.get(_value(method), "")
    return ", ".join(part for part in (words, (times or "").strip()) if part)
