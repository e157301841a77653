"""Dates and times typed the UK way: every form, service and import reads them by one rule."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from pcso_desk.domain.when import NotADate, read_date, read_datetime

NOW = datetime(2026, 12, 7, 13, 55)  # a Monday afternoon, station time
TODAY = NOW.date()


@pytest.mark.parametrize(
    ("typed", "day"),
    [
        ("02/12/2026", date(2026, 12, 2)),  # day first, as written in the UK
        ("2/12/26", date(2026, 12, 2)),
        ("2-12-2026", date(2026, 12, 2)),
        ("2.12.2026", date(2026, 12, 2)),
        ("12/02/2026", date(2026, 2, 12)),  # never month first
        ("2 Dec 2026", date(2026, 12, 2)),
        ("2nd December 2026", date(2026, 12, 2)),
        ("29 feb 2028", date(2028, 2, 29)),
        ("24 Dec", date(2026, 12, 24)),  # this year
        ("2026-12-02", date(2026, 12, 2)),  # ISO, as exports write it
        ("today", TODAY),
        ("  Tomorrow ", date(2026, 12, 8)),
        ("yesterday", date(2026, 12, 6)),
        ("Friday", date(2026, 12, 11)),  # the next Friday
        ("monday", TODAY),  # today is a Monday: today
        ("next Monday", date(2026, 12, 14)),
        ("last Friday", date(2026, 12, 4)),
        ("sun", date(2026, 12, 13)),
    ],
)
def test_dates_read_as_people_write_them(typed: str, day: date) -> None:
    assert read_date(typed, TODAY) == day


@pytest.mark.parametrize(
    ("typed", "moment"),
    [
        ("02/12/2026 19:00", datetime(2026, 12, 2, 19, 0)),
        ("2/12/26 7pm", datetime(2026, 12, 2, 19, 0)),
        ("2 Dec 2026 7.30 pm", datetime(2026, 12, 2, 19, 30)),
        ("today 14:30", datetime(2026, 12, 7, 14, 30)),
        ("earlier today 14:30", datetime(2026, 12, 7, 14, 30)),
        ("14:30", datetime(2026, 12, 7, 14, 30)),  # a time alone is today
        ("yesterday 09:00", datetime(2026, 12, 6, 9, 0)),
        ("tomorrow at 08.15", datetime(2026, 12, 8, 8, 15)),
        ("Friday 19:00", datetime(2026, 12, 11, 19, 0)),
        ("12am", datetime(2026, 12, 7, 0, 0)),
        ("now", datetime(2026, 12, 7, 13, 55)),
        ("2026-12-02 19:00", datetime(2026, 12, 2, 19, 0)),  # ISO stays accepted
        ("2026-12-02T19:00", datetime(2026, 12, 2, 19, 0)),
        ("2026-12-02", datetime(2026, 12, 2, 0, 0)),  # an ISO date alone: its midnight
        ("2026-12-02 19:00:30", datetime(2026, 12, 2, 19, 0, 30)),  # as a station writes it
        ("2026-12-02 19:00:30.250000", datetime(2026, 12, 2, 19, 0, 30, 250000)),
        ("2026-12-02T19:00:00Z", datetime(2026, 12, 2, 19, 0, tzinfo=UTC)),
        ("2026-12-02T19:00:00+00:00", datetime(2026, 12, 2, 19, 0, tzinfo=UTC)),
    ],
)
def test_dates_and_times_read_as_people_write_them(typed: str, moment: datetime) -> None:
    assert read_datetime(typed, NOW) == moment


@pytest.mark.parametrize(
    ("typed", "why"),
    [
        ("31/02/2026", "'31/02/2026' is not a date: there is no 31 February 2026."),
        ("29/02/2027", "'29/02/2027' is not a date: there is no 29 February 2027."),
        ("2026-02-31", "'2026-02-31' is not a date: there is no 31 February 2026."),
        ("13/13/2026", "'13/13/2026' is not a date: there is no month 13."),
        (
            "2 Smarch 2026",
            "'2 Smarch 2026' is not a date; write it as 02/12/2026, 2 Dec 2026, "
            "today, tomorrow or Friday.",
        ),
        (
            "soon",
            "'soon' is not a date; write it as 02/12/2026, 2 Dec 2026, today, tomorrow or Friday.",
        ),
        (
            "02/12/2026 19:00",
            "'02/12/2026 19:00' is a date and time; give only the date "
            "(write it as 02/12/2026, 2 Dec 2026, today, tomorrow or Friday).",
        ),
        ("", "No date was given."),
    ],
)
def test_a_date_that_is_none_is_refused_saying_why(typed: str, why: str) -> None:
    with pytest.raises(NotADate) as refused:
        read_date(typed, TODAY)
    assert refused.value.message == why


@pytest.mark.parametrize(
    ("typed", "why"),
    [
        ("31/02/2026 19:00", "'31/02/2026 19:00' is not a date: there is no 31 February 2026."),
        ("02/12/2026 25:00", "'02/12/2026 25:00' is not a time: the clock reads 00:00 to 23:59."),
        ("today 13pm", "'today 13pm' is not a time: there is no 13pm."),
        ("Friday", "'Friday' has no time; add one, e.g. 02/12/2026 19:00."),
        ("02/12/2026", "'02/12/2026' has no time; add one, e.g. 02/12/2026 19:00."),
        (
            "teatime",
            "'teatime' is not a date and time; write it as 02/12/2026 19:00, "
            "today 14:30, yesterday 09:00 or Friday 19:00.",
        ),
        (
            "someday 19:00",
            "'someday 19:00' is not a date and time; write it as "
            "02/12/2026 19:00, today 14:30, yesterday 09:00 or Friday 19:00.",
        ),
        (
            "19",
            "'19' is not a date and time; write it as 02/12/2026 19:00, today 14:30, "
            "yesterday 09:00 or Friday 19:00.",
        ),
    ],
)
def test_a_moment_that_is_none_is_refused_saying_why(typed: str, why: str) -> None:
    with pytest.raises(NotADate) as refused:
        read_datetime(typed, NOW)
    assert refused.value.message == why
