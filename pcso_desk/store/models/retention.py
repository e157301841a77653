"""Retention reviews: a reviewer's decision to keep (with a reason and a new date) or dispose."""

from __future__ import annotations

from datetime import date

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from pcso_desk.store.base import Base, Record


class RetentionReview(Record, Base):
    """One review decision on one record that holds personal data (synced, never edited).

    A "keep" moves the record's next review to `keep_until`; a "dispose" goes with the
    record's erasure (its personal fields blanked, what monthly figures count kept).
    """

    __tablename__ = "retention_reviews"
    __field_history__ = False  # append-only decisions: each one is its own row
    __append_only__ = True
    __erase__ = ("reason",)  # a reason may describe the person; the decision stays
    table_name: Mapped[str] = mapped_column(String(64))
    row_id: Mapped[str] = mapped_column(String(36), index=True)
    decision: Mapped[str] = mapped_column(String(16))  # "keep" or "dispose"
    reason: Mapped[str] = mapped_column(Text, default="")
    keep_until: Mapped[date | None] = mapped_column(default=None)
    decided_on: Mapped[date]
