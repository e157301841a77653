"""Composition root: paths -> store -> services -> the desktop app or the command line."""

from __future__ import annotations

import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from pcso_desk.crash_log import configure_logging
from pcso_desk.paths import DataPaths

if TYPE_CHECKING:
    from argparse import Namespace

    from pcso_desk.services.api import Services
    from pcso_desk.store.session import Store

# The desktop app paints its sign-in form before the data layer (SQLAlchemy, the models, the
# services) has loaded, and loads it while the user types (gui/__init__.py): so this module
# imports the services only where it uses them, and `pcso-desk [--data-dir DIR]`, the app's
# start, is told from a command without importing every command's module (`_app_start`).

log = logging.getLogger("pcso_desk")
BUNDLE_SUFFIX = ".pcsosync"  # what the Sync screen names the sync bundles it makes


def build_services(
    paths: DataPaths,
    create: bool = True,
    background: bool = False,
    key: bytes | None = None,
) -> Services:
    """Open (creating and migrating as needed) the store under `paths` with its data `key`
    (None: a plain store) and wrap it in Services, with no one signed in: for tools and
    tests that hold the key. The app and the commands go through a `Door`, which unwraps the
    key with a password (services/unlock.py).

    An existing store then gets its daily care (services/protection/care.py). With
    `background` the integrity check and that care run on threads; the store takes no write
    before the check has passed (store/session.py).
    """
    from pcso_desk.services.api import Services
    from pcso_desk.services.context import Context
    from pcso_desk.services.protection.care import DailyCare
    from pcso_desk.store.session import open_store

    if create:
        paths.ensure()
    existed = paths.store.exists()
    store = open_store(paths.store, paths.backups, create=create, check_later=background, key=key)
    services = Services(Context.open(store))
    if existed:
        DailyCare(services.ctx, paths.logs).start(background)
    return services


def _log_crash(paths: DataPaths, exc: BaseException) -> str:
    from pcso_desk.services.protection.care import log_crash

    return log_crash(paths.logs, exc)


def _tell_recovery_code(opened: list[Services]) -> None:
    """A store made (or encrypted) by this command: its recovery code, printed once."""
    for services in opened:
        code, services.recovery_code = services.recovery_code, None
        if code:
            print(
                f"Recovery code: {code}\nPrint it or write it down now and lock it away, "
                "apart from this PC: if every password is lost it is the only way into the "
                "store ('pcso-desk recover'), and it is not shown again."
            )


def _bundle_argument(arguments: list[str]) -> Path | None:
    """The sync bundle the app was opened with (a double-click on a .pcsosync file)."""
    if len(arguments) == 1 and arguments[0].lower().endswith(BUNDLE_SUFFIX):
        return Path(arguments[0]).absolute()
    return None


def _close(store: Store) -> None:
    """Close a store the command or the app opened, signing its audit head into the sidecar
    first (services/protection/audit_witness.py): entries written since the last export, sync
    or backup can then not be cut away unseen either. A store that cannot be witnessed
    (damaged, demo, being replaced by a restore) still closes."""
    from pcso_desk.services.protection.audit_witness import witness

    try:
        store.let_finish()  # the daily care's backup, before the head is signed
        if store.path.exists():
            witness(store, "close")
    finally:
        store.close()


def _app_start(arguments: list[str]) -> Namespace | None:
    """The arguments of the desktop app's start (none, or only `--data-dir DIR`) as the
    command line's parser would read them; None for anything else (the parser reads it)."""
    from argparse import Namespace

    data_dir = None
    if len(arguments) == 2 and arguments[0] == "--data-dir" and not arguments[1].startswith("-"):
        data_dir = arguments[1]
    elif len(arguments) == 1 and arguments[0].startswith("--data-dir="):
        data_dir = arguments[0].removeprefix("--data-dir=")
    elif arguments:
        return None
    return Namespace(version=None, data_dir=data_dir, self_test=False, user=None, command=None)


def main(argv: Sequence[str] | None = None) -> int:
    from pcso_desk.domain.errors import PcsoDeskError
    from pcso_desk.services.unlock import Door

    arguments = list(sys.argv[1:] if argv is None else argv)
    bundle = _bundle_argument(arguments)
    args = _app_start([] if bundle else arguments)
    if args is None:
        from pcso_desk import cli

        args = cli.parse(arguments)  # usage errors exit 2 here
    if args.self_test:
        from pcso_desk.selftest import run_self_test

        return run_self_test()
    paths = DataPaths.resolve(args.data_dir)
    paths.prepare(args)  # POSIX umask 077 and private modes, leftovers swept (private.py)
    configure_logging(paths.logs)
    services: list[Services] = []
    door = Door(paths, background=args.command is None)

    def open_services(create: bool) -> Services:
        from pcso_desk.cli.accounts import open_for_command

        services.append(open_for_command(door, args, create))
        return services[-1]

    try:
        if args.command is None:
            from pcso_desk.gui import run_app

            try:
                return run_app(door, paths, bundle)
            finally:
                if door.opened is not None:
                    services.append(door.opened)
        from pcso_desk import cli

        code = cli.run(args, open_services)
        _tell_recovery_code(services)
        return code
    except PcsoDeskError as exc:
        print(f"pcso-desk: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("pcso-desk: interrupted; nothing further was changed.", file=sys.stderr)
        return 1
    except Exception as exc:  # a bug: one sentence for the user, the traceback to the log
        where = _log_crash(paths, exc)
        print(
            f"pcso-desk: unexpected error ({type(exc).__name__}); details in {where}.",
            file=sys.stderr,
        )
        return 1
    finally:
        closed: list[Store] = []  # a sign-in may hand back a store already opened
        for opened in services:
            if all(store is not opened.ctx.store for store in closed):
                closed.append(opened.ctx.store)
                _close(opened.ctx.store)
