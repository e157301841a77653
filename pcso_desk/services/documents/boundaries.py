"""`pcso-desk import boundaries FILE`: ONS ward and LSOA boundaries for the crime map.

Read: GeoJSON in WGS 84 (longitude, latitude), as the ONS Open Geography Portal offers it,
and shapefiles (`.shp` beside its `.dbf`, or the `.zip` the portal downloads) on WGS 84 or
on the British National Grid, converted here (`domain/osgb.py`). Each feature names its area
in a property such as `WD23CD` (a ward) or `LSOA21CD` (an LSOA), with `WD23NM`/`LSOA21NM`
its name. A ward boundary is kept when the code is one of the team's wards' codes (else its
name one of their names); an LSOA boundary when the LSOA table maps it to one of them. The
rest of the file (the ONS files cover the whole country) is passed over and counted.

The file is bounded: at most `MAX_BYTES` read (`MAX_ZIP_BYTES` unpacked from a zip), at most
`MAX_FEATURES` features and `MAX_POINTS` points in a feature; every coordinate must be a
finite number inside the UK. Anything else refuses the whole file in one sentence naming the
feature, and nothing changes. A boundary imported again replaces the one held (by kind and
code). Outlines are kept to about a metre (points closer than that to the last one kept are
dropped), which is finer than any printed map shows.
"""

from __future__ import annotations

import io
import itertools
import json
import math
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from pcso_desk.domain.errors import ValidationError
from pcso_desk.domain.osgb import grid_to_wgs84, on_grid
from pcso_desk.domain.permissions import Action
from pcso_desk.domain.wording import counted
from pcso_desk.services.context import Context
from pcso_desk.services.documents.crimes import UK_LATITUDE, UK_LONGITUDE
from pcso_desk.services.records.csv_reading import open_regular
from pcso_desk.store.models import Boundary, LsoaWard, Ward
from pcso_desk.sync.natural import id_for_new

MAX_BYTES = 100 * 1024 * 1024  # the ONS generalised (BGC) files are well under this
MAX_ZIP_BYTES = 400 * 1024 * 1024  # unpacked from a .zip
MAX_FEATURES = 50_000  # England and Wales have 35,672 LSOAs (2021)
MAX_POINTS = 200_000  # in one feature (a full-resolution ward has a few thousand)
MAX_RINGS = 5_000  # in one feature
KEEP_WITHIN = 0.00001  # degrees: about a metre
KINDS = {"WD": "ward", "LSOA": "lsoa"}
# The attribution the ONS asks for, printed under every map drawn from the boundaries.
ONS_SOURCE = (
    "Office for National Statistics ({name}), Open Government Licence v3.0; contains OS data "
    "© Crown copyright and database right"
)
_CODE = re.compile(r"^(WD|LSOA)(\d\d)CD$", re.IGNORECASE)


@dataclass(frozen=True)
class BoundaryImportReport:
    """What an import of one boundary file did."""

    wards: int
    lsoas: int
    passed_over: int  # features for areas that are not the team's

    def summary(self) -> str:
        return (
            f"Imported {counted(self.wards, 'ward boundary', 'ward boundaries')} and "
            f"{counted(self.lsoas, 'LSOA boundary', 'LSOA boundaries')}; "
            f"{counted(self.passed_over, 'feature')} in the file for other areas."
        )


@dataclass
class _Feature:
    number: int  # 1-based, in the file's order
    kind: str
    code: str
    name: str
    polygons: list[list[list[tuple[float, float]]]]
    ours: bool = True  # False: another area's, passed over unread

    @property
    def label(self) -> str:
        return f"Feature {self.number} ({self.code}{' ' + self.name if self.name else ''})"


class _Refused(Exception):
    """A one-sentence reason, to be worded with the file's name."""


def _refuse(path: Path, why: str) -> ValidationError:
    return ValidationError(f"'{path.name}' cannot be imported as boundaries: {why}.", "file")


# -- reading -----------------------------------------------------------------------------------


def _read_bytes(path: Path, limit: int) -> bytes:
    with open_regular(path) as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise _Refused(f"it is larger than {limit // (1024 * 1024)} MB")
    return data


