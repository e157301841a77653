"""Syncing stations through a real PostgreSQL hub: merge, deletions, conflicts, offline, crowds."""

from __future__ import annotations

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

from pcso_desk.services.api import Services
from pcso_desk.sync.hub import MIGRATIONS, HubError
from tests.factories import utc
from tests.pg_server import PgServer
from tests.stations import dump as _dump
from tests.stations import hub_team
from tests.stations import station as _station


def _a_neighbourhood(services) -> str:  # type: ignore[no-untyped-def]
    """The neighbourhood a meeting needs (one district, one neighbourhood)."""
    district = services["districts"].create({"name": "Testshire", "code": "TS"}).created[0]
    values = {"name": "Riverside SNT", "code": "RIV", "district_id": district}
    return str(services["neighbourhoods"].create(values).created[0])


@pytest.fixture
def hub_url(pg_server: PgServer) -> str:
    return pg_server.create_database(f"hub_{uuid.uuid4().hex}")


@pytest.fixture
def pair(tmp_path: Path, hub_url: str) -> Any:
    """Two stations of one team, each joined to the hub with its own access."""
    a, b = _station(tmp_path / "a"), _station(tmp_path / "b")
    hub_team(hub_url, [a, b], tmp_path / "cards")
    yield a, b
    a.ctx.store.close()
    b.ctx.store.close()


def _hub_scalar(url: str, sql: str) -> Any:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(text(sql)).scalar()
    finally:
        engine.dispose()


def _contact(services: Services, name: str) -> str:
    return str(services["contacts"].create({"name": name}).created[0])


def _case(services: Services, victim: str) -> str:
    values = {
        "victim_id": victim,
        "crime_reference": "41 12345 26",
        "offence_type": "Burglary",
        "opened_at": utc(2026, 3, 2, 10),
        "contact_frequency": "fortnightly",
    }
    return str(services["victim_cases"].create(values).created[0])


def _live_ids(services: Services, kind: str) -> set[str]:
    return {row["id"] for row in services[kind].page().rows}


def _deleted_at(services: Services, table: str, row_id: str) -> Any:
    with services.ctx.store.read() as session:
        return (
            session.connection()
            .exec_driver_sql(f"SELECT deleted_at FROM {table} WHERE id = ?", (row_id,))
            .scalar_one()
        )


def _row_hlc(services: Services, table: str, row_id: str) -> str:
    with services.ctx.store.read() as session:
        return str(
            session.connection()
            .exec_driver_sql(f"SELECT hlc FROM {table} WHERE id = ?", (row_id,))
            .scalar_one()
        )


def _sync_all(url: str, *stations: Services) -> None:
    """Each station syncs, then each again, so everyone holds everything."""
    for _ in range(2):
        for station in stations:
            station.sync.hub()


def test_two_stations_end_up_with_each_others_records(pair: Any, hub_url: str) -> None:
    a, b = pair
    ann = _contact(a, "Ann Example")
    case = _case(a, ann)
    bob, cat = _contact(b, "Bob Sample"), _contact(b, "Cat Trial")
    b_case = _case(b, bob)
    _sync_all(hub_url, a, b)
    assert _dump(a) == _dump(b)
    assert _live_ids(a, "contacts") == _live_ids(b, "contacts") == {ann, bob, cat}
    assert _live_ids(a, "victim_cases") == {case, b_case}
    again = a.sync.hub()
    assert (again.changed, again.hub_changed, again.new_conflicts) == (0, 0, 0)
    b.sync.hub()
    for station in (a, b):  # settled: nothing left to send or receive either way
        quiet = station.sync.hub()
        assert (quiet.pushed, quiet.hub_changed, quiet.pulled, quiet.changed) == (0, 0, 0, 0)
    assert _dump(a) == _dump(b)


