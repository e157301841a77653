"""`pcso-desk calendar`, `export priorities --format police-uk` and `export team --format
json`: what they print, the files they write, and the refusals of a wrong combination."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import icalendar
import pytest

from pcso_desk import cli
from pcso_desk.domain.errors import ValidationError
from pcso_desk.services.api import Services
from tests.factories import d


def _run(services: Services, *argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = cli.run(cli.parse(list(argv)), lambda create: services, out)
    return code, out.getvalue()


@pytest.fixture
def area(services: Services, world: Any) -> Any:
    soon = datetime.now(UTC).replace(microsecond=0) + timedelta(days=3)
    for at in (soon, soon + timedelta(days=120)):
        made = services.meetings.create(
            {
                "meeting_type": "surgery",
                "title": "Internal name",
                "venue": "Mill Lane Hall",
                "starts_at": at,
                "neighbourhood_id": world.neighbourhood,
            }
        ).created[0]
        services["meeting_wards"].create({"meeting_id": made, "ward_id": world.ward})
    services["priorities"].create(
        {
            "title": "Internal title",
            "public_wording": "Parking on the school run.",
            "category": "parking",
            "neighbourhood_id": world.neighbourhood,
            "agreed_on": d("2026-06-01"),
            "review_on": d("2026-09-01"),
        }
    )
    return world


def test_calendar_writes_the_next_90_days(services: Services, area: Any, tmp_path: Path) -> None:
    out = tmp_path / "riverside.ics"
    code, said = _run(services, "calendar", "--ward", "Riverside Central", "--out", str(out))
    assert (code, said) == (0, f"Wrote 1 public meeting to {out}.\n")
    (event,) = icalendar.Calendar.from_ical(out.read_bytes()).walk("VEVENT")
    assert str(event["SUMMARY"]) == "Police surgery, Mill Lane Hall"


def test_calendar_needs_an_area_and_an_ics_name(
    services: Services, area: Any, tmp_path: Path
) -> None:
    with pytest.raises(SystemExit):
        _run(services, "calendar", "--out", str(tmp_path / "x.ics"))
    with pytest.raises(ValidationError, match=r"'x\.csv' is not an iCalendar file name"):
        _run(services, "calendar", "--ward", "RIV-C", "--out", str(tmp_path / "x.csv"))


def test_export_police_uk_and_team(services: Services, area: Any, tmp_path: Path) -> None:
    priorities, team = tmp_path / "p.csv", tmp_path / "t.json"
    code, said = _run(
        services, "export", "priorities", "--format", "police-uk", "--out", str(priorities)
    )
    assert (code, said) == (0, f"Exported 1 priority to {priorities}.\n")
    with priorities.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["neighbourhood"], r["issue"]) for r in rows] == [
        ("Riverside SNT", "Parking on the school run.")
    ]
    code, said = _run(
        services, "export", "team", "--format", "json", "--neighbourhood", "RIV", "--out", str(team)
    )
    assert (code, said) == (0, f"Exported the team (1 officer) to {team}.\n")
    names = [o["name"] for o in json.loads(team.read_text())["teams"][0]["officers"]]
    assert names == ["PCSO Alex Example"]


@pytest.mark.parametrize(
    ("table", "fmt", "name", "message"),
    [
        ("contacts", "police-uk", "x.csv", "contacts cannot be exported as police-uk"),
        ("team", "csv", "x.csv", "team cannot be exported as csv"),
        ("priorities", "police-uk", "x.json", r"'x\.json' does not suit --format police-uk"),
        ("team", "json", "x.csv", r"'x\.csv' does not suit --format json"),
    ],
)
def test_a_wrong_table_format_or_file_name_is_refused(
    services: Services, area: Any, tmp_path: Path, table: str, fmt: str, name: str, message: str
) -> None:
    out = tmp_path / name
    with pytest.raises(ValidationError, match=message):
        _run(services, "export", table, "--format", fmt, "--out", str(out))
    assert not out.exists()
