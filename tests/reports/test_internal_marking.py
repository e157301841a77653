"""Internal documents carry OFFICIAL-SENSITIVE at the top and bottom of every page."""

from __future__ import annotations

import io
from datetime import date

import pytest
from pypdf import PdfReader

from pcso_desk.reports.common import MARKING
from pcso_desk.reports.internal import build_kin_call_list, build_victim_card
from pcso_desk.services.documents import briefings
from tests.factories import d, utc
from tests.reports import page_texts

TODAY = date(2026, 11, 24)


@pytest.fixture
def kin(services, world) -> str:  # type: ignore[no-untyped-def]
    """A KIN of forty members: a call list of more than one page."""
    kin_id = str(
        services["kins"]
        .create({"name": "Riverside KIN", "neighbourhood_id": world.neighbourhood})
        .created[0]
    )
    for n in range(40):
        contact = services.contacts.create(
            {"name": f"Member Number{n:02d}", "phone": f"07700 900{n:03d}"}
        ).created[0]
        services["kin_members"].create(
            {
                "kin_id": kin_id,
                "contact_id": contact,
                "represents": f"{n} High Street",
                "joined_on": d("2026-01-05"),
            }
        )
    return kin_id


@pytest.fixture
def case(services, world) -> str:  # type: ignore[no-untyped-def]
    victim = services.contacts.create({"name": "Vic Example", "phone": "01632 960555"})
    case_id = str(
        services["victim_cases"]
        .create(
            {
                "victim_id": victim.created[0],
                "crime_reference": "41 12345 26",
                "offence_type": "Burglary",
                "opened_at": utc(2026, 11, 2, 10),
                "safe_contact_notes": "Only call after 6pm",
            }
        )
        .created[0]
    )
    services.victims.record_contact(
        case_id,
        {
            "contacted_at": utc(2026, 11, 3, 14),
            "visit_type": "initial_reassurance",
            "method": "visit",
            "successful": True,
        },
    )
    return case_id


def _marked_on_every_page(pdf: bytes) -> list[str]:
    pages = page_texts(pdf)
    for number, text in enumerate(pages, start=1):
        assert text.count(MARKING) == 2, f"page {number} lacks its top and bottom marking"
    meta = PdfReader(io.BytesIO(pdf)).metadata  # a file manager's preview says so too
    assert meta is not None and meta.get("/Keywords") == f"{MARKING} — internal"
    assert f"{MARKING} — internal" in str(meta.title)
    return pages


def test_kin_call_list_is_marked_on_every_page(ctx, kin) -> None:  # type: ignore[no-untyped-def]
    pages = _marked_on_every_page(build_kin_call_list(briefings.kin_call_list(ctx, kin, TODAY)))
    assert len(pages) >= 2
    text = " ".join(pages)
    assert "Member Number00" in text and "Member Number39" in text
    assert "07700 900007" in text  # national format, not +44


def test_victim_visit_card_is_marked_and_shows_the_case(ctx, case) -> None:  # type: ignore[no-untyped-def]
    card = briefings.victim_card(ctx, case, TODAY)
    pages = _marked_on_every_page(build_victim_card(card))
    text = " ".join(pages)
    for expected in ("41/12345/26", "Vic Example", "Only call after 6pm", "Initial reassurance"):
        assert expected in text, expected
    assert card.next_contact_due is not None


def test_internal_documents_are_reproducible(ctx, kin, case) -> None:  # type: ignore[no-untyped-def]
    data = briefings.kin_call_list(ctx, kin, TODAY)
    assert build_kin_call_list(data, invariant=True) == build_kin_call_list(data, invariant=True)
    card = briefings.victim_card(ctx, case, TODAY)
    assert build_victim_card(card, invariant=True) == build_victim_card(card, invariant=True)
