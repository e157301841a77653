"""Due dates and clocks: victim contact, KIN check-ins, priority reviews, replies, locality time.

Time conventions: every datetime passed in must be timezone-aware (any zone). Calendar rules
("5 days", "one month") are applied to the Europe/London wall clock, so a contact made at 09:00
is next due at 09:00 local time whatever the clocks did in between. Elapsed rules ("24 hours")
count real hours. Every datetime returned is aware and in UTC.
"""

from __future__ import annotations

import calendar
import enum
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import ClassVar
from zoneinfo import ZoneInfo

from pcso_desk.domain.enums import ServiceLevel
from pcso_desk.domain.errors import ValidationError

LONDON = ZoneInfo("Europe/London")

# Victims' Code: standard victims are told within 5 working days. We count calendar days, which
# is never later than 5 working days, so a due date we show is always safe to meet.
STANDARD_FIRST_CONTACT_DAYS = 5
ENHANCED_FIRST_CONTACT = timedelta(hours=24)
ENHANCED_SECOND_CONTACT_DAYS = 10

RESPONSE_WINDOW = timedelta(hours=24)
# County policy: a source of intelligence is told what happened within four weeks.
TELL_SOURCE_WITHIN = timedelta(days=28)
LOCALITY_TARGET = 0.8


def _utc(t: datetime) -> datetime:
    """Return t in UTC, refusing naive datetimes whose meaning would be a guess."""
    if t.tzinfo is None or t.utcoffset() is None:
        raise ValueError(f"Expected a timezone-aware datetime, got naive {t.isoformat()}.")
    # Arithmetic and comparison between datetimes sharing a tzinfo ignore the offset (wall-clock
    # maths), so everything is moved to UTC before it is compared or added to.
    return t.astimezone(UTC)


def add_months(d: date, months: int) -> date:
    """Return d moved by whole calendar months, clamped to the end of a shorter month."""
    years, month_index = divmod(d.month - 1 + months, 12)
    year = d.year + years
    month = month_index + 1
    last_day = calendar.monthrange(year, month)[1]
    return date(year, month, min(d.day, last_day))


def _at_london_wall_time(t: datetime, target: date) -> datetime:
    """Return the instant (in UTC) showing t's London wall-clock time on the target date.

    fold=0 settles the two DST edge cases: a wall time skipped in spring (01:30 on the last
    Sunday of March) is read with the pre-change offset, so it lands at 02:30 BST; a wall time
    that happens twice in autumn (01:30 on the last Sunday of October) is the first, BST one.
    """
    local_time = t.astimezone(LONDON).time().replace(fold=0)
    return datetime.combine(target, local_time, tzinfo=LONDON).astimezone(UTC)


def add_local_days(t: datetime, days: int) -> datetime:
    """Return the same London wall-clock time `days` calendar days later, in UTC."""
    local_date = _utc(t).astimezone(LONDON).date()
    return _at_london_wall_time(t, local_date + timedelta(days=days))


def add_local_months(t: datetime, months: int) -> datetime:
    """Return the same London wall-clock time `months` calendar months later, in UTC."""
    local_date = _utc(t).astimezone(LONDON).date()
    return _at_london_wall_time(t, add_months(local_date, months))


_FREQUENCY_WORDS: dict[str, tuple[int, str]] = {
    "daily": (1, "d"),
    "weekly": (7, "d"),
    "fortnightly": (14, "d"),
    "monthly": (1, "m"),
}
_UNIT_DAYS: dict[str, tuple[int, str]] = {
    "d": (1, "d"),
    "day": (1, "d"),
    "w": (7, "d"),
    "week": (7, "d"),
    "fortnight": (14, "d"),
    "m": (1, "m"),
    "month": (1, "m"),
}
_FREQUENCY_PATTERNS = (
    re.compile(r"every (?P<n>[0-9]+) (?P<unit>day|week|fortnight|month)s?"),
    re.compile(r"every (?P<unit>day|week|fortnight|month)"),
    re.compile(r"(?P<n>[0-9]+) ?(?P<unit>[dwm])"),
)


