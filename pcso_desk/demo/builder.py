"""`pcso-desk demo`: a store full of realistic synthetic data over Hertfordshire's ten districts.

Twelve months of work by every Safer Neighbourhood Team, ending on `today`. Everything derives
from the seed and `today`: ids come from a seeded random.Random and timestamps and clock values
from `today`, never from the wall clock, so the same seed and day give the same store. No record
is created or changed after midnight at the start of `today` (London). The whole build is one
transaction: all of it, or nothing. The store is marked as a demo store (store_meta "demo"),
so the app says DEMO wherever it is open; `make_demo_folder` builds one, with its accounts, in
a data folder of its own.

This module has the public API, the organisation (districts, councils, stations, teams, wards,
officers), the contacts and the engagement log; `activity` adds KINs, meetings, priorities
and patrols, `casework` victim care, messages and crime figures; `world` holds the batch
writer and shared state, `places` the place names and phrases.

Privacy: names are Faker's, phones only Ofcom's drama ranges (01632 960xxx, 07700 900xxx),
emails only at example.com/.org/.net, officers at example.police.uk.
"""

from __future__ import annotations

import random
import shutil
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from faker import Faker
from sqlalchemy import literal, select
from sqlalchemy.orm import Session

from pcso_desk.demo import activity as demo_activity
from pcso_desk.demo import casework as demo_casework
from pcso_desk.demo import intelligence as demo_intelligence
from pcso_desk.demo import places
from pcso_desk.demo.activity import ISSUE
from pcso_desk.demo.world import (
    SCALES,
    UNIT_LETTERS,
    Hood,
    Person,
    Sink,
    Ward,
    Weighted,
    World,
    apportion,
    at,
    bulk_mode,
    landline,
    mobile,
    slug,
    unjournaled,
)
from pcso_desk.domain.enums import Channel, ContactKind, ContactMethod, LawfulBasis, Role
from pcso_desk.domain.errors import ValidationError
from pcso_desk.paths import DataPaths
from pcso_desk.services.context import DEMO_KEY, TEAM_KEY, Context, meta_value, set_meta
from pcso_desk.store import keyring
from pcso_desk.store import models as m

TEAM_NAME = "Hertfordshire Safer Neighbourhood Teams (demo)"


@dataclass(frozen=True)
class DemoSummary:
    """What `build_demo` made: rows per table, and the seed and scale it was made from."""

    counts: dict[str, int]
    seed: int
    scale: str

    def line(self) -> str:
        """One sentence for the CLI: "Demo store built (seed 1, small): 1,500 contacts, ..."."""
        shown = ", ".join(
            f"{self.counts.get(table, 0):,} {label}" for table, label in SUMMARY_LABELS
        )
        total = sum(self.counts.values())
        return (
            f"Demo store built (seed {self.seed}, {self.scale}): {shown} "
            f"({total:,} records in all)."
        )


SUMMARY_LABELS = (
    ("contacts", "contacts"),
    ("engagements", "engagements"),
    ("kin_checkins", "KIN check-ins"),
    ("meetings", "meetings"),
    ("priorities", "priorities"),
    ("victim_cases", "victim care cases"),
    ("patrol_sessions", "patrol sessions"),
    ("messages", "messages"),
    ("crime_records", "crime records"),
)


