"""The Policing Pledge scorecard of an area and month: the one value every front end shows.

The CLI (`pcso-desk scorecard`), the Scorecard screen, Today's "at risk" lines and the
internal monthly pack's scorecard page all take a `Scorecard` made here, so they cannot
disagree. The rules deciding met / at risk / missed are `pcso_desk.domain.pledge`'s; this
module only reads the figures behind them. An area is a neighbourhood, a ward or a council
(`documents.monthly.Area`); what belongs to the team rather than a ward (messages and
dissatisfactions to the team, time in the locality) is counted for the area's
neighbourhood(s), as the monthly pack counts it, and its figure says so for a ward.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from pcso_desk.domain import pledge
from pcso_desk.domain.consent import contact_stop
from pcso_desk.domain.enums import CaseStatus, MeetingStatus, MessageKind, ServiceLevel
from pcso_desk.domain.errors import ValidationError
from pcso_desk.domain.months import month_bounds, month_title, parse_month, shift_month
from pcso_desk.domain.permissions import Action
from pcso_desk.domain.pledge import Mark, PledgeItem
from pcso_desk.domain.schedule import LONDON, locality_share, response_clock
from pcso_desk.domain.victims_code import DueContact, contacts_due, frequency_of
from pcso_desk.services.casework.operations import time_in_locality
from pcso_desk.services.context import Context
from pcso_desk.store import models as m
from pcso_desk.store.models import AuditEntry

if TYPE_CHECKING:
    from pcso_desk.reports.monthly_pack import Area, PackTable


@dataclass(frozen=True)
class Scorecard:
    """Each Pledge item of one area for one month, judged at `as_of`."""

    kind: str  # neighbourhood, ward or council
    area: str
    month: str  # YYYY-MM
    as_of: datetime
    month_open: bool
    items: tuple[PledgeItem, ...]

    @property
    def title(self) -> str:
        return f"{self.area}, {month_title(self.month)}"

    def item(self, key: str) -> PledgeItem:
        return next(item for item in self.items if item.key == key)

    @property
    def at_risk(self) -> tuple[PledgeItem, ...]:
        return tuple(item for item in self.items if item.mark is Mark.AT_RISK)

    def lines(self) -> list[str]:
        """The scorecard as text, one item a line: what the CLI prints."""
        state = "month still open" if self.month_open else "month closed"
        return [
            f"Pledge scorecard: {self.title} ({state})",
            *(item.line() for item in self.items),
        ]


@dataclass(frozen=True)
class DistrictScorecard:
    """The scorecard of every neighbourhood of a district, for the inspector."""

    district: str
    month: str
    cards: tuple[Scorecard, ...]

    def lines(self) -> list[str]:
        out = [f"Pledge scorecard: {self.district} district, {month_title(self.month)}"]
        for card in self.cards:
            out += ["", card.area, *(f"  {item.line()}" for item in card.items)]
        return out


def scorecard(ctx: Context, area: Area, month: str, now: datetime) -> Scorecard:
    """The scorecard of `area` for `month` as it stands at `now` (aware)."""
    ctx.require(Action.VIEW, "scorecard")
    month = parse_month(month)
    start, end = month_bounds(month)
    if now < start:
        raise ValidationError(
            f"{month} has not begun yet; give this month or an earlier one.", field="month"
        )
    month_open = now < end
    first, last = start.date(), end.date() - timedelta(days=1)
    today = now.astimezone(LONDON).date()
    team = "" if area.kind == "neighbourhood" else "; counted for the whole neighbourhood"
    with ctx.store.read() as session:
        held, planned = _meetings(session, area, start, end)
        messages = _replies(session, area, start, end, now, dissatisfaction=False)
        unhappy = _replies(session, area, start, end, now, dissatisfaction=True)
        built = _built_on(session, area, shift_month(month, -1))
        kin = _kin_dues(session, area, last)
        victims = (
            _victim_dues(session, list(area.ward_ids), start, end)
            if ctx.may(Action.VIEW_RESTRICTED)
            else None
        )
    locality, away = 0, 0
    for hood in area.neighbourhood_ids:
        share = time_in_locality(ctx, month, neighbourhood_id=hood)
        locality += share.locality_minutes
        away += share.abstracted_minutes
    items = [
        pledge.meeting_item(held=held, planned=planned, month_open=month_open),
        _team(pledge.messages_item(messages), team),
        _team(pledge.dissatisfaction_item(unhappy), team),
        pledge.victims_item(victims, start, end, now)
        if victims is not None
        else pledge.not_shown(pledge.VICTIMS, "victim care is not this account's to see"),
        _team(pledge.locality_item(locality_share(locality, away), month_open=month_open), team),
        pledge.published_item(
            update_month=shift_month(month, -1),
            built_on=built,
            last_day=last,
            month_open=month_open,
        ),
        pledge.kin_item(kin, first, last, today),
    ]
    return Scorecard(area.kind, area.name, month, now, month_open, tuple(items))


def _team(item: PledgeItem, label: str) -> PledgeItem:
    if not label or item.mark is Mark.NOT_MEASURED:
        return item
    return PledgeItem(item.key, item.title, item.mark, item.figure + label)


def _meetings(session: Session, area: Area, start: datetime, end: datetime) -> tuple[int, int]:
    """Meetings in the area starting in the month: (held, planned); cancelled ones not.
    The area's meetings as the monthly pack finds them: held for one of its wards, or, for
    a neighbourhood, held for it."""
    in_wards = select(m.MeetingWard.meeting_id).where(
        m.MeetingWard.deleted_at.is_(None), m.MeetingWard.ward_id.in_(area.ward_ids)
    )
    scope: Any = m.Meeting.id.in_(in_wards)
    if area.kind == "neighbourhood":
        scope = or_(scope, m.Meeting.neighbourhood_id.in_(area.neighbourhood_ids))
    rows = session.execute(
        select(m.Meeting.status, func.count())
        .where(
            m.Meeting.deleted_at.is_(None),
            m.Meeting.starts_at >= start,
            m.Meeting.starts_at < end,
            scope,
        )
        .group_by(m.Meeting.status)
    ).all()
    counts = {status: n for status, n in rows}
    return counts.get(MeetingStatus.HELD, 0), counts.get(MeetingStatus.PLANNED, 0)


def _replies(
    session: Session,
    area: Area,
    start: datetime,
    end: datetime,
    now: datetime,
    *,
    dissatisfaction: bool,
) -> pledge.ReplyCount:
    """The messages to the area's neighbourhood(s) received in the month (or only those of
    the dissatisfaction kind), by where each one's 24-hour clock stands at `now`."""
    stmt = select(m.Message.received_at, m.Message.responded_at).where(
        m.Message.deleted_at.is_(None),
        m.Message.neighbourhood_id.in_(area.neighbourhood_ids),
        m.Message.received_at >= start,
        m.Message.received_at < end,
    )
    if dissatisfaction:
        stmt = stmt.where(m.Message.kind == MessageKind.DISSATISFACTION)
    clocks = []
    for received, responded in session.execute(stmt):
        if responded is not None and responded < received:
            responded = received  # a reply typed before receipt: the clock reads 0
        clocks.append(response_clock(received, responded, now))
    return pledge.ReplyCount.of(clocks)


