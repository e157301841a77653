"""`import crimes` and `monthly-pack` on the command line (as cli/__init__.py wires them in)."""

from __future__ import annotations

import argparse
import io
import zipfile
from datetime import date
from pathlib import Path

import pytest

from pcso_desk.cli.packs import add_import_crimes, add_parsers, run_import_crimes, run_monthly_pack
from pcso_desk.domain.errors import NotFoundError, ValidationError
from pcso_desk.services.api import Services
from pcso_desk.services.documents.crimes import HEADER
from tests.services.test_monthly import MONTH, Known, known  # noqa: F401 - the fixture


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="pcso-desk")
    commands = top.add_subparsers(dest="command", required=True)
    kinds = commands.add_parser("import").add_subparsers(dest="kind", required=True)
    add_import_crimes(kinds)
    add_parsers(commands)
    return top


def call(services: Services, *argv: str, today: date | None = None) -> tuple[int, str]:
    args = parser().parse_args(argv)
    out = io.StringIO()
    if args.command == "import":
        code = run_import_crimes(args, lambda _create: services, out)
    else:
        code = run_monthly_pack(args, lambda _create: services, out, today=today)
    return code, out.getvalue()


def test_import_crimes_prints_a_summary_and_each_rejected_row(
    services: Services, world: object, tmp_path: Path
) -> None:
    path = tmp_path / "street.csv"
    row = "x1,2026-03,P,P,,,On or near High Street,E01000009,L,Burglary,,"
    path.write_text(",".join(HEADER) + "\n" + row + "\nbroken,row\n", encoding="utf-8")
    code, out = call(services, "import", "crimes", str(path))
    assert code == 0
    assert out.splitlines() == [
        "Imported 1 crime row; 0 already held, 1 rejected. 1 row in LSOAs not mapped "
        "to a ward (E01000009): add them to the LSOA mapping.",
        "Row 3 was not imported: it has 2 cells, not 12.",
    ]


def test_monthly_pack_for_a_neighbourhood_defaults_to_the_last_complete_month(
    services: Services,
    known: Known,  # noqa: F811
    tmp_path: Path,
) -> None:
    out_file = tmp_path / "pack.zip"
    code, out = call(
        services,
        "monthly-pack",
        "--neighbourhood",
        "Riverside SNT",
        "--out",
        str(out_file),
        today=date(2026, 4, 3),
    )
    assert code == 0 and out == f"Wrote the {MONTH} pack for Riverside SNT to {out_file}.\n"
    assert f"riverside-snt-{MONTH}.pdf" in zipfile.ZipFile(out_file).namelist()


def test_monthly_pack_for_a_council_internal(
    services: Services,
    known: Known,  # noqa: F811
    tmp_path: Path,
) -> None:
    out_file = tmp_path / "council.zip"
    code, _ = call(
        services,
        "monthly-pack",
        "--council",
        "Riverside Parish Council",
        "--month",
        MONTH,
        "--internal",
        "--out",
        str(out_file),
    )
    names = zipfile.ZipFile(out_file).namelist()
    assert code == 0 and f"riverside-parish-council-{MONTH}-internal.pdf" in names


def test_monthly_pack_for_a_district_prints_progress(
    services: Services,
    known: Known,  # noqa: F811
    tmp_path: Path,
) -> None:
    code, out = call(
        services,
        "monthly-pack",
        "--district",
        "Testshire North",
        "--month",
        MONTH,
        "--out",
        str(tmp_path),
    )
    assert code == 0
    assert out.splitlines() == ["[1/1] Riverside SNT", f"Wrote 1 pack for {MONTH} to {tmp_path}."]
    assert (tmp_path / f"riverside-snt-{MONTH}.zip").exists()


def test_monthly_pack_errors_are_one_sentence(
    services: Services,
    known: Known,  # noqa: F811
    tmp_path: Path,
) -> None:
    with pytest.raises(NotFoundError, match="There is no ward called 'Atlantis'"):
        call(services, "monthly-pack", "--ward", "Atlantis", "--out", str(tmp_path / "a.zip"))
    with pytest.raises(ValidationError, match="'March' is not a month"):
        call(
            services,
            "monthly-pack",
            "--ward",
            "Riverside East",
            "--month",
            "March",
            "--out",
            str(tmp_path / "a.zip"),
        )
    with pytest.raises(SystemExit):  # an area is required, and only one
        parser().parse_args(["monthly-pack", "--out", "x.zip"])
