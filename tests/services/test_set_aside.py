"""Changes set aside by a sync: kept in the store to try again, counted, released, summed up
for the user, and never sent on to another station."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from pcso_desk.paths import DataPaths
from pcso_desk.services.api import Services
from pcso_desk.services.sync.set_aside import (
    SetAside,
    release,
    set_aside,
    set_aside_line,
    summary,
    waiting,
)
from pcso_desk.services.sync.stations import ensure_identity, keys_folder
from pcso_desk.sync.changes import parse_payload
from pcso_desk.sync.envelope import open_bundle
from pcso_desk.sync.files import read_bundle
from pcso_desk.sync.identity import TrustStore
from tests.factories import utc
from tests.keys import build_services
from tests.stations import station, trust

PEER = "7b0c2a7e-5d1f-4c3e-9a61-0d2f8e4b6c11"
AHEAD = "It is dated 2 hours ahead of this PC's clock."
NEWER = "It was made by a newer release of PCSO Desk."
SECRET = "opaque-payload-that-must-stay-here"


def entry(
    n: int, reason: str = AHEAD, *, sender: str = PEER, name: str = "Station PC 2"
) -> SetAside:
    return SetAside(
        id=f"hub:0f6e2c4a-hub:{n}",
        source="hub",
        sender=sender,
        sender_name=name,
        kind="contacts",
        row_id=f"row-{n}",
        reason=reason,
        payload=f"{SECRET}-{n}",
    )


@pytest.fixture
def here(tmp_path: Path) -> Iterator[Services]:
    services = station(tmp_path / "here")
    yield services
    services.ctx.store.close()


def test_setting_the_same_item_aside_again_counts_a_try_and_keeps_when_first_seen(
    here: Services,
) -> None:
    first, later = utc(2026, 12, 7, 9), utc(2026, 12, 7, 11, 30)
    with here.ctx.store.write() as session:
        assert set_aside(session, [entry(1), entry(2)], now=first) == 2
    with here.ctx.store.write() as session:
        again = [replace(entry(1), reason=NEWER), entry(3)]
        assert set_aside(session, again, now=later) == 1  # only 3 is new
    with here.ctx.store.read() as session:
        rows = {row.id: row for row in waiting(session)}
    assert sorted(rows) == [entry(n).id for n in (1, 2, 3)]
    one = rows[entry(1).id]
    assert (one.tries, one.first_seen, one.last_tried) == (2, first, later)
    assert one.reason == NEWER and one.payload == f"{SECRET}-1"  # the reason is refreshed
    assert (rows[entry(2).id].tries, rows[entry(2).id].last_tried) == (1, first)
    assert (rows[entry(3).id].tries, rows[entry(3).id].first_seen) == (1, later)


def test_one_item_twice_in_one_call_is_one_entry_tried_twice(here: Services) -> None:
    with here.ctx.store.write() as session:
        assert set_aside(session, [entry(1), entry(1)]) == 1
    with here.ctx.store.read() as session:
        assert [row.tries for row in waiting(session)] == [2]


def test_waiting_lists_the_oldest_first_and_filters_by_source(here: Services) -> None:
    bundle_item = replace(entry(9), id="bundle:b-1:9", source="bundle")
    with here.ctx.store.write() as session:
        set_aside(session, [entry(2)], now=utc(2026, 12, 7, 10))
        set_aside(session, [bundle_item], now=utc(2026, 12, 7, 8))
        set_aside(session, [entry(1)], now=utc(2026, 12, 7, 9))
    with here.ctx.store.read() as session:
        assert [row.id for row in waiting(session)] == [bundle_item.id, entry(1).id, entry(2).id]
        assert [row.id for row in waiting(session, "hub")] == [entry(1).id, entry(2).id]
        assert [row.id for row in waiting(session, "bundle")] == [bundle_item.id]


def test_an_unknown_source_is_refused_and_nothing_is_kept(here: Services) -> None:
    with pytest.raises(ValueError, match="unknown source"), here.ctx.store.write() as session:
        set_aside(session, [entry(1), replace(entry(2), source="usb")])
    with here.ctx.store.read() as session:
        assert waiting(session) == []


def test_release_removes_only_what_now_applied(here: Services) -> None:
    with here.ctx.store.write() as session:
        set_aside(session, [entry(n) for n in range(1, 6)])
    with here.ctx.store.write() as session:
        assert release(session, [entry(2).id, entry(4).id, "hub:never-set-aside:1"]) == 2
    with here.ctx.store.read() as session:
        assert [row.id for row in waiting(session)] == [entry(n).id for n in (1, 3, 5)]
    with here.ctx.store.write() as session:
        assert release(session, []) == 0


def test_many_entries_are_kept_and_released_in_one_call(here: Services) -> None:
    many = [entry(n) for n in range(1, 1_201)]  # more than one chunk of ids
    with here.ctx.store.write() as session:
        assert set_aside(session, many) == 1_200
    with here.ctx.store.write() as session:
        assert set_aside(session, many) == 0
        assert release(session, [e.id for e in many[:1_100]]) == 1_100
    with here.ctx.store.read() as session:
        left = waiting(session)
    assert [row.id for row in left] == sorted(e.id for e in many[1_100:])
    assert {row.tries for row in left} == {2}


def test_summary_groups_by_sender_and_reason_and_names_the_sender(here: Services) -> None:
    other = "2d9a1f4e-8c3b-4b7a-b5e2-9f1c0d3e7a22"
    start = utc(2026, 12, 7, 9)
    with here.ctx.store.write() as session:
        set_aside(session, [entry(1), entry(2), entry(3)], now=start)
        set_aside(session, [entry(4, NEWER, name="")], now=start + timedelta(minutes=1))
        set_aside(
            session,
            [entry(5, NEWER, sender=other, name=""), entry(6, NEWER, sender=other, name="")],
            now=start + timedelta(minutes=2),
        )
    with here.ctx.store.read() as session:
        groups = summary(session)
    assert groups == [
        ("Station PC 2", AHEAD, 3),
        ("Station PC 2", NEWER, 1),  # its name is known from its other entries
        (other, NEWER, 2),  # a station this PC knows no name for: its id
    ]


def test_the_line_a_user_reads_for_a_group() -> None:
    assert set_aside_line("Station PC 2", AHEAD, 3) == (
        "Set aside: 3 changes from Station PC 2 — it is dated 2 hours ahead of this PC's "
        "clock; they are tried again at each sync."
    )
    assert set_aside_line("Laptop", "PCSO Desk on this PC is older than the sender's.", 1) == (
        "Set aside: 1 change from Laptop — PCSO Desk on this PC is older than the sender's; "
        "it is tried again at each sync."
    )


def test_entries_outlast_a_restart_of_the_store(tmp_path: Path) -> None:
    root = tmp_path / "here"
    first = station(root)
    with first.ctx.store.write() as session:
        set_aside(session, [entry(1), entry(2, NEWER)], now=utc(2026, 12, 7, 9))
    first.ctx.store.close()
    reopened = build_services(DataPaths(root), create=False)
    try:
        with reopened.ctx.store.read() as session:
            rows = waiting(session)
            assert [(row.id, row.reason, row.payload, row.tries) for row in rows] == [
                (entry(1).id, AHEAD, f"{SECRET}-1", 1),
                (entry(2).id, NEWER, f"{SECRET}-2", 1),
            ]
            assert rows[0].first_seen == utc(2026, 12, 7, 9)
        assert reopened.sync.status().set_aside == [
            ("Station PC 2", AHEAD, 1),
            ("Station PC 2", NEWER, 1),
        ]
    finally:
        reopened.ctx.store.close()


def test_sync_status_is_empty_of_set_aside_changes_until_one_is_set_aside(
    here: Services,
) -> None:
    assert here.sync.status().set_aside == []
    with here.ctx.store.write() as session:
        set_aside(session, [entry(1), entry(2)])
    assert here.sync.status().set_aside == [("Station PC 2", AHEAD, 2)]
    with here.ctx.store.write() as session:
        release(session, [entry(1).id, entry(2).id])
    assert here.sync.status().set_aside == []


def test_a_bundle_carries_none_of_the_changes_set_aside(tmp_path: Path) -> None:
    a, b = station(tmp_path / "a"), station(tmp_path / "b")
    try:
        trust(a, b, tmp_path)
        trust(b, a, tmp_path)
        a["contacts"].create({"name": "Ann Example", "kind": "resident"})
        with a.ctx.store.write() as session:
            set_aside(session, [entry(1), entry(2, NEWER)])
        out = tmp_path / "full.pcsosync"
        assert a.sync.export_bundle(out, full=True).changes >= 1
        me = ensure_identity(b.ctx)
        opened = open_bundle(read_bundle(out), me, TrustStore(keys_folder(b.ctx)))
        payload = parse_payload(opened.payload)
        tables = {item.table for item in payload.items}
        assert "contacts" in tables and "sync_set_aside" not in tables
        assert not any(SECRET in repr(item.values) for item in payload.items)
        b.sync.import_bundle(out)
        with b.ctx.store.read() as session:
            assert waiting(session) == []
        assert b.sync.status().set_aside == []
        with a.ctx.store.read() as session:  # and the sender still holds its own
            assert len(waiting(session)) == 2
    finally:
        a.ctx.store.close()
        b.ctx.store.close()


def test_waiting_walks_pages_while_the_retry_releases_and_sets_aside_again(
    here: Services,
) -> None:
    start = utc(2026, 12, 7, 9)
    with here.ctx.store.write() as session:
        for n in range(1, 8):  # 3 to 7 in the same second: the id breaks the tie
            set_aside(session, [entry(n)], now=start + timedelta(seconds=min(n, 3)))
    seen: list[str] = []
    last = None
    while True:
        with here.ctx.store.write() as session:
            page = waiting(session, "hub", after=last, limit=3)
            if not page:
                break
            seen += [row.id for row in page]
            applied = [row.id for row in page if row.id.endswith((":2", ":5"))]
            release(session, applied)
            failed = [row for row in page if row.id not in applied]
            set_aside(session, [entry(int(row.id.rsplit(":", 1)[1])) for row in failed])
            last = page[-1]
    assert seen == [entry(n).id for n in range(1, 8)]  # each once, the oldest first
    with here.ctx.store.read() as session:
        assert {row.id: row.tries for row in waiting(session)} == {
            entry(n).id: 2 for n in (1, 3, 4, 6, 7)
        }