def test_the_hub_schema_is_made_by_alembic_and_reused(pair: Any, hub_url: str) -> None:
    a, b = pair
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    head = ScriptDirectory.from_config(config).get_current_head()
    first = a.sync.hub()
    assert head and _hub_scalar(hub_url, "SELECT version_num FROM hub_alembic_version") == head
    hub_id = _hub_scalar(hub_url, "SELECT value FROM hub_meta WHERE key = 'hub_id'")
    _contact(b, "Bob Sample")
    b.sync.hub()
    second = a.sync.hub()
    assert first.address == second.address and second.changed == 1
    assert _hub_scalar(hub_url, "SELECT value FROM hub_meta WHERE key = 'hub_id'") == hub_id
    assert _hub_scalar(hub_url, "SELECT count(*) FROM hub_alembic_version") == 1
    assert [h.address for h in a.sync.status().hubs] == [first.address]


@pytest.mark.parametrize("deleter_syncs_first", [True, False])
def test_a_deletion_reaches_the_other_station_and_stays(
    pair: Any, hub_url: str, deleter_syncs_first: bool
) -> None:
    a, b = pair
    ann = _contact(a, "Ann Example")
    _sync_all(hub_url, a, b)
    b["contacts"].update(ann, {"name": "Ann Edited"})
    b.sync.hub()  # the edit reaches the hub first
    a.sync.hub()  # and then a, which deletes the edited record
    a["contacts"].delete(ann)
    order = (a, b) if deleter_syncs_first else (b, a)
    _sync_all(hub_url, *order)
    for station in (a, b):
        assert _deleted_at(station, "contacts", ann) is not None
        assert ann not in _live_ids(station, "contacts")
        assert station.sync.conflicts() == []
    assert _dump(a) == _dump(b)


def test_an_edit_the_deleter_never_saw_is_queued_not_revived(pair: Any, hub_url: str) -> None:
    a, b = pair
    ann = _contact(a, "Ann Example")
    _sync_all(hub_url, a, b)
    b["contacts"].update(ann, {"name": "Ann Edited"})
    a["contacts"].delete(ann)  # before the edit reached a
    _sync_all(hub_url, b, a)
    for station in (a, b):
        assert _deleted_at(station, "contacts", ann) is not None
        assert ann not in _live_ids(station, "contacts")
    on_a, on_b = a.sync.conflicts(), b.sync.conflicts()
    assert [c.id for c in on_a] == [c.id for c in on_b] and len(on_a) == 1
    assert on_a[0].kind == "deletion" and "Ann Edited" in on_a[0].b.text
    assert _dump(a) == _dump(b)


def test_a_concurrent_edit_is_queued_on_both_and_settled_once(pair: Any, hub_url: str) -> None:
    a, b = pair
    case = _case(a, _contact(a, "Ann Example"))
    _sync_all(hub_url, a, b)
    a["victim_cases"].update(case, {"offence_type": "Theft of cycle"})
    b["victim_cases"].update(case, {"offence_type": "Criminal damage"})
    later = max(
        (_row_hlc(a, "victim_cases", case), "Theft of cycle"),
        (_row_hlc(b, "victim_cases", case), "Criminal damage"),
    )[1]
    _sync_all(hub_url, a, b)
    assert a["victim_cases"].get(case)["offence_type"] == later
    assert b["victim_cases"].get(case)["offence_type"] == later
    on_a, on_b = a.sync.conflicts(), b.sync.conflicts()
    assert len(on_a) == len(on_b) == 1 and on_a[0].id == on_b[0].id
    assert on_a[0].a.text == later and on_a[0].b.text != later
    set_aside = on_a[0].b.text
    b.sync.resolve(on_b[0].id, "b")
    _sync_all(hub_url, b, a)
    for station in (a, b):
        assert station["victim_cases"].get(case)["offence_type"] == set_aside
        assert station.sync.conflicts() == []
    assert _dump(a) == _dump(b)


def test_an_unreachable_hub_keeps_the_work_on_this_pc(pair: Any) -> None:
    a, _ = pair
    _contact(a, "Ann Example")
    before = _dump(a)
    with pytest.raises(HubError) as refused:
        a.sync.hub("postgresql+psycopg://postgres@127.0.0.1:1/x")
    message = refused.value.message
    assert "could not be reached" in message and "is kept" in message
    assert message.endswith(".") and ". " not in message and "\n" not in message
    assert _dump(a) == before
    assert a.sync.status().hubs == []
    bob = _contact(a, "Bob Sample")
    assert bob in _live_ids(a, "contacts")
    log = a.ctx.store.path.parent / "logs" / "sync.log"
    assert "could not be reached" in log.read_text(encoding="utf-8")