def build_demo(
    ctx: Context,
    *,
    seed: int = 1,
    scale: str = "small",
    today: date | None = None,
    progress: Callable[[str], None] | None = None,
) -> DemoSummary:
    """Fill an empty store with twelve months of synthetic work by every team in the county.

    Refuses (ValidationError) an unknown scale or a store that already holds data: user
    accounts or any record. A new store's name, station and keys (`init`) are not data.
    """
    if scale not in SCALES:
        raise ValidationError(f"'{scale}' is not a demo scale; use 'small' or 'county'.", "scale")

    day = today or date.today()
    say = progress or (lambda _message: None)
    with ctx.store.write() as session:
        _refuse_if_not_empty(session)
        sink = Sink(session, ctx.station_id, at(day, 0), seed)
        world = World(sink, seed, SCALES[scale], day, *_name_pools(seed))
        with bulk_mode(session, sink) as rebuild:
            try:
                for message, stage in (
                    *SETUP_STAGES,
                    *demo_activity.STAGES,
                    *demo_casework.STAGES,
                    *demo_intelligence.STAGES,
                ):
                    say(message)
                    stage(world)
                    sink.flush()
                    if stage is SETUP_STAGES[-1][1]:  # the largest tables are filled by now
                        rebuild.early(frozenset(sink.counts))
            finally:
                sink.close()  # every row written (or the writer stopped) before anything else
            say("Saving…")
        if not meta_value(session, TEAM_KEY):
            set_meta(session, TEAM_KEY, TEAM_NAME)
        set_meta(session, DEMO_KEY, "1")
    ctx.clock.advance_to(sink.last_clock)  # later edits here sort after the demo's records
    return DemoSummary(dict(sorted(sink.counts.items())), seed, scale)


def _name_pools(seed: int) -> tuple[list[str], list[str]]:
    """First names and surnames from a Faker of our own, seeded; names are combined later."""
    fake = Faker("en_GB")
    fake.seed_instance(seed)
    firsts = sorted({fake.first_name() for _ in range(600)})
    lasts = sorted({fake.last_name() for _ in range(900)})
    return firsts, lasts


NOT_DATA = frozenset({"store_meta", "audit_log"})  # a new store's name and station; its log


def _refuse_if_not_empty(session: Session) -> None:
    if _holds_data(session):
        raise ValidationError(
            "This store already holds data; point --data-dir at a new folder for the demo."
        )


def _holds_data(session: Session) -> bool:
    """Whether any table but the store's own settings and log has a row (accounts included)."""
    tables = [t for t in m.Base.metadata.sorted_tables if t.name not in NOT_DATA]
    found = (session.execute(select(literal(1)).select_from(t).limit(1)).first() for t in tables)
    return any(row is not None for row in found)


# --- a demo folder ------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoFolder:
    """A data folder holding a demo store with its accounts (`make_demo_folder`)."""

    root: Path
    summary: DemoSummary | None  # None: the demo store already there was kept
    accounts: tuple[str, ...]

    def open_command(self) -> str:
        return open_command(self.root)

    def accounts_line(self) -> str:
        from pcso_desk.services.protection.accounts import DEMO_PASSWORD

        return (
            f"Demo accounts, one per role: {', '.join(self.accounts)}; each has the password "
            f"'{DEMO_PASSWORD}'."
        )


def open_command(root: Path) -> str:
    """The command that opens the app on the data folder `root`."""
    return f'pcso-desk --data-dir "{root}"'


def make_demo_folder(paths: DataPaths, *, reuse: bool = False, **options: Any) -> DemoFolder:
    """Build the demo store and its accounts in the data folder `paths` (made if need be).

    With `reuse` (the app's first run) a demo store already there is kept; without (the
    command line) it is refused. Any other store that holds data is refused (build_demo).
    `options` are build_demo's: seed, scale, today, progress.

    Whole or not at all: a folder without a store is built in a sibling folder of its own
    (`<folder>.building-<pid>`) and moved into place only once the store and its accounts
    are made, so a build cut short (a killed process, a full disk) leaves no demo store, and
    the next start removes what it left (private.py). A store already there (empty, as `init`
    left it) is filled in one transaction with its accounts.
    """
    from pcso_desk.private import building_folder, move_into_place, remove_stale_builds

    remove_stale_builds(paths.root)
    if paths.store.exists():
        return _fill(paths, paths.root, reuse, options)
    building = DataPaths(building_folder(paths.root))
    try:
        made = _fill(building, paths.root, reuse, options)
        move_into_place(building.root, paths.root, last=paths.store.name)
    finally:
        shutil.rmtree(building.root, ignore_errors=True)
    return made