@dataclass(frozen=True)
class ContactFrequency:
    """How often a victim has agreed to be updated: a number of days or of calendar months."""

    days: int | None = None
    months: int | None = None

    WEEKLY: ClassVar[ContactFrequency]
    FORTNIGHTLY: ClassVar[ContactFrequency]
    MONTHLY: ClassVar[ContactFrequency]

    def __post_init__(self) -> None:
        if (self.days is None) == (self.months is None):
            raise ValidationError(
                "A contact frequency needs either a number of days or a number of months.",
                field="frequency",
            )
        amount = self.days if self.days is not None else self.months
        if amount is None or amount < 1:
            raise ValidationError(
                "A contact frequency must be at least one day or one month.", field="frequency"
            )

    @classmethod
    def parse(cls, text: str, field: str = "frequency") -> ContactFrequency:
        """Read "weekly", "fortnightly", "monthly", "every N days/weeks/months", "7d", "2w" or "1m".

        "daily", "every day", "every week" and "every fortnight" are understood as well.
        """
        cleaned = " ".join(text.lower().split())
        parsed = _parse_frequency(cleaned)
        if parsed is None:
            raise ValidationError(
                f"'{text.strip()}' is not a contact frequency; try 'weekly', "
                "'every 3 weeks' or 'monthly'.",
                field=field,
            )
        amount, unit = parsed
        try:
            return cls(days=amount) if unit == "d" else cls(months=amount)
        except ValidationError as exc:
            raise ValidationError(exc.message, field=field) from exc

    def __str__(self) -> str:
        if self.months is not None:
            return "monthly" if self.months == 1 else f"every {self.months} months"
        days = self.days or 0
        named = {1: "daily", 7: "weekly", 14: "fortnightly"}
        if days in named:
            return named[days]
        if days % 7 == 0:
            return f"every {days // 7} weeks"
        return f"every {days} days"

    def apply(self, t: datetime) -> datetime:
        """Return when the next contact falls due after a contact at t (UTC)."""
        if self.months is not None:
            return add_local_months(t, self.months)
        return add_local_days(t, self.days or 0)

    @property
    def exceeds_month(self) -> bool:
        """True if, from some start date, this interval runs past one calendar month.

        The shortest calendar month step is 28 days (1 Feb to 1 Mar, or 31 Jan to 28 Feb),
        so any count of days above 28 can overrun; such a frequency needs the victim's request.
        """
        if self.months is not None:
            return self.months > 1
        return (self.days or 0) > 28


ContactFrequency.WEEKLY = ContactFrequency(days=7)
ContactFrequency.FORTNIGHTLY = ContactFrequency(days=14)
ContactFrequency.MONTHLY = ContactFrequency(months=1)


def _parse_frequency(cleaned: str) -> tuple[int, str] | None:
    """Return (amount, "d" or "m") for a lower-cased, space-collapsed frequency text."""
    if cleaned in _FREQUENCY_WORDS:
        return _FREQUENCY_WORDS[cleaned]
    for pattern in _FREQUENCY_PATTERNS:
        match = pattern.fullmatch(cleaned)
        if match is not None:
            count = int(match.groupdict().get("n") or 1)
            per_unit, unit = _UNIT_DAYS[match["unit"]]
            return count * per_unit, unit
    return None


def next_victim_contact_due(
    *,
    service_level: ServiceLevel,
    opened_at: datetime,
    successful_contacts: Sequence[datetime],
    frequency: ContactFrequency,
    victim_asked_less_often: bool = False,
) -> datetime:
    """Return when the victim must next be updated (UTC).

    Only successful contacts move the date: callers pass successful contacts only, because an
    unanswered call or a card through the door does not count as keeping the victim informed.
    The latest one is used whatever the order. Rules:

    - Standard: first contact 5 calendar days after opening (local time; the Victims' Code says
      5 working days, and calendar days are the safe, never-later reading).
    - Enhanced: first contact 24 real hours after opening; second contact 10 calendar days after
      the first successful contact, whatever the agreed frequency.
    - Thereafter, for both: last successful contact + agreed frequency, but never more than one
      calendar month later unless the victim asked to be contacted less often.
    """
    opened = _utc(opened_at)
    contacts = [_utc(c) for c in successful_contacts]
    if not contacts:
        if service_level is ServiceLevel.ENHANCED:
            return opened + ENHANCED_FIRST_CONTACT
        return add_local_days(opened, STANDARD_FIRST_CONTACT_DAYS)
    last = max(contacts)
    if service_level is ServiceLevel.ENHANCED and len(contacts) == 1:
        return add_local_days(last, ENHANCED_SECOND_CONTACT_DAYS)
    due = frequency.apply(last)
    if not victim_asked_less_often and frequency.exceeds_month:
        # A frequency that cannot run past a calendar month (monthly, or up to 28 days)
        # never needs the cap: same wall-clock time, never a later date.
        due = min(due, add_local_months(last, 1))
    return due


class DueState(enum.StrEnum):
    OVERDUE = "overdue"
    DUE_SOON = "due_soon"
    OK = "ok"


def due_state(due: datetime, now: datetime, soon: timedelta = timedelta(days=7)) -> DueState:
    """Classify a due time: past is OVERDUE; due now or within `soon` (inclusive) is DUE_SOON."""
    due_utc, now_utc = _utc(due), _utc(now)
    if due_utc < now_utc:
        return DueState.OVERDUE
    if due_utc <= now_utc + soon:
        return DueState.DUE_SOON
    return DueState.OK


