"""`pcso-desk sync identity / trust / status`: stations of one team register each other."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.test_commands import run


def _station(capsys, tmp_path: Path, name: str, team: str = "Riverside SNT") -> str:  # type: ignore[no-untyped-def]
    data = str(tmp_path / name)
    assert run(capsys, "--data-dir", data, "init", "--team", team)[0] == 0
    assert (tmp_path / name / "keys" / "station.json").exists()  # keys made with the store
    return data


def test_two_stations_trust_each_other(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main, laptop = _station(capsys, tmp_path, "main"), _station(capsys, tmp_path, "laptop")
    card = str(tmp_path / "laptop.identity")
    code, out, _ = run(capsys, "--data-dir", laptop, "sync", "identity", "--out", card)
    fingerprint = out.split("Fingerprint: ")[1].strip()
    assert code == 0 and len(fingerprint.split("-")) == 6
    code, out, _ = run(capsys, "--data-dir", main, "sync", "trust", card, "--yes")
    assert code == 0 and fingerprint in out and "Trusted" in out
    code, out, _ = run(capsys, "--data-dir", main, "sync", "status")
    assert code == 0 and "Trusted stations: 1" in out and fingerprint in out


def test_a_station_of_another_team_is_refused(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    main = _station(capsys, tmp_path, "main")
    other = _station(capsys, tmp_path, "other", team="Hillside SNT")
    card = str(tmp_path / "other.identity")
    run(capsys, "--data-dir", other, "sync", "identity", "--out", card)
    code, _, err = run(capsys, "--data-dir", main, "sync", "trust", card, "--yes")
    assert code == 1 and "belongs to team Hillside SNT" in err and err.count("\n") == 1
    assert "Trusted stations: 0" in run(capsys, "--data-dir", main, "sync", "status")[1]


def test_trust_without_confirming_the_fingerprint_is_refused(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    main, laptop = _station(capsys, tmp_path, "main"), _station(capsys, tmp_path, "laptop")
    card = str(tmp_path / "laptop.identity")
    run(capsys, "--data-dir", laptop, "sync", "identity", "--out", card)
    code, _, err = run(capsys, "--data-dir", main, "sync", "trust", card)  # stdin is no terminal
    assert code == 1 and "--yes" in err
    assert "Trusted stations: 0" in run(capsys, "--data-dir", main, "sync", "status")[1]


def test_a_damaged_identity_file_is_refused(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    main = _station(capsys, tmp_path, "main")
    bad = tmp_path / "bad.identity"
    bad.write_text('{"station_id": "x"}', encoding="utf-8")
    code, _, err = run(capsys, "--data-dir", main, "sync", "trust", str(bad), "--yes")
    assert code == 1 and err.startswith("pcso-desk: ") and "Traceback" not in err
