"""Victims' data at rest: the store, its backups and set-aside copies are encrypted, open only
to a password (or the recovery code), and damage to them is always caught.

Driven through the command line in this process (`main`), as a user meets it: every store
here is made by the app's own `init`, with its own random key (`real_keys`).
"""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from pcso_desk.services.protection import accounts
from tests.cli.station import one_sentence, run

pytestmark = pytest.mark.real_keys

ADMIN = ("admin", "admin staple battery")
SERGEANT = ("sarge", "sergeant horse battery")
NAMES = ("Zebedee Quillfeather", "Ottoline Marchbanks", "Peregrine Axelthwaite")


def _as(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, root: Path,
    who: tuple[str, str], *argv: str,
) -> tuple[int, str, str]:  # fmt: skip
    monkeypatch.setenv("PCSO_DESK_PASSWORD", who[1])
    return run(capsys, "--data-dir", str(root), "--user", who[0], *argv)


@pytest.fixture
def station(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> tuple[Path, str]:
    """`init` with its first admin, a sergeant, three contacts imported; (root, recovery code)."""
    root = tmp_path / "station"
    monkeypatch.setenv("PCSO_DESK_ADMIN_USER", ADMIN[0])
    monkeypatch.setenv("PCSO_DESK_ADMIN_PASSWORD", ADMIN[1])
    code, out, err = run(capsys, "--data-dir", str(root), "init", "--team", "Riverside SNT")
    assert code == 0, err
    recovery = next(line for line in out.splitlines() if line.startswith("Recovery code: "))
    monkeypatch.setenv("PCSO_DESK_NEW_PASSWORD", SERGEANT[1])
    code, _, err = _as(
        capsys, monkeypatch, root, ADMIN, "accounts", "add", SERGEANT[0], "--role", "sergeant"
    )
    assert code == 0, err
    csv = tmp_path / "contacts.csv"
    rows = [f"{name},SG1 1A{'ABD'[n]},{n + 1} Marlowe Road" for n, name in enumerate(NAMES)]
    csv.write_text("Name,Postcode,Address\n" + "\n".join(rows) + "\n", encoding="utf-8")
    code, out, err = _as(capsys, monkeypatch, root, SERGEANT, "import", "contacts", str(csv))
    assert code == 0 and "3 added" in out, err
    return root, recovery.removeprefix("Recovery code: ")


def _holds_a_name(path: Path) -> bool:
    data = path.read_bytes()
    return any(name.encode() in data or name.encode("utf-16-le") in data for name in NAMES)


def _sqlite_reads(path: Path) -> bool:
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        return False
    return True


def _exported(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, root: Path
) -> str:
    target = root.parent / "out.csv"
    code, _, err = _as(
        capsys, monkeypatch, root, SERGEANT, "export", "contacts", "--format", "csv",
        "--out", str(target),
    )  # fmt: skip
    assert code == 0, err
    return target.read_text(encoding="utf-8")


def test_store_backups_and_set_aside_copies_show_no_name_and_sqlite_cannot_read_them(
    station: tuple[Path, str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    root, _code = station
    code, out, err = _as(capsys, monkeypatch, root, SERGEANT, "backup")
    assert code == 0, err
    backup = Path(out.split("to ", 1)[1].split("; ", 1)[0])
    code, out, err = _as(capsys, monkeypatch, root, SERGEANT, "restore", str(backup))
    assert code == 0, err
    aside = next((root / "backups").glob("set-aside-*"))
    files = [root / "pcso-desk.sqlite", backup, *aside.glob("*.sqlite*")]
    files += list((root / "backups").glob("*.sqlite"))
    assert len(files) >= 4
    for path in files:
        if path.stat().st_size:
            assert not _holds_a_name(path), path
    for path in (root / "pcso-desk.sqlite", backup, aside / "pcso-desk.sqlite"):
        assert not _sqlite_reads(path), path
    exported = _exported(capsys, monkeypatch, root)  # signed in, all is as it was
    assert all(name in exported for name in NAMES)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _zero_first_page(path: Path) -> None:
    with path.open("r+b") as handle:
        handle.write(bytes(4096))


def _flip_a_bit(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2 + 100] ^= 0x10  # one bit in a page past the first
    path.write_bytes(bytes(data))


def _empty(path: Path) -> None:
    path.write_bytes(b"")


@pytest.mark.parametrize("damage", [_empty, _zero_first_page, _flip_a_bit])
def test_damage_is_caught_nothing_writes_and_restore_brings_the_backup_back(
    station: tuple[Path, str],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    damage: object,
) -> None:
    root, _code = station
    code, out, err = _as(capsys, monkeypatch, root, SERGEANT, "backup")
    assert code == 0, err
    backup = Path(out.split("to ", 1)[1].split("; ", 1)[0])
    store = root / "pcso-desk.sqlite"
    assert callable(damage)
    damage(store)
    before = _digest(store)
    code, out, _ = _as(capsys, monkeypatch, root, SERGEANT, "check")
    assert code == 1 and "the store is damaged" in out
    named = out.split("pcso-desk restore ", 1)[1].split("\n", 1)[0]  # the newest good backup
    assert Path(named).parent == backup.parent and Path(named).stat().st_size > 0
    csv = root.parent / "contacts.csv"
    code, _, err = _as(capsys, monkeypatch, root, SERGEANT, "import", "contacts", str(csv))
    assert code == 1 and "is damaged" in one_sentence(err)
    assert _digest(store) == before  # nothing wrote to it
    code, out, err = _as(capsys, monkeypatch, root, SERGEANT, "restore", str(backup))
    assert code == 0, err
    exported = _exported(capsys, monkeypatch, root)
    assert all(name in exported for name in NAMES)


def test_a_wrong_password_cannot_open_it_and_the_recovery_code_can(
    station: tuple[Path, str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    root, recovery = station
    code, _, err = _as(
        capsys, monkeypatch, root, (ADMIN[0], "a wrong password"), "accounts", "list"
    )
    assert (code, one_sentence(err)) == (1, accounts.WRONG)
    monkeypatch.setenv("PCSO_DESK_RECOVERY_CODE", "AAAAA-BBBBB-CCCCC-DDDDD-EEEEE-FFFFF")
    monkeypatch.setenv("PCSO_DESK_NEW_PASSWORD", "a brand new admin password")
    code, _, err = run(capsys, "--data-dir", str(root), "recover", ADMIN[0])
    assert code == 1 and "recovery code does not open" in one_sentence(err)
    monkeypatch.setenv("PCSO_DESK_RECOVERY_CODE", recovery.lower())
    code, _, err = run(capsys, "--data-dir", str(root), "recover", SERGEANT[0])
    assert code == 1 and "no administrator account called sarge" in one_sentence(err)
    code, out, err = run(capsys, "--data-dir", str(root), "recover", ADMIN[0])
    assert code == 0 and "Set a new password for the administrator admin" in out, err
    code, out, err = _as(
        capsys, monkeypatch, root, (ADMIN[0], "a brand new admin password"), "accounts", "list"
    )
    assert code == 0 and "sarge" in out, err
    code, _, err = _as(capsys, monkeypatch, root, ADMIN, "accounts", "list")
    assert code == 1  # the old password no longer opens it


def test_a_plain_store_is_encrypted_at_its_first_sign_in(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A store made before encryption: the first sign-in backs it up, encrypts it and its
    backups in place, prints a recovery code; every account still signs in."""
    from pcso_desk.app import build_services
    from pcso_desk.paths import DataPaths

    root = tmp_path / "old"
    services = build_services(DataPaths(root))  # no key: a plain store, as releases made
    try:
        accounts.create_account(services.ctx, ADMIN[0], ADMIN[1], "admin")
        accounts.sign_in(services.ctx, *ADMIN)
        accounts.create_account(services.ctx, SERGEANT[0], SERGEANT[1], "sergeant")
        services.ctx.sign_in(None)
        accounts.sign_in(services.ctx, *SERGEANT)
        for name in NAMES:
            services.contacts.create({"name": name, "postcode": "SG1 1AA"})
    finally:
        services.ctx.store.close()
    assert _sqlite_reads(root / "pcso-desk.sqlite")
    code, out, err = _as(capsys, monkeypatch, root, ADMIN, "accounts", "list")
    assert code == 0, err
    assert "Recovery code: " in out
    assert not _sqlite_reads(root / "pcso-desk.sqlite")
    for path in [root / "pcso-desk.sqlite", *(root / "backups").glob("*.sqlite")]:
        assert not _holds_a_name(path), path
    exported = _exported(capsys, monkeypatch, root)  # the other account, by its old hash
    assert all(name in exported for name in NAMES)
