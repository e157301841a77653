"""`pcso-desk demo`: a realistic county of synthetic data, fictional details, same every time.

One small store is built per module (seed 1, a fixed day) and read by most tests; the
determinism tests build one more store each. Only the small scale is built here.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import subprocess
import sys
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, text

from pcso_desk.demo.builder import DemoSummary, build_demo, make_demo_folder
from pcso_desk.demo.world import uuid4_text
from pcso_desk.domain.enums import CaseStatus, MeetingStatus, MeetingType, Role, UserRole
from pcso_desk.domain.errors import ValidationError
from pcso_desk.domain.schedule import (
    LONDON,
    ContactFrequency,
    add_months,
    coverage_gaps,
    kin_checkin_due,
    next_victim_contact_due,
    priority_review_due,
)
from pcso_desk.domain.validation import normalise_phone, normalise_postcode
from pcso_desk.paths import DataPaths
from pcso_desk.services.api import Services
from pcso_desk.services.casework.today import today_summary
from pcso_desk.services.context import Context
from pcso_desk.services.maintenance import check_store, init_store
from pcso_desk.services.protection import accounts
from pcso_desk.services.records.search import search
from pcso_desk.store import models as m
from pcso_desk.store.session import Store, open_store

TODAY = date(2025, 6, 15)  # a Sunday in British Summer Time
MIDNIGHT = datetime.combine(TODAY, time(0), LONDON)
NOON = datetime.combine(TODAY, time(12), LONDON)

DISTRICTS = {
    "Broxbourne",
    "Dacorum",
    "East Hertfordshire",
    "Hertsmere",
    "North Hertfordshire",
    "St Albans",
    "Stevenage",
    "Three Rivers",
    "Watford",
    "Welwyn Hatfield",
}
HERTS_OUTWARD = (
    {f"AL{n}" for n in range(1, 11)}
    | {f"SG{n}" for n in range(1, 15)}
    | {f"WD{n}" for n in range(3, 26)}
    | {f"EN{n}" for n in range(6, 12)}
    | {f"HP{n}" for n in range(1, 5)}
    | {f"CM{n}" for n in range(20, 24)}
)
POLICE_UK_TYPES = {
    "Anti-social behaviour",
    "Bicycle theft",
    "Burglary",
    "Criminal damage and arson",
    "Drugs",
    "Other crime",
    "Other theft",
    "Possession of weapons",
    "Public order",
    "Robbery",
    "Shoplifting",
    "Theft from the person",
    "Vehicle crime",
    "Violence and sexual offences",
}
# Every record type PCSO Desk keeps (users come with the demo accounts, counted apart).
SECTION_2_TABLES = (
    "districts",
    "councils",
    "police_stations",
    "neighbourhoods",
    "wards",
    "officers",
    "officer_wards",
    "contacts",
    "engagements",
    "engagement_contacts",
    "kins",
    "kin_members",
    "kin_checkins",
    "meetings",
    "meeting_wards",
    "meeting_officers",
    "priorities",
    "priority_actions",
    "victim_cases",
    "victim_contacts",
    "patrol_sessions",
    "abstractions",
    "messages",
    "intelligence_reports",
    "crime_records",
    "lsoa_wards",
    "crime_counts",
    "boundaries",
)


@dataclass
class Built:
    ctx: Context
    summary: DemoSummary
    progress: list[str]


def _open(root: Path) -> tuple[Store, Context]:
    store = open_store(root / "store.db", root / "backups")
    return store, Context.open(store)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Built]:
    store, ctx = _open(tmp_path_factory.mktemp("demo"))
    progress: list[str] = []
    summary = build_demo(ctx, seed=1, scale="small", today=TODAY, progress=progress.append)
    yield Built(ctx, summary, progress)
    store.close()


def _all(ctx: Context, model: Any) -> list[Any]:
    with ctx.store.read() as session:
        return list(session.scalars(select(model)))


def _count(ctx: Context, table: str) -> int:
    with ctx.store.read() as session:
        return int(session.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())


def _snapshot(ctx: Context, table: str) -> list[tuple[Any, ...]]:
    """Every row in id order, without this store's own station id (random per store)."""
    with ctx.store.read() as session:
        result = session.execute(text(f"SELECT * FROM {table} ORDER BY id"))
        columns = list(result.keys())
        station, hlc = columns.index("station_id"), columns.index("hlc")
        return [
            tuple(v[:22] if i == hlc else v for i, v in enumerate(row) if i != station)
            for row in result
        ]


# -- what was made ---------------------------------------------------------------------------


