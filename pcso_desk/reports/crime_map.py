"""The crime map of an area, drawn offline with reportlab graphics (no tiles, no network).

What it draws: the area's outline (its ward boundaries, with its LSOAs' as thin lines, when
they are held), one dot per "on or near" point police.uk publishes for the month's crimes,
coloured by crime type with a legend, a scale bar and a north arrow. Without boundaries the
dots go on a plain frame, with a note saying how to add them.

The projection is equirectangular, scaled by the cosine of the map's middle latitude: over
the few kilometres of a neighbourhood it keeps distances and shapes true to well under 1%,
which is what a scale bar needs, and it needs no grid files (OSGB would).
"""

from __future__ import annotations

import itertools
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

Ring = tuple[tuple[float, float], ...]  # (longitude, latitude) pairs, WGS 84
Polygon = tuple[Ring, ...]  # the outer ring first, then any holes

ADD_BOUNDARIES = "pcso-desk import boundaries FILE"
METRES_PER_DEGREE = 111_320.0  # of latitude (and of longitude at the equator)
MIN_POINTS = 10.0  # the smallest text on a map: charts are 10 pt at least
# Okabe and Ito's palette (told apart with the common colour-vision deficiencies), then more.
PALETTE = (
    "#0072B2",
    "#D55E00",
    "#009E73",
    "#CC79A7",
    "#E69F00",
    "#56B4E9",
    "#7B3294",
    "#8C510A",
)
OTHER_COLOUR = "#7f7f7f"
OTHER_TYPES = "Other crime types"
NAVY = "#1f3a5f"


@dataclass(frozen=True)
class CrimePoint:
    """Crimes of one type at one published point, and how many."""

    longitude: float
    latitude: float
    category: str
    count: int = 1


@dataclass(frozen=True)
class Outline:
    """One boundary: a ward's (drawn bold) or an LSOA's (drawn thin)."""

    kind: str  # "ward" or "lsoa"
    name: str
    polygons: tuple[Polygon, ...]


@dataclass(frozen=True)
class CrimeMap:
    """What one map shows: its title line, outlines, points and where the outlines came from."""

    caption: str
    outlines: tuple[Outline, ...] = ()
    points: tuple[CrimePoint, ...] = ()
    unplaced: int = 0  # crimes published with no point
    source: str = ""  # the boundaries' attribution

    @property
    def has_boundaries(self) -> bool:
        return any(o.polygons for o in self.outlines)

    @property
    def crimes(self) -> int:
        return sum(p.count for p in self.points)


def colours(points: Sequence[CrimePoint]) -> dict[str, str]:
    """A colour for each of the commonest crime types (by count, then name); the rest share
    grey, shown in the legend as "Other crime types"."""
    counts: Counter[str] = Counter()
    for point in points:
        counts[point.category] += point.count
    ranked = sorted(counts, key=lambda name: (-counts[name], name))
    many = len(ranked) > len(PALETTE)
    named = ranked[: len(PALETTE) - 1] if many else ranked
    chosen = {name: PALETTE[i] for i, name in enumerate(named)}
    for name in ranked[len(named) :]:
        chosen[name] = OTHER_COLOUR
    return chosen


def legend_lines(points: Sequence[CrimePoint]) -> list[tuple[str, str, int]]:
    """(colour, label, crimes) for the legend, in the order of `colours`."""
    chosen = colours(points)
    counts: Counter[str] = Counter()
    for point in points:
        counts[OTHER_TYPES if chosen[point.category] == OTHER_COLOUR else point.category] += (
            point.count
        )
    lines = [(chosen[n], n, counts[n]) for n in chosen if chosen[n] != OTHER_COLOUR]
    if counts[OTHER_TYPES]:
        lines.append((OTHER_COLOUR, OTHER_TYPES, counts[OTHER_TYPES]))
    return lines


@dataclass(frozen=True)
class _Frame:
    """Longitude/latitude to drawing points: equirectangular, fitted into a box."""

    west: float
    south: float
    scale: float  # drawing points per projected degree
    squeeze: float  # cos(middle latitude)
    left: float
    bottom: float

    def xy(self, longitude: float, latitude: float) -> tuple[float, float]:
        return (
            self.left + (longitude - self.west) * self.squeeze * self.scale,
            self.bottom + (latitude - self.south) * self.scale,
        )

    @property
    def metres_per_point(self) -> float:
        return METRES_PER_DEGREE / self.scale