def _built_on(session: Session, area: Area, update_month: str) -> date | None:
    """The day (London) a public pack of `update_month` for the area, or for its
    neighbourhood, was first built on this PC, found in the audit log: each pack built has
    an entry starting with the area's name, the month and "public" (services/documents/
    packs_api.py), and a district's batch names each zip it wrote
    (`documents.packs.pack_name`)."""
    from pcso_desk.services.documents.packs import slug

    names = [area.name]
    if area.kind != "neighbourhood":
        names += session.scalars(
            select(m.Neighbourhood.name).where(m.Neighbourhood.id.in_(area.neighbourhood_ids))
        ).all()
    opening = tuple(f"{name} {update_month} public;" for name in names)
    zips = re.compile(
        r"(?:^|; )(?:" + "|".join(re.escape(f"{slug(n)}-{update_month}.zip") for n in names) + "):"
    )
    found = session.execute(
        select(AuditEntry.at, AuditEntry.detail)
        .where(
            AuditEntry.action == "export",
            AuditEntry.kind == "monthly_pack",
            AuditEntry.outcome == "ok",
            AuditEntry.detail.contains(f"{update_month} public"),
        )
        .order_by(AuditEntry.seq)
    ).all()
    for at, detail in found:
        text = detail or ""
        if text.startswith(opening) or (zips.search(text) and " public;" in text):
            return _london_day(at)
    return None


def _london_day(moment: datetime) -> date:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(LONDON).date()


