"""What people raised: the digest's counts, proposing a priority from it, the meeting's
agenda, the PDF (no one named), and a priority's before/after figures."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from pcso_desk.domain.enums import IssueCategory, UserRole
from pcso_desk.domain.errors import PermissionDenied
from pcso_desk.domain.raised import classify, proposal_title, proposal_wording
from pcso_desk.services.api import Services
from tests.factories import World, utc
from tests.role_station import Station

TODAY = date(2026, 11, 30)
CANARY_NAME = "Zebedee Canaryperson"
CANARY_WORDS = ["canary-subject-8841", "canary-meeting-8842", "canary-kin-8843"]


def _contact(services: Services, world: World, name: str, ward: str | None = None) -> str:
    values = {"name": name, "ward_id": ward or world.ward}
    return str(services.contacts.create(values).created[0])


def _meeting(services: Services, world: World, when: Any, issues: str, **more: Any) -> str:
    values = {
        "meeting_type": "pact",
        "title": f"PACT {when:%d %b}",
        "starts_at": when,
        "status": "held",
        "neighbourhood_id": world.neighbourhood,
        "issues_raised": issues,
        **more,
    }
    meeting = str(services.meetings.create(values).created[0])
    services["meeting_wards"].create({"meeting_id": meeting, "ward_id": world.ward})
    return meeting


def _engagement(services: Services, world: World, when: Any, issues: list[str], ward: Any) -> None:
    values = {"occurred_at": when, "channel": "patrol", "ward_id": ward, "issues": issues}
    services.engagements.create({**values, "summary": f"{CANARY_NAME} spoke to us"})


def _check_in(services: Services, world: World, on: date, suggested: str, score: int) -> None:
    kin = services["kins"].create(
        {"name": "Riverside KIN", "neighbourhood_id": world.neighbourhood}
    )
    contact = _contact(services, world, CANARY_NAME)
    member = services["kin_members"].create(
        {"kin_id": kin.created[0], "contact_id": contact, "joined_on": date(2026, 1, 1)}
    )
    values = {"checked_on": on, "method": "phone", "safety_score": score}
    services.kins.check_in(member.created[0], {**values, "suggested_priorities": suggested})


def _message(
    services: Services, world: World, when: Any, subject: str, contact: str | None
) -> None:
    values = {
        "received_at": when,
        "channel": "email",
        "subject": subject,
        "kind": "request",
        "neighbourhood_id": world.neighbourhood,
        "from_name": CANARY_NAME,
        "contact_id": contact,
    }
    services["messages"].create(values)


def _raised_world(services: Services, world: World) -> dict[str, str]:
    """Before the last PACT meeting (1 Nov): things that must not count. From it on: 3
    speeding in Riverside Central, parking in Riverside East, and a few that do not count."""
    _meeting(services, world, utc(2026, 10, 1, 19), "Speeding on the bypass")  # an earlier PACT
    _engagement(services, world, utc(2026, 10, 20, 10), ["speeding"], world.ward)  # before
    last = _meeting(
        services, world, utc(2026, 11, 1, 19), f"Speeding outside school; {CANARY_WORDS[1]}"
    )
    _engagement(services, world, utc(2026, 11, 3, 10), ["speeding", "parking"], world.ward)
    _engagement(services, world, utc(2026, 11, 4, 10), ["parking"], world.other_ward)
    _engagement(services, world, utc(2026, 11, 5, 10), ["drugs"], None)  # no ward: no place
    _check_in(services, world, date(2026, 11, 10), "Speed checks on Mill Lane", 3)
    east = _contact(services, world, "Another Sender", world.other_ward)
    _message(services, world, utc(2026, 11, 12, 9), "Van parked on the verge again", east)
    _message(services, world, utc(2026, 11, 13, 9), f"Thanks {CANARY_WORDS[0]}", east)  # no issue
    _message(services, world, utc(2026, 11, 14, 9), "Graffiti on the bus shelter", None)
    return {"last": last}


def test_classify_files_typed_words_under_a_category_by_vocabulary_only() -> None:
    assert classify("Speed checks on our road please") == classify("speed checks")
    found = classify("Groups gathering near the park")
    assert found is not None and found.category is IssueCategory.YOUTH_NUISANCE
    assert classify("Vehicle crime").category is IssueCategory.VEHICLE_CRIME  # type: ignore[union-attr]
    assert classify("Thanks for your help last week") is None
    # The term shown is the vocabulary's, never the text typed
    assert classify("Mrs Smith says Speeding on Acacia Ave").term == "speeding"  # type: ignore[union-attr]


def test_the_digest_counts_each_source_by_ward_and_category_since_the_last_pact(
    services: Services, world: World
) -> None:
    _raised_world(services, world)
    digest = services.raised.digest("neighbourhood", world.neighbourhood, TODAY)
    assert digest.since == date(2026, 11, 1)
    assert digest.since_meeting == "the PACT meeting of 1 November 2026"
    got = {(line.ward, line.category.value): dict(line.counts) for line in digest.lines}
    assert got == {
        ("Riverside Central", "speeding"): {
            "engagements": 1, "meetings": 1, "kin": 1, "messages": 0,
        },
        ("Riverside Central", "parking"): {
            "engagements": 1, "meetings": 0, "kin": 0, "messages": 0,
        },
        ("Riverside Central", "other"): {
            "engagements": 0, "meetings": 1, "kin": 0, "messages": 0,
        },
        ("Riverside East", "parking"): {
            "engagements": 1, "meetings": 0, "kin": 0, "messages": 1,
        },
        ("Whole neighbourhood", "criminal_damage"): {
            "engagements": 0, "meetings": 0, "kin": 0, "messages": 1,
        },
    }  # fmt: skip
    # Most raised first
    assert (digest.lines[0].ward, digest.lines[0].label) == (
        "Riverside Central",
        "Speeding / inconsiderate motoring",
    )
    assert (
        digest.lines[0].evidence() == "3 raised it: 1 engagement, 1 meeting issue, 1 KIN suggestion"
    )
    # A ward's digest holds that ward's lines only; a chosen date widens the window
    east = services.raised.digest("ward", world.other_ward, TODAY)
    assert [(line.ward, line.total) for line in east.lines] == [("Riverside East", 2)]
    wider = services.raised.digest("neighbourhood", world.neighbourhood, TODAY, date(2026, 9, 1))
    speeding = next(line for line in wider.lines if line.category is IssueCategory.SPEEDING)
    assert speeding.counts == {"engagements": 2, "meetings": 2, "kin": 1, "messages": 0}


def test_the_digest_never_holds_typed_words_or_names(services: Services, world: World) -> None:
    _raised_world(services, world)
    digest = services.raised.digest("neighbourhood", world.neighbourhood, TODAY)
    shown = repr(digest)
    for secret in (CANARY_NAME, *CANARY_WORDS, "Mill Lane", "school", "bus shelter"):
        assert secret not in shown


def test_proposing_from_a_line_makes_a_priority_with_its_evidence_on_the_next_agenda(
    services: Services, world: World, tmp_path: Path
) -> None:
    _raised_world(services, world)
    upcoming = _meeting(services, world, utc(2026, 12, 6, 19), "", status="planned")
    line = services.raised.digest("neighbourhood", world.neighbourhood, TODAY).lines[0]
    values = {
        "title": proposal_title(line),
        "public_wording": proposal_wording(line),
        "category": line.category.value,
        "neighbourhood_id": world.neighbourhood,
        "ward_id": line.ward_id,
        "agreed_on": TODAY,
        "evidence_count": line.total,
        "evidence": line.evidence(),
    }
    made = services["priorities"].create(values).created[0]
    priority = services["priorities"].get(made)
    assert priority["evidence_count"] == 3
    assert priority["evidence"] == "3 raised it: 1 engagement, 1 meeting issue, 1 KIN suggestion"
    out = services.documents.save_meeting_pack(upcoming, tmp_path / "pack.pdf")
    text = "".join(page.extract_text() for page in PdfReader(out).pages)
    flat = " ".join(text.split())
    assert "You told us about speeding / inconsiderate motoring in Riverside Central" in flat


def test_the_pdf_for_the_meeting_names_no_one(services: Services, world: World) -> None:
    _raised_world(services, world)
    pdf = services.raised.preview_pdf("neighbourhood", world.neighbourhood, TODAY)
    reader = PdfReader(io.BytesIO(pdf))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert "What people raised: Riverside SNT" in text
    assert "Riverside East" in text and "Speeding / inconsiderate motoring" in text
    assert "OFFICIAL-SENSITIVE" in text
    for secret in (CANARY_NAME, "Another Sender", *CANARY_WORDS, "Mill Lane", "bus shelter"):
        assert secret not in text
        assert secret.encode() not in pdf


def test_roles_the_digest_and_its_pdf(tmp_path: Path) -> None:
    station = Station(tmp_path)
    world = station.world
    station.setup.engagements.create(
        {"occurred_at": utc(2026, 11, 3, 10), "channel": "patrol", "ward_id": world.ward,
         "issues": ["burglary"]}
    )  # fmt: skip
    for role in (UserRole.PCSO, UserRole.PC, UserRole.SERGEANT):
        digest = station.signed_in[role].raised.digest("neighbourhood", world.neighbourhood, TODAY)
        assert [(line.label, line.total) for line in digest.lines] == [("Burglary", 1)]
        # The station's victim case (a burglary) is never counted nor shown
        assert "12345" not in repr(digest)
    admin = station.signed_in[UserRole.ADMIN]
    with pytest.raises(PermissionDenied):
        admin.raised.preview_pdf("neighbourhood", world.neighbourhood, TODAY)


CRIME_HEADER = (
    "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,"
    "LSOA name,Crime type,Last outcome category,Context"
)


def _crimes(services: Services, world: World, tmp_path: Path) -> None:
    """Burglaries in Riverside Central: 2 in June, 3 in July (before), 5 in August (the month
    agreed: in neither), 1 in September and 1 in October (since); and ones that do not count."""
    for code, ward in (("E01000001", world.ward), ("E01000002", world.other_ward)):
        services["lsoa_wards"].create({"lsoa_code": code, "ward_id": ward})
    lines = [CRIME_HEADER]
    plan = [
        ("E01000001", "Burglary", "2026-06", 2),
        ("E01000001", "Burglary", "2026-07", 3),
        ("E01000001", "Burglary", "2026-08", 5),
        ("E01000001", "Burglary", "2026-09", 1),
        ("E01000001", "Burglary", "2026-10", 1),
        ("E01000001", "Anti-social behaviour", "2026-07", 4),  # another type
        ("E01000002", "Burglary", "2026-07", 6),  # another ward
        ("E01000001", "Burglary", "2026-04", 9),  # too early
    ]
    for lsoa, kind, month, n in plan:
        for i in range(n):
            lines.append(
                f"{lsoa}-{kind[:4]}-{month}-{i},{month},P,P,-0.1,51.7,On or near High Street,"
                f"{lsoa},L,{kind},,"
            )
    path = tmp_path / "street.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    services.packs.import_crimes(path)


def _burglary_priority(services: Services, world: World) -> str:
    values = {
        "title": "Burglary in Riverside Central",
        "public_wording": "Burglary in Riverside Central",
        "category": "burglary",
        "neighbourhood_id": world.neighbourhood,
        "ward_id": world.ward,
        "agreed_on": date(2026, 8, 15),
    }
    return str(services["priorities"].create(values).created[0])


def test_before_and_after_a_priority_was_agreed(
    services: Services, world: World, tmp_path: Path
) -> None:
    _crimes(services, world, tmp_path)
    priority = _burglary_priority(services, world)
    for when in (utc(2026, 7, 1, 10), utc(2026, 7, 2, 10), utc(2026, 9, 1, 10)):
        _engagement(services, world, when, ["burglary"], world.ward)
    _engagement(services, world, utc(2026, 9, 2, 10), ["parking"], world.ward)  # another issue
    _check_in(services, world, date(2026, 7, 5), "", 2)
    _check_in(services, world, date(2026, 10, 1), "Shed break-ins", 4)
    seen = services.raised.before_after(priority, date(2026, 11, 20))
    assert seen.crime_months == ("Jun 2026 – Jul 2026", "Sep 2026 – Oct 2026")
    assert (seen.before_span, seen.after_span) == (
        "10 May 2026 – 14 Aug 2026",
        "15 Aug 2026 – 19 Nov 2026",
    )
    figures = {f.measure: (f.before, f.after) for f in seen.figures}
    assert figures == {
        "Crimes (police.uk)": (5, 2),
        "Times raised (what people raised)": (2, 2),  # since: an engagement and a KIN member
        "KIN safety score (1–5, all check-ins)": (2.0, 4.0),
    }


def test_before_and_after_says_what_it_cannot_show(services: Services, world: World) -> None:
    values = {
        "title": "Speeding on Mill Lane",
        "category": "speeding",
        "neighbourhood_id": world.neighbourhood,
        "agreed_on": date(2026, 8, 15),
    }
    priority = services["priorities"].create(values).created[0]
    seen = services.raised.before_after(priority, date(2026, 11, 20))
    crimes, raised, safety = seen.figures
    assert (crimes.before, crimes.after) == (None, None)
    assert crimes.note == "no police.uk crime type for speeding / inconsiderate motoring"
    assert (raised.before, raised.after) == (0, 0)
    assert (safety.before, safety.after, safety.shown(None)) == (None, None, "—")
    assert seen.area == "Riverside SNT (whole neighbourhood)"


def test_the_internal_pack_shows_each_priority_before_and_since(
    services: Services, world: World, tmp_path: Path
) -> None:
    import zipfile

    _crimes(services, world, tmp_path)
    _burglary_priority(services, world)
    _engagement(services, world, utc(2026, 9, 1, 10), ["burglary"], world.ward)
    out = tmp_path / "internal.zip"
    services.packs.build_pack("neighbourhood", "Riverside SNT", "2026-10", out, internal=True)
    with zipfile.ZipFile(out) as z:
        names = z.namelist()
        csv = next(n for n in names if n.endswith("/priority-dial.csv"))
        table = z.read(csv).decode("utf-8")
        pdf = z.read(next(n for n in names if n.endswith(".pdf")))
    # Up to 31 October: crimes of Jun-Jul v Sep-Oct; raised 15 May-14 Aug v 15 Aug-31 Oct
    assert (
        '"Burglary in Riverside Central (Burglary), agreed 15 Aug 2026",Crimes (police.uk),5,2'
        in table
    )
    assert ",Times raised (what people raised),0,1" in table
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())
    assert "Did it move the dial? Priorities before and since agreed (internal)" in text
    public = tmp_path / "public.zip"
    services.packs.build_pack("neighbourhood", "Riverside SNT", "2026-10", public, internal=False)
    with zipfile.ZipFile(public) as z:
        assert not [n for n in z.namelist() if "priority-dial" in n]


def test_a_ward_panel_is_a_priority_meeting_too_and_a_cancelled_one_is_not(
    services: Services, world: World
) -> None:
    _raised_world(services, world)
    _meeting(services, world, utc(2026, 11, 20, 19), "", meeting_type="ward_panel")
    _meeting(services, world, utc(2026, 11, 25, 19), "", status="cancelled")
    digest = services.raised.digest("ward", world.ward, TODAY)
    assert digest.since_meeting == "the ward panel of 20 November 2026"
    assert digest.lines == ()  # nothing raised since


def test_a_kept_priority_is_counted_to_today_and_a_dropped_one_to_its_end(
    services: Services, world: World
) -> None:
    from pcso_desk.domain.enums import ReviewDecision

    kept, dropped = _burglary_priority(services, world), _burglary_priority(services, world)
    services.priorities.review(kept, ReviewDecision.KEEP, "Still raised", date(2026, 9, 14))
    services.priorities.review(dropped, ReviewDecision.DROP, "Solved", date(2026, 9, 14))
    today = date(2026, 11, 20)
    assert services.raised.before_after(kept, today).after_span == "15 Aug 2026 – 19 Nov 2026"
    assert services.raised.before_after(dropped, today).after_span == "15 Aug 2026 – 13 Sep 2026"


def test_the_meeting_pdf_holds_none_of_a_persons_canaries(services: Services) -> None:
    from tests.person_seed import CANARIES, seed_person

    seed_person(services)
    hood = services.options("neighbourhoods")[0][0]
    ward = services.options("wards")[0][0]
    # Typed words that name people and places, beside the issue they raise
    services.meetings.create(
        {
            "meeting_type": "pact",
            "title": "PACT July",
            "starts_at": utc(2026, 7, 2, 19),
            "status": "held",
            "neighbourhood_id": hood,
            "issues_raised": f"Speeding past Wilma Subjectson's house; {CANARIES[4]} drugs",
        }
    )
    services["messages"].create(
        {
            "received_at": utc(2026, 7, 8, 8),
            "channel": "email",
            "subject": "Quentin Otherperson says parking on Mill Lane",
            "kind": "request",
            "neighbourhood_id": hood,
        }
    )
    services.engagements.create(
        {"occurred_at": utc(2026, 7, 9, 9), "channel": "patrol", "ward_id": ward,
         "issues": ["asb"], "summary": CANARIES[1]}
    )  # fmt: skip
    pdf = services.raised.preview_pdf("neighbourhood", hood, date(2026, 7, 31))
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())
    assert "Speeding" in text and "Drugs" in text and "Parking" in text  # counted...
    for secret in (*CANARIES, "Wilma", "Subjectson", "Quentin", "Otherperson", "Mill Lane"):
        assert secret.casefold() not in text.casefold()  # ...naming no one and nowhere
        assert secret.encode() not in pdf