def _fill(paths: DataPaths, root: Path, reuse: bool, options: dict[str, Any]) -> DemoFolder:
    """The demo in the store under `paths`, with its accounts, in one unit of work; `root`
    is the folder the user knows it by.

    The demo store is encrypted as every store is (services/unlock.py): a new one is made
    with its keyring marked demo; an encrypted store with accounts cannot be opened without
    a password, so it is kept (a demo, with `reuse`) or refused as it stands."""
    from pcso_desk.services.protection.accounts import DEMO_ACCOUNTS
    from pcso_desk.services.unlock import Door, Stage

    door = Door(paths.ensure())
    stage = door.stage()
    if stage is Stage.LOCKED:
        if door.is_demo() and reuse:
            return DemoFolder(root, None, tuple(name for name, _role in DEMO_ACCOUNTS))
        if door.is_demo():
            raise ValidationError(
                f"{root} already holds a demo store: open it with {open_command(root)}, or "
                "delete that folder to build a new one."
            )
        raise ValidationError(
            "This store already holds data; point --data-dir at a new folder for the demo."
        )
    services = door.create(demo=True) if stage is Stage.NEW else door.open_unsigned()
    store = services.ctx.store
    try:
        ctx = services.ctx
        if _kept_demo(ctx, root, reuse):
            return DemoFolder(root, None, _demo_accounts(ctx))
        # A new store in a build folder of its own is no one's until it is moved into place.
        fresh = unjournaled(store.engine, store.path) if stage is Stage.NEW else nullcontext()
        with fresh, store.write():  # the records and the accounts that sign in to them, or neither
            summary = build_demo(ctx, **options)
            accounts = _demo_accounts(ctx)
        if door.has_keyring():
            with keyring.editing(door.ring_path, door.spare_path) as ring:
                ring.demo = True  # the sign-in form names the demo accounts
        return DemoFolder(root, summary, accounts)
    finally:
        store.close()


def _kept_demo(ctx: Context, root: Path, reuse: bool) -> bool:
    """Whether the store is a demo already, to keep as it is (only with `reuse`)."""
    with ctx.store.read() as session:
        demo, data = meta_value(session, DEMO_KEY) == "1", _holds_data(session)
    if demo and reuse:
        return True
    if demo:
        raise ValidationError(
            f"{root} already holds a demo store: open it with {open_command(root)}, or "
            "delete that folder to build a new one."
        )
    if data and reuse:  # the app's demo folder holds something else: said in the app's words
        raise ValidationError(
            f"The demo folder {root} holds a store that is not a demo; move it elsewhere "
            "to explore the demo."
        )
    return False


def _demo_accounts(ctx: Context) -> tuple[str, ...]:
    """The demo accounts, made now unless the store has accounts already."""
    from pcso_desk.services.protection.accounts import (
        DEMO_ACCOUNTS,
        create_demo_accounts,
        has_accounts,
    )

    if has_accounts(ctx):
        return tuple(name for name, _role in DEMO_ACCOUNTS)
    return tuple(create_demo_accounts(ctx))


# --- organisation -------------------------------------------------------------------------


def _organisation(w: World) -> None:
    rng = w.rng("organisation")
    founded = at(w.today - timedelta(days=3 * 365), 9 * 60)
    stations: dict[str, str] = {}
    councils: dict[str, str] = {}
    for place in places.DISTRICTS:
        district = w.sink.add(m.District, {"name": place.name, "code": place.code}, founded)
        councils[place.council] = w.sink.add(
            m.Council, {"name": place.council, "kind": "district", "district_id": district}, founded
        )
        for hood_place in place.hoods:
            hood = _hood(w, rng, place, district, hood_place, stations, founded)
            for ward_place in hood_place.wards:
                council = ward_place.council or place.council
                if council not in councils:
                    kind = ward_place.council_kind
                    row = {"name": council, "kind": kind, "district_id": district}
                    councils[council] = w.sink.add(m.Council, row, founded)
                _ward(w, rng, hood, ward_place, councils[council], founded)


