"""`pcso-desk backup [--out FILE]` and `pcso-desk restore FILE`: copies of the store, recovery.

Once a store has accounts both need `--user`: `backup --out` takes personal data out of the
data folder, so it needs the export right; `restore` replaces every record, so it needs the
import right. A damaged store cannot be opened to check a role, so its restore needs no
role: a plain (older) store's needs no sign-in at all, and an encrypted store's needs only a
password that unwraps its key (the backup is checked with that key before it is put back).

A restore is audited in the restored store, as done by the signed-in user (no one, for a
damaged store), and keeps the audit entries made since the backup (services/protection/backups.py).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from pcso_desk.services.api import Services

OpenServices = Callable[[bool], "Services"]
COMMANDS = frozenset({"backup", "restore"})


def add_parsers(commands: Any) -> None:
    backup = commands.add_parser(
        "backup", help="back up the store now (into the backups folder, or to --out FILE)"
    )
    backup.add_argument("--out", type=Path, metavar="FILE", help="write the backup here instead")
    restore = commands.add_parser(
        "restore", help="put a backup in place of the store (the store is kept aside)"
    )
    restore.add_argument("file", type=Path, metavar="FILE", help="a backup file that verifies")


def run(args: argparse.Namespace, open_services: OpenServices, out: TextIO) -> int:
    if args.command == "backup":
        return _backup(args, open_services, out)
    return _restore(args, open_services, out)


def _backup(args: argparse.Namespace, open_services: OpenServices, out: TextIO) -> int:
    services = open_services(False)
    made = services.backup() if args.out is None else services.backup_to(args.out)
    print(f"Backed up the store to {made.path}; the backup verifies.", file=out)
    return 0


def _restore(args: argparse.Namespace, open_services: OpenServices, out: TextIO) -> int:
    from pcso_desk.cli.accounts import open_for_command
    from pcso_desk.paths import DataPaths
    from pcso_desk.services.api import Door, Stage, restore_backup
    from pcso_desk.services.values import DamagedStoreError

    paths = DataPaths.resolve(args.data_dir)
    door = Door(paths)
    actor = None
    if door.stage() is not Stage.NEW:
        try:
            services = open_for_command(door, args, False)
        except DamagedStoreError:
            pass  # a damaged store has no accounts to check: its key (if any) is enough
        else:
            actor = services.restorer()
            services.ctx.store.close()  # the file is about to be replaced
    result = restore_backup(paths, args.file, actor, door.key)
    print(result.line(), file=out)
    return 0