def test_every_record_type_has_plausible_rows_and_the_summary_says_so(built: Built) -> None:
    counts = built.summary.counts
    for table in SECTION_2_TABLES:
        assert counts.get(table, 0) > 0, table
        assert _count(built.ctx, table) == counts[table], table
    assert counts["contacts"] == 1500
    assert counts["engagements"] >= counts["contacts"]
    assert 0.4 < counts["engagement_contacts"] / counts["engagements"] < 0.9
    assert 25 <= counts["neighbourhoods"] <= 40
    assert 80 <= counts["victim_cases"] <= 200
    assert _count(built.ctx, "users") == 0
    assert built.summary.line().startswith("Demo store built (seed 1, small): 1,500 contacts, ")
    assert "Contacts…" in built.progress and "Victim care…" in built.progress


def test_the_county_is_hertfordshire_with_teams_wards_streets_and_officers(built: Built) -> None:
    districts = _all(built.ctx, m.District)
    hoods = _all(built.ctx, m.Neighbourhood)
    wards = _all(built.ctx, m.Ward)
    assert {d.name for d in districts} == DISTRICTS
    per_district = Counter(h.district_id for h in hoods)
    assert all(2 <= per_district[d.id] <= 4 for d in districts)
    assert len({w.code for w in wards}) == len(wards)
    assert all(len(w.code) <= 8 and 6 <= len(w.areas) <= 15 for w in wards)
    assert all(w.council_id for w in wards)
    assert {c.kind for c in _all(built.ctx, m.Council)} == {"district", "parish", "town"}
    assert all(h.base_station_id and h.email.endswith("@example.police.uk") for h in hoods)
    roles: dict[str, Counter[Role]] = defaultdict(Counter)
    for officer in _all(built.ctx, m.Officer):
        roles[str(officer.neighbourhood_id)][officer.role] += 1
    for hood in hoods:
        team = roles[hood.id]
        assert team[Role.SERGEANT] == 1 and 1 <= team[Role.PC] <= 2 and 3 <= team[Role.PCSO] <= 6
    attached = {a.ward_id for a in _all(built.ctx, m.OfficerWard)}
    assert attached == {w.id for w in wards}


def test_contact_details_are_valid_and_can_belong_to_nobody_real(built: Built) -> None:
    contacts = _all(built.ctx, m.Contact)
    for contact in contacts:
        assert normalise_postcode(contact.postcode) == contact.postcode
        assert contact.postcode.split()[0] in HERTS_OUTWARD
        if contact.phone:
            assert contact.phone[:10] in {"+447700900", "+441632960"}, contact.phone
            assert normalise_phone(contact.phone) == contact.phone
        if contact.email:
            assert contact.email.rsplit("@", 1)[1] in {"example.com", "example.org", "example.net"}
    assert 0.2 < sum(bool(c.phone) for c in contacts) / len(contacts) < 0.3
    kinds = Counter(c.kind.value for c in contacts)
    assert kinds.most_common(1)[0][0] == "resident" and len(kinds) == 8
    assert Counter(c.lawful_basis.value for c in contacts).most_common(1)[0][0] == "public_task"
    consented = [c for c in contacts if c.lawful_basis.value == "consent"]
    assert consented and all(c.consent_by and c.consent_at and c.consent_told for c in consented)
    assert all(c.review_date for c in contacts)
    for officer in _all(built.ctx, m.Officer):
        assert officer.work_email.endswith("@example.police.uk")
        assert officer.work_phone.startswith("+447700900")


# -- the rules the app relies on ---------------------------------------------------------------


def test_victim_next_contact_due_follows_successful_visits_and_some_are_overdue(
    built: Built,
) -> None:
    visits: dict[str, list[m.VictimContact]] = defaultdict(list)
    for visit in _all(built.ctx, m.VictimContact):
        visits[visit.case_id].append(visit)
    cases = _all(built.ctx, m.VictimCase)
    for case in cases:
        if case.status is CaseStatus.CLOSED:
            assert case.next_contact_due is None and case.closed_at is not None
            continue
        expected = next_victim_contact_due(
            service_level=case.service_level,
            opened_at=case.opened_at,
            successful_contacts=[v.contacted_at for v in visits[case.id] if v.successful],
            frequency=ContactFrequency.parse(case.contact_frequency),
            victim_asked_less_often=case.victim_asked_less_often,
        )
        assert case.next_contact_due == expected, case.crime_reference
    open_cases = [c for c in cases if c.status is CaseStatus.OPEN]
    assert any(c.next_contact_due and c.next_contact_due < MIDNIGHT for c in open_cases)
    assert {c.service_level.value for c in cases} == {"standard", "enhanced"}
    assert any(not v.successful for vs in visits.values() for v in vs)


