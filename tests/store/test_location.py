"""The store refuses a network share, a synced folder, a removable drive and a folder without
working WAL, each with one sentence naming the local app-data folder where it belongs."""

from __future__ import annotations

import os
import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest

from pcso_desk.domain.errors import StoreError
from pcso_desk.paths import default_data_dir
from pcso_desk.store import location
from pcso_desk.store.location import (
    DRIVE_REMOTE,
    DRIVE_REMOVABLE,
    LocationProbe,
    Mount,
    check_location,
    mount_of,
    parse_mounts,
    trial_wal,
)

MOUNTINFO = """\
22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw,errors=remount-ro
23 22 0:21 / /proc rw,nosuid shared:12 - proc proc rw
24 22 0:22 / /tmp rw shared:2 - tmpfs tmpfs rw
30 22 0:40 / /srv/share rw,relatime shared:5 - nfs4 fileserver:/export/team rw,vers=4.2
31 30 8:17 / /srv/share/local rw,relatime shared:6 - ext4 /dev/sdb1 rw
32 22 0:41 / /mnt/team\\040drive rw,relatime shared:7 - cifs //fileserver/team rw
33 22 8:33 / /mnt/stick rw,relatime shared:8 - vfat /dev/sdc1 rw
"""

# A Linux station whose platform facts are all made up: nothing here looks at this machine.
FAKE = LocationProbe(
    platform="linux",
    home=lambda: "/home/officer",
    resolve=lambda path: path,
    mountinfo=lambda: MOUNTINFO,
    removable=lambda device: device == "/dev/sdc1",
    drive_type=lambda root: 3,  # DRIVE_FIXED
    writable=lambda folder: True,
    wal_trial=lambda folder: True,
)


def refusal(folder: Path | str, probe: LocationProbe) -> str:
    """The refusal for `folder`, checked to be one sentence naming the default folder."""
    with pytest.raises(StoreError) as refused:
        check_location(Path(folder), probe=probe)
    message = str(refused.value)
    assert message.endswith(".") and ". " not in message, message
    assert str(default_data_dir()) in message
    assert str(folder) in message
    return message


def test_a_local_folder_passes_for_real(tmp_path: Path) -> None:
    folder = tmp_path / "station"
    folder.mkdir()
    check_location(folder)  # the real platform checks and a real WAL trial
    assert list(folder.iterdir()) == []  # the trial leaves nothing behind


def test_a_local_folder_passes_on_every_simulated_platform() -> None:
    check_location(Path("/home/officer/.local/share/PCSO Desk"), probe=FAKE)
    check_location(Path("/srv/share/local/PCSO Desk"), probe=FAKE)  # local disk under a share
    check_location(Path("/tmp/pcso"), probe=FAKE)
    windows = replace(FAKE, platform="win32", home=lambda: "C:\\Users\\officer")
    check_location(Path("C:\\Users\\officer\\AppData\\Local\\PCSO Desk"), probe=windows)
    mac = replace(FAKE, platform="darwin", home=lambda: "/Users/officer")
    check_location(Path("/Users/officer/Library/Application Support/PCSO Desk"), probe=mac)


@pytest.mark.parametrize(
    ("fs_type", "source"),
    [
        ("nfs", "fileserver:/export"),
        ("nfs4", "fileserver:/export"),
        ("cifs", "//fileserver/team"),
        ("smb3", "//fileserver/team"),
        ("smbfs", "//fileserver/team"),
        ("fuse.sshfs", "officer@host:/data"),
        ("sshfs", "officer@host:/data"),
        ("9p", "drvfs"),
        ("afs", "AFS"),
        ("davfs", "https://dav.example.org/team"),
        ("fuse", "https://dav.example.org/team"),
        ("ceph", "10.0.0.1:6789:/"),
        ("glusterfs", "gluster:/team"),
        ("fuse.glusterfs", "gluster:/team"),
        ("fuse.rclone", "onedrive:"),
    ],
)
def test_a_network_file_system_is_refused(fs_type: str, source: str) -> None:
    line = f"40 22 0:50 / /net/team rw,relatime shared:9 - {fs_type} {source} rw\n"
    probe = replace(FAKE, mountinfo=lambda: MOUNTINFO + line)
    assert "network" in refusal("/net/team/PCSO Desk", probe)


def test_the_mount_holding_the_folder_decides() -> None:
    assert "network file system (nfs4)" in refusal("/srv/share/station", FAKE)
    assert "(cifs)" in refusal("/mnt/team drive/PCSO Desk", FAKE)  # \040 is a space
    check_location(Path("/srv/shared/station"), probe=FAKE)  # a sibling, not below the share


def test_proc_mounts_text_is_read_too() -> None:
    mounts = parse_mounts(
        "/dev/sda1 / ext4 rw 0 0\n//fileserver/team /mnt/team\\040drive cifs rw 0 0\n"
    )
    assert mounts == [
        Mount("/", "ext4", "/dev/sda1"),
        Mount("/mnt/team drive", "cifs", "//fileserver/team"),
    ]
    assert mount_of("/mnt/team drive/x", mounts) == mounts[1]
    assert mount_of("/mnt/team", mounts) == mounts[0]


def test_an_unreadable_mount_table_does_not_refuse() -> None:
    check_location(Path("/srv/share/station"), probe=replace(FAKE, mountinfo=lambda: ""))


def test_a_removable_drive_is_refused() -> None:
    assert "removable drive" in refusal("/mnt/stick/PCSO Desk", FAKE)
    check_location(Path("/mnt/stick/PCSO Desk"), probe=replace(FAKE, removable=lambda d: False))
    assert "removable drive" in refusal("/media/officer/KINGSTON/PCSO Desk", FAKE)
    assert "removable drive" in refusal("/run/media/officer/KINGSTON/PCSO Desk", FAKE)