def test_only_a_postgresql_address_is_accepted(pair: Any, tmp_path: Path) -> None:
    a, _ = pair
    before = _dump(a)
    for url in (f"sqlite:///{tmp_path / 'x.db'}", "not a url at all"):
        with pytest.raises(HubError, match="must be a PostgreSQL URL"):
            a.sync.hub(url)
    assert _dump(a) == before
    assert not (tmp_path / "x.db").exists()


def test_a_wrong_database_name_is_refused_clearly(pair: Any, pg_server: PgServer) -> None:
    a, _ = pair
    before = _dump(a)
    with pytest.raises(HubError) as refused:
        a.sync.hub(pg_server.url(f"missing_{uuid.uuid4().hex}"))
    assert "refused the connection" in refused.value.message and "kept" in refused.value.message
    assert _dump(a) == before


def _kept_url(services: Services) -> str:
    from pcso_desk.sync.hub_access import kept_access

    url = kept_access(services.ctx.store.path.parent / "keys", services.ctx.store.key)
    assert url is not None
    return url


def test_a_station_reads_and_writes_only_its_own_teams_rows(tmp_path: Path, hub_url: str) -> None:
    ours = [_station(tmp_path / "a"), _station(tmp_path / "b")]
    theirs = _station(tmp_path / "c", team="Hillside SNT")
    try:
        hub_team(hub_url, [*ours, theirs], tmp_path / "cards")
        ann = _contact(ours[0], "Ann Example")
        _case(ours[0], ann)
        _contact(theirs, "Bob Sample")
        _sync_all(hub_url, *ours, theirs)
        assert {r["name"] for r in ours[1].contacts.page().rows} == {"Ann Example"}
        assert {r["name"] for r in theirs.contacts.page().rows} == {"Bob Sample"}
        # Hillside's own sign-in, straight to the database with psql's powers:
        engine = create_engine(_kept_url(theirs))
        try:
            with engine.connect() as conn:
                seen = set(conn.execute(text("SELECT DISTINCT team FROM hub_items")).scalars())
                assert seen == {"Hillside SNT"}
                for table in ("hub_items", "hub_keys", "hub_pages", "hub_heads", "hub_stations"):
                    riverside = f"SELECT count(*) FROM {table} WHERE team = 'Riverside SNT'"
                    assert conn.execute(text(riverside)).scalar() == 0, table
                changed = conn.execute(
                    text("UPDATE hub_items SET body = '\\x00' WHERE team = 'Riverside SNT'")
                )
                assert changed.rowcount == 0
                conn.rollback()
                with pytest.raises(DBAPIError, match="row-level security"):
                    conn.execute(
                        text(
                            "INSERT INTO hub_items (team, tbl, id, sender, seq, v, newest, page, "
                            "body) VALUES ('Riverside SNT', 'contacts', 'x', :me, 1, 1, now(), "
                            "'p', '\\x00')"
                        ),
                        {"me": theirs.ctx.station_id},
                    )
                conn.rollback()
                with pytest.raises(DBAPIError, match="row-level security"):  # not as another
                    conn.execute(
                        text(
                            "INSERT INTO hub_items (team, tbl, id, sender, seq, v, newest, page, "
                            "body) VALUES ('Hillside SNT', 'contacts', 'x', 'someone-else', 1, 1, "
                            "now(), 'p', '\\x00')"
                        )
                    )
                conn.rollback()
                with pytest.raises(DBAPIError, match="number not given out"):
                    conn.execute(  # its own row numbered far ahead: the others would skip
                        text("UPDATE hub_items SET seq = seq + 1000000 WHERE sender = :me"),
                        {"me": theirs.ctx.station_id},
                    )
                conn.rollback()
                with pytest.raises(DBAPIError, match="must be owner"):
                    conn.execute(text("DROP TABLE hub_items"))
                conn.rollback()
                with pytest.raises(DBAPIError, match="permission denied"):
                    conn.execute(text("CREATE TABLE mine (x int)"))
        finally:
            engine.dispose()
    finally:
        for station in (*ours, theirs):
            station.ctx.store.close()


