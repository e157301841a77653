"""How a pack's files are written: in memory, yet the same as the file writers would make.

The pack's CSVs and workbook are made in memory and written straight into the zip, and the
PDF's table cells remember their lines for a width; these tests hold those shortcuts to
giving exactly what the plain way gives.
"""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from pcso_desk.domain.disclosure import SMALL
from pcso_desk.reports.common import DocumentInfo, paragraph_class, render_pdf, styles
from pcso_desk.reports.monthly_pack import PackTable
from pcso_desk.services.documents.packs import csv_bytes, write_workbook
from pcso_desk.services.records.export import write_csv_atomic

TRICKY = PackTable(
    "tricky",
    "Tricky cells",
    ("Text", "Number", "When"),
    (
        ("=SUM(A1:A2)", 0, date(2026, 3, 1)),
        ("+44 1632 960000", 12.5, datetime(2026, 3, 1, 9, 30)),
        ('Quote " and, comma', None, None),
        (SMALL, -3, "—"),
        ("a much longer piece of text than its header, to widen the column " * 2, 7, ""),
    ),
)


# What a pack's CSV shows of TRICKY: dates the UK way, as the PDF shows them.
UK_ROWS = [
    ("=SUM(A1:A2)", 0, "1 March 2026"),
    ("+44 1632 960000", 12.5, "1 March 2026 09:30"),
    *TRICKY.rows[2:],
]


def test_csv_bytes_are_what_the_csv_file_writer_writes(tmp_path: Path) -> None:
    target = tmp_path / "t.csv"
    write_csv_atomic(target, [TRICKY.header, *UK_ROWS])
    assert csv_bytes(TRICKY) == target.read_bytes()
    assert csv_bytes(TRICKY).startswith(b"\xef\xbb\xbf") and b"'=SUM" in csv_bytes(TRICKY)
    write_csv_atomic(target, [TRICKY.header, *UK_ROWS], marking="OFFICIAL-SENSITIVE")
    assert csv_bytes(TRICKY, marking="OFFICIAL-SENSITIVE") == target.read_bytes()
    assert target.read_bytes().startswith(b"\xef\xbb\xbfOFFICIAL-SENSITIVE\r\nText,")


def test_months_and_dates_read_the_uk_way_in_a_packs_csv() -> None:
    table = PackTable(
        "t", "T", ("Month", "Last month (2026-02)"), (("2026-11", date(2026, 12, 2)),)
    )
    text = csv_bytes(table).decode("utf-8-sig")
    assert text == "Month,Last month (February 2026)\r\nNovember 2026,2 December 2026\r\n"


def test_the_workbook_has_bold_headers_neutralised_text_and_fitted_widths() -> None:
    out = io.BytesIO()
    write_workbook(out, [TRICKY])
    sheet = load_workbook(io.BytesIO(out.getvalue()))["tricky"]
    rows = list(sheet.iter_rows())
    assert [c.value for c in rows[0]] == list(TRICKY.header)
    assert all(c.font.b for c in rows[0]) and not rows[1][0].font.b
    assert rows[1][0].value == "'=SUM(A1:A2)" and rows[1][1].value == 0
    assert rows[2][2].value == datetime(2026, 3, 1, 9, 30)
    assert rows[2][2].number_format == "d mmmm yyyy hh:mm"  # 1 March 2026 09:30
    widths = {key: dim.width for key, dim in sheet.column_dimensions.items()}
    assert widths["A"] == 60  # capped
    assert widths["B"] == len("Number") + 2  # 0 and None count as empty
    assert widths["C"] == len("1 March 2026 09:30") + 2  # as the date shows


