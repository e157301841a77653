"""`pcso-desk export`: tables a sergeant opens in Excel, safe to open, free of restricted data."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from pcso_desk.domain.enums import Sensitivity
from pcso_desk.domain.errors import ValidationError
from pcso_desk.services.records import export
from pcso_desk.services.records.contact_import import import_contacts
from pcso_desk.services.records.export import EXPORTABLE, export_table
from pcso_desk.store import models as m
from tests.factories import d, utc


def _read_csv(path: Path) -> list[list[str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel opens it as UTF-8, £ and é intact
    marking, *rows = csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline=""))
    assert marking == ["OFFICIAL-SENSITIVE"]  # every export holds records about people
    return rows


def _read_xlsx(path: Path) -> tuple[str, list[list[Any]]]:
    """The sheet's title and values; a cell formatted as a date reads back as a date."""
    book = load_workbook(path)
    sheet = book.active
    assert sheet is not None
    rows = [
        [c.value.date() if c.is_date and c.number_format == "yyyy-mm-dd" else c.value for c in row]
        for row in sheet.iter_rows()
    ]
    return sheet.title, rows


def _as_csv_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


@pytest.fixture
def out(tmp_path: Path) -> Path:
    """A folder of its own for exports (the store lives elsewhere under tmp_path)."""
    folder = tmp_path / "exports"
    folder.mkdir()
    return folder


@pytest.fixture
def team(services, world) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """A small neighbourhood's records: contacts, an engagement, a meeting, a priority, a KIN."""
    contacts = services.contacts
    zoe = contacts.create(
        {
            "name": "Zoë Example",
            "organisation": "Café Testing Ltd",
            "postcode": "al1 3ab",
            "phone": "01632 960001",
            "email": "zoe@example.com",
            "ward_id": world.ward,
            "kind": "business",
            "tags": ["shop", "late night"],
            "notes": "Owes £5",
            "review_date": d("2027-01-31"),
        }
    ).created[0]
    sly = contacts.create(
        {
            "name": '=HYPERLINK("http://example.com","Click")',
            "organisation": "+44 Trading",
            "role_title": "-1+1",
            "address": "@SUM(A1:A2)",
            "notes": "=cmd|' /C calc'!A0",
        }
    ).created[0]
    gone = contacts.create({"name": "Dee Leted"}).created[0]
    contacts.delete(gone)
    merged = contacts.create({"name": "Zoe Example", "email": "z@example.com"}).created[0]
    services.merge_contacts(zoe, merged)
    engagement = services.engagements.create(
        {
            "occurred_at": utc(2026, 7, 3, 11, 30),
            "channel": "patrol",
            "summary": "Chat outside the café",
            "issues": ["asb", "parking"],
            "ward_id": world.ward,
            "officer_id": world.officer,
            "follow_up_due": d("2026-07-10"),
        }
    ).created[0]
    for contact in (zoe, sly):
        services["engagement_contacts"].create({"engagement_id": engagement, "contact_id": contact})
    meeting = services.meetings.create(
        {
            "meeting_type": "pact",
            "title": "Riverside PACT",
            "venue": "Library",
            "starts_at": utc(2026, 7, 1, 18),
            "neighbourhood_id": world.neighbourhood,
            "attendance": 23,
        }
    ).created[0]
    for ward in (world.ward, world.other_ward):
        services["meeting_wards"].create({"meeting_id": meeting, "ward_id": ward})
    services["meeting_officers"].create({"meeting_id": meeting, "officer_id": world.officer})
    services["priorities"].create(
        {
            "title": "Speeding on Mill Lane",
            "category": "speeding",
            "neighbourhood_id": world.neighbourhood,
            "ward_id": world.ward,
            "meeting_id": meeting,
            "owner_id": world.officer,
            "agreed_on": d("2026-07-01"),
        }
    )
    kin = services["kins"].create(
        {"name": "Riverside KIN", "neighbourhood_id": world.neighbourhood}
    )
    services["kin_members"].create(
        {
            "kin_id": kin.created[0],
            "contact_id": zoe,
            "represents": "High Street",
            "joined_on": d("2026-01-05"),
        }
    )
    services["victim_cases"].create(
        {
            "victim_id": zoe,
            "crime_reference": "41 12345 26",
            "offence_type": "Burglary",
            "opened_at": utc(2026, 7, 2, 10),
            "safe_contact_notes": "Only call after 6pm",
        }
    )
    services["intelligence_reports"].create(
        {"force_reference": "INT/26/000777", "submitted_on": d("2026-07-03"),
         "category": "drugs", "source_type": "member_of_public", "ward_id": world.ward}
    )  # fmt: skip
    return {"zoe": zoe, "sly": sly}


