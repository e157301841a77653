"""`pcso-desk import crimes FILE.csv`: data.police.uk street-level crime rows into the store.

The file must carry the street-level header exactly (in any column order is NOT accepted:
data.police.uk always writes the same twelve columns). Each row becomes a CrimeRecord whose
`row_key` is the Crime ID, or for a blank ID (normal for anti-social behaviour) a hash of the
whole row plus how many identical rows came before it in the file: two identical ASB rows are
two events, and importing the same file again adds nothing. Rows are mapped to wards through
the team's LSOA table; a row whose LSOA is not mapped is kept with no ward and counted, so the
team can see what to add to the table. A malformed row is rejected with its row number and
why; a file that is not in this format is refused and nothing changes.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select

from pcso_desk.domain.errors import ValidationError
from pcso_desk.domain.months import is_month
from pcso_desk.domain.permissions import Action
from pcso_desk.services.context import Context
from pcso_desk.services.records.contact_import import read_text
from pcso_desk.store.base import new_id, utcnow
from pcso_desk.store.models import CrimeRecord, LsoaWard

HEADER = (
    "Crime ID",
    "Month",
    "Reported by",
    "Falls within",
    "Longitude",
    "Latitude",
    "Location",
    "LSOA code",
    "LSOA name",
    "Crime type",
    "Last outcome category",
    "Context",
)
_BATCH = 1000
_KIND = "data.police.uk street-level crime file"


@dataclass(frozen=True)
class CrimeImportReport:
    """What an import of one street-level file did."""

    added: int
    already_held: int
    rejected: int
    unmapped: int
    unmapped_lsoas: tuple[str, ...]
    rejects: tuple[str, ...]  # one sentence per rejected row

    def summary(self) -> str:
        """One line for the command line or a status bar."""
        line = (
            f"Imported {self.added:,} crime rows; {self.already_held:,} were already held, "
            f"{self.rejected:,} rejected."
        )
        if self.unmapped:
            codes = ", ".join(self.unmapped_lsoas[:10])
            more = "" if len(self.unmapped_lsoas) <= 10 else ", …"
            line += (
                f" {self.unmapped:,} rows are in LSOAs not mapped to a ward ({codes}{more}): "
                "add them to the LSOA mapping."
            )
        return line


def _refuse(path: Path, why: str) -> ValidationError:
    return ValidationError(f"'{path.name}' is not a {_KIND}: {why}.", field="file")


def _rows(path: Path) -> list[tuple[int, list[str]]]:
    try:
        text = read_text(path)
    except ValidationError as exc:  # read_text words its refusals for contacts files
        message = str(exc).replace("a contacts CSV file", "a " + _KIND)
        raise ValidationError(message, field="file") from None
    try:
        records = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise _refuse(path, f"it cannot be read as CSV ({exc})") from None
    if not records:
        raise _refuse(path, "it is empty")
    header = tuple(cell.strip() for cell in records[0])
    if header != HEADER:
        missing = [name for name in HEADER if name not in header]
        why = (
            f"the columns {', '.join(missing)} are missing"
            if missing
            else "its columns are not in the data.police.uk order"
        )
        raise _refuse(path, why)
    return [(number, cells) for number, cells in enumerate(records[1:], start=2)]


def _float(raw: str) -> float | None:
    return float(raw) if raw.strip() else None


def _values(cells: list[str]) -> dict[str, Any]:
    """The record's columns for one row; raises ValueError with a reason if it is malformed."""
    if len(cells) != len(HEADER):
        raise ValueError(f"it has {len(cells)} cells, not {len(HEADER)}")
    c = [cell.strip() for cell in cells]
    if not is_month(c[1]):
        raise ValueError(f"the month '{c[1]}' is not YYYY-MM")
    if not c[9]:
        raise ValueError("the crime type is blank")
    try:
        longitude, latitude = _float(c[4]), _float(c[5])
    except ValueError:
        raise ValueError("the longitude or latitude is not a number") from None
    if len(c[0]) > 80:
        raise ValueError("the Crime ID is longer than 80 characters")
    return {
        "crime_id": c[0],
        "month": c[1],
        "reported_by": c[2][:120],
        "falls_within": c[3][:120],
        "longitude": longitude,
        "latitude": latitude,
        "location": c[6][:200],
        "lsoa_code": c[7][:16],
        "lsoa_name": c[8][:120],
        "crime_type": c[9][:80],
        "last_outcome": c[10][:200],
        "context": c[11],
    }


