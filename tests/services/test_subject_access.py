"""Subject access finds every seeded record of the person and no other person's name."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from sqlalchemy import text

from pcso_desk.domain.enums import UserRole
from pcso_desk.domain.errors import NotFoundError, PermissionDenied
from pcso_desk.services import accounts
from pcso_desk.services.context import Context
from pcso_desk.services.subject_access import export_subject_access, subject_access
from tests.factories import d, make_world, utc

PASSWORD = "correct horse battery"
OTHER_NAMES = ("Quentin Otherperson", "Otherperson")
CANARIES = (
    "canary-contact-notes-7731",
    "canary-engagement-one-7732",
    "canary-engagement-two-7733",
    "canary-why-key-7734",
    "canary-concerns-7735",
    "canary-safe-contact-7736",
    "canary-visit-notes-7737",
    "canary-merged-notes-7738",
    "canary-message-body-7739",
)


def _seed(services: Any) -> dict[str, Any]:
    world = make_world(services)
    contacts = services.contacts
    mine: dict[str, str] = {}
    mine["contact"] = contacts.create(
        {"name": "Wilma Subjectson", "notes": CANARIES[0], "phone": "01632 960111"}
    ).created[0]
    duplicate = contacts.create({"name": "Wilma Subjectson", "notes": CANARIES[7]}).created[0]
    quentin = contacts.create({"name": "Quentin Otherperson", "notes": "quentin-own"}).created[0]
    stranger = contacts.create({"name": "Stella Stranger", "notes": "stella-own"}).created[0]
    engagements = services.engagements
    links = services["engagement_contacts"]
    mine["engagement1"] = engagements.create(
        {
            "occurred_at": utc(2026, 7, 3, 11, 30),
            "channel": "patrol",
            "summary": f"{CANARIES[1]} talked with Quentin Otherperson and Mr OTHERPERSON",
            "ward_id": world.ward,
            "officer_id": world.officer,
        }
    ).created[0]
    for who in (mine["contact"], quentin):
        links.create({"engagement_id": mine["engagement1"], "contact_id": who})
    mine["engagement2"] = engagements.create(
        {"occurred_at": utc(2026, 7, 5, 9), "channel": "phone", "summary": CANARIES[2]}
    ).created[0]
    links.create({"engagement_id": mine["engagement2"], "contact_id": duplicate})
    kin = services["kins"].create(
        {"name": "Riverside KIN", "neighbourhood_id": world.neighbourhood}
    )
    mine["member"] = (
        services["kin_members"]
        .create(
            {
                "kin_id": kin.created[0],
                "contact_id": mine["contact"],
                "represents": "High Street",
                "why_key": CANARIES[3],
                "joined_on": d("2026-01-05"),
            }
        )
        .created[0]
    )
    mine["checkin"] = (
        services["kin_checkins"]
        .create(
            {
                "member_id": mine["member"],
                "checked_on": d("2026-02-01"),
                "method": "phone",
                "safety_score": 4,
                "concerns": CANARIES[4],
                "officer_id": world.officer,
            }
        )
        .created[0]
    )
    mine["case"] = (
        services["victim_cases"]
        .create(
            {
                "victim_id": mine["contact"],
                "crime_reference": "41 12345 26",
                "offence_type": "Burglary",
                "opened_at": utc(2026, 7, 2, 10),
                "safe_contact_notes": CANARIES[5],
            }
        )
        .created[0]
    )
    mine["visit"] = (
        services["victim_contacts"]
        .create(
            {
                "case_id": mine["case"],
                "contacted_at": utc(2026, 7, 4, 10),
                "visit_type": "initial_reassurance",
                "method": "visit",
                "notes": CANARIES[6],
            }
        )
        .created[0]
    )
    mine["message"] = (
        services["messages"]
        .create(
            {
                "received_at": utc(2026, 7, 6, 8),
                "channel": "email",
                "from_name": "wilma  SUBJECTSON",
                "subject": "Bins",
                "body": CANARIES[8],
                "kind": "request",
            }
        )
        .created[0]
    )
    services.merge_contacts(mine["contact"], duplicate)
    mine["duplicate"] = duplicate
    # The other person's own records: an engagement, a KIN membership, a case, a message.
    theirs = {"quentin": quentin, "stranger": stranger}
    theirs["engagement"] = engagements.create(
        {"occurred_at": utc(2026, 7, 7, 9), "channel": "phone", "summary": "quentin-engagement"}
    ).created[0]
    links.create({"engagement_id": theirs["engagement"], "contact_id": quentin})
    theirs["member"] = (
        services["kin_members"]
        .create({"kin_id": kin.created[0], "contact_id": quentin, "joined_on": d("2026-01-06")})
        .created[0]
    )
    theirs["case"] = (
        services["victim_cases"]
        .create(
            {
                "victim_id": stranger,
                "crime_reference": "41 99999 26",
                "offence_type": "Theft",
                "opened_at": utc(2026, 7, 2, 10),
            }
        )
        .created[0]
    )
    theirs["message"] = (
        services["messages"]
        .create(
            {
                "received_at": utc(2026, 7, 6, 9),
                "channel": "email",
                "from_name": "Stella Stranger",
                "subject": "Noise",
                "kind": "request",
            }
        )
        .created[0]
    )
    # A deleted record still holds data: it is included and marked.
    mine["deleted_engagement"] = engagements.create(
        {"occurred_at": utc(2026, 7, 8, 9), "channel": "phone", "summary": "gone-but-held"}
    ).created[0]
    links.create({"engagement_id": mine["deleted_engagement"], "contact_id": mine["contact"]})
    engagements.delete(mine["deleted_engagement"])
    return {"mine": mine, "theirs": theirs, "world": world}


@pytest.fixture
def seeded(services) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    return _seed(services)


def _pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)


def test_every_record_of_the_person_and_no_other_name(ctx, seeded, tmp_path) -> None:  # type: ignore[no-untyped-def]
    mine, theirs = seeded["mine"], seeded["theirs"]
    json_path, pdf_path = export_subject_access(
        ctx, mine["contact"], tmp_path / "out", invariant=True
    )
    assert json_path.name.startswith("wilma-subjectson-subject-access-")
    assert pdf_path.suffix == ".pdf" and json_path.suffix == ".json"
    raw = json_path.read_text(encoding="utf-8")
    data = json.loads(raw)
    ids = {r["id"] for s in data["sections"] for r in s["records"]}
    assert set(mine.values()) <= ids
    assert not set(theirs.values()) & ids
    pdf = _pdf_text(pdf_path)
    for name in OTHER_NAMES:
        assert name.lower() not in raw.lower()
        assert name.lower() not in pdf.lower()
    assert "quentin-" not in raw and "stella" not in raw.lower()
    for canary in CANARIES:
        assert canary in raw
        assert canary in pdf.replace("\n", "")
    assert "[redacted]" in raw and "PCSO Alex Example" in raw  # officers are kept
    deleted = {r["id"]: r["deleted"] for s in data["sections"] for r in s["records"]}
    assert deleted[mine["deleted_engagement"]] is True
    assert deleted[mine["contact"]] is False
    assert "OFFICIAL-SENSITIVE" in pdf
    with ctx.store.read() as session:
        rows = session.execute(
            text("SELECT action, kind, record_ids, detail FROM audit_log WHERE action='disclosure'")
        ).all()
    assert rows == [
        ("disclosure", "contacts", json.dumps([mine["contact"]]), "subject access export")
    ]


def test_a_merged_away_contact_leads_to_the_kept_one(ctx, seeded) -> None:  # type: ignore[no-untyped-def]
    mine = seeded["mine"]
    found = subject_access(ctx, mine["duplicate"])
    assert found.contact_id == mine["contact"]
    assert mine["duplicate"] in found.record_ids


def test_an_unknown_contact_is_one_sentence(ctx) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(NotFoundError):
        subject_access(ctx, "no-such-id")


def test_a_pcso_is_refused_and_a_sergeant_is_not(ctx, services, seeded, tmp_path) -> None:  # type: ignore[no-untyped-def]
    mine = seeded["mine"]
    for role in (UserRole.PCSO, UserRole.SERGEANT, UserRole.ADMIN):
        accounts.create_account(ctx, f"{role.value}-user", PASSWORD, role, None)
    signed: dict[UserRole, Context] = {}
    for role in (UserRole.PCSO, UserRole.SERGEANT, UserRole.ADMIN):
        signed[role] = Context.open(ctx.store)
        accounts.sign_in(signed[role], f"{role.value}-user", PASSWORD)
    for role in (UserRole.PCSO, UserRole.ADMIN):
        with pytest.raises(PermissionDenied):
            export_subject_access(signed[role], mine["contact"], tmp_path / role.value)
        assert not (tmp_path / role.value).exists()
    json_path, _ = export_subject_access(signed[UserRole.SERGEANT], mine["contact"], tmp_path / "s")
    assert json_path.exists()
    with ctx.store.read() as session:
        actions = [r[0] for r in session.execute(text("SELECT action FROM audit_log"))]
    assert actions.count("refused") == 2 and actions.count("disclosure") == 1
