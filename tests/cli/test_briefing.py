"""`pcso-desk briefing` and `meeting-pack`: options, the written PDF, a helpful refusal."""

from __future__ import annotations

import argparse
import io
from pathlib import Path

import pytest

from pcso_desk.cli import documents as cli_documents
from pcso_desk.domain.errors import ValidationError
from tests.factories import utc
from tests.reports import page_texts


def _run(services, *argv: str) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    parser = argparse.ArgumentParser(prog="pcso-desk")
    cli_documents.add_parsers(parser.add_subparsers(dest="command"))
    out = io.StringIO()
    code = cli_documents.run(parser.parse_args(argv), lambda create: services, out)
    return code, out.getvalue()


def test_briefing_for_a_ward_by_code(services, world, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "out" / "riverside.pdf"
    with pytest.raises(ValidationError, match="does not exist; create it first"):
        _run(services, "briefing", "--ward", "riv-c", "--out", str(target))  # as every --out
    target.parent.mkdir()
    code, said = _run(services, "briefing", "--ward", "riv-c", "--out", str(target))
    assert code == 0
    assert said == f"Wrote the street briefing for Riverside Central to {target}.\n"
    text = " ".join(page_texts(target.read_bytes()))
    assert "Riverside Central" in text and "PCSO Alex Example" in text


def test_large_print_briefing_for_a_neighbourhood(services, world, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    normal, large = tmp_path / "n.pdf", tmp_path / "l.pdf"
    _run(services, "briefing", "--neighbourhood", "Riverside SNT", "--out", str(normal))
    code, _ = _run(
        services, "briefing", "--neighbourhood", "RIV", "--large-print", "--out", str(large)
    )
    assert code == 0
    assert len(page_texts(large.read_bytes())) > len(page_texts(normal.read_bytes()))


def test_unknown_ward_is_refused_with_suggestions(services, world, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "x.pdf"
    with pytest.raises(ValidationError, match=r"no ward called 'Riversid East'; did you mean"):
        _run(services, "briefing", "--ward", "Riversid East", "--out", str(target))
    assert not target.exists()


def test_ward_and_neighbourhood_are_exclusive_and_one_is_required(services) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(SystemExit):
        _run(services, "briefing", "--out", "x.pdf")
    with pytest.raises(SystemExit):
        _run(services, "briefing", "--ward", "A", "--neighbourhood", "B", "--out", "x.pdf")


def test_meeting_pack(services, world, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    meeting = services.meetings.create(
        {
            "meeting_type": "pact",
            "title": "Riverside PACT (re: 14 Example Road)",
            "public_title": "Riverside PACT",
            "starts_at": utc(2026, 12, 1, 18),
            "neighbourhood_id": world.neighbourhood,
        }
    ).created[0]
    target = tmp_path / "pack.pdf"
    code, said = _run(services, "meeting-pack", "--meeting", meeting, "--out", str(target))
    assert code == 0 and "meeting pack" in said
    pages = page_texts(target.read_bytes())
    assert "Riverside PACT" in pages[0] and "Sign-in sheet" in pages[1]
    assert "Example Road" not in "".join(pages)  # the internal title is never printed
