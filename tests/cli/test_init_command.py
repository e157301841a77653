"""`pcso-desk init` checks everything before it writes, and finishes a half-made store."""

from __future__ import annotations

from pathlib import Path

import pytest

from pcso_desk.paths import DataPaths
from pcso_desk.services.maintenance import setup_state
from pcso_desk.services.protection import accounts
from tests.cli.station import one_sentence, run
from tests.keys import build_services

GOOD = "admin staple battery"


def _admin_env(monkeypatch: pytest.MonkeyPatch, name: str, password: str) -> None:
    monkeypatch.setenv("PCSO_DESK_ADMIN_USER", name)
    monkeypatch.setenv("PCSO_DESK_ADMIN_PASSWORD", password)


def _state(root: Path) -> tuple[str | None, list[str]]:
    """The store's team and its account names (read as the admin would see them)."""
    services = build_services(DataPaths(root), create=False)
    try:
        state = setup_state(services.ctx)
        if state.accounts:
            accounts.sign_in(services.ctx, "admin", GOOD)
            names = [a.username for a in accounts.list_accounts(services.ctx)]
        else:
            names = []
        return state.team, names
    finally:
        services.ctx.store.close()


def _half_made(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """What an init without an administrator leaves: a named team and no accounts."""
    code, out, err = run(capsys, "--data-dir", str(root), "init", "--team", "Riverside SNT")
    assert code == 0, err
    assert "No administrator account yet" in out
    assert _state(root) == ("Riverside SNT", [])


@pytest.mark.parametrize(
    ("name", "password", "said"),
    [
        ("admin", "short", "at least 10 characters"),
        ("two words", GOOD, "one word"),
    ],
)
def test_a_bad_first_admin_is_refused_before_anything_is_made(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    name: str,
    password: str,
    said: str,
) -> None:
    root = tmp_path / "station"
    _admin_env(monkeypatch, name, password)
    code, out, err = run(capsys, "--data-dir", str(root), "init", "--team", "Riverside SNT")
    assert code == 1 and out == ""
    assert said in one_sentence(err)
    assert not root.exists()
    _admin_env(monkeypatch, "admin", GOOD)  # put right, init simply works
    code, out, err = run(capsys, "--data-dir", str(root), "init", "--team", "Riverside SNT")
    assert code == 0, err
    assert "Created the administrator account admin." in out
    assert _state(root) == ("Riverside SNT", ["admin"])


def test_a_blank_team_name_is_refused_before_anything_is_made(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "station"
    code, _, err = run(capsys, "--data-dir", str(root), "init", "--team", "   ")
    assert (code, one_sentence(err)) == (1, "Give the team a name.")
    assert not root.exists()


def test_only_one_of_the_admin_variables_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PCSO_DESK_ADMIN_USER", "admin")
    code, _, err = run(capsys, "--data-dir", str(tmp_path / "s"), "init")
    assert code == 1 and "PCSO_DESK_ADMIN_PASSWORD" in one_sentence(err)
    assert not (tmp_path / "s").exists()


def test_init_again_finishes_a_half_made_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "station"
    _half_made(root, capsys)
    _admin_env(monkeypatch, "Admin", GOOD)
    code, out, err = run(capsys, "--data-dir", str(root), "init")
    assert code == 0, err
    assert "set up for Riverside SNT" in out
    assert "Created the administrator account admin." in out
    assert _state(root) == ("Riverside SNT", ["admin"])
    code, _, err = run(capsys, "--data-dir", str(root), "init", "--team", "Riverside SNT")
    assert code == 1 and "already set up" in one_sentence(err)
    assert _state(root) == ("Riverside SNT", ["admin"])


def test_a_half_made_store_keeps_its_team(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "station"
    _half_made(root, capsys)
    _admin_env(monkeypatch, "admin", GOOD)
    code, _, err = run(capsys, "--data-dir", str(root), "init", "--team", "Hillside SNT")
    message = one_sentence(err)
    assert code == 1 and "'Riverside SNT'" in message and "Hillside SNT" in message
    assert _state(root) == ("Riverside SNT", [])
    code, _, err = run(capsys, "--data-dir", str(root), "init", "--team", "riverside  snt")
    assert code == 0, err
    assert _state(root) == ("Riverside SNT", ["admin"])


def test_a_half_made_store_without_admin_details_says_how(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "station"
    _half_made(root, capsys)
    code, _, err = run(capsys, "--data-dir", str(root), "init")
    message = one_sentence(err)
    assert code == 1 and "no administrator" in message and "PCSO_DESK_ADMIN_USER" in message
    assert _state(root) == ("Riverside SNT", [])


def test_a_bad_password_on_a_half_made_store_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "station"
    _half_made(root, capsys)
    _admin_env(monkeypatch, "admin", "short")
    code, _, err = run(capsys, "--data-dir", str(root), "init")
    assert code == 1 and "at least 10 characters" in one_sentence(err)
    assert _state(root) == ("Riverside SNT", [])
