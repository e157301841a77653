"""The county policy's measures in the internal monthly pack: intelligence submitted and its
sources told (the ledger: references and categories only), and compliments counted apart
from dissatisfaction. Internal only: exact counts, never in a public pack.

Intelligence reports count in the area's wards (a neighbourhood's reports placed in no ward
count for the neighbourhood); messages belong to the team, so they count for the
neighbourhood(s) the area's wards belong to, as the pack's other message figures do.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from pcso_desk.domain.enums import MessageKind
from pcso_desk.domain.months import month_bounds
from pcso_desk.reports.monthly_pack import Area, PackTable
from pcso_desk.services.context import Context
from pcso_desk.store import models as m

TABLE_NAME = "county-policy"
TITLE = "County policy: intelligence and compliments (internal)"


def _intelligence_scope(area: Area) -> Any:
    report = m.IntelligenceReport
    scope: Any = report.ward_id.in_(area.ward_ids)
    if area.kind == "neighbourhood":
        scope = or_(
            scope,
            and_(report.ward_id.is_(None), report.neighbourhood_id.in_(area.neighbourhood_ids)),
        )
    return and_(report.deleted_at.is_(None), scope)


def _count(session: Session, *where: Any) -> int:
    return int(session.scalar(select(func.count()).where(*where)) or 0)


def policy_table(ctx: Context, area: Area, month: str) -> PackTable:
    """The month's measures for `area`, as one two-column table."""
    start, end = month_bounds(month)
    first, after = start.date(), end.date()
    last = after - timedelta(days=1)
    report, message = m.IntelligenceReport, m.Message
    with ctx.store.read() as session:
        scope = _intelligence_scope(area)
        submitted = _count(
            session, scope, report.submitted_on >= first, report.submitted_on < after
        )
        told = _count(session, scope, report.source_told_on >= first, report.source_told_on < after)
        waiting = _waiting(session, scope, last)
        late = _waiting(session, scope, last, overdue=True)

        def messages(kind: MessageKind) -> int:
            return _count(
                session,
                message.deleted_at.is_(None),
                message.neighbourhood_id.in_(area.neighbourhood_ids),
                message.kind == kind,
                message.received_at >= start,
                message.received_at < end,
            )

        compliments = messages(MessageKind.COMPLIMENT)
        dissatisfied = messages(MessageKind.DISSATISFACTION)
    rows: tuple[tuple[Any, ...], ...] = (
        ("Intelligence reports submitted", submitted),
        ("Sources told what happened", told),
        ("Sources still to be told at the month's end", waiting),
        ("Of those, past the date to tell them", late),
        ("Compliments received", compliments),
        ("Expressions of dissatisfaction received", dissatisfied),
    )
    return PackTable(TABLE_NAME, TITLE, ("Measure", "Value"), rows)


def _waiting(session: Session, scope: Any, last: date, *, overdue: bool = False) -> int:
    """Reports submitted by `last` whose source was not told by then (past its date)."""
    report = m.IntelligenceReport
    when = report.tell_source_by < last if overdue else report.tell_source_by.is_not(None)
    return _count(
        session,
        scope,
        when,
        report.submitted_on <= last,
        or_(report.source_told_on.is_(None), report.source_told_on > last),
    )
