"""`pcso-desk meetings`: the team's meetings soonest first, with the id `meeting-pack` takes."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any, TextIO

from pcso_desk.cli.common import print_table
from pcso_desk.domain.errors import ValidationError

if TYPE_CHECKING:
    from pcso_desk.services.api import Services
    from pcso_desk.services.values import MeetingLine

OpenServices = Callable[[bool], "Services"]


def add_parsers(commands: Any) -> None:
    meetings = commands.add_parser(
        "meetings", help="list meetings soonest first, with the ID that meeting-pack takes"
    )
    where = meetings.add_mutually_exclusive_group()
    where.add_argument("--ward", metavar="NAME", help="only this ward's meetings (name or code)")
    where.add_argument(
        "--neighbourhood", metavar="NAME", help="only this neighbourhood's meetings (name or code)"
    )
    meetings.add_argument(
        "--from", dest="start", metavar="YYYY-MM-DD", help="from this date on (default: today)"
    )
    meetings.add_argument(
        "--to", dest="end", metavar="YYYY-MM-DD", help="up to and including this date"
    )


def run(
    args: argparse.Namespace, open_services: OpenServices, out: TextIO, today: date | None = None
) -> int:
    start = _day(args.start, "--from") if args.start else today or date.today()
    end = _day(args.end, "--to") if args.end else None
    found = open_services(False).meeting_list(
        ward=args.ward, neighbourhood=args.neighbourhood, start=start, end=end
    )
    if not found:
        print(f"No meetings from {start}{f' to {end}' if end else ''}.", file=out)
        return 0
    rows = [("DATE", "TIME", "WHAT", "WHERE", "ID")] + [_row(line) for line in found]
    print_table(rows, out)
    return 0


def _row(line: MeetingLine) -> tuple[str, str, str, str, str]:
    status = "" if line.status == "planned" else f" ({line.status})"
    what = f"{line.kind}: {line.title}{status}"
    return f"{line.starts:%a %d %b %Y}", f"{line.starts:%H:%M}", what, line.place, line.id


def _day(text: str, option: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValidationError(
            f"'{text}' is not a date for {option}; give it as YYYY-MM-DD.", option
        ) from None
