"""The ONS lookup and boundaries, crime rows finding their ward later, and the crime map.

Everything here is synthetic: made-up LSOA codes, made-up polygons near a made-up town.
"""

from __future__ import annotations

import csv
import io
import json
import math
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from pcso_desk.cli import parse
from pcso_desk.cli import run as cli_run
from pcso_desk.domain.errors import ValidationError
from pcso_desk.services.api import Services
from pcso_desk.services.documents import boundaries
from pcso_desk.services.documents.crimes import HEADER
from pcso_desk.store.models import Boundary, CrimeRecord, LsoaWard
from tests.factories import World

MONTH = "2026-03"
# Two synthetic LSOAs: one in each ward of the test world.
CENTRAL, EAST = "E01099001", "E01099002"


def crime(
    crime_id: str,
    lsoa: str,
    crime_type: str,
    *,
    lon: str = "-0.1010",
    lat: str = "51.7010",
    outcome: str = "Under investigation",
    street: str = "High Street",
    month: str = MONTH,
) -> str:
    return (
        f"{crime_id},{month},Testshire Police,Testshire Police,{lon},{lat},"
        f"On or near {street},{lsoa},Testshire 001A,{crime_type},{outcome},"
    )


def street_file(tmp_path: Path, *rows: str, name: str = "street.csv") -> Path:
    path = tmp_path / name
    path.write_text(",".join(HEADER) + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def lookup_file(tmp_path: Path, *rows: tuple[str, str, str, str], header: str = "") -> Path:
    path = tmp_path / "lookup.csv"
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow((header or "LSOA21CD,LSOA21NM,WD23CD,WD23NM,LAD23CD").split(","))
    for row in rows:
        writer.writerow([*row, "E07000099"])
    path.write_text(text.getvalue(), encoding="utf-8")
    return path


def held(services: Services) -> list[CrimeRecord]:
    with services.ctx.store.read() as session:
        rows = list(session.scalars(select(CrimeRecord).order_by(CrimeRecord.crime_id)))
        session.expunge_all()
        return rows


def cli(services: Services, *argv: str) -> str:
    out = io.StringIO()
    assert cli_run(parse(list(argv)), lambda _create: services, out) == 0
    return out.getvalue()


def square(lon: float, lat: float, size: float) -> list[list[float]]:
    return [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]


def geojson(tmp_path: Path, *features: dict[str, Any], name: str = "wards.geojson") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps({"type": "FeatureCollection", "features": list(features)}))
    return path


def ward_feature(code: str, name: str, ring: list[list[float]]) -> dict[str, Any]:
    return {
        "type": "Feature",
        "properties": {"WD23CD": code, "WD23NM": name, "WD23NMW": " "},
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


# -- crimes find their ward later ------------------------------------------------------------


def test_the_ons_lookup_after_the_crimes_gives_every_crime_its_ward_and_the_pack_counts_them(
    services: Services, world: World, tmp_path: Path
) -> None:
    street = street_file(
        tmp_path,
        crime("a1", CENTRAL, "Burglary"),
        crime("a2", CENTRAL, "Vehicle crime"),
        crime("a3", EAST, "Burglary", lon="-0.0810"),
        crime("", EAST, "Anti-social behaviour", lon="-0.0810", outcome=""),
    )
    out = cli(services, "import", "crimes", str(street))
    assert "4 rows in LSOAs not mapped to a ward" in out
    assert {r.ward_id for r in held(services)} == {None}

    lookup = lookup_file(
        tmp_path,
        (CENTRAL, "Testshire 001A", "RIV-C", "Riverside Central"),
        (EAST, "Testshire 001B", "", "riverside east"),  # no code: matched by its name
        ("E01099003", "Elsewhere 001A", "E05099999", "Some Other Ward"),
    )
    out = cli(services, "import", "lsoa-map", str(lookup))
    assert out.splitlines() == [
        "Mapped 2 new LSOAs to wards and changed 0; 0 already mapped, 1 row for "
        "other wards, 0 rejected. 4 crime rows now have their ward."
    ]
    wards = {r.crime_id or "asb": r.ward_id for r in held(services)}
    assert wards == {
        "a1": world.ward,
        "a2": world.ward,
        "a3": world.other_ward,
        "asb": world.other_ward,
    }

    pack = tmp_path / "pack.zip"
    cli(services, "monthly-pack", "--neighbourhood", "Riverside SNT", "--month", MONTH,
        "--internal", "--out", str(pack))  # fmt: skip
    with zipfile.ZipFile(pack) as z:
        text = z.read(f"riverside-snt-{MONTH}-internal/crime.csv").decode("utf-8-sig")
    rows = [row for row in csv.reader(io.StringIO(text)) if row and row[0] != "OFFICIAL-SENSITIVE"]
    counts = {row[0]: row[1] for row in rows[1:]}
    assert counts["Burglary"] == "2" and counts["Vehicle crime"] == "1"
    assert counts["Anti-social behaviour"] == "1" and counts["All crime"] == "4"


def test_a_lookup_of_older_years_is_read_by_its_column_prefixes(
    services: Services, world: World, tmp_path: Path
) -> None:
    lookup = lookup_file(
        tmp_path,
        (CENTRAL, "Testshire 001A", "RIV-C", "Riverside Central"),
        header="LSOA11CD,LSOA11NM,WD22CD,WD22NM,LAD22CD",
    )
    assert services.packs.import_lsoa_map(lookup).added == 1


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("Name,Phone\nAlex,01632 960001\n", "it has no LSOA code column (such as LSOA21CD)"),
        ("LSOA21CD,LSOA21NM\nE01099001,x\n", "it has no ward code or name column"),
        ("LSOA21CD,WD23CD\nnot-a-code,RIV-C\n", "none of its rows could be read"),
    ],
)
def test_a_file_that_is_not_the_ons_lookup_is_refused_in_one_sentence(
    services: Services, world: World, tmp_path: Path, text: str, why: str
) -> None:
    path = tmp_path / "odd.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValidationError) as raised:
        services.packs.import_lsoa_map(path)
    assert str(raised.value).startswith("'odd.csv' is not an ONS LSOA to ward lookup: ")
    assert why in str(raised.value) and str(raised.value).count(". ") == 0
    with services.ctx.store.read() as session:
        assert session.scalar(select(func.count()).select_from(LsoaWard)) == 0


