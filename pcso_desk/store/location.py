"""Where a store may live: on this PC's own disk, never a network share, synced or removable.

SQLite's write-ahead log needs shared-memory locking that network file systems do not give
reliably, sync clients (OneDrive, Dropbox...) copy a database while it is half written, and a
removable drive can be pulled out mid-write: each can lose or damage a team's records. So
before a store is opened, `check_location` looks at the folder (the platform facts come from a
`LocationProbe`, which tests replace) and then trials WAL in it, refusing with one sentence
that says why and where the store belongs.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import sqlite3
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePath, PurePosixPath, PureWindowsPath

from pcso_desk.domain.errors import StoreError

# Kernel file-system types (Linux mountinfo) that are another machine's disk.
NETWORK_FS_TYPES = frozenset(
    {
        "nfs",
        "nfs4",
        "cifs",
        "smb3",
        "smbfs",
        "smb2",
        "ncpfs",
        "9p",  # also WSL's view of Windows drives, where WAL is unreliable
        "afs",
        "openafs",
        "davfs",
        "ceph",
        "glusterfs",
        "lustre",
        "gpfs",
        "beegfs",
        "vboxsf",  # a virtual machine's folder shared from its host
        "prl_fs",
        "sshfs",
    }
)
# FUSE file systems (mountinfo type "fuse.NAME") that are network or cloud storage.
NETWORK_FUSE_TYPES = frozenset(
    {
        "sshfs",
        "davfs",
        "glusterfs",
        "cephfs",
        "ceph-fuse",
        "s3fs",
        "rclone",
        "gvfsd-fuse",
        "smbnetfs",
        "curlftpfs",
        "onedriver",
        "google-drive-ocamlfuse",
        "vmhgfs-fuse",
    }
)

# Folder names (case-insensitive) of sync clients' folders: whole names, and name prefixes
# (e.g. "OneDrive - Hertfordshire Constabulary", "Dropbox (Personal)").
SYNCED_NAMES = frozenset(
    {
        "box",
        "box sync",
        "my drive",  # Google Drive for desktop's drive
        "icloud drive",
        "iclouddrive",
        "com~apple~clouddocs",  # iCloud Drive's real folder on macOS
        "mobile documents",
        "cloudstorage",  # ~/Library/CloudStorage: every macOS sync client
        "nextcloud",
        "owncloud",
        "synologydrive",
        "synology drive",
        "pcloud drive",
        "pclouddrive",
        "megasync",
        "tresorit drive",
    }
)
SYNCED_PREFIXES = ("onedrive", "dropbox", "google drive", "googledrive", "nextcloud", "owncloud")

# Windows GetDriveTypeW answers.
DRIVE_REMOVABLE = 2
DRIVE_REMOTE = 4
DRIVE_CDROM = 5

_TRIAL_PREFIX = ".pcso-desk-wal-trial-"


def read_mountinfo() -> str:
    """This process's mount table (Linux), or "" where there is none to read."""
    for source in ("/proc/self/mountinfo", "/proc/mounts"):
        try:
            return Path(source).read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
    return ""


def block_device_removable(device: str) -> bool:
    """Whether the Linux block device (e.g. /dev/sdb1) says it is removable."""
    name = os.path.basename(os.path.realpath(device))
    sysfs = Path("/sys/class/block") / name
    try:
        if (sysfs / "partition").exists():
            sysfs = sysfs.resolve().parent  # a partition: the flag is on its disk
        return (sysfs / "removable").read_text(encoding="ascii").strip() == "1"
    except OSError:
        return False


def windows_drive_type(root: str) -> int:
    """GetDriveTypeW for a drive root such as "C:\\" (0, unknown, elsewhere than Windows)."""
    if sys.platform != "win32":
        return 0
    import ctypes

    return int(ctypes.windll.kernel32.GetDriveTypeW(root))


def folder_writable(folder: Path) -> bool:
    """Whether this account may create files in `folder` (False if it does not exist)."""
    return folder.is_dir() and os.access(folder, os.W_OK)


