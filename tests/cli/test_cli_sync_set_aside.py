"""`pcso-desk sync status` names the changes a sync set aside, one line per station and reason."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from pcso_desk.paths import DataPaths
from pcso_desk.services.sync.set_aside import SetAside, release, set_aside
from tests.cli.test_commands import run
from tests.keys import build_services

PEER = "7b0c2a7e-5d1f-4c3e-9a61-0d2f8e4b6c11"
OTHER = "2d9a1f4e-8c3b-4b7a-b5e2-9f1c0d3e7a22"
AHEAD = "It is dated 2 hours ahead of this PC's clock."
NEWER = "It was made by a newer release of PCSO Desk."


def _entry(n: int, reason: str, sender: str = PEER, name: str = "Station PC 2") -> SetAside:
    return SetAside(f"hub:h:{n}", "hub", sender, name, "contacts", f"row-{n}", reason, "{}")


def _with_store(folder: Path, *, put: Sequence[SetAside] = (), done: Sequence[str] = ()) -> None:
    services = build_services(DataPaths(folder), create=False)
    try:
        with services.ctx.store.write() as session:
            set_aside(session, put)
            release(session, done)
    finally:
        services.ctx.store.close()


def _set_aside_lines(out: str) -> list[str]:
    return [line for line in out.splitlines() if line.startswith("Set aside")]


@pytest.fixture
def folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    root = tmp_path / "station"
    assert run(capsys, "--data-dir", str(root), "init", "--team", "Riverside SNT")[0] == 0
    return root


def test_sync_status_says_nothing_of_set_aside_changes_while_there_are_none(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "--data-dir", str(folder), "sync", "status")
    assert (code, err) == (0, "") and "Open conflicts: 0" in out
    assert "set aside" not in out.lower()


def test_sync_status_prints_one_line_per_station_and_reason(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _with_store(
        folder,
        put=[
            _entry(1, AHEAD),
            _entry(2, AHEAD),
            _entry(3, AHEAD),
            _entry(4, NEWER, OTHER, ""),
        ],
    )
    code, out, err = run(capsys, "--data-dir", str(folder), "sync", "status")
    assert (code, err) == (0, "")
    assert sorted(_set_aside_lines(out)) == [  # set aside in one second: in either order
        f"Set aside: 1 change from {OTHER} — it was made by a newer release of PCSO Desk; "
        "it is tried again at each sync.",
        "Set aside: 3 changes from Station PC 2 — it is dated 2 hours ahead of this PC's "
        "clock; they are tried again at each sync.",
    ]
    _with_store(folder, done=["hub:h:1", "hub:h:2", "hub:h:3"])  # a later sync applied them
    code, out, _ = run(capsys, "--data-dir", str(folder), "sync", "status")
    assert code == 0 and len(_set_aside_lines(out)) == 1
    assert _set_aside_lines(out)[0].startswith(f"Set aside: 1 change from {OTHER} ")
