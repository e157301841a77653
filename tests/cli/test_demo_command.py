"""`pcso-desk demo`: made-up data goes in a folder of its own, never into a store with data."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from pcso_desk.app import main
from pcso_desk.domain.enums import UserRole
from pcso_desk.paths import DataPaths
from pcso_desk.services.api import Services
from pcso_desk.services.protection import accounts
from tests.keys import build_services, raw


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def opened(root: Path) -> Services:
    return build_services(DataPaths(root), create=False)


def dump(root: Path) -> list[str]:
    """Every table and row of the store: equal dumps, unchanged data."""
    with raw(root / "pcso-desk.sqlite") as connection:  # SQLCipher's has no iterdump
        found = connection.execute(
            "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' "
            "ORDER BY type, name"
        ).fetchall()
        rows = [repr(row) for row in found]
        for kind, name, _sql in found:
            if kind == "table":
                table = connection.execute(f'SELECT * FROM "{name}"').fetchall()
                rows += sorted(f"{name}: {row!r}" for row in table)
        return rows


def demo_facts(root: Path) -> tuple[bool, int, bool]:
    """Whether the store is a demo, how many contacts it has, whether the sergeant signs in."""
    services = opened(root)
    try:
        actor = accounts.sign_in(services.ctx, "sergeant", accounts.DEMO_PASSWORD)
        return services.is_demo(), services.contacts.count(), actor.role is UserRole.SERGEANT
    finally:
        services.ctx.store.close()


def test_the_default_demo_goes_in_the_demo_folder_not_the_real_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("PCSO_DESK_DATA_DIR")  # the default folder, as a real user has it
    real = tmp_path / "app-data"
    monkeypatch.setattr("platformdirs.user_data_path", lambda *_args, **_kw: real)

    code, out, err = run(capsys, "demo", "--seed", "2")

    assert code == 0, err
    demo = real / "demo"
    assert f"The demo store is in {demo}, apart from real work." in out
    assert f'Open it with: pcso-desk --data-dir "{demo}"' in out
    assert "pcso, pc, sergeant, admin" in out and accounts.DEMO_PASSWORD in out
    assert not (real / "pcso-desk.sqlite").exists()  # the real store was never made
    is_demo, contacts, signs_in = demo_facts(demo)
    assert is_demo and contacts > 0 and signs_in


def test_an_empty_data_dir_is_filled_and_a_second_demo_there_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "spare"
    code, out, err = run(capsys, "--data-dir", str(folder), "demo", "--seed", "3")
    assert code == 0, err
    assert f'Open it with: pcso-desk --data-dir "{folder}"' in out
    assert not (folder / "demo").exists()  # a named folder is used as it is
    is_demo, contacts, signs_in = demo_facts(folder)
    assert is_demo and contacts > 0 and signs_in

    before = dump(folder)
    code, out, err = run(capsys, "--data-dir", str(folder), "demo", "--seed", "4")
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and "already holds a demo store" in err
    assert dump(folder) == before


def _an_account(services: Services) -> None:
    accounts.create_account(services.ctx, "ada", "a long enough passphrase", UserRole.ADMIN)


def _a_contact(services: Services) -> None:
    services.contacts.create({"name": "Jo Example", "postcode": "AL1 1AA"})


@pytest.mark.parametrize("real_data", [_an_account, _a_contact], ids=["account", "contact"])
def test_a_store_with_real_data_is_refused_and_left_as_it_was(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    real_data: Callable[[Services], None],
) -> None:
    folder = tmp_path / "station"
    services = build_services(DataPaths(folder))
    real_data(services)
    services.ctx.store.close()
    before = dump(folder)

    code, out, err = run(capsys, "--data-dir", str(folder), "demo")

    assert code == 1 and out == ""
    assert err.count("\n") == 1 and "This store already holds data; point --data-dir" in err
    assert dump(folder) == before
