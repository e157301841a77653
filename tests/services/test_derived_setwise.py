"""After a sync merge, victim cases' next contact due and KIN members' last and next check-in
are refreshed set-wise (one UPDATE per kind, services/records/derived.py): the dates must be
exactly those the per-record rule (`refresh_case`, `refresh_member`) gives, edge cases and all.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import select

from pcso_desk.domain.enums import CaseStatus, CheckInMethod, ServiceLevel, VisitMethod, VisitType
from pcso_desk.services.records import derived
from pcso_desk.services.sync.apply import refresh_derived
from pcso_desk.store import models as m

FREQUENCIES = ("monthly", "weekly", "fortnightly", "daily", "every 3 weeks", "2w", "every 2 months")
# Around the clock changes (London), month ends and a leap day: the calendar edge cases.
MOMENTS = (
    datetime(2026, 3, 28, 0, 30, tzinfo=UTC),
    datetime(2026, 3, 29, 0, 30, tzinfo=UTC),
    datetime(2026, 3, 29, 1, 30, tzinfo=UTC),
    datetime(2026, 10, 24, 23, 59, tzinfo=UTC),
    datetime(2026, 10, 25, 0, 30, tzinfo=UTC),
    datetime(2026, 10, 25, 1, 30, tzinfo=UTC),
    datetime(2026, 1, 31, 12, 0, tzinfo=UTC),
    datetime(2028, 2, 29, 23, 30, tzinfo=UTC),
    datetime(2026, 12, 31, 23, 59, 59, tzinfo=UTC),
)


def _moment(rng: random.Random) -> datetime:
    if rng.random() < 0.4:
        return rng.choice(MOMENTS) + timedelta(days=rng.choice((0, 0, -1, 1)))
    return datetime(2026, 1, 1, tzinfo=UTC) + timedelta(seconds=rng.randrange(400 * 86_400))


def _store(session: Any, world: Any, rng: random.Random) -> tuple[list[str], list[str]]:
    """Many victim cases and KIN members, each an edge case or a random one, with garbage
    in their derived fields. Returns the case and member ids."""
    contacts = []
    for number in range(120):
        withdrawn = _moment(rng) if number % 5 == 0 else None  # said: do not contact
        contacts.append(m.Contact(name=f"Person {number}", consent_withdrawn_at=withdrawn))
    session.add_all(contacts)
    session.flush()
    cases = []
    for number in range(400):
        case = m.VictimCase(
            victim_id=rng.choice(contacts).id,
            crime_reference=f"41/{number:05d}/26",
            offence_type="Burglary",
            opened_at=_moment(rng),
            service_level=rng.choice(list(ServiceLevel)),
            contact_frequency=rng.choice(FREQUENCIES),
            victim_asked_less_often=rng.random() < 0.3,
            status=CaseStatus.CLOSED if number % 7 == 0 else CaseStatus.OPEN,
            deleted_at=_moment(rng) if number % 11 == 0 else None,
            next_contact_due=_moment(rng) if number % 2 else None,  # stale, to be replaced
        )
        cases.append(case)
    session.add_all(cases)
    session.flush()
    for number, case in enumerate(cases):
        # None, one, two or several contacts; some unanswered, some deleted.
        for _ in range((0, 1, 2, rng.randrange(3, 8))[number % 4]):
            session.add(
                m.VictimContact(
                    case_id=case.id,
                    contacted_at=_moment(rng),
                    visit_type=VisitType.FOLLOW_UP,
                    method=VisitMethod.PHONE,
                    successful=rng.random() < 0.7,
                    deleted_at=_moment(rng) if rng.random() < 0.15 else None,
                )
            )
    kin = m.Kin(name="Riverside KIN", neighbourhood_id=world.neighbourhood)
    session.add(kin)
    session.flush()
    members = []
    for number in range(300):
        joined = date(2025, 1, 1) + timedelta(days=rng.randrange(800))
        member = m.KinMember(
            kin_id=kin.id,
            contact_id=rng.choice(contacts).id,
            cadence_weeks=rng.choice((1, 2, 4, 6, 6, 8, 13, 52)),
            joined_on=joined,
            left_on=joined + timedelta(days=30) if number % 6 == 0 else None,
            deleted_at=_moment(rng) if number % 13 == 0 else None,
            last_checkin_on=date(2001, 1, 1) if number % 3 else None,  # stale
            next_checkin_due=date(2001, 2, 2) if number % 2 else None,
        )
        members.append(member)
    session.add_all(members)
    session.flush()
    for number, member in enumerate(members):
        for _ in range((0, 1, rng.randrange(2, 6))[number % 3]):
            session.add(
                m.KinCheckIn(
                    member_id=member.id,
                    checked_on=member.joined_on + timedelta(days=rng.randrange(-10, 500)),
                    method=CheckInMethod.PHONE,
                    safety_score=3,
                    deleted_at=_moment(rng) if rng.random() < 0.2 else None,
                )
            )
    session.flush()
    return [case.id for case in cases], [member.id for member in members]


def _dates(session: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    session.expire_all()
    cases = dict(session.execute(select(m.VictimCase.id, m.VictimCase.next_contact_due)).all())
    members = {
        row.id: (row.last_checkin_on, row.next_checkin_due)
        for row in session.execute(
            select(m.KinMember.id, m.KinMember.last_checkin_on, m.KinMember.next_checkin_due)
        )
    }
    return cases, members


def _per_record(session: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    for case in session.scalars(select(m.VictimCase)):
        derived.refresh_case(session, case)
    for member in session.scalars(select(m.KinMember)):
        derived.refresh_member(session, member)
    session.flush()
    return _dates(session)


def test_set_wise_refresh_gives_the_per_record_rules_dates(ctx, world) -> None:  # type: ignore[no-untyped-def]
    with ctx.store.write() as session:
        _store(session, world, random.Random(25))
        session.flush()
        session.commit()
    with ctx.store.write() as session:
        expected = _per_record(session)
        session.rollback()
    with ctx.store.write() as session:
        derived.refresh_cases(session)
        derived.refresh_members(session)
        found = _dates(session)
        session.rollback()
    cases, members = expected
    assert found[0] == cases and found[1] == members
    # The store held every edge case (so the comparison above covered them).
    assert None in cases.values() and len({v for v in cases.values() if v}) > 200
    assert (None, None) in members.values() and any(last and due for last, due in members.values())


def test_sync_refresh_touches_only_the_cases_and_members_whose_inputs_changed(ctx, world) -> None:  # type: ignore[no-untyped-def]
    with ctx.store.write() as session:
        case_ids, member_ids = _store(session, world, random.Random(7))
        session.commit()
    with ctx.store.write() as session:
        expected_cases, expected_members = _per_record(session)
        session.rollback()
    with ctx.store.write() as session:
        before_cases, before_members = _dates(session)
        contact = session.scalars(
            select(m.VictimContact.id).where(m.VictimContact.case_id == case_ids[5])
        ).first()
        checkin = session.scalars(
            select(m.KinCheckIn.id).where(m.KinCheckIn.member_id == member_ids[4])
        ).first()
        refresh_derived(
            session,
            {
                "victim_cases": [case_ids[1]],
                "victim_contacts": [contact],
                "kin_members": [member_ids[2]],
                "kin_checkins": [checkin],
                "contacts": ["not-a-case"],
            },
        )
        after_cases, after_members = _dates(session)
    refreshed_cases, refreshed_members = {case_ids[1], case_ids[5]}, {member_ids[2], member_ids[4]}
    for case_id, due in after_cases.items():
        wanted = expected_cases if case_id in refreshed_cases else before_cases
        assert due == wanted[case_id], case_id
    for member_id, dates in after_members.items():
        wanted = expected_members if member_id in refreshed_members else before_members
        assert dates == wanted[member_id], member_id
    assert any(before_cases[c] != expected_cases[c] for c in refreshed_cases)
