"""Station PCs for sync tests: a store each, trust between them, and a dump to compare."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pcso_desk.paths import DataPaths
from pcso_desk.services.api import Services
from pcso_desk.services.maintenance import init_store
from pcso_desk.store.clocks import synced_tables
from tests.keys import build_services

TEAM = "Riverside SNT"
Dump = dict[str, list[tuple[Any, ...]]]


def station(root: Path, team: str = TEAM, *, encrypted: bool = False) -> Services:
    """A set-up station with no account yet: plain, or `encrypted` as the app makes them."""
    from pcso_desk.services.api import Door

    paths = DataPaths(root).ensure()
    services = Door(paths).create() if encrypted else build_services(paths)
    init_store(services.ctx, team)
    return services


def trust(truster: Services, peer: Services, folder: Path) -> None:
    card = folder / f"{peer.ctx.station_id}.identity"
    peer.sync.write_identity(card)
    truster.sync.trust(truster.sync.read_identity(card))


def dump(services: Services) -> Dump:
    """Every synced table's rows, without the local clocks: equal dumps mean equal data."""
    found: Dump = {}
    with services.ctx.store.read() as session:
        connection = session.connection()
        for table in synced_tables():
            names = [c.name for c in table.columns if c.name not in ("hlc", "field_clocks")]
            quoted = ", ".join(f'"{name}"' for name in names)
            rows = connection.exec_driver_sql(f'SELECT {quoted} FROM "{table.name}" ORDER BY id')
            found[table.name] = [tuple(row) for row in rows]
    return found


def hub_team(owner_url: str, stations: Sequence[Services], folder: Path) -> None:
    """Make `stations` one team on the hub at `owner_url`, as a keeper and officers would:
    each station registers the others' identities, the keeper sets the hub up and gives each
    station its own access file (`pcso-desk hub ...`), and each station joins with it."""
    from sqlalchemy.engine import make_url

    from pcso_desk.sync.hub_access import seal_access
    from pcso_desk.sync.hub_admin import HubKeeper

    folder.mkdir(parents=True, exist_ok=True)
    team_of = {id(s): s.sync.status().team for s in stations}
    for truster in stations:
        for peer in stations:
            if peer is not truster and team_of[id(peer)] == team_of[id(truster)]:
                trust(truster, peer, folder)
    keeper = HubKeeper(owner_url)
    try:
        for team in sorted(set(team_of.values())):
            keeper.setup(team)
        for services in stations:
            public = services.sync.status()
            card = folder / f"{services.ctx.station_id}.identity"
            services.sync.write_identity(card)
            identity = services.sync.read_identity(card)
            role, password = keeper.add_station(identity)
            url = make_url(owner_url).set(username=role, password=password)
            access = folder / f"{public.station_id}.access"
            access.write_bytes(seal_access(identity, url.render_as_string(hide_password=False)))
            services.sync.join_hub(access)
    finally:
        keeper.close()
