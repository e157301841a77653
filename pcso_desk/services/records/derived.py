"""Fields derived by the domain rules and kept in step whenever their inputs change."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pcso_desk.domain.enums import CaseStatus
from pcso_desk.domain.schedule import ContactFrequency, kin_checkin_due, next_victim_contact_due
from pcso_desk.store import models as m


def refresh_case(session: Session, case: m.VictimCase) -> None:
    """Next contact due = last *successful* contact + agreed frequency (domain rule)."""
    if case.deleted_at is not None or case.status == CaseStatus.CLOSED:
        case.next_contact_due = None
        return
    successful = session.scalars(
        select(m.VictimContact.contacted_at).where(
            m.VictimContact.case_id == case.id,
            m.VictimContact.successful.is_(True),
            m.VictimContact.deleted_at.is_(None),
        )
    ).all()
    case.next_contact_due = next_victim_contact_due(
        service_level=case.service_level,
        opened_at=case.opened_at,
        successful_contacts=list(successful),
        frequency=ContactFrequency.parse(case.contact_frequency or "monthly"),
        victim_asked_less_often=case.victim_asked_less_often,
    )


def refresh_case_of_contact(session: Session, contact: m.VictimContact) -> None:
    session.flush([contact])
    case = session.get(m.VictimCase, contact.case_id)
    if case is not None:
        refresh_case(session, case)


def refresh_member(session: Session, member: Any) -> None:
    """Last check-in and next due for a KIN member, from their live check-ins."""
    last = session.scalar(
        select(func.max(m.KinCheckIn.checked_on)).where(
            m.KinCheckIn.member_id == member.id, m.KinCheckIn.deleted_at.is_(None)
        )
    )
    member.last_checkin_on = last
    if member.left_on is not None or member.deleted_at is not None:
        member.next_checkin_due = None
        return
    member.next_checkin_due = kin_checkin_due(
        joined=member.joined_on, last_checkin=last, cadence_weeks=member.cadence_weeks or 6
    )


def refresh_member_of_checkin(session: Session, checkin: m.KinCheckIn) -> None:
    session.flush([checkin])
    member = session.get(m.KinMember, checkin.member_id)
    if member is not None:
        refresh_member(session, member)
