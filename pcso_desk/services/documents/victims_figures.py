"""The victims' figures of a monthly pack: Victims' Code compliance and satisfaction.

Compliance is the contacts due in the month on each victim's agreed cadence and tier, and how
many were made on time (`pcso_desk.domain.victims_code`); satisfaction is the scores (1 to 5)
given by the victims whose cases closed in the month. Counted over the area's wards.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from pcso_desk.domain.enums import CaseStatus, ServiceLevel
from pcso_desk.domain.victims_code import Compliance, compliance, contacts_due, frequency_of
from pcso_desk.store import models as m


def victim_cases(wards: list[str], start: datetime, end: datetime) -> Any:
    """Cases open at some time in the month."""
    return select(m.VictimCase.id).where(
        m.VictimCase.deleted_at.is_(None),
        m.VictimCase.ward_id.in_(wards),
        m.VictimCase.opened_at < end,
        or_(m.VictimCase.status == CaseStatus.OPEN, m.VictimCase.closed_at >= start),
    )


def cases_and_contacts(
    session: Session, wards: list[str], start: datetime, end: datetime
) -> tuple[list[Any], dict[str, list[datetime]]]:
    """The wards' victim cases open at some time in the month (with what the Victims' Code
    rule needs), and each one's successful contacts made before the month's end."""
    c = m.VictimCase
    cases = session.execute(
        select(
            c.id, c.service_level, c.opened_at, c.contact_frequency,
            c.victim_asked_less_often, c.status, c.closed_at, c.satisfaction,
        ).where(c.id.in_(victim_cases(wards, start, end)))
    ).all()  # fmt: skip
    made: dict[str, list[datetime]] = defaultdict(list)
    if cases:
        rows = session.execute(
            select(m.VictimContact.case_id, m.VictimContact.contacted_at).where(
                m.VictimContact.deleted_at.is_(None),
                m.VictimContact.successful.is_(True),
                m.VictimContact.case_id.in_([case.id for case in cases]),
                m.VictimContact.contacted_at < end,
            )
        )
        for case_id, at in rows:
            made[case_id].append(at)
    return list(cases), made


def victims_code_figures(
    session: Session, wards: list[str], start: datetime, end: datetime
) -> dict[str, Any]:
    """Victims' Code compliance over the month (`pcso_desk.domain.victims_code`): the
    contacts due in it on each victim's agreed cadence and tier, and how many were made on
    time; and the satisfaction scores (1 to 5) of the cases closed in it."""
    cases, made = cases_and_contacts(session, wards, start, end)
    total = Compliance(0, 0)
    closed_in_month = 0
    scores = []
    for case in cases:
        closed = case.closed_at if case.status == CaseStatus.CLOSED else None
        dues = contacts_due(
            service_level=case.service_level or ServiceLevel.STANDARD,
            opened_at=case.opened_at,
            successful_contacts=made.get(case.id, ()),
            frequency=frequency_of(case.contact_frequency or ""),
            until=end,
            victim_asked_less_often=bool(case.victim_asked_less_often),
            closed_at=closed,
        )
        total += compliance(dues, start, end)
        if closed is not None and start <= closed < end:
            closed_in_month += 1
            if case.satisfaction is not None:
                scores.append(int(case.satisfaction))
    return {
        "victim_contacts_due": total.due,
        "victim_contacts_on_time": total.on_time,
        "victim_cases_closed": closed_in_month,
        "victim_satisfaction": tuple(sorted(scores)),
    }
