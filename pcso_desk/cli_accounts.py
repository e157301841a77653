"""Accounts on the command line: the first admin at `init`, demo accounts, and `--user` sign-in."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from typing import TYPE_CHECKING, TextIO

from pcso_desk.domain.errors import PcsoDeskError

if TYPE_CHECKING:
    from pcso_desk.services.api import Services

ADMIN_USER = "PCSO_DESK_ADMIN_USER"
ADMIN_PASSWORD = "PCSO_DESK_ADMIN_PASSWORD"
PASSWORD = "PCSO_DESK_PASSWORD"
# What may run without signing in on a store with accounts: nothing here shows personal data.
OPEN_COMMANDS = frozenset({"init", "demo", "check"})
OPEN_SYNC = frozenset({"identity", "status"})


def first_admin(services: Services, out: TextIO) -> None:
    """Create the first admin from the environment, or by asking on a terminal."""
    from pcso_desk.services.accounts import create_account, has_accounts

    if has_accounts(services.ctx):
        return
    name, password = os.environ.get(ADMIN_USER), os.environ.get(ADMIN_PASSWORD)
    if not (name and password) and sys.stdin.isatty():
        name = input("First administrator's user name: ").strip()
        password = getpass.getpass("Their password (at least 10 characters): ")
        if getpass.getpass("The password again: ") != password:
            raise PcsoDeskError("The two passwords differ; run 'pcso-desk init' again.")
    if not (name and password):
        print(
            "No administrator account yet: the app asks for one when it first opens "
            f"(or set {ADMIN_USER} and {ADMIN_PASSWORD} and run init).",
            file=out,
        )
        return
    create_account(services.ctx, name, password, "admin")
    print(f"Created the administrator account {name.strip().lower()}.", file=out)


def demo_accounts(services: Services, out: TextIO) -> None:
    from pcso_desk.services.accounts import DEMO_PASSWORD, create_demo_accounts, has_accounts

    if has_accounts(services.ctx):
        return
    names = create_demo_accounts(services.ctx)
    print(
        f"Demo accounts, one per role: {', '.join(names)}; each has the password "
        f"'{DEMO_PASSWORD}'.",
        file=out,
    )


def needs_sign_in(args: argparse.Namespace) -> bool:
    if args.command in OPEN_COMMANDS:
        return False
    return not (args.command == "sync" and args.sync_command in OPEN_SYNC)


def sign_in(services: Services, args: argparse.Namespace) -> None:
    """On a store with accounts, sign in as --user (password from the environment or asked)."""
    from pcso_desk.services.accounts import sign_in as check

    if not services.ctx.accounts or not needs_sign_in(args):
        return
    if not args.user:
        raise PcsoDeskError(
            f"This store has user accounts: give --user NAME (with the password in {PASSWORD} "
            "or typed when asked)."
        )
    password = os.environ.get(PASSWORD)
    if password is None:
        if not sys.stdin.isatty():
            raise PcsoDeskError(f"Set {PASSWORD}, or run on a terminal to type the password.")
        password = getpass.getpass(f"Password for {args.user}: ")
    check(services.ctx, args.user, password)