@pytest.mark.parametrize("table", EXPORTABLE)
def test_every_table_exports_the_same_rows_to_csv_and_xlsx(ctx, team, tmp_path, table) -> None:  # type: ignore[no-untyped-def]
    written_csv = export_table(ctx, table, "csv", tmp_path / f"{table}.csv").rows
    written_xlsx = export_table(ctx, table, "xlsx", tmp_path / f"{table}.xlsx").rows

    rows = _read_csv(tmp_path / f"{table}.csv")
    title, sheet = _read_xlsx(tmp_path / f"{table}.xlsx")
    assert written_csv == written_xlsx == len(rows) - 1 >= 1
    assert title == table
    assert [[_as_csv_text(v) for v in row] for row in sheet] == rows
    flat = "\n".join(",".join(row) for row in rows)
    assert ctx.station_id not in flat  # no sync internals
    assert "Only call after 6pm" not in flat and "41/12345/26" not in flat


@pytest.mark.parametrize("table", EXPORTABLE)
def test_every_export_is_marked_official_sensitive(ctx, team, tmp_path, table) -> None:  # type: ignore[no-untyped-def]
    export_table(ctx, table, "csv", tmp_path / "t.csv")
    export_table(ctx, table, "xlsx", tmp_path / "t.xlsx")
    first_line = (tmp_path / "t.csv").read_text("utf-8-sig").splitlines()[0]
    assert first_line == "OFFICIAL-SENSITIVE"
    book = load_workbook(tmp_path / "t.xlsx")
    sheet = book.active
    assert sheet is not None
    assert sheet.oddHeader.center.text == sheet.oddFooter.center.text == "OFFICIAL-SENSITIVE"
    assert "OFFICIAL-SENSITIVE — internal" in (book.properties.title or "")
    assert book.properties.keywords == "OFFICIAL-SENSITIVE — internal"
    assert next(sheet.iter_rows())[0].value != "OFFICIAL-SENSITIVE"  # a table


def test_contacts_read_like_the_contact_list(ctx, services, team, tmp_path) -> None:  # type: ignore[no-untyped-def]
    services.contacts.create({"name": "amy Lowercase", "postcode": "SG1 1AA"})
    export_table(ctx, "contacts", "csv", tmp_path / "c.csv")
    header, *rows = _read_csv(tmp_path / "c.csv")
    assert header[:9] == [
        "Name",
        "Type",
        "Organisation",
        "Role",
        "Address",
        "Postcode",
        "Ward",
        "Phone",
        "Email",
    ]
    assert not {"hlc", "station_id", "Station", "merged_into_id", "deleted_at"} & set(header)
    by_name = {row[0]: dict(zip(header, row, strict=True)) for row in rows}
    # Live rows only, by name whatever its case; no tombstone, no merged-away duplicate.
    assert list(by_name) == [
        '\'=HYPERLINK("http://example.com","Click")',
        "amy Lowercase",
        "Zoë Example",
    ]
    zoe = by_name["Zoë Example"]
    assert (zoe["Type"], zoe["Ward"], zoe["Postcode"]) == (
        "business",
        "Riverside Central",
        "AL1 3AB",
    )
    assert (zoe["Phone"], zoe["Tags"], zoe["Notes"]) == (
        "01632 960001",
        "shop; late night",
        "Owes £5",
    )
    assert zoe["Review date"] == "2027-01-31" and zoe["Lawful basis"] == "public_task"


def test_engagements_show_names_not_ids(ctx, team, world, tmp_path) -> None:  # type: ignore[no-untyped-def]
    export_table(ctx, "engagements", "csv", tmp_path / "e.csv")
    header, row = _read_csv(tmp_path / "e.csv")
    got = dict(zip(header, row, strict=True))
    assert got["Officer"] == "PCSO Alex Example" and got["Ward"] == "Riverside Central"
    assert got["Date and time"] == "2026-07-03 12:30"  # UK summer time, as the officer saw it
    assert got["Issues"] == "asb; parking" and got["Channel"] == "patrol"
    assert got["Contacts"] == '\'=HYPERLINK("http://example.com","Click"); Zoë Example'
    assert world.ward not in row and world.officer not in row


