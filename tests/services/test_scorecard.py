"""The Pledge scorecard read from the store: an area's month, a ward, a district, Today."""

from __future__ import annotations

import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from pcso_desk.domain.enums import UserRole
from pcso_desk.domain.errors import ValidationError
from pcso_desk.domain.months import month_of, shift_month
from pcso_desk.domain.pledge import Mark
from pcso_desk.domain.schedule import LONDON
from pcso_desk.services.api import Services
from pcso_desk.services.casework.today import today_summary
from pcso_desk.services.context import Context
from pcso_desk.services.protection import accounts
from tests.factories import World
from tests.services.test_monthly import MONTH, Known, known  # noqa: F401 - the fixture

PASSWORD = "correct horse battery"
AFTER = datetime(2026, 4, 10, 12, tzinfo=UTC)


def _marks(card) -> dict[str, tuple[Mark, str]]:  # type: ignore[no-untyped-def]
    return {item.key: (item.mark, item.figure) for item in card.items}


def test_a_closed_month_is_met_or_missed_item_by_item(services: Services, known: Known) -> None:  # noqa: F811
    card = services.scorecards.area("neighbourhood", "Riverside SNT", MONTH, AFTER)
    assert not card.month_open
    assert _marks(card) == {
        "meeting": (Mark.MET, "1 held, 0 planned"),  # the cancelled one is not counted
        "messages": (Mark.MISSED, "1 of 2 messages answered in time; 1 late"),
        "dissatisfaction": (Mark.MET, "no dissatisfactions received"),
        "victims": (Mark.MISSED, "0 of 1 update due made on time"),
        "locality": (Mark.MET, "80% of 2.5 hours logged"),
        "published": (Mark.MISSED, "no public pack for February 2026 built in time"),
        "kin": (Mark.MET, "no check-ins due"),
    }
    assert card.lines()[0] == "Pledge scorecard: Riverside SNT, March 2026 (month closed)"
    assert card.lines()[1] == "A public meeting held this month: met (1 held, 0 planned)"


def test_a_ward_by_its_code_says_which_figures_are_the_neighbourhoods(
    services: Services,
    known: Known,  # noqa: F811
) -> None:
    card = services.scorecards.area("ward", "RIV-C", MONTH, AFTER)
    assert card.area == "Riverside Central"
    assert card.item("messages").figure.endswith("; counted for the whole neighbourhood")
    assert card.item("meeting").figure == "1 held, 0 planned"


def test_while_the_month_is_open_a_missing_meeting_is_at_risk(
    services: Services, world: World
) -> None:
    mid = datetime(2026, 5, 16, 9, tzinfo=UTC)
    card = services.scorecards.area("neighbourhood", "Riverside SNT", "2026-05", mid)
    assert card.month_open
    assert card.item("meeting").mark is Mark.AT_RISK
    made = services.meetings.create(
        {
            "meeting_type": "pact",
            "title": "May PACT",
            "starts_at": datetime(2026, 5, 28, 19, tzinfo=LONDON),
            "neighbourhood_id": world.neighbourhood,
        }
    )
    assert made.created
    card = services.scorecards.area("neighbourhood", "Riverside SNT", "2026-05", mid)
    assert (card.item("meeting").mark, card.item("meeting").figure) == (
        Mark.MET,
        "0 held, 1 planned",
    )


def test_a_message_open_twenty_hours_is_at_risk_and_past_a_day_missed(
    services: Services, world: World
) -> None:
    received = datetime(2026, 5, 10, 8, tzinfo=UTC)
    services["messages"].create(
        {
            "received_at": received,
            "channel": "email",
            "subject": "Unhappy with the reply",
            "kind": "dissatisfaction",
            "neighbourhood_id": world.neighbourhood,
        }
    )

    def marks(hours: int) -> tuple[Mark, Mark]:
        now = received + timedelta(hours=hours)
        card = services.scorecards.area("neighbourhood", "RIV", "2026-05", now)
        return card.item("messages").mark, card.item("dissatisfaction").mark

    assert marks(19) == (Mark.MET, Mark.MET)
    assert marks(20) == (Mark.AT_RISK, Mark.AT_RISK)
    assert marks(25) == (Mark.MISSED, Mark.MISSED)