def test_kin_members_due_dates_follow_their_check_ins_and_leave_streets_uncovered(
    built: Built,
) -> None:
    checkins: dict[str, list[m.KinCheckIn]] = defaultdict(list)
    for checkin in _all(built.ctx, m.KinCheckIn):
        checkins[checkin.member_id].append(checkin)
        assert 1 <= checkin.safety_score <= 5
    members = _all(built.ctx, m.KinMember)
    for member in members:
        last = max((c.checked_on for c in checkins[member.id]), default=None)
        assert member.last_checkin_on == last
        expected = (
            None
            if member.left_on
            else kin_checkin_due(
                joined=member.joined_on, last_checkin=last, cadence_weeks=member.cadence_weeks
            )
        )
        assert member.next_checkin_due == expected
    assert any(m_.next_checkin_due and m_.next_checkin_due < TODAY for m_ in members)
    sizes = Counter(member.kin_id for member in members)
    assert all(8 <= size <= 20 for size in sizes.values())
    wards = _all(built.ctx, m.Ward)
    represented = {member.represents for member in members if member.left_on is None}
    assert all(any(r in w.areas for w in wards) for r in represented)
    assert any(coverage_gaps(w.areas, represented) for w in wards)


def test_priorities_are_agreed_at_held_meetings_and_say_what_was_done(built: Built) -> None:
    meetings = {mt.id: mt for mt in _all(built.ctx, m.Meeting)}
    priorities = _all(built.ctx, m.Priority)
    actions: dict[str, list[m.PriorityAction]] = defaultdict(list)
    for action in _all(built.ctx, m.PriorityAction):
        actions[action.priority_id].append(action)
    for priority in priorities:
        meeting = meetings[str(priority.meeting_id)]
        assert meeting.status is MeetingStatus.HELD
        assert meeting.meeting_type in (MeetingType.PACT, MeetingType.WARD_PANEL)
        assert meeting.neighbourhood_id == priority.neighbourhood_id
        assert priority.review_on == priority_review_due(priority.agreed_on)
        assert actions[priority.id], priority.title
        assert all(a.public_text.startswith("You ") for a in actions[priority.id])
        assert all(a.action_on >= priority.agreed_on for a in actions[priority.id])
    per_team = Counter(p.neighbourhood_id for p in priorities)
    assert all(2 <= n <= 4 for n in per_team.values())


def test_the_today_dashboard_has_something_in_every_section(built: Built) -> None:
    summary = today_summary(built.ctx, now=NOON)
    assert summary.overdue_victim_contacts and summary.victim_contacts_due
    assert any(item.overdue for item in summary.kin_checkins_due)
    assert summary.meetings and summary.priorities_for_review
    states = {item.overdue for item in summary.messages_near_clock}
    assert states == {True, False}  # some replies already late, some about to be
    assert summary.locality.share is not None and 0.7 < summary.locality.share < 0.95


def test_meetings_messages_and_patrols_look_like_a_year_of_work(built: Built) -> None:
    meetings = _all(built.ctx, m.Meeting)
    held = [mt for mt in meetings if mt.status is MeetingStatus.HELD]
    assert all(mt.attendance for mt in held) and all(mt.starts_at < MIDNIGHT for mt in held)
    assert any(mt.status is MeetingStatus.CANCELLED for mt in meetings)
    planned = [mt for mt in meetings if mt.status is MeetingStatus.PLANNED]
    assert planned and all(mt.starts_at >= MIDNIGHT for mt in planned)
    messages = _all(built.ctx, m.Message)
    waits = [msg.responded_at - msg.received_at for msg in messages if msg.responded_at]
    in_time = sum(wait <= timedelta(hours=24) for wait in waits)
    assert 0.75 < in_time / len(waits) < 0.95
    assert sum(msg.responded_at is None for msg in messages) >= 8
    patrol = _locality_shares(built.ctx)
    assert 0.75 < sum(patrol) / len(patrol) < 0.9


def _locality_shares(ctx: Context) -> list[float]:
    minutes: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    for session in _all(ctx, m.PatrolSession):
        minutes[session.officer_id][0] += (session.ends_at - session.starts_at).total_seconds()
    for away in _all(ctx, m.Abstraction):
        minutes[away.officer_id][1] += (away.ends_at - away.starts_at).total_seconds()
    return [local / (local + away) for local, away in minutes.values()]


