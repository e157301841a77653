"""What people raised, for the meeting: counts by ward and issue, and the terms people used.

It holds what an internal meeting document may: ward names, issue categories, counts per
source and vocabulary terms (domain/raised.py), never a name, an address or anything anyone
typed. Marked OFFICIAL-SENSITIVE on every page: it counts the team's own records about people.
"""

from __future__ import annotations

from typing import Any
from xml.sax.saxutils import escape

from pcso_desk.domain.raised import SOURCES, Digest
from pcso_desk.reports.common import MARKING, DocumentInfo, render_pdf, styles, uk_date

HOW = (
    "Counted from the team's records: the issues of each engagement, each item of a "
    "meeting's issues raised, each KIN member's suggested priority, and each message whose "
    "subject names an issue. Typed words are filed under an issue by a fixed list of terms; "
    "the terms shown are from that list. No one is named. Victim care is not counted."
)


def _p(text: str, style: Any) -> Any:
    from reportlab.platypus import Paragraph

    return Paragraph(text, style)


def _grid(rows: list[list[Any]], widths: list[str]) -> Any:
    from reportlab.lib.colors import HexColor
    from reportlab.platypus import Table, TableStyle

    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, HexColor("#9aa5b1")),
                ("BACKGROUND", (0, 0), (-1, 0), HexColor("#e3e8ef")),
                ("BACKGROUND", (0, -1), (-1, -1), HexColor("#f3f5f8")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("ALIGN", (2, 1), (6, -1), "RIGHT"),
            ]
        )
    )
    return table


def since_words(data: Digest) -> str:
    since = data.since_meeting or uk_date(data.since)
    return f"Since {since} to {uk_date(data.until)}"


def build_raised_digest(data: Digest, team_name: str, *, invariant: bool = False) -> bytes:
    st = styles()
    head = ["Ward", "Issue (terms used)", "Raised", "Engage\u00adments", "Meeting issues"]
    head += ["KIN sugges\u00adtions", "Mes\u00adsages"]
    rows: list[list[Any]] = [[_p(f"<b>{h}</b>", st["small"]) for h in head]]
    for line in data.lines:
        issue = [_p(escape(line.label), st["small"])]
        if line.terms:
            issue.append(_p(f"<i>{escape(', '.join(sorted(line.terms)))}</i>", st["small"]))
        rows.append(
            [
                _p(escape(line.ward), st["small"]),
                issue,
                _p(f"<b>{line.total}</b>", st["small"]),
                *(_p(str(line.counts[key]), st["small"]) for key, *_ in SOURCES),
            ]
        )
    totals = data.totals()
    rows.append(
        [
            _p("<b>All</b>", st["small"]),
            "",
            _p(f"<b>{sum(totals.values())}</b>", st["small"]),
            *(_p(f"<b>{totals[key]}</b>", st["small"]) for key, *_ in SOURCES),
        ]
    )
    story: list[Any] = [
        _p(f"What people raised: {escape(data.area_name)}", st["title"]),
        _p(escape(since_words(data)), st["h3"]),
        _p(escape(HOW), st["small"]),
    ]
    if data.lines:
        story.append(_grid(rows, ["19%", "25%", "10%", "12%", "12%", "11%", "11%"]))
    else:
        story.append(_p("Nothing was raised in this time.", st["body"]))
    info = DocumentInfo(
        title=f"What people raised: {data.area_name}", subject=team_name, marking=MARKING
    )
    return render_pdf(story, info, invariant=invariant)
