"""`pcso-desk import contacts FILE.csv [--dry-run] [--rejects OUT.csv]`.

Reads a contacts CSV as Excel or another tool saved it (UTF-8 with or without a BOM, UTF-16
with a BOM, or Windows-1252; comma, semicolon or tab separated, an Excel `sep=` line
honoured) as a stream (`csv_reading`: what is refused, how the encoding and delimiter are
found, and how quoting errors reject a row rather than merge rows), maps its header
spellings (`csv_headers`), and then, in ONE transaction, reads, checks and inserts the rows
`BATCH` at a time, and fills blank fields of contacts the store already has (and adds the
row's tags to theirs: the one rule of domain/carry.py, which a merge follows). Memory does not
grow with the file, except for the within-file duplicate index (a few hundred bytes a row).

A row is rejected, with one sentence saying why, when it cannot be read as a row of the
header's shape, when a value is invalid, when it repeats an earlier row of the file, or when
it looks like an existing contact without being certainly the same person. The store's
duplicates are looked for among the contacts it held before the import (rows the import
added are the file's, and the within-file check judges those). Nothing is written on a dry
run, or when anything fails part-way (the transaction is rolled back); a file that is not a
contacts CSV at all is refused with a ValidationError, before the store is touched.

Row numbers are those a spreadsheet shows: the header is row 1, and blank lines count.
"""

from __future__ import annotations

import csv
import tempfile
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from itertools import chain, islice
from pathlib import Path
from types import SimpleNamespace
from typing import IO, Any, cast

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from pcso_desk.domain import validation as v
from pcso_desk.domain.carry import carried
from pcso_desk.domain.enums import ContactKind, ContactMethod, LawfulBasis
from pcso_desk.domain.errors import ValidationError
from pcso_desk.domain.permissions import Action
from pcso_desk.domain.wording import counted
from pcso_desk.reports.common import MARKING
from pcso_desk.services.context import Context
from pcso_desk.services.protection.outputs import refuse_protected
from pcso_desk.services.records.csv_headers import HeaderMap, map_headers, parse_choice
from pcso_desk.services.records.csv_reading import (
    BINARY,
    CONTROL,
    MAGIC,
    SNIFF_CHARS,
    Record,
    RowReader,
    detect_encoding,
    is_marking,
    open_regular,
    refuse,
)
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
BATCH = 2000  # rows read, checked and written at a time
KEPT_REJECTS = 1000  # rejected rows the report holds; the rejects file has them all
# Fields an import may fill on an existing contact when they are blank there; never overwritten.
FILLABLE = CONTACT_FILLABLE
# Longest text the store's columns hold, with the field's name in a sentence.
LIMITS = {
    "organisation": ("organisation", 200),
    "role_title": ("role", 120),
    "preferred_times": ("preferred times", 200),
}


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
    rejects: list[RejectedRow]  # the first KEPT_REJECTS of them, in file order
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
    """What the rows do to the store, decided a batch at a time in file order."""

    creates: list[_Valid] = field(default_factory=list)  # the batch's new contacts
    added: int = 0
    fills: dict[str, dict[str, Any]] = field(default_factory=dict)  # contact id -> new values
    updated: int = 0
    skipped: int = 0


class _Rejects:
    """Every rejected row: the first `KEPT_REJECTS` kept for the report, and all of them in a
    temporary file beside the rejects file (when one was asked for) until it is written."""

    def __init__(self, target: Path | None) -> None:
        self.count = 0
        self.kept: list[RejectedRow] = []
        self._spool: IO[str] | None = None
        if target is not None:
            try:
                self._spool = tempfile.TemporaryFile(  # noqa: SIM115 - closed by close()
                    "w+", encoding="utf-8", newline="", dir=target.parent
                )
            except OSError as exc:
                raise ValidationError(
                    f"The rejects file cannot be written in '{target.parent}': {exc.strerror}.",
                    field="rejects",
                ) from None

    def add(self, rows: list[RejectedRow]) -> None:
        """A batch's rejected rows (any order)."""
        rows.sort(key=lambda rejected: rejected.row)
        self.count += len(rows)
        self.kept.extend(rows[: max(0, KEPT_REJECTS - len(self.kept))])
        if self._spool is not None:
            csv.writer(self._spool).writerows((r.row, r.reason, *r.values) for r in rows)

    def write(self, path: Path, headers: HeaderMap) -> None:
        """The rejected rows, as in the file, after a `row` and a `reason` column."""
        assert self._spool is not None
        self._spool.flush()
        self._spool.seek(0)
        header = ("row", "reason", *headers.headers)
        rows = chain([header], csv.reader(self._spool))
        write_csv_atomic(path, rows, marking=MARKING)  # the rejected rows are people's data

    def close(self) -> None:
        if self._spool is not None:
            self._spool.close()


