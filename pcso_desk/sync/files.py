"""Bundle files on a USB stick or shared drive: written whole or not at all, read with a bound."""

from __future__ import annotations

import contextlib
import os
import uuid
from pathlib import Path

from pcso_desk.sync.envelope import MAX_BUNDLE_BYTES, TOO_LARGE, BundleError

PARTIAL_SUFFIX = ".partial"


def write_bundle_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temporary name in the same folder, fsync, rename.

    A stick pulled mid-write leaves at most a ``.partial`` file, never a half bundle under
    the real name (and a half bundle would be refused anyway: its lengths would not add up).
    """
    path = Path(path)
    temp = path.with_name(f".{path.name}.{uuid.uuid4().hex}{PARTIAL_SUFFIX}")
    try:
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0))
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                temp.unlink()
            raise
        _fsync_folder(path.parent)
    except OSError as exc:
        reason = exc.strerror or exc.__class__.__name__
        raise BundleError(f"The bundle could not be written to {path} ({reason}).") from exc


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable where the OS allows opening a folder (POSIX)."""
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def read_bundle(path: Path, max_bytes: int = MAX_BUNDLE_BYTES) -> bytes:
    """The bytes of the bundle at ``path``, refusing anything larger than ``max_bytes``."""
    path = Path(path)
    try:
        with path.open("rb") as handle:
            if os.fstat(handle.fileno()).st_size > max_bytes:
                raise BundleError(TOO_LARGE)
            data = handle.read(max_bytes + 1)
    except FileNotFoundError as exc:
        raise BundleError(f"There is no bundle file at {path}.") from exc
    except IsADirectoryError as exc:
        raise BundleError(f"{path} is a folder, not a bundle file.") from exc
    except OSError as exc:
        reason = exc.strerror or exc.__class__.__name__
        raise BundleError(f"The bundle {path} could not be read ({reason}).") from exc
    if len(data) > max_bytes:
        raise BundleError(TOO_LARGE)
    return data
