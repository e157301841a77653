"""Sync carries authority: who may register a station, and what a received change must pass.

A "doctored" change below is written straight through the store, past the services' checks,
as a station whose app had been tampered with could write it; its bundle is still signed by
a trusted station.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text

from pcso_desk.domain.enums import UserRole
from pcso_desk.domain.errors import PermissionDenied
from pcso_desk.services.api import Services
from pcso_desk.services.context import Context
from pcso_desk.services.protection import accounts, erasure
from pcso_desk.store import models as m
from pcso_desk.store.clocks import STAR, synced_columns, synced_table
from pcso_desk.sync.changes import ROLE, Item
from pcso_desk.sync.envelope import BundleError
from pcso_desk.sync.merge import merge
from tests.cli.station import as_user, build_station
from tests.factories import make_world, utc
from tests.stations import dump, station, trust

PASSWORD = "correct horse battery"


def _accounts(services: Services, officer: str | None = None) -> dict[UserRole, Services]:
    """One account per role on `services`' store, each signed in on a context of its own."""
    for role in UserRole:
        accounts.create_account(services.ctx, f"{role.value}-user", PASSWORD, role, officer)
    signed: dict[UserRole, Services] = {}
    for role in UserRole:
        signed[role] = Services(Context.open(services.ctx.store))
        accounts.sign_in(signed[role].ctx, f"{role.value}-user", PASSWORD)
    return signed


class Pair:
    """Station A (the sender) and B (the receiver), each with an account per role. A holds a
    small world, a contact and a victim case, and B has received them."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.a, self.b = station(root / "a"), station(root / "b")
        trust(self.a, self.b, root)
        trust(self.b, self.a, root)
        self.world = make_world(self.a)
        self.person = self.a.contacts.create({"name": "Robin Sample"}).created[0]
        self.other = self.a.contacts.create({"name": "Kit Other"}).created[0]
        self.case = (
            self.a["victim_cases"]
            .create(
                {
                    "victim_id": self.person,
                    "crime_reference": "41 12345 26",
                    "offence_type": "Burglary",
                    "opened_at": utc(2026, 7, 2, 10),
                }
            )
            .created[0]
        )
        self.bundles = 0
        self.send(self.a, self.b)
        self.on_a = _accounts(self.a, self.world.officer)
        self.on_b = _accounts(self.b)

    def send(self, sender: Services, receiver: Services) -> Any:
        self.bundles += 1
        out = self.root / f"{self.bundles}.bundle"
        sender.sync.export_bundle(out)
        return receiver.sync.import_bundle(out)

    def to_b(self) -> Any:
        """A's changes, exported by A's PCSO and imported by B's PCSO."""
        return self.send(self.on_a[UserRole.PCSO], self.on_b[UserRole.PCSO])

    def doctored(self, role: UserRole, model: Any, row_id: str, **values: Any) -> None:
        """Change a record on A as `role`, past every check the services make."""
        ctx = self.on_a[role].ctx
        with ctx.store.write() as session:
            row = session.get(model, row_id)
            for name, value in values.items():
                setattr(row, name, value)
            ctx.stamp(row, creating=False)

    def refusals(self) -> list[str]:
        with self.b.ctx.store.read() as session:
            rows = session.execute(
                text("SELECT detail FROM audit_log WHERE action = 'sync refused' ORDER BY seq")
            )
            return [str(detail) for (detail,) in rows]


@pytest.fixture
def pair(tmp_path: Path) -> Iterator[Pair]:
    made = Pair(tmp_path)
    yield made
    for services in (made.a, made.b):
        services.ctx.store.close()


def _a_name(pair: Pair) -> str:
    return pair.on_a[UserRole.SERGEANT].sync.status().name


# -- registering a station ---------------------------------------------------------------


def test_only_a_sergeant_or_an_admin_registers_a_station(pair: Pair) -> None:
    card = pair.root / "c.identity"
    third = station(pair.root / "c")
    third.sync.write_identity(card)
    third.ctx.store.close()
    for role in (UserRole.PCSO, UserRole.PC):
        services = pair.on_b[role]
        with pytest.raises(PermissionDenied, match="cannot register other stations for sync"):
            services.sync.trust(services.sync.read_identity(card))
    assert len(pair.b.sync.status().peers) == 1  # A only
    with pair.b.ctx.store.read() as session:
        refused = session.scalars(
            select(m.AuditEntry.role).where(
                m.AuditEntry.outcome == "refused",
                m.AuditEntry.detail == "register other stations for sync",
            )
        ).all()
    assert sorted(refused) == ["pc", "pcso"]
    for role in (UserRole.SERGEANT, UserRole.ADMIN):
        services = pair.on_b[role]
        services.sync.trust(services.sync.read_identity(card))
    assert len(pair.b.sync.status().peers) == 2


