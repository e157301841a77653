"""The documented build makes the one-folder app and the .deb; the installed app passes its
self-test. Built once per session (about two minutes on a 2-core machine)."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from xml.etree import ElementTree

import pytest

from tests.installers.first_start import app_stays_up_on_a_new_folder

ROOT = Path(__file__).resolve().parents[2]


def _build_script() -> ModuleType:
    """installers/build.py, loaded by path (it is a script, not part of the package)."""
    spec = importlib.util.spec_from_file_location("pcso_desk_build", ROOT / "installers/build.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


BUILD = _build_script()
build_main, version = BUILD.main, BUILD.version

pytestmark = [
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux package"),
    pytest.mark.slow(minutes=5),  # the build, on a busy 2-core machine: this file runs first
]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path]]:
    """(the one-folder app, the .deb) made by `python installers/build.py`.

    The .deb is gzipped at level 1 here (DPKG_DEB_COMPRESSOR_LEVEL, dpkg 1.21.10+), not
    dpkg-deb's 9: the same files, 6 s instead of 40 s for 270 MB on this machine. A release
    build keeps the default."""
    folder = tmp_path_factory.mktemp("build")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DPKG_DEB_COMPRESSOR_LEVEL", "1")
        built = build_main(["--dist", str(folder / "dist"), "--work", str(folder / "work")])
    assert built == 0
    debs = list((folder / "dist").glob("pcso-desk_*.deb"))
    assert len(debs) == 1
    yield folder / "dist" / "pcso-desk", debs[0]
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def installed(built: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The .deb unpacked into a temporary root, as dpkg would lay it out."""
    root = tmp_path_factory.mktemp("root")
    subprocess.run(["dpkg-deb", "-x", str(built[1]), str(root)], check=True)
    return root


def _clean_env(home: Path) -> dict[str, str]:
    """No virtualenv, no source tree on the path, a home of its own: only the package."""
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("VIRTUAL_ENV", "PYTHON"))}
    return {**keep, "PATH": "/usr/bin:/bin", "HOME": str(home), "QT_QPA_PLATFORM": "offscreen"}


def test_the_package_says_what_it_is(built: tuple[Path, Path]) -> None:
    fields = subprocess.run(
        ["dpkg-deb", "-f", str(built[1]), "Package", "Version", "Architecture", "Depends"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert "Package: pcso-desk" in fields
    assert f"Version: {version()}" in fields
    assert "libxkbcommon0" in fields


def test_the_installed_app_passes_its_self_test(installed: Path, tmp_path: Path) -> None:
    command = installed / "usr" / "bin" / "pcso-desk"
    assert command.is_symlink() and command.resolve() == installed / "opt/pcso-desk/pcso-desk"
    result = subprocess.run(
        [str(command), "--self-test"],
        capture_output=True, text=True, cwd=tmp_path, env=_clean_env(tmp_path), timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "(frozen app," in result.stdout
    assert result.stdout.count("\nok    ") == 6
    assert "All steps passed" in result.stdout
    version_line = subprocess.run(
        [str(command), "--version"], capture_output=True, text=True, env=_clean_env(tmp_path)
    ).stdout
    assert version_line.strip() == f"pcso-desk {version()}"


def test_the_installed_app_opens_on_a_data_folder_that_does_not_exist(
    installed: Path, tmp_path: Path
) -> None:
    app_stays_up_on_a_new_folder(
        [str(installed / "usr" / "bin" / "pcso-desk")], _clean_env(tmp_path), tmp_path
    )


def test_menu_entry_icons_and_metadata_are_installed_and_valid(installed: Path) -> None:
    share = installed / "usr" / "share"
    desktop = share / "applications" / "pcso-desk.desktop"
    subprocess.run(["desktop-file-validate", str(desktop)], check=True)
    assert "Exec=pcso-desk" in desktop.read_text(encoding="utf-8")
    for size in (16, 32, 48, 256):
        assert (share / f"icons/hicolor/{size}x{size}/apps/pcso-desk.png").stat().st_size > 0
    metainfo = share / "metainfo" / "uk.pcsodesk.PcsoDesk.metainfo.xml"
    release = ElementTree.parse(metainfo).getroot().find("releases/release")
    assert release is not None and release.get("version") == version()
    checked = subprocess.run(
        ["appstreamcli", "validate", "--no-net", "--pedantic", str(metainfo)],
        capture_output=True, text=True,
    )  # fmt: skip
    assert checked.returncode == 0, checked.stdout + checked.stderr
    bundled = installed / "opt" / "pcso-desk" / "_internal"
    for needed in ("pcso_desk/resources/style.qss", "pcso_desk/resources/help/guide.md",
                   "pcso_desk/store/migrations/versions/0005_erasure_and_review.py",
                   "pcso_desk/sync/hub_migrations/env.py"):  # fmt: skip
        assert (bundled / needed).is_file(), needed
