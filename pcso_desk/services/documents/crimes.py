"""`pcso-desk import crimes FILE.csv`: data.police.uk street-level crime rows into the store.

The file must carry the street-level header exactly (in any column order is NOT accepted:
data.police.uk always writes the same twelve columns). Each row becomes a CrimeRecord whose
`row_key` is the Crime ID, or for a blank ID (normal for anti-social behaviour) its identity
(see `row_key`). Rows are mapped to wards through the team's LSOA table; a row whose LSOA is
not mapped is kept with no ward and counted, so the team can see what to add to the table,
and it finds its ward as soon as the LSOA is mapped (`remap_crimes`). Importing a month again
updates what police.uk revises (the last outcome, the context) and the ward of a row whose
LSOA has since been mapped; nothing is added twice. Coordinates must be finite and inside the
UK (`UK_LONGITUDE`, `UK_LATITUDE`), or the row is rejected: a NaN or an infinity would break
every sync bundle the row later goes into. A malformed row is rejected with its row number
and why; a file that is not in this format is refused and nothing changes.
"""

from __future__ import annotations

import csv
import hashlib
import io
import math
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import insert, inspect, select
from sqlalchemy.orm import Session

from pcso_desk.domain.errors import ValidationError
from pcso_desk.domain.months import is_month
from pcso_desk.domain.permissions import Action
from pcso_desk.domain.wording import counted
from pcso_desk.services.context import Context
from pcso_desk.services.records.contact_import import read_text
from pcso_desk.store.base import utcnow
from pcso_desk.store.models import Boundary, CrimeRecord, LsoaWard
from pcso_desk.sync.natural import ids_for_new

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
# The UK and its waters, generously: a point outside is a typo or a swapped pair.
UK_LONGITUDE = (-8.7, 1.8)
UK_LATITUDE = (49.8, 60.9)
# What police.uk may revise in a later release of the same month.
REVISED = ("last_outcome", "context", "location", "lsoa_name", "reported_by", "falls_within")


@dataclass(frozen=True)
class CrimeImportReport:
    """What an import of one street-level file did."""

    added: int
    already_held: int
    rejected: int
    unmapped: int
    unmapped_lsoas: tuple[str, ...]
    rejects: tuple[str, ...]  # one sentence per rejected row
    updated: int = 0  # rows already held whose outcome (or ward) this file changed

    def summary(self) -> str:
        """One line for the command line or a status bar."""
        revised = f" ({self.updated:,} of them updated)" if self.updated else ""
        line = (
            f"Imported {counted(self.added, 'crime row')}; {self.already_held:,} already held"
            f"{revised}, {self.rejected:,} rejected."
        )
        if self.unmapped:
            codes = ", ".join(self.unmapped_lsoas[:10])
            more = "" if len(self.unmapped_lsoas) <= 10 else ", …"
            line += (
                f" {counted(self.unmapped, 'row')} in LSOAs not mapped to a ward ({codes}{more}): "
                "add them to the LSOA mapping."
            )
        return line


def _refuse(path: Path, why: str) -> ValidationError:
    return ValidationError(f"'{path.name}' is not a {_KIND}: {why}.", field="file")


def csv_records(path: Path, kind: str) -> list[list[str]]:
    """Every record of a small public CSV file (`kind`: "a data.police.uk ... file", for the
    one-sentence refusals); refused when it cannot be read or holds nothing."""

    def refuse(why: str) -> ValidationError:
        return ValidationError(f"'{path.name}' is not {kind}: {why}.", field="file")

    try:
        text = read_text(path)
    except ValidationError as exc:  # read_text words its refusals for contacts files
        message = str(exc).replace("a contacts CSV file", kind)
        raise ValidationError(message, field="file") from None
    try:
        records = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise refuse(f"it cannot be read as CSV ({exc})") from None
    if not records:
        raise refuse("it is empty")
    return records