def test_crime_records_are_police_uk_rows_mapped_to_wards_by_lsoa(built: Built) -> None:
    lsoas = {row.lsoa_code: row.ward_id for row in _all(built.ctx, m.LsoaWard)}
    records = _all(built.ctx, m.CrimeRecord)
    months = {f"{add_months(TODAY.replace(day=1), -k):%Y-%m}" for k in range(1, 13)}
    for record in records:
        assert lsoas[record.lsoa_code] == record.ward_id
        assert record.lsoa_code.startswith("E01") and len(record.lsoa_code) == 9
        assert record.crime_type in POLICE_UK_TYPES
        assert record.location.startswith("On or near ")
        assert record.month in months
        assert (record.crime_id == "") == (record.crime_type == "Anti-social behaviour")
    assert len({r.row_key for r in records}) == len(records)
    assert {r.month for r in records} == months
    # Each ward has a synthetic outline and its LSOAs theirs; every crime lies inside both.
    shapes = {(b.kind, b.code): b for b in _all(built.ctx, m.Boundary)}
    wards = {b.ward_id: b for b in shapes.values() if b.kind == "ward"}
    assert set(wards) == {row.id for row in _all(built.ctx, m.Ward)}
    assert all("synthetic" in b.source for b in shapes.values())
    for record in records:
        for shape in (wards[record.ward_id], shapes[("lsoa", record.lsoa_code)]):
            ring = json.loads(shape.shape)[0][0]
            assert _inside(record.longitude, record.latitude, ring), (shape.kind, shape.code)


def _inside(x: float, y: float, ring: list[list[float]]) -> bool:
    """Ray casting: whether (x, y) is inside the closed ring."""
    inside = False
    for (x1, y1), (x2, y2) in itertools.pairwise(ring):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


def test_search_and_the_store_check_work_on_the_demo_store(built: Built, ctx: Context) -> None:
    contact = _all(built.ctx, m.Contact)[42]
    hits = search(built.ctx, f"{contact.name} {contact.postcode}")
    assert contact.id in {hit.id for hit in hits}
    report = check_store(built.ctx)
    assert report.ok, report.problems
    schema = "SELECT type, name, sql FROM sqlite_master ORDER BY type, name"
    with built.ctx.store.read() as demo, ctx.store.read() as fresh:
        assert demo.execute(text(schema)).all() == fresh.execute(text(schema)).all()


# -- same seed, same store -------------------------------------------------------------------


BUILD_ELSEWHERE = """
import sys
from datetime import date
from pathlib import Path
from pcso_desk.services.context import Context
from pcso_desk.demo.builder import build_demo
from pcso_desk.store.session import open_store
root = Path(sys.argv[1])
store = open_store(root / "store.db", root / "backups")
build_demo(Context.open(store), seed=1, scale="small", today=date.fromisoformat(sys.argv[2]))
store.close()
"""


def test_the_same_seed_and_day_build_the_same_store_on_another_pc(
    built: Built, tmp_path: Path
) -> None:
    """Another process, another hash seed, another station: the same records, ids and times."""
    env = {**os.environ, "PYTHONHASHSEED": "4242"}
    args = [sys.executable, "-c", BUILD_ELSEWHERE, str(tmp_path), TODAY.isoformat()]
    subprocess.run(args, check=True, env=env, timeout=120)
    store, ctx = _open(tmp_path)
    try:
        assert ctx.station_id != built.ctx.station_id
        for table in SECTION_2_TABLES:
            assert _snapshot(ctx, table) == _snapshot(built.ctx, table), table
    finally:
        store.close()


def test_another_seed_builds_different_people(built: Built, ctx: Context) -> None:
    build_demo(ctx, seed=2, scale="small", today=TODAY)
    with ctx.store.read() as session:
        names = set(session.scalars(select(m.Contact.name)))
        ids = set(session.scalars(select(m.Contact.id)))
    first = {c.name for c in _all(built.ctx, m.Contact)}
    assert len(names & first) < len(first) / 2
    assert not ids & {c.id for c in _all(built.ctx, m.Contact)}


def test_ids_are_version_4_uuids_drawn_from_the_seed() -> None:
    rng = random.Random(7)
    for _ in range(1000):
        bits = rng.getrandbits(128)
        assert uuid4_text(bits) == str(uuid.UUID(int=bits, version=4))


# -- refusals --------------------------------------------------------------------------------


