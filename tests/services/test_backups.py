"""Making, rotating and restoring backups through the services."""

from __future__ import annotations

import hashlib
import os
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from pcso_desk.domain.errors import PcsoDeskError, PermissionDenied
from pcso_desk.paths import DataPaths
from pcso_desk.services.api import Services
from pcso_desk.services.context import Context
from pcso_desk.services.protection import accounts
from pcso_desk.services.protection.backups import auto_backup, list_backups, make_backup, restore
from pcso_desk.store.backup import KEEP, problem_with_backup
from pcso_desk.store.models import SyncBundle, SyncHub, SyncPeer
from pcso_desk.store.session import Store, open_store

PASSWORD = "correct horse battery"


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_automatic_backups_rotate_with_a_fake_clock(store: Store, data_paths: DataPaths) -> None:
    """Seventy days of daily opens leave 7 daily, 4 weekly and 3 monthly real backups;
    manual and pre-upgrade backups are left alone."""
    manual = data_paths.backups / "pcso-desk-manual-20240101T000000Z.sqlite"
    upgrade = data_paths.backups / "pre-upgrade-0001-20240101T000000Z.sqlite"
    for file in (manual, upgrade):
        file.write_bytes(b"kept")
    start = datetime(2025, 1, 1, 8, tzinfo=UTC)
    for day in range(70):
        made = auto_backup(store, start + timedelta(days=day))
        assert made is not None and made.path.exists()
        assert auto_backup(store, start + timedelta(days=day, hours=9)) is None
    kinds = [b.kind for b in list_backups(data_paths.backups)]
    assert {k: kinds.count(k) for k in set(kinds)} == {
        **{"daily": KEEP["daily"], "weekly": KEEP["weekly"]},
        "monthly": 3,
        "manual": 1,
        "pre-upgrade": 1,
    }
    assert manual.read_bytes() == upgrade.read_bytes() == b"kept"
    newest = list_backups(data_paths.backups)[0]
    assert newest.made_at == start + timedelta(days=69)
    assert problem_with_backup(newest.path) is None


def give_sync_progress(store: Store) -> None:
    with store.write() as session:
        session.add(SyncPeer(station_id="peer", name="Peer", acked_through="x", knows='{"a": 1}'))
        session.add(SyncHub(hub_id="hub", address="pg://hub", pushed_through="y", pulled_seq=9))
        session.add(
            SyncBundle(
                bundle_id="b1",
                sender="peer",
                payload_sha256="0" * 64,
                imported_at=datetime.now(UTC),
            )
        )


def test_backup_then_restore_round_trips(
    services: Services, store: Store, data_paths: DataPaths
) -> None:
    """A restore brings back the backed-up data, keeps the replaced store aside, and makes
    sync start afresh."""
    contact = services.contacts.create({"name": "Robin Sample", "postcode": "AL1 3AB"}).created[0]
    give_sync_progress(store)
    made = make_backup(services.ctx)
    assert made.kind == "manual" and problem_with_backup(made.path) is None
    services.contacts.update(contact, {"name": "Changed After Backup"})
    store.close()
    result = restore(data_paths, made.path, now=datetime(2025, 5, 6, 7, 8, 9, tzinfo=UTC))
    assert result.set_aside == data_paths.backups / "set-aside-20250506T070809Z"
    assert result.set_aside is not None and (result.set_aside / "pcso-desk.sqlite").exists()
    with sqlite3.connect(result.set_aside / "pcso-desk.sqlite") as conn:
        names = [row[0] for row in conn.execute("SELECT name FROM contacts")]
    assert names == ["Changed After Backup"]
    reopened = open_store(data_paths.store, data_paths.backups)
    try:
        again = Services(Context.open(reopened))
        assert again.contacts.get(contact)["name"] == "Robin Sample"
        with reopened.read() as session:
            peer = session.get(SyncPeer, "peer")
            hub = session.get(SyncHub, "hub")
            assert peer is not None and (peer.acked_through, peer.knows) == (None, "{}")
            assert hub is not None and (hub.pushed_through, hub.pulled_seq) == (None, 0)
            assert session.query(SyncBundle).count() == 0
    finally:
        reopened.close()
    assert "restored" in (data_paths.logs / "recovery.log").read_text(encoding="utf-8")
    assert "sync export --full" in result.line()


def test_a_bad_file_is_not_restored_and_nothing_changes(
    services: Services, store: Store, data_paths: DataPaths, tmp_path: Path
) -> None:
    """A file that is not a good backup is refused in one sentence; the store is as it was."""
    services.contacts.create({"name": "Robin Sample"})
    store.close()
    before = digest(data_paths.store)
    bogus = tmp_path / "bogus.sqlite"
    bogus.write_bytes(b"SQLite format 3\x00" + os.urandom(4096))
    with pytest.raises(PcsoDeskError) as raised:
        restore(data_paths, bogus)
    assert "\n" not in str(raised.value) and "not a good backup" in str(raised.value)
    assert digest(data_paths.store) == before
    assert not [p for p in data_paths.backups.iterdir() if p.name.startswith("set-aside")]


def test_restore_is_refused_while_the_app_holds_the_store(
    services: Services, store: Store, data_paths: DataPaths
) -> None:
    """Another running PCSO Desk (its lock file names a live process) blocks a restore."""
    made = make_backup(services.ctx)
    store.close()
    lock = data_paths.store.with_name("pcso-desk.sqlite.lock")
    lock.write_text(f"{os.getppid()}\npcso-desk\nhost\n", encoding="utf-8")
    before = digest(data_paths.store)
    with pytest.raises(PcsoDeskError, match="close it first"):
        restore(data_paths, made.path)
    assert digest(data_paths.store) == before


def _as(store: Store, username: str) -> Context:
    ctx = Context.open(store)
    accounts.sign_in(ctx, username, PASSWORD)
    return ctx


def test_a_backup_taken_away_needs_the_export_right(
    services: Services, store: Store, tmp_path: Path
) -> None:
    """A PCSO may not copy the store out of the data folder; a PC may, and it is audited."""
    from pcso_desk.store.models import AuditEntry

    accounts.create_account(services.ctx, "admin", PASSWORD, "admin")
    admin = _as(store, "admin")
    for role in ("pcso", "pc"):
        accounts.create_account(admin, role, PASSWORD, role)
    with pytest.raises(PermissionDenied):
        Services(_as(store, "pcso")).backup_to(tmp_path / "out.sqlite")
    assert not (tmp_path / "out.sqlite").exists()
    made = Services(_as(store, "pc")).backup_to(tmp_path / "out.sqlite")
    assert problem_with_backup(made.path) is None
    with store.read() as session:
        done = session.query(AuditEntry).filter_by(action="backup", username="pc").count()
    assert done == 1