@pytest.mark.parametrize(
    "folder",
    [
        "\\\\fileserver\\team\\PCSO Desk",
        "//fileserver/team/PCSO Desk",
        "\\\\?\\UNC\\fileserver\\team\\PCSO Desk",
    ],
)
def test_a_windows_network_share_is_refused(folder: str) -> None:
    probe = replace(FAKE, platform="win32", home=lambda: "C:\\Users\\officer")
    assert "network share" in refusal(folder, probe)


@pytest.mark.parametrize(
    ("drive_type", "why"), [(DRIVE_REMOTE, "network drive"), (DRIVE_REMOVABLE, "removable")]
)
def test_a_windows_drive_type_is_refused(drive_type: int, why: str) -> None:
    roots: list[str] = []

    def asked(root: str) -> int:
        roots.append(root)
        return drive_type

    probe = replace(FAKE, platform="win32", home=lambda: "C:\\Users\\officer", drive_type=asked)
    assert why in refusal("E:\\PCSO Desk", probe)
    assert roots == ["E:\\"]


def test_a_mac_volume_other_than_the_boot_disk_is_refused() -> None:
    mac = replace(FAKE, platform="darwin", home=lambda: "/Users/officer")
    assert "another volume" in refusal("/Volumes/KINGSTON/PCSO Desk", mac)


@pytest.mark.parametrize(
    "name",
    [
        "OneDrive",
        "OneDrive - Hertfordshire Constabulary",
        "onedrive",
        "Dropbox",
        "Dropbox (Personal)",
        "Google Drive",
        "iCloud Drive",
        "Box",
        "Nextcloud",
        "ownCloud",
        "SynologyDrive",
        "pCloud Drive",
    ],
)
def test_a_synced_folder_is_refused(name: str) -> None:
    message = refusal(f"/home/officer/{name}/PCSO Desk", FAKE)
    assert f"synced folder ({name})" in message
    windows = replace(FAKE, platform="win32", home=lambda: "C:\\Users\\officer")
    refusal(f"C:\\Users\\officer\\{name}\\Team\\PCSO Desk", windows)


def test_folder_names_that_only_look_synced_pass() -> None:
    for folder in ("/home/officer/Boxes/PCSO Desk", "/home/officer/Drop/PCSO Desk"):
        check_location(Path(folder), probe=FAKE)
    # The officer's own home folder is not a sync client's, whatever its name.
    check_location(Path("/home/box/PCSO Desk"), probe=replace(FAKE, home=lambda: "/home/box"))


def test_a_link_into_a_synced_folder_is_refused(tmp_path: Path) -> None:
    synced = tmp_path / "Dropbox" / "station"
    synced.mkdir(parents=True)
    link = tmp_path / "station"
    link.symlink_to(synced, target_is_directory=True)
    assert "synced folder (Dropbox)" in refusal(link, LocationProbe())


def test_a_folder_that_cannot_be_written_is_refused() -> None:
    assert "cannot write" in refusal("/srv/local", replace(FAKE, writable=lambda f: False))


def test_a_failed_wal_trial_is_refused() -> None:
    message = refusal("/srv/local", replace(FAKE, wal_trial=lambda f: False))
    assert "does not support the shared-memory locking SQLite needs" in message


def test_the_wal_trial_works_in_a_real_folder_and_cleans_up(tmp_path: Path) -> None:
    assert trial_wal(tmp_path)
    assert list(tmp_path.iterdir()) == []
    assert not trial_wal(tmp_path / "missing")


def test_the_wal_trial_fails_when_wal_cannot_be_set(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_connect = sqlite3.connect

    class NoWal:
        """A connection whose folder cannot hold a WAL: SQLite stays in its old mode."""

        def __init__(self, *args: object, **kwargs: object) -> None:
            self.inner = real_connect(*args, **kwargs)  # type: ignore[arg-type]

        def execute(self, sql: str) -> sqlite3.Cursor:
            if sql.upper().startswith("PRAGMA JOURNAL_MODE"):
                return self.inner.execute("PRAGMA journal_mode")
            return self.inner.execute(sql)

        def close(self) -> None:
            self.inner.close()

    monkeypatch.setattr(location.sqlite3, "connect", NoWal)
    assert not trial_wal(tmp_path)
    assert list(tmp_path.iterdir()) == []
    probe = replace(FAKE, wal_trial=trial_wal)
    assert "shared-memory locking" in refusal(tmp_path, probe)


def test_the_wal_trial_fails_on_a_locking_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> sqlite3.Connection:
        raise sqlite3.OperationalError("locking protocol")

    monkeypatch.setattr(location.sqlite3, "connect", broken)
    assert not trial_wal(tmp_path)


def test_a_store_in_the_default_folder_on_a_share_is_told_to_choose_another() -> None:
    default = default_data_dir()
    point = str(default).replace(" ", "\\040")  # mountinfo escapes spaces in mount points
    line = f"40 22 0:50 / {point} rw,relatime shared:9 - nfs4 home:/export rw\n"
    probe = replace(FAKE, mountinfo=lambda: MOUNTINFO + line)
    message = refusal(default, probe)
    assert "--data-dir" in message and "keep it in" not in message


def test_the_real_probe_answers_on_this_machine(tmp_path: Path) -> None:
    probe = LocationProbe()
    assert probe.resolve(str(tmp_path)) == os.path.realpath(tmp_path)
    if os.path.exists("/proc/self/mountinfo"):
        assert mount_of(probe.resolve(str(tmp_path)), parse_mounts(probe.mountinfo()))
    assert probe.writable(tmp_path)
    assert not probe.writable(tmp_path / "missing")
