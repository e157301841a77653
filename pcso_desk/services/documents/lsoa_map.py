"""`pcso-desk import lsoa-map FILE.csv`: the ONS LSOA-to-ward lookup into the LSOA table.

The ONS publishes its lookups as CSV with one column per code and name, named by the census
or boundary year: `LSOA21CD, LSOA21NM, WD23CD, WD23NM` (or `LSOA11CD`, `WD22CD`, ... and
further columns for districts, which are ignored). The columns are found by their prefix; a
file with more than one year of a kind uses the newest. Each row's ward is matched to one of
the team's wards by its ONS code (the ward's code), else by its name (case-insensitive); the
file covers the whole country, so rows whose ward is not the team's are passed over and
counted. A matched LSOA is added to the table, or its ward or name brought up to date, and
the crime rows already held for it take that ward at once (`crimes.remap_crimes`), in the
same unit of work. A file with none of the columns is refused and nothing changes.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select

from pcso_desk.domain.errors import ValidationError
from pcso_desk.domain.permissions import Action
from pcso_desk.domain.wording import counted
from pcso_desk.services.context import Context
from pcso_desk.services.documents.crimes import remap_crimes
from pcso_desk.store.models import LsoaWard, Ward
from pcso_desk.sync.natural import id_for_new

_KIND = "ONS LSOA to ward lookup"
MAX_BYTES = 64 * 1024 * 1024  # the England and Wales lookup is about 4 MB
LSOA_CODE = re.compile(r"^[EWS]0[0-9]{7}$")  # E01/W01 (LSOAs), S01 (Scottish data zones)


@dataclass(frozen=True)
class LsoaMapReport:
    """What an import of one lookup file did."""

    added: int
    changed: int
    unchanged: int
    other_wards: int  # rows for wards that are not the team's
    crimes_remapped: int
    rejects: tuple[str, ...]

    def summary(self) -> str:
        line = (
            f"Mapped {counted(self.added, 'new LSOA')} to wards and changed {self.changed:,}; "
            f"{self.unchanged:,} already mapped, {counted(self.other_wards, 'row')} for other "
            f"wards, {len(self.rejects):,} rejected."
        )
        if self.crimes_remapped:
            n = self.crimes_remapped
            line += f" {counted(n, 'crime row')} now {'has its' if n == 1 else 'have their'} ward."
        return line


def _refuse(path: Path, why: str) -> ValidationError:
    return ValidationError(f"'{path.name}' is not an {_KIND}: {why}.", field="file")


def _column(header: Sequence[str], kind: str, suffix: str) -> int | None:
    """The index of the newest `<kind><yy><suffix>` column (LSOA21CD before LSOA11CD)."""
    pattern = re.compile(rf"^{kind}(\d\d){suffix}$", re.IGNORECASE)
    found = [(int(m.group(1)), i) for i, h in enumerate(header) if (m := pattern.match(h))]
    return max(found)[1] if found else None


def _rows(path: Path) -> tuple[dict[str, int | None], list[tuple[int, list[str]]]]:
    try:
        if path.stat().st_size > MAX_BYTES:
            raise _refuse(path, f"it is larger than {MAX_BYTES // (1024 * 1024)} MB")
    except OSError:
        pass  # read_text says why it cannot be read
    from pcso_desk.services.documents.crimes import csv_records

    records = csv_records(path, "an " + _KIND)
    header = [cell.strip().lstrip("\ufeff") for cell in records[0]]
    columns = {
        "lsoa": _column(header, "LSOA", "CD"),
        "lsoa_name": _column(header, "LSOA", "NM"),
        "ward": _column(header, "WD", "CD"),
        "ward_name": _column(header, "WD", "NM"),
    }
    if columns["lsoa"] is None:
        raise _refuse(path, "it has no LSOA code column (such as LSOA21CD)")
    if columns["ward"] is None and columns["ward_name"] is None:
        raise _refuse(path, "it has no ward code or name column (such as WD23CD or WD23NM)")
    return columns, list(enumerate(records[1:], start=2))


def import_lsoa_map(ctx: Context, path: Path) -> LsoaMapReport:
    """Import one lookup file in one unit of work (see the module docstring)."""
    ctx.require(Action.ORGANISATION, "lsoa_wards")
    columns, rows = _rows(path)

    def cell(cells: list[str], name: str) -> str:
        index = columns[name]
        return cells[index].strip() if index is not None and index < len(cells) else ""

    with ctx.store.write() as session:
        wards = session.execute(
            select(Ward.id, Ward.code, Ward.name).where(Ward.deleted_at.is_(None))
        ).all()
        by_code = {code.strip().upper(): ward for ward, code, _n in wards if code and code.strip()}
        by_name = {name.strip().lower(): ward for ward, _c, name in wards}
        wanted: dict[str, tuple[str, str, int]] = {}  # lsoa -> (ward, lsoa name, row)
        rejects: list[str] = []
        other = 0
        for number, cells in rows:
            if not any(c.strip() for c in cells):
                continue
            lsoa = cell(cells, "lsoa").upper()
            if not LSOA_CODE.match(lsoa):
                shown = lsoa[:20] or "(blank)"
                rejects.append(f"Row {number} was not imported: '{shown}' is not an LSOA code.")
                continue
            ward = by_code.get(cell(cells, "ward").upper()) or by_name.get(
                cell(cells, "ward_name").lower()
            )
            if ward is None:
                other += 1
                continue
            if lsoa in wanted and wanted[lsoa][0] != ward:
                first = wanted[lsoa][2]
                rejects.append(
                    f"Row {number} was not imported: it maps {lsoa} to another ward than "
                    f"row {first} does."
                )
                continue
            wanted[lsoa] = (ward, cell(cells, "lsoa_name")[:120], number)
        if rejects and not wanted and not other:
            raise _refuse(path, "none of its rows could be read")
        held = {
            row.lsoa_code.upper(): row
            for row in session.scalars(select(LsoaWard).where(func.length(LsoaWard.lsoa_code) > 0))
        }
        added = changed = unchanged = 0
        touched: list[str] = []
        for lsoa, (ward, name, _number) in sorted(wanted.items()):
            record = held.get(lsoa)
            if record is None:
                record = LsoaWard(
                    id=id_for_new(session, "lsoa_wards", lsoa),  # one id per LSOA, everywhere
                    lsoa_code=lsoa,
                    lsoa_name=name,
                    ward_id=ward,
                )
                ctx.stamp(record, creating=True)
                session.add(record)
                added += 1
            elif (record.ward_id, record.lsoa_name, record.deleted_at) != (
                ward,
                name or record.lsoa_name,
                None,
            ):
                record.ward_id, record.deleted_at = ward, None
                record.lsoa_name = name or record.lsoa_name
                ctx.stamp(record, creating=False)
                changed += 1
            else:
                unchanged += 1
                continue
            touched.append(record.lsoa_code)
        session.flush()
        remapped = remap_crimes(session, touched, lambda crime: ctx.stamp(crime, creating=False))
    return LsoaMapReport(added, changed, unchanged, other, remapped, tuple(rejects))
