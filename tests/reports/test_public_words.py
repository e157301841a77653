"""Public words only: internal titles of priorities and meetings reach no public document.

A priority with no public wording is left off the street briefing handout, the meeting
agenda and the monthly pack, and the pack's build summary names it for the officer; a
meeting is called by its public title, else by its type and venue.
"""

from __future__ import annotations

import zipfile
from datetime import date
from pathlib import Path

from pcso_desk.reports.briefing import build_handout
from pcso_desk.services.api import Services
from pcso_desk.services.documents import briefings
from tests.cli.test_monthly_pack import call
from tests.factories import d
from tests.reports import flat, page_texts
from tests.services.test_monthly import MONTH, Known, known, local  # noqa: F401 - the fixture

SECRET_PRIORITY = "Drug dealing from 14 Cromwell Road (tenant J. Smith, ref 41/123/26)"
SECRET_MEETING = "Closed briefing re Smith family"
TODAY = date(2026, 3, 20)


def _internal_words(services: Services, known: Known) -> str:  # noqa: F811
    w = known.world
    services["priorities"].create(
        {
            "title": SECRET_PRIORITY,
            "public_wording": "",
            "category": "drugs",
            "neighbourhood_id": w.neighbourhood,
            "ward_id": w.ward,
            "agreed_on": d("2026-02-10"),
        }
    )
    for title, public, at in (
        (SECRET_MEETING, "", local(2026, 3, 25, 19)),
        ("Riverside PACT April", "Riverside PACT: have your say", local(2026, 3, 27, 19)),
    ):
        made = services.meetings.create(
            {
                "meeting_type": "street_briefing",
                "title": title,
                "public_title": public,
                "venue": "Mill Lane corner",
                "starts_at": at,
                "neighbourhood_id": w.neighbourhood,
            }
        )
        services["meeting_wards"].create({"meeting_id": made.created[0], "ward_id": w.ward})
    return made.created[0]


def _text(pdf: bytes) -> str:
    return flat(" ".join(page_texts(pdf)))


def test_internal_titles_reach_no_public_document(
    services: Services,
    known: Known,  # noqa: F811
    tmp_path: Path,
) -> None:
    _internal_words(services, known)
    ctx = services.ctx
    documents: dict[str, bytes] = {}
    for kind, name in (("neighbourhood", "Riverside SNT"), ("ward", "Riverside Central")):
        data = briefings.handout(ctx, briefings.find_area(ctx, kind, name), TODAY)
        documents[f"{kind} handout"] = build_handout(data)
    meetings = briefings.choices(ctx, "meeting", TODAY)
    for choice in meetings:
        documents[f"agenda {choice.label}"] = briefings.meeting_pack_pdf(ctx, choice.id)
    out = tmp_path / "pack.zip"
    code, said = call(
        services, "monthly-pack", "--neighbourhood", "Riverside SNT", "--month", MONTH,
        "--out", str(out),
    )  # fmt: skip
    with zipfile.ZipFile(out) as z:
        documents["pack"] = z.read(f"riverside-snt-{MONTH}.pdf")
        csvs = b"".join(z.read(n) for n in z.namelist() if n.endswith(".csv")).decode()
    for name, pdf in documents.items():
        text = _text(pdf)
        assert flat(SECRET_PRIORITY) not in text, name
        assert flat("Cromwell") not in text, name
        assert flat(SECRET_MEETING) not in text, name
    assert "Cromwell" not in csvs
    # The other priority, which has public wording, is still there.
    assert flat("You told us about speeding on Mill Lane.") in _text(documents["pack"])
    handout = _text(documents["ward handout"])
    assert flat("Riverside PACT: have your say") in handout  # a public title is used
    assert flat("Street briefing, Mill Lane corner") in handout  # else type and venue
    # The team's internal pack still lists it, marked.
    internal = tmp_path / "internal.zip"
    call(
        services, "monthly-pack", "--neighbourhood", "Riverside SNT", "--month", MONTH,
        "--internal", "--out", str(internal),
    )  # fmt: skip
    with zipfile.ZipFile(internal) as z:
        listed = z.read(f"riverside-snt-{MONTH}-internal/priorities.csv").decode()
    assert f"{SECRET_PRIORITY} (no public wording: not published)" in listed
    # The officer who built the pack is told what was left out, and why.
    assert code == 0
    assert said.splitlines()[-1] == (f"Left out, having no public wording (1): {SECRET_PRIORITY}.")


def test_the_meeting_agenda_without_a_public_title_shows_type_and_venue(
    services: Services,
    known: Known,  # noqa: F811
) -> None:
    meeting = _internal_words(services, known)
    agenda = _text(briefings.meeting_pack_pdf(services.ctx, meeting))
    assert flat("Riverside PACT: have your say") in agenda
    secret = next(
        c for c in briefings.choices(services.ctx, "meeting", TODAY) if SECRET_MEETING in c.label
    )
    other = " ".join(page_texts(briefings.meeting_pack_pdf(services.ctx, secret.id)))
    assert SECRET_MEETING not in other
    assert "Street briefing" in other and "Mill Lane corner" in other
