"""Bundle files on a USB stick or shared drive: written whole or not at all, read with a bound."""

from __future__ import annotations

import os
from pathlib import Path

from pcso_desk.atomic import write_atomic
from pcso_desk.sync.envelope import MAX_BUNDLE_BYTES, TOO_LARGE, BundleError

PARTIAL_SUFFIX = ".partial"


def write_bundle_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temporary name in the same folder, fsync, rename.

    A stick pulled mid-write leaves at most a ``.partial`` file, never a half bundle under
    the real name (and a half bundle would be refused anyway: its lengths would not add up).
    """
    path = Path(path)
    try:
        write_atomic(path, data, suffix=PARTIAL_SUFFIX)
    except OSError as exc:
        reason = exc.strerror or exc.__class__.__name__
        raise BundleError(f"The bundle could not be written to {path} ({reason}).") from exc


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
