"""`pcso-desk hub ...` and `pcso-desk sync hub`: a keeper sets up the hub and adds stations,
the stations sync with their own access, from the command line, and how it reports."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from pcso_desk.paths import DataPaths
from tests.cli.test_commands import run
from tests.keys import build_services
from tests.pg_server import PgServer


def _station(capsys: pytest.CaptureFixture[str], root: Path) -> str:
    assert run(capsys, "--data-dir", str(root), "init", "--team", "Riverside SNT")[0] == 0
    return str(root)


def _owner_url(pg_server: PgServer) -> str:
    name = f"hub_{uuid.uuid4().hex}"
    return pg_server.create_database(name)


def join_by_cli(
    capsys: pytest.CaptureFixture[str], owner: str, stations: list[str], cards: Path
) -> None:
    """The keeper and the officers, by the command line only: identities exchanged and
    trusted, the hub set up, each station given its own access file, which it joins with."""
    cards.mkdir(parents=True, exist_ok=True)
    for root in stations:
        card = str(cards / f"{Path(root).name}.identity")
        assert run(capsys, "--data-dir", root, "sync", "identity", "--out", card)[0] == 0
    for root in stations:
        for other in stations:
            if other != root:
                card = str(cards / f"{Path(other).name}.identity")
                assert run(capsys, "--data-dir", root, "sync", "trust", card, "--yes")[0] == 0
    code, out, err = run(capsys, "hub", "setup", owner, "--team", "Riverside SNT")
    assert code == 0 and "serves team Riverside SNT" in out, err
    for root in stations:
        card, access = (str(cards / f"{Path(root).name}.{ext}") for ext in ("identity", "access"))
        code, out, err = run(capsys, "hub", "add-station", owner, card, "--out", access)
        assert code == 0 and "may now sync with the hub" in out, err
        code, out, err = run(capsys, "--data-dir", root, "sync", "join-hub", access)
        assert code == 0 and out.startswith("Joined the hub at postgresql"), err


def test_a_keeper_adds_two_stations_and_they_sync_without_a_typed_password(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], pg_server: PgServer
) -> None:
    from pcso_desk.sync.hub_access import kept_access

    owner = _owner_url(pg_server)
    main, laptop = _station(capsys, tmp_path / "main"), _station(capsys, tmp_path / "laptop")
    join_by_cli(capsys, owner, [main, laptop], tmp_path / "cards")
    services = build_services(DataPaths(Path(laptop)))
    services["contacts"].create({"name": "Ann Example"})
    kept = kept_access(Path(laptop) / "keys", services.ctx.store.key)
    services.ctx.store.close()
    assert kept is not None
    secret = kept.split(":", 2)[2].split("@")[0]  # the station's own password, never typed
    assert len(secret) >= 24
    access = (tmp_path / "cards" / "laptop.access").read_bytes()
    assert secret.encode() not in access  # sealed for the station
    shown = f"127.0.0.1:{pg_server.port}/{owner.rsplit('/', 1)[1]}"
    code, out, err = run(capsys, "--data-dir", laptop, "sync", "status")
    assert code == 0 and f"Hub postgresql://{shown}: joined, not synced yet" in out
    code, out, err = run(capsys, "--data-dir", laptop, "sync", "hub")
    assert code == 0 and err == "", err
    assert out.startswith("Synced with postgresql") and "sent " in out
    code, out, err = run(capsys, "--data-dir", main, "sync", "hub")
    assert code == 0 and "(1 new here)" in out and secret not in out + err
    code, out, err = run(capsys, "--data-dir", main, "sync", "status")
    assert code == 0 and f"Hub postgresql://{shown}: last synced" in out
    assert "joined, not synced yet" not in out
    assert secret not in out + err
    for root in (main, laptop):
        for path in Path(root).rglob("*"):
            if path.is_file() and path.suffix in (".log", ".ini", ".json", ".txt"):
                assert secret not in path.read_text(encoding="utf-8", errors="replace"), path
    # Withdrawn: the laptop can no longer sign in, the main station still syncs.
    code, out, _ = run(capsys, "hub", "remove-station", owner, _station_id(laptop))
    assert code == 0 and "can no longer sign in" in out
    code, out, err = run(capsys, "--data-dir", laptop, "sync", "hub")
    assert code == 1 and "refused the connection" in err
    assert run(capsys, "--data-dir", main, "sync", "hub")[0] == 0


def _station_id(root: str) -> str:
    import json

    return str(json.loads((Path(root) / "keys" / "station.json").read_text())["station_id"])


def test_an_unreachable_hub_is_one_line_and_exit_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main = _station(capsys, tmp_path / "main")
    url = "postgresql+psycopg://postgres:secret@127.0.0.1:1/x"
    code, out, err = run(capsys, "--data-dir", main, "sync", "hub", url)
    assert code == 1 and out == ""
    assert err.startswith("pcso-desk: ") and err.count("\n") == 1 and "could not be reached" in err
    assert "secret" not in err and "Traceback" not in err
    code, out, _ = run(capsys, "--data-dir", main, "sync", "status")
    assert code == 0 and "Hub " not in out  # a failed first sync records no hub


def test_a_non_postgresql_address_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main = _station(capsys, tmp_path / "main")
    code, _, err = run(capsys, "--data-dir", main, "sync", "hub", f"sqlite:///{tmp_path / 'x.db'}")
    assert code == 1 and err.startswith("pcso-desk: ") and "PostgreSQL" in err
    assert err.count("\n") == 1 and not (tmp_path / "x.db").exists()
