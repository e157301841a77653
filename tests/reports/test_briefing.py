"""The street briefing handout and the meeting pack: content, fit, reproducibility, lookup."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from pypdf import PdfReader

from pcso_desk.domain.errors import ValidationError
from pcso_desk.paths import resource_path
from pcso_desk.reports.briefing import build_handout, read_advice
from pcso_desk.services.documents import briefings
from tests.factories import d, utc
from tests.reports import flat, page_texts

TODAY = date(2026, 11, 24)


def _priority(services, world, title: str, category: str, done: list[str]) -> str:  # type: ignore[no-untyped-def]
    priority = (
        services["priorities"]
        .create(
            {
                "title": title,
                "public_wording": f"{title}.",
                "category": category,
                "neighbourhood_id": world.neighbourhood,
                "ward_id": world.ward,
                "agreed_on": d("2026-10-01"),
            }
        )
        .created[0]
    )
    for n, text in enumerate(done):
        services.priorities.add_action(
            priority, {"action_on": d("2026-10-10") + timedelta(days=n), "public_text": text}
        )
    return str(priority)


def _meeting(services, world, title: str, day: int, kind: str = "surgery") -> str:  # type: ignore[no-untyped-def]
    return str(
        services.meetings.create(
            {
                "meeting_type": kind,
                "title": f"{title} (internal)",
                "public_title": title,  # what the handout and agenda call it
                "venue": "Riverside Library",
                "starts_at": utc(2026, 12, day, 18),
                "neighbourhood_id": world.neighbourhood,
            }
        ).created[0]
    )


@pytest.fixture
def busy(services, world):  # type: ignore[no-untyped-def]
    """A ward with many priorities and meetings: more than one page's worth."""
    services["officers"].update(
        world.officer, {"work_phone": "07700 900123", "work_email": "alex@example.com"}
    )
    categories = ["burglary", "asb", "speeding", "drugs", "parking", "fly_tipping"]
    for n, category in enumerate(categories):
        _priority(
            services,
            world,
            f"Priority number {n} about {category.replace('_', ' ')}",
            category,
            [f"We patrolled the area on day {n}", f"We met the council about item {n}"],
        )
    for day in range(1, 13):
        _meeting(services, world, f"Riverside surgery {day}", day)
    return world


def _handout(ctx, name: str = "Riverside Central", kind: str = "ward"):  # type: ignore[no-untyped-def]
    return briefings.handout(ctx, briefings.find_area(ctx, kind, name), TODAY)


def test_handout_shows_team_priorities_meetings_advice_and_numbers(ctx, busy) -> None:  # type: ignore[no-untyped-def]
    text = flat(" ".join(page_texts(build_handout(_handout(ctx)))))
    for expected in (
        "Your Safer Neighbourhood Team",
        "PCSO Alex Example",
        "07700 900123",
        "alex@example.com",
        "Priority number 5 about fly tipping.",
        "We did: We met the council about item 3",
        "Riverside surgery 8",
        "Riverside Library",
        "In an emergency call 999",
        "101",
        "Crimestoppers 0800 555 111",
        "High Street, Mill Lane",
    ):
        assert flat(expected) in text, expected
    heading, bullets = read_advice("burglary")
    assert flat(heading) in text and flat(bullets[0]) in text


def test_each_priority_shows_its_newest_three_public_actions_newest_first(
    ctx, services, world
) -> None:  # type: ignore[no-untyped-def]
    speeding = _priority(services, world, "Speeding", "speeding", [f"Check {n}" for n in range(5)])
    # Newer still: one with no public sentence, one deleted; neither goes on public paper.
    services.priorities.add_action(speeding, {"action_on": d("2026-10-20"), "public_text": ""})
    gone = services.priorities.add_action(
        speeding, {"action_on": d("2026-10-21"), "public_text": "Deleted"}
    ).created[0]
    services["priority_actions"].delete(gone)
    _priority(services, world, "Parking", "parking", ["We wrote to households"])
    _priority(services, world, "Youth", "asb", [])
    done = {p.wording: p.done for p in _handout(ctx).priorities}
    assert done == {
        "Speeding.": ("Check 4", "Check 3", "Check 2"),
        "Parking.": ("We wrote to households",),
        "Youth.": (),
    }


def test_advice_exists_for_every_category() -> None:
    from pcso_desk.domain.enums import IssueCategory

    for category in IssueCategory:
        heading, bullets = read_advice(category.value)
        assert resource_path("advice", f"{category.value}.md").exists()
        assert heading and len(bullets) >= 2, category


