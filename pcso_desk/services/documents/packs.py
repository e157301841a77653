"""Monthly update packs: the figures as tables, a PDF, CSVs and one workbook, in one zip.

The tables are made once from the figures, with the disclosure policy applied for a public
pack, and the CSVs, the workbook and the PDF's tables are all written from them: the three
can never disagree. A pack is written under a temporary name and renamed when whole.
"""

from __future__ import annotations

import csv
import io
import re
import stat
import time
import zipfile
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any, BinaryIO

from pcso_desk.domain.disclosure import (
    WITHHELD,
    cells_to_hide,
    is_small,
    shown_cell,
    shown_change,
    shown_count,
)
from pcso_desk.domain.errors import ValidationError
from pcso_desk.domain.months import last_complete_month
from pcso_desk.domain.permissions import Action
from pcso_desk.reports.monthly_pack import PackTable, render_monthly_pack
from pcso_desk.services.context import Context
from pcso_desk.services.documents import crime_figures
from pcso_desk.services.documents.monthly import (
    Area,
    MonthlyFigures,
    district_neighbourhoods,
    find_area,
    monthly_figures,
    shift_month,
)
from pcso_desk.services.records.export import atomic_path, csv_cell, neutralise

Progress = Callable[[int, int, str], None]


def slug(text: str) -> str:
    """A file-name-safe form of an area's name: 'Riverside SNT' -> 'riverside-snt'."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "area"


def pack_name(area: Area, month: str, *, internal: bool) -> str:
    return f"{slug(area.name)}-{month}" + ("-internal" if internal else "")


def _percent(part: int, whole: int) -> str:
    return "no data" if whole == 0 else f"{round(100 * part / whole)}%"


def _hours(minutes: int) -> float:
    return round(minutes / 60, 1)


def _summary(f: MonthlyFigures, public: bool) -> PackTable:
    share = f.locality_share
    victims = (
        "fewer than 5 cases"
        if public and is_small(f.victim_cases)
        else _percent(f.victim_cases_contacted, f.victim_cases)
    )
    attendance = sum(line.attendance or 0 for line in f.meetings)
    rows: list[tuple[Any, ...]] = [
        ("Public meetings held", len(f.meetings)),
        ("People attending meetings", shown_count(attendance, public=public)),
        ("Engagements with the community", shown_count(f.engagements, public=public)),
        ("Key individual network members", shown_count(f.kin_members, public=public)),
        ("Key individual check-ins", shown_count(f.kin_check_ins, public=public)),
        ("Visible patrol hours", _hours(f.patrol_minutes)),
        ("Time in the locality", "no data" if share is None else f"{round(100 * share)}%"),
        ("Time in the locality target", "80%"),
        ("Victims contacted this month", victims),
        ("Messages answered within 24 hours", _percent(f.messages_in_time, f.messages)),
        ("A public meeting held this month", "Yes" if f.public_meeting_held else "No"),
    ]
    return PackTable("summary", "Summary", ("Measure", "Value"), tuple(rows))


def _crime(f: MonthlyFigures, public: bool) -> PackTable:
    lines = _crime_rows(f)
    hidden = crime_hidden(f, public)
    rows = []
    for i, line in enumerate((*lines, _total(f))):
        now, month, year = hidden[i] if i < len(lines) else (False, False, False)
        rows.append(
            (
                line[0],
                shown_cell(line[1], now, public=public),
                shown_cell(line[2], month, public=public),
                WITHHELD if now or month else shown_change(line[1], line[2], public=public),
                shown_cell(line[3], year, public=public),
                WITHHELD if now or year else shown_change(line[1], line[3], public=public),
            )
        )
    header = (
        "Crime type",
        "This month",
        f"Last month ({shift_month(f.month, -1)})",
        "Change on last month",
        f"Same month last year ({shift_month(f.month, -12)})",
        "Change on last year",
    )
    return PackTable("crime", "Crime by type", header, tuple(rows))


def crime_hidden(f: MonthlyFigures, public: bool) -> list[tuple[bool, bool, bool]]:
    """Per crime type: whether this month, last month and last year are hidden in public."""
    if not public:
        return [(False, False, False)] * len(f.crime)
    now = cells_to_hide([c.this_month for c in f.crime])
    month = cells_to_hide([c.last_month for c in f.crime])
    year = cells_to_hide([c.last_year for c in f.crime])
    return list(zip(now, month, year, strict=True))


def _total(f: MonthlyFigures) -> tuple[str, int, int, int]:
    return (
        "All crime",
        sum(line.this_month for line in f.crime),
        sum(line.last_month for line in f.crime),
        sum(line.last_year for line in f.crime),
    )


def _crime_rows(f: MonthlyFigures) -> list[tuple[str, int, int, int]]:
    return [(c.category, c.this_month, c.last_month, c.last_year) for c in f.crime]


def _meetings(f: MonthlyFigures, public: bool) -> PackTable:
    rows = tuple(
        (
            line.held_on,
            line.title,
            line.meeting_type,
            "" if line.attendance is None else shown_count(line.attendance, public=public),
        )
        for line in f.meetings
    )
    return PackTable("meetings", "Meetings held", ("Date", "Meeting", "Type", "Attendance"), rows)


def _priorities(f: MonthlyFigures) -> PackTable:
    rows = tuple((p.you_said, p.status, " ".join(p.we_did)) for p in f.priorities)
    return PackTable(
        "priorities", "You said, we did", ("You said", "Status", "We did this month"), rows
    )


def _safety(f: MonthlyFigures, public: bool) -> PackTable:
    rows = []
    for point in f.safety:
        average: Any = "" if point.average is None else point.average
        if public and is_small(point.check_ins):
            average = WITHHELD
        rows.append((point.month, shown_count(point.check_ins, public=public), average))
    header = ("Month", "Check-ins", "Average feeling of safety (1 to 5)")
    return PackTable("feelings-of-safety", "Feelings of safety", header, tuple(rows))


def pack_tables(figures: MonthlyFigures, *, public: bool) -> tuple[PackTable, ...]:
    """The pack's tables, with small numbers suppressed when `public`."""
    crime = _crime(figures, public)
    return (
        _summary(figures, public),
        crime,
        _meetings(figures, public),
        _priorities(figures),
        _safety(figures, public),
        *crime_figures.tables(figures),
    )


