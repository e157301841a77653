"""Command line for crime figures and monthly packs: `import crimes` and `monthly-pack`.

The lead's cli.py calls `add_import_crimes(kinds)` under its `import` command,
`add_parsers(commands)` for `monthly-pack`, and dispatches to `run_import_crimes` (when
args.kind == "crimes") and `run_monthly_pack`; both return the exit code.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from pcso_desk.services.api import Services

OpenServices = Callable[[bool], "Services"]


def add_import_crimes(kinds: Any) -> None:
    """`import crimes FILE.csv` under the existing `import` command."""
    crimes = kinds.add_parser(
        "crimes", help="street-level crime rows from a data.police.uk CSV file"
    )
    crimes.add_argument("file", type=Path, metavar="FILE.csv")


def add_parsers(commands: Any) -> None:
    """`monthly-pack` with exactly one of --neighbourhood, --ward, --council, --district."""
    pack = commands.add_parser(
        "monthly-pack",
        help="the monthly update pack (PDF, CSV, XLSX in one zip) for an area and month",
    )
    area = pack.add_mutually_exclusive_group(required=True)
    area.add_argument("--neighbourhood", metavar="NAME")
    area.add_argument("--ward", metavar="NAME")
    area.add_argument("--council", metavar="NAME", help="a parish or town council's area")
    area.add_argument("--district", metavar="NAME", help="every neighbourhood; --out is a folder")
    pack.add_argument("--month", metavar="YYYY-MM", help="default: the last complete month")
    pack.add_argument(
        "--internal",
        action="store_true",
        help="exact figures, marked OFFICIAL-SENSITIVE (for the sergeant)",
    )
    pack.add_argument("--out", type=Path, required=True, metavar="FILE.zip|DIR")


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
    from pcso_desk.services.monthly import last_complete_month, parse_month

    month = parse_month(args.month) if args.month else last_complete_month(today or date.today())
    ctx = open_services(False).ctx
    if args.district:

        def progress(done: int, total: int, name: str) -> None:
            if name:
                print(f"[{done + 1}/{total}] {name}", file=out, flush=True)

        written = packs.build_district(
            ctx, args.district, month, args.out, internal=args.internal, progress=progress
        )
        print(f"Wrote {len(written)} packs for {month} to {args.out}.", file=out)
        return 0
    kind, name = next(
        (k, getattr(args, k)) for k in ("neighbourhood", "ward", "council") if getattr(args, k)
    )
    target = packs.build_pack(ctx, kind, name, month, args.out, internal=args.internal)
    print(f"Wrote the {month} pack for {name} to {target}.", file=out)
    return 0
