"""The public street briefing handout (and its large-print variant), built with reportlab."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from pcso_desk.paths import resource_path
from pcso_desk.reports.common import (
    ACCENT,
    NAVY,
    DocumentInfo,
    fitted_photo,
    render_pdf,
    styles,
    uk_date,
    unchecked_shapes,
)
from pcso_desk.reports.crime_map import CrimeMap
from pcso_desk.reports.text_lines import Line, plain, text_lines

CRIMESTOPPERS = "0800 555 111"
MAX_ADVICE = 3  # categories of advice on one handout
MAX_EVENTS = 8  # meetings listed; the rest are a phone call away
ROLE_LABELS = {
    "pcso": "Police Community Support Officer",
    "pc": "Police Constable",
    "sergeant": "Sergeant",
    "inspector": "Inspector",
    "staff": "Police staff",
}


@dataclass(frozen=True)
class Area:
    kind: str  # "ward" or "neighbourhood"
    id: str
    name: str
    code: str
    neighbourhood_id: str


@dataclass(frozen=True)
class OfficerCard:
    name: str
    collar_number: str
    role: str
    phone: str
    email: str


@dataclass(frozen=True)
class TeamBase:
    team_name: str
    phone: str
    email: str
    station_name: str
    station_address: str
    station_postcode: str
    station_phone: str
    opening_hours: str
    photo: bytes | None = None  # the team photo (JPEG bytes, from the store), if one is set


@dataclass(frozen=True)
class PublicPriority:
    wording: str
    category: str
    done: tuple[str, ...]  # "you said, we did": the public sentences, newest first


@dataclass(frozen=True)
class PublicEvent:
    kind: str
    title: str
    venue: str
    starts: datetime  # Europe/London
    ends: datetime | None


@dataclass(frozen=True)
class Handout:
    area: Area
    team: TeamBase
    officers: tuple[OfficerCard, ...]
    streets: tuple[str, ...]
    priorities: tuple[PublicPriority, ...]
    events: tuple[PublicEvent, ...]
    issued_on: date
    crime_map: CrimeMap | None = None  # last month's crimes (reports/crime_map.py)


def when(starts: datetime, ends: datetime | None) -> str:
    """'Tue 1 Dec 2026, 18:30 to 20:00' in plain words."""
    text = f"{starts:%a} {starts.day} {starts:%b %Y}, {starts:%H:%M}"
    return f"{text} to {ends:%H:%M}" if ends else text


def read_advice(category: str) -> tuple[str, tuple[str, ...]]:
    """The heading and bullet points of pcso_desk/resources/advice/<category>.md (editable text)."""
    path = resource_path("advice", f"{category}.md")
    if not path.exists():
        return "", ()
    heading, bullets = "", []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line.startswith("#"):
            heading = line.lstrip("#").strip()
        elif line.startswith(("-", "*")):
            bullets.append(line[1:].strip())
        elif line and bullets:
            bullets[-1] += " " + line
    return heading, tuple(bullets)


def handout_info(data: Handout, large_print: bool) -> DocumentInfo:
    """Title and subject carry only the area's name: metadata is public too."""
    variant = " (large print)" if large_print else ""
    return DocumentInfo(
        title=f"Street briefing: {data.area.name}{variant}",
        subject=f"{data.team.team_name} street briefing, {uk_date(data.issued_on)}",
        large_print=large_print,
    )


def build_handout(data: Handout, *, large_print: bool = False, invariant: bool = False) -> bytes:
    """The handout as PDF bytes: one or two A4 pages, body 12 pt (16 pt in large print)."""
    st = _styles(large_print)
    story: list[Any] = []
    story += _heading(data, st)
    story += _team(data, st, large_print)
    story += _contact_boxes(data, st)
    story += _priorities(data, st)
    story += _events(data, st)
    with unchecked_shapes():
        story += _crime_map(data, st, large_print)
    story += _advice(data, st)
    return render_pdf(story, handout_info(data, large_print), invariant=invariant)


def _styles(large_print: bool) -> dict[str, Any]:
    """The shared styles, with headings kept on the page of what follows them."""
    from reportlab.lib.enums import TA_CENTER
    from reportlab.lib.styles import ParagraphStyle

    st = dict(styles(large_print))
    for name in ("h2", "h3"):
        st[name] = ParagraphStyle(f"{name}-keep", parent=st[name], keepWithNext=1)
    st["centre"] = ParagraphStyle("centre", parent=st["body"], alignment=TA_CENTER)
    return st


