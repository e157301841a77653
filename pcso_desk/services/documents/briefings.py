"""What printed documents show, gathered from the store (public documents: public fields only)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

from rapidfuzz import fuzz, process
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from pcso_desk.domain.consent import contact_stop, preferred_way
from pcso_desk.domain.enums import (
    CaseStatus,
    ContactMethod,
    IssueCategory,
    MeetingStatus,
    PriorityStatus,
)
from pcso_desk.domain.errors import ValidationError
from pcso_desk.domain.permissions import Action
from pcso_desk.domain.schedule import LONDON
from pcso_desk.domain.validation import format_phone
from pcso_desk.reports.briefing import (
    Area,
    Handout,
    OfficerCard,
    PublicEvent,
    PublicPriority,
    TeamBase,
)
from pcso_desk.reports.internal import KinCallList, KinRow, VictimCard, VisitLine
from pcso_desk.reports.meeting_pack import MeetingPack
from pcso_desk.services.context import Context
from pcso_desk.services.documents import crime_figures
from pcso_desk.services.documents.team_photo import photo_bytes
from pcso_desk.store import models as m

MEETING_LABELS = {
    "pact": "PACT meeting",
    "ward_panel": "Ward panel",
    "surgery": "Police surgery",
    "street_briefing": "Street briefing",
    "mobile_station": "Mobile police station",
    "community_event": "Community event",
}
LIVE_PRIORITIES = (PriorityStatus.OPEN, PriorityStatus.IN_PROGRESS)
MAX_EVENTS = 12
MAX_ACTIONS = 3


@dataclass(frozen=True)
class Choice:
    id: str
    label: str


def local(moment: datetime) -> datetime:
    """A stored (UTC) instant as Europe/London wall time."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(LONDON)


def _live(model: Any) -> Any:
    return model.deleted_at.is_(None)


def find_area(ctx: Context, kind: str, text: str) -> Area:
    """The ward or neighbourhood named (or coded) `text`, case-insensitive; else a helpful error."""
    model: Any = m.Ward if kind == "ward" else m.Neighbourhood
    hood = model.neighbourhood_id if kind == "ward" else model.id
    wanted = text.strip().casefold()
    with ctx.store.read() as session:
        # The four columns, not the records: a county's wards each carry their streets.
        rows = session.execute(
            select(model.id, model.name, model.code, hood).where(_live(model))
        ).all()
        for row_id, name, code, hood_id in rows:
            if wanted in (name.casefold(), code.casefold()):
                return Area(kind, row_id, name, code, hood_id)
        names = [row[1] for row in rows]
    raise ValidationError(_no_such(kind, text, names), field=kind)


def _no_such(kind: str, text: str, names: list[str]) -> str:
    near = [hit[0] for hit in process.extract(text, names, scorer=fuzz.WRatio, limit=3)]
    if not near:
        return f"There is no {kind} called '{text}', and the store has none yet."
    listed = near[0] if len(near) == 1 else ", ".join(near[:-1]) + " or " + near[-1]
    return f"There is no {kind} called '{text}'; did you mean {listed}?"


def _printing(ctx: Context, kind: str, record_id: str) -> None:
    """Printing is checked against the role when a document's data is built. What the log says
    of it (shown on screen: "preview"; written or printed: "print") is declared by the use
    case that builds it (services/documents/api.py), not here."""
    ctx.require(Action.PRINT, kind, (record_id,))


def handout(ctx: Context, area: Area, today: date) -> Handout:
    """Everything the public street briefing shows for a ward or neighbourhood."""
    _printing(ctx, "briefing", area.id)
    with ctx.store.read() as session:
        hood = session.get(m.Neighbourhood, area.neighbourhood_id)
        assert hood is not None
        streets: tuple[str, ...] = ()
        if area.kind == "ward":
            listed = session.scalar(select(m.Ward.areas).where(m.Ward.id == area.id))
            streets = tuple(listed or ())
        return Handout(
            area=area,
            team=_team(session, hood),
            officers=_officers(session, area),
            streets=streets,
            priorities=_priorities(session, area),
            events=_events(session, area, today),
            issued_on=today,
            crime_map=crime_figures.handout_map(session, area, today),
        )


def _team(session: Session, hood: m.Neighbourhood) -> TeamBase:
    station = session.get(m.PoliceStation, hood.base_station_id) if hood.base_station_id else None
    return TeamBase(
        team_name=hood.name,
        phone=_phone(hood.phone),
        email=hood.email,
        station_name=station.name if station else "",
        station_address=station.address if station else "",
        station_postcode=station.postcode if station else "",
        station_phone=_phone(station.phone) if station else "",
        opening_hours=station.opening_hours if station else "",
        photo=photo_bytes(hood.photo),
    )


