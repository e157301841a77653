"""A station folder for command-line tests: a team, wards, meetings and one account per role."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from pcso_desk.app import main
from pcso_desk.paths import DataPaths
from pcso_desk.services.api import Door
from pcso_desk.services.maintenance import init_store
from pcso_desk.services.protection import accounts
from tests.factories import make_world, utc

PASSWORDS = {
    "admin": "admin staple battery",
    "sergeant": "sergeant horse battery",
    "pc": "pc horse battery staple",
    "pcso": "pcso correct horse staple",
}


@dataclass(frozen=True)
class Station:
    root: Path
    meetings: dict[str, str]  # title -> id


def build_station(root: Path) -> Station:
    """Made through the services before any account exists (so nothing needs signing in):
    an encrypted store as `init` makes one, its key wrapped for each account made here."""
    services = Door(DataPaths(root)).create()
    try:
        init_store(services.ctx, "Riverside SNT")
        world = make_world(services)
        services.contacts.create({"name": "Robin Sample", "postcode": "AL1 3AB"})
        meetings = {}
        for title, kind, starts, ward in (
            ("Spring PACT", "pact", utc(2098, 3, 4, 18, 30), world.ward),
            ("East surgery", "surgery", utc(2098, 2, 10, 10), world.other_ward),
            ("Team-wide panel", "ward_panel", utc(2098, 5, 6, 19), None),
            ("Old PACT", "pact", utc(2020, 1, 7, 18, 30), world.ward),
        ):
            made = services.meetings.create(
                {
                    "meeting_type": kind,
                    "title": title,
                    "starts_at": starts,
                    "neighbourhood_id": world.neighbourhood,
                }
            ).created[0]
            if ward:
                services["meeting_wards"].create({"meeting_id": made, "ward_id": ward})
            meetings[title] = made
        for name, password in PASSWORDS.items():
            officer = world.officer if name == "pcso" else None
            accounts.create_account(services.ctx, name, password, name, officer)
    finally:
        services.ctx.store.close()
    return Station(root, meetings)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """`pcso-desk ARGV` in this process: (exit code, stdout, stderr)."""
    try:
        code = main(list(argv))
    except SystemExit as exit_:  # argparse: usage errors, --help
        code = int(exit_.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def one_sentence(err: str) -> str:
    """The message of a refusal, checked to be one line with no traceback."""
    assert err.startswith("pcso-desk: ") and err.endswith("\n") and err.count("\n") == 1, err
    assert "Traceback" not in err
    return err.removeprefix("pcso-desk: ").strip()


def as_user(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    station: Station,
    user: str,
    *argv: str,
) -> tuple[int, str, str]:
    """`pcso-desk --data-dir STATION --user USER ARGV`, with USER's password in the environment."""
    monkeypatch.setenv("PCSO_DESK_PASSWORD", PASSWORDS.get(user, "not a password at all"))
    return run(capsys, "--data-dir", str(station.root), "--user", user, *argv)
