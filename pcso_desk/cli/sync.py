"""`pcso-desk sync ...`: station identity, trusted peers, bundles, the hub, the status."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from pcso_desk.domain.errors import PcsoDeskError

if TYPE_CHECKING:
    from pcso_desk.services.api import Services

OpenServices = Callable[[bool], "Services"]


def add_parsers(commands: Any) -> None:
    sync = commands.add_parser("sync", help="keep the team's station PCs in step")
    actions = sync.add_subparsers(
        dest="sync_command", metavar="ACTION", required=True, help="what to do"
    )
    identity = actions.add_parser("identity", help="write this station's public identity")
    identity.add_argument(
        "--out", type=Path, required=True, metavar="FILE", help="the identity file to write"
    )
    trust = actions.add_parser("trust", help="register a peer station from its identity file")
    trust.add_argument("file", type=Path, metavar="FILE", help="the peer's identity file")
    trust.add_argument(
        "--yes", action="store_true", help="do not ask to confirm the fingerprint (for scripts)"
    )
    actions.add_parser("status", help="this station, its peers, hubs and open conflicts")
    export = actions.add_parser("export", help="write a bundle of changes for the team")
    export.add_argument(
        "--out", type=Path, required=True, metavar="FILE", help="the bundle file to write"
    )
    export.add_argument(
        "--full", action="store_true", help="every record, not just what peers have not confirmed"
    )
    imported = actions.add_parser("import", help="merge a bundle from a trusted station")
    imported.add_argument("file", type=Path, metavar="FILE", help="the bundle file to read")
    hub = actions.add_parser("hub", help="two-way sync with the hub this station joined")
    hub.add_argument(
        "url", nargs="?", metavar="URL",
        help="another address for this once (a station's own access, never the owner's)",
    )  # fmt: skip
    join = actions.add_parser("join-hub", help="keep the hub access file made for this station")
    join.add_argument("file", type=Path, metavar="FILE", help="from pcso-desk hub add-station")


def run(
    args: argparse.Namespace,
    open_services: OpenServices,
    out: TextIO,
    confirm: Callable[[str], bool] | None = None,
) -> int:
    services = open_services(False)
    if args.sync_command == "identity":
        public = services.sync.write_identity(args.out)
        print(f"Wrote the identity of {public.name} ({public.station_id}) to {args.out}.", file=out)
        print(f"Fingerprint: {public.fingerprint}", file=out)
        return 0
    if args.sync_command == "trust":
        public = services.sync.read_identity(args.file)
        print(f"Station {public.name} of team {public.team}", file=out)
        print(f"Fingerprint: {public.fingerprint}", file=out)
        ask = confirm or _ask_on_terminal
        if not args.yes and not ask("Does the other station show the same fingerprint?"):
            raise PcsoDeskError("The station was not trusted: the fingerprint was not confirmed.")
        services.sync.trust(public)  # the surface: it checks who may register a station
        print(f"Trusted {public.name} ({public.station_id}).", file=out)
        return 0
    if args.sync_command == "export":
        return _export(services, args, out)
    if args.sync_command == "import":
        return _import(services, args, out)
    if args.sync_command == "hub":
        return _hub(services, args, out)
    if args.sync_command == "join-hub":
        address = services.sync.join_hub(args.file)
        print(f"Joined the hub at {address}; sync with: pcso-desk sync hub", file=out)
        return 0
    return _status(services.sync.status(), out)


def _when(moment: Any) -> str:
    return "never" if moment is None else moment.strftime("%d %b %Y %H:%M UTC")


def _status(status: Any, out: TextIO) -> int:
    print(f"This station: {status.name} ({status.station_id}), team {status.team}", file=out)
    print(f"Fingerprint: {status.fingerprint}", file=out)
    print(f"Trusted stations: {len(status.peers)}", file=out)
    for peer in status.peers:
        print(f"  {peer.name} ({peer.station_id}) {peer.fingerprint}", file=out)
        print(
            f"    last bundle received {_when(peer.last_import_at)}, last bundle made "
            f"{_when(peer.last_export_at)}, has confirmed our changes up to "
            f"{_when(peer.confirmed_through)}",
            file=out,
        )
    for hub in status.hubs:
        print(f"Hub {hub.address}: last synced {_when(hub.last_sync_at)}", file=out)
    if status.hub_address and status.hub_address not in {hub.address for hub in status.hubs}:
        print(f"Hub {status.hub_address}: joined, not synced yet", file=out)
    print(
        f"Changes not yet confirmed by every trusted station: {status.unconfirmed_changes}",
        file=out,
    )
    print(f"Open conflicts: {status.open_conflicts}", file=out)
    from pcso_desk.services.values import set_aside_line

    for sender, reason, count in status.set_aside:
        print(set_aside_line(sender, reason, count), file=out)
    return 0


def _export(services: Services, args: argparse.Namespace, out: TextIO) -> int:
    result = services.sync.export_bundle(args.out, full=args.full)
    what = "every record" if result.full else "changes not yet confirmed"
    print(
        f"Wrote {result.changes} changes ({what}) to {result.path} for "
        f"{', '.join(result.recipients)}.",
        file=out,
    )
    return 0


def _import(services: Services, args: argparse.Namespace, out: TextIO) -> int:
    result = services.sync.import_bundle(args.file)
    if result.already_imported:
        print(f"This bundle from {result.sender} was imported before; nothing changed.", file=out)
        return 0
    print(
        f"Imported {result.received} changes from {result.sender}: {result.changed} applied, "
        f"{result.received - result.changed} already here.",
        file=out,
    )
    if result.new_conflicts:
        print(
            f"{result.new_conflicts} conflict(s) need a sergeant's decision (Sync screen).",
            file=out,
        )
    return 0


def _hub(services: Services, args: argparse.Namespace, out: TextIO) -> int:
    result = services.sync.hub(args.url)
    print(
        f"Synced with {result.address}: sent {result.pushed} changes, received "
        f"{result.pulled} ({result.changed} new here).",
        file=out,
    )
    if result.set_aside:
        print(
            f"{result.set_aside} change(s) received were set aside (see pcso-desk sync status).",
            file=out,
        )
    if result.new_conflicts:
        print(
            f"{result.new_conflicts} conflict(s) need a sergeant's decision (Sync screen).",
            file=out,
        )
    return 0


def _ask_on_terminal(question: str) -> bool:
    if not sys.stdin.isatty():
        raise PcsoDeskError(
            "Compare the fingerprint with the other station, then run again with --yes."
        )
    return input(f"{question} [y/N] ").strip().lower() in {"y", "yes"}
