"""Nothing lost in sync: two stations give one meeting different venues, and on both
`pcso-desk history meetings ID` prints both venues with their stations."""

from __future__ import annotations

from pathlib import Path

import pytest

from pcso_desk.paths import DataPaths
from tests.cli.test_cli_sync_bundles import stations  # noqa: F401  (the fixture)
from tests.cli.test_commands import run
from tests.factories import utc
from tests.keys import build_services


def _a_neighbourhood(services) -> str:  # type: ignore[no-untyped-def]
    """The neighbourhood a meeting needs (one district, one neighbourhood)."""
    district = services["districts"].create({"name": "Testshire", "code": "TS"}).created[0]
    values = {"name": "Riverside SNT", "code": "RIV", "district_id": district}
    return str(services["neighbourhoods"].create(values).created[0])


def _services(folder: str):  # type: ignore[no-untyped-def]
    return build_services(DataPaths(Path(folder)), create=False)


def _new_meeting(folder: str) -> str:
    services = _services(folder)
    try:
        return str(
            services.meetings.create(
                {
                    "meeting_type": "pact",
                    "title": "Spring PACT",
                    "starts_at": utc(2098, 3, 4, 18),
                    "neighbourhood_id": _a_neighbourhood(services),
                }
            ).created[0]
        )
    finally:
        services.ctx.store.close()


def _set_venue(folder: str, meeting: str, venue: str) -> None:
    services = _services(folder)
    try:
        services.meetings.update(meeting, {"venue": venue})
    finally:
        services.ctx.store.close()


def _send(capsys: pytest.CaptureFixture[str], sender: str, receiver: str, out: Path) -> None:
    assert run(capsys, "--data-dir", sender, "sync", "export", "--out", str(out))[0] == 0
    code, said, err = run(capsys, "--data-dir", receiver, "sync", "import", str(out))
    assert (code, err) == (0, ""), said


def test_both_venues_are_in_the_history_on_both_stations(
    stations: tuple[str, str],  # noqa: F811
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    a, b = stations
    meeting = _new_meeting(a)
    _send(capsys, a, b, tmp_path / "1.bundle")
    _set_venue(a, meeting, "Venue A")
    _set_venue(b, meeting, "Venue B")
    _send(capsys, a, b, tmp_path / "2.bundle")
    _send(capsys, b, a, tmp_path / "3.bundle")
    printed = {}
    for folder in (a, b):
        code, out, err = run(capsys, "--data-dir", folder, "history", "meetings", meeting)
        assert (code, err) == (0, ""), err
        printed[folder] = out
        venues = [line for line in out.splitlines() if line.startswith("Venue")]
        assert len(venues) == 2, out
        # Each venue with the station that set it ("this PC" is where the command runs).
        assert any("Venue A" in line for line in venues)
        assert any("Venue B" in line for line in venues)
        assert sum("(this PC)" in line for line in venues) == 1
        assert sum(line.rstrip().endswith("now") for line in venues) == 1
    # Both stations agree on which venue stands now.
    winner = [
        next(ln for ln in printed[f].splitlines() if ln.startswith("Venue") and "now" in ln)
        for f in (a, b)
    ]
    assert ("Venue A" in winner[0]) == ("Venue A" in winner[1])


def test_history_of_an_unknown_kind_or_record_is_one_sentence(
    stations: tuple[str, str],  # noqa: F811
    capsys: pytest.CaptureFixture[str],
) -> None:
    a, _b = stations
    code, out, err = run(capsys, "--data-dir", a, "history", "spaceships", "x")
    assert code == 1 and out == "" and err.count("\n") == 1
    assert "not a kind of record with a history" in err
    code, out, err = run(capsys, "--data-dir", a, "history", "meetings", "no-such-id")
    assert code == 1 and "There is no meeting with id no-such-id." in err