def _hood(
    w: World,
    rng: random.Random,
    district: places.DistrictPlace,
    district_id: str,
    place: places.HoodPlace,
    stations: dict[str, str],
    founded: datetime,
) -> Hood:
    if place.station not in stations:
        row = {
            "name": place.station,
            "address": place.address,
            "postcode": place.postcode,
            "phone": landline(rng, 0, 99),
            "opening_hours": "Front counter Monday to Friday, 9am to 5pm. Call 101 at any time.",
        }
        stations[place.station] = w.sink.add(m.PoliceStation, row, founded)
    wards = ", ".join(ward.name for ward in place.wards)
    row = {
        "name": place.name,
        "code": place.code,
        "district_id": district_id,
        "base_station_id": stations[place.station],
        "phone": landline(rng, 0, 99),
        "email": f"{slug(place.name)}snt@example.police.uk",
        "photo_path": "",
        "description": f"The {place.name} Safer Neighbourhood Team looks after {wards}. "
        f"We are based at {place.station} and hold a public meeting every month.",
    }
    town = place.address.rsplit(", ", 1)[-1]
    hood = Hood(w.sink.add(m.Neighbourhood, row, founded), place, district, town)
    w.hoods.append(hood)
    return hood


def _ward(
    w: World,
    rng: random.Random,
    hood: Hood,
    place: places.WardPlace,
    council: str,
    founded: datetime,
) -> None:
    areas = rng.sample(places.STREETS, rng.randint(6, 15))
    row = {
        "name": place.name,
        "code": place.code,
        "neighbourhood_id": hood.id,
        "council_id": council,
        "areas": areas,
    }
    ward = Ward(w.sink.add(m.Ward, row, founded), place.name, hood, areas, rng.uniform(0.6, 1.5))
    hood.wards.append(ward)
    w.wards.append(ward)


COLLAR_PREFIX = {Role.SERGEANT: "PS", Role.PC: "PC", Role.PCSO: "PCSO"}


def _officers(w: World) -> None:
    rng = w.rng("officers")
    collars = iter(rng.sample(range(1000, 10000), 600))
    phones = iter(rng.sample(range(700, 1000), 300))
    emails: set[str] = set()
    for hood in w.hoods:
        roles = [Role.SERGEANT] + [Role.PC] * rng.randint(1, 2) + [Role.PCSO] * rng.randint(3, 6)
        for role in roles:
            first, last = w.name(rng)
            email = f"{slug(first)}.{slug(last)}"
            while email in emails:
                email += str(rng.randint(0, 9))
            emails.add(email)
            row = {
                "name": f"{first} {last}",
                "role": role,
                "collar_number": f"{COLLAR_PREFIX[role]} {next(collars)}",
                "neighbourhood_id": hood.id,
                "active": True,
                "work_phone": f"+447700900{next(phones):03d}",
                "work_email": f"{email}@example.police.uk",
            }
            joined = w.when(rng, w.today - timedelta(days=1000), w.start, (9, 17))
            hood.officers.append((w.sink.add(m.Officer, row, joined), role))
        _attach(w, rng, hood, joined)


def _attach(w: World, rng: random.Random, hood: Hood, joined: datetime) -> None:
    """Every ward gets at least one PCSO; constables take one or two wards each."""
    pcsos, wards = hood.ids(Role.PCSO), list(hood.wards)
    rng.shuffle(wards)
    pairs = [(pcsos[i % len(pcsos)], ward) for i, ward in enumerate(wards)]
    pairs += [(pcso, rng.choice(wards)) for pcso in pcsos[len(wards) :]]
    for pc in hood.ids(Role.PC):
        pairs += [(pc, ward) for ward in rng.sample(wards, rng.randint(1, 2))]
    for officer, ward in pairs:
        w.sink.add(m.OfficerWard, {"officer_id": officer, "ward_id": ward.id}, joined)
        ward.officers.append(officer)


