"""The Policing Pledge scorecard's rules: each promise met, at risk or missed for a month.

Every item is judged at a moment `now` for a calendar month (Europe/London). While the month
is open an item is "met" when it is kept so far, "at risk" when it would be missed if nothing
changed, and "missed" once it can no longer be kept (a reply already late stays late). Once
the month has closed every item is met or missed. An item with nothing recorded to measure it
by is "not measured", with the reason as its figure. These functions take counts and dates
already read from the store (services/casework/scorecard.py) and decide; they never read.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Protocol

from pcso_desk.domain.schedule import (
    LOCALITY_TARGET,
    LocalityShare,
    ResponseClock,
    ResponseState,
    kin_checkin_due,
)
from pcso_desk.domain.victims_code import DueContact
from pcso_desk.domain.wording import counted

# Today's own horizon for a contact or a check-in falling due (services/casework/today.py).
DUE_SOON = timedelta(days=7)
MAX_DUE = 5000  # a weekly cadence for a century: a bound, never a real member


class Mark(enum.StrEnum):
    """Where a Pledge item stands; `symbol` marks it in print and on screen besides colour."""

    MET = "met"
    AT_RISK = "at risk"
    MISSED = "missed"
    NOT_MEASURED = "not measured"

    @property
    def symbol(self) -> str:
        return {"met": "✓", "at risk": "!", "missed": "✗", "not measured": "–"}[self.value]


@dataclass(frozen=True)
class PledgeItem:
    """One promise for one area and month: `key` (stable), its wording, mark and figure."""

    key: str
    title: str
    mark: Mark
    figure: str

    def line(self) -> str:
        """'Every message answered within 24 hours: met (12 of 12 answered in time)'."""
        return f"{self.title}: {self.mark.value} ({self.figure})"


# The items in the order every front end shows them.
MEETING = "meeting"
MESSAGES = "messages"
DISSATISFACTION = "dissatisfaction"
VICTIMS = "victims"
LOCALITY = "locality"
PUBLISHED = "published"
KIN = "kin"
TITLES = {
    MEETING: "A public meeting held this month",
    MESSAGES: "Every message answered within 24 hours",
    DISSATISFACTION: "Every dissatisfaction acknowledged within 24 hours",
    VICTIMS: "Victims contacted on time",
    LOCALITY: "At least 80% of time in the locality",
    PUBLISHED: "The monthly update published",
    KIN: "KIN check-ins on schedule",
}
ORDER = tuple(TITLES)


def _item(key: str, mark: Mark, figure: str) -> PledgeItem:
    return PledgeItem(key, TITLES[key], mark, figure)


def meeting_item(*, held: int, planned: int, month_open: bool) -> PledgeItem:
    """A public meeting held (or, while the month is open, planned) in the area this month.

    Any meeting in the area starting in the month counts, cancelled ones excepted. Open
    month: met when one is held or planned, at risk when none is. Closed month: met when one
    was marked held, else missed (a meeting still marked planned after the month counts
    for nothing: mark it held)."""
    figure = f"{held} held, {planned} planned"
    if held:
        return _item(MEETING, Mark.MET, figure)
    if month_open:
        return _item(MEETING, Mark.MET if planned else Mark.AT_RISK, figure)
    if planned:
        figure = f"0 held; {counted(planned, 'meeting')} still marked planned"
    return _item(MEETING, Mark.MISSED, figure)


@dataclass(frozen=True)
class ReplyCount:
    """Messages received in the month by where their 24-hour clock stands at `now`
    (`schedule.response_clock`, with Today's four-hour warning)."""

    in_time: int = 0
    late: int = 0
    overdue: int = 0  # still open, the 24 hours passed
    near: int = 0  # still open, four hours or less left
    waiting: int = 0  # still open, more than four hours left

    @classmethod
    def of(cls, clocks: Iterable[ResponseClock]) -> ReplyCount:
        states = [clock.state for clock in clocks]
        return cls(
            states.count(ResponseState.ANSWERED_IN_TIME),
            states.count(ResponseState.ANSWERED_LATE),
            states.count(ResponseState.BREACHED),
            states.count(ResponseState.NEAR_DEADLINE),
            states.count(ResponseState.OPEN),
        )

    @property
    def total(self) -> int:
        return self.in_time + self.late + self.overdue + self.near + self.waiting


def _replies(key: str, count: ReplyCount, noun: str, done: str) -> PledgeItem:
    """Missed once one reply was late or is open past 24 hours; at risk while one is open
    with four hours or less left; else met (a fresh message still inside its time is kept so
    far). Nothing received: met."""
    if count.total == 0:
        return _item(key, Mark.MET, f"no {noun}s received")
    parts = [f"{count.in_time} of {counted(count.total, noun)} {done} in time"]
    if count.late:
        parts.append(f"{count.late} late")
    if count.overdue:
        parts.append(f"{count.overdue} open past 24 hours")
    if count.near:
        parts.append(f"{count.near} open with 4 hours or less left")
    if count.waiting:
        parts.append(f"{count.waiting} open, within time")
    if count.late or count.overdue:
        mark = Mark.MISSED
    elif count.near:
        mark = Mark.AT_RISK
    else:
        mark = Mark.MET
    return _item(key, mark, "; ".join(parts))


def messages_item(count: ReplyCount) -> PledgeItem:
    """Every message to the team received in the month answered within 24 real hours
    (`schedule.response_clock`: a reply exactly at 24 hours is in time). Missed once a reply
    was late or a message is open past its 24 hours; at risk while one is open with four
    hours or less left; else met."""
    return _replies(MESSAGES, count, "message", "answered")


def dissatisfaction_item(count: ReplyCount) -> PledgeItem:
    """Every message of the dissatisfaction kind received in the month acknowledged (marked
    responded) within 24 real hours: the same clock and marks as the messages item."""
    return _replies(DISSATISFACTION, count, "dissatisfaction", "acknowledged")


def victims_item(
    dues: Sequence[DueContact], start: datetime, end: datetime, now: datetime
) -> PledgeItem:
    """Every update a victim was owed in the month, on their agreed cadence and tier
    (`victims_code.contacts_due`, the pack's own rule), made by its due time.

    A due time already passed without a contact by it is missed. While the month is open,
    an update not yet made that falls due within Today's week (`DUE_SOON`) is at risk.
    No updates due in the month: met."""
    inside = [d for d in dues if start <= d.due < end]
    return _schedule_item(VICTIMS, "update", "made on time", inside, now)


def locality_item(share: LocalityShare, *, month_open: bool) -> PledgeItem:
    """At least 80% of the logged time (patrols against abstractions, `schedule.
    locality_share`) spent in the locality. Open month: met while the share so far reaches
    80%, at risk while it does not. Closed month: met or missed. Nothing logged: not
    measured."""
    if share.share is None:
        return _item(
            LOCALITY,
            Mark.NOT_MEASURED,
            "no patrol or abstraction time logged this month, so no share to measure",
        )
    percent = round(100 * share.share)
    hours = (share.locality_minutes + share.abstracted_minutes) / 60
    figure = f"{percent}% of {hours:.1f} hours logged"
    if share.share >= LOCALITY_TARGET:
        return _item(LOCALITY, Mark.MET, figure)
    return _item(LOCALITY, Mark.AT_RISK if month_open else Mark.MISSED, figure)


def published_item(
    *, update_month: str, built_on: date | None, last_day: date, month_open: bool
) -> PledgeItem:
    """The month's update published: a public monthly pack of the month before
    (`update_month`, the latest a team can publish in the month) built for the area, or for
    its neighbourhood, by the month's last day. Open month, not built yet: at risk. Closed
    month, not built by its end: missed."""
    from pcso_desk.domain.months import month_title

    title = month_title(update_month)
    if built_on is not None and built_on <= last_day:
        return _item(PUBLISHED, Mark.MET, f"the {title} pack built on {_day(built_on)}")
    if month_open:
        return _item(PUBLISHED, Mark.AT_RISK, f"no public pack for {title} built yet")
    late = f" (built late, on {_day(built_on)})" if built_on is not None else ""
    return _item(PUBLISHED, Mark.MISSED, f"no public pack for {title} built in time{late}")


def _day(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


@dataclass(frozen=True)
class DueCheckIn:
    """One check-in a KIN member was due: when, and when (if ever) it was made."""

    due: date
    made_on: date | None

    @property
    def on_time(self) -> bool:
        return self.made_on is not None and self.made_on <= self.due


def checkins_due(
    *,
    joined: date,
    checkins: Iterable[date],
    cadence_weeks: int,
    until: date,
    left_on: date | None = None,
) -> list[DueCheckIn]:
    """Every check-in a member was due from joining up to `until` (inclusive), in order.

    Each due date is `schedule.kin_checkin_due` from the check-in before it. A due check-in
    is met by the next check-in made: on time when made on or before the due day (a check-in
    due today is not yet overdue), late when made after it but before the next would fall
    due. One not made by then is missed, and the next falls due as if it had been made on its
    day. Nothing falls due after the member left."""
    made = sorted(checkins)
    end = until if left_on is None else min(until, left_on)
    last: date | None = None
    dues: list[DueCheckIn] = []
    unused = 0
    while len(dues) < MAX_DUE:
        due = kin_checkin_due(joined=joined, last_checkin=last, cadence_weeks=cadence_weeks)
        if due > end:
            break
        while unused < len(made) and last is not None and made[unused] <= last:
            unused += 1  # a second check-in on the day of the last counts once
        nxt = kin_checkin_due(joined=joined, last_checkin=due, cadence_weeks=cadence_weeks)
        found = made[unused] if unused < len(made) else None
        if found is not None and found < nxt:
            dues.append(DueCheckIn(due, found))
            last = found
            unused += 1
        else:
            dues.append(DueCheckIn(due, None))
            last = due
    return dues


def kin_item(dues: Sequence[DueCheckIn], first: date, last: date, today: date) -> PledgeItem:
    """Every KIN check-in falling due in the month (members who may be contacted, on each
    one's cadence: `checkins_due`) made by its due day. A due day already passed without a
    check-in is missed; while the month is open, one not yet made that falls due within
    Today's week is at risk. None due: met."""
    inside = [d for d in dues if first <= d.due <= last]
    return _schedule_item(KIN, "check-in", "on time", inside, today)


_RISKS = {
    MEETING: "No public meeting planned in {area} this month",
    MESSAGES: "A message to {area} is near its 24-hour reply deadline",
    DISSATISFACTION: "A dissatisfaction in {area} is near its 24-hour deadline",
    VICTIMS: "A victim update in {area} falls due within the week",
    LOCALITY: "Time in the locality in {area} is under 80% so far this month",
    PUBLISHED: "The monthly update for {area} is not published yet",
    KIN: "A KIN check-in in {area} falls due within the week",
}


def risk_sentence(item: PledgeItem, area: str) -> str:
    """What Today says of an item at risk: 'No public meeting planned in Ward X this month'."""
    return _RISKS[item.key].format(area=area)


def not_shown(key: str, reason: str) -> PledgeItem:
    """An item this role may not see the figures behind (victim care)."""
    return _item(key, Mark.NOT_MEASURED, reason)


class _Due(Protocol):
    @property
    def due(self) -> Any: ...

    @property
    def on_time(self) -> bool: ...


def _schedule_item(key: str, noun: str, kept: str, inside: Sequence[_Due], now: Any) -> PledgeItem:
    """The one rule of the two schedules (victims' updates, KIN check-ins): of the dues
    falling in the month, one already passed without being kept is missed; while the month
    is open, one not yet kept that falls due within Today's week (`DUE_SOON`) is at risk;
    none due is met. `now` is a time or a day, as the dues are."""
    passed = [d for d in inside if d.due < now]
    on_time = sum(1 for d in passed if d.on_time)
    ahead = [d for d in inside if d.due >= now and not d.on_time]
    soon = [d for d in ahead if d.due <= now + DUE_SOON]
    if not inside:
        return _item(key, Mark.MET, f"no {noun}s due")
    figure = f"{on_time} of {counted(len(passed), noun)} due so far {kept}"
    if not ahead:
        figure = f"{on_time} of {counted(len(passed), noun)} due {kept}"
    if ahead and not passed:
        figure = "none due so far"
    if ahead:
        figure += f"; {len(ahead)} more due this month"
        if soon:
            figure += f", {len(soon)} within 7 days"
    if on_time < len(passed):
        return _item(key, Mark.MISSED, figure)
    return _item(key, Mark.AT_RISK if soon else Mark.MET, figure)