def test_a_station_refuses_the_owners_address_and_another_stations_access(
    pair: Any, hub_url: str, tmp_path: Path
) -> None:
    a, b = pair
    before = _dump(a)
    with pytest.raises(HubError, match="signs in as the hub's owner"):
        a.sync.hub(hub_url)
    with pytest.raises(HubError, match="belongs to another station"):
        a.sync.hub(_kept_url(b))
    assert _dump(a) == before
    access = next((tmp_path / "cards").glob(f"{b.ctx.station_id}.access"))
    with pytest.raises(HubError, match="made for another station"):
        a.sync.join_hub(access)


def _all_at_once(stations: list[Services], url: str) -> None:
    start = threading.Barrier(len(stations))

    def sync(station: Services) -> None:
        start.wait(timeout=30)
        station.sync.hub()

    with ThreadPoolExecutor(len(stations)) as pool:
        for done in [pool.submit(sync, s) for s in stations]:
            done.result(timeout=60)


@pytest.mark.slow(minutes=0.3)
def test_ten_stations_syncing_at_once_lose_and_duplicate_nothing(
    tmp_path: Path, hub_url: str
) -> None:
    count, each = 10, 20
    stations = [_station(tmp_path / f"s{n}") for n in range(count)]
    try:
        shared = _contact(stations[0], "Shared Example")
        hub_team(hub_url, stations, tmp_path / "cards")
        _all_at_once(stations, hub_url)  # ten first syncs race for the team's key
        for station in stations:  # so that every station holds the shared contact
            station.sync.hub()
        assert all(s["contacts"].count() == 1 for s in stations)
        for n, station in enumerate(stations):
            for k in range(each):
                _contact(station, f"Station{n} Person{k}")
            station["contacts"].update(shared, {"organisation": f"Edited by {n}"})
        _all_at_once(stations, hub_url)
        for station in stations:
            station.sync.hub()
        expected = count * each + 1
        dumps = [_dump(s) for s in stations]
        assert all(dump == dumps[0] for dump in dumps)
        assert len(dumps[0]["contacts"]) == expected
        assert stations[0]["contacts"].count() == expected
        edited = {s["contacts"].get(shared)["organisation"] for s in stations}
        assert len(edited) == 1 and edited <= {f"Edited by {n}" for n in range(count)}
        hub_rows = "SELECT count(DISTINCT id) FROM hub_items WHERE tbl = 'contacts'"
        assert _hub_scalar(hub_url, hub_rows) == expected
        assert _hub_scalar(hub_url, "SELECT count(*) FROM hub_stations") == count
    finally:
        for station in stations:
            station.ctx.store.close()


def _venues(services: Services, meeting: str) -> dict[str, str]:
    """Each venue in the meeting's history, with who/where set it."""
    found = services.history("meetings", meeting)
    return {value.text: value.who for value in found.values if value.field == "venue"}


def test_both_venues_are_in_the_history_on_both_stations_through_the_hub(
    pair: Any, hub_url: str
) -> None:
    a, b = pair
    meeting = a.meetings.create(
        {
            "meeting_type": "pact",
            "title": "Spring PACT",
            "starts_at": utc(2098, 3, 4, 18),
            "neighbourhood_id": _a_neighbourhood(a),
        }
    ).created[0]
    _sync_all(hub_url, a, b)
    a.meetings.update(meeting, {"venue": "Venue A"})
    b.meetings.update(meeting, {"venue": "Venue B"})
    a.sync.hub()
    b.sync.hub()  # the hub's merge sets Venue A aside, and b hears of it at once
    assert set(_venues(b, meeting)) == {"Venue A", "Venue B"}
    a.sync.hub()
    for services in (a, b):
        venues = _venues(services, meeting)
        assert set(venues) == {"Venue A", "Venue B"}
        assert sum("(this PC)" in who for who in venues.values()) == 1
    # A meeting's venue is conflict-checked: the queue holds both until a sergeant chooses.
    (conflict,) = a.sync.conflicts()
    assert {side.text for side in conflict.sides} == {"Venue A", "Venue B"}
    assert _dump(a) == _dump(b)


