"""Accounts on the command line: `--user` sign-in, the `accounts` command, demo accounts."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TextIO

from pcso_desk.domain.enums import UserRole
from pcso_desk.domain.errors import PcsoDeskError

if TYPE_CHECKING:
    from pcso_desk.services.api import Door, Services
    from pcso_desk.services.values import Account

OpenServices = Callable[[bool], "Services"]
PASSWORD = "PCSO_DESK_PASSWORD"
NEW_PASSWORD = "PCSO_DESK_NEW_PASSWORD"
RECOVERY_CODE = "PCSO_DESK_RECOVERY_CODE"
# What may run without signing in on a plain store (one made before stores were encrypted)
# with accounts: nothing here shows personal data. An encrypted store opens only to a
# password. A --user given to them is still checked: a wrong password is refused by all.
OPEN_COMMANDS = frozenset({"init", "demo", "check", "recover"})
OPEN_SYNC = frozenset({"identity", "status"})


def add_parsers(commands: Any) -> None:
    """`accounts add|list|disable|enable|reset-password` (admins only)."""
    accounts = commands.add_parser(
        "accounts", help="add, list, disable, enable user accounts, reset passwords (admins)"
    )
    actions = accounts.add_subparsers(
        dest="accounts_command", metavar="ACTION", required=True, help="what to do"
    )
    add = actions.add_parser(
        "add", help=f"create an account; its password from ${NEW_PASSWORD} or asked twice"
    )
    add.add_argument("name", metavar="NAME", help="the new account's user name (one word)")
    add.add_argument(
        "--role", choices=[r.value for r in UserRole], required=True, help="what the account may do"
    )
    add.add_argument(
        "--officer", metavar="COLLAR", help="the collar number of the officer who will use it"
    )
    actions.add_parser("list", help="every account: user name, role, state and officer")
    for action, what in (
        ("disable", "stop an account signing in (its records stay)"),
        ("enable", "let a disabled account sign in again"),
        ("reset-password", f"give an account a new password (from ${NEW_PASSWORD} or asked)"),
    ):
        parser = actions.add_parser(action, help=what)
        parser.add_argument("name", metavar="NAME", help="the account's user name")


def add_recover_parser(commands: Any) -> None:
    recover = commands.add_parser(
        "recover",
        help=f"every password lost: give an administrator a new password with the store's "
        f"recovery code (from ${RECOVERY_CODE} or asked; the password from ${NEW_PASSWORD} "
        "or asked twice)",
    )
    recover.add_argument("name", metavar="NAME", help="the administrator account's user name")


def run_recover(args: argparse.Namespace, out: TextIO) -> int:
    """`pcso-desk recover NAME`: the recovery code unwraps the store's key; the administrator
    NAME gets a new password (audited in the store as a recovery)."""
    from pcso_desk.paths import DataPaths
    from pcso_desk.services.api import Door

    code = os.environ.get(RECOVERY_CODE)
    if code is None:
        if not sys.stdin.isatty():
            raise PcsoDeskError(f"Set {RECOVERY_CODE}, or run on a terminal to type the code.")
        code = getpass.getpass("The store's recovery code: ")
    door = Door(DataPaths.resolve(args.data_dir))
    services = door.recover(args.name, code, _new_password(args.name.strip().lower()))
    services.ctx.store.close()
    print(
        f"Set a new password for the administrator {args.name.strip().lower()} with the "
        "recovery code; the code still opens the store, so keep it locked away.",
        file=out,
    )
    return 0


def run(args: argparse.Namespace, open_services: OpenServices, out: TextIO) -> int:
    from pcso_desk.services.values import check_new_account

    accounts = open_services(False).accounts
    found = accounts.list_all()  # refused (and audited) before a new password is asked for
    if args.accounts_command == "list":
        _print_accounts(found, out)
    elif args.accounts_command == "add":
        officer = accounts.officer_by_collar(args.officer) if args.officer else None
        name = check_new_account(args.name)
        accounts.create(name, _new_password(name), args.role, officer)
        print(f"Created the {args.role} account {name}.", file=out)
    else:
        account = accounts.find(args.name)
        if args.accounts_command == "reset-password":
            accounts.reset_password(account.id, _new_password(account.username))
            print(f"Set a new password for {account.username}.", file=out)
        elif args.accounts_command == "enable":
            accounts.enable(account.id)
            print(f"Enabled {account.username}.", file=out)
        else:
            accounts.disable(account.id)
            print(f"Disabled {account.username}.", file=out)
    return 0


def _print_accounts(found: list[Account], out: TextIO) -> None:
    from pcso_desk.cli.common import print_table
    from pcso_desk.domain.permissions import ROLE_NAMES

    rows = [("USER", "ROLE", "STATE", "OFFICER")] + [
        (a.username, ROLE_NAMES[a.role], "active" if a.active else "disabled", a.officer)
        for a in found
    ]
    print_table(rows, out)


def _new_password(name: str) -> str:
    """A new account's password: from the environment, or typed twice on a terminal."""
    password = os.environ.get(NEW_PASSWORD)
    if password is not None:
        return password
    if not sys.stdin.isatty():
        raise PcsoDeskError(f"Set {NEW_PASSWORD}, or run on a terminal to type the new password.")
    password = getpass.getpass(f"New password for {name}: ")
    if getpass.getpass("The new password again: ") != password:
        raise PcsoDeskError("The two passwords differ; nothing was changed.")
    return password


def needs_sign_in(args: argparse.Namespace) -> bool:
    if args.command in OPEN_COMMANDS:
        return False
    return not (args.command == "sync" and args.sync_command in OPEN_SYNC)


def _password(user: str) -> str:
    password = os.environ.get(PASSWORD)
    if password is None:
        if not sys.stdin.isatty():
            raise PcsoDeskError(f"Set {PASSWORD}, or run on a terminal to type the password.")
        password = getpass.getpass(f"Password for {user}: ")
    return password


def open_for_command(door: Door, args: argparse.Namespace, create: bool) -> Services:
    """The store a command works on, signed in as --user when given (always checked).

    An encrypted store opens only to a password (its key is wrapped for each account), so
    a store with accounts needs --user for every command, those that show no personal data
    included; a store being set up (no account yet) opens without one.
    """
    from pcso_desk.domain.errors import StoreError
    from pcso_desk.services.api import Stage

    stage = door.stage()
    if stage is Stage.NEW:
        if not create:
            raise StoreError(
                f"There is no store at {door.paths.store}; run 'pcso-desk init' or "
                "'pcso-desk demo' first."
            )
        if args.user:
            raise PcsoDeskError(
                f"There is no store at {door.paths.store} yet, so --user {args.user} cannot "
                "be checked; leave it out."
            )
        return door.create()
    if stage is Stage.LOCKED:
        if not args.user and args.command == "check":
            door.check_unsigned()  # what shows without the key: a file gone, empty, cut short
        if not args.user:
            raise PcsoDeskError(
                f"This store has user accounts: give --user NAME (with the password in "
                f"{PASSWORD} or typed when asked)."
            )
        return door.sign_in(args.user, _password(args.user))
    services = door.open_unsigned()
    if not args.user:
        if services.ctx.accounts and needs_sign_in(args):
            raise PcsoDeskError(
                f"This store has user accounts: give --user NAME (with the password in "
                f"{PASSWORD} or typed when asked)."
            )
        return services
    if not services.ctx.accounts:
        raise PcsoDeskError(
            f"This store has no user accounts yet, so --user {args.user} cannot be checked; "
            "leave it out."
        )
    return door.sign_in(args.user, _password(args.user))
