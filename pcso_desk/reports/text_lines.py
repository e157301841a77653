"""Short text set where a reportlab Paragraph would set it, without parsing or breaking it.

Most of a handout's text is a line or two: a heading, a name and role, "Email: ...", a
meeting's date, a bullet of advice. A Paragraph parses each as markup, measures it word by
word to break it into lines, and draws it word by word. `text_lines()` takes the text as
lines of runs instead, each run plain or bold. When every line fits the width it is given,
the flowable measures each run once and draws the lines itself: the same font, size,
colour, leading and baseline as the Paragraph (left aligned, each line's runs one after
the other, as the Paragraph's frags are). When a line does not fit, or the style asks for
anything this does not draw (another alignment, indents, a bullet, a background, automatic
leading...), it is that Paragraph: built from the same text as markup (escaped, bold in
<b>, lines joined by <br/>), it wraps, splits and draws exactly as before. Splitting
always goes to the Paragraph, so a page break falls where it did.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any
from xml.sax.saxutils import escape

Run = tuple[str, bool]  # (text, bold)
Line = Sequence[Run]

_FIT = 1e-6  # points of slack: a line this close to the width goes to the Paragraph


def markup(lines: Sequence[Line]) -> str:
    """The lines as Paragraph markup: escaped, bold runs in <b>, lines joined by <br/>."""
    return "<br/>".join(
        "".join(f"<b>{escape(text)}</b>" if bold else escape(text) for text, bold in line)
        for line in lines
    )


def text_lines(lines: Sequence[Line], style: Any) -> Any:
    """A flowable of these lines in `style` (see the module's docstring)."""
    return text_lines_class()(lines, style)


def plain(text: str, style: Any) -> Any:
    """One run of plain text (a Paragraph of `escape(text)` when it does not fit)."""
    return text_lines_class()((((text, False),),), style)


def _drawable_style(style: Any) -> bool:
    """Whether lines in this style are drawn as a left-aligned Paragraph draws them."""
    from reportlab import rl_config
    from reportlab.lib.enums import TA_LEFT

    return bool(
        rl_config.paraFontSizeHeightOffset  # a Paragraph's first baseline: its font size down
        and style.alignment == TA_LEFT
        and not (style.leftIndent or style.rightIndent or style.firstLineIndent)
        and not getattr(style, "bulletText", None)
        and not style.backColor
        and not (style.borderWidth and style.borderColor)
        and getattr(style, "autoLeading", "") in ("", None)
        and not getattr(style, "textTransform", None)
        and not getattr(style, "endDots", None)
        and not getattr(style, "wordWrap", None)
        and not getattr(style, "shaping", 0)
    )


def _simple(text: str) -> bool:
    """Text a Paragraph draws as it stands: no spaces it would collapse or strip, no
    non-breaking or soft hyphens it treats apart."""
    return " ".join(text.split()) == text and "\xa0" not in text and "\xad" not in text


@functools.cache
def _bold_font(font: str) -> str | None:
    from reportlab.lib.fonts import ps2tt, tt2ps

    try:
        family, _bold, italic = ps2tt(font)
        return str(tt2ps(family, 1, italic))
    except ValueError:
        return None


@functools.cache
def text_lines_class() -> Any:
    """The flowable class (reportlab is imported only when a document is made)."""
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.platypus.flowables import Flowable

    from pcso_desk.reports.common import paragraph_class

    class TextLines(Flowable):  # type: ignore[misc]
        # Like a Paragraph, no Flowable.__init__: no hAlign and the like of its own.
        def __init__(self, lines: Sequence[Line], style: Any) -> None:
            self.style = style
            self._lines = lines
            self._para: Any = None
            self._drawn = False
            self._fonts: list[list[tuple[str, str]]] | None = None  # per line: (font, text)
            self._widths: list[float] | None = None
            self._plan = self._planned()

        def _planned(self) -> bool:
            """Measure the runs once: whether this may draw them itself at all."""
            style = self.style
            lines = [[(t, b) for t, b in line if t] for line in self._lines]
            if not lines or not all(lines) or not _drawable_style(style):
                return False
            regular, size = style.fontName, style.fontSize
            fonts: list[list[tuple[str, str]]] = []
            widths: list[float] = []
            for line in lines:
                if not _simple("".join(t for t, _b in line)):
                    return False
                runs: list[tuple[str, str]] = []
                for text, bold in line:
                    font = _bold_font(regular) if bold else regular
                    if font is None:
                        return False
                    runs.append((font, text))
                fonts.append(runs)
                widths.append(sum(stringWidth(t, f, size) for f, t in runs))
            self._fonts, self._widths = fonts, widths
            return True

        def _paragraph(self) -> Any:
            if self._para is None:
                self._para = paragraph_class()(markup(self._lines), self.style)
            return self._para

        def _fits(self, width: float) -> bool:
            return bool(self._plan and self._widths and max(self._widths) <= width - _FIT)

        def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
            if not self._fits(availWidth):
                self._drawn = False
                size: tuple[float, float] = self._paragraph().wrap(availWidth, availHeight)
                self.width, self.height = size
                return size
            self._drawn = True
            self.width = availWidth
            self.height = len(self._lines) * self.style.leading
            return self.width, self.height

        def split(self, availWidth: float, availHeight: float) -> list[Any]:
            return list(self._paragraph().split(availWidth, availHeight))

        def minWidth(self) -> float:
            return float(self._paragraph().minWidth())

        def draw(self) -> None:
            if not self._drawn:
                self._paragraph()._drawOn(self.canv)
                return
            style = self.style
            size, leading = style.fontSize, style.leading
            text = self.canv.beginText(0, self.height - size)
            text.setFillColor(style.textColor)
            current = None
            for number, runs in enumerate(self._fonts or ()):
                if number:
                    text.setTextOrigin(0, self.height - size - number * leading)
                for font, words in runs:
                    if font != current:
                        text.setFont(font, size, leading)
                        current = font
                    text.textOut(words)
            self.canv.drawText(text)

        def getPlainText(self, identify: Any = None) -> str:
            return "\n".join("".join(t for t, _b in line) for line in self._lines)

        def __getattr__(self, name: str) -> Any:
            # What a Paragraph has once it has wrapped or split (a list item asks a split
            # item for its lines, `blPara`): only from the Paragraph, once there is one.
            para = self.__dict__.get("_para")
            if para is None or name.startswith("__"):
                raise AttributeError(name)
            return getattr(para, name)

    return TextLines
