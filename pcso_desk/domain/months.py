"""Months as the team works in them: 'YYYY-MM' text, shown as 'March 2026', in UK time.

A monthly pack, the time-in-the-locality share, the crime counts and the patrol screen all
count by calendar month in Europe/London; every month helper of the app is here, once.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from pcso_desk.domain.errors import ValidationError
from pcso_desk.domain.schedule import LONDON, add_months

_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def is_month(text: str) -> bool:
    """Whether text is a YYYY-MM month (January to December), exactly."""
    return bool(_MONTH.match(text))


def parse_month(text: str, field: str = "month") -> str:
    """Return a YYYY-MM month as typed, or refuse it in one sentence."""
    cleaned = text.strip()
    if not is_month(cleaned):
        raise ValidationError(f"'{text}' is not a month; give it as YYYY-MM.", field=field)
    return cleaned


def month_of(day: date) -> str:
    """The YYYY-MM month a day falls in."""
    return day.strftime("%Y-%m")


def shift_month(month: str, months: int) -> str:
    """Return the month `months` after (or before, if negative) a YYYY-MM month."""
    return month_of(add_months(date.fromisoformat(f"{month}-01"), months))


def last_complete_month(today: date) -> str:
    """Return the month before the one `today` falls in."""
    return shift_month(month_of(today), -1)


def month_title(month: str) -> str:
    """'2026-03' as 'March 2026'."""
    return date.fromisoformat(f"{month}-01").strftime("%B %Y")


def month_bounds(month: str) -> tuple[datetime, datetime]:
    """The first instant of a YYYY-MM month and of the next, in London time (aware)."""
    first = date.fromisoformat(f"{month}-01")
    nxt = add_months(first, 1)
    return (
        datetime(first.year, first.month, 1, tzinfo=LONDON),
        datetime(nxt.year, nxt.month, 1, tzinfo=LONDON),
    )
