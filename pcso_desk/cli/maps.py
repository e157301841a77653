"""Command line for the crime map's reference data: `import lsoa-map` and `import boundaries`.

The command line (cli/__init__.py) calls `add_imports(kinds)` under its `import` command and
dispatches to `run` when args.kind is one of `KINDS`; it returns the exit code.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from pcso_desk.services.api import Services

OpenServices = Callable[[bool], "Services"]
KINDS = ("lsoa-map", "boundaries")


def add_imports(kinds: Any) -> None:
    """`import lsoa-map FILE.csv` and `import boundaries FILE` under `import`."""
    lookup = kinds.add_parser(
        "lsoa-map",
        help="the ONS LSOA to ward lookup CSV (LSOA21CD, WD23CD, ...): maps crimes to wards",
    )
    lookup.add_argument(
        "file", type=Path, metavar="FILE.csv", help="the lookup as downloaded from the ONS"
    )
    shapes = kinds.add_parser(
        "boundaries",
        help="ONS ward or LSOA boundaries for the crime map (GeoJSON, .shp or its .zip)",
    )
    shapes.add_argument(
        "file",
        type=Path,
        metavar="FILE",
        help="a .geojson file in WGS 84, a .shp beside its .dbf, or the .zip the ONS offers",
    )


def run(args: argparse.Namespace, open_services: OpenServices, out: TextIO) -> int:
    packs = open_services(False).packs
    if args.kind == "lsoa-map":
        lookup = packs.import_lsoa_map(args.file)
        print(lookup.summary(), file=out)
        for line in lookup.rejects:
            print(line, file=out)
        return 0
    shapes = packs.import_boundaries(args.file)
    print(shapes.summary(), file=out)
    return 0