def _extent(data: CrimeMap) -> tuple[float, float, float, float] | None:
    lons: list[float] = []
    lats: list[float] = []
    if data.has_boundaries:
        for outline in data.outlines:
            for polygon in outline.polygons:
                for lon, lat in polygon[0] if polygon else ():
                    lons.append(lon)
                    lats.append(lat)
    for point in data.points:
        lons.append(point.longitude)
        lats.append(point.latitude)
    if not lons:
        return None
    return min(lons), min(lats), max(lons), max(lats)


def _fit(
    extent: tuple[float, float, float, float], left: float, bottom: float, w: float, h: float
) -> _Frame:
    west, south, east, north = extent
    squeeze = math.cos(math.radians((south + north) / 2))
    # At least about 300 m across, so one point or one street still has a sensible scale.
    least = 300 / METRES_PER_DEGREE
    span_x = max((east - west) * squeeze, least)
    span_y = max(north - south, least)
    scale = min(w / span_x, h / span_y)
    # Centre the area in the box.
    west = (west + east) / 2 - (w / scale / squeeze) / 2
    south = (south + north) / 2 - (h / scale) / 2
    return _Frame(west, south, scale, squeeze, left, bottom)


def _nice_length(most_metres: float) -> float:
    """The longest of 1, 2, 5 x 10^n metres not over `most_metres`."""
    if most_metres <= 0:
        return 0.0
    power = 10.0 ** math.floor(math.log10(most_metres))
    return float(max(step * power for step in (1, 2, 5) if step * power <= most_metres))


def _distance_words(metres: float) -> str:
    if metres >= 1000:
        km = metres / 1000
        return f"{km:g} km"
    return f"{metres:g} m"


def draw_map(
    data: CrimeMap,
    width: float,
    height: float,
    *,
    font_size: float = 10,
) -> object:
    """The map as a reportlab Drawing `width` x `height` points: map on the left, legend on
    the right (below it when the drawing is narrow)."""
    from reportlab.graphics.shapes import Circle, Rect, String
    from reportlab.lib.colors import HexColor, white

    from pcso_desk.reports.fast_drawing import drawing_class

    drawing = drawing_class()(width, height)
    legend = legend_lines(data.points)
    side = width >= 360 and font_size < 13  # large print: the legend goes under the map
    legend_width = min(190.0, width * 0.36) if side else 0.0
    legend_rows = len(legend) + (1 if data.unplaced else 0)
    legend_height = 0.0 if side else legend_rows * (font_size + 5) + 12
    map_w = width - legend_width - (10 if side else 0)
    map_h = height - legend_height
    map_bottom = legend_height
    frame = HexColor("#9aa5b1")
    drawing.add(Rect(0, map_bottom, map_w, map_h, fillColor=HexColor("#f7f9fb"), strokeColor=frame))
    extent = _extent(data)
    pad = 14.0
    if extent is not None:
        box = _fit(extent, pad, map_bottom + pad + 18, map_w - 2 * pad - 26, map_h - 2 * pad - 18)
        _outlines(drawing, data, box)
        chosen = colours(data.points)
        for x, y, radius, point in _placed(data.points, box):
            drawing.add(
                Circle(
                    x,
                    y,
                    radius,
                    fillColor=HexColor(chosen[point.category]),
                    strokeColor=white,
                    strokeWidth=0.6,
                )
            )
        _labels(drawing, data, box, font_size)
        _scale_bar(drawing, box, map_w, map_bottom, font_size)
    _north_arrow(drawing, map_w - 20, map_bottom + map_h - 36, font_size)
    if not data.has_boundaries:
        drawing.add(
            String(
                8,
                map_bottom + map_h - font_size - 4,
                "No boundaries held",
                fontName="Helvetica-Oblique",
                fontSize=max(font_size * 0.9, MIN_POINTS),
                fillColor=HexColor("#52606d"),
            )
        )
    if extent is None:
        drawing.add(
            String(
                map_w / 2,
                map_bottom + map_h / 2,
                "No crimes with a location this month",
                textAnchor="middle",
                fontName="Helvetica",
                fontSize=font_size,
            )
        )
    _legend(drawing, legend, data.unplaced, width, height, legend_width, side, font_size)
    return drawing


