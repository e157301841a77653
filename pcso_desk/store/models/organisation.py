"""Organisation: districts, councils, police stations, neighbourhoods, wards, officers, users."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from pcso_desk.domain.enums import Role, Sensitivity, UserRole
from pcso_desk.store.base import Base, Record, personal
from pcso_desk.store.types import JSONList, enum_column


class StoreMeta(Base):
    """Facts about this store itself (station identity, team name); never synced."""

    __tablename__ = "store_meta"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class District(Record, Base):
    __tablename__ = "districts"
    name: Mapped[str] = mapped_column(String(120), unique=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)


class Council(Record, Base):
    """A district, parish or town council that receives monthly updates."""

    __tablename__ = "councils"
    name: Mapped[str] = mapped_column(String(160))
    kind: Mapped[str] = mapped_column(String(16))  # district / parish / town
    district_id: Mapped[str | None] = mapped_column(ForeignKey("districts.id"))


class PoliceStation(Record, Base):
    """A police station or office a team is based at (public contact details, Pledge 2)."""

    __tablename__ = "police_stations"
    name: Mapped[str] = mapped_column(String(160))
    address: Mapped[str] = mapped_column(Text, default="")
    postcode: Mapped[str] = mapped_column(String(10), default="")
    phone: Mapped[str] = mapped_column(String(20), default="")
    opening_hours: Mapped[str] = mapped_column(Text, default="")


class Neighbourhood(Record, Base):
    """A Safer Neighbourhood Team area."""

    __tablename__ = "neighbourhoods"
    name: Mapped[str] = mapped_column(String(160), unique=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    district_id: Mapped[str] = mapped_column(ForeignKey("districts.id"), index=True)
    base_station_id: Mapped[str | None] = mapped_column(ForeignKey("police_stations.id"))
    phone: Mapped[str] = mapped_column(String(20), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    # Superseded by `photo`: a path on one machine, which no other station could open. Kept
    # (unread) so that older stations' changes still apply.
    photo_path: Mapped[str] = mapped_column(Text, default="")
    # The team photo as base64 text of a JPEG scaled down when it was set (services/
    # documents/team_photo.py), '' for none: in the store, so it syncs like the team's name.
    photo: Mapped[str] = mapped_column(Text, default="")


class Ward(Record, Base):
    """A patrol area; reports to one parish or town council; lists its streets/communities."""

    __tablename__ = "wards"
    name: Mapped[str] = mapped_column(String(160))
    code: Mapped[str] = mapped_column(String(16), unique=True)
    neighbourhood_id: Mapped[str] = mapped_column(ForeignKey("neighbourhoods.id"), index=True)
    council_id: Mapped[str | None] = mapped_column(ForeignKey("councils.id"))
    areas: Mapped[list[str]] = mapped_column(JSONList(), default=list)


class Officer(Record, Base):
    """A PCSO, constable, sergeant, inspector or member of staff."""

    __tablename__ = "officers"
    name: Mapped[str] = personal(Sensitivity.PUBLIC, type_=String(160))
    collar_number: Mapped[str] = mapped_column(String(16), unique=True)
    role: Mapped[Role] = mapped_column(enum_column(Role))
    neighbourhood_id: Mapped[str | None] = mapped_column(
        ForeignKey("neighbourhoods.id"), index=True
    )
    work_phone: Mapped[str] = personal(Sensitivity.PUBLIC, type_=String(20), default="")
    work_email: Mapped[str] = personal(Sensitivity.PUBLIC, type_=String(254), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class OfficerWard(Record, Base):
    """A PCSO's permanent attachment to a designated ward (county policy, seed 000)."""

    __tablename__ = "officer_wards"
    officer_id: Mapped[str] = mapped_column(ForeignKey("officers.id"), index=True)
    ward_id: Mapped[str] = mapped_column(ForeignKey("wards.id"), index=True)


class User(Record, Base):
    """A sign-in account; belongs to an officer."""

    __tablename__ = "users"
    # Accounts (password hashes, lockouts) stay on the station PC that made them: not synced.
    __table_args__ = {"info": {"sync": False}}  # noqa: RUF012
    username: Mapped[str] = mapped_column(String(64), unique=True)
    officer_id: Mapped[str | None] = mapped_column(ForeignKey("officers.id"))
    role: Mapped[UserRole] = mapped_column(enum_column(UserRole))
    password_hash: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(default=None)
    last_sign_in: Mapped[datetime | None] = mapped_column(default=None)