def test_a_mapping_added_changed_or_deleted_in_admin_remaps_the_crimes_at_once(
    services: Services, world: World, tmp_path: Path
) -> None:
    services.packs.import_crimes(
        street_file(tmp_path, crime("b1", CENTRAL, "Burglary"), crime("b2", EAST, "Robbery"))
    )
    mapping = services["lsoa_wards"].create({"lsoa_code": CENTRAL, "ward_id": world.ward})
    assert [r.ward_id for r in held(services)] == [world.ward, None]
    lsoa = {
        "type": "Feature",
        "properties": {"LSOA21CD": CENTRAL, "LSOA21NM": "Testshire 001A"},
        "geometry": {"type": "Polygon", "coordinates": [square(-0.105, 51.695, 0.005)]},
    }
    services.packs.import_boundaries(geojson(tmp_path, lsoa))
    services["lsoa_wards"].update(mapping.created[0], {"ward_id": world.other_ward})
    assert [r.ward_id for r in held(services)] == [world.other_ward, None]
    assert [b.ward_id for b in _boundaries(services)] == [world.other_ward]  # its outline too
    services["lsoa_wards"].update(mapping.created[0], {"lsoa_code": EAST})
    assert [r.ward_id for r in held(services)] == [None, world.other_ward]
    services["lsoa_wards"].delete(mapping.created[0])
    assert [r.ward_id for r in held(services)] == [None, None]
    # The re-mapped rows carry a new clock for their ward, so sync takes the change along.
    record = held(services)[1]
    assert record.field_clocks and "ward_id" in record.field_clocks


def test_importing_a_month_again_updates_outcomes_and_adds_nothing(
    services: Services, world: World, tmp_path: Path
) -> None:
    services["lsoa_wards"].create({"lsoa_code": CENTRAL, "ward_id": world.ward})
    asb = crime("", CENTRAL, "Anti-social behaviour", outcome="")
    first = street_file(tmp_path, crime("c1", CENTRAL, "Burglary"), asb, asb)
    assert services.packs.import_crimes(first).added == 3
    revised = street_file(
        tmp_path,
        crime("c1", CENTRAL, "Burglary", outcome="Offender given a caution"),
        asb.replace("Testshire Police,Testshire Police", "Testshire Police,Testshire Constab"),
        asb,
        name="revised.csv",
    )
    report = services.packs.import_crimes(revised)
    assert (report.added, report.already_held, report.updated) == (0, 3, 2)
    assert "(2 of them updated)" in report.summary()
    rows = held(services)
    assert len(rows) == 3
    assert next(r for r in rows if r.crime_id == "c1").last_outcome == "Offender given a caution"


