"""Text set where a reportlab Paragraph would set it, without parsing it as markup.

Most of a handout's text is a line or two: a heading, a name and role, "Email: ...", a
meeting's date, a bullet of advice. A Paragraph parses each as markup, measures it word by
word on every wrap, and draws it through its general machinery. `text_lines()` takes the
text as lines of runs instead, each run plain or bold: it measures each word once and
breaks the lines where the Paragraph does (a word stays on the line while it fits), then
draws them itself in the same font, size, colour, leading and baseline, left aligned,
each line's runs one after another as the Paragraph's frags are.

Where the Paragraph might do anything else it *is* that Paragraph, built from the same text
as markup (escaped, bold in <b>, lines joined by <br/>), and wraps, splits and draws exactly
as before: a style this does not draw (another alignment, indents, a bullet, a background,
automatic leading...), spaces it would collapse, a word wider than the line (it splits
words), a break that only its shrinking of spaces (`spaceShrinkage`) could decide, a bold
space not as wide as a plain one. Splitting across pages always goes to the Paragraph, so
a page break falls where it did.
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


Piece = tuple[str, str]  # (font, text)
Word = tuple[float, list[Piece]]  # its width, and its text in one font or more


@functools.cache
def _char_widths(font: str) -> dict[str, Any] | None:
    """Each character's width (thousandths of the size) in a Type 1 font's own encoding:
    what reportlab's stringWidth adds up for text the font encodes itself. None for a font
    it measures otherwise (TrueType)."""
    from reportlab.pdfbase.pdfmetrics import getFont

    face = getFont(font)
    widths = getattr(face, "widths", None)
    encoding = getattr(face, "encName", "")
    if getattr(face, "_dynamicFont", 0) or widths is None or not encoding or "UCS-2" in encoding:
        return None
    table: dict[str, Any] = {}
    for code in range(256):
        raw = bytes([code])
        try:
            char = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        if len(char) == 1 and char.encode(encoding) == raw:
            table[char] = widths[code]
    return table


def width_of(text: str, font: str, size: float) -> float:
    """`stringWidth(text, font, size)`, the same sum, from a table of the font's widths
    (reportlab works it out by encoding the text, in Python, each time); a character the
    font does not encode itself is measured by stringWidth."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    table = _char_widths(font)
    if table is not None:
        try:
            return float(sum(map(table.__getitem__, text)) * 0.001 * size)
        except KeyError:
            pass
    return float(stringWidth(text, font, size))


def _words(runs: Sequence[Piece], size: float) -> list[Word]:
    """A line's runs as words (split at its single spaces), each with its width."""
    words: list[list[Piece]] = []
    current: list[Piece] = []
    for font, text in runs:
        for number, part in enumerate(text.split(" ")):
            if number and current:
                words.append(current)
                current = []
            if part:
                current.append((font, part))
    if current:
        words.append(current)
    return [(sum(width_of(t, f, size) for f, t in word), word) for word in words]


def _broken(lines: Sequence[Sequence[Word]], width: float, space: float, shrink: float) -> Any:
    """The lines broken to `width` as a Paragraph breaks them (a word on the line while it
    fits), each as its words; None where the Paragraph might break otherwise: a word wider
    than the line (it would split it), or a line that only its spaces' shrinking (its
    `spaceShrinkage`) could decide."""
    out: list[list[Word]] = []
    room = width - _FIT
    for line in lines:
        current: list[Word] = []
        used = 0.0
        for word in line:
            if word[0] > room:
                return None
            if not current:
                current, used = [word], word[0]
                continue
            wider = used + space + word[0]
            if wider <= room:
                current.append(word)
                used = wider
            elif wider > width + shrink * space * (len(current) + 1) + _FIT:
                out.append(current)
                current, used = [word], word[0]
            else:
                return None
        out.append(current)
    return out


