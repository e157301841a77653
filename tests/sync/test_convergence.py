"""Property: stations that edit at random and swap bundles (and use a hub) end up identical.

Three stations make random creates, edits and deletes; bundles travel in random order, some
twice, some never; some stations also sync with a PostgreSQL hub. After everyone has finally
heard from everyone, every station holds the same data, and nothing deleted anywhere is back.
"""

from __future__ import annotations

import shutil
import tempfile
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pcso_desk.paths import DataPaths
from pcso_desk.services.api import Services
from pcso_desk.services.maintenance import init_store
from pcso_desk.store.clocks import synced_tables
from tests.keys import build_services, raw
from tests.pg_server import PgServer

pytestmark = pytest.mark.slow(minutes=1)

STATIONS = 3
TEAM = "Property Team"


def dump(services: Services) -> dict[str, list[tuple[Any, ...]]]:
    """Every synced row, as stored, except this station's own change marks."""
    path = services.ctx.store.path
    with raw(path) as conn:
        out = {}
        for table in synced_tables():
            names = [c.name for c in table.columns if c.name not in ("hlc", "field_clocks")]
            sql = f'SELECT {", ".join(names)} FROM "{table.name}" ORDER BY id'
            out[table.name] = conn.execute(sql).fetchall()
    return out


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One initialised store, copied for every station of every example (fast)."""
    root = tmp_path_factory.mktemp("template")
    services = build_services(DataPaths(root).ensure())
    init_store(services.ctx, TEAM)
    services.ctx.store.close()
    shutil.rmtree(root / "keys")  # each copy makes its own station keys
    return root


@dataclass
class World:
    stations: list[Services]
    root: Path
    hub: str | None
    bundles: list[tuple[int, Path]] = field(default_factory=list)
    deleted: set[str] = field(default_factory=set)
    serial: int = 0

    def close(self) -> None:
        for station in self.stations:
            station.ctx.store.close()


def make_world(template: Path, root: Path, hub: str | None) -> World:
    stations = []
    for number in range(STATIONS):
        folder = root / f"s{number}"
        shutil.copytree(template, folder)
        with raw(folder / "pcso-desk.sqlite") as conn:
            conn.execute(
                "UPDATE store_meta SET value = ? WHERE key = 'station_id'", (str(uuid.uuid4()),)
            )
            conn.execute(
                "UPDATE store_meta SET value = ? WHERE key = 'station_name'", (f"S{number}",)
            )
        stations.append(build_services(DataPaths(folder)))
    for station in stations:
        station.sync.write_identity(root / f"{station.ctx.station_id}.id")
    for station in stations:
        for other in stations:
            if other is not station:
                station.sync.trust(station.sync.read_identity(root / f"{other.ctx.station_id}.id"))
    if hub:
        from tests.stations import hub_team

        hub_team(hub, stations, root / "cards")
    return World(stations, root, hub)


def live_ids(services: Services, kind: str) -> list[str]:
    return sorted(row["id"] for row in services[kind].page().rows)


def run(world: World, op: tuple[Any, ...]) -> None:
    name, who, pick, value = op
    station = world.stations[who]
    contacts = live_ids(station, "contacts")
    world.serial += 1
    if name == "create":
        station["contacts"].create({"name": f"Resident {world.serial}", "kind": "resident"})
    elif name == "edit" and contacts:
        target = contacts[pick % len(contacts)]
        station["contacts"].update(target, {"phone": f"01632 960{value % 1000:03d}"})
    elif name == "note" and contacts:
        target = contacts[pick % len(contacts)]
        station["contacts"].update(target, {"notes": f"note {value}"})
    elif name == "delete" and contacts:
        target = contacts[pick % len(contacts)]
        station["contacts"].delete(target)
        world.deleted.add(target)
    elif name == "visit" and contacts:
        visit = station["engagements"].create(
            {
                "occurred_at": "2026-11-20 10:00",
                "channel": "face_to_face",
                "summary": f"Chat {value}",
            }
        )
        station["engagement_contacts"].create(
            {"engagement_id": visit.created[0], "contact_id": contacts[pick % len(contacts)]}
        )
    elif name == "case" and contacts:
        station["victim_cases"].create(
            {
                "victim_id": contacts[pick % len(contacts)],
                "crime_reference": f"41 {value:05d} 26",
                "offence_type": "Burglary",
                "opened_at": "2026-11-01 10:00",
            }
        )
    elif name == "case_edit":
        cases = live_ids(station, "victim_cases")
        if cases:
            offence = ["Theft", "Robbery", "Criminal damage"][value % 3]
            station["victim_cases"].update(cases[pick % len(cases)], {"offence_type": offence})
    elif name == "export":
        path = world.root / f"bundle-{world.serial}.pcso"
        station.sync.export_bundle(path)
        world.bundles.append((who, path))
    elif name == "deliver" and world.bundles:
        maker, bundle = world.bundles[pick % len(world.bundles)]
        if maker != who:
            station.sync.import_bundle(bundle)
    elif name == "hub" and world.hub:
        station.sync.hub()


OPS = st.tuples(
    st.sampled_from(
        [
            *("create", "create", "edit", "note", "delete", "visit", "case", "case_edit"),
            *("export", "export", "deliver", "deliver", "deliver", "hub"),
        ]
    ),
    st.integers(0, STATIONS - 1),
    st.integers(0, 50),
    st.integers(0, 9999),
)


def settle(world: World) -> None:
    """Everyone hears from everyone: each exports, every other imports, twice round."""
    for _round in range(2):
        made = []
        for number, station in enumerate(world.stations):
            path = world.root / f"final-{_round}-{number}.pcso"
            station.sync.export_bundle(path)
            made.append((number, path))
        for number, path in made:
            for other, station in enumerate(world.stations):
                if other != number:
                    station.sync.import_bundle(path)
        if world.hub:
            for station in world.stations:
                station.sync.hub()


def check(world: World) -> None:
    first = dump(world.stations[0])
    for station in world.stations[1:]:
        assert dump(station) == first
    for station in world.stations:
        assert not set(live_ids(station, "contacts")) & world.deleted


def scenario(template: Path, ops: list[tuple[Any, ...]], hub: str | None) -> None:
    with tempfile.TemporaryDirectory() as folder:
        world = make_world(template, Path(folder), hub)
        try:
            for op in ops:
                run(world, op)
            settle(world)
            check(world)
        finally:
            world.close()


PROPERTY = settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


@PROPERTY
@given(st.lists(OPS.filter(lambda op: op[0] != "hub"), min_size=5, max_size=30))
def test_stations_swapping_bundles_converge(template: Path, ops: list[tuple[Any, ...]]) -> None:
    scenario(template, ops, None)


@PROPERTY
@given(st.lists(OPS, min_size=5, max_size=30))
def test_stations_and_a_hub_converge(
    template: Path, pg_server: PgServer, ops: list[tuple[Any, ...]]
) -> None:
    hub = pg_server.create_database(f"hub_{uuid.uuid4().hex[:12]}")
    scenario(template, ops, hub)
