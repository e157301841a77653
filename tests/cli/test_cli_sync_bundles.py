"""`pcso-desk sync export / import`: two stations reach the same data by bundle files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from pcso_desk.paths import DataPaths
from pcso_desk.store.clocks import synced_tables
from tests.cli.test_commands import run
from tests.keys import build_services

TEAM = "Riverside SNT"


def _init(capsys: pytest.CaptureFixture[str], folder: Path) -> str:
    assert run(capsys, "--data-dir", str(folder), "init", "--team", TEAM)[0] == 0
    return str(folder)


def _add_contacts(folder: str, *names: str) -> None:
    services = build_services(DataPaths(Path(folder)), create=False)
    try:
        for name in names:
            services["contacts"].create({"name": name, "kind": "resident"})
    finally:
        services.ctx.store.close()


def _dump(folder: str) -> dict[str, list[tuple[Any, ...]]]:
    services = build_services(DataPaths(Path(folder)), create=False)
    dump = {}
    try:
        with services.ctx.store.read() as session:
            connection = session.connection()
            for table in synced_tables():
                names = [c.name for c in table.columns if c.name not in ("hlc", "field_clocks")]
                quoted = ", ".join(f'"{name}"' for name in names)
                sql = f'SELECT {quoted} FROM "{table.name}" ORDER BY id'
                dump[table.name] = [tuple(row) for row in connection.exec_driver_sql(sql)]
    finally:
        services.ctx.store.close()
    return dump


def _trust(capsys: pytest.CaptureFixture[str], truster: str, peer: str, card: Path) -> None:
    code, out, _ = run(capsys, "--data-dir", peer, "sync", "identity", "--out", str(card))
    assert code == 0
    fingerprint = out.split("Fingerprint: ")[1].strip()
    code, out, _ = run(capsys, "--data-dir", truster, "sync", "trust", str(card), "--yes")
    assert code == 0 and fingerprint in out


@pytest.fixture
def stations(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[str, str]:
    """Two stations of one team that have registered each other."""
    a, b = _init(capsys, tmp_path / "a"), _init(capsys, tmp_path / "b")
    _trust(capsys, a, b, tmp_path / "b.identity")
    _trust(capsys, b, a, tmp_path / "a.identity")
    return a, b


def test_two_stations_exchange_bundles_and_end_with_the_same_data(
    stations: tuple[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a, b = stations
    _add_contacts(a, "Ann Example", "Abe Example")
    _add_contacts(b, "Bob Example")
    code, out, _ = run(capsys, "--data-dir", a, "sync", "status")
    assert code == 0 and "Trusted stations: 1" in out
    assert "Changes not yet confirmed by every trusted station: 2" in out
    to_b, to_a = tmp_path / "to-b.bundle", tmp_path / "to-a.bundle"
    code, out, err = run(capsys, "--data-dir", a, "sync", "export", "--out", str(to_b))
    assert (code, err) == (0, "") and out.startswith("Wrote 2 changes")
    code, out, err = run(capsys, "--data-dir", b, "sync", "import", str(to_b))
    assert (code, err) == (0, "") and "Imported 2 changes" in out and "2 applied" in out
    assert run(capsys, "--data-dir", b, "sync", "export", "--out", str(to_a))[0] == 0
    code, out, err = run(capsys, "--data-dir", a, "sync", "import", str(to_a))
    assert (code, err) == (0, "") and "Imported" in out
    assert _dump(a) == _dump(b)
    assert len(_dump(a)["contacts"]) == 3
    code, out, _ = run(capsys, "--data-dir", b, "sync", "status")
    assert code == 0 and "Open conflicts: 0" in out and "last bundle received never" not in out


def test_a_tampered_bundle_is_refused_with_one_line(
    stations: tuple[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a, b = stations
    _add_contacts(a, "Ann Example")
    bundle = tmp_path / "to-b.bundle"
    assert run(capsys, "--data-dir", a, "sync", "export", "--out", str(bundle))[0] == 0
    data = bytearray(bundle.read_bytes())
    data[len(data) // 2] ^= 0x01
    bundle.write_bytes(bytes(data))
    code, out, err = run(capsys, "--data-dir", b, "sync", "import", str(bundle))
    assert code == 1 and out == ""
    assert err.startswith("pcso-desk: ") and err.count("\n") == 1 and "Traceback" not in err
    assert "altered or damaged" in err
    assert _dump(b)["contacts"] == []


def test_importing_a_bundle_twice_says_nothing_changed(
    stations: tuple[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a, b = stations
    _add_contacts(a, "Ann Example")
    bundle = tmp_path / "to-b.bundle"
    assert run(capsys, "--data-dir", a, "sync", "export", "--out", str(bundle))[0] == 0
    assert run(capsys, "--data-dir", b, "sync", "import", str(bundle))[0] == 0
    before = _dump(b)
    code, out, err = run(capsys, "--data-dir", b, "sync", "import", str(bundle))
    assert (code, err) == (0, "") and "imported before; nothing changed" in out
    assert _dump(b) == before


def test_export_with_no_trusted_station_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    alone = _init(capsys, tmp_path / "alone")
    out_file = tmp_path / "out.bundle"
    code, _, err = run(capsys, "--data-dir", alone, "sync", "export", "--out", str(out_file))
    assert code == 1 and err.startswith("pcso-desk: ") and err.count("\n") == 1
    assert "trust" in err and not out_file.exists()


def test_importing_a_missing_file_is_a_sentence_not_a_traceback(
    stations: tuple[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, b = stations
    missing = tmp_path / "nowhere.bundle"
    code, out, err = run(capsys, "--data-dir", b, "sync", "import", str(missing))
    assert code == 1 and out == ""
    assert err.startswith("pcso-desk: ") and err.count("\n") == 1
    assert "Traceback" not in err and "unexpected error" not in err
    assert "nowhere.bundle" in err


def test_export_without_an_output_file_is_a_usage_error(
    stations: tuple[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    a, _ = stations
    code, _, err = run(capsys, "--data-dir", a, "sync", "export")
    assert code == 2 and "--out" in err
