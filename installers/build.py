"""Build the one-folder app (dist/pcso-desk/) and, on Linux, the .deb (dist/*.deb).

    python installers/build.py            # the app, and the .deb on Linux
    python installers/build.py --no-deb   # the app only

Needs the `build` extra (`pip install -e ".[build]"`). Windows: then run Inno Setup on
installers/windows/pcso-desk.iss (see installers/windows/README.md).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "installers" / "pyinstaller" / "pcso_desk.spec"


def version() -> str:
    with (ROOT / "pyproject.toml").open("rb") as handle:
        return str(tomllib.load(handle)["project"]["version"])


def build_app(dist: Path, work: Path) -> Path:
    """Run PyInstaller on the spec; the one-folder app it made."""
    subprocess.run(
        [
            sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean", "--log-level=WARN",
            "--distpath", str(dist), "--workpath", str(work), str(SPEC),
        ],
        check=True,
        cwd=ROOT,
    )  # fmt: skip
    return dist / "pcso-desk"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dist", type=Path, default=ROOT / "dist", help="output folder")
    parser.add_argument("--work", type=Path, default=ROOT / "build" / "pyinstaller")
    parser.add_argument("--no-deb", action="store_true", help="do not make the .deb")
    args = parser.parse_args(argv)
    app = build_app(args.dist, args.work)
    print(f"Built {app}")
    if sys.platform.startswith("linux") and not args.no_deb:
        sys.path.insert(0, str(ROOT / "installers" / "linux"))
        from build_deb import build_deb

        deb = build_deb(app, args.dist, version())
        print(f"Built {deb}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
