"""Drawings (maps, charts) written straight into the page, without reportlab's renderer.

reportlab's renderer wraps every shape in its own save/restore, re-applies the whole graphics
state for it and formats each number with its pure-Python `fp_str` (several microseconds a
number): a map of a few hundred dots and a few thousand boundary points cost more to draw
than the rest of its page. `drawing_class()` is a `Drawing` that writes the same shapes
itself: each colour and line width only when it changes, numbers to 1/100 of a point
(1/7200 inch: no reader can see the difference), the same even-odd fill rule, the same text
through the canvas. A drawing holding anything it does not know (a path, a wedge, an image, a
scale or a dash pattern) is drawn by reportlab's renderer as before, whole.
"""

from __future__ import annotations

import functools
from typing import Any

# A circle as four Bézier quarter arcs (the constant of every PDF writer's circle).
_KAPPA = 0.5522847498


class _Unsupported(Exception):
    """A node this writer does not draw: the whole drawing goes to reportlab's renderer."""


_PLAIN = {  # state a shape may carry that this writer does not write, and its plain value
    "fillOverprint": False,
    "strokeOverprint": False,
    "overprintMask": 0,
}


@functools.cache
def drawing_class() -> Any:
    """reportlab's `Drawing`, drawn onto the canvas by `_Writer` (see the module's docstring)."""
    from reportlab.graphics.shapes import Drawing

    class PlainDrawing(Drawing):  # type: ignore[misc]
        def draw(self, showBoundary: Any = None) -> None:
            if showBoundary or getattr(self, "_showBoundary", False) or not _plain_frame(self):
                super().draw() if showBoundary is None else super().draw(showBoundary)
                return
            try:
                nodes = _resolved(self)
            except _Unsupported:
                super().draw() if showBoundary is None else super().draw(showBoundary)
                return
            canvas = self.canv
            canvas.saveState()
            try:
                _Writer(canvas).group(nodes)
            finally:
                canvas.restoreState()

    return PlainDrawing


def _plain_frame(drawing: Any) -> bool:
    scale = getattr(drawing, "renderScale", 1)
    return scale == 1 and tuple(drawing.transform) == (1, 0, 0, 1, 0, 0)


def _resolved(group: Any) -> list[tuple[Any, list[Any] | None]]:
    """The group's children with user nodes (charts) turned into shapes: (shape, children)
    pairs, children None for a leaf."""
    from reportlab.graphics.shapes import (
        Circle,
        Group,
        Line,
        Polygon,
        PolyLine,
        Rect,
        String,
        UserNode,
    )

    out: list[tuple[Any, list[Any] | None]] = []
    for node in group.contents:
        while isinstance(node, UserNode):
            node = node.provideNode()
        kind = type(node)
        if isinstance(node, Group) and kind.__name__ == "Group":
            out.append((node, _resolved(node)))
        elif kind in (Rect, Circle, Line, PolyLine, Polygon, String):
            for key, plain in _PLAIN.items():
                if getattr(node, key, plain) != plain:
                    raise _Unsupported(key)
            if kind is String and (
                getattr(node, "textRenderMode", 0) != 0
                or node.textAnchor not in ("start", "middle", "end", "inherited")
            ):
                raise _Unsupported("text mode")
            out.append((node, None))
        else:
            raise _Unsupported(kind.__name__)
    return out


def _n(value: float) -> str:
    return f"{value:.2f}"


