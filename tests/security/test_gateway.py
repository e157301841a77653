"""One door: every use case of the Services surface is declared, and every role is tried
against every one of them.

The list is not written here: it is walked from the surface (gateway.use_cases), so a new
use case is tried the moment it exists, and one whose declaration is deleted fails the first
test. A refused role must get PermissionDenied and exactly one audited refusal; an allowed
role must leave exactly one entry of the declared event (none for an unaudited read), and a
representative call for every declared use case must exist below.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from pcso_desk.domain.enums import ReviewDecision, UserRole
from pcso_desk.domain.errors import PcsoDeskError, PermissionDenied
from pcso_desk.domain.permissions import Action, allowed, needed
from pcso_desk.paths import DataPaths
from pcso_desk.services.api import Services
from pcso_desk.services.context import Context
from pcso_desk.services.gateway import UseCase, use_cases
from pcso_desk.services.records.service import ListQuery
from pcso_desk.services.values import NotesSettings
from tests.keys import build_services
from tests.role_station import PASSWORD, Station

# A lock wait would mean a refusal's audit entry fighting its own transaction: fail fast.
SHORT_BUSY_TIMEOUT_MS = 200
# RecordService declares its methods once for every record kind; the allowed calls try it
# on an ordinary kind, a restricted one and one of the organisation (refusals try them all).
SAMPLE_KINDS = ("contacts", "victim_cases", "wards")


@pytest.fixture(scope="module")
def station(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Station]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("pcso_desk.store.engine.BUSY_TIMEOUT_MS", SHORT_BUSY_TIMEOUT_MS)
        made = Station(tmp_path_factory.mktemp("gateway"))
        yield made
        made.setup.ctx.store.close()


def _key(surface: Any, name: str) -> str:
    return f"{type(surface).__name__}.{name}"


def _kind(declared: UseCase, surface: Any) -> str:
    if declared.kind_from is not None:
        return "contacts"  # what the dummy arguments below name
    return declared.kind_of(surface, {})


def _dummy(parameter: inspect.Parameter, root: Path) -> Any:
    """An argument for a call that must be refused before it is looked at."""
    text = str(parameter.annotation)
    if "Path" in text:
        return root / "not-there" / "x.csv"
    if "dict" in text or "Mapping" in text:
        return {}
    if "ListQuery" in text:
        return ListQuery()
    if "date" in text:
        return date(2026, 7, 1)
    if "int" in text:
        return 1
    return "contacts" if parameter.name in ("table", "kind") else "no-such-thing"


def _call_with_dummies(surface: Any, name: str, root: Path) -> Any:
    method = getattr(surface, name)
    required = [
        p
        for p in inspect.signature(method).parameters.values()
        if p.default is p.empty and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
    ]
    positional = [_dummy(p, root) for p in required if p.kind is not p.KEYWORD_ONLY]
    named = {p.name: _dummy(p, root) for p in required if p.kind is p.KEYWORD_ONLY}
    return method(*positional, **named)


def test_every_public_method_of_the_surface_declares_its_permission_and_audit(
    station: Station,
) -> None:
    found = use_cases(station.signed_in[UserRole.SERGEANT])
    missing = [where for where, _surface, _name, declared in found if declared is None]
    assert missing == []
    assert len({_key(s, n) for _w, s, n, _d in found}) > 60  # the walk reached every surface


@pytest.mark.parametrize("role", list(UserRole), ids=lambda role: role.value)
def test_every_use_case_a_role_may_not_do_is_refused_and_the_refusal_audited(
    station: Station, role: UserRole, tmp_path: Path
) -> None:
    services = station.signed_in[role]
    wrong: list[str] = []
    tried = 0
    for where, surface, name, declared in use_cases(services):
        assert declared is not None, where
        if declared.action is None:
            continue
        missing = [a for a in needed(declared.action, _kind(declared, surface))
                   if not allowed(role, a)]  # fmt: skip
        if not missing:
            continue
        tried += 1
        before = len(station.audit_rows())
        try:
            _call_with_dummies(surface, name, tmp_path)
        except PermissionDenied:
            pass
        else:
            wrong.append(f"{where}: not refused")
            continue
        added = station.audit_rows()[before:]
        shape = [(r["action"], r["outcome"], r["detail"], r["username"]) for r in added]
        if shape != [("refused", "refused", missing[0].value, f"{role.value}-user")]:
            wrong.append(f"{where}: audit {shape}")
    assert wrong == []
    assert tried > (0 if role is UserRole.SERGEANT else 10)


# -- allowed: one representative call per declared use case ------------------------------------

# Each entry prepares what its call needs (as the set-up account, not audited as the role)
# and returns the call itself; a call returning False is one this store cannot make.
Call = Callable[[Station, Any], Callable[[], object]]


def _n(station: Station) -> int:
    return station.next_number()


def _contact(station: Station) -> str:
    return station.new_contact(f"Kim Sample {_n(station)}")


def _merge(station: Station, services: Any) -> Callable[[], object]:
    keep, duplicate = _contact(station), _contact(station)
    return lambda: services.merge_contacts(keep, duplicate)


def _merge_choices(station: Station, services: Any) -> Callable[[], object]:
    keep = _contact(station)
    return lambda: services.merge_choices(keep, {"name": "Kim Sample", "address": "1 Lane"})


def _restore_value(station: Station, services: Any) -> Callable[[], object]:
    contact = _contact(station)
    for address in ("1 First Road", "2 Second Road"):
        station.setup.contacts.update(contact, {"address": address})
    (entry,) = [v.entry_id for v in station.setup.history("contacts", contact).values if v.entry_id]
    return lambda: services.restore_value("contacts", entry)


def _undo_merge(station: Station, services: Any) -> Callable[[], object]:
    undo = station.setup.merge_contacts(_contact(station), _contact(station)).undo
    return lambda: services.undo_merge(undo)


def _import(station: Station, services: Any) -> Callable[[], object]:
    number = _n(station)
    source = station.root / f"import-{number}.csv"
    source.write_text(f"Full Name,Telephone\nQuinn Ashby {number},01632 960{number:03d}\n")
    return lambda: services.import_contacts(source)


def _values(station: Station, kind: str) -> dict[str, Any]:
    number = _n(station)
    values: dict[str, dict[str, Any]] = {
        "contacts": {"name": f"Lee Sample {number}"},
        "victim_cases": {
            "victim_id": station.contact,
            "crime_reference": f"41 {number:05d} 26",
            "offence_type": "Burglary",
            "opened_at": datetime(2026, 7, 2, 10, tzinfo=UTC),
        },
        "wards": {
            "name": f"Riverside North {number}",
            "code": f"RIV-N{number}",
            "neighbourhood_id": station.world.neighbourhood,
        },
    }
    return values[kind]


def _fresh(station: Station, kind: str) -> str:
    return str(station.setup[kind].create(_values(station, kind)).created[0])


def _record_create(station: Station, surface: Any) -> Callable[[], object]:
    values = _values(station, surface.kind)
    return lambda: surface.create(values)


def _record_update(station: Station, surface: Any) -> Callable[[], object]:
    field = {"contacts": "notes", "victim_cases": "offence_type", "wards": "name"}[surface.kind]
    record = _fresh(station, surface.kind)
    return lambda: surface.update(record, {field: f"Changed {_n(station)}"})


def _on_fresh(method: str) -> Call:
    def prepare(station: Station, surface: Any) -> Callable[[], object]:
        record = _fresh(station, surface.kind)
        return lambda: getattr(surface, method)(record)

    return prepare


def _cannot() -> bool:
    return False


def _account(station: Station, role: UserRole | str = UserRole.PCSO) -> tuple[str, str]:
    """A throwaway account (made by the set-up account): its user name and id."""
    name = f"temp-{_n(station)}"
    station.setup.accounts.create(name, PASSWORD, role)
    return name, station.setup.accounts.find(name).id


def _signed_in_as_a_new(station: Station, services: Any) -> Services:
    """A station session of its own, signed in to a new account of the caller's role."""
    name, _id = _account(station, services.ctx.actor.role)
    other = Services(Context.open(station.setup.ctx.store))
    other.accounts.sign_in(name, PASSWORD)
    return other