# -- reading the file ----------------------------------------------------------------------


def read_text(path: Path) -> str:
    """The whole text of a small CSV (the crimes import): UTF-8 (BOM or not), UTF-16 with a
    BOM, or else Windows-1252; refuses what is not a regular text file."""
    with open_regular(path) as handle:
        data = handle.read()
    for magic, why in MAGIC:
        if data.startswith(magic):
            raise refuse(path, why)
    text = _decode(path, data)
    if not text.strip():
        raise refuse(path, "it is empty")
    sample = text[:SNIFF_CHARS]
    if "\x00" in text or len(CONTROL.findall(sample)) * 100 > len(sample):
        raise refuse(path, BINARY)
    return text


def _decode(path: Path, data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode Text"
        return data.decode("utf-16", errors="replace")
    if b"\x00" in data:
        raise refuse(path, BINARY)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:  # what Excel on Windows saves as "CSV (Comma delimited)"
        return data.decode("cp1252")
    except UnicodeDecodeError:  # the five bytes Windows-1252 leaves undefined
        raise refuse(path, BINARY) from None


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

    def __init__(self, session: Session, upto: int) -> None:
        self.session = session
        self.upto = upto  # the store's contacts before the import: the rowids up to this one
        self.index = DuplicateIndex()
        self.plan = _Plan()
        self.rejected: list[RejectedRow] = []  # the current batch's
        self._current: dict[str, dict[str, Any]] = {}  # contact id -> values with planned fills

    def take(self, row: _Valid, cells: tuple[str, ...], matches: list[DuplicateMatch]) -> None:
        """Decide what a valid row does, given the store's likely duplicates of it."""
        earlier = self.index.match_and_add(row.row, row.candidate)
        if earlier is not None:
            self.reject(row.row, cells, f"Duplicate of row {earlier:,} in this file.")
            return
        same = next((m for m in matches if _same_person(row.candidate, m)), None)
        if same is not None:
            self._fill_blanks(same.contact_id, row.values)
        elif matches:
            self.reject(row.row, cells, _likely_duplicate(matches[0]))
        else:
            self.plan.creates.append(row)

    def reject(self, number: int, cells: tuple[str, ...], reason: str) -> None:
        self.rejected.append(RejectedRow(number, cells, reason))

    def _fill_blanks(self, contact_id: str, values: dict[str, Any]) -> None:
        current = self._current.get(contact_id)
        if current is None:
            contact = self.session.get(Contact, contact_id)
            assert contact is not None  # found live by find_duplicates in this transaction
            current = self._current[contact_id] = {n: getattr(contact, n) for n in FILLABLE}
        fills = carried(current, values)  # blanks filled, tags united (domain/carry.py)
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
class _Source:
    """The file being imported: its reader, header map and the rows after the header."""

    reader: RowReader
    headers: HeaderMap
    rows: Iterator[Record]


def _open_rows(path: Path) -> _Source:
    """The file, read up to its header; refuses a file that is not a contacts CSV (before
    anything is written)."""
    reader = RowReader(path, detect_encoding(path))
    try:
        rows = (record for record in reader if record.problem or not record.blank)
        first = next(rows, None)
        if first is None:
            raise refuse(path, "it is empty")
        if first.problem is None and is_marking(first.cells):
            first = next(rows, None)  # an internal export's OFFICIAL-SENSITIVE line
            if first is None:
                raise refuse(path, "it is empty")
        if first.problem is not None:
            raise ValidationError(first.problem, field="file")
        headers = map_headers(first.cells)
        if not headers.has_name:
            raise refuse(
                path, "its first row has no Name column (or First name and Last name columns)"
            )
    except BaseException:
        reader.close()
        raise
    return _Source(reader, headers, rows)


def _last_rowid(session: Session) -> int:
    """The contacts table's highest rowid before the import: rows after it are the import's."""
    found = session.connection().exec_driver_sql(f"SELECT max(rowid) FROM {_TABLE.name}")
    return int(found.scalar() or 0)


def _run(
    ctx: Context, session: Session, source: _Source, rejects: _Rejects, *, write: bool,
    progress: Progress,
) -> _Plan:  # fmt: skip
    """Check, decide and (unless `write` is False) insert the rows a batch at a time."""
    reader, headers, rows = source.reader, source.headers, source.rows
    wards = _Wards(session)
    planner = _Planner(session, _last_rowid(session))
    width = len(headers.headers)
    while batch := list(islice(rows, BATCH)):
        progress("Checking rows", reader.position, reader.size)
        valid: list[tuple[_Valid, tuple[str, ...]]] = []
        rejected = planner.rejected = []
        for record in batch:
            cells = record.cells
            if record.problem is not None:
                rejected.append(RejectedRow(record.number, tuple(cells), record.problem))
                continue
            original = tuple(cells[:width] if _is_blank(cells[width:]) else cells)
            try:
                values = contact_values(headers, cells, wards)
            except ValidationError as exc:
                rejected.append(RejectedRow(record.number, original, exc.message))
                continue
            valid.append((_Valid(record.number, values, _candidate(values)), original))
        in_store = find_duplicates_many(
            session, [row.candidate for row, _ in valid], limit=20, upto_rowid=planner.upto
        )
        for (row, original), matches in zip(valid, in_store, strict=True):
            planner.take(row, original, matches)
        rejects.add(rejected)
        plan = planner.plan
        creates, plan.creates = plan.creates, []
        plan.added += len(creates)
        if write and creates:
            progress("Saving contacts", reader.position, reader.size)
            _insert(ctx, session, creates)
    progress("Checking rows", reader.size, reader.size)
    return planner.plan


# -- writing -------------------------------------------------------------------------------


def _fill_blanks(ctx: Context, session: Session, plan: _Plan) -> None:
    """Fill the planned blanks of existing contacts (after the inserts: the duplicate checks
    saw the store as it was before the import)."""
    for contact_id, fills in plan.fills.items():
        contact = session.get(Contact, contact_id)
        assert contact is not None
        for name, value in fills.items():
            setattr(contact, name, value)
        ctx.stamp(contact, creating=False)
    session.flush()


# The contacts table's columns, in order, and ONE executemany of a batch's rows straight to
# the driver, each row a tuple of stored values. (An ORM bulk insert, `insert(Contact)`,
# leaves out the keys whose value is None, groups consecutive rows by the keys left, and at
# 100,000 rows made some 57,000 small statements of the batches; a Core insert made one
# statement per batch but spent longer checking and converting each row's dict than SQLite
# spent writing it.)
_TABLE = cast(Table, Contact.__table__)
_COLUMNS = tuple(_TABLE.columns)
_INSERT_SQL = (
    f"INSERT INTO {_TABLE.name} ({', '.join(c.name for c in _COLUMNS)}) "
    f"VALUES ({', '.join('?' for _ in _COLUMNS)})"
)


def _insert(ctx: Context, session: Session, rows: Sequence[_Valid]) -> None:
    """Insert the batch's new contacts, stamped by `ctx.stamp` as an ORM object would be,
    every other column given its default and every value converted by its column's type as
    SQLAlchemy would (an aware datetime to UTC text, an enum to its value, a list to JSON)."""
    dialect = session.get_bind().dialect
    convert = [(c.name, c.type.dialect_impl(dialect).bind_processor(dialect), c.default)
               for c in _COLUMNS]  # fmt: skip
    now = utcnow()
    stored = []
    for row in rows:
        record = SimpleNamespace(**row.values)
        ctx.stamp(record, creating=True, now=now)
        values = vars(record)
        stored.append(tuple(_stored(values, *column) for column in convert))
    session.connection().exec_driver_sql(_INSERT_SQL, stored)


def _stored(values: dict[str, Any], name: str, process: Any, default: Any) -> Any:
    """A column's stored value: the row's, else its default; NULL (not JSON null) when it
    has neither, as a Core insert that leaves the column out."""
    if name in values:
        value = values[name]
    elif default is None:
        return None
    else:
        value = default.arg(None) if default.is_callable else default.arg
    return value if process is None else process(value)


def _check_rejects_path(ctx: Context, path: Path, rejects: Path) -> None:
    refuse_protected(ctx.store.path, rejects)
    check_target(rejects)
    if rejects.exists() and path.exists() and rejects.samefile(path):
        raise ValidationError(
            "The rejects file must be a new file, not the file being imported.", field="rejects"
        )


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
    source = _open_rows(path)
    headers = source.headers
    with source.reader, closing(_Rejects(rejects)) as kept:
        if dry_run:
            with ctx.store.read() as session:
                plan = _run(ctx, session, source, kept, write=False, progress=progress)
            if rejects is not None:
                kept.write(rejects, headers)
        else:
            with ctx.store.write() as session:
                plan = _run(ctx, session, source, kept, write=True, progress=progress)
                _fill_blanks(ctx, session, plan)
                if rejects is not None:  # inside the transaction: a failure here undoes it
                    kept.write(rejects, headers)
    return ImportReport(
        added=plan.added,
        updated=plan.updated,
        skipped=plan.skipped,
        rejected=kept.count,
        rejects=kept.kept,
        dry_run=dry_run,
        ignored_columns=headers.ignored,
        rejects_file=rejects,
    )
