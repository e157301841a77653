"""The audit log: one entry per audited action, no personal data, and tampering is found."""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from pcso_desk.app import main
from pcso_desk.domain.errors import PermissionDenied
from pcso_desk.paths import DataPaths
from pcso_desk.services.api import Services
from pcso_desk.services.context import Context
from pcso_desk.services.maintenance import init_store
from pcso_desk.services.protection import accounts, audit
from tests.factories import World, make_world, utc
from tests.keys import build_services

PASSWORD = "correct horse battery"
CANARY = "Zebedee Canary"
CANARY_PARTS = ("zebedee", "canary")
SEARCH_WORDS = "Zebedee"


class Desk:
    """A station with accounts, and a sergeant signed in on a context of their own."""

    def __init__(self, root: Path) -> None:
        self.paths = DataPaths(root / "station").ensure()
        self.setup = build_services(self.paths)
        init_store(self.setup.ctx, "Riverside SNT")
        self.world: World = make_world(self.setup)
        accounts.create_account(self.setup.ctx, "sarge", PASSWORD, "sergeant")
        self.services = Services(Context.open(self.setup.ctx.store))
        accounts.sign_in(self.services.ctx, "sarge", PASSWORD)
        self.root = root

    def rows(self) -> list[dict[str, Any]]:
        audit.flush(self.setup.ctx.store)  # entries queued (a search's) are written first
        with self.setup.ctx.store.read() as session:
            found = session.execute(text("SELECT * FROM audit_log ORDER BY seq"))
            return [dict(row._mapping) for row in found]

    def one_entry(self, call: Callable[[], object]) -> dict[str, Any]:
        """Do `call` and return the single audit entry it wrote."""
        before = len(self.rows())
        call()
        added = self.rows()[before:]
        assert len(added) == 1, [(r["action"], r["detail"]) for r in added]
        return added[0]

    def contact(self, name: str = CANARY) -> str:
        return str(self.setup.contacts.create({"name": name, "postcode": "AL1 3AB"}).created[0])


@pytest.fixture
def desk(tmp_path: Path) -> Desk:
    return Desk(tmp_path)


def _no_canary(rows: list[dict[str, Any]]) -> None:
    for row in rows:
        for column, value in row.items():
            for part in CANARY_PARTS:
                assert part not in str(value).lower(), (column, value)


def test_create_change_and_delete_each_write_one_entry_without_values(desk: Desk) -> None:
    contacts = desk.services.contacts
    created: list[str] = []
    entry = desk.one_entry(lambda: created.extend(contacts.create({"name": CANARY}).created))
    assert (entry["action"], entry["kind"], entry["username"]) == ("create", "contacts", "sarge")
    assert created[0] in entry["record_ids"]
    change = {"name": "Zebedee Canary-Smith", "notes": "Canary notes"}
    entry = desk.one_entry(lambda: contacts.update(created[0], change))
    assert (entry["action"], entry["detail"]) == ("change", "fields: name, notes")
    entry = desk.one_entry(lambda: contacts.delete(created[0]))
    assert (entry["action"], entry["outcome"]) == ("delete", "ok")
    _no_canary(desk.rows())


def test_opening_a_victim_case_is_audited_and_an_ordinary_record_is_not(desk: Desk) -> None:
    victim = desk.contact()
    case = (
        desk.setup["victim_cases"]
        .create(
            {
                "victim_id": victim,
                "crime_reference": "41 12345 26",
                "offence_type": "Burglary",
                "opened_at": utc(2026, 7, 2, 10),
            }
        )
        .created[0]
    )
    entry = desk.one_entry(lambda: desk.services["victim_cases"].get(case))
    assert (entry["action"], entry["kind"], entry["record_ids"]) == (
        "view",
        "victim_cases",
        f'["{case}"]',
    )
    before = len(desk.rows())
    desk.services.contacts.get(victim)
    assert len(desk.rows()) == before


def test_a_search_records_the_count_never_the_words(desk: Desk) -> None:
    desk.contact()
    hits: list[Any] = []
    entry = desk.one_entry(lambda: hits.extend(desk.services.search(SEARCH_WORDS)))
    assert hits, "the canary should be found"
    assert (entry["action"], entry["detail"]) == ("search", f"{len(hits)} results")
    _no_canary(desk.rows())


def test_export_import_and_print_each_write_one_entry(desk: Desk) -> None:
    desk.contact()
    out = desk.root / "contacts.csv"
    entry = desk.one_entry(lambda: desk.services.export_table("contacts", "csv", out))
    assert (entry["action"], entry["kind"]) == ("export", "contacts")
    digest = hashlib.sha256(out.read_bytes()).hexdigest()
    size = out.stat().st_size
    assert entry["detail"] == f"1 row(s) as csv; contacts.csv: {size} bytes, sha256 {digest}"
    source = desk.root / "new-contacts.csv"
    source.write_text("Full Name,Post Code\nZebedee Canarybird,SG1 1AA\nOtto Finch,WD17 1AA\n")
    entry = desk.one_entry(lambda: desk.services.import_contacts(source))
    assert (entry["action"], entry["kind"]) == ("import", "contacts")
    documents = desk.services.documents
    area = documents.find_area("ward", "RIV-C")
    entry = desk.one_entry(lambda: documents.print_handout(area, date(2026, 7, 1)))
    assert (entry["action"], entry["kind"], entry["record_ids"]) == (
        "print",
        "briefing",
        f'["{desk.world.ward}"]',
    )
    _no_canary(desk.rows())