def _naming(properties: dict[str, Any]) -> tuple[str, str, str] | None:
    """(kind, code, name) from a feature's properties: the newest LSOA, else ward, code."""
    found: dict[str, tuple[int, str]] = {}
    for key in properties:
        match = _CODE.match(str(key))
        if match:
            kind = KINDS[match.group(1).upper()]
            year = int(match.group(2))
            if kind not in found or year > found[kind][0]:
                found[kind] = (year, str(key))
    for kind in ("lsoa", "ward"):
        if kind in found:
            key = found[kind][1]
            code = str(properties.get(key) or "").strip().upper()
            name_key = key[:-2] + ("NM" if key[-2:].isupper() else "nm")
            name = str(properties.get(name_key) or "").strip()
            return kind, code, name
    return None


def _position(raw: Any, label: str) -> tuple[float, float]:
    if not isinstance(raw, (list, tuple)) or len(raw) < 2:
        raise _Refused(f"{label} has a position that is not a [longitude, latitude] pair")
    lon, lat = raw[0], raw[1]
    if isinstance(lon, bool) or isinstance(lat, bool):
        raise _Refused(f"{label} has a coordinate that is not a number")
    if not isinstance(lon, (int, float)) or not isinstance(lat, (int, float)):
        raise _Refused(f"{label} has a coordinate that is not a number")
    return float(lon), float(lat)


def _check_point(lon: float, lat: float, label: str) -> None:
    if not (math.isfinite(lon) and math.isfinite(lat)):
        raise _Refused(f"{label} has a coordinate that is not a finite number")
    if not (UK_LONGITUDE[0] <= lon <= UK_LONGITUDE[1] and UK_LATITUDE[0] <= lat <= UK_LATITUDE[1]):
        raise _Refused(
            f"{label} has the point ({lon:g}, {lat:g}) outside the UK: the file should be in "
            "WGS 84 longitude and latitude"
        )


def _rings(raw: Any, label: str) -> list[list[tuple[float, float]]]:
    if not isinstance(raw, list) or not raw:
        raise _Refused(f"{label} has a polygon with no rings")
    return [[_position(p, label) for p in _ring_list(ring, label)] for ring in raw]


def _ring_list(ring: Any, label: str) -> list[Any]:
    if not isinstance(ring, list) or len(ring) < 4:
        raise _Refused(f"{label} has a ring of fewer than four positions")
    return ring


def _geojson_features(data: bytes) -> Iterator[tuple[int, dict[str, Any], Any]]:
    """(number, properties, geometry) of each feature of a GeoJSON FeatureCollection."""
    try:
        # NaN and Infinity are not JSON, but Python reads them: they reach the finite check.
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise _Refused("it is not a GeoJSON file (it cannot be read as JSON)") from None
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection":
        raise _Refused("it is not a GeoJSON FeatureCollection")
    crs = json.dumps(document.get("crs") or "")
    if "27700" in crs:
        raise _Refused(
            "it is on the British National Grid (EPSG:27700): download the GeoJSON in "
            "WGS 84, or the shapefile"
        )
    features = document.get("features")
    if not isinstance(features, list):
        raise _Refused("its features are not a list")
    if len(features) > MAX_FEATURES:
        raise _Refused(f"it has more than {MAX_FEATURES:,} features")
    for number, feature in enumerate(features, start=1):
        if not isinstance(feature, dict):
            raise _Refused(f"Feature {number} is not a GeoJSON feature")
        properties = feature.get("properties")
        yield number, properties if isinstance(properties, dict) else {}, feature.get("geometry")


def _geojson_polygons(geometry: Any, label: str) -> list[list[list[tuple[float, float]]]]:
    if not isinstance(geometry, dict):
        raise _Refused(f"{label} has no geometry")
    kind, coordinates = geometry.get("type"), geometry.get("coordinates")
    if kind == "Polygon":
        return [_rings(coordinates, label)]
    if kind == "MultiPolygon" and isinstance(coordinates, list) and coordinates:
        return [_rings(polygon, label) for polygon in coordinates]
    raise _Refused(f"{label} is a {kind or 'shapeless feature'}, not a Polygon or MultiPolygon")


