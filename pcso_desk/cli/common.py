"""What every `pcso-desk` command shares: --user and --data-dir anywhere, output paths, tables."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from pcso_desk.domain.errors import ValidationError

OUTPUT_OPTIONS = ("out", "rejects")
USER_HELP = "sign in as NAME (password from $PCSO_DESK_PASSWORD or a prompt); needed once the "
USER_HELP += "store has user accounts, and always checked when given"
DATA_DIR_HELP = "folder that holds the store, backups, keys and logs "
DATA_DIR_HELP += "(default: $PCSO_DESK_DATA_DIR or the local app-data folder)"


def add_everywhere(parser: argparse.ArgumentParser) -> None:
    """Let --user and --data-dir follow the command as well as come before it. A value given
    before the command stays unless the command's own is given (default=SUPPRESS)."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                _add_common(sub)
                add_everywhere(sub)


def _add_common(parser: argparse.ArgumentParser) -> None:
    hidden = argparse.SUPPRESS
    parser.add_argument("--data-dir", metavar="DIR", default=hidden, help=DATA_DIR_HELP)
    parser.add_argument("--user", metavar="NAME", default=hidden, help=USER_HELP)


def check_outputs(args: argparse.Namespace, folder: bool = False) -> None:
    """Refuse, in one sentence and before anything is read or written, an --out or --rejects
    that cannot be written: a folder where a file is meant, a folder that does not exist."""
    for option in OUTPUT_OPTIONS:
        target = getattr(args, option, None)
        if target is None:
            continue
        if folder and option == "out":
            check_folder(Path(target))
        else:
            check_file(Path(target), option)


def check_file(target: Path, option: str = "out") -> None:
    if target.is_dir():
        raise ValidationError(
            f"'{target}' is a folder; give --{option} a file name, such as {target / 'name'}.",
            option,
        )
    if not target.parent.is_dir():
        raise ValidationError(
            f"The folder '{target.parent}' does not exist; create it first or give --{option} "
            "another place.",
            option,
        )


def check_folder(target: Path) -> None:
    if target.exists() and not target.is_dir():
        raise ValidationError(f"'{target}' is a file; give --out a folder.", "out")
    if not target.parent.is_dir():
        raise ValidationError(
            f"The folder '{target.parent}' does not exist; create it first or give --out "
            "another place.",
            "out",
        )


def print_table(rows: Sequence[Sequence[str]], out: TextIO) -> None:
    """Rows in columns two spaces apart; the last column runs on as it is."""
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]) - 1)]
    for row in rows:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        print("  ".join([*cells, row[-1]]).rstrip(), file=out)
