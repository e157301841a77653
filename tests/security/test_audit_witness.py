"""An audit log that cannot be cut short unseen: its head is witnessed outside the store (a
signed sidecar, every backup, every sync bundle and the hub) and `check` names what is gone;
a restore is audited and keeps the entries made after the backup."""

from __future__ import annotations

import json
import re
import shutil
import uuid
from pathlib import Path
from typing import Any

import pytest

from pcso_desk.paths import DataPaths
from pcso_desk.services.protection import audit, audit_witness
from pcso_desk.store.backup import list_backups
from pcso_desk.sync import envelope
from pcso_desk.sync.identity import StationIdentity, TrustStore
from tests.cli.station import Station, as_user, build_station, run
from tests.keys import build_services, raw
from tests.pg_server import PgServer

TEAM = "Riverside SNT"
DROP_GUARDS = "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;"
PUT_GUARDS_BACK = ";".join(audit.GUARDS.values())


@pytest.fixture
def station(tmp_path: Path) -> Station:
    return build_station(tmp_path / "station")


def _store(where: Station | Path) -> Path:
    """The store of a station or data folder (a path to an .sqlite file is itself)."""
    root = where.root if isinstance(where, Station) else where
    return root if root.suffix == ".sqlite" else DataPaths(root).store


def _sql(where: Station | Path, script: str) -> None:
    """Change the store as someone with a plain SQLite tool would."""
    conn = raw(_store(where))
    try:
        conn.executescript(script)
        conn.commit()
    finally:
        conn.close()


def _rows(where: Station | Path) -> list[tuple[Any, ...]]:
    conn = raw(_store(where))
    try:
        sql = f"SELECT {', '.join(audit.COLUMNS)} FROM audit_log ORDER BY seq"
        return [tuple(row) for row in conn.execute(sql)]
    finally:
        conn.close()


def _meta(where: Station | Path, key: str) -> str | None:
    conn = raw(_store(where))
    try:
        row = conn.execute("SELECT value FROM store_meta WHERE key = ?", (key,)).fetchone()
    finally:
        conn.close()
    return None if row is None else str(row[0])


def _sidecar(station: Station) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((station.root / "keys" / audit_witness.SIDECAR).read_text())
    return loaded


def _peer(capsys: pytest.CaptureFixture[str], mp: pytest.MonkeyPatch, station: Station) -> Path:
    """A second station of the team, registered by `station` (and it by the peer)."""
    peer = station.root.parent / "peer"
    assert run(capsys, "--data-dir", str(peer), "init", "--team", TEAM)[0] == 0
    card = station.root.parent / "peer.identity"
    assert run(capsys, "--data-dir", str(peer), "sync", "identity", "--out", str(card))[0] == 0
    assert as_user(capsys, mp, station, "sergeant", "sync", "trust", str(card), "--yes")[0] == 0
    own = station.root.parent / "station.identity"
    assert as_user(capsys, mp, station, "sergeant", "sync", "identity", "--out", str(own))[0] == 0
    assert run(capsys, "--data-dir", str(peer), "sync", "trust", str(own), "--yes")[0] == 0
    return peer


def _work(capsys: pytest.CaptureFixture[str], mp: pytest.MonkeyPatch, station: Station) -> None:
    """One audited action: a PC exports the contacts."""
    out = station.root.parent / f"contacts-{uuid.uuid4().hex}.csv"
    argv = ("export", "contacts", "--format", "csv", "--out", str(out))
    code, _, err = as_user(capsys, mp, station, "pc", *argv)
    assert code == 0, err


def _export(capsys: pytest.CaptureFixture[str], mp: pytest.MonkeyPatch, station: Station) -> Path:
    """Some work, then one sync bundle exported; the bundle's path."""
    _peer(capsys, mp, station)
    _work(capsys, mp, station)
    bundle = station.root.parent / "to-peer.bundle"
    code, _, err = as_user(capsys, mp, station, "sergeant", "sync", "export", "--out", str(bundle))
    assert code == 0, err
    return bundle


