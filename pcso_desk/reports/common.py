"""What every PCSO Desk document shares: page frame, colours, type, marking, metadata."""

from __future__ import annotations

import functools
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

NAVY = "#1f3a5f"
ACCENT = "#c8102e"
GREY = "#5f6b7a"
MARKING = "OFFICIAL-SENSITIVE"


@dataclass(frozen=True)
class DocumentInfo:
    """Title and marking of one document. Metadata never carries personal data."""

    title: str
    subject: str = ""
    marking: str | None = None  # e.g. MARKING for internal documents: top and bottom of every page
    large_print: bool = False


def styles(large_print: bool = False) -> dict[str, Any]:
    """Paragraph styles: body at least 12 pt (16 pt in large print), generous leading."""
    from reportlab.lib.colors import HexColor
    from reportlab.lib.styles import ParagraphStyle

    body = 16 if large_print else 12
    base = ParagraphStyle(
        "body", fontName="Helvetica", fontSize=body, leading=body * 1.35, spaceAfter=body * 0.4
    )
    return {
        "body": base,
        "small": ParagraphStyle(
            "small",
            parent=base,
            fontSize=max(body - 2, 10),
            leading=max(body - 2, 10) * 1.3,
            textColor=HexColor(GREY),
        ),
        "title": ParagraphStyle(
            "title",
            parent=base,
            fontName="Helvetica-Bold",
            fontSize=body * 2,
            leading=body * 2.4,
            textColor=HexColor(NAVY),
            spaceAfter=body * 0.6,
        ),
        "h2": ParagraphStyle(
            "h2",
            parent=base,
            fontName="Helvetica-Bold",
            fontSize=body * 1.35,
            leading=body * 1.7,
            textColor=HexColor(NAVY),
            spaceBefore=body * 0.8,
            spaceAfter=body * 0.3,
        ),
        "h3": ParagraphStyle(
            "h3",
            parent=base,
            fontName="Helvetica-Bold",
            fontSize=body * 1.1,
            leading=body * 1.4,
            spaceBefore=body * 0.5,
            spaceAfter=body * 0.2,
        ),
    }


@functools.cache
def paragraph_class() -> Any:
    """reportlab's Paragraph, remembering its lines for the width it was last wrapped to.

    A table wraps every cell to size its rows, again to draw it, and again for each part
    when it is split across pages; `KeepTogether` wraps its contents to see whether they fit.
    The lines depend only on the text, the style and the width, so the same width gives the
    same lines: this only saves breaking them again (the PDF's bytes do not change)."""
    from reportlab.platypus import Paragraph

    class RememberingParagraph(Paragraph):  # type: ignore[misc]
        _remembered: tuple[Any, ...] | None = None

        def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
            remembered = self._remembered
            if remembered is not None and remembered[0] == availWidth:
                _width, self.width, self._wrapWidths, self.blPara, self.height = remembered
                return self.width, self.height
            size: tuple[float, float] = super().wrap(availWidth, availHeight)
            if getattr(self, "width", None) == availWidth:  # not the "cannot fit" answer
                self._remembered = (
                    availWidth, self.width, self._wrapWidths, self.blPara, self.height
                )  # fmt: skip
            return size

    return RememberingParagraph


def _frame_page(info: DocumentInfo) -> Any:
    """Draws the header band, the marking (top and bottom) and the page number."""
    from reportlab.lib.colors import HexColor
    from reportlab.lib.pagesizes import A4

    width, height = A4

    def draw(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFillColor(HexColor(NAVY))
        canvas.rect(0, height - 14, width, 14, stroke=0, fill=1)
        if info.marking:
            canvas.setFillColor(HexColor(ACCENT))
            canvas.setFont("Helvetica-Bold", 12)
            canvas.drawCentredString(width / 2, height - 32, info.marking)
            canvas.drawCentredString(width / 2, 22, info.marking)
        canvas.setFillColor(HexColor(GREY))
        canvas.setFont("Helvetica", 9)
        canvas.drawRightString(width - 40, 10, f"Page {doc.page}")
        canvas.drawString(40, 10, info.title)
        canvas.restoreState()

    return draw


def render_pdf(flowables: Sequence[Any], info: DocumentInfo, *, invariant: bool = False) -> bytes:
    """The PDF bytes for `flowables` on A4. `invariant` gives the same bytes for the same
    content (reportlab's invariant mode: fixed dates and ids), as tests and reproducible
    documents need."""
    from reportlab import rl_config
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate

    buffer = io.BytesIO()
    before, checking = rl_config.invariant, rl_config.shapeChecking
    rl_config.invariant = 1 if invariant else before
    # Charts check every attribute they set (a development aid, reportlab's docs say); the
    # attributes are ours and fixed, so drawing them need not pay for it on every page.
    rl_config.shapeChecking = 0
    try:
        doc = SimpleDocTemplate(
            buffer,
            pagesize=A4,
            leftMargin=18 * mm,
            rightMargin=18 * mm,
            topMargin=(24 if info.marking else 18) * mm,
            bottomMargin=(20 if info.marking else 16) * mm,
            title=info.title,
            subject=info.subject,
            author="PCSO Desk",
            creator="PCSO Desk",
        )
        frame = _frame_page(info)
        doc.build(list(flowables), onFirstPage=frame, onLaterPages=frame)
    finally:
        rl_config.invariant, rl_config.shapeChecking = before, checking
    return buffer.getvalue()


def write_atomic(path: Path, data: bytes) -> Path:
    """Write a document under a temporary name and rename it: no half file looks whole."""
    from pcso_desk.atomic import write_atomic as replace

    path.parent.mkdir(parents=True, exist_ok=True)
    return replace(path, data)
