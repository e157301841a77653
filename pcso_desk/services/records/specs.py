"""Every record type's rules: which fields are cleaned how, what lists sort and filter by."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from sqlalchemy import Column
from sqlalchemy.orm import Session

from pcso_desk.domain import kinds as k
from pcso_desk.domain import validation as v
from pcso_desk.domain.errors import ValidationError
from pcso_desk.domain.months import parse_month
from pcso_desk.domain.schedule import ContactFrequency, priority_review_due
from pcso_desk.services.records import derived
from pcso_desk.services.records.coerce import coerce
from pcso_desk.services.records.links import attach_contacts
from pcso_desk.services.records.service import RecordSpec
from pcso_desk.store import models as m

Normaliser = Callable[[str, str], str]


def _normalise(values: dict[str, Any], rules: dict[str, Normaliser]) -> dict[str, Any]:
    """Apply each field's normaliser to the values given; blanks stay blank."""
    for name, rule in rules.items():
        if name in values and values[name] is not None and str(values[name]).strip():
            values[name] = rule(str(values[name]), name)
    return values


def _score(values: dict[str, Any], name: str, label: str) -> None:
    raw = values.get(name)
    if raw is None or raw == "":
        return
    score = int(raw)
    if not 1 <= score <= 5:
        raise ValidationError(f"{label} must be from 1 to 5.", name)


def _in_order(start: str, end: str, start_label: str, end_label: str) -> Callable[..., None]:
    def check(_session: Session, record: Any) -> None:
        v.check_in_order(getattr(record, start), getattr(record, end), start_label, end_label, end)

    return check


def _meeting_check(session: Session, record: Any) -> None:
    """Starts before it ends, and has its neighbourhood: a meeting without one reaches no
    team's handouts, briefings or packs, so it is never saved without one."""
    _in_order("starts_at", "ends_at", "start", "end")(session, record)
    if record.neighbourhood_id is None:
        raise ValidationError(
            "Choose the meeting's neighbourhood: without it the meeting reaches no handout.",
            "neighbourhood_id",
        )


def _declared(
    kind: k.Kind, model: type[Any], sorts: dict[str, str], default_sort: str, **kw: Any
) -> RecordSpec:
    """The spec of a declared kind: its table, noun, searched text and each field's cleaning,
    then the kind's own cleaning rule (`clean=`), if it has one."""
    rules = kind.normalisers()
    then: Any = kw.pop("clean", None)

    def clean(session: Session, values: dict[str, Any], record: Any) -> dict[str, Any]:
        values = _normalise(values, rules)
        return then(session, values, record) if then else values

    kw["clean"] = clean
    return RecordSpec(kind.table, kind.noun, model, sorts, default_sort, kind.search, **kw)


def _clean_checkin(_s: Session, values: dict[str, Any], _r: Any) -> dict[str, Any]:
    _score(values, "safety_score", "The feeling-of-safety score")
    return values


def _clean_case(_s: Session, values: dict[str, Any], _r: Any) -> dict[str, Any]:
    if values.get("contact_frequency"):
        values["contact_frequency"] = str(ContactFrequency.parse(str(values["contact_frequency"])))
    _score(values, "satisfaction", "Satisfaction")
    return values


def _clean_priority(_s: Session, values: dict[str, Any], record: Any) -> dict[str, Any]:
    agreed = values.get("agreed_on")
    if agreed and not values.get("review_on") and (record is None or record.review_on is None):
        column = cast(Column[Any], m.Priority.__table__.c.agreed_on)
        values["review_on"] = priority_review_due(coerce(column, agreed))
    return values


def _month_text(_s: Session, values: dict[str, Any], _r: Any) -> dict[str, Any]:
    if values.get("month") is not None:
        values["month"] = parse_month(str(values["month"]))
    return values


_NAMED = {"name": "name", "updated": "updated_at"}

