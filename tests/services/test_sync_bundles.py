"""Sync bundles between station PCs: round trips, refusals that change nothing, and merges."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from pcso_desk.domain.errors import PcsoDeskError
from pcso_desk.domain.hlc import Hlc
from pcso_desk.services.api import Services
from pcso_desk.services.sync.stations import ensure_identity, keys_folder
from pcso_desk.store.clocks import CLOCK_KEY, STAR
from pcso_desk.sync.changes import Item, Payload, encode_payload
from pcso_desk.sync.envelope import BundleError, new_bundle_id, open_bundle, seal
from pcso_desk.sync.files import read_bundle
from pcso_desk.sync.identity import TrustStore
from pcso_desk.sync.local import load_item
from tests.factories import utc
from tests.stations import TEAM
from tests.stations import dump as _dump
from tests.stations import station as _station
from tests.stations import trust as _trust

ALTERED = "The bundle has been altered or damaged and was not imported."
SIGNATURE_BYTES = 64  # FORMAT.md: the Ed25519 signature is the file's last 64 bytes


@dataclass
class Pair:
    a: Services
    b: Services
    folder: Path
    made: int = 0
    extras: list[Services] = field(default_factory=list)

    def station(self, name: str, team: str = TEAM) -> Services:
        extra = _station(self.folder / name, team)
        self.extras.append(extra)
        return extra

    def bundle(self, sender: Services, *, full: bool = False) -> Path:
        self.made += 1
        out = self.folder / f"{self.made:03d}.bundle"
        sender.sync.export_bundle(out, full=full)
        return out

    def send(self, sender: Services, receiver: Services) -> int:
        """Export at `sender`, import at `receiver`; the number of changes applied there."""
        return receiver.sync.import_bundle(self.bundle(sender)).changed

    def exchange(self) -> None:
        a_out, b_out = self.bundle(self.a), self.bundle(self.b)
        self.b.sync.import_bundle(a_out)
        self.a.sync.import_bundle(b_out)


@pytest.fixture
def pair(tmp_path: Path) -> Iterator[Pair]:
    a, b = _station(tmp_path / "a"), _station(tmp_path / "b")
    _trust(a, b, tmp_path)
    _trust(b, a, tmp_path)
    made = Pair(a, b, tmp_path)
    yield made
    for services in (a, b, *made.extras):
        services.ctx.store.close()


def _store_digest(services: Services) -> str:
    """SHA-256 over the store file and its write-ahead log: any write would show."""
    digest = hashlib.sha256()
    main = services.ctx.store.path
    for path in (main, main.with_name(main.name + "-wal")):
        digest.update(path.name.encode())
        if path.exists():
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _log_lines(services: Services) -> list[str]:
    log = services.ctx.store.path.parent / "logs" / "sync.log"
    return log.read_text(encoding="utf-8").splitlines() if log.exists() else []


def _refused(services: Services, bundle: Path) -> str:
    """Import `bundle`, expect a refusal that leaves one log line; the refusal's sentence."""
    before = len(_log_lines(services))
    with pytest.raises(BundleError) as refusal:
        services.sync.import_bundle(bundle)
    lines = _log_lines(services)
    assert len(lines) == before + 1 and "refused" in lines[-1]
    assert refusal.value.message in lines[-1]
    return refusal.value.message


def _contact(services: Services, name: str, **values: Any) -> str:
    return str(services["contacts"].create({"name": name, "kind": "resident", **values}).created[0])


def _live_contacts(services: Services) -> set[str]:
    with services.ctx.store.read() as session:
        rows = session.execute(text("SELECT name FROM contacts WHERE deleted_at IS NULL"))
        return {str(row[0]) for row in rows}


def _deleted_at(services: Services, contact_id: str) -> Any:
    with services.ctx.store.read() as session:
        return session.execute(
            text("SELECT deleted_at FROM contacts WHERE id = :id"), {"id": contact_id}
        ).scalar_one()


# -- round trips and idempotence -------------------------------------------------------------