def _runs(words: Sequence[Word]) -> list[Piece]:
    """A broken line's words as runs of one font, a space between words."""
    runs: list[Piece] = []
    for number, (_width, pieces) in enumerate(words):
        for piece_number, (font, text) in enumerate(pieces):
            if number and not piece_number:
                text = " " + text
            if runs and runs[-1][0] == font:
                runs[-1] = (font, runs[-1][1] + text)
            else:
                runs.append((font, text))
    return runs


@functools.cache
def text_lines_class() -> Any:
    """The flowable class (reportlab is imported only when a document is made)."""
    from reportlab.platypus.flowables import Flowable

    from pcso_desk.reports.common import paragraph_class

    class TextLines(Flowable):  # type: ignore[misc]
        # Like a Paragraph, no Flowable.__init__: no hAlign and the like of its own.
        def __init__(self, lines: Sequence[Line], style: Any) -> None:
            self.style = style
            self._lines = lines
            self._para: Any = None
            self._words: list[list[Word]] | None = None  # per given line; None: not ours
            self._space = 0.0
            self._broken: dict[float, list[list[Piece]] | None] = {}
            self._drawing: list[list[Piece]] | None = None  # the lines the last wrap set
            self._planned()

        def _planned(self) -> None:
            """Measure the words once, when this may draw the lines itself at all."""
            style = self.style
            lines = [[(t, b) for t, b in line if t] for line in self._lines]
            if not lines or not all(lines) or not _drawable_style(style):
                return
            regular, size = style.fontName, style.fontSize
            words: list[list[Word]] = []
            fonts = set()
            for line in lines:
                if not _simple("".join(t for t, _b in line)):
                    return
                runs: list[Piece] = []
                for text, bold in line:
                    font = _bold_font(regular) if bold else regular
                    if font is None:
                        return
                    runs.append((font, text))
                    fonts.add(font)
                words.append(_words(runs, size))
            spaces = {width_of(" ", font, size) for font in fonts}
            if len(spaces) != 1:
                return  # a space as wide in each font, wherever it falls between two runs
            self._words, self._space = words, spaces.pop()

        def _paragraph(self) -> Any:
            if self._para is None:
                self._para = paragraph_class()(markup(self._lines), self.style)
            return self._para

        def _lines_for(self, width: float) -> list[list[Piece]] | None:
            if self._words is None:
                return None
            if width not in self._broken:
                shrink = getattr(self.style, "spaceShrinkage", 0) or 0
                broken = _broken(self._words, width, self._space, shrink)
                self._broken[width] = None if broken is None else [_runs(w) for w in broken]
            return self._broken[width]

        def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
            lines = self._lines_for(availWidth)
            self._drawing = lines
            if lines is None:
                size: tuple[float, float] = self._paragraph().wrap(availWidth, availHeight)
                self.width, self.height = size
                return size
            self.width = availWidth
            self.height = len(lines) * self.style.leading
            return self.width, self.height

        def split(self, availWidth: float, availHeight: float) -> list[Any]:
            return list(self._paragraph().split(availWidth, availHeight))

        def minWidth(self) -> float:
            return float(self._paragraph().minWidth())

        def draw(self) -> None:
            lines = self._drawing
            if lines is None:
                self._paragraph()._drawOn(self.canv)
                return
            style = self.style
            size, leading = style.fontSize, style.leading
            text = self.canv.beginText(0, self.height - size)
            text.setFillColor(style.textColor)
            current = None
            last = len(lines) - 1
            for number, runs in enumerate(lines):
                for piece, (font, words) in enumerate(runs, 1):
                    if font != current:
                        text.setFont(font, size, leading)  # and the leading the next line is down
                        current = font
                    if piece == len(runs) and number < last:
                        text.textLine(words)  # then to the start of the next line
                    else:
                        text.textOut(words)
            self.canv.drawText(text)

        def getPlainText(self, identify: Any = None) -> str:
            return "\n".join("".join(t for t, _b in line) for line in self._lines)

        @property
        def blPara(self) -> Any:
            """The Paragraph's lines, once it has wrapped (a list item asks a split item)."""
            if self._para is None or not hasattr(self._para, "blPara"):
                raise AttributeError("blPara")
            return self._para.blPara

    return TextLines
