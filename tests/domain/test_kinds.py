"""Each record kind is declared once (domain/kinds), and everything else reads that.

The declaration and the model must agree: a field names a real column, and every column a
save may set is either a form field or named as set by its own step. A column added to a
model without a declaration fails here, before it can be silently missing from the form,
the export or a merge.
"""

from __future__ import annotations

import csv

import pytest

from pcso_desk.domain import kinds as k
from pcso_desk.services.records import specs
from pcso_desk.services.records.export import export_table

DECLARED = {kind.table: kind for kind in vars(k).values() if isinstance(kind, k.Kind)}
LINK_TABLES = {"engagement_contacts", "meeting_wards", "meeting_officers"}


def test_every_record_kind_but_the_link_tables_is_declared() -> None:
    assert {spec.kind for spec in specs.ALL_SPECS} - set(DECLARED) == LINK_TABLES


@pytest.mark.parametrize(
    "spec", [s for s in specs.ALL_SPECS if s.kind in DECLARED], ids=lambda s: s.kind
)
def test_the_declaration_accounts_for_every_column_a_save_may_set(spec) -> None:  # type: ignore[no-untyped-def]
    kind = DECLARED[spec.kind]
    declared = [f.key for f in kind.fields] + list(kind.elsewhere)
    assert len(declared) == len(set(declared)), "a field is declared twice"
    assert set(declared) == set(spec.editable)
    assert (spec.label, spec.text_columns) == (kind.noun, kind.search)
    for f in kind.fields:
        if f.kind in ("ref", "pick"):
            assert f.ref in {s.kind for s in specs.ALL_SPECS}, f.key


def test_the_service_cleans_each_field_as_declared(services) -> None:  # type: ignore[no-untyped-def]
    """The declaration's normalisers are the ones a save applies."""
    made = services.contacts.create(
        {"name": "  nell   noble ", "postcode": "al13ab", "phone": "01632 960001"}
    ).created[0]
    stored = services.contacts.get(made)
    assert (stored["name"], stored["postcode"], stored["phone"]) == (
        "nell noble",
        "AL1 3AB",
        "+441632960001",
    )


def test_the_contacts_export_has_a_column_for_each_declared_field(ctx, tmp_path) -> None:  # type: ignore[no-untyped-def]
    export_table(ctx, "contacts", "csv", tmp_path / "c.csv")
    with (tmp_path / "c.csv").open(encoding="utf-8-sig", newline="") as handle:
        marking, header = next(csv.reader(handle)), next(csv.reader(handle))
    assert marking == ["OFFICIAL-SENSITIVE"]
    assert header == [f.header for f in k.CONTACTS.exported()] + ["Created", "Updated"]


def test_a_merge_and_an_import_fill_the_declared_fields() -> None:
    from pcso_desk.services.records import contact_import, merge

    assert merge.FILLABLE == contact_import.FILLABLE == k.CONTACTS.fills()
    assert {"tags", "preferred_method", "notes"} <= set(k.CONTACTS.fills())
    assert not {"name", "lawful_basis", "consent_by"} & set(k.CONTACTS.fills())