def _check(capsys: pytest.CaptureFixture[str], where: Station | Path) -> tuple[int, list[str]]:
    """What `pcso-desk check` finds, run as a tool holding the store's key would (a sign-in
    would add its own entry to the log under examination)."""
    from pcso_desk.services.values import DamagedStoreError, damaged_report

    root = where.root if isinstance(where, Station) else where
    try:
        services = build_services(DataPaths(root), create=False)
    except DamagedStoreError as exc:
        report = damaged_report(exc)
    else:
        try:
            report = services.check()
        finally:
            services.ctx.store.close()
    out = "\n".join(report.lines())
    code = 0 if report.ok else 1
    return code, [line.removeprefix("Problem: ") for line in out.splitlines() if "Problem" in line]


def _rehash_from(station: Station, seq: int, detail: str) -> None:
    """Edit entry `seq` and recompute every later hash, as a tamperer with 20 lines would."""
    rows = _rows(station)
    conn = raw(_store(station))
    try:
        conn.executescript(DROP_GUARDS)
        prev = rows[seq - 2][-1] if seq > 1 else audit.GENESIS
        for row in rows[seq - 1 :]:
            fields = dict(zip(audit.COLUMNS, row, strict=True))
            if fields["seq"] == seq:
                fields["detail"] = detail
            hashed = {k: "None" if v is None else v for k, v in fields.items()}
            digest = audit._digest(prev, hashed)
            conn.execute(
                "UPDATE audit_log SET detail = ?, prev_hash = ?, hash = ? WHERE seq = ?",
                (fields["detail"], prev, digest, fields["seq"]),
            )
            prev = digest
        conn.executescript(PUT_GUARDS_BACK)
        conn.commit()
    finally:
        conn.close()


# --- the log cut short -------------------------------------------------------------------------


