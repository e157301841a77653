"""The casework kinds: contacts, the contact log, KINs, meetings, priorities, victim care."""

from __future__ import annotations

from pcso_desk.domain import enums as e
from pcso_desk.domain import validation as v
from pcso_desk.domain.kinds.base import ISSUES, NAME, SCORES, Field, Kind, choice, choices_of, ref

# -- people and the contact log -------------------------------------------------------------

CONTACTS = Kind(
    "contacts",
    "contact",
    (
        NAME,
        choice("kind", "Kind", e.ContactKind, "resident", export="Type"),
        Field("organisation", "Organisation", fills=True),
        Field("role_title", "Role", fills=True),
        Field("address", "Address", "multiline", fills=True),
        Field(
            "postcode",
            "Postcode",
            placeholder="e.g. AL1 3AB",
            fills=True,
            normalise=v.normalise_postcode,
        ),
        ref("ward_id", "Ward", "wards", fills=True),
        Field(
            "phone",
            "Phone",
            placeholder="e.g. 01632 960123",
            fills=True,
            normalise=v.normalise_phone,
        ),
        Field("email", "Email", fills=True, normalise=v.normalise_email),
        Field(
            "preferred_method",
            "Preferred method",
            "choice",
            choices_of(e.ContactMethod),
            fills=True,
        ),
        Field("preferred_times", "Preferred times", fills=True),
        choice("lawful_basis", "Lawful basis", e.LawfulBasis, "public_task"),
        Field("consent_by", "Consent given by"),
        Field("consent_at", "Consent given", "datetime", export="Consent given on"),
        Field("consent_how", "Consent: how", export="Consent given how"),
        Field(
            "consent_told", "Consent: what they were told", "multiline", export="Told at consent"
        ),
        Field(
            "consent_withdrawn_at",
            "Consent withdrawn",
            "datetime",
            export="Consent withdrawn on",
            fills=True,  # a withdrawal on any record of the person stops contact: never lost
        ),
        Field("tags", "Tags", placeholder="comma separated", fills=True),
        Field("notes", "Notes", "multiline", fills=True),
        Field("review_date", "Review date", "date"),
    ),
    search=("name", "organisation", "postcode", "email"),
)

ENGAGEMENTS = Kind(
    "engagements",
    "engagement",
    (
        Field("occurred_at", "When", "datetime", required=True),
        ref("ward_id", "Ward", "wards"),
        choice("channel", "Channel", e.Channel, "patrol"),
        ref("officer_id", "Officer", "officers"),
        Field("issues", "Issues raised", "multi", ISSUES),
        Field("summary", "Summary", "multiline"),
        Field("follow_up_due", "Follow-up due", "date"),
        Field("follow_up_done", "Follow-up done", "bool"),
    ),
    search=("summary",),
)

# -- Key Individual Networks ----------------------------------------------------------------

KINS = Kind(
    "kins",
    "Key Individual Network",
    (
        NAME,
        ref("neighbourhood_id", "Neighbourhood", "neighbourhoods", required=True),
        ref("ward_id", "Ward (if for one ward)", "wards"),
        Field("description", "About", "multiline"),
    ),
    search=("name",),
)
KIN_MEMBERS = Kind(
    "kin_members",
    "KIN member",
    (
        Field("contact_id", "Key individual (contact)", "pick", ref="contacts", required=True),
        Field("represents", "Represents (street or community)"),
        Field("why_key", "Why they are key", "multiline"),
        Field("cadence_weeks", "Check in every (weeks)", default="6"),
        Field("joined_on", "Joined", "date", required=True),
        Field("left_on", "Left", "date"),
    ),
    search=("represents",),
    elsewhere=("kin_id",),
)
KIN_CHECKINS = Kind(
    "kin_checkins",
    "KIN check-in",
    (
        Field("checked_on", "Date", "date", required=True),
        ref("officer_id", "Officer", "officers"),
        choice("method", "Method", e.CheckInMethod, "in_person"),
        Field(
            "safety_score",
            "How safe do people feel?",
            "choice",
            SCORES,
            required=True,
            default="4",
        ),
        Field("concerns", "Concerns raised", "multiline"),
        Field("suggested_priorities", "Suggested priorities", "multiline"),
    ),
    search=("concerns", "suggested_priorities"),
    elsewhere=("member_id",),
)

