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
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, BinaryIO

from pcso_desk.domain.disclosure import (
    HIDDEN,
    NEIGHBOURHOOD_ONLY,
    SMALL,
    WITHHELD,
    is_small,
    shown_count,
    shown_total,
)
from pcso_desk.domain.errors import ValidationError
from pcso_desk.domain.months import last_complete_month, month_bounds
from pcso_desk.domain.permissions import Action
from pcso_desk.domain.schedule import LONDON
from pcso_desk.reports.common import MARKING, shown_value, uk_date, uk_month
from pcso_desk.reports.monthly_pack import PackTable, neighbourhood_label, render_monthly_pack
from pcso_desk.services.context import Context
from pcso_desk.services.documents import crime_figures
from pcso_desk.services.documents.dial_pack import dial_tables
from pcso_desk.services.documents.monthly import (
    Area,
    MonthlyFigures,
    district_neighbourhoods,
    find_area,
    monthly_figures,
    shift_month,
)
from pcso_desk.services.documents.pack_extras import (
    VICTIMS_CODE_ROW,
    pack_extras,
    victims_code_cell,
    victims_table,
)
from pcso_desk.services.records.export import (
    atomic_path,
    csv_cell,
    mark_sheet,
    mark_workbook,
    neutralise,
)

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


def people_published(area: Area, public: bool) -> bool:
    """Whether a pack of `area` shows counts about people (besides each meeting's
    attendance): a public one only for a neighbourhood, so no two packs of the month can be
    subtracted from each other."""
    return not public or area.kind == "neighbourhood"


def _people(f: MonthlyFigures, public: bool, value: Any) -> Any:
    """A count about people as a pack shows it: a ward or council public pack points to its
    neighbourhood's pack."""
    return value if people_published(f.area, public) else NEIGHBOURHOOD_ONLY


def _rate(part: int, whole: int, public: bool, noun: str) -> str:
    """A percentage, not shown in public when fewer than 5 are behind it."""
    if public and is_small(whole):
        return f"fewer than 5 {noun}"
    return _percent(part, whole)


def _summary(f: MonthlyFigures, public: bool) -> PackTable:
    share = f.locality_share
    attendance = [line.attendance or 0 for line in f.meetings]
    victims = victims_code_cell(f, public)
    messages = _rate(f.messages_in_time, f.messages, public, "messages")
    hood = neighbourhood_label(f.area)
    rows: list[tuple[Any, ...]] = [
        ("Public meetings held", len(f.meetings)),
        ("People attending meetings", _people(f, public, shown_total(attendance, public=public))),
        (
            "Engagements with the community",
            _people(f, public, shown_count(f.engagements, public=public)),
        ),
        (
            "Key individual network members",
            _people(f, public, shown_count(f.kin_members, public=public)),
        ),
        (
            "Key individual check-ins",
            _people(f, public, shown_count(f.kin_check_ins, public=public)),
        ),
        ("Visible patrol hours", _hours(f.patrol_minutes)),
        (hood("Time in the locality"), "no data" if share is None else f"{round(100 * share)}%"),
        ("Time in the locality target", "80%"),
        (VICTIMS_CODE_ROW, _people(f, public, victims)),
        (hood("Messages answered within 24 hours"), _people(f, public, messages)),
        ("A public meeting held this month", "Yes" if f.public_meeting_held else "No"),
    ]
    return PackTable("summary", "Summary", ("Measure", "Value"), tuple(rows))


def _crime(f: MonthlyFigures, public: bool) -> PackTable:
    """Crime counts exactly, public or not: the police publish every crime at street level
    (data.police.uk), so hiding a count here would protect no one. Rows by crime type's
    name (monthly._crime), the total last."""
    rows = [
        (name, now, month, now - month, year, now - year)
        for name, now, month, year in (*_crime_rows(f), _total(f))
    ]
    header = (
        "Crime type",
        "This month",
        f"Last month ({shift_month(f.month, -1)})",
        "Change on last month",
        f"Same month last year ({shift_month(f.month, -12)})",
        "Change on last year",
    )
    return PackTable("crime", "Crime by type", header, tuple(rows))


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


