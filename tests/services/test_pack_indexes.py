"""A monthly pack counts its wards' month from the ward-and-month indexes (migration 0018).

A county store holds years of engagements, patrol sessions and crimes. A pack (and the
disclosure check before a public one) counts one month of a few wards: with only the ward_id
or month index SQLite read every row a ward ever had, or every crime of the county's month,
to keep a few hundred (tens of milliseconds a pack on the encrypted county store). These
tests read SQLite's plan for the very SQL the figures run.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pcso_desk.services.documents.auditor import every_people_figures
from pcso_desk.services.documents.monthly import Area, monthly_figures
from tests.query_plans import plan_steps, selects_sent

MONTH = "2026-02"
WARD_MONTH = {
    "engagements": "ix_engagements_ward_month",
    "patrol_sessions": "ix_patrol_sessions_ward_month",
    "crime_records": "ix_crime_records_ward_month",
}
AREA = Area("neighbourhood", "Riverside", ("ward-a", "ward-b", "ward-c"), ("hood-a",))


def _ward_steps(services: Any, run: Callable[[], Any]) -> dict[str, list[str]]:
    """Per table, the plan's steps on it of every SELECT that picks its rows by ward."""
    found: dict[str, list[str]] = {table: [] for table in WARD_MONTH}
    for sql, params in selects_sent(services, run):
        plan = plan_steps(services, sql, params)
        for table in WARD_MONTH:
            if f"{table}.ward_id IN" in sql:
                found[table] += [
                    step
                    for step in plan
                    if step.startswith(("SEARCH", "SCAN")) and f" {table} " in f"{step} "
                ]
    return found


def _check(found: dict[str, list[str]], tables: tuple[str, ...]) -> None:
    for table in tables:
        assert found[table], (table, found)
        for step in found[table]:
            assert f"INDEX {WARD_MONTH[table]} (ward_id=? AND" in step, step


def test_a_packs_figures_count_each_wards_month_from_its_index(services: Any) -> None:
    found = _ward_steps(services, lambda: monthly_figures(services.ctx, AREA, MONTH))
    _check(found, tuple(WARD_MONTH))


def test_the_disclosure_checks_counts_read_the_same_indexes(services: Any) -> None:
    found = _ward_steps(services, lambda: every_people_figures(services.ctx, [AREA], MONTH))
    _check(found, ("engagements", "patrol_sessions"))


def test_a_handouts_map_finds_its_wards_crimes_through_the_same_index(services: Any) -> None:
    from datetime import date
    from types import SimpleNamespace

    from pcso_desk.services.documents.crime_figures import handout_map

    ward = SimpleNamespace(kind="ward", id="ward-a")

    def draw() -> None:
        with services.ctx.store.read() as session:
            handout_map(session, ward, date(2026, 3, 15))

    _check(_ward_steps(services, draw), ("crime_records",))
