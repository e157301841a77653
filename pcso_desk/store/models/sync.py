"""What sync keeps: the conflict queue and field history (both synced), per-peer,
per-bundle and per-hub progress, and the changes set aside to try again (local)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from pcso_desk.store.base import Base, Record


class SyncConflict(Record, Base):
    """Two sides of one change that sync could not settle alone; a sergeant picks one.

    Synced like any record, with an id made from what conflicted, so that every station
    that meets the same conflict holds the same entry and a choice made on one PC closes it
    on all. Side A is the value sync kept for now; side B the one it set aside (never lost).
    """

    __tablename__ = "sync_conflicts"
    __field_history__ = False
    # Both sides may hold an erased person's values: an erasure settles the entry, empty.
    __erase__ = ("a_value", "b_value", "chosen", "resolved_at", "resolved_by")
    kind: Mapped[str] = mapped_column(String(16))  # "field" or "deletion"
    table_name: Mapped[str] = mapped_column(String(64))
    row_id: Mapped[str] = mapped_column(String(36), index=True)
    field_name: Mapped[str] = mapped_column(String(64), default="")
    a_value: Mapped[str] = mapped_column(Text, default="null")  # JSON
    a_clock: Mapped[str] = mapped_column(String(64), default="")
    a_by: Mapped[str | None] = mapped_column(String(36), default=None)
    b_value: Mapped[str] = mapped_column(Text, default="null")  # JSON
    b_clock: Mapped[str] = mapped_column(String(64), default="")
    b_by: Mapped[str | None] = mapped_column(String(36), default=None)
    chosen: Mapped[str] = mapped_column(String(1), default="")  # "", "a" or "b"
    resolved_at: Mapped[datetime | None] = mapped_column(default=None)
    resolved_by: Mapped[str | None] = mapped_column(String(36), default=None)


class FieldHistory(Record, Base):
    """One value a field of a record once held and no longer does: overwritten by a later
    edit here, or by a change that won a merge (a bundle, or the hub), or set aside by one.

    Synced like the conflict queue, with an id made from (table, record, field, the clock
    of the change that set the value), so every station that sees the value replaced holds
    the same entry, and every station ends with every value. `value` is the stored value as
    JSON; who set it is `value_by`, and which station and when are in `value_clock`. Blank
    values (a field filled for the first time) are not kept. An erased record's history is
    erased with it (`services/protection/erasure.py`).
    """

    __tablename__ = "field_history"
    __table_args__ = (Index("ix_field_history_row", "table_name", "row_id"),)
    __append_only__ = True
    __field_history__ = False
    __erase__ = ("value", "value_by")
    table_name: Mapped[str] = mapped_column(String(64))
    row_id: Mapped[str] = mapped_column(String(36))
    field_name: Mapped[str] = mapped_column(String(64))
    value: Mapped[str] = mapped_column(Text, default="null")  # JSON
    value_clock: Mapped[str] = mapped_column(String(64))
    value_by: Mapped[str | None] = mapped_column(String(36), default=None)


class SyncPeer(Base):
    """Another station of the team: what it has sent here, and what it has confirmed."""

    __tablename__ = "sync_peers"
    station_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(100), default="")
    received_through: Mapped[str] = mapped_column(String(64), default="")  # its clock
    acked_through: Mapped[str | None] = mapped_column(String(64), default=None)  # ours
    # What it has received from each station (its last bundle said): JSON {station: clock}.
    knows: Mapped[str] = mapped_column(Text, default="{}")
    last_import_at: Mapped[datetime | None] = mapped_column(default=None)
    last_export_at: Mapped[datetime | None] = mapped_column(default=None)


class SyncBundle(Base):
    """A bundle imported here: a second import of it changes nothing, a doctored one is refused."""

    __tablename__ = "sync_bundles"
    bundle_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    sender: Mapped[str] = mapped_column(String(64))
    payload_sha256: Mapped[str] = mapped_column(String(64))
    imported_at: Mapped[datetime] = mapped_column()
    changes: Mapped[int] = mapped_column(Integer, default=0)
    applied: Mapped[int] = mapped_column(Integer, default=0)


class SyncHub(Base):
    """A PostgreSQL hub this station syncs with, and how far each way it has got."""

    __tablename__ = "sync_hubs"
    hub_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    address: Mapped[str] = mapped_column(Text, default="")  # the URL without its password
    pushed_through: Mapped[str | None] = mapped_column(String(64), default=None)  # our clock
    pulled_seq: Mapped[int] = mapped_column(Integer, default=0)  # the hub's sequence
    last_sync_at: Mapped[datetime | None] = mapped_column(default=None)


class SyncSetAside(Base):
    """A received change this station could not use yet (unreadable, forged, dated ahead of
    this PC's clock, made by a newer release, or refused by the store's rules), kept to try
    again at each sync (services/sync/set_aside.py).

    Local, like the per-peer and per-hub progress: a plain table (no clocks), so sync never
    carries it and no field history is kept. `id` is the caller's key for the item (e.g.
    "hub:<hub id>:<seq>"), so setting one aside again counts a try instead of adding a row;
    `payload` is what trying again needs, opaque here (it may be ciphertext).
    """

    __tablename__ = "sync_set_aside"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    source: Mapped[str] = mapped_column(String(16))  # "hub" or "bundle"
    sender: Mapped[str] = mapped_column(String(64))  # the sending station's id
    sender_name: Mapped[str] = mapped_column(String(100), default="")  # "" if not known here
    kind: Mapped[str] = mapped_column(String(64))  # the table the change is for
    row_id: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(Text)  # one sentence, for the user
    payload: Mapped[str] = mapped_column(Text)
    first_seen: Mapped[datetime] = mapped_column()
    last_tried: Mapped[datetime] = mapped_column()
    tries: Mapped[int] = mapped_column(Integer, default=1)
