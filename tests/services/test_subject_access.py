"""Subject access finds every seeded record of the person and no other person's name."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from sqlalchemy import text

from pcso_desk.domain.enums import UserRole
from pcso_desk.domain.errors import NotFoundError, PermissionDenied
from pcso_desk.services.api import Services
from pcso_desk.services.context import Context
from pcso_desk.services.protection import accounts
from pcso_desk.services.protection.subject_access import subject_access
from tests.person_seed import CANARIES, OTHER_NAMES, seed_person

PASSWORD = "correct horse battery"


@pytest.fixture
def seeded(services) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    return seed_person(services)


def _pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)


def test_every_record_of_the_person_and_no_other_name(ctx, seeded, tmp_path) -> None:  # type: ignore[no-untyped-def]
    mine, theirs = seeded["mine"], seeded["theirs"]
    json_path, pdf_path = Services(ctx).export_subject_access(mine["contact"], tmp_path / "out")
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
    files = "; ".join(
        f"{p.name}: {p.stat().st_size} bytes, sha256 {hashlib.sha256(p.read_bytes()).hexdigest()}"
        for p in (json_path, pdf_path)
    )  # one entry, committed before the files took their names, naming what was disclosed
    assert rows == [
        ("disclosure", "contacts", json.dumps([mine["contact"]]), f"subject access export; {files}")
    ]
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(
        [json_path.name, pdf_path.name]
    )  # nothing left under a hidden name


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
            Services(signed[role]).export_subject_access(mine["contact"], tmp_path / role.value)
        assert not (tmp_path / role.value).exists()
    json_path, _ = Services(signed[UserRole.SERGEANT]).export_subject_access(
        mine["contact"], tmp_path / "s"
    )
    assert json_path.exists()
    with ctx.store.read() as session:
        actions = [r[0] for r in session.execute(text("SELECT action FROM audit_log"))]
    assert actions.count("refused") == 2 and actions.count("disclosure") == 1
