"""`services.accounts`, `services.audit` and `services.setup`: what the front ends call.

Each use case is declared once (permission and audit event): an allowed call leaves exactly
its one entry, a refused role gets PermissionDenied and an audited refusal, and the refusals
sign-in and password changes write themselves stay committed although they are raised.
"""

from __future__ import annotations

import csv
import hashlib
import inspect
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from pcso_desk.domain.errors import PermissionDenied, ValidationError
from pcso_desk.services.api import Services
from pcso_desk.services.context import Context
from pcso_desk.services.gateway import declaration
from pcso_desk.services.protection import accounts as account_module
from pcso_desk.services.values import AUDIT_COLUMNS, SetupState
from pcso_desk.store.session import Store

ADMIN_PASSWORD = "admin staple battery"
PASSWORD = "correct horse battery"


def _entries(store: Store, after: int = 0) -> list[tuple[str, str, str, str]]:
    """(action, username, outcome, detail) of every entry after seq `after`, oldest first."""
    with store.read() as session:
        rows = session.execute(
            text(
                "SELECT action, username, outcome, detail FROM audit_log WHERE seq > :after "
                "ORDER BY seq"
            ),
            {"after": after},
        )
        return [tuple(row) for row in rows]  # type: ignore[misc]


def _last_seq(store: Store) -> int:
    with store.read() as session:
        return int(session.execute(text("SELECT coalesce(max(seq), 0) FROM audit_log")).scalar())


def _at_desk(store: Store, username: str | None = None, password: str = PASSWORD) -> Services:
    """A new session at the desk, signed in as `username` if given."""
    services = Services(Context.open(store))
    if username is not None:
        services.accounts.sign_in(username, password)
    return services


@pytest.fixture
def users(services: Services) -> dict[str, str]:
    """An admin and a PCSO, made through the surface while the store is being set up."""
    made = {
        "boss": services.accounts.create("boss", ADMIN_PASSWORD, "admin"),
        "alex": services.accounts.create("alex", PASSWORD, "pcso"),
    }
    return {name: changes.created[0] for name, changes in made.items()}


@pytest.mark.parametrize("surface", ["accounts", "audit", "setup"])
def test_every_public_method_is_a_declared_use_case(services: Services, surface: str) -> None:
    held = getattr(services, surface)
    public = [name for name, _ in inspect.getmembers(type(held)) if not name.startswith("_")]
    assert public
    assert [name for name in public if declaration(getattr(type(held), name)) is None] == []


def test_the_first_admin_is_made_before_anyone_can_sign_in(services: Services) -> None:
    services.accounts.create("boss", ADMIN_PASSWORD, "admin")
    assert _entries(services.ctx.store) == [("create account", "", "ok", "role admin")]


def test_each_admin_change_leaves_its_one_entry(ctx: Context, users: dict[str, str]) -> None:
    admin = _at_desk(ctx.store, "boss", ADMIN_PASSWORD)
    alex = users["alex"]
    calls: list[tuple[str, Callable[[], Any]]] = [
        ("create account", lambda: admin.accounts.create("jo", PASSWORD, "pc")),
        ("reset password", lambda: admin.accounts.reset_password(alex, "a fresh long password")),
        ("change role", lambda: admin.accounts.change_role(alex, "sergeant")),
        ("disable account", lambda: admin.accounts.disable(alex)),
        ("enable account", lambda: admin.accounts.enable(alex)),
    ]
    for event, call in calls:
        before = _last_seq(ctx.store)
        call()
        assert [entry[:3] for entry in _entries(ctx.store, before)] == [(event, "boss", "ok")]
    assert [a.username for a in admin.accounts.list_all()] == ["alex", "boss", "jo"]
    assert admin.accounts.find(" ALEX ").role.value == "sergeant"


def test_a_pcso_is_refused_every_account_change_and_each_refusal_is_audited(
    ctx: Context, users: dict[str, str]
) -> None:
    pcso = _at_desk(ctx.store, "alex")
    boss = users["boss"]
    calls: list[Callable[[], Any]] = [
        pcso.accounts.list_all,
        lambda: pcso.accounts.find("boss"),
        lambda: pcso.accounts.officer_by_collar("1234"),
        lambda: pcso.accounts.create("mallory", "taken over now", "admin"),
        lambda: pcso.accounts.reset_password(boss, "taken over now"),
        lambda: pcso.accounts.change_role(boss, "pcso"),
        lambda: pcso.accounts.disable(boss),
        lambda: pcso.accounts.enable(boss),
    ]
    for call in calls:
        before = _last_seq(ctx.store)
        with pytest.raises(PermissionDenied, match="cannot manage user accounts"):
            call()
        assert [entry[:3] for entry in _entries(ctx.store, before)] == [
            ("refused", "alex", "refused")
        ]


def test_failed_sign_ins_through_the_surface_are_kept_and_lock_the_account(
    ctx: Context, users: dict[str, str]
) -> None:
    before = _last_seq(ctx.store)
    for _ in range(account_module.MAX_FAILURES):
        with pytest.raises(PermissionDenied, match=account_module.WRONG):
            _at_desk(ctx.store).accounts.sign_in("alex", "not the password")
    with pytest.raises(PermissionDenied, match=r"^Too many failed sign-ins"):
        _at_desk(ctx.store).accounts.sign_in("alex", PASSWORD)
    refused = [e[:3] for e in _entries(ctx.store, before)]
    assert refused == [("sign in", "", "refused")] * (account_module.MAX_FAILURES + 1)


