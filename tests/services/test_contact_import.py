"""`pcso-desk import contacts`: a spreadsheet of contacts, as people really save them."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from pcso_desk.domain.errors import ValidationError
from pcso_desk.services.records import contact_import
from pcso_desk.services.records.contact_import import import_contacts
from pcso_desk.store.models import Contact

EXCEL_HEADER = (
    "Full Name,Organisation,Address Line 1,Town,Post Code,Telephone,E-mail,Ward,Type,Tags,Comments"
)


def _excel_file(path: Path, lines: list[str]) -> Path:
    """What Excel on Windows saves as "CSV (Comma delimited)": Windows-1252 and CRLF."""
    path.write_bytes("\r\n".join(lines).encode("cp1252") + b"\r\n")
    return path


def _contacts(ctx: Any) -> dict[str, Contact]:
    with ctx.store.read() as session:
        rows = session.scalars(select(Contact).where(Contact.deleted_at.is_(None))).all()
        return {row.name: row for row in rows}


def _count(ctx: Any) -> int:
    with ctx.store.read() as session:
        return int(session.execute(select(func.count()).select_from(Contact)).scalar_one())


def _read_rejects(path: Path) -> list[list[str]]:
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # a BOM, so Excel reads it as UTF-8
    marking, *rows = csv.reader(io.StringIO(path.read_text("utf-8-sig"), newline=""))
    assert marking == ["OFFICIAL-SENSITIVE"]  # rejected rows are people's data
    return rows


def _store_files(ctx: Any) -> dict[str, tuple[bytes, int]]:
    store = Path(ctx.store.path)
    files = [p for p in store.parent.iterdir() if p.name.startswith(store.name)]
    return {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in files}


@pytest.fixture
def existing(services, world) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Contacts the team already has before the import."""
    return {
        "robin": services.contacts.create(
            {"name": "Robin Sample", "postcode": "AL1 3AB", "phone": "01632 960100"}
        ).created[0],
        "dana": services.contacts.create(
            {
                "name": "Dana Fakename",
                "organisation": "Riverside Residents",
                "postcode": "AL2 1AA",
                "phone": "01632 960200",
            }
        ).created[0],
    }


def test_an_excel_file_imports_exactly_its_good_rows(ctx, existing, tmp_path) -> None:  # type: ignore[no-untyped-def]
    source = _excel_file(
        tmp_path / "contacts.csv",
        [
            EXCEL_HEADER,
            "Zoë Example,Café Testing Ltd,1 Mill Lane,Riverside,al1 3ab,01632 960001,"
            'zoe@Example.COM,Riverside Central,Business,shop; late night,"Owes £5 – ""smart"" '
            'note\non two lines"',
            "",
            ",,,,,,,,,,",
            "Bad Postcode,,,,NOT A CODE,,,,,,",
            "Bad Phone,,,,,12345,,,,,",
            "Zoe Example,,,,AL1 3AB,01632 960001,,,,,",
            "Robyn Sample,,,,AL1 3AB,,,,,,",
            "dana  fakename,Another Org,,,AL2 1AA,,dana@example.com,,,,",
            "Jo Placeholder,,,,cm1 1aa,07700 900123,,RIV-E,Councillor,,",
            "Nowhere Person,,,,,,,Atlantis,,,",
            "Odd Type,,,,,,,,Alien,,",
            "   ",
        ],
    )
    rejects = tmp_path / "rejects.csv"

    report = import_contacts(ctx, source, rejects=rejects)

    assert (report.added, report.updated, report.skipped, report.rejected) == (2, 1, 0, 6)
    assert report.summary() == (
        "Imported 3 contacts: 2 added, 1 updated, 0 skipped, 6 rejected (see rejects.csv)."
    )
    contacts = _contacts(ctx)
    assert set(contacts) == {"Zoë Example", "Jo Placeholder", "Robin Sample", "Dana Fakename"}
    zoe = contacts["Zoë Example"]
    assert zoe.organisation == "Café Testing Ltd"
    assert zoe.address == "1 Mill Lane, Riverside"
    assert (zoe.postcode, zoe.phone, zoe.email) == ("AL1 3AB", "+441632960001", "zoe@example.com")
    assert zoe.kind == "business" and zoe.tags == ["shop", "late night"]
    assert zoe.notes == 'Owes £5 – "smart" note\non two lines'
    assert zoe.hlc and zoe.station_id == ctx.station_id and zoe.created_at is not None
    jo = contacts["Jo Placeholder"]
    assert (jo.postcode, jo.phone, jo.kind) == ("CM1 1AA", "+447700900123", "councillor")
    assert jo.ward_id is not None and jo.ward_id != zoe.ward_id
    dana = contacts["Dana Fakename"]
    assert dana.email == "dana@example.com"  # a blank filled in
    assert dana.organisation == "Riverside Residents"  # never overwritten

    rows = _read_rejects(rejects)
    assert rows[0] == ["row", "reason", *EXCEL_HEADER.split(",")]
    # Row numbers as the spreadsheet shows them: the two-line cell is still row 2.
    assert [(r[0], r[1]) for r in rows[1:]] == [
        ("5", "'NOT A CODE' is not a valid UK postcode."),
        ("6", "'12345' is not a valid phone number."),
        ("7", "Duplicate of row 2 in this file."),
        (
            "8",
            "Likely duplicate of existing contact Robin Sample (AL1 3AB); "
            "add them by hand if they are different people.",
        ),
        ("11", "'Atlantis' is not a ward of this store; use a ward name or code."),
        ("12", rows[6][1]),
    ]
    assert rows[6][1].startswith("'Alien' is not a contact type; choose one of: resident,")
    assert rows[1][2:] == ["Bad Postcode", "", "", "", "NOT A CODE", "", "", "", "", "", ""]


