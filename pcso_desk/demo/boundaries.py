"""Synthetic ward and LSOA boundaries for the demo store, and the crime points inside them.

Made up, like everything in the demo: no real ward's or LSOA's shape. Each ward of a
neighbourhood grows from its seed point (the middle of its crimes) as a star-shaped polygon:
along each of `RAYS` directions it reaches just short of the line halfway to the next ward's
seed (so neighbouring wards meet without overlapping) or a wavy outer edge. Its LSOAs are
sectors of it, and its crimes sit at a few dozen "snap points" inside it, each in one LSOA and
on one street, as police.uk's anonymised points are.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

SOURCE = "synthetic demo boundaries (made up for the demo store; not real areas)"
RAYS = 40
REACH = (0.030, 0.022)  # the neighbourhood's half-width and half-height, in degrees of latitude


@dataclass(frozen=True)
class SnapPoint:
    latitude: float
    longitude: float
    lsoa: int  # which of the ward's LSOAs it lies in
    street: str


@dataclass(frozen=True)
class WardShape:
    outline: list[tuple[float, float]]  # (longitude, latitude), closed
    lsoas: list[list[tuple[float, float]]]  # one closed ring per LSOA
    snaps: list[SnapPoint]


def _frame(centre: tuple[float, float]) -> tuple[float, float, float]:
    lat0, lon0 = centre
    return lat0, lon0, math.cos(math.radians(lat0))


def ward_shapes(
    rng: random.Random,
    centre: tuple[float, float],
    seeds: list[tuple[float, float]],
    lsoa_counts: list[int],
    streets: list[list[str]],
) -> list[WardShape]:
    """One shape per ward of a neighbourhood whose middle is `centre` (lat, lon); `seeds`
    are the wards' (lat, lon) seed points."""
    lat0, lon0, squeeze = _frame(centre)
    planar = [((lon - lon0) * squeeze, lat - lat0) for lat, lon in seeds]
    shapes = []
    for index, seed in enumerate(planar):
        radii = _radii(rng, seed, [p for i, p in enumerate(planar) if i != index])
        shapes.append(
            _shape(rng, seed, radii, lsoa_counts[index], streets[index], (lat0, lon0, squeeze))
        )
    return shapes


def _radii(
    rng: random.Random, seed: tuple[float, float], others: list[tuple[float, float]]
) -> list[float]:
    wobble = [0.8 + 0.2 * rng.random() for _ in range(RAYS)]
    smooth = [(wobble[k - 1] + 2 * wobble[k] + wobble[(k + 1) % RAYS]) / 4 for k in range(RAYS)]
    radii = []
    for k in range(RAYS):
        angle = 2 * math.pi * k / RAYS
        dx, dy = math.cos(angle), math.sin(angle)
        reach = [REACH[0] - seed[0] if dx > 0 else seed[0] + REACH[0]]
        reach.append(REACH[1] - seed[1] if dy > 0 else seed[1] + REACH[1])
        edge = min(r / abs(d) for r, d in zip(reach, (dx, dy), strict=True) if abs(d) > 1e-9)
        limit = edge * smooth[k]
        for ox, oy in others:
            vx, vy = ox - seed[0], oy - seed[1]
            towards = dx * vx + dy * vy
            if towards > 0:
                limit = min(limit, 0.985 * (vx * vx + vy * vy) / (2 * towards))
        radii.append(max(limit, 0.002))
    return radii


def _point(
    seed: tuple[float, float], angle: float, radius: float, frame: tuple[float, float, float]
) -> tuple[float, float]:
    lat0, lon0, squeeze = frame
    x, y = seed[0] + radius * math.cos(angle), seed[1] + radius * math.sin(angle)
    return round(lon0 + x / squeeze, 6), round(lat0 + y, 6)


def _shape(
    rng: random.Random,
    seed: tuple[float, float],
    radii: list[float],
    lsoas: int,
    streets: list[str],
    frame: tuple[float, float, float],
) -> WardShape:
    angles = [2 * math.pi * k / RAYS for k in range(RAYS)]
    ring = [_point(seed, a, r, frame) for a, r in zip(angles, radii, strict=True)]
    outline = [*ring, ring[0]]
    offset = rng.randrange(RAYS)
    starts = sorted((offset + round(i * RAYS / lsoas)) % RAYS for i in range(lsoas))
    middle = _point(seed, 0.0, 0.0, frame)
    sectors = []
    for i, start in enumerate(starts):
        span = _span(starts, i)
        rays = [(start + j) % RAYS for j in range(span + 1)]
        sectors.append([middle, *[ring[r] for r in rays], middle])
    snaps = []
    for _ in range(8 + 6 * lsoas):
        # A point in the triangle of the seed and one edge of the outline: inside the ward
        # (star-shaped around its seed) and inside the LSOA whose sector holds that edge.
        low, share = rng.randrange(RAYS), rng.uniform(0.05, 0.95)  # off the sector lines
        corner = [
            (r * math.cos(a), r * math.sin(a))
            for a, r in ((angles[k % RAYS], radii[k % RAYS]) for k in (low, low + 1))
        ]
        x = corner[0][0] * (1 - share) + corner[1][0] * share
        y = corner[0][1] * (1 - share) + corner[1][1] * share
        reach = 0.9 * math.sqrt(rng.uniform(0.02, 1))
        lon, lat = _point(seed, math.atan2(y, x), reach * math.hypot(x, y), frame)
        sector = next(
            (i for i, start in enumerate(starts) if (low - start) % RAYS < _span(starts, i)), 0
        )
        snaps.append(SnapPoint(lat, lon, sector, rng.choice(streets)))
    return WardShape(outline, sectors, snaps)


def _span(starts: list[int], i: int) -> int:
    """How many ray gaps sector i covers (all of them for a ward of one LSOA)."""
    return (starts[(i + 1) % len(starts)] - starts[i]) % RAYS or RAYS
