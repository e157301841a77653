"""The monthly update pack as a PDF: cover, tables and charts, from the figures alone.

Numbers in the PDF's tables come from the same `PackTable`s the CSVs and workbook are
written from; the charts draw only what those tables show (a public pack draws no bar for a
suppressed count).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from pcso_desk.domain.disclosure import CRIME_NOTE, NEIGHBOURHOOD_ONLY, PROTECTION_NOTE, is_small
from pcso_desk.domain.months import month_title
from pcso_desk.reports.common import (
    MARKING,
    NAVY,
    DocumentInfo,
    paragraph_class,
    remembered_measures,
    render_pdf,
    shown_value,
    styles,
    uk_date,
    uk_month,
    unchecked_shapes,
)
from pcso_desk.reports.crime_map import CrimeMap, OutcomeLine, StreetLine
from pcso_desk.reports.fast_drawing import drawing_class
from pcso_desk.reports.pack_cover import (
    PackExtras,
    cover_lines,
    kept_table_class,
    start_together_class,
)

__all__ = ["PackExtras", "neighbourhood_label", "render_monthly_pack"]

# -- what a pack shows (filled by pcso_desk.services.documents.monthly and .packs) ----------


@dataclass(frozen=True)
class Area:
    """A neighbourhood, ward or council area: its wards and their neighbourhoods."""

    kind: str
    name: str
    ward_ids: tuple[str, ...]
    neighbourhood_ids: tuple[str, ...]


@dataclass(frozen=True)
class CrimeLine:
    """One crime type: its count this month, last month and the same month last year."""

    category: str
    this_month: int
    last_month: int
    last_year: int


@dataclass(frozen=True)
class MeetingLine:
    """A public meeting held in the month, with how many came."""

    held_on: date
    title: str
    meeting_type: str
    attendance: int | None
    key: str = ""  # the meeting's id: the same meeting in two packs is one count


@dataclass(frozen=True)
class PriorityLine:
    """A priority: what people said (its public wording) and what was done this month."""

    you_said: str
    status: str
    we_did: tuple[str, ...]


@dataclass(frozen=True)
class SafetyPoint:
    """One month of KIN check-ins: how many, and how safe people said they felt."""

    month: str
    check_ins: int
    average: float | None  # mean 1-5 safety score; None with no check-ins


@dataclass(frozen=True)
class MonthlyFigures:
    """Every figure of one area's pack for one month, exact (suppression comes later)."""

    area: Area
    month: str
    crime: tuple[CrimeLine, ...]
    meetings: tuple[MeetingLine, ...]
    priorities: tuple[PriorityLine, ...]
    engagements: int
    kin_check_ins: int
    kin_members: int
    safety: tuple[SafetyPoint, ...]  # oldest first, ending with `month`
    patrol_minutes: int
    locality_minutes: int
    abstracted_minutes: int
    victim_cases: int
    victim_cases_contacted: int
    messages: int
    messages_in_time: int
    left_out: tuple[str, ...] = ()  # internal titles of priorities with no public wording
    # Victims' Code (pcso_desk.domain.victims_code): updates due in the month on each
    # victim's agreed cadence, and how many were made on time; cases closed in the month
    # and the satisfaction scores (1 to 5) their victims gave.
    victim_contacts_due: int = 0
    victim_contacts_on_time: int = 0
    victim_cases_closed: int = 0
    victim_satisfaction: tuple[int, ...] = ()
    # The crime map, "crimes by street" and "what happened" (services/documents/crime_figures).
    crime_map: CrimeMap | None = None
    streets: tuple[StreetLine, ...] = ()
    outcomes: tuple[OutcomeLine, ...] = ()

    @property
    def public_meeting_held(self) -> bool:
        return bool(self.meetings)

    @property
    def locality_share(self) -> float | None:
        total = self.locality_minutes + self.abstracted_minutes
        return None if total == 0 else self.locality_minutes / total


@dataclass(frozen=True)
class PackTable:
    """One table of a pack: its file/sheet name, its heading, its header and its rows."""

    name: str
    title: str
    header: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]


