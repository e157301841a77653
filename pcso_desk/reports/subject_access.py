"""The subject access PDF: every record held about one person, OFFICIAL-SENSITIVE throughout.

Built from plain frozen dataclasses that the subject access service fills in (already
redacted); this module only lays them out. The document's metadata and running footer say
"Subject access export" and never the person's name.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from xml.sax.saxutils import escape

from pcso_desk.reports.common import MARKING, DocumentInfo, render_pdf, styles, uk_date

TITLE = "Subject access export"
HANDLING = (
    "Disclosure to the data subject under the Data Protection Act 2018. Names of other "
    "people have been replaced with [redacted]. Check before release; do not copy or share "
    "beyond the person it is about."
)


@dataclass(frozen=True)
class Field:
    label: str
    value: str


@dataclass(frozen=True)
class RecordEntry:
    """One record: which table, its id, a one-line title, whether deleted, its fields."""

    kind: str
    id: str
    title: str
    deleted: bool
    fields: tuple[Field, ...]


@dataclass(frozen=True)
class Section:
    kind: str
    title: str
    records: tuple[RecordEntry, ...]


@dataclass(frozen=True)
class SubjectAccess:
    contact_id: str
    name: str
    produced_at: datetime  # UK local time
    sections: tuple[Section, ...]
    redaction_rule: str

    @property
    def record_ids(self) -> tuple[str, ...]:
        return tuple(r.id for s in self.sections for r in s.records)


def _p(text: str, style: Any) -> Any:
    from reportlab.platypus import Paragraph

    return Paragraph(text, style)


def _grid(rows: list[list[Any]]) -> Any:
    from reportlab.lib.colors import HexColor
    from reportlab.platypus import Table, TableStyle

    table = Table(rows, colWidths=["30%", "70%"])
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, HexColor("#9aa5b1")),
                ("BACKGROUND", (0, 0), (0, -1), HexColor("#e3e8ef")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def _text(value: str) -> str:
    return escape(value).replace("\n", "<br/>")


def build_subject_access(data: SubjectAccess, *, invariant: bool = False) -> bytes:
    """Each record type under its own heading; each record a table of plain-word fields."""
    from reportlab.platypus import KeepTogether, Spacer

    st = styles()
    total = len(data.record_ids)
    story: list[Any] = [
        _p(f"Subject access: {escape(data.name)}", st["title"]),
        _p(
            f"Produced {uk_date(data.produced_at)} {data.produced_at:%H:%M}. {total} record(s) in "
            f"{len(data.sections)} group(s).",
            st["h3"],
        ),
        _p(escape(HANDLING), st["small"]),
        _p(escape(data.redaction_rule), st["small"]),
    ]
    for section in data.sections:
        # The section heading stays with its first record: never alone at a page foot.
        lead: list[Any] = [_p(f"{escape(section.title)} ({len(section.records)})", st["h2"])]
        for record in section.records:
            heading = escape(record.title) + (" <b>(deleted)</b>" if record.deleted else "")
            rows = [
                [_p(f"<b>{escape(f.label)}</b>", st["small"]), _p(_text(f.value), st["body"])]
                for f in record.fields
            ]
            body = _grid(rows) if rows else _p("No details recorded.", st["body"])
            parts = [*lead, _p(heading, st["h3"]), body]
            lead = []
            story.append(KeepTogether(parts))
            story.append(Spacer(1, 6))
    if not data.sections:
        story.append(_p("No records are held about this person.", st["body"]))
    info = DocumentInfo(title=TITLE, subject="Internal", marking=MARKING)
    return render_pdf(story, info, invariant=invariant)
