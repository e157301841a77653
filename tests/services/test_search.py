"""Search (Ctrl+K) finds what people ask for: crime references (for those who may see victim
care, audited), KINs, messages and engagements, exact and prefix matches first, postcodes
with or without their space, meetings with their dates."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from pcso_desk.paths import DataPaths
from pcso_desk.services.api import Services
from pcso_desk.services.context import Context
from pcso_desk.services.maintenance import init_store
from pcso_desk.services.protection import accounts, audit
from pcso_desk.services.records import search
from tests.factories import World, make_world, utc
from tests.keys import build_services

PASSWORD = "correct horse battery"


class Station:
    """A station with a sergeant and an admin signed in, each on a context of their own."""

    def __init__(self, root: Path) -> None:
        self.setup = build_services(DataPaths(root / "station").ensure())
        init_store(self.setup.ctx, "Riverside SNT")
        self.world: World = make_world(self.setup)
        self.signed_in: dict[str, Services] = {}
        for role in ("sergeant", "admin", "pcso"):
            accounts.create_account(self.setup.ctx, role, PASSWORD, role)
            services = Services(Context.open(self.setup.ctx.store))
            accounts.sign_in(services.ctx, role, PASSWORD)
            self.signed_in[role] = services
        self.contacts = {
            name: self.contact(name, postcode)
            for name, postcode in (
                ("Connor Turner", "AL2 4PQ"),
                ("Lucy Turner", "AL1 3AB"),
                ("Lucy Turnbull", "AL5 2JD"),
                ("Amy Lucyfield", "AL5 2JE"),
            )
        }

    def contact(self, name: str, postcode: str) -> str:
        return str(self.setup.contacts.create({"name": name, "postcode": postcode}).created[0])

    def case(self, reference: str, victim: str) -> str:
        values = {
            "victim_id": self.contacts[victim],
            "crime_reference": reference,
            "offence_type": "Burglary",
            "opened_at": utc(2026, 7, 2, 10),
        }
        return str(self.setup["victim_cases"].create(values).created[0])

    def audit_rows(self) -> list[dict[str, Any]]:
        audit.flush(self.setup.ctx.store)  # a search's entry is queued, written just after
        with self.setup.ctx.store.read() as session:
            found = session.execute(text("SELECT * FROM audit_log ORDER BY seq"))
            return [dict(row._mapping) for row in found]


@pytest.fixture
def station(tmp_path: Path) -> Station:
    return Station(tmp_path)


def _titles(services: Services, typed: str, kind: str | None = None) -> list[str]:
    return [h.title for h in services.search(typed) if kind is None or h.kind == kind]


def test_a_sergeant_finds_a_victim_case_by_its_crime_reference_and_the_read_is_audited(
    station: Station,
) -> None:
    case = station.case("41/123456/26", "Lucy Turner")
    station.case("41/999999/25", "Connor Turner")
    sergeant = station.signed_in["sergeant"]
    before = len(station.audit_rows())
    hits = sergeant.search("41/123456/26")
    assert [(h.kind, h.id, h.title) for h in hits] == [("victim_cases", case, "41/123456/26")]
    assert "victim Lucy Turner" in hits[0].detail
    (entry,) = station.audit_rows()[before:]
    assert (entry["action"], entry["username"]) == ("search", "sergeant")
    assert entry["record_ids"] == f'["{case}"]'
    assert entry["detail"] == "1 results; 1 victim case(s)"
    assert "123456" not in str(entry)  # the words typed are never kept
    # The reference as people also write it, and part of it.
    assert _titles(sergeant, "41 123456 26") == ["41/123456/26"]
    assert _titles(sergeant, "41-123456-26") == ["41/123456/26"]
    assert _titles(sergeant, "123456") == ["41/123456/26"]


def test_an_admin_cannot_find_a_victim_case_by_its_crime_reference(station: Station) -> None:
    station.case("41/123456/26", "Lucy Turner")
    admin = station.signed_in["admin"]
    before = len(station.audit_rows())
    assert admin.search("41/123456/26") == []
    assert admin.search("123456") == []
    entries = station.audit_rows()[before:]
    assert [(e["action"], e["record_ids"]) for e in entries] == [("search", "[]")] * 2
    # Contacts are not restricted: the admin still finds the person by name.
    assert _titles(admin, "Lucy Turner") == ["Lucy Turner"]


def test_a_postcode_typed_without_its_space_finds_the_contact(station: Station) -> None:
    sergeant = station.signed_in["sergeant"]
    assert _titles(sergeant, "AL13AB") == ["Lucy Turner"]
    assert _titles(sergeant, "al13ab") == ["Lucy Turner"]
    assert _titles(sergeant, "AL1 3AB") == ["Lucy Turner"]
    assert _titles(sergeant, "AL52JD") == ["Lucy Turnbull"]


def test_an_exact_name_comes_first_then_names_beginning_with_it(station: Station) -> None:
    sergeant = station.signed_in["sergeant"]
    assert _titles(sergeant, "Lucy Turner")[0] == "Lucy Turner"
    assert _titles(sergeant, "lucy turner") == ["Lucy Turner"]  # every word must match
    # "Lucy" begins two names, ends inside a third: the beginnings first, each alphabetically.
    assert _titles(sergeant, "Lucy", "contacts") == [
        "Lucy Turnbull",
        "Lucy Turner",
        "Amy Lucyfield",
    ]
    # A surname: names with a word beginning with it, before names merely containing it.
    assert _titles(sergeant, "Turn", "contacts") == [
        "Connor Turner",
        "Lucy Turnbull",
        "Lucy Turner",
    ]


def test_kins_messages_and_engagements_are_found_too(station: Station) -> None:
    setup, world = station.setup, station.world
    kin = setup["kins"].create(
        {"name": "Canal Close Key Individual Network", "neighbourhood_id": world.neighbourhood}
    )
    message = setup["messages"].create(
        {
            "received_at": utc(2026, 7, 3, 9),
            "channel": "email",
            "from_name": "Robin Resident",
            "subject": "Bikes stolen from the canal towpath",
            "kind": "request",
        }
    )
    engagement = setup["engagements"].create(
        {
            "occurred_at": utc(2026, 7, 4, 14, 30),
            "channel": "patrol",
            "summary": "Spoke to anglers on the canal about fly-tipping.",
        }
    )
    hits = {(h.kind, h.id): h for h in station.signed_in["pcso"].search("canal")}
    assert set(hits) == {
        ("kins", kin.created[0]),
        ("messages", message.created[0]),
        ("engagements", engagement.created[0]),
    }
    assert hits[("messages", message.created[0])].detail == (
        "from Robin Resident · Fri 03 Jul 2026 10:00"
    )
    shown = hits[("engagements", engagement.created[0])]
    assert (shown.title, shown.detail) == (
        "Sat 04 Jul 2026 15:30 · Patrol",
        "Spoke to anglers on the canal about fly-tipping.",
    )
    # By the sender's name too; two letters are too few to scan the unindexed kinds.
    assert [h.kind for h in station.signed_in["pcso"].search("Robin Resident")] == ["messages"]
    assert station.signed_in["pcso"].search("ca") == []


def test_a_meeting_is_shown_with_its_date(station: Station) -> None:
    station.setup.meetings.create(
        {
            "meeting_type": "pact",
            "title": "Riverside PACT",
            "venue": "Riverside Community Centre",
            "starts_at": utc(2026, 12, 2, 19),
            "neighbourhood_id": station.world.neighbourhood,
        }
    )
    (hit,) = station.signed_in["pcso"].search("riverside pact")
    assert (hit.kind, hit.title, hit.detail) == (
        "meetings",
        "Riverside PACT",
        "Wed 02 Dec 2026 19:00 · Riverside Community Centre",
    )


def test_a_search_is_in_the_audit_log_once_the_store_has_closed(station: Station) -> None:
    """The entry is queued so a keystroke does not wait for a commit; it is never lost."""
    with station.setup.ctx.store.read() as session:
        before = session.execute(text("SELECT count(*) FROM audit_log")).scalar_one()
    assert _titles(station.signed_in["pcso"], "Turner") == ["Connor Turner", "Lucy Turner"]
    station.setup.ctx.store.close()  # no flush asked for: closing waits for the queue
    with station.setup.ctx.store.read() as session:
        found = session.execute(
            text("SELECT action, detail FROM audit_log WHERE seq > :n"), {"n": before}
        )
        assert [tuple(row) for row in found] == [("search", "2 results")]


@pytest.mark.parametrize("walk", [False, True])
def test_many_matching_names_come_in_name_order_however_they_are_found(
    station: Station, monkeypatch: pytest.MonkeyPatch, walk: bool
) -> None:
    """A common surname (many matches) is found by walking the contact list's name order for a
    bounded stretch, falling back to reading every match when they all lie beyond it; either
    way the first names in alphabetical order are the ones shown."""
    if walk:  # a county store's thresholds, scaled down to this station's few contacts
        monkeypatch.setattr(search, "WALK_FROM", 3)
        monkeypatch.setattr(search, "WALK_ROWS", 4)
    for name in ("Abe Other", "Zed Walsh", "Carl Walsh", "Adam Walsh", "Beth Walsh"):
        station.contact(name, "AL1 1AA")
    for name in ("Zoe Kowal", "Yara Kowal", "Xena Kowal"):  # all beyond the first four names
        station.contact(name, "AL1 1AA")
    sergeant = station.signed_in["sergeant"]
    assert [h.title for h in sergeant.search("alsh", limit=2)] == ["Adam Walsh", "Beth Walsh"]
    assert [h.title for h in sergeant.search("owal", limit=2)] == ["Xena Kowal", "Yara Kowal"]
    assert _titles(sergeant, "walsh") == ["Adam Walsh", "Beth Walsh", "Carl Walsh", "Zed Walsh"]


def test_searches_typed_in_a_row_are_logged_together_once_typing_pauses(
    station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A commit after every keystroke would leave each next keystroke's search reading cold
    pages (audit._Queue), so the entries wait for a pause in typing; the audit log, read
    meanwhile, still lists every search, in the order typed."""
    monkeypatch.setattr(audit._Queue, "QUIET_S", 600.0)  # the typist never pauses
    monkeypatch.setattr(audit._Queue, "MOST_S", 600.0)
    with station.setup.ctx.store.read() as session:
        before = session.execute(text("SELECT max(seq) FROM audit_log")).scalar_one()
    pcso = station.signed_in["pcso"]
    for typed in ("T", "Tu", "Tur", "Turn"):
        _titles(pcso, typed)
    with station.setup.ctx.store.read() as session:  # nothing written while the user types
        assert session.execute(text("SELECT max(seq) FROM audit_log")).scalar_one() == before
    listed = station.signed_in["admin"].audit.entries(action="search", limit=10)
    assert [row.detail for row in reversed(listed[:4])] == [
        f"{len(_titles(station.setup, typed))} results" for typed in ("T", "Tu", "Tur", "Turn")
    ]