CHART_WIDTH = 480
AREA_WORDS = {"neighbourhood": "Neighbourhood", "ward": "Ward", "council": "Council area"}
TABLE_PT = 12  # the smallest type in a pack's tables
CHART_PT = 10  # the smallest type in its charts
FRAME_WIDTH = 493  # A4 less the 18 mm margins, in points


def neighbourhood_label(area: Area) -> Callable[[str], str]:
    """A measure's label as a ward or council pack shows a figure counted for the whole
    neighbourhood (time in the locality, messages to the team): "... (neighbourhood figure)"."""
    if area.kind == "neighbourhood":
        return lambda text: text
    return lambda text: f"{text} (neighbourhood figure)"


def shown(value: Any) -> str:
    """A cell as the PDF shows it: dates and months the UK way ("2 December 2026")."""
    if isinstance(value, datetime | date):
        return uk_date(value)
    return shown_value(str(value))


def _table(table: PackTable, st: dict[str, Any], widths: Sequence[float] | None = None) -> Any:
    from reportlab.lib.colors import HexColor, white
    from reportlab.platypus import TableStyle

    style, head = st["cell"], st["head"]
    room: list[float | None] = [w - 2 * CELL_PADDING for w in widths or ()]

    def cell(value: Any, column: int, style: Any = style) -> Any:
        text = shown(value)
        if _one_line(text, room[column] if column < len(room) else None, style):
            return text  # drawn by the table itself: the same line, where the paragraph's goes
        return _paragraph(_escape(text), style)

    data: list[list[Any]] = [[cell(h, i, head) for i, h in enumerate(table.header)]]
    data += [[cell(v, i) for i, v in enumerate(row)] for row in table.rows]
    out = kept_table_class()(data, colWidths=widths, repeatRows=1, hAlign="LEFT")
    out.setStyle(
        TableStyle(
            [
                # Plain-text cells in the cell or header style (a paragraph cell carries its own).
                ("FONT", (0, 1), (-1, -1), style.fontName, style.fontSize, style.leading),
                ("FONT", (0, 0), (-1, 0), head.fontName, head.fontSize, head.leading),
                ("TEXTCOLOR", (0, 1), (-1, -1), style.textColor),
                ("BACKGROUND", (0, 0), (-1, 0), HexColor(NAVY)),
                ("TEXTCOLOR", (0, 0), (-1, 0), white),
                ("GRID", (0, 0), (-1, -1), 0.4, HexColor("#b8c2cc")),
                ("ROWBACKGROUNDS", (0, 1), (-1, -1), [white, HexColor("#eef2f6")]),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return out


CELL_PADDING = 6  # reportlab's table cell padding, left and right


def _one_line(text: str, room: float | None, style: Any) -> bool:
    """Whether a cell's text is one line that a paragraph would draw as it is: no markup to
    parse, no spaces it would collapse or strip, and narrower than the column's room."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    if room is None or not text or text != text.strip() or "  " in text:
        return False
    if any(c in text for c in "&<>\n\t\r"):
        return False
    return bool(stringWidth(text, style.fontName, style.fontSize) <= room)


def _paragraph(text: str, style: Any) -> Any:
    """A reportlab Paragraph (one that remembers its lines: see `paragraph_class`)."""
    return paragraph_class()(text, style)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _styles() -> dict[str, Any]:
    from reportlab.lib.colors import white
    from reportlab.lib.styles import ParagraphStyle

    st = styles()
    st["cell"] = ParagraphStyle(
        "cell", parent=st["body"], fontSize=TABLE_PT, leading=TABLE_PT * 1.25, spaceAfter=0
    )
    st["head"] = ParagraphStyle(
        "head", parent=st["cell"], fontName="Helvetica-Bold", textColor=white
    )
    return st


def _crime_chart(figures: MonthlyFigures, public: bool) -> Any:
    from reportlab.graphics.charts.barcharts import HorizontalBarChart
    from reportlab.lib.colors import HexColor

    del public  # crime counts are published exactly (domain/disclosure.py)
    lines = [c for c in figures.crime if c.this_month > 0][:12]
    if not lines:
        return None
    height = 48 + 24 * len(lines)
    drawing = drawing_class()(CHART_WIDTH, height)
    chart = HorizontalBarChart()
    # The value axis's numbers sit below the bars: leave them room inside the drawing.
    chart.x, chart.y, chart.width, chart.height = 200, 26, CHART_WIDTH - 235, height - 36
    chart.data = [[c.this_month for c in reversed(lines)]]
    chart.categoryAxis.categoryNames = [c.category for c in reversed(lines)]
    chart.categoryAxis.labels.fontSize = CHART_PT
    chart.categoryAxis.labels.fontName = "Helvetica"  # the pack's face, not reportlab's Times
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.valueAxis.valueMin = 0
    top = max(c.this_month for c in lines)
    chart.valueAxis.valueStep = max(1, -(-top // 5))  # whole numbers: these are counts
    chart.valueAxis.labelTextFormat = "%d"
    chart.valueAxis.labels.fontSize = CHART_PT
    chart.valueAxis.labels.fontName = "Helvetica"
    chart.bars[0].fillColor = HexColor(NAVY)
    chart.barLabelFormat = "%d"
    chart.barLabels.fontSize = CHART_PT
    chart.barLabels.fontName = "Helvetica"
    chart.barLabels.nudge = 8
    drawing.add(chart)
    return drawing


def _safety_chart(figures: MonthlyFigures, public: bool) -> Any:
    from reportlab.graphics.charts.lineplots import LinePlot
    from reportlab.graphics.shapes import String
    from reportlab.graphics.widgets.markers import makeMarker
    from reportlab.lib.colors import HexColor

    points = [
        (i, p.average)
        for i, p in enumerate(figures.safety)
        if p.average is not None and not (public and is_small(p.check_ins))
    ]
    if not points:
        return None
    drawing = drawing_class()(CHART_WIDTH, 200)
    plot = LinePlot()
    plot.x, plot.y, plot.width, plot.height = 40, 44, CHART_WIDTH - 60, 130
    plot.data = [points]
    plot.lines[0].strokeColor = HexColor(NAVY)
    plot.lines[0].strokeWidth = 2
    plot.lines[0].symbol = makeMarker("FilledCircle")
    plot.yValueAxis.valueMin, plot.yValueAxis.valueMax, plot.yValueAxis.valueStep = 1, 5, 1
    plot.xValueAxis.valueMin, plot.xValueAxis.valueMax = -0.5, len(figures.safety) - 0.5
    plot.xValueAxis.valueSteps = list(range(len(figures.safety)))
    # "Mar" under each month, with its year under the first month and each January.
    labels = [
        uk_month(p.month)[:3] + (f"\n{p.month[:4]}" if i == 0 or p.month.endswith("-01") else "")
        for i, p in enumerate(figures.safety)
    ]
    plot.xValueAxis.labelTextFormat = lambda i: labels[int(i)] if 0 <= i < len(labels) else ""
    plot.xValueAxis.labels.fontSize = CHART_PT
    plot.yValueAxis.labels.fontSize = CHART_PT
    plot.xValueAxis.labels.fontName = plot.yValueAxis.labels.fontName = "Helvetica"
    drawing.add(plot)
    drawing.add(
        String(0, 188, "5 = very safe, 1 = very unsafe", fontSize=CHART_PT, fontName="Helvetica")
    )
    return drawing


def _locality_chart(figures: MonthlyFigures) -> Any:
    from reportlab.graphics.shapes import Line, Rect, String
    from reportlab.lib.colors import HexColor

    share = figures.locality_share
    if share is None:
        return None
    drawing = drawing_class()(CHART_WIDTH, 60)
    left, width = 10, CHART_WIDTH - 40
    drawing.add(Rect(left, 20, width, 22, fillColor=HexColor("#dde3ea"), strokeColor=None))
    met = share >= 0.8
    colour = HexColor("#2e7d32") if met else HexColor("#c8102e")
    drawing.add(Rect(left, 20, width * share, 22, fillColor=colour, strokeColor=None))
    target = left + width * 0.8
    drawing.add(Line(target, 12, target, 50, strokeColor=HexColor(NAVY), strokeWidth=2))
    drawing.add(
        String(
            target - 4,
            52,
            "target 80%",
            fontSize=CHART_PT,
            textAnchor="end",
            fontName="Helvetica",
        )
    )
    drawing.add(
        String(left, 4, f"{round(100 * share)}% of recorded time", fontSize=CHART_PT,
               fontName="Helvetica")
    )  # fmt: skip
    return drawing


def _cover(
    figures: MonthlyFigures,
    st: dict[str, Any],
    team: str,
    internal: bool,
    extras: PackExtras | None = None,
) -> list[Any]:
    """The first page's top: the area, the month, who publishes it and when, the team's
    contacts and the next public meeting; the figures follow on the same page."""
    area = figures.area
    kind = AREA_WORDS.get(area.kind, "Area")
    flow = [
        _paragraph("Monthly neighbourhood update", st["h3"]),
        _paragraph(_escape(area.name), st["title"]),
        _paragraph(f"{kind} — {month_title(figures.month)}", st["h2"]),
    ]
    if team:
        flow.append(_paragraph(f"From {_escape(team)}", st["body"]))
    if extras is not None:
        flow += cover_lines(extras, st, FRAME_WIDTH)
    version = (
        "Internal version: exact figures. Not for publication."
        if internal
        else f"Public version: no one is named. {PROTECTION_NOTE}"
    )
    flow.append(_paragraph(version, st["small"]))
    return flow


def _section(title: str, st: dict[str, Any], *items: Any) -> list[Any]:
    """A heading and what follows it (charts, a table), starting on a page with room for
    the heading, the chart and the table's first rows together (`start_together_class`)."""
    from reportlab.platypus import Table

    kept = [item for item in items if item is not None]
    heading = _paragraph(_escape(title), st["h2"])
    first_table = next((i for i, item in enumerate(kept) if isinstance(item, Table)), None)
    lead = [heading, *kept[: first_table if first_table is not None else 1]]
    table = kept[first_table] if first_table is not None else None
    return [start_together_class()(lead, table), heading, *kept]


def _para(text: str, st: dict[str, Any], style: str = "body") -> Any:
    return _paragraph(text, st[style])


def _glance(figures: MonthlyFigures, by: dict[str, PackTable], st: dict[str, Any]) -> list[Any]:
    """At a glance (on the first page, under the cover's contacts); the internal pack's
    Victims' Code table; time in the locality."""
    flow = _section("At a glance", st, _table(by["summary"], st, [310, 164]))
    if "victims" in by:  # the internal pack only
        flow += _section(by["victims"].title, st, _table(by["victims"], st, [340, 134]))
    if "pledge-scorecard" in by:  # the internal pack only (services/casework/scorecard.py)
        card = by["pledge-scorecard"]
        flow += _section(card.title, st, _table(card, st, [170, 74, 230]))
    if "county-policy" in by:  # the internal pack only (services/documents/policy_measures.py)
        policy = by["county-policy"]
        flow += _section(policy.title, st, _table(policy, st, [340, 134]))
    flow += _section(
        neighbourhood_label(figures.area)("Time in the locality"),
        st,
        _locality_chart(figures)
        or _para("No patrol or abstraction time was recorded this month.", st),
    )
    return flow


def _community(by: dict[str, PackTable], st: dict[str, Any]) -> list[Any]:
    """You said, we did; meetings held."""
    none = "Nothing to report this month."
    priorities, meetings = by["priorities"], by["meetings"]
    flow = _section(
        "You said, we did",
        st,
        _table(priorities, st, [190, 70, 214]) if priorities.rows else _para(none, st),
    )
    flow += _section(
        "Meetings held",
        st,
        _table(meetings, st, [112, 180, 100, 92]) if meetings.rows else _para(none, st),
    )
    return flow


def _dial(by: dict[str, PackTable], st: dict[str, Any]) -> list[Any]:
    """The internal pack's "did it move the dial?": each priority's figures before it was
    agreed and since (services/documents/dial_pack.py); absent from a public pack."""
    table = by.get("priority-dial")
    if table is None:
        return []
    return _section(table.title, st, _table(table, st, [170, 152, 76, 76]))


def _figures(
    figures: MonthlyFigures, by: dict[str, PackTable], st: dict[str, Any], public: bool
) -> list[Any]:
    """Crime by type (its source and licence just above the table, kept with it), feelings
    of safety: charts with their tables."""
    flow = _section(
        f"Crime in {month_title(figures.month)}",
        st,
        _crime_chart(figures, public),
        _para(_escape(CRIME_NOTE), st, "small"),
        _table(by["crime"], st, [110, 76, 84, 70, 84, 69]),
    )
    safety = by["feelings-of-safety"]
    flow += _section(
        "Feelings of safety",
        st,
        _safety_chart(figures, public) if safety.rows else None,
        _table(safety, st, [140, 100, 234])
        if safety.rows
        else _para(f"Key individual check-ins are published {NEIGHBOURHOOD_ONLY}.", st),
    )
    return flow


def _story(
    figures: MonthlyFigures, tables: Sequence[PackTable], st: dict[str, Any], internal: bool
) -> list[Any]:
    by = {t.name: t for t in tables}
    public = not internal
    return [
        *_glance(figures, by, st),
        *_community(by, st),
        *_dial(by, st),
        *_figures(figures, by, st, public),
        *_crime_detail(figures, by, st),
    ]


def _crime_detail(
    figures: MonthlyFigures, by: dict[str, PackTable], st: dict[str, Any]
) -> list[Any]:
    """Where crimes happened (the map), crimes by street, and what happened."""
    from pcso_desk.reports.crime_map import draw_map, note_without_boundaries

    if figures.crime_map is None:
        return []
    data = figures.crime_map
    month = month_title(figures.month)
    notes = [
        "Each dot is a crime at the “on or near” point police.uk publishes for it (a point "
        "on or near the street, never an address); a bigger dot is several crimes at one point."
    ]
    if not data.has_boundaries:
        notes.append(note_without_boundaries())
    elif data.source:
        notes.append(f"Boundaries: {_escape(data.source)}.")
    flow = _section(
        f"Where crimes happened in {month}",
        st,
        draw_map(data, CHART_WIDTH, 330, font_size=10),
        *[_para(n, st, "small") for n in notes],
    )
    streets, outcomes = by.get("crime-by-street"), by.get("crime-outcomes")
    none = "No crimes were recorded in this area this month."
    if streets is not None:
        flow += _section(
            "Crimes by street",
            st,
            _table(streets, st, [220, 60, 194]) if streets.rows else _para(none, st),
        )
    if outcomes is not None:
        # The type once per group on paper (the CSV and workbook repeat it on every row).
        grouped = tuple(
            ("" if i and row[0] == outcomes.rows[i - 1][0] else row[0], *row[1:])
            for i, row in enumerate(outcomes.rows)
        )
        shown = PackTable(outcomes.name, outcomes.title, outcomes.header, grouped)
        flow += _section(
            "What happened",
            st,
            _table(shown, st, [150, 254, 70]) if outcomes.rows else _para(none, st),
            _para(
                "The latest outcome police.uk holds for each crime of the month; outcomes "
                "are updated as cases progress. Anti-social behaviour has no outcomes.",
                st,
                "small",
            ),
        )
    return flow


def render_monthly_pack(
    figures: MonthlyFigures,
    tables: Sequence[PackTable],
    *,
    internal: bool,
    team: str = "",
    extras: PackExtras | None = None,
    invariant: bool = False,
) -> bytes:
    """The pack's PDF bytes; an internal pack is marked OFFICIAL-SENSITIVE on every page and
    says it is internal in its metadata. `invariant` (tests only) fixes the PDF's own dates
    and ids; the cover's publication date is `extras.published_on` either way."""
    st = _styles()
    title = f"{figures.area.name} — {month_title(figures.month)}"
    info = DocumentInfo(
        title=title,
        subject="Monthly neighbourhood update",
        marking=MARKING if internal else None,
    )
    with unchecked_shapes(), remembered_measures():  # the charts, the map; cells measured
        flow = _cover(figures, st, team, internal, extras) + _story(figures, tables, st, internal)
    return render_pdf(flow, info, invariant=invariant)
