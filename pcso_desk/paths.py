"""Where a store lives: --data-dir, PCSO_DESK_DATA_DIR, or the platform's local app-data folder."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

APP_NAME = "PCSO Desk"
APP_AUTHOR = "PCSO Desk"
ENV_DATA_DIR = "PCSO_DESK_DATA_DIR"


def default_data_dir() -> Path:
    """The local (never roaming) per-user data folder: a store must not follow a profile around."""
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, APP_AUTHOR, roaming=False)


@dataclass(frozen=True)
class DataPaths:
    """Every file PCSO Desk keeps for one store, under one folder."""

    root: Path

    @classmethod
    def resolve(cls, data_dir: str | os.PathLike[str] | None = None) -> DataPaths:
        chosen = data_dir or os.environ.get(ENV_DATA_DIR) or default_data_dir()
        return cls(Path(chosen).expanduser().absolute())

    @classmethod
    def for_demo(cls, data_dir: str | os.PathLike[str] | None = None) -> DataPaths:
        """Where `pcso-desk demo` builds: a folder named by --data-dir or PCSO_DESK_DATA_DIR
        itself, else the demo folder of the default one, never the real store."""
        if data_dir or os.environ.get(ENV_DATA_DIR):
            return cls.resolve(data_dir)
        return cls.resolve().demo

    @property
    def demo(self) -> DataPaths:
        """The demo store's own data folder, inside this one: made-up data kept apart."""
        return DataPaths(self.root / "demo")

    @property
    def store(self) -> Path:
        return self.root / "pcso-desk.sqlite"

    @property
    def backups(self) -> Path:
        return self.root / "backups"

    @property
    def logs(self) -> Path:
        return self.root / "logs"

    @property
    def keys(self) -> Path:
        return self.root / "keys"

    @property
    def drafts(self) -> Path:
        return self.root / "drafts"

    def prepare(self, args: object = None) -> DataPaths:
        """What each process does first with its data folder (private.py `start`): it makes
        only private files from now on (POSIX), the folder's files are made private, what
        killed processes left is swept, and what this process does (`args`, its command
        line) is noted for a busy store's message."""
        from pcso_desk.private import start

        start(self, args)
        return self

    def ensure(self) -> DataPaths:
        for folder in (self.root, self.backups, self.logs, self.keys, self.drafts):
            folder.mkdir(parents=True, exist_ok=True)
        return self


def resource_path(*parts: str) -> Path:
    """A file the app ships under pcso_desk/resources/ (style, icons, advice texts, help).

    Found beside the package's own modules wherever the package is: a source tree, an
    editable or wheel install, or the frozen app (whose bundle keeps pcso_desk/resources/
    beside its modules). Qt and reportlab want real files, and every one of those installs
    keeps the package unzipped on disk. A loader that keeps it elsewhere is asked through
    importlib.resources (not imported otherwise: the sign-in form's style is read before
    the form is painted).
    """
    import pcso_desk

    base = Path(pcso_desk.__file__).parent / "resources"
    if not base.is_dir():
        from importlib.resources import files

        base = Path(str(files("pcso_desk") / "resources"))
    return base.joinpath(*parts)
