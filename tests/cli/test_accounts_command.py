"""`pcso-desk accounts ...`: an admin adds, lists, disables, enables and resets accounts."""

from __future__ import annotations

from pathlib import Path

import pytest

from pcso_desk.paths import DataPaths
from pcso_desk.services.protection import accounts, audit
from tests.cli.station import PASSWORDS, Station, as_user, build_station, one_sentence, run
from tests.keys import build_services

NEW = "new sergeant horse battery"


@pytest.fixture
def station(tmp_path: Path) -> Station:
    return build_station(tmp_path / "station")


def _audit(station: Station) -> list[tuple[str, str, str]]:
    """(action, who, outcome) of every entry, oldest first, as the admin reads them."""
    services = build_services(DataPaths(station.root), create=False)
    try:
        accounts.sign_in(services.ctx, "admin", PASSWORDS["admin"])
        rows = audit.entries(services.ctx, limit=1000)
        return [(row.action, row.username, row.outcome) for row in reversed(rows)]
    finally:
        services.ctx.store.close()


def test_an_admin_adds_a_sergeant_who_can_then_export(
    station: Station,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("PCSO_DESK_NEW_PASSWORD", NEW)
    code, out, err = as_user(
        capsys, monkeypatch, station, "admin", "accounts", "add", "Sam", "--role", "sergeant"
    )
    assert code == 0, err
    assert out == "Created the sergeant account sam.\n"
    monkeypatch.setenv("PCSO_DESK_PASSWORD", NEW)
    target = tmp_path / "contacts.csv"
    code, out, err = run(
        capsys, "--data-dir", str(station.root), "--user", "sam", "export", "contacts",
        "--format", "csv", "--out", str(target),
    )  # fmt: skip
    assert (code, out) == (0, f"Exported 1 contacts to {target}.\n"), err
    assert "Robin Sample" in target.read_text(encoding="utf-8-sig")
    assert ("create account", "admin", "ok") in _audit(station)
    assert ("export", "sam", "ok") in _audit(station)


def test_an_account_for_an_officer_by_collar_number(
    station: Station, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PCSO_DESK_NEW_PASSWORD", NEW)
    code, _, err = as_user(
        capsys, monkeypatch, station, "admin",
        "accounts", "add", "alex2", "--role", "pcso", "--officer", "pcso9001",
    )  # fmt: skip
    assert code == 0, err
    code, out, _ = as_user(capsys, monkeypatch, station, "admin", "accounts", "list")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["USER", "ROLE", "STATE", "OFFICER"]
    alex2 = next(line for line in lines if line.startswith("alex2 "))
    assert alex2.split() == ["alex2", "PCSO", "active", "PCSO", "Alex", "Example"]
    assert [line.split()[0] for line in lines[1:]] == [
        "admin", "alex2", "pc", "pcso", "sergeant",
    ]  # fmt: skip


def test_an_unknown_collar_number_is_one_sentence_and_makes_nothing(
    station: Station, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PCSO_DESK_NEW_PASSWORD", NEW)
    code, _, err = as_user(
        capsys, monkeypatch, station, "admin",
        "accounts", "add", "kim", "--role", "pc", "--officer", "PCSO 9011",
    )  # fmt: skip
    assert code == 1
    assert one_sentence(err) == (
        "There is no officer with the collar number 'PCSO 9011'; did you mean PCSO 9001?"
    )
    _, out, _ = as_user(capsys, monkeypatch, station, "admin", "accounts", "list")
    assert "kim" not in out


def test_a_pcso_is_refused_and_the_refusal_is_audited(
    station: Station, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PCSO_DESK_NEW_PASSWORD", NEW)
    code, out, err = as_user(
        capsys, monkeypatch, station, "pcso", "accounts", "add", "mo", "--role", "admin"
    )
    assert code == 1 and out == ""
    assert "manage user accounts" in one_sentence(err)
    code, _, err = as_user(capsys, monkeypatch, station, "pcso", "accounts", "list")
    assert code == 1 and "manage user accounts" in one_sentence(err)
    assert ("refused", "pcso", "refused") in _audit(station)
    _, out, _ = as_user(capsys, monkeypatch, station, "admin", "accounts", "list")
    assert "mo " not in out


def test_disable_stops_sign_in_and_enable_restores_it(
    station: Station, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = as_user(capsys, monkeypatch, station, "admin", "accounts", "disable", "PC")
    assert (code, out) == (0, "Disabled pc.\n"), err
    _, out, _ = as_user(capsys, monkeypatch, station, "admin", "accounts", "list")
    assert next(line for line in out.splitlines() if line.startswith("pc ")).split()[2] == (
        "disabled"
    )
    code, _, err = as_user(capsys, monkeypatch, station, "pc", "meetings")
    assert (code, one_sentence(err)) == (1, accounts.WRONG)
    code, out, err = as_user(capsys, monkeypatch, station, "admin", "accounts", "enable", "pc")
    assert (code, out) == (0, "Enabled pc.\n"), err
    assert as_user(capsys, monkeypatch, station, "pc", "meetings")[0] == 0
    actions = [action for action, who, _ in _audit(station) if who == "admin"]
    assert "disable account" in actions and "enable account" in actions


def test_reset_password(
    station: Station, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PCSO_DESK_NEW_PASSWORD", "pc's brand new password")
    code, out, err = as_user(
        capsys, monkeypatch, station, "admin", "accounts", "reset-password", "pc"
    )
    assert (code, out) == (0, "Set a new password for pc.\n"), err
    code, _, err = as_user(capsys, monkeypatch, station, "pc", "meetings")
    assert (code, one_sentence(err)) == (1, accounts.WRONG)  # the old password no longer works
    monkeypatch.setenv("PCSO_DESK_PASSWORD", "pc's brand new password")
    code, _, err = run(capsys, "--data-dir", str(station.root), "--user", "pc", "meetings")
    assert code == 0, err
    assert ("reset password", "admin", "ok") in _audit(station)


def test_a_short_new_password_is_refused_and_the_old_one_still_works(
    station: Station, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PCSO_DESK_NEW_PASSWORD", "short")
    code, _, err = as_user(
        capsys, monkeypatch, station, "admin", "accounts", "reset-password", "pc"
    )
    assert code == 1 and "at least 10 characters" in one_sentence(err)
    assert as_user(capsys, monkeypatch, station, "pc", "meetings")[0] == 0


def test_without_a_new_password_it_says_how_to_give_one(
    station: Station, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = as_user(
        capsys, monkeypatch, station, "admin", "accounts", "add", "kim", "--role", "pc"
    )
    assert code == 1 and "PCSO_DESK_NEW_PASSWORD" in one_sentence(err)


@pytest.mark.parametrize("action", ["disable", "enable", "reset-password"])
def test_an_unknown_account_is_one_sentence(
    station: Station,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    action: str,
) -> None:
    monkeypatch.setenv("PCSO_DESK_NEW_PASSWORD", NEW)
    code, _, err = as_user(capsys, monkeypatch, station, "admin", "accounts", action, "sergent")
    assert code == 1
    assert one_sentence(err) == "There is no account called 'sergent'; did you mean sergeant?"


def test_an_admin_cannot_disable_their_own_account(
    station: Station, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = as_user(capsys, monkeypatch, station, "admin", "accounts", "disable", "admin")
    assert code == 1 and "cannot disable the account you are signed in with" in one_sentence(err)
    assert as_user(capsys, monkeypatch, station, "admin", "accounts", "list")[0] == 0


def test_accounts_needs_a_user(station: Station, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "--data-dir", str(station.root), "accounts", "list")
    assert code == 1 and "--user" in one_sentence(err)