def _victim_dues(
    session: Session, wards: list[str], start: datetime, end: datetime
) -> list[DueContact]:
    """Every update owed, up to the month's end, by the area's victim cases open at some
    time in the month, on each one's agreed cadence and tier (`victims_code.contacts_due`,
    as the internal pack counts them)."""
    from pcso_desk.services.documents.victims_figures import cases_and_contacts

    cases, made = cases_and_contacts(session, wards, start, end)
    dues: list[DueContact] = []
    for case in cases:
        dues += contacts_due(
            service_level=case.service_level or ServiceLevel.STANDARD,
            opened_at=case.opened_at,
            successful_contacts=made.get(case.id, ()),
            frequency=frequency_of(case.contact_frequency or ""),
            until=end,
            victim_asked_less_often=bool(case.victim_asked_less_often),
            closed_at=case.closed_at if case.status == CaseStatus.CLOSED else None,
        )
    return dues


def _kin_dues(session: Session, area: Area, last: date) -> list[pledge.DueCheckIn]:
    """Every check-in due, up to the month's last day, of the area's KIN members (counted
    as the monthly pack counts them) who may be contacted."""
    from pcso_desk.services.documents.monthly import _kin_scope

    members = session.execute(
        select(m.KinMember, m.Contact)
        .join(m.Kin, m.Kin.id == m.KinMember.kin_id)
        .join(m.Contact, m.Contact.id == m.KinMember.contact_id)
        .where(
            m.KinMember.deleted_at.is_(None),
            m.Kin.deleted_at.is_(None),
            m.KinMember.joined_on <= last,
            _kin_scope(area),
        )
    ).all()
    wanted = [member for member, contact in members if contact_stop(contact) is None]
    made: dict[str, list[date]] = defaultdict(list)
    if wanted:
        rows = session.execute(
            select(m.KinCheckIn.member_id, m.KinCheckIn.checked_on).where(
                m.KinCheckIn.deleted_at.is_(None),
                m.KinCheckIn.member_id.in_([member.id for member in wanted]),
                m.KinCheckIn.checked_on <= last,
            )
        )
        for member_id, day in rows:
            made[member_id].append(day)
    dues: list[pledge.DueCheckIn] = []
    for member in wanted:
        dues += pledge.checkins_due(
            joined=member.joined_on,
            checkins=made.get(member.id, ()),
            cadence_weeks=max(1, member.cadence_weeks or 6),
            until=last,
            left_on=member.left_on,
        )
    return dues


def reach_areas(ctx: Context, kind: str, ids: Iterable[str] | None) -> list[Area]:
    """The neighbourhoods or wards with these ids (None: every neighbourhood), by name."""
    from pcso_desk.services.documents.monthly import _area

    model: Any = m.Ward if kind == "ward" else m.Neighbourhood
    with ctx.store.read() as session:
        stmt = select(model.id, model.name).where(model.deleted_at.is_(None))
        if ids is not None:
            stmt = stmt.where(model.id.in_(list(ids)))
        rows = session.execute(stmt.order_by(model.name)).all()
        return [_area(session, kind, name, area_id) for area_id, name in rows]


def at_risk(
    ctx: Context, areas: Iterable[Area], now: datetime
) -> list[tuple[Scorecard, PledgeItem]]:
    """The items at risk this month in each of `areas`, for Today."""
    month = now.astimezone(LONDON).strftime("%Y-%m")
    found = []
    for area in areas:
        card = scorecard(ctx, area, month, now)
        found += [(card, item) for item in card.at_risk]
    return found


def district_scorecard(ctx: Context, district: str, month: str, now: datetime) -> DistrictScorecard:
    """The scorecard of every neighbourhood of `district`, by name."""
    from pcso_desk.services.documents.monthly import district_neighbourhoods

    ctx.require(Action.VIEW, "scorecard")
    month = parse_month(month)
    areas = district_neighbourhoods(ctx, district)
    with ctx.store.read() as session:
        name = session.scalar(
            select(m.District.name).where(
                m.District.deleted_at.is_(None),
                func.lower(m.District.name) == district.strip().lower(),
            )
        )
    cards = tuple(scorecard(ctx, area, month, now) for area in areas)
    return DistrictScorecard(name or district, month, cards)


def pack_table(card: Scorecard) -> PackTable:
    """The scorecard as the internal monthly pack's table (its PDF page, CSV and sheet)."""
    from pcso_desk.reports.monthly_pack import PackTable

    rows = tuple(
        (item.title, f"{item.mark.symbol} {item.mark.value}", item.figure) for item in card.items
    )
    as_of = card.as_of.astimezone(LONDON)
    title = f"Pledge scorecard (as at {as_of.day} {as_of:%B %Y %H:%M})"
    return PackTable("pledge-scorecard", title, ("Pledge item", "Mark", "Figure"), rows)