def _phone(stored: str) -> str:
    return format_phone(stored) if stored else ""


def _officers(session: Session, area: Area) -> tuple[OfficerCard, ...]:
    """The team's active officers; for a ward, its own attached PCSOs first."""
    o = m.Officer
    shown = (o.id, o.name, o.collar_number, o.role, o.work_phone, o.work_email)
    rows = session.execute(
        select(*shown)
        .where(_live(m.Officer), m.Officer.active.is_(True))
        .where(m.Officer.neighbourhood_id == area.neighbourhood_id)
        .order_by(m.Officer.name)
    ).all()
    attached: set[str] = set()
    if area.kind == "ward":
        attached = set(
            session.scalars(
                select(m.OfficerWard.officer_id).where(
                    _live(m.OfficerWard), m.OfficerWard.ward_id == area.id
                )
            )
        )
    ordered = sorted(rows, key=lambda row: (row.id not in attached, row.name))
    return tuple(
        OfficerCard(o.name, o.collar_number, str(o.role), _phone(o.work_phone), o.work_email)
        for o in ordered
    )


# What the handout shows of the team, shared with the "meet the team" feed (feeds.py).
team_base = _team
officer_cards = _officers


def _priorities(session: Session, area: Area) -> tuple[PublicPriority, ...]:
    query = select(m.Priority.id, m.Priority.public_wording, m.Priority.category).where(
        _live(m.Priority),
        m.Priority.neighbourhood_id == area.neighbourhood_id,
        m.Priority.status.in_(LIVE_PRIORITIES),
    )
    if area.kind == "ward":
        query = query.where(or_(m.Priority.ward_id.is_(None), m.Priority.ward_id == area.id))
    rows = session.execute(
        query.order_by(m.Priority.agreed_on, m.Priority.title, m.Priority.id)
    ).all()
    # Only by its public wording: a priority without one stays off public paper (its
    # internal title may name a person or an address).
    public = [(row.id, (row.public_wording or "").strip(), str(row.category)) for row in rows]
    public = [(pid, wording, category) for pid, wording, category in public if wording]
    done = _done(session, [pid for pid, _w, _c in public])
    return tuple(PublicPriority(w, c, done.get(pid, ())) for pid, w, c in public)


def _done(session: Session, priority_ids: list[str]) -> dict[str, tuple[str, ...]]:
    """Each priority's newest public "we did" sentences (at most MAX_ACTIONS), newest first:
    one read for all of them."""
    if not priority_ids:
        return {}
    action = m.PriorityAction
    newest = func.row_number().over(
        partition_by=action.priority_id, order_by=(action.action_on.desc(), action.id)
    )
    ranked = (
        select(action.priority_id, action.public_text, newest.label("n"))
        .where(_live(action), action.priority_id.in_(priority_ids), action.public_text != "")
        .subquery()
    )
    rows = session.execute(
        select(ranked.c.priority_id, ranked.c.public_text)
        .where(ranked.c.n <= MAX_ACTIONS)
        .order_by(ranked.c.priority_id, ranked.c.n)
    )
    texts: dict[str, list[str]] = {}
    for priority_id, text in rows:
        texts.setdefault(priority_id, []).append(text)
    return {priority_id: tuple(said) for priority_id, said in texts.items()}


def _events(session: Session, area: Area, today: date) -> tuple[PublicEvent, ...]:
    since = datetime.combine(today, time(0), tzinfo=LONDON).astimezone(UTC)
    row = m.Meeting
    shown = (row.meeting_type, row.public_title, row.venue, row.starts_at, row.ends_at)
    query = select(*shown).where(
        _live(m.Meeting), m.Meeting.status == MeetingStatus.PLANNED, m.Meeting.starts_at >= since
    )
    if area.kind == "ward":
        in_ward = select(m.MeetingWard.meeting_id).where(
            _live(m.MeetingWard), m.MeetingWard.ward_id == area.id
        )
        query = query.where(
            or_(m.Meeting.id.in_(in_ward), m.Meeting.neighbourhood_id == area.neighbourhood_id)
        )
    else:
        query = query.where(m.Meeting.neighbourhood_id == area.neighbourhood_id)
    rows = session.execute(query.order_by(m.Meeting.starts_at, m.Meeting.id).limit(MAX_EVENTS))
    return tuple(_event(row) for row in rows)


