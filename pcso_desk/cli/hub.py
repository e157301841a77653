"""`pcso-desk hub ...`: keeping the team hub, run by whoever runs its PostgreSQL server.

These commands use the server's owner role (its address is given each time and kept
nowhere) and need no PCSO Desk store: they act on the hub database alone, through
pcso_desk.sync.hub_admin. Stations then sync with their own access, never the owner's.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from pcso_desk.domain.errors import PcsoDeskError

if TYPE_CHECKING:
    from pcso_desk.sync.identity import PublicIdentity


def add_parser(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    hub = commands.add_parser(
        "hub", help="keep the team hub (PostgreSQL owner only): set up, add or remove stations"
    )
    actions = hub.add_subparsers(
        dest="hub_command", metavar="ACTION", required=True, help="what to do with the hub"
    )
    setup = actions.add_parser("setup", help="create or upgrade the hub and a team's role")
    setup.add_argument(
        "url", metavar="URL", help="the owner's address, e.g. postgresql://owner@host/hub"
    )
    setup.add_argument(
        "--team", required=True, metavar="NAME", help="the team's name, as on its stations"
    )
    add = actions.add_parser(
        "add-station", help="give a trusted station its own sign-in to the hub"
    )
    add.add_argument("url", metavar="URL", help="the owner's address")
    add.add_argument(
        "identity", type=Path, metavar="IDENTITY_FILE", help="from pcso-desk sync identity"
    )
    add.add_argument(
        "--out",
        type=Path,
        required=True,
        metavar="FILE",
        help="the access file to write (only that station can open it)",
    )
    add.add_argument(
        "--address",
        metavar="URL",
        help="the hub's address as the station reaches it (default: as URL)",
    )
    remove = actions.add_parser("remove-station", help="withdraw a station's sign-in")
    remove.add_argument("url", metavar="URL", help="the owner's address")
    remove.add_argument("station", metavar="STATION_ID", help="as in the station's identity file")


def run(args: argparse.Namespace, out: TextIO) -> int:
    from sqlalchemy.engine import make_url  # here: the app's start needs none of this

    from pcso_desk.sync.files import write_bundle_atomic
    from pcso_desk.sync.hub_access import seal_access
    from pcso_desk.sync.hub_admin import HubKeeper

    keeper = HubKeeper(args.url)
    try:
        if args.hub_command == "setup":
            hub_id = keeper.setup(args.team)
            print(f"The hub at {keeper.address} ({hub_id}) serves team {args.team}.", file=out)
            return 0
        if args.hub_command == "add-station":
            public = _identity(args.identity)
            role, password = keeper.add_station(public)
            base = make_url(args.address or args.url)
            station_url = base.set(username=role, password=password)
            write_bundle_atomic(
                args.out, seal_access(public, station_url.render_as_string(hide_password=False))
            )
            print(
                f"Station {public.name} ({public.station_id}) may now sync with the hub as "
                f"{role}; give it {args.out} (only it can open the file).",
                file=out,
            )
            return 0
        name = keeper.remove_station(args.station)
        print(f"Station {name} ({args.station}) can no longer sign in to the hub.", file=out)
        return 0
    finally:
        keeper.close()


def _identity(path: Path) -> PublicIdentity:
    from pcso_desk.sync.identity import PublicIdentity

    try:
        data = Path(path).read_bytes()[: 64 * 1024]
    except OSError as exc:
        raise PcsoDeskError(f"The identity file {path} could not be read.") from exc
    return PublicIdentity.from_json(data)