@pytest.mark.parametrize(
    ("lon", "lat", "why"),
    [
        ("inf", "51.7", "its longitude or latitude is not a finite number"),
        ("-0.1", "nan", "its longitude or latitude is not a finite number"),
        ("2.35", "48.85", "the point (2.35, 48.85) is outside the UK"),
        ("51.7", "-0.1", "the point (51.7, -0.1) is outside the UK"),
        ("-0.1", "", "it has a longitude or a latitude but not both"),
    ],
)
def test_a_row_with_a_point_that_is_not_finite_or_not_in_the_uk_is_rejected_naming_it(
    services: Services, world: World, tmp_path: Path, lon: str, lat: str, why: str
) -> None:
    path = street_file(
        tmp_path,
        crime("ok1", CENTRAL, "Burglary"),
        crime("bad", CENTRAL, "Burglary", lon=lon, lat=lat),
    )
    report = services.packs.import_crimes(path)
    assert report.added == 1
    (reject,) = report.rejects
    assert reject.startswith(f"Row 3 was not imported: {why}") and reject.endswith(".")
    assert [r.crime_id for r in held(services)] == ["ok1"]


def test_a_file_of_nothing_but_bad_points_changes_nothing(
    services: Services, world: World, tmp_path: Path
) -> None:
    path = street_file(tmp_path, crime("bad", CENTRAL, "Burglary", lon="nan", lat="nan"))
    with pytest.raises(ValidationError, match="none of its rows could be read"):
        services.packs.import_crimes(path)
    assert held(services) == []


# -- boundaries ------------------------------------------------------------------------------


def _boundaries(services: Services) -> list[Boundary]:
    with services.ctx.store.read() as session:
        rows = list(session.scalars(select(Boundary).order_by(Boundary.code)))
        session.expunge_all()
        return rows


def test_ward_and_lsoa_boundaries_are_matched_by_ons_code_and_the_rest_passed_over(
    services: Services, world: World, tmp_path: Path
) -> None:
    services["lsoa_wards"].create({"lsoa_code": CENTRAL, "ward_id": world.ward})
    path = geojson(
        tmp_path,
        ward_feature("RIV-C", "Riverside Central", square(-0.11, 51.69, 0.02)),
        ward_feature("E05099999", "Some Other Ward", square(-1.0, 52.0, 0.02)),
        {
            "type": "Feature",
            "properties": {"LSOA21CD": CENTRAL, "LSOA21NM": "Testshire 001A"},
            "geometry": {
                "type": "MultiPolygon",
                "coordinates": [[square(-0.105, 51.695, 0.005)]],
            },
        },
    )
    out = cli(services, "import", "boundaries", str(path))
    assert out == (
        "Imported 1 ward boundary and 1 LSOA boundary; 1 feature in the file for other areas.\n"
    )
    rows = _boundaries(services)
    assert [(b.kind, b.code, b.ward_id) for b in rows] == [
        ("lsoa", CENTRAL, world.ward),
        ("ward", "RIV-C", world.ward),
    ]
    assert json.loads(rows[1].shape)[0][0][0] == [-0.11, 51.69]
    assert services.packs.import_boundaries(path).wards == 1  # again: replaced, not doubled
    assert len(_boundaries(services)) == 2


def _shapefile(tmp_path: Path, points: list[tuple[float, float]], *, grid: bool) -> Path:
    import shapefile

    base = tmp_path / "wards"
    shp, shx, dbf = (io.BytesIO() for _ in range(3))
    writer = shapefile.Writer(shp=shp, shx=shx, dbf=dbf, shapeType=shapefile.POLYGON)
    writer.field("WD23CD", "C", size=9)
    writer.field("WD23NM", "C", size=60)
    writer.poly([points])
    writer.record("RIV-C", "Riverside Central")
    writer.close()
    for suffix, data in ((".shp", shp), (".shx", shx), (".dbf", dbf)):
        base.with_suffix(suffix).write_bytes(data.getvalue())
    if grid:
        (tmp_path / "wards.prj").write_text(
            'PROJCS["British_National_Grid",GEOGCS["GCS_OSGB_1936"]]'
        )
    return base.with_suffix(".shp")


def test_a_shapefile_on_the_british_national_grid_is_converted_to_longitude_and_latitude(
    services: Services, world: World, tmp_path: Path
) -> None:
    # A 1 km square (clockwise, as shapefiles draw outer rings) in Hertfordshire.
    east, north = 520_000.0, 210_000.0
    ring = [
        (east, north),
        (east, north + 1000),
        (east + 1000, north + 1000),
        (east + 1000, north),
        (east, north),
    ]
    shp = _shapefile(tmp_path, ring, grid=True)
    packed = tmp_path / "wards.zip"
    with zipfile.ZipFile(packed, "w") as z:
        for suffix in (".shp", ".shx", ".dbf", ".prj"):
            z.write(shp.with_suffix(suffix), f"Wards_2023/wards{suffix}")
    for path in (shp, packed):
        assert services.packs.import_boundaries(path).wards == 1
        (stored,) = _boundaries(services)
        (outer,) = json.loads(stored.shape)[0]
        lon, lat = outer[0]
        assert -0.27 < lon < -0.25 and 51.77 < lat < 51.79  # near Welwyn, as it should be
        # The square's south side, 1 km on the grid, is 1 km on the ground (to 5 m).
        (lon2, lat2) = outer[-2]
        assert 995 < _metres(lon, lat, lon2, lat2) < 1005