def _on_account(method: str, *more: Any) -> Call:
    def prepare(station: Station, surface: Any) -> Callable[[], object]:
        _name, user = _account(station)
        return lambda: getattr(surface, method)(user, *more)

    return prepare


def _sign_in(station: Station, surface: Any) -> Callable[[], object]:
    other = Services(Context.open(station.setup.ctx.store))
    name = surface.ctx.actor.username
    return lambda: other.accounts.sign_in(name, PASSWORD)


def _change_password(station: Station, surface: Any) -> Callable[[], object]:
    other = _signed_in_as_a_new(station, surface)
    return lambda: other.accounts.change_password(PASSWORD, "another horse battery")


def _sign_out(station: Station, surface: Any) -> Callable[[], object]:
    return _signed_in_as_a_new(station, surface).accounts.sign_out


def _meeting(station: Station) -> str:
    return str(
        station.setup.meetings.create(
            {
                "meeting_type": "pact",
                "title": f"Riverside PACT {_n(station)}",
                "venue": "Library",
                "starts_at": datetime(2026, 7, 1, 19, tzinfo=UTC),
                "ends_at": datetime(2026, 7, 1, 20, tzinfo=UTC),
                "neighbourhood_id": station.world.neighbourhood,
            }
        ).created[0]
    )


