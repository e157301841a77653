"""Command line for crime figures and monthly packs: `import crimes` and `monthly-pack`.

The command line (cli/__init__.py) calls `add_import_crimes(kinds)` under its `import`
command, `add_parsers(commands)` for `monthly-pack`, and dispatches to `run_import_crimes`
(when args.kind == "crimes") and `run_monthly_pack`; both return the exit code.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from pcso_desk.domain.errors import ValidationError
from pcso_desk.domain.months import month_of
from pcso_desk.domain.wording import counted

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
    report = open_services(False).packs.import_crimes(args.file)
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
    month = _month(args.month, today or date.today())
    services = open_services(False)
    if args.district:
        return _district(services, args, month, out)
    packs = services.packs
    kind, name = next(
        (k, getattr(args, k)) for k in ("neighbourhood", "ward", "council") if getattr(args, k)
    )
    packs.check_area(kind, name)
    target = packs.build_pack(kind, name, month, args.out, internal=args.internal)
    print(f"Wrote the {month} pack for {name} to {target}.", file=out)
    if not args.internal:
        _left_out(packs.left_out(kind, name, month), out)
    return 0


def _left_out(titles: list[str], out: TextIO) -> None:
    """The build summary names the priorities a public pack left out (no public wording)."""
    if titles:
        print(
            f"Left out, having no public wording ({len(titles)}): " + "; ".join(titles) + ".",
            file=out,
        )


def _month(typed: str | None, today: date) -> str:
    """The month asked for (refused if it has not begun), or the last complete month."""
    from pcso_desk.services.values import last_complete_month, parse_month

    if not typed:
        return last_complete_month(today)
    month = parse_month(typed)
    if month > month_of(today):
        raise ValidationError(
            f"{month} has not begun yet; give this month or an earlier one.", field="month"
        )
    return month


def _district(services: Services, args: argparse.Namespace, month: str, out: TextIO) -> int:
    """A pack per neighbourhood into the --out folder, made once the district is known (and
    by the use case, once the export right is checked)."""
    from pcso_desk.cli.common import check_folder

    def progress(done: int, total: int, name: str) -> None:
        if name:
            print(f"[{done + 1}/{total}] {name}", file=out, flush=True)

    packs = services.packs
    packs.check_area("district", args.district)
    check_folder(args.out)
    written = packs.build_district(
        args.district, month, args.out, internal=args.internal, progress=progress
    )
    count = counted(len(written), "pack")
    print(f"Wrote {count} for {month} to {args.out}.", file=out)
    if not args.internal:
        _left_out(packs.left_out("district", args.district, month), out)
    return 0
