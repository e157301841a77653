"""Two stations importing the same public data converge with no error: crime rows, LSOA
mappings and boundaries take ids made from their natural keys, and rows a store made earlier
under random ids fold into one row per key, the same on every station.

Everything here is synthetic: made-up crime ids, LSOA codes and polygons.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import select, text

from pcso_desk.services.api import Services
from pcso_desk.services.sync.apply import apply_changes
from pcso_desk.store.models import Boundary, CrimeRecord, LsoaWard
from pcso_desk.sync.changes import Item
from pcso_desk.sync.local import read_changes
from pcso_desk.sync.natural import natural_id
from tests.factories import World, make_world
from tests.services.test_crime_map import (
    CENTRAL,
    EAST,
    crime,
    geojson,
    lookup_file,
    square,
    street_file,
    ward_feature,
)
from tests.services.test_sync_bundles import Pair, pair  # noqa: F401 - the fixture
from tests.stations import dump, trust


def _month(tmp_path: Path, name: str = "street.csv") -> Path:
    """One synthetic month: two crimes with ids, and two alike ASB reports with none."""
    return street_file(
        tmp_path,
        crime("c-001", CENTRAL, "Burglary"),
        crime("c-002", EAST, "Vehicle crime", lon="-0.0810"),
        crime("", CENTRAL, "Anti-social behaviour", outcome=""),
        crime("", CENTRAL, "Anti-social behaviour", outcome=""),
        name=name,
    )


def _rows(services: Services, model: Any) -> list[tuple[str, ...]]:
    """(id, natural key...) of every row held, in id order."""
    keys = {
        CrimeRecord: (CrimeRecord.row_key,),
        LsoaWard: (LsoaWard.lsoa_code,),
        Boundary: (Boundary.kind, Boundary.code),
    }
    key = keys[model]
    with services.ctx.store.read() as session:
        return [tuple(row) for row in session.execute(select(model.id, *key).order_by(model.id))]


def _old_ids(services: Services, table: str) -> None:
    """Give every row of `table` a random id, as a store made before ids came from keys has
    them."""
    with services.ctx.store.write() as session:
        connection = session.connection()
        held = [str(row[0]) for row in connection.exec_driver_sql(f'SELECT id FROM "{table}"')]
        moved = {old: str(uuid.uuid4()) for old in held}
        for old, new in moved.items():
            connection.exec_driver_sql(f'UPDATE "{table}" SET id = ? WHERE id = ?', (new, old))


def _settle(both: Pair, *others: Services) -> None:
    """Every station sends to every other until a whole round changes nothing."""
    stations = [both.a, both.b, *others]
    for _round in range(6):
        changed = sum(
            both.send(sender, receiver)
            for sender in stations
            for receiver in stations
            if sender is not receiver
        )
        if not changed:
            return
    raise AssertionError("the stations never settled")


def _shared_world(both: Pair) -> World:
    world = make_world(both.a)
    both.exchange()
    return world


def test_an_id_made_from_a_key_is_an_id_like_any_other_and_never_changes() -> None:
    # Pinned: another release making other ids for the same month would split every team.
    assert natural_id("crime_records", "c-001") == "de547520-26a8-5271-a643-af290d51f3cd"
    assert natural_id("boundaries", "ward", "RIV-C") == "1cd38442-dc60-5b0d-91a6-4ca6c691a44c"
    assert str(uuid.UUID(natural_id("lsoa_wards", CENTRAL))) == natural_id("lsoa_wards", CENTRAL)
    assert natural_id("lsoa_wards", CENTRAL) != natural_id("crime_records", CENTRAL)


# -- crime rows --------------------------------------------------------------------------------


def test_two_stations_importing_one_month_make_the_same_rows_and_merge_with_no_error(
    pair: Pair,  # noqa: F811
    tmp_path: Path,
) -> None:
    assert pair.a.packs.import_crimes(_month(tmp_path)).added == 4
    assert pair.b.packs.import_crimes(_month(tmp_path)).added == 4
    pair.exchange()  # before ids came from row keys this refused every bundle
    pair.exchange()
    rows = _rows(pair.a, CrimeRecord)
    assert rows == _rows(pair.b, CrimeRecord)
    assert len(rows) == 4
    assert all(row_id == natural_id("crime_records", key) for row_id, key in rows)
    assert dump(pair.a)["crime_records"] == dump(pair.b)["crime_records"]
    assert pair.send(pair.a, pair.b) == 0 and pair.send(pair.b, pair.a) == 0


def test_rows_a_store_holds_under_old_random_ids_fold_into_one_row_per_key_everywhere(
    pair: Pair,  # noqa: F811
    tmp_path: Path,
) -> None:
    old = pair.station("c")
    for one, other in ((pair.a, old), (old, pair.a), (pair.b, old), (old, pair.b)):
        trust(one, other, tmp_path)
    for station in (pair.a, pair.b, old):
        station.packs.import_crimes(_month(tmp_path))
    _old_ids(pair.a, "crime_records")  # two stores from before the change, one after
    _old_ids(old, "crime_records")
    _settle(pair, old)
    rows = _rows(pair.a, CrimeRecord)
    assert rows == _rows(pair.b, CrimeRecord) == _rows(old, CrimeRecord)
    assert len(rows) == 4  # one row per key, under the id made from it
    assert all(row_id == natural_id("crime_records", key) for row_id, key in rows)
    assert dump(pair.a)["crime_records"] == dump(old)["crime_records"]


def test_two_old_stores_keep_the_smaller_id_and_a_revision_imported_on_either_stays(
    pair: Pair,  # noqa: F811
    tmp_path: Path,
) -> None:
    pair.a.packs.import_crimes(_month(tmp_path))
    pair.b.packs.import_crimes(_month(tmp_path))
    _old_ids(pair.a, "crime_records")
    _old_ids(pair.b, "crime_records")
    a_ids = {key: row_id for row_id, key in _rows(pair.a, CrimeRecord)}
    b_ids = {key: row_id for row_id, key in _rows(pair.b, CrimeRecord)}
    revised = street_file(
        tmp_path,
        crime("c-001", CENTRAL, "Burglary", outcome="Offender sent to prison"),
        name="revised.csv",
    )
    assert pair.b.packs.import_crimes(revised).updated == 1  # on one side only
    pair.exchange()
    pair.exchange()
    rows = _rows(pair.a, CrimeRecord)
    assert rows == _rows(pair.b, CrimeRecord) and len(rows) == 4
    # Neither id is made from the key, so the smaller of the two is kept, on both stations.
    assert {key: row_id for row_id, key in rows} == {
        key: min(a_ids[key], b_ids[key]) for key in a_ids
    }
    for services in (pair.a, pair.b):
        with services.ctx.store.read() as session:
            outcome = session.scalars(
                select(CrimeRecord.last_outcome).where(CrimeRecord.row_key == "c-001")
            ).one()
        assert outcome == "Offender sent to prison"
    assert dump(pair.a)["crime_records"] == dump(pair.b)["crime_records"]


# -- LSOA mappings ---------------------------------------------------------------------------


def _lookup(tmp_path: Path) -> Path:
    return lookup_file(
        tmp_path,
        (CENTRAL, "Riverside 001A", "RIV-C", "Riverside Central"),
        (EAST, "Riverside 002A", "RIV-E", "Riverside East"),
    )


def test_two_stations_importing_the_lsoa_lookup_make_the_same_mappings(
    pair: Pair,  # noqa: F811
    tmp_path: Path,
) -> None:
    _shared_world(pair)
    pair.a.packs.import_lsoa_map(_lookup(tmp_path))
    pair.b.packs.import_lsoa_map(_lookup(tmp_path))
    pair.exchange()
    pair.exchange()
    rows = _rows(pair.a, LsoaWard)
    assert rows == _rows(pair.b, LsoaWard) and len(rows) == 2
    assert all(row_id == natural_id("lsoa_wards", key) for row_id, key in rows)


def test_a_mapping_added_in_admin_on_two_stations_becomes_one(
    pair: Pair,  # noqa: F811
) -> None:
    world = _shared_world(pair)
    pair.a["lsoa_wards"].create({"lsoa_code": CENTRAL, "ward_id": world.ward})
    pair.b["lsoa_wards"].create({"lsoa_code": CENTRAL, "ward_id": world.ward})
    pair.exchange()
    pair.exchange()
    assert (
        _rows(pair.a, LsoaWard)
        == _rows(pair.b, LsoaWard)
        == [(natural_id("lsoa_wards", CENTRAL), CENTRAL)]
    )


def test_old_mappings_fold_into_one_and_keep_the_ward_an_officer_chose_last(
    pair: Pair,  # noqa: F811
    tmp_path: Path,
) -> None:
    world = _shared_world(pair)
    pair.a.packs.import_crimes(_month(tmp_path))
    pair.exchange()
    pair.a.packs.import_lsoa_map(_lookup(tmp_path))
    pair.b.packs.import_lsoa_map(_lookup(tmp_path))
    _old_ids(pair.a, "lsoa_wards")
    _old_ids(pair.b, "lsoa_wards")
    with pair.b.ctx.store.read() as session:
        east = session.scalars(select(LsoaWard.id).where(LsoaWard.lsoa_code == EAST)).one()
    pair.b["lsoa_wards"].update(east, {"ward_id": world.ward})  # entered by hand, on B only
    pair.exchange()
    pair.exchange()
    rows = _rows(pair.a, LsoaWard)
    assert rows == _rows(pair.b, LsoaWard) and len(rows) == 2
    for services in (pair.a, pair.b):
        with services.ctx.store.read() as session:
            wards = dict(
                session.execute(select(LsoaWard.lsoa_code, LsoaWard.ward_id)).tuples().all()
            )
            crimes = set(session.scalars(select(CrimeRecord.ward_id)))
        assert wards == {CENTRAL: world.ward, EAST: world.ward}
        assert crimes == {world.ward}  # the crime rows follow the mapping kept
    assert dump(pair.a) == dump(pair.b)


# -- boundaries --------------------------------------------------------------------------------


def _wards_file(tmp_path: Path) -> Path:
    return geojson(
        tmp_path,
        ward_feature("RIV-C", "Riverside Central", square(-0.11, 51.69, 0.02)),
        ward_feature("RIV-E", "Riverside East", square(-0.09, 51.69, 0.02)),
    )


def test_two_stations_importing_the_same_boundaries_make_the_same_rows(
    pair: Pair,  # noqa: F811
    tmp_path: Path,
) -> None:
    _shared_world(pair)
    pair.a.packs.import_boundaries(_wards_file(tmp_path))
    pair.b.packs.import_boundaries(_wards_file(tmp_path))
    pair.exchange()
    pair.exchange()
    rows = _rows(pair.a, Boundary)
    assert rows == _rows(pair.b, Boundary) and len(rows) == 2
    assert all(row_id == natural_id("boundaries", kind, code) for row_id, kind, code in rows)


def test_old_boundaries_fold_into_one_row_per_kind_and_code(
    pair: Pair,  # noqa: F811
    tmp_path: Path,
) -> None:
    _shared_world(pair)
    pair.a.packs.import_boundaries(_wards_file(tmp_path))
    pair.b.packs.import_boundaries(_wards_file(tmp_path))
    _old_ids(pair.a, "boundaries")
    pair.exchange()
    pair.exchange()
    rows = _rows(pair.a, Boundary)
    assert rows == _rows(pair.b, Boundary) and len(rows) == 2
    assert dump(pair.a)["boundaries"] == dump(pair.b)["boundaries"]
    with pair.a.ctx.store.read() as session:
        count = session.execute(text("SELECT count(*) FROM boundaries")).scalar()
    assert count == 2


def _changes(services: Services, table: str) -> list[Item]:
    with services.ctx.store.read() as session:
        return [item for item in read_changes(session, None) if item.table == table]


def test_two_old_stores_rows_arriving_together_as_a_hub_pull_gives_them_fold_the_same_way(
    pair: Pair,  # noqa: F811
    tmp_path: Path,
) -> None:
    pair.a.packs.import_crimes(_month(tmp_path))
    pair.b.packs.import_crimes(_month(tmp_path))
    _old_ids(pair.a, "crime_records")
    _old_ids(pair.b, "crime_records")
    both = _changes(pair.a, "crime_records") + _changes(pair.b, "crime_records")
    first, second = pair.station("c"), pair.station("d")
    for services, items in ((first, both), (second, both[::-1])):  # in either order
        with services.ctx.store.write() as session:
            assert not apply_changes(services.ctx, session, items).refused
    pair.exchange()
    pair.exchange()
    rows = _rows(pair.a, CrimeRecord)
    assert len(rows) == 4
    assert (
        rows
        == _rows(pair.b, CrimeRecord)
        == _rows(first, CrimeRecord)
        == _rows(second, CrimeRecord)
    )
    assert (
        dump(first)["crime_records"]
        == dump(second)["crime_records"]
        == dump(pair.a)["crime_records"]
    )


def test_a_mapping_moved_to_an_lsoa_another_station_mapped_meanwhile_ends_as_one_row(
    pair: Pair,  # noqa: F811
) -> None:
    world = _shared_world(pair)
    moved = pair.a["lsoa_wards"].create({"lsoa_code": EAST, "ward_id": world.ward}).created[0]
    pair.exchange()
    pair.a["lsoa_wards"].update(moved, {"lsoa_code": CENTRAL})  # corrected on one station
    pair.b["lsoa_wards"].create({"lsoa_code": CENTRAL, "ward_id": world.other_ward})
    pair.exchange()
    pair.exchange()
    rows = _rows(pair.a, LsoaWard)
    assert rows == _rows(pair.b, LsoaWard) == [(natural_id("lsoa_wards", CENTRAL), CENTRAL)]
    assert dump(pair.a)["lsoa_wards"] == dump(pair.b)["lsoa_wards"]
