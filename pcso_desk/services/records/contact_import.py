"""`pcso-desk import contacts FILE.csv [--dry-run] [--rejects OUT.csv]`.

Reads a contacts CSV as Excel or another tool saved it (UTF-8 with or without a BOM, or
Windows-1252; comma, semicolon or tab separated), maps its header spellings
(`csv_headers`), validates every row, and then in ONE transaction adds the new contacts and
fills blank fields of contacts the store already has. A row is rejected, with one sentence
saying why, when a value is invalid, when it repeats an earlier row of the file, or when it
looks like an existing contact without being certainly the same person. Nothing is written
on a dry run, or when anything fails part-way; a file that is not a contacts CSV at all is
refused with a ValidationError and changes nothing.

Row numbers are those a spreadsheet shows: the header is row 1, and blank lines count.
"""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session

from pcso_desk.domain import validation as v
from pcso_desk.domain.enums import ContactKind, ContactMethod, LawfulBasis
from pcso_desk.domain.errors import ValidationError
from pcso_desk.domain.permissions import Action
from pcso_desk.domain.wording import counted
from pcso_desk.services.context import Context
from pcso_desk.services.protection.outputs import refuse_protected
from pcso_desk.services.records.csv_headers import HeaderMap, map_headers, parse_choice
from pcso_desk.services.records.duplicates import (
    Candidate,
    DuplicateIndex,
    DuplicateMatch,
    find_duplicates_many,
)
from pcso_desk.services.records.export import check_target, write_csv_atomic
from pcso_desk.services.records.specs import CONTACT_FILLABLE
from pcso_desk.store.base import utcnow
from pcso_desk.store.models import Contact, Ward

Progress = Callable[[str, int, int], None]
PROGRESS_EVERY = 1000
BATCH = 2000
# Fields an import may fill on an existing contact when they are blank there; never overwritten.
FILLABLE = CONTACT_FILLABLE
# Longest text the store's columns hold, with the field's name in a sentence.
LIMITS = {
    "organisation": ("organisation", 200),
    "role_title": ("role", 120),
    "preferred_times": ("preferred times", 200),
}

_MAGIC = (
    (b"%PDF", "it is a PDF document"),
    (b"PK\x03\x04", "it is an Excel workbook or a zip file; save it from Excel as CSV first"),
    (b"\xd0\xcf\x11\xe0", "it is an Excel 97 or Word file; save it from Excel as CSV first"),
    (b"{\\rtf", "it is a Word (RTF) document"),
)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x0c\x0e-\x1f\x7f]")
_SNIFF_CHARS = 65536
BINARY = "it holds binary data, not text"


@dataclass(frozen=True)
class RejectedRow:
    """A row that was not imported: its row number, its cells as in the file, and why."""

    row: int
    values: tuple[str, ...]
    reason: str


@dataclass(frozen=True)
class ImportReport:
    """What an import did (or, on a dry run, would do)."""

    added: int
    updated: int
    skipped: int
    rejected: int
    rejects: list[RejectedRow]
    dry_run: bool
    ignored_columns: tuple[str, ...] = ()
    rejects_file: Path | None = None

    def summary(self) -> str:
        """One line for the command line or a status bar."""
        see = f" (see {self.rejects_file.name})" if self.rejects_file and self.rejected else ""
        if self.dry_run:
            line = (
                f"Dry run: would add {self.added:,}, update {self.updated:,}, "
                f"skip {self.skipped:,}, reject {self.rejected:,}{see}; nothing was written."
            )
        else:
            imported = counted(self.added + self.updated, "contact")
            line = (
                f"Imported {imported}: {self.added:,} added, {self.updated:,} updated, "
                f"{self.skipped:,} skipped, {self.rejected:,} rejected{see}."
            )
        if self.ignored_columns:
            line += " Columns ignored: " + ", ".join(self.ignored_columns) + "."
        return line


@dataclass(frozen=True)
class _Valid:
    """A row that passed validation: the contact's column values and its duplicate keys."""

    row: int
    values: dict[str, Any]
    candidate: Candidate


@dataclass
class _Plan:
    """What the rows will do to the store; filled in before anything is written."""

    creates: list[_Valid] = field(default_factory=list)
    fills: dict[str, dict[str, Any]] = field(default_factory=dict)  # contact id -> new values
    updated: int = 0
    skipped: int = 0
    rejects: list[RejectedRow] = field(default_factory=list)


# -- reading the file ----------------------------------------------------------------------


def _refuse(path: Path, why: str) -> ValidationError:
    return ValidationError(f"'{path.name}' is not a contacts CSV file: {why}.", field="file")