def test_importing_the_same_file_again_changes_nothing(ctx, world, tmp_path) -> None:  # type: ignore[no-untyped-def]
    source = _excel_file(
        tmp_path / "c.csv",
        ["Name,Postcode,Phone", "Sam Sample,AL1 3AB,01632 960001", "Kit Demo,SG1 1AA,"],
    )
    assert import_contacts(ctx, source).added == 2
    again = import_contacts(ctx, source)
    assert (again.added, again.updated, again.skipped, again.rejected) == (0, 0, 2, 0)
    assert _count(ctx) == 2


def test_an_existing_contact_gets_only_its_blanks_filled(ctx, services, world, tmp_path) -> None:  # type: ignore[no-untyped-def]
    kept = services.contacts.create(
        {"name": "Avery Mock", "organisation": "Old Org", "postcode": "AL1 3AB"}
    ).created[0]
    before = _contacts(ctx)["Avery Mock"]
    source = _excel_file(
        tmp_path / "c.csv",
        [
            "Name,Organisation,Postcode,Phone,Ward,Tags,Notes",
            "AVERY MOCK,New Org,AL1 3AB,01632 960777,Riverside Central,nhw,Met at surgery",
        ],
    )

    report = import_contacts(ctx, source)

    assert (report.added, report.updated) == (0, 1)
    after = _contacts(ctx)["Avery Mock"]
    assert after.id == kept
    assert after.organisation == "Old Org" and after.name == "Avery Mock"
    assert after.phone == "+441632960777" and after.ward_id == world.ward
    assert after.tags == ["nhw"] and after.notes == "Met at surgery"
    assert after.hlc > before.hlc  # a change sync will carry to the other station PCs


