"""Short text drawn without a Paragraph (reports/text_lines.py) looks as the Paragraph drew it."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta
from typing import Any

import pypdfium2
import pytest
from PIL import ImageChops

from pcso_desk.domain.schedule import LONDON
from pcso_desk.reports import text_lines
from pcso_desk.reports.briefing import (
    Area,
    Handout,
    OfficerCard,
    PublicEvent,
    PublicPriority,
    TeamBase,
    build_handout,
)
from pcso_desk.reports.common import styles
from tests.reports import flat, page_texts


def _pages(pdf: bytes) -> list[Any]:
    document = pypdfium2.PdfDocument(pdf)
    return [page.render(scale=2).to_pil().convert("RGB") for page in document]


def _differing(a: Any, b: Any) -> int:
    """Pixels that differ by more than anti-aliasing could explain."""
    diff = ImageChops.difference(a, b).convert("L").point(lambda v: 255 if v > 60 else 0)
    return int(diff.histogram()[255])


def _photo() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (80, 60), (90, 120, 160)).save(out, "JPEG")
    return out.getvalue()


def _handout(officers: int, photo: bool = False) -> Handout:
    """A handout whose text has every kind of line: short, bold-led, two-line, too long for
    its column, with characters that are markup, with spaces a paragraph collapses."""
    starts = datetime(2026, 12, 1, 18, 30, tzinfo=LONDON)
    return Handout(
        area=Area("ward", "w1", "Riverside & <Central>", "E05000001", "n1"),
        team=TeamBase(
            team_name="Riverside",
            phone="01632 960073",
            email="riverside.snt@example.police.uk",
            station_name="Riverside Police Office",
            station_address="1 High Street, Riverside, a long address that runs on past the "
            "end of the line and so must wrap",
            station_postcode="RV1 1AA",
            station_phone="01632 960032",
            opening_hours="Monday to Friday,  9am to 5pm",  # two spaces: collapsed as before
            photo=_photo() if photo else None,  # the officers then go in a table's cell
        ),
        officers=tuple(
            OfficerCard(
                f"Officer {n} O'Brien & <Sons>" if n % 3 else f"Officer {n}",
                f"PCSO {1000 + n}",
                "pcso" if n % 2 else "pc",
                "07700 900123" if n % 4 else "",
                f"officer.{n}@example.police.uk" if n % 5 else "",
            )
            for n in range(officers)
        ),
        streets=("High Street", "Mill Lane"),
        priorities=(
            PublicPriority("Speeding on Mill Lane.", "speeding", ("We ran speed checks.",)),
            PublicPriority(
                "Parking on the pavement outside the school gates at the start and the end of "
                "every school day, which blocks buggies and wheelchairs.",
                "parking",
                (
                    "We wrote to every household & spoke to the school <head>.",
                    "We patrolled Mill Lane with council parking officers on five mornings and "
                    "five afternoons, and gave out warning notices.",
                ),
            ),
            PublicPriority("Youth nuisance near the park.", "asb", ()),
        ),
        events=tuple(
            PublicEvent(
                "PACT meeting" if n % 2 else "Police surgery",
                "PACT meeting: have your say" if n % 3 == 0 else f"Talk to us {n}",
                "Riverside Community Centre, the big hall at the back past the car park"
                if n % 2
                else "Library",
                starts + timedelta(days=7 * n),
                starts + timedelta(days=7 * n, hours=2) if n % 2 else None,
            )
            for n in range(8)
        ),
        issued_on=date(2026, 11, 24),
    )


@pytest.mark.parametrize("large_print", [False, True])
@pytest.mark.parametrize(("officers", "photo"), [(3, False), (40, False), (6, True)])
def test_the_handout_looks_as_it_did_with_paragraphs(
    monkeypatch: pytest.MonkeyPatch, officers: int, photo: bool, large_print: bool
) -> None:
    """Page for page, the same pixels and text as when every line was a Paragraph; 40
    officers take the handout over more pages, so page breaks fall where they did."""
    data = _handout(officers, photo)
    direct = build_handout(data, large_print=large_print)
    monkeypatch.setattr(text_lines, "_drawable_style", lambda style: False)
    as_paragraphs = build_handout(data, large_print=large_print)
    assert direct != as_paragraphs  # the lines really were drawn another way
    assert (b"/Subtype /Image" in direct) == photo
    mine, theirs = _pages(direct), _pages(as_paragraphs)
    assert len(mine) == len(theirs) >= (2 if officers == 3 else 3)
    for page, (a, b) in enumerate(zip(mine, theirs, strict=True)):
        assert a.size == b.size
        assert _differing(a, b) < 20, f"page {page + 1}"
    assert [flat(t) for t in page_texts(direct)] == [flat(t) for t in page_texts(as_paragraphs)]


def test_lines_are_broken_where_a_paragraph_breaks_them_without_one() -> None:
    from reportlab.platypus import Paragraph

    body = styles()["body"]
    short = text_lines.text_lines([[("Email:", True), (" team@example.police.uk", False)]], body)
    assert short.wrap(400, 800) == (400, body.leading)
    assert short._para is None  # measured, not parsed
    words = " ".join(f"word{n}" for n in range(60))
    for line in ([(words, False)], [("We did:", True), (f" {words}", False)]):
        drawn = text_lines.text_lines([line], body)
        width, height = drawn.wrap(300, 800)
        assert drawn._para is None
        paragraph = Paragraph(text_lines.markup([line]), body)
        assert (width, height) == paragraph.wrap(300, 800)
        assert height > 4 * body.leading
        assert [len(runs) for runs in drawn._drawing] == [
            2 if n == 0 and len(line) == 2 else 1 for n in range(len(drawn._drawing))
        ]


def test_a_word_wider_than_the_line_is_left_to_the_paragraph() -> None:
    from reportlab.platypus import Paragraph

    body = styles()["body"]
    text = "see https://" + "x" * 80 + " for more"
    drawn = text_lines.plain(text, body)
    size = drawn.wrap(200, 800)
    assert isinstance(drawn._para, Paragraph)
    assert size == Paragraph(text_lines.markup([[(text, False)]]), body).wrap(200, 800)


def test_markup_characters_are_printed_as_they_are() -> None:
    from reportlab.platypus import SimpleDocTemplate

    body = styles()["body"]
    out = io.BytesIO()
    line = [("<b>not bold</b>", False), (" & <br/> too", True)]
    SimpleDocTemplate(out).build([text_lines.text_lines([line], body)])
    assert "<b>notbold</b>&<br/>too" in flat(page_texts(out.getvalue())[0])
    assert text_lines.markup([line]) == "&lt;b&gt;not bold&lt;/b&gt;<b> &amp; &lt;br/&gt; too</b>"


@pytest.mark.parametrize("font", ["Helvetica", "Helvetica-Bold", "Times-Italic", "Symbol"])
def test_widths_are_those_reportlab_measures(font: str) -> None:
    """The width table gives stringWidth's figure, to the last bit: for text the font
    encodes, text it does not (measured by stringWidth), and odd spaces."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    texts = ["We did:", "O'Brien & <Sons>", "€100 – café “quoted” … £5", "Łódź 中文", "", " \xa0\t"]
    for size in (10, 12, 13.2, 16.2):
        for text in texts:
            assert text_lines.width_of(text, font, size) == stringWidth(text, font, size)
