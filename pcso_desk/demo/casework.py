"""The demo's casework: victim care cases and visits, messages to the team, crime figures.

Victim cases get `next_contact_due` from the domain rule over their successful visits only, so
the demo store agrees with what the services compute, and some open cases are left overdue.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from pcso_desk.demo import boundaries, places
from pcso_desk.demo.world import (
    Hood,
    Person,
    Ward,
    Weighted,
    World,
    apportion,
    at,
    poisson,
)
from pcso_desk.domain.enums import (
    CaseStatus,
    ContactMethod,
    EnhancedReason,
    MessageChannel,
    MessageKind,
    ServiceLevel,
    VisitMethod,
    VisitType,
)
from pcso_desk.domain.schedule import LONDON, ContactFrequency, add_months, next_victim_contact_due
from pcso_desk.store import models as m

# --- victim care --------------------------------------------------------------------------

FREQUENCY = Weighted(("monthly", "fortnightly", "weekly", "every 3 weeks"), (50, 25, 10, 15))
# The first contact reassures, the second gives crime prevention advice, the rest follow up.
VISIT_TYPES = (VisitType.INITIAL_REASSURANCE, VisitType.CRIME_PREVENTION, VisitType.FOLLOW_UP)
VISIT_METHODS = {
    ContactMethod.PHONE: VisitMethod.PHONE,
    ContactMethod.EMAIL: VisitMethod.EMAIL,
    ContactMethod.LETTER: VisitMethod.LETTER,
    ContactMethod.TEXT: VisitMethod.PHONE,
    ContactMethod.IN_PERSON: VisitMethod.VISIT,
}
VISIT_NOTES = (
    "Updated on the investigation; no new concerns.",
    "Gave crime prevention advice and checked locks.",
    "Victim reassured; will call 101 if anything changes.",
    "No answer; left a calling card.",
    "No reply; try again.",
)


def _victims(w: World) -> None:
    """Cases across the county; the first is left without contact so that one is overdue."""
    rng = w.rng("victims")
    forced = True
    for ward, n in zip(
        w.wards, apportion(w.scale.victim_cases, [x.weight for x in w.wards]), strict=True
    ):
        for _ in range(n):
            forced = not _victim_case(w, rng, ward, forced) and forced


@dataclass(frozen=True)
class Agreement:
    """What was agreed with a victim when the case opened; due dates follow from it."""

    opened: datetime
    level: ServiceLevel
    frequency: ContactFrequency
    less_often: bool
    method: ContactMethod

    def next_due(self, visits: Sequence[tuple[datetime, bool]]) -> datetime:
        """The domain rule, over the successful contacts only."""
        return next_victim_contact_due(
            service_level=self.level,
            opened_at=self.opened,
            successful_contacts=[when for when, ok in visits if ok],
            frequency=self.frequency,
            victim_asked_less_often=self.less_often,
        )


def _victim_case(w: World, rng: random.Random, ward: Ward, forced: bool) -> bool:
    """One case with its visits; returns whether a case was made."""
    first = w.today - timedelta(days=150 if forced else 365)
    opened = w.when(rng, first, w.today - timedelta(days=100 if forced else 2), (8, 20))
    victim = ward.pick(rng, opened)
    if victim is None:
        return False
    less_often = rng.random() < 0.05
    deal = Agreement(
        opened,
        ServiceLevel.ENHANCED if rng.random() < 0.3 else ServiceLevel.STANDARD,
        ContactFrequency.parse("every 6 weeks" if less_often else FREQUENCY.pick(rng)),
        less_often,
        rng.choice(list(ContactMethod)),
    )
    visits, closed = _visits(w, rng, deal, forced)
    row = _case_row(rng, victim, ward, deal)
    row.update(
        _closing(rng, visits[-1][0]) if closed else {"next_contact_due": deal.next_due(visits)}
    )
    changed = visits[-1][0] if visits else None
    case = w.sink.add(m.VictimCase, row, opened, changed=changed, by=row["officer_id"])
    _visit_rows(w, rng, case, row["officer_id"], deal, visits, closed)
    return True


def _visit_rows(
    w: World,
    rng: random.Random,
    case: str,
    officer: str,
    deal: Agreement,
    visits: list[tuple[datetime, bool]],
    closed: bool,
) -> None:
    for index, (when, ok) in enumerate(visits):
        if closed and index == len(visits) - 1:
            kind = VisitType.CLOSING
        else:
            kind = VISIT_TYPES[min(index, len(VISIT_TYPES) - 1)]
        visit = {
            "case_id": case,
            "contacted_at": when,
            "officer_id": officer,
            "visit_type": kind,
            "method": VisitMethod.VISIT if index == 0 else VISIT_METHODS[deal.method],
            "successful": ok,
            "notes": rng.choice(VISIT_NOTES[:3] if ok else VISIT_NOTES[3:]),
        }
        w.sink.add(m.VictimContact, visit, when, by=officer)


def _visits(
    w: World, rng: random.Random, deal: Agreement, forced: bool
) -> tuple[list[tuple[datetime, bool]], bool]:
    """Attempts made around each due date; 15% fail and are retried in a day or three.

    Most cases close after three weeks to five months; some stall (nobody gets round to the
    victim), which is what makes a case overdue. Returns the attempts and whether it closed.
    """
    opened = deal.opened
    close = None if forced or rng.random() < 0.25 else opened + timedelta(days=rng.randint(20, 150))
    stall = forced or rng.random() < 0.2
    stop = min(w.moment, opened + timedelta(days=rng.randint(3, 60))) if stall else w.moment
    visits: list[tuple[datetime, bool]] = []
    while True:
        when = _next_attempt(rng, deal, visits)
        if when >= stop:
            return visits, False
        closing = close is not None and when >= close
        visits.append((when, closing or rng.random() > 0.15))
        if closing:
            return visits, True


def _next_attempt(
    rng: random.Random, deal: Agreement, visits: list[tuple[datetime, bool]]
) -> datetime:
    """A retry a day or three after a failed attempt, else a few days either side of due."""
    if visits and not visits[-1][1]:
        day = visits[-1][0].astimezone(LONDON).date() + timedelta(days=rng.randint(1, 3))
    else:
        due = deal.next_due(visits).astimezone(LONDON).date()
        day = due + timedelta(days=rng.randint(-3, 1))
    earliest = (visits[-1][0] if visits else deal.opened) + timedelta(hours=1)
    return max(at(day, rng.randrange(9 * 60, 19 * 60)), earliest)


def _case_row(rng: random.Random, victim: Person, ward: Ward, deal: Agreement) -> dict[str, Any]:
    offence_date = deal.opened.astimezone(LONDON).date() - timedelta(days=rng.randint(0, 3))
    enhanced = deal.level is ServiceLevel.ENHANCED
    reasons = [rng.choice(list(EnhancedReason)).value] if enhanced else []
    referred = rng.random() < 0.5
    return {
        "victim_id": victim.id,
        "crime_reference": f"41/{rng.randint(10000, 999999)}/{offence_date.year % 100:02d}",
        "offence_type": rng.choice(places.OFFENCES),
        "offence_date": offence_date,
        "opened_at": deal.opened,
        "officer_id": rng.choice(ward.officers),
        "ward_id": ward.id,
        "service_level": deal.level,
        "enhanced_reasons": reasons,
        "contact_frequency": str(deal.frequency),
        "contact_method": deal.method,
        "victim_asked_less_often": deal.less_often,
        "safe_contact_notes": rng.choice(places.SAFE_CONTACT) if rng.random() < 0.3 else "",
        "vulnerability_notes": "Lives alone; family nearby." if enhanced else "",
        "referred_to_victim_support": referred,
        "referral_consent": referred,
        "status": CaseStatus.OPEN,
        "closed_at": None,
        "closing_reason": "",
        "satisfaction": None,
    }


def _closing(rng: random.Random, when: datetime) -> dict[str, Any]:
    return {
        "status": CaseStatus.CLOSED,
        "closed_at": when,
        "next_contact_due": None,
        "closing_reason": rng.choice(places.CLOSING_REASONS),
        "satisfaction": rng.choices([1, 2, 3, 4, 5], [3, 5, 12, 35, 45])[0],
    }


# --- messages -----------------------------------------------------------------------------

MESSAGE_KINDS = list(MessageKind)
MESSAGE_CHANNELS = list(MessageChannel)


def _messages(w: World) -> None:
    """A year of messages, nearly all answered (most within 24 hours), a few still open."""
    rng = w.rng("messages")
    shares = apportion(w.scale.messages, [hood.weight for hood in w.hoods])
    for hood, n in zip(w.hoods, shares, strict=True):
        for _ in range(n):
            received = w.when(rng, w.start, w.today - timedelta(days=1), (7, 22))
            _message(w, rng, hood, received, answer=True)
    near = max(8, w.scale.messages // 400)
    for i in range(near):  # open, with reply deadlines spread over the whole of today
        received = w.moment - timedelta(minutes=30 + i * 1380 // near)
        _message(w, rng, w.hoods[i * 7 % len(w.hoods)], received, answer=False)


def _message(w: World, rng: random.Random, hood: Hood, received: datetime, answer: bool) -> None:
    ward = rng.choice(hood.wards)
    person = ward.pick(rng, received) if rng.random() < 0.6 else None
    kind = rng.choices(MESSAGE_KINDS, [55, 33, 8, 4])[0]
    replied = received + timedelta(
        minutes=rng.randint(30, 1320) if rng.random() < 0.86 else rng.randint(1500, 5760)
    )
    replied_at = replied if answer and replied < w.moment else None
    first, last = w.name(rng)
    subject = rng.choice(places.MESSAGE_TEXT[kind.value])
    row = {
        "received_at": received,
        "channel": rng.choices(MESSAGE_CHANNELS, [40, 25, 5, 15, 5, 10])[0],
        "from_name": person.name if person else f"{first} {last}",
        "contact_id": person.id if person else None,
        "neighbourhood_id": hood.id,
        "subject": subject,
        "kind": kind,
        "body": f"{subject}{'' if subject.endswith('?') else '.'} Please get back to me.",
        "responded_at": replied_at,
        "responded_by_id": rng.choice(hood.ids()) if replied_at else None,
    }
    w.sink.add(m.Message, row, received, changed=replied_at)


# --- crime figures ------------------------------------------------------------------------

FORCE = "Hertfordshire Constabulary"
CRIME_TYPE = Weighted(
    [name for name, _ in places.CRIME_TYPES], [weight for _, weight in places.CRIME_TYPES]
)


def _crime(w: World) -> None:
    """LSOA map and synthetic boundaries; street-level rows for the last 12 whole months at
    snap points inside the wards' LSOAs; typed counts for the 12 before."""
    rng = w.rng("crime")
    serials = iter(range(23_000 + rng.randint(0, 500), 99_999))
    this_month = date(w.today.year, w.today.month, 1)
    mapped = at(w.start - timedelta(days=30), 10 * 60)
    for district in places.DISTRICTS:
        wards = [ward for ward in w.wards if ward.hood.district is district]
        lsoas: dict[str, list[tuple[str, str]]] = {}
        for index, ward in enumerate(wards, 1):
            lsoas[ward.id] = [
                (f"E01{next(serials):06d}", f"{district.name} {index:03d}{letter}")
                for letter in "ABCDE"[: rng.randint(3, 5)]
            ]
            for code, name in lsoas[ward.id]:
                row = {"lsoa_code": code, "lsoa_name": name, "ward_id": ward.id}
                w.sink.add(m.LsoaWard, row, mapped)
        for hood in dict.fromkeys(ward.hood for ward in wards):
            hood_wards = [ward for ward in wards if ward.hood is hood]
            centre = hood.place.centre
            seeds = [
                (centre[0] + rng.uniform(-0.012, 0.012), centre[1] + rng.uniform(-0.018, 0.018))
                for _ in hood_wards
            ]
            streets = [[*ward.areas, *rng.sample(places.CRIME_SPOTS, 2)] for ward in hood_wards]
            shapes = boundaries.ward_shapes(
                rng, centre, seeds, [len(lsoas[ward.id]) for ward in hood_wards], streets
            )
            for ward, shape in zip(hood_wards, shapes, strict=True):
                _boundaries(w, ward, shape, lsoas[ward.id], mapped)
                for back in range(1, 13):
                    month = add_months(this_month, -back)
                    _crime_month(w, rng, ward, lsoas[ward.id], month, shape.snaps)
        for ward in wards:
            for back in range(13, 25):
                _crime_counts(w, rng, ward, add_months(this_month, -back))


