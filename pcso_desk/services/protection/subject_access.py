"""Subject access (DPA 2018 s.45): every record holding one person's data.

Which records count as the person's is set out in `person_records`; the links between an
engagement and its contacts are not shown, the engagements they lead to are. The values those
records held before they were overwritten (field history) are the person's data too: listed
in their own section.

Redaction: the other people are the other contacts linked to the same records (the other
contacts on the person's engagements, the other members of the person's KINs). In every text
value, each such person's full name and surname (the last word of the name, if longer than
two letters) is replaced with "[redacted]", whole words only, ignoring case; a word that is
also part of the subject's own names is kept. Their ids and names are left out. Officers'
names are kept: they act in role. Names of people the store does not link to the records
cannot be recognised and are not redacted; the export should be read before release.

The export writes `<name>-subject-access-<date>.json` and `.pdf` atomically and adds exactly
one "disclosure" entry to the audit log, holding the contact's id and no personal data.
"""

from __future__ import annotations

import enum
import json
import re
from dataclasses import asdict
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from pcso_desk.atomic import write_atomic
from pcso_desk.domain.permissions import Action
from pcso_desk.domain.validation import format_phone
from pcso_desk.reports.subject_access import (
    Field,
    RecordEntry,
    Section,
    SubjectAccess,
    build_subject_access,
)
from pcso_desk.services.context import Context
from pcso_desk.services.protection.person_records import person_records, words
from pcso_desk.services.records.coerce import LONDON, label_of
from pcso_desk.store import models as m

REDACTED = "[redacted]"
REDACTION_RULE = (
    "Other people linked to these records (others on the same engagements, other members of "
    "the same networks) have their full name and surname replaced with [redacted]. Officers' "
    "names are kept."
)
# Columns that are structure or sync bookkeeping rather than the person's data.
SKIP = frozenset(
    {
        "id", "hlc", "field_clocks", "station_id", "created_by", "updated_by", "updated_role",
        "merged_into_id", "contact_id", "victim_id", "case_id", "member_id", "engagement_id",
    }
)  # fmt: skip
# Foreign keys shown by the name of what they point to.
NAMED: dict[str, Any] = {
    "officer_id": m.Officer,
    "responded_by_id": m.Officer,
    "ward_id": m.Ward,
    "kin_id": m.Kin,
    "neighbourhood_id": m.Neighbourhood,
}


def _redactor(others: set[str], own: set[str]) -> re.Pattern[str] | None:
    """One pattern for every other person's full name and surname, longest first."""
    own_words = {w for name in own for w in words(name).split()} | {words(n) for n in own}
    terms: set[str] = set()
    for name in others:
        full = words(name)
        if full and full not in own_words:
            terms.add(full)
        parts = full.split()
        if len(parts) > 1 and len(parts[-1]) > 2 and parts[-1] not in own_words:
            terms.add(parts[-1])
    if not terms:
        return None
    alternatives = (
        r"\s+".join(re.escape(w) for w in t.split()) for t in sorted(terms, key=len, reverse=True)
    )
    return re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)", re.IGNORECASE)