def read_text(path: Path) -> str:
    """The file's text: UTF-8 (BOM or not), UTF-16 with a BOM, or else Windows-1252."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ValidationError(f"There is no file '{path}'.", field="file") from None
    except OSError as exc:
        raise ValidationError(f"'{path}' cannot be read: {exc.strerror}.", field="file") from None
    for magic, why in _MAGIC:
        if data.startswith(magic):
            raise _refuse(path, why)
    text = _decode(path, data)
    if not text.strip():
        raise _refuse(path, "it is empty")
    sample = text[:_SNIFF_CHARS]
    if "\x00" in text or len(_CONTROL.findall(sample)) * 100 > len(sample):
        raise _refuse(path, BINARY)
    return text


def _decode(path: Path, data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode Text"
        return data.decode("utf-16", errors="replace")
    if b"\x00" in data:
        raise _refuse(path, BINARY)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:  # what Excel on Windows saves as "CSV (Comma delimited)"
        return data.decode("cp1252")
    except UnicodeDecodeError:  # the five bytes Windows-1252 leaves undefined
        raise _refuse(path, BINARY) from None


def _delimiter(text: str) -> str:
    """A comma, unless the header line has none: then a sniffed semicolon, tab or pipe."""
    header = next((line for line in io.StringIO(text) if line.strip()), "")
    if "," in header:
        return ","
    try:
        return csv.Sniffer().sniff(header, delimiters=";\t|").delimiter
    except csv.Error:
        return ","


def _records(path: Path, text: str) -> Iterator[tuple[int, list[str]]]:
    """(row number, cells) for every record; a blank line is a row with no cells."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    number = 0
    try:
        for number, cells in enumerate(reader, start=1):
            yield number, cells
    except csv.Error as exc:
        raise _refuse(path, f"row {number + 1} cannot be read ({exc})") from None


def _is_blank(cells: Sequence[str]) -> bool:
    return not any(cell.strip() for cell in cells)


# -- one row -------------------------------------------------------------------------------


class _Wards:
    """Ward names and codes (case-insensitive) of the store's live wards."""

    AMBIGUOUS = ""

    def __init__(self, session: Session) -> None:
        by_name: dict[str, set[str]] = defaultdict(set)
        by_code: dict[str, str] = {}
        live = select(Ward.id, Ward.name, Ward.code).where(Ward.deleted_at.is_(None))
        for ward_id, name, code in session.execute(live):
            by_name[_fold_space(name)].add(ward_id)
            by_code[_fold_space(code)] = ward_id
        self._ids = {
            name: next(iter(ids)) if len(ids) == 1 else self.AMBIGUOUS
            for name, ids in by_name.items()
        }
        self._ids.update(by_code)  # codes are unique, names need not be

    def id_of(self, raw: str) -> str:
        found = self._ids.get(_fold_space(raw))
        if found is None:
            raise ValidationError(
                f"'{raw}' is not a ward of this store; use a ward name or code.", "ward_id"
            )
        if found == self.AMBIGUOUS:
            raise ValidationError(
                f"'{raw}' is the name of more than one ward; use the ward code.", "ward_id"
            )
        return found


def _fold_space(text: str) -> str:
    return " ".join(text.split()).casefold()


def _limited(cell: dict[str, str], name: str) -> str:
    text = " ".join(cell.get(name, "").split())
    label, most = LIMITS[name]
    if len(text) > most:
        raise ValidationError(
            f"The {label} is {len(text)} characters long; the most allowed is {most}.", name
        )
    return text


def _optional(cell: dict[str, str], name: str, rule: Any) -> Any:
    raw = cell.get(name)
    return rule(raw) if raw else None


def _tags(raw: str) -> list[str]:
    parts = (part.strip() for part in raw.replace(";", ",").split(","))
    return list(dict.fromkeys(part for part in parts if part))


_ADDRESS = ("address", "address2", "address3", "town")


