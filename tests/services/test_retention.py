"""Retention review: what is due when, keep with a reason and a date, dispose, expiring notes."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import text

from pcso_desk.domain.enums import UserRole
from pcso_desk.domain.errors import ValidationError
from pcso_desk.services.api import Services
from pcso_desk.services.context import Context
from pcso_desk.services.documents.monthly import find_area, monthly_figures
from pcso_desk.services.protection import accounts
from pcso_desk.services.protection.retention import NotesSettings, expire_notes
from tests.factories import d, make_world, utc

PASSWORD = "correct horse battery"


def _due(services: Services, today: str) -> dict[tuple[str, str], Any]:
    return {(i.kind, i.row_id): i for i in services.retention.queue(d(today)).items}


def _seed(services: Services) -> dict[str, str]:
    world = make_world(services)
    made: dict[str, str] = {"world_ward": world.ward}
    contacts = services.contacts
    made["talked"] = contacts.create({"name": "Tess Talked"}).created[0]
    made["dated"] = contacts.create({"name": "Dora Dated", "review_date": d("2026-01-10")}).created[
        0
    ]
    engagement = services.engagements.create(
        {"occurred_at": utc(2026, 3, 2, 10), "channel": "phone", "summary": "bins",
         "ward_id": world.ward}
    ).created[0]  # fmt: skip
    services["engagement_contacts"].create(
        {"engagement_id": engagement, "contact_id": made["talked"]}
    )
    made["case"] = services["victim_cases"].create(
        {"victim_id": made["talked"], "crime_reference": "41 10001 26", "offence_type": "Theft",
         "opened_at": utc(2026, 1, 5, 9), "ward_id": world.ward, "safe_contact_notes": "side door"}
    ).created[0]  # fmt: skip
    made["visit"] = services["victim_contacts"].create(
        {"case_id": made["case"], "contacted_at": utc(2026, 1, 6, 10), "notes": "fitted a lock",
         "visit_type": "initial_reassurance", "method": "visit"}
    ).created[0]  # fmt: skip
    services.victims.close(made["case"], reason="moved away", satisfaction=4)
    kin = services["kins"].create({"name": "High St KIN", "neighbourhood_id": world.neighbourhood})
    made["member"] = services["kin_members"].create(
        {"kin_id": kin.created[0], "contact_id": made["dated"], "joined_on": d("2025-05-01"),
         "why_key": "runs the shop", "left_on": d("2026-02-01")}
    ).created[0]  # fmt: skip
    made["message"] = services["messages"].create(
        {"received_at": utc(2026, 2, 3, 9), "channel": "email", "from_name": "Mo Sender",
         "subject": "Parking", "body": "cars on the verge", "kind": "request"}
    ).created[0]  # fmt: skip
    return made


def test_each_kind_is_due_its_documented_period_after_its_event(services: Services) -> None:
    made = _seed(services)
    assert set(_due(services, "2026-01-09")) == set()
    assert set(_due(services, "2026-01-10")) == {("contacts", made["dated"])}  # its own date
    closed_on = services["victim_cases"].get(made["case"])["closed_at"].date()
    case_due = date(closed_on.year + 1, closed_on.month, closed_on.day)
    a_year_on = _due(services, "2027-02-03")
    assert ("kin_members", made["member"]) in a_year_on  # left 1 Feb 2026 + 12 months
    assert ("messages", made["message"]) in a_year_on  # received 3 Feb 2026 + 12 months
    assert ("contacts", made["talked"]) not in a_year_on  # last engagement 2 Mar 2026 + 24
    assert ("victim_cases", made["case"]) not in a_year_on  # closed today, due in a year
    before_due = date.fromordinal(case_due.toordinal() - 1).isoformat()
    assert ("victim_cases", made["case"]) not in _due(services, before_due)
    assert ("victim_cases", made["case"]) in _due(services, case_due.isoformat())
    assert ("contacts", made["talked"]) in _due(services, "2028-03-02")


def test_keeping_needs_a_reason_and_a_later_date_and_moves_the_review(services: Services) -> None:
    made = _seed(services)
    today = date.today()
    with pytest.raises(ValidationError, match="reason"):
        services.retention.keep("messages", made["message"], "  ", date(today.year + 1, 1, 1))
    with pytest.raises(ValidationError, match="after today"):
        services.retention.keep("messages", made["message"], "open complaint", today)
    with services.ctx.store.read() as session:
        assert session.execute(text("SELECT count(*) FROM retention_reviews")).scalar() == 0
    until = date(today.year + 2, 6, 1)
    services.retention.keep("messages", made["message"], "open complaint", until)
    services.retention.keep("contacts", made["dated"], "active KIN contact", until)
    later = _due(services, date(today.year + 2, 5, 31).isoformat())
    assert ("messages", made["message"]) not in later
    assert ("contacts", made["dated"]) not in later
    assert services.contacts.get(made["dated"])["review_date"] == until
    assert ("messages", made["message"]) in _due(services, until.isoformat())


def test_disposing_keeps_the_counts_and_removes_the_details(services: Services) -> None:
    made = _seed(services)
    area = find_area(services.ctx, "neighbourhood", "Riverside SNT")
    months = ("2026-01", "2026-02")
    before = [monthly_figures(services.ctx, area, mo) for mo in months]
    assert services.retention.dispose("victim_cases", made["case"]).erased == 2
    assert services.retention.dispose("kin_members", made["member"]).erased == 1
    assert services.retention.dispose("messages", made["message"]).erased == 1
    assert [monthly_figures(services.ctx, area, mo) for mo in months] == before
    case = services["victim_cases"].get(made["case"])
    assert (case["crime_reference"], case["safe_contact_notes"], case["status"]) == (
        "", "", "closed",
    )  # fmt: skip
    assert services["victim_contacts"].get(made["visit"])["notes"] == ""
    member = services["kin_members"].get(made["member"])
    assert (member["why_key"], member["left_on"]) == ("", d("2026-02-01"))
    message = services["messages"].get(made["message"])
    assert (message["from_name"], message["subject"], message["body"]) == ("", "", "")
    assert not {k for k, _ in _due(services, "2030-01-01")} & {"victim_cases", "messages"}


def test_an_admin_sees_that_a_case_is_due_but_not_whose(ctx: Context, services: Services) -> None:
    made = _seed(services)
    accounts.create_account(ctx, "admin-user", PASSWORD, UserRole.ADMIN, None)
    admin = Services(Context.open(ctx.store))
    accounts.sign_in(admin.ctx, "admin-user", PASSWORD)
    cases = [i for i in admin.retention.queue(d("2030-01-01")).items if i.kind == "victim_cases"]
    assert [i.row_id for i in cases] == [made["case"]]
    assert "Tess" not in cases[0].title and "10001" not in cases[0].title
    assert "restricted" in cases[0].title
    sergeant_view = services.retention.queue(d("2030-01-01")).items
    assert "Case 41/10001/26: Tess Talked" in {i.title for i in sergeant_view}


def test_notes_expire_by_age_and_doorstep_notes_sooner_when_set(services: Services) -> None:
    world = make_world(services)
    log = services.engagements

    def logged(channel: str, day: int, summary: str) -> str:
        return str(
            log.create(
                {"occurred_at": utc(2026, 6, day, 10), "channel": channel, "summary": summary,
                 "ward_id": world.ward}
            ).created[0]
        )  # fmt: skip

    doorstep, phone = logged("patrol", 1, "door knock notes"), logged("phone", 2, "phone notes")
    area = find_area(services.ctx, "neighbourhood", "Riverside SNT")
    before = monthly_figures(services.ctx, area, "2026-06")
    assert expire_notes(services.ctx, utc(2026, 7, 1, 9)) == 0  # 24 months: nothing yet
    with pytest.raises(ValidationError, match="0 to 3650"):
        services.retention.save_notes_settings(NotesSettings(24, -1))
    services.retention.save_notes_settings(NotesSettings(24, 14))
    assert expire_notes(services.ctx, utc(2026, 7, 1, 9)) == 1
    assert log.get(doorstep)["summary"] == "" and log.get(phone)["summary"] == "phone notes"
    assert expire_notes(services.ctx, utc(2028, 6, 3, 9)) == 1  # the phone note's two years
    assert log.get(phone)["summary"] == ""
    assert monthly_figures(services.ctx, area, "2026-06") == before
    with services.ctx.store.read() as session:
        actions = session.execute(text("SELECT action FROM audit_log")).scalars().all()
    assert actions.count("expiry") == 2


def test_opening_a_store_expires_old_notes(data_paths: Any) -> None:
    from tests.keys import build_services

    services = build_services(data_paths)
    world = make_world(services)
    old = services.engagements.create(
        {"occurred_at": utc(2023, 1, 5, 10), "channel": "phone", "summary": "long ago",
         "ward_id": world.ward}
    ).created[0]  # fmt: skip
    services.ctx.store.close()
    reopened = build_services(data_paths)
    try:
        assert reopened.engagements.get(old)["summary"] == ""
        assert reopened.retention.expire_notes() == 0
    finally:
        reopened.ctx.store.close()
