"""Writes that a crash or a pulled USB stick cannot leave half done under the real name."""

from __future__ import annotations

import contextlib
import os
import re
import uuid
from collections.abc import Iterator
from pathlib import Path


def fsync_folder(folder: Path) -> None:
    """Make the rename itself durable where the OS allows opening a folder (POSIX)."""
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


# A temporary file's name: hidden, the target's name, the writer's process id, a random
# token, then .part/.tmp/.partial (and SQLite's -journal beside a backup being written), so
# that the start-up sweep (private.py) can tell a dead writer's leftovers from a live one's.
TEMP_NAME = re.compile(
    r"\.(?P<name>.+)\.(?P<pid>\d+)-[0-9a-f]{12}(?:\.part|\.tmp|\.partial)(?:-journal|-wal|-shm)?"
)
# Names made before the writer's process id was in them, and a restore's copy: no owner to
# ask, so the sweep removes them once nothing has written to them for a while.
OLD_TEMP_NAME = re.compile(
    r"\.(?P<name>.+)\.[0-9a-f]{32}(?:\.part|\.tmp|\.partial|\.restoring)(?:-journal|-wal|-shm)?"
)


def temp_name(name: str, suffix: str) -> str:
    """The hidden name a file called `name` is written under until it is whole."""
    return f".{name}.{os.getpid()}-{uuid.uuid4().hex[:12]}{suffix}"


def _temp_beside(path: Path, suffix: str) -> Path:
    return path.with_name(temp_name(path.name, suffix))


def process_alive(pid: int) -> bool:
    """Whether a process with this id is running (on this PC); ours counts as running."""
    if pid == os.getpid():
        return True
    if pid <= 0:
        return False
    if os.name == "nt":  # pragma: no cover - Windows
        return _windows_process_alive(pid)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    except OSError:
        return False
    return True


def _windows_process_alive(pid: int) -> bool:  # pragma: no cover - Windows
    import ctypes

    kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
    handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
    if not handle:
        return bool(kernel32.GetLastError() == 5)  # access denied: it exists
    try:
        code = ctypes.c_ulong()
        if not kernel32.GetExitCodeProcess(handle, ctypes.byref(code)):
            return True
        return code.value == 259  # STILL_ACTIVE
    finally:
        kernel32.CloseHandle(handle)


def write_atomic(
    path: Path,
    data: bytes,
    *,
    private: bool = False,
    suffix: str = ".tmp",
    durable: bool = True,
) -> Path:
    """Write `data` under a temporary name beside `path`, fsync, then rename onto `path`.

    `private` files (keys) are created readable by their owner only (POSIX). A file that need
    not survive a power cut (a note of what holds the store) may skip the fsyncs (`durable`).
    """
    path = Path(path)
    temp = _temp_beside(path, suffix)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    fd = os.open(temp, flags, 0o600 if private else 0o644)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        if private and os.name == "posix":
            os.chmod(temp, 0o600)
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
    if durable:
        fsync_folder(path.parent)
    return path


@contextlib.contextmanager
def atomic_path(target: Path, suffix: str = ".part") -> Iterator[Path]:
    """A temporary path beside `target` for code that writes through a library (zip, XLSX);
    it is fsynced and moved onto `target` only if the block succeeds."""
    temp = _temp_beside(Path(target), suffix)
    try:
        yield temp
        with open(temp, "rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
    fsync_folder(Path(target).parent)