def test_an_imported_row_adds_its_tags_to_an_existing_contacts(ctx, services, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The one carrying rule (domain/carry.py) a merge follows: tags are united, not only
    filled where the contact had none; other filled fields still never overwrite."""
    services.contacts.create(
        {"name": "Bea Tagged", "postcode": "AL1 3AB", "tags": "kin", "notes": "Old note"}
    )
    source = _excel_file(
        tmp_path / "c.csv",
        ["Name,Postcode,Tags,Notes", "Bea Tagged,AL1 3AB,KIN;nhw,New note"],
    )
    report = import_contacts(ctx, source)
    assert report.updated == 1
    after = _contacts(ctx)["Bea Tagged"]
    assert after.tags == ["kin", "nhw"] and after.notes == "Old note"
    assert import_contacts(ctx, source).skipped == 1  # again: nothing new to add


def test_utf8_with_bom_semicolons_and_header_variants(ctx, world, tmp_path) -> None:  # type: ignore[no-untyped-def]
    source = tmp_path / "export.csv"
    source.write_text(
        "\ufefffirst_name;SURNAME;Job Title;Company;Postal Code;Mobile;Email Address;Category;"
        "Preferred contact method;Lawful basis;Favourite colour\n"
        "Łukasz;Testperson;Chair;Mill Lane RA;WD17 1AA;07700 900001;lt@example.com;"
        "Community group;Email;Consent;blue\n",
        encoding="utf-8",
    )

    report = import_contacts(ctx, source)

    assert report.added == 1 and report.ignored_columns == ("Favourite colour",)
    assert report.summary().endswith(" Columns ignored: Favourite colour.")
    person = _contacts(ctx)["Łukasz Testperson"]
    assert (person.role_title, person.organisation) == ("Chair", "Mill Lane RA")
    assert (person.kind, person.preferred_method, person.lawful_basis) == (
        "community_group",
        "email",
        "consent",
    )


def test_excel_unicode_text_is_read_too(ctx, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Excel's "Unicode Text" save: UTF-16 with a BOM, tab separated."""
    source = tmp_path / "unicode.txt"
    source.write_bytes("Name\tPostcode\r\nŚwiatło Example\tAL1 3AB\r\n".encode("utf-16"))
    assert import_contacts(ctx, source).added == 1
    assert _contacts(ctx)["Światło Example"].postcode == "AL1 3AB"


@pytest.mark.parametrize(
    ("header", "row"),
    [
        ("Name,Post code,Tel,E-mail", "Drew Trial,AL1 3AB,01632 960002,drew@example.com"),
        ("CONTACT NAME,ZIP,Phone Number,Email", "Drew Trial,AL1 3AB,01632 960002,drew@example.com"),
        (
            "Contact\tPostcode\tTelephone\temail",
            "Drew Trial\tAL1 3AB\t01632 960002\tdrew@example.com",
        ),
        (
            "First Name,Last Name,postcode,mobile,EMAIL",
            "Drew,Trial,AL1 3AB,01632 960002,drew@example.com",
        ),
    ],
)
def test_common_header_spellings_are_understood(ctx, tmp_path, header: str, row: str) -> None:  # type: ignore[no-untyped-def]
    source = tmp_path / "c.csv"
    source.write_text(f"{header}\n{row}\n", encoding="utf-8")
    report = import_contacts(ctx, source)
    assert (report.added, report.rejected, report.ignored_columns) == (1, 0, ())
    drew = _contacts(ctx)["Drew Trial"]
    assert (drew.postcode, drew.phone, drew.email) == (
        "AL1 3AB",
        "+441632960002",
        "drew@example.com",
    )


def test_a_dry_run_reports_the_same_and_writes_nothing(ctx, existing, tmp_path) -> None:  # type: ignore[no-untyped-def]
    source = _excel_file(
        tmp_path / "c.csv",
        [
            "Name,Postcode,Email",
            "New Person,SG1 1AA,",
            "Dana Fakename,AL2 1AA,dana@example.com",
            "Robin Sample,AL1 3AB,",
            "Broken,XX,",
        ],
    )
    rejects = tmp_path / "dry-rejects.csv"
    before, files = _count(ctx), _store_files(ctx)

    dry = import_contacts(ctx, source, dry_run=True, rejects=rejects)

    assert (dry.added, dry.updated, dry.skipped, dry.rejected, dry.dry_run) == (1, 1, 1, 1, True)
    assert dry.summary() == (
        "Dry run: would add 1, update 1, skip 1, reject 1 (see dry-rejects.csv); "
        "nothing was written."
    )
    assert _count(ctx) == before and _store_files(ctx) == files
    assert _contacts(ctx)["Dana Fakename"].email == ""
    assert [r[0] for r in _read_rejects(rejects)[1:]] == ["5"]

    real = import_contacts(ctx, source)
    assert (real.added, real.updated, real.skipped, real.rejected) == (1, 1, 1, 1)
    assert _count(ctx) == before + 1


@pytest.mark.parametrize(
    ("name", "content", "why"),
    [
        ("report.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "it is a PDF document"),
        ("contacts.csv", b"PK\x03\x04\x14\x00\x06\x00" + bytes(40), "Excel workbook"),
        ("photo.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "binary data"),
        ("empty.csv", b"", "it is empty"),
        ("blank.csv", b"\r\n ,, \r\n\r\n", "it is empty"),
        ("list.csv", b"Colour,Size\r\nRed,Large\r\n", "no Name column"),
    ],
)
def test_a_file_that_is_not_a_contacts_csv_is_refused(  # type: ignore[no-untyped-def]
    ctx, existing, tmp_path, name: str, content: bytes, why: str
) -> None:
    source = tmp_path / name
    source.write_bytes(content)
    rejects = tmp_path / "rejects.csv"
    before, files = _count(ctx), _store_files(ctx)

    with pytest.raises(ValidationError) as refused:
        import_contacts(ctx, source, rejects=rejects)

    message = str(refused.value)
    assert message.startswith(f"'{name}' is not a contacts CSV file: ") and why in message
    assert message.endswith(".") and message.count(". ") == 0 and "\n" not in message
    assert _count(ctx) == before and _store_files(ctx) == files
    assert not rejects.exists()


def test_a_missing_file_is_one_clear_sentence(ctx, tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError, match=r"^There is no file '.*nowhere\.csv'\.$"):
        import_contacts(ctx, tmp_path / "nowhere.csv")


def test_a_failure_part_way_leaves_the_store_as_it_was(  # type: ignore[no-untyped-def]
    ctx, existing, tmp_path, monkeypatch
) -> None:
    lines = ["Name,Postcode,Email", "Dana Fakename,AL2 1AA,dana@example.com"]
    lines += [f"Person {n} Fakename,SG{n % 9 + 1} 1AA," for n in range(10)]
    source = _excel_file(tmp_path / "c.csv", lines)
    real_insert = contact_import._insert
    calls: list[int] = []

    def failing(ctx: Any, session: Any, rows: Any) -> Any:
        calls.append(len(rows))
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return real_insert(ctx, session, rows)

    monkeypatch.setattr(contact_import, "BATCH", 3)
    monkeypatch.setattr(contact_import, "_insert", failing)
    before = _count(ctx)

    with pytest.raises(RuntimeError):
        import_contacts(ctx, source)

    assert _count(ctx) == before
    assert _contacts(ctx)["Dana Fakename"].email == ""  # the planned update was undone too


def test_a_row_with_stray_extra_values_is_rejected_not_misread(ctx, tmp_path) -> None:  # type: ignore[no-untyped-def]
    source = _excel_file(
        tmp_path / "c.csv",
        ["Name,Address,Postcode", "Ash Example,1 High St, Riverside,AL1 3AB", "Bo Demo,,AL1 3AB,,"],
    )
    report = import_contacts(ctx, source)
    assert (report.added, report.rejected) == (1, 1)
    assert report.rejects[0].row == 2
    assert "a value with a comma in it may be missing its quotes" in report.rejects[0].reason
    assert report.rejects[0].values == ("Ash Example", "1 High St", " Riverside", "AL1 3AB")


def test_rejects_file_is_written_even_when_nothing_is_rejected(ctx, tmp_path) -> None:  # type: ignore[no-untyped-def]
    rejects = tmp_path / "rejects.csv"
    rejects.write_text("stale rows from last week\n", encoding="utf-8")
    source = _excel_file(tmp_path / "c.csv", ["Name", "Kim Example"])
    report = import_contacts(ctx, source, rejects=rejects)
    assert report.rejected == 0
    assert _read_rejects(rejects) == [["row", "reason", "Name"]]
    assert report.summary() == "Imported 1 contact: 1 added, 0 updated, 0 skipped, 0 rejected."
    assert [p.name for p in tmp_path.iterdir() if p.suffix == ".part"] == []


def test_the_rejects_file_cannot_overwrite_the_file_being_imported(ctx, tmp_path) -> None:  # type: ignore[no-untyped-def]
    source = _excel_file(tmp_path / "c.csv", ["Name,Postcode", "Bad,XX"])
    before = source.read_bytes()
    with pytest.raises(ValidationError, match="not the file being imported"):
        import_contacts(ctx, source, rejects=tmp_path / "." / "c.csv")
    assert source.read_bytes() == before
    with pytest.raises(ValidationError, match=r"^The folder '.*nope' does not exist\.$"):
        import_contacts(ctx, source, rejects=tmp_path / "nope" / "rejects.csv")
    assert _count(ctx) == 0
