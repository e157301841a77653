"""A wheel built from the tree, installed into a fresh venv, starts and passes its self-test.

The wheel once shipped without its style, icons, help and advice texts: the app crashed on
its first start and the self-test failed. Nothing here runs from the source tree: the venv
is new, the working folder is a temporary one, and `pcso_desk` must load from the venv.
Third-party dependencies are borrowed from the test venv through a path entry (a full
download-and-unpack of PySide6 per run would cost a minute); the wheel's declared
requirements are checked against what the new venv then sees.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

from tests.installers.first_start import app_stays_up_on_a_new_folder

ROOT = Path(__file__).resolve().parents[2]
BIN = "Scripts" if sys.platform == "win32" else "bin"


@pytest.fixture(scope="module")
def fresh_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new venv holding the wheel built from this tree (and nothing of the tree itself)."""
    work = tmp_path_factory.mktemp("wheel")
    # A clean copy of what a wheel is built from: a build/ folder left in the checkout by an
    # earlier build would otherwise lend the wheel files the package data no longer names.
    source = work / "source"
    leftovers = shutil.ignore_patterns("__pycache__", "*.egg-info", "build", "dist")
    shutil.copytree(ROOT / "pcso_desk", source / "pcso_desk", ignore=leftovers)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
         "--disable-pip-version-check", "-q", "-w", str(work / "dist"), str(source)],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert built.returncode == 0, built.stdout + built.stderr
    (wheel,) = (work / "dist").glob("pcso_desk-*.whl")
    target = work / "venv"
    venv.EnvBuilder(with_pip=False).create(target)
    python = target / BIN / "python"
    site = Path(
        subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            capture_output=True, text=True, check=True,
        ).stdout.strip()
    )  # fmt: skip
    installed = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps",
         "--disable-pip-version-check", "-q", str(wheel)],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert installed.returncode == 0, installed.stdout + installed.stderr
    # After the venv's own site-packages, so the wheel's pcso_desk wins over the editable one.
    (site / "zz_borrowed_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return target


def _env(home: Path) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("VIRTUAL_ENV", "PYTHON"))}
    keep.pop("PCSO_DESK_DATA_DIR", None)
    return {**keep, "HOME": str(home), "XDG_DATA_HOME": str(home / "data"),
            "XDG_CONFIG_HOME": str(home / "config"), "QT_QPA_PLATFORM": "offscreen"}  # fmt: skip


def test_the_wheel_holds_the_package_and_its_resources(fresh_venv: Path, tmp_path: Path) -> None:
    probe = """
import importlib.metadata as md, re, pcso_desk
from pcso_desk.paths import resource_path
print(pcso_desk.__file__)
for part in ("style.qss", "help/guide.md", "icons/pcso-desk.svg", "advice/asb.md"):
    assert resource_path(*part.split("/")).is_file(), part
missing = []
for requirement in md.requires("pcso-desk") or []:
    if "extra ==" in requirement or "win32" in requirement:
        continue
    name = re.split(r"[<>=!~;\\[ ]", requirement, maxsplit=1)[0]
    try:
        md.version(name)
    except md.PackageNotFoundError:
        missing.append(name)
assert not missing, missing
"""
    result = subprocess.run(
        [str(fresh_venv / BIN / "python"), "-c", probe],
        capture_output=True, text=True, cwd=tmp_path, env=_env(tmp_path),
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip().startswith(str(fresh_venv)), "pcso_desk came from elsewhere"


def test_the_installed_wheel_passes_its_self_test(fresh_venv: Path, tmp_path: Path) -> None:
    result = subprocess.run(
        [str(fresh_venv / BIN / "pcso-desk"), "--self-test"],
        capture_output=True, text=True, cwd=tmp_path, env=_env(tmp_path), timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("\nok    ") == 6 and "All steps passed" in result.stdout


def test_the_installed_wheel_opens_on_a_data_folder_that_does_not_exist(
    fresh_venv: Path, tmp_path: Path
) -> None:
    app_stays_up_on_a_new_folder([str(fresh_venv / BIN / "pcso-desk")], _env(tmp_path), tmp_path)
