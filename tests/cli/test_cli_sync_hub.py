"""`pcso-desk sync hub URL`: a two-way sync from the command line, and how it reports."""

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


def _secret_url(pg_server: PgServer) -> str:
    name = f"hub_{uuid.uuid4().hex}"
    pg_server.create_database(name)
    # Trust auth ignores the password: it is here to prove it is never shown.
    return f"postgresql+psycopg://postgres:secret@127.0.0.1:{pg_server.port}/{name}"


def test_sync_hub_then_status(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], pg_server: PgServer
) -> None:
    url = _secret_url(pg_server)
    main, laptop = _station(capsys, tmp_path / "main"), _station(capsys, tmp_path / "laptop")
    services = build_services(DataPaths(Path(laptop)))
    services["contacts"].create({"name": "Ann Example"})
    services.ctx.store.close()
    code, out, err = run(capsys, "--data-dir", laptop, "sync", "hub", url)
    assert code == 0 and err == "", err
    assert out.startswith("Synced with postgresql") and "sent 1 changes (1 new there)" in out
    code, out, err = run(capsys, "--data-dir", main, "sync", "hub", url)
    assert code == 0 and "received 1 (1 new here)" in out and "secret" not in out + err
    code, out, err = run(capsys, "--data-dir", main, "sync", "status")
    shown = f"127.0.0.1:{pg_server.port}/{url.rsplit('/', 1)[1]}"
    assert code == 0 and f"Hub postgresql+psycopg://postgres:***@{shown}" in out
    assert "secret" not in out + err
    log = (tmp_path / "main" / "logs" / "sync.log").read_text(encoding="utf-8")
    assert "hub sync with" in log and "secret" not in log


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
