"""`pcso-desk export TABLE --format csv|xlsx --out FILE`.

Exports the live rows of one table (no tombstones, no merged-away contacts) with human
headers, names instead of ids, enum values, UK display phone numbers and lists joined with
"; ". Restricted columns never leave through this function, nor do sync internals (hlc,
station). Rows stream from SQL in batches, so a county-sized table is never held in memory.

Every text cell that a spreadsheet could run as a formula (it starts with =, +, -, @, a tab
or a carriage return) is neutralised with a leading single quote (OWASP "CSV injection"), in
CSV and XLSX alike. Files are written to a temporary file beside the target and moved into
place, so a failed export never leaves half a file under the name asked for.

Times are shown in UK local time (Europe/London), the time officers see and type.

Who is left off. `contacts` and `kin-members` are lists to contact people from (a mail-out,
a ring-round), so a person the team must not contact (domain/consent.py `contact_stop`:
consent withdrawn, or held on consent with none recorded) is left off them, and counted in
the result (never named). `everyone=True` (`export --everyone`) keeps them in, each marked in
a last "Do not contact" column with the reason, for a records review. Engagements, meetings
and priorities are records of work, not lists to contact anyone from: unchanged. A person's
own data goes out whole through subject access (services/protection/subject_access.py).

Every export holds the team's records about people, so every file is marked
OFFICIAL-SENSITIVE: a CSV's first line is the marking alone (the header follows it), and a
workbook carries it in each sheet's printed header and footer and in its document properties.
"""

from __future__ import annotations

import csv
import enum
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from sqlalchemy import Select, select
from sqlalchemy.orm import QueryableAttribute, Session, aliased

from pcso_desk.atomic import atomic_path as replace_via
from pcso_desk.domain import validation
from pcso_desk.domain.consent import FACTS as CONSENT_FACTS
from pcso_desk.domain.consent import contact_stop
from pcso_desk.domain.enums import Sensitivity
from pcso_desk.domain.errors import ValidationError
from pcso_desk.domain.kinds import CONTACTS, INTELLIGENCE_REPORTS, Kind
from pcso_desk.domain.permissions import Action
from pcso_desk.domain.validation import format_phone
from pcso_desk.reports.common import MARKING
from pcso_desk.services.context import Context
from pcso_desk.store import models as m

EXPORTABLE = (
    "contacts", "engagements", "meetings", "priorities", "kin-members", "intelligence-reports",
)  # fmt: skip
FORMATS = ("csv", "xlsx")
BATCH = 1000
LONDON = ZoneInfo("Europe/London")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"

# Loads, for a batch of row ids, the names linked to each id (an engagement's contacts...).
Linked = Callable[[Session, list[str]], dict[str, list[str]]]


@dataclass(frozen=True)
class Col:
    """One exported column: a header and either a selected attribute or linked names."""

    header: str
    attr: Any = None  # an ORM attribute (possibly of an alias)
    linked: Linked | None = None
    phone: bool = False


@dataclass(frozen=True)
class Table:
    """What one exportable table selects, from where, in what order."""

    key: Any  # the id attribute, selected first and passed to linked loaders
    columns: tuple[Col, ...]
    select_from: Callable[[Select[Any]], Select[Any]]
    # The contact (model or alias) each row is a way to reach: a list to contact people
    # from, which leaves off those who must not be contacted. None for records of work.
    person: Any = None


@dataclass(frozen=True)
class Exported:
    """What an export wrote: its rows, and how many people it left off (do not contact)."""

    rows: int
    left_off: int = 0


DO_NOT_CONTACT = "Do not contact"


