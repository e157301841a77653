"""Patrol and time log, abstractions, and messages to the team with their 24-hour clock."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from pcso_desk.domain.enums import (
    AbstractionReason,
    MessageChannel,
    MessageKind,
    PatrolMode,
    Sensitivity,
)
from pcso_desk.store.base import Base, Record, list_index, personal
from pcso_desk.store.types import JSONList, enum_column


class PatrolSession(Record, Base):
    """Time spent patrolling a ward: counts towards the 80% time-in-locality target."""

    __tablename__ = "patrol_sessions"
    # The list's pages walk the first; a monthly pack sums a ward's month from the second
    # alone (services/documents/monthly).
    __table_args__ = (
        list_index("ix_patrol_sessions_list_starts", "starts_at"),
        Index(
            "ix_patrol_sessions_ward_month",
            "ward_id",
            "starts_at",
            "ends_at",
            sqlite_where=text("deleted_at IS NULL"),
        ),
    )
    officer_id: Mapped[str] = mapped_column(ForeignKey("officers.id"), index=True)
    ward_id: Mapped[str | None] = mapped_column(ForeignKey("wards.id"), index=True)
    starts_at: Mapped[datetime] = mapped_column(index=True)
    ends_at: Mapped[datetime]
    mode: Mapped[PatrolMode] = mapped_column(enum_column(PatrolMode))
    hot_spots: Mapped[list[str]] = mapped_column(JSONList(), default=list)
    notes: Mapped[str] = mapped_column(Text, default="")


class Abstraction(Record, Base):
    """Time taken away from the neighbourhood: court, training, other duties."""

    __tablename__ = "abstractions"
    __table_args__ = (list_index("ix_abstractions_list_starts", "starts_at"),)
    officer_id: Mapped[str] = mapped_column(ForeignKey("officers.id"), index=True)
    starts_at: Mapped[datetime] = mapped_column(index=True)
    ends_at: Mapped[datetime]
    reason: Mapped[AbstractionReason] = mapped_column(enum_column(AbstractionReason))
    notes: Mapped[str] = mapped_column(Text, default="")


class Message(Record, Base):
    """A message to the team; Pledges 4 and 10 promise a response within 24 hours."""

    __tablename__ = "messages"
    # The list's pages walk the first two (one per sort order the screen offers); search's
    # scan of the newest messages reads the third alone (services/records/search).
    __table_args__ = (
        list_index("ix_messages_list_received", "received_at"),
        list_index("ix_messages_list_responded", text("coalesce(responded_at, '~')")),
        Index(
            "ix_messages_newest",
            "received_at",
            "id",
            "subject",
            "from_name",
            sqlite_where=text("deleted_at IS NULL"),
        ),
    )
    # Times stay (the 24-hour count); who wrote, what, and what was said back go.
    __erase__ = ("from_name", "subject", "body", "contact_id", "response_note")
    received_at: Mapped[datetime] = mapped_column(index=True)
    channel: Mapped[MessageChannel] = mapped_column(enum_column(MessageChannel))
    from_name: Mapped[str] = personal(Sensitivity.INTERNAL, type_=String(200), default="")
    contact_id: Mapped[str | None] = mapped_column(ForeignKey("contacts.id"), index=True)
    neighbourhood_id: Mapped[str | None] = mapped_column(
        ForeignKey("neighbourhoods.id"), index=True
    )
    subject: Mapped[str] = personal(Sensitivity.INTERNAL, type_=String(200))
    body: Mapped[str] = personal(Sensitivity.INTERNAL, type_=Text, default="")
    kind: Mapped[MessageKind] = mapped_column(enum_column(MessageKind))
    responded_at: Mapped[datetime | None] = mapped_column(default=None, index=True)
    responded_by_id: Mapped[str | None] = mapped_column(ForeignKey("officers.id"))
    # How it was answered, in a few words: asked for when a message is marked responded.
    response_note: Mapped[str] = personal(
        Sensitivity.INTERNAL, type_=Text, default="", server_default=""
    )
