"""What each record screen lists and edits: columns, fields and wording, in one place."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pcso_desk.domain import enums as e
from pcso_desk.domain import kinds as k
from pcso_desk.domain.schedule import LONDON
from pcso_desk.domain.validation import format_phone
from pcso_desk.gui.screens.records import ScreenDef
from pcso_desk.gui.table_model import ColumnDef, Show
from pcso_desk.services.values import ListQuery


def label(key: str) -> Show:
    return lambda _value, row: row.get(f"{key}_label", "")


def when(value: Any, _row: dict[str, Any]) -> str:
    if isinstance(value, datetime):
        return value.astimezone(LONDON).strftime("%a %d %b %Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%a %d %b %Y")
    return ""


def phone(value: Any, _row: dict[str, Any]) -> str:
    return format_phone(value) if value else ""


def enum_label(value: Any, _row: dict[str, Any]) -> str:
    if value is None:
        return ""
    if isinstance(value, e.IssueCategory):
        return value.label
    return str(getattr(value, "value", value)).replace("_", " ").capitalize()


def issues(value: Any, _row: dict[str, Any]) -> str:
    known = {c.value: c.label for c in e.IssueCategory}
    return ", ".join(known.get(str(v), str(v)) for v in value or [])


def yes_no(value: Any, _row: dict[str, Any]) -> str:
    return "Yes" if value else "No"


CONTACTS = ScreenDef(
    "contacts",
    "Contacts",
    "contact",
    [
        ColumnDef("name", "Name", sort="name"),
        ColumnDef("organisation", "Organisation", sort="organisation"),
        ColumnDef("kind", "Kind", enum_label, sort="kind"),
        ColumnDef("postcode", "Postcode", sort="postcode"),
        ColumnDef("phone", "Phone", phone),
        ColumnDef("email", "Email"),
        ColumnDef("ward_id", "Ward", label("ward_id")),
        ColumnDef("review_date", "Review", when, sort="review"),
    ],
    k.CONTACTS.fields,
    "Filter by name, organisation, postcode, email…",
)

ENGAGEMENT_FIELDS = k.ENGAGEMENTS.fields
ENGAGEMENTS = ScreenDef(
    "engagements",
    "Engagements",
    "engagement",
    [
        ColumnDef("occurred_at", "When", when, sort="occurred"),
        ColumnDef("channel", "Channel", enum_label),
        ColumnDef("contacts_label", "Contact"),  # "Name", or "Name +1" for several
        ColumnDef("ward_id", "Ward", label("ward_id")),
        ColumnDef("officer_id", "Officer", label("officer_id")),
        ColumnDef("issues", "Issues", issues),
        ColumnDef("summary", "Summary"),
        ColumnDef("follow_up_due", "Follow-up", when, sort="follow_up"),
    ],
    ENGAGEMENT_FIELDS,
    "Filter by summary…",
    ListQuery(sort="occurred", descending=True),
    listens=frozenset({"engagement_contacts", "contacts"}),  # the Contact column's names
)

KINS = ScreenDef(
    "kins",
    "Key Individual Networks",
    "network",
    [
        ColumnDef("name", "Network", sort="name"),
        ColumnDef("neighbourhood_id", "Neighbourhood", label("neighbourhood_id")),
        ColumnDef("ward_id", "Ward", label("ward_id")),
        ColumnDef("description", "About"),
    ],
    k.KINS.fields,
)

KIN_MEMBER_FIELDS = k.KIN_MEMBERS.fields
CHECKIN_FIELDS = k.KIN_CHECKINS.fields

MEETINGS = ScreenDef(
    "meetings",
    "Meetings",
    "meeting",
    [
        ColumnDef("starts_at", "Starts", when, sort="starts"),
        ColumnDef("title", "Title", sort="title"),
        ColumnDef("meeting_type", "Type", enum_label),
        ColumnDef("venue", "Venue"),
        ColumnDef("status", "Status", enum_label, sort="status"),
        ColumnDef("attendance", "Attendance"),
    ],
    k.MEETINGS.fields,
    "Filter by title or venue…",
    ListQuery(sort="starts", descending=True),
)

PRIORITY_FIELDS = k.PRIORITIES.fields
PRIORITIES = ScreenDef(
    "priorities",
    "Priorities",
    "priority",
    [
        ColumnDef("title", "Priority", sort="title"),
        ColumnDef("category", "Category", enum_label),
        ColumnDef("neighbourhood_id", "Neighbourhood", label("neighbourhood_id")),
        ColumnDef("agreed_on", "Agreed", when, sort="agreed"),
        ColumnDef("review_on", "Review", when, sort="review"),
        ColumnDef("status", "Status", enum_label, sort="status"),
    ],
    PRIORITY_FIELDS,
    "Filter by title or wording…",
)
ACTION_FIELDS = k.PRIORITY_ACTIONS.fields

CASE_FIELDS = k.VICTIM_CASES.fields
VICTIM_CASES = ScreenDef(
    "victim_cases",
    "Victim care",
    "case",
    [
        ColumnDef("next_contact_due", "Next contact due", when, sort="due"),
        ColumnDef("crime_reference", "Crime ref", sort="reference"),
        ColumnDef("victim_id", "Victim", label("victim_id")),
        ColumnDef("offence_type", "Offence"),
        ColumnDef("service_level", "Service", enum_label),
        ColumnDef("status", "Status", enum_label),
    ],
    CASE_FIELDS,
    "Filter by crime reference or offence…",
    ListQuery(filters={"status": "open"}),
    listens=frozenset({"victim_contacts"}),
)
VISIT_FIELDS = k.VICTIM_CONTACTS.fields

PATROLS = ScreenDef(
    "patrol_sessions",
    "Patrol log",
    "patrol",
    [
        ColumnDef("starts_at", "Starts", when, sort="starts"),
        ColumnDef("ends_at", "Ends", when),
        ColumnDef("officer_id", "Officer", label("officer_id")),
        ColumnDef("ward_id", "Ward", label("ward_id")),
        ColumnDef("mode", "Mode", enum_label),
        ColumnDef("hot_spots", "Hot spots"),
    ],
    k.PATROLS.fields,
    "Filter by notes…",
    ListQuery(sort="starts", descending=True),
    listens=frozenset({"abstractions"}),
)
ABSTRACTIONS = ScreenDef(
    "abstractions",
    "Abstractions",
    "abstraction",
    [
        ColumnDef("starts_at", "Starts", when, sort="starts"),
        ColumnDef("ends_at", "Ends", when),
        ColumnDef("officer_id", "Officer", label("officer_id")),
        ColumnDef("reason", "Reason", enum_label),
    ],
    k.ABSTRACTIONS.fields,
    "Filter by notes…",
    ListQuery(sort="starts", descending=True),
)

MESSAGES = ScreenDef(
    "messages",
    "Messages",
    "message",
    [
        ColumnDef("received_at", "Received", when, sort="received"),
        ColumnDef("subject", "Subject"),
        ColumnDef("from_name", "From"),
        ColumnDef("kind", "Kind", enum_label),
        ColumnDef("channel", "Channel", enum_label),
        ColumnDef("responded_at", "Responded", when, sort="responded"),
    ],
    k.MESSAGES.fields,
    "Filter by subject or sender…",
    ListQuery(sort="received", descending=True),
)


def labelled(choices: list[tuple[str, str]]) -> Show:
    """A choice's label, as its editor offers it."""
    labels = dict(choices)
    return lambda value, _row: labels.get(str(getattr(value, "value", value)), "")


