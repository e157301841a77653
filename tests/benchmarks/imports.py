"""W2: import a contacts CSV of `bench.contacts` rows (101,000; 1,500 in quick mode).

The file. A synthetic spreadsheet as an office would save it (UTF-8, comma separated, the
headers of the app's own contacts export plus "Town"): Name, Type, Organisation, Role,
Address, Town, Postcode, Ward, Phone, Email, Preferred method, Preferred times, Lawful
basis, Tags, Notes. Names come from seeded Faker en_GB name pools (as the demo's do);
postcodes are Hertfordshire outward codes with random inward codes; phones only Ofcom's
drama ranges (07700 900xxx, 01632 960xxx, 0115 496 0xxx) typed in the usual ways; emails
only at example.com/.org/.net. Seeded: the same file every run, written once per run.
About 1% of rows are near-duplicates of an earlier row of the file (a title, a case change
or a typo, with the same phone, email or postcode), about 1% are near-duplicates of a
contact the store already has (half the same name, which fills its blanks or is skipped;
half a misspelt name, which is rejected as a likely duplicate), and about 0.5% are invalid
(a bad postcode, phone, email, ward, type or a missing name, an over-long organisation).
Chance collisions on the 3,000 drama-range phones add a few more duplicate decisions.

The store. A fresh copy, per timed run (copied untimed), of the small seeded demo store:
the demo organisation (districts, stations, 118 wards the Ward column names) and 1,500
contacts, so the in-store duplicate check finds real candidates by postcode, phone and email
and both of its outcomes (fill blanks, reject as a likely duplicate) happen.

W2 measures `Services.import_contacts(path)` — the call the app and the command line make —
signed in as the demo sergeant (sign-in and opening the store are untimed): reading and
decoding the file, mapping headers, validating every row, the within-file and in-store
duplicate checks, filling blanks of existing contacts, inserting the new contacts (the FTS
triggers fire as always) in one transaction, and the audit entry.

The reference measures the simplest raw way to put the same file into the same table: the
csv module reads the file and sqlite3's executemany inserts every data row (all of them,
including the few the import rejects), with every column of the contacts table given (a
fresh UUID, stamps, a clock value, the ward name looked up to its id, tags as JSON), into
the contacts table of an equally fresh copy of the same store, with the app's pragmas
(WAL, synchronous=FULL, foreign keys on), in one transaction, committed.

Budget: ≤ 1.5× the reference.
"""

from __future__ import annotations

import csv
import json
import random
import shutil
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tests.benchmarks.harness import (
    SEED,
    Bench,
    Result,
    build_demo_folder,
    open_signed_in,
    raw_connection,
    raw_sqlite,
    slower_ratio,
)

HEADER = (
    "Name",
    "Type",
    "Organisation",
    "Role",
    "Address",
    "Town",
    "Postcode",
    "Ward",
    "Phone",
    "Email",
    "Preferred method",
    "Preferred times",
    "Lawful basis",
    "Tags",
    "Notes",
)
FILE_VERSION = 1  # bump when the generator changes: a kept --work folder regenerates
OUTWARD = (
    *(f"AL{n}" for n in range(1, 11)),
    *(f"SG{n}" for n in range(1, 20)),
    *(f"WD{n}" for n in (3, 4, 5, 6, 7, 17, 18, 19, 23, 24, 25)),
    *(f"EN{n}" for n in range(6, 12)),
    *(f"HP{n}" for n in range(1, 5)),
    "CM21",
    "CM23",
    "LU2",
)
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
TOWNS = ("St Albans", "Hatfield", "Stevenage", "Watford", "Hertford", "Ware", "Harpenden",
         "Hitchin", "Letchworth", "Cheshunt", "Hemel Hempstead", "Welwyn Garden City")  # fmt: skip
KINDS = (("", 60), ("Resident", 20), ("Business", 8), ("Community group", 4),
         ("Faith group", 2), ("Councillor", 1), ("NHW coordinator", 3), ("School", 2))  # fmt: skip
