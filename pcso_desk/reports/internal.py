"""Internal documents: KIN call list and victim visit card, OFFICIAL-SENSITIVE on every page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from xml.sax.saxutils import escape

from pcso_desk.reports.common import MARKING, DocumentInfo, render_pdf, styles, uk_date

HANDLING = (
    "Contains personal data. Do not leave unattended, copy or share outside the team. "
    "Shred when no longer needed."
)


@dataclass(frozen=True)
class KinRow:
    name: str
    represents: str
    phone: str
    last_checkin: date | None
    next_due: date | None
    overdue: bool
    # How to reach them (services/documents/briefings.py `reach`): ("E-mail", address) when
    # e-mail is their preferred way, ("Address", ...) for a letter or in person, else the
    # phone (or whatever is recorded); and their preferred way and times as a phrase.
    reach: tuple[str, str] = ("Phone", "")
    preferred: str = ""


@dataclass(frozen=True)
class KinCallList:
    kin_name: str
    area: str
    rows: tuple[KinRow, ...]
    issued_on: date
    # Members who must not be contacted (consent withdrawn or none recorded): counted, never
    # named, so the paper holds nothing about them.
    left_off: int = 0


@dataclass(frozen=True)
class VisitLine:
    when: datetime
    visit_type: str
    method: str
    successful: bool


@dataclass(frozen=True)
class VictimCard:
    crime_reference: str
    offence: str
    victim_name: str
    phone: str
    contact_method: str  # the preferred way and times as a phrase: "e-mail, evenings"
    safe_contact: str
    next_contact_due: datetime | None
    visits: tuple[VisitLine, ...]
    issued_on: date
    reach: tuple[str, str] = ("Phone", "")  # the detail of the preferred way (see KinRow)
    do_not_contact: str = ""  # why the victim must not be contacted, when they must not


def _p(text: str, style: Any) -> Any:
    from reportlab.platypus import Paragraph

    return Paragraph(text, style)


def _day(value: date | None) -> str:
    return f"{value:%d %b %Y}" if value else "\u2014"


def _grid(rows: list[list[Any]], widths: list[str]) -> Any:
    from reportlab.lib.colors import HexColor
    from reportlab.platypus import Table, TableStyle

    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, HexColor("#9aa5b1")),
                ("BACKGROUND", (0, 0), (-1, 0), HexColor("#e3e8ef")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def _reach_cell(row: KinRow, st: dict[str, Any]) -> Any:
    """The detail of the member's preferred way (phone, e-mail or address), and the way."""
    what, detail = row.reach
    shown = escape(detail or row.phone or "\u2014")
    if what != "Phone" and detail:
        shown = f"{escape(what)}: {shown}"
    if not row.preferred:
        return _p(shown, st["body"])
    return [_p(shown, st["body"]), _p(f"Prefers {escape(row.preferred)}", st["small"])]


def left_off_note(count: int) -> str:
    """What the list says of the members it leaves off: how many and why, never who."""
    who = "1 member is" if count == 1 else f"{count} members are"
    return f"{who} left off: consent withdrawn or not recorded, so not to be contacted."


def build_kin_call_list(data: KinCallList, *, invariant: bool = False) -> bytes:
    """One KIN's members to ring, soonest due first; overdue ones say so. Each shows the way
    they prefer to be reached; those who must not be contacted are only counted."""
    st = styles()
    head = ("Member", "Represents", "How to reach", "Last", "Due")
    rows: list[list[Any]] = [[_p(f"<b>{h}</b>", st["small"]) for h in head]]
    for row in data.rows:
        due = _day(row.next_due) + (" <b>(overdue)</b>" if row.overdue else "")
        rows.append(
            [
                _p(escape(row.name), st["body"]),
                _p(escape(row.represents), st["body"]),
                _reach_cell(row, st),
                _p(_day(row.last_checkin), st["body"]),
                _p(due, st["body"]),
            ]
        )
    story = [
        _p(f"KIN call list: {escape(data.kin_name)}", st["title"]),
        _p(f"{escape(data.area)} \u2014 printed {uk_date(data.issued_on)}", st["h3"]),
        _p(escape(HANDLING), st["small"]),
    ]
    if data.left_off:
        story.append(_p(f"<b>{escape(left_off_note(data.left_off))}</b>", st["body"]))
    story.append(
        _grid(rows, ["26%", "19%", "27%", "13%", "15%"])
        if data.rows or not data.left_off
        else _p("No member of this network may be contacted now.", st["body"])
    )
    info = DocumentInfo(title="KIN call list", subject="Internal", marking=MARKING)
    return render_pdf(story, info, invariant=invariant)


def build_victim_card(data: VictimCard, *, invariant: bool = False) -> bytes:
    """One case per card: who, how to contact safely, when next, what happened last."""
    from reportlab.platypus import Spacer

    st = styles()
    due = f"{data.next_contact_due:%d %b %Y %H:%M}" if data.next_contact_due else "\u2014"
    facts = [
        ("Crime reference", data.crime_reference),
        ("Offence", data.offence),
        ("Victim", data.victim_name),
        ("Phone", data.phone or "\u2014"),
        ("Preferred contact", data.contact_method or "\u2014"),
        *([data.reach] if data.reach[0] != "Phone" and data.reach[1] else []),
        ("Safe contact", data.safe_contact or "No instructions recorded."),
        ("Next contact due", due),
    ]
    rows = [[_p(f"<b>{k}</b>", st["body"]), _p(escape(v), st["body"])] for k, v in facts]
    if data.do_not_contact:  # first, in bold: the victim asked the team to stop
        stop = f'<b><font color="#b3261e">{escape(data.do_not_contact)}</font></b>'
        rows.insert(0, [_p("<b>Do not contact</b>", st["body"]), _p(stop, st["body"])])
    visits: list[list[Any]] = [
        [_p(f"<b>{h}</b>", st["small"]) for h in ("When", "Type", "How", "Outcome")]
    ]
    for visit in data.visits:
        outcome = "Made contact" if visit.successful else "No contact"
        visits.append(
            [
                _p(f"{visit.when:%d %b %Y %H:%M}", st["body"]),
                _p(visit.visit_type.replace("_", " ").capitalize(), st["body"]),
                _p(visit.method.capitalize(), st["body"]),
                _p(outcome, st["body"]),
            ]
        )
    story = [
        _p("Victim visit card", st["title"]),
        _p(escape(HANDLING), st["small"]),
        _grid([[_p("<b>Case</b>", st["small"]), _p("", st["small"])], *rows], ["32%", "68%"]),
        Spacer(1, 10),
        _p("Last contacts", st["h2"]),
        _grid(visits, ["30%", "30%", "18%", "22%"])
        if data.visits
        else _p("No contact recorded yet.", st["body"]),
    ]
    info = DocumentInfo(title="Victim visit card", subject="Internal", marking=MARKING)
    return render_pdf(story, info, invariant=invariant)
