"""Maps and charts written straight into the page look as reportlab's renderer draws them."""

from __future__ import annotations

import io
from typing import Any

import pypdfium2
import pytest
from PIL import ImageChops

from pcso_desk.reports.fast_drawing import drawing_class


def _shapes(drawing: Any) -> Any:
    from reportlab.graphics.charts.barcharts import HorizontalBarChart
    from reportlab.graphics.shapes import Circle, Group, Line, Polygon, PolyLine, Rect, String
    from reportlab.lib.colors import HexColor, white

    navy = HexColor("#1f3a5f")
    drawing.add(Rect(0, 0, 400, 300, fillColor=HexColor("#f7f9fb"), strokeColor=navy))
    drawing.add(Polygon([20, 20, 180, 30, 150, 160, 30, 140], fillColor=HexColor("#e3ebf3"),
                        strokeColor=navy, strokeWidth=1.6))  # fmt: skip
    drawing.add(Polygon([40, 40, 90, 40, 60, 90], fillColor=None, strokeColor=HexColor("#9fb3c8"),
                        strokeWidth=0.5))  # fmt: skip
    for n in range(12):
        drawing.add(Circle(30 + 12 * n, 60 + 7 * n, 3.2 + n / 3, fillColor=HexColor("#0072b2"),
                           strokeColor=white, strokeWidth=0.6))  # fmt: skip
    drawing.add(Rect(200, 200, 80, 30, rx=4, ry=4, fillColor=white, strokeColor=navy))
    drawing.add(Rect(60, 100, 90, 14, fillColor=white, fillOpacity=0.75, strokeColor=None))
    drawing.add(Line(200, 20, 380, 20, strokeColor=navy, strokeWidth=2))
    drawing.add(PolyLine([200, 40, 250, 80, 300, 50], strokeColor=HexColor("#c8102e")))
    for y, anchor in ((250, "start"), (270, "middle"), (290, "end")):
        drawing.add(String(300, y, f"Ware {anchor}", textAnchor=anchor, fontName="Helvetica-Bold",
                           fontSize=10, fillColor=HexColor("#3d5570")))  # fmt: skip
    moved = Group(Circle(0, 0, 8, fillColor=navy), transform=(1, 0, 0, 1, 330, 120))
    drawing.add(moved)
    chart = HorizontalBarChart()
    chart.x, chart.y, chart.width, chart.height = 230, 150, 120, 40
    chart.data = [[4, 9, 2]]
    chart.categoryAxis.categoryNames = ["Shoplifting", "Vehicle crime", "Public order"]
    chart.categoryAxis.labels.fontName = "Helvetica"
    drawing.add(chart)
    return drawing


def _page(drawing: Any) -> Any:
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import SimpleDocTemplate

    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=A4).build([drawing])
    pdf = pypdfium2.PdfDocument(out.getvalue())
    return pdf[0].render(scale=2).to_pil().convert("RGB")


def _differing(a: Any, b: Any) -> int:
    """Pixels that differ by more than anti-aliasing could explain."""
    diff = ImageChops.difference(a, b).convert("L").point(lambda v: 255 if v > 60 else 0)
    return int(diff.histogram()[255])


def test_shapes_drawn_directly_look_as_reportlab_draws_them() -> None:
    from reportlab.graphics.shapes import Drawing

    direct = _page(_shapes(drawing_class()(400, 300)))
    rendered = _page(_shapes(Drawing(400, 300)))
    assert direct.size == rendered.size
    assert _differing(direct, _page(Drawing(400, 300))) > 1000  # the shapes are there
    assert _differing(direct, rendered) < 20


@pytest.mark.parametrize("shape", ["wedge", "dashes"])
def test_a_drawing_with_what_the_writer_does_not_know_is_still_drawn(shape: str) -> None:
    from reportlab.graphics.shapes import Drawing, Line, Wedge
    from reportlab.lib.colors import red

    def build(drawing: Any) -> Any:
        if shape == "wedge":
            drawing.add(Wedge(100, 100, 60, 0, 120, fillColor=red))
        else:
            drawing.add(Line(10, 10, 190, 190, strokeColor=red, strokeWidth=4,
                             strokeDashArray=[6, 3]))  # fmt: skip
        return drawing

    direct = _page(build(drawing_class()(200, 200)))
    rendered = _page(build(Drawing(200, 200)))
    blank = _page(Drawing(200, 200))
    assert _differing(direct, blank) > 100  # something red was drawn
    assert _differing(direct, rendered) < 20


def test_a_table_of_plain_text_cells_looks_as_one_of_paragraphs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Short cells are drawn by the table itself, long ones still wrap: the page is the same
    as when every cell is a paragraph."""
    from reportlab.platypus import Table

    from pcso_desk.reports import monthly_pack
    from pcso_desk.reports.monthly_pack import PackTable

    rows = [
        ("Violence and sexual offences", 82, "2026-02", "Hertford Bengeo & Sele"),
        ("Anti-social behaviour", 0, "2 December 2026", "On or near a very long street name "
         "that runs on past the end of its column and so must wrap onto a second line"),
        ("  spaced  out  ", 4, "", "<b>not markup</b>"),
    ] * 4  # fmt: skip
    table = PackTable("t", "T", ("Type", "Count", "Month", "Where"), tuple(rows))

    def page() -> Any:
        flow = monthly_pack._table(table, monthly_pack._styles(), [150, 60, 110, 154])
        return flow, _page(flow)

    plain, direct = page()
    monkeypatch.setattr(monthly_pack, "_one_line", lambda *_args: False)
    paragraphs, as_paragraphs = page()
    assert isinstance(plain, Table)
    assert any(isinstance(c, str) for row in plain._cellvalues for c in row)
    assert not any(isinstance(c, str) for row in paragraphs._cellvalues for c in row)
    assert _differing(direct, as_paragraphs) < 20