def told(value: Any, row: dict[str, Any]) -> str:
    """When the source was told; "Not yet" while they wait to be (the prompt)."""
    if value is not None:
        return when(value, row)
    return "Not yet" if row.get("tell_source_by") is not None else ""


INTELLIGENCE = ScreenDef(
    "intelligence_reports",
    "Intelligence ledger",
    "intelligence report",
    [
        ColumnDef("submitted_on", "Submitted", when, sort="submitted"),
        ColumnDef("force_reference", "Force reference", sort="reference"),
        ColumnDef("category", "Category", labelled(k.INTEL_CATEGORIES)),
        ColumnDef("source_type", "Source", labelled(k.INTEL_SOURCES)),
        ColumnDef("ward_id", "Ward", label("ward_id")),
        ColumnDef("tell_source_by", "Tell the source by", when, sort="tell"),
        ColumnDef("source_told_on", "Source told", told),
    ],
    k.INTELLIGENCE_REPORTS.fields,
    "Filter by force reference…",
    ListQuery(sort="submitted", descending=True),
)

NAMED_COLUMNS = [ColumnDef("name", "Name", sort="name")]
ADMIN = {
    "districts": ScreenDef(
        "districts",
        "Districts",
        "district",
        [*NAMED_COLUMNS, ColumnDef("code", "Code")],
        k.DISTRICTS.fields,
    ),
    "neighbourhoods": ScreenDef(
        "neighbourhoods",
        "Neighbourhoods",
        "neighbourhood",
        [
            *NAMED_COLUMNS,
            ColumnDef("code", "Code", sort="code"),
            ColumnDef("district_id", "District", label("district_id")),
            ColumnDef("phone", "Phone", phone),
            ColumnDef("email", "Email"),
        ],
        k.NEIGHBOURHOODS.fields,
    ),
    "wards": ScreenDef(
        "wards",
        "Wards",
        "ward",
        [
            *NAMED_COLUMNS,
            ColumnDef("code", "Code", sort="code"),
            ColumnDef("neighbourhood_id", "Neighbourhood", label("neighbourhood_id")),
            ColumnDef("council_id", "Council", label("council_id")),
        ],
        k.WARDS.fields,
    ),
    "officers": ScreenDef(
        "officers",
        "Officers",
        "officer",
        [
            *NAMED_COLUMNS,
            ColumnDef("collar_number", "Collar", sort="collar_number"),
            ColumnDef("role", "Role", enum_label),
            ColumnDef("neighbourhood_id", "Neighbourhood", label("neighbourhood_id")),
            ColumnDef("active", "Active", yes_no),
        ],
        k.OFFICERS.fields,
    ),
    "officer_wards": ScreenDef(
        "officer_wards",
        "Ward attachments",
        "attachment",
        [
            ColumnDef("officer_id", "Officer", label("officer_id")),
            ColumnDef("ward_id", "Ward", label("ward_id")),
        ],
        k.OFFICER_WARDS.fields,
        "Filter…",
    ),
    "police_stations": ScreenDef(
        "police_stations",
        "Police stations",
        "station",
        [*NAMED_COLUMNS, ColumnDef("postcode", "Postcode"), ColumnDef("phone", "Phone", phone)],
        k.POLICE_STATIONS.fields,
    ),
    "councils": ScreenDef(
        "councils",
        "Councils",
        "council",
        [*NAMED_COLUMNS, ColumnDef("kind", "Kind")],
        k.COUNCILS.fields,
    ),
    "lsoa_wards": ScreenDef(
        "lsoa_wards",
        "LSOA to ward map",
        "mapping",
        [
            ColumnDef("lsoa_code", "LSOA code", sort="code"),
            ColumnDef("lsoa_name", "LSOA name"),
            ColumnDef("ward_id", "Ward", label("ward_id")),
        ],
        k.LSOA_WARDS.fields,
    ),
    "crime_counts": ScreenDef(
        "crime_counts",
        "Monthly crime counts",
        "count",
        [
            ColumnDef("month", "Month", sort="month"),
            ColumnDef("ward_id", "Ward", label("ward_id")),
            ColumnDef("crime_type", "Crime type"),
            ColumnDef("count", "Count"),
        ],
        k.CRIME_COUNTS.fields,
        query=ListQuery(sort="month", descending=True),
    ),
}
