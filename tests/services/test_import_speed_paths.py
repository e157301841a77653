"""The fast paths of a contacts import keep its behaviour: one INSERT per batch with every
value in place, one-pass reading of a row's cells, precomputed choice spellings."""

from __future__ import annotations

import math
from typing import Any

import pytest
from sqlalchemy import event, select

from pcso_desk.domain.enums import ContactKind, ContactMethod, LawfulBasis
from pcso_desk.domain.errors import ValidationError
from pcso_desk.services.records import contact_import
from pcso_desk.services.records.contact_import import import_contacts
from pcso_desk.services.records.csv_headers import map_headers, parse_choice
from pcso_desk.store.models import Contact

HEADER = "Name,Postcode,Phone,Email,Ward,Type,Preferred method,Lawful basis,Tags,Notes"
ROWS = [
    "Ash Example,AL1 3AB,01632 960001,ash@example.com,Riverside Central,Business,Email,"
    "Consent,shop; nhw,Keys with neighbour",
    "Bo Demo,,,,,,,,,",  # every optional value blank: None or "" in the same INSERT
    "Cy Trial,SG1 1AA,07700 900002,,RIV-E,,Phone,,,",
    "Di Sample,,,di@example.org,,Councillor,,Public task,,",
    "Ed Mock,WD17 1AA,,,,,,,newsletter,",
]


def _inserts(ctx: Any) -> list[tuple[str, int]]:
    """(statement, rows) of every INSERT INTO contacts while the list is being filled."""
    seen: list[tuple[str, int]] = []

    def spy(_conn: Any, _cursor: Any, statement: str, params: Any, _c: Any, many: bool) -> None:
        if statement.startswith("INSERT INTO contacts "):
            seen.append((statement, len(params) if many else 1))

    event.listen(ctx.store.engine, "before_cursor_execute", spy)
    return seen


def test_new_contacts_go_in_one_insert_per_batch_with_every_value(  # type: ignore[no-untyped-def]
    ctx, world, tmp_path, monkeypatch
) -> None:
    source = tmp_path / "c.csv"
    source.write_text("\n".join([HEADER, *ROWS]) + "\n", encoding="utf-8")
    monkeypatch.setattr(contact_import, "BATCH", 2)
    inserts = _inserts(ctx)

    report = import_contacts(ctx, source)

    assert (report.added, report.rejected) == (5, 0)
    # Mixed blank and filled values do not split a batch into several statements.
    assert [rows for _statement, rows in inserts] == [2, 2, 1]
    assert len(inserts) == math.ceil(len(ROWS) / 2)
    with ctx.store.read() as session:
        found = {c.name: c for c in session.scalars(select(Contact))}
    ash, bo, cy, di, ed = (found[row.split(",")[0]] for row in ROWS)
    assert (ash.postcode, ash.phone, ash.email) == ("AL1 3AB", "+441632960001", "ash@example.com")
    assert (ash.ward_id, ash.kind, ash.preferred_method) == (world.ward, "business", "email")
    assert (ash.lawful_basis, ash.tags, ash.notes) == (
        "consent",
        ["shop", "nhw"],
        "Keys with neighbour",
    )
    assert (bo.postcode, bo.phone, bo.email, bo.ward_id) == ("", "", "", None)
    assert (bo.kind, bo.preferred_method, bo.lawful_basis) == ("resident", None, "public_task")
    assert (bo.tags, bo.notes, bo.organisation, bo.address) == ([], "", "", "")
    assert (bo.consent_by, bo.consent_how, bo.consent_told) == ("", "", "")  # column defaults
    assert (bo.review_date, bo.merged_into_id, bo.deleted_at, bo.field_clocks) == (None,) * 4
    assert (cy.ward_id, cy.phone, cy.preferred_method) == (
        world.other_ward,
        "+447700900002",
        "phone",
    )
    assert (di.kind, di.email, di.lawful_basis) == ("councillor", "di@example.org", "public_task")
    assert ed.tags == ["newsletter"] and ed.postcode == "WD17 1AA"
    ids = {c.id for c in found.values()}
    hlcs = {c.hlc for c in found.values()}
    assert len(ids) == len(hlcs) == 5  # each row its own id and clock value
    for contact in found.values():
        assert contact.station_id == ctx.station_id and contact.created_at == contact.updated_at
        assert contact.created_by == contact.updated_by == ctx.officer_id


def test_the_new_rows_are_indexed_for_search_and_duplicate_checks(ctx, world, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The FTS triggers still index the rows the Core insert adds."""
    source = tmp_path / "c.csv"
    source.write_text("\n".join([HEADER, *ROWS]) + "\n", encoding="utf-8")
    import_contacts(ctx, source)
    with ctx.store.read() as session:
        indexed = (
            session.connection()
            .exec_driver_sql(
                "SELECT count(*) FROM contacts_fts WHERE contacts_fts MATCH 'name : \"demo\"'"
            )
            .scalar_one()
        )
    assert indexed == 1

    again = tmp_path / "again.csv"
    again.write_text("Name\nBO  DEMO\n", encoding="utf-8")  # no keys: found by name alone
    report = import_contacts(ctx, again)

    assert (report.added, report.rejected) == (0, 1)
    assert report.rejects[0].reason.startswith("Likely duplicate of existing contact Bo Demo;")


@pytest.mark.parametrize(
    "row",
    [
        ["Ann", "'=Lee", "", "  ", "'+44 1632 960001", "x"],
        ["", "", "Ann Lee"],  # short row: missing cells are blank
        [" Ann ", "Lee", "Full Name", "1 Mill Lane", "", "Extra", "more"],
        [],
    ],
)
def test_reading_a_row_in_one_pass_matches_reading_it_field_by_field(row: list[str]) -> None:
    headers = map_headers(["First", "Surname", "Name", "Address 1", "Phone", "Mobile"])
    found = headers.values(row)
    expected = {field: headers.value(row, field) for field in headers.columns}
    assert found == {field: text for field, text in expected.items() if text}


@pytest.mark.parametrize(
    ("enum_cls", "raw", "member"),
    [
        (ContactKind, "Faith group", ContactKind.FAITH_GROUP),
        (ContactKind, " FAITH_GROUP ", ContactKind.FAITH_GROUP),
        (ContactKind, "church", ContactKind.FAITH_GROUP),
        (ContactKind, "N.H.W.", ContactKind.NHW_COORDINATOR),
        (ContactMethod, "Telephone", ContactMethod.PHONE),
        (ContactMethod, "in-person", ContactMethod.IN_PERSON),
        (LawfulBasis, "Legitimate interest", LawfulBasis.LEGITIMATE_INTERESTS),
    ],
)
def test_choices_are_read_as_before(enum_cls: Any, raw: str, member: Any) -> None:
    assert parse_choice(enum_cls, raw) is member


def test_an_unknown_choice_is_still_one_sentence_naming_the_choices() -> None:
    with pytest.raises(ValidationError) as caught:
        parse_choice(ContactMethod, " Pigeon ")
    choices = ", ".join(member.value.replace("_", " ") for member in ContactMethod)
    assert caught.value.message == f"'Pigeon' is not a preferred method; choose one of: {choices}."