def _priorities(f: MonthlyFigures, public: bool) -> PackTable:
    rows = tuple((p.you_said, p.status, " ".join(p.we_did)) for p in f.priorities)
    if not public:  # the team's own copy names what the public one leaves out
        rows += tuple(
            (f"{title} (no public wording: not published)", "", "") for title in f.left_out
        )
    return PackTable(
        "priorities", "You said, we did", ("You said", "Status", "We did this month"), rows
    )


def _safety(f: MonthlyFigures, public: bool) -> PackTable:
    header = ("Month", "Check-ins", "Average feeling of safety (1 to 5)")
    if _people(f, public, None) == NEIGHBOURHOOD_ONLY:  # check-ins count people
        return PackTable("feelings-of-safety", "Feelings of safety", header, ())
    rows = []
    for point in f.safety:
        average: Any = "" if point.average is None else point.average
        if public and is_small(point.check_ins):
            average = WITHHELD
        rows.append((point.month, shown_count(point.check_ins, public=public), average))
    return PackTable("feelings-of-safety", "Feelings of safety", header, tuple(rows))


def pack_tables(figures: MonthlyFigures, *, public: bool) -> tuple[PackTable, ...]:
    """The pack's tables, with small numbers suppressed when `public`."""
    crime = _crime(figures, public)
    return (
        _summary(figures, public),
        crime,
        _meetings(figures, public),
        _priorities(figures, public),
        _safety(figures, public),
        *crime_figures.tables(figures),
    )


# -- writing ---------------------------------------------------------------------------------