def _count_points(polygons: list[list[list[tuple[float, float]]]], label: str) -> None:
    rings = sum(len(p) for p in polygons)
    points = sum(len(r) for p in polygons for r in p)
    if rings > MAX_RINGS or points > MAX_POINTS:
        raise _Refused(
            f"{label} has more than {MAX_POINTS:,} points or {MAX_RINGS:,} rings: use the "
            "generalised (BGC) boundaries"
        )


Ours = Callable[[str, str, str], bool]  # (kind, code, name): one of the team's areas?


def _from_geojson(data: bytes, ours: Ours) -> Iterator[_Feature]:
    for number, properties, geometry in _geojson_features(data):
        naming = _naming(properties)
        if naming is None:
            raise _Refused(
                f"Feature {number} has no ward or LSOA code property (such as WD23CD or LSOA21CD)"
            )
        kind, code, name = naming
        feature = _Feature(number, kind, code, name, [], ours(kind, code, name))
        if not feature.ours:
            yield feature
            continue
        feature.polygons = _geojson_polygons(geometry, feature.label)
        _count_points(feature.polygons, feature.label)
        yield feature


def _shapefile_parts(path: Path) -> tuple[bytes, bytes, bytes | None, str]:
    """(shp, dbf, shx or None, prj text) from a .shp beside its files, or from a .zip."""
    if path.suffix.lower() == ".zip":
        try:
            with open_regular(path) as handle, zipfile.ZipFile(handle) as archive:
                members = {Path(i.filename).suffix.lower(): i for i in archive.infolist()}
                if ".shp" not in members or ".dbf" not in members:
                    raise _Refused("the zip holds no .shp file with its .dbf")
                unpacked = sum(
                    members[s].file_size for s in (".shp", ".dbf", ".shx", ".prj") if s in members
                )
                if unpacked > MAX_ZIP_BYTES:
                    raise _Refused(
                        f"its shapefile unpacks to more than {MAX_ZIP_BYTES // (1024 * 1024)} MB"
                    )

                def read(suffix: str) -> bytes | None:
                    info = members.get(suffix)
                    return archive.read(info) if info is not None else None

                shp, dbf, shx, projection = (read(s) for s in (".shp", ".dbf", ".shx", ".prj"))
        except (zipfile.BadZipFile, OSError, EOFError):
            raise _Refused("it is not a readable zip file") from None
        assert shp is not None and dbf is not None
        return shp, dbf, shx, (projection or b"").decode("latin-1")
    if path.stat().st_size > MAX_BYTES:
        raise _Refused(f"it is larger than {MAX_BYTES // (1024 * 1024)} MB")
    dbf_path = path.with_suffix(".dbf")
    if not dbf_path.is_file():
        dbf_path = path.with_suffix(".DBF")
    if not dbf_path.is_file():
        raise _Refused(f"there is no '{path.with_suffix('.dbf').name}' beside it")
    shp = _read_bytes(path, MAX_BYTES)
    dbf = _read_bytes(dbf_path, MAX_BYTES)
    shx_path = path.with_suffix(".shx")
    shx = _read_bytes(shx_path, MAX_BYTES) if shx_path.is_file() else None
    prj_path = path.with_suffix(".prj")
    prj = _read_bytes(prj_path, 1 << 16).decode("latin-1") if prj_path.is_file() else ""
    return shp, dbf, shx, prj