def test_a_second_build_is_refused_and_changes_nothing(built: Built) -> None:
    with pytest.raises(ValidationError, match="already holds data; point --data-dir"):
        build_demo(built.ctx, seed=3, scale="small", today=TODAY)
    assert _count(built.ctx, "contacts") == built.summary.counts["contacts"]


def test_an_unknown_scale_is_refused_before_anything_is_written(ctx: Context) -> None:
    with pytest.raises(ValidationError, match="'planet' is not a demo scale"):
        build_demo(ctx, scale="planet")
    with ctx.store.read() as session:
        assert session.scalar(select(func.count()).select_from(m.Contact)) == 0


def test_a_store_with_only_user_accounts_is_refused(ctx: Context) -> None:
    accounts.create_account(ctx, "ada", "a long enough passphrase", UserRole.ADMIN)
    with pytest.raises(ValidationError, match="already holds data"):
        build_demo(ctx, scale="small", today=TODAY)
    assert _count(ctx, "officers") == 0
    assert not Services(ctx).is_demo()


def test_a_store_with_any_record_is_refused(ctx: Context) -> None:
    Services(ctx)["police_stations"].create({"name": "Riverside Police Station"})
    with pytest.raises(ValidationError, match="already holds data"):
        build_demo(ctx, scale="small", today=TODAY)
    assert _count(ctx, "districts") == 0 and _count(ctx, "police_stations") == 1
    assert not Services(ctx).is_demo()


# -- marked as a demo, in a folder of its own ------------------------------------------------


def test_the_demo_store_is_marked_as_a_demo(built: Built, ctx: Context) -> None:
    assert Services(built.ctx).is_demo()
    assert not Services(ctx).is_demo()  # a new, empty store is not


def test_a_demo_folder_is_built_once_then_kept(tmp_path: Path) -> None:
    """A store named at init may be filled; the demo folder is then kept, or refused."""
    paths = DataPaths(tmp_path / "station").demo
    store = open_store(paths.ensure().store, paths.backups)
    init_store(Context.open(store), "Riverside Safer Neighbourhood Team")
    store.close()

    made = make_demo_folder(paths, reuse=True, seed=4, today=TODAY)
    assert made.root == tmp_path / "station" / "demo"
    assert made.summary is not None and made.summary.counts["contacts"] > 0
    assert made.accounts == ("pcso", "pc", "sergeant", "admin")
    assert made.open_command() == f'pcso-desk --data-dir "{made.root}"'
    store = open_store(paths.store, paths.backups)
    try:
        ctx = Context.open(store)
        assert Services(ctx).is_demo()
        assert ctx.team_name() == "Riverside Safer Neighbourhood Team"  # the name it was given
        contacts = _count(ctx, "contacts")
        assert accounts.sign_in(ctx, "sergeant", accounts.DEMO_PASSWORD).role is UserRole.SERGEANT
    finally:
        store.close()

    again = make_demo_folder(paths, reuse=True, seed=5, today=TODAY)
    assert again.summary is None and again.accounts == made.accounts
    with pytest.raises(ValidationError, match="already holds a demo store: open it with"):
        make_demo_folder(paths, seed=5, today=TODAY)
    store = open_store(paths.store, paths.backups)
    try:
        assert _count(Context.open(store), "contacts") == contacts
    finally:
        store.close()


def test_a_new_demo_folder_is_handed_over_encrypted_in_wal_mode_with_its_indexes(
    tmp_path: Path,
) -> None:
    """A store built in a folder of its own is loaded without its log; the one handed over
    is the store every other is: encrypted, in WAL mode, every index and search index in
    place and whole."""
    from pcso_desk.services.unlock import Door
    from pcso_desk.store.engine import connect

    paths = DataPaths(tmp_path / "demo")
    made = make_demo_folder(paths, seed=6, today=TODAY)
    assert made.summary is not None
    assert b"SQLite format 3" not in paths.store.read_bytes()[:16]  # encrypted
    services = Door(paths).sign_in("sergeant", accounts.DEMO_PASSWORD)
    store = services.ctx.store
    try:
        assert store.encrypted
        conn = connect(paths.store, store.key)
        try:
            assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
            assert {"ix_contacts_list", "ix_engagements_newest", "contacts_fts_ai"} <= names
            live = conn.execute(
                "SELECT count(*) FROM contacts WHERE deleted_at IS NULL AND merged_into_id IS NULL"
            ).fetchone()[0]
            assert conn.execute("SELECT count(*) FROM contacts_fts").fetchone()[0] == live
        finally:
            conn.close()
    finally:
        store.close()