def _kin(station: Station) -> str:
    values = {"name": f"High St KIN {_n(station)}", "neighbourhood_id": station.world.neighbourhood}
    return str(station.setup["kins"].create(values).created[0])


TODAY = date(2026, 7, 10)


def _document(action: str, what: str) -> Call:
    """preview_/save_/print_ of one document: the handout, a meeting pack, a KIN call list
    or a victim card."""

    def prepare(station: Station, surface: Any) -> Callable[[], object]:
        first: Any
        if what == "handout":
            first, more = station.setup.documents.find_area("ward", "RIV-C"), [TODAY]
        elif what == "meeting_pack":
            first, more = _meeting(station), []
        elif what == "kin_call_list":
            first, more = _kin(station), [TODAY]
        else:
            first, more = station.case, [TODAY]
        if action == "save":
            more.append(station.root / f"{what}-{_n(station)}.pdf")
        method = getattr(surface, f"{action}_{what}")
        return lambda: method(first, *more)

    return prepare


def _lsoa_map_file(station: Station) -> Path:
    number = _n(station)
    path = station.root / f"lookup-{number}.csv"
    text = f"LSOA21CD,LSOA21NM,WD23CD,WD23NM\nE01{number:06d},Testshire 1,RIV-C,Riverside\n"
    path.write_text(text, encoding="utf-8")
    return path


def _boundary_file(station: Station) -> Path:
    """A ward boundary a little different each time (so each import changes something)."""
    number = _n(station)
    path = station.root / f"wards-{number}.geojson"
    d = number / 10_000
    ring = [[-0.1, 51.7], [-0.09 + d, 51.7], [-0.09 + d, 51.71], [-0.1, 51.71], [-0.1, 51.7]]
    feature = {
        "type": "Feature",
        "properties": {"WD23CD": "RIV-C", "WD23NM": "Riverside Central"},
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}))
    return path


def _crimes_file(station: Station) -> Path:
    number = _n(station)
    path = station.root / f"street-{number}.csv"
    header = (
        "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,"
        "LSOA name,Crime type,Last outcome category,Context"
    )
    row = (
        f"c{number:08d},2026-03,Testshire Police,Testshire Police,-0.1,51.7,"
        f"On or near High Street,E01000{number:03d},Testshire 001A,Burglary,Under investigation,"
    )
    path.write_text(f"{header}\n{row}\n", encoding="utf-8")
    return path


def _engagement(station: Station, surface: Any) -> Callable[[], object]:
    values = {
        "occurred_at": datetime(2026, 7, 10, 10, tzinfo=UTC),
        "channel": "patrol",
        "ward_id": station.world.ward,
        "summary": f"Spoke about parking {_n(station)}.",
    }
    return lambda: surface.log_engagement(values)


def _member(station: Station) -> str:
    values = {"kin_id": _kin(station), "contact_id": _contact(station), "joined_on": TODAY}
    return str(station.setup["kin_members"].create(values).created[0])


def _message(station: Station) -> str:
    values = {
        "received_at": datetime(2026, 7, 9, 9, tzinfo=UTC),
        "channel": "email",
        "subject": f"Parking on the verge {_n(station)}",
        "kind": "request",
        "neighbourhood_id": station.world.neighbourhood,
    }
    return str(station.setup["messages"].create(values).created[0])


