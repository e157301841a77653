"""Atomic writes: the target gets all of the new bytes or keeps its old ones, no temp is left."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from pcso_desk.atomic import atomic_path, write_atomic


def test_write_replaces_whole_and_leaves_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "doc.pdf"
    target.write_bytes(b"old")
    write_atomic(target, b"new contents")
    assert target.read_bytes() == b"new contents"
    assert [p.name for p in tmp_path.iterdir()] == ["doc.pdf"]


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_private_files_are_owner_only(tmp_path: Path) -> None:
    key = write_atomic(tmp_path / "signing.key", b"\x01" * 32, private=True)
    assert stat.S_IMODE(key.stat().st_mode) == 0o600


def test_a_failed_block_keeps_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "pack.zip"
    target.write_bytes(b"old pack")
    with pytest.raises(RuntimeError), atomic_path(target) as temp:
        temp.write_bytes(b"half a pack")
        raise RuntimeError("disk full")
    assert target.read_bytes() == b"old pack"
    assert [p.name for p in tmp_path.iterdir()] == ["pack.zip"]
    with atomic_path(target) as temp:
        temp.write_bytes(b"whole pack")
    assert target.read_bytes() == b"whole pack"