def _p(text: str, style: Any) -> Any:
    """Plain text in `style`: drawn as it is when it fits on one line, else a Paragraph of
    it (reports/text_lines.py)."""
    return plain(text, style)


def _heading(data: Handout, st: dict[str, Any]) -> list[Any]:
    kind = "ward" if data.area.kind == "ward" else "neighbourhood"
    lines = [
        _p("Your Safer Neighbourhood Team", st["title"]),
        _p(f"{data.area.name} {kind} \u2014 street briefing, {uk_date(data.issued_on)}", st["h3"]),
    ]
    if data.streets:
        lines.append(_p("Covering " + ", ".join(data.streets) + ".", st["body"]))
    return lines


def _officer_lines(data: Handout, st: dict[str, Any]) -> list[Any]:
    lines: list[Any] = [_p("Who we are", st["h2"])]
    if not data.officers:
        lines.append(_p(f"The {data.team.team_name} team.", st["body"]))
    for officer in data.officers:
        role = ROLE_LABELS.get(officer.role, officer.role)
        contact = " \u00b7 ".join(x for x in (officer.phone, officer.email) if x)
        card: list[Line] = [[(officer.name, True), (f" ({officer.collar_number}), {role}", False)]]
        if contact:
            card.append([(contact, False)])
        lines.append(text_lines(card, st["body"]))
    return lines


def _photo_box(width: float, height: float, data: bytes | None) -> Any:
    """The photo in a framed box; None (no box at all) when the team has set no photo."""
    from reportlab.lib.colors import HexColor
    from reportlab.platypus import Table, TableStyle

    inside = fitted_photo(data, width - 6, height - 6)
    if inside is None:
        return None
    box = Table([[inside]], colWidths=[width], rowHeights=[height])
    box.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 1, HexColor("#9aa5b1")),
                ("BACKGROUND", (0, 0), (-1, -1), HexColor("#eef1f5")),
                ("ALIGN", (0, 0), (-1, -1), "CENTER"),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    return box


def _team(data: Handout, st: dict[str, Any], large_print: bool) -> list[Any]:
    from reportlab.lib.units import mm
    from reportlab.platypus import Table, TableStyle

    photo = data.team.photo
    if large_print:  # one column: big type needs the whole width
        box = _photo_box(174 * mm, 40 * mm, photo)
        return [*([box] if box is not None else []), *_officer_lines(data, st)]
    box = _photo_box(60 * mm, 45 * mm, photo)
    if box is None:  # no photo set: no empty box, the team's names take the width
        return _officer_lines(data, st)
    row = Table([[box, _officer_lines(data, st)]], colWidths=[66 * mm, 108 * mm])
    row.setStyle(
        TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)])
    )
    return [row]


def _contact_rows(data: Handout) -> list[Line]:
    """Each row: a bold label, then the detail."""
    team = data.team
    rows: list[Line] = []
    if team.phone:
        rows.append([("Call the team:", True), (f" {team.phone}", False)])
    if team.email:
        rows.append([("Email:", True), (f" {team.email}", False)])
    if team.station_name:
        where = ", ".join(x for x in (team.station_address, team.station_postcode) if x)
        rows.append(
            [
                ("We are based at:", True),
                (f" {team.station_name}" + (f", {where}" if where else ""), False),
            ]
        )
    if team.station_phone:
        rows.append([("Station:", True), (f" {team.station_phone}", False)])
    if team.opening_hours:
        rows.append([("Front counter:", True), (f" {team.opening_hours}", False)])
    rows.append([("Report online or call 101", True), (" when it is not an emergency.", False)])
    return rows


def _box(title: str, rows: list[Line], st: dict[str, Any], colour: str) -> Any:
    from reportlab.lib.colors import HexColor, white
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Table, TableStyle

    head = ParagraphStyle("boxhead", parent=st["h3"], textColor=white, spaceBefore=0)
    cells = [[_p(title, head)]] + [[text_lines([row], st["body"])] for row in rows]
    box = Table(cells, colWidths=["100%"])
    box.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 1.5, HexColor(colour)),
                ("BACKGROUND", (0, 0), (-1, 0), HexColor(colour)),
                ("LEFTPADDING", (0, 0), (-1, -1), 8),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return box


