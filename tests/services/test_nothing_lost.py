"""Nothing lost in sync: three values for one phone all wait in the queue on every station,
and a merge made on one station while another erases the merged-away person leaves none of
that person's details anywhere."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from pcso_desk.domain.validation import normalise_phone
from pcso_desk.services.api import Services
from tests.stations import dump
from tests.stations import station as _station
from tests.stations import trust as _trust


@pytest.fixture
def three(tmp_path: Path) -> Iterator[list[Services]]:
    made = [_station(tmp_path / name) for name in ("a", "b", "c")]
    for one in made:
        for other in made:
            if one is not other:
                _trust(one, other, tmp_path)
    yield made
    for services in made:
        services.ctx.store.close()


class Courier:
    """Carries bundles between stations, each in a file of its own."""

    def __init__(self, folder: Path) -> None:
        self.folder, self.made = folder, 0

    def send(self, sender: Services, receiver: Services) -> int:
        self.made += 1
        out = self.folder / f"{self.made:03d}.bundle"
        sender.sync.export_bundle(out)
        return int(receiver.sync.import_bundle(out).changed)

    def everyone(self, stations: list[Services]) -> None:
        """Every station sends to every other until a whole round changes nothing (what a
        station does on hearing of a merge or an erasure is itself news for the others)."""
        for _round in range(6):
            changed = sum(
                self.send(sender, receiver)
                for sender in stations
                for receiver in stations
                if sender is not receiver
            )
            if not changed:
                return
        raise AssertionError("the stations never settled")


def _phone(services: Services, contact: str) -> str:
    return str(services.contacts.get(contact)["phone"])


def test_three_phones_wait_in_the_queue_on_every_station_until_settled(
    three: list[Services], tmp_path: Path
) -> None:
    a, b, c = three
    courier = Courier(tmp_path)
    contact = a.contacts.create({"name": "Ann Example", "phone": "01632 960001"}).created[0]
    courier.send(a, b)
    courier.send(a, c)
    phones = tuple(normalise_phone(p) for p in ("01632 960101", "01632 960202", "01632 960303"))
    for services, phone in zip(three, phones, strict=True):
        services.contacts.update(contact, {"phone": phone})
    courier.everyone(three)
    held = {_phone(s, contact) for s in three}
    assert len(held) == 1  # every station shows the same value for now
    for services in three:
        (conflict,) = services.sync.conflicts()  # one conflict, however many entries
        assert conflict.field == "phone"
        assert {side.text for side in conflict.sides} == set(phones)
        assert conflict.a.text == _phone(services, contact)  # kept for now comes first
    # A sergeant settles it once, choosing a value that was set aside, on station c.
    conflict = c.sync.conflicts()[0]
    chosen = next(i for i, side in enumerate(conflict.sides) if side.text == phones[0])
    c.sync.resolve(conflict.id, chr(ord("a") + chosen))
    courier.everyone(three)
    for services in three:
        assert _phone(services, contact) == phones[0]
        assert services.sync.conflicts() == []
        settled = services.sync.conflicts(include_resolved=True)
        assert len(settled) == 1 and settled[0].kept is not None
        assert settled[0].kept.text == phones[0]
        # Every value is in the contact's history, with the original number.
        history = services.history("contacts", contact)
        values = {v.text for v in history.values if v.field == "phone"}
        assert values == {*phones, normalise_phone("01632 960001")}
    assert dump(a) == dump(b) == dump(c)


def _details(services: Services, contact: str) -> dict[str, str]:
    record = services.contacts.get(contact)
    return {key: str(record[key] or "") for key in ("phone", "email", "address", "notes")}


def _anywhere(services: Services, words: list[str]) -> list[str]:
    """Which of `words` the store still holds in any synced table's text."""
    found = []
    flat = repr(dump(services))
    for word in words:
        if word in flat:
            found.append(word)
    return found


def test_a_merge_and_an_erasure_of_the_merged_away_person_leave_none_of_their_details(
    three: list[Services], tmp_path: Path
) -> None:
    a, b, c = three
    courier = Courier(tmp_path)
    keep = a.contacts.create({"name": "Ann Example", "postcode": "AL1 3AB"}).created[0]
    secret = {
        "phone": "01632 960777",
        "email": "x.person@example.org",
        "address": "7 Hidden Lane",
        "notes": "Walks the dog at dawn",
    }
    gone = a.contacts.create({"name": "Ann Exampel", "postcode": "AL1 3AB", **secret}).created[0]
    courier.everyone(three)
    merged = a.merge_contacts(keep, gone)  # station a copies X's details onto Y
    assert _details(a, keep) == {**secret, "phone": normalise_phone(secret["phone"])}
    b.retention.erase_person(gone)  # station b erases X, not yet knowing of the merge
    courier.everyone(three)
    words = ["1632960777", "x.person@example.org", "7 Hidden Lane", "Walks the dog"]
    for services in three:
        assert _details(services, keep) == {k: "" for k in secret}
        assert _anywhere(services, words) == []
        # The kept contact itself is still there, with its own details.
        assert services.contacts.get(keep)["name"] == "Ann Example"
    assert dump(a) == dump(b) == dump(c)
    said = []
    for services in three:  # the station that heard of both first erased the copy
        with services.ctx.store.read() as session:
            said += (
                session.execute(
                    text("SELECT detail FROM audit_log WHERE action = 'erasure followed a merge'")
                )
                .scalars()
                .all()
            )
    assert any("4 fields of 1 record erased" in line for line in said), said
    assert merged.undo.filled  # what the merge copied was recorded for its undo


