"""Public documents carry no personal data: every personal field of the store is a canary."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from pypdf import PdfReader
from sqlalchemy import JSON, String, Text, func, literal_column, select, update

from pcso_desk.domain.enums import Sensitivity
from pcso_desk.reports.briefing import build_handout
from pcso_desk.reports.internal import build_kin_call_list
from pcso_desk.services.documents import briefings
from pcso_desk.store.base import Base
from tests.reports import flat, page_texts

pytestmark = pytest.mark.slow(minutes=0.4)

TODAY = date(2026, 11, 24)
CANARY = re.compile(r"Qz\d{6}q")
HIDDEN = (Sensitivity.INTERNAL, Sensitivity.RESTRICTED)


def _personal_columns() -> list[tuple[type, str, bool]]:
    """(model, attribute, is_list) for every INTERNAL or RESTRICTED text column."""
    found = []
    for mapper in Base.registry.mappers:
        for column in mapper.columns:
            if column.info.get("sensitivity") not in HIDDEN:
                continue
            if isinstance(column.type, String | Text):
                found.append((mapper.class_, column.key, False))
            elif isinstance(column.type, JSON) or "JSON" in type(column.type).__name__:
                found.append((mapper.class_, column.key, True))
    return found


@pytest.fixture
def canaried(ctx, services):  # type: ignore[no-untyped-def]
    """A full demo county whose every personal text field holds a unique canary string."""
    services.build_demo(seed=3, scale="small", today=TODAY)
    columns = _personal_columns()
    offset = 0
    with ctx.store.write() as session:
        for model, key, is_list in columns:
            table = model.__table__
            # One statement per column; rowid keeps each value unique within the column.
            canary = "Qz" + func.printf("%06d", offset + literal_column("rowid")) + "q"
            value = func.json_array(canary) if is_list else canary
            session.execute(update(table).values({key: value}))
            offset += (
                session.scalar(select(func.max(literal_column("rowid"))).select_from(table)) or 0
            )
    return columns, offset


def _public_documents(ctx) -> list[bytes]:  # type: ignore[no-untyped-def]
    documents = []
    for kind in ("neighbourhood", "ward"):
        for choice in briefings.choices(ctx, kind, TODAY)[:12]:
            area = briefings.find_area(ctx, kind, choice.label.rsplit(" (", 1)[0])
            data = briefings.handout(ctx, area, TODAY)
            documents.append(build_handout(data))
            if kind == "neighbourhood":
                documents.append(build_handout(data, large_print=True))
    for choice in briefings.choices(ctx, "meeting", TODAY)[:12]:
        documents.append(briefings.meeting_pack_pdf(ctx, choice.id))
    return documents


def _everything_in(pdf: bytes) -> str:
    """Extracted text, metadata and annotations of one PDF, as one string."""
    reader = PdfReader(io.BytesIO(pdf))
    parts = [" ".join(page_texts(pdf)), repr(dict(reader.metadata or {}))]
    for page in reader.pages:
        annotations = page.get("/Annots")
        if annotations is not None:
            parts.append(repr([a.get_object() for a in annotations]))
    return "\n".join(parts)


def test_no_public_document_shows_any_personal_field(ctx, canaried) -> None:  # type: ignore[no-untyped-def]
    documents = _public_documents(ctx)
    assert len(documents) > 30
    leaked = set()
    shown_priorities = 0
    for pdf in documents:
        content = _everything_in(pdf)
        leaked |= set(CANARY.findall(flat(content))) | set(CANARY.findall(content))
        shown_priorities += "We did:" in content
    assert leaked == set()
    assert shown_priorities > 0  # the documents did carry the store's content


def test_the_canaries_cover_every_personal_column_and_show_where_they_belong(
    ctx, services, canaried
) -> None:  # type: ignore[no-untyped-def]
    """Control: the canaries fill every personal column, and an internal document shows them."""
    columns, filled = canaried
    keys = {(model.__tablename__, key) for model, key, _ in columns}
    for expected in (
        ("contacts", "name"),
        ("contacts", "phone"),
        ("victim_cases", "safe_contact_notes"),
        ("kin_members", "why_key"),
        ("engagements", "summary"),
        ("messages", "body"),
        ("meetings", "notes"),
        ("meetings", "issues_raised"),
        ("priorities", "internal_notes"),
        ("priority_actions", "description"),
    ):
        assert expected in keys, expected
    assert filled > 1000
    with ctx.store.read() as session:
        for model, key, is_list in columns:
            for value in session.scalars(select(getattr(model, key))):
                text = value[0] if is_list else value
                assert CANARY.fullmatch(text), (model.__tablename__, key, value)
    kin = briefings.choices(ctx, "kin", TODAY)[0]
    pdf = build_kin_call_list(briefings.kin_call_list(ctx, kin.id, TODAY))
    assert CANARY.findall(flat(" ".join(page_texts(pdf))))