def _outlines(drawing: Any, data: CrimeMap, box: _Frame) -> None:
    """The wards filled, then the LSOAs' lines over them, then the wards' edges on top."""
    from reportlab.graphics.shapes import Polygon
    from reportlab.lib.colors import HexColor

    passes = (
        ("ward", HexColor("#e3ebf3"), None, 0.0),
        ("lsoa", None, HexColor("#9fb3c8"), 0.5),
        ("ward", None, HexColor(NAVY), 1.6),
    )
    for kind, fill, stroke, width in passes:
        for outline in (o for o in data.outlines if o.kind == kind):
            for polygon in outline.polygons:
                for number, ring in enumerate(polygon):
                    flat = [c for lon, lat in ring for c in box.xy(lon, lat)]
                    if len(flat) < 6:
                        continue
                    hole = HexColor("#f7f9fb") if fill is not None and number > 0 else fill
                    drawing.add(
                        Polygon(flat, fillColor=hole, strokeColor=stroke, strokeWidth=width)
                    )


def _radius(count: int) -> float:
    return 3.2 + 1.4 * math.sqrt(count - 1)


def _placed(
    points: Sequence[CrimePoint], box: _Frame
) -> list[tuple[float, float, float, CrimePoint]]:
    """Where each dot goes: several crime types at one published point sit in a small ring
    around it (each would otherwise hide the others), the bigger dots drawn first."""
    at: dict[tuple[float, float], list[CrimePoint]] = {}
    for point in points:
        at.setdefault((point.longitude, point.latitude), []).append(point)
    placed = []
    for (lon, lat), here in sorted(at.items()):
        x, y = box.xy(lon, lat)
        here.sort(key=lambda p: (-p.count, p.category))
        if len(here) == 1:
            placed.append((x, y, _radius(here[0].count), here[0]))
            continue
        spread = max(_radius(p.count) for p in here) * (1.1 + 0.18 * len(here))
        for number, point in enumerate(here):
            angle = math.pi / 2 + 2 * math.pi * number / len(here)
            placed.append(
                (
                    x + spread * math.cos(angle),
                    y + spread * math.sin(angle),
                    _radius(point.count),
                    point,
                )
            )
    placed.sort(key=lambda item: -item[2])
    return placed


def _labels(drawing: object, data: CrimeMap, box: _Frame, size: float) -> None:
    """Each ward's name inside it, when the map shows more than one ward (on a pale band,
    over the dots, so both stay readable)."""
    from reportlab.graphics.shapes import Rect, String
    from reportlab.lib.colors import HexColor, white
    from reportlab.pdfbase.pdfmetrics import stringWidth

    wards = [o for o in data.outlines if o.kind == "ward" and o.polygons and o.name]
    if len(wards) < 2:
        return
    for ward in wards:
        outer = max((p[0] for p in ward.polygons if p), key=lambda r: abs(_area(r)))
        lon, lat = _centroid(outer)
        x, y = box.xy(lon, lat)
        wide = stringWidth(ward.name, "Helvetica-Bold", max(size * 0.9, MIN_POINTS))
        drawing.add(  # type: ignore[attr-defined]
            Rect(
                x - wide / 2 - 3, y - 3, wide + 6, size + 2,
                fillColor=white, fillOpacity=0.75, strokeColor=None,
            )
        )  # fmt: skip
        drawing.add(  # type: ignore[attr-defined]
            String(
                x,
                y,
                ward.name,
                textAnchor="middle",
                fontName="Helvetica-Bold",
                fontSize=max(size * 0.9, MIN_POINTS),
                fillColor=HexColor("#3d5570"),
            )
        )


def _area(ring: Ring) -> float:
    return sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in itertools.pairwise(ring)) / 2


def _centroid(ring: Ring) -> tuple[float, float]:
    area = _area(ring)
    if abs(area) < 1e-15:
        return ring[0]
    cx = cy = 0.0
    for (x1, y1), (x2, y2) in itertools.pairwise(ring):
        cross = x1 * y2 - x2 * y1
        cx += (x1 + x2) * cross
        cy += (y1 + y2) * cross
    return cx / (6 * area), cy / (6 * area)


