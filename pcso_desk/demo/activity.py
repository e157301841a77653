"""The demo's year of neighbourhood work: KINs and check-ins, public meetings, the priorities
they agree with their actions, and the patrol log with its abstractions.

Derived fields are set with the domain rules themselves (next KIN check-in, priority review date),
so the demo store agrees with what the services would compute.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, datetime, timedelta

from pcso_desk.demo import places
from pcso_desk.demo.world import (
    Hood,
    Person,
    Ward,
    Weighted,
    World,
    at,
)
from pcso_desk.domain.enums import (
    AbstractionReason,
    CheckInMethod,
    ContactKind,
    IssueCategory,
    MeetingStatus,
    MeetingType,
    PatrolMode,
    PriorityStatus,
    ReviewDecision,
    Role,
)
from pcso_desk.domain.schedule import (
    LONDON,
    add_months,
    kin_checkin_due,
    priority_review_due,
)
from pcso_desk.store import models as m

ISSUES = [i.value for i in IssueCategory]
ISSUE = Weighted(ISSUES, [20, 8, 8, 10, 14, 14, 8, 10, 6, 6])


# --- Key Individual Networks --------------------------------------------------------------

CHECKIN_METHODS = list(CheckInMethod)
CADENCE_WEEKS = 6


def _kins(w: World) -> None:
    rng = w.rng("kins")
    for hood in w.hoods:
        founded = at(w.start - timedelta(days=rng.randint(60, 400)), 10 * 60)
        row = {
            "name": f"{hood.place.name} Key Individual Network",
            "neighbourhood_id": hood.id,
            "ward_id": None,
            "description": "Shopkeepers, faith leaders, head teachers and "
            f"residents' association chairs who speak for the communities of {hood.place.name}.",
        }
        kin = w.sink.add(m.Kin, row, founded)
        safety = rng.uniform(3.0, 4.3)
        for ward, person in _kin_people(w, rng, hood):
            _kin_member(w, rng, kin, ward, person, safety)


def _kin_people(w: World, rng: random.Random, hood: Hood) -> list[tuple[Ward, Person]]:
    """8-20 people known for a fortnight or more, favouring those with a community role."""
    cutoff = w.moment - timedelta(days=14)
    known = [(ward, p) for ward in hood.wards for p in ward.contacts if p.created < cutoff]
    keyed = [pair for pair in known if pair[1].kind is not ContactKind.RESIDENT]
    residents = [pair for pair in known if pair[1].kind is ContactKind.RESIDENT]
    size = rng.randint(8, 20)
    pool = keyed + rng.sample(residents, min(len(residents), size))
    return rng.sample(pool, min(size, len(pool)))


def _kin_member(
    w: World, rng: random.Random, kin: str, ward: Ward, person: Person, safety: float
) -> None:
    joined = max(
        person.created.date() + timedelta(days=1), w.today - timedelta(days=rng.randint(30, 900))
    )
    left = joined + timedelta(days=rng.randint(90, 400)) if rng.random() < 0.1 else None
    left = left if left is not None and left < w.today else None
    days = _checkin_days(w, rng, joined, left)
    last = days[-1] if days else None
    row = {
        "kin_id": kin,
        "contact_id": person.id,
        "represents": person.street,
        "why_key": places.KIN_WHY[person.kind.value].format(street=person.street),
        "cadence_weeks": CADENCE_WEEKS,
        "joined_on": joined,
        "left_on": left,
        "last_checkin_on": last,
        "next_checkin_due": None
        if left
        else kin_checkin_due(joined=joined, last_checkin=last, cadence_weeks=CADENCE_WEEKS),
    }
    changed = at(max(d for d in (last, left, joined) if d is not None), 18 * 60)
    member = w.sink.add(m.KinMember, row, at(joined, 10 * 60), changed=changed)
    for day in days:
        _checkin(w, rng, member, ward, day, safety)


def _checkin_days(w: World, rng: random.Random, joined: date, left: date | None) -> list[date]:
    """Roughly every six weeks from joining; some members lapse and become overdue."""
    stop = left or w.today
    if rng.random() < 0.2:
        stop = min(stop, w.today - timedelta(days=rng.randint(50, 150)))
    days: list[date] = []
    day = joined + timedelta(weeks=CADENCE_WEEKS, days=rng.randint(-7, 10))
    while day < stop:
        if day >= w.start:
            days.append(day)
        day += timedelta(weeks=CADENCE_WEEKS, days=rng.randint(-7, 10))
    return days


def _checkin(
    w: World, rng: random.Random, member: str, ward: Ward, day: date, safety: float
) -> None:
    officer = rng.choice(ward.officers)
    issue = ISSUE.pick(rng) if rng.random() < 0.6 else ""
    row = {
        "member_id": member,
        "checked_on": day,
        "officer_id": officer,
        "method": rng.choices(CHECKIN_METHODS, [40, 40, 10, 10])[0],
        "safety_score": min(5, max(1, round(rng.gauss(safety, 0.8)))),
        "concerns": rng.choice(places.ENGAGEMENT_TEXT[issue]).format(street=rng.choice(ward.areas))
        if issue
        else "",
        "suggested_priorities": IssueCategory(issue).label if issue and rng.random() < 0.4 else "",
    }
    w.sink.add(m.KinCheckIn, row, at(day, rng.randrange(10 * 60, 19 * 60)), by=officer)


# --- meetings -----------------------------------------------------------------------------

PANELS = (MeetingType.PACT, MeetingType.WARD_PANEL)
# kind: (title, venue, minute of day, minutes long, attendance range)
MEETING_PLAN: dict[MeetingType, tuple[str, str, int, int, tuple[int, int]]] = {
    MeetingType.PACT: ("{hood} PACT meeting", "{first} Community Centre", 1140, 90, (8, 40)),
    MeetingType.WARD_PANEL: ("{hood} ward panel", "{first} Community Centre", 1140, 90, (8, 40)),
    MeetingType.SURGERY: ("PCSO surgery, {ward}", "{ward} Library", 600, 120, (2, 12)),
    MeetingType.STREET_BRIEFING: (
        "Street briefing: {street}, {ward}",
        "{street}",
        1080,
        60,
        (5, 25),
    ),
    MeetingType.MOBILE_STATION: (
        "Mobile police station: {ward}",
        "{street} shopping parade",
        660,
        180,
        (10, 60),
    ),
    MeetingType.COMMUNITY_EVENT: (
        "{ward} community fun day",
        "{ward} Recreation Ground",
        720,
        240,
        (40, 200),
    ),
}
PUBLIC_TITLES = {
    MeetingType.PACT: "{hood} PACT: have your say",
    MeetingType.WARD_PANEL: "{hood} ward panel: have your say",
    MeetingType.COMMUNITY_EVENT: "{ward} community fun day",
}
CANCELLED = (
    "Cancelled: officers redeployed to a major incident.",
    "Cancelled: the venue was unavailable.",
)


def _meetings(w: World) -> None:
    rng = w.rng("meetings")
    first = date(w.start.year, w.start.month, 1)
    for hood in w.hoods:
        panel = rng.choice(PANELS)
        week, weekday = rng.randint(0, 3), rng.randint(0, 3)  # e.g. the 2nd Tuesday monthly
        for k in range(15):
            month = add_months(first, k)
            day = month + timedelta(days=(weekday - month.weekday()) % 7 + 7 * week)
            _meeting(w, rng, hood, panel, day, hood.wards)
            kinds = [MeetingType.SURGERY, MeetingType.STREET_BRIEFING, MeetingType.MOBILE_STATION]
            kinds += [MeetingType.COMMUNITY_EVENT] if k % 3 == 1 else []
            for kind in kinds:
                day = month + timedelta(days=rng.randint(0, 27))
                if kind is MeetingType.COMMUNITY_EVENT:  # on a Saturday
                    day += timedelta(days=(5 - day.weekday()) % 7)
                elif day.weekday() >= 5:  # on a weekday
                    day += timedelta(days=7 - day.weekday())
                _meeting(w, rng, hood, kind, day, [rng.choice(hood.wards)])


def _meeting(
    w: World, rng: random.Random, hood: Hood, kind: MeetingType, day: date, wards: list[Ward]
) -> None:
    if day < w.start or day > w.today + timedelta(days=42):
        return
    title, venue, minute, length, crowd = MEETING_PLAN[kind]
    names = {
        "hood": hood.place.name,
        "first": hood.wards[0].name,
        "ward": wards[0].name,
        "street": rng.choice(wards[0].areas),
    }
    starts = at(day, minute)
    ends = starts + timedelta(minutes=length)
    status = MeetingStatus.PLANNED
    if day < w.today:
        status = MeetingStatus.CANCELLED if rng.random() < 0.08 else MeetingStatus.HELD
    row = {
        "meeting_type": kind,
        "title": title.format(**names),
        # Panels and fun days have a public title; surgeries, briefings and mobile stations
        # go on public paper by their type and venue.
        "public_title": PUBLIC_TITLES.get(kind, "").format(**names),
        "venue": venue.format(**names),
        "starts_at": starts,
        "ends_at": ends,
        "status": status,
        "neighbourhood_id": hood.id,
        "attendance": rng.randint(*crowd) if status is MeetingStatus.HELD else None,
        **_minutes(rng, status, kind in PANELS),
    }
    created = starts - timedelta(days=rng.randint(21, 42))
    changed = None if status is MeetingStatus.PLANNED else ends + timedelta(hours=1)
    meeting = w.sink.add(m.Meeting, row, created, changed=changed)
    _meeting_links(w, rng, hood, meeting, wards, created)
    if status is MeetingStatus.HELD and kind in PANELS:
        hood.pacts.append((meeting, starts, title.format(**names)))


def _minutes(rng: random.Random, status: MeetingStatus, panel: bool) -> dict[str, str]:
    """Partners present and issues raised at a held public meeting; why one was cancelled."""
    held_panel = panel and status is MeetingStatus.HELD
    issues = sorted({ISSUE.pick(rng) for _ in range(3)}) if held_panel else []
    return {
        "partners_present": "; ".join(rng.sample(places.PARTNERS, 2)) if held_panel else "",
        "issues_raised": "; ".join(IssueCategory(i).label for i in issues),
        "notes": rng.choice(CANCELLED) if status is MeetingStatus.CANCELLED else "",
    }


def _meeting_links(
    w: World, rng: random.Random, hood: Hood, meeting: str, wards: list[Ward], created: datetime
) -> None:
    """The meeting's wards, and one to three of the team's officers present."""
    for ward in wards:
        w.sink.add(m.MeetingWard, {"meeting_id": meeting, "ward_id": ward.id}, created)
    officers = hood.ids()
    for officer in rng.sample(officers, rng.randint(1, min(3, len(officers)))):
        w.sink.add(m.MeetingOfficer, {"meeting_id": meeting, "officer_id": officer}, created)


# --- priorities ---------------------------------------------------------------------------

REVIEWS = (
    (
        0.45,
        PriorityStatus.IN_PROGRESS,
        ReviewDecision.KEEP,
        "Residents are still raising it; kept for another three months.",
    ),
    (
        0.85,
        PriorityStatus.RESOLVED,
        ReviewDecision.DROP,
        "Reports have fallen and the meeting agreed it is no longer a priority.",
    ),
    (
        1.0,
        PriorityStatus.DROPPED,
        ReviewDecision.DROP,
        "Replaced by a more pressing issue raised at the meeting.",
    ),
)


def _priorities(w: World) -> None:
    """2-4 per team, agreed at held PACT/ward panel meetings: the latest, the one whose
    priorities come up for review next, and older ones already reviewed."""
    rng = w.rng("priorities")
    for hood in w.hoods:
        held = sorted(hood.pacts, key=lambda meeting: meeting[1])
        reviews = [priority_review_due(starts.astimezone(LONDON).date()) for _, starts, _ in held]
        due_next = next((i for i, day in enumerate(reviews) if day >= w.today), len(held) - 1)
        older = due_next - rng.randint(2, 4)
        picks = [len(held) - 1, due_next, older, older - rng.randint(3, 4)]
        chosen = sorted({i for i in picks[: rng.randint(2, 4)] if 0 <= i < len(held)})
        categories = rng.sample(sorted(places.PRIORITY_TEXT), len(chosen))
        for index, category in zip(chosen, categories, strict=True):
            _priority(w, rng, hood, held[index], category)


def _priority(
    w: World, rng: random.Random, hood: Hood, meeting: tuple[str, datetime, str], category: str
) -> None:
    meeting_id, starts, source = meeting
    agreed = starts.astimezone(LONDON).date()
    review = priority_review_due(agreed)
    status, decision, reason = _review(rng, review, w.today)
    ward = rng.choice(hood.wards)
    street = rng.choice(ward.areas)
    text = places.PRIORITY_TEXT[category]
    row = {
        "title": text.title.format(street=street),
        "public_wording": text.public.format(street=street),
        "internal_notes": "Raised by several residents; check the crime figures before review.",
        "category": IssueCategory(category),
        "neighbourhood_id": hood.id,
        "ward_id": ward.id if rng.random() < 0.7 else None,
        "meeting_id": meeting_id,
        "source": source,
        "agreed_on": agreed,
        "review_on": review,
        "owner_id": rng.choice(hood.ids(Role.PC, Role.PCSO)),
        "status": status,
        "review_decision": decision,
        "review_decided_on": review if decision else None,
        "review_reason": reason,
    }
    changed = at(review, 12 * 60) if decision else None
    priority = w.sink.add(m.Priority, row, starts + timedelta(hours=2), changed=changed)
    last = min(w.today - timedelta(days=1), review + timedelta(days=60) if decision else w.today)
    texts = [(note, line.format(street=street)) for note, line in text.actions]
    _actions(w, rng, hood, priority, agreed, last, texts)


def _review(
    rng: random.Random, review: date, today: date
) -> tuple[PriorityStatus, ReviewDecision | None, str]:
    """Past its review date a priority was kept or dropped; before it, it is open or under way."""
    if review >= today:
        return (PriorityStatus.IN_PROGRESS if rng.random() < 0.6 else PriorityStatus.OPEN), None, ""
    roll = rng.random()
    _, status, decision, reason = next(r for r in REVIEWS if roll < r[0])
    return status, decision, reason


def _actions(
    w: World,
    rng: random.Random,
    hood: Hood,
    priority: str,
    agreed: date,
    last: date,
    texts: list[tuple[str, str]],
) -> None:
    """Two or three dated actions after the meeting, each with a "you said, we did" sentence."""
    span = (last - agreed).days
    count = rng.randint(2, len(texts)) if span >= 3 else 1
    offsets = sorted(rng.sample(range(1, span + 1), count)) if span >= 3 else [0]
    for offset, (description, public) in zip(offsets, texts, strict=False):
        day = agreed + timedelta(days=offset)
        officer = rng.choice(hood.ids(Role.PC, Role.PCSO))
        row = {
            "priority_id": priority,
            "action_on": day,
            "officer_id": officer,
            "description": description,
            "public_text": public,
        }
        w.sink.add(m.PriorityAction, row, at(day, 16 * 60), by=officer)


# --- patrol log ---------------------------------------------------------------------------

MODE = Weighted(list(PatrolMode), [60, 15, 25])  # foot, cycle, vehicle
REASONS = list(AbstractionReason)
REASON_WEIGHTS = [15, 35, 40, 10]  # court, training, other duties, admin
REASON_NOTES = {
    AbstractionReason.COURT: "Witness at magistrates' court.",
    AbstractionReason.TRAINING: "Officer safety training.",
    AbstractionReason.OTHER_DUTIES: "Aid to a football match and town centre cover.",
    AbstractionReason.ADMIN: "Station duties.",
}


def _patrols(w: World) -> None:
    """Shifts of patrol in attached wards; abstractions keep each officer near 75-90% local."""
    rng = w.rng("patrols")
    for hood in w.hoods:
        for officer, _role in hood.officers:
            wards = [ward for ward in hood.wards if officer in ward.officers] or hood.wards
            share, owed = rng.uniform(0.76, 0.91), 0.0
            for week in range(52):
                monday = w.start + timedelta(weeks=week)
                owed = _patrol_week(w, rng, officer, wards, monday, share, owed)


def _patrol_week(
    w: World,
    rng: random.Random,
    officer: str,
    wards: list[Ward],
    monday: date,
    share: float,
    owed: float,
) -> float:
    """One week's shifts; time owed to abstractions builds up until a block of it is taken."""
    days = rng.sample(range(7), 7)
    shifts, spare = days[: w.scale.shifts_per_week], days[w.scale.shifts_per_week :]
    minutes = sum(_shift(w, rng, officer, wards, monday + timedelta(d)) for d in sorted(shifts))
    weekly = min(0.99, max(0.5, rng.gauss(share, 0.05)))
    owed += minutes * (1 - weekly) / weekly
    day = monday + timedelta(days=rng.choice(spare))
    if owed >= 60 and day < w.today:
        length = min(int(owed) // 15 * 15, 600)
        starts = at(day, 9 * 60)
        ends = starts + timedelta(minutes=length)
        reason = rng.choices(REASONS, REASON_WEIGHTS)[0]
        row = {
            "officer_id": officer,
            "starts_at": starts,
            "ends_at": ends,
            "reason": reason,
            "notes": REASON_NOTES[reason],
        }
        w.sink.add(m.Abstraction, row, ends, by=officer)
        owed -= length
    return owed


def _shift(w: World, rng: random.Random, officer: str, wards: list[Ward], day: date) -> int:
    """Patrol sessions in one early or late shift; returns the minutes patrolled."""
    if day >= w.today:
        return 0
    clock, total = rng.choice((7 * 60, 7 * 60, 14 * 60)) + 30, 0
    for _ in range(rng.randint(1, w.scale.max_sessions)):
        length = rng.randrange(60, 165, 15)
        ward = rng.choice(wards)
        starts = at(day, clock)
        ends = starts + timedelta(minutes=length)
        row = {
            "officer_id": officer,
            "ward_id": ward.id,
            "starts_at": starts,
            "ends_at": ends,
            "mode": MODE.pick(rng),
            "notes": "",
            "hot_spots": rng.sample(ward.areas, rng.randint(0, 2)),
        }
        w.sink.add(m.PatrolSession, row, ends, by=officer)
        total += length
        clock += length + rng.randrange(15, 60, 15)
    return total


STAGES: tuple[tuple[str, Callable[[World], None]], ...] = (
    ("Key Individual Networks…", _kins),
    ("Meetings…", _meetings),
    ("Priorities…", _priorities),
    ("Patrol log…", _patrols),
)
