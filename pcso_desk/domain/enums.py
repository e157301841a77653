"""Closed vocabularies shared by the store, services, reports and screens."""

from __future__ import annotations

import enum


class Sensitivity(enum.StrEnum):
    """How a personal-data field may travel: public outputs carry only PUBLIC fields."""

    PUBLIC = "public"
    INTERNAL = "internal"
    RESTRICTED = "restricted"


class Role(enum.StrEnum):
    PCSO = "pcso"
    PC = "pc"
    SERGEANT = "sergeant"
    INSPECTOR = "inspector"
    STAFF = "staff"


class UserRole(enum.StrEnum):
    PCSO = "pcso"
    PC = "pc"
    SERGEANT = "sergeant"
    ADMIN = "admin"


class ContactKind(enum.StrEnum):
    RESIDENT = "resident"
    BUSINESS = "business"
    COMMUNITY_GROUP = "community_group"
    SCHOOL = "school"
    FAITH_GROUP = "faith_group"
    PARTNER_AGENCY = "partner_agency"
    COUNCILLOR = "councillor"
    NHW_COORDINATOR = "nhw_coordinator"


class ContactMethod(enum.StrEnum):
    PHONE = "phone"
    EMAIL = "email"
    LETTER = "letter"
    IN_PERSON = "in_person"
    TEXT = "text"


class LawfulBasis(enum.StrEnum):
    PUBLIC_TASK = "public_task"
    CONSENT = "consent"
    LEGITIMATE_INTERESTS = "legitimate_interests"
    VITAL_INTERESTS = "vital_interests"
    LAW_ENFORCEMENT = "law_enforcement"


class Channel(enum.StrEnum):
    FACE_TO_FACE = "face_to_face"
    PATROL = "patrol"
    PHONE = "phone"
    EMAIL = "email"
    SOCIAL_MEDIA = "social_media"
    MEETING = "meeting"


class IssueCategory(enum.StrEnum):
    ASB = "asb"
    DRUGS = "drugs"
    BURGLARY = "burglary"
    VEHICLE_CRIME = "vehicle_crime"
    SPEEDING = "speeding"
    PARKING = "parking"
    CRIMINAL_DAMAGE = "criminal_damage"
    YOUTH_NUISANCE = "youth_nuisance"
    FLY_TIPPING = "fly_tipping"
    OTHER = "other"

    @property
    def label(self) -> str:
        return ISSUE_LABELS[self]


ISSUE_LABELS: dict[IssueCategory, str] = {
    IssueCategory.ASB: "Anti-social behaviour",
    IssueCategory.DRUGS: "Drugs",
    IssueCategory.BURGLARY: "Burglary",
    IssueCategory.VEHICLE_CRIME: "Vehicle crime",
    IssueCategory.SPEEDING: "Speeding / inconsiderate motoring",
    IssueCategory.PARKING: "Parking",
    IssueCategory.CRIMINAL_DAMAGE: "Criminal damage",
    IssueCategory.YOUTH_NUISANCE: "Youth nuisance",
    IssueCategory.FLY_TIPPING: "Fly-tipping",
    IssueCategory.OTHER: "Other",
}


class CheckInMethod(enum.StrEnum):
    IN_PERSON = "in_person"
    PHONE = "phone"
    EMAIL = "email"
    TEXT = "text"


class MeetingType(enum.StrEnum):
    PACT = "pact"
    WARD_PANEL = "ward_panel"
    SURGERY = "surgery"
    STREET_BRIEFING = "street_briefing"
    MOBILE_STATION = "mobile_station"
    COMMUNITY_EVENT = "community_event"


class MeetingStatus(enum.StrEnum):
    PLANNED = "planned"
    HELD = "held"
    CANCELLED = "cancelled"


class PriorityStatus(enum.StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"
    DROPPED = "dropped"


class ReviewDecision(enum.StrEnum):
    KEEP = "keep"
    DROP = "drop"


class ServiceLevel(enum.StrEnum):
    STANDARD = "standard"
    ENHANCED = "enhanced"


class EnhancedReason(enum.StrEnum):
    VULNERABLE = "vulnerable"
    INTIMIDATED = "intimidated"
    PERSISTENTLY_TARGETED = "persistently_targeted"
    UNDER_18 = "under_18"


class CaseStatus(enum.StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class VisitType(enum.StrEnum):
    INITIAL_REASSURANCE = "initial_reassurance"
    CRIME_PREVENTION = "crime_prevention"
    FOLLOW_UP = "follow_up"
    CLOSING = "closing"


class VisitMethod(enum.StrEnum):
    VISIT = "visit"
    PHONE = "phone"
    LETTER = "letter"
    EMAIL = "email"


class PatrolMode(enum.StrEnum):
    FOOT = "foot"
    CYCLE = "cycle"
    VEHICLE = "vehicle"


class AbstractionReason(enum.StrEnum):
    COURT = "court"
    TRAINING = "training"
    OTHER_DUTIES = "other_duties"
    ADMIN = "admin"


class MessageKind(enum.StrEnum):
    REQUEST = "request"
    INFORMATION = "information"
    DISSATISFACTION = "dissatisfaction"
    COMPLIMENT = "compliment"  # counted apart from dissatisfaction in the internal pack


class MessageChannel(enum.StrEnum):
    EMAIL = "email"
    PHONE = "phone"
    LETTER = "letter"
    SOCIAL_MEDIA = "social_media"
    IN_PERSON = "in_person"
    WEBSITE = "website"


class IntelCategory(enum.StrEnum):
    """What an intelligence report submitted to the force was about (never what it said)."""

    DRUGS = "drugs"
    COUNTY_LINES = "county_lines"
    EXPLOITATION = "exploitation"
    ASB = "asb"
    ACQUISITIVE = "acquisitive_crime"
    WEAPONS = "weapons"
    VEHICLES = "vehicles"
    ORGANISED_CRIME = "organised_crime"
    OTHER = "other"


class IntelSource(enum.StrEnum):
    """Who the intelligence came from, as a type: the ledger never names a source."""

    MEMBER_OF_PUBLIC = "member_of_public"
    KIN_MEMBER = "kin_member"
    BUSINESS = "business"
    PARTNER_AGENCY = "partner_agency"
    COUNCILLOR = "councillor"
    OFFICER = "officer"  # the officer's own observation: there is no one to tell