def test_deleting_the_newest_entries_after_a_sync_export_is_named_by_check(
    station: Station, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The scenario of the issue: triggers dropped, the newest entries deleted, `check` exits 1
    and names the entries that are gone and the sync export that witnessed them."""
    _export(capsys, monkeypatch, station)
    end = _rows(station)[-1][0]
    assert _sidecar(station)["seq"] == end and _sidecar(station)["event"] == "sync export"
    _sql(station, DROP_GUARDS + f"DELETE FROM audit_log WHERE seq > {end - 5};")
    code, problems = _check(capsys, station)
    assert code == 1
    assert any("guard triggers audit_log_no_update and audit_log_no_delete" in p for p in problems)
    missing = [p for p in problems if p.startswith("The audit log ends at")]
    assert missing == [
        f"The audit log ends at entry {end - 5} but entry {end} was witnessed on "
        f"{_sidecar(station)['at'][:10]} (sync export); entries {end - 4}–{end} are missing."
    ]


@pytest.mark.parametrize("cut", [1, 10])
def test_the_cut_is_found_with_the_triggers_put_back(
    cut: int,
    station: Station,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _export(capsys, monkeypatch, station)
    end = _rows(station)[-1][0]
    _sql(station, DROP_GUARDS + f"DELETE FROM audit_log WHERE seq > {end - cut};" + PUT_GUARDS_BACK)
    code, problems = _check(capsys, station)
    lost = f"entry {end} is" if cut == 1 else f"entries {end - cut + 1}–{end} are"
    assert code == 1 and len(problems) == 1, problems
    assert problems[0].startswith(f"The audit log ends at entry {end - cut} but entry {end}")
    assert problems[0].endswith(f"{lost} missing.")


def test_a_backup_made_after_the_cut_does_not_overwrite_the_evidence(
    station: Station, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _export(capsys, monkeypatch, station)
    end = _rows(station)[-1][0]
    _sql(station, DROP_GUARDS + f"DELETE FROM audit_log WHERE seq > {end - 3};" + PUT_GUARDS_BACK)
    assert as_user(capsys, monkeypatch, station, "sergeant", "backup")[0] == 0
    assert _sidecar(station)["seq"] == end  # not moved onto the cut log
    code, problems = _check(capsys, station)
    assert code == 1 and f"but entry {end} was witnessed" in problems[0]


def test_deleting_every_entry_is_named(
    station: Station, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _export(capsys, monkeypatch, station)
    end = _rows(station)[-1][0]
    _sql(station, DROP_GUARDS + "DELETE FROM audit_log;" + PUT_GUARDS_BACK)
    code, problems = _check(capsys, station)
    assert code == 1
    assert "The audit log is empty although the store holds records" in problems[0]
    assert problems[1].startswith(f"The audit log is empty but entry {end} was witnessed")
    assert problems[1].endswith(f"entries 1–{end} are missing.")


def test_a_table_recreated_empty_is_named_with_no_witness_left(
    station: Station, capsys: pytest.CaptureFixture[str]
) -> None:
    """On a store nothing has witnessed yet: a table recreated empty lacks its triggers, and
    with them put back (and every file that could witness deleted) the empty log of a store
    that holds records still shows."""
    assert _rows(station)
    conn = raw(_store(station))
    create = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'audit_log'").fetchone()[0]
    conn.close()
    _sql(station, f"DROP TABLE audit_log; {create};")
    code, problems = _check(capsys, station)
    assert code == 1
    assert problems[0].startswith("The audit log's guard triggers audit_log_no_update and")
    assert problems[1].startswith("The audit log is empty although the store holds records")
    _sql(station, PUT_GUARDS_BACK)
    (station.root / "keys" / audit_witness.SIDECAR).unlink(missing_ok=True)
    shutil.rmtree(station.root / "backups")
    code, problems = _check(capsys, station)
    assert code == 1 and len(problems) == 1
    assert problems[0].startswith("The audit log is empty although the store holds records")


def test_an_edit_with_every_later_hash_recomputed_is_named(
    station: Station, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The chain itself verifies and the triggers are back; only the signed head tells."""
    _export(capsys, monkeypatch, station)
    shutil.rmtree(station.root / "backups")  # the sidecar alone
    end, at = _sidecar(station)["seq"], _sidecar(station)["at"][:10]
    _rehash_from(station, 3, "nothing to see")
    code, problems = _check(capsys, station)
    assert code == 1
    assert problems == [
        f"Audit entry {end} is not the one witnessed on {at} (sync export): entries up to "
        f"{end} were changed, added, removed or reordered outside the app."
    ]


# --- the witnesses -----------------------------------------------------------------------------


def test_a_forged_sidecar_is_named(
    station: Station, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _export(capsys, monkeypatch, station)
    sidecar = station.root / "keys" / audit_witness.SIDECAR
    document = _sidecar(station)
    document["seq"] -= 3  # moved back to suit a cut log, under the old signature
    sidecar.write_text(json.dumps(document))
    code, problems = _check(capsys, station)
    assert code == 1 and len(problems) == 1
    assert problems[0] == (
        f"{sidecar} is not signed by this station's key: it was altered or replaced, so the "
        "audit log's head could not be checked against it."
    )
    other = StationIdentity.create(station.root / "elsewhere", "x1", "Forger", TEAM)
    end = _rows(station)[-1][0]
    sidecar.write_text(audit_witness.sign(other, (end, "0" * 64), "sync export"))
    assert "is not signed by this station's key" in _check(capsys, station)[1][0]


def test_every_backup_carries_its_signed_head_and_check_reads_it(
    station: Station, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert as_user(capsys, monkeypatch, station, "sergeant", "backup")[0] == 0
    (manual,) = [b for b in list_backups(station.root / "backups") if b.kind == "manual"]
    conn = raw(manual.path)
    head = audit.raw_head(conn)
    (text,) = conn.execute("SELECT value FROM store_meta WHERE key = 'audit_head'").fetchone()
    conn.close()
    public = StationIdentity.load(station.root / "keys")
    assert public is not None
    witnessed = audit_witness.read_signed(text, public.public(), "backup")
    assert (witnessed.seq, witnessed.hash) == head and head[0] > 0
    # With the sidecar gone, the backup alone still witnesses the cut.
    (station.root / "keys" / audit_witness.SIDECAR).unlink()
    _sql(station, DROP_GUARDS + f"DELETE FROM audit_log WHERE seq > {head[0] - 2};")
    _sql(station, PUT_GUARDS_BACK)
    code, problems = _check(capsys, station)
    assert code == 1 and f"({'backup ' + manual.path.name})" in problems[0], problems
    # A backup whose signed head was altered is named.
    conn = raw(manual.path)
    conn.execute(
        "UPDATE store_meta SET value = ? WHERE key = 'audit_head'", (text.replace('"seq"', '"x"'),)
    )
    conn.commit()
    conn.close()
    assert any(
        p == f"The audit head recorded in backup {manual.path.name} is not signed by this "
        "station's key."
        for p in _check(capsys, station)[1]
    )


def test_a_bundle_carries_the_head_and_the_peer_keeps_the_highest(
    station: Station, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    bundle = _export(capsys, monkeypatch, station)
    peer = station.root.parent / "peer"
    code, _, err = run(capsys, "--data-dir", str(peer), "sync", "import", str(bundle))
    assert code == 0, err
    station_id = _meta(station, "station_id")
    kept = json.loads(_meta(peer, f"audit_head:{station_id}") or "{}")
    action = audit.COLUMNS.index("action")
    exported = next(row for row in _rows(station) if row[action] == "sync export")
    assert (kept["seq"], kept["source"]) == (exported[0] - 1, "bundle")  # the head it sealed
    assert kept["hash"] == _rows(station)[exported[0] - 2][-1]
    # An older head (a bundle imported late) never replaces a newer one.
    services = build_services(DataPaths(peer), create=False)
    try:
        with services.ctx.store.write() as session:
            audit_witness.keep_head(session, str(station_id), (1, "a" * 64), "bundle")
    finally:
        services.ctx.store.close()
    assert json.loads(_meta(peer, f"audit_head:{station_id}") or "{}")["seq"] == kept["seq"]


def test_a_version_1_bundle_without_a_head_still_opens(tmp_path: Path) -> None:
    north = StationIdentity.create(tmp_path / "n", "north", "North", TEAM)
    south = StationIdentity.create(tmp_path / "s", "south", "South", TEAM)
    TrustStore(tmp_path / "s").trust(north.public())
    data = envelope.seal(b"x", north, [south.public()], bundle_id="b1", audit_head=(4, "c" * 64))
    assert envelope.open_bundle(data, south, TrustStore(tmp_path / "s")).audit_head == (4, "c" * 64)
    real = envelope._canonical

    def without_head(header: dict[str, Any]) -> bytes:
        return real({k: v for k, v in header.items() if k != "audit_head"})

    with pytest.MonkeyPatch.context() as mp:  # a bundle as the previous release sealed it
        mp.setattr(envelope, "VERSION", 1)
        mp.setattr(envelope, "_canonical", without_head)
        old = envelope.seal(b"x", north, [south.public()], bundle_id="b2")
    assert old[len(envelope.MAGIC)] == 1
    assert envelope.open_bundle(old, south, TrustStore(tmp_path / "s")).audit_head is None


def test_the_hub_keeps_each_stations_head_and_hands_this_ones_back(
    station: Station,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    pg_server: PgServer,
) -> None:
    from pcso_desk.app import main

    name = f"hub_{uuid.uuid4().hex}"
    pg_server.create_database(name)
    url = f"postgresql+psycopg://postgres@127.0.0.1:{pg_server.port}/{name}"
    card, access = station.root / "station.id", station.root / "station.access"
    assert (
        as_user(capsys, monkeypatch, station, "sergeant", "sync", "identity", "--out", str(card))[0]
        == 0
    )
    team = json.loads(card.read_text())["team"]
    assert main(["hub", "setup", url, "--team", team]) == 0
    assert main(["hub", "add-station", url, str(card), "--out", str(access)]) == 0
    assert (
        as_user(capsys, monkeypatch, station, "sergeant", "sync", "join-hub", str(access))[0] == 0
    )
    assert as_user(capsys, monkeypatch, station, "sergeant", "sync", "hub")[0] == 0
    end = _rows(station)[-1][0]
    # The log cut, the sidecar and backups gone: the hub still knows the head it was given.
    _sql(station, DROP_GUARDS + f"DELETE FROM audit_log WHERE seq > {end - 8};" + PUT_GUARDS_BACK)
    (station.root / "keys" / audit_witness.SIDECAR).unlink()
    shutil.rmtree(station.root / "backups")
    assert as_user(capsys, monkeypatch, station, "sergeant", "sync", "hub")[0] == 0
    (station.root / "keys" / audit_witness.SIDECAR).unlink()
    shutil.rmtree(station.root / "backups", ignore_errors=True)
    code, problems = _check(capsys, station)
    assert code == 1 and len(problems) == 1, problems
    # the head it pushed came before the sync's own entry; the second sync added two
    found = re.fullmatch(
        rf"The audit log ends at entry (\d+) but entry {end - 1} was witnessed on [\d-]+ "
        rf"\(the hub\); entries (\d+)–{end - 1} are missing.",
        problems[0],
    )
    assert found and int(found[1]) == end - 8 + 2 and int(found[2]) == int(found[1]) + 1


# --- restore -----------------------------------------------------------------------------------


def test_restore_is_audited_and_keeps_the_entries_made_after_the_backup(
    station: Station, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """backup -> act -> restore: the log does not go backwards and `check` stays clean."""
    assert as_user(capsys, monkeypatch, station, "sergeant", "backup")[0] == 0
    (manual,) = [b for b in list_backups(station.root / "backups") if b.kind == "manual"]
    at_backup = len(_rows(manual.path))
    _work(capsys, monkeypatch, station)
    _work(capsys, monkeypatch, station)
    before = _rows(station)
    assert len(before) > at_backup + 2
    code, out, err = as_user(capsys, monkeypatch, station, "sergeant", "restore", str(manual.path))
    assert code == 0, err
    after = _rows(station)
    assert after[: len(before)] == before  # every entry, with its own hash
    restored = dict(zip(audit.COLUMNS, after[-1], strict=True))
    assert (restored["action"], restored["username"], restored["role"]) == (
        "restore",
        "sergeant",
        "sergeant",
    )
    assert restored["detail"] == (
        f"from {manual.path.name}, whose log ends at entry {at_backup}; entries "
        f"{at_backup + 1}–{len(after) - 1} were carried as they were"
    )
    assert "audit log entries made since the backup were kept" in out
    assert _sidecar(station)["seq"] == after[-1][0] and _sidecar(station)["event"] == "restore"
    code, problems = _check(capsys, station)
    assert (code, problems) == (0, [])


def test_inside_a_unit_of_work_the_head_is_witnessed_once_it_commits(
    station: Station,
) -> None:
    """A use case's own entry is in the sidecar; nothing of a unit that rolls back is."""
    services = build_services(DataPaths(station.root), create=False)
    store, ctx = services.ctx.store, services.ctx
    try:
        before = _sidecar(station)["seq"]  # opening made the day's backup, a witness event
        with store.write() as session:
            audit.append(session, ctx, "backup", "store")
            audit_witness.witness(store, "backup")
            assert _sidecar(station)["seq"] == before
        assert _sidecar(station)["seq"] == _rows(station)[-1][0] > before
        with pytest.raises(RuntimeError), store.write() as session:
            audit.append(session, ctx, "backup", "store")
            audit_witness.witness(store, "backup")
            raise RuntimeError("rolled back")
        assert _sidecar(station)["seq"] == _rows(station)[-1][0]
    finally:
        store.close()


def test_a_restore_keeps_a_forged_sidecar_for_check_to_name(
    station: Station, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert as_user(capsys, monkeypatch, station, "sergeant", "backup")[0] == 0
    (manual,) = [b for b in list_backups(station.root / "backups") if b.kind == "manual"]
    sidecar = station.root / "keys" / audit_witness.SIDECAR
    forged = sidecar.read_text().replace('"seq": ', '"seq": 1')
    sidecar.write_text(forged)
    code, _, err = as_user(capsys, monkeypatch, station, "sergeant", "restore", str(manual.path))
    assert code == 0, err
    assert sidecar.read_text() == forged
    assert "is not signed by this station's key" in _check(capsys, station)[1][0]
