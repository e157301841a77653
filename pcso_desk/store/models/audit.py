"""The audit log (DPA 2018 s.62): append-only entries, each chained to the one before by hash."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from pcso_desk.store.base import Base


class AuditEntry(Base):
    """One thing done (or refused) on this station PC. Never personal data, never a password.

    `hash` is SHA-256 over the previous entry's hash and this entry's fields, so an entry
    changed or removed outside the app breaks the chain (`pcso-desk check`). Triggers in the
    store refuse UPDATE and DELETE on this table.
    """

    __tablename__ = "audit_log"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column()
    station_id: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[str | None] = mapped_column(String(36))
    username: Mapped[str] = mapped_column(String(64), default="")
    role: Mapped[str] = mapped_column(String(16), default="")
    action: Mapped[str] = mapped_column(String(32), index=True)
    kind: Mapped[str] = mapped_column(String(64), default="")
    record_ids: Mapped[str] = mapped_column(Text, default="[]")  # JSON list
    detail: Mapped[str] = mapped_column(Text, default="")
    outcome: Mapped[str] = mapped_column(String(16), default="ok")  # ok / refused
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
