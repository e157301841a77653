"""Composition root: paths -> store -> services -> the desktop app or the command line."""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from pcso_desk.paths import DataPaths
from pcso_desk.services.api import Services

if TYPE_CHECKING:
    from pcso_desk.store.session import Store

log = logging.getLogger("pcso_desk")
BUNDLE_SUFFIX = ".pcsosync"  # what the Sync screen names the sync bundles it makes


def build_services(paths: DataPaths, create: bool = True, background: bool = False) -> Services:
    """Open (creating and migrating as needed) the store under `paths` and wrap it in Services.

    An existing store then gets its daily care: today's automatic backup (of a store that
    passed its integrity check) and the removal of notes past their retention time. With
    `background` (the desktop app) the integrity check and that care run on a thread while
    the app starts, so a county-sized store does not hold up the sign-in form; the store
    takes no write before the check has passed (store/session.py).
    """
    from pcso_desk.services.context import Context
    from pcso_desk.store.session import open_store

    if create:
        paths.ensure()
    existed = paths.store.exists()
    store = open_store(paths.store, paths.backups, create=create, check_later=background)
    services = Services(Context.open(store))
    if not existed:
        return services
    if background:
        care = threading.Thread(
            target=_daily_care, args=(services, paths), name="daily-care", daemon=True
        )
        _CARE.append(care)
        care.start()
    else:
        _daily_care(services, paths)
    return services


_CARE: list[threading.Thread] = []  # daily care still running on its thread (background)


def _finish_daily_care() -> None:
    """Let a backup under way finish before the store closes (a cut-off one would leave a
    large '.part' file behind); the first start of a day may take a few seconds to end."""
    while _CARE:
        _CARE.pop().join()


def _daily_care(services: Services, paths: DataPaths) -> None:
    """Today's backup, then expired notes; a damaged store gets neither (the app says why)."""
    from pcso_desk.store.backup import DamagedStoreError

    try:
        services.ctx.store.wait_intact()
    except DamagedStoreError:
        return
    _auto_backup(services.ctx.store, paths)
    _expire_notes(services, paths)


def _expire_notes(services: Services, paths: DataPaths) -> None:
    """Notes past their retention time go when a store opens; a failure is logged only."""
    from pcso_desk.services.retention import expire_notes

    try:
        expire_notes(services.ctx)
    except Exception as exc:  # a locked store: the next opening tries again
        _log_crash(paths, exc)


def _auto_backup(store: Store, paths: DataPaths) -> None:
    """A failed automatic backup is logged, never a reason to stop the user working."""
    from pcso_desk.services.backups import auto_backup

    try:
        auto_backup(store)
    except Exception as exc:  # disk full, backups folder read-only: the log says which
        _log_crash(paths, exc)


def _log_crash(paths: DataPaths, exc: BaseException) -> str:
    """Write the traceback (no personal data: crash_log.py) to the data folder's log; return
    where it went."""
    from pcso_desk.crash_log import append_crash

    try:
        return str(append_crash(paths.logs, exc))
    except OSError:
        return "(the log could not be written)"


def _open_or_recover(open_services: Callable[[bool], Services], paths: DataPaths) -> Services:
    """The app's store; a damaged one is offered its newest good backup (it asks first)."""
    from pcso_desk.services.backups import DamagedStoreError

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
    first (services/audit_witness.py): entries written since the last export, sync or backup
    can then not be cut away unseen either. A store that cannot be witnessed (damaged, demo,
    being replaced by a restore) still closes."""
    from pcso_desk.services.audit_witness import witness

    try:
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
    services: list[Services] = []

    def open_services(create: bool) -> Services:
        services.append(build_services(paths, create, background=args.command is None))
        if args.command is not None:
            from pcso_desk.cli_accounts import sign_in

            sign_in(services[-1], args)
        return services[-1]

    try:
        if args.command is None:
            from pcso_desk.store.backup import begin_check

            begin_check(paths.store, paths.backups)  # runs while the app's code loads
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
        _finish_daily_care()
        for opened in services:
            _close(opened.ctx.store)
