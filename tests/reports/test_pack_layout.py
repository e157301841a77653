"""A pack a clerk would forward: marked when internal (and only then), UK dates, type no
smaller than 12 pt in tables and 10 pt anywhere, no lone rows, the real publication date."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from pcso_desk.reports.common import DocumentInfo, render_pdf, styles, uk_date
from pcso_desk.reports.monthly_pack import PackTable, _styles, _table
from pcso_desk.reports.pack_cover import MIN_ROWS
from pcso_desk.services.api import Services
from pcso_desk.services.documents.packs import build_pack
from tests.services.test_monthly import MONTH, Known, known  # noqa: F401 - the fixture

MARK = "OFFICIAL-SENSITIVE"
ISO = re.compile(r"\b\d{4}-\d{2}(-\d{2})?\b")


def _pack(services: Services, tmp_path: Path, *, internal: bool) -> dict[str, bytes]:
    out = build_pack(
        services.ctx, "ward", "Riverside Central", MONTH, tmp_path / "p.zip", internal=internal
    )
    with zipfile.ZipFile(out) as z:
        return {name: z.read(name) for name in z.namelist()}


def _one(files: dict[str, bytes], suffix: str) -> bytes:
    (name,) = [n for n in files if n.endswith(suffix)]
    return files[name]


def text_sizes(pdf: bytes) -> list[tuple[str, float]]:
    """Every piece of text on every page with the size it is drawn at."""
    found: list[tuple[str, float]] = []
    for page in PdfReader(io.BytesIO(pdf)).pages:

        def visit(text: str, cm: Any, tm: Any, _font: Any, size: float) -> None:
            if text.strip():
                found.append((text.strip(), size * abs(tm[3]) * abs(cm[3])))

        page.extract_text(visitor_text=visit)
    return found


@pytest.mark.parametrize("internal", [True, False])
def test_internal_outputs_are_marked_and_public_ones_are_not(
    services: Services,
    known: Known,  # noqa: F811
    tmp_path: Path,
    internal: bool,
) -> None:
    files = _pack(services, tmp_path, internal=internal)
    csvs = [data for name, data in files.items() if name.endswith(".csv")]
    assert len(csvs) >= 5
    for data in csvs:
        first = data.decode("utf-8-sig").splitlines()[0]
        assert (first == MARK) is internal
    book = load_workbook(io.BytesIO(_one(files, ".xlsx")))
    for sheet in book.worksheets:
        assert (sheet.oddHeader.center.text == MARK) is internal
        assert (sheet.oddFooter.center.text == MARK) is internal
    assert (book.properties.keywords == f"{MARK} — internal") is internal
    meta = PdfReader(io.BytesIO(_one(files, ".pdf"))).metadata
    assert meta is not None
    for field in (meta.title, meta.subject, meta.get("/Keywords", "")):
        assert (f"{MARK} — internal" in str(field)) is internal
    assert "Riverside Central" in str(meta.title)


def test_tables_are_12_pt_and_nothing_is_smaller_than_10(
    services: Services,
    known: Known,  # noqa: F811
    tmp_path: Path,
) -> None:
    sizes = text_sizes(_one(_pack(services, tmp_path, internal=False), ".pdf"))
    assert min(size for _text, size in sizes) >= 10
    cells = ("Burglary", "All crime", "Have your say", "Public meetings held", "Crime type")
    for cell in cells:  # in its table at 12 pt (a crime type is also a 10 pt chart label)
        drawn = [size for text, size in sizes if text.startswith(cell)]
        assert drawn and max(drawn) >= 12 and min(drawn) >= 10, cell


def test_dates_read_the_uk_way_and_the_cover_has_the_real_publication_date(
    services: Services,
    known: Known,  # noqa: F811
    tmp_path: Path,
) -> None:
    files = _pack(services, tmp_path, internal=False)
    pdf = _one(files, ".pdf")
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())
    assert not ISO.search(text), ISO.search(text)
    assert "31 March 2026" in text and "(February 2026)" in text
    today = services.ctx.now().date()
    assert f"Published {uk_date(today)}" in text
    meta = PdfReader(io.BytesIO(pdf)).metadata
    assert meta is not None and meta.creation_date is not None
    assert meta.creation_date.year == today.year  # not reportlab's invariant 1 January 2000
    for name, data in files.items():
        if name.endswith(".csv"):
            assert not ISO.search(data.decode("utf-8-sig")), name
    book = load_workbook(io.BytesIO(_one(files, ".xlsx")))
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    assert not ISO.search(cell.value), (sheet.title, cell.value)
                elif cell.is_date:
                    assert cell.number_format.startswith("d mmmm yyyy")


def test_a_long_table_never_leaves_a_lone_row_on_a_page() -> None:
    from reportlab.platypus import Spacer

    st = _styles()
    rows = tuple((f"Row {i:02d}", i) for i in range(40))
    table = PackTable("t", "T", ("Name", "Value"), rows)
    for gap in range(560, 700, 9):  # the table starts at every height down the first page
        pdf = render_pdf([Spacer(1, gap), _table(table, st, [200, 100])], DocumentInfo("t"))
        for page in PdfReader(io.BytesIO(pdf)).pages:
            on_page = re.findall(r"Row \d\d", page.extract_text())
            assert on_page == [] or len(on_page) >= MIN_ROWS >= 2, (gap, on_page)


def test_large_print_is_16_pt_down_to_its_footer() -> None:
    st = styles(large_print=True)
    from reportlab.platypus import Paragraph

    pdf = render_pdf(
        [Paragraph("Big words for a handout.", st["body"])],
        DocumentInfo("Street briefing: Riverside (large print)", large_print=True),
    )
    sizes = text_sizes(pdf)
    assert min(size for _text, size in sizes) >= 16
    assert any(text.startswith("Page 1") for text, _size in sizes)


def test_uk_dates() -> None:
    assert uk_date(date(2026, 12, 2)) == "2 December 2026"
