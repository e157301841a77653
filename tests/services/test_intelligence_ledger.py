"""The county policy's measures: the intelligence ledger (that a report was submitted, never
what it said, with its "tell the source" prompt), compliments beside dissatisfaction, and
both counted in the internal monthly pack and never in the public one."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from sqlalchemy import Text

from pcso_desk.domain import kinds as k
from pcso_desk.domain.errors import ValidationError
from pcso_desk.services.api import Services
from pcso_desk.services.documents.packs import build_pack
from pcso_desk.services.records.service import SYSTEM_COLUMNS, ListQuery
from pcso_desk.store import models as m
from tests.factories import d, utc

MONTH = "2026-06"
LEDGER_COLUMNS = {
    "force_reference", "submitted_on", "category", "source_type", "neighbourhood_id",
    "ward_id", "officer_id", "tell_source_by", "source_told_on",
}  # fmt: skip


def _report(services: Services, world: Any, **values: Any) -> str:
    row = {
        "force_reference": "INT/26/004512",
        "submitted_on": d("2026-06-03"),
        "category": "drugs",
        "source_type": "member_of_public",
        "neighbourhood_id": world.neighbourhood,
        "ward_id": world.ward,
        "officer_id": world.officer,
        **values,
    }
    return str(services["intelligence_reports"].create(row).created[0])


def test_the_ledger_has_no_field_for_a_reports_content_or_its_source(services: Services) -> None:
    columns = {c.name: c for c in m.IntelligenceReport.__table__.columns}
    assert set(columns) - SYSTEM_COLUMNS == LEDGER_COLUMNS
    assert not any(isinstance(c.type, Text) for c in columns.values())  # no free text at all
    assert {f.key for f in k.INTELLIGENCE_REPORTS.fields} == LEDGER_COLUMNS
    for content in ("notes", "content", "summary", "source_name"):
        with pytest.raises(ValidationError, match=f"'{content}' is not a field"):
            services["intelligence_reports"].create(
                {"force_reference": "INT/1", "submitted_on": d("2026-06-01"), content: "x"}
            )


def test_the_source_is_to_be_told_four_weeks_on_unless_a_date_is_given(
    services: Services, world: Any
) -> None:
    ledger = services["intelligence_reports"]
    told_later = _report(services, world)
    assert ledger.get(told_later)["tell_source_by"] == date(2026, 7, 1)
    chosen = _report(services, world, tell_source_by=d("2026-06-10"))
    assert ledger.get(chosen)["tell_source_by"] == date(2026, 6, 10)
    own = _report(services, world, source_type="officer")
    assert ledger.get(own)["tell_source_by"] is None  # nobody to tell
    with pytest.raises(ValidationError, match="before"):
        _report(services, world, source_told_on=d("2026-06-01"))
    assert ledger.count() == 3  # the refused one left nothing


def test_the_prompt_lists_the_report_until_the_source_is_told(
    services: Services, world: Any
) -> None:
    ledger = services["intelligence_reports"]
    waiting = _report(services, world)
    done = _report(services, world, force_reference="INT/26/004600", source_told_on=d("2026-06-20"))
    own = _report(services, world, force_reference="INT/26/004700", source_type="officer")
    still = [r["id"] for r in ledger.page(ListQuery(filters={"waiting": True})).rows]
    assert still == [waiting]  # not the told one, nor the officer's own observation
    ledger.update(waiting, {"source_told_on": "25/06/2026"})
    assert ledger.page(ListQuery(filters={"waiting": True})).rows == []
    assert {r["id"] for r in ledger.page(ListQuery()).rows} == {waiting, done, own}


def test_a_compliment_is_a_message_kind_of_its_own(services: Services, world: Any) -> None:
    made = services["messages"].create(
        {"received_at": utc(2026, 6, 4, 9), "channel": "email", "subject": "Thanks",
         "kind": "compliment", "neighbourhood_id": world.neighbourhood}
    )  # fmt: skip
    assert services["messages"].get(made.created[0])["kind"] == "compliment"


def _pdf_text(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        pdf = next(name for name in z.namelist() if name.endswith(".pdf"))
        reader = PdfReader(io.BytesIO(z.read(pdf)))
        return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


@pytest.fixture
def month_of_measures(services: Services, world: Any) -> Any:
    _report(services, world, source_told_on=d("2026-06-20"))  # told in the month
    for day in ("2026-06-05", "2026-06-09"):  # still to tell at the month's end: one late
        _report(services, world, submitted_on=d(day), force_reference=f"INT/{day}")
    _report(services, world, submitted_on=d("2026-06-02"), tell_source_by=d("2026-06-12"))
    _report(services, world, submitted_on=d("2026-05-30"), force_reference="INT/may")
    _report(services, world, submitted_on=d("2026-06-15"), source_type="officer")

    def message(kind: str, day: int) -> None:
        services["messages"].create(
            {"received_at": utc(2026, 6, day, 9), "channel": "email", "subject": f"{kind} {day}",
             "kind": kind, "neighbourhood_id": world.neighbourhood}
        )  # fmt: skip

    for day in (1, 2, 3):
        message("compliment", day)
    message("dissatisfaction", 4)
    message("compliment", 6)  # four compliments in all
    message("request", 5)
    return world


def test_the_internal_pack_counts_intelligence_and_compliments_apart(
    services: Services, month_of_measures: Any, tmp_path: Path
) -> None:
    out = build_pack(
        services.ctx, "neighbourhood", "Riverside SNT", MONTH, tmp_path / "i.zip", internal=True
    )
    text = _pdf_text(out)
    assert "County policy: intelligence and compliments (internal)" in text
    assert "Intelligence reports submitted 5" in text  # June's five, not May's
    assert "Sources told what happened 1" in text
    assert "Sources still to be told at the month's end 4" in text  # May's one included
    assert "Of those, past the date to tell them 2" in text  # due 12 and 27 June
    assert "Compliments received 4" in text
    assert "Expressions of dissatisfaction received 1" in text
    with zipfile.ZipFile(out) as z:
        assert any(name.endswith("/county-policy.csv") for name in z.namelist())


def test_the_public_pack_shows_none_of_it(
    services: Services, month_of_measures: Any, tmp_path: Path
) -> None:
    out = build_pack(
        services.ctx, "neighbourhood", "Riverside SNT", MONTH, tmp_path / "p.zip", internal=False
    )
    text = _pdf_text(out)
    assert "Intelligence" not in text and "Compliments" not in text
    with zipfile.ZipFile(out) as z:
        assert not any("county-policy" in name for name in z.namelist())
