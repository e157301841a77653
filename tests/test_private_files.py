"""Files the app writes are private (POSIX), and what killed processes left is swept at start."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pcso_desk.atomic import temp_name
from pcso_desk.paths import DataPaths
from pcso_desk.private import STALE_SECONDS, sweep_leftovers

posix_only = pytest.mark.skipif(os.name != "posix", reason="file modes and umask are POSIX")


def pcso_desk(data: Path, *argv: str, umask: int = 0o022) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PCSO_DESK_PASSWORD": "demo-password"}
    env.pop("PCSO_DESK_DATA_DIR", None)
    return subprocess.run(
        [sys.executable, "-m", "pcso_desk", "--data-dir", str(data), *argv],
        env=env,
        text=True,
        capture_output=True,
        timeout=300,
        preexec_fn=(lambda: os.umask(umask)) if os.name == "posix" else None,
    )


def modes(root: Path) -> dict[str, int]:
    found = {".": stat.S_IMODE(root.stat().st_mode)}
    for path in root.rglob("*"):
        found[str(path.relative_to(root))] = stat.S_IMODE(path.lstat().st_mode)
    return found


def dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


@posix_only
def test_a_store_its_backups_and_an_export_are_private_under_umask_022(tmp_path: Path) -> None:
    data = tmp_path / "station"
    made = pcso_desk(data, "demo", "--scale", "small")
    assert made.returncode == 0, made.stderr
    backup = pcso_desk(data, "--user", "admin", "backup")
    assert backup.returncode == 0, backup.stderr
    out = tmp_path / "contacts.csv"
    export = pcso_desk(
        data, "--user", "sergeant", "export", "contacts", "--format", "csv", "--out", str(out)
    )
    assert export.returncode == 0, export.stderr

    found = modes(data)
    assert any(name.startswith("backups/pcso-desk-manual-") for name in found)
    assert "pcso-desk.sqlite" in found
    for name, mode in found.items():
        wanted = 0o700 if (data / name).is_dir() else 0o600
        assert mode == wanted, f"{name}: {oct(mode)}"
    assert stat.S_IMODE(out.stat().st_mode) == 0o600  # what a user asks for, elsewhere, too


@posix_only
def test_what_the_data_folder_already_holds_is_made_private(tmp_path: Path) -> None:
    data = tmp_path / "station"
    (data / "backups").mkdir(parents=True)
    old = data / "backups" / "pcso-desk-manual-20250101T000000Z.sqlite"
    old.write_bytes(b"an old backup")
    os.chmod(old, 0o644)
    os.chmod(data / "backups", 0o755)
    os.chmod(data, 0o755)
    elsewhere = tmp_path / "shared.txt"
    elsewhere.write_text("not ours to change")
    os.chmod(elsewhere, 0o644)
    (data / "link.txt").symlink_to(elsewhere)

    pcso_desk(data, "check")  # no store yet: it says so, after the folder was put right

    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    assert stat.S_IMODE((data / "backups").stat().st_mode) == 0o700
    assert stat.S_IMODE(old.stat().st_mode) == 0o600
    assert stat.S_IMODE(elsewhere.stat().st_mode) == 0o644  # a link is not followed


KILLED_WRITER = """
import sys, time
from pathlib import Path
from pcso_desk.atomic import atomic_path
with atomic_path(Path(sys.argv[1])) as temp:
    temp.write_bytes(b"half a backup" * 1000)
    print("writing", flush=True)
    time.sleep(600)
"""


def test_the_next_start_sweeps_dead_writers_temporary_files(tmp_path: Path) -> None:
    data = DataPaths(tmp_path / "station").ensure()
    target = data.backups / "pcso-desk-manual-20250101T000000Z.sqlite"
    writer = subprocess.Popen(
        [sys.executable, "-c", KILLED_WRITER, str(target)], stdout=subprocess.PIPE, text=True
    )
    assert writer.stdout is not None and writer.stdout.readline().strip() == "writing"
    writer.send_signal(signal.SIGKILL if os.name == "posix" else signal.SIGTERM)
    writer.wait()
    writer.stdout.close()
    killed = [p for p in data.backups.iterdir() if p.name.endswith(".part")]
    assert len(killed) == 1 and f".{writer.pid}-" in killed[0].name

    stale = data.backups / f".{target.name}.{dead_pid()}-0123456789ab.part"
    stale.write_bytes(b"x")
    journal = Path(f"{stale}-journal")
    journal.write_bytes(b"x")
    drafted = data.drafts / f".draft.json.{dead_pid()}-0123456789ab.tmp"
    drafted.write_bytes(b"x")
    old_style = data.root / f".pcso-desk.sqlite.{'ab' * 16}.restoring"
    old_style.write_bytes(b"x")
    long_ago = time.time() - STALE_SECONDS - 60
    os.utime(old_style, (long_ago, long_ago))
    recent_old_style = data.keys / f".audit-head.json.{'cd' * 16}.tmp"
    recent_old_style.write_bytes(b"x")
    live = data.backups / temp_name(target.name, ".part")  # this test's own: a live writer
    live.write_bytes(b"x")
    building = data.root.with_name(f"station.building-{dead_pid()}")
    (building / "backups").mkdir(parents=True)
    demo_building = data.root / f"demo.building-{dead_pid()}"
    demo_building.mkdir()
    other = tmp_path / f"other.building-{dead_pid()}"  # not this folder's: left alone
    other.mkdir()

    done = pcso_desk(data.root, "check")  # any start sweeps

    assert "unexpected error" not in done.stderr
    for gone in (killed[0], stale, journal, drafted, old_style, building, demo_building):
        assert not gone.exists(), gone
    for kept in (live, recent_old_style, other):
        assert kept.exists(), kept
    assert sweep_leftovers(data, at_start=False) == []  # nothing more to do
