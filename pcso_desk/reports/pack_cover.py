"""The monthly pack's first page and the layout rules its tables keep.

The first page names the area and month, says when the pack was published, how to reach the
team (its phone and email, its police station, 101) and when the next public meeting is,
with the team photo beside the contacts when one is set (no empty box when none is); the
pack's first table follows on the same page. Tables never leave a lone row at the foot or
the top of a page: `KeptTable` moves a split that would to a better place.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from pcso_desk.domain.schedule import LONDON
from pcso_desk.reports.common import NAVY, fitted_photo, paragraph_class, uk_date

DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MIN_ROWS = 2  # body rows a table keeps together at either side of a page break


@dataclass(frozen=True)
class TeamContact:
    """How the public reach one neighbourhood team: all public details."""

    team: str
    phone: str = ""
    email: str = ""
    station: str = ""
    station_address: str = ""
    station_phone: str = ""


@dataclass(frozen=True)
class NextMeeting:
    """The next public meeting after the month: when, and its public name."""

    starts_at: datetime
    name: str


@dataclass(frozen=True)
class PackExtras:
    """What the cover shows besides the figures (filled by services/documents/pack_extras)."""

    published_on: date
    contacts: tuple[TeamContact, ...] = ()
    next_meeting: NextMeeting | None = None
    photo: bytes | None = None  # JPEG bytes of the team photo


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def meeting_when(moment: datetime) -> str:
    """'Tuesday 12 January 2027 at 7pm' (7.30pm), in UK time."""
    local = moment.astimezone(LONDON)
    hour = local.hour % 12 or 12
    clock = f"{hour}{'' if local.minute == 0 else f'.{local.minute:02d}'}"
    clock += "am" if local.hour < 12 else "pm"
    return f"{DAYS[local.weekday()]} {uk_date(local)} at {clock}"


def _contact_lines(extras: PackExtras) -> list[str]:
    lines = []
    for contact in extras.contacts:
        several = len(extras.contacts) > 1
        if several:
            lines.append(f"<b>{_escape(contact.team)}</b>")
        if contact.phone:
            lines.append(f"<b>Call the team:</b> {_escape(contact.phone)}")
        if contact.email:
            lines.append(f"<b>Email:</b> {_escape(contact.email)}")
        if contact.station:
            where = f", {contact.station_address}" if contact.station_address else ""
            lines.append(f"<b>Police station:</b> {_escape(contact.station + where)}")
        if contact.station_phone:
            lines.append(f"<b>Station phone:</b> {_escape(contact.station_phone)}")
    lines.append("<b>Report online or call 101</b> when it is not an emergency; 999 when it is.")
    return lines


def contacts_box(extras: PackExtras, st: dict[str, Any], width: float) -> Any:
    """The team's contacts in a framed box, the photo beside them when there is one."""
    from reportlab.lib.colors import HexColor, white
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Table, TableStyle

    make = paragraph_class()
    head = ParagraphStyle("boxhead", parent=st["h3"], textColor=white, spaceBefore=0)
    photo = fitted_photo(extras.photo, 150, 112)
    text_width = width - (166 if photo is not None else 0)
    cells = [[make("Contact your team", head)]]
    cells += [[make(line, st["body"])] for line in _contact_lines(extras)]
    box = Table(cells, colWidths=[text_width])
    box.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 1.5, HexColor(NAVY)),
                ("BACKGROUND", (0, 0), (-1, 0), HexColor(NAVY)),
                ("LEFTPADDING", (0, 0), (-1, -1), 8),
                ("TOPPADDING", (0, 1), (-1, -1), 1),
                ("BOTTOMPADDING", (0, 1), (-1, -1), 1),
            ]
        )
    )
    if photo is None:
        return box
    row = Table([[box, photo]], colWidths=[text_width, 166])
    row.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (0, 0), 0),
                ("ALIGN", (1, 0), (1, 0), "RIGHT"),
            ]
        )
    )
    return row


def cover_lines(extras: PackExtras, st: dict[str, Any], width: float) -> list[Any]:
    """Published date, contacts (and photo), next public meeting."""
    from reportlab.platypus import Spacer

    make = paragraph_class()
    flow: list[Any] = [make(f"Published {uk_date(extras.published_on)}", st["body"])]
    meeting = extras.next_meeting
    if meeting is not None:
        flow.append(
            make(
                f"<b>Next public meeting:</b> {_escape(meeting.name)}, "
                f"{meeting_when(meeting.starts_at)}. Everyone is welcome.",
                st["body"],
            )
        )
    flow += [Spacer(1, 6), contacts_box(extras, st, width), Spacer(1, 6)]
    return flow


def kept_table_class() -> Any:
    """reportlab's Table that never leaves fewer than MIN_ROWS body rows on either side of a
    page break (nor a header alone): a split that would is moved up or to the next page."""
    from reportlab.platypus import Table

    class KeptTable(Table):  # type: ignore[misc]
        def split(self, availWidth: float, availHeight: float) -> list[Any]:
            parts: list[Any] = super().split(availWidth, availHeight)
            if len(parts) != 2:
                return parts
            head = self.repeatRows or 0
            rows = len(self._cellvalues)
            first = len(parts[0]._cellvalues) - head
            if first < MIN_ROWS:
                return []  # the table starts on the next page
            if rows - head - first >= MIN_ROWS:
                return parts
            keep = rows - MIN_ROWS  # rows (with the header) left on this page
            if keep - head < MIN_ROWS:
                return []
            height = sum(self._rowHeights[:keep]) + 0.001
            return list(super().split(availWidth, height))

    return KeptTable


PADDING = (6, 6, 3, 3)  # reportlab's default cell padding: left, right, top, bottom


def _first_rows_height(table: Any, width: float, available: float) -> float:
    """The height of a table's header and first MIN_ROWS rows, from their cells alone (the
    pack's tables have fixed column widths and default padding): no wrap of the whole table.
    The cells remember their lines for the width, so the table's own wrap reuses them."""
    left, right, top, bottom = PADDING
    head = table.repeatRows or 0
    widths = table._argW
    if any(not isinstance(column, int | float) for column in widths):  # not fixed: wrap all
        table.wrap(width, available)
        return float(sum(table._rowHeights[: head + MIN_ROWS]))
    height = 0.0
    for row, styles in zip(table._cellvalues[: head + MIN_ROWS], table._cellStyles, strict=False):
        height += max(
            # a plain-text cell is one line of its cell style's leading (monthly_pack._table)
            style.leading
            if isinstance(cell, str)
            else cell.wrap(column - left - right, available)[1]
            for cell, column, style in zip(row, widths, styles, strict=True)
        )
        height += top + bottom
    return height


def start_together_class() -> Any:
    """A conditional page break that asks for room for a section's start: its heading (and
    chart) and the table's header with its first MIN_ROWS rows. With less room left on the
    page, the section starts on the next; with enough, the table may split further down
    (`KeptTable`), so no page is left near-empty by moving a long table whole."""
    from reportlab.platypus import CondPageBreak

    class StartTogether(CondPageBreak):  # type: ignore[misc]
        def __init__(self, lead: list[Any], table: Any | None) -> None:
            super().__init__(0)
            self.lead, self.table = lead, table

        def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
            needed = 0.0
            for item in self.lead:
                needed += item.wrap(availWidth, availHeight)[1] + item.getSpaceBefore()
                needed += item.getSpaceAfter()
            if self.table is not None:
                needed += _first_rows_height(self.table, availWidth, availHeight)
            self.height = needed
            size: tuple[float, float] = super().wrap(availWidth, availHeight)
            return size

    return StartTogether
