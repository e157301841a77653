"""Who may do what: every role tries every action through the services, as a user would."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from pcso_desk.domain.enums import UserRole
from pcso_desk.domain.errors import NotFoundError, PermissionDenied
from pcso_desk.domain.permissions import ROLE_NAMES, Action, allowed, permission_rows, refusal
from pcso_desk.services.api import Services
from pcso_desk.services.context import Context
from pcso_desk.services.documents import briefings
from pcso_desk.services.protection import accounts, audit
from tests.role_station import Station

README = Path(__file__).resolve().parents[2] / "README.md"
IMPORT_HEADER = "Full Name,Post Code,Telephone"
IMPORT_NAMES = ("Ada Quill", "Bram Oakes", "Cleo Vance", "Dev Marsh", "Eli Thorn", "Fay Pike")
# A lock wait would mean a refusal's audit entry fighting its own transaction: fail fast.
SHORT_BUSY_TIMEOUT_MS = 200


@pytest.fixture(scope="module")
def station(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Station]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("pcso_desk.store.engine.BUSY_TIMEOUT_MS", SHORT_BUSY_TIMEOUT_MS)
        made = Station(tmp_path_factory.mktemp("permissions"))
        yield made
        made.setup.ctx.store.close()


def _view(station: Station, services: Services) -> None:
    services.contacts.page()
    assert services.contacts.get(station.contact)["name"] == "Robin Sample"


def _view_restricted(station: Station, services: Services) -> None:
    assert services["victim_cases"].get(station.case)["crime_reference"]


def _create(station: Station, services: Services) -> None:
    services.contacts.create({"name": f"Sam Newcontact {station.next_number()}"})


def _change(station: Station, services: Services) -> None:
    changed = services.contacts.update(station.contact, {"notes": f"Note {station.next_number()}"})
    assert changed.updated == (station.contact,)


def _delete(station: Station, services: Services) -> None:
    doomed = station.doomed  # made before the audit count is taken
    assert services.contacts.delete(doomed).deleted == (doomed,)


def _organisation(station: Station, services: Services) -> None:
    number = station.next_number()
    services["wards"].create(
        {
            "name": f"Riverside West {number}",
            "code": f"RIV-W{number}",
            "neighbourhood_id": station.world.neighbourhood,
        }
    )


def _print(station: Station, services: Services) -> None:
    area = briefings.find_area(services.ctx, "ward", "RIV-C")
    assert briefings.handout(services.ctx, area, date(2026, 7, 10)).area.code == "RIV-C"


def _public_pack(station: Station, services: Services) -> None:
    out = station.root / f"pack-{station.next_number()}.zip"
    services.packs.build_pack("ward", "Riverside Central", "2026-06", out, internal=False)
    assert out.exists()


def _internal_pack(station: Station, services: Services) -> None:
    # Through the body's own check (write_pack): the use case itself asks for PUBLIC_PACKS,
    # which an Admin lacks too, and would refuse an Admin in those words first.
    from pcso_desk.services.documents import monthly, packs

    area = monthly.find_area(services.ctx, "ward", "Riverside Central")
    out = station.root / f"internal-{station.next_number()}.zip"
    packs.write_pack(services.ctx, area, "2026-06", out, internal=True)
    assert out.exists()


def _export(station: Station, services: Services) -> None:
    out = station.root / f"export-{station.next_number()}.csv"
    services.export_table("contacts", "csv", out)
    assert out.exists()


def _import(station: Station, services: Services) -> None:
    number = station.next_number()
    source = station.root / f"import-{number}.csv"
    name = IMPORT_NAMES[number % len(IMPORT_NAMES)]  # unlike each other: no likely duplicates
    source.write_text(f"{IMPORT_HEADER}\n{name},,01632 960{number:03d}\n")
    assert services.import_contacts(source).added == 1


def _sync(station: Station, services: Services) -> None:
    out = station.root / f"bundle-{station.next_number()}.bundle"
    services.sync.export_bundle(out)
    assert out.exists()


def _register_peers(station: Station, services: Services) -> None:
    card = station.root / "peer.identity"
    assert services.sync.trust(services.sync.read_identity(card)).name  # again: harmless


def _resolve(station: Station, services: Services) -> None:
    with pytest.raises(NotFoundError):  # allowed: it gets as far as looking the conflict up
        services.sync.resolve("no-such-conflict", "a")


def _manage_users(station: Station, services: Services) -> None:
    assert len(accounts.list_accounts(services.ctx)) == len(UserRole)


def _read_audit(station: Station, services: Services) -> None:
    assert audit.entries(services.ctx, limit=5)


def _review(station: Station, services: Services) -> None:
    far_ahead = services.retention.queue(date(2100, 1, 1))  # every contact is due by then
    assert station.doomed in {item.row_id for item in far_ahead.items}


def _erase(station: Station, services: Services) -> None:
    doomed = station.doomed
    assert services.retention.erase_person(doomed).counts["contacts"] == 1


CALLS: dict[Action, Callable[[Station, Services], None]] = {
    Action.VIEW: _view,
    Action.VIEW_RESTRICTED: _view_restricted,
    Action.CREATE: _create,
    Action.CHANGE: _change,
    Action.DELETE: _delete,
    Action.ORGANISATION: _organisation,
    Action.PRINT: _print,
    Action.PUBLIC_PACKS: _public_pack,
    Action.INTERNAL_PACKS: _internal_pack,
    Action.EXPORT: _export,
    Action.IMPORT: _import,
    Action.SYNC: _sync,
    Action.REGISTER_PEERS: _register_peers,
    Action.RESOLVE_CONFLICTS: _resolve,
    Action.MANAGE_USERS: _manage_users,
    Action.READ_AUDIT: _read_audit,
    Action.REVIEW: _review,
    Action.ERASE: _erase,
}


def _pairs() -> list[Any]:
    pairs = []
    for role in UserRole:
        for action in Action:
            pairs.append(pytest.param(role, action, id=f"{role.value}-{action.name}"))
    return pairs


def test_every_action_has_a_representative_call() -> None:
    assert set(CALLS) == set(Action)


@pytest.mark.parametrize(("role", "action"), _pairs())
def test_role_may_do_exactly_what_the_table_allows(
    station: Station, role: UserRole, action: Action
) -> None:
    services = station.signed_in[role]
    station.doomed = station.new_contact(f"Jo Leaving {station.next_number()}")
    before = len(station.audit_rows())
    if allowed(role, action):
        CALLS[action](station, services)
        added = station.audit_rows()[before:]
        assert all(row["outcome"] == "ok" for row in added), added
        return
    with pytest.raises(PermissionDenied) as refused:
        CALLS[action](station, services)
    message = str(refused.value)
    assert message == refusal(role, action)
    assert ROLE_NAMES[role] in message
    assert re.fullmatch(r"[A-Z][^.]*\.", message), "one sentence"
    added = station.audit_rows()[before:]
    assert len(added) == 1, added
    entry = added[0]
    assert entry["outcome"] == "refused"
    assert (entry["username"], entry["role"]) == (f"{role.value}-user", role.value)
    assert entry["detail"] == action.value


def test_an_admin_refusal_reads_as_english() -> None:
    assert refusal(UserRole.ADMIN, Action.EXPORT).startswith("An Admin account cannot export")


def test_a_context_with_accounts_and_no_one_signed_in_is_refused(station: Station) -> None:
    nobody = Services(Context.open(station.setup.ctx.store))
    before = len(station.audit_rows())
    with pytest.raises(PermissionDenied, match=r"^Sign in first"):
        nobody.contacts.get(station.contact)
    added = station.audit_rows()[before:]
    assert [(row["outcome"], row["username"]) for row in added] == [("refused", "")]


def _readme_table() -> str:
    rows = permission_rows()
    lines = ["| " + " | ".join(rows[0]) + " |", "|" + "---|" * len(rows[0])]
    lines += ["| " + " | ".join(row) + " |" for row in rows[1:]]
    return "\n".join(lines)


def test_readme_prints_the_permission_table_as_the_code_has_it() -> None:
    # Empty cells render as "|  |" (one space either side of nothing).
    assert _readme_table() in README.read_text(encoding="utf-8")