def test_the_update_counts_as_published_once_a_public_pack_of_last_month_is_built(
    services: Services, world: World, tmp_path: Path
) -> None:
    now = datetime.now(UTC)
    month = month_of(now.astimezone(LONDON).date())  # the audit entry is dated by the clock
    before = services.scorecards.area("neighbourhood", "Riverside SNT", month, now)
    assert before.item("published").mark is Mark.AT_RISK
    services.packs.build_pack(
        "ward", "Riverside Central", shift_month(month, -1), tmp_path / "ward.zip", internal=False
    )
    ward = services.scorecards.area("ward", "Riverside Central", month)
    hood = services.scorecards.area("neighbourhood", "Riverside SNT", month)
    assert ward.item("published").mark is Mark.MET
    assert hood.item("published").mark is Mark.AT_RISK  # a ward's pack is not the team's
    services.packs.build_pack(
        "neighbourhood", "Riverside SNT", shift_month(month, -1), tmp_path / "n.zip", internal=False
    )
    hood = services.scorecards.area("neighbourhood", "Riverside SNT", month)
    assert hood.item("published").mark is Mark.MET
    other = services.scorecards.area("ward", "Riverside East", month)
    assert other.item("published").mark is Mark.MET  # its neighbourhood's pack covers it


def test_the_district_view_holds_every_neighbourhood(services: Services, known: Known) -> None:  # noqa: F811
    district = services.scorecards.district("testshire north", MONTH, AFTER)
    assert district.district == "Testshire North"
    assert [card.area for card in district.cards] == ["Riverside SNT"]
    single = services.scorecards.area("neighbourhood", "Riverside SNT", MONTH, AFTER)
    assert district.cards[0].items == single.items
    assert district.lines()[0] == "Pledge scorecard: Testshire North district, March 2026"


def test_a_month_not_begun_and_an_unknown_area_are_one_sentence(
    services: Services, world: World
) -> None:
    with pytest.raises(ValidationError, match="2026-06 has not begun yet"):
        services.scorecards.area("neighbourhood", "Riverside SNT", "2026-06", AFTER)
    with pytest.raises(ValidationError, match="There is no ward called 'Nowhere'"):
        services.scorecards.area("ward", "Nowhere", "2026-03", AFTER)


def test_victim_figures_are_not_shown_to_a_role_that_may_not_see_victim_care(
    services: Services,
    known: Known,  # noqa: F811
) -> None:
    accounts.create_account(services.ctx, "admin-user", PASSWORD, UserRole.ADMIN, None)
    admin = Services(Context.open(services.ctx.store))
    accounts.sign_in(admin.ctx, "admin-user", PASSWORD)
    card = admin.scorecards.area("neighbourhood", "Riverside SNT", MONTH, AFTER)
    assert card.item("victims").mark is Mark.NOT_MEASURED
    assert card.item("victims").figure == "victim care is not this account's to see"


def test_today_lists_the_items_at_risk_from_the_fifteenth(services: Services, world: World) -> None:
    early = today_summary(services, now=datetime(2026, 5, 14, 9, tzinfo=UTC))
    assert early.pledge_at_risk == ()
    mid = today_summary(services, now=datetime(2026, 5, 15, 9, tzinfo=UTC))
    titles = [item.title for item in mid.pledge_at_risk]
    assert "No public meeting planned in Riverside SNT this month" in titles
    assert "The monthly update for Riverside SNT is not published yet" in titles
    first = mid.pledge_at_risk[0]
    assert (first.kind, first.record_id) == ("scorecard", "neighbourhood:Riverside SNT")


def test_a_district_batch_publishes_each_neighbourhoods_update(
    services: Services, world: World, tmp_path: Path
) -> None:
    now = datetime.now(UTC)
    month = month_of(now.astimezone(LONDON).date())
    folder = tmp_path / "district"
    folder.mkdir()
    services.packs.build_district("Testshire North", shift_month(month, -1), folder, internal=True)
    card = services.scorecards.area("neighbourhood", "Riverside SNT", month)
    assert card.item("published").mark is Mark.AT_RISK  # an internal pack publishes nothing
    services.packs.build_district("Testshire North", shift_month(month, -1), folder, internal=False)
    card = services.scorecards.area("ward", "Riverside East", month)
    assert card.item("published").mark is Mark.MET


def test_only_the_internal_pack_holds_the_scorecard(
    services: Services,
    known: Known,  # noqa: F811
    tmp_path: Path,
) -> None:
    public = services.packs.build_pack(
        "neighbourhood", "Riverside SNT", MONTH, tmp_path / "public.zip", internal=False
    )
    internal = services.packs.build_pack(
        "neighbourhood", "Riverside SNT", MONTH, tmp_path / "internal.zip", internal=True
    )
    with zipfile.ZipFile(public) as z:
        assert not [n for n in z.namelist() if "pledge-scorecard" in n]
    with zipfile.ZipFile(internal) as z:
        rows = z.read("riverside-snt-2026-03-internal/pledge-scorecard.csv").decode("utf-8-sig")
    assert rows.splitlines()[0] == "OFFICIAL-SENSITIVE"
    assert (
        "The monthly update published,✗ missed,no public pack for February 2026 built in time"
        in rows
    )