def trial_wal(folder: Path) -> bool:
    """Whether SQLite can keep a WAL database in `folder`: set WAL, write a row, read it back
    from a second connection; the trial's files are removed whatever happens."""
    trial = folder / f"{_TRIAL_PREFIX}{os.getpid()}-{secrets.token_hex(4)}.sqlite"
    try:
        first = sqlite3.connect(trial, timeout=1.0, isolation_level=None)
        try:
            mode = first.execute("PRAGMA journal_mode=WAL").fetchone()
            if mode is None or str(mode[0]).lower() != "wal":
                return False
            first.execute("PRAGMA synchronous=OFF")  # the trial is about locking, not disks
            first.execute("CREATE TABLE trial (value INTEGER)")
            first.execute("INSERT INTO trial VALUES (42)")
            second = sqlite3.connect(trial, timeout=1.0)
            try:
                seen: tuple[object, ...] | None = second.execute(
                    "SELECT value FROM trial"
                ).fetchone()
            finally:
                second.close()
            return seen == (42,)
        finally:
            first.close()
    except (sqlite3.Error, OSError):
        return False
    finally:
        for suffix in ("", "-wal", "-shm", "-journal"):
            with contextlib.suppress(OSError):
                Path(f"{trial}{suffix}").unlink(missing_ok=True)


@dataclass(frozen=True)
class LocationProbe:
    """What the platform says about a folder; the defaults ask the real platform."""

    platform: str = sys.platform
    home: Callable[[], str] = field(default=lambda: str(Path.home()))
    resolve: Callable[[str], str] = os.path.realpath
    mountinfo: Callable[[], str] = read_mountinfo
    removable: Callable[[str], bool] = block_device_removable
    drive_type: Callable[[str], int] = windows_drive_type
    writable: Callable[[Path], bool] = field(default=folder_writable)
    wal_trial: Callable[[Path], bool] = trial_wal


@dataclass(frozen=True)
class Mount:
    """One line of the mount table: where, what kind of file system, from which source."""

    point: str
    fs_type: str
    source: str


def _unescape(field_text: str) -> str:
    """Mount tables write space, tab, newline and backslash as octal escapes."""
    return re.sub(r"\\([0-7]{3})", lambda found: chr(int(found.group(1), 8)), field_text)


def parse_mounts(text: str) -> list[Mount]:
    """The mounts in /proc/self/mountinfo text (or, failing its shape, /proc/mounts text)."""
    mounts: list[Mount] = []
    for line in text.splitlines():
        parts = line.split()
        if len(parts) >= 10 and re.fullmatch(r"\d+:\d+", parts[2]) and "-" in parts[6:]:
            # mountinfo: ID PARENT MAJ:MIN ROOT MOUNT_POINT OPTIONS [TAGS...] - TYPE SOURCE ...
            dash = parts.index("-", 6)
            if dash + 2 < len(parts):
                mounts.append(Mount(_unescape(parts[4]), parts[dash + 1], parts[dash + 2]))
        elif len(parts) >= 3:  # /proc/mounts: SOURCE MOUNT_POINT TYPE OPTIONS 0 0
            mounts.append(Mount(_unescape(parts[1]), parts[2], parts[0]))
    return mounts


def mount_of(path: str, mounts: list[Mount]) -> Mount | None:
    """The mount that holds `path`: the longest mount point above it, the last one mounted."""
    found: Mount | None = None
    target = PurePosixPath(path)
    for mount in mounts:
        point = PurePosixPath(mount.point)
        if (target == point or point in target.parents) and (
            found is None or len(point.parts) >= len(PurePosixPath(found.point).parts)
        ):
            found = mount
    return found


def is_network_mount(mount: Mount) -> bool:
    fs_type = mount.fs_type.lower()
    if fs_type in NETWORK_FS_TYPES:
        return True
    if fs_type.startswith(("fuse.", "fuseblk.")):
        return fs_type.partition(".")[2] in NETWORK_FUSE_TYPES
    return fs_type == "fuse" and "://" in mount.source  # e.g. davfs2: https://host/dav