def test_an_edit_made_elsewhere_to_a_merged_away_contact_reaches_the_kept_one(
    three: list[Services], tmp_path: Path
) -> None:
    a, b, _c = three
    courier = Courier(tmp_path)
    keep = a.contacts.create({"name": "Ann Example", "postcode": "AL1 3AB"}).created[0]
    gone = a.contacts.create({"name": "Ann Exampel", "phone": "01632 960001"}).created[0]
    courier.send(a, b)
    a.merge_contacts(keep, gone)
    b.contacts.update(gone, {"address": "9 New Road"})  # before b hears of the merge
    engagement = b.engagements.create(
        {"occurred_at": "2026-12-01 10:00", "channel": "patrol", "summary": "Chat"}
    ).created[0]
    b["engagement_contacts"].create({"engagement_id": engagement, "contact_id": gone})
    courier.send(b, a)
    courier.send(a, b)
    for services in (a, b):
        assert services.contacts.get(keep)["address"] == "9 New Road"
        with services.ctx.store.read() as session:
            linked = (
                session.execute(
                    text("SELECT contact_id FROM engagement_contacts WHERE engagement_id = :e"),
                    {"e": engagement},
                )
                .scalars()
                .all()
            )
        assert linked == [keep]
    assert dump(a) == dump(b)


def test_erasing_a_person_erases_their_history_too(three: list[Services], tmp_path: Path) -> None:
    a, b, _c = three
    courier = Courier(tmp_path)
    person = a.contacts.create({"name": "Ann Example", "address": "1 Old Road"}).created[0]
    a.contacts.update(person, {"address": "2 Middle Road"})
    a.contacts.update(person, {"address": "3 New Road"})
    courier.send(a, b)
    assert {v.text for v in b.history("contacts", person).values} == {
        "1 Old Road",
        "2 Middle Road",
        "3 New Road",
    }
    b.retention.erase_person(person)
    courier.send(b, a)
    for services in (a, b):
        words = _anywhere(services, ["Old Road", "Middle Road", "New Road"])
        assert words == []
        with services.ctx.store.read() as session:
            kept = session.execute(
                text("SELECT count(*) FROM field_history WHERE row_id = :p AND erased_at IS NULL"),
                {"p": person},
            ).scalar()
        assert kept == 0


def test_a_subject_access_export_lists_the_values_a_person_once_had(
    three: list[Services], tmp_path: Path
) -> None:
    import json

    a = three[0]
    person = a.contacts.create({"name": "Ann Example", "address": "1 Old Road"}).created[0]
    a.contacts.update(person, {"address": "3 New Road"})
    json_path, _pdf = a.export_subject_access(person, tmp_path / "sar")
    exported = json.loads(json_path.read_text(encoding="utf-8"))
    text_of = json.dumps(exported)
    assert "1 Old Road" in text_of and "3 New Road" in text_of
    (earlier,) = [s for s in exported["sections"] if s["kind"] == "field_history"]
    assert len(earlier["records"]) == 1


def test_a_forged_history_entry_cannot_be_set_back(three: list[Services]) -> None:
    from pcso_desk.domain.errors import ValidationError
    from pcso_desk.store.history import history_id, history_values, keep_entries

    a = three[0]
    person = a.contacts.create({"name": "Ann Example", "phone": "01632 960001"}).created[0]
    clock = "000000000001000-000000-station-x"
    with a.ctx.store.write() as session:
        for name, value in (("phone", "call me maybe"), ("erased_at", "2026-01-01 00:00:00")):
            row = history_values("contacts", person, name, value, clock, None)
            keep_entries(session.connection(), [{**row, "hlc": clock, "field_clocks": {}}])
    for name in ("phone", "erased_at"):
        entry = history_id("contacts", person, name, clock)
        with pytest.raises(ValidationError, match="cannot be set back"):
            a.restore_value("contacts", entry)
    record = a.contacts.get(person)
    assert record["phone"] == normalise_phone("01632 960001") and record["erased_at"] is None
