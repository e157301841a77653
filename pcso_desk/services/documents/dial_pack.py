"""The internal pack's "Did it move the dial?" table: for each priority of the area that was
live in the month (or reviewed in it), its figures before it was agreed and since
(services/casework/raised.py), counted up to the month's last day. Internal only: the times
raised and the KIN safety score are counts from the team's records about people."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from pcso_desk.domain.enums import PriorityStatus
from pcso_desk.domain.months import month_bounds
from pcso_desk.reports.monthly_pack import Area, PackTable
from pcso_desk.services.casework.raised import before_after
from pcso_desk.services.context import Context
from pcso_desk.store import models as m

LIVE = (PriorityStatus.OPEN, PriorityStatus.IN_PROGRESS)
HEADER = ("Priority", "Measure", "Before", "Since agreed")


def dial_tables(ctx: Context, area: Area, month: str) -> tuple[PackTable, ...]:
    """One table ("priority-dial"), or none when the area had no priority in the month."""
    start, end = month_bounds(month)
    first = start.date()
    last = (end - timedelta(days=1)).date()
    scope = (
        m.Priority.neighbourhood_id.in_(area.neighbourhood_ids)
        if area.kind == "neighbourhood"
        else m.Priority.ward_id.in_(area.ward_ids)
    )
    rows: list[tuple[str, str, str, str]] = []
    with ctx.store.read() as session:
        found = session.scalars(
            select(m.Priority)
            .where(m.Priority.deleted_at.is_(None), m.Priority.agreed_on <= last, scope)
            .order_by(m.Priority.agreed_on, m.Priority.title, m.Priority.id)
        ).all()
        for priority in found:
            decided = priority.review_decided_on
            if priority.status not in LIVE and not (decided and first <= decided <= last):
                continue
            seen = before_after(session, priority.id, last)
            for n, figure in enumerate(seen.figures):
                rows.append(
                    (
                        f"{priority.title} ({seen.category}), agreed {_day(seen.agreed_on)}"
                        if n == 0
                        else "",
                        figure.measure,
                        figure.shown(figure.before),
                        figure.shown(figure.after),
                    )
                )
    if not rows:
        return ()
    # Before: as many days just before agreement as have passed since, up to the month's
    # end (crimes: whole months, the month of agreement in neither).
    title = "Did it move the dial? Priorities before and since agreed (internal)"
    return (PackTable("priority-dial", title, HEADER, tuple(rows)),)


def _day(value: date) -> str:
    return f"{value.day} {value:%b %Y}"
