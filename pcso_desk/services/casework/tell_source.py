"""Today's "tell the source what happened" lines: intelligence reports whose source waits to
be told, once the date to tell them is within the week or past, until `source_told_on` is
set (the intelligence ledger, store/models/intelligence.py)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from pcso_desk.store import models as m

if TYPE_CHECKING:
    from pcso_desk.services.casework.today import Reach, TodayItem

AHEAD = timedelta(days=7)


def tell_source_items(session: Session, today: date, reach: Reach) -> tuple[TodayItem, ...]:
    """The team's reports (a neighbourhood, ward or officer of the team, or none), or with
    Scope.MINE the officer's own and the unassigned ones of their wards; soonest first."""
    from pcso_desk.domain.kinds import INTEL_CATEGORIES
    from pcso_desk.services.casework.today import TodayItem, _in

    report = m.IntelligenceReport
    whose: Any
    if reach.mine is not None:
        whose = or_(
            report.officer_id == reach.mine,
            and_(report.officer_id.is_(None), _in(report.ward_id, reach.my_wards)),
        )
    elif reach.hoods is None:
        whose = report.id.is_not(None)
    else:
        nowhere = and_(report.neighbourhood_id.is_(None), report.ward_id.is_(None))
        whose = or_(
            _in(report.neighbourhood_id, reach.hoods),
            _in(report.ward_id, reach.wards),
            _in(report.officer_id, reach.officers),
            nowhere,
        )
    rows = session.scalars(
        select(report)
        .where(
            report.deleted_at.is_(None),
            report.source_told_on.is_(None),
            report.tell_source_by <= today + AHEAD,
            whose,
        )
        .order_by(report.tell_source_by, report.force_reference, report.id)
    )
    labels = dict(INTEL_CATEGORIES)
    return tuple(
        TodayItem(
            "intelligence_reports",
            row.id,
            row.force_reference,
            labels.get(str(row.category), str(row.category)),
            row.tell_source_by,
            row.tell_source_by < today,
        )
        for row in rows
        if row.tell_source_by is not None
    )
