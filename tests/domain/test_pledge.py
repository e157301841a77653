"""The Pledge scorecard's rules at their boundaries: met / at risk / missed, on made-up data."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from pcso_desk.domain import pledge
from pcso_desk.domain.enums import ServiceLevel
from pcso_desk.domain.pledge import Mark, ReplyCount
from pcso_desk.domain.schedule import ContactFrequency, locality_share, response_clock
from pcso_desk.domain.victims_code import contacts_due

START = datetime(2026, 3, 1, tzinfo=UTC)
END = datetime(2026, 4, 1, tzinfo=UTC)  # March has no clock change before the 29th at 01:00


def _count(received: datetime, responded: datetime | None, now: datetime) -> ReplyCount:
    return ReplyCount.of([response_clock(received, responded, now)])


# -- a public meeting --------------------------------------------------------------------


def test_a_meeting_held_is_met_open_or_closed() -> None:
    assert pledge.meeting_item(held=1, planned=0, month_open=True).mark is Mark.MET
    assert pledge.meeting_item(held=1, planned=0, month_open=False).mark is Mark.MET


def test_a_meeting_planned_keeps_an_open_month_met_but_not_a_closed_one() -> None:
    assert pledge.meeting_item(held=0, planned=1, month_open=True).mark is Mark.MET
    closed = pledge.meeting_item(held=0, planned=1, month_open=False)
    assert closed.mark is Mark.MISSED
    assert "still marked planned" in closed.figure


def test_no_meeting_is_at_risk_while_open_and_missed_once_closed() -> None:
    assert pledge.meeting_item(held=0, planned=0, month_open=True).mark is Mark.AT_RISK
    closed = pledge.meeting_item(held=0, planned=0, month_open=False)
    assert (closed.mark, closed.figure) == (Mark.MISSED, "0 held, 0 planned")


# -- messages and dissatisfactions --------------------------------------------------------


RECEIVED = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)


def test_a_reply_at_23_h_59_is_met_and_at_24_h_01_missed() -> None:
    later = RECEIVED + timedelta(days=3)
    in_time = _count(RECEIVED, RECEIVED + timedelta(hours=23, minutes=59), later)
    late = _count(RECEIVED, RECEIVED + timedelta(hours=24, minutes=1), later)
    assert pledge.messages_item(in_time).mark is Mark.MET
    item = pledge.messages_item(late)
    assert item.mark is Mark.MISSED
    assert item.figure == "0 of 1 message answered in time; 1 late"


def test_a_reply_exactly_at_24_hours_is_in_time() -> None:
    count = _count(RECEIVED, RECEIVED + timedelta(hours=24), RECEIVED + timedelta(days=2))
    assert pledge.messages_item(count).mark is Mark.MET


def test_an_open_message_is_met_at_19_h_at_risk_at_20_h_and_missed_past_24_h() -> None:
    def at(hours: float) -> Mark:
        return pledge.messages_item(_count(RECEIVED, None, RECEIVED + timedelta(hours=hours))).mark

    assert at(19.9) is Mark.MET  # more than four hours left
    assert at(20) is Mark.AT_RISK  # four hours left
    assert at(24) is Mark.AT_RISK  # the deadline itself is not yet past
    assert at(24.02) is Mark.MISSED


def test_one_late_reply_among_many_misses_the_month() -> None:
    now = RECEIVED + timedelta(days=5)
    count = ReplyCount.of(
        [response_clock(RECEIVED, RECEIVED + timedelta(hours=1), now)] * 9
        + [response_clock(RECEIVED, RECEIVED + timedelta(hours=30), now)]
    )
    item = pledge.messages_item(count)
    assert (item.mark, item.figure) == (Mark.MISSED, "9 of 10 messages answered in time; 1 late")


def test_no_messages_is_met_and_says_so() -> None:
    item = pledge.dissatisfaction_item(ReplyCount())
    assert (item.mark, item.figure) == (Mark.MET, "no dissatisfactions received")


def test_a_dissatisfaction_acknowledged_late_is_missed() -> None:
    count = _count(RECEIVED, RECEIVED + timedelta(hours=25), RECEIVED + timedelta(days=2))
    item = pledge.dissatisfaction_item(count)
    assert item.mark is Mark.MISSED
    assert item.title == "Every dissatisfaction acknowledged within 24 hours"


# -- victims ------------------------------------------------------------------------------


def _dues(opened: datetime, made: list[datetime], level: ServiceLevel = ServiceLevel.STANDARD):
    return contacts_due(
        service_level=level,
        opened_at=opened,
        successful_contacts=made,
        frequency=ContactFrequency.MONTHLY,
        until=END,
    )


def test_a_first_contact_made_by_its_due_time_is_met_and_a_minute_late_missed() -> None:
    opened = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # standard: first contact due 7 March 09:00
    due = opened + timedelta(days=5)
    now = datetime(2026, 3, 8, 12, tzinfo=UTC)
    on_time = pledge.victims_item(_dues(opened, [due]), START, END, now)
    late = pledge.victims_item(_dues(opened, [due + timedelta(minutes=1)]), START, END, now)
    assert on_time.mark is Mark.MET
    assert late.mark is Mark.MISSED
    assert late.figure == "0 of 1 update due made on time"


def test_an_update_falling_due_within_the_week_is_at_risk_and_further_off_is_not() -> None:
    opened = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # due 7 March 09:00
    eight_days_before = datetime(2026, 2, 27, 9, 0, tzinfo=UTC)
    assert pledge.victims_item(_dues(opened, []), START, END, eight_days_before).mark is Mark.MET
    week_before = datetime(2026, 3, 7, 9, 0, tzinfo=UTC) - timedelta(days=7)
    assert pledge.victims_item(_dues(opened, []), START, END, week_before).mark is Mark.AT_RISK
    now = datetime(2026, 3, 6, 9, 0, tzinfo=UTC)
    item = pledge.victims_item(_dues(opened, []), START, END, now)
    assert item.mark is Mark.AT_RISK
    assert item.figure == "none due so far; 1 more due this month, 1 within 7 days"


def test_a_victim_not_contacted_by_the_end_of_a_closed_month_is_missed() -> None:
    opened = datetime(2026, 3, 20, 9, 0, tzinfo=UTC)  # enhanced: due 21 March 09:00
    item = pledge.victims_item(
        _dues(opened, [], ServiceLevel.ENHANCED), START, END, END + timedelta(days=1)
    )
    assert item.mark is Mark.MISSED


def test_no_victim_updates_due_is_met() -> None:
    item = pledge.victims_item([], START, END, START)
    assert (item.mark, item.figure) == (Mark.MET, "no updates due")


# -- time in the locality ------------------------------------------------------------------


def test_exactly_80_percent_is_met_and_just_under_is_at_risk_then_missed() -> None:
    assert pledge.locality_item(locality_share(80, 20), month_open=False).mark is Mark.MET
    under = locality_share(799, 201)
    assert pledge.locality_item(under, month_open=True).mark is Mark.AT_RISK
    assert pledge.locality_item(under, month_open=False).mark is Mark.MISSED


def test_no_time_logged_is_not_measured_with_its_reason() -> None:
    item = pledge.locality_item(locality_share(0, 0), month_open=False)
    assert item.mark is Mark.NOT_MEASURED
    assert "no patrol or abstraction time logged" in item.figure


# -- the monthly update ----------------------------------------------------------------------


def test_the_update_built_by_the_months_last_day_is_met_and_a_day_after_is_missed() -> None:
    last = date(2026, 3, 31)
    met = pledge.published_item(
        update_month="2026-02", built_on=last, last_day=last, month_open=False
    )
    late = pledge.published_item(
        update_month="2026-02", built_on=date(2026, 4, 1), last_day=last, month_open=False
    )
    assert (met.mark, met.figure) == (Mark.MET, "the February 2026 pack built on 31 March 2026")
    assert late.mark is Mark.MISSED
    assert "built late, on 1 April 2026" in late.figure


def test_an_update_not_built_is_at_risk_while_the_month_is_open() -> None:
    item = pledge.published_item(
        update_month="2026-02", built_on=None, last_day=date(2026, 3, 31), month_open=True
    )
    assert (item.mark, item.figure) == (Mark.AT_RISK, "no public pack for February 2026 built yet")


# -- KIN check-ins -------------------------------------------------------------------------


FIRST, LAST = date(2026, 3, 1), date(2026, 3, 31)
JOINED = date(2026, 2, 1)  # six-weekly: first check-in due 15 March


def _kin(checkins: list[date], today: date) -> pledge.PledgeItem:
    dues = pledge.checkins_due(joined=JOINED, checkins=checkins, cadence_weeks=6, until=LAST)
    return pledge.kin_item(dues, FIRST, LAST, today)


def test_a_check_in_on_its_due_day_is_on_time_and_the_day_after_is_missed() -> None:
    after = date(2026, 4, 2)
    assert _kin([date(2026, 3, 15)], after).mark is Mark.MET
    late = _kin([date(2026, 3, 16)], after)
    assert (late.mark, late.figure) == (Mark.MISSED, "0 of 1 check-in due on time")


def test_a_check_in_due_within_the_week_is_at_risk_and_one_further_off_is_met_so_far() -> None:
    assert _kin([], date(2026, 3, 8)).mark is Mark.AT_RISK  # due on the 15th: 7 days
    assert _kin([], date(2026, 3, 7)).mark is Mark.MET  # 8 days off
    assert _kin([], date(2026, 3, 15)).mark is Mark.AT_RISK  # due today: not yet overdue
    assert _kin([], date(2026, 3, 16)).mark is Mark.MISSED


def test_a_missed_check_in_moves_the_next_on_as_if_made() -> None:
    dues = pledge.checkins_due(joined=JOINED, checkins=[], cadence_weeks=2, until=date(2026, 3, 31))
    assert [d.due for d in dues] == [
        date(2026, 2, 15),
        date(2026, 3, 1),
        date(2026, 3, 15),
        date(2026, 3, 29),
    ]
    assert not any(d.on_time for d in dues)


def test_a_member_who_left_is_due_nothing_after_leaving() -> None:
    dues = pledge.checkins_due(
        joined=JOINED, checkins=[], cadence_weeks=6, until=LAST, left_on=date(2026, 3, 1)
    )
    assert dues == []


@pytest.mark.parametrize("mark", list(Mark))
def test_every_mark_has_a_symbol_besides_its_words(mark: Mark) -> None:
    assert mark.symbol and mark.symbol not in mark.value
