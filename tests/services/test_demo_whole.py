"""`pcso-desk demo` is whole: a build cut short leaves no demo store, and the next run works."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from pcso_desk.demo import builder
from pcso_desk.paths import DataPaths
from pcso_desk.services.context import Context
from pcso_desk.services.maintenance import init_store
from pcso_desk.store.session import open_store

TODAY = date(2025, 6, 18)


def pcso_desk(data: Path, *argv: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PCSO_DESK_PASSWORD": "demo-password"}
    env.pop("PCSO_DESK_DATA_DIR", None)
    return subprocess.Popen(
        [sys.executable, "-m", "pcso_desk", "--data-dir", str(data), *argv],
        env=env,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


@pytest.mark.parametrize("stage", ["Contacts…", "Saving…"])
def test_a_killed_demo_leaves_no_store_and_the_next_run_builds_it(
    tmp_path: Path, stage: str
) -> None:
    data = tmp_path / "spare"
    building = pcso_desk(data, "demo", "--scale", "small")
    assert building.stdout is not None
    for line in building.stdout:
        if line.strip() == stage:
            break
    building.send_signal(signal.SIGKILL if os.name == "posix" else signal.SIGTERM)
    building.communicate(timeout=60)
    assert building.returncode != 0

    assert not (data / "pcso-desk.sqlite").exists()  # no store, so none without accounts
    assert (tmp_path / f"spare.building-{building.pid}").is_dir()  # what it left, until...

    again = pcso_desk(data, "demo", "--scale", "small")
    out, err = again.communicate(timeout=300)
    assert again.returncode == 0, err
    assert "Demo accounts, one per role" in out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["spare"]  # ...the next start
    export = pcso_desk(
        data, "--user", "sergeant", "export", "contacts", "--format", "csv",
        "--out", str(tmp_path / "contacts.csv"),
    )  # fmt: skip
    out, err = export.communicate(timeout=120)
    assert export.returncode == 0, err  # the accounts are there: a sergeant signs in


def test_a_build_that_fails_leaves_no_store_and_no_building_folder(tmp_path: Path) -> None:
    paths = DataPaths(tmp_path / "spare")

    def stop(message: str) -> None:
        if message == "Saving…":
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        builder.make_demo_folder(paths, scale="small", today=TODAY, progress=stop)
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_an_empty_store_is_filled_with_its_accounts_or_not_at_all(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    paths = DataPaths(tmp_path / "station").demo
    store = open_store(paths.ensure().store, paths.backups)
    init_store(Context.open(store), "Riverside Safer Neighbourhood Team")
    store.close()

    def no_accounts(_ctx: Context) -> tuple[str, ...]:
        raise OSError("disk full")

    monkeypatch.setattr(builder, "_demo_accounts", no_accounts)
    with pytest.raises(OSError, match="disk full"):
        builder.make_demo_folder(paths, reuse=True, scale="small", today=TODAY)
    store = open_store(paths.store, paths.backups)
    try:
        with store.read() as session:
            assert not builder._holds_data(session)  # no records without their accounts
    finally:
        store.close()
    monkeypatch.undo()
    made = builder.make_demo_folder(paths, reuse=True, scale="small", today=TODAY)
    assert made.summary is not None and made.accounts == ("pcso", "pc", "sergeant", "admin")
