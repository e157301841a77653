"""`pcso-desk --self-test`: prove an installed copy works, step by step, without a display.

It is what an installer's smoke test and IT's "is it working?" run: a temporary store is
created and migrated, one record of every kind is added through the services, a street
briefing handout and a monthly pack are built, the search index is asked, and the Qt GUI
stack (platform plugin, widgets, SVG icons, style sheet) starts offscreen. One line per step;
exit 0 when every step passed, 1 at the first that failed (its reason on the same line).
The temporary folder is removed afterwards; nothing outside it is read or written.
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, TextIO

from pcso_desk import __version__
from pcso_desk.domain.months import last_complete_month
from pcso_desk.paths import DataPaths

Step = Callable[[], str]
NOW = datetime.now(UTC).replace(microsecond=0)
LAST_MONTH = last_complete_month(NOW.date())


def _records(services: Any) -> str:
    """One record of every kind the services offer, each referring to the ones before."""
    made: dict[str, str] = {}
    earlier = NOW - timedelta(days=20)

    def add(kind: str, values: dict[str, Any]) -> None:
        made[kind] = str(services[kind].create(values).created[0])

    add("districts", {"name": "Selftest District", "code": "STD"})
    add("councils", {"name": "Selftest Parish Council", "kind": "parish"})
    add("police_stations", {"name": "Selftest Police Station"})
    add(
        "neighbourhoods",
        {"name": "Selftest SNT", "code": "STN", "district_id": made["districts"],
         "base_station_id": made["police_stations"]},
    )  # fmt: skip
    add(
        "wards",
        {"name": "Selftest Ward", "code": "STW", "neighbourhood_id": made["neighbourhoods"],
         "council_id": made["councils"], "areas": ["High Street"]},
    )  # fmt: skip
    add("officers", {"name": "PCSO Self Test", "collar_number": "PCSO 0001", "role": "pcso"})
    add("officer_wards", {"officer_id": made["officers"], "ward_id": made["wards"]})
    add("lsoa_wards", {"lsoa_code": "E01000001", "ward_id": made["wards"]})
    add("contacts", {"name": "Sam Selftest", "postcode": "SW1A 1AA", "ward_id": made["wards"]})
    add(
        "engagements",
        {"occurred_at": earlier, "channel": "patrol", "ward_id": made["wards"],
         "officer_id": made["officers"], "summary": "Self-test engagement", "issues": ["asb"]},
    )  # fmt: skip
    add(
        "engagement_contacts",
        {"engagement_id": made["engagements"], "contact_id": made["contacts"]},
    )
    add("kins", {"name": "Selftest KIN", "neighbourhood_id": made["neighbourhoods"]})
    add(
        "kin_members",
        {"kin_id": made["kins"], "contact_id": made["contacts"], "joined_on": earlier.date()},
    )
    add(
        "kin_checkins",
        {"member_id": made["kin_members"], "checked_on": earlier.date(), "method": "phone",
         "safety_score": 4},
    )  # fmt: skip
    add(
        "meetings",
        {"meeting_type": "pact", "title": "Selftest PACT", "starts_at": NOW + timedelta(days=7),
         "neighbourhood_id": made["neighbourhoods"]},
    )  # fmt: skip
    add("meeting_wards", {"meeting_id": made["meetings"], "ward_id": made["wards"]})
    add("meeting_officers", {"meeting_id": made["meetings"], "officer_id": made["officers"]})
    add(
        "priorities",
        {"title": "Selftest priority", "public_wording": "Parking near the school",
         "category": "parking", "neighbourhood_id": made["neighbourhoods"],
         "ward_id": made["wards"], "agreed_on": earlier.date(),
         "review_on": earlier.date() + timedelta(days=90)},
    )  # fmt: skip
    add(
        "priority_actions",
        {"priority_id": made["priorities"], "action_on": earlier.date(),
         "public_text": "We patrolled at school times."},
    )  # fmt: skip
    add(
        "victim_cases",
        {"victim_id": made["contacts"], "crime_reference": "00 00001 26",
         "offence_type": "Burglary", "opened_at": earlier, "ward_id": made["wards"]},
    )  # fmt: skip
    add(
        "victim_contacts",
        {"case_id": made["victim_cases"], "contacted_at": earlier, "visit_type": "follow_up",
         "method": "visit"},
    )  # fmt: skip
    add(
        "patrol_sessions",
        {"officer_id": made["officers"], "ward_id": made["wards"], "mode": "foot",
         "starts_at": earlier, "ends_at": earlier + timedelta(hours=2)},
    )  # fmt: skip
    add(
        "abstractions",
        {"officer_id": made["officers"], "reason": "training", "starts_at": earlier,
         "ends_at": earlier + timedelta(hours=1)},
    )  # fmt: skip
    add(
        "messages",
        {"received_at": earlier, "channel": "email", "subject": "Self-test message",
         "kind": "information", "neighbourhood_id": made["neighbourhoods"]},
    )  # fmt: skip
    add(
        "intelligence_reports",
        {"force_reference": "SELFTEST/1", "submitted_on": earlier.date(), "category": "drugs",
         "source_type": "member_of_public", "ward_id": made["wards"]},
    )  # fmt: skip
    add("crime_counts", {"ward_id": made["wards"], "month": LAST_MONTH, "crime_type": "Burglary",
                         "count": 3})  # fmt: skip
    kinds = set(services.records)
    missing = sorted(kinds - set(made))
    if missing:
        raise AssertionError(f"no record made of: {', '.join(missing)}")
    return f"{len(made)} record kinds created"


def _store(root: Path) -> tuple[Any, Step]:
    from pcso_desk.app import build_services
    from pcso_desk.services.maintenance import init_store
    from pcso_desk.store import migrate

    services = build_services(DataPaths(root / "data").ensure())
    init_store(services.ctx, "Selftest SNT")
    revision = migrate.current_revision(services.ctx.store.engine)
    if revision != migrate.head_revision():
        raise AssertionError(f"store at {revision}, expected {migrate.head_revision()}")
    return services, lambda: f"store created and migrated to revision {revision}"


def _briefing(services: Any) -> str:
    from pcso_desk.services.documents import briefings

    area = briefings.find_area(services.ctx, "ward", "Selftest Ward")
    pdf = briefings.handout_pdf(briefings.handout(services.ctx, area, date.today()))
    if not pdf.startswith(b"%PDF"):
        raise AssertionError("the handout is not a PDF")
    return f"street briefing handout built ({len(pdf) // 1024} KB)"


def _pack(services: Any, root: Path) -> str:
    from pcso_desk.services.documents import packs

    target = packs.build_pack(
        services.ctx, "neighbourhood", "Selftest SNT", LAST_MONTH, root / "pack.zip", internal=False
    )
    size = target.stat().st_size
    return f"monthly pack for {LAST_MONTH} built ({target.name}, {size // 1024} KB)"


def _search(services: Any) -> str:
    hits = services.search("Selftest")
    if not any("Sam Selftest" in hit.title for hit in hits):
        raise AssertionError("the search index did not find the contact")
    return f"search index answers ({len(hits)} hits)"


def _gui() -> str:
    from pcso_desk.gui.selftest import gui_check

    return gui_check()


def run_self_test(out: TextIO | None = None) -> int:
    out = out or sys.stdout
    frozen = "frozen app" if getattr(sys, "frozen", False) else "Python package"
    print(
        f"PCSO Desk {__version__} self-test ({frozen}, Python {sys.version.split()[0]})", file=out
    )
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="pcso-desk-selftest-") as folder:
        root = Path(folder)
        services: Any = None
        try:
            services, said = _store(root)
            steps: list[Step] = [
                said,
                lambda: _records(services),
                lambda: _briefing(services),
                lambda: _pack(services, root),
                lambda: _search(services),
                _gui,
            ]
            for step in steps:
                print(f"ok    {step()}", file=out, flush=True)
        except Exception as exc:
            print(f"FAIL  {type(exc).__name__}: {exc}", file=out, flush=True)
            return 1
        finally:
            if services is not None:
                services.ctx.store.close()
    print(f"All steps passed in {time.monotonic() - started:.1f} s.", file=out)
    return 0
