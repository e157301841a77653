"""British National Grid eastings and northings to WGS 84 longitude and latitude, offline.

The ONS publishes its boundary shapefiles on the British National Grid (EPSG:27700). This is
the Ordnance Survey's published method ("A guide to coordinate systems in Great Britain"):
the inverse Transverse Mercator projection on the Airy 1830 ellipsoid (OSGB36), then a
seven-parameter Helmert transformation to WGS 84. The Helmert step is good to about 5 m
(OSTN15, the exact transformation, needs a grid file): plenty for a map of a neighbourhood.
"""

from __future__ import annotations

import math

# Airy 1830 and the National Grid's true origin.
_A, _B = 6377563.396, 6356256.909
_F0 = 0.9996012717
_LAT0, _LON0 = math.radians(49.0), math.radians(-2.0)
_N0, _E0 = -100_000.0, 400_000.0
_E2 = 1 - (_B * _B) / (_A * _A)
_N = (_A - _B) / (_A + _B)
# WGS 84.
_WA, _WB = 6378137.000, 6356752.3142
# OSGB36 -> WGS 84: the OS guide's WGS 84 -> OSGB36 parameters, each negated.
_TX, _TY, _TZ = 446.448, -125.157, 542.060
_S = -20.4894e-6
_RX, _RY, _RZ = (math.radians(s / 3600) for s in (0.1502, 0.2470, 0.8421))

# The grid's extent: a point outside is not a British National Grid coordinate.
EASTING = (-10_000.0, 710_000.0)
NORTHING = (-10_000.0, 1_300_000.0)


def _meridional_arc(lat: float) -> float:
    n, d, s = _N, lat - _LAT0, lat + _LAT0
    return (
        _B
        * _F0
        * (
            (1 + n + 1.25 * n**2 + 1.25 * n**3) * d
            - (3 * n + 3 * n**2 + 21 / 8 * n**3) * math.sin(d) * math.cos(s)
            + (15 / 8 * n**2 + 15 / 8 * n**3) * math.sin(2 * d) * math.cos(2 * s)
            - 35 / 24 * n**3 * math.sin(3 * d) * math.cos(3 * s)
        )
    )


def grid_to_osgb36(easting: float, northing: float) -> tuple[float, float]:
    """(longitude, latitude) in degrees on OSGB36 for a National Grid point."""
    lat, arc = _LAT0, 0.0
    while True:
        lat = (northing - _N0 - arc) / (_A * _F0) + lat
        arc = _meridional_arc(lat)
        if abs(northing - _N0 - arc) < 1e-5:
            break
    sin, cos, tan = math.sin(lat), math.cos(lat), math.tan(lat)
    nu = _A * _F0 / math.sqrt(1 - _E2 * sin * sin)
    rho = _A * _F0 * (1 - _E2) / (1 - _E2 * sin * sin) ** 1.5
    eta2 = nu / rho - 1
    t2, t4, t6 = tan**2, tan**4, tan**6
    vii = tan / (2 * rho * nu)
    viii = tan / (24 * rho * nu**3) * (5 + 3 * t2 + eta2 - 9 * t2 * eta2)
    ix = tan / (720 * rho * nu**5) * (61 + 90 * t2 + 45 * t4)
    x = 1 / (cos * nu)
    xi = 1 / (cos * 6 * nu**3) * (nu / rho + 2 * t2)
    xii = 1 / (cos * 120 * nu**5) * (5 + 28 * t2 + 24 * t4)
    xiia = 1 / (cos * 5040 * nu**7) * (61 + 662 * t2 + 1320 * t4 + 720 * t6)
    de = easting - _E0
    latitude = lat - vii * de**2 + viii * de**4 - ix * de**6
    longitude = _LON0 + x * de - xi * de**3 + xii * de**5 - xiia * de**7
    return math.degrees(longitude), math.degrees(latitude)


def _to_cartesian(lon: float, lat: float, a: float, b: float) -> tuple[float, float, float]:
    e2 = 1 - (b * b) / (a * a)
    phi, lam = math.radians(lat), math.radians(lon)
    nu = a / math.sqrt(1 - e2 * math.sin(phi) ** 2)
    return (
        nu * math.cos(phi) * math.cos(lam),
        nu * math.cos(phi) * math.sin(lam),
        (1 - e2) * nu * math.sin(phi),
    )


def _from_cartesian(x: float, y: float, z: float, a: float, b: float) -> tuple[float, float]:
    e2 = 1 - (b * b) / (a * a)
    p = math.hypot(x, y)
    phi = math.atan2(z, p * (1 - e2))
    for _ in range(10):
        nu = a / math.sqrt(1 - e2 * math.sin(phi) ** 2)
        phi = math.atan2(z + e2 * nu * math.sin(phi), p)
    return math.degrees(math.atan2(y, x)), math.degrees(phi)


def osgb36_to_wgs84(lon: float, lat: float) -> tuple[float, float]:
    """(longitude, latitude) on WGS 84 for a point given on OSGB36."""
    x, y, z = _to_cartesian(lon, lat, _A, _B)
    tx, ty, tz, s, rx, ry, rz = _TX, _TY, _TZ, _S, _RX, _RY, _RZ
    x2 = tx + (1 + s) * x - rz * y + ry * z
    y2 = ty + rz * x + (1 + s) * y - rx * z
    z2 = tz - ry * x + rx * y + (1 + s) * z
    return _from_cartesian(x2, y2, z2, _WA, _WB)


def grid_to_wgs84(easting: float, northing: float) -> tuple[float, float]:
    """(longitude, latitude) on WGS 84 for a British National Grid point (about 5 m)."""
    return osgb36_to_wgs84(*grid_to_osgb36(easting, northing))


def on_grid(easting: float, northing: float) -> bool:
    return EASTING[0] <= easting <= EASTING[1] and NORTHING[0] <= northing <= NORTHING[1]