def _event(row: Any) -> PublicEvent:
    """A meeting as public paper shows it: by its public title, else by its type (the venue
    is shown beside it); never by its internal title."""
    kind = MEETING_LABELS.get(str(row.meeting_type), str(row.meeting_type))
    return PublicEvent(
        kind=kind,
        title=(row.public_title or "").strip() or kind,
        venue=row.venue,
        starts=local(row.starts_at),
        ends=local(row.ends_at) if row.ends_at else None,
    )


def meeting_pack(ctx: Context, meeting_id: str) -> MeetingPack:
    """The agenda's facts for one meeting: public fields only (it is handed round the room)."""
    _printing(ctx, "meetings", meeting_id)
    with ctx.store.read() as session:
        row = session.get(m.Meeting, meeting_id)
        if row is None or row.deleted_at is not None:
            raise ValidationError("That meeting no longer exists.", field="meeting")
        hood = session.get(m.Neighbourhood, row.neighbourhood_id) if row.neighbourhood_id else None
        wards = session.scalars(
            select(m.Ward.name)
            .join(m.MeetingWard, m.MeetingWard.ward_id == m.Ward.id)
            .where(m.MeetingWard.meeting_id == row.id, _live(m.MeetingWard))
            .order_by(m.Ward.name)
        )
        officers = session.scalars(
            select(m.Officer.name)
            .join(m.MeetingOfficer, m.MeetingOfficer.officer_id == m.Officer.id)
            .where(m.MeetingOfficer.meeting_id == row.id, _live(m.MeetingOfficer))
            .order_by(m.Officer.name)
        )
        priorities: tuple[str, ...] = ()
        if hood is not None:
            area = Area("neighbourhood", hood.id, hood.name, hood.code, hood.id)
            priorities = tuple(p.wording for p in _priorities(session, area))
        return MeetingPack(
            meeting=_event(row),
            team_name=hood.name if hood else "",
            areas=tuple(wards),
            officers=tuple(officers),
            priorities=priorities,
            next_date=_next_meeting(session, row),
        )


def _next_meeting(session: Session, row: m.Meeting) -> datetime | None:
    after = session.scalars(
        select(m.Meeting.starts_at)
        .where(_live(m.Meeting), m.Meeting.status == MeetingStatus.PLANNED)
        .where(m.Meeting.meeting_type == row.meeting_type, m.Meeting.starts_at > row.starts_at)
        .where(m.Meeting.neighbourhood_id == row.neighbourhood_id)
        .order_by(m.Meeting.starts_at)
        .limit(1)
    ).first()
    return local(after) if after else None


def kin_call_list(ctx: Context, kin_id: str, today: date) -> KinCallList:
    """INTERNAL: one KIN's current members to ring, with the way each prefers to be reached
    and their check-in dates.

    A member who must not be contacted (domain/consent.py: consent withdrawn, or held on
    consent with none recorded) is left off; the list says how many were, never who.
    """
    _printing(ctx, "kins", kin_id)
    with ctx.store.read() as session:
        kin = session.get(m.Kin, kin_id)
        if kin is None or kin.deleted_at is not None:
            raise ValidationError("That KIN no longer exists.", field="kin")
        hood = session.get(m.Neighbourhood, kin.neighbourhood_id)
        pairs = session.execute(
            select(m.KinMember, m.Contact)
            .join(m.Contact, m.Contact.id == m.KinMember.contact_id)
            .where(m.KinMember.kin_id == kin.id, _live(m.KinMember))
            .where(or_(m.KinMember.left_on.is_(None), m.KinMember.left_on > today))
            .order_by(m.KinMember.next_checkin_due, m.Contact.name)
        ).all()
        callable_ = [(member, contact) for member, contact in pairs if not contact_stop(contact)]
        rows = tuple(
            KinRow(
                name=contact.name,
                represents=member.represents,
                phone=_phone(contact.phone),
                last_checkin=member.last_checkin_on,
                next_due=member.next_checkin_due,
                overdue=member.next_checkin_due is not None and member.next_checkin_due < today,
                reach=reach(contact, contact.preferred_method),
                preferred=preferred_way(contact.preferred_method, contact.preferred_times),
            )
            for member, contact in callable_
        )
        left_off = len(pairs) - len(callable_)
        return KinCallList(kin.name, hood.name if hood else "", rows, today, left_off)


