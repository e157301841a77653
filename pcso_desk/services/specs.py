"""Every record type's rules: which fields are cleaned how, what lists sort and filter by."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from sqlalchemy import Column
from sqlalchemy.orm import Session

from pcso_desk.domain import validation as v
from pcso_desk.domain.errors import ValidationError
from pcso_desk.domain.schedule import ContactFrequency, priority_review_due
from pcso_desk.services import derived
from pcso_desk.services.coerce import coerce
from pcso_desk.services.records import RecordSpec
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


def _clean_contact(_s: Session, values: dict[str, Any], _r: Any) -> dict[str, Any]:
    return _normalise(
        values,
        {
            "name": v.normalise_name,
            "postcode": v.normalise_postcode,
            "phone": v.normalise_phone,
            "email": v.normalise_email,
        },
    )


def _clean_officer(_s: Session, values: dict[str, Any], _r: Any) -> dict[str, Any]:
    return _normalise(
        values,
        {
            "name": v.normalise_name,
            "work_phone": v.normalise_phone,
            "work_email": v.normalise_email,
        },
    )


def _clean_station(_s: Session, values: dict[str, Any], _r: Any) -> dict[str, Any]:
    return _normalise(values, {"postcode": v.normalise_postcode, "phone": v.normalise_phone})


def _clean_neighbourhood(_s: Session, values: dict[str, Any], _r: Any) -> dict[str, Any]:
    return _normalise(
        values, {"name": v.normalise_name, "phone": v.normalise_phone, "email": v.normalise_email}
    )


def _clean_named(_s: Session, values: dict[str, Any], _r: Any) -> dict[str, Any]:
    return _normalise(values, {"name": v.normalise_name, "title": v.normalise_name})


def _clean_checkin(_s: Session, values: dict[str, Any], _r: Any) -> dict[str, Any]:
    _score(values, "safety_score", "The feeling-of-safety score")
    return values


def _clean_case(_s: Session, values: dict[str, Any], _r: Any) -> dict[str, Any]:
    _normalise(values, {"crime_reference": v.normalise_crime_reference})
    if values.get("contact_frequency"):
        values["contact_frequency"] = str(ContactFrequency.parse(str(values["contact_frequency"])))
    _score(values, "satisfaction", "Satisfaction")
    return values


def _clean_priority(_s: Session, values: dict[str, Any], record: Any) -> dict[str, Any]:
    _normalise(values, {"title": v.normalise_name})
    agreed = values.get("agreed_on")
    if agreed and not values.get("review_on") and (record is None or record.review_on is None):
        column = cast(Column[Any], m.Priority.__table__.c.agreed_on)
        values["review_on"] = priority_review_due(coerce(column, agreed))
    return values


def _month_text(_s: Session, values: dict[str, Any], _r: Any) -> dict[str, Any]:
    month = values.get("month")
    if month is not None:
        text = str(month).strip()
        if len(text) != 7 or text[4] != "-" or not (text[:4] + text[5:]).isdigit():
            raise ValidationError(f"'{text}' is not a month; use YYYY-MM.", "month")
        if not 1 <= int(text[5:]) <= 12:
            raise ValidationError(f"'{text}' is not a month; use YYYY-MM.", "month")
    return values


_NAMED = {"name": "name", "updated": "updated_at"}

DISTRICTS = RecordSpec(
    "districts", "district", m.District, _NAMED, "name", ("name", "code"), clean=_clean_named
)
COUNCILS = RecordSpec(
    "councils",
    "council",
    m.Council,
    _NAMED,
    "name",
    ("name",),
    filters={"district": "district_id", "kind": "kind"},
    clean=_clean_named,
)
STATIONS = RecordSpec(
    "police_stations",
    "police station",
    m.PoliceStation,
    _NAMED,
    "name",
    ("name", "address", "postcode"),
    clean=_clean_station,
)
NEIGHBOURHOODS = RecordSpec(
    "neighbourhoods",
    "neighbourhood",
    m.Neighbourhood,
    {**_NAMED, "code": "code"},
    "name",
    ("name", "code"),
    filters={"district": "district_id"},
    clean=_clean_neighbourhood,
)
WARDS = RecordSpec(
    "wards",
    "ward",
    m.Ward,
    {**_NAMED, "code": "code"},
    "name",
    ("name", "code"),
    filters={"neighbourhood": "neighbourhood_id", "council": "council_id"},
    clean=_clean_named,
)
OFFICERS = RecordSpec(
    "officers",
    "officer",
    m.Officer,
    {**_NAMED, "collar_number": "collar_number", "role": "role"},
    "name",
    ("name", "collar_number"),
    filters={"neighbourhood": "neighbourhood_id", "role": "role", "active": "active"},
    clean=_clean_officer,
)
OFFICER_WARDS = RecordSpec(
    "officer_wards",
    "ward attachment",
    m.OfficerWard,
    {"updated": "updated_at"},
    "updated",
    filters={"officer": "officer_id", "ward": "ward_id"},
)
# What another record of the same person may fill in on a contact where it is blank, and
# never overwrite: a merged duplicate (merge.py) and a matching imported row
# (contact_import.py) both use this one list, so neither can drop what the other carries.
CONTACT_FILLABLE = (
    "organisation",
    "role_title",
    "address",
    "postcode",
    "ward_id",
    "phone",
    "email",
    "preferred_method",
    "preferred_times",
    "tags",
    "notes",
)
CONTACTS = RecordSpec(
    "contacts",
    "contact",
    m.Contact,
    {
        **_NAMED,
        "postcode": "postcode",
        "organisation": "organisation",
        "kind": "kind",
        "review": "review_date",
    },
    "name",
    ("name", "organisation", "postcode", "email"),
    fts="contacts_fts",
    filters={"ward": "ward_id", "kind": "kind", "postcode": "postcode"},
    derived=frozenset({"merged_into_id"}),
    clean=_clean_contact,
)
ENGAGEMENTS = RecordSpec(
    "engagements",
    "engagement",
    m.Engagement,
    {"occurred": "occurred_at", "follow_up": "follow_up_due", "updated": "updated_at"},
    "occurred",
    ("summary",),
    filters={"officer": "officer_id", "ward": "ward_id", "channel": "channel"},
)
ENGAGEMENT_CONTACTS = RecordSpec(
    "engagement_contacts",
    "engagement contact",
    m.EngagementContact,
    {"updated": "updated_at"},
    "updated",
    filters={"engagement": "engagement_id", "contact": "contact_id"},
)
KINS = RecordSpec(
    "kins",
    "Key Individual Network",
    m.Kin,
    _NAMED,
    "name",
    ("name",),
    filters={"neighbourhood": "neighbourhood_id", "ward": "ward_id"},
    clean=_clean_named,
)
KIN_MEMBERS = RecordSpec(
    "kin_members",
    "KIN member",
    m.KinMember,
    {
        "joined": "joined_on",
        "next_due": "next_checkin_due",
        "represents": "represents",
        "updated": "updated_at",
    },
    "next_due",
    ("represents",),
    filters={"kin": "kin_id", "contact": "contact_id"},
    derived=frozenset({"last_checkin_on", "next_checkin_due"}),
    check=_in_order("joined_on", "left_on", "joined", "left"),
    after_write=derived.refresh_member,
)
KIN_CHECKINS = RecordSpec(
    "kin_checkins",
    "KIN check-in",
    m.KinCheckIn,
    {"checked": "checked_on", "updated": "updated_at"},
    "checked",
    ("concerns", "suggested_priorities"),
    filters={"member": "member_id", "officer": "officer_id"},
    clean=_clean_checkin,
    after_write=derived.refresh_member_of_checkin,
)
MEETINGS = RecordSpec(
    "meetings",
    "meeting",
    m.Meeting,
    {"starts": "starts_at", "title": "title", "status": "status", "updated": "updated_at"},
    "starts",
    ("title", "venue"),
    fts="meetings_fts",
    filters={"neighbourhood": "neighbourhood_id", "status": "status", "type": "meeting_type"},
    clean=_clean_named,
    check=_in_order("starts_at", "ends_at", "start", "end"),
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
PRIORITIES = RecordSpec(
    "priorities",
    "priority",
    m.Priority,
    {
        "title": "title",
        "review": "review_on",
        "agreed": "agreed_on",
        "status": "status",
        "updated": "updated_at",
    },
    "review",
    ("title", "public_wording"),
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
PRIORITY_ACTIONS = RecordSpec(
    "priority_actions",
    "action",
    m.PriorityAction,
    {"date": "action_on", "updated": "updated_at"},
    "date",
    ("description", "public_text"),
    filters={"priority": "priority_id"},
)
VICTIM_CASES = RecordSpec(
    "victim_cases",
    "victim care case",
    m.VictimCase,
    {
        "due": "next_contact_due",
        "opened": "opened_at",
        "reference": "crime_reference",
        "updated": "updated_at",
    },
    "due",
    ("crime_reference", "offence_type"),
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
VICTIM_CONTACTS = RecordSpec(
    "victim_contacts",
    "victim contact",
    m.VictimContact,
    {"when": "contacted_at", "updated": "updated_at"},
    "when",
    ("notes",),
    filters={"case": "case_id", "officer": "officer_id"},
    after_write=derived.refresh_case_of_contact,
)
PATROLS = RecordSpec(
    "patrol_sessions",
    "patrol session",
    m.PatrolSession,
    {"starts": "starts_at", "updated": "updated_at"},
    "starts",
    ("notes",),
    filters={"officer": "officer_id", "ward": "ward_id", "mode": "mode"},
    check=_in_order("starts_at", "ends_at", "start", "end"),
)
ABSTRACTIONS = RecordSpec(
    "abstractions",
    "abstraction",
    m.Abstraction,
    {"starts": "starts_at", "updated": "updated_at"},
    "starts",
    ("notes",),
    filters={"officer": "officer_id", "reason": "reason"},
    check=_in_order("starts_at", "ends_at", "start", "end"),
)
MESSAGES = RecordSpec(
    "messages",
    "message",
    m.Message,
    {"received": "received_at", "responded": "responded_at", "updated": "updated_at"},
    "received",
    ("subject", "from_name"),
    # "responded": None lists the messages still waiting for an answer (IS NULL).
    filters={
        "neighbourhood": "neighbourhood_id",
        "kind": "kind",
        "contact": "contact_id",
        "responded": "responded_at",
    },
    check=_in_order("received_at", "responded_at", "received", "responded"),
)
LSOA_WARDS = RecordSpec(
    "lsoa_wards",
    "LSOA mapping",
    m.LsoaWard,
    {"code": "lsoa_code", "updated": "updated_at"},
    "code",
    ("lsoa_code", "lsoa_name"),
    filters={"ward": "ward_id"},
)
CRIME_COUNTS = RecordSpec(
    "crime_counts",
    "crime count",
    m.CrimeCount,
    {"month": "month", "updated": "updated_at"},
    "month",
    ("crime_type",),
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
    LSOA_WARDS,
    CRIME_COUNTS,
)