# -- meetings and priorities ----------------------------------------------------------------

MEETINGS = Kind(
    "meetings",
    "meeting",
    (
        choice("meeting_type", "Type", e.MeetingType, "pact"),
        Field("title", "Title", required=True, normalise=v.normalise_name),
        Field(
            "public_title",
            "Public title",
            help="What handouts, agendas and packs call it; blank: its type and venue.",
        ),
        Field("venue", "Venue"),
        Field("starts_at", "Starts", "datetime", required=True),
        Field("ends_at", "Ends", "datetime"),
        choice("status", "Status", e.MeetingStatus, "planned"),
        # Required by the meetings spec's own rule (services/records/specs.py): a meeting
        # with no neighbourhood reaches no handout.
        ref("neighbourhood_id", "Neighbourhood", "neighbourhoods", required=True),
        Field("attendance", "Attendance (people)"),
        Field("partners_present", "Partners present"),
        Field("issues_raised", "Issues raised", "multiline"),
        Field("notes", "Notes", "multiline"),
    ),
    search=("title", "venue"),
)
PRIORITIES = Kind(
    "priorities",
    "priority",
    (
        Field("title", "Title", required=True, normalise=v.normalise_name),
        Field("public_wording", "Public wording", "multiline"),
        Field("category", "Category", "choice", ISSUES, required=True, default="asb"),
        ref("neighbourhood_id", "Neighbourhood", "neighbourhoods", required=True),
        ref("ward_id", "Ward", "wards"),
        Field("agreed_on", "Agreed on", "date", required=True),
        Field(
            "review_on", "Review on", "date", help="Leave blank for three months after agreement."
        ),
        ref("owner_id", "Owner", "officers"),
        choice("status", "Status", e.PriorityStatus, "open"),
        Field("internal_notes", "Internal notes", "multiline"),
    ),
    search=("title", "public_wording"),
    elsewhere=(
        "meeting_id",
        "source",
        "review_decision",
        "review_decided_on",
        "review_reason",
        "evidence_count",  # set when proposed from "what people raised"
        "evidence",
    ),
)
PRIORITY_ACTIONS = Kind(
    "priority_actions",
    "action",
    (
        Field("action_on", "Date", "date", required=True),
        ref("officer_id", "Officer", "officers"),
        Field("description", "What was done (internal)", "multiline"),
        Field("public_text", "You said, we did (public)", "multiline"),
    ),
    search=("description", "public_text"),
    elsewhere=("priority_id",),
)

# -- victim care ----------------------------------------------------------------------------

VICTIM_CASES = Kind(
    "victim_cases",
    "victim care case",
    (
        Field("victim_id", "Victim (contact)", "pick", ref="contacts", required=True),
        Field(
            "crime_reference",
            "Crime reference",
            required=True,
            placeholder="e.g. 41/12345/26",
            normalise=v.normalise_crime_reference,
        ),
        Field("offence_type", "Offence", required=True),
        Field("offence_date", "Offence date", "date"),
        Field("opened_at", "Case opened", "datetime", required=True),
        ref("officer_id", "Officer", "officers"),
        ref("ward_id", "Ward", "wards"),
        choice("service_level", "Service level", e.ServiceLevel, "standard"),
        Field("enhanced_reasons", "Enhanced because", "multi", choices_of(e.EnhancedReason)),
        Field(
            "contact_frequency",
            "Agreed contact frequency",
            default="monthly",
            help="e.g. weekly, fortnightly, monthly, every 10 days",
        ),
        Field("contact_method", "Agreed contact method", "choice", choices_of(e.ContactMethod)),
        Field("victim_asked_less_often", "Victim asked for less than monthly contact", "bool"),
        Field("safe_contact_notes", "Safe-contact instructions", "multiline"),
        Field("vulnerability_notes", "Vulnerability", "multiline"),
        Field("referred_to_victim_support", "Referred to victim support", "bool"),
        Field("referral_consent", "Victim consented to referral", "bool"),
    ),
    search=("crime_reference", "offence_type"),
    elsewhere=("status", "closed_at", "closing_reason", "satisfaction"),
)
VICTIM_CONTACTS = Kind(
    "victim_contacts",
    "victim contact",
    (
        Field("contacted_at", "When", "datetime", required=True),
        choice("visit_type", "Type", e.VisitType, "follow_up"),
        choice("method", "How", e.VisitMethod, "visit"),
        Field("successful", "Contact was made", "bool", default=True),
        ref("officer_id", "Officer", "officers"),
        Field("notes", "Notes", "multiline"),
    ),
    search=("notes",),
    elsewhere=("case_id",),
)