def _xlsx_cell(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value
    return neutralise(shown_value(value)) if isinstance(value, str) else value


def _column_width(header: str, values: Sequence[Any]) -> float:
    """A column's width: its longest text (header or cell), padded, at most 60."""
    return min(max([len(str(header))] + [len(_width_text(v)) for v in values]) + 2, 60)


def _width_text(value: Any) -> str:
    if isinstance(value, date | datetime):
        return _uk(value)
    return str(value or "")


def _uk(value: date | datetime) -> str:
    """'2 December 2026', or '2 December 2026 19:30' for a time."""
    return f"{uk_date(value)} {value:%H:%M}" if isinstance(value, datetime) else uk_date(value)


def symbol_key(*, public: bool) -> str:
    """The key to what a pack's cells may hold instead of a number."""
    if not public:
        return (
            f"Internal: exact figures, not for publication. {WITHHELD} = no change can be "
            "shown; no data = nothing recorded."
        )
    return (
        f"Key: “{SMALL}” = a count from 1 to 4; “{HIDDEN}” = a total that includes a count "
        f"of fewer than 5; {WITHHELD} = a change or average that would reveal a hidden count; "
        f"“{NEIGHBOURHOOD_ONLY}” = counts about people are published for the whole "
        "neighbourhood only; no data = nothing recorded."
    )


def write_workbook(
    target: Path | BinaryIO,
    tables: Sequence[PackTable],
    *,
    heading: str = "",
    key: str = "",
    marking: str | None = None,
) -> None:
    """One visible sheet per table, header in bold, text neutralised against formulas.

    With a `heading` ("Riverside SNT, March 2026") each sheet opens with a title row naming
    the area, the month and the table, and a row with the `key` to the symbols its cells may
    hold, then a blank row and the table: a sheet copied out alone still says what it is.
    An internal workbook (`marking`) carries the marking in each sheet's printed header and
    footer and in its document properties. Dates show as "2 December 2026".

    Written in openpyxl's write-only (streaming) mode: column widths are worked out from
    the values before the rows are streamed, as wide as the longest text in the column.
    Each sheet's XML is kept in memory, not in a temporary file (`_in_memory`)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    if marking:
        mark_workbook(book, marking, heading)
    elif heading:
        book.properties.title = heading
    bold = Font(bold=True)
    for table in tables:
        sheet = book.create_sheet(title=table.name[:31])
        if marking:
            mark_sheet(sheet, marking)
        sheet.print_title_rows = "4:4" if heading else "1:1"  # the header on every printed page
        rows = [[_xlsx_cell(value) for value in row] for row in table.rows]
        for number, header in enumerate(table.header, start=1):
            column = [row[number - 1] for row in rows if len(row) >= number]
            width = _column_width(shown_value(header), column)
            sheet.column_dimensions[get_column_letter(number)].width = width
        _in_memory(sheet)  # after the widths: the sheet's top (its columns) is written now
        if heading:
            title = WriteOnlyCell(sheet, value=neutralise(f"{heading}: {table.title}"))
            title.font = Font(bold=True, size=14)
            sheet.append([title])
            sheet.append([neutralise(key)] if key else [])
            sheet.append([])
        heads = []
        for header in table.header:
            cell = WriteOnlyCell(sheet, value=neutralise(shown_value(header)))
            cell.font = bold
            heads.append(cell)
        sheet.append(heads)
        for row in rows:
            sheet.append([_dated(sheet, value, WriteOnlyCell) for value in row])
    _save_in_memory(book, target)


def _in_memory(sheet: Any) -> None:
    """A write-only sheet that streams its XML into memory. openpyxl streams each sheet into
    a temporary file of its own, made, reopened and deleted at the save: for a pack's few
    dozen rows a sheet, those file operations took longer than writing the rows (about
    20 ms of a pack's 40 ms workbook on a busy disk). Call it before the sheet's first row."""
    from openpyxl.worksheet._writer import WorksheetWriter

    writer = WorksheetWriter(sheet, out=io.BytesIO())
    writer.write_top()  # what the sheet's first `append` does with a writer of its own
    sheet._writer = writer


def _save_in_memory(book: Any, target: Path | BinaryIO) -> None:
    """`book.save(target)` for a write-only workbook whose sheets are `_in_memory`: each
    sheet's XML goes into the zip from memory (openpyxl's own writer copies it from its file)."""
    from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing
    from openpyxl.writer.excel import ExcelWriter

    class MemoryWriter(ExcelWriter):  # type: ignore[misc]
        def write_worksheet(self, ws: Any) -> None:  # ExcelWriter's, the write-only branch
            ws._drawing = SpreadsheetDrawing()
            ws._drawing.charts = ws._charts
            ws._drawing.images = ws._images
            if not ws.closed:
                ws.close()
            ws._rels = ws._writer._rels
            self._archive.writestr(ws.path[1:], ws._writer.read())
            self.manifest.append(ws)

    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        book.properties.modified = datetime.now(UTC).replace(tzinfo=None)  # as openpyxl's save
        MemoryWriter(book, archive).save()


def _dated(sheet: Any, value: Any, cell_class: Any) -> Any:
    """A date stays a date a spreadsheet can sort, shown the UK way."""
    if isinstance(value, date | datetime):
        cell = cell_class(sheet, value=value)
        cell.number_format = "d mmmm yyyy" if not isinstance(value, datetime) else UK_DATETIME
        return cell
    return value


UK_DATETIME = "d mmmm yyyy hh:mm"


def csv_bytes(table: PackTable, *, marking: str | None = None) -> bytes:
    """A table as UTF-8 CSV with a BOM, header first, text neutralised against formulas:
    the bytes `write_csv_atomic` writes to a file, made in memory for the zip. An internal
    table (`marking`) starts with the marking alone on the first line. Dates and months are
    written the UK way ("2 December 2026", "November 2026")."""
    text = io.StringIO(newline="")
    writer = csv.writer(text)
    if marking:
        writer.writerow([marking])
    for row in _csv_rows(table):
        writer.writerow([csv_cell(_csv_value(c)) for c in row])
    return text.getvalue().encode("utf-8-sig")


def _csv_value(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return _uk(value)
    return shown_value(value) if isinstance(value, str) else value


def _csv_rows(table: PackTable) -> list[Sequence[Any]]:
    return [table.header, *table.rows]


def _member(name: str) -> zipfile.ZipInfo:
    """A zip entry as `ZipFile.write` would make it for a new file: now, rw-r--r--, deflated."""
    info = zipfile.ZipInfo(name, date_time=time.localtime()[:6])
    info.external_attr = (stat.S_IFREG | 0o644) << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def pack_action(internal: bool) -> Action:
    """What building a pack needs: a public one, any officer; an internal one, a sergeant."""
    return Action.INTERNAL_PACKS if internal else Action.PUBLIC_PACKS


def write_pack(
    ctx: Context,
    area: Area,
    month: str,
    target: Path,
    *,
    internal: bool,
    audited: bool = False,
    people: MonthlyFigures | None = None,
) -> Path:
    """Build the pack for `area` and `month` into the zip `target`; returns `target`.

    The PDF, workbook and CSVs are made in memory and written straight into the zip, which
    is written under a temporary name, fsynced and renamed: one durable write per pack.
    The export's audit entry is the use case's (services/documents/packs_api.py): written with the
    zip's size and SHA-256, it commits before the zip takes its name."""
    if target.suffix.lower() != ".zip":  # `target` may be the gateway's hidden name: not shown
        raise ValidationError("The pack's file name should end in .zip.", field="out")
    ctx.require(pack_action(internal), "monthly_pack")
    if not internal and not audited:  # a public pack only once the month's packs pass
        from pcso_desk.services.documents.auditor import check_month

        people = check_month(ctx, area.neighbourhood_ids, month).get(area)
    figures = monthly_figures(ctx, area, month, people=None if internal else people)
    tables = pack_tables(figures, public=not internal)
    if internal:
        from pcso_desk.services.casework.scorecard import pack_table, scorecard
        from pcso_desk.services.documents.policy_measures import policy_table

        card = scorecard(ctx, area, figures.month, ctx.now())  # the screen's and CLI's value
        tables = (*tables, victims_table(figures), pack_table(card))
        tables = (*tables, *dial_tables(ctx, area, figures.month))  # "did it move the dial?"
        tables = (*tables, policy_table(ctx, area, figures.month))  # county policy measures
    else:
        from pcso_desk.services.documents.auditor import check_order

        check_order(figures, tables)
    name = pack_name(area, figures.month, internal=internal)
    published = ctx.now().astimezone(LONDON).date()
    extras = pack_extras(ctx, area, month_bounds(figures.month)[1], published)
    pdf = render_monthly_pack(
        figures, tables, internal=internal, team=ctx.team_name(), extras=extras
    )
    marking = MARKING if internal else None
    workbook = io.BytesIO()
    write_workbook(
        workbook,
        tables,
        heading=f"{area.name}, {uk_month(figures.month)}",
        key=symbol_key(public=not internal),
        marking=marking,
    )
    with atomic_path(target) as temp, zipfile.ZipFile(temp, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(_member(f"{name}.pdf"), pdf)
        z.writestr(_member(f"{name}.xlsx"), workbook.getvalue())
        for table in tables:
            z.writestr(_member(f"{name}/{table.name}.csv"), csv_bytes(table, marking=marking))
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
    ctx.require(pack_action(internal), "monthly_pack")
    if not internal:  # the whole batch is audited at once, before any pack is written
        from pcso_desk.services.documents.auditor import check_month

        checked = check_month(ctx, [h for area in areas for h in area.neighbourhood_ids], month)
    else:
        checked = {}
    written = []
    for done, area in enumerate(areas):
        progress(done, len(areas), area.name)
        target = folder / f"{pack_name(area, month, internal=internal)}.zip"
        people = checked.get(area)
        written.append(
            write_pack(ctx, area, month, target, internal=internal, audited=True, people=people)
        )
    progress(len(areas), len(areas), "")
    return written


def default_month(today: date) -> str:
    """The last complete month."""
    return last_complete_month(today)