def _priority(station: Station) -> str:
    values = {
        "title": f"Speeding on Mill Lane {_n(station)}",
        "public_wording": "You told us about speeding on Mill Lane.",
        "category": "speeding",
        "neighbourhood_id": station.world.neighbourhood,
        "agreed_on": date(2026, 6, 1),
    }
    return str(station.setup["priorities"].create(values).created[0])


def _with(make: Callable[[Station], str], method: str, *more: Any, **named: Any) -> Call:
    """Make a record first (as the set-up account), then call `method` on it."""

    def prepare(station: Station, surface: Any) -> Callable[[], object]:
        made = make(station)
        return lambda: getattr(surface, method)(made, *more, **named)

    return prepare


def _case(station: Station) -> str:
    return _fresh(station, "victim_cases")


def _bundle_from_the_peer(station: Station, surface: Any) -> Callable[[], object]:
    """The trusted peer (which trusts this station back) sends one new contact."""
    peer = build_services(DataPaths(station.root / "peer").ensure())
    try:
        card = station.root / f"station-{_n(station)}.identity"
        station.setup.sync.write_identity(card)
        peer.sync.trust(peer.sync.read_identity(card))
        peer.contacts.create({"name": f"Sent Over {_n(station)}"})
        bundle = station.root / f"from-peer-{_n(station)}.bundle"
        peer.sync.export_bundle(bundle)
    finally:
        peer.ctx.store.close()
    return lambda: surface.import_bundle(bundle)


def _disable_then_enable(station: Station, surface: Any) -> Callable[[], object]:
    _name, user = _account(station)
    station.setup.accounts.disable(user)
    return lambda: surface.enable(user)