def _shown(value: Any) -> str:
    """A value in plain words (times in UK local time)."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, enum.Enum):
        return str(value.value).replace("_", " ")
    if isinstance(value, datetime):
        local = value.astimezone(LONDON) if value.tzinfo else value
        return f"{local:%d %b %Y %H:%M}"
    if isinstance(value, date):
        return f"{value:%d %b %Y}"
    if isinstance(value, list):
        return "; ".join(_shown(v) for v in value)
    return str(value)


class _Builder:
    def __init__(self, session: Session, pattern: re.Pattern[str] | None) -> None:
        self.session = session
        self.pattern = pattern

    def clean(self, text: str) -> str:
        return self.pattern.sub(REDACTED, text) if self.pattern else text

    def entry(self, row: Any, title: str) -> RecordEntry:
        fields: list[Field] = []
        for column in row.__table__.columns:
            name = column.name
            value = getattr(row, name)
            if name in SKIP or value is None or value == "" or value == []:
                continue
            if name in NAMED:
                target = self.session.get(NAMED[name], value)
                value = target.name if target is not None else "(not known)"
                fields.append(Field(label_of(name).capitalize(), value))
                continue
            shown = format_phone(value) if name == "phone" else _shown(value)
            fields.append(Field(label_of(name).capitalize(), self.clean(shown)))
        return RecordEntry(
            kind=row.__tablename__,
            id=row.id,
            title=self.clean(title),
            deleted=row.deleted_at is not None,
            fields=tuple(fields),
        )


def _gather(session: Session, contact_id: str) -> SubjectAccess:
    found = person_records(session, contact_id)
    person, merged = found.person, found.merged
    members, checkins = found.members, found.checkins
    cases, visits = found.cases, found.visits
    engagements, messages = found.engagements, found.messages
    ids = found.contact_ids
    own = found.names
    ec = m.EngagementContact
    engagement_ids = {e.id for e in engagements}

    # The other people linked to the same records.
    other_ids = set(
        session.scalars(
            select(ec.contact_id).where(
                ec.engagement_id.in_(engagement_ids), ec.contact_id.not_in(ids)
            )
        )
    )
    kin_ids = {mb.kin_id for mb in members}
    other_ids |= set(
        session.scalars(
            select(m.KinMember.contact_id).where(
                m.KinMember.kin_id.in_(kin_ids), m.KinMember.contact_id.not_in(ids)
            )
        )
    )
    others = set(session.scalars(select(m.Contact.name).where(m.Contact.id.in_(other_ids))))
    build = _Builder(session, _redactor(others, own))

    kin_names = {k.id: k.name for k in session.scalars(select(m.Kin).where(m.Kin.id.in_(kin_ids)))}
    member_kin = {mb.id: kin_names.get(mb.kin_id, "a network") for mb in members}
    case_ref = {c.id: c.crime_reference for c in cases}
    sections = [
        Section("contacts", "Contact record", (build.entry(person, person.name),)),
        Section(
            "merged_contacts",
            "Duplicate contact records merged into this one",
            tuple(build.entry(c, c.name) for c in merged),
        ),
        Section(
            "engagements",
            "Engagements (contact log)",
            tuple(
                build.entry(e, f"{_shown(e.channel).capitalize()} on {_shown(e.occurred_at)}")
                for e in engagements
            ),
        ),
        Section(
            "kin_members",
            "Key Individual Network memberships",
            tuple(build.entry(mb, f"Member of {member_kin[mb.id]}") for mb in members),
        ),
        Section(
            "kin_checkins",
            "Key Individual Network check-ins",
            tuple(
                build.entry(
                    c, f"Check-in on {_shown(c.checked_on)} ({member_kin.get(c.member_id, '')})"
                )
                for c in checkins
            ),
        ),
        Section(
            "victim_cases",
            "Victim care cases",
            tuple(build.entry(c, f"Case {c.crime_reference}") for c in cases),
        ),
        Section(
            "victim_contacts",
            "Victim care visits and contacts",
            tuple(
                build.entry(
                    v,
                    f"{_shown(v.visit_type).capitalize()} on {_shown(v.contacted_at)} "
                    f"(case {case_ref.get(v.case_id, '')})",
                )
                for v in visits
            ),
        ),
        Section(
            "messages",
            "Messages to the team",
            tuple(
                build.entry(msg, f"Message received {_shown(msg.received_at)}") for msg in messages
            ),
        ),
        Section(
            "field_history",
            "Earlier values of these records (since replaced)",
            _earlier_values(session, build, found.rows()),
        ),
    ]
    return SubjectAccess(
        contact_id=person.id,
        name=person.name,
        produced_at=datetime.now(LONDON).replace(microsecond=0, tzinfo=None),
        sections=tuple(s for s in sections if s.records),
        redaction_rule=REDACTION_RULE,
    )


def _earlier_values(session: Session, build: _Builder, rows: list[Any]) -> tuple[RecordEntry, ...]:
    """The values the person's records once held and no longer do (field history)."""
    from pcso_desk.services.sync.screen import record_label

    ids = {row.id: row.__tablename__ for row in rows}
    found: list[m.FieldHistory] = []
    listed = list(ids)
    for start in range(0, len(listed), 500):
        found += session.scalars(
            select(m.FieldHistory).where(
                m.FieldHistory.row_id.in_(listed[start : start + 500]),
                m.FieldHistory.erased_at.is_(None),
            )
        ).all()
    entries = []
    for entry in sorted(found, key=lambda e: (e.table_name, e.row_id, e.value_clock)):
        if ids.get(entry.row_id) != entry.table_name or entry.field_name in SKIP:
            continue
        value = json.loads(entry.value)
        shown = format_phone(value) if entry.field_name == "phone" else _shown(value)
        title = f"{record_label(entry.table_name).capitalize()}: {label_of(entry.field_name)}"
        entries.append(
            RecordEntry(
                kind="field_history",
                id=entry.id,
                title=title,
                deleted=False,
                fields=(
                    Field("Value", build.clean(shown)),
                    Field("Set on", _shown(entry.created_at)),
                ),
            )
        )
    return tuple(entries)


def subject_access(ctx: Context, contact_id: str) -> SubjectAccess:
    """Every record holding the person's data, redacted. Needs EXPORT, and VIEW_RESTRICTED
    when the person has victim care records. Not audited: `export_subject_access` is."""
    ctx.require(Action.EXPORT, "contacts", (contact_id,))
    with ctx.store.read() as session:
        found = _gather(session, contact_id)
    restricted = tuple(
        r.id
        for s in found.sections
        if s.kind in ("victim_cases", "victim_contacts")
        for r in s.records
    )
    if restricted:
        ctx.require(Action.VIEW_RESTRICTED, "victim_cases", (contact_id,))
    return found


def to_json(data: SubjectAccess) -> dict[str, Any]:
    """The export as plain JSON: the same records, fields and redactions as the PDF."""
    shaped = asdict(data)
    shaped["produced_at"] = data.produced_at.isoformat(sep=" ")
    for section in shaped["sections"]:
        for record in section["records"]:
            record["fields"] = [[f["label"], f["value"]] for f in record["fields"]]
    return shaped


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "person"


def export_subject_access(
    ctx: Context, contact_id: str, folder: Path, *, invariant: bool = False
) -> tuple[Path, Path]:
    """Write the JSON and PDF into `folder`; returns both paths. The surface's use case
    (Services.export_subject_access) audits it as a disclosure with the files' digests."""
    data = subject_access(ctx, contact_id)
    stem = f"{_slug(data.name)}-subject-access-{data.produced_at:%Y-%m-%d}"
    text = json.dumps(to_json(data), ensure_ascii=False, indent=2)
    pdf = build_subject_access(data, invariant=invariant)
    folder.mkdir(parents=True, exist_ok=True)
    json_path = write_atomic(folder / f"{stem}.json", text.encode("utf-8"))
    pdf_path = write_atomic(folder / f"{stem}.pdf", pdf)
    return json_path, pdf_path
