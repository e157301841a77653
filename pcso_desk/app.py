"""Composition root: paths -> store -> services -> the desktop app or the command line."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from pathlib import Path
from typing import TYPE_CHECKING

from pcso_desk.crash_log import configure_logging
from pcso_desk.paths import DataPaths
from pcso_desk.services.api import Services

if TYPE_CHECKING:
    from pcso_desk.store.session import Store

log = logging.getLogger("pcso_desk")
BUNDLE_SUFFIX = ".pcsosync"  # what the Sync screen names the sync bundles it makes


def build_services(
    paths: DataPaths,
    create: bool = True,
    background: bool = False,
    begun: Future[None] | None = None,
) -> Services:
    """Open (creating and migrating as needed) the store under `paths` and wrap it in Services.

    An existing store then gets its daily care (services/protection/care.py). With `background` (the
    desktop app) the integrity check and that care run on threads while the app starts, so a
    county-sized store does not hold up the sign-in form; the store takes no write before the
    check has passed (store/session.py). `begun` is a check `begin_check` already started.
    """
    from pcso_desk.services.context import Context
    from pcso_desk.services.protection.care import DailyCare
    from pcso_desk.store.session import open_store

    if create:
        paths.ensure()
    existed = paths.store.exists()
    store = open_store(
        paths.store, paths.backups, create=create, check_later=background, begun=begun
    )
    services = Services(Context.open(store))
    if existed:
        DailyCare(services.ctx, paths.logs).start(background)
    return services


def _log_crash(paths: DataPaths, exc: BaseException) -> str:
    from pcso_desk.services.protection.care import log_crash

    return log_crash(paths.logs, exc)


def _open_or_recover(open_services: Callable[[bool], Services], paths: DataPaths) -> Services:
    """The app's store; a damaged one is offered its newest good backup (it asks first)."""
    from pcso_desk.services.protection.backups import DamagedStoreError

    try:
        return open_services(True)
    except DamagedStoreError as exc:
        from pcso_desk.gui.recovery import offer_restore

        if not offer_restore(exc, paths):
            raise
    return open_services(True)


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


def main(argv: Sequence[str] | None = None) -> int:
    from pcso_desk import cli
    from pcso_desk.domain.errors import PcsoDeskError

    arguments = list(sys.argv[1:] if argv is None else argv)
    bundle = _bundle_argument(arguments)
    args = cli.parse([] if bundle else arguments)  # usage errors exit 2 here
    if args.self_test:
        from pcso_desk.selftest import run_self_test

        return run_self_test()
    paths = DataPaths.resolve(args.data_dir)
    paths.prepare(args)  # POSIX umask 077 and private modes, leftovers swept (private.py)
    configure_logging(paths.logs)
    services: list[Services] = []
    early: list[Future[None]] = []  # the integrity check begun before the app's code loaded

    def open_services(create: bool) -> Services:
        begun = early.pop() if early else None  # once: a restored store is checked anew
        services.append(build_services(paths, create, args.command is None, begun))
        if args.command is not None:
            from pcso_desk.cli.accounts import sign_in

            sign_in(services[-1], args)
        return services[-1]

    try:
        if args.command is None:
            from pcso_desk.store.backup import begin_check

            early.extend(filter(None, [begin_check(paths.store, paths.backups)]))
            from pcso_desk.gui import run_app

            return run_app(lambda: _open_or_recover(open_services, paths), paths, bundle)
        return cli.run(args, open_services)
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
        for opened in services:
            _close(opened.ctx.store)
