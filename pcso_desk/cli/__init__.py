"""The `pcso-desk` command line: argparse over the services; each command in a few lines."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from pcso_desk.cli import accounts as cli_accounts
from pcso_desk.cli import backup as cli_backup
from pcso_desk.cli import common as cli_common
from pcso_desk.cli import documents as cli_documents
from pcso_desk.cli import feeds as cli_feeds
from pcso_desk.cli import history as cli_history
from pcso_desk.cli import hub as cli_hub
from pcso_desk.cli import maps as cli_maps
from pcso_desk.cli import meetings as cli_meetings
from pcso_desk.cli import packs as cli_packs
from pcso_desk.cli import scorecard as cli_scorecard
from pcso_desk.cli import sync as cli_sync
from pcso_desk.domain.errors import PcsoDeskError, ValidationError

if TYPE_CHECKING:
    from pcso_desk.services.api import Services

OpenServices = Callable[[bool], "Services"]
EXPORT_TABLES = (
    "contacts", "engagements", "meetings", "priorities", "kin-members", "intelligence-reports",
)  # fmt: skip
CONTACT_COLUMNS = "(the columns of a contacts file)"  # the help shows them in its place


class _Version(argparse.Action):
    """--version, reading the installed version only when asked (it costs every start)."""

    def __call__(self, parser: argparse.ArgumentParser, *_args: object, **_kw: object) -> None:
        from pcso_desk import __version__

        print(f"pcso-desk {__version__}")
        parser.exit()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pcso-desk",
        description="PCSO Desk: the desk-side system of a Safer Neighbourhood Team. "
        "With no command it opens the desktop app.",
    )
    parser.add_argument("--version", action=_Version, nargs=0, help="show the version and exit")
    parser.add_argument("--data-dir", metavar="DIR", help=cli_common.DATA_DIR_HELP)
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="check this installation in a temporary store (no display needed) and exit",
    )
    parser.add_argument("--user", metavar="NAME", help=cli_common.USER_HELP)
    commands = parser.add_subparsers(
        dest="command", metavar="COMMAND", help="what to do (none: open the desktop app)"
    )
    init = commands.add_parser(
        "init", help="create an empty store, or finish one that has no administrator yet"
    )
    init.add_argument("--team", metavar="NAME", help="the neighbourhood team's name")
    demo = commands.add_parser(
        "demo",
        help="create a demo store of realistic synthetic data: in the 'demo' folder of the "
        "default data folder, apart from real work, or in --data-dir DIR if it holds no data",
    )
    demo.add_argument(
        "--seed", type=int, default=1, metavar="N",
        help="the same seed (and day) builds the same people and places (default: 1)",
    )  # fmt: skip
    demo.add_argument(
        "--scale", choices=("small", "county"), default="small",
        help="small: one district, a few seconds; county: 100,000 contacts, a few minutes",
    )  # fmt: skip
    commands.add_parser("check", help="integrity check and schema version")
    cli_hub.add_parser(commands)
    _add_import(commands)
    _add_export(commands)
    cli_meetings.add_parsers(commands)
    cli_history.add_parsers(commands)
    cli_documents.add_parsers(commands)
    cli_feeds.add_calendar_parser(commands)
    cli_packs.add_parsers(commands)
    cli_scorecard.add_parsers(commands)
    cli_sync.add_parsers(commands)
    cli_backup.add_parsers(commands)
    cli_accounts.add_parsers(commands)
    cli_accounts.add_recover_parser(commands)
    cli_common.add_everywhere(parser)
    return parser


def _add_export(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    export = commands.add_parser("export", help="export a table as CSV or XLSX")
    tables = EXPORT_TABLES + cli_feeds.TABLES
    export.add_argument(
        "table", choices=tables, metavar="TABLE", help="one of: " + ", ".join(tables)
    )
    export.add_argument(
        "--format",
        choices=("csv", "xlsx", *cli_feeds.FORMATS),
        required=True,
        help="csv or xlsx (Excel); police-uk (priorities) and json (team) for the website",
    )
    export.add_argument(
        "--out", type=Path, required=True, metavar="FILE", help="the file to write (.csv or .xlsx)"
    )
    export.add_argument(
        "--everyone",
        action="store_true",
        help="contacts and kin-members: keep people who must not be contacted (left off "
        "otherwise), marked in a 'Do not contact' column",
    )
    cli_feeds.add_export_options(export)


def _add_import(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    importer = commands.add_parser(
        "import", help="import contacts, crime data, the ONS LSOA lookup or boundaries"
    )
    kinds = importer.add_subparsers(
        dest="kind", metavar="KIND", required=True, help="what the file holds"
    )
    contacts = kinds.add_parser(
        "contacts",
        help="contacts from a CSV file (Excel or UTF-8)",
        epilog=CONTACT_COLUMNS,
        formatter_class=_ContactColumnsHelp,
    )
    contacts.add_argument("file", type=Path, metavar="FILE.csv", help="the contacts CSV file")
    contacts.add_argument(
        "--dry-run", action="store_true", help="report what would happen and write nothing"
    )
    contacts.add_argument(
        "--rejects",
        type=Path,
        metavar="OUT.csv",
        help="write the rejected rows, with a reason column, to this file",
    )
    cli_packs.add_import_crimes(kinds)
    cli_maps.add_imports(kinds)


class _ContactColumnsHelp(argparse.RawDescriptionHelpFormatter):
    """Lists the columns only when the help is shown: the table comes with the services,
    which take a moment to load, and no other command needs them before it runs."""

    def add_text(self, text: str | None) -> None:
        super().add_text(_contact_columns() if text == CONTACT_COLUMNS else text)


def _contact_columns() -> str:
    """The columns `import contacts` understands, from the table the import itself reads."""
    import textwrap

    from pcso_desk.services.values import SYNONYMS

    intro = (
        "columns it understands (case, spaces and punctuation do not matter; each row needs "
        "a name, or a first name and last name):"
    )
    lines = textwrap.wrap(intro, 78)
    for field, spellings in SYNONYMS.items():
        text = f"{field.replace('_', ' ')}: {', '.join(spellings)}"
        lines += textwrap.wrap(text, 76, initial_indent="  ", subsequent_indent="      ")
    return "\n".join(lines)


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    return build_parser().parse_args(argv)


def run(args: argparse.Namespace, open_services: OpenServices, out: TextIO | None = None) -> int:
    """Run one command; returns the exit code. Domain errors are the caller's to report."""
    cli_common.check_outputs(args, folder=args.command == "monthly-pack" and bool(args.district))
    _check_user_first(args, open_services)
    if args.command == "accounts":
        return cli_accounts.run(args, open_services, out or sys.stdout)
    if args.command == "hub":
        return cli_hub.run(args, out or sys.stdout)
    if args.command == "recover":
        return cli_accounts.run_recover(args, out or sys.stdout)
    if args.command == "history":
        return cli_history.run(args, open_services, out or sys.stdout)
    if args.command == "meetings":
        return cli_meetings.run(args, open_services, out or sys.stdout)
    if args.command in cli_documents.COMMANDS:
        return cli_documents.run(args, open_services, out or sys.stdout)
    if args.command == "calendar":
        return cli_feeds.run_calendar(args, open_services, out or sys.stdout)
    if args.command == "export" and cli_feeds.is_feed(args):
        return cli_feeds.run_export(args, open_services, out or sys.stdout)
    if args.command == "sync":
        return cli_sync.run(args, open_services, out or sys.stdout)
    if args.command in cli_backup.COMMANDS:
        return cli_backup.run(args, open_services, out or sys.stdout)
    if args.command == "monthly-pack":
        return cli_packs.run_monthly_pack(args, open_services, out or sys.stdout)
    if args.command == cli_scorecard.COMMAND:
        return cli_scorecard.run(args, open_services, out or sys.stdout)
    if args.command == "import" and args.kind == "crimes":
        return cli_packs.run_import_crimes(args, open_services, out or sys.stdout)
    if args.command == "import" and args.kind in cli_maps.KINDS:
        return cli_maps.run(args, open_services, out or sys.stdout)
    handler = {
        "init": _init,
        "demo": _demo,
        "check": _check,
        "import": _import,
        "export": _export,
    }[args.command]
    return handler(args, open_services, out or sys.stdout)


