"""Who may build a monthly pack, on the command line: any officer a public one (a PCSO too),
only a sergeant an internal one (exact counts about people)."""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from pcso_desk.domain.enums import UserRole
from pcso_desk.domain.errors import PermissionDenied
from tests.cli.test_monthly_pack import call
from tests.role_station import Station

MONTH = "2026-06"


@pytest.fixture(scope="module")
def station(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Station]:
    made = Station(tmp_path_factory.mktemp("pack-roles"))
    yield made
    made.setup.ctx.store.close()


def _pack(station: Station, role: UserRole, tmp_path: Path, *extra: str) -> tuple[int, str]:
    return call(
        station.signed_in[role],
        "monthly-pack", "--neighbourhood", "Riverside SNT", "--month", MONTH,
        "--out", str(tmp_path / "pack.zip"), *extra,
    )  # fmt: skip


def test_a_pcso_builds_a_public_pack(station: Station, tmp_path: Path) -> None:
    code, out = _pack(station, UserRole.PCSO, tmp_path)
    assert code == 0 and out.startswith(f"Wrote the {MONTH} pack for Riverside SNT")
    assert f"riverside-snt-{MONTH}.pdf" in zipfile.ZipFile(tmp_path / "pack.zip").namelist()


def test_a_pcso_may_not_build_an_internal_pack(station: Station, tmp_path: Path) -> None:
    before = len(station.audit_rows())
    with pytest.raises(PermissionDenied) as refused:
        _pack(station, UserRole.PCSO, tmp_path, "--internal")
    assert str(refused.value) == (
        "A PCSO account cannot build internal monthly packs; ask a sergeant."
    )
    assert not (tmp_path / "pack.zip").exists()
    added = station.audit_rows()[before:]
    assert [(r["outcome"], r["role"]) for r in added] == [("refused", "pcso")]


def test_a_sergeant_builds_both(station: Station, tmp_path: Path) -> None:
    for extra, name in (((), f"riverside-snt-{MONTH}.pdf"), (("--internal",), "internal")):
        code, _ = _pack(station, UserRole.SERGEANT, tmp_path, *extra)
        names = zipfile.ZipFile(tmp_path / "pack.zip").namelist()
        assert code == 0 and any(name in n for n in names)


def test_a_pc_builds_a_public_pack_but_not_an_internal_one(
    station: Station, tmp_path: Path
) -> None:
    assert _pack(station, UserRole.PC, tmp_path)[0] == 0
    with pytest.raises(PermissionDenied, match="ask a sergeant"):
        _pack(station, UserRole.PC, tmp_path, "--internal")