def test_meetings_list_wards_and_officers(ctx, team, tmp_path) -> None:  # type: ignore[no-untyped-def]
    export_table(ctx, "meetings", "xlsx", tmp_path / "m.xlsx")
    _, (header, row) = _read_xlsx(tmp_path / "m.xlsx")
    got = dict(zip(header, row, strict=True))
    assert got["Wards"] == "Riverside Central; Riverside East"
    assert got["Officers present"] == "PCSO Alex Example"
    assert got["Starts"] == datetime(2026, 7, 1, 19, 0)  # a real date, in UK local time
    assert got["Attendance"] == 23 and got["Neighbourhood"] == "Riverside SNT"


def test_formulas_are_neutralised_in_csv_and_xlsx(ctx, team, tmp_path) -> None:  # type: ignore[no-untyped-def]
    export_table(ctx, "contacts", "csv", tmp_path / "c.csv")
    export_table(ctx, "contacts", "xlsx", tmp_path / "c.xlsx")
    header, *rows = _read_csv(tmp_path / "c.csv")
    sly = dict(zip(header, rows[0], strict=True))
    assert sly["Name"] == '\'=HYPERLINK("http://example.com","Click")'
    assert sly["Organisation"] == "'+44 Trading"
    assert sly["Role"] == "'-1+1"
    assert sly["Address"] == "'@SUM(A1:A2)"
    assert sly["Notes"] == "'=cmd|' /C calc'!A0"

    sheet = load_workbook(tmp_path / "c.xlsx").active
    assert sheet is not None
    cells = {c.value: c for c in sheet[2]}
    assert '\'=HYPERLINK("http://example.com","Click")' in cells
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_restricted_columns_are_never_exported(ctx, team, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Should a contact column be classed restricted, the export leaves it out by itself."""
    notes = m.Contact.__table__.c.notes
    monkeypatch.setitem(notes.info, "sensitivity", Sensitivity.RESTRICTED)
    export_table(ctx, "contacts", "csv", tmp_path / "c.csv")
    export_table(ctx, "contacts", "xlsx", tmp_path / "c.xlsx")
    header = _read_csv(tmp_path / "c.csv")[0]
    assert "Notes" not in header and "Name" in header
    assert "Owes £5" not in (tmp_path / "c.csv").read_text("utf-8-sig")
    assert "Notes" not in _read_xlsx(tmp_path / "c.xlsx")[1][0]


@pytest.mark.parametrize("text", ["=1+2", "+1", "-1", "@A1", "\tx", "\rx"])
def test_every_formula_start_is_neutralised(text: str) -> None:
    assert export.neutralise(text) == "'" + text
    assert export.neutralise("Plain " + text) == "Plain " + text


def test_an_export_imports_again_without_creating_duplicates(ctx, team, tmp_path) -> None:  # type: ignore[no-untyped-def]
    export_table(ctx, "contacts", "csv", tmp_path / "c.csv")
    report = import_contacts(ctx, tmp_path / "c.csv")
    assert (report.added, report.updated, report.skipped) == (0, 0, 1)  # Zoë: nothing new
    # A contact known only by name cannot be told apart from its namesake: the user decides.
    assert [r.reason.split("; ")[0] for r in report.rejects] == [
        'Likely duplicate of existing contact =HYPERLINK("http://example.com","Click")'
    ]


@pytest.mark.parametrize(
    ("table", "fmt", "message"),
    [
        (
            "victim_cases",
            "csv",
            "'victim_cases' cannot be exported; choose one of: contacts, engagements, "
            "meetings, priorities, kin-members, intelligence-reports.",
        ),
        ("contacts", "pdf", "'pdf' is not an export format; choose csv or xlsx."),
    ],
)
def test_unknown_table_or_format_is_refused(ctx, out, table, fmt, message) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as refused:
        export_table(ctx, table, fmt, out / "out")
    assert str(refused.value) == message
    assert list(out.iterdir()) == []


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_failed_export_leaves_the_previous_file_alone(ctx, team, out, monkeypatch, fmt) -> None:  # type: ignore[no-untyped-def]
    target = out / f"contacts.{fmt}"
    target.write_text("last month's export\n", encoding="utf-8")
    real_rows = export._rows

    def breaking(*args: Any, **kwargs: Any) -> Any:
        rows = real_rows(*args, **kwargs)
        yield next(rows)
        raise RuntimeError("disk unplugged")

    monkeypatch.setattr(export, "_rows", breaking)
    with pytest.raises(RuntimeError):
        export_table(ctx, "contacts", fmt, target)
    assert target.read_text(encoding="utf-8") == "last month's export\n"
    assert [p.name for p in out.iterdir()] == [target.name]


def test_an_output_folder_that_does_not_exist_is_one_sentence(ctx, tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError, match=r"^The folder '.*missing' does not exist\.$"):
        export_table(ctx, "contacts", "xlsx", tmp_path / "missing" / "c.xlsx")