CALLS: dict[str, Call] = {
    "Services.build_demo": lambda st, s: _cannot,  # refused on a store with data: see below
    "Services.backup": lambda st, s: s.backup,
    "Services.backup_to": lambda st, s: lambda: s.backup_to(st.root / f"copy-{_n(st)}.sqlite"),
    "Services.restorer": lambda st, s: s.restorer,
    "Services.check": lambda st, s: s.check,
    "Services.export_subject_access": lambda st, s: (
        lambda: s.export_subject_access(st.contact, st.root / f"sar-{_n(st)}")
    ),
    "Services.export_table": lambda st, s: (
        lambda: s.export_table("contacts", "csv", st.root / f"export-{_n(st)}.csv")
    ),
    "Services.find_contacts": lambda st, s: lambda: s.find_contacts("Robin"),
    "Services.import_contacts": _import,
    "Services.is_demo": lambda st, s: s.is_demo,
    "Services.likely_duplicates": lambda st, s: lambda: s.likely_duplicates({"name": "Robin"}),
    "Services.may": lambda st, s: lambda: s.may(Action.DELETE, "contacts"),
    "Services.meeting_list": lambda st, s: s.meeting_list,
    "Services.merge_contacts": _merge,
    "Services.merge_choices": _merge_choices,
    "Services.history": lambda st, s: lambda: s.history("contacts", st.contact),
    "Services.restore_value": _restore_value,
    "Services.options": lambda st, s: lambda: s.options("wards"),
    "Services.search": lambda st, s: lambda: s.search("Robin"),
    "Services.set_up_team": lambda st, s: _cannot,  # the station is set up: see below
    "Services.set_team_photo": lambda st, s: lambda: s.set_team_photo(st.world.neighbourhood, None),
    "Services.team_photo": lambda st, s: lambda: s.team_photo(st.world.neighbourhood),
    "Services.station_name": lambda st, s: s.station_name,
    "Services.time_in_locality": lambda st, s: lambda: s.time_in_locality("2026-07"),
    "Services.undo_merge": _undo_merge,
    "Services.team_options": lambda st, s: lambda: s.team_options("officers"),
    "Services.whereabouts": lambda st, s: s.whereabouts,
    "Services.who_may": lambda st, s: lambda: s.who_may(Action.DELETE),
    "RecordService.check_field": lambda st, s: lambda: s.check_field("notes", "x"),
    "RecordService.count": lambda st, s: s.count,
    "RecordService.counted_page": lambda st, s: s.counted_page,
    "RecordService.create": _record_create,
    "RecordService.delete": _on_fresh("delete"),
    "RecordService.get": _on_fresh("get"),
    "RecordService.page": lambda st, s: s.page,
    "RecordService.update": _record_update,
    "Accounts.change_password": _change_password,
    "Accounts.change_role": _on_account("change_role", UserRole.PC),
    "Accounts.create": lambda st, s: lambda: s.create(f"new-{_n(st)}", PASSWORD, UserRole.PC),
    "Accounts.disable": _on_account("disable"),
    "Accounts.enable": _disable_then_enable,
    "Accounts.find": lambda st, s: lambda: s.find("pcso-user"),
    "Accounts.list_all": lambda st, s: s.list_all,
    "Accounts.officer_by_collar": lambda st, s: lambda: s.officer_by_collar("PCSO 9001"),
    "Accounts.reset_password": _on_account("reset_password", "another horse battery"),
    "Accounts.sign_in": _sign_in,
    "Accounts.sign_out": _sign_out,
    "AuditLog.entries": lambda st, s: lambda: s.entries(limit=5),
    "AuditLog.export_csv": lambda st, s: lambda: s.export_csv(st.root / f"audit-{_n(st)}.csv"),
    "AuditLog.verify": lambda st, s: s.verify,
    "Setup.init_store": lambda st, s: _cannot,  # the station is set up: see below
    "Setup.state": lambda st, s: s.state,
    "Setup.team": lambda st, s: s.team,
    "Documents.choices": lambda st, s: lambda: s.choices("ward"),
    "Feeds.save_calendar": lambda st, s: (
        lambda: s.save_calendar("ward", "RIV-C", st.root / f"feed-{_n(st)}.ics")
    ),
    "Feeds.save_police_uk_priorities": lambda st, s: (
        lambda: s.save_police_uk_priorities(st.root / f"feed-{_n(st)}.csv")
    ),
    "Feeds.save_team": lambda st, s: lambda: s.save_team(st.root / f"feed-{_n(st)}.json"),
    "Documents.find_area": lambda st, s: lambda: s.find_area("ward", "RIV-C"),
    "Documents.open_cases": lambda st, s: s.open_cases,
    **{
        f"Documents.{action}_{what}": _document(action, what)
        for action in ("preview", "save", "print")
        for what in ("handout", "meeting_pack", "kin_call_list", "victim_card")
    },
    "Raised.digest": lambda st, s: lambda: s.digest("neighbourhood", st.world.neighbourhood, TODAY),
    "Raised.preview_pdf": lambda st, s: (
        lambda: s.preview_pdf("neighbourhood", st.world.neighbourhood, TODAY)
    ),
    "Raised.save_pdf": lambda st, s: (
        lambda: s.save_pdf("ward", st.world.ward, TODAY, st.root / f"raised-{_n(st)}.pdf")
    ),
    "Raised.before_after": _with(_priority, "before_after", TODAY),
    "Packs.area_names": lambda st, s: lambda: s.area_names("ward"),
    "Packs.check_area": lambda st, s: lambda: s.check_area("ward", "Riverside Central"),
    "Packs.build_pack": lambda st, s: (
        lambda: s.build_pack(
            "ward", "Riverside Central", "2026-06", st.root / f"pack-{_n(st)}.zip", internal=False
        )
    ),
    "Packs.build_into": lambda st, s: (
        lambda: s.build_into(
            "ward", "Riverside Central", "2026-06", st.root / f"packs-{_n(st)}", internal=False
        )
    ),
    "Packs.left_out": lambda st, s: lambda: s.left_out("ward", "Riverside Central", "2026-06"),
    "Packs.build_district": lambda st, s: (
        lambda: s.build_district(
            "Testshire North", "2026-06", st.root / f"district-{_n(st)}", internal=False
        )
    ),
    "Packs.import_crimes": lambda st, s: lambda: s.import_crimes(_crimes_file(st)),
    "Packs.import_lsoa_map": lambda st, s: lambda: s.import_lsoa_map(_lsoa_map_file(st)),
    "Packs.import_boundaries": lambda st, s: lambda: s.import_boundaries(_boundary_file(st)),
    "Scorecards.area": lambda st, s: lambda: s.area("ward", "Riverside Central", "2026-06"),
    "Scorecards.district": lambda st, s: lambda: s.district("Testshire North", "2026-06"),
    "Today.summary": lambda st, s: lambda: s.summary(datetime(2026, 7, 10, 9, tzinfo=UTC)),
    "Today.log_engagement": _engagement,
    # A contact with no victim case: the audited read of one is Story.victim_cases (and
    # tests/services/test_story.py).
    "Story.timeline": lambda st, s: (lambda made: lambda: s.timeline(made))(_contact(st)),
    "Story.victim_cases": lambda st, s: lambda: s.victim_cases(st.contact),
    "Story.add_engagement": lambda st, s: (
        lambda: s.add_engagement(
            {"occurred_at": datetime(2026, 7, 10, 10, tzinfo=UTC), "channel": "patrol"},
            [st.contact],
        )
    ),
    "Story.change_engagement": lambda st, s: (
        lambda made: (
            lambda: s.change_engagement(made, {"summary": f"Changed {_n(st)}"}, [st.contact])
        )
    )(
        st.setup.story.add_engagement(
            {"occurred_at": TODAY, "channel": "patrol"}, [st.contact]
        ).created[0]
    ),
    "Kins.check_in": _with(
        _member, "check_in", {"checked_on": TODAY, "method": "phone", "safety_score": 4}
    ),
    "Kins.coverage": lambda st, s: lambda: s.coverage(st.world.ward),
    "Kins.due": lambda st, s: lambda: s.due(TODAY),
    "Messages.clock": _with(_message, "clock", datetime(2026, 7, 10, tzinfo=UTC)),
    "Messages.respond": _with(
        _message,
        "respond",
        at=datetime(2026, 7, 9, 11, tzinfo=UTC),
        officer_id=None,
        note="Rang back",
    ),
    "Priorities.add_action": _with(
        _priority, "add_action", {"action_on": TODAY, "public_text": "We ran speed checks."}
    ),
    "Priorities.agree_at_meeting": _with(
        _meeting,
        "agree_at_meeting",
        {"title": "Litter", "public_wording": "You told us about litter.", "category": "asb"},
    ),
    "Priorities.review": _with(_priority, "review", ReviewDecision.KEEP, "Still raised", TODAY),
    "Retention.dispose": lambda st, s: (lambda made: lambda: s.dispose("contacts", made))(
        _contact(st)
    ),
    "Retention.erase_person": _with(_contact, "erase_person"),
    "Retention.expire_notes": lambda st, s: _cannot,  # nothing is old enough here: see below
    "Retention.keep": lambda st, s: (
        lambda made: lambda: s.keep("contacts", made, "active KIN contact", date(2027, 1, 1))
    )(_contact(st)),
    "Retention.notes_settings": lambda st, s: s.notes_settings,
    "Retention.queue": lambda st, s: lambda: s.queue(TODAY),
    "Retention.save_notes_settings": lambda st, s: (
        lambda: s.save_notes_settings(NotesSettings(12 + _n(st) % 24, 30))
    ),
    "Sync.conflicts": lambda st, s: s.conflicts,
    "Sync.export_bundle": lambda st, s: (
        lambda: s.export_bundle(st.root / f"bundle-{_n(st)}.bundle")
    ),
    "Sync.hub": lambda st, s: _cannot,  # needs a PostgreSQL hub: tests/cli/test_cli_sync_hub.py
    "Sync.hub_address": lambda st, s: s.hub_address,
    "Sync.join_hub": lambda st, s: (
        _cannot
    ),  # needs a PostgreSQL hub: tests/cli/test_cli_sync_hub.py
    "Sync.import_bundle": _bundle_from_the_peer,
    "Sync.read_identity": lambda st, s: lambda: s.read_identity(st.root / "peer.identity"),
    "Sync.resolve": lambda st, s: _cannot,  # needs a conflict: tests/services/test_sync_bundles
    "Sync.status": lambda st, s: s.status,
    "Sync.trust": lambda st, s: lambda: s.trust(s.read_identity(st.root / "peer.identity")),
    "Sync.write_identity": lambda st, s: (
        lambda: s.write_identity(st.root / f"card-{_n(st)}.identity")
    ),
    "VictimCare.close": _with(_case, "close", "Victim content; no further contact wanted."),
    "VictimCare.due": lambda st, s: lambda: s.due(datetime(2026, 7, 10, tzinfo=UTC)),
    "VictimCare.record_contact": _with(
        _case,
        "record_contact",
        {
            "contacted_at": datetime(2026, 7, 9, 10, tzinfo=UTC),
            "visit_type": "follow_up",
            "method": "phone",
        },
    ),
}


