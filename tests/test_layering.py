"""The layering holds: only pcso_desk.gui imports Qt, and the import contracts pass."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_services_and_cli_do_not_load_qt() -> None:
    code = (
        "import sys, pcso_desk.services.api, pcso_desk.cli, pcso_desk.app, pcso_desk.store.models;"
        "import pcso_desk.demo.builder, pcso_desk.services.records.contact_import;"
        "import pcso_desk.services.records.export;"
        "loaded = [m for m in sys.modules if m.startswith(('PySide6', 'shiboken6'))];"
        "print(loaded); sys.exit(1 if loaded else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_no_module_outside_gui_imports_qt() -> None:
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "pcso_desk").rglob("*.py")
        if "gui" not in path.relative_to(ROOT / "pcso_desk").parts
        and any(
            line.lstrip().startswith(("import PySide6", "from PySide6"))
            for line in path.read_text(encoding="utf-8").splitlines()
        )
    ]
    assert offenders == []


def test_import_linter_contracts_hold() -> None:
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(lint_imports), str(ROOT / "pyproject.toml")],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 kept, 0 broken" in result.stdout
    assert "Front ends reach the services only through the Services surface" in result.stdout


def test_no_module_is_longer_than_600_lines() -> None:
    """A module past 600 lines holds more than one idea: split it by what it is about."""
    package = Path(__file__).resolve().parents[1] / "pcso_desk"
    long = {
        str(path.relative_to(package)): n
        for path in package.rglob("*.py")
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > 600
    }
    assert long == {}


def test_the_gui_modules_do_not_import_each_other_in_a_circle() -> None:
    import grimp

    graph = grimp.build_graph("pcso_desk")
    gui = sorted(m for m in graph.modules if m.startswith("pcso_desk.gui"))
    circles = [
        (a, b)
        for a in gui
        for b in graph.find_modules_directly_imported_by(a)
        if b.startswith("pcso_desk.gui") and graph.chain_exists(b, a) and a < b
    ]
    assert circles == []
