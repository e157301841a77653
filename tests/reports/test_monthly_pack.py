"""The monthly pack zip: CSVs, workbook and PDF agree with the known figures; disclosure."""

from __future__ import annotations

import csv
import hashlib
import io
import zipfile
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select

from pcso_desk.domain.disclosure import SMALL
from pcso_desk.domain.errors import ValidationError
from pcso_desk.reports.common import uk_date
from pcso_desk.services.api import Services
from pcso_desk.services.documents.packs import build_district, build_pack
from pcso_desk.store.models import AuditEntry
from tests.services.test_monthly import MONTH, Known, known  # noqa: F401 - the fixture

CANARIES = (
    "Canary Person Zebedee",
    "01632 960123",
    "Parking on the verge",
    "Canary Victim Quentin",
    "41/70001/26",
)


def unzip(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {name: z.read(name) for name in z.namelist()}


def csv_rows(data: bytes) -> list[list[str]]:
    """A pack CSV's rows; an internal one's OFFICIAL-SENSITIVE first line left out."""
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    return rows[1:] if rows and rows[0] == ["OFFICIAL-SENSITIVE"] else rows


def pdf_pages(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


@pytest.fixture
def public(services: Services, known: Known, tmp_path: Path) -> dict[str, bytes]:  # noqa: F811
    out = build_pack(
        services.ctx, "neighbourhood", "Riverside SNT", MONTH, tmp_path / "p.zip", internal=False
    )
    return unzip(out)


def test_the_zip_holds_a_pdf_a_workbook_and_a_csv_per_table(public: dict[str, bytes]) -> None:
    base = f"riverside-snt-{MONTH}"
    assert sorted(public) == sorted(
        [f"{base}.pdf", f"{base}.xlsx"]
        + [
            f"{base}/{n}.csv"
            for n in (
                "summary",
                "crime",
                "meetings",
                "priorities",
                "feelings-of-safety",
                "crime-by-street",
                "crime-outcomes",
            )
        ]
    )


def test_public_csvs_hold_the_known_figures(public: dict[str, bytes]) -> None:
    base = f"riverside-snt-{MONTH}"
    crime = csv_rows(public[f"{base}/crime.csv"])
    assert crime[0][:2] == ["Crime type", "This month"] and "(February 2026)" in crime[0][2]
    assert crime[1:] == [  # exact, in name order: the police publish every crime
        ["Anti-social behaviour", "3", "0", "3", "0", "3"],
        ["Burglary", "7", "2", "5", "7", "0"],
        ["Shoplifting", "0", "0", "0", "4", "-4"],
        ["Vehicle crime", "2", "5", "-3", "0", "2"],
        ["All crime", "12", "7", "5", "11", "1"],
    ]
    summary = dict(csv_rows(public[f"{base}/summary.csv"])[1:])
    assert summary == {
        "Public meetings held": "1",
        "People attending meetings": "23",
        "Engagements with the community": SMALL,
        "Key individual network members": SMALL,
        "Key individual check-ins": SMALL,
        "Visible patrol hours": "2.0",
        "Time in the locality": "80%",
        "Time in the locality target": "80%",
        "Victims updated on time (Victims' Code)": "fewer than 5 contacts due",
        "Messages answered within 24 hours": "fewer than 5 messages",
        "A public meeting held this month": "Yes",
    }
    assert csv_rows(public[f"{base}/meetings.csv"])[1:] == [
        ["31 March 2026", "Have your say: Riverside", "pact", "23"]
    ]
    assert csv_rows(public[f"{base}/priorities.csv"])[1:] == [
        [
            "You told us about speeding on Mill Lane.",
            "in progress",
            "We ran speed checks on Mill Lane.",
        ]
    ]
    safety = csv_rows(public[f"{base}/feelings-of-safety.csv"])
    assert safety[-1] == ["March 2026", SMALL, "—"] and safety[-3] == ["January 2026", SMALL, "—"]


def test_the_workbook_agrees_with_the_csvs(public: dict[str, bytes]) -> None:
    base = f"riverside-snt-{MONTH}"
    book = load_workbook(io.BytesIO(public[f"{base}.xlsx"]))
    assert book.sheetnames == [
        "summary",
        "crime",
        "meetings",
        "priorities",
        "feelings-of-safety",
        "crime-by-street",
        "crime-outcomes",
    ]
    for sheet in book.worksheets:
        assert sheet.sheet_state == "visible"
        expected = csv_rows(public[f"{base}/{sheet.title}.csv"])
        title, key, blank, *rows = list(sheet.iter_rows(values_only=True))
        assert str(title[0]).startswith("Riverside SNT, March 2026: ")  # area, month, table
        assert f"“{SMALL}” = a count from 1 to 4" in str(key[0]) and blank == (None,) * len(blank)
        assert len(rows) == len(expected), sheet.title
        for got, want in zip(rows, expected, strict=True):
            assert [same(g, w) for g, w in zip(got, want, strict=True)] == [True] * len(want)


def same(cell: object, text: str) -> bool:
    """A workbook cell equals its CSV text: numbers by value, dates as the UK writes them."""
    if cell is None:
        return text == ""
    if isinstance(cell, int | float):
        return float(cell) == float(text)
    if isinstance(cell, datetime):
        return uk_date(cell) == text
    return str(cell) == text


def test_the_pdf_shows_the_same_figures(public: dict[str, bytes]) -> None:
    pages = pdf_pages(public[f"riverside-snt-{MONTH}.pdf"])
    assert "Riverside SNT" in pages[0] and "March 2026" in pages[0]
    text = " ".join(" ".join(pages).split())
    for needle in (
        "Burglary 7 2 5 7 0",
        "All crime 12 7 5 11 1",
        "Source: data.police.uk. Contains public sector information licensed under the Open "
        "Government Licence v3.0.",
        "so no small number can be worked out from any pack",
        "Messages answered within 24 hours fewer than 5 messages",
        "Time in the locality 80%",
        "We ran speed checks on Mill Lane.",
        "Have your say: Riverside pact 23",
        "target 80%",
    ):
        assert needle in text, needle
    assert "OFFICIAL-SENSITIVE" not in text


def test_the_public_pack_holds_no_personal_data(public: dict[str, bytes]) -> None:
    for name, data in public.items():
        text = data.decode("utf-8", errors="ignore")
        if name.endswith(".pdf"):
            text = " ".join(pdf_pages(data))
        if name.endswith(".xlsx"):
            book = load_workbook(io.BytesIO(data))
            text = " ".join(
                str(v) for s in book.worksheets for r in s.iter_rows(values_only=True) for v in r
            )
        for canary in CANARIES:
            assert canary not in text, (name, canary)


def test_the_internal_pack_is_marked_on_every_page_with_exact_counts(
    services: Services,
    known: Known,  # noqa: F811
    tmp_path: Path,
) -> None:
    out = build_pack(
        services.ctx, "ward", "Riverside Central", MONTH, tmp_path / "i.zip", internal=True
    )
    files = unzip(out)
    pages = pdf_pages(files[f"riverside-central-{MONTH}-internal.pdf"])
    assert len(pages) >= 2
    assert all(page.count("OFFICIAL-SENSITIVE") >= 2 for page in pages)
    text = " ".join(" ".join(pages).split())
    assert "Burglary 6 2 4 7 -1" in text
    assert "Victims updated on time (Victims' Code) 0 of 1 (0%)" in text
    assert "Contacts due in the month (agreed cadence and tier) 1" in text
    assert "Riverside Central" in pages[0] and "Ward — March 2026" in pages[0]
    crime = csv_rows(files[f"riverside-central-{MONTH}-internal/crime.csv"])
    assert crime[1:] == [
        ["Burglary", "6", "2", "4", "7", "-1"],
        ["Vehicle crime", "2", "0", "2", "0", "2"],
        ["All crime", "8", "2", "6", "7", "1"],
    ]


def test_a_district_batch_reports_progress(
    services: Services,
    known: Known,  # noqa: F811
    tmp_path: Path,
) -> None:
    seen: list[tuple[int, int, str]] = []
    written = build_district(
        services.ctx,
        "Testshire North",
        MONTH,
        tmp_path,
        internal=False,
        progress=lambda *a: seen.append(a),
    )
    assert [p.name for p in written] == [f"riverside-snt-{MONTH}.zip"]
    assert seen == [(0, 1, "Riverside SNT"), (1, 1, "")]


def test_bad_targets_are_refused(services: Services, known: Known, tmp_path: Path) -> None:  # noqa: F811
    with pytest.raises(ValidationError, match=r"should end in \.zip"):
        build_pack(
            services.ctx,
            "neighbourhood",
            "Riverside SNT",
            MONTH,
            tmp_path / "p.pdf",
            internal=False,
        )
    with pytest.raises(ValidationError, match="does not exist"):
        build_district(services.ctx, "Testshire North", MONTH, tmp_path / "nope", internal=False)
    assert list(tmp_path.glob("*.zip")) == []


def test_a_month_with_no_data(services: Services, known: Known, tmp_path: Path) -> None:  # noqa: F811
    out = build_pack(
        services.ctx,
        "neighbourhood",
        "Riverside SNT",
        "2027-06",
        tmp_path / "e.zip",
        internal=False,
    )
    files = unzip(out)
    base = "riverside-snt-2027-06"
    assert csv_rows(files[f"{base}/crime.csv"])[1:] == [["All crime", "0", "0", "0", "0", "0"]]
    assert csv_rows(files[f"{base}/meetings.csv"])[1:] == []
    summary = dict(csv_rows(files[f"{base}/summary.csv"])[1:])
    assert summary["Public meetings held"] == "0" and summary["Visible patrol hours"] == "0.0"
    assert summary["Time in the locality"] == "no data"
    assert summary["A public meeting held this month"] == "No"
    assert summary["Key individual network members"] == SMALL  # still a member
    text = " ".join(" ".join(pdf_pages(files[f"{base}.pdf"])).split())
    assert "June 2027" in text and "Nothing to report this month." in text
    assert "No patrol or abstraction time was recorded this month." in text


def _exports(services: Services) -> list[tuple[str, str]]:
    with services.ctx.store.read() as session:
        found = session.execute(
            select(AuditEntry.record_ids, AuditEntry.detail).where(
                AuditEntry.action == "export", AuditEntry.kind == "monthly_pack"
            )
        )
        return [(ids, detail) for ids, detail in found]


def _file(path: Path) -> str:
    data = path.read_bytes()
    return f"{path.name}: {len(data)} bytes, sha256 {hashlib.sha256(data).hexdigest()}"


def test_a_pack_written_is_one_export_entry_with_its_size_and_digest(
    services: Services,
    known: Known,  # noqa: F811
    tmp_path: Path,
) -> None:
    folder = tmp_path / "packs"
    folder.mkdir()
    out = services.packs.build_pack(
        "ward", "Riverside Central", MONTH, folder / "w.zip", internal=True
    )
    assert out == folder / "w.zip"
    ids = f'["{known.world.ward}"]'
    assert _exports(services) == [(ids, f"Riverside Central {MONTH} internal; {_file(out)}")]
    assert [p.name for p in folder.iterdir()] == ["w.zip"]  # no hidden copy left behind


def test_a_district_is_one_entry_naming_every_pack_and_keeps_none_if_it_fails(
    services: Services,
    known: Known,  # noqa: F811
    tmp_path: Path,
) -> None:
    folder = tmp_path / "packs"
    folder.mkdir()

    def stopped(done: int, total: int, _name: str) -> None:
        if done == total:
            raise KeyboardInterrupt  # cancelled once every pack was written

    with pytest.raises(KeyboardInterrupt):
        services.packs.build_district(
            "Testshire North", MONTH, folder, internal=False, progress=stopped
        )
    assert list(folder.iterdir()) == [] and _exports(services) == []

    written = services.packs.build_district("Testshire North", MONTH, folder, internal=False)
    assert written == [folder / f"riverside-snt-{MONTH}.zip"]
    assert _exports(services) == [("[]", f"Testshire North {MONTH} public; {_file(written[0])}")]
