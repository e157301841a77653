"""`pcso-desk sync ...`: station identity and trusted peers (bundles and hub are still to come)."""

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
    actions = sync.add_subparsers(dest="sync_command", metavar="ACTION", required=True)
    identity = actions.add_parser("identity", help="write this station's public identity")
    identity.add_argument("--out", type=Path, required=True, metavar="FILE")
    trust = actions.add_parser("trust", help="register a peer station from its identity file")
    trust.add_argument("file", type=Path, metavar="FILE")
    trust.add_argument(
        "--yes", action="store_true", help="do not ask to confirm the fingerprint (for scripts)"
    )
    actions.add_parser("status", help="this station and the stations it trusts")


def run(
    args: argparse.Namespace,
    open_services: OpenServices,
    out: TextIO,
    confirm: Callable[[str], bool] | None = None,
) -> int:
    from pcso_desk.services import syncing

    ctx = open_services(False).ctx
    if args.sync_command == "identity":
        public = syncing.write_identity(ctx, args.out)
        print(f"Wrote the identity of {public.name} ({public.station_id}) to {args.out}.", file=out)
        print(f"Fingerprint: {public.fingerprint}", file=out)
        return 0
    if args.sync_command == "trust":
        public = syncing.read_identity(args.file)
        print(f"Station {public.name} of team {public.team}", file=out)
        print(f"Fingerprint: {public.fingerprint}", file=out)
        ask = confirm or _ask_on_terminal
        if not args.yes and not ask("Does the other station show the same fingerprint?"):
            raise PcsoDeskError("The station was not trusted: the fingerprint was not confirmed.")
        syncing.trust_peer(ctx, public)
        print(f"Trusted {public.name} ({public.station_id}).", file=out)
        return 0
    me = syncing.ensure_identity(ctx).public()
    print(f"This station: {me.name} ({me.station_id}), team {me.team}", file=out)
    print(f"Fingerprint: {me.fingerprint}", file=out)
    peers = syncing.trusted_peers(ctx)
    print(f"Trusted stations: {len(peers)}", file=out)
    for peer in peers:
        print(f"  {peer.name} ({peer.station_id}) {peer.fingerprint}", file=out)
    return 0


def _ask_on_terminal(question: str) -> bool:
    if not sys.stdin.isatty():
        raise PcsoDeskError(
            "Compare the fingerprint with the other station, then run again with --yes."
        )
    return input(f"{question} [y/N] ").strip().lower() in {"y", "yes"}
