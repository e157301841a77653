"""The layering holds: only pcso_desk.gui imports Qt, and the import contracts pass."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_services_and_cli_do_not_load_qt() -> None:
    code = (
        "import sys, pcso_desk.services.api, pcso_desk.cli, pcso_desk.app, pcso_desk.store.models;"
        "import pcso_desk.services.demo, pcso_desk.services.contact_import;"
        "import pcso_desk.services.export;"
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