# -- writing ---------------------------------------------------------------------------------


def _xlsx_cell(value: Any) -> Any:
    return neutralise(value) if isinstance(value, str) else value


def _column_width(header: str, values: Sequence[Any]) -> float:
    """A column's width: its longest text (header or cell), padded, at most 60."""
    return min(max([len(str(header))] + [len(str(v or "")) for v in values]) + 2, 60)


def write_workbook(target: Path | BinaryIO, tables: Sequence[PackTable]) -> None:
    """One visible sheet per table, header in bold, text neutralised against formulas.

    Written in openpyxl's write-only (streaming) mode: column widths are worked out from
    the values before the rows are streamed, as wide as the longest text in the column."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    bold = Font(bold=True)
    for table in tables:
        sheet = book.create_sheet(title=table.name[:31])
        rows = [[_xlsx_cell(value) for value in row] for row in table.rows]
        for number, header in enumerate(table.header, start=1):
            column = [row[number - 1] for row in rows if len(row) >= number]
            width = _column_width(header, column)
            sheet.column_dimensions[get_column_letter(number)].width = width
        heads = []
        for header in table.header:
            cell = WriteOnlyCell(sheet, value=header)
            cell.font = bold
            heads.append(cell)
        sheet.append(heads)
        for row in rows:
            sheet.append(row)
    book.save(target)


def csv_bytes(table: PackTable) -> bytes:
    """A table as UTF-8 CSV with a BOM, header first, text neutralised against formulas:
    the bytes `write_csv_atomic` writes to a file, made in memory for the zip."""
    text = io.StringIO(newline="")
    writer = csv.writer(text)
    for row in _csv_rows(table):
        writer.writerow([csv_cell(c) for c in row])
    return text.getvalue().encode("utf-8-sig")


def _csv_rows(table: PackTable) -> list[Sequence[Any]]:
    return [table.header, *table.rows]


def _member(name: str) -> zipfile.ZipInfo:
    """A zip entry as `ZipFile.write` would make it for a new file: now, rw-r--r--, deflated."""
    info = zipfile.ZipInfo(name, date_time=time.localtime()[:6])
    info.external_attr = (stat.S_IFREG | 0o644) << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def write_pack(ctx: Context, area: Area, month: str, target: Path, *, internal: bool) -> Path:
    """Build the pack for `area` and `month` into the zip `target`; returns `target`.

    The PDF, workbook and CSVs are made in memory and written straight into the zip, which
    is written under a temporary name, fsynced and renamed: one durable write per pack.
    The export's audit entry is the use case's (services/documents/packs_api.py): written with the
    zip's size and SHA-256, it commits before the zip takes its name."""
    if target.suffix.lower() != ".zip":  # `target` may be the gateway's hidden name: not shown
        raise ValidationError("The pack's file name should end in .zip.", field="out")
    ctx.require(Action.EXPORT, "monthly_pack")
    figures = monthly_figures(ctx, area, month)
    tables = pack_tables(figures, public=not internal)
    name = pack_name(area, figures.month, internal=internal)
    pdf = render_monthly_pack(figures, tables, internal=internal, team=ctx.team_name())
    workbook = io.BytesIO()
    write_workbook(workbook, tables)
    with atomic_path(target) as temp, zipfile.ZipFile(temp, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(_member(f"{name}.pdf"), pdf)
        z.writestr(_member(f"{name}.xlsx"), workbook.getvalue())
        for table in tables:
            z.writestr(_member(f"{name}/{table.name}.csv"), csv_bytes(table))
    return target


def build_into(
    ctx: Context, kind: str, name: str, month: str, folder: Path, *, internal: bool
) -> Path:
    """The pack for the named area, saved in `folder` under its own name."""
    area = find_area(ctx, kind, name)
    target = folder / f"{pack_name(area, month, internal=internal)}.zip"
    return write_pack(ctx, area, month, target, internal=internal)


def build_pack(
    ctx: Context, kind: str, name: str, month: str, target: Path, *, internal: bool
) -> Path:
    """The pack for the neighbourhood, ward or council called `name`."""
    return write_pack(ctx, find_area(ctx, kind, name), month, target, internal=internal)


def _silent(_done: int, _total: int, _label: str) -> None:
    return None


def build_district(
    ctx: Context,
    district: str,
    month: str,
    folder: Path,
    *,
    internal: bool,
    progress: Progress = _silent,
) -> list[Path]:
    """A pack for every neighbourhood of `district` into `folder`, reporting progress."""
    if not folder.is_dir():
        raise ValidationError(f"The folder '{folder}' does not exist.", field="out")
    areas = district_neighbourhoods(ctx, district)
    written = []
    for done, area in enumerate(areas):
        progress(done, len(areas), area.name)
        target = folder / f"{pack_name(area, month, internal=internal)}.zip"
        written.append(write_pack(ctx, area, month, target, internal=internal))
    progress(len(areas), len(areas), "")
    return written


def default_month(today: date) -> str:
    """The last complete month."""
    return last_complete_month(today)
