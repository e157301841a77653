"""The command-line contract: names, options, exit codes, one-sentence errors."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from pcso_desk import __version__
from pcso_desk.app import main
from tests.keys import raw


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as exit_:  # argparse: --version and usage errors
        code = int(exit_.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "--version") == (0, f"pcso-desk {__version__}\n", "")


def test_init_then_check(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = str(tmp_path / "station")
    code, out, err = run(capsys, "--data-dir", data, "init", "--team", "Riverside SNT")
    assert code == 0 and "Riverside SNT" in out, err
    assert (tmp_path / "station" / "pcso-desk.sqlite").exists()
    code, out, _ = run(capsys, "--data-dir", data, "check")
    assert code == 0
    assert "Integrity check: ok" in out and "up to date" in out and "Store is healthy." in out


def test_data_dir_from_environment(tmp_path: Path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("PCSO_DESK_DATA_DIR", str(tmp_path / "from-env"))
    assert run(capsys, "init")[0] == 0
    assert (tmp_path / "from-env" / "pcso-desk.sqlite").exists()


def test_second_init_is_refused_with_one_sentence(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    data = str(tmp_path / "d")
    run(capsys, "--data-dir", data, "init")
    code, out, err = run(capsys, "--data-dir", data, "init", "--team", "Other")
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and "already set up" in err and "Traceback" not in err


def test_check_without_a_store_fails_cleanly(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    code, _, err = run(capsys, "--data-dir", str(tmp_path / "empty"), "check")
    assert code == 1 and "no store" in err and err.count("\n") == 1
    assert not (tmp_path / "empty").exists()


def test_check_finds_a_damaged_search_index(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]

    data = tmp_path / "d"
    run(capsys, "--data-dir", str(data), "init")
    with raw(data / "pcso-desk.sqlite") as conn:
        conn.execute("INSERT INTO contacts_fts(rowid, name) VALUES (999, 'stray')")
    code, out, _ = run(capsys, "--data-dir", str(data), "check")
    assert code == 1 and "search index of contacts is out of step" in out


@pytest.mark.parametrize(
    "argv",
    [["bogus"], ["export", "contacts"], ["demo", "--scale", "planet"], ["import", "contacts"]],
)
def test_usage_errors_exit_2(argv: list[str], tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    code, _, err = run(capsys, "--data-dir", str(tmp_path), *argv)
    assert code == 2 and "usage:" in err


def test_python_dash_m_is_the_same_command(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pcso_desk", "--data-dir", str(tmp_path), "check"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert result.stderr.startswith("pcso-desk: There is no store")
    assert "Traceback" not in result.stderr


def test_unexpected_errors_go_to_the_log_not_the_screen(
    tmp_path: Path, monkeypatch, capsys
) -> None:  # type: ignore[no-untyped-def]
    from pcso_desk.services import maintenance

    def explode(*_a: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(maintenance, "check_store", explode)
    data = tmp_path / "d"
    run(capsys, "--data-dir", str(data), "init")
    code, _, err = run(capsys, "--data-dir", str(data), "check")
    assert code == 1 and "unexpected error (RuntimeError)" in err and "Traceback" not in err
    assert "RuntimeError: boom" in (data / "logs" / "pcso-desk.log").read_text()
