"""The store's folder: --data-dir, then PCSO_DESK_DATA_DIR, then local (never roaming) app data."""

from __future__ import annotations

from pathlib import Path

import pytest

from pcso_desk.paths import DataPaths, default_data_dir


def test_explicit_folder_wins_over_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PCSO_DESK_DATA_DIR", str(tmp_path / "env"))
    assert DataPaths.resolve(tmp_path / "arg").root == tmp_path / "arg"
    assert DataPaths.resolve().root == tmp_path / "env"


def test_default_is_the_local_app_data_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PCSO_DESK_DATA_DIR")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert DataPaths.resolve().root == default_data_dir() == tmp_path / "xdg" / "PCSO Desk"


def test_ensure_creates_every_folder(tmp_path: Path) -> None:
    paths = DataPaths(tmp_path / "station").ensure()
    for folder in (paths.root, paths.backups, paths.logs, paths.keys, paths.drafts):
        assert folder.is_dir()
    assert paths.store == tmp_path / "station" / "pcso-desk.sqlite"
