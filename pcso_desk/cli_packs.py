"""Command line for crime figures and monthly packs: `import crimes` and `monthly-pack`.

cli.py calls `add_import_crimes(kinds)` under its `import` command, `add_parsers(commands)`
for `monthly-pack`, and dispatches to `run_import_crimes` (when args.kind == "crimes") and
`run_monthly_pack`; both return the exit code.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from pcso_desk.domain.errors import NotFoundError, ValidationError

if TYPE_CHECKING:
    from pcso_desk.services.api import Services

OpenServices = Callable[[bool], "Services"]


def add_import_crimes(kinds: Any) -> None:
    """`import crimes FILE.csv` under the existing `import` command."""
    crimes = kinds.add_parser(
        "crimes", help="street-level crime rows from a data.police.uk CSV file"
    )
    crimes.add_argument(
        "file", type=Path, metavar="FILE.csv", help="a street-level crime CSV as downloaded"
    )


def add_parsers(commands: Any) -> None:
    """`monthly-pack` with exactly one of --neighbourhood, --ward, --council, --district."""
    pack = commands.add_parser(
        "monthly-pack",
        help="the monthly update pack (PDF, CSV, XLSX in one zip) for an area and month",
    )
    area = pack.add_mutually_exclusive_group(required=True)
    area.add_argument("--neighbourhood", metavar="NAME", help="a neighbourhood's name")
    area.add_argument("--ward", metavar="NAME", help="a ward's name")
    area.add_argument("--council", metavar="NAME", help="a parish or town council's area")
    area.add_argument(
        "--district",
        metavar="NAME",
        help="a pack for every neighbourhood of the district; --out is a folder (made if need be)",
    )
    pack.add_argument("--month", metavar="YYYY-MM", help="default: the last complete month")
    pack.add_argument(
        "--internal",
        action="store_true",
        help="exact figures, marked OFFICIAL-SENSITIVE (for the sergeant)",
    )
    pack.add_argument(
        "--out",
        type=Path,
        required=True,
        metavar="FILE.zip|DIR",
        help="the zip file to write (a folder, with --district)",
    )


def run_import_crimes(args: argparse.Namespace, open_services: OpenServices, out: TextIO) -> int:
    from pcso_desk.services.crimes import import_crimes

    report = import_crimes(open_services(False).ctx, args.file)
    print(report.summary(), file=out)
    for line in report.rejects:
        print(line, file=out)
    return 0


def run_monthly_pack(
    args: argparse.Namespace,
    open_services: OpenServices,
    out: TextIO,
    today: date | None = None,
) -> int:
    from pcso_desk.services import packs

    month = _month(args.month, today or date.today())
    ctx = open_services(False).ctx
    if args.district:
        return _district(ctx, args, month, out)
    kind, name = next(
        (k, getattr(args, k)) for k in ("neighbourhood", "ward", "council") if getattr(args, k)
    )
    _known_area(ctx, kind, name)
    target = packs.build_pack(ctx, kind, name, month, args.out, internal=args.internal)
    print(f"Wrote the {month} pack for {name} to {target}.", file=out)
    return 0


def _month(typed: str | None, today: date) -> str:
    """The month asked for (refused if it has not begun), or the last complete month."""
    from pcso_desk.services.monthly import last_complete_month, parse_month

    if not typed:
        return last_complete_month(today)
    month = parse_month(typed)
    if month > today.strftime("%Y-%m"):
        raise ValidationError(
            f"{month} has not begun yet; give this month or an earlier one.", field="month"
        )
    return month


def _known_area(ctx: Any, kind: str, name: str) -> None:
    """Refuse an unknown area name in one sentence that offers the close ones."""
    from pcso_desk.services.monthly import area_names
    from pcso_desk.services.names import no_such

    names = area_names(ctx, kind)
    if name.strip().lower() not in {n.lower() for n in names}:  # as monthly.find_area looks
        raise NotFoundError(no_such(f"{kind} called", name, names))


def _district(ctx: Any, args: argparse.Namespace, month: str, out: TextIO) -> int:
    """A pack per neighbourhood into the --out folder, made once the district is known."""
    from pcso_desk.cli_common import check_folder
    from pcso_desk.domain.permissions import Action
    from pcso_desk.services import packs

    def progress(done: int, total: int, name: str) -> None:
        if name:
            print(f"[{done + 1}/{total}] {name}", file=out, flush=True)

    _known_area(ctx, "district", args.district)
    ctx.require(Action.EXPORT, "monthly_pack")  # before the folder is made
    check_folder(args.out)
    args.out.mkdir(exist_ok=True)
    written = packs.build_district(
        ctx, args.district, month, args.out, internal=args.internal, progress=progress
    )
    count = "1 pack" if len(written) == 1 else f"{len(written)} packs"
    print(f"Wrote {count} for {month} to {args.out}.", file=out)
    return 0