def _rows(path: Path) -> list[tuple[int, list[str]]]:
    records = csv_records(path, "a " + _KIND)
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


def check_point(longitude: float | None, latitude: float | None) -> None:
    """Raise ValueError (a reason) unless the point is blank or finite and inside the UK."""
    if longitude is None and latitude is None:
        return  # police.uk publishes some rows with no location
    if longitude is None or latitude is None:
        raise ValueError("it has a longitude or a latitude but not both")
    if not (math.isfinite(longitude) and math.isfinite(latitude)):
        raise ValueError("its longitude or latitude is not a finite number")
    west, east = UK_LONGITUDE
    south, north = UK_LATITUDE
    if not (west <= longitude <= east and south <= latitude <= north):
        raise ValueError(
            f"the point ({longitude:g}, {latitude:g}) is outside the UK "
            f"(longitude {west} to {east}, latitude {south} to {north})"
        )


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
    check_point(longitude, latitude)
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


def identity(cells: list[str]) -> str:
    """What identifies a row with no Crime ID: month, location, LSOA, point and type.

    These are what police.uk fixes when it publishes an event; the outcome, context and
    force names may be revised in a later release of the same month, so they are left out
    (a changed outcome is then an update, not a new row). Rows alike in all of these are
    told apart by their occurrence (`row_key`)."""
    c = [cell.strip() for cell in cells]
    return "\x1f".join((c[1], c[6], c[7], _coordinate(c[4]), _coordinate(c[5]), c[9]))


def _coordinate(raw: str) -> str:
    """A coordinate as its float's repr ("-0.10" and "-0.1" are one point), as the
    store's column gives it back (the 0009 migration keys held rows from it)."""
    try:
        return repr(float(raw)) if raw else ""
    except ValueError:
        return raw


def row_key(cells: list[str], occurrence: int) -> str:
    """The Crime ID, or for a blank one a hash of the row's identity and its occurrence:
    the second ASB report at the same snap point in the same month is "1", and so on, so a
    file read again (or a revised release of it) gives every row the key it had."""
    crime_id = cells[0].strip()
    if crime_id:
        return crime_id
    joined = identity(cells) + f"\x1e{occurrence}"
    return "asb2:" + hashlib.sha256(joined.encode("utf-8")).hexdigest()[:64]


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
        same = identity(cells)
        values["row_key"] = row_key(cells, seen[same])
        seen[same] += 1
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
        by_key = {row["row_key"]: row for row in parsed}
        held: dict[str, CrimeRecord] = {}
        keys = list(by_key)
        for start in range(0, len(keys), _BATCH):
            chunk = keys[start : start + _BATCH]
            found = session.scalars(select(CrimeRecord).where(CrimeRecord.row_key.in_(chunk)))
            held.update((record.row_key, record) for record in found)
        updated = 0
        for key, record in held.items():
            if _revise(record, by_key[key], wards):
                ctx.stamp(record, creating=False)
                updated += 1
        session.flush()
        fresh = [row for row in parsed if row["row_key"] not in held]
        unmapped = Counter(
            row["lsoa_code"] or "(blank)" for row in fresh if row["lsoa_code"] not in wards
        )
        now = utcnow()
        # Each row's id is made from its row key, so another station importing the same
        # month makes the same rows (sync/natural.py).
        ids = ids_for_new(session, "crime_records", [(row["row_key"],) for row in fresh])
        stamped = [
            _stamped(ctx, row, wards.get(row["lsoa_code"]), now, row_id)
            for row, row_id in zip(fresh, ids, strict=True)
        ]
        for start in range(0, len(stamped), _BATCH):
            session.execute(insert(CrimeRecord), stamped[start : start + _BATCH])
    return CrimeImportReport(
        added=len(fresh),
        already_held=len(parsed) - len(fresh),
        rejected=len(rejects),
        unmapped=sum(unmapped.values()),
        unmapped_lsoas=tuple(sorted(unmapped)),
        rejects=rejects,
        updated=updated,
    )