def test_records_made_at_either_station_reach_the_other(pair: Pair) -> None:
    _contact(pair.a, "Ann Example")
    _contact(pair.b, "Bob Example")
    pair.exchange()
    assert _live_contacts(pair.a) == _live_contacts(pair.b) == {"Ann Example", "Bob Example"}
    assert _dump(pair.a) == _dump(pair.b)
    bob = _id_of(pair.a, "Bob Example")  # made at B, edited at A, back at B
    pair.a["contacts"].update(bob, {"notes": "Prefers a call after six."})
    pair.exchange()
    assert pair.b["contacts"].get(bob)["notes"] == "Prefers a call after six."
    assert _dump(pair.a) == _dump(pair.b)


def _id_of(services: Services, name: str) -> str:
    with services.ctx.store.read() as session:
        found = session.execute(text("SELECT id FROM contacts WHERE name = :n"), {"n": name})
        return str(found.scalar_one())


def test_importing_a_bundle_twice_changes_nothing_the_second_time(pair: Pair) -> None:
    _contact(pair.a, "Ann Example")
    bundle = pair.bundle(pair.a)
    untouched = _store_digest(pair.b)
    first = pair.b.sync.import_bundle(bundle)
    assert (first.changed, first.already_imported) == (1, False)
    before = _store_digest(pair.b)
    assert before != untouched  # the digest does show a write
    second = pair.b.sync.import_bundle(bundle)
    assert second.already_imported and second.changed == 0
    assert _store_digest(pair.b) == before


def test_the_same_changes_in_two_bundles_apply_once(pair: Pair) -> None:
    _contact(pair.a, "Ann Example")
    first, second = pair.bundle(pair.a), pair.bundle(pair.a)  # no exchange in between
    assert pair.b.sync.import_bundle(first).changed == 1
    again = pair.b.sync.import_bundle(second)
    assert not again.already_imported and again.received == 1 and again.changed == 0
    assert _dump(pair.a) == _dump(pair.b)


# -- refusals: nothing changes, and each leaves a line in the sync log -------------------------


def test_every_single_bit_flip_of_a_bundle_is_refused_and_changes_nothing(pair: Pair) -> None:
    _contact(pair.a, "Ann Example")
    good = pair.bundle(pair.a).read_bytes()
    assert len(good) < 4096
    before, logged = _store_digest(pair.b), len(_log_lines(pair.b))
    tampered = pair.folder / "tampered.bundle"
    for offset in range(len(good)):
        changed = bytearray(good)
        changed[offset] ^= 0x01
        tampered.write_bytes(bytes(changed))
        with pytest.raises(BundleError):
            pair.b.sync.import_bundle(tampered)
        if offset % 97 == 0:
            assert _store_digest(pair.b) == before, f"the store changed at offset {offset}"
    assert _store_digest(pair.b) == before
    assert len(_log_lines(pair.b)) == logged + len(good)
    assert _live_contacts(pair.b) == set()


