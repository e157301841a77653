"""Importing data.police.uk street-level crime files: mapping, idempotence, refusals."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from pcso_desk.domain.errors import ValidationError
from pcso_desk.services.api import Services
from pcso_desk.services.documents.crimes import HEADER
from pcso_desk.services.protection import audit
from pcso_desk.store.models import AuditEntry, CrimeRecord
from tests.factories import World

HEAD = ",".join(HEADER)


def row(crime_id: str, lsoa: str, crime_type: str, month: str = "2026-03") -> str:
    return (
        f"{crime_id},{month},Testshire Police,Testshire Police,-0.1,51.7,"
        f"On or near High Street,{lsoa},Testshire 001A,{crime_type},Under investigation,"
    )


def write(tmp_path: Path, *lines: str, name: str = "street.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def records(services: Services) -> list[CrimeRecord]:
    with services.ctx.store.read() as session:
        rows = list(session.scalars(select(CrimeRecord).order_by(CrimeRecord.row_key)))
        session.expunge_all()
        return rows


@pytest.fixture
def mapped(services: Services, world: World) -> World:
    services["lsoa_wards"].create(
        {"lsoa_code": "E01000001", "lsoa_name": "Testshire 001A", "ward_id": world.ward}
    )
    services["lsoa_wards"].create(
        {"lsoa_code": "E01000002", "lsoa_name": "Testshire 001B", "ward_id": world.other_ward}
    )
    return world


def test_a_file_with_every_kind_of_row_gives_exact_counts(
    services: Services, mapped: World, tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        HEAD,
        row("aaa111", "E01000001", "Burglary"),
        row("bbb222", "E01000002", "Vehicle crime"),
        row("", "E01000001", "Anti-social behaviour"),
        row("", "E01000001", "Anti-social behaviour"),  # the same again: a second event
        row("ccc333", "E01009999", "Shoplifting"),  # LSOA not in the team's table
        "ddd444,March 2026,x,x,,,On or near Nowhere,E01000001,n,Burglary,,",  # bad month
        row("eee555", "E01000001", ""),  # no crime type
    )
    report = services.packs.import_crimes(path)
    assert (report.added, report.already_held, report.rejected) == (5, 0, 2)
    assert report.unmapped == 1 and report.unmapped_lsoas == ("E01009999",)
    assert report.rejects == (
        "Row 7 was not imported: the month 'March 2026' is not YYYY-MM.",
        "Row 8 was not imported: the crime type is blank.",
    )
    summary = report.summary()
    assert "Imported 5 crime rows" in summary and "2 rejected" in summary
    assert "E01009999" in summary and "add them to the LSOA mapping" in summary
    held = {r.crime_id or r.row_key: r for r in records(services)}
    assert held["aaa111"].ward_id == mapped.ward
    assert held["bbb222"].ward_id == mapped.other_ward
    assert held["ccc333"].ward_id is None and held["ccc333"].lsoa_code == "E01009999"
    asb = [r for r in records(services) if not r.crime_id]
    assert len(asb) == 2 and len({r.row_key for r in asb}) == 2
    assert all(r.ward_id == mapped.ward for r in asb)


def test_importing_the_same_file_twice_changes_nothing(
    services: Services, mapped: World, tmp_path: Path
) -> None:
    lines = (
        HEAD,
        row("aaa111", "E01000001", "Burglary"),
        row("", "E01000001", "Anti-social behaviour"),
    )
    path = write(tmp_path, *lines, row("", "E01000001", "Anti-social behaviour"))
    services.packs.import_crimes(path)
    before = [(r.id, r.row_key) for r in records(services)]
    again = services.packs.import_crimes(path)
    assert (again.added, again.already_held, again.rejected) == (0, 3, 0)
    assert [(r.id, r.row_key) for r in records(services)] == before
    # A later file holding one of the two ASB rows adds nothing; a third identical one is new.
    more = write(
        tmp_path, *lines, *[row("", "E01000001", "Anti-social behaviour")] * 2, name="b.csv"
    )
    assert services.packs.import_crimes(more).added == 1


def test_a_repeated_crime_id_in_one_file_is_rejected(
    services: Services, mapped: World, tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        HEAD,
        row("aaa111", "E01000001", "Burglary"),
        row("aaa111", "E01000001", "Burglary"),
    )
    report = services.packs.import_crimes(path)
    assert report.added == 1
    assert report.rejects == ("Row 3 was not imported: it repeats the Crime ID of row 2.",)


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("Name,Phone\nAlex Example,01632 960001\n", "the columns Crime ID"),
        (
            HEAD.replace("Month,Reported by", "Reported by,Month") + "\n",
            "not in the data.police.uk order",
        ),
        ("", "it is empty"),
        (HEAD + "\n" + "a,b,c\n", "none of its rows could be read"),
    ],
)
def test_a_file_not_in_the_format_is_refused_and_nothing_changes(
    services: Services, mapped: World, tmp_path: Path, text: str, why: str
) -> None:
    path = tmp_path / "wrong.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValidationError) as raised:
        services.packs.import_crimes(path)
    assert "'wrong.csv' is not a data.police.uk street-level crime file" in str(raised.value)
    assert why in str(raised.value)
    with services.ctx.store.read() as session:
        assert session.scalar(select(func.count()).select_from(CrimeRecord)) == 0


def test_a_windows_1252_file_with_a_bom_free_header_is_read(
    services: Services, mapped: World, tmp_path: Path
) -> None:
    path = tmp_path / "cp.csv"
    text = (
        HEAD + "\n" + row("fff666", "E01000001", "Other theft").replace("High Street", "Café Row")
    )
    path.write_bytes(text.encode("cp1252"))
    assert services.packs.import_crimes(path).added == 1
    assert records(services)[0].location == "On or near Café Row"


def _entries(services: Services) -> list[tuple[str, str, str]]:
    with services.ctx.store.read() as session:
        found = session.execute(select(AuditEntry.action, AuditEntry.kind, AuditEntry.detail))
        return [(action, kind, detail) for action, kind, detail in found]


def test_the_rows_and_the_import_entry_commit_together(
    services: Services, mapped: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path, HEAD, row("aaa111", "E01000001", "Burglary"), "broken,row")
    before = _entries(services)

    def no_entry(*_args: object, **_kwargs: object) -> None:
        raise OSError("the disk is full")

    with monkeypatch.context() as patched:
        patched.setattr(audit, "append", no_entry)
        with pytest.raises(OSError):
            services.packs.import_crimes(path)
    assert records(services) == [] and _entries(services) == before  # neither was kept

    assert services.packs.import_crimes(path).added == 1
    added = _entries(services)[len(before) :]
    detail = "street-level crimes file: 1 added, 1 rejected"
    assert added == [("import", "crime_records", detail)]
    services.packs.import_crimes(path)  # everything already held: nothing changed, nothing logged
    assert _entries(services)[len(before) :] == added
