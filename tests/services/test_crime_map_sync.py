"""Crime rows find their ward when the mapping and the rows meet at a station by sync, and
boundaries travel like any other record."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from pcso_desk.services.api import Services
from pcso_desk.store.models import Boundary, CrimeRecord
from tests.factories import make_world
from tests.services.test_crime_map import (
    CENTRAL,
    crime,
    geojson,
    square,
    street_file,
    ward_feature,
)
from tests.services.test_sync_bundles import Pair, pair  # noqa: F401 - the fixture
from tests.stations import dump


def _wards(services: Services) -> list[str | None]:
    with services.ctx.store.read() as session:
        return list(session.scalars(select(CrimeRecord.ward_id).order_by(CrimeRecord.crime_id)))


def test_crimes_imported_at_one_station_take_the_ward_mapped_at_another(
    pair: Pair,  # noqa: F811
    tmp_path: Path,
) -> None:
    world = make_world(pair.a)
    pair.exchange()
    pair.b.packs.import_crimes(street_file(tmp_path, crime("s1", CENTRAL, "Burglary")))
    pair.a["lsoa_wards"].create({"lsoa_code": CENTRAL, "ward_id": world.ward})
    pair.a.packs.import_boundaries(
        geojson(tmp_path, ward_feature("RIV-C", "Riverside Central", square(-0.11, 51.69, 0.02)))
    )
    pair.exchange()  # each receives what the other did: the mapping meets the crime twice
    assert _wards(pair.a) == _wards(pair.b) == [world.ward]
    pair.exchange()
    assert dump(pair.a) == dump(pair.b)
    with pair.b.ctx.store.read() as session:
        assert session.scalars(select(Boundary.code)).all() == ["RIV-C"]
    pair.exchange()  # and nothing goes back and forth
    assert pair.send(pair.a, pair.b) == 0 and pair.send(pair.b, pair.a) == 0