def test_cut_short_lengthened_or_re_signed_bundles_are_refused(pair: Pair) -> None:
    _contact(pair.a, "Ann Example")
    good_path = pair.bundle(pair.a)
    good = good_path.read_bytes()
    other = pair.bundle(pair.a).read_bytes()  # another valid bundle, another signature
    before = _store_digest(pair.b)
    damaged = pair.folder / "damaged.bundle"
    for length in (0, 1, 8, 20, len(good) // 2, len(good) - SIGNATURE_BYTES, len(good) - 1):
        damaged.write_bytes(good[:length])
        message = _refused(pair.b, damaged)
        assert "incomplete" in message or "not a PCSO Desk sync bundle" in message, length
    damaged.write_bytes(good + b"\x00")
    assert _refused(pair.b, damaged) == ALTERED
    damaged.write_bytes(good[:-SIGNATURE_BYTES] + other[-SIGNATURE_BYTES:])
    assert _refused(pair.b, damaged) == ALTERED
    assert _store_digest(pair.b) == before
    assert pair.b.sync.import_bundle(good_path).changed == 1  # the undamaged one still imports


def test_a_bundle_from_a_station_never_registered_is_refused(pair: Pair) -> None:
    stranger = pair.station("c")
    _trust(stranger, pair.b, pair.folder)  # C knows B, but B never trusted C
    _contact(stranger, "Cat Example")
    before = _store_digest(pair.b)
    message = _refused(pair.b, pair.bundle(stranger))
    assert message == "The bundle was signed by a station this team has not registered."
    assert _store_digest(pair.b) == before and _live_contacts(pair.b) == set()


def test_a_bundle_of_another_team_is_refused(pair: Pair) -> None:
    other, partner = pair.station("d", "Hillside SNT"), pair.station("e", "Hillside SNT")
    _trust(other, partner, pair.folder)
    _contact(other, "Dee Example")
    before = _store_digest(pair.b)
    message = _refused(pair.b, pair.bundle(other))
    assert "another team (Hillside SNT)" in message and TEAM in message
    assert _store_digest(pair.b) == before


def test_a_bundle_not_made_for_this_station_is_refused(pair: Pair) -> None:
    third = pair.station("c")
    _trust(pair.a, third, pair.folder)
    _trust(third, pair.a, pair.folder)
    _contact(pair.a, "Ann Example")
    readable_by_b = pair.bundle(pair.a)  # for B and C
    for_c_only = pair.folder / "for-c.bundle"
    me = ensure_identity(pair.a.ctx)
    c_public = ensure_identity(third.ctx).public()
    payload = _opened_payload(pair.b, readable_by_b)
    for_c_only.write_bytes(seal(payload, me, [c_public], bundle_id=new_bundle_id()))
    before = _store_digest(pair.b)
    assert _refused(pair.b, for_c_only) == "This bundle was not made for this station."
    assert _store_digest(pair.b) == before
    assert third.sync.import_bundle(for_c_only).changed == 1  # C can read it


def _opened_payload(receiver: Services, bundle: Path) -> bytes:
    me = ensure_identity(receiver.ctx)
    return open_bundle(read_bundle(bundle), me, TrustStore(keys_folder(receiver.ctx))).payload


def _recipients(sender: Services) -> list[Any]:
    return TrustStore(keys_folder(sender.ctx)).all()


def test_a_known_bundle_id_with_different_contents_is_refused(pair: Pair) -> None:
    _contact(pair.a, "Ann Example")
    pair.send(pair.a, pair.b)
    with pair.b.ctx.store.read() as session:
        (bundle_id,) = session.execute(text("SELECT bundle_id FROM sync_bundles")).scalars()
    _contact(pair.a, "Abe Example")
    payload = _opened_payload(pair.b, pair.bundle(pair.a))  # a valid, different payload
    replay = pair.folder / "replay.bundle"
    me = ensure_identity(pair.a.ctx)
    replay.write_bytes(seal(payload, me, _recipients(pair.a), bundle_id=bundle_id))
    before = _store_digest(pair.b)
    message = _refused(pair.b, replay)
    assert "different contents" in message
    assert _store_digest(pair.b) == before and _live_contacts(pair.b) == {"Ann Example"}


def _high_water(services: Services) -> str:
    with services.ctx.store.read() as session:
        found = session.execute(
            text("SELECT value FROM store_meta WHERE key = :k"), {"k": CLOCK_KEY}
        ).scalar()
    return str(found)


def test_changes_dated_a_day_ahead_are_refused_and_leave_the_clock_alone(pair: Pair) -> None:
    contact = _contact(pair.a, "Ann Example")
    station = pair.a.ctx.station_id
    with pair.a.ctx.store.read() as session:
        item = load_item(session, "contacts", contact)
    assert item is not None
    ahead = datetime.now(UTC) + timedelta(days=1)
    clock = Hlc(int(ahead.timestamp() * 1000), 0, station).encode()
    future = Item("contacts", item.id, item.values, {STAR: clock})
    payload = Payload(station, clock, False, {}, [future])
    bundle = pair.folder / "ahead.bundle"
    me = ensure_identity(pair.a.ctx)
    bundle.write_bytes(seal(encode_payload(payload), me, _recipients(pair.a), bundle_id="ahead1"))
    before, high_water = _store_digest(pair.b), _high_water(pair.b)
    message = _refused(pair.b, bundle)
    assert "ahead of this PC's clock" in message
    assert _store_digest(pair.b) == before and _high_water(pair.b) == high_water
    assert _live_contacts(pair.b) == set()


def test_a_unique_code_made_at_both_stations_is_refused_naming_the_clash(pair: Pair) -> None:
    district = pair.a["districts"].create({"name": "Testshire North", "code": "TSN"}).created[0]
    hood = (
        pair.a["neighbourhoods"]
        .create({"name": "Riverside", "code": "RIV", "district_id": district})
        .created[0]
    )
    pair.send(pair.a, pair.b)
    pair.a["wards"].create({"name": "Mill End", "code": "RIV-M", "neighbourhood_id": hood})
    pair.b["wards"].create({"name": "Mill Lane", "code": "RIV-M", "neighbourhood_id": hood})
    before = _store_digest(pair.b)
    message = _refused(pair.b, pair.bundle(pair.a))
    assert "ward with the same code" in message and "\n" not in message
    assert _store_digest(pair.b) == before


def test_export_with_no_trusted_station_says_what_to_do(tmp_path: Path) -> None:
    alone = _station(tmp_path / "alone")
    try:
        with pytest.raises(PcsoDeskError) as refusal:
            alone.sync.export_bundle(tmp_path / "out.bundle")
        assert "No other station is trusted" in refusal.value.message
        assert "sync trust" in refusal.value.message
        assert not (tmp_path / "out.bundle").exists()
    finally:
        alone.ctx.store.close()


# -- merging: deletions, the victim-case conflict queue, derived fields ------------------------


def test_a_deletion_and_an_unseen_edit_meet_in_either_order_and_the_record_stays_deleted(
    pair: Pair,
) -> None:
    contact = _contact(pair.a, "Ann Example")
    pair.send(pair.a, pair.b)
    pair.b["contacts"].update(contact, {"phone": "07700 900123"})
    pair.a["contacts"].delete(contact)
    deletion, edit = pair.bundle(pair.a), pair.bundle(pair.b)
    pair.a.sync.import_bundle(edit)  # the edit arrives after the deletion
    pair.b.sync.import_bundle(deletion)  # the deletion arrives after the edit
    for services in (pair.a, pair.b):
        assert _deleted_at(services, contact) is not None
        (conflict,) = services.sync.conflicts()
        assert conflict.kind == "deletion" and conflict.a.text == "Deleted"
        assert "+447700900123" in conflict.b.text  # the edit is kept, not lost
    assert pair.a.sync.conflicts()[0].id == pair.b.sync.conflicts()[0].id
    pair.b.sync.resolve(pair.b.sync.conflicts()[0].id, "a")  # keep it deleted
    pair.exchange()
    pair.a.sync.import_bundle(pair.bundle(pair.b, full=True))  # everything B ever held
    for services in (pair.a, pair.b):
        assert services.sync.conflicts() == []
        assert _deleted_at(services, contact) is not None
    assert _dump(pair.a) == _dump(pair.b)


def _victim_case(services: Services) -> str:
    victim = _contact(services, "Vic Example")
    values = {
        "victim_id": victim,
        "crime_reference": "41/70001/26",
        "offence_type": "Burglary",
        "opened_at": utc(2026, 11, 2, 9),
    }
    return str(services["victim_cases"].create(values).created[0])


def _offence(services: Services, case: str) -> str:
    return str(services["victim_cases"].get(case)["offence_type"])


def test_two_values_for_one_victim_case_field_go_to_the_queue_and_a_choice_settles_both(
    pair: Pair,
) -> None:
    case = _victim_case(pair.a)
    pair.send(pair.a, pair.b)
    pair.a["victim_cases"].update(case, {"offence_type": "Burglary (dwelling)"})
    pair.b["victim_cases"].update(case, {"offence_type": "Theft from a shed"})
    pair.exchange()
    assert _offence(pair.a, case) == _offence(pair.b, case)  # the same provisional value
    (at_a,), (at_b,) = pair.a.sync.conflicts(), pair.b.sync.conflicts()
    assert at_a.id == at_b.id and at_a.kind == "field"
    assert {at_b.a.text, at_b.b.text} == {"Burglary (dwelling)", "Theft from a shed"}
    assert at_b.a.text == _offence(pair.b, case)
    pair.b.sync.resolve(at_b.id, "b")
    pair.exchange()
    for services in (pair.a, pair.b):
        assert _offence(services, case) == at_b.b.text
        assert services.sync.conflicts() == []
    assert _dump(pair.a) == _dump(pair.b)


def test_the_same_value_at_both_stations_is_no_conflict(pair: Pair) -> None:
    case = _victim_case(pair.a)
    pair.send(pair.a, pair.b)
    for services in (pair.a, pair.b):
        services["victim_cases"].update(case, {"offence_type": "Burglary (dwelling)"})
    pair.exchange()
    assert pair.a.sync.conflicts() == pair.b.sync.conflicts() == []
    assert _offence(pair.a, case) == _offence(pair.b, case) == "Burglary (dwelling)"


def test_edits_made_one_after_the_other_are_no_conflict(pair: Pair) -> None:
    case = _victim_case(pair.a)
    pair.send(pair.a, pair.b)
    pair.a["victim_cases"].update(case, {"offence_type": "Burglary (dwelling)"})
    pair.exchange()
    pair.b["victim_cases"].update(case, {"offence_type": "Theft from a shed"})
    pair.exchange()
    assert pair.a.sync.conflicts() == pair.b.sync.conflicts() == []
    assert _offence(pair.a, case) == _offence(pair.b, case) == "Theft from a shed"


def test_a_visit_logged_at_one_station_moves_the_next_contact_due_at_the_other(
    pair: Pair,
) -> None:
    case = _victim_case(pair.a)
    pair.send(pair.a, pair.b)
    due_before = pair.b["victim_cases"].get(case)["next_contact_due"]
    visit = {"visit_type": "follow_up", "method": "phone", "contacted_at": utc(2026, 11, 20, 10)}
    pair.a.victims.record_contact(case, visit)
    due_at_a = pair.a["victim_cases"].get(case)["next_contact_due"]
    assert due_at_a != due_before
    pair.send(pair.a, pair.b)
    assert pair.b["victim_cases"].get(case)["next_contact_due"] == due_at_a
    assert _dump(pair.a) == _dump(pair.b)


def test_a_conflict_about_a_priority_names_it_in_plain_words(pair: Pair) -> None:
    district = pair.a["districts"].create({"name": "Testshire North", "code": "TSN"}).created[0]
    hood = (
        pair.a["neighbourhoods"]
        .create({"name": "Riverside", "code": "RIV", "district_id": district})
        .created[0]
    )
    values = {"title": "Parking", "category": "asb", "neighbourhood_id": hood}
    priority = pair.a["priorities"].create({**values, "agreed_on": utc(2026, 11, 2).date()})
    pair.send(pair.a, pair.b)
    pair.b["priorities"].update(priority.created[0], {"title": "Parking by the school"})
    pair.a["priorities"].delete(priority.created[0])
    pair.exchange()
    (conflict,) = pair.a.sync.conflicts()
    assert conflict.record == "priority Parking by the school"


def test_a_merge_of_more_records_than_it_lists_refreshes_whole_kinds_and_every_due_date(
    pair: Pair, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A large merge keeps only a few ids per kind (a first sync of millions would otherwise
    hold them all): past that, screens refresh the whole kind, and derived dates are worked
    out for every case, giving what the sender shows."""
    from pcso_desk.services.sync import apply

    monkeypatch.setattr(apply, "LISTED_IDS", 2)
    case = _victim_case(pair.a)
    visit = {"visit_type": "follow_up", "method": "phone", "contacted_at": utc(2026, 11, 20, 10)}
    pair.a.victims.record_contact(case, visit)
    pair.a.victims.record_contact(case, {**visit, "contacted_at": utc(2026, 11, 27, 10)})
    pair.a.victims.record_contact(case, {**visit, "contacted_at": utc(2026, 11, 28, 10)})
    people = [_contact(pair.a, f"Person {n}") for n in range(4)]
    result = pair.b.sync.import_bundle(pair.bundle(pair.a))
    changes = {c.kind: c for c in result.changes}
    assert changes["contacts"].whole and not changes["contacts"].ids  # 5 contacts: too many
    assert changes["victim_contacts"].whole
    assert set(changes["victim_cases"].updated) == {case} and not changes["victim_cases"].whole
    assert result.changed == 5 + 3 + 1  # contacts, visits, the case: counted all the same
    due = pair.a["victim_cases"].get(case)["next_contact_due"]
    assert due is not None and pair.b["victim_cases"].get(case)["next_contact_due"] == due
    assert {p: pair.b.contacts.get(p)["name"] for p in people} == {
        p: f"Person {n}" for n, p in enumerate(people)
    }
    assert _dump(pair.a) == _dump(pair.b)
