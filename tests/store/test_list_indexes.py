"""Every long list's page, in every sort order its screen offers, walks an index (0016).

A county store holds 170,000 engagements and 90,000 patrol sessions; the record screens
fetch any page at any offset (gui/table_model.py). A page must come from an index holding
the live rows in the list's order (a short walk), never from a sort of the whole table:
a dropped or mismatched index turns the last page of engagements from milliseconds into
seconds. These tests read SQLite's plan for the very SQL the list's page runs.
"""

from __future__ import annotations

from typing import Any

import pytest

from pcso_desk.services.values import ListQuery
from tests.query_plans import plan_steps, selects_sent

# kind: {sort key the screen offers: the index that serves it}
LONG_LISTS = {
    "engagements": {
        "occurred": "ix_engagements_list_occurred",
        "follow_up": "ix_engagements_list_follow_up",
    },
    "patrol_sessions": {"starts": "ix_patrol_sessions_list_starts"},
    "abstractions": {"starts": "ix_abstractions_list_starts"},
    "messages": {
        "received": "ix_messages_list_received",
        "responded": "ix_messages_list_responded",
    },
    "crime_counts": {"month": "ix_crime_counts_list_month"},
}
CASES = [
    (kind, sort, index, descending)
    for kind, sorts in LONG_LISTS.items()
    for sort, index in sorts.items()
    for descending in (False, True)
]


def _plans(services: Any, run: Any) -> list[str]:
    """The query plan of each SELECT that `run()` sends to the store."""
    return [" | ".join(plan_steps(services, sql, p)) for sql, p in selects_sent(services, run)]


@pytest.mark.parametrize(("kind", "sort", "index", "descending"), CASES)
def test_a_deep_page_walks_the_lists_index_without_sorting(
    services: Any, kind: str, sort: str, index: str, descending: bool
) -> None:
    query = ListQuery(sort=sort, descending=descending, limit=200, offset=5000)
    plans = _plans(services, lambda: services[kind].page(query))
    page_plan = plans[0]  # the page itself; labels and linked contacts follow by id
    assert f"USING INDEX {index}" in page_plan or f"COVERING INDEX {index}" in page_plan, page_plan
    assert "TEMP B-TREE" not in page_plan, page_plan


@pytest.mark.parametrize(("kind", "sort", "index", "descending"), CASES)
def test_the_first_page_and_its_count_never_sort_or_read_the_whole_table(
    services: Any, kind: str, sort: str, index: str, descending: bool
) -> None:
    query = ListQuery(sort=sort, descending=descending, limit=200)
    plans = _plans(services, lambda: services[kind].counted_page(query))
    assert len(plans) >= 2, plans  # the page, then the count
    for plan in plans:
        assert "TEMP B-TREE" not in plan, plan
        scans = [step for step in plan.split(" | ") if step.startswith("SCAN")]
        assert all("INDEX" in step for step in scans), plan


def test_every_sort_the_long_lists_screens_offer_has_its_index() -> None:
    from pcso_desk.gui.screens import definitions as d

    screens = [d.ENGAGEMENTS, d.PATROLS, d.ABSTRACTIONS, d.MESSAGES, d.ADMIN["crime_counts"]]
    for screen in screens:
        offered = {column.sort for column in screen.columns if column.sort}
        offered.add(screen.query.sort or "")
        assert offered - {""} <= set(LONG_LISTS[screen.kind]), (screen.kind, offered)