def _allowed_calls(services: Services, role: UserRole) -> list[tuple[str, Any, str, UseCase]]:
    chosen = []
    for where, surface, name, declared in use_cases(services):
        assert declared is not None, where
        kind = _kind(declared, surface)
        if type(surface).__name__ == "RecordService" and kind not in SAMPLE_KINDS:
            continue
        if declared.action is None or all(allowed(role, a) for a in needed(declared.action, kind)):
            chosen.append((where, surface, name, declared))
    return chosen


def test_every_declared_use_case_has_a_representative_call(station: Station) -> None:
    keys = {_key(s, n) for _w, s, n, _d in use_cases(station.signed_in[UserRole.SERGEANT])}
    assert sorted(keys - set(CALLS)) == []
    assert sorted(set(CALLS) - keys) == []


@pytest.mark.parametrize("role", list(UserRole), ids=lambda role: role.value)
def test_every_use_case_a_role_may_do_leaves_exactly_one_entry_of_its_event(
    station: Station, role: UserRole
) -> None:
    services = station.signed_in[role]
    wrong: list[str] = []
    for where, surface, name, declared in _allowed_calls(services, role):
        call = CALLS.get(_key(surface, name))
        if call is None:
            continue  # the test above names it
        act = call(station, surface)
        before = len(station.audit_rows())
        try:
            made = act()
        except PermissionDenied as refused:
            wrong.append(f"{where}: refused ({refused})")
            continue
        except PcsoDeskError as error:
            wrong.append(f"{where}: {error}")
            continue
        added = station.audit_rows()[before:]
        shape = [(r["action"], r["outcome"], r["role"]) for r in added]
        kind = _kind(declared, surface)
        if made is False or not declared.audits(kind):
            expected = []  # an unaudited read, or a call this store cannot make (see CALLS)
        else:
            expected = [(declared.event, "ok", role.value)]
        if shape != expected:
            wrong.append(f"{where}: {shape} (expected {expected})")
    assert wrong == []