def _revise(record: CrimeRecord, row: dict[str, Any], wards: dict[str, str]) -> bool:
    """Bring a held row up to a later release of it; whether anything changed (a deleted row
    stays as it was deleted)."""
    if record.deleted_at is not None:
        return False
    changed = False
    for name in REVISED:
        if row[name] and getattr(record, name) != row[name]:
            setattr(record, name, row[name])
            changed = True
    ward = wards.get(record.lsoa_code)
    if ward is not None and record.ward_id != ward:
        record.ward_id = ward
        changed = True
    return changed


def remap_crimes(
    session: Session,
    lsoa_codes: Iterable[str],
    stamp: Callable[[Any], None],
    wards: dict[str, str | None] | None = None,
    *,
    outlines: bool = True,
) -> int:
    """Give every live crime row in these LSOAs the ward the LSOA table maps it to (none if
    it is not mapped), stamping each changed row with `stamp` so sync carries it; returns
    how many crime rows changed. `wards` gives the mapping when the caller knows it (a
    mapping not yet flushed); else it is read from the table. With `outlines`, the LSOAs'
    boundaries follow too (a change to the team's area: only a role that may change the LSOA
    table makes it, so a sync merge leaves them to the station that changed the mapping)."""
    codes = sorted({code for code in lsoa_codes if code})
    changed = 0
    for start in range(0, len(codes), _BATCH):
        chunk = codes[start : start + _BATCH]
        if wards is None:
            found = session.execute(
                select(LsoaWard.lsoa_code, LsoaWard.ward_id).where(
                    LsoaWard.deleted_at.is_(None), LsoaWard.lsoa_code.in_(chunk)
                )
            )
            mapped: dict[str, str | None] = dict(found.tuples().all())
        else:
            mapped = wards
        records = session.scalars(
            select(CrimeRecord).where(
                CrimeRecord.deleted_at.is_(None), CrimeRecord.lsoa_code.in_(chunk)
            )
        )
        for record in records:
            ward = mapped.get(record.lsoa_code)
            if record.ward_id != ward:
                record.ward_id = ward
                stamp(record)
                changed += 1
        if outlines:
            for shape in session.scalars(
                select(Boundary).where(
                    Boundary.deleted_at.is_(None),
                    Boundary.kind == "lsoa",
                    Boundary.code.in_(chunk),
                )
            ):
                if shape.ward_id != mapped.get(shape.code):
                    shape.ward_id = mapped.get(shape.code)
                    stamp(shape)
    return changed


def remap_after_mapping(session: Session, mapping: LsoaWard) -> None:
    """The LSOA table's `after_write` hook: a mapping added, changed or deleted in Admin
    re-maps the crime rows already held for its LSOA (and for its old code, if the code was
    changed), each stamped as the mapping's own change was, in the same unit of work."""
    state: Any = inspect(mapping)
    old = [str(code) for code in state.attrs.lsoa_code.history.deleted if code]
    live = mapping.deleted_at is None
    wards: dict[str, str | None] = {code: None for code in old}
    wards[mapping.lsoa_code] = mapping.ward_id if live else None

    def like_mapping(record: Any) -> None:
        for name in ("hlc", "station_id", "updated_by", "updated_at", "updated_role"):
            setattr(record, name, getattr(mapping, name))

    with session.no_autoflush:  # the mapping itself is flushed by the record service
        remap_crimes(session, list(wards), like_mapping, wards)


def _stamped(
    ctx: Context, row: dict[str, Any], ward_id: str | None, now: Any, row_id: str
) -> dict[str, Any]:
    return {
        **row,
        "id": row_id,
        "ward_id": ward_id,
        "created_at": now,
        "updated_at": now,
        "created_by": ctx.officer_id,
        "updated_by": ctx.officer_id,
        "station_id": ctx.station_id,
        "hlc": ctx.clock.now().encode(),
    }