def _from_shapefile(path: Path, ours: Ours) -> Iterator[_Feature]:
    import shapefile  # pyshp

    shp, dbf, shx, prj = _shapefile_parts(path)
    grid = "british_national_grid" in prj.lower() or "osgb" in prj.lower()
    try:
        reader = shapefile.Reader(
            shp=io.BytesIO(shp), dbf=io.BytesIO(dbf), shx=io.BytesIO(shx) if shx else None
        )
        fields = [f[0] for f in reader.fields[1:]]
        count = len(reader)
    except Exception:  # pyshp raises plain Exceptions, struct errors, ... on a bad file
        raise _Refused("it is not a readable shapefile") from None
    if count > MAX_FEATURES:
        raise _Refused(f"it has more than {MAX_FEATURES:,} features")
    if not any(_CODE.match(name) for name in fields):
        raise _Refused("it has no ward or LSOA code field (such as WD23CD or LSOA21CD)")
    if not prj and count:  # no .prj: tell the grid from its extent
        try:
            grid = abs(reader.bbox[2]) > 1000 or abs(reader.bbox[3]) > 1000
        except Exception:
            raise _Refused("it is not a readable shapefile") from None
    for number in range(count):
        try:
            record = reader.record(number)
            properties = dict(zip(fields, list(record), strict=False))
        except Exception:
            raise _Refused(f"Feature {number + 1} cannot be read from the shapefile") from None
        naming = _naming(properties)
        if naming is None:
            raise _Refused(f"Feature {number + 1} has no ward or LSOA code")
        kind, code, name = naming
        feature = _Feature(number + 1, kind, code, name, [], ours(kind, code, name))
        if not feature.ours:  # another area's: its shape is not even read
            yield feature
            continue
        try:
            shape = reader.shape(number)
            points, parts = list(shape.points), list(shape.parts)
            shape_type = shape.shapeType
        except Exception:
            raise _Refused(f"Feature {number + 1} cannot be read from the shapefile") from None
        if shape_type not in (5, 15, 25):  # polygon, polygonZ, polygonM
            raise _Refused(f"{feature.label} is not a polygon")
        if len(points) > MAX_POINTS or len(parts) > MAX_RINGS:
            _count_points([[points]], feature.label)  # refuses, naming the feature
        feature.polygons = _shape_polygons(points, parts, grid, feature.label)
        yield feature


def _shape_polygons(
    points: list[Any], parts: list[int], grid: bool, label: str
) -> list[list[list[tuple[float, float]]]]:
    """A shapefile polygon's rings as polygons: a clockwise ring starts a polygon (outer),
    an anticlockwise one is a hole in the polygon before it."""
    bounds = [*parts, len(points)]
    polygons: list[list[list[tuple[float, float]]]] = []
    for start, end in itertools.pairwise(bounds):
        if end - start < 4:
            raise _Refused(f"{label} has a ring of fewer than four points")
        ring: list[tuple[float, float]] = []
        for raw in points[start:end]:
            x, y = _position(raw, label)
            if grid:
                if not (math.isfinite(x) and math.isfinite(y)):
                    raise _Refused(f"{label} has a coordinate that is not a finite number")
                if not on_grid(x, y):
                    raise _Refused(f"{label} has the point ({x:g}, {y:g}) off the National Grid")
                x, y = grid_to_wgs84(x, y)
            ring.append((x, y))
        if _signed_area(ring) <= 0 or not polygons:  # clockwise (outer) in a shapefile
            polygons.append([ring])
        else:
            polygons[-1].append(ring)
    return polygons


def _signed_area(ring: list[tuple[float, float]]) -> float:
    return sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in itertools.pairwise(ring)) / 2


def read_features(path: Path, ours: Ours) -> Iterator[_Feature]:
    """Every feature of the file, those of the team's areas (`ours`) with their shapes read
    and checked; raises _Refused naming the first bad one."""
    suffix = path.suffix.lower()
    if suffix in (".shp", ".zip"):
        yield from _from_shapefile(path, ours)
    elif suffix in (".geojson", ".json"):
        yield from _from_geojson(_read_bytes(path, MAX_BYTES), ours)
    else:
        raise _Refused("give a .geojson file, a .shp file (with its .dbf) or the .zip of one")


def _checked(feature: _Feature) -> list[list[list[tuple[float, float]]]]:
    """The feature's polygons with every point checked and near repeats dropped."""
    kept_polygons = []
    for polygon in feature.polygons:
        kept_rings = []
        for ring in polygon:
            kept: list[tuple[float, float]] = []
            for lon, lat in ring:
                _check_point(lon, lat, feature.label)
                if (
                    kept
                    and abs(lon - kept[-1][0]) < KEEP_WITHIN
                    and (abs(lat - kept[-1][1]) < KEEP_WITHIN)
                ):
                    continue
                kept.append((round(lon, 6), round(lat, 6)))
            if kept[-1] != kept[0]:
                kept.append(kept[0])
            if len(kept) >= 4:
                kept_rings.append(kept)
        if kept_rings:
            kept_polygons.append(kept_rings)
    return kept_polygons


# -- storing -----------------------------------------------------------------------------------