def reach(contact: m.Contact, method: Any) -> tuple[str, str]:
    """(what, detail) to reach a person by: the e-mail when e-mail is their preferred way,
    the address for a letter or a call in person, else the phone. A preferred way without
    its detail recorded, or no preference, falls back to the phone, then the e-mail, then
    the address (('Phone', '') when none is recorded)."""
    address = ", ".join(
        part for part in (contact.address.replace("\n", ", ").strip(), contact.postcode) if part
    )
    details = {"Phone": _phone(contact.phone), "E-mail": contact.email, "Address": address}
    wanted = str(getattr(method, "value", method) or "")
    first = {
        ContactMethod.EMAIL.value: "E-mail",
        ContactMethod.LETTER.value: "Address",
        ContactMethod.IN_PERSON.value: "Address",
    }.get(wanted, "Phone")
    for what in (first, "Phone", "E-mail", "Address"):
        if details[what]:
            return what, details[what]
    return "Phone", ""


def victim_card(ctx: Context, case_id: str, today: date) -> VictimCard:
    """RESTRICTED: one victim care case as a visit card (no visit notes: a card gets left about)."""
    ctx.require(Action.VIEW_RESTRICTED, "victim_cases", (case_id,))
    _printing(ctx, "victim_cases", case_id)
    with ctx.store.read() as session:
        case = session.get(m.VictimCase, case_id)
        if case is None or case.deleted_at is not None:
            raise ValidationError("That victim care case no longer exists.", field="case")
        victim = session.get(m.Contact, case.victim_id)
        visits = session.scalars(
            select(m.VictimContact)
            .where(m.VictimContact.case_id == case.id, _live(m.VictimContact))
            .order_by(m.VictimContact.contacted_at.desc(), m.VictimContact.id)
            .limit(5)
        ).all()
        # The case's own contact method (agreed for the case) wins over the contact's.
        method = case.contact_method or (victim.preferred_method if victim else None)
        stop = contact_stop(victim) if victim else None
        return VictimCard(
            crime_reference=case.crime_reference,
            offence=case.offence_type,
            victim_name=victim.name if victim else "",
            phone=_phone(victim.phone) if victim else "",
            contact_method=preferred_way(method, victim.preferred_times if victim else ""),
            reach=reach(victim, method) if victim else ("Phone", ""),
            do_not_contact=stop.reason if stop else "",
            safe_contact=case.safe_contact_notes,
            next_contact_due=local(case.next_contact_due) if case.next_contact_due else None,
            visits=tuple(
                VisitLine(local(v.contacted_at), str(v.visit_type), str(v.method), v.successful)
                for v in visits
            ),
            issued_on=today,
        )


def choices(ctx: Context, what: str, today: date) -> tuple[Choice, ...]:
    """What a document can be made for: wards, neighbourhoods, meetings, KINs or open cases."""
    known = what in ("ward", "neighbourhood", "meeting", "kin")
    ctx.require(Action.VIEW if known else Action.VIEW_RESTRICTED, what)
    with ctx.store.read() as session:
        if what in ("ward", "neighbourhood"):
            model: Any = m.Ward if what == "ward" else m.Neighbourhood
            rows = session.scalars(select(model).where(_live(model)).order_by(model.name))
            return tuple(Choice(r.id, f"{r.name} ({r.code})") for r in rows)
        if what == "meeting":
            meetings = session.scalars(
                select(m.Meeting).where(_live(m.Meeting)).order_by(m.Meeting.starts_at.desc())
            )
            return tuple(Choice(r.id, f"{local(r.starts_at):%d %b %Y} {r.title}") for r in meetings)
        if what == "kin":
            kins = session.scalars(select(m.Kin).where(_live(m.Kin)).order_by(m.Kin.name))
            return tuple(Choice(r.id, r.name) for r in kins)
        cases = session.scalars(
            select(m.VictimCase)
            .where(_live(m.VictimCase), m.VictimCase.status == CaseStatus.OPEN)
            .order_by(m.VictimCase.crime_reference)
        )
        return tuple(Choice(r.id, r.crime_reference) for r in cases)


def advice_categories(handout_: Handout) -> tuple[IssueCategory, ...]:
    """The distinct issue categories of the handout's priorities, in first-seen order."""
    seen: dict[str, None] = {p.category: None for p in handout_.priorities}
    return tuple(IssueCategory(c) for c in seen)


def handout_pdf(data: Handout, *, large_print: bool = False, invariant: bool = False) -> bytes:
    from pcso_desk.reports.briefing import build_handout

    return build_handout(data, large_print=large_print, invariant=invariant)


def meeting_pack_pdf(ctx: Context, meeting_id: str, *, invariant: bool = False) -> bytes:
    from pcso_desk.reports.meeting_pack import build_meeting_pack

    return build_meeting_pack(meeting_pack(ctx, meeting_id), invariant=invariant)