class _Writer:
    """Writes shapes as PDF operators into the canvas's page, tracking what it has set."""

    def __init__(self, canvas: Any) -> None:
        self.canvas = canvas
        self.code = canvas._code
        self.fill: Any = ()  # () = not yet set in this drawing
        self.stroke: Any = ()
        self.width: Any = ()
        self.cap: Any = 0
        self.join: Any = 0
        self.code.append("0 J 0 j [] 0 d")

    def group(self, nodes: list[tuple[Any, list[Any] | None]]) -> None:
        for node, children in nodes:
            if children is not None:
                self.transformed(node, children)
            else:
                self.shape(node)

    def transformed(self, node: Any, children: list[Any]) -> None:
        transform = tuple(node.transform)
        if transform == (1, 0, 0, 1, 0, 0):
            self.group(children)
            return
        saved = self.fill, self.stroke, self.width, self.cap, self.join
        self.canvas.saveState()
        self.code.append(" ".join(_n(v) for v in transform) + " cm")
        self.group(children)
        self.canvas.restoreState()
        self.fill, self.stroke, self.width, self.cap, self.join = saved

    def colour(self, colour: Any, operator: str) -> None:
        from reportlab.lib.colors import Color

        if type(colour) is Color and colour.alpha == 1:
            self.code.append(f"{colour.red:.4f} {colour.green:.4f} {colour.blue:.4f} {operator}")
        elif operator == "rg":
            self.canvas.setFillColor(colour)
        else:
            self.canvas.setStrokeColor(colour)

    def paint(self, node: Any, can_fill: bool = True) -> str | None:
        """Sets the node's colours and width; the operator that paints its path (None: none)."""
        fill = node.fillColor if can_fill else None
        stroke = node.strokeColor
        if fill is not None and fill != self.fill:
            self.colour(fill, "rg")
            self.fill = fill
        if stroke is not None:
            if stroke != self.stroke:
                self.colour(stroke, "RG")
                self.stroke = stroke
            width = node.strokeWidth
            if width != self.width:
                self.code.append(f"{_n(width)} w")
                self.width = width
            cap, join = getattr(node, "strokeLineCap", 0), getattr(node, "strokeLineJoin", 0)
            if cap != self.cap:
                self.code.append(f"{int(cap)} J")
                self.cap = cap
            if join != self.join:
                self.code.append(f"{int(join)} j")
                self.join = join
        if fill is not None:
            return "B*" if stroke is not None else "f*"
        return "S" if stroke is not None else None

    def shape(self, node: Any) -> None:
        dash = getattr(node, "strokeDashArray", None)
        alpha = getattr(node, "fillOpacity", None), getattr(node, "strokeOpacity", None)
        if not dash and alpha == (None, None):
            self.plain_shape(node)
            return
        saved = self.fill, self.stroke, self.width, self.cap, self.join
        canvas = self.canvas
        canvas.saveState()  # opacity and dashes are the shape's alone
        if alpha[0] is not None:
            canvas.setFillAlpha(alpha[0])
        if alpha[1] is not None:
            canvas.setStrokeAlpha(alpha[1])
        if dash:
            if len(dash) == 2 and isinstance(dash[1], tuple | list):
                canvas.setDash(dash[1], dash[0])
            else:
                canvas.setDash(dash, 0)
        self.plain_shape(node)
        canvas.restoreState()
        self.fill, self.stroke, self.width, self.cap, self.join = saved

    def plain_shape(self, node: Any) -> None:
        name = type(node).__name__
        if name == "String":
            self.string(node)
            return
        op = self.paint(node, can_fill=name not in ("Line", "PolyLine"))
        if op is None:
            return
        code = self.code
        if name == "Rect":
            if node.rx or node.ry:
                self.canvas.roundRect(
                    node.x, node.y, node.width, node.height, node.rx,
                    stroke=int(op in ("S", "B*")), fill=int(op in ("f*", "B*")),
                )  # fmt: skip
            else:
                code.append(f"{_n(node.x)} {_n(node.y)} {_n(node.width)} {_n(node.height)} re {op}")
        elif name == "Circle":
            code.append(_circle(node.cx, node.cy, node.r) + " " + op)
        elif name == "Line":
            code.append(f"{_n(node.x1)} {_n(node.y1)} m {_n(node.x2)} {_n(node.y2)} l S")
        else:  # Polygon (closed) or PolyLine (open, never filled)
            points = node.points
            if len(points) < 4:
                return
            parts = [f"{_n(points[0])} {_n(points[1])} m"]
            parts += [f"{_n(points[i])} {_n(points[i + 1])} l" for i in range(2, len(points), 2)]
            parts.append(f"h {op}" if name == "Polygon" else "S")
            code.append(" ".join(parts))

    def string(self, node: Any) -> None:
        from reportlab.pdfbase.pdfmetrics import stringWidth

        if node.fillColor is None:
            return  # text with no fill shows nothing (as with reportlab's renderer)
        if node.fillColor != self.fill:
            self.colour(node.fillColor, "rg")
            self.fill = node.fillColor
        canvas = self.canvas
        font, size = node.fontName, node.fontSize
        if (canvas._fontname, canvas._fontsize) != (font, size):
            canvas.setFont(font, size)
        x, anchor = node.x, node.textAnchor
        if anchor in ("middle", "end"):
            wide = stringWidth(node.text, font, size, node.encoding)
            x -= wide if anchor == "end" else wide / 2
        canvas.drawString(x, node.y, node.text)


def _circle(cx: float, cy: float, r: float) -> str:
    k = _KAPPA * r
    return (
        f"{cx + r:.2f} {cy:.2f} m "
        f"{cx + r:.2f} {cy + k:.2f} {cx + k:.2f} {cy + r:.2f} {cx:.2f} {cy + r:.2f} c "
        f"{cx - k:.2f} {cy + r:.2f} {cx - r:.2f} {cy + k:.2f} {cx - r:.2f} {cy:.2f} c "
        f"{cx - r:.2f} {cy - k:.2f} {cx - k:.2f} {cy - r:.2f} {cx:.2f} {cy - r:.2f} c "
        f"{cx + k:.2f} {cy - r:.2f} {cx + r:.2f} {cy - k:.2f} {cx + r:.2f} {cy:.2f} c h"
    )
