"""What each record screen lists and edits: columns, fields and wording, in one place."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pcso_desk.domain import enums as e
from pcso_desk.domain.schedule import LONDON
from pcso_desk.domain.validation import format_phone
from pcso_desk.gui.forms import FieldDef, choices_of
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


SCORES = [
    (str(n), f"{n} — {t}")
    for n, t in ((1, "very unsafe"), (2, "unsafe"), (3, "neither"), (4, "safe"), (5, "very safe"))
]
ISSUES = choices_of(e.IssueCategory, {c: c.label for c in e.IssueCategory})

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
    [
        FieldDef("name", "Name", required=True),
        FieldDef(
            "kind", "Kind", "choice", choices_of(e.ContactKind), required=True, default="resident"
        ),
        FieldDef("organisation", "Organisation"),
        FieldDef("role_title", "Role"),
        FieldDef("address", "Address", "multiline"),
        FieldDef("postcode", "Postcode", placeholder="e.g. AL1 3AB"),
        FieldDef("ward_id", "Ward", "ref", ref="wards"),
        FieldDef("phone", "Phone", placeholder="e.g. 01632 960123"),
        FieldDef("email", "Email"),
        FieldDef("preferred_method", "Preferred method", "choice", choices_of(e.ContactMethod)),
        FieldDef("preferred_times", "Preferred times"),
        FieldDef(
            "lawful_basis",
            "Lawful basis",
            "choice",
            choices_of(e.LawfulBasis),
            required=True,
            default="public_task",
        ),
        FieldDef("consent_by", "Consent given by"),
        FieldDef("consent_at", "Consent given", "datetime"),
        FieldDef("consent_how", "Consent: how"),
        FieldDef("consent_told", "Consent: what they were told", "multiline"),
        FieldDef("consent_withdrawn_at", "Consent withdrawn", "datetime"),
        FieldDef("tags", "Tags", placeholder="comma separated"),
        FieldDef("notes", "Notes", "multiline"),
        FieldDef("review_date", "Review date", "date"),
    ],
    "Filter by name, organisation, postcode, email…",
)

ENGAGEMENT_FIELDS = [
    FieldDef("occurred_at", "When", "datetime", required=True),
    FieldDef("ward_id", "Ward", "ref", ref="wards"),
    FieldDef(
        "channel", "Channel", "choice", choices_of(e.Channel), required=True, default="patrol"
    ),
    FieldDef("officer_id", "Officer", "ref", ref="officers"),
    FieldDef("issues", "Issues raised", "multi", ISSUES),
    FieldDef("summary", "Summary", "multiline"),
    FieldDef("follow_up_due", "Follow-up due", "date"),
    FieldDef("follow_up_done", "Follow-up done", "bool"),
]
ENGAGEMENTS = ScreenDef(
    "engagements",
    "Engagements",
    "engagement",
    [
        ColumnDef("occurred_at", "When", when, sort="occurred"),
        ColumnDef("channel", "Channel", enum_label),
        ColumnDef("ward_id", "Ward", label("ward_id")),
        ColumnDef("officer_id", "Officer", label("officer_id")),
        ColumnDef("issues", "Issues", issues),
        ColumnDef("summary", "Summary"),
        ColumnDef("follow_up_due", "Follow-up", when, sort="follow_up"),
    ],
    ENGAGEMENT_FIELDS,
    "Filter by summary…",
    ListQuery(sort="occurred", descending=True),
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
    [
        FieldDef("name", "Name", required=True),
        FieldDef("neighbourhood_id", "Neighbourhood", "ref", ref="neighbourhoods", required=True),
        FieldDef("ward_id", "Ward (if for one ward)", "ref", ref="wards"),
        FieldDef("description", "About", "multiline"),
    ],
)

KIN_MEMBER_FIELDS = [
    FieldDef("contact_id", "Key individual (contact)", "pick", ref="contacts", required=True),
    FieldDef("represents", "Represents (street or community)"),
    FieldDef("why_key", "Why they are key", "multiline"),
    FieldDef("cadence_weeks", "Check in every (weeks)", default="6"),
    FieldDef("joined_on", "Joined", "date", required=True),
    FieldDef("left_on", "Left", "date"),
]
CHECKIN_FIELDS = [
    FieldDef("checked_on", "Date", "date", required=True),
    FieldDef("officer_id", "Officer", "ref", ref="officers"),
    FieldDef(
        "method",
        "Method",
        "choice",
        choices_of(e.CheckInMethod),
        required=True,
        default="in_person",
    ),
    FieldDef(
        "safety_score", "How safe do people feel?", "choice", SCORES, required=True, default="4"
    ),
    FieldDef("concerns", "Concerns raised", "multiline"),
    FieldDef("suggested_priorities", "Suggested priorities", "multiline"),
]

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
    [
        FieldDef(
            "meeting_type",
            "Type",
            "choice",
            choices_of(e.MeetingType),
            required=True,
            default="pact",
        ),
        FieldDef("title", "Title", required=True),
        FieldDef("venue", "Venue"),
        FieldDef("starts_at", "Starts", "datetime", required=True),
        FieldDef("ends_at", "Ends", "datetime"),
        FieldDef(
            "status",
            "Status",
            "choice",
            choices_of(e.MeetingStatus),
            required=True,
            default="planned",
        ),
        FieldDef("neighbourhood_id", "Neighbourhood", "ref", ref="neighbourhoods"),
        FieldDef("attendance", "Attendance (people)"),
        FieldDef("partners_present", "Partners present"),
        FieldDef("issues_raised", "Issues raised", "multiline"),
        FieldDef("notes", "Notes", "multiline"),
    ],
    "Filter by title or venue…",
    ListQuery(sort="starts", descending=True),
)

PRIORITY_FIELDS = [
    FieldDef("title", "Title", required=True),
    FieldDef("public_wording", "Public wording", "multiline"),
    FieldDef("category", "Category", "choice", ISSUES, required=True, default="asb"),
    FieldDef("neighbourhood_id", "Neighbourhood", "ref", ref="neighbourhoods", required=True),
    FieldDef("ward_id", "Ward", "ref", ref="wards"),
    FieldDef("agreed_on", "Agreed on", "date", required=True),
    FieldDef(
        "review_on", "Review on", "date", help="Leave blank for three months after agreement."
    ),
    FieldDef("owner_id", "Owner", "ref", ref="officers"),
    FieldDef(
        "status", "Status", "choice", choices_of(e.PriorityStatus), required=True, default="open"
    ),
    FieldDef("internal_notes", "Internal notes", "multiline"),
]
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
ACTION_FIELDS = [
    FieldDef("action_on", "Date", "date", required=True),
    FieldDef("officer_id", "Officer", "ref", ref="officers"),
    FieldDef("description", "What was done (internal)", "multiline"),
    FieldDef("public_text", "You said, we did (public)", "multiline"),
]

CASE_FIELDS = [
    FieldDef("victim_id", "Victim (contact)", "pick", ref="contacts", required=True),
    FieldDef("crime_reference", "Crime reference", required=True, placeholder="e.g. 41/12345/26"),
    FieldDef("offence_type", "Offence", required=True),
    FieldDef("offence_date", "Offence date", "date"),
    FieldDef("opened_at", "Case opened", "datetime", required=True),
    FieldDef("officer_id", "Officer", "ref", ref="officers"),
    FieldDef("ward_id", "Ward", "ref", ref="wards"),
    FieldDef(
        "service_level",
        "Service level",
        "choice",
        choices_of(e.ServiceLevel),
        required=True,
        default="standard",
    ),
    FieldDef("enhanced_reasons", "Enhanced because", "multi", choices_of(e.EnhancedReason)),
    FieldDef(
        "contact_frequency",
        "Agreed contact frequency",
        default="monthly",
        help="e.g. weekly, fortnightly, monthly, every 10 days",
    ),
    FieldDef("contact_method", "Agreed contact method", "choice", choices_of(e.ContactMethod)),
    FieldDef("victim_asked_less_often", "Victim asked for less than monthly contact", "bool"),
    FieldDef("safe_contact_notes", "Safe-contact instructions", "multiline"),
    FieldDef("vulnerability_notes", "Vulnerability", "multiline"),
    FieldDef("referred_to_victim_support", "Referred to victim support", "bool"),
    FieldDef("referral_consent", "Victim consented to referral", "bool"),
]
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
VISIT_FIELDS = [
    FieldDef("contacted_at", "When", "datetime", required=True),
    FieldDef(
        "visit_type", "Type", "choice", choices_of(e.VisitType), required=True, default="follow_up"
    ),
    FieldDef("method", "How", "choice", choices_of(e.VisitMethod), required=True, default="visit"),
    FieldDef("successful", "Contact was made", "bool", default=True),
    FieldDef("officer_id", "Officer", "ref", ref="officers"),
    FieldDef("notes", "Notes", "multiline"),
]

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
    [
        FieldDef("officer_id", "Officer", "ref", ref="officers", required=True),
        FieldDef("ward_id", "Ward", "ref", ref="wards"),
        FieldDef("starts_at", "Starts", "datetime", required=True),
        FieldDef("ends_at", "Ends", "datetime", required=True),
        FieldDef("mode", "Mode", "choice", choices_of(e.PatrolMode), required=True, default="foot"),
        FieldDef("hot_spots", "Hot spots visited", placeholder="comma separated"),
        FieldDef("notes", "Notes", "multiline"),
    ],
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
    [
        FieldDef("officer_id", "Officer", "ref", ref="officers", required=True),
        FieldDef("starts_at", "Starts", "datetime", required=True),
        FieldDef("ends_at", "Ends", "datetime", required=True),
        FieldDef(
            "reason",
            "Reason",
            "choice",
            choices_of(e.AbstractionReason),
            required=True,
            default="training",
        ),
        FieldDef("notes", "Notes", "multiline"),
    ],
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
    [
        FieldDef("received_at", "Received", "datetime", required=True),
        FieldDef(
            "channel",
            "Channel",
            "choice",
            choices_of(e.MessageChannel),
            required=True,
            default="email",
        ),
        FieldDef("from_name", "From"),
        FieldDef("contact_id", "Contact", "pick", ref="contacts"),
        FieldDef("neighbourhood_id", "Neighbourhood", "ref", ref="neighbourhoods"),
        FieldDef("subject", "Subject", required=True),
        FieldDef(
            "kind", "Kind", "choice", choices_of(e.MessageKind), required=True, default="request"
        ),
        FieldDef("body", "Message", "multiline"),
        FieldDef("responded_at", "Responded", "datetime"),
        FieldDef("responded_by_id", "Responded by", "ref", ref="officers"),
    ],
    "Filter by subject or sender…",
    ListQuery(sort="received", descending=True),
)

NAMED_COLUMNS = [ColumnDef("name", "Name", sort="name")]
ADMIN = {
    "districts": ScreenDef(
        "districts",
        "Districts",
        "district",
        [*NAMED_COLUMNS, ColumnDef("code", "Code")],
        [FieldDef("name", "Name", required=True), FieldDef("code", "Code", required=True)],
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
        [
            FieldDef("name", "Name", required=True),
            FieldDef("code", "Code", required=True),
            FieldDef("district_id", "District", "ref", ref="districts", required=True),
            FieldDef("base_station_id", "Base station", "ref", ref="police_stations"),
            FieldDef("phone", "Phone"),
            FieldDef("email", "Email"),
            FieldDef("description", "About the team", "multiline"),
        ],
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
        [
            FieldDef("name", "Name", required=True),
            FieldDef("code", "Code", required=True),
            FieldDef(
                "neighbourhood_id", "Neighbourhood", "ref", ref="neighbourhoods", required=True
            ),
            FieldDef("council_id", "Parish/town council", "ref", ref="councils"),
            FieldDef(
                "areas",
                "Streets and communities",
                "multiline",
                help="One per line or comma separated",
            ),
        ],
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
        [
            FieldDef("name", "Name", required=True),
            FieldDef("collar_number", "Collar number", required=True),
            FieldDef("role", "Role", "choice", choices_of(e.Role), required=True, default="pcso"),
            FieldDef("neighbourhood_id", "Neighbourhood", "ref", ref="neighbourhoods"),
            FieldDef("work_phone", "Work phone"),
            FieldDef("work_email", "Work email"),
            FieldDef("active", "Active", "bool", default=True),
        ],
    ),
    "officer_wards": ScreenDef(
        "officer_wards",
        "Ward attachments",
        "attachment",
        [
            ColumnDef("officer_id", "Officer", label("officer_id")),
            ColumnDef("ward_id", "Ward", label("ward_id")),
        ],
        [
            FieldDef("officer_id", "Officer", "ref", ref="officers", required=True),
            FieldDef("ward_id", "Designated ward", "ref", ref="wards", required=True),
        ],
        "Filter…",
    ),
    "police_stations": ScreenDef(
        "police_stations",
        "Police stations",
        "station",
        [*NAMED_COLUMNS, ColumnDef("postcode", "Postcode"), ColumnDef("phone", "Phone", phone)],
        [
            FieldDef("name", "Name", required=True),
            FieldDef("address", "Address", "multiline"),
            FieldDef("postcode", "Postcode"),
            FieldDef("phone", "Phone"),
            FieldDef("opening_hours", "Front counter hours"),
        ],
    ),
    "councils": ScreenDef(
        "councils",
        "Councils",
        "council",
        [*NAMED_COLUMNS, ColumnDef("kind", "Kind")],
        [
            FieldDef("name", "Name", required=True),
            FieldDef(
                "kind",
                "Kind",
                "choice",
                [("parish", "Parish"), ("town", "Town"), ("district", "District")],
                required=True,
                default="parish",
            ),
            FieldDef("district_id", "District", "ref", ref="districts"),
        ],
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
        [
            FieldDef("lsoa_code", "LSOA code", required=True),
            FieldDef("lsoa_name", "LSOA name"),
            FieldDef("ward_id", "Ward", "ref", ref="wards", required=True),
        ],
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
        [
            FieldDef("ward_id", "Ward", "ref", ref="wards", required=True),
            FieldDef("month", "Month", placeholder="YYYY-MM", required=True),
            FieldDef("crime_type", "Crime type", required=True),
            FieldDef("count", "Count", required=True),
        ],
        query=ListQuery(sort="month", descending=True),
    ),
}
