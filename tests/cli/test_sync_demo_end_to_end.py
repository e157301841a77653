"""The issue's end-to-end: a demo station and a new station reach identical data, both ways."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from pcso_desk.app import main
from pcso_desk.demo.builder import TEAM_NAME
from pcso_desk.services.protection.accounts import DEMO_PASSWORD
from pcso_desk.store.clocks import synced_tables
from tests.keys import raw
from tests.pg_server import PgServer


def dump(data_dir: Path) -> dict[str, list[tuple[Any, ...]]]:
    with raw(data_dir / "pcso-desk.sqlite") as conn:
        out = {}
        for table in synced_tables():
            names = [c.name for c in table.columns if c.name not in ("hlc", "field_clocks")]
            out[table.name] = conn.execute(
                f'SELECT {", ".join(names)} FROM "{table.name}" ORDER BY id'
            ).fetchall()
    return out


def cli(data_dir: Path, *args: str) -> None:
    # The demo store has accounts (its sergeant signs in); the new station has none yet.
    user = ["--user", "sergeant"] if data_dir.name == "station" else []
    assert main(["--data-dir", str(data_dir), *user, *args]) == 0


@pytest.fixture(autouse=True)
def _demo_password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PCSO_DESK_PASSWORD", DEMO_PASSWORD)


@pytest.fixture(scope="module")
def demo_station(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("demo") / "station"
    assert main(["--data-dir", str(folder), "demo", "--seed", "3"]) == 0
    return folder


def pair(tmp: Path, demo: Path) -> Path:
    fresh = tmp / "fresh"
    cli(fresh, "init", "--team", TEAM_NAME)
    cli(demo, "sync", "identity", "--out", str(tmp / "demo.id"))
    cli(fresh, "sync", "identity", "--out", str(tmp / "fresh.id"))
    cli(demo, "sync", "trust", str(tmp / "fresh.id"), "--yes")
    cli(fresh, "sync", "trust", str(tmp / "demo.id"), "--yes")
    return fresh


@pytest.mark.slow
def test_bundles_both_ways_make_a_new_station_identical(
    demo_station: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fresh = pair(tmp_path, demo_station)
    cli(demo_station, "sync", "export", "--out", str(tmp_path / "1.bundle"))
    cli(fresh, "sync", "import", str(tmp_path / "1.bundle"))
    cli(fresh, "sync", "export", "--out", str(tmp_path / "2.bundle"))
    cli(demo_station, "sync", "import", str(tmp_path / "2.bundle"))
    capsys.readouterr()
    assert dump(fresh) == dump(demo_station)
    assert len(dump(fresh)["contacts"]) >= 1000
    # Nothing new on either side: the next bundles carry nothing.
    cli(demo_station, "sync", "export", "--out", str(tmp_path / "3.bundle"))
    assert "Wrote 0 changes" in capsys.readouterr().out


@pytest.mark.slow
def test_a_hub_makes_a_new_station_identical(
    demo_station: Path, tmp_path: Path, pg_server: PgServer
) -> None:
    import shutil

    url = pg_server.create_database("hub_end_to_end")
    demo_station = shutil.copytree(demo_station, tmp_path / "demo" / "station")  # its own
    fresh = pair(tmp_path, demo_station)
    assert main(["hub", "setup", url, "--team", TEAM_NAME]) == 0
    for station, card in ((demo_station, "demo"), (fresh, "fresh")):
        access = str(tmp_path / f"{card}.access")
        assert main(["hub", "add-station", url, str(tmp_path / f"{card}.id"), "--out", access]) == 0
        cli(station, "sync", "join-hub", access)
    cli(demo_station, "sync", "hub")
    cli(fresh, "sync", "hub")
    assert dump(fresh) == dump(demo_station)