def test_signing_in_and_out_leave_one_entry_each(ctx: Context, users: dict[str, str]) -> None:
    before = _last_seq(ctx.store)
    desk = _at_desk(ctx.store)
    assert desk.accounts.sign_in("alex", PASSWORD).username == "alex"
    desk.accounts.sign_out()
    assert desk.ctx.actor is None
    desk.accounts.sign_out()  # no one was signed in: nothing to say
    assert [e[:3] for e in _entries(ctx.store, before)] == [
        ("sign in", "alex", "ok"),
        ("sign out", "alex", "ok"),
    ]


def test_a_wrong_current_password_is_refused_and_the_refusal_kept(
    ctx: Context, users: dict[str, str]
) -> None:
    desk = _at_desk(ctx.store, "alex")
    before = _last_seq(ctx.store)
    with pytest.raises(PermissionDenied, match="current password is not right"):
        desk.accounts.change_password("a wrong guess!", "my new long password")
    desk.accounts.change_password(PASSWORD, "my new long password")
    assert [e[:3] for e in _entries(ctx.store, before)] == [
        ("change password", "alex", "refused"),
        ("change password", "alex", "ok"),
    ]
    assert _at_desk(ctx.store, "alex", "my new long password").ctx.actor is not None


def test_reading_the_audit_log_is_audited_with_the_count(
    ctx: Context, users: dict[str, str]
) -> None:
    admin = _at_desk(ctx.store, "boss", ADMIN_PASSWORD)
    before = _last_seq(ctx.store)
    rows = admin.audit.entries(action="create account", limit=10)
    assert [(row.action, row.seq) for row in rows] == [("create account", 2), ("create account", 1)]
    assert _entries(ctx.store, before) == [("read audit", "boss", "ok", "2 entries")]
    page = admin.audit.entries(before_seq=2)
    assert [row.seq for row in page] == [1]


def test_a_pcso_may_not_read_or_export_the_log_but_may_check_its_chain(
    ctx: Context, users: dict[str, str], tmp_path: Path
) -> None:
    pcso = _at_desk(ctx.store, "alex")
    for call in (pcso.audit.entries, lambda: pcso.audit.export_csv(tmp_path / "log.csv")):
        before = _last_seq(ctx.store)
        with pytest.raises(PermissionDenied, match="cannot read the audit log"):
            call()
        assert [e[:3] for e in _entries(ctx.store, before)] == [("refused", "alex", "refused")]
    assert not (tmp_path / "log.csv").exists()
    before = _last_seq(ctx.store)
    check = pcso.audit.verify()
    assert check.ok and check.entries == before
    assert _at_desk(ctx.store).audit.verify().ok  # signed out too: it shows no one's data
    assert _last_seq(ctx.store) == before


def test_an_export_is_one_entry_naming_the_file_it_wrote(
    ctx: Context, users: dict[str, str], tmp_path: Path
) -> None:
    admin = _at_desk(ctx.store, "boss", ADMIN_PASSWORD)
    (tmp_path / "out").mkdir()
    target = tmp_path / "out" / "audit.csv"
    before = _last_seq(ctx.store)
    assert admin.audit.export_csv(target, action="create account") == 2
    with target.open(encoding="utf-8-sig", newline="") as handle:
        marking, *rows = list(csv.reader(handle))
    assert marking == ["OFFICIAL-SENSITIVE"]
    assert rows[0] == ["Seq", *AUDIT_COLUMNS]
    assert [(row[0], row[4]) for row in rows[1:]] == [
        ("2", "create account"),
        ("1", "create account"),
    ]
    [(action, who, outcome, detail)] = _entries(ctx.store, before)  # no "read audit" besides
    assert (action, who, outcome) == ("export", "boss", "ok")
    digest = hashlib.sha256(target.read_bytes()).hexdigest()
    size = target.stat().st_size
    assert detail == f"2 entries to CSV; audit.csv: {size} bytes, sha256 {digest}"
    assert [p.name for p in target.parent.iterdir()] == ["audit.csv"]  # no hidden leftovers


def test_init_names_the_team_of_a_new_store_with_one_entry(services: Services) -> None:
    assert services.setup.state() == SetupState(None, False)
    assert services.setup.team() == ""
    assert services.setup.init_store("  Riverside   SNT ") == "Riverside SNT"
    assert services.setup.team() == "Riverside SNT"
    assert services.setup.state() == SetupState("Riverside SNT", False)
    assert _entries(services.ctx.store) == [("set up store", "", "ok", "team Riverside SNT")]
    with pytest.raises(ValidationError, match="already set up for team 'Riverside SNT'"):
        services.setup.init_store("Another team")
    assert len(_entries(services.ctx.store)) == 1


def test_naming_the_team_needs_the_organisation_right_once_accounts_exist(
    ctx: Context, users: dict[str, str]
) -> None:
    pcso = _at_desk(ctx.store, "alex")
    before = _last_seq(ctx.store)
    with pytest.raises(PermissionDenied):
        pcso.setup.init_store("Riverside SNT")
    assert [e[:3] for e in _entries(ctx.store, before)] == [("refused", "alex", "refused")]
    assert pcso.setup.team() == ""
