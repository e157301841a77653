"""Pack the one-folder app into a .deb: /opt/pcso-desk, a `pcso-desk` command, menu entry.

Layout of the package:
    /opt/pcso-desk/                       the PyInstaller one-folder app
    /usr/bin/pcso-desk                    relative symlink to /opt/pcso-desk/pcso-desk
    /usr/share/applications/pcso-desk.desktop
    /usr/share/metainfo/uk.pcsodesk.PcsoDesk.metainfo.xml   (AppStream)
    /usr/share/mime/packages/pcso-desk-bundle.xml           (*.pcsosync sync bundles)
    /usr/share/icons/hicolor/<N>x<N>/apps/pcso-desk.png and scalable/apps/pcso-desk.svg

Qt's own libraries travel inside the app; `Depends` names the system libraries Qt's xcb
platform plugin and fontconfig load from the machine. Built with `dpkg-deb --root-owner-group`
so every file is owned by root whoever builds it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
ICONS = ROOT / "pcso_desk" / "resources" / "icons"
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
DEPENDS = (
    "libc6, libfontconfig1, libfreetype6, libglib2.0-0, libgl1, libegl1, libdbus-1-3, "
    "libxkbcommon0, libxkbcommon-x11-0, libxcb-cursor0, libxcb-icccm4, libxcb-keysyms1, "
    "libxcb-shape0, libxcb-xinerama0, libxcb-randr0, libxcb-render-util0, libx11-xcb1"
)


def _architecture() -> str:
    found = subprocess.run(
        ["dpkg", "--print-architecture"], capture_output=True, text=True, check=True
    )
    return found.stdout.strip()


def _control(version: str, installed_kb: int) -> str:
    return (
        "Package: pcso-desk\n"
        f"Version: {version}\n"
        "Section: misc\n"
        "Priority: optional\n"
        f"Architecture: {_architecture()}\n"
        f"Installed-Size: {installed_kb}\n"
        f"Depends: {DEPENDS}\n"
        "Maintainer: PCSO Desk team <pcso-desk@example.org>\n"
        "Description: desk-side tool of a police neighbourhood team\n"
        " Community contacts, Key Individual Networks, public meetings, victim care,\n"
        " street briefing handouts and monthly update packs, offline on station PCs.\n"
    )


def _size_kb(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) // 1024 + 1


def build_deb(app: Path, out: Path, version: str) -> Path:
    """The .deb of the one-folder `app`, written into `out`."""
    if not (app / "pcso-desk").is_file():
        raise FileNotFoundError(f"{app} holds no pcso-desk program: build the app first")
    with tempfile.TemporaryDirectory(prefix="pcso-desk-deb-") as folder:
        stage = Path(folder) / "pkg"
        shutil.copytree(app, stage / "opt" / "pcso-desk", symlinks=True)
        bin_dir = stage / "usr" / "bin"
        bin_dir.mkdir(parents=True)
        os.symlink("../../opt/pcso-desk/pcso-desk", bin_dir / "pcso-desk")
        share = stage / "usr" / "share"
        for source, target in (
            (HERE / "pcso-desk.desktop", share / "applications" / "pcso-desk.desktop"),
            (HERE / "pcso-desk-bundle.xml", share / "mime" / "packages" / "pcso-desk-bundle.xml"),
            (ICONS / "pcso-desk.svg", share / "icons/hicolor/scalable/apps/pcso-desk.svg"),
        ):
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
        for size in ICON_SIZES:
            png = ICONS / f"pcso-desk-{size}.png"
            target = share / f"icons/hicolor/{size}x{size}/apps/pcso-desk.png"
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(png, target)
        metainfo = (HERE / "uk.pcsodesk.PcsoDesk.metainfo.xml").read_text(encoding="utf-8")
        today = datetime.now(UTC).date().isoformat()
        metainfo = metainfo.replace("@VERSION@", version).replace("@DATE@", today)
        target = share / "metainfo" / "uk.pcsodesk.PcsoDesk.metainfo.xml"
        target.parent.mkdir(parents=True)
        target.write_text(metainfo, encoding="utf-8")
        debian = stage / "DEBIAN"
        debian.mkdir()
        (debian / "control").write_text(_control(version, _size_kb(stage)), encoding="utf-8")
        for path in stage.rglob("*"):  # dpkg wants 0755 folders and no group/other writes
            if not path.is_symlink():
                path.chmod(0o755 if path.is_dir() or os.access(path, os.X_OK) else 0o644)
        out.mkdir(parents=True, exist_ok=True)
        deb = out / f"pcso-desk_{version}_{_architecture()}.deb"
        subprocess.run(
            ["dpkg-deb", "--root-owner-group", "-Zgzip", "--build", str(stage), str(deb)],
            check=True,
            capture_output=True,
        )
    return deb