def _scale_bar(drawing: object, box: _Frame, map_w: float, bottom: float, size: float) -> None:
    from reportlab.graphics.shapes import Line, Rect, String
    from reportlab.lib.colors import HexColor, white
    from reportlab.pdfbase.pdfmetrics import stringWidth

    metres = _nice_length(box.metres_per_point * map_w * 0.3)
    if metres <= 0:
        return
    length = metres / box.metres_per_point
    x, y = 12.0, bottom + 10.0
    add = drawing.add  # type: ignore[attr-defined]
    words = _distance_words(metres)
    wide = length + 10 + stringWidth(words, "Helvetica", size)
    add(Rect(x - 4, y - 4, wide + 4, size + 8, fillColor=white, strokeColor=None))
    add(Rect(x, y, length / 2, 4, fillColor=HexColor(NAVY), strokeColor=HexColor(NAVY)))
    add(Rect(x + length / 2, y, length / 2, 4, fillColor=white, strokeColor=HexColor(NAVY)))
    add(Line(x, y, x, y + 7, strokeColor=HexColor(NAVY)))
    add(String(x + length + 6, y, words, fontName="Helvetica", fontSize=size))


def _north_arrow(drawing: object, x: float, y: float, size: float) -> None:
    from reportlab.graphics.shapes import Polygon, Rect, String
    from reportlab.lib.colors import HexColor, white

    add = drawing.add  # type: ignore[attr-defined]
    add(
        Rect(
            x - 11, y - size - 6, 22, 36 + size, rx=4, ry=4, fillColor=white,
            strokeColor=HexColor("#c5ccd6"), strokeWidth=0.5,
        )
    )  # fmt: skip
    add(Polygon([x, y + 26, x - 7, y, x, y + 6], fillColor=HexColor(NAVY), strokeColor=None))
    add(
        Polygon(
            [x, y + 26, x + 7, y, x, y + 6],
            fillColor=white,
            strokeColor=HexColor(NAVY),
            strokeWidth=0.8,
        )
    )
    add(
        String(
            x,
            y - size - 2,
            "N",
            textAnchor="middle",
            fontName="Helvetica-Bold",
            fontSize=size,
        )
    )


def _legend(
    drawing: object,
    legend: list[tuple[str, str, int]],
    unplaced: int,
    width: float,
    height: float,
    legend_width: float,
    side: bool,
    size: float,
) -> None:
    from reportlab.graphics.shapes import Circle, String
    from reportlab.lib.colors import HexColor

    add = drawing.add  # type: ignore[attr-defined]
    step = size + 5
    x = width - legend_width + 4 if side else 4.0
    rows = len(legend) + (1 if unplaced else 0)
    y = height - size - 2 if side else (rows - 1) * step + 4
    if side:
        add(String(x, y, "Crime type", fontName="Helvetica-Bold", fontSize=size))
        y -= step + 2
    for colour, label, count in legend:
        add(
            Circle(x + 5, y + size * 0.35, size * 0.4, fillColor=HexColor(colour), strokeColor=None)
        )
        text = _fit_text(f"{label} ({count})", legend_width - 16 if side else width - 16, size)
        add(String(x + 14, y, text, fontName="Helvetica", fontSize=size))
        y -= step
    if unplaced:
        add(
            String(
                x,
                y,
                f"{unplaced} with no location, not shown",
                fontName="Helvetica-Oblique",
                fontSize=size,
            )
        )


def _fit_text(text: str, room: float, size: float) -> str:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    if stringWidth(text, "Helvetica", size) <= room:
        return text
    while text and stringWidth(text + "…", "Helvetica", size) > room:
        text = text[:-1]
    return text + "…"


def note_without_boundaries() -> str:
    """The sentence printed under a map drawn without boundaries."""
    return (
        "No ward or LSOA boundaries are held for this area, so the crimes are drawn on a "
        f"plain frame: add the ONS boundary files with “{ADD_BOUNDARIES}”."
    )


@dataclass(frozen=True)
class StreetLine:
    """A street (police.uk's "On or near ..." location) and its crimes this month."""

    street: str
    crimes: int
    commonest: str  # the crime type most often recorded there


@dataclass(frozen=True)
class OutcomeLine:
    """How many crimes of one type have reached one outcome (police.uk's last outcome)."""

    category: str
    outcome: str
    crimes: int
