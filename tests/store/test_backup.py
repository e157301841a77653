"""Backups through SQLite's backup API, their checks, the rotation policy, damaged stores."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text as sqlite_text

from pcso_desk.paths import DataPaths
from pcso_desk.services.api import Services
from pcso_desk.services.context import Context
from pcso_desk.store.backup import (
    KEEP,
    Backup,
    DamagedStoreError,
    backup_name,
    damage_mark,
    due_kind,
    list_backups,
    problem_with_backup,
    problem_with_store,
    read_backup_name,
    sidecars,
    to_prune,
    write_backup,
)
from pcso_desk.store.session import open_store
from tests.keys import raw


def make_store(paths: DataPaths, contacts: int = 40) -> None:
    """A closed store holding `contacts` contacts, made through the services."""
    store = open_store(paths.store, paths.backups)
    try:
        services = Services(Context.open(store))
        for n in range(contacts):
            services.contacts.create({"name": f"Sample Person {n}", "postcode": "AL1 3AB"})
    finally:
        store.close()


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def one_sentence(message: str) -> bool:
    return "\n" not in message and message.endswith(".") and "Traceback" not in message


def test_rotation_keeps_the_documented_sets_over_400_days() -> None:
    """A daily run for 400 days (fake clock) keeps exactly 7 daily, 4 weekly, 12 monthly."""
    folder = Path("backups")
    start = datetime(2024, 1, 1, 9, 30, tzinfo=UTC)
    kept: list[Backup] = [
        Backup(
            folder / "pcso-desk-manual-20231201T100000Z.sqlite", "manual", start - timedelta(31)
        ),
        Backup(folder / "pre-upgrade-0001-20231202T100000Z.sqlite", "pre-upgrade", start),
    ]
    for day in range(400):
        now = start + timedelta(days=day)
        kind = due_kind(kept, now)
        assert kind is not None
        kept.append(Backup(folder / backup_name(kind, now), kind, now))
        assert due_kind(kept, now + timedelta(hours=3)) is None  # at most one a day
        doomed = to_prune(kept)
        kept = [b for b in kept if b not in doomed]
    counts = {kind: sum(b.kind == kind for b in kept) for kind in (*KEEP, "manual", "pre-upgrade")}
    assert counts == {**KEEP, "manual": 1, "pre-upgrade": 1}
    last = start + timedelta(days=399)
    monthly = sorted(b.made_at for b in kept if b.kind == "monthly")
    assert [(m.year, m.month, m.day) for m in monthly][-1] == (last.year, last.month, 1)
    assert len({(m.year, m.month) for m in monthly}) == 12
    assert max(b.made_at for b in kept if b.rotated) == last
    daily = sorted(b.made_at.date() for b in kept if b.kind == "daily")
    assert (last.date() - daily[0]).days < 10  # the newest seven days but the first ones


def test_backup_names_round_trip() -> None:
    """Backup file names carry their kind and UTC time; other files are not backups."""
    when = datetime(2025, 3, 4, 5, 6, 7, tzinfo=UTC)
    name = backup_name("weekly", when)
    assert name == "pcso-desk-weekly-20250304T050607Z.sqlite"
    found = read_backup_name(Path(name))
    assert found is not None and (found.kind, found.made_at) == ("weekly", when)
    assert read_backup_name(Path("pcso-desk.sqlite")) is None
    assert read_backup_name(Path("notes-20250304T050607Z.sqlite")) is None


def test_a_backup_is_one_verified_file(data_paths: DataPaths) -> None:
    """The copy is one self-contained file that verifies, with nothing left beside it."""
    make_store(data_paths)
    target = data_paths.backups / backup_name("manual", datetime.now(UTC))
    write_backup(data_paths.store, target)
    assert problem_with_backup(target) is None
    assert sorted(p.name for p in data_paths.backups.iterdir()) == [target.name]
    with sqlite3.connect(target) as conn:
        assert conn.execute("SELECT count(*) FROM contacts").fetchone()[0] == 40
    assert [b.path for b in list_backups(data_paths.backups)] == [target]


def test_files_that_are_not_good_backups_say_why(tmp_path: Path) -> None:
    """Not SQLite, not a PCSO Desk store, or from an unknown version: each gets a reason."""
    text = tmp_path / "notes.sqlite"
    text.write_text("hello")
    other = tmp_path / "other.sqlite"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE t (x)")
    newer = tmp_path / "newer.sqlite"
    with sqlite3.connect(newer) as conn:
        conn.execute("CREATE TABLE alembic_version (version_num TEXT)")
        conn.execute("INSERT INTO alembic_version VALUES ('9999_future')")
    assert problem_with_backup(tmp_path / "missing.sqlite") == "there is no such file"
    assert problem_with_backup(text) == "its first page is damaged (it is not an SQLite database)"
    assert "no schema version" in str(problem_with_backup(other))
    assert "unknown to this release" in str(problem_with_backup(newer))


def flip_a_page(path: Path) -> None:
    """Overwrite the b-tree header of the page that holds the contacts table (not page 1)."""
    from pcso_desk.store import keyring
    from pcso_desk.store.engine import connect
    from tests.keys import TEST_KEY

    key = TEST_KEY if keyring.keyring_path(path).exists() else None
    conn = connect(f"file:{path}?mode=ro", key, uri=True)
    try:
        page_size = int(conn.execute("PRAGMA page_size").fetchone()[0])
        root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'contacts'").fetchone()
    finally:
        conn.close()
    assert root[0] > 1
    with path.open("r+b") as handle:
        handle.seek((root[0] - 1) * page_size)
        handle.write(b"\xa5" * 12)


def truncate(path: Path) -> None:
    with path.open("r+b") as handle:
        handle.truncate(path.stat().st_size // 2)


def lose_the_wal(paths: DataPaths) -> None:
    """Commit changes that stay in the -wal (no checkpoint), copy the store as a crash would
    leave it, then lose the -wal: the -shm remains."""
    live = paths.root.parent / "live"
    live.mkdir()
    shutil.copy(paths.store, live / paths.store.name)
    conn = raw(live / paths.store.name)
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA wal_autocheckpoint=0")
        with conn:
            conn.execute("UPDATE contacts SET name = 'Changed After The Checkpoint'")
        for file in (live / paths.store.name, sidecars(live / paths.store.name)[1]):
            shutil.copy(file, paths.root / file.name)
    finally:
        conn.close()


DAMAGE = {"flipped page": "flip", "truncated": "truncate", "lost wal": "wal"}


def damage(paths: DataPaths, how: str) -> None:
    if how == "flip":
        flip_a_page(paths.store)
    elif how == "truncate":
        truncate(paths.store)
    else:
        lose_the_wal(paths)


@pytest.mark.parametrize("how", DAMAGE.values(), ids=DAMAGE.keys())
def test_a_damaged_store_is_refused_untouched(data_paths: DataPaths, how: str) -> None:
    """open_store refuses a damaged store in one sentence naming the newest good backup,
    and the damaged file's bytes stay as they were."""
    make_store(data_paths)
    older = data_paths.backups / backup_name("daily", datetime(2025, 1, 1, tzinfo=UTC))
    newer = data_paths.backups / backup_name("daily", datetime(2025, 1, 2, tzinfo=UTC))
    write_backup(data_paths.store, older)
    write_backup(data_paths.store, newer)
    newest = data_paths.backups / backup_name("daily", datetime(2025, 1, 3, tzinfo=UTC))
    newest.write_bytes(b"SQLite format 3\x00" + b"\x00" * 200)  # newest, but no good
    damage(data_paths, how)
    before = digest(data_paths.store)
    assert problem_with_store(data_paths.store) is not None
    with pytest.raises(DamagedStoreError) as raised:
        open_store(data_paths.store, data_paths.backups)
    message = str(raised.value)
    assert one_sentence(message) and "damaged" in message
    assert f"pcso-desk restore {newer}" in message
    assert raised.value.newest_backup is not None and raised.value.newest_backup.path == newer
    assert digest(data_paths.store) == before


