"""The public meeting pack: an agenda and a sign-in sheet with consent tick-boxes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from xml.sax.saxutils import escape

from pcso_desk.reports.briefing import PublicEvent, when
from pcso_desk.reports.common import DocumentInfo, render_pdf, styles, uk_date

AGENDA = (
    "Welcome and apologies",
    "Minutes of the last meeting and matters arising",
    "Police report",
    "Community concerns",
    "Agreeing our priorities",
    "Date of the next meeting",
)
SIGN_IN_ROWS = 18
CONSENT = (
    "Tick the box if you are happy for the Safer Neighbourhood Team to contact you about "
    "local policing. You can ask us to stop at any time. Leave it blank and we will not "
    "contact you."
)


@dataclass(frozen=True)
class MeetingPack:
    meeting: PublicEvent
    team_name: str
    areas: tuple[str, ...]
    officers: tuple[str, ...]
    priorities: tuple[str, ...]
    next_date: datetime | None


def _p(text: str, style: Any) -> Any:
    from reportlab.platypus import Paragraph

    return Paragraph(text, style)


def _agenda(data: MeetingPack, st: dict[str, Any]) -> list[Any]:
    from reportlab.platypus import ListFlowable, ListItem

    event = data.meeting
    place = f"<br/>{escape(event.venue)}" if event.venue else ""
    story: list[Any] = [
        _p(escape(event.title), st["title"]),
        _p(f"{escape(event.kind)}, {when(event.starts, event.ends)}{place}", st["h3"]),
    ]
    if data.areas:
        story.append(_p("For " + escape(", ".join(data.areas)), st["body"]))
    if data.officers:
        story.append(_p("Officers attending: " + escape(", ".join(data.officers)), st["body"]))
    items = []
    for item in AGENDA:
        text = escape(item)
        if item.startswith("Agreeing") and data.priorities:
            text += "<br/>Current: " + escape("; ".join(data.priorities))
        if item.startswith("Date") and data.next_date:
            text += (
                f": proposed {data.next_date:%A} {uk_date(data.next_date)}, {data.next_date:%H:%M}"
            )
        items.append(ListItem(_p(text, st["body"]), leftIndent=18))
    story += [_p("Agenda", st["h2"]), ListFlowable(items, bulletType="1")]
    return story


def _tick_box() -> Any:
    """An empty square to tick: drawn, not a glyph, so every printer shows it."""
    from reportlab.platypus import Table, TableStyle

    box = Table([[""]], colWidths=[14], rowHeights=[14])
    box.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 1, "#1f3a5f")]))
    return box


def _sign_in(data: MeetingPack, st: dict[str, Any]) -> list[Any]:
    from reportlab.lib.colors import HexColor
    from reportlab.platypus import PageBreak, Table, TableStyle

    head = ["Name", "Street or area", "Phone or email", "Contact me?"]
    rows: list[list[Any]] = [[_p(f"<b>{h}</b>", st["small"]) for h in head]]
    rows += [["", "", "", _tick_box()] for _ in range(SIGN_IN_ROWS)]
    table = Table(rows, colWidths=["30%", "26%", "30%", "14%"], rowHeights=[None] + [26] * 18)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, HexColor("#9aa5b1")),
                ("BACKGROUND", (0, 0), (-1, 0), HexColor("#e3e8ef")),
                ("ALIGN", (3, 1), (3, -1), "CENTER"),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    return [
        PageBreak(),
        _p("Sign-in sheet", st["title"]),
        _p(escape(data.meeting.title), st["h3"]),
        _p(escape(CONSENT), st["body"]),
        table,
    ]


def build_meeting_pack(data: MeetingPack, *, invariant: bool = False) -> bytes:
    """Agenda on page one, sign-in sheet on page two."""
    st = styles()
    info = DocumentInfo(title=f"Meeting pack: {data.meeting.title}", subject=data.team_name)
    return render_pdf(_agenda(data, st) + _sign_in(data, st), info, invariant=invariant)