def neutralise(text: str) -> str:
    """Prefix a quote to text a spreadsheet would run as a formula (OWASP CSV injection)."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def is_restricted(attr: Any) -> bool:
    """Whether an attribute's column is classed RESTRICTED (read from the column's info)."""
    if not isinstance(attr, QueryableAttribute):
        return False
    columns = getattr(attr.property, "columns", ())
    return any(col.info.get("sensitivity") == Sensitivity.RESTRICTED for col in columns)


def _links(link: Any, owner: Any, target_key: Any, target: Any, label: Any) -> Linked:
    """A loader of `label` names reached through a link table, ordered by name."""

    def load(session: Session, ids: list[str]) -> dict[str, list[str]]:
        stmt = (
            select(owner, label)
            .join(target, target.id == target_key)
            .where(owner.in_(ids), link.deleted_at.is_(None), target.deleted_at.is_(None))
            .order_by(label)
        )
        found: dict[str, list[str]] = {}
        for owner_id, name in session.execute(stmt):
            found.setdefault(owner_id, []).append(name)
        return found

    return load


# -- the tables ----------------------------------------------------------------------------


def _declared(kind: Kind, model: Any) -> tuple[list[Col], list[tuple[Any, Any]]]:
    """A declared kind's exported columns, in its form's order, and the joins their
    references need: a reference shows the name of the record it points at."""
    tables = {mapper.class_.__tablename__: mapper.class_ for mapper in m.Base.registry.mappers}
    cols, joins = [], []
    for f in kind.exported():
        attr = getattr(model, f.key)
        if f.kind in ("ref", "pick") and f.ref:
            target = aliased(tables[f.ref])
            joins.append((target, target.id == attr))
            attr = target.name
        cols.append(Col(f.header, attr, phone=f.normalise is validation.normalise_phone))
    return cols, joins


def _contacts() -> Table:
    c = m.Contact
    cols, joins = _declared(CONTACTS, c)
    cols += [Col("Created", c.created_at), Col("Updated", c.updated_at)]

    def shape(stmt: Select[Any]) -> Select[Any]:
        for target, on in joins:
            stmt = stmt.outerjoin(target, on)
        return stmt.where(c.deleted_at.is_(None), c.merged_into_id.is_(None)).order_by(
            c.name.collate("NOCASE"), c.id
        )

    return Table(c.id, tuple(cols), shape, person=c)


def _engagements() -> Table:
    e, ward, officer = m.Engagement, aliased(m.Ward), aliased(m.Officer)
    link = m.EngagementContact
    contacts = _links(link, link.engagement_id, link.contact_id, m.Contact, m.Contact.name)
    cols = (
        Col("Date and time", e.occurred_at),
        Col("Officer", officer.name),
        Col("Ward", ward.name),
        Col("Contacts", linked=contacts),
        Col("Channel", e.channel),
        Col("Summary", e.summary),
        Col("Issues", e.issues),
        Col("Follow-up due", e.follow_up_due),
        Col("Follow-up done", e.follow_up_done),
    )

    def shape(stmt: Select[Any]) -> Select[Any]:
        return (
            stmt.outerjoin(ward, ward.id == e.ward_id)
            .outerjoin(officer, officer.id == e.officer_id)
            .where(e.deleted_at.is_(None))
            .order_by(e.occurred_at, e.id)
        )

    return Table(e.id, cols, shape)


def _meetings() -> Table:
    mt, hood = m.Meeting, aliased(m.Neighbourhood)
    mw, mo = m.MeetingWard, m.MeetingOfficer
    wards = _links(mw, mw.meeting_id, mw.ward_id, m.Ward, m.Ward.name)
    officers = _links(mo, mo.meeting_id, mo.officer_id, m.Officer, m.Officer.name)
    cols = (
        Col("Starts", mt.starts_at),
        Col("Ends", mt.ends_at),
        Col("Type", mt.meeting_type),
        Col("Title", mt.title),
        Col("Venue", mt.venue),
        Col("Status", mt.status),
        Col("Neighbourhood", hood.name),
        Col("Wards", linked=wards),
        Col("Officers present", linked=officers),
        Col("Attendance", mt.attendance),
        Col("Partners present", mt.partners_present),
        Col("Issues raised", mt.issues_raised),
        Col("Notes", mt.notes),
    )

    def shape(stmt: Select[Any]) -> Select[Any]:
        return (
            stmt.outerjoin(hood, hood.id == mt.neighbourhood_id)
            .where(mt.deleted_at.is_(None))
            .order_by(mt.starts_at, mt.id)
        )

    return Table(mt.id, cols, shape)


def _priorities() -> Table:
    p, hood, ward = m.Priority, aliased(m.Neighbourhood), aliased(m.Ward)
    meeting, owner = aliased(m.Meeting), aliased(m.Officer)
    cols = (
        Col("Title", p.title),
        Col("Public wording", p.public_wording),
        Col("Internal notes", p.internal_notes),
        Col("Category", p.category),
        Col("Neighbourhood", hood.name),
        Col("Ward", ward.name),
        Col("Raised at meeting", meeting.title),
        Col("Source", p.source),
        Col("Agreed on", p.agreed_on),
        Col("Review on", p.review_on),
        Col("Owner", owner.name),
        Col("Status", p.status),
        Col("Review decision", p.review_decision),
        Col("Review decided on", p.review_decided_on),
        Col("Review reason", p.review_reason),
    )

    def shape(stmt: Select[Any]) -> Select[Any]:
        return (
            stmt.outerjoin(hood, hood.id == p.neighbourhood_id)
            .outerjoin(ward, ward.id == p.ward_id)
            .outerjoin(meeting, meeting.id == p.meeting_id)
            .outerjoin(owner, owner.id == p.owner_id)
            .where(p.deleted_at.is_(None))
            .order_by(p.agreed_on, p.title, p.id)
        )

    return Table(p.id, cols, shape)


def _kin_members() -> Table:
    km, kin, contact = m.KinMember, aliased(m.Kin), aliased(m.Contact)
    cols = (
        Col("Network", kin.name),
        Col("Member", contact.name),
        Col("Organisation", contact.organisation),
        Col("Represents", km.represents),
        Col("Why key", km.why_key),
        Col("Check-in every (weeks)", km.cadence_weeks),
        Col("Joined", km.joined_on),
        Col("Left", km.left_on),
        Col("Last check-in", km.last_checkin_on),
        Col("Next check-in due", km.next_checkin_due),
    )

    def shape(stmt: Select[Any]) -> Select[Any]:
        return (
            stmt.join(kin, kin.id == km.kin_id)
            .join(contact, contact.id == km.contact_id)
            .where(km.deleted_at.is_(None), kin.deleted_at.is_(None))
            .where(contact.deleted_at.is_(None))
            .order_by(kin.name.collate("NOCASE"), contact.name.collate("NOCASE"), km.id)
        )

    return Table(km.id, cols, shape, person=contact)


def _intelligence() -> Table:
    """The intelligence ledger: references, dates, categories and source types only."""
    r = m.IntelligenceReport
    cols, joins = _declared(INTELLIGENCE_REPORTS, r)

    def shape(stmt: Select[Any]) -> Select[Any]:
        for target, on in joins:
            stmt = stmt.outerjoin(target, on)
        return stmt.where(r.deleted_at.is_(None)).order_by(r.submitted_on, r.force_reference, r.id)

    return Table(r.id, tuple(cols), shape)


TABLES: dict[str, Callable[[], Table]] = {
    "contacts": _contacts,
    "engagements": _engagements,
    "meetings": _meetings,
    "priorities": _priorities,
    "kin-members": _kin_members,
    "intelligence-reports": _intelligence,
}


def _exported_columns(table: Table) -> tuple[Col, ...]:
    """The table's columns less any restricted one (roles that may see them come later)."""
    return tuple(col for col in table.columns if not is_restricted(col.attr))


