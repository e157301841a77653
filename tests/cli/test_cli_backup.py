"""`pcso-desk backup`, `restore` and `check` on damaged stores: exit codes and sentences."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from pcso_desk.app import main
from pcso_desk.paths import DataPaths
from pcso_desk.store.backup import list_backups, problem_with_backup
from tests.keys import build_services, raw
from tests.store.test_backup import flip_a_page, truncate

PASSWORD = "correct horse battery"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def store_with_a_contact(root: Path) -> DataPaths:
    paths = DataPaths(root)
    services = build_services(paths)
    try:
        services.contacts.create({"name": "Robin Sample", "postcode": "AL1 3AB"})
    finally:
        services.ctx.store.close()
    return paths


def names(store: Path) -> list[str]:
    with raw(f"file:{store}?mode=ro", uri=True) as conn:
        found = [str(row[0]) for row in conn.execute("SELECT name FROM contacts")]
    conn.close()
    return found


def test_backup_writes_a_verified_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`backup --out FILE` writes a file that verifies; plain `backup` keeps a manual one."""
    paths = store_with_a_contact(tmp_path / "d")
    out = tmp_path / "usb" / "copy.sqlite"
    out.parent.mkdir()  # the stick is plugged in
    code, said, err = run(capsys, "--data-dir", str(paths.root), "backup", "--out", str(out))
    assert code == 0 and str(out) in said and "verifies" in said, err
    assert problem_with_backup(out) is None and names(out) == ["Robin Sample"]
    code, said, _ = run(capsys, "--data-dir", str(paths.root), "backup")
    assert code == 0
    assert [b.kind for b in list_backups(paths.backups)].count("manual") == 1


def test_a_bad_file_is_not_restored(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A file that is not a good backup is refused in one sentence and nothing changes."""
    paths = store_with_a_contact(tmp_path / "d")
    bogus = tmp_path / "bogus.sqlite"
    bogus.write_text("not a backup")
    before = digest(paths.store)
    code, said, err = run(capsys, "--data-dir", str(paths.root), "restore", str(bogus))
    assert code == 1 and said == "" and err.count("\n") == 1 and "not a good backup" in err
    assert digest(paths.store) == before
    assert not [p for p in paths.backups.iterdir() if p.name.startswith("set-aside")]


@pytest.mark.parametrize("damage", [flip_a_page, truncate], ids=["flipped page", "truncated"])
def test_check_names_the_backup_and_restore_recovers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], damage: object
) -> None:
    """check reports a damaged store (exit 1) without writing to it and names the newest
    good backup; restoring that backup brings the data back and keeps the damaged file."""
    paths = store_with_a_contact(tmp_path / "d")
    data = str(paths.root)
    assert run(capsys, "--data-dir", data, "check")[0] == 0  # and today's automatic backup
    (backup,) = list_backups(paths.backups)
    assert callable(damage)
    damage(paths.store)
    before = digest(paths.store)
    code, said, _ = run(capsys, "--data-dir", data, "check")
    assert code == 1 and "Integrity check: FAILED" in said
    assert f"Newest good backup: {backup.path}" in said and "pcso-desk restore" in said
    assert digest(paths.store) == before
    code, _, err = run(capsys, "--data-dir", data, "export", "contacts", "--format", "csv",
                       "--out", str(tmp_path / "x.csv"))  # fmt: skip
    assert code == 1 and err.count("\n") == 1 and "damaged" in err and str(backup.path) in err
    code, said, err = run(capsys, "--data-dir", data, "restore", str(backup.path))
    assert code == 0 and "Restored" in said, err
    (aside,) = [p for p in paths.backups.iterdir() if p.name.startswith("set-aside")]
    assert digest(aside / "pcso-desk.sqlite") == before
    assert names(paths.store) == ["Robin Sample"]
    assert run(capsys, "--data-dir", data, "check")[0] == 0


def test_accounts_guard_backup_and_restore(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """With accounts, backup needs --user; an admin may not restore over a healthy store
    (no import right), but over a damaged one any password that opens its key will do (the
    backup is checked with that key); without one an encrypted store cannot be restored."""
    monkeypatch.setenv("PCSO_DESK_ADMIN_USER", "admin")
    monkeypatch.setenv("PCSO_DESK_ADMIN_PASSWORD", PASSWORD)
    data = str(tmp_path / "d")
    assert run(capsys, "--data-dir", data, "init")[0] == 0
    code, _, err = run(capsys, "--data-dir", data, "backup")
    assert code == 1 and "--user" in err
    monkeypatch.setenv("PCSO_DESK_PASSWORD", PASSWORD)
    assert run(capsys, "--data-dir", data, "--user", "admin", "backup")[0] == 0
    (made,) = [b for b in list_backups(Path(data) / "backups") if b.kind == "manual"]
    code, _, err = run(capsys, "--data-dir", data, "--user", "admin", "restore", str(made.path))
    assert code == 1 and err.count("\n") == 1
    flip_a_page(Path(data) / "pcso-desk.sqlite")
    monkeypatch.delenv("PCSO_DESK_PASSWORD")
    code, said, err = run(capsys, "--data-dir", data, "restore", str(made.path))
    assert code == 1 and "give --user" in err
    monkeypatch.setenv("PCSO_DESK_PASSWORD", PASSWORD)
    code, said, err = run(capsys, "--data-dir", data, "--user", "admin", "restore", str(made.path))
    assert code == 0 and "Restored" in said, err


def test_the_apps_daily_backup_runs_behind_the_start_and_is_finished_before_it_closes(
    tmp_path: Path,
) -> None:
    """The desktop app opens an existing store with its check, backup and notes expiry on a
    thread; the backup is whole (verified, no '.part' left) once the store has closed."""
    paths = store_with_a_contact(tmp_path / "d")
    assert list_backups(paths.backups) == []
    services = build_services(paths, create=False, background=True)
    try:
        services.contacts.create({"name": "Sam Later", "postcode": "AL1 3AB"})  # waits, writes
    finally:
        services.ctx.store.close()  # waits for the care under way (Store.pending)
    made = list_backups(paths.backups)
    assert len(made) == 1 and problem_with_backup(made[0].path) is None
    assert not list(paths.backups.glob("*.part"))
    assert sorted(names(paths.store)) == ["Robin Sample", "Sam Later"]