def import_boundaries(ctx: Context, path: Path) -> BoundaryImportReport:
    """Read and check the whole file, then store the team's boundaries in one unit of work."""
    ctx.require(Action.ORGANISATION, "boundaries")
    with ctx.store.read() as session:
        wards_by_code, wards_by_name, lsoas = _team_areas(session)
    wanted: dict[tuple[str, str], tuple[_Feature, str | None, list[Any]]] = {}
    passed = 0

    def ward_of(kind: str, code: str, name: str) -> str | None:
        """The team's ward a feature belongs to: a ward by code (else name), an LSOA by the
        LSOA table; None for another area's."""
        if kind == "ward":
            return wards_by_code.get(code) or (wards_by_name.get(name.lower()) if name else None)
        return lsoas.get(code)

    try:
        for feature in read_features(path, lambda *area: ward_of(*area) is not None):
            if feature.ours and not feature.code:
                raise _Refused(f"{feature.label} has a blank code")
            polygons = _checked(feature) if feature.ours else []
            if not polygons:
                passed += 1
                continue
            ward = ward_of(feature.kind, feature.code, feature.name)
            wanted[(feature.kind, feature.code)] = (feature, ward, polygons)
    except _Refused as why:
        raise _refuse(path, str(why)) from None
    if not wanted:
        raise _refuse(
            path,
            f"none of its {passed:,} areas is one of the team's wards or mapped LSOAs "
            "(match them by their ONS codes: set each ward's code, or import the LSOA lookup "
            "first with 'pcso-desk import lsoa-map')",
        )
    with ctx.store.write() as session:
        _store(ctx, session, wanted.values(), source=ONS_SOURCE.format(name=path.name[:60]))
    kinds = [kind for kind, _code in wanted]
    return BoundaryImportReport(kinds.count("ward"), kinds.count("lsoa"), passed)


def _team_areas(session: Session) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    wards = session.execute(
        select(Ward.id, Ward.code, Ward.name).where(Ward.deleted_at.is_(None))
    ).all()
    by_code = {str(code).strip().upper(): ward for ward, code, _n in wards if code}
    by_name = {str(name).strip().lower(): ward for ward, _c, name in wards}
    lsoas = {
        code.upper(): ward
        for code, ward in session.execute(
            select(LsoaWard.lsoa_code, LsoaWard.ward_id).where(LsoaWard.deleted_at.is_(None))
        )
    }
    return by_code, by_name, lsoas


def _bounds(polygons: list[Any]) -> tuple[float, float, float, float]:
    lons = [lon for polygon in polygons for lon, _lat in polygon[0]]
    lats = [lat for polygon in polygons for _lon, lat in polygon[0]]
    return min(lons), min(lats), max(lons), max(lats)


def _store(
    ctx: Context,
    session: Session,
    wanted: Iterable[tuple[_Feature, str | None, list[Any]]],
    *,
    source: str,
) -> None:
    held = {(b.kind, b.code): b for b in session.scalars(select(Boundary))}
    for feature, ward, polygons in wanted:
        west, south, east, north = _bounds(polygons)
        values = {
            "name": feature.name[:120],
            "ward_id": ward,
            "west": west,
            "south": south,
            "east": east,
            "north": north,
            "shape": json.dumps(polygons, separators=(",", ":")),
            "source": source[:200],
            "deleted_at": None,
        }
        record = held.get((feature.kind, feature.code))
        creating = record is None
        if record is None:
            record = Boundary(
                id=id_for_new(session, "boundaries", feature.kind, feature.code),  # same everywhere
                kind=feature.kind,
                code=feature.code,
            )
            session.add(record)
        elif all(getattr(record, k) == v for k, v in values.items()):
            continue
        for name, value in values.items():
            setattr(record, name, value)
        ctx.stamp(record, creating=creating)
    session.flush()


# -- what the maps read ------------------------------------------------------------------------


def outlines(session: Session, ward_ids: Iterable[str]) -> list[tuple[str, str, str, Any]]:
    """(kind, name, source, polygons) of every boundary held for these wards."""
    wards = list(ward_ids)
    if not wards:
        return []
    rows = session.execute(
        select(Boundary.kind, Boundary.name, Boundary.source, Boundary.shape)
        .where(Boundary.deleted_at.is_(None), Boundary.ward_id.in_(wards))
        .order_by(Boundary.kind, Boundary.code)
    ).all()
    return [(kind, name, source, json.loads(shape)) for kind, name, source, shape in rows]