def test_building_the_demo_or_setting_up_a_team_twice_is_refused_and_logs_nothing(
    station: Station,
) -> None:
    sergeant = station.signed_in[UserRole.SERGEANT]
    before = len(station.audit_rows())
    with pytest.raises(PcsoDeskError):
        sergeant.build_demo()
    with pytest.raises(PcsoDeskError):
        sergeant.setup.init_store("Another SNT")
    assert len(station.audit_rows()) == before


def test_an_admin_cannot_undo_a_merge_and_the_refusal_is_in_the_log(station: Station) -> None:
    undo = station.setup.merge_contacts(_contact(station), _contact(station)).undo
    before = len(station.audit_rows())
    with pytest.raises(PermissionDenied, match="Admin account cannot change records"):
        station.signed_in[UserRole.ADMIN].undo_merge(undo)
    added = station.audit_rows()[before:]
    assert [(r["action"], r["kind"], r["outcome"], r["username"]) for r in added] == [
        ("refused", "contacts", "refused", "admin-user")
    ]


def test_listing_victim_cases_is_logged_with_the_count_never_the_words(station: Station) -> None:
    sergeant = station.signed_in[UserRole.SERGEANT]
    before = len(station.audit_rows())
    page = sergeant["victim_cases"].page(ListQuery(text="41"))
    added = station.audit_rows()[before:]
    assert page.rows
    assert [(r["action"], r["kind"], r["detail"]) for r in added] == [
        ("list", "victim_cases", f"{len(page.rows)} row(s)")
    ]
    due = sergeant.victims.due(datetime(2030, 1, 1, tzinfo=UTC))
    assert station.audit_rows()[-1]["detail"] == f"{len(due)} row(s)"
