"""The data folder at each start: private to its user, and clear of what a killed process left.

Private (POSIX): every process sets its umask to 077 first thing (`start`), so every file and
folder it creates is its user's alone whatever the shell's umask: the store and its -wal,
backups, set-aside copies, keys, logs, drafts, and also what a user asks for elsewhere (an
export's --out, a PDF, a pack), which is the safer default for personal data. What the data
folder already holds is put right: folders 0700, files 0600 (symbolic links are neither
followed nor changed). On Windows the data folder lives under the user's local app data,
whose access list already admits that user alone, so nothing is changed there.

Leftovers: a file being written whole is first written under a hidden temporary name
(atomic.py: ``.<name>.<pid>-<token>.part``, ``.tmp`` or ``.partial``) and renamed once whole;
a demo store is built in a sibling folder ``<folder>.building-<pid>`` and moved into place once
its accounts are made (demo/builder.py). A process killed midway leaves those behind (a
backup's can be 180 MB); `sweep_leftovers` removes the ones whose writer is no longer
running, from the data folder, its backups/, keys/ and drafts/ and its demo folder. Names
made before the process id was in them, and a restore's copy, are removed once nothing has
written to them for ten minutes. A note of what held the store (store/busy.py) whose
process is gone goes too.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import stat
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from pcso_desk.atomic import OLD_TEMP_NAME, TEMP_NAME, process_alive
from pcso_desk.paths import DataPaths

FOLDER_MODE = 0o700
FILE_MODE = 0o600
BUILDING = ".building-"
_BUILDING_NAME = re.compile(r"(?P<name>.+)\.building-(?P<pid>\d+)")
STALE_SECONDS = 600  # an ownerless temporary file nothing wrote to for this long is left over


def start(paths: DataPaths, args: Any) -> None:
    """What every process does first with its data folder (app.main): private modes, the
    leftovers of killed processes swept, and what this process is doing noted for a busy
    store's message."""
    from pcso_desk.store import busy

    make_private(paths.root)
    with contextlib.suppress(OSError):
        sweep_leftovers(paths)
    command = getattr(args, "command", None)
    busy.set_doing(busy.describe(command, _subcommand(args, command)))


def _subcommand(args: Any, command: str | None) -> list[str]:
    """The word after the command that says what it does (`import contacts`, `sync pull`)."""
    if command is None:
        return []
    for name in ("kind", f"{command.replace('-', '_')}_command", "table"):
        value = getattr(args, name, None)
        if isinstance(value, str) and value:
            return [value]
    return []


# -- private --------------------------------------------------------------------------------


def make_private(root: Path) -> None:
    """POSIX: this process creates only private files from now on, and what `root` already
    holds is made private (folders 0700, files 0600), without following symbolic links."""
    if os.name != "posix":
        return
    os.umask(0o077)
    if not root.is_dir():
        return
    _set_mode(root, FOLDER_MODE, follow=True)  # the data folder itself, wherever it points
    for folder, dirs, files in os.walk(root, followlinks=False):
        for name in dirs:
            _set_mode(Path(folder, name), FOLDER_MODE)
        for name in files:
            _set_mode(Path(folder, name), FILE_MODE)


def _set_mode(path: Path, mode: int, *, follow: bool = False) -> None:
    try:
        found = path.stat() if follow else path.lstat()
        if stat.S_ISLNK(found.st_mode) or stat.S_IMODE(found.st_mode) == mode:
            return
        os.chmod(path, mode)
    except OSError:  # someone else's file, or gone meanwhile: left as it is
        return


# -- leftovers ------------------------------------------------------------------------------


def sweep_leftovers(paths: DataPaths, *, at_start: bool = True) -> list[Path]:
    """Remove what killed processes left in the data folder (see above); returns what went.

    `at_start`: this process has written nothing yet, so a leftover bearing its own process
    id (a dead process's whose id was given again) is stale too."""

    def gone(pid: int) -> bool:
        return (at_start and pid == os.getpid()) or not process_alive(pid)

    removed: list[Path] = []
    for data in (paths, paths.demo):
        for folder in (data.root, data.backups, data.keys, data.drafts):
            removed += _sweep_temp_files(folder, gone)
        removed += _sweep_busy_note(data.store, gone)
    removed += remove_stale_builds(paths.root, gone)
    removed += remove_stale_builds(paths.demo.root, gone)
    return removed


def _entries(folder: Path) -> Iterator[os.DirEntry[str]]:
    try:
        with os.scandir(folder) as found:
            yield from list(found)
    except OSError:
        return


def _sweep_temp_files(folder: Path, gone: Callable[[int], bool]) -> list[Path]:
    removed = []
    old = time.time() - STALE_SECONDS
    for entry in _entries(folder):
        if entry.name[:1] != "." or not entry.is_file(follow_symlinks=False):
            continue
        named = TEMP_NAME.fullmatch(entry.name)
        if named is not None:
            stale = gone(int(named["pid"]))
        elif OLD_TEMP_NAME.fullmatch(entry.name) is not None:
            stale = _modified(entry) < old
        else:
            continue
        if stale and _remove(Path(entry.path)):
            removed.append(Path(entry.path))
    return removed


def _modified(entry: os.DirEntry[str]) -> float:
    try:
        return entry.stat(follow_symlinks=False).st_mtime
    except OSError:
        return time.time()


def _sweep_busy_note(store: Path, gone: Callable[[int], bool]) -> list[Path]:
    import json

    from pcso_desk.store.busy import note_path

    note = note_path(store)
    try:
        pid = int(json.loads(note.read_text(encoding="utf-8"))["pid"])
    except (OSError, ValueError, TypeError, KeyError):
        return []
    return [note] if gone(pid) and _remove(note) else []


def building_folder(root: Path) -> Path:
    """Where this process builds the folder `root` before moving it into place."""
    return root.with_name(f"{root.name}{BUILDING}{os.getpid()}")


def remove_stale_builds(
    root: Path, gone: Callable[[int], bool] = lambda pid: not process_alive(pid)
) -> list[Path]:
    """Remove `<root>.building-<pid>` folders beside `root`, and `*.building-<pid>` ones
    inside it, whose builder is no longer running."""
    removed = []
    places = [(root.parent, root.name), (root, None)]
    for folder, name in places:
        for entry in _entries(folder):
            found = _BUILDING_NAME.fullmatch(entry.name)
            if found is None or (name is not None and found["name"] != name):
                continue
            if entry.is_dir(follow_symlinks=False) and gone(int(found["pid"])):
                shutil.rmtree(entry.path, ignore_errors=True)
                removed.append(Path(entry.path))
    return removed


def move_into_place(built: Path, root: Path, last: str) -> None:
    """Move the folder `built` to `root`: one rename when `root` is missing or empty, else
    its entries one by one into `root` (folders merged), the one named `last` (the store,
    whose arrival makes the folder what it is) after all the others."""
    if root.is_dir() and not any(root.iterdir()):
        root.rmdir()
    if not root.exists():
        os.replace(built, root)
        return
    for entry in sorted(built.iterdir(), key=lambda path: path.name == last):
        _merge(entry, root / entry.name)
    built.rmdir()


def _merge(source: Path, target: Path) -> None:
    if source.is_dir() and not source.is_symlink() and target.is_dir():
        for entry in source.iterdir():
            _merge(entry, target / entry.name)
        source.rmdir()
    else:
        os.replace(source, target)


def _remove(path: Path) -> bool:
    try:
        path.unlink()
    except OSError:
        return False
    return True
