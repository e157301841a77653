"""`pcso-desk scorecard` on the demo store: each Pledge item with met / at risk / missed and
its figure, for a neighbourhood, a ward (by code) and a district; bad input in one sentence."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pcso_desk.app import main
from pcso_desk.domain.pledge import TITLES
from pcso_desk.paths import DataPaths
from pcso_desk.services.protection import accounts
from pcso_desk.services.protection.accounts import DEMO_PASSWORD
from tests.keys import build_services

MARKS = "met|at risk|missed|not measured"


@pytest.fixture(autouse=True)
def _demo_password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PCSO_DESK_PASSWORD", DEMO_PASSWORD)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("demo") / "station"
    assert main(["--data-dir", str(folder), "demo", "--seed", "5"]) == 0
    return folder


def _names(folder: Path, kind: str) -> list[str]:
    services = build_services(DataPaths(folder), create=False)
    accounts.sign_in(services.ctx, "sergeant", DEMO_PASSWORD)
    try:
        return services.packs.area_names(kind)
    finally:
        services.ctx.store.close()


def _run(capsys: pytest.CaptureFixture[str], folder: Path, *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(["--data-dir", str(folder), "--user", "sergeant", "scorecard", *args])
    out, err = capsys.readouterr()
    return code, out, err


def _items(lines: list[str]) -> list[re.Match[str]]:
    found = []
    for title, line in zip(TITLES.values(), lines, strict=True):
        match = re.fullmatch(rf"{re.escape(title)}: ({MARKS}) \((.+)\)", line)
        assert match, line
        found.append(match)
    return found


@pytest.mark.slow(minutes=0.5)
def test_a_neighbourhood_prints_each_item_with_its_mark_and_figure(
    demo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    name = _names(demo, "neighbourhood")[0]
    code, out, err = _run(capsys, demo, "--neighbourhood", name)
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert re.fullmatch(
        rf"Pledge scorecard: {re.escape(name)}, \w+ \d{{4}} \(month still open\)", lines[0]
    )
    assert len(_items(lines[1:])) == 7
    # A closed month: every item met or missed, or not measured with its reason.
    code, out, _err = _run(capsys, demo, "--neighbourhood", name, "--month", "2026-01")
    lines = out.splitlines()
    assert lines[0] == f"Pledge scorecard: {name}, January 2026 (month closed)"
    assert {m[1] for m in _items(lines[1:])} <= {"met", "missed", "not measured"}


@pytest.mark.slow(minutes=0.5)
def test_a_ward_by_name_and_a_district_view(demo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ward = _names(demo, "ward")[0]
    code, out, _err = _run(capsys, demo, "--ward", ward, "--month", "2026-02")
    assert code == 0
    items = _items(out.splitlines()[1:])
    assert items[1][2].endswith("; counted for the whole neighbourhood")
    district = _names(demo, "district")[0]
    code, out, _err = _run(capsys, demo, "--district", district, "--month", "2026-02")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == f"Pledge scorecard: {district} district, February 2026"
    blocks = "\n".join(lines[1:]).strip().split("\n\n")
    assert len(blocks) >= 1
    for block in blocks:
        _area, *rest = block.splitlines()
        _items([line.removeprefix("  ") for line in rest])


@pytest.mark.slow(minutes=0.5)
def test_bad_input_is_one_sentence_and_exit_1(
    demo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _run(capsys, demo, "--neighbourhood", "Nowhere At All")
    assert (code, out) == (1, "")
    assert err.startswith("pcso-desk: There is no neighbourhood called 'Nowhere At All'")
    assert err.count("\n") == 1
    code, _out, err = _run(capsys, demo, "--neighbourhood", "x", "--month", "2026-13")
    assert (code, err) == (1, "pcso-desk: '2026-13' is not a month; give it as YYYY-MM.\n")
