"""`pcso-desk init`: everything is checked first, then the store, its team and its first admin."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, TextIO

from pcso_desk.domain.errors import PcsoDeskError

if TYPE_CHECKING:
    from pcso_desk.services.api import Services
    from pcso_desk.services.values import SetupState

OpenServices = Callable[[bool], "Services"]
ADMIN_USER = "PCSO_DESK_ADMIN_USER"
ADMIN_PASSWORD = "PCSO_DESK_ADMIN_PASSWORD"


def run(args: argparse.Namespace, open_services: OpenServices, out: TextIO) -> int:
    """Set up a new store, or finish one whose team was named but whose admin was not made."""
    from pcso_desk.paths import DataPaths
    from pcso_desk.services.values import check_init, team_name

    services, state = None, None
    _refuse_if_locked(args)
    if DataPaths.resolve(args.data_dir).store.exists():
        services = open_services(False)
        state = services.setup.state()
        check_init(state, args.team)
    team = state.team if state and state.team else team_name(args.team)
    admin = _admin_credentials()
    if admin is None and state and state.half_made:
        raise PcsoDeskError(
            f"This store is already set up for team '{team}' but has no administrator yet; set "
            f"{ADMIN_USER} and {ADMIN_PASSWORD} (or run init on a terminal) to add one."
        )
    if services is None:
        services = open_services(True)
    _name_team(services, state, team, out)
    _make_admin(services, admin, out)
    return 0


def _refuse_if_locked(args: argparse.Namespace) -> None:
    """An encrypted store with accounts is set up: init says so without opening it."""
    from pcso_desk.paths import DataPaths
    from pcso_desk.services.api import Door, Stage

    door = Door(DataPaths.resolve(args.data_dir))
    if door.stage() is Stage.LOCKED and not args.user:
        raise PcsoDeskError(
            f"The store at {door.paths.store} is already set up (it has user accounts); "
            "nothing was changed."
        )


def _name_team(services: Services, state: SetupState | None, team: str, out: TextIO) -> None:
    if state and state.team:
        print(f"The store at {services.ctx.store.path} is set up for {team}.", file=out)
        return
    services.setup.init_store(team)
    print(f"Created an empty store for {team} at {services.ctx.store.path}.", file=out)


def _make_admin(services: Services, admin: tuple[str, str] | None, out: TextIO) -> None:
    if admin is None:
        print(
            "No administrator account yet: the app asks for one when it first opens "
            f"(or set {ADMIN_USER} and {ADMIN_PASSWORD} and run init again).",
            file=out,
        )
        return
    name, password = admin
    services.accounts.create(name, password, "admin")
    print(f"Created the administrator account {name}.", file=out)


def _admin_credentials() -> tuple[str, str] | None:
    """The first admin's name and password, checked, from the environment or a terminal."""
    from pcso_desk.services.values import check_new_account

    name, password = os.environ.get(ADMIN_USER), os.environ.get(ADMIN_PASSWORD)
    if bool(name) != bool(password):
        raise PcsoDeskError(f"Set both {ADMIN_USER} and {ADMIN_PASSWORD}, or neither.")
    if not (name and password):
        if not sys.stdin.isatty():
            return None
        name, password = _ask()
    return check_new_account(name, password), password


def _ask() -> tuple[str, str]:
    from pcso_desk.services.values import MIN_PASSWORD, check_new_account

    name = input("First administrator's user name: ").strip()
    check_new_account(name)  # a name that will not do is refused before the password is asked
    password = getpass.getpass(f"Their password (at least {MIN_PASSWORD} characters): ")
    if getpass.getpass("The password again: ") != password:
        raise PcsoDeskError("The two passwords differ; nothing was changed.")
    return name, password