METHODS = ("", "", "", "Email", "Phone", "Letter", "In person", "Text")
TIMES = ("", "", "", "Evenings", "Weekday mornings", "After 6pm", "Weekends")
BASES = ("", "", "", "", "Public task", "Consent", "Legitimate interests")
TAGS = ("", "", "", "", "newsletter", "nhw; newsletter", "shop watch", "street champion")
NOTES = ("", "", "", "", "Met at the summer fair.", 'Prefers "Bob".', "Dog at the gate, ring.",
         "Met at a ward panel meeting,\nasked about speeding.")  # fmt: skip
DOMAINS = ("example.com", "example.org", "example.net")


# -- the file ------------------------------------------------------------------------------


def _store_facts(store: Path) -> tuple[list[tuple[str, str]], list[tuple[str, ...]]]:
    """The store's live wards (name, code) and live contacts (name, postcode, phone, email)."""
    with raw_sqlite(store) as db:
        wards = db.execute(
            "SELECT name, code FROM wards WHERE deleted_at IS NULL ORDER BY code"
        ).fetchall()
        contacts = db.execute(
            "SELECT name, postcode, phone, email FROM contacts WHERE deleted_at IS NULL "
            "AND merged_into_id IS NULL ORDER BY id"
        ).fetchall()
    return wards, contacts


def _name_pools() -> tuple[list[str], list[str], list[str]]:
    from faker import Faker

    fake = Faker("en_GB")
    fake.seed_instance(SEED + 2)
    firsts = sorted({fake.first_name() for _ in range(800)})
    lasts = sorted({fake.last_name() for _ in range(1200)})
    streets = sorted({fake.street_name() for _ in range(600)})
    return firsts, lasts, streets


def _typed_phone(rng: random.Random) -> str:
    """A drama-range number as people type it."""
    block = rng.randrange(1000)
    style = rng.randrange(4)
    prefix = rng.choice(("07700 900", "01632 960", "0115 496 0"))
    if style == 0 and prefix.startswith("07700"):
        return f"+44 7700 900{block:03d}"
    if style == 1:
        return f"{prefix.replace(' ', '')}{block:03d}"
    return f"{prefix}{block:03d}"


def _typo(rng: random.Random, word: str) -> str:
    """The word with one letter doubled or dropped (a likely misspelling)."""
    at = rng.randrange(1, len(word)) if len(word) > 1 else 0
    return word[:at] + word[at] + word[at:] if rng.random() < 0.5 else word[:at] + word[at + 1 :]


def _variant(rng: random.Random, name: str) -> str:
    """Another way of writing the same name: a title, other case, a typo in the surname."""
    first, _, last = name.rpartition(" ")
    how = rng.randrange(3)
    if how == 0:
        return f"{rng.choice(('Mr', 'Mrs', 'Ms', 'Dr'))} {name}"
    if how == 1:
        return name.upper() if rng.random() < 0.5 else name.lower()
    return f"{first} {_typo(rng, last)}".strip()


def _invalid(rng: random.Random, row: list[str]) -> None:
    """Spoil one value of the row so that validation refuses it."""
    what = rng.randrange(7)
    if what == 0:
        row[6] = rng.choice(("NOT KNOWN", "AL1", "ZZ99 9ZZ9", "12345"))
    elif what == 1:
        row[8] = rng.choice(("12345", "0800 FLOWERS", "07700 90012"))
    elif what == 2:
        row[9] = rng.choice(("someone at example.com", "a@b", "x@@example.com"))
    elif what == 3:
        row[7] = rng.choice(("Atlantis", "Gotham Central", "XX-NOPE"))
    elif what == 4:
        row[1] = rng.choice(("Alien", "Robot", "Supplier"))
    elif what == 5:
        row[0] = ""
        row[2] = row[2] or "Unnamed Ltd"
    else:
        row[2] = "The " + "Very " * 50 + "Long Organisation Name Ltd"


