"""The crime figures a pack and a handout show beside the counts: the map, the streets, and
what happened (outcomes by crime type), from the street-level rows police.uk publishes.

Street-level crime data is already public, point by point, on data.police.uk: these figures
are exact, like the crime counts, and name no one. A row with no point (police.uk publishes
some) is counted in the tables and noted under the map.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pcso_desk.reports.crime_map import (
    CrimeMap,
    CrimePoint,
    OutcomeLine,
    Outline,
    StreetLine,
)
from pcso_desk.reports.monthly_pack import PackTable
from pcso_desk.services.documents.boundaries import outlines
from pcso_desk.store import models as m

TOP_STREETS = 10
NO_OUTCOME = "No outcome recorded yet"
OGL = "Open Government Licence v3.0"


def _rows(session: Session, wards: Sequence[str], month: str) -> Any:
    """The month's street-level rows in these wards, found through the wards' live rows by
    ward and month (migration 0018's index), not through the whole county's month."""
    return session.execute(
        select(
            m.CrimeRecord.longitude,
            m.CrimeRecord.latitude,
            m.CrimeRecord.crime_type,
            m.CrimeRecord.location,
            m.CrimeRecord.last_outcome,
        ).where(
            m.CrimeRecord.deleted_at.is_(None),
            m.CrimeRecord.ward_id.in_(list(wards)),
            m.CrimeRecord.month == month,
        )
    ).all()


def crime_map(
    session: Session, wards: Sequence[str], month: str, caption: str, rows: Any = None
) -> CrimeMap:
    """The month's crimes in these wards as points (one per type per published point), and
    the wards' boundaries (ward outlines and LSOA lines) when they are held. `rows`: the
    month's crime rows (`_rows`) when already read."""
    counted: Counter[tuple[float, float, str]] = Counter()
    unplaced = 0
    for lon, lat, crime_type, _where, _outcome in (
        _rows(session, wards, month) if rows is None else rows
    ):
        if lon is None or lat is None:
            unplaced += 1
        else:
            counted[(lon, lat, crime_type)] += 1
    points = tuple(CrimePoint(lon, lat, kind, n) for (lon, lat, kind), n in sorted(counted.items()))
    held = outlines(session, wards)
    shapes = tuple(
        Outline(kind, name, tuple(tuple(tuple(map(tuple, ring)) for ring in p) for p in polys))
        for kind, name, _source, polys in held
    )
    sources = sorted({source for _k, _n, source, _p in held if source})
    return CrimeMap(caption, shapes, points, unplaced, "; ".join(sources))


def streets(
    session: Session, wards: Sequence[str], month: str, rows: Any = None
) -> tuple[StreetLine, ...]:
    """The streets with the most crimes this month (most first, then by name). `rows`: the
    month's crime rows (`_rows`) when already read."""
    per: dict[str, Counter[str]] = defaultdict(Counter)
    for _lon, _lat, crime_type, where, _outcome in (
        _rows(session, wards, month) if rows is None else rows
    ):
        per[where.strip() or "No location"][crime_type] += 1
    lines = [
        StreetLine(street, sum(types.values()), min(types, key=lambda t: (-types[t], t)))
        for street, types in per.items()
    ]
    lines.sort(key=lambda line: (-line.crimes, line.street))
    return tuple(lines[:TOP_STREETS])


def outcomes(session: Session, wards: Sequence[str], month: str) -> tuple[OutcomeLine, ...]:
    """Crimes of the month by type and last outcome, by type then outcome name (the order
    never depends on a count). Anti-social behaviour has no outcomes on police.uk."""
    rows = session.execute(
        select(m.CrimeRecord.crime_type, m.CrimeRecord.last_outcome, func.count())
        .where(
            m.CrimeRecord.deleted_at.is_(None),
            m.CrimeRecord.ward_id.in_(list(wards)),
            m.CrimeRecord.month == month,
            m.CrimeRecord.crime_type != "Anti-social behaviour",
        )
        .group_by(m.CrimeRecord.crime_type, m.CrimeRecord.last_outcome)
    ).all()
    merged: Counter[tuple[str, str]] = Counter()
    for crime_type, outcome, n in rows:
        merged[(crime_type, outcome.strip() or NO_OUTCOME)] += n
    return tuple(OutcomeLine(t, o, n) for (t, o), n in sorted(merged.items()))


def figures(session: Session, area: Any, month: str) -> dict[str, Any]:
    """The fields these figures fill on `MonthlyFigures`."""
    wards = list(area.ward_ids)
    rows = _rows(session, wards, month)  # read once for the map and the streets
    return {
        "crime_map": crime_map(session, wards, month, area.name, rows),
        "streets": streets(session, wards, month, rows),
        "outcomes": outcomes(session, wards, month),
    }


def tables(figures: Any) -> tuple[PackTable, ...]:
    """ "Crimes by street" and "What happened" as pack tables (exact: the data is public)."""
    street_rows = tuple((s.street, s.crimes, s.commonest) for s in figures.streets)
    outcome_rows = tuple((o.category, o.outcome, o.crimes) for o in figures.outcomes)
    return (
        PackTable(
            "crime-by-street",
            "Crimes by street",
            ("Street", "Crimes", "Commonest crime type"),
            street_rows,
        ),
        PackTable(
            "crime-outcomes",
            "What happened",
            ("Crime type", "Outcome so far", "Crimes"),
            outcome_rows,
        ),
    )


def handout_map(session: Session, area: Any, today: Any) -> CrimeMap:
    """The handout's map: the crimes of the last complete month in the ward, or in every
    ward of the neighbourhood."""
    from pcso_desk.domain.months import last_complete_month, month_title

    if area.kind == "ward":
        wards = [area.id]
    else:
        wards = list(
            session.scalars(
                select(m.Ward.id).where(
                    m.Ward.deleted_at.is_(None), m.Ward.neighbourhood_id == area.id
                )
            )
        )
    month = last_complete_month(today)
    return crime_map(session, wards, month, month_title(month))