def contact_values(headers: HeaderMap, cells: Sequence[str], wards: _Wards) -> dict[str, Any]:
    """A row's Contact column values, checked field by field; the first problem is raised.

    The row's cells are read once (`HeaderMap.values`), as `HeaderMap.value`, `name` and
    `address` would read them one field at a time.
    """
    if len(cells) > len(headers.headers) and not _is_blank(cells[len(headers.headers) :]):
        raise ValidationError(
            f"The row has {len(cells)} values but the header has {len(headers.headers)} "
            "columns; a value with a comma in it may be missing its quotes."
        )
    cell = headers.values(cells)
    name = cell.get("name") or " ".join(
        part for part in (cell.get("first_name"), cell.get("last_name")) if part
    )
    values: dict[str, Any] = {"name": v.normalise_name(name)}
    values["postcode"] = _optional(cell, "postcode", v.normalise_postcode) or ""
    values["phone"] = _optional(cell, "phone", v.normalise_phone) or ""
    values["email"] = _optional(cell, "email", v.normalise_email) or ""
    values["ward_id"] = _optional(cell, "ward", wards.id_of)
    values["kind"] = _optional(cell, "kind", _kind) or ContactKind.RESIDENT
    values["preferred_method"] = _optional(cell, "preferred_method", _method)
    values["lawful_basis"] = _optional(cell, "lawful_basis", _basis) or LawfulBasis.PUBLIC_TASK
    for limited in LIMITS:
        values[limited] = _limited(cell, limited)
    values["address"] = ", ".join(part for field in _ADDRESS if (part := cell.get(field)))
    values["tags"] = _tags(cell.get("tags", ""))
    values["notes"] = cell.get("notes", "")
    return values


def _kind(raw: str) -> ContactKind:
    return parse_choice(ContactKind, raw)


def _method(raw: str) -> ContactMethod:
    return parse_choice(ContactMethod, raw)


def _basis(raw: str) -> LawfulBasis:
    return parse_choice(LawfulBasis, raw)


def _candidate(values: dict[str, Any]) -> Candidate:
    return Candidate(values["name"], values["postcode"], values["phone"], values["email"])


# -- deciding what each row does -----------------------------------------------------------


def _same_person(candidate: Candidate, match: DuplicateMatch) -> bool:
    """Certainly the same person: the same normalised name (any case) and a shared key."""
    return bool(match.shared) and _fold_space(match.name) == _fold_space(candidate.name)


class _Planner:
    """Decides, row by row, whether a valid row adds, updates, skips or is rejected."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.index = DuplicateIndex()
        self.plan = _Plan()
        self._current: dict[str, dict[str, Any]] = {}  # contact id -> values with planned fills

    def take(self, row: _Valid, cells: tuple[str, ...], matches: list[DuplicateMatch]) -> None:
        """Decide what a valid row does, given the store's likely duplicates of it."""
        earlier = self.index.match(row.candidate)
        self.index.add(row.row, row.candidate)
        if earlier is not None:
            self.reject(row.row, cells, f"Duplicate of row {earlier} in this file.")
            return
        same = next((m for m in matches if _same_person(row.candidate, m)), None)
        if same is not None:
            self._fill_blanks(same.contact_id, row.values)
        elif matches:
            self.reject(row.row, cells, _likely_duplicate(matches[0]))
        else:
            self.plan.creates.append(row)

    def reject(self, number: int, cells: tuple[str, ...], reason: str) -> None:
        self.plan.rejects.append(RejectedRow(number, cells, reason))

    def _fill_blanks(self, contact_id: str, values: dict[str, Any]) -> None:
        current = self._current.get(contact_id)
        if current is None:
            contact = self.session.get(Contact, contact_id)
            assert contact is not None  # found live by find_duplicates in this transaction
            current = self._current[contact_id] = {n: getattr(contact, n) for n in FILLABLE}
        fills = {n: values[n] for n in FILLABLE if not current[n] and values.get(n)}
        if not fills:
            self.plan.skipped += 1
            return
        current.update(fills)
        self.plan.fills.setdefault(contact_id, {}).update(fills)
        self.plan.updated += 1


def _likely_duplicate(match: DuplicateMatch) -> str:
    where = f" ({match.postcode})" if match.postcode else ""
    return (
        f"Likely duplicate of existing contact {match.name}{where}; "
        "add them by hand if they are different people."
    )


@dataclass(frozen=True)
class _Parsed:
    headers: HeaderMap
    rows: list[tuple[int, list[str]]]


def _parse_file(path: Path) -> _Parsed:
    """The header map and the non-blank data rows; refuses a file that is not a contacts CSV."""
    records = (item for item in _records(path, read_text(path)) if not _is_blank(item[1]))
    first = next(records, None)
    if first is None:
        raise _refuse(path, "it is empty")
    headers = map_headers(first[1])
    if not headers.has_name:
        raise _refuse(
            path, "its first row has no Name column (or First name and Last name columns)"
        )
    return _Parsed(headers, list(records))