def _new_row(rng: random.Random, pools: Any, wards: list[tuple[str, str]]) -> list[str]:
    firsts, lasts, streets = pools
    first, last = rng.choice(firsts), rng.choice(lasts)
    kind = rng.choices([k for k, _ in KINDS], [w for _, w in KINDS])[0]
    organisation = role = ""
    if kind == "Business":
        organisation, role = f"{last}'s {rng.choice(('Bakery', 'Garage', 'Stores'))}", "Owner"
    elif kind == "Community group":
        organisation, role = f"{rng.choice(streets)} Residents' Association", "Chair"
    elif kind == "NHW coordinator":
        organisation, role = f"{rng.choice(streets)} Neighbourhood Watch", "Coordinator"
    ward = ""
    if rng.random() < 0.9:
        name, code = rng.choice(wards)
        ward = code if rng.random() < 0.3 else name
    unit = f"{rng.randint(0, 9)}{rng.choice(INWARD_LETTERS)}{rng.choice(INWARD_LETTERS)}"
    postcode = f"{rng.choice(OUTWARD)} {unit}"
    if rng.random() < 0.2:
        postcode = postcode.lower().replace(" ", "")
    phone = _typed_phone(rng) if rng.random() < 0.3 else ""
    email = ""
    if rng.random() < 0.4:
        email = f"{first}.{last}{rng.randint(1, 999)}@{rng.choice(DOMAINS)}".lower()
        email = email.replace(" ", "").replace("'", "")
    return [
        f"{first} {last}",
        kind,
        organisation,
        role,
        f"{rng.randint(1, 240)} {rng.choice(streets)}",
        rng.choice(TOWNS),
        postcode,
        ward,
        phone,
        email,
        rng.choice(METHODS),
        rng.choice(TIMES),
        rng.choice(BASES),
        rng.choice(TAGS),
        rng.choice(NOTES),
    ]


def write_contacts_csv(path: Path, rows: int, store: Path) -> dict[str, int]:
    """Write the seeded file of `rows` data rows described in the module docstring."""
    rng = random.Random(SEED * 1000 + rows)
    wards, existing = _store_facts(store)
    pools = _name_pools()
    made: list[list[str]] = []
    planted = {"file_duplicates": 0, "store_duplicates": 0, "invalid": 0}
    for _ in range(rows):
        row = _new_row(rng, pools, wards)
        pick = rng.random()
        if pick < 0.01 and made:
            earlier = rng.choice(made[-5000:])
            row[0] = _variant(rng, earlier[0] or row[0])
            shared = rng.choice([i for i in (6, 8, 9) if earlier[i]] or [6])
            row[shared] = earlier[shared] or row[shared]
            planted["file_duplicates"] += 1
        elif pick < 0.02 and existing:
            name, postcode, phone, email = rng.choice(existing)
            row[0] = name if rng.random() < 0.5 else _variant(rng, name)
            row[6], row[8], row[9] = postcode or row[6], phone or "", email or row[9]
            planted["store_duplicates"] += 1
        elif pick < 0.025:
            _invalid(rng, row)
            planted["invalid"] += 1
        made.append(row)
    tmp = path.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(made)
    tmp.replace(path)
    return planted


# -- the stores ----------------------------------------------------------------------------


def _small_demo(bench: Bench) -> Path:
    """The small seeded demo store (the harness's own in quick mode), built once per run."""
    if bench.quick:
        return bench.county_store()
    folder = bench.work / "demo-small"
    built = folder / ".built"
    if not built.exists():
        if folder.exists():
            shutil.rmtree(folder)
        build_demo_folder(folder, "small")
        built.touch()
    return folder


def _contacts_file(bench: Bench, store: Path) -> tuple[Path, dict[str, int]]:
    path = bench.work / f"w2-contacts-{bench.contacts}-v{FILE_VERSION}.csv"
    planted_file = path.with_suffix(".json")
    if not path.exists() or not planted_file.exists():
        planted = write_contacts_csv(path, bench.contacts, store / "pcso-desk.sqlite")
        planted_file.write_text(json.dumps(planted), encoding="utf-8")
    return path, json.loads(planted_file.read_text(encoding="utf-8"))


