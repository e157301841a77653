"""Where an export, a backup copy or a key may not be written: what the app lives on.

Every --out and --rejects of the command line and every save dialog of the app goes through
`refuse_protected` (the gateway calls it for every file use case). Refused, with one sentence:
the store and its -wal, -shm and -journal files, the data folder itself, the keys, backups,
logs, drafts and demo folders inside it (and anything in them), and device files.
"""

from __future__ import annotations

import stat
from pathlib import Path

from pcso_desk.domain.errors import ValidationError

STORE_COMPANIONS = ("", "-wal", "-shm", "-journal")
PROTECTED_FOLDERS = {
    "keys": "the station's keys",
    "backups": "the store's backups",
    "logs": "the app's logs",
    "drafts": "unsaved drafts",
    "demo": "the demo store",
}


def _real(path: Path) -> Path:
    """The path with links and `..` followed, as far as it exists."""
    return Path(path).expanduser().resolve()


def protected_reason(store: Path, target: Path, *, folder: bool = False) -> str | None:
    """Why `target` may not be written, or None; `store` is the open store's file."""
    real, store = _real(target), _real(store)
    data = store.parent
    if real.is_char_device() or real.is_block_device() or real.is_fifo() or _is_socket(real):
        return f"'{target}' is a device, not a file"
    if real.is_relative_to(Path("/dev")) or real.is_relative_to(Path("/proc")):
        return f"'{target}' is a device, not a file"
    if any(real == store.with_name(store.name + tail) for tail in STORE_COMPANIONS):
        return f"'{target}' is the PCSO Desk store itself"
    if real == data:
        return f"'{target}' is the PCSO Desk data folder; choose a folder of your own"
    for name, what in PROTECTED_FOLDERS.items():
        if real.is_relative_to(data / name):
            return f"'{target}' is inside {data / name}, which holds {what}"
    return None


def _is_socket(path: Path) -> bool:
    try:
        return stat.S_ISSOCK(path.stat().st_mode)
    except OSError:
        return False


def refuse_protected(store: Path, target: Path, *, folder: bool = False) -> None:
    """Raise ValidationError (one sentence) when `target` is something the app lives on."""
    reason = protected_reason(store, target, folder=folder)
    if reason is not None:
        raise ValidationError(f"{reason}: PCSO Desk will not write over it.", "out")