def _boundaries(
    w: World,
    ward: Ward,
    shape: boundaries.WardShape,
    lsoas: list[tuple[str, str]],
    when: datetime,
) -> None:
    """The ward's synthetic outline and its LSOAs' (as `pcso-desk import boundaries` stores
    real ones)."""
    code = next((p.code for p in ward.hood.place.wards if p.name == ward.name), ward.name)
    parts = [("ward", code[:16], ward.name, shape.outline)]
    parts += [("lsoa", c, n, ring) for (c, n), ring in zip(lsoas, shape.lsoas, strict=True)]
    for kind, key, name, ring in parts:
        lons, lats = [p[0] for p in ring], [p[1] for p in ring]
        row = {
            "kind": kind,
            "code": key,
            "name": name,
            "ward_id": ward.id,
            "west": min(lons),
            "south": min(lats),
            "east": max(lons),
            "north": max(lats),
            "shape": json.dumps([[ring]], separators=(",", ":")),
            "source": boundaries.SOURCE,
        }
        w.sink.add(m.Boundary, row, when)


def _crime_month(
    w: World,
    rng: random.Random,
    ward: Ward,
    lsoas: list[tuple[str, str]],
    month: date,
    snaps: list[boundaries.SnapPoint],
) -> None:
    imported = at(add_months(month, 2), 10 * 60)
    for _ in range(poisson(rng, w.scale.crimes_per_ward_month * ward.weight)):
        crime_type = CRIME_TYPE.pick(rng)
        asb = crime_type == "Anti-social behaviour"
        crime_id = "" if asb else f"{rng.getrandbits(256):064x}"
        snap = rng.choice(snaps)
        code, name = lsoas[snap.lsoa]
        row = {
            "crime_id": crime_id,
            "month": month.strftime("%Y-%m"),
            "reported_by": FORCE,
            "falls_within": FORCE,
            "latitude": snap.latitude,
            "longitude": snap.longitude,
            "location": f"On or near {snap.street}",
            "lsoa_code": code,
            "lsoa_name": name,
            "crime_type": crime_type,
            "last_outcome": "" if asb else rng.choice(places.OUTCOMES),
            "context": "",
            "ward_id": ward.id,
            "row_key": crime_id or f"asb-{rng.getrandbits(128):032x}",
        }
        w.sink.add(m.CrimeRecord, row, imported)


def _crime_counts(w: World, rng: random.Random, ward: Ward, month: date) -> None:
    """Monthly counts typed in by hand before the team kept the LSOA map (last year's figures)."""
    typed = at(add_months(month, 1) + timedelta(days=9), 10 * 60)
    scale = w.scale.crimes_per_ward_month * ward.weight / CRIME_TYPE.total
    for crime_type, weight in places.CRIME_TYPES:
        count = poisson(rng, scale * weight)
        if count:
            row = {
                "ward_id": ward.id,
                "month": month.strftime("%Y-%m"),
                "crime_type": crime_type,
                "count": count,
            }
            w.sink.add(m.CrimeCount, row, typed)


STAGES: tuple[tuple[str, Callable[[World], None]], ...] = (
    ("Victim care…", _victims),
    ("Messages…", _messages),
    ("Crime figures…", _crime),
)