def test_a_healthy_or_new_store_passes_and_an_empty_file_is_damage(
    data_paths: DataPaths,
) -> None:
    """A closed healthy store and a missing one are not damaged; an empty file is (a new
    store never exists as an empty file: it was cut to nothing)."""
    assert problem_with_store(data_paths.store) is None
    data_paths.store.touch()
    assert problem_with_store(data_paths.store) == "it is empty"
    data_paths.store.unlink()
    make_store(data_paths)
    assert problem_with_store(data_paths.store) is None


def test_tables_without_a_schema_version_are_damage(data_paths: DataPaths) -> None:
    """A store that has lost its alembic_version table is not migrated over."""
    make_store(data_paths)
    with raw(data_paths.store) as conn:
        conn.execute("DROP TABLE alembic_version")
    conn.close()
    with pytest.raises(DamagedStoreError, match="no schema version"):
        open_store(data_paths.store, data_paths.backups)


def test_a_check_left_for_later_still_keeps_writes_off_a_damaged_store(
    data_paths: DataPaths,
) -> None:
    """The app opens a store while its integrity check runs on a thread: a damaged store
    opens for reading, refuses the first write, and is checked in full at the next opening."""
    make_store(data_paths)
    flip_a_page(data_paths.store)
    before = digest(data_paths.store)
    store = open_store(data_paths.store, data_paths.backups, check_later=True)
    try:
        with pytest.raises(DamagedStoreError), store.write() as session:
            session.execute(sqlite_text("UPDATE store_meta SET value = value"))
    finally:
        store.close()
    assert digest(data_paths.store) == before
    assert damage_mark(data_paths.store).exists()
    with pytest.raises(DamagedStoreError):  # at once, before anything opens
        open_store(data_paths.store, data_paths.backups, check_later=True)
    assert digest(data_paths.store) == before


def test_a_check_left_for_later_lets_a_healthy_store_write(data_paths: DataPaths) -> None:
    make_store(data_paths)
    store = open_store(data_paths.store, data_paths.backups, check_later=True)
    try:
        services = Services(Context.open(store))
        services.contacts.create({"name": "Later Person", "postcode": "AL1 3AB"})
        store.wait_intact()
    finally:
        store.close()
    assert not damage_mark(data_paths.store).exists()


def test_quick_damage_is_still_refused_at_once_when_the_check_is_left_for_later(
    data_paths: DataPaths,
) -> None:
    make_store(data_paths)
    lose_the_wal(data_paths)
    with pytest.raises(DamagedStoreError, match="write-ahead log"):
        open_store(data_paths.store, data_paths.backups, check_later=True)
