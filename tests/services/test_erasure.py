"""Erasure: a person seeded with canaries is gone from the store, its WAL, the search index, a
later bundle and the hub; published counts stay; late records from other stations follow."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from pcso_desk.domain.errors import ValidationError
from pcso_desk.services.api import Services
from pcso_desk.services.documents.monthly import find_area, monthly_figures
from pcso_desk.services.sync.stations import ensure_identity, keys_folder
from pcso_desk.sync.envelope import open_bundle
from pcso_desk.sync.files import read_bundle
from pcso_desk.sync.identity import TrustStore
from tests.factories import utc
from tests.person_seed import CANARIES, seed_person
from tests.pg_server import PgServer
from tests.stations import dump, hub_team, station, trust

# Every way the person's own data could show up in bytes (lower case: scans ignore case).
NAME_TRACES = (b"subjectson", b"1632960111", b"quentin otherperson and mr")


@pytest.fixture
def pair(tmp_path: Path) -> Iterator[tuple[Services, Services]]:
    a, b = station(tmp_path / "a"), station(tmp_path / "b")
    trust(a, b, tmp_path)
    trust(b, a, tmp_path)
    yield a, b
    a.ctx.store.close()
    b.ctx.store.close()


def _traces(data: bytes) -> list[str]:
    lowered = data.lower()
    found = [c for c in CANARIES if c.encode() in lowered]
    return found + [t.decode() for t in NAME_TRACES if t in lowered]


def _store_traces(services: Services) -> list[str]:
    path = services.ctx.store.path
    wal = path.with_name(path.name + "-wal")
    found = _traces(path.read_bytes())
    if wal.exists():
        found += [f"wal:{t}" for t in _traces(wal.read_bytes())]
    return found


def _exchange(a: Services, b: Services, folder: Path, name: str) -> None:
    for sender, receiver in ((a, b), (b, a)):
        out = folder / f"{name}-{sender.ctx.station_id[:8]}.bundle"
        sender.sync.export_bundle(out)
        receiver.sync.import_bundle(out)


def _payload(sender: Services, receiver: Services, out: Path) -> bytes:
    sender.sync.export_bundle(out, full=True)
    me = ensure_identity(receiver.ctx)
    return open_bundle(read_bundle(out), me, TrustStore(keys_folder(receiver.ctx))).payload


def _figures(services: Services) -> Any:
    area = find_area(services.ctx, "neighbourhood", "Riverside SNT")
    return [monthly_figures(services.ctx, area, month) for month in ("2026-01", "2026-07")]


def _audit_rows(services: Services) -> list[dict[str, Any]]:
    with services.ctx.store.read() as session:
        rows = session.execute(text("SELECT * FROM audit_log ORDER BY seq"))
        return [dict(row._mapping) for row in rows]


def test_an_erased_person_leaves_no_trace_in_store_wal_index_bundle_or_hub(
    pair: tuple[Services, Services], tmp_path: Path, pg_server: PgServer
) -> None:
    a, b = pair
    hub = pg_server.create_database(f"hub_{uuid.uuid4().hex}")
    seeded = seed_person(a)
    mine, theirs = seeded["mine"], seeded["theirs"]
    _exchange(a, b, tmp_path, "first")
    hub_team(hub, [a, b], tmp_path / "cards")
    for station_ in (a, b, a):
        station_.sync.hub()
    assert _store_traces(b), "the seed reached station B before the erasure"
    figures = _figures(a)

    result = a.retention.erase_person(mine["contact"])

    assert result.counts["contacts"] == 2  # the person and their merged duplicate
    assert result.counts["engagements"] == 3 and result.counts["victim_contacts"] == 1
    assert _store_traces(a) == []
    with a.ctx.store.read() as session:
        hits = session.execute(
            text("SELECT count(*) FROM contacts_fts WHERE contacts_fts MATCH 'Subjectson'")
        ).scalar()
    assert hits == 0
    assert a.search("Subjectson") == []
    assert _traces(_payload(a, b, tmp_path / "after.bundle")) == []
    # The erasure travels: by the hub to B, and B's next bundle and the hub hold no trace.
    for station_ in (a, b, a):
        station_.sync.hub()
    assert _store_traces(b) == []
    assert _traces(_payload(b, a, tmp_path / "from-b.bundle")) == []
    engine = create_engine(hub)
    try:
        with engine.connect() as conn:
            tables = conn.execute(
                text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
            ).scalars()
            for table in list(tables):
                rows = conn.execute(text(f'SELECT t::text FROM "{table}" t')).scalars()
                assert _traces("\n".join(rows).encode()) == [], table
    finally:
        engine.dispose()
    # What published packs counted stays counted; the other people's records are untouched.
    assert _figures(a) == figures
    assert a["contacts"].get(theirs["quentin"])["notes"] == "quentin-own"
    assert dump(a) == dump(b)


def test_erasure_is_audited_once_without_the_data_and_cannot_be_repeated(
    services: Services,
) -> None:
    seeded = seed_person(services)
    contact = seeded["mine"]["contact"]
    before = len(_audit_rows(services))
    result = services.retention.erase_person(contact)
    added = _audit_rows(services)[before:]
    assert [(r["action"], r["kind"], r["record_ids"]) for r in added] == [
        ("erasure", "contacts", f'["{contact}"]')
    ]
    assert added[0]["detail"] == f"{result.total} records erased"
    assert _traces(repr(_audit_rows(services)).encode()) == []
    with pytest.raises(ValidationError, match="erased already"):
        services.retention.erase_person(contact)
    member = next(r for r in services["kin_members"].page().rows if r["contact_id"] == contact)
    assert member["contact_id_label"] == "(erased)"  # what lists show where the name was


def test_records_made_elsewhere_before_the_erasure_was_heard_of_are_erased_on_arrival(
    pair: tuple[Services, Services], tmp_path: Path
) -> None:
    a, b = pair
    seeded = seed_person(a)
    contact = seeded["mine"]["contact"]
    _exchange(a, b, tmp_path, "first")
    a.retention.erase_person(contact)
    # B, not yet told, edits the person afterwards and logs a new conversation with them.
    b["contacts"].update(contact, {"notes": "canary-late-edit-7740"})
    late = b.engagements.create(
        {"occurred_at": utc(2026, 8, 1, 10), "channel": "phone", "summary": "canary-late-7741"}
    ).created[0]
    b["engagement_contacts"].create({"engagement_id": late, "contact_id": contact})
    for name in ("second", "third"):
        _exchange(a, b, tmp_path, name)
    for station_ in (a, b):
        data = station_.ctx.store.path.read_bytes()
        assert b"canary-late" not in data
        assert _store_traces(station_) == []
    assert dump(a) == dump(b)
    assert b.engagements.get(late)["summary"] == ""  # still counted, words gone
