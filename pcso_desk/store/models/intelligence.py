"""The intelligence ledger: that a report was submitted to the force, never what it said.

The county policy asks a team to show how much intelligence it submits and to tell the
source what happened. The ledger holds only the force's reference, the date, the category
and the type of source, where and by whom, and when the source is to be (and was) told:
there is no field for the report's content or the source's name at all, so nothing in it
is anyone's personal data (no retention review or erasure reaches it), and it syncs like
any other record.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from pcso_desk.domain.enums import IntelCategory, IntelSource
from pcso_desk.store.base import Base, Record
from pcso_desk.store.types import enum_column


class IntelligenceReport(Record, Base):
    """One intelligence report submitted to the force (its record lives in the force's
    system, under `force_reference`)."""

    __tablename__ = "intelligence_reports"
    force_reference: Mapped[str] = mapped_column(String(40), index=True)
    submitted_on: Mapped[date] = mapped_column(index=True)
    category: Mapped[IntelCategory] = mapped_column(enum_column(IntelCategory))
    source_type: Mapped[IntelSource] = mapped_column(enum_column(IntelSource))
    neighbourhood_id: Mapped[str | None] = mapped_column(
        ForeignKey("neighbourhoods.id"), index=True
    )
    ward_id: Mapped[str | None] = mapped_column(ForeignKey("wards.id"), index=True)
    officer_id: Mapped[str | None] = mapped_column(ForeignKey("officers.id"), index=True)
    # "Tell the source what happened": due by this date (none for the officer's own
    # observation), and done when `source_told_on` is set.
    tell_source_by: Mapped[date | None] = mapped_column(default=None, index=True)
    source_told_on: Mapped[date | None] = mapped_column(default=None)
