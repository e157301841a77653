"""Public meetings and the neighbourhood priorities they agree, with their actions."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from pcso_desk.domain.enums import (
    IssueCategory,
    MeetingStatus,
    MeetingType,
    PriorityStatus,
    ReviewDecision,
    Sensitivity,
)
from pcso_desk.store.base import Base, Record, personal
from pcso_desk.store.types import enum_column


class Meeting(Record, Base):
    """A PACT/ward panel meeting, surgery, street briefing, mobile station visit or event."""

    __tablename__ = "meetings"
    # Where and when the public turn up: concurrent different values go to the conflict queue.
    __conflict_checked__ = ("starts_at", "ends_at", "venue")
    meeting_type: Mapped[MeetingType] = mapped_column(enum_column(MeetingType))
    title: Mapped[str] = mapped_column(String(200))
    # What public documents call the meeting; empty: its type and venue (never `title`).
    public_title: Mapped[str] = mapped_column(String(200), default="", server_default="")
    venue: Mapped[str] = mapped_column(String(200), default="")
    starts_at: Mapped[datetime] = mapped_column(index=True)
    ends_at: Mapped[datetime | None] = mapped_column(default=None)
    status: Mapped[MeetingStatus] = mapped_column(
        enum_column(MeetingStatus), default=MeetingStatus.PLANNED
    )
    neighbourhood_id: Mapped[str | None] = mapped_column(
        ForeignKey("neighbourhoods.id"), index=True
    )
    attendance: Mapped[int | None] = mapped_column(Integer, default=None)
    partners_present: Mapped[str] = mapped_column(Text, default="")
    issues_raised: Mapped[str] = personal(Sensitivity.INTERNAL, type_=Text, default="")
    notes: Mapped[str] = personal(Sensitivity.INTERNAL, type_=Text, default="")


class MeetingWard(Record, Base):
    __tablename__ = "meeting_wards"
    meeting_id: Mapped[str] = mapped_column(ForeignKey("meetings.id"), index=True)
    ward_id: Mapped[str] = mapped_column(ForeignKey("wards.id"), index=True)


class MeetingOfficer(Record, Base):
    __tablename__ = "meeting_officers"
    meeting_id: Mapped[str] = mapped_column(ForeignKey("meetings.id"), index=True)
    officer_id: Mapped[str] = mapped_column(ForeignKey("officers.id"), index=True)


class Priority(Record, Base):
    """A neighbourhood priority agreed with the community, reviewed every few months."""

    __tablename__ = "priorities"
    # What the public is told: concurrent different wordings go to the conflict queue.
    __conflict_checked__ = ("public_wording",)
    title: Mapped[str] = mapped_column(String(200))
    public_wording: Mapped[str] = mapped_column(Text, default="")
    internal_notes: Mapped[str] = personal(Sensitivity.INTERNAL, type_=Text, default="")
    category: Mapped[IssueCategory] = mapped_column(enum_column(IssueCategory))
    neighbourhood_id: Mapped[str] = mapped_column(ForeignKey("neighbourhoods.id"), index=True)
    ward_id: Mapped[str | None] = mapped_column(ForeignKey("wards.id"), index=True)
    meeting_id: Mapped[str | None] = mapped_column(ForeignKey("meetings.id"))
    source: Mapped[str] = mapped_column(String(200), default="")
    agreed_on: Mapped[date]
    review_on: Mapped[date] = mapped_column(index=True)
    owner_id: Mapped[str | None] = mapped_column(ForeignKey("officers.id"))
    status: Mapped[PriorityStatus] = mapped_column(
        enum_column(PriorityStatus), default=PriorityStatus.OPEN
    )
    review_decision: Mapped[ReviewDecision | None] = mapped_column(enum_column(ReviewDecision))
    review_decided_on: Mapped[date | None] = mapped_column(default=None)
    review_reason: Mapped[str] = mapped_column(Text, default="")
    # Set when proposed from "what people raised" (services/casework/raised.py): how many
    # raised it and a summary of where ("4 engagements, 2 meeting issues"); counts only.
    evidence_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    evidence: Mapped[str] = mapped_column(Text, default="", server_default="")


class PriorityAction(Record, Base):
    """Something done about a priority, with its public "you said, we did" sentence."""

    __tablename__ = "priority_actions"
    __append_only__ = True
    priority_id: Mapped[str] = mapped_column(ForeignKey("priorities.id"), index=True)
    action_on: Mapped[date]
    officer_id: Mapped[str | None] = mapped_column(ForeignKey("officers.id"))
    description: Mapped[str] = personal(Sensitivity.INTERNAL, type_=Text, default="")
    public_text: Mapped[str] = mapped_column(Text, default="")