def test_a_preview_on_screen_is_a_preview_not_a_print(desk: Desk) -> None:
    documents = desk.services.documents
    area = documents.find_area("ward", "RIV-C")
    pdf: list[bytes] = []
    entry = desk.one_entry(lambda: pdf.append(documents.preview_handout(area, date(2026, 7, 1))))
    assert pdf[0].startswith(b"%PDF")
    assert (entry["action"], entry["kind"], entry["record_ids"]) == (
        "preview",
        "briefing",
        f'["{desk.world.ward}"]',
    )


def test_a_pdf_written_to_a_file_is_a_print_with_its_size_and_digest(desk: Desk) -> None:
    documents = desk.services.documents
    area = documents.find_area("ward", "RIV-C")
    out = desk.root / "handout.pdf"
    entry = desk.one_entry(
        lambda: documents.save_handout(area, date(2026, 7, 1), out, large_print=True)
    )
    digest = hashlib.sha256(out.read_bytes()).hexdigest()
    size = out.stat().st_size
    assert (entry["action"], entry["kind"], entry["record_ids"]) == (
        "print",
        "briefing",
        f'["{desk.world.ward}"]',
    )
    assert entry["detail"] == f"large print; handout.pdf: {size} bytes, sha256 {digest}"
    assert [p.name for p in desk.root.iterdir() if "handout" in p.name] == ["handout.pdf"]


def test_a_sign_in_writes_one_entry(desk: Desk) -> None:
    ctx = Context.open(desk.setup.ctx.store)
    entry = desk.one_entry(lambda: accounts.sign_in(ctx, "sarge", PASSWORD))
    assert (entry["action"], entry["username"], entry["outcome"]) == ("sign in", "sarge", "ok")


def test_a_failed_sign_in_writes_one_entry(desk: Desk) -> None:
    def wrong() -> None:
        with pytest.raises(PermissionDenied):
            accounts.sign_in(Context.open(desk.setup.ctx.store), "sarge", "not the password")

    entry = desk.one_entry(wrong)
    assert (entry["action"], entry["outcome"]) == ("sign in", "refused")


def test_a_sync_export_writes_one_entry(desk: Desk) -> None:
    peer = build_services(DataPaths(desk.root / "peer").ensure())
    init_store(peer.ctx, "Riverside SNT")
    card = desk.root / "peer.identity"
    peer.sync.write_identity(card)
    peer.ctx.store.close()
    desk.setup.sync.trust(desk.setup.sync.read_identity(card))
    bundle = desk.root / "out.bundle"
    entry = desk.one_entry(lambda: desk.services.sync.export_bundle(bundle))
    assert (entry["action"], entry["kind"], entry["username"]) == ("sync export", "sync", "sarge")


def test_the_chain_of_a_busy_store_verifies(desk: Desk) -> None:
    victim = desk.contact()
    desk.services.contacts.update(victim, {"notes": "Called back"})
    desk.services.search("Zebedee")
    report = desk.services.check()
    assert report.ok, report.problems
    assert report.audit_entries == len(desk.rows()) > 5


def _tamper(desk: Desk, sql: str) -> None:
    """Change the store as someone with a plain SQLite tool would: triggers dropped first."""
    connection = sqlite3.connect(desk.paths.store)
    try:
        connection.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
        connection.execute("DROP TRIGGER IF EXISTS audit_log_no_delete")
        connection.execute(sql)
        connection.commit()
    finally:
        connection.close()


def test_an_entry_written_across_a_second_boundary_still_verifies(
    desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The clock is read once per entry: a busy machine once wrote an entry whose hash was
    taken at one second and whose time was stored at the next, and `check` called it
    changed outside the app (a SIGKILL durability run found it)."""
    from datetime import UTC, datetime, timedelta

    from pcso_desk.services.protection import audit

    ticks = iter(datetime(2026, 7, 1, 9, 0, 0, 999_999, UTC) + timedelta(microseconds=i)
                 for i in range(1000))  # fmt: skip
    monkeypatch.setattr(audit, "utcnow", lambda: next(ticks))
    desk.contact()
    desk.services.search("Zebedee")
    monkeypatch.undo()
    report = desk.services.check()
    assert report.ok, report.problems


def test_the_app_itself_cannot_change_or_delete_an_entry(desk: Desk) -> None:
    connection = sqlite3.connect(desk.paths.store)
    try:
        with pytest.raises(sqlite3.DatabaseError):
            connection.execute("UPDATE audit_log SET detail = 'x' WHERE seq = 1")
        with pytest.raises(sqlite3.DatabaseError):
            connection.execute("DELETE FROM audit_log WHERE seq = 1")
    finally:
        connection.rollback()
        connection.close()


@pytest.mark.parametrize(
    ("sql", "problem"),
    [
        (
            "UPDATE audit_log SET detail = 'fields: notes' WHERE seq = 3",
            "audit log: entry 3 was changed outside the app (the first bad entry is 3).",
        ),
        (
            "DELETE FROM audit_log WHERE seq = 3",
            "audit log: entry 3 is missing (the first bad entry is 3).",
        ),
    ],
    ids=["edited", "deleted"],
)
def test_an_entry_changed_outside_the_app_is_found_and_named(
    desk: Desk, sql: str, problem: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert len(desk.rows()) >= 5
    _tamper(desk, sql)
    report = desk.services.check()
    assert not report.ok
    assert report.problems[0] == problem
    assert "guard triggers audit_log_no_update and audit_log_no_delete" in report.problems[1]
    code = main(["--data-dir", str(desk.paths.root), "check"])
    out, err = capsys.readouterr()
    assert code == 1, err
    assert f"Problem: {problem}" in out
    assert "Store has problems." in out
