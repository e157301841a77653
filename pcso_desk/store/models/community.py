"""Community records: contacts, the engagement log, Key Individual Networks and check-ins."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from pcso_desk.domain.enums import (
    Channel,
    CheckInMethod,
    ContactKind,
    ContactMethod,
    LawfulBasis,
    Sensitivity,
)
from pcso_desk.store.base import ERASE_ALL, Base, Record, list_index, personal
from pcso_desk.store.types import JSONList, enum_column

INTERNAL = Sensitivity.INTERNAL
RESTRICTED = Sensitivity.RESTRICTED


class Contact(Record, Base):
    """A person or organisation the team keeps in touch with."""

    __tablename__ = "contacts"
    __erase__ = ERASE_ALL  # an erased contact is an id and a deletion, nothing more
    # ... and, if it had been merged, the merge: which contact it went into and what that
    # copied (ids and clocks), so every station can erase the copy too.
    __erase_keeps__ = ("merged_into_id", "merge_basis")
    # Concurrent different values of these go to the sync conflict queue (nothing is lost
    # either way: every value overwritten is kept in field_history).
    __conflict_checked__ = ("phone", "email", "address")
    # The few erased contacts, found after every sync to erase late links to them; and the
    # contact list in name order, so any page of a county's 100,000 is a short index walk.
    __table_args__ = (
        Index("ix_contacts_erased", "erased_at", sqlite_where=text("erased_at IS NOT NULL")),
        # The few merged-away contacts, followed after every sync (services/records/follow.py).
        Index(
            "ix_contacts_merged",
            "merged_into_id",
            sqlite_where=text("merged_into_id IS NOT NULL"),
        ),
        Index(
            "ix_contacts_list",
            "name",
            "id",
            sqlite_where=text("deleted_at IS NULL AND merged_into_id IS NULL"),
        ),
    )
    kind: Mapped[ContactKind] = mapped_column(
        enum_column(ContactKind), default=ContactKind.RESIDENT
    )
    name: Mapped[str] = personal(INTERNAL, type_=String(200), index=True)
    organisation: Mapped[str] = personal(INTERNAL, type_=String(200), default="")
    role_title: Mapped[str] = personal(INTERNAL, type_=String(120), default="")
    address: Mapped[str] = personal(INTERNAL, type_=Text, default="")
    postcode: Mapped[str] = personal(INTERNAL, type_=String(10), default="", index=True)
    ward_id: Mapped[str | None] = mapped_column(ForeignKey("wards.id"), index=True)
    phone: Mapped[str] = personal(INTERNAL, type_=String(20), default="", index=True)
    email: Mapped[str] = personal(INTERNAL, type_=String(254), default="", index=True)
    preferred_method: Mapped[ContactMethod | None] = mapped_column(enum_column(ContactMethod))
    preferred_times: Mapped[str] = personal(INTERNAL, type_=String(200), default="")
    lawful_basis: Mapped[LawfulBasis] = mapped_column(
        enum_column(LawfulBasis), default=LawfulBasis.PUBLIC_TASK
    )
    consent_by: Mapped[str] = personal(INTERNAL, type_=String(200), default="")
    consent_at: Mapped[datetime | None] = mapped_column(default=None)
    consent_how: Mapped[str] = mapped_column(String(200), default="")
    consent_told: Mapped[str] = mapped_column(Text, default="")
    consent_withdrawn_at: Mapped[datetime | None] = mapped_column(default=None)
    tags: Mapped[list[str]] = mapped_column(JSONList(), default=list)
    notes: Mapped[str] = personal(INTERNAL, type_=Text, default="")
    review_date: Mapped[date | None] = mapped_column(default=None, index=True)
    # Set when a duplicate was merged into another contact; cleared again by an undo.
    merged_into_id: Mapped[str | None] = mapped_column(String(36), default=None)
    # Set with merged_into_id: JSON {"seen": {field: clock of the value the merge saw here},
    # "filled": {field: clock of the kept contact's field the merge set from this one}}.
    # Edits made elsewhere that the merge had not seen move to the kept contact; an erasure
    # of this contact erases what was filled (services/records/follow.py).
    merge_basis: Mapped[str | None] = mapped_column(Text, default=None)


# Search's one- and two-letter prefixes (services/records/search.py) read this, not every name.
Index("ix_contacts_name_nocase", Contact.name.collate("NOCASE"))


class Engagement(Record, Base):
    """One conversation, patrol contact, call or email: the contact log."""

    __tablename__ = "engagements"
    __append_only__ = True
    # The list's pages walk the first two (one per sort order the screen offers); search's
    # scan of the newest engagements reads the third alone (services/records/search); a
    # monthly pack counts a ward's month from the fourth (services/documents/monthly).
    __table_args__ = (
        list_index("ix_engagements_list_occurred", "occurred_at"),
        list_index("ix_engagements_list_follow_up", text("coalesce(follow_up_due, '~')")),
        Index(
            "ix_engagements_newest",
            "occurred_at",
            "id",
            "summary",
            "channel",
            sqlite_where=text("deleted_at IS NULL"),
        ),
        Index(
            "ix_engagements_ward_month",
            "ward_id",
            "occurred_at",
            sqlite_where=text("deleted_at IS NULL"),
        ),
    )
    __erase__ = ("summary",)  # the count stays (published packs), the words go
    occurred_at: Mapped[datetime] = mapped_column(index=True)
    officer_id: Mapped[str | None] = mapped_column(ForeignKey("officers.id"), index=True)
    ward_id: Mapped[str | None] = mapped_column(ForeignKey("wards.id"), index=True)
    channel: Mapped[Channel] = mapped_column(enum_column(Channel))
    summary: Mapped[str] = personal(INTERNAL, type_=Text, default="")
    issues: Mapped[list[str]] = mapped_column(JSONList(), default=list)
    follow_up_due: Mapped[date | None] = mapped_column(default=None)
    follow_up_done: Mapped[bool] = mapped_column(Boolean, default=False)


class EngagementContact(Record, Base):
    """Who an engagement was with (zero or more contacts)."""

    __tablename__ = "engagement_contacts"
    __append_only__ = True
    __erase__ = ("deleted_at",)
    engagement_id: Mapped[str] = mapped_column(ForeignKey("engagements.id"), index=True)
    contact_id: Mapped[str] = mapped_column(ForeignKey("contacts.id"), index=True)


class Kin(Record, Base):
    """A Key Individual Network for a neighbourhood or one ward."""

    __tablename__ = "kins"
    name: Mapped[str] = mapped_column(String(160))
    neighbourhood_id: Mapped[str] = mapped_column(ForeignKey("neighbourhoods.id"), index=True)
    ward_id: Mapped[str | None] = mapped_column(ForeignKey("wards.id"), index=True)
    description: Mapped[str] = mapped_column(Text, default="")


class KinMember(Record, Base):
    """A key individual's membership of a network."""

    __tablename__ = "kin_members"
    # An erased member has left (on the erasure date, if not before): past counts stay.
    __erase__ = ("represents", "why_key", "left_on")
    kin_id: Mapped[str] = mapped_column(ForeignKey("kins.id"), index=True)
    contact_id: Mapped[str] = mapped_column(ForeignKey("contacts.id"), index=True)
    represents: Mapped[str] = mapped_column(String(200), default="")  # street or community
    why_key: Mapped[str] = personal(INTERNAL, type_=Text, default="")
    cadence_weeks: Mapped[int] = mapped_column(Integer, default=6)
    joined_on: Mapped[date]
    left_on: Mapped[date | None] = mapped_column(default=None)
    # Derived from the latest check-in by the service, kept for fast overdue lists.
    last_checkin_on: Mapped[date | None] = mapped_column(default=None, info={"sync": False})
    next_checkin_due: Mapped[date | None] = mapped_column(
        default=None, index=True, info={"sync": False}
    )


class KinCheckIn(Record, Base):
    """A check-in with a KIN member: how safe people feel, concerns, suggested priorities."""

    __tablename__ = "kin_checkins"
    __append_only__ = True
    __erase__ = ("concerns", "suggested_priorities")  # the date and the score stay
    member_id: Mapped[str] = mapped_column(ForeignKey("kin_members.id"), index=True)
    checked_on: Mapped[date] = mapped_column(index=True)
    officer_id: Mapped[str | None] = mapped_column(ForeignKey("officers.id"))
    method: Mapped[CheckInMethod] = mapped_column(enum_column(CheckInMethod))
    safety_score: Mapped[int] = mapped_column(Integer)  # 1-5: how safe do people feel
    concerns: Mapped[str] = personal(INTERNAL, type_=Text, default="")
    suggested_priorities: Mapped[str] = mapped_column(Text, default="")