def _check_user_first(args: argparse.Namespace, open_services: OpenServices) -> None:
    """A --user given to a command that can run without a store is checked all the same."""
    from pcso_desk.paths import DataPaths

    if not args.user or args.command not in ("init", "demo", "restore"):
        return
    store = DataPaths.resolve(args.data_dir).store
    if not store.exists():
        raise PcsoDeskError(
            f"There is no store at {store} yet, so --user {args.user} cannot be checked; "
            "leave it out."
        )
    if args.command == "demo":
        open_services(False)  # signs in as --user: the demo itself asks no one to sign in


def _init(args: argparse.Namespace, open_services: OpenServices, out: TextIO) -> int:
    from pcso_desk.cli import init as cli_init

    return cli_init.run(args, open_services, out)


def _demo(args: argparse.Namespace, _open_services: OpenServices, out: TextIO) -> int:
    """Build the demo in its own folder (the default one's demo folder, or the one named)."""
    from pcso_desk.paths import DataPaths
    from pcso_desk.services.api import make_demo_folder

    def progress(message: str) -> None:
        print(message, file=out, flush=True)

    paths = DataPaths.for_demo(args.data_dir)
    made = make_demo_folder(paths, seed=args.seed, scale=args.scale, progress=progress)
    if made.summary is not None:
        print(made.summary.line(), file=out)
    print(made.accounts_line(), file=out)
    print(f"The demo store is in {made.root}, apart from real work.", file=out)
    print(f"Open it with: {made.open_command()}", file=out)
    return 0


def _check(args: argparse.Namespace, open_services: OpenServices, out: TextIO) -> int:
    from pcso_desk.services.values import DamagedStoreError, damaged_report

    try:
        report = open_services(False).check()
    except DamagedStoreError as exc:  # found before anything was written to it
        report = damaged_report(exc)
    for line in report.lines():
        print(line, file=out)
    return 0 if report.ok else 1


def _import(args: argparse.Namespace, open_services: OpenServices, out: TextIO) -> int:
    report = open_services(False).import_contacts(
        args.file, dry_run=args.dry_run, rejects=args.rejects
    )
    print(report.summary(), file=out)
    return 0


def _export(args: argparse.Namespace, open_services: OpenServices, out: TextIO) -> int:
    if args.out.suffix.lower() != f".{args.format}":
        raise ValidationError(
            f"'{args.out.name}' does not suit --format {args.format}; give a file name ending "
            f"in .{args.format}.",
            "out",
        )
    done = open_services(False).export_table(
        args.table, args.format, args.out, everyone=args.everyone
    )
    print(f"Exported {done.rows:,} {args.table} to {args.out}.", file=out)
    if done.left_off:
        people = "1 person" if done.left_off == 1 else f"{done.left_off:,} people"
        print(
            f"Left off {people} who must not be contacted (consent withdrawn or not "
            "recorded); --everyone keeps them in, marked.",
            file=out,
        )
    return 0