# --- contacts -----------------------------------------------------------------------------

KIND = Weighted(list(ContactKind), [84, 5, 2, 1, 1, 1, 1, 5])  # resident, business, group, ...
DOMAINS = ("example.com", "example.org", "example.net")
TAGS = {
    ContactKind.NHW_COORDINATOR: ["neighbourhood watch"],
    ContactKind.BUSINESS: ["business watch"],
}
TIMES = ("", "", "", "", "Evenings", "Weekday mornings", "Weekends", "After 6pm")
CONSENT_HOW = (
    "Ticked the consent box on a PACT meeting sign-in sheet",
    "Verbal consent at a street briefing, noted by the officer",
    "Signed up on the neighbourhood newsletter form",
)
CONSENT_TOLD = (
    "Told the team will keep these details to send neighbourhood updates and invitations to "
    "meetings, and that consent can be withdrawn at any time by contacting the team."
)


def _contacts(w: World) -> None:
    rng = w.rng("contacts")
    first_day = w.today - timedelta(days=3 * 365)
    last_day = w.today - timedelta(days=1)
    shares = apportion(w.scale.contacts, [ward.weight for ward in w.wards])
    for ward, n in zip(w.wards, shares, strict=True):
        times = sorted(w.when(rng, first_day, last_day, (8, 21)) for _ in range(n))
        for created in times:
            ward.contacts.append(_contact(w, rng, ward, created))
            ward.contact_times.append(created)


def _contact(w: World, rng: random.Random, ward: Ward, created: datetime) -> Person:
    kind = KIND.pick(rng)
    first, last = w.name(rng)
    street = rng.choice(ward.areas)
    organisation, role = _organisation_of(rng, kind, ward, street, last)
    tags = TAGS.get(kind, ["newsletter"] if rng.random() < 0.08 else [])
    unit = f"{rng.randint(1, 9)}{rng.choice(UNIT_LETTERS)}{rng.choice(UNIT_LETTERS)}"
    row = {
        "kind": kind,
        "name": f"{first} {last}",
        "organisation": organisation,
        "role_title": role,
        "address": f"{rng.randint(1, 180)} {street}, {ward.hood.town}",
        "postcode": f"{rng.choice(ward.hood.place.outward)} {unit}",
        "ward_id": ward.id,
        "tags": tags,
        "notes": "",
        "merged_into_id": None,
        "review_date": (created + timedelta(days=rng.randint(365, 3 * 365))).date(),
        **_reach(rng, first, last),
        **_lawful_basis(w, rng, f"{first} {last}", created),
    }
    return Person(w.sink.add(m.Contact, row, created), row["name"], kind, street, created)


def _reach(rng: random.Random, first: str, last: str) -> dict[str, Any]:
    """Phone for about a quarter (drama ranges only), email for some, and how they like it."""
    phone = ""
    if rng.random() < 0.25:
        phone = mobile(rng, 0, 699) if rng.random() < 0.6 else landline(rng, 100, 999)
    email = ""
    if rng.random() < 0.4:
        email = f"{slug(first)}.{slug(last)}{rng.randint(1, 99)}@{rng.choice(DOMAINS)}"
    method = ContactMethod.EMAIL if email else ContactMethod.PHONE if phone else None
    if method is None:
        method = rng.choice([None, ContactMethod.LETTER, ContactMethod.IN_PERSON])
    return {
        "phone": phone,
        "email": email,
        "preferred_method": method,
        "preferred_times": rng.choice(TIMES),
    }


