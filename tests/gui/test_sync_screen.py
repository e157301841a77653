"""The Sync screen: trust a station, make and import bundles, settle a conflict side by side."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from pcso_desk.gui.screens.sync import SyncScreen
from pcso_desk.paths import DataPaths
from pcso_desk.services.api import Services
from pcso_desk.services.context import STATION_NAME_KEY, Changes, set_meta
from pcso_desk.services.maintenance import init_store
from tests.factories import utc
from tests.gui import real_input
from tests.keys import build_services

TEAM = "Riverside SNT"
TAMPERED = "The bundle has been altered or damaged and was not imported."


@dataclass
class Stations:
    here: Services  # the desk's own store
    peer: Services
    folder: Path

    def card(self, services: Services, name: str) -> Path:
        path = self.folder / f"{name}.identity"
        services.sync.write_identity(path)
        return path

    def trust_both(self) -> None:
        self.here.sync.trust(self.here.sync.read_identity(self.card(self.peer, "peer")))
        self.peer.sync.trust(self.peer.sync.read_identity(self.card(self.here, "here")))

    def send(self, sender: Services, receiver: Services, name: str) -> Path:
        path = self.folder / f"{name}.pcsosync"
        sender.sync.export_bundle(path)
        receiver.sync.import_bundle(path)
        return path


def _name_and_init(services: Services, name: str) -> None:
    """A station name of our own (the default is the PC's), then the team and its keys."""
    with services.ctx.store.write() as session:
        set_meta(session, STATION_NAME_KEY, name)
    init_store(services.ctx, TEAM)


@pytest.fixture
def stations(desk, tmp_path: Path) -> Iterator[Stations]:  # type: ignore[no-untyped-def]
    if not desk.services.ctx.team_name():
        _name_and_init(desk.services, "Main Station")
    peer = build_services(DataPaths(tmp_path / "peer").ensure())
    _name_and_init(peer, "Laptop")
    assert peer.ctx.team_name() == desk.services.ctx.team_name()
    yield Stations(desk.services, peer, tmp_path)
    peer.ctx.store.close()


def make(qtbot, desk, tab: int = 0) -> SyncScreen:  # type: ignore[no-untyped-def]
    screen = SyncScreen(desk)
    qtbot.addWidget(screen)
    screen.resize(1200, 800)
    screen.show()
    qtbot.waitExposed(screen)
    if tab != screen.tabs.currentIndex():  # the user clicks the tab
        bar = screen.tabs.tabBar()
        real_input.click_at(bar, bar.tabRect(tab).center())
        assert screen.tabs.currentIndex() == tab
    qtbot.waitUntil(lambda: screen.status is not None and desk.runner.idle, timeout=10_000)
    return screen


def shot(screen: SyncScreen, name: str) -> None:
    if os.environ.get("PCSO_SHOTS"):
        screen.grab().save(f"/tmp/sync_{name}.png")


def click(qtbot, button) -> None:  # type: ignore[no-untyped-def]
    assert button.isEnabled()
    real_input.click(button)


def published(desk) -> list[Changes]:  # type: ignore[no-untyped-def]
    seen: list[Changes] = []
    desk.hub.changed.connect(seen.append)
    return seen


def test_trust_a_station_after_comparing_its_fingerprint(qtbot, desk, answers, stations) -> None:  # type: ignore[no-untyped-def]
    screen = make(qtbot, desk)
    me = stations.here.sync.status()
    assert screen.station.fingerprint.text() == me.fingerprint
    assert screen.station.name.text() == "Main Station" and screen.station.team.text() == TEAM
    assert screen.peers.table.rowCount() == 0
    card = stations.card(stations.peer, "laptop")
    fingerprint = stations.peer.sync.status().fingerprint
    desk.choose = lambda *_a: str(card)
    answers.yes = False
    click(qtbot, screen.peers.trust)
    qtbot.waitUntil(lambda: "not trusted" in screen.peers.note.text())
    assert fingerprint in answers.questions[-1] and "Laptop" in answers.questions[-1]
    assert stations.here.sync.status().peers == []
    answers.yes = True
    click(qtbot, screen.peers.trust)
    qtbot.waitUntil(lambda: screen.peers.table.rowCount() == 1, timeout=10_000)
    assert answers.questions[-1].endswith("Does the other station show this fingerprint?")
    assert screen.peers.table.item(0, 0).text() == "Laptop"
    assert screen.peers.table.item(0, 1).text() == fingerprint
    assert screen.peers.table.item(0, 2).text() == "never"
    assert screen.peers.note.text() == "Trusted Laptop."


def test_save_this_stations_identity_file(qtbot, desk, stations, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    screen = make(qtbot, desk)
    target = tmp_path / "main.identity"
    screen.save = lambda *_a: str(target)
    click(qtbot, screen.station.save)
    qtbot.waitUntil(lambda: screen.station.saved.text().startswith("Saved"))
    assert stations.peer.sync.read_identity(target).fingerprint == screen.station.fingerprint.text()


def test_make_a_bundle_that_the_peer_imports(qtbot, desk, stations, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    stations.trust_both()
    contact = stations.here.contacts.create({"name": "Pat Resident"}).created[0]
    screen = make(qtbot, desk)
    out = tmp_path / "out.pcsosync"
    screen.save = lambda *_a: str(out)
    click(qtbot, screen.exchange.full)
    click(qtbot, screen.exchange.make)
    qtbot.waitUntil(lambda: screen.exchange.result.text().startswith("Made"), timeout=10_000)
    assert f"(every record) for Laptop: {out}." in screen.exchange.result.text()
    assert screen.exchange.make.isEnabled() and not screen.exchange.bar.isVisible()
    result = stations.peer.sync.import_bundle(out)
    assert result.changed >= 1 and stations.peer.contacts.get(contact)["name"] == "Pat Resident"
    qtbot.waitUntil(lambda: screen.peers.table.item(0, 3).text() != "never")


def test_import_a_peers_bundle_then_the_same_again(qtbot, desk, stations) -> None:  # type: ignore[no-untyped-def]
    stations.trust_both()
    contact = stations.peer.contacts.create({"name": "Sam Neighbour"}).created[0]
    bundle = stations.folder / "from-laptop.pcsosync"
    stations.peer.sync.export_bundle(bundle)
    screen = make(qtbot, desk)
    seen = published(desk)
    desk.choose = lambda *_a: str(bundle)
    click(qtbot, screen.exchange.load)
    qtbot.waitUntil(lambda: screen.exchange.result.text().startswith("Imported"), timeout=10_000)
    assert screen.exchange.result.text() == (
        "Imported 1 changes from Laptop: 1 applied, 0 already here."
    )
    assert stations.here.contacts.get(contact)["name"] == "Sam Neighbour"
    assert [c.kind for c in seen] == ["contacts"]  # the Contacts list reloads
    qtbot.waitUntil(lambda: screen.peers.table.item(0, 2).text() != "never")
    shot(screen, "stations")
    click(qtbot, screen.exchange.load)
    qtbot.waitUntil(
        lambda: (
            screen.exchange.result.text() == "This bundle was imported before; nothing changed."
        ),
        timeout=10_000,
    )


def test_a_tampered_bundle_is_refused_with_one_sentence(qtbot, desk, answers, stations) -> None:  # type: ignore[no-untyped-def]
    stations.trust_both()
    stations.peer.contacts.create({"name": "Sam Neighbour"})
    bundle = stations.folder / "bad.pcsosync"
    stations.peer.sync.export_bundle(bundle)
    data = bytearray(bundle.read_bytes())
    data[len(data) // 2] ^= 0x01
    bundle.write_bytes(bytes(data))
    screen = make(qtbot, desk)
    before = stations.here.contacts.count()
    desk.choose = lambda *_a: str(bundle)
    click(qtbot, screen.exchange.load)
    qtbot.waitUntil(lambda: bool(answers.messages), timeout=10_000)
    assert answers.messages == [TAMPERED]
    assert stations.here.contacts.count() == before
    assert TAMPERED in screen.exchange.result.text() and screen.exchange.load.isEnabled()


def _conflict(stations: Stations) -> str:
    """A victim case both stations hold, whose offence type each then changes differently."""
    stations.trust_both()
    victim = stations.peer.contacts.create({"name": "Jo Victim"}).created[0]
    values = {
        "victim_id": victim,
        "crime_reference": "41/12345/26",
        "offence_type": "Theft",
        "opened_at": utc(2026, 2, 2, 9),
    }
    case: str = stations.peer["victim_cases"].create(values).created[0]
    stations.send(stations.peer, stations.here, "first")
    stations.here["victim_cases"].update(case, {"offence_type": "Burglary dwelling"})
    stations.peer["victim_cases"].update(case, {"offence_type": "Criminal damage"})
    stations.send(stations.here, stations.peer, "ours")
    stations.send(stations.peer, stations.here, "theirs")
    assert len(stations.here.sync.conflicts()) == 1
    return case


def test_a_conflict_side_by_side_settled_by_keeping_the_side_set_aside(
    qtbot: Any, desk: Any, answers: Any, stations: Stations
) -> None:
    case = _conflict(stations)
    screen = make(qtbot, desk, tab=1)
    panes, conflicts = screen.conflicts.sides, screen.conflicts
    assert screen.tabs.tabText(1) == "Conflicts (1)"
    assert conflicts.table.rowCount() == 1 and conflicts.pages.currentIndex() == 1
    assert conflicts.heading.text() == "Victim care case 41/12345/26: offence type"
    assert panes["a"].value.text() == "Criminal damage"  # the later edit stands for now
    assert panes["b"].value.text() == "Burglary dwelling"
    assert panes["a"].who.text() == "By Laptop" and panes["b"].who.text().endswith("(this PC)")
    shot(screen, "conflicts")
    seen = published(desk)
    answers.yes = False
    click(qtbot, panes["b"].keep)
    assert answers.questions[-1].startswith(
        "Keep “Burglary dwelling” for the offence type of victim care case 41/12345/26?"
    )
    assert desk.runner.idle and len(stations.here.sync.conflicts()) == 1
    answers.yes = True
    click(qtbot, panes["b"].keep)
    qtbot.waitUntil(lambda: conflicts.pages.currentIndex() == 0, timeout=10_000)
    assert conflicts.empty.text() == "No conflicts: every station agrees."
    assert screen.tabs.tabText(1) == "Conflicts"
    assert stations.here["victim_cases"].get(case)["offence_type"] == "Burglary dwelling"
    assert [(c.kind, c.ids) for c in seen] == [("victim_cases", (case,))]
    click(qtbot, conflicts.settled)
    qtbot.waitUntil(lambda: conflicts.table.rowCount() == 1, timeout=10_000)
    assert conflicts.table.item(0, 4).text().startswith("Kept “Burglary dwelling” on ")
    assert panes["b"].title() == "Set aside (chosen)" and not panes["b"].keep.isEnabled()
    assert conflicts.outcome.isVisibleTo(screen)
    shot(screen, "settled")


def test_the_app_opened_with_a_bundle_imports_it_after_sign_in(  # type: ignore[no-untyped-def]
    monkeypatch, stations, tmp_path: Path
) -> None:
    """A double-click on a .pcsosync file: `pcso-desk FILE` opens the app with that bundle."""
    import pcso_desk.gui as gui
    from pcso_desk.app import main

    asked: dict[str, Any] = {}

    def fake_run_app(_services: Any, paths: Any, bundle: Any = None) -> int:
        asked["bundle"], asked["root"] = bundle, paths.root
        return 0

    monkeypatch.setattr(gui, "run_app", fake_run_app)
    bundle = tmp_path / "from-laptop.pcsosync"
    monkeypatch.setenv("PCSO_DESK_DATA_DIR", str(tmp_path / "data"))
    assert main([str(bundle)]) == 0
    assert asked["bundle"] == bundle.absolute()
    assert asked["root"] == tmp_path / "data"


def test_a_bundle_given_to_the_screen_is_imported_without_asking(qtbot, desk, stations) -> None:  # type: ignore[no-untyped-def]
    stations.trust_both()
    contact = stations.peer.contacts.create({"name": "Kit Opened"}).created[0]
    bundle = stations.folder / "double-clicked.pcsosync"
    stations.peer.sync.export_bundle(bundle)
    screen = make(qtbot, desk)
    desk.choose = lambda *_a: pytest.fail("no file dialog for a bundle the app was opened with")
    screen.import_file(bundle)
    qtbot.waitUntil(lambda: screen.exchange.result.text().startswith("Imported"), timeout=10_000)
    assert stations.here.contacts.get(contact)["name"] == "Kit Opened"


def test_after_sign_in_the_opened_bundle_goes_to_the_sync_screen(qtbot, desk, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from pcso_desk.gui import _after_sign_in

    imported: list[Path] = []

    class Screen:
        def import_file(self, path: Path) -> None:
            imported.append(path)

    class Window:
        def go_to(self, name: str) -> Screen:
            assert name == "Sync"
            return Screen()

    bundle = tmp_path / "b.pcsosync"
    _after_sign_in(desk, Window(), bundle)
    assert imported == [bundle]


def test_join_the_hub_with_its_access_file_then_sync_without_typing_a_password(  # type: ignore[no-untyped-def]
    qtbot, desk, stations, pg_server, tmp_path: Path
) -> None:
    import uuid

    from sqlalchemy.engine import make_url

    from pcso_desk.sync.hub_access import seal_access
    from pcso_desk.sync.hub_admin import HubKeeper

    stations.trust_both()
    owner = pg_server.create_database(f"hub_{uuid.uuid4().hex}")
    keeper = HubKeeper(owner)
    try:
        keeper.setup(TEAM)
        accesses = {}
        for name, services in (("here", stations.here), ("peer", stations.peer)):
            identity = services.sync.read_identity(stations.card(services, name))
            role, password = keeper.add_station(identity)
            url = make_url(owner).set(username=role, password=password)
            accesses[name] = tmp_path / f"{name}.access"
            accesses[name].write_bytes(seal_access(identity, url.render_as_string(False)))
    finally:
        keeper.close()
    stations.peer.sync.join_hub(accesses["peer"])
    stations.peer.contacts.create({"name": "Lee Laptop"})
    stations.peer.sync.hub()
    screen = make(qtbot, desk)
    exchange = screen.exchange
    assert "not joined yet" in exchange.address.text() and not exchange.hub.isEnabled()
    desk.choose = lambda *_a: str(accesses["here"])
    click(qtbot, exchange.join)
    qtbot.waitUntil(lambda: exchange.result.text().startswith("Joined the hub"), timeout=10_000)
    qtbot.waitUntil(lambda: exchange.hub.isEnabled(), timeout=10_000)
    where = f"127.0.0.1:{pg_server.port}/{owner.rsplit('/', 1)[1]}"
    assert exchange.address.text() == f"Hub: postgresql://{where}"
    shot(screen, "hub_joined")
    click(qtbot, exchange.hub)
    qtbot.waitUntil(lambda: exchange.result.text().startswith("Synced with"), timeout=30_000)
    assert "(1 new here)" in exchange.result.text()
    assert "Lee Laptop" in {row["name"] for row in stations.here.contacts.page().rows}
