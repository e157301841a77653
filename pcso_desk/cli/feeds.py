"""The website feeds on the command line: `calendar` (.ics of the area's public meetings),
`export priorities --format police-uk` and `export team --format json`."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from pcso_desk.domain.errors import ValidationError
from pcso_desk.domain.wording import counted

if TYPE_CHECKING:
    from pcso_desk.services.api import Services

OpenServices = Callable[[bool], "Services"]
TABLES = ("team",)  # export tables that exist only as a feed
FORMATS = ("police-uk", "json")
SUITS = {"police-uk": ("priorities", ".csv"), "json": ("team", ".json")}


def add_calendar_parser(commands: Any) -> None:
    calendar = commands.add_parser(
        "calendar", help="the area's public meetings of the next 90 days as an iCalendar file"
    )
    _add_area(calendar, required=True)
    calendar.add_argument(
        "--out", type=Path, required=True, metavar="FILE.ics", help="the .ics file to write"
    )


def add_export_options(export: argparse.ArgumentParser) -> None:
    """--ward/--neighbourhood for the feeds (police-uk, team): one area, else every one."""
    _add_area(export, required=False, note=" (police-uk and team only; default: all)")


def _add_area(parser: argparse.ArgumentParser, *, required: bool, note: str = "") -> None:
    where = parser.add_mutually_exclusive_group(required=required)
    where.add_argument("--ward", metavar="NAME", help=f"a ward's name or code{note}")
    where.add_argument(
        "--neighbourhood", metavar="NAME", help=f"a neighbourhood's name or code{note}"
    )


def _area(args: argparse.Namespace) -> tuple[str | None, str | None]:
    if getattr(args, "ward", None):
        return "ward", args.ward
    if getattr(args, "neighbourhood", None):
        return "neighbourhood", args.neighbourhood
    return None, None


def run_calendar(args: argparse.Namespace, open_services: OpenServices, out: TextIO) -> int:
    if args.out.suffix.lower() != ".ics":
        raise ValidationError(
            f"'{args.out.name}' is not an iCalendar file name; give one ending in .ics.", "out"
        )
    kind, name = _area(args)
    assert kind is not None and name is not None  # argparse requires one
    made = open_services(False).feeds.save_calendar(kind, name, args.out)
    print(f"Wrote {counted(made, 'public meeting')} to {args.out}.", file=out)
    return 0


def is_feed(args: argparse.Namespace) -> bool:
    return args.format in FORMATS or args.table in TABLES


def run_export(args: argparse.Namespace, open_services: OpenServices, out: TextIO) -> int:
    table, suffix = SUITS.get(args.format, ("", ""))
    if args.table != table:
        wanted = " or ".join(f"--format {f} for {t}" for f, (t, _s) in SUITS.items())
        raise ValidationError(f"{args.table} cannot be exported as {args.format}; {wanted}.")
    if args.out.suffix.lower() != suffix:
        raise ValidationError(
            f"'{args.out.name}' does not suit --format {args.format}; give a file name ending "
            f"in {suffix}.",
            "out",
        )
    kind, name = _area(args)
    feeds = open_services(False).feeds
    if args.format == "police-uk":
        made = feeds.save_police_uk_priorities(args.out, kind, name)
        print(f"Exported {counted(made, 'priority', 'priorities')} to {args.out}.", file=out)
    else:
        made = feeds.save_team(args.out, kind, name)
        print(f"Exported the team ({counted(made, 'officer')}) to {args.out}.", file=out)
    return 0