def test_a_workbook_names_its_area_month_and_key_and_an_internal_one_is_marked() -> None:
    out = io.BytesIO()
    write_workbook(
        out, [TRICKY], heading="Riverside SNT, March 2026", key="Key: — = withheld",
        marking="OFFICIAL-SENSITIVE",
    )  # fmt: skip
    book = load_workbook(io.BytesIO(out.getvalue()))
    sheet = book["tricky"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Riverside SNT, March 2026: Tricky cells"
    assert rows[1][0] == "Key: — = withheld" and rows[3] == TRICKY.header
    assert sheet.oddHeader.center.text == sheet.oddFooter.center.text == "OFFICIAL-SENSITIVE"
    assert book.properties.keywords == "OFFICIAL-SENSITIVE — internal"
    assert sheet.print_title_rows == "$4:$4"  # the table's header on every printed page
    public = io.BytesIO()
    write_workbook(public, [TRICKY], heading="Riverside SNT, March 2026")
    book = load_workbook(io.BytesIO(public.getvalue()))
    assert not book["tricky"].oddHeader.center.text and not book.properties.keywords


def test_the_workbook_is_made_in_memory_as_openpyxls_own_save_makes_it(
    tmp_path: Path, monkeypatch: Any
) -> None:
    """No temporary file per sheet (openpyxl's way), and the same sheets as its own save."""
    import tempfile

    from openpyxl.worksheet import _writer

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    made: list[str] = []
    real = _writer.create_temporary_file
    monkeypatch.setattr(
        _writer, "create_temporary_file", lambda *a, **k: made.append(real(*a, **k)) or made[-1]
    )
    tables = [TRICKY, PackTable("second", "Second", ("A",), (("x",), ("y",)))]
    ours = io.BytesIO()
    write_workbook(ours, tables, heading="Riverside SNT, March 2026", marking="OFFICIAL-SENSITIVE")
    assert made == [] and list(tmp_path.iterdir()) == []
    theirs = io.BytesIO()
    monkeypatch.setattr(
        "pcso_desk.services.documents.packs._save_in_memory", lambda book, t: book.save(t)
    )
    monkeypatch.setattr("pcso_desk.services.documents.packs._in_memory", lambda sheet: None)
    write_workbook(
        theirs, tables, heading="Riverside SNT, March 2026", marking="OFFICIAL-SENSITIVE"
    )
    assert len(made) == len(tables)  # openpyxl's own save: a file per sheet

    def cells(data: bytes) -> list[Any]:
        book = load_workbook(io.BytesIO(data))
        return [
            (
                sheet.title,
                sheet.print_title_rows,
                sheet.oddHeader.center.text,
                {k: d.width for k, d in sheet.column_dimensions.items()},
                [
                    (c.value, c.font.b, c.font.sz, c.number_format)
                    for r in sheet.iter_rows()
                    for c in r
                ],
            )
            for sheet in book.worksheets
        ] + [book.properties.title, book.properties.keywords]

    assert cells(ours.getvalue()) == cells(theirs.getvalue())
    names = [sorted(zipfile.ZipFile(io.BytesIO(b.getvalue())).namelist()) for b in (ours, theirs)]
    assert names[0] == names[1]


def test_paragraphs_that_remember_their_lines_draw_the_same_bytes() -> None:
    from reportlab.platypus import Paragraph, Table

    st = styles()
    text = "Work with young people and partners to reduce nuisance near Primrose Hill. " * 3

    def document(make: Any) -> bytes:
        rows = [[make(f"{i} {text}", st["body"]), make(str(i), st["small"])] for i in range(60)]
        table = Table(rows, colWidths=[300, 100], repeatRows=1)
        return render_pdf([table], DocumentInfo(title="t"), invariant=True)

    remembered = document(paragraph_class())
    assert remembered == document(Paragraph)
    assert remembered.count(b"/Type /Page\n") >= 3  # split across pages: wrapped many times


def test_remembered_numbers_are_written_as_reportlab_writes_them(monkeypatch: Any) -> None:
    import contextlib
    import importlib

    from reportlab.lib import rl_accel
    from reportlab.platypus import Paragraph, Table

    from pcso_desk.reports import common

    canvas = importlib.import_module("reportlab.pdfgen.canvas")
    values = [0, 1, -1, 0.5, 1e-8, -1e-8, 2.0, 123456789, 0.1 + 0.2, 841.8897637795277, -3.25]
    values += [i / 7 for i in range(-50, 50)] + [True, False]
    with common.remembered_measures():
        remembered = canvas.fp_str
        assert remembered is not rl_accel.fp_str
        for _ in range(2):  # worked out, then remembered
            for value in values:
                assert remembered(value) == rl_accel.fp_str(value), value
            assert remembered(*values) == rl_accel.fp_str(*values)
            assert remembered(values) == rl_accel.fp_str(values)
            assert remembered((0.2, 0.4, 0.6)) == rl_accel.fp_str((0.2, 0.4, 0.6))
    assert canvas.fp_str is rl_accel.fp_str  # reportlab's own outside a document

    def document() -> bytes:
        st = styles()
        rows = [[Paragraph(f"Row {i} " * 9, st["body"]), f"{i / 3:.2f}"] for i in range(80)]
        table = Table(rows, colWidths=[300, 100], repeatRows=1)
        table.setStyle([("GRID", (0, 0), (-1, -1), 0.4, "#b8c2cc")])
        return render_pdf([table], DocumentInfo(title="t", marking="OFFICIAL"), invariant=True)

    ours = document()
    monkeypatch.setattr(common, "remembered_measures", contextlib.nullcontext)
    assert document() == ours


def test_remembered_widths_are_reportlabs_own(monkeypatch: Any) -> None:
    import contextlib

    from reportlab.pdfbase import pdfmetrics
    from reportlab.platypus import Paragraph, Table

    from pcso_desk.reports import common

    real = pdfmetrics.Font.stringWidth
    texts = ["", "Burglary", "Violence and sexual offences", "£5 — “quoted” café", "x" * 300]
    with common.remembered_measures():
        remembered = pdfmetrics.Font.stringWidth
        assert remembered is not real
        for _ in range(2):  # measured, then remembered
            for font in ("Helvetica", "Helvetica-Bold", "Times-Roman"):
                face = pdfmetrics.getFont(font)
                for text in texts:
                    for size in (10, 12, 16.2):
                        assert remembered(face, text, size) == real(face, text, size), text
                        assert pdfmetrics.stringWidth(text, font, size) == real(face, text, size)
    assert pdfmetrics.Font.stringWidth is real  # reportlab's own outside a document

    def document() -> bytes:
        st = styles()
        rows = [[Paragraph(f"Row {i}: {texts[i % 5]} " * 5, st["body"]), str(i)] for i in range(60)]
        table = Table(rows, colWidths=[300, 100])
        return render_pdf([table], DocumentInfo(title="t"), invariant=True)

    ours = document()
    monkeypatch.setattr(common, "remembered_measures", contextlib.nullcontext)
    assert document() == ours


def test_rendering_leaves_reportlabs_settings_as_it_found_them() -> None:
    from reportlab import rl_config

    before = (rl_config.invariant, rl_config.shapeChecking)
    render_pdf([], DocumentInfo(title="t"), invariant=True)
    assert (rl_config.invariant, rl_config.shapeChecking) == before
