"""Month helpers, once for the whole app (domain/months.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from pcso_desk.domain.errors import ValidationError
from pcso_desk.domain.months import (
    is_month,
    last_complete_month,
    month_bounds,
    month_of,
    month_title,
    parse_month,
    shift_month,
)
from pcso_desk.domain.schedule import LONDON


def test_months_read_write_and_move() -> None:
    assert parse_month(" 2026-03 ") == "2026-03" and is_month("2026-12")
    assert not is_month("2026-13") and not is_month("26-03") and not is_month("2026-3")
    with pytest.raises(ValidationError, match=r"'March' is not a month; give it as YYYY-MM\."):
        parse_month("March")
    assert month_of(date(2026, 3, 31)) == "2026-03"
    assert shift_month("2026-01", -1) == "2025-12" and shift_month("2026-03", 12) == "2027-03"
    assert last_complete_month(date(2026, 1, 1)) == "2025-12"
    assert month_title("2026-03") == "March 2026"


def test_a_month_runs_from_london_midnight_to_london_midnight() -> None:
    start, end = month_bounds("2026-03")  # the clocks go forward on 29 March 2026
    assert start == datetime(2026, 3, 1, tzinfo=LONDON) and end == datetime(
        2026, 4, 1, tzinfo=LONDON
    )
    hours = (end.astimezone(UTC) - start.astimezone(UTC)).total_seconds() / 3600
    assert hours == 31 * 24 - 1
