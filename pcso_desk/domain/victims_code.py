"""Victims' Code compliance: which updates a victim was owed, and whether each came in time.

A victim is owed updates on the cadence agreed with them (`schedule.next_victim_contact_due`:
standard first contact within 5 days; enhanced within 24 hours, then 10 days after the first;
thereafter the agreed frequency, at most a calendar month apart unless the victim asked for
less). Walking a case from its opening gives the chain of contacts due:

- each due contact is met by the first successful contact after the one before it; it was on
  time when that contact was made at or before the due time, late when it was made after it
  but before the next would have fallen due (the next is then due from the late contact, as
  the case's own due date shows);
- a due contact with no successful contact before the next would fall due is missed, and the
  next falls due as if the update had been given when it should have been, so a case left
  alone for three months owes three missed updates, not one;
- nothing falls due after the case is closed.

Compliance for a month is the contacts due in it and how many of them were made on time. All
datetimes are timezone-aware; results are in UTC.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from pcso_desk.domain.enums import ServiceLevel
from pcso_desk.domain.errors import ValidationError
from pcso_desk.domain.schedule import ContactFrequency, next_victim_contact_due

MAX_DUE = 5000  # a daily cadence for over thirteen years: a bound, never a real case


@dataclass(frozen=True)
class DueContact:
    """One update a victim was owed: when, and when (if ever) it was given."""

    due: datetime
    made_at: datetime | None  # the successful contact that met it, on time or late

    @property
    def on_time(self) -> bool:
        return self.made_at is not None and self.made_at <= self.due


@dataclass(frozen=True)
class Compliance:
    """Contacts due in a period and how many were made on time."""

    due: int
    on_time: int

    @property
    def share(self) -> float | None:
        return None if self.due == 0 else self.on_time / self.due

    def __add__(self, other: Compliance) -> Compliance:
        return Compliance(self.due + other.due, self.on_time + other.on_time)


def frequency_of(text: str) -> ContactFrequency:
    """The agreed frequency as stored; a blank or unreadable one is the Code's monthly."""
    try:
        return ContactFrequency.parse(text) if text.strip() else ContactFrequency.MONTHLY
    except ValidationError:
        return ContactFrequency.MONTHLY


def contacts_due(
    *,
    service_level: ServiceLevel,
    opened_at: datetime,
    successful_contacts: Iterable[datetime],
    frequency: ContactFrequency,
    until: datetime,
    victim_asked_less_often: bool = False,
    closed_at: datetime | None = None,
) -> list[DueContact]:
    """Every contact due from the case's opening up to (not including) `until`, in order."""
    made = sorted(c.astimezone(UTC) for c in successful_contacts)
    end = until.astimezone(UTC)
    if closed_at is not None:
        end = min(end, closed_at.astimezone(UTC))

    def _next(given: list[datetime]) -> datetime:
        return next_victim_contact_due(
            service_level=service_level,
            opened_at=opened_at,
            successful_contacts=given,
            frequency=frequency,
            victim_asked_less_often=victim_asked_less_often,
        )

    # The rule reads only how many contacts the chain has reached (none, one, more) and the
    # latest: `given` keeps the first and the latest, so each step costs the same however
    # long the case has run.
    given: list[datetime] = []  # the first contact (made or owed) and the latest so far
    dues: list[DueContact] = []
    unused = 0  # made[unused:] are the contacts not yet matched to a due one

    def reach(at: datetime) -> None:
        if len(given) < 2:
            given.append(at)
        elif at > given[1]:
            given[1] = at

    while len(dues) < MAX_DUE:
        due = _next(given)
        if due >= end:
            break
        contact = made[unused] if unused < len(made) else None
        if contact is not None and contact <= due:
            dues.append(DueContact(due, contact))  # on time
            reach(contact)
            unused += 1
        elif contact is not None and contact < _next([*given, due]):
            dues.append(DueContact(due, contact))  # late, before the next fell due
            reach(contact)
            unused += 1
        else:  # missed: the chain goes on from when it should have been given
            dues.append(DueContact(due, None))
            reach(due)
    return dues


def compliance(dues: Sequence[DueContact], start: datetime, end: datetime) -> Compliance:
    """Of `dues`, those falling due in [start, end), and how many were made on time."""
    first, last = start.astimezone(UTC), end.astimezone(UTC)
    inside = [d for d in dues if first <= d.due < last]
    return Compliance(len(inside), sum(1 for d in inside if d.on_time))