def row_key(cells: list[str], occurrence: int) -> str:
    """The Crime ID, or for a blank one a hash of the row and its occurrence in the file."""
    crime_id = cells[0].strip()
    if crime_id:
        return crime_id
    joined = "\x1f".join(cell.strip() for cell in cells) + f"\x1e{occurrence}"
    return "asb:" + hashlib.sha256(joined.encode("utf-8")).hexdigest()[:64]


def import_crimes(ctx: Context, path: Path) -> CrimeImportReport:
    """Import one street-level file in one transaction (see the module docstring)."""
    ctx.require(Action.IMPORT, "crime_records")
    rows = _rows(path)
    seen: Counter[str] = Counter()
    parsed: list[dict[str, Any]] = []
    rejects: list[str] = []
    first_row: dict[str, int] = {}
    for number, cells in rows:
        if not any(cell.strip() for cell in cells):
            continue
        try:
            values = _values(cells)
        except ValueError as exc:
            rejects.append(f"Row {number} was not imported: {exc}.")
            continue
        raw = "\x1f".join(cell.strip() for cell in cells)
        values["row_key"] = row_key(cells, seen[raw])
        seen[raw] += 1
        if values["row_key"] in first_row:
            earlier = first_row[values["row_key"]]
            rejects.append(
                f"Row {number} was not imported: it repeats the Crime ID of row {earlier}."
            )
            continue
        first_row[values["row_key"]] = number
        parsed.append(values)
    if rejects and not parsed:
        raise _refuse(path, "none of its rows could be read")
    # Called as the use case (services/documents/packs_api.py) this runs inside its unit of
    # work: the rows join it and commit with the import's audit entry, or neither does.
    return _store(ctx, parsed, tuple(rejects))


def _store(
    ctx: Context, parsed: list[dict[str, Any]], rejects: tuple[str, ...]
) -> CrimeImportReport:
    with ctx.store.write() as session:
        mapping = select(LsoaWard.lsoa_code, LsoaWard.ward_id).where(LsoaWard.deleted_at.is_(None))
        wards = {code: ward for code, ward in session.execute(mapping)}
        keys = [row["row_key"] for row in parsed]
        held: set[str] = set()
        for start in range(0, len(keys), _BATCH):
            chunk = keys[start : start + _BATCH]
            held.update(
                session.scalars(select(CrimeRecord.row_key).where(CrimeRecord.row_key.in_(chunk)))
            )
        fresh = [row for row in parsed if row["row_key"] not in held]
        unmapped = Counter(
            row["lsoa_code"] or "(blank)" for row in fresh if row["lsoa_code"] not in wards
        )
        now = utcnow()
        stamped = [_stamped(ctx, row, wards.get(row["lsoa_code"]), now) for row in fresh]
        for start in range(0, len(stamped), _BATCH):
            session.execute(insert(CrimeRecord), stamped[start : start + _BATCH])
    return CrimeImportReport(
        added=len(fresh),
        already_held=len(parsed) - len(fresh),
        rejected=len(rejects),
        unmapped=sum(unmapped.values()),
        unmapped_lsoas=tuple(sorted(unmapped)),
        rejects=rejects,
    )


def _stamped(ctx: Context, row: dict[str, Any], ward_id: str | None, now: Any) -> dict[str, Any]:
    return {
        **row,
        "id": new_id(),
        "ward_id": ward_id,
        "created_at": now,
        "updated_at": now,
        "created_by": ctx.officer_id,
        "updated_by": ctx.officer_id,
        "station_id": ctx.station_id,
        "hlc": ctx.clock.now().encode(),
    }
