"""Dates and times the way people at a UK station type them: the one rule for every typed date.

Day first, as written in the UK: "02/12/2026", "2/12/26", "2-12-2026", "2 Dec 2026",
"2nd December" (this year). Words: "today", "earlier today", "tomorrow", "yesterday", a
weekday ("Friday": the next Friday, today included; "next Friday": after today; "last
Friday": before today). A time follows the date, or stands alone for today: "19:00",
"19.00", "7pm", "7:30pm". ISO stays accepted as the store and exports write it
("2026-12-02", "2026-12-02 19:00", "2026-12-02T19:00:00+00:00").

Pure: the caller passes today's date (and the time now) in the station's local time; what
comes back is local wall time (naive), or an aware datetime when the text named its zone.
A text that is no date says why in one sentence (`NotADate`), e.g. "there is no 31 February".
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

EXAMPLE_DATE = "02/12/2026"
EXAMPLE_DATETIME = "02/12/2026 19:00"
DATE_HINT = "write it as 02/12/2026, 2 Dec 2026, today, tomorrow or Friday"
DATETIME_HINT = "write it as 02/12/2026 19:00, today 14:30, yesterday 09:00 or Friday 19:00"

MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
MONTH_NAMES = [
    "",
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
WEEKDAYS = {
    name: number
    for number, names in enumerate(
        (
            ("monday", "mon"),
            ("tuesday", "tue", "tues"),
            ("wednesday", "wed"),
            ("thursday", "thu", "thur", "thurs"),
            ("friday", "fri"),
            ("saturday", "sat"),
            ("sunday", "sun"),
        )
    )
    for name in names
}

_NUMERIC = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})")
_WORDED = re.compile(r"(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]+)\.?,?(?:\s+(\d{4}))?")
_CLOCK = re.compile(r"(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)?")


class NotADate(ValueError):
    """A typed text that is no date (or no date and time): `message` says why, in a sentence."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _calendar_day(text: str, year: int, month: int, day: int) -> date:
    if not 1 <= month <= 12:
        raise NotADate(f"'{text}' is not a date: there is no month {month}.")
    try:
        return date(year, month, day)
    except ValueError:
        raise NotADate(
            f"'{text}' is not a date: there is no {day} {MONTH_NAMES[month]} {year}."
        ) from None


def _day_part(text: str, words: str, today: date) -> date | None:
    """The date `words` name, None if they name none (the caller says why)."""
    if words in ("today", "earlier today", "later today", "now"):
        return today
    if words == "tomorrow":
        return today + timedelta(days=1)
    if words == "yesterday":
        return today - timedelta(days=1)
    parts = words.split()
    if parts and parts[-1].rstrip(".,") in WEEKDAYS and len(parts) <= 2:
        wanted = WEEKDAYS[parts[-1].rstrip(".,")]
        ahead = (wanted - today.weekday()) % 7
        if len(parts) == 1:
            return today + timedelta(days=ahead)
        if parts[0] == "next":
            return today + timedelta(days=ahead or 7)
        if parts[0] == "last":
            return today - timedelta(days=(today.weekday() - wanted) % 7 or 7)
        if parts[0] == "this":
            return today + timedelta(days=ahead)
        return None
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", words):
        try:
            return date.fromisoformat(words)
        except ValueError:
            year, month, day = (int(p) for p in words.split("-"))
            return _calendar_day(text, year, month, day)
    numeric = _NUMERIC.fullmatch(words)
    if numeric:
        day, month, year = (int(p) for p in numeric.groups())
        if len(numeric.group(3)) == 2:
            year += 2000
        return _calendar_day(text, year, month, day)
    worded = _WORDED.fullmatch(words)
    if worded and worded.group(2) in MONTHS:
        year = int(worded.group(3)) if worded.group(3) else today.year
        return _calendar_day(text, year, MONTHS[worded.group(2)], int(worded.group(1)))
    return None


def _clock(text: str, words: str) -> time | None:
    found = _CLOCK.fullmatch(words)
    if not found:
        return None
    hour, minute = int(found.group(1)), int(found.group(2) or 0)
    meridiem = found.group(3)
    if found.group(2) is None and meridiem is None:
        return None  # a bare number is no time
    if meridiem:
        if not 1 <= hour <= 12:
            raise NotADate(f"'{text}' is not a time: there is no {hour}{meridiem}.")
        hour = hour % 12 + (12 if meridiem == "pm" else 0)
    if hour > 23 or minute > 59:
        raise NotADate(f"'{text}' is not a time: the clock reads 00:00 to 23:59.")
    return time(hour, minute)


def _plain(text: str) -> str:
    return " ".join(text.strip().casefold().replace(",", " ").split())


def read_date(text: str, today: date) -> date:
    """The date `text` names, counted from `today`; NotADate says why not."""
    words = _plain(text)
    if not words:
        raise NotADate("No date was given.")
    found = _day_part(text, words, today)
    if found is None:
        if _split_time(text, words)[1] is not None:
            raise NotADate(f"'{text}' is a date and time; give only the date ({DATE_HINT}).")
        raise NotADate(f"'{text}' is not a date; {DATE_HINT}.")
    return found


def _split_time(text: str, words: str) -> tuple[str, time | None]:
    """(the words before the time, the time) when `words` end in a time."""
    parts = words.split(" ")
    for take in (2, 1):  # "7.30 pm" is two words; "19:00" one
        if len(parts) >= take:
            clock = _clock(text, "".join(parts[-take:]))
            if clock is not None:
                return " ".join(parts[:-take]).removesuffix(" at").strip(), clock
    return words, None


def read_datetime(text: str, now: datetime) -> datetime:
    """The moment `text` names, counted from `now` (local wall time); NotADate says why not.

    A date typed without a time is refused: a meeting "on Friday" has no hour to keep. An
    ISO date alone ("2026-12-02", as older files and stations write it) is its midnight.
    """
    words = _plain(text)
    if not words:
        raise NotADate("No date and time was given.")
    if words == "now":
        return now.replace(second=0, microsecond=0)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", words):  # ISO, as a file or a station writes it
        return datetime.combine(_day_part(text, words, now.date()) or now.date(), time())
    iso = words.replace(" ", "t", 1)  # casefolded: "2026-12-02t19:00"
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}t\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:?\d{2}|z)?", iso):
        try:
            return datetime.fromisoformat(text.strip().replace(" ", "T", 1))
        except ValueError:
            pass  # the day or hour is out of range: said below in words
    day_words, clock = _split_time(text, words)
    if clock is None:
        if _day_part(text, words, now.date()) is not None:
            raise NotADate(f"'{text}' has no time; add one, e.g. {EXAMPLE_DATETIME}.")
        raise NotADate(f"'{text}' is not a date and time; {DATETIME_HINT}.")
    day = now.date() if not day_words else _day_part(text, day_words, now.date())
    if day is None:
        raise NotADate(f"'{text}' is not a date and time; {DATETIME_HINT}.")
    return datetime.combine(day, clock)
