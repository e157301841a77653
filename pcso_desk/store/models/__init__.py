"""Every record type of PCSO Desk as a typed SQLAlchemy model."""

from pcso_desk.store.base import Base, Record
from pcso_desk.store.models.audit import AuditEntry
from pcso_desk.store.models.care import VictimCase, VictimContact
from pcso_desk.store.models.community import (
    Contact,
    Engagement,
    EngagementContact,
    Kin,
    KinCheckIn,
    KinMember,
)
from pcso_desk.store.models.figures import Boundary, CrimeCount, CrimeRecord, LsoaWard
from pcso_desk.store.models.intelligence import IntelligenceReport
from pcso_desk.store.models.meetings import (
    Meeting,
    MeetingOfficer,
    MeetingWard,
    Priority,
    PriorityAction,
)
from pcso_desk.store.models.organisation import (
    Council,
    District,
    Neighbourhood,
    Officer,
    OfficerWard,
    PoliceStation,
    StoreMeta,
    User,
    Ward,
)
from pcso_desk.store.models.patrol import Abstraction, Message, PatrolSession
from pcso_desk.store.models.retention import RetentionReview
from pcso_desk.store.models.sync import (
    FieldHistory,
    SyncBundle,
    SyncConflict,
    SyncHub,
    SyncPeer,
    SyncSetAside,
)

__all__ = [
    "Abstraction",
    "AuditEntry",
    "Base",
    "Boundary",
    "Contact",
    "Council",
    "CrimeCount",
    "CrimeRecord",
    "District",
    "Engagement",
    "EngagementContact",
    "FieldHistory",
    "IntelligenceReport",
    "Kin",
    "KinCheckIn",
    "KinMember",
    "LsoaWard",
    "Meeting",
    "MeetingOfficer",
    "MeetingWard",
    "Message",
    "Neighbourhood",
    "Officer",
    "OfficerWard",
    "PatrolSession",
    "PoliceStation",
    "Priority",
    "PriorityAction",
    "Record",
    "RetentionReview",
    "StoreMeta",
    "SyncBundle",
    "SyncConflict",
    "SyncHub",
    "SyncPeer",
    "SyncSetAside",
    "User",
    "VictimCase",
    "VictimContact",
    "Ward",
]