def test_a_merge_and_an_erasure_leave_none_of_the_persons_details_on_the_hub(
    pair: Any, hub_url: str
) -> None:
    a, b = pair
    keep = a.contacts.create({"name": "Ann Example", "postcode": "AL1 3AB"}).created[0]
    gone = a.contacts.create(
        {"name": "Ann Exampel", "email": "x.person@example.org", "address": "7 Hidden Lane"}
    ).created[0]
    _sync_all(hub_url, a, b)
    a.merge_contacts(keep, gone)  # copies the e-mail and address onto Ann Example
    b.retention.erase_person(gone)  # meanwhile, not knowing of the merge
    for _ in range(3):
        for station in (a, b):
            station.sync.hub()
    words = ("x.person@example.org", "7 Hidden Lane")
    bodies = " ".join(str(body) for body in _hub_rows(hub_url, "SELECT body FROM hub_items"))
    assert [w for w in words if w in bodies] == []
    # Even opened with the team's key, no live row on the hub holds them: each station's own
    # sealed copy was replaced by its erased state.
    opened = _opened_on_hub(b)
    assert len(opened) >= 4 and [w for w in words if w in " ".join(opened)] == []
    for station in (a, b):
        assert [w for w in words if w in repr(_dump(station))] == []
        assert station.contacts.get(keep)["email"] == ""
    assert _dump(a) == _dump(b)


def _opened_on_hub(services: Services) -> list[str]:
    """Every row of the station's team on the hub, opened as the station opens them."""
    from pcso_desk.services.sync.stations import ensure_identity, keys_folder
    from pcso_desk.sync.hub import Hub
    from pcso_desk.sync.hub_seal import open_item, open_page
    from pcso_desk.sync.identity import TrustStore

    me = ensure_identity(services.ctx)
    trusted = TrustStore(keys_folder(services.ctx))
    hub = Hub(_kept_url(services))
    try:
        key = hub.team_key(me.team, me, trusted)
        opened = []
        for pulled in hub.pull(me.team, 0, "nobody"):  # every sender's rows, its own too
            for row in pulled.rows:
                sender = me.public() if row.sender == me.station_id else trusted.get(row.sender)
                assert sender is not None
                page = open_page(pulled.pages[(row.sender, row.page)], me.team, sender, row.page)
                item = open_item(
                    key, me.team, row.table, row.id, sender, row.version, row.body, page
                )
                opened.append(repr(item.values))
        return opened
    finally:
        hub.close()


def _hub_rows(url: str, sql: str) -> list[Any]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return list(conn.execute(text(sql)).scalars())
    finally:
        engine.dispose()


def test_a_hub_restored_from_a_dump_is_noticed_and_every_station_ends_the_same(
    pair: Any, pg_server: PgServer, hub_url: str, tmp_path: Path
) -> None:
    a, b = pair
    url, name = hub_url, hub_url.rsplit("/", 1)[1]
    where = ("-h", "127.0.0.1", "-p", str(pg_server.port), "-U", "postgres")
    _contact(a, "Ann Before")
    _sync_all(url, a, b)
    dump = pg_server.root / f"{name}.dump"
    pg_server._run("pg_dump", *where, "-Fc", "-f", str(dump), name)  # the nightly backup
    _contact(a, "Abe After")
    _contact(b, "Bob After")
    _sync_all(url, a, b)  # pushes the backup does not hold
    pg_server._run("pg_restore", *where, "--clean", "-d", name, str(dump))  # the restore
    _contact(a, "Amy Later")
    a.sync.hub()  # more pushes, numbered again from where the backup left off
    _sync_all(url, a, b)
    everyone = {"Ann Before", "Abe After", "Bob After", "Amy Later"}
    assert {row["name"] for row in a.contacts.page().rows} == everyone
    assert _dump(a) == _dump(b)
    # The hub holds everything again: a station joining now receives all of it, once a
    # station of the team has handed it the team's key.
    c = _station(tmp_path / "c")
    try:
        hub_team(url, [a, b, c], tmp_path / "cards")
        with pytest.raises(HubError, match="not been handed the team's hub key yet"):
            c.sync.hub()
        a.sync.hub()
        c.sync.hub()
        assert {row["name"] for row in c.contacts.page().rows} == everyone
    finally:
        c.ctx.store.close()


