"""What every PCSO Desk document shares: page frame, colours, type, marking, metadata."""

from __future__ import annotations

import contextlib
import functools
import io
import re
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

NAVY = "#1f3a5f"
ACCENT = "#c8102e"
GREY = "#5f6b7a"
MARKING = "OFFICIAL-SENSITIVE"


# Month names written out, not strftime's %B (which follows the machine's locale).
MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
_MONTH_TEXT = re.compile(r"(?<![\d-])(\d{4})-(0[1-9]|1[0-2])(?:-(\d{2}))?(?![\d-])")


def uk_date(day: date | datetime) -> str:
    """A date as people in the UK write it: '2 December 2026'."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def uk_month(month: str) -> str:
    """A YYYY-MM month as 'November 2026'."""
    year, number = month.split("-")[:2]
    return f"{MONTHS[int(number) - 1]} {int(year)}"


def shown_value(text: str) -> str:
    """A pack's cell or heading with its ISO months and dates the UK way: '2026-11' as
    'November 2026', '2026-12-02' as '2 December 2026' (a heading such as 'Last month
    (2026-02)' included). Only whole YYYY-MM or YYYY-MM-DD forms change."""

    def one(found: re.Match[str]) -> str:
        year, month, day = found.group(1), found.group(2), found.group(3)
        if day is None:
            return uk_month(f"{year}-{month}")
        try:
            return uk_date(date(int(year), int(month), int(day)))
        except ValueError:
            return found.group(0)

    return _MONTH_TEXT.sub(one, text)


@dataclass(frozen=True)
class DocumentInfo:
    """Title and marking of one document. Metadata never carries personal data."""

    title: str
    subject: str = ""
    marking: str | None = None  # e.g. MARKING for internal documents: top and bottom of every page
    large_print: bool = False

    def metadata(self) -> dict[str, str]:
        """The PDF's title, subject and keywords. A marked (internal) document says so in all
        three, so a file manager's or a mail client's preview shows it is not for publication;
        a public one carries only its title and subject."""
        if not self.marking:
            return {"title": self.title, "subject": self.subject, "keywords": ""}
        said = f"{self.marking} — internal" if self.marking == MARKING else self.marking
        return {
            "title": f"{self.title} ({said})",
            "subject": f"{self.subject} ({said})" if self.subject else said,
            "keywords": said,
        }


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


def footer_size(info: DocumentInfo) -> int:
    """The footer's type size: 10 pt, or 16 pt in large print (large print is large throughout)."""
    return 16 if info.large_print else 10


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
            big = info.large_print
            canvas.setFont("Helvetica-Bold", 16 if big else 12)
            canvas.drawCentredString(width / 2, height - (36 if big else 32), info.marking)
            canvas.drawCentredString(width / 2, 30 if big else 22, info.marking)
        canvas.setFillColor(HexColor(GREY))
        size = footer_size(info)
        canvas.setFont("Helvetica", size)
        canvas.drawRightString(width - 40, 10, f"Page {doc.page}")
        title = info.title
        room = width - 80 - canvas.stringWidth(f"Page {doc.page}", "Helvetica", size) - 12
        while len(title) > 1 and canvas.stringWidth(title, "Helvetica", size) > room:
            title = title[:-2] + "…"  # a long title in large print: shortened to fit
        canvas.drawString(40, 10, title)
        canvas.restoreState()

    return draw


@contextlib.contextmanager
def unchecked_shapes() -> Iterator[None]:
    """Charts and maps built without reportlab checking every attribute they set (a
    development aid, reportlab's docs say): the attributes are ours and fixed, so building
    and drawing them need not pay for it."""
    from reportlab import rl_config

    before = rl_config.shapeChecking
    rl_config.shapeChecking = 0
    try:
        yield
    finally:
        rl_config.shapeChecking = before


# reportlab's modules that write numbers into a page with `fp_str` (each holds its own name).
_NUMBER_WRITERS = (
    "reportlab.pdfgen.canvas",
    "reportlab.pdfgen.textobject",
    "reportlab.pdfgen.pathobject",
    "reportlab.platypus.tables",
    "reportlab.platypus.flowables",
    "reportlab.pdfbase.pdfdoc",
    "reportlab.lib.colors",
)
REMEMBERED_NUMBERS = 4096  # about half a megabyte at most


@functools.cache
def _remembering_numbers() -> list[tuple[Any, str, Any, Any]]:
    """reportlab writes every number of a page (each text line's origin, each table rule and
    colour) with `fp_str`, in pure Python without its optional C extension: a few
    microseconds a number, thousands of numbers a pack. A page repeats the same few hundred
    (columns, rules, leading), so each number's text is remembered once worked out: the same
    function of the same value, the same bytes, looked up instead of formatted.
    (module, name, reportlab's own, the remembering one) for each module that holds it."""
    import importlib

    from reportlab.lib import rl_accel

    real = rl_accel.fp_str
    known: dict[Any, str] = {}

    def fp_str(*numbers: Any) -> str:
        one = len(numbers) == 1 and isinstance(numbers[0], tuple | list)
        out = []
        for number in numbers[0] if one else numbers:
            try:
                text = known.get(number)
            except TypeError:  # not a number: reportlab's own answer (or error)
                text = None
            if text is None:
                text = real(number)
                if len(known) < REMEMBERED_NUMBERS and isinstance(number, int | float):
                    known[number] = text
            out.append(text)
        return " ".join(out)

    modules = [importlib.import_module(name) for name in _NUMBER_WRITERS]
    return [(m, "fp_str", real, fp_str) for m in modules if getattr(m, "fp_str", None) is real]


REMEMBERED_WIDTHS = 8192  # about a megabyte at most


@functools.cache
def _remembering_widths() -> list[tuple[Any, str, Any, Any]]:
    """reportlab measures text (every word a paragraph breaks, every cell, chart label and
    right-aligned line) with a built-in font's `stringWidth`, in pure Python: a pack measures
    about 1,600 texts, most of them the same words and labels again. Each (font, text, size,
    encoding)'s width is remembered once measured: the same function of the same arguments,
    the same number."""
    from reportlab.pdfbase import pdfmetrics

    real = pdfmetrics.Font.stringWidth
    known: dict[tuple[Any, ...], Any] = {}

    def stringWidth(self: Any, text: Any, size: Any, encoding: str = "utf8") -> Any:
        key = (self, text, size, encoding)
        try:
            return known[key]
        except KeyError:
            pass
        except TypeError:  # not hashable: reportlab's own answer
            return real(self, text, size, encoding)
        width = real(self, text, size, encoding)
        if len(known) < REMEMBERED_WIDTHS:
            known[key] = width
        return width

    return [(pdfmetrics.Font, "stringWidth", real, stringWidth)]


_remembering_lock = threading.Lock()
_remembering_users = 0


@contextlib.contextmanager
def remembered_measures() -> Iterator[None]:
    """Within it, reportlab formats each number and measures each text once and remembers it
    (`_remembering_numbers`, `_remembering_widths`): the same bytes, sooner. Outside it (and
    once the last document being made leaves it) reportlab is its own again, for anything
    else in the process that draws with it."""
    global _remembering_users
    swaps = _remembering_numbers() + _remembering_widths()
    with _remembering_lock:
        if _remembering_users == 0:
            for owner, name, _real, remembering in swaps:
                setattr(owner, name, remembering)
        _remembering_users += 1
    try:
        yield
    finally:
        with _remembering_lock:
            _remembering_users -= 1
            if _remembering_users == 0:
                for owner, name, real, _remembering in swaps:
                    setattr(owner, name, real)


def render_pdf(flowables: Sequence[Any], info: DocumentInfo, *, invariant: bool = False) -> bytes:
    """The PDF bytes for `flowables` on A4. `invariant` gives the same bytes for the same
    content (reportlab's invariant mode: fixed dates and ids), as tests and reproducible
    documents need."""
    from reportlab import rl_config
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate

    buffer = io.BytesIO()
    before, checking, a85 = rl_config.invariant, rl_config.shapeChecking, rl_config.useA85
    rl_config.invariant = 1 if invariant else before
    # Charts check every attribute they set (a development aid, reportlab's docs say); the
    # attributes are ours and fixed, so drawing them need not pay for it on every page.
    rl_config.shapeChecking = 0
    # Compressed page streams are kept binary, not also ASCII85-encoded (which reportlab does
    # in pure Python, page by page, for 7-bit mail transports): the same pages, a quarter
    # smaller a file, and no encoding pass.
    rl_config.useA85 = 0
    try:
        doc = SimpleDocTemplate(
            buffer,
            pagesize=A4,
            leftMargin=18 * mm,
            rightMargin=18 * mm,
            topMargin=(24 if info.marking else 18) * mm,
            bottomMargin=(20 if info.marking else 16) * mm + (6 if info.large_print else 0),
            **info.metadata(),
            author="PCSO Desk",
            creator="PCSO Desk",
        )
        frame = _frame_page(info)
        with remembered_measures():
            doc.build(list(flowables), onFirstPage=frame, onLaterPages=frame)
    finally:
        rl_config.invariant, rl_config.shapeChecking = before, checking
        rl_config.useA85 = a85
    return buffer.getvalue()


def write_atomic(path: Path, data: bytes) -> Path:
    """Write a document under a temporary name and rename it: no half file looks whole."""
    from pcso_desk.atomic import write_atomic as replace

    path.parent.mkdir(parents=True, exist_ok=True)
    return replace(path, data)


def fitted_photo(data: bytes | None, width: float, height: float) -> Any:
    """A photo (the team's) scaled to fit the box, or None: none, or one that will not read."""
    import io

    from reportlab.lib.utils import ImageReader
    from reportlab.platypus import Image

    if not data:
        return None
    try:
        pixels_wide, pixels_high = ImageReader(io.BytesIO(data)).getSize()
    except Exception:
        return None
    scale = min(width / pixels_wide, height / pixels_high)
    return Image(io.BytesIO(data), width=pixels_wide * scale, height=pixels_high * scale)