def test_busy_ward_flows_to_a_second_page_without_splitting_a_priority(ctx, busy) -> None:  # type: ignore[no-untyped-def]
    pages = page_texts(build_handout(_handout(ctx)))
    assert len(pages) == 2
    for n in range(6):
        holders = [p for p in pages if f"item {n}" in p]
        wording = [p for p in pages if f"Priority number {n}" in p]
        assert len(wording) == 1 and holders == wording  # a priority and its actions together
    assert "Keeping safe" in pages[1]


def test_large_print_uses_bigger_type_and_still_shows_everything(ctx, busy) -> None:  # type: ignore[no-untyped-def]
    data = _handout(ctx)
    normal, large = build_handout(data), build_handout(data, large_print=True)
    assert len(page_texts(large)) > len(page_texts(normal))
    assert _smallest_body_size(normal) >= 12 and _smallest_body_size(large) >= 16
    assert flat("Riverside surgery 8") in flat(" ".join(page_texts(large)))
    assert "(large print)" in (PdfReader(io.BytesIO(large)).metadata.title or "")


def _smallest_body_size(pdf: bytes) -> float:
    """The smallest font size used for body text (footers at the page edge excluded)."""
    sizes: list[float] = []

    def visit(text, cm, tm, font, size) -> None:  # type: ignore[no-untyped-def]
        y = tm[5] * cm[3] + cm[5]
        if text.strip() and 40 < y < 800:
            sizes.append(size * tm[0])

    for page in PdfReader(io.BytesIO(pdf)).pages:
        page.extract_text(visitor_text=visit)
    return min(sizes)


def test_same_store_and_date_give_the_same_bytes(ctx, busy) -> None:  # type: ignore[no-untyped-def]
    first = build_handout(_handout(ctx), invariant=True)
    again = build_handout(_handout(ctx), invariant=True)
    assert first == again


def test_neighbourhood_handout_by_code(ctx, busy) -> None:  # type: ignore[no-untyped-def]
    data = _handout(ctx, "riv", "neighbourhood")
    assert data.area.name == "Riverside SNT" and len(data.priorities) == 6


def test_unknown_ward_suggests_the_nearest_names(ctx, world) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as raised:
        briefings.find_area(ctx, "ward", "Riverside Centrl")
    message = str(raised.value)
    assert message.startswith("There is no ward called 'Riverside Centrl'; did you mean ")
    assert "Riverside Central" in message and message.endswith("?")


def test_past_and_cancelled_meetings_are_not_advertised(ctx, services, world) -> None:  # type: ignore[no-untyped-def]
    _meeting(services, world, "Next month surgery", 3)
    old = services.meetings.create(
        {
            "meeting_type": "pact",
            "title": "Last month PACT",
            "starts_at": utc(2026, 10, 1, 18),
            "neighbourhood_id": world.neighbourhood,
        }
    )
    assert old
    titles = [e.title for e in _handout(ctx).events]
    assert titles == ["Next month surgery"]


def test_meeting_pack_has_agenda_and_consent_sign_in(ctx, services, busy) -> None:  # type: ignore[no-untyped-def]
    first = _meeting(services, busy, "Riverside PACT", 2, kind="pact")
    _meeting(services, busy, "Riverside PACT again", 20, kind="pact")
    pages = page_texts(briefings.meeting_pack_pdf(ctx, first))
    assert len(pages) == 2
    agenda = flat(pages[0])
    for item in ("apologies", "Minutes", "Police report", "Community concerns", "priorities"):
        assert flat(item) in agenda
    assert flat("proposed Sunday 20 December 2026") in agenda
    assert "Sign-in sheet" in pages[1] and "Contact" in pages[1]
    assert flat("happy for the Safer Neighbourhood Team to contact you") in flat(pages[1])


def test_the_team_photo_set_in_the_store_is_printed_and_no_box_without_one(  # type: ignore[no-untyped-def]
    ctx, world, tmp_path
) -> None:
    from PIL import Image

    from pcso_desk.services.documents.team_photo import set_team_photo

    photo = tmp_path / "team.png"
    Image.new("RGB", (400, 300), "#1f3a5f").save(photo)
    without = build_handout(_handout(ctx))
    assert len(PdfReader(io.BytesIO(without)).pages[0].images) == 0
    assert "Team photo" not in page_texts(without)[0]  # no empty placeholder box
    set_team_photo(ctx, world.neighbourhood, photo)
    for large_print in (False, True):
        with_photo = build_handout(_handout(ctx), large_print=large_print)
        images = [len(page.images) for page in PdfReader(io.BytesIO(with_photo)).pages]
        assert images[0] == 1