def _metres(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Haversine distance on a sphere of the UK's mean radius."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6_371_000 * math.asin(math.sqrt(a))


def _refused(services: Services, path: Path, why: str) -> None:
    before = _boundaries(services)
    with pytest.raises(ValidationError) as raised:
        services.packs.import_boundaries(path)
    message = str(raised.value)
    assert message.startswith(f"'{path.name}' cannot be imported as boundaries: ")
    assert why in message, message
    assert message.count("\n") == 0 and message.endswith(".")
    assert [(b.code, b.shape) for b in _boundaries(services)] == [(b.code, b.shape) for b in before]


def test_hostile_boundary_files_are_refused_in_one_sentence_naming_the_feature(
    services: Services, world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    good = ward_feature("RIV-C", "Riverside Central", square(-0.11, 51.69, 0.02))
    services.packs.import_boundaries(geojson(tmp_path, good, name="good.geojson"))
    nan = ward_feature("RIV-E", "Riverside East", square(-0.11, 51.69, 0.02))
    nan["geometry"]["coordinates"][0][2] = [float("nan"), 51.7]
    path = tmp_path / "nan.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [good, nan]}))
    assert "NaN" in path.read_text()
    _refused(
        services,
        path,
        "Feature 2 (RIV-E Riverside East) has a coordinate that is not a finite number",
    )
    far = ward_feature("RIV-C", "Riverside Central", square(520000, 210000, 1000))
    _refused(
        services,
        geojson(tmp_path, far, name="grid.geojson"),
        "Feature 1 (RIV-C Riverside Central) has the point (520000, 210000) outside the UK",
    )
    point = {
        "type": "Feature",
        "properties": {"WD23CD": "RIV-C"},
        "geometry": {"type": "Point", "coordinates": [0, 51]},
    }
    _refused(
        services,
        geojson(tmp_path, point, name="point.geojson"),
        "Feature 1 (RIV-C) is a Point, not a Polygon",
    )
    nocode = {"type": "Feature", "properties": {"NAME": "x"}, "geometry": good["geometry"]}
    _refused(
        services,
        geojson(tmp_path, nocode, name="nocode.geojson"),
        "Feature 1 has no ward or LSOA code",
    )
    broken = tmp_path / "broken.geojson"
    broken.write_text('{"type": "FeatureCollection", "features": [')
    _refused(services, broken, "it is not a GeoJSON file")
    monkeypatch.setattr(boundaries, "MAX_BYTES", 1000)
    big = geojson(tmp_path, *[good] * 20, name="big.geojson")
    _refused(services, big, "it is larger than 0 MB")
    monkeypatch.undo()
    monkeypatch.setattr(boundaries, "MAX_POINTS", 100)
    many = ward_feature(
        "RIV-C", "Riverside Central", [[-0.1 + i / 1e4, 51.7] for i in range(200)] + [[-0.1, 51.7]]
    )
    _refused(
        services,
        geojson(tmp_path, many, name="many.geojson"),
        "Feature 1 (RIV-C Riverside Central) has more than 100 points",
    )


def test_a_malformed_shapefile_is_refused_and_nothing_changes(
    services: Services, world: World, tmp_path: Path
) -> None:
    ring = [(-0.11, 51.69), (-0.11, 51.71), (-0.09, 51.71), (-0.09, 51.69), (-0.11, 51.69)]
    shp = _shapefile(tmp_path, ring, grid=False)
    data = shp.read_bytes()
    shp.write_bytes(data[:120])  # the header and half a record
    _refused(services, shp, "shapefile")
    shp.write_bytes(b"this is not a shapefile at all" * 10)
    _refused(services, shp, "it is not a readable shapefile")
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("w.shp", b"\0" * (boundaries.MAX_ZIP_BYTES + 1))
        z.writestr("w.dbf", b"")
    _refused(services, bomb, "its shapefile unpacks to more than 400 MB")
    other = tmp_path / "wards.kml"
    other.write_text("<kml/>")
    _refused(services, other, "give a .geojson file, a .shp file")


def test_a_boundary_file_with_none_of_the_teams_areas_says_how_to_match_them(
    services: Services, world: World, tmp_path: Path
) -> None:
    path = geojson(tmp_path, ward_feature("E05099999", "Some Other Ward", square(-1, 52, 0.01)))
    _refused(services, path, "none of its 1 areas is one of the team's wards or mapped LSOAs")


# -- the map in the pack and on the handout --------------------------------------------------


@pytest.fixture
def mapped_crimes(services: Services, world: World, tmp_path: Path) -> World:
    services["lsoa_wards"].create({"lsoa_code": CENTRAL, "ward_id": world.ward})
    services["lsoa_wards"].create({"lsoa_code": EAST, "ward_id": world.other_ward})
    rows = [
        crime("m1", CENTRAL, "Burglary", street="High Street"),
        crime("m2", CENTRAL, "Burglary", street="High Street"),
        crime("m3", CENTRAL, "Vehicle crime", lon="-0.0950", lat="51.7050", street="Mill Lane"),
        crime(
            "m4",
            EAST,
            "Criminal damage and arson",
            lon="-0.0810",
            outcome="Investigation complete; no suspect identified",
            street="Canal Close",
        ),
        crime(
            "",
            EAST,
            "Anti-social behaviour",
            lon="-0.0850",
            lat="51.6980",
            outcome="",
            street="Canal Close",
        ),
        crime("m5", EAST, "Shoplifting", lon="", lat="", street="Station Road"),
    ]
    services.packs.import_crimes(street_file(tmp_path, *rows))
    return world


def _pack(services: Services, tmp_path: Path) -> dict[str, bytes]:
    out = services.packs.build_pack(
        "neighbourhood", "Riverside SNT", MONTH, tmp_path / "public.zip", internal=False
    )
    with zipfile.ZipFile(out) as z:
        return {Path(n).name: z.read(n) for n in z.namelist()}


def test_the_public_pack_has_a_map_crimes_by_street_and_what_happened(
    services: Services, mapped_crimes: World, tmp_path: Path
) -> None:
    services.packs.import_boundaries(
        geojson(
            tmp_path,
            ward_feature("RIV-C", "Riverside Central", square(-0.11, 51.69, 0.02)),
            ward_feature("RIV-E", "Riverside East", square(-0.09, 51.69, 0.02)),
        )
    )
    files = _pack(services, tmp_path)
    text = pdf_text(files[f"riverside-snt-{MONTH}.pdf"])
    assert "Where crimes happened in March 2026" in text
    assert "Burglary (2)" in text and "Vehicle crime (1)" in text  # the legend
    assert "1 with no location, not shown" in text
    assert "Boundaries: Office for National Statistics (wards.geojson), Open Government" in text
    assert "import boundaries" not in text
    streets = list(csv.reader(io.StringIO(files["crime-by-street.csv"].decode("utf-8-sig"))))
    assert streets == [
        ["Street", "Crimes", "Commonest crime type"],
        ["On or near Canal Close", "2", "Anti-social behaviour"],
        ["On or near High Street", "2", "Burglary"],
        ["On or near Mill Lane", "1", "Vehicle crime"],
        ["On or near Station Road", "1", "Shoplifting"],
    ]
    outcomes = list(csv.reader(io.StringIO(files["crime-outcomes.csv"].decode("utf-8-sig"))))
    assert outcomes[1:] == [
        ["Burglary", "Under investigation", "2"],
        ["Criminal damage and arson", "Investigation complete; no suspect identified", "1"],
        ["Shoplifting", "Under investigation", "1"],
        ["Vehicle crime", "Under investigation", "1"],
    ]


def test_without_boundaries_the_map_says_how_to_add_them(
    services: Services, mapped_crimes: World, tmp_path: Path
) -> None:
    text = pdf_text(_pack(services, tmp_path)[f"riverside-snt-{MONTH}.pdf"])
    assert "No boundaries held" in text
    assert "pcso-desk import boundaries FILE" in text.replace("\n", " ")


def test_the_handout_shows_last_months_crimes_on_the_map(
    services: Services, mapped_crimes: World, tmp_path: Path
) -> None:
    area = services.documents.find_area("neighbourhood", "Riverside SNT")
    for large_print in (False, True):
        pdf = services.documents.preview_handout(area, date(2026, 4, 10), large_print=large_print)
        text = pdf_text(pdf)
        assert "Crime near you in March 2026" in text
        assert "Burglary (2)" in text
    # A month with no crimes has no map.
    pdf = services.documents.preview_handout(area, date(2026, 7, 10))
    assert "Crime near you" not in pdf_text(pdf)
