"""Accounts on the command line: the first admin at init, --user sign-in, refusals, demo users."""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from pcso_desk.app import main
from pcso_desk.domain.enums import UserRole
from pcso_desk.domain.errors import PermissionDenied
from pcso_desk.paths import DataPaths
from pcso_desk.services.protection import accounts
from tests.keys import build_services

ADMIN_PASSWORD = "admin staple battery"
PC_PASSWORD = "pc horse battery staple"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as exit_:  # argparse usage errors
        code = int(exit_.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def _one_sentence(err: str) -> str:
    assert err.startswith("pcso-desk: ") and err.endswith("\n") and err.count("\n") == 1, err
    assert "Traceback" not in err
    return err.removeprefix("pcso-desk: ").strip()


def _audit_count(root: Path) -> int:
    services = build_services(DataPaths(root), create=False)
    try:
        with services.ctx.store.read() as session:
            return int(session.execute(text("SELECT count(*) FROM audit_log")).scalar_one())
    finally:
        services.ctx.store.close()


def _refused_entries(root: Path) -> list[tuple[str, str, str]]:
    services = build_services(DataPaths(root), create=False)
    try:
        with services.ctx.store.read() as session:
            rows = session.execute(
                text("SELECT action, username, detail FROM audit_log WHERE outcome = 'refused'")
            )
            return [tuple(row) for row in rows]
    finally:
        services.ctx.store.close()


@pytest.fixture
def station(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Path:
    """A store made by `init` with its first admin from the environment, and a PC account."""
    root = tmp_path / "station"
    monkeypatch.setenv("PCSO_DESK_ADMIN_USER", "Admin")
    monkeypatch.setenv("PCSO_DESK_ADMIN_PASSWORD", ADMIN_PASSWORD)
    code, out, err = run(capsys, "--data-dir", str(root), "init", "--team", "Riverside SNT")
    assert code == 0, err
    assert "Created the administrator account admin." in out
    monkeypatch.delenv("PCSO_DESK_ADMIN_USER")
    monkeypatch.delenv("PCSO_DESK_ADMIN_PASSWORD")
    services = build_services(DataPaths(root), create=False)
    try:
        accounts.sign_in(services.ctx, "admin", ADMIN_PASSWORD)
        accounts.create_account(services.ctx, "pc", PC_PASSWORD, "pc")
    finally:
        services.ctx.store.close()
    return root


def test_init_without_the_environment_says_how_to_make_the_admin(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "--data-dir", str(tmp_path / "s"), "init")
    assert code == 0
    assert "No administrator account yet" in out and "PCSO_DESK_ADMIN_USER" in out


def test_a_command_needs_user_once_the_store_has_accounts(
    station: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PCSO_DESK_PASSWORD", PC_PASSWORD)
    out_file = station / "contacts.csv"
    code, _, err = run(
        capsys, "--data-dir", str(station), "export", "contacts", "--format", "csv",
        "--out", str(out_file),
    )  # fmt: skip
    assert code == 1
    assert "--user" in _one_sentence(err)
    assert not out_file.exists()


def test_an_admin_is_refused_an_export_and_the_refusal_is_audited(
    station: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PCSO_DESK_PASSWORD", ADMIN_PASSWORD)
    out_file = station / "contacts.csv"
    before = _audit_count(station)
    code, _, err = run(
        capsys, "--data-dir", str(station), "--user", "admin", "export", "contacts",
        "--format", "csv", "--out", str(out_file),
    )  # fmt: skip
    assert code == 1
    message = _one_sentence(err)
    assert "Admin account cannot export data" in message
    assert not out_file.exists()
    assert _audit_count(station) == before + 2  # the sign-in, then the refusal
    assert ("refused", "admin", "export data") in _refused_entries(station)


def test_a_pc_can_export(
    station: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PCSO_DESK_PASSWORD", PC_PASSWORD)
    out_file = station / "contacts.csv"
    code, out, err = run(
        capsys, "--data-dir", str(station), "--user", "pc", "export", "contacts",
        "--format", "csv", "--out", str(out_file),
    )  # fmt: skip
    assert code == 0, err
    assert "Exported 0 contacts" in out and out_file.exists()


def test_a_wrong_password_is_refused_and_audited(
    station: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PCSO_DESK_PASSWORD", "not the password")
    before = _audit_count(station)
    code, _, err = run(
        capsys, "--data-dir", str(station), "--user", "pc", "export", "contacts",
        "--format", "csv", "--out", str(station / "contacts.csv"),
    )  # fmt: skip
    assert (code, _one_sentence(err)) == (1, accounts.WRONG)
    # The store cannot be opened without a right password: the refusal waits in the keyring
    # and goes into the audit log at the next sign-in, marked as made before it opened.
    assert _audit_count(station) == before
    monkeypatch.setenv("PCSO_DESK_PASSWORD", PC_PASSWORD)
    code, _, err = run(
        capsys, "--data-dir", str(station), "--user", "pc", "export", "contacts",
        "--format", "csv", "--out", str(station / "contacts.csv"),
    )  # fmt: skip
    assert code == 0, err
    refused = [e for e in _refused_entries(station) if e[0] == "sign in"]
    assert [(a, u) for a, u, _ in refused] == [("sign in", "")]  # no one was signed in
    assert "wrong user name or password" in refused[0][2]
    assert "before the store opened" in refused[0][2]


def test_a_wrong_password_is_refused_with_the_one_answer(
    station: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for user in ("pc", "nobody"):
        monkeypatch.setenv("PCSO_DESK_PASSWORD", "not the password")
        code, _, err = run(
            capsys, "--data-dir", str(station), "--user", user, "export", "contacts",
            "--format", "csv", "--out", str(station / "contacts.csv"),
        )  # fmt: skip
        assert (code, _one_sentence(err)) == (1, accounts.WRONG)
    assert not (station / "contacts.csv").exists()


def test_check_of_an_encrypted_store_needs_a_user_unless_the_damage_shows(
    station: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, err = run(capsys, "--data-dir", str(station), "check")
    assert code == 1 and "only a signed-in user can check every page" in _one_sentence(err)
    monkeypatch.setenv("PCSO_DESK_PASSWORD", PC_PASSWORD)
    code, out, err = run(capsys, "--data-dir", str(station), "--user", "pc", "check")
    assert code == 0, err
    assert "Store is healthy." in out
    (station / "pcso-desk.sqlite").write_bytes(b"")  # damage that shows without the key
    monkeypatch.delenv("PCSO_DESK_PASSWORD")
    code, out, err = run(capsys, "--data-dir", str(station), "check")
    assert code == 1 and "the store is damaged: it is empty" in out


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    """`pcso-desk demo --seed 3`, once for the module (it takes a few seconds)."""
    root = tmp_path_factory.mktemp("demo") / "station"
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["--data-dir", str(root), "demo", "--seed", "3"])
    assert code == 0, err.getvalue()
    yield root, out.getvalue()


def test_demo_prints_its_accounts(demo: tuple[Path, str]) -> None:
    _, out = demo
    assert (
        "Demo accounts, one per role: pcso, pc, sergeant, admin; each has the password "
        f"'{accounts.DEMO_PASSWORD}'." in out
    )


@pytest.mark.parametrize("role", list(UserRole), ids=[r.value for r in UserRole])
def test_each_demo_account_signs_in_with_the_demo_password(
    demo: tuple[Path, str], role: UserRole
) -> None:
    root, _ = demo
    services = build_services(DataPaths(root), create=False)
    try:
        actor = accounts.sign_in(services.ctx, role.value, accounts.DEMO_PASSWORD)
        assert actor.role is role
        assert (actor.officer_id is None) == (role is UserRole.ADMIN)
        with pytest.raises(PermissionDenied):
            accounts.sign_in(services.ctx, role.value, "not the demo password")
    finally:
        services.ctx.store.close()


def test_a_demo_sergeant_exports_from_the_command_line(
    demo: tuple[Path, str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    root, _ = demo
    monkeypatch.setenv("PCSO_DESK_PASSWORD", accounts.DEMO_PASSWORD)
    out_file = tmp_path / "contacts.csv"
    code, out, err = run(
        capsys, "--data-dir", str(root), "--user", "sergeant", "export", "contacts",
        "--format", "csv", "--out", str(out_file),
    )  # fmt: skip
    assert code == 0, err
    assert out.startswith("Exported ") and out_file.stat().st_size > 1000