# -- values --------------------------------------------------------------------------------


def cell_value(value: Any, *, phone: bool = False) -> Any:
    """A stored value as a spreadsheet cell: text, number, naive UK-local datetime or date."""
    if value is None:
        return None
    if isinstance(value, enum.Enum):
        return neutralise(str(value.value))
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime):
        local = value.astimezone(LONDON) if value.tzinfo else value
        return local.replace(tzinfo=None)
    if isinstance(value, list | tuple):
        return neutralise("; ".join(str(item) for item in value))
    if isinstance(value, str):
        return neutralise(format_phone(value) if phone and value else value)
    return value


def _rows(
    session: Session,
    table: Table,
    columns: Sequence[Col],
    *,
    everyone: bool = False,
    left_off: list[int] | None = None,
) -> Iterator[list[Any]]:
    """Exported rows, batch by batch from SQL, with linked names loaded per batch. A table of
    people leaves off those who must not be contacted (counted into `left_off[0]`), or with
    `everyone` keeps them, saying why in a last column."""
    selected = [col for col in columns if col.attr is not None]
    facts = (
        [getattr(table.person, name) for name in CONSENT_FACTS] if table.person is not None else []
    )
    stmt = table.select_from(select(table.key, *(col.attr for col in selected), *facts))
    result = session.execute(stmt.execution_options(yield_per=BATCH))
    width = 1 + len(selected)
    for batch in result.partitions():
        ids = [row[0] for row in batch]
        linked = {col.header: col.linked(session, ids) for col in columns if col.linked is not None}
        for row in batch:
            stop = (
                contact_stop(dict(zip(CONSENT_FACTS, row[width:], strict=True))) if facts else None
            )
            if stop and not everyone:
                if left_off is not None:
                    left_off[0] += 1
                continue
            values = dict(zip((col.header for col in selected), row[1:width], strict=True))
            cells = [
                cell_value(linked[col.header].get(row[0], []))
                if col.linked is not None
                else cell_value(values[col.header], phone=col.phone)
                for col in columns
            ]
            if facts and everyone:
                cells.append(stop.reason if stop else "")
            yield cells


# -- files ---------------------------------------------------------------------------------


def check_target(target: Path) -> None:
    """Refuse, in one sentence, an output path that cannot be a new file."""
    if not target.parent.is_dir():
        raise ValidationError(f"The folder '{target.parent}' does not exist.", field="out")
    if target.is_dir():
        raise ValidationError(f"'{target}' is a folder; give a file name.", field="out")


@contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """A temporary path beside `target`, moved onto it only if the block succeeds."""
    check_target(target)
    with replace_via(target) as temp:
        yield temp


def _not_written(target: Path, exc: OSError) -> ValidationError:
    why = exc.strerror or str(exc)
    return ValidationError(f"'{target}' could not be written: {why}.", field="out")