def _organisation_of(
    rng: random.Random, kind: ContactKind, ward: Ward, street: str, last: str
) -> tuple[str, str]:
    if kind is ContactKind.BUSINESS:
        return rng.choice(places.BUSINESSES).format(street=street, last=last), "Owner"
    if kind is ContactKind.SCHOOL:
        return f"{ward.name} {rng.choice(['Primary', 'Academy', 'Infant'])} School", "Head teacher"
    if kind is ContactKind.FAITH_GROUP:
        return f"{rng.choice(places.FAITH_ORGS)}, {ward.hood.town}", "Faith leader"
    if kind is ContactKind.PARTNER_AGENCY:
        return f"{ward.hood.district.name} {rng.choice(places.PARTNER_AGENCIES)}", "Officer"
    if kind is ContactKind.COUNCILLOR:
        return ward.hood.district.council, "Ward councillor"
    if kind is ContactKind.NHW_COORDINATOR:
        return f"{street} Neighbourhood Watch", "Coordinator"
    if kind is ContactKind.COMMUNITY_GROUP:
        return f"{ward.name} Residents' Association", "Chair"
    return "", ""


def _lawful_basis(w: World, rng: random.Random, name: str, created: datetime) -> dict[str, Any]:
    roll = rng.random()
    consent = roll >= 0.84 and roll < 0.94
    withdrawn = None
    if consent and rng.random() < 0.05:
        withdrawn = created + timedelta(days=rng.randint(30, 400))
        withdrawn = withdrawn if withdrawn < w.moment else None
    basis = (
        LawfulBasis.PUBLIC_TASK
        if roll < 0.84
        else (LawfulBasis.CONSENT if consent else LawfulBasis.LEGITIMATE_INTERESTS)
    )
    return {
        "lawful_basis": basis,
        "consent_by": name if consent else "",
        "consent_at": created if consent else None,
        "consent_how": rng.choice(CONSENT_HOW) if consent else "",
        "consent_told": CONSENT_TOLD if consent else "",
        "consent_withdrawn_at": withdrawn,
    }


# --- engagements --------------------------------------------------------------------------

ISSUE_COUNT = Weighted([0, 1, 2], [35, 50, 15])
CHANNEL = Weighted(list(Channel), [25, 40, 15, 10, 5, 5])  # face to face, patrol, phone, ...


def _engagements(w: World) -> None:
    rng = w.rng("engagements")
    last = w.today - timedelta(days=1)
    shares = apportion(w.scale.engagements, [x.weight for x in w.wards])
    for ward, n in zip(w.wards, shares, strict=True):
        for occurred in sorted(w.when(rng, w.start, last, (8, 22)) for _ in range(n)):
            _engagement(w, rng, ward, occurred)


def _engagement(w: World, rng: random.Random, ward: Ward, occurred: datetime) -> None:
    officer = rng.choice(ward.officers if rng.random() < 0.9 else ward.hood.ids())
    issues = sorted({ISSUE.pick(rng) for _ in range(ISSUE_COUNT.pick(rng))})
    text = rng.choice(places.ENGAGEMENT_TEXT[issues[0] if issues else ""])
    due = occurred.date() + timedelta(days=rng.randint(7, 14)) if rng.random() < 0.15 else None
    row = {
        "occurred_at": occurred,
        "officer_id": officer,
        "ward_id": ward.id,
        "channel": CHANNEL.pick(rng),
        "summary": text.format(street=rng.choice(ward.areas)),
        "issues": issues,
        "follow_up_due": due,
        "follow_up_done": due is not None and due < w.today and rng.random() < 0.85,
    }
    engagement = w.sink.add(m.Engagement, row, occurred, by=officer)
    if rng.random() < 0.6:
        people = {p.id for p in (ward.pick(rng, occurred), ward.pick(rng, occurred)) if p}
        for person in sorted(people)[: 1 if rng.random() < 0.9 else 2]:
            link = {"engagement_id": engagement, "contact_id": person}
            w.sink.add(m.EngagementContact, link, occurred, by=officer)


SETUP_STAGES: tuple[tuple[str, Callable[[World], None]], ...] = (
    ("Organisation…", _organisation),
    ("Officers…", _officers),
    ("Contacts…", _contacts),
    ("Engagements…", _engagements),
)
