"""No --out, --rejects or save dialog writes over what the app lives on: the store and its
companions, the keys, backups and logs, links to them, and device files. Driven through the
real command line, as someone who mistypes (or means harm) would."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from pcso_desk.domain.errors import ValidationError
from pcso_desk.services.protection.outputs import protected_reason, refuse_protected


def _cli(data: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PCSO_DESK_DATA_DIR": str(data)}
    return subprocess.run(
        [sys.executable, "-m", "pcso_desk", *argv],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def station(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("station")
    made = _cli(data, "init", "--team", "Riverside SNT")
    assert made.returncode == 0, made.stderr
    made = _cli(data, "sync", "identity", "--out", str(data.parent / "card.identity"))
    assert made.returncode == 0, made.stderr  # the station's keys exist from here on
    return data


def _refused(result: subprocess.CompletedProcess[str], words: str) -> None:
    assert result.returncode == 1, result.stdout + result.stderr
    assert words in result.stderr and result.stderr.count("\n") == 1, result.stderr
    assert "Traceback" not in result.stderr


def test_an_export_onto_the_store_is_refused_and_the_store_still_opens(station: Path) -> None:
    store = station / "pcso-desk.sqlite"
    link = station.parent / "innocent.csv"
    link.unlink(missing_ok=True)
    link.symlink_to(store)
    before = _digest(store)
    _refused(_cli(station, "export", "contacts", "--format", "csv", "--out", str(link)),
             "is the PCSO Desk store itself")  # fmt: skip
    assert _digest(store) == before
    checked = _cli(station, "check")
    assert checked.returncode == 0 and "Store is healthy." in checked.stdout, checked.stderr


def test_the_private_key_is_not_overwritten_by_an_identity_card(station: Path) -> None:
    key = station / "keys" / "signing.key"
    assert key.exists()
    before = _digest(key)
    _refused(_cli(station, "sync", "identity", "--out", str(key)), "holds the station's keys")
    assert _digest(key) == before


@pytest.mark.parametrize(
    ("where", "words"),
    [
        ("backups/contacts.csv", "holds the store's backups"),
        ("logs/contacts.csv", "holds the app's logs"),
        ("keys/contacts.csv", "holds the station's keys"),
    ],
)
def test_exports_into_the_apps_own_folders_are_refused(
    station: Path, where: str, words: str
) -> None:
    target = station / where
    _refused(_cli(station, "export", "contacts", "--format", "csv", "--out", str(target)), words)
    assert not target.exists()


def test_a_rejects_file_onto_the_store_is_refused(station: Path, tmp_path: Path) -> None:
    source = tmp_path / "people.csv"
    source.write_text("Full Name,Post Code\nAnn Example,SG1 1AA\n", encoding="utf-8")
    store = station / "pcso-desk.sqlite"
    before = _digest(store)
    result = _cli(station, "import", "contacts", str(source), "--rejects", str(store))
    _refused(result, "is the PCSO Desk store itself")
    assert _digest(store) == before


def test_a_pipe_named_like_a_csv_is_refused(station: Path, tmp_path: Path) -> None:
    pipe = tmp_path / "contacts.csv"
    os.mkfifo(pipe)
    _refused(_cli(station, "export", "contacts", "--format", "csv", "--out", str(pipe)),
             "is a device, not a file")  # fmt: skip


def test_every_companion_of_the_store_and_the_data_folder_itself(tmp_path: Path) -> None:
    store = tmp_path / "data" / "pcso-desk.sqlite"
    for tail in ("", "-wal", "-shm", "-journal"):
        assert protected_reason(store, store.with_name(store.name + tail)) is not None
    assert protected_reason(store, tmp_path / "data", folder=True) is not None
    assert protected_reason(store, tmp_path / "data" / "backups", folder=True) is not None
    assert protected_reason(store, Path("/dev/sda")) is not None
    assert protected_reason(store, tmp_path / "elsewhere" / "contacts.csv") is None
    assert protected_reason(store, tmp_path / "data" / "packs", folder=True) is None
    with pytest.raises(ValidationError, match="will not write over it"):
        refuse_protected(store, tmp_path / "data" / "keys" / "x.identity")