def csv_cell(value: Any) -> Any:
    """A cell as PCSO Desk's CSV files hold it: text neutralised against formula injection,
    times to the minute, dates as ISO, nothing as empty."""
    if isinstance(value, str):
        return neutralise(value)
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return value


def write_csv_atomic(
    target: Path, rows: Iterable[Sequence[Any]], *, marking: str | None = None
) -> int:
    """Write rows (the first is the header) as UTF-8 CSV with a BOM, so Excel reads it right.

    With a `marking` (an internal file) the first line is the marking alone, then the header.
    Text cells are neutralised against formula injection. Returns the rows after the header.
    """
    count = -1
    try:
        with atomic_path(target) as temp, temp.open("w", encoding="utf-8-sig", newline="") as f:
            writer = csv.writer(f)
            if marking:
                writer.writerow([marking])
            for count, row in enumerate(rows):  # noqa: B007 - the count is the result
                writer.writerow([csv_cell(c) for c in row])
            f.flush()
            os.fsync(f.fileno())
    except OSError as exc:
        raise _not_written(target, exc) from None
    return max(count, 0)


def _xlsx_value(sheet: Any, value: Any) -> Any:
    """A value for a write-only sheet: empty text as no cell; times in a readable format."""
    if isinstance(value, str):  # control characters are not allowed in a workbook's XML
        return ILLEGAL_CHARACTERS_RE.sub("", value) or None
    if isinstance(value, datetime):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = DATETIME_FORMAT
        return cell
    return value  # openpyxl gives a date the yyyy-mm-dd format itself


def _bold(sheet: Any, text: str) -> Any:
    cell = WriteOnlyCell(sheet, value=text)
    cell.font = Font(bold=True)
    return cell


def mark_workbook(book: Any, marking: str, title: str = "") -> None:
    """An internal workbook's document properties say it is `marking`, internal."""
    said = f"{marking} — internal"
    book.properties.title = f"{title} ({said})" if title else said
    book.properties.subject = said
    book.properties.keywords = said
    book.properties.category = marking


def mark_sheet(sheet: Any, marking: str) -> None:
    """The marking in the middle of a sheet's printed header and footer, on every page."""
    for part in (sheet.oddHeader, sheet.oddFooter, sheet.evenHeader, sheet.evenFooter):
        part.center.text = marking
        part.center.font = "Arial,Bold"
        part.center.size = 12


def write_xlsx_atomic(
    target: Path, sheet_name: str, rows: Iterable[Sequence[Any]], *, marking: str | None = None
) -> int:
    """Write rows (the first is the header, in bold) to a one-sheet workbook, marked in its
    printed header, footer and properties when `marking` is given."""
    check_target(target)
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=sheet_name[:31])
    if marking:
        mark_workbook(book, marking, f"PCSO Desk export: {sheet_name}")
        mark_sheet(sheet, marking)
    count = -1
    try:
        for count, row in enumerate(rows):
            if count == 0:
                sheet.append([_bold(sheet, str(header)) for header in row])
            else:
                sheet.append([_xlsx_value(sheet, value) for value in row])
    except BaseException:
        _discard(sheet)
        raise
    try:
        with atomic_path(target) as temp:
            book.save(str(temp))
    except OSError as exc:
        raise _not_written(target, exc) from None
    return max(count, 0)


def _discard(sheet: Any) -> None:
    """Close and delete a write-only sheet's temporary file after a failure part-way."""
    with suppress(Exception):
        sheet.close()
        sheet._writer.cleanup()


def export_table(
    ctx: Context, table: str, fmt: str, out: Path, *, everyone: bool = False
) -> Exported:
    """Export one table's live rows to `out` as CSV or XLSX. A list of people (contacts, KIN
    members) leaves off those who must not be contacted unless `everyone` (see above)."""
    ctx.require(Action.EXPORT, table)
    if table not in TABLES:
        raise ValidationError(
            f"'{table}' cannot be exported; choose one of: {', '.join(EXPORTABLE)}.", "table"
        )
    if fmt not in FORMATS:
        raise ValidationError(f"'{fmt}' is not an export format; choose csv or xlsx.", "format")
    check_target(out)
    spec = TABLES[table]()
    columns = _exported_columns(spec)
    header = [col.header for col in columns]
    if spec.person is not None and everyone:
        header.append(DO_NOT_CONTACT)
    left_off = [0]
    with ctx.store.read() as session:
        body = _rows(session, spec, columns, everyone=everyone, left_off=left_off)
        rows = _with_header(header, body)
        if fmt == "csv":
            written = write_csv_atomic(out, rows, marking=MARKING)
        else:
            written = write_xlsx_atomic(out, table, rows, marking=MARKING)
    return Exported(written, left_off[0])


def _with_header(header: list[str], rows: Iterator[list[Any]]) -> Iterator[Sequence[Any]]:
    yield header
    yield from rows