def test_sync_trust_on_the_command_line_needs_a_sergeant(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    here = build_station(tmp_path / "here")
    peer = station(tmp_path / "peer")
    card = tmp_path / "peer.identity"
    peer.sync.write_identity(card)
    peer.ctx.store.close()
    code, _, err = as_user(capsys, monkeypatch, here, "pcso", "sync", "trust", str(card), "--yes")
    assert code == 1 and "cannot register other stations for sync" in err
    code, out, _ = as_user(
        capsys, monkeypatch, here, "sergeant", "sync", "trust", str(card), "--yes"
    )
    assert code == 0 and "Trusted" in out


# -- what a received change must pass ----------------------------------------------------


def test_an_ordinary_bundle_still_applies_in_full(pair: Pair) -> None:
    pcso = pair.on_a[UserRole.PCSO]
    pcso.contacts.update(pair.person, {"postcode": "AL1 3AB", "phone": "01632 960123"})
    pcso["victim_cases"].update(pair.case, {"offence_type": "Theft"})
    pair.on_a[UserRole.SERGEANT]["wards"].update(pair.world.other_ward, {"name": "East Side"})
    pair.on_a[UserRole.PC].contacts.delete(pair.other)
    pair.to_b()
    assert pair.refusals() == []
    assert dump(pair.a) == dump(pair.b)


def test_a_forged_erasure_said_to_be_a_pcsos_is_refused_and_the_person_stays(
    pair: Pair,
) -> None:
    ctx = pair.on_a[UserRole.PCSO].ctx  # a PCSO may not erase: the services would refuse
    with ctx.store.write() as session:
        erasure.erase_rows(ctx, session, [session.get(m.Contact, pair.person)])
    pair.to_b()
    assert pair.b.contacts.get(pair.person)["name"] == "Robin Sample"
    (refusal,) = pair.refusals()
    assert refusal == (
        f"Refused the erasure of a contact from {_a_name(pair)}: it was made by a PCSO "
        "account, which cannot erase a person's data."
    )
    log = (pair.b.ctx.store.path.parent / "logs" / "sync.log").read_text(encoding="utf-8")
    assert "refused the erasure of a contact" in log


def test_an_erasure_by_a_sergeant_reaches_the_other_station(pair: Pair) -> None:
    sergeant = pair.on_a[UserRole.SERGEANT]
    sergeant.contacts.update(pair.person, {"notes": "Asked to be forgotten"})
    sergeant.retention.erase_person(pair.person)  # the same role twice: the erasure's own
    pair.to_b()
    assert pair.refusals() == []
    with pair.b.ctx.store.read() as session:
        erased = session.get(m.Contact, pair.person)
        assert erased is not None and erased.erased_at is not None and erased.name == ""
    assert dump(pair.a) == dump(pair.b)


def test_an_erasure_made_with_no_one_signed_in_is_refused_where_accounts_exist(
    tmp_path: Path,
) -> None:
    a, b = station(tmp_path / "a"), station(tmp_path / "b")
    trust(a, b, tmp_path)
    trust(b, a, tmp_path)
    person = a.contacts.create({"name": "Robin Sample"}).created[0]
    a.sync.export_bundle(tmp_path / "1.bundle")
    b.sync.import_bundle(tmp_path / "1.bundle")
    a.retention.erase_person(person)  # A has no accounts: the erasure carries no role
    pcso = _accounts(b)[UserRole.PCSO]
    a.sync.export_bundle(tmp_path / "2.bundle")
    pcso.sync.import_bundle(tmp_path / "2.bundle")
    assert b.contacts.get(person)["name"] == "Robin Sample"
    with b.ctx.store.read() as session:
        detail = session.scalar(
            select(m.AuditEntry.detail).where(m.AuditEntry.action == "sync refused")
        )
    assert detail is not None and "carries no role" in detail
    a.ctx.store.close()
    b.ctx.store.close()


@pytest.mark.parametrize(
    ("role", "what", "values", "reason"),
    [
        (
            UserRole.ADMIN,
            "case",
            {"offence_type": "Robbery"},
            "a victim care case from {a}: it was made by an Admin account, which cannot see "
            "restricted records (victim care)",
        ),
        (
            UserRole.PCSO,
            "ward",
            {"name": "Renamed Ward"},
            "a ward from {a}: it was made by a PCSO account, which cannot change districts, "
            "wards, stations and officers",
        ),
        (
            UserRole.PCSO,
            "other",
            {"deleted_at": utc(2026, 8, 1, 9)},
            "a contact from {a}: it was made by a PCSO account, which cannot delete records",
        ),
    ],
    ids=["restricted-by-admin", "organisation-by-pcso", "deletion-by-pcso"],
)
def test_a_change_its_role_could_not_have_made_is_refused_and_the_rest_applies(
    pair: Pair, role: UserRole, what: str, values: dict[str, Any], reason: str
) -> None:
    target = {
        "case": (m.VictimCase, pair.case),
        "ward": (m.Ward, pair.world.other_ward),
        "other": (m.Contact, pair.other),
    }[what]
    before = pair.b.ctx.store.read
    with before() as session:
        held = {name: getattr(session.get(*target), name) for name in values}
    pair.doctored(role, *target, **values)
    pair.on_a[UserRole.PCSO].contacts.update(pair.person, {"notes": "Rang back"})
    pair.to_b()
    assert pair.refusals() == [f"Refused a change to {reason.format(a=_a_name(pair))}."]
    with before() as session:
        assert {name: getattr(session.get(*target), name) for name in values} == held
    assert pair.b.contacts.get(pair.person)["notes"] == "Rang back"  # the rest applied


@pytest.mark.parametrize(
    ("field", "value"),
    [("name", "N" * 3_000_000), ("postcode", "NOT A POSTCODE"), ("kind", "alien")],
)
def test_a_value_a_local_edit_could_not_hold_is_refused_naming_field_and_station(
    pair: Pair, field: str, value: str
) -> None:
    if field == "kind":  # not one of its values: the whole bundle is refused as it is read
        pair.on_a[UserRole.PCSO].contacts.update(pair.other, {"notes": "Seen at the PACT"})
        with pair.a.ctx.store.write() as session:
            session.execute(text("UPDATE contacts SET kind = :v WHERE id = :id"),
                            {"v": value, "id": pair.other})  # fmt: skip
        with pytest.raises(BundleError) as refused:
            pair.to_b()
        assert refused.value.message == (
            f"A change to contacts has an unreadable kind (from {_a_name(pair)})."
        )
        assert pair.b.contacts.get(pair.other)["notes"] == ""
        return
    pair.doctored(UserRole.PCSO, m.Contact, pair.person, **{field: value})
    pair.on_a[UserRole.PCSO].contacts.update(pair.other, {"notes": "Seen at the PACT"})
    pair.to_b()
    assert pair.refusals() == [
        f"Refused a change to a contact from {_a_name(pair)}: its {field} breaks the rules "
        "a change made here must follow."
    ]
    kept = pair.b.contacts.get(pair.person)
    assert (kept["name"], kept["postcode"]) == ("Robin Sample", "")
    assert pair.b.contacts.get(pair.other)["notes"] == "Seen at the PACT"
    log = (pair.b.ctx.store.path.parent / "logs" / "sync.log").read_text(encoding="utf-8")
    assert value not in log  # the refused value itself is never written down


def test_a_record_erased_on_arrival_elsewhere_is_erased_here_too_without_a_refusal(
    tmp_path: Path,
) -> None:
    """A sergeant on A erases a person; B, which had logged a conversation with them, erases
    it on arrival (its importer is a PCSO); C, holding both, hears of both from B alone."""
    a, b, c = (station(tmp_path / n) for n in "abc")
    for one in (a, b, c):
        for other in (a, b, c):
            if one is not other:
                trust(one, other, tmp_path)
    bundles = iter(range(100))

    def send(sender: Services, *receivers: Services) -> None:
        out = tmp_path / f"{next(bundles)}.bundle"
        sender.sync.export_bundle(out)
        for receiver in receivers:
            receiver.sync.import_bundle(out)

    person = a.contacts.create({"name": "Robin Sample"}).created[0]
    send(a, b, c)
    talk = b.engagements.create(
        {"occurred_at": utc(2026, 8, 1, 10), "channel": "phone", "summary": "Rang about it"}
    ).created[0]
    b["engagement_contacts"].create({"engagement_id": talk, "contact_id": person})
    send(b, c)
    on_a, on_b, on_c = _accounts(a), _accounts(b), _accounts(c)
    on_a[UserRole.SERGEANT].retention.erase_person(person)
    send(on_a[UserRole.PCSO], on_b[UserRole.PCSO])  # B erases the conversation on arrival
    send(on_b[UserRole.PCSO], on_c[UserRole.PCSO])
    with c.ctx.store.read() as session:
        refused = session.scalars(
            select(m.AuditEntry.detail).where(m.AuditEntry.action == "sync refused")
        ).all()
    assert refused == []
    assert c.engagements.get(talk)["summary"] == ""
    for one in (a, b, c):
        one.ctx.store.close()


def test_an_erasure_keeps_its_role_whatever_later_edits_meet_it() -> None:
    """A station that edits a record the erasure has not reached yet must not hide the role
    the erasure was made in from the stations it reaches next."""
    table = synced_table("engagements")
    assert table is not None
    values: dict[str, Any] = {name: None for name in synced_columns(table)}
    erased_at, edited_at = "000000000002000-000000-a", "000000000003000-000000-b"
    erased = Item(
        "engagements", "e1", {**values, "erased_at": "2026-11-03 10:00:00", ROLE: "sergeant"},
        {STAR: erased_at},
    )  # fmt: skip
    edited = Item(
        "engagements", "e1", {**values, "ward_id": "w2", ROLE: "pcso"},
        {STAR: "000000000001000-000000-b", "ward_id": [edited_at, ""], ROLE: [edited_at, ""]},
    )  # fmt: skip
    for merged in (merge(erased, edited).item, merge(edited, erased).item):
        assert (merged.values[ROLE], merged.clock(ROLE)[0]) == ("sergeant", erased_at)
        assert merged.values["ward_id"] == "w2"  # not something an erasure blanks