# -- the reference -------------------------------------------------------------------------


def raw_import(store: Path, source: Path) -> int:
    """csv.reader + one executemany of every data row into contacts, one transaction."""
    connection = raw_connection(store, isolation_level=None)
    try:
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=FULL")
        connection.execute("PRAGMA foreign_keys=ON")
        wards: dict[str, str] = {}
        for ward_id, name, code in connection.execute("SELECT id, name, code FROM wards"):
            wards[name] = wards[code] = ward_id
        station = connection.execute(
            "SELECT value FROM store_meta WHERE key = 'station_id'"
        ).fetchone()[0]
        officer = connection.execute("SELECT id FROM officers LIMIT 1").fetchone()[0]
        now = datetime.now(UTC).replace(tzinfo=None).isoformat(sep=" ", timespec="seconds")
        wall = int(datetime.now(UTC).timestamp() * 1000)
        with source.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle)
            next(reader)
            rows = [
                (str(uuid.uuid4()), (r[1] or "resident").lower(), r[0], r[2], r[3],
                 f"{r[4]}, {r[5]}", r[6], wards.get(r[7]), r[8], r[9], r[10].lower() or None,
                 r[11], r[12].lower() or "public_task", json.dumps(r[13].split("; ") if r[13]
                 else []), r[14], now, now, officer, officer, station,
                 f"{wall:015d}-{number:06d}-{station}")
                for number, r in enumerate(reader)
            ]  # fmt: skip
        connection.execute("BEGIN IMMEDIATE")
        connection.executemany(
            "INSERT INTO contacts (id, kind, name, organisation, role_title, address, postcode, "
            "ward_id, phone, email, preferred_method, preferred_times, lawful_basis, tags, notes, "
            "created_at, updated_at, created_by, updated_by, station_id, hlc, consent_by, "
            "consent_at, consent_how, consent_told, consent_withdrawn_at, review_date, "
            "merged_into_id, deleted_at, field_clocks, erased_at) VALUES (?, ?, ?, ?, ?, ?, ?, "
            "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '', NULL, '', '', NULL, NULL, NULL, NULL, "
            "NULL, NULL)",
            rows,
        )
        connection.execute("COMMIT")
        return len(rows)
    finally:
        connection.close()


# -- the workload --------------------------------------------------------------------------


def _fresh(bench: Bench, source: Path, name: str) -> Path:
    return bench.copy_of(source, name)


def w2(bench: Bench) -> Result:
    demo = _small_demo(bench)
    source, planted = _contacts_file(bench, demo)
    wards, existing = _store_facts(demo / "pcso-desk.sqlite")
    state: dict[str, Any] = {}

    def close() -> None:
        services = state.pop("services", None)
        if services is not None:
            services.ctx.store.close()

    def setup_import() -> None:
        close()
        folder = _fresh(bench, demo, "w2-import")
        state["services"] = open_signed_in(folder)

    def run_import() -> None:
        state["report"] = state["services"].import_contacts(source)

    def setup_raw() -> None:
        close()
        state["raw"] = _fresh(bench, demo, "w2-raw") / "pcso-desk.sqlite"

    def run_raw() -> None:
        state["raw_rows"] = raw_import(state["raw"], source)

    reference = bench.times(run_raw, setup_raw)
    timing = bench.times(run_import, setup_import)
    close()
    report = state["report"]
    rows = bench.contacts
    return slower_ratio(
        "W2",
        f"import a {rows:,}-row contacts CSV",
        timing.median,
        reference.median,
        1.5,
        reference_title="csv.reader + sqlite3 executemany of every row, one transaction",
        rows=rows,
        store=f"small demo ({len(existing):,} contacts, {len(wards)} wards)",
        added=report.added,
        updated=report.updated,
        skipped=report.skipped,
        rejected=report.rejected,
        planted=planted,
        reference_rows=state["raw_rows"],
        rows_per_s=round(rows / timing.median),
        reference_rows_per_s=round(rows / reference.median),
        p95=round(timing.p95(), 3),
        reference_p95=round(reference.p95(), 3),
        runs=[round(t, 3) for t in timing.runs],
        reference_runs=[round(t, 3) for t in reference.runs],
    )