def _contact_boxes(data: Handout, st: dict[str, Any]) -> list[Any]:
    from reportlab.platypus import KeepTogether, Spacer

    emergency: list[Line] = [
        [("999", True), (" if a crime is happening now or someone is in danger.", False)],
        [("101", True), (" or online to report anything else or to get advice.", False)],
        [
            (f"Crimestoppers {CRIMESTOPPERS}", True),
            (" to tell them what you know, anonymously.", False),
        ],
    ]
    return [  # a box is never split across pages: its numbers belong together
        Spacer(1, 8),
        KeepTogether(_box("How to contact us", _contact_rows(data), st, NAVY)),
        Spacer(1, 8),
        KeepTogether(_box("In an emergency call 999", emergency, st, ACCENT)),
    ]


def _priorities(data: Handout, st: dict[str, Any]) -> list[Any]:
    from reportlab.platypus import KeepTogether

    heading = _p("You said, we did: our priorities", st["h2"])
    if not data.priorities:
        return [
            heading,
            _p("There are no open priorities at the moment. Tell us yours.", st["body"]),
        ]
    story: list[Any] = []
    for priority in data.priorities:
        # The section heading travels with the first priority: never alone at a page foot.
        block = [] if story else [heading]
        block.append(_p(priority.wording, st["h3"]))
        for done in priority.done:
            block.append(text_lines([[("We did:", True), (f" {done}", False)]], st["body"]))
        if not priority.done:
            block.append(_p("We have just started on this and will report back.", st["body"]))
        story.append(KeepTogether(block))
    return story


def _events(data: Handout, st: dict[str, Any]) -> list[Any]:
    from reportlab.lib.colors import HexColor
    from reportlab.platypus import Table, TableStyle

    story: list[Any] = [_p("Meet us", st["h2"])]
    if not data.events:
        story.append(_p("No meetings are planned yet: call us to find out more.", st["body"]))
        return story
    rows = [[_p("When", st["h3"]), _p("What and where", st["h3"])]]
    for event in data.events[:MAX_EVENTS]:
        what: list[tuple[str, bool]] = [(event.kind, True)]
        if not event.title.casefold().startswith(event.kind.casefold()):
            what.append((f": {event.title}", False))
        else:
            what = [(event.title, True)]
        if event.venue:
            what.append((f", {event.venue}", False))
        rows.append(
            [_p(when(event.starts, event.ends), st["body"]), text_lines([what], st["body"])]
        )
    table = Table(rows, colWidths=["38%", "62%"], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.5, HexColor("#c5ccd6")),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    story.append(table)
    return story


def _advice(data: Handout, st: dict[str, Any]) -> list[Any]:
    from reportlab.platypus import KeepTogether, ListFlowable, ListItem

    # Two pages at most: advice for the first few priorities' categories only.
    seen = list(dict.fromkeys(p.category for p in data.priorities))[:MAX_ADVICE]
    categories = seen or ["other"]
    story: list[Any] = [_p("Keeping safe", st["h2"])]
    for category in categories:
        heading, bullets = read_advice(category)
        if not bullets:
            continue
        items = [ListItem(_p(b, st["body"]), leftIndent=14) for b in bullets]
        story.append(
            KeepTogether(
                [
                    _p(heading, st["h3"]),
                    ListFlowable(items, bulletType="bullet", bulletFontSize=st["body"].fontSize),
                ]
            )
        )
    return story


def _crime_map(data: Handout, st: dict[str, Any], large_print: bool) -> list[Any]:
    """Crime near you: last month's crimes on the area's map, kept with its heading."""
    from reportlab.lib.units import mm
    from reportlab.platypus import KeepTogether

    from pcso_desk.reports.crime_map import draw_map, note_without_boundaries

    if data.crime_map is None or not data.crime_map.points:
        return []
    size = 16.0 if large_print else 10.0
    height = (165 if large_print else 72) * mm
    block = [
        _p(f"Crime near you in {data.crime_map.caption}", st["h2"]),
        draw_map(data.crime_map, 174 * mm, height, font_size=size),
        _p(
            "Each dot is a crime at the \u201con or near\u201d point police.uk publishes "
            "(never an address). More at police.uk.",
            st["small"],
        ),
    ]
    if not data.crime_map.has_boundaries:
        block.append(_p(note_without_boundaries(), st["small"]))
    return [KeepTogether(block)]