DISTRICTS = _declared(k.DISTRICTS, m.District, _NAMED, "name")
COUNCILS = _declared(
    k.COUNCILS, m.Council, _NAMED, "name", filters={"district": "district_id", "kind": "kind"}
)
STATIONS = _declared(k.POLICE_STATIONS, m.PoliceStation, _NAMED, "name")
NEIGHBOURHOODS = _declared(
    k.NEIGHBOURHOODS,
    m.Neighbourhood,
    {**_NAMED, "code": "code"},
    "name",
    filters={"district": "district_id"},
)
WARDS = _declared(
    k.WARDS,
    m.Ward,
    {**_NAMED, "code": "code"},
    "name",
    filters={"neighbourhood": "neighbourhood_id", "council": "council_id"},
)
OFFICERS = _declared(
    k.OFFICERS,
    m.Officer,
    {**_NAMED, "collar_number": "collar_number", "role": "role"},
    "name",
    filters={"neighbourhood": "neighbourhood_id", "role": "role", "active": "active"},
)
OFFICER_WARDS = _declared(
    k.OFFICER_WARDS,
    m.OfficerWard,
    {"updated": "updated_at"},
    "updated",
    filters={"officer": "officer_id", "ward": "ward_id"},
)
# What another record of the same person carries onto a contact: a merged duplicate
# (merge.py) and a matching imported row (contact_import.py) both read this, and it is the
# contact declaration's `fills` fields; how each is carried (blanks filled, tags united, a
# value replaced only by choice) is domain/carry.py.
CONTACT_FILLABLE = k.CONTACTS.fills()
CONTACTS = _declared(
    k.CONTACTS,
    m.Contact,
    {
        **_NAMED,
        "postcode": "postcode",
        "organisation": "organisation",
        "kind": "kind",
        "review": "review_date",
    },
    "name",
    fts="contacts_fts",
    filters={"ward": "ward_id", "kind": "kind", "postcode": "postcode"},
    derived=frozenset({"merged_into_id", "merge_basis"}),
)
ENGAGEMENTS = _declared(
    k.ENGAGEMENTS,
    m.Engagement,
    {"occurred": "occurred_at", "follow_up": "follow_up_due", "updated": "updated_at"},
    "occurred",
    filters={"officer": "officer_id", "ward": "ward_id", "channel": "channel"},
    decorate=attach_contacts,
)
ENGAGEMENT_CONTACTS = RecordSpec(
    "engagement_contacts",
    "engagement contact",
    m.EngagementContact,
    {"updated": "updated_at"},
    "updated",
    filters={"engagement": "engagement_id", "contact": "contact_id"},
)
KINS = _declared(
    k.KINS,
    m.Kin,
    _NAMED,
    "name",
    filters={"neighbourhood": "neighbourhood_id", "ward": "ward_id"},
)
KIN_MEMBERS = _declared(
    k.KIN_MEMBERS,
    m.KinMember,
    {
        "joined": "joined_on",
        "next_due": "next_checkin_due",
        "represents": "represents",
        "updated": "updated_at",
    },
    "next_due",
    filters={"kin": "kin_id", "contact": "contact_id"},
    derived=frozenset({"last_checkin_on", "next_checkin_due"}),
    check=_in_order("joined_on", "left_on", "joined", "left"),
    after_write=derived.refresh_member,
)
KIN_CHECKINS = _declared(
    k.KIN_CHECKINS,
    m.KinCheckIn,
    {"checked": "checked_on", "updated": "updated_at"},
    "checked",
    filters={"member": "member_id", "officer": "officer_id"},
    clean=_clean_checkin,
    after_write=derived.refresh_member_of_checkin,
)
MEETINGS = _declared(
    k.MEETINGS,
    m.Meeting,
    {"starts": "starts_at", "title": "title", "status": "status", "updated": "updated_at"},
    "starts",
    fts="meetings_fts",
    filters={"neighbourhood": "neighbourhood_id", "status": "status", "type": "meeting_type"},
    check=_meeting_check,
)
MEETING_WARDS = RecordSpec(
    "meeting_wards",
    "meeting ward",
    m.MeetingWard,
    {"updated": "updated_at"},
    "updated",
    filters={"meeting": "meeting_id", "ward": "ward_id"},
)
MEETING_OFFICERS = RecordSpec(
    "meeting_officers",
    "officer present",
    m.MeetingOfficer,
    {"updated": "updated_at"},
    "updated",
    filters={"meeting": "meeting_id", "officer": "officer_id"},
)
PRIORITIES = _declared(
    k.PRIORITIES,
    m.Priority,
    {
        "title": "title",
        "review": "review_on",
        "agreed": "agreed_on",
        "status": "status",
        "updated": "updated_at",
    },
    "review",
    fts="priorities_fts",
    filters={
        "neighbourhood": "neighbourhood_id",
        "ward": "ward_id",
        "status": "status",
        "meeting": "meeting_id",
        "category": "category",
    },
    clean=_clean_priority,
    filled_by_clean=frozenset({"review_on"}),
    check=_in_order("agreed_on", "review_on", "agreed", "review"),
)
PRIORITY_ACTIONS = _declared(
    k.PRIORITY_ACTIONS,
    m.PriorityAction,
    {"date": "action_on", "updated": "updated_at"},
    "date",
    filters={"priority": "priority_id"},
)
VICTIM_CASES = _declared(
    k.VICTIM_CASES,
    m.VictimCase,
    {
        "due": "next_contact_due",
        "opened": "opened_at",
        "reference": "crime_reference",
        "updated": "updated_at",
    },
    "due",
    filters={
        "officer": "officer_id",
        "ward": "ward_id",
        "status": "status",
        "victim": "victim_id",
        "service_level": "service_level",
    },
    derived=frozenset({"next_contact_due"}),
    clean=_clean_case,
    after_write=derived.refresh_case,
)
VICTIM_CONTACTS = _declared(
    k.VICTIM_CONTACTS,
    m.VictimContact,
    {"when": "contacted_at", "updated": "updated_at"},
    "when",
    filters={"case": "case_id", "officer": "officer_id"},
    after_write=derived.refresh_case_of_contact,
)
PATROLS = _declared(
    k.PATROLS,
    m.PatrolSession,
    {"starts": "starts_at", "updated": "updated_at"},
    "starts",
    filters={"officer": "officer_id", "ward": "ward_id", "mode": "mode"},
    check=_in_order("starts_at", "ends_at", "start", "end"),
)
ABSTRACTIONS = _declared(
    k.ABSTRACTIONS,
    m.Abstraction,
    {"starts": "starts_at", "updated": "updated_at"},
    "starts",
    filters={"officer": "officer_id", "reason": "reason"},
    check=_in_order("starts_at", "ends_at", "start", "end"),
)
MESSAGES = _declared(
    k.MESSAGES,
    m.Message,
    {"received": "received_at", "responded": "responded_at", "updated": "updated_at"},
    "received",
    # "responded": None lists the messages still waiting for an answer (IS NULL).
    filters={
        "neighbourhood": "neighbourhood_id",
        "kind": "kind",
        "contact": "contact_id",
        "responded": "responded_at",
    },
    check=_in_order("received_at", "responded_at", "received", "responded"),
)


