"""The document commands of `pcso-desk`: street briefings and meeting packs as PDF files."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from pcso_desk.services.api import Services

OpenServices = Callable[[bool], "Services"]
COMMANDS = ("briefing", "meeting-pack")


def add_parsers(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `briefing` and `meeting-pack` to the command line."""
    briefing = commands.add_parser("briefing", help="the public street briefing handout as PDF")
    where = briefing.add_mutually_exclusive_group(required=True)
    where.add_argument("--ward", metavar="NAME_OR_CODE", help="a ward's name or code")
    where.add_argument(
        "--neighbourhood", metavar="NAME_OR_CODE", help="a neighbourhood's name or code"
    )
    briefing.add_argument("--large-print", action="store_true", help="the large-print variant")
    briefing.add_argument(
        "--out", type=Path, required=True, metavar="FILE.pdf", help="the PDF file to write"
    )
    pack = commands.add_parser("meeting-pack", help="a meeting's agenda and sign-in sheet as PDF")
    pack.add_argument(
        "--meeting", required=True, metavar="ID", help="the meeting's id (see: pcso-desk meetings)"
    )
    pack.add_argument(
        "--out", type=Path, required=True, metavar="FILE.pdf", help="the PDF file to write"
    )


def run(args: argparse.Namespace, open_services: OpenServices, out: TextIO) -> int:
    """Write the document (audited as a print, with the file's size and SHA-256); domain
    errors (an unknown ward) raise for the app to report."""
    documents = open_services(False).documents
    if args.command == "briefing":
        kind = "ward" if args.ward else "neighbourhood"
        area = documents.find_area(kind, args.ward or args.neighbourhood)
        documents.save_handout(area, date.today(), args.out, large_print=args.large_print)
        label = f"street briefing for {area.name}"
    else:
        documents.save_meeting_pack(args.meeting, args.out)
        label = "meeting pack"
    print(f"Wrote the {label} to {args.out}.", file=out)
    return 0
