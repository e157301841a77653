"""Crime figures: data.police.uk street-level rows, hand-entered counts, and the LSOA map."""

from __future__ import annotations

from sqlalchemy import Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from pcso_desk.store.base import Base, Record, list_index


class LsoaWard(Record, Base):
    """The team's own table mapping a census LSOA to one of its wards."""

    __tablename__ = "lsoa_wards"
    __field_history__ = False  # public data, re-imported whole from its source
    lsoa_code: Mapped[str] = mapped_column(String(16), unique=True)
    lsoa_name: Mapped[str] = mapped_column(String(120), default="")
    ward_id: Mapped[str] = mapped_column(ForeignKey("wards.id"), index=True)


class CrimeRecord(Record, Base):
    """One row of a data.police.uk street-level CSV (already anonymised to street level)."""

    __tablename__ = "crime_records"
    __field_history__ = False  # public data, re-imported whole from its source
    # A pack counts its wards' months (by type, and by type and outcome) from this index alone
    # (services/documents/monthly and crime_figures).
    __table_args__ = (
        Index(
            "ix_crime_records_ward_month",
            "ward_id",
            "month",
            "crime_type",
            "last_outcome",
            sqlite_where=text("deleted_at IS NULL"),
        ),
    )
    crime_id: Mapped[str] = mapped_column(String(80), default="", index=True)  # blank for ASB
    month: Mapped[str] = mapped_column(String(7), index=True)  # YYYY-MM
    reported_by: Mapped[str] = mapped_column(String(120), default="")
    falls_within: Mapped[str] = mapped_column(String(120), default="")
    longitude: Mapped[float | None] = mapped_column(Float, default=None)
    latitude: Mapped[float | None] = mapped_column(Float, default=None)
    location: Mapped[str] = mapped_column(String(200), default="")
    lsoa_code: Mapped[str] = mapped_column(String(16), default="", index=True)
    lsoa_name: Mapped[str] = mapped_column(String(120), default="")
    crime_type: Mapped[str] = mapped_column(String(80))
    last_outcome: Mapped[str] = mapped_column(String(200), default="")
    context: Mapped[str] = mapped_column(Text, default="")
    ward_id: Mapped[str | None] = mapped_column(ForeignKey("wards.id"), index=True)
    # Identifies the row for idempotent re-imports (crime id, or a hash of the row for ASB).
    row_key: Mapped[str] = mapped_column(String(80), unique=True)


class CrimeCount(Record, Base):
    """A monthly count per ward and crime type, entered by hand."""

    __tablename__ = "crime_counts"
    __table_args__ = (list_index("ix_crime_counts_list_month", "month"),)
    __field_history__ = False  # public data, re-imported whole from its source
    ward_id: Mapped[str] = mapped_column(ForeignKey("wards.id"), index=True)
    month: Mapped[str] = mapped_column(String(7), index=True)
    crime_type: Mapped[str] = mapped_column(String(80))
    count: Mapped[int] = mapped_column(Integer)


class Boundary(Record, Base):
    """An ONS ward or LSOA boundary (WGS 84), imported for the crime map.

    `kind` is "ward" or "lsoa"; `code` the ONS code (WD23CD, LSOA21CD, ...), matched to the
    ward of that code, or to the ward the LSOA table maps the LSOA to (`ward_id`). `shape`
    holds the polygons as JSON: a list of polygons, each a list of rings (the outer ring
    first), each a list of [longitude, latitude] pairs."""

    __tablename__ = "boundaries"
    __field_history__ = False  # public data, re-imported whole from its source
    __table_args__ = (UniqueConstraint("kind", "code"),)
    kind: Mapped[str] = mapped_column(String(8))
    code: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(120), default="")
    ward_id: Mapped[str | None] = mapped_column(ForeignKey("wards.id"), index=True)
    west: Mapped[float] = mapped_column(Float)
    south: Mapped[float] = mapped_column(Float)
    east: Mapped[float] = mapped_column(Float)
    north: Mapped[float] = mapped_column(Float)
    shape: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(200), default="")  # for the map's attribution