def _check_intelligence(session: Session, record: Any) -> None:
    """The source is to be told within TELL_SOURCE_WITHIN of the submission unless a date is
    given (never for the officer's own observation); both dates come after the submission."""
    from pcso_desk.domain.enums import IntelSource
    from pcso_desk.domain.schedule import TELL_SOURCE_WITHIN

    if (
        record.tell_source_by is None
        and record.source_told_on is None
        and record.source_type != IntelSource.OFFICER
        and record.submitted_on is not None
    ):
        record.tell_source_by = record.submitted_on + TELL_SOURCE_WITHIN
    _in_order("submitted_on", "tell_source_by", "submission", "date to tell the source")(
        session, record
    )
    _in_order("submitted_on", "source_told_on", "submission", "date the source was told")(
        session, record
    )


def _waiting_for_feedback(on: Any) -> Any:
    report = m.IntelligenceReport
    waiting = report.tell_source_by.is_not(None) & report.source_told_on.is_(None)
    return waiting if on else ~waiting


INTELLIGENCE_REPORTS = _declared(
    k.INTELLIGENCE_REPORTS,
    m.IntelligenceReport,
    {
        "submitted": "submitted_on",
        "tell": "tell_source_by",
        "reference": "force_reference",
        "updated": "updated_at",
    },
    "submitted",
    # "waiting": True lists the reports whose source is still to be told (the prompt).
    filters={
        "neighbourhood": "neighbourhood_id",
        "ward": "ward_id",
        "category": "category",
        "source": "source_type",
        "waiting": _waiting_for_feedback,
    },
    check=_check_intelligence,
)


def _remap_crimes(session: Session, mapping: Any) -> None:
    """A mapping added, changed or deleted re-maps the crime rows of its LSOA at once."""
    from pcso_desk.services.documents.crimes import remap_after_mapping

    remap_after_mapping(session, mapping)


LSOA_WARDS = _declared(
    k.LSOA_WARDS,
    m.LsoaWard,
    {"code": "lsoa_code", "updated": "updated_at"},
    "code",
    filters={"ward": "ward_id"},
    after_write=_remap_crimes,
)
CRIME_COUNTS = _declared(
    k.CRIME_COUNTS,
    m.CrimeCount,
    {"month": "month", "updated": "updated_at"},
    "month",
    filters={"ward": "ward_id", "month": "month"},
    clean=_month_text,
)

ALL_SPECS: tuple[RecordSpec, ...] = (
    DISTRICTS,
    COUNCILS,
    STATIONS,
    NEIGHBOURHOODS,
    WARDS,
    OFFICERS,
    OFFICER_WARDS,
    CONTACTS,
    ENGAGEMENTS,
    ENGAGEMENT_CONTACTS,
    KINS,
    KIN_MEMBERS,
    KIN_CHECKINS,
    MEETINGS,
    MEETING_WARDS,
    MEETING_OFFICERS,
    PRIORITIES,
    PRIORITY_ACTIONS,
    VICTIM_CASES,
    VICTIM_CONTACTS,
    PATROLS,
    ABSTRACTIONS,
    MESSAGES,
    INTELLIGENCE_REPORTS,
    LSOA_WARDS,
    CRIME_COUNTS,
)
