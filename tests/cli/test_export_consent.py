"""`pcso-desk export contacts` leaves off people who must not be contacted, and says so;
`--everyone` keeps them in, marked."""

from __future__ import annotations

from pathlib import Path

import pytest

from pcso_desk.paths import DataPaths
from pcso_desk.services.protection import accounts
from tests.cli.station import PASSWORDS, Station, build_station, run
from tests.factories import utc
from tests.keys import build_services


@pytest.fixture
def station(tmp_path: Path) -> Station:
    built = build_station(tmp_path / "station")
    services = build_services(DataPaths(built.root), create=False)
    try:
        accounts.sign_in(services.ctx, "sergeant", PASSWORDS["sergeant"])
        services.contacts.create(
            {"name": "Wanda Withdrawn", "consent_withdrawn_at": utc(2026, 3, 3, 12)}
        )
    finally:
        services.ctx.store.close()
    return built


def test_export_says_how_many_it_left_off_and_everyone_keeps_them(
    station: Station,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("PCSO_DESK_PASSWORD", PASSWORDS["sergeant"])
    target = tmp_path / "contacts.csv"
    base = ("--data-dir", str(station.root), "--user", "sergeant", "export", "contacts")
    code, out, err = run(capsys, *base, "--format", "csv", "--out", str(target))
    assert code == 0, err
    assert out.splitlines() == [
        f"Exported 1 contacts to {target}.",
        "Left off 1 person who must not be contacted (consent withdrawn or not recorded); "
        "--everyone keeps them in, marked.",
    ]
    text = target.read_text("utf-8-sig")
    assert "Robin Sample" in text and "Wanda" not in text
    code, out, err = run(capsys, *base, "--format", "csv", "--out", str(target), "--everyone")
    assert (code, out) == (0, f"Exported 2 contacts to {target}.\n"), err
    assert "consent withdrawn 3 March 2026" in target.read_text("utf-8-sig")
