"""`pcso-desk history KIND ID`: each field's values over time, the ones that lost included."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TextIO
from zoneinfo import ZoneInfo

from pcso_desk.cli.common import print_table

LONDON = ZoneInfo("Europe/London")

if TYPE_CHECKING:
    from pcso_desk.services.api import Services

OpenServices = Callable[[bool], "Services"]


def add_parsers(commands: Any) -> None:
    history = commands.add_parser(
        "history",
        help="a record's history: each field's values over time, with who, where and when",
    )
    history.add_argument(
        "kind", metavar="KIND", help="the kind of record: contacts, meetings, priorities, ..."
    )
    history.add_argument("id", metavar="ID", help="the record's id (as `meetings` lists them)")


def run(args: argparse.Namespace, open_services: OpenServices, out: TextIO) -> int:
    found = open_services(False).history(args.kind.strip().lower(), args.id.strip())
    print(f"History of the {found.record} ({found.record_id})", file=out)
    if not found.values:
        print("No field of it has had more than one value.", file=out)
        return 0
    rows = [("FIELD", "VALUE", "SET (UK TIME)", "BY", "")]
    for value in found.values:
        when = f"{value.when.astimezone(LONDON):%Y-%m-%d %H:%M}" if value.when else "-"
        rows.append((value.label, value.text, when, value.who, "now" if value.current else ""))
    print_table(rows, out)
    return 0