def _plan(session: Session, parsed: _Parsed, progress: Progress) -> _Plan:
    """Validate every row, then decide in file order what each valid row does."""
    total = len(parsed.rows)
    wards = _Wards(session)
    planner = _Planner(session)
    width = len(parsed.headers.headers)
    valid: list[tuple[_Valid, tuple[str, ...]]] = []
    for done, (number, cells) in enumerate(parsed.rows):
        if done % PROGRESS_EVERY == 0:
            progress("Checking rows", done, total)
        original = tuple(cells[:width] if _is_blank(cells[width:]) else cells)
        try:
            values = contact_values(parsed.headers, cells, wards)
        except ValidationError as exc:
            planner.reject(number, original, exc.message)
            continue
        valid.append((_Valid(number, values, _candidate(values)), original))
    progress("Looking for duplicates in the store", total, total)
    in_store = find_duplicates_many(session, [row.candidate for row, _ in valid], limit=20)
    for (row, original), matches in zip(valid, in_store, strict=True):
        planner.take(row, original, matches)
    planner.plan.rejects.sort(key=lambda rejected: rejected.row)
    return planner.plan


# -- writing -------------------------------------------------------------------------------


def _apply(ctx: Context, session: Session, plan: _Plan, progress: Progress) -> None:
    """Fill the planned blanks, then add the new contacts in batches."""
    for contact_id, fills in plan.fills.items():
        contact = session.get(Contact, contact_id)
        assert contact is not None
        for name, value in fills.items():
            setattr(contact, name, value)
        ctx.stamp(contact, creating=False)
    session.flush()
    connection = session.connection()
    for start in range(0, len(plan.creates), BATCH):
        progress("Saving contacts", start, len(plan.creates))
        connection.execute(_INSERT, _stamped(ctx, plan.creates[start : start + BATCH]))


# A Core insert of the contacts table. Every row of a batch has the same keys (None included),
# so each batch is ONE executemany. (An ORM bulk insert, `insert(Contact)`, leaves out the keys
# whose value is None, groups consecutive rows by the keys left, and at 100,000 rows made some
# 57,000 small statements of the batches: most of the import's time.)
_INSERT = insert(cast(Table, Contact.__table__))


def _stamped(ctx: Context, rows: Sequence[_Valid]) -> list[dict[str, Any]]:
    """Column values for a Core insert, stamped by `ctx.stamp` as an ORM object would be.

    A Core executemany is several times faster than ORM objects at 100,000 rows.
    """
    now = utcnow()
    stamped = []
    for row in rows:
        record = SimpleNamespace(**row.values)
        ctx.stamp(record, creating=True, now=now)
        stamped.append(vars(record))
    return stamped


def _check_rejects_path(ctx: Context, path: Path, rejects: Path) -> None:
    refuse_protected(ctx.store.path, rejects)
    check_target(rejects)
    if rejects.exists() and path.exists() and rejects.samefile(path):
        raise ValidationError(
            "The rejects file must be a new file, not the file being imported.", field="rejects"
        )


def _write_rejects(path: Path, headers: HeaderMap, rejects: Sequence[RejectedRow]) -> None:
    """The rejected rows, as in the file, after a `row` and a `reason` column."""
    rows = [("row", "reason", *headers.headers)]
    rows.extend((str(r.row), r.reason, *r.values) for r in rejects)
    write_csv_atomic(path, rows)


def _silent(_stage: str, _done: int, _total: int) -> None:
    return None


def import_contacts(
    ctx: Context,
    path: Path,
    *,
    dry_run: bool = False,
    rejects: Path | None = None,
    progress: Progress = _silent,
) -> ImportReport:
    """Import a contacts CSV all-or-nothing; see the module docstring for the rules.

    `progress(stage, done, total)` is called as the work goes; if it raises (the user pressed
    Cancel), the whole import is rolled back like any other failure.
    """
    ctx.require(Action.IMPORT, "contacts")
    if rejects is not None:
        _check_rejects_path(ctx, path, rejects)
    parsed = _parse_file(path)
    if dry_run:
        with ctx.store.read() as session:
            plan = _plan(session, parsed, progress)
    else:
        with ctx.store.write() as session:
            plan = _plan(session, parsed, progress)
            _apply(ctx, session, plan, progress)
            if rejects is not None:  # inside the transaction: a failure here undoes the import
                _write_rejects(rejects, parsed.headers, plan.rejects)
    if dry_run and rejects is not None:
        _write_rejects(rejects, parsed.headers, plan.rejects)
    return ImportReport(
        added=len(plan.creates),
        updated=plan.updated,
        skipped=plan.skipped,
        rejected=len(plan.rejects),
        rejects=plan.rejects,
        dry_run=dry_run,
        ignored_columns=parsed.headers.ignored,
        rejects_file=rejects,
    )