def _synced_component(path: PurePath, home: PurePath) -> str | None:
    """The first folder name in `path` (below the home folder) that a sync client owns."""
    parts = path.parts
    if home.parts and parts[: len(home.parts)] == home.parts:
        parts = parts[len(home.parts) :]
    for part in parts:
        name = part.strip().lower()
        if name in SYNCED_NAMES or name.startswith(SYNCED_PREFIXES):
            return part
    return None


def _windows_reason(path: PureWindowsPath, probe: LocationProbe) -> str | None:
    drive = path.drive
    unc = drive.startswith(("\\\\", "//")) and not drive.startswith(("\\\\?\\", "\\\\.\\"))
    if unc or drive.upper().startswith("\\\\?\\UNC\\"):
        return "it is on a network share, where SQLite's locking cannot keep the store safe"
    kind = probe.drive_type(path.anchor) if path.anchor else 0
    if kind == DRIVE_REMOTE:
        return "it is on a network drive, where SQLite's locking cannot keep the store safe"
    if kind in (DRIVE_REMOVABLE, DRIVE_CDROM):
        return "it is on a removable drive, which can be taken out in the middle of a write"
    return None


def _posix_reason(path: PurePosixPath, probe: LocationProbe) -> str | None:
    if probe.platform == "darwin":
        if path.parts[:2] == ("/", "Volumes"):  # the boot volume resolves to /
            return (
                "it is on another volume (a removable or network drive), "
                "which is not safe for the store"
            )
        return None
    if path.parts[:2] == ("/", "media") or path.parts[:3] == ("/", "run", "media"):
        return "it is on a removable drive, which can be taken out in the middle of a write"
    mount = mount_of(str(path), parse_mounts(probe.mountinfo()))
    if mount is None:
        return None
    if is_network_mount(mount):
        return (
            f"it is on a network file system ({mount.fs_type}), "
            "where SQLite's locking cannot keep the store safe"
        )
    if mount.source.startswith("/dev/") and probe.removable(mount.source):
        return "it is on a removable drive, which can be taken out in the middle of a write"
    return None


def _refusal(folder: Path, reason: str) -> StoreError:
    from pcso_desk.paths import default_data_dir

    default = default_data_dir()
    if folder == default or default in folder.parents:
        where = (
            f"this PC's local app-data folder {default} is there too, so choose a folder on "
            "this PC's own disk with --data-dir or PCSO_DESK_DATA_DIR"
        )
    else:
        where = f"keep it in this PC's local app-data folder, {default}"
    return StoreError(f"PCSO Desk will not keep its store in {folder} because {reason}; {where}.")


def location_problem(folder: Path, probe: LocationProbe) -> str | None:
    """Why `folder` is no place for a store, from its path and the platform alone (no trial)."""
    given = str(folder)
    windows = probe.platform == "win32"
    pure: type[PurePath] = PureWindowsPath if windows else PurePosixPath
    real = probe.resolve(given)
    home = pure(probe.home())
    for candidate in dict.fromkeys((given, real)):
        synced = _synced_component(pure(candidate), home)
        if synced is not None:
            return (
                f"it is in a synced folder ({synced}), and sync software copies a database "
                "while it is half written"
            )
    if windows:
        return _windows_reason(PureWindowsPath(real), probe) or _windows_reason(
            PureWindowsPath(given), probe
        )
    return _posix_reason(PurePosixPath(real), probe)


def check_location(folder: Path, *, probe: LocationProbe | None = None) -> None:
    """Refuse (StoreError, one sentence) a store folder on a network share, in a synced folder
    or on a removable drive, or one where SQLite cannot keep a write-ahead log.

    `folder` must exist (the caller creates it first); the WAL trial costs a few milliseconds.
    """
    probe = probe or LocationProbe()
    reason = location_problem(folder, probe)
    if reason is None and not probe.writable(folder):
        reason = "this account cannot write there"
    if reason is None and not probe.wal_trial(folder):
        reason = "this folder does not support the shared-memory locking SQLite needs"
    if reason is not None:
        raise _refusal(folder, reason)
