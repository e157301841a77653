"""A person who must not be contacted (consent withdrawn, or held on consent with none
recorded) is left off lists to contact people from, and marked wherever they are chosen."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest

from pcso_desk.services.values import ListQuery
from tests.factories import d, utc

TODAY = date(2026, 11, 24)


@pytest.fixture
def people(services, world) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Two KIN members both overdue a check-in: Ada may be rung, Wanda withdrew consent."""
    contacts = services.contacts
    ada = contacts.create({"name": "Ada Reachable", "phone": "07700 900201"}).created[0]
    wanda = contacts.create(
        {
            "name": "Wanda Withdrawn",
            "phone": "07700 900299",
            "lawful_basis": "consent",
            "consent_at": utc(2025, 6, 1, 10),
            "consent_withdrawn_at": utc(2026, 3, 3, 12),
        }
    ).created[0]
    kin = services["kins"].create({"name": "Mill KIN", "neighbourhood_id": world.neighbourhood})
    members = {}
    for name, contact in (("ada", ada), ("wanda", wanda)):
        members[name] = (
            services["kin_members"]
            .create(
                {
                    "kin_id": kin.created[0],
                    "contact_id": contact,
                    "represents": "Mill Road",
                    "joined_on": d("2026-01-05"),
                }
            )
            .created[0]
        )
    return {"ada": ada, "wanda": wanda, **{f"{k}_member": v for k, v in members.items()}}


def _csv(path: Path) -> list[dict[str, str]]:
    _marking, *rows = csv.reader(io.StringIO(path.read_text("utf-8-sig"), newline=""))
    header, *body = rows
    return [dict(zip(header, row, strict=True)) for row in body]


@pytest.mark.parametrize(("table", "column"), [("contacts", "Name"), ("kin-members", "Member")])
def test_a_contact_export_leaves_off_who_must_not_be_contacted(
    services, people, tmp_path, table, column
) -> None:  # type: ignore[no-untyped-def]
    done = services.export_table(table, "csv", tmp_path / "list.csv")
    names = [row[column] for row in _csv(tmp_path / "list.csv")]
    assert "Ada Reachable" in names and "Wanda Withdrawn" not in names
    assert "07700 900299" not in (tmp_path / "list.csv").read_text("utf-8-sig")
    assert (done.rows, done.left_off) == (len(names), 1)


@pytest.mark.parametrize(("table", "column"), [("contacts", "Name"), ("kin-members", "Member")])
def test_everyone_keeps_them_in_marked_do_not_contact(
    services, people, tmp_path, table, column
) -> None:  # type: ignore[no-untyped-def]
    done = services.export_table(table, "xlsx", tmp_path / "all.xlsx", everyone=True)
    services.export_table(table, "csv", tmp_path / "all.csv", everyone=True)
    rows = {row[column]: row for row in _csv(tmp_path / "all.csv")}
    assert rows["Wanda Withdrawn"]["Do not contact"] == "consent withdrawn 3 March 2026"
    assert rows["Ada Reachable"]["Do not contact"] == ""
    assert done.left_off == 0 and done.rows == len(rows)


def test_records_of_work_are_not_lists_of_people(services, people, tmp_path) -> None:  # type: ignore[no-untyped-def]
    services.records["engagements"].create(
        {"occurred_at": utc(2026, 11, 2, 10), "channel": "phone", "summary": "Rang about bins"}
    )
    done = services.export_table("engagements", "csv", tmp_path / "e.csv")
    assert done.left_off == 0 and done.rows == 1
    assert "Do not contact" not in (tmp_path / "e.csv").read_text("utf-8-sig")


def test_the_contact_picker_marks_who_must_not_be_contacted(services, people) -> None:  # type: ignore[no-untyped-def]
    found = dict(services.find_contacts("Wanda")) | dict(services.find_contacts("Ada"))
    assert found[people["wanda"]] == "Wanda Withdrawn — do not contact"
    assert found[people["ada"]] == "Ada Reachable"


def test_a_member_record_and_the_member_list_mark_them(services, people) -> None:  # type: ignore[no-untyped-def]
    member = services["kin_members"].get(people["wanda_member"])
    assert member["contact_id_label"] == "Wanda Withdrawn — do not contact"  # the editor's picker
    labels = {row["contact_id_label"] for row in services["kin_members"].page(ListQuery()).rows}
    assert labels == {"Ada Reachable", "Wanda Withdrawn — do not contact"}


def test_no_check_in_falls_due_for_a_member_who_must_not_be_contacted(services, people) -> None:  # type: ignore[no-untyped-def]
    due = services.kins.due(TODAY, within_days=7)
    assert [member.contact_name for member in due] == ["Ada Reachable"]
    # Consent given again (the withdrawal cleared): due again.
    services.contacts.update(
        people["wanda"], {"consent_withdrawn_at": None, "consent_at": utc(2026, 11, 1, 9)}
    )
    due = services.kins.due(TODAY, within_days=7)
    assert sorted(member.contact_name for member in due) == ["Ada Reachable", "Wanda Withdrawn"]


def test_a_victim_case_due_stays_listed_but_marked(services, people) -> None:  # type: ignore[no-untyped-def]
    services["victim_cases"].create(
        {
            "victim_id": people["wanda"],
            "crime_reference": "41 66666 26",
            "offence_type": "Theft",
            "opened_at": utc(2026, 11, 2, 10),
        }
    )
    due = services.victims.due(utc(2026, 11, 24, 9))
    assert [case.victim_name for case in due] == ["Wanda Withdrawn — do not contact"]
