"""Fields derived by the domain rules and kept in step whenever their inputs change."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pcso_desk.domain.enums import CaseStatus, ServiceLevel
from pcso_desk.domain.schedule import ContactFrequency, kin_checkin_due, next_victim_contact_due
from pcso_desk.store import models as m
from pcso_desk.store.types import UTCDateTime


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


# Set-wise refreshes: after a sync merge, one UPDATE per kind over every record whose inputs
# may have changed, giving exactly the dates `refresh_case` and `refresh_member` give one
# record at a time. `ids` is a SELECT returning the ids to refresh (None: every record).

_DATETIME = UTCDateTime()


def _case_due(
    level: str,
    opened: str,
    frequency: str | None,
    asked_less_often: int | None,
    last: str | None,
    successful: int,
) -> str | None:
    """`next_victim_contact_due` on stored values (SQL function `pcso_case_due`): the rule
    reads only the latest successful contact and whether there was exactly one."""
    last_at = _DATETIME.process_result_value(last, _NO_DIALECT)
    due = next_victim_contact_due(
        service_level=ServiceLevel(level),
        opened_at=_DATETIME.process_result_value(opened, _NO_DIALECT),  # type: ignore[arg-type]
        successful_contacts=[] if last_at is None else [last_at] * min(successful, 2),
        frequency=ContactFrequency.parse(frequency or "monthly"),
        victim_asked_less_often=bool(asked_less_often),
    )
    return _DATETIME.process_bind_param(due, _NO_DIALECT)


_NO_DIALECT: Any = None  # UTCDateTime's conversions do not look at the dialect


def refresh_cases(session: Session, ids: str | None = None, params: Sequence[Any] = ()) -> None:
    """`refresh_case` for every victim case `ids` selects, in one UPDATE. The date rule is
    the domain's (London wall-clock calendar arithmetic, which SQLite cannot do), called
    per row as the SQL function `pcso_case_due` over the latest successful contact and the
    count of successful ones (at most 2), both read by an indexed subquery."""
    session.flush()
    connection = session.connection()
    raw: Any = connection.connection.driver_connection
    raw.create_function("pcso_case_due", 6, _case_due, deterministic=True)
    where = "" if ids is None else f"WHERE id IN ({ids})"
    connection.exec_driver_sql(
        f"""
        UPDATE victim_cases SET next_contact_due = CASE
            WHEN deleted_at IS NOT NULL OR status = '{CaseStatus.CLOSED.value}' THEN NULL
            ELSE pcso_case_due(
                service_level, opened_at, contact_frequency, victim_asked_less_often,
                (SELECT max(contacted_at) FROM victim_contacts AS c
                 WHERE c.case_id = victim_cases.id AND c.successful IS 1
                 AND c.deleted_at IS NULL),
                (SELECT count(*) FROM (SELECT 1 FROM victim_contacts AS c
                 WHERE c.case_id = victim_cases.id AND c.successful IS 1
                 AND c.deleted_at IS NULL LIMIT 2)))
            END
        {where}
        """,
        tuple(params),
    )
    _expire(session, m.VictimCase, ("next_contact_due",))


def refresh_members(session: Session, ids: str | None = None, params: Sequence[Any] = ()) -> None:
    """`refresh_member` for every KIN member `ids` selects, in one UPDATE: the latest live
    check-in, and the next due one cadence (6 weeks if none is set) after it, or after
    joining when there is none; none due once the member has left or is deleted."""
    session.flush()
    where = "" if ids is None else f"WHERE id IN ({ids})"
    last = (
        "(SELECT max(k.checked_on) FROM kin_checkins AS k "
        "WHERE k.member_id = kin_members.id AND k.deleted_at IS NULL)"
    )
    session.connection().exec_driver_sql(
        f"""
        UPDATE kin_members SET
            last_checkin_on = {last},
            next_checkin_due = CASE
                WHEN left_on IS NOT NULL OR deleted_at IS NOT NULL THEN NULL
                ELSE date(coalesce({last}, joined_on),
                          '+' || (7 * coalesce(nullif(cadence_weeks, 0), 6)) || ' days')
            END
        {where}
        """,
        tuple(params),
    )
    _expire(session, m.KinMember, ("last_checkin_on", "next_checkin_due"))


def _expire(session: Session, model: Any, names: tuple[str, ...]) -> None:
    """Drop the session's copies of fields an UPDATE has just rewritten under it."""
    for record in list(session.identity_map.values()):
        if isinstance(record, model):
            session.expire(record, list(names))
