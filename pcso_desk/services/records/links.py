"""Which contacts an engagement was with, as the engagement list and editor show them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from pcso_desk.services.records.service import ERASED_LABEL, one_of
from pcso_desk.store import models as m


def contacts_label(names: Sequence[str]) -> str:
    """The engagement list's Contact column: 'Name', 'Name +1', 'Name +2', or ''."""
    if not names:
        return ""
    return names[0] if len(names) == 1 else f"{names[0]} +{len(names) - 1}"


def attach_contacts(session: Session, rows: list[dict[str, Any]]) -> None:
    """Add `contact_ids`, `contact_names` and `contacts_label` to engagement rows (the
    engagement spec's `decorate` hook: the list's Contact column, the editor's contacts), in
    the order the contacts were linked, those linked at once by name. One query a page."""
    if not rows:
        return
    link = m.EngagementContact
    found = session.execute(
        select(link.engagement_id, link.contact_id, m.Contact.name, m.Contact.erased_at)
        .join(m.Contact, m.Contact.id == link.contact_id)
        .where(one_of(link.engagement_id, [row["id"] for row in rows]), link.deleted_at.is_(None))
        # The order linked, then by name: the same on every station (the clock is local).
        .order_by(link.created_at, m.Contact.name, link.id)
    ).all()
    linked: dict[str, list[tuple[str, str]]] = {}
    for engagement_id, contact_id, name, erased in found:
        shown = ERASED_LABEL if erased and not name else str(name)
        linked.setdefault(engagement_id, []).append((contact_id, shown))
    for row in rows:
        pairs = linked.get(row["id"], [])
        row["contact_ids"] = [contact_id for contact_id, _ in pairs]
        row["contact_names"] = [name for _, name in pairs]
        row["contacts_label"] = contacts_label(row["contact_names"])