def kin_checkin_due(*, joined: date, last_checkin: date | None, cadence_weeks: int = 6) -> date:
    """Return when a Key Individual Network member is next due a check-in.

    The first is due one cadence after joining; after that, one cadence after the last check-in.
    """
    if cadence_weeks < 1:
        raise ValidationError("The check-in cadence must be at least one week.", field="cadence")
    base = joined if last_checkin is None else last_checkin
    return base + timedelta(weeks=cadence_weeks)


def kin_member_overdue(
    *, joined: date, last_checkin: date | None, today: date, cadence_weeks: int = 6
) -> bool:
    """True when the check-in due date has passed; a check-in due today is not yet overdue."""
    due = kin_checkin_due(joined=joined, last_checkin=last_checkin, cadence_weeks=cadence_weeks)
    return due < today


# Street-type abbreviations written either way in ward lists and member records.
_STREET_ABBREVIATIONS: dict[str, str] = {
    "st": "street",
    "rd": "road",
    "ave": "avenue",
    "cl": "close",
}


def _area_key(area: str) -> str:
    """Return a comparison key: lower case, single spaces, street-type abbreviations expanded."""
    words = [word.rstrip(".,") for word in area.lower().split()]
    return " ".join(_STREET_ABBREVIATIONS.get(word, word) for word in words if word)


def coverage_gaps(areas: Iterable[str], represented: Iterable[str]) -> list[str]:
    """Return the areas no active member represents, as first spelt and in order, once each."""
    covered = {_area_key(area) for area in represented}
    seen: set[str] = set()
    gaps: list[str] = []
    for area in areas:
        key = _area_key(area)
        if not key or key in covered or key in seen:
            continue
        seen.add(key)
        gaps.append(area)
    return gaps


def priority_review_due(agreed: date, months: int = 3) -> date:
    """Return when a neighbourhood priority agreed on `agreed` is due for review."""
    if months < 1:
        raise ValidationError("The review period must be at least one month.", field="months")
    return add_months(agreed, months)


class ResponseState(enum.StrEnum):
    ANSWERED_IN_TIME = "answered_in_time"
    ANSWERED_LATE = "answered_late"
    OPEN = "open"
    NEAR_DEADLINE = "near_deadline"
    BREACHED = "breached"


@dataclass(frozen=True)
class ResponseClock:
    """Where a message stands against its 24-hour reply deadline.

    `remaining` is deadline minus the reply time once answered, else deadline minus now; it is
    negative when the reply was late or the deadline has passed.
    """

    deadline: datetime
    state: ResponseState
    remaining: timedelta


def response_clock(
    received: datetime,
    responded: datetime | None,
    now: datetime,
    warn: timedelta = timedelta(hours=4),
) -> ResponseClock:
    """Return the reply clock for a message: 24 real hours from receipt, across clock changes.

    A reply exactly at the deadline is in time; an open message exactly at the deadline is
    NEAR_DEADLINE, becoming BREACHED only once the deadline has passed.
    """
    deadline = _utc(received) + RESPONSE_WINDOW
    if responded is not None:
        replied = _utc(responded)
        if replied < _utc(received):
            raise ValidationError(
                "The reply time is before the time the message was received.", field="responded"
            )
        state = (
            ResponseState.ANSWERED_IN_TIME if replied <= deadline else ResponseState.ANSWERED_LATE
        )
        return ResponseClock(deadline=deadline, state=state, remaining=deadline - replied)
    remaining = deadline - _utc(now)
    if remaining < timedelta(0):
        state = ResponseState.BREACHED
    elif remaining <= warn:
        state = ResponseState.NEAR_DEADLINE
    else:
        state = ResponseState.OPEN
    return ResponseClock(deadline=deadline, state=state, remaining=remaining)


@dataclass(frozen=True)
class LocalityShare:
    """Minutes spent in the locality against minutes abstracted, and whether the target is met."""

    locality_minutes: int
    abstracted_minutes: int
    share: float | None
    meets_target: bool | None


def locality_share(locality_minutes: int, abstracted_minutes: int) -> LocalityShare:
    """Return the share of recorded time spent in the locality; None when nothing is recorded."""
    if locality_minutes < 0 or abstracted_minutes < 0:
        raise ValidationError("Minutes of duty time cannot be negative.", field="minutes")
    total = locality_minutes + abstracted_minutes
    if total == 0:
        return LocalityShare(locality_minutes, abstracted_minutes, None, None)
    share = locality_minutes / total
    return LocalityShare(locality_minutes, abstracted_minutes, share, share >= LOCALITY_TARGET)


def minutes_between(start: datetime, end: datetime) -> int:
    """Return the whole elapsed minutes from start to end (rounded down), across clock changes."""
    start_utc, end_utc = _utc(start), _utc(end)
    if end_utc < start_utc:
        raise ValidationError("The end time is before the start time.", field="end")
    return (end_utc - start_utc) // timedelta(minutes=1)
