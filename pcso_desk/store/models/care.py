"""Victim care cases (restricted) and the visits and other contacts made with victims."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from pcso_desk.domain.enums import (
    CaseStatus,
    ContactMethod,
    Sensitivity,
    ServiceLevel,
    VisitMethod,
    VisitType,
)
from pcso_desk.store.base import Base, Record, personal
from pcso_desk.store.types import JSONList, enum_column

RESTRICTED = Sensitivity.RESTRICTED


class VictimCase(Record, Base):
    """A victim's care case. Every personal field here is restricted."""

    __tablename__ = "victim_cases"
    # Two stations giving one field different values is a decision for a sergeant.
    __conflict_checked__ = True
    # An erased case is closed and keeps only what monthly figures count.
    __erase__ = (
        "crime_reference", "offence_type", "offence_date", "enhanced_reasons",
        "safe_contact_notes", "vulnerability_notes", "closing_reason", "contact_method",
        "status", "closed_at",
    )  # fmt: skip
    victim_id: Mapped[str] = mapped_column(ForeignKey("contacts.id"), index=True)
    crime_reference: Mapped[str] = personal(RESTRICTED, type_=String(24), index=True)
    offence_type: Mapped[str] = personal(RESTRICTED, type_=String(120))
    offence_date: Mapped[date | None] = personal(RESTRICTED, default=None)
    opened_at: Mapped[datetime]
    officer_id: Mapped[str | None] = mapped_column(ForeignKey("officers.id"), index=True)
    ward_id: Mapped[str | None] = mapped_column(ForeignKey("wards.id"), index=True)
    service_level: Mapped[ServiceLevel] = mapped_column(
        enum_column(ServiceLevel), default=ServiceLevel.STANDARD
    )
    enhanced_reasons: Mapped[list[str]] = personal(RESTRICTED, type_=JSONList(), default=list)
    contact_frequency: Mapped[str] = mapped_column(String(32), default="monthly")
    contact_method: Mapped[ContactMethod | None] = mapped_column(enum_column(ContactMethod))
    victim_asked_less_often: Mapped[bool] = mapped_column(Boolean, default=False)
    safe_contact_notes: Mapped[str] = personal(RESTRICTED, type_=Text, default="")
    vulnerability_notes: Mapped[str] = personal(RESTRICTED, type_=Text, default="")
    referred_to_victim_support: Mapped[bool] = mapped_column(Boolean, default=False)
    referral_consent: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[CaseStatus] = mapped_column(enum_column(CaseStatus), default=CaseStatus.OPEN)
    closed_at: Mapped[datetime | None] = mapped_column(default=None)
    closing_reason: Mapped[str] = personal(RESTRICTED, type_=Text, default="")
    satisfaction: Mapped[int | None] = mapped_column(Integer, default=None)
    # Derived by the domain rule from the last successful contact and the agreed frequency;
    # stored only so that lists can sort and filter overdue cases in SQL. Never edited by hand.
    next_contact_due: Mapped[datetime | None] = mapped_column(
        default=None,
        index=True,
        info={"sync": False},  # derived: recomputed after a sync
    )


class VictimContact(Record, Base):
    """A visit, call or letter to a victim; only a successful one moves the next due date."""

    __tablename__ = "victim_contacts"
    __append_only__ = True
    __erase__ = ("notes",)
    case_id: Mapped[str] = mapped_column(ForeignKey("victim_cases.id"), index=True)
    contacted_at: Mapped[datetime] = mapped_column(index=True)
    officer_id: Mapped[str | None] = mapped_column(ForeignKey("officers.id"))
    visit_type: Mapped[VisitType] = mapped_column(enum_column(VisitType))
    method: Mapped[VisitMethod] = mapped_column(enum_column(VisitMethod))
    successful: Mapped[bool] = mapped_column(Boolean, default=True)
    notes: Mapped[str] = personal(RESTRICTED, type_=Text, default="")