# -- time on the street ---------------------------------------------------------------------

PATROLS = Kind(
    "patrol_sessions",
    "patrol session",
    (
        ref("officer_id", "Officer", "officers", required=True),
        ref("ward_id", "Ward", "wards"),
        Field("starts_at", "Starts", "datetime", required=True),
        Field("ends_at", "Ends", "datetime", required=True),
        choice("mode", "Mode", e.PatrolMode, "foot"),
        Field("hot_spots", "Hot spots visited", placeholder="comma separated"),
        Field("notes", "Notes", "multiline"),
    ),
    search=("notes",),
)
ABSTRACTIONS = Kind(
    "abstractions",
    "abstraction",
    (
        ref("officer_id", "Officer", "officers", required=True),
        Field("starts_at", "Starts", "datetime", required=True),
        Field("ends_at", "Ends", "datetime", required=True),
        choice("reason", "Reason", e.AbstractionReason, "training"),
        Field("notes", "Notes", "multiline"),
    ),
    search=("notes",),
)
MESSAGES = Kind(
    "messages",
    "message",
    (
        Field("received_at", "Received", "datetime", required=True),
        choice("channel", "Channel", e.MessageChannel, "email"),
        Field("from_name", "From"),
        Field("contact_id", "Contact", "pick", ref="contacts"),
        ref("neighbourhood_id", "Neighbourhood", "neighbourhoods"),
        Field("subject", "Subject", required=True),
        choice("kind", "Kind", e.MessageKind, "request"),
        Field("body", "Message", "multiline"),
        Field("responded_at", "Responded", "datetime"),
        ref("responded_by_id", "Responded by", "officers"),
        Field("response_note", "Response note", "multiline"),
    ),
    search=("subject", "from_name"),
)

# -- the intelligence ledger (county policy): that a report was submitted, never its content --

INTEL_CATEGORIES = choices_of(
    e.IntelCategory,
    {
        e.IntelCategory.ASB: "Anti-social behaviour",
        e.IntelCategory.ACQUISITIVE: "Burglary, theft and robbery",
        e.IntelCategory.VEHICLES: "Vehicles",
    },
)
INTEL_SOURCES = choices_of(
    e.IntelSource,
    {
        e.IntelSource.KIN_MEMBER: "KIN member",
        e.IntelSource.OFFICER: "Officer's own observation",
    },
)
INTELLIGENCE_REPORTS = Kind(
    "intelligence_reports",
    "intelligence report",
    (
        Field(
            "force_reference", "Force reference", required=True, placeholder="e.g. INT/26/004512"
        ),
        Field("submitted_on", "Submitted on", "date", required=True),
        Field("category", "Category", "choice", INTEL_CATEGORIES, required=True, default="drugs"),
        Field(
            "source_type",
            "Source type",
            "choice",
            INTEL_SOURCES,
            required=True,
            default="member_of_public",
        ),
        ref("neighbourhood_id", "Neighbourhood", "neighbourhoods"),
        ref("ward_id", "Ward", "wards"),
        ref("officer_id", "Submitted by", "officers"),
        Field(
            "tell_source_by",
            "Tell the source by",
            "date",
            help="Leave blank for four weeks after submission (none for your own observation).",
        ),
        Field("source_told_on", "Source told on", "date", help="When the source was told."),
    ),
    search=("force_reference",),
)