def test_a_hub_on_another_machine_is_reached_only_over_verified_tls(pair: Any) -> None:
    from pcso_desk.sync.hub import hub_engine

    a, _b = pair
    for weak in ("disable", "allow", "prefer", "require", "verify-ca"):
        url = f"postgresql://pcso@hub.example.org/riverside?sslmode={weak}"
        with pytest.raises(HubError, match="must be reached over verified TLS") as refused:
            a.sync.hub(url)
        assert refused.value.message.endswith("nothing was sent.")  # one sentence, one line
        assert "\n" not in refused.value.message
    engine, shown = hub_engine("postgresql://pcso:secret@hub.example.org/riverside")
    try:
        assert engine.url.query["sslmode"] == "verify-full"  # the default for another host
        assert "secret" not in shown
    finally:
        engine.dispose()
    local, _ = hub_engine("postgresql://pcso@127.0.0.1/riverside")  # this machine: as given
    try:
        assert "sslmode" not in local.url.query
    finally:
        local.dispose()


def test_a_pusher_stopped_holding_the_lock_does_not_stall_the_team(pair: Any, hub_url: str) -> None:
    import os
    import signal
    import subprocess
    import sys
    import threading

    a, b = pair
    _sync_all(hub_url, a, b)  # the hub's schema is made
    stalled = subprocess.Popen(
        [sys.executable, "-m", "tests.sync.stalled_pusher", hub_url, a.sync.status().team],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert stalled.stdout is not None and stalled.stdout.readline().strip() == "locked"
        os.kill(stalled.pid, signal.SIGSTOP)  # a laptop lid closed mid-push
        bob = _contact(b, "Bob Sample")
        done: list[object] = []
        said: list[str] = []
        syncing = threading.Thread(target=lambda: done.append(b.sync.hub(progress=said.append)))
        syncing.start()
        syncing.join(60)  # the server ends the stalled session; the push lock is free again
        assert not syncing.is_alive() and done, "a stopped station held every other one"
        assert "The hub is busy; trying again" in said  # it waited in steps, and said so
        a.sync.hub()
        assert bob in _live_ids(a, "contacts")
    finally:
        os.kill(stalled.pid, signal.SIGCONT)
        stalled.kill()
        stalled.wait(10)
        if stalled.stdout is not None:
            stalled.stdout.close()


def _owner_sql(url: str, sql: str, params: dict[str, Any] | None = None) -> None:
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(text(sql), params or {})
    finally:
        engine.dispose()


def _names(services: Services) -> set[str]:
    return {row["name"] for row in services.contacts.page().rows}


def test_rows_forged_with_the_owners_password_are_set_aside_by_name(
    pair: Any, hub_url: str
) -> None:
    a, b = pair
    ann, _ = _contact(a, "Ann Example"), _contact(a, "Abe Example")
    _sync_all(hub_url, a, b)
    assert _names(b) == {"Ann Example", "Abe Example"}
    a_id, a_name = a.ctx.station_id, a.sync.status().name
    # Whoever holds the owner's password: swap two of A's sealed rows, and add one in A's
    # name (its bytes copied from a real row), then make them all look new.
    _owner_sql(
        hub_url,
        "UPDATE hub_items SET body = (SELECT body FROM hub_items WHERE id <> :ann AND "
        "tbl = 'contacts' AND sender = :a), seq = nextval('hub_seq') WHERE id = :ann",
        {"ann": ann, "a": a_id},
    )
    _owner_sql(
        hub_url,
        "INSERT INTO hub_items (team, tbl, id, sender, seq, v, newest, page, body) "
        "SELECT team, tbl, :forged, sender, nextval('hub_seq'), v, newest, page, body "
        "FROM hub_items WHERE id = :ann",
        {"ann": ann, "forged": str(uuid.uuid4())},
    )
    _owner_sql(  # and one written from nothing, in a page A never signed
        hub_url,
        "INSERT INTO hub_items (team, tbl, id, sender, seq, v, newest, page, body) "
        "SELECT team, 'contacts', :forged, sender, nextval('hub_seq'), 1, now(), 'made-up', "
        'convert_to(\'{"v": {"name": "Mallory"}}\', \'UTF8\') FROM hub_items '
        "WHERE id = :ann",
        {"ann": ann, "forged": str(uuid.uuid4())},
    )
    c = _contact(a, "Cat Example")  # and A's real work goes on
    a.sync.hub()
    b["contacts"].update(ann, {"organisation": "B's edit"})
    result = b.sync.hub()
    assert result.set_aside == 3
    assert _names(b) == {"Ann Example", "Abe Example", "Cat Example"}  # nothing forged in
    assert c in _live_ids(b, "contacts")
    status = b.sync.status()
    reasons = {reason: count for who, reason, count in status.set_aside if who == a_name}
    assert sum(reasons.values()) == 3 and len(status.set_aside) == len(reasons)
    assert any("was altered on the hub" in reason for reason in reasons)
    assert any("not in any page it signed" in reason for reason in reasons)


def test_a_station_with_its_clock_two_hours_fast_is_refused_by_name_and_the_others_sync(
    tmp_path: Path, hub_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import time as real_time
    from types import SimpleNamespace

    import pcso_desk.sync.hub as hub_module

    stations = [_station(tmp_path / n) for n in ("a", "b", "c")]
    a, b, c = stations
    try:
        hub_team(hub_url, stations, tmp_path / "cards")
        _sync_all(hub_url, *stations)
        fast = SimpleNamespace(time=lambda: real_time.time() + 7200)
        monkeypatch.setattr(hub_module, "time", fast)  # A's clock, as this test runs A
        _contact(a, "Ann Fast")
        before = _dump(a)
        with pytest.raises(HubError) as refused:
            a.sync.hub()
        name = a.sync.status().name
        assert refused.value.message.startswith(f"The clock of {name} is 2 h 0 min ahead")
        assert _dump(a) == before
        monkeypatch.setattr(hub_module, "time", real_time)
        bob = _contact(b, "Bob Sample")
        b.sync.hub()
        c.sync.hub()
        assert bob in _live_ids(c, "contacts")
        # A station that skips the check (an older release) is refused by the hub itself.
        import pcso_desk.services.sync.hub as service

        monkeypatch.setattr(service, "CLOCK_SLACK_S", 10 * 3600)
        a.ctx.clock._wall = lambda: real_time.time() + 7200  # type: ignore[attr-defined]
        _contact(a, "Amy Ahead")
        with pytest.raises(HubError, match=f"refused the changes of {name}: its clock is ahead"):
            a.sync.hub()
        c.sync.hub()  # the others still sync, and receive nothing dated ahead
        assert "Amy Ahead" not in _names(c)
    finally:
        for station in stations:
            station.ctx.store.close()


def test_a_newer_releases_changes_wait_aside_and_apply_after_the_update(
    pair: Any, hub_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pcso_desk.sync.hub as hub_module
    import pcso_desk.sync.hub_seal as seal

    a, b = pair
    _contact(a, "Ann Today")
    a.sync.hub()
    monkeypatch.setattr(hub_module, "PROTOCOL", seal.PROTOCOL + 1)  # A updated first
    monkeypatch.setattr(seal, "PROTOCOL", seal.PROTOCOL + 1)
    _contact(a, "Abe Tomorrow")
    a.sync.hub()
    monkeypatch.setattr(seal, "PROTOCOL", seal.PROTOCOL - 1)  # B still on this release
    result = b.sync.hub()
    assert _names(b) == {"Ann Today"} and result.set_aside == 1
    assert "newer PCSO Desk" in b.sync.status().set_aside[0][1]
    monkeypatch.setattr(seal, "PROTOCOL", seal.PROTOCOL + 1)  # B updated
    again = b.sync.hub()
    assert _names(b) == {"Ann Today", "Abe Tomorrow"} and again.set_aside == 0
    assert b.sync.status().set_aside == []


def test_a_hub_set_up_by_a_newer_or_older_release_is_named_not_crashed(
    pair: Any, hub_url: str
) -> None:
    a, _ = pair
    before = _dump(a)
    _owner_sql(hub_url, "UPDATE hub_meta SET value = '99' WHERE key = 'interface'")
    with pytest.raises(HubError, match=r"set up by a newer PCSO Desk .* update PCSO Desk"):
        a.sync.hub()
    _owner_sql(hub_url, "UPDATE hub_meta SET value = '1' WHERE key = 'interface'")
    with pytest.raises(HubError, match="needs upgrading for this release"):
        a.sync.hub()
    assert _dump(a) == before


def test_a_station_never_receives_its_own_pushes_and_pulls_page_by_page(
    pair: Any, hub_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pcso_desk.sync.hub as hub_module

    a, b = pair
    made = {_contact(a, f"Person{n:02d} Example") for n in range(23)}
    first = a.sync.hub()
    assert first.pushed >= 23 and first.pulled == 0  # not its own 23 back
    seen: list[int] = []
    real_pull = hub_module.Hub.pull

    def counted(self: Any, team: str, after: int, me: str, page: int = 5) -> Any:
        for pulled in real_pull(self, team, after, me, page):
            seen.append(len(pulled.rows))
            yield pulled

    monkeypatch.setattr(hub_module.Hub, "pull", counted)
    result = b.sync.hub()
    assert made <= _live_ids(b, "contacts") and result.pulled == first.pushed
    assert max(seen) == 5 and len(seen) >= 5  # five rows at a time, never all at once


def test_stations_importing_the_same_crime_month_converge_through_the_hub(
    tmp_path: Path, hub_url: str
) -> None:
    from pcso_desk.store.models import CrimeRecord
    from tests.services.test_natural_keys import _month, _old_ids, _rows

    three = [_station(tmp_path / n) for n in ("a", "b", "c")]
    a, b, c = three
    try:
        hub_team(hub_url, three, tmp_path / "cards")
        for station in three:
            station.packs.import_crimes(_month(tmp_path))
        _old_ids(a, "crime_records")  # two of them made by a release before ids from row keys
        _old_ids(c, "crime_records")
        for _ in range(3):
            for station in three:
                assert station.sync.hub().set_aside == 0
        rows = _rows(a, CrimeRecord)
        assert len(rows) == 4 and rows == _rows(b, CrimeRecord) == _rows(c, CrimeRecord)
        assert _dump(a) == _dump(b) == _dump(c)
        for station in three:  # settled: nothing moves any more
            assert station.sync.hub().changed == 0
    finally:
        for station in three:
            station.ctx.store.close()


def test_a_hub_of_the_previous_release_is_upgraded_by_its_keeper_and_stations_resend(
    tmp_path: Path, hub_url: str
) -> None:
    from alembic import command
    from sqlalchemy.engine import make_url

    from pcso_desk.sync.hub import Hub

    # The hub as the previous release left it: plain JSON rows, one shared owner sign-in.
    hub = Hub(hub_url, as_owner=True)
    try:
        with hub.connect() as conn:
            config = Config()
            config.set_main_option("script_location", str(MIGRATIONS))
            config.attributes["connection"] = conn
            command.upgrade(config, "h001")
            conn.execute(
                text(
                    "INSERT INTO hub_meta (key, value) VALUES ('hub_id', 'old-hub'), "
                    "('team', 'Riverside SNT')"
                )
            )
            conn.execute(
                text(
                    "INSERT INTO hub_items (tbl, id, body, seq, pushed_by) VALUES "
                    "('contacts', 'x', '{\"v\": {\"name\": \"Old Row\"}}', 1, 'old')"
                )
            )
    finally:
        hub.close()
    a, b = _station(tmp_path / "a"), _station(tmp_path / "b")
    try:
        ann = _contact(a, "Ann Example")
        hub_team(hub_url, [a, b], tmp_path / "cards")  # `hub setup` upgrades it to this release
        assert _hub_scalar(hub_url, "SELECT value FROM hub_meta WHERE key = 'hub_id'") == "old-hub"
        assert _hub_scalar(hub_url, "SELECT value FROM hub_meta WHERE key = 'interface'") == "2"
        _sync_all(hub_url, a, b)
        assert _live_ids(b, "contacts") == {ann}  # the old plain rows are gone, not merged
        assert _dump(a) == _dump(b)
        assert make_url(_kept_url(a)).username != "postgres"  # each with its own sign-in
    finally:
        a.ctx.store.close()
        b.ctx.store.close()
