"""`pcso-desk scorecard`: the Policing Pledge scorecard of an area (or a district) and month."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from pcso_desk.services.api import Services

OpenServices = Callable[[bool], "Services"]
COMMAND = "scorecard"


def add_parsers(commands: Any) -> None:
    """`scorecard` with exactly one of --neighbourhood, --ward, --district."""
    card = commands.add_parser(
        COMMAND, help="each Policing Pledge item met, at risk or missed, with its figure"
    )
    area = card.add_mutually_exclusive_group(required=True)
    area.add_argument(
        "--neighbourhood", metavar="NAME_OR_CODE", help="a neighbourhood's name or code"
    )
    area.add_argument("--ward", metavar="NAME_OR_CODE", help="a ward's name or code")
    area.add_argument("--district", metavar="NAME", help="every neighbourhood of the district")
    card.add_argument("--month", metavar="YYYY-MM", help="default: this month (still open)")


def run(args: argparse.Namespace, open_services: OpenServices, out: TextIO) -> int:
    cards = open_services(False).scorecards
    month = args.month or None  # a month not yet begun is refused in one sentence
    if args.district:
        lines = cards.district(args.district, month).lines()
    else:
        kind = "ward" if args.ward else "neighbourhood"
        lines = cards.area(kind, args.ward or args.neighbourhood, month).lines()
    for line in lines:
        print(line, file=out)
    return 0
