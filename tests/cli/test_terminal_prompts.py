"""Passwords typed at a real terminal: `init` and `accounts add` ask, and ask twice (POSIX pty)."""

from __future__ import annotations

import os
import select
import sys
import time
from pathlib import Path

import pytest

from pcso_desk.paths import DataPaths
from pcso_desk.services.api import Door
from pcso_desk.services.protection import accounts
from tests.cli.station import PASSWORDS, Station, build_station

pty = pytest.importorskip("pty")  # not on Windows
WAIT = 60.0  # the longest any prompt may take to appear (a busy shared machine)


class Terminal:
    """`python -m pcso_desk ARGV` on its own pseudo-terminal, which is its controlling one."""

    def __init__(self, argv: list[str], env: dict[str, str]) -> None:
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child: getpass talks to this terminal
            os.execve(sys.executable, [sys.executable, "-m", "pcso_desk", *argv], env)
        self.seen = ""

    def expect(self, text: str) -> None:
        """Read until `text` has appeared (or fail after WAIT seconds)."""
        deadline = time.monotonic() + WAIT
        while text not in self.seen:
            left = deadline - time.monotonic()
            assert left > 0, f"never saw {text!r}; saw {self.seen!r}"
            if select.select([self.fd], [], [], left)[0]:
                self.seen += os.read(self.fd, 4096).decode(errors="replace")

    def type(self, line: str) -> None:
        os.write(self.fd, f"{line}\n".encode())

    def finish(self) -> int:
        """The exit code, once all it said has been read."""
        try:
            while chunk := os.read(self.fd, 4096):
                self.seen += chunk.decode(errors="replace")
        except OSError:  # the terminal closes when the process ends (Linux)
            pass
        _, status = os.waitpid(self.pid, 0)
        os.close(self.fd)
        return os.waitstatus_to_exitcode(status)


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PCSO_DESK_")}
    env.update(PCSO_DESK_DATA_DIR=str(tmp_path / "default-data"), QT_QPA_PLATFORM="offscreen")
    env.update(extra)
    return env


def _names(root: Path) -> list[str]:
    """The accounts, as the admin sees them (signed in as the app does: the store was made
    by another process, with a key of its own)."""
    services = Door(DataPaths(root)).sign_in("admin", PASSWORDS["admin"])
    try:
        return [account.username for account in accounts.list_accounts(services.ctx)]
    finally:
        services.ctx.store.close()


@pytest.fixture
def station(tmp_path: Path) -> Station:
    return build_station(tmp_path / "station")


def test_an_admin_types_a_new_accounts_password_twice(station: Station, tmp_path: Path) -> None:
    env = _env(tmp_path, PCSO_DESK_PASSWORD=PASSWORDS["admin"])
    argv = ["--data-dir", str(station.root), "--user", "admin", "accounts", "add", "kim"]
    terminal = Terminal([*argv, "--role", "pc"], env)
    terminal.expect("New password for kim:")
    terminal.type("kim's own long password")
    terminal.expect("The new password again:")
    terminal.type("kim's own long password")
    assert terminal.finish() == 0, terminal.seen
    assert "Created the pc account kim." in terminal.seen
    assert "kim's own" not in terminal.seen  # not echoed
    assert "kim" in _names(station.root)


def test_two_different_passwords_make_no_account(station: Station, tmp_path: Path) -> None:
    env = _env(tmp_path, PCSO_DESK_PASSWORD=PASSWORDS["admin"])
    argv = ["--data-dir", str(station.root), "--user", "admin", "accounts", "add", "kim"]
    terminal = Terminal([*argv, "--role", "pc"], env)
    terminal.expect("New password for kim:")
    terminal.type("kim's own long password")
    terminal.expect("The new password again:")
    terminal.type("kim's other long password")
    assert terminal.finish() == 1
    assert "pcso-desk: The two passwords differ; nothing was changed." in terminal.seen
    assert "kim" not in _names(station.root)


def test_init_on_a_terminal_asks_for_the_first_admin(tmp_path: Path) -> None:
    root = tmp_path / "station"
    terminal = Terminal(
        ["--data-dir", str(root), "init", "--team", "Riverside SNT"], _env(tmp_path)
    )
    terminal.expect("First administrator's user name:")
    terminal.type("admin")
    terminal.expect("Their password")
    terminal.type(PASSWORDS["admin"])
    terminal.expect("The password again:")
    terminal.type(PASSWORDS["admin"])
    assert terminal.finish() == 0, terminal.seen
    assert "Created the administrator account admin." in terminal.seen
    assert _names(root) == ["admin"]


def test_init_on_a_terminal_refuses_a_bad_name_before_the_password(tmp_path: Path) -> None:
    root = tmp_path / "station"
    terminal = Terminal(["--data-dir", str(root), "init"], _env(tmp_path))
    terminal.expect("First administrator's user name:")
    terminal.type("two words")
    assert terminal.finish() == 1
    assert "one word" in terminal.seen and "password" not in terminal.seen.lower()
    assert not root.exists()