# -- W11: a postcode shared by thousands of rows ----------------------------------------------
#
# The file. `BLOCK_ROWS` rows (200,000; 3,000 in quick mode) made as W2 makes its new rows,
# written twice: once with a different postcode on every row (the reference), once with the
# same rows spread over nine postcodes (thousands of rows a postcode: a quadratic within-file
# duplicate check took 825 s on such a file and was killed). The same rows otherwise, so the
# ratio is the cost of the shared postcodes alone. Each is imported, as W2 imports, into a
# fresh copy of the small demo store; budget: at most twice the reference.

BLOCK_ROWS = 200_000
SHARED_POSTCODES = tuple(f"SG{n} 1AA" for n in range(1, 10))


def write_block_files(folder: Path, rows: int, store: Path) -> tuple[Path, Path]:
    """The two seeded files (distinct postcodes, nine postcodes) described above."""
    distinct, shared = folder / f"w11-distinct-{rows}.csv", folder / f"w11-shared-{rows}.csv"
    if distinct.exists() and shared.exists():
        return distinct, shared
    rng = random.Random(SEED * 1000 + rows + 10)
    wards, _existing = _store_facts(store)
    pools = _name_pools()
    made = [_new_row(rng, pools, wards) for _ in range(rows)]
    per_outward = 10 * len(INWARD_LETTERS) ** 2
    for path, postcode in (
        (distinct, lambda n: _nth_postcode(n, per_outward)),
        (shared, lambda n: SHARED_POSTCODES[n % len(SHARED_POSTCODES)]),
    ):
        tmp = path.with_suffix(".tmp")
        with tmp.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(HEADER)
            for number, row in enumerate(made):
                writer.writerow([*row[:6], postcode(number), *row[7:]])
        tmp.replace(path)
    return distinct, shared


def _nth_postcode(number: int, per_outward: int) -> str:
    """A different postcode for each number (51 outward codes × 4,000 inward codes)."""
    outward, inward = OUTWARD[number // per_outward], number % per_outward
    letters = len(INWARD_LETTERS)
    first, second = divmod(inward % letters**2, letters)
    return f"{outward} {inward // letters**2}{INWARD_LETTERS[first]}{INWARD_LETTERS[second]}"


def w11(bench: Bench) -> Result:
    demo = _small_demo(bench)
    rows = 3_000 if bench.quick else BLOCK_ROWS
    distinct, shared = write_block_files(bench.work, rows, demo / "pcso-desk.sqlite")
    state: dict[str, Any] = {}

    def close() -> None:
        services = state.pop("services", None)
        if services is not None:
            services.ctx.store.close()

    def setup() -> None:
        close()
        state["services"] = open_signed_in(_fresh(bench, demo, "w11-import"))

    def run(source: Path) -> None:
        state[source.name] = state["services"].import_contacts(source)

    runs = 2 if bench.quick else min(bench.runs, 3)
    reference = bench.times(lambda: run(distinct), setup, runs=runs, warmups=0)
    timing = bench.times(lambda: run(shared), setup, runs=runs, warmups=0)
    close()
    report, reference_report = state[shared.name], state[distinct.name]
    return slower_ratio(
        "W11",
        f"import {rows:,} rows over 9 postcodes",
        timing.median,
        reference.median,
        2,
        reference_title=f"the same {rows:,} rows, a different postcode on each",
        rows=rows,
        added=report.added,
        rejected=report.rejected,
        reference_added=reference_report.added,
        reference_rejected=reference_report.rejected,
        runs=[round(t, 3) for t in timing.runs],
        reference_runs=[round(t, 3) for t in reference.runs],
    )


WORKLOADS = [("W2", w2), ("W11", w11)]
