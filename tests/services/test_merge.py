"""Merging a duplicate contact moves everything to the kept one; undo puts it all back."""

from __future__ import annotations

import pytest

from pcso_desk.domain.errors import NotFoundError, ValidationError
from tests.factories import utc


def _contact_with_history(services, world, name, **extra):  # type: ignore[no-untyped-def]
    contact = services.contacts.create({"name": name, **extra}).created[0]
    engagement = services.engagements.create(
        {"occurred_at": utc(2026, 2, 1, 10), "channel": "phone", "summary": f"Call with {name}"}
    ).created[0]
    services["engagement_contacts"].create({"engagement_id": engagement, "contact_id": contact})
    services["victim_cases"].create(
        {
            "victim_id": contact,
            "crime_reference": "41/55555/26",
            "offence_type": "Theft",
            "opened_at": utc(2026, 2, 2, 9),
        }
    )
    return contact


def _links(services, contact_id):  # type: ignore[no-untyped-def]
    from pcso_desk.services.records.service import ListQuery

    ec = services["engagement_contacts"].count(ListQuery(filters={"contact": contact_id}))
    vc = services["victim_cases"].count(ListQuery(filters={"victim": contact_id}))
    return ec, vc


def test_merge_moves_history_fills_blanks_and_hides_the_duplicate(services, world) -> None:  # type: ignore[no-untyped-def]
    keep = _contact_with_history(services, world, "Dana Duplicate", postcode="AL1 3AB")
    dup = _contact_with_history(services, world, "Dana Duplicate", email="dana@example.com")
    result = services.merge_contacts(keep, dup)
    assert set(result.changes.updated) == {keep, dup}
    assert _links(services, keep) == (2, 2) and _links(services, dup) == (0, 0)
    kept = services.contacts.get(keep)
    assert (kept["postcode"], kept["email"]) == ("AL1 3AB", "dana@example.com")
    assert [r["id"] for r in services.contacts.page().rows] == [keep]
    assert [h.id for h in services.search("Duplicate")] == [keep]
    with pytest.raises(NotFoundError):
        services.merge_contacts(keep, dup)


def test_merge_carries_every_field_an_import_would_fill(services, world) -> None:  # type: ignore[no-untyped-def]
    """Tags and the preferred way to make contact were once dropped by a merge (its field
    list had drifted from the import's); both now read the contact declaration's `fills`.
    A field declared later is carried too: it gets a made-up text value here."""
    from pcso_desk.domain.kinds import CONTACTS

    samples = {
        "address": "1 Mill Lane",
        "postcode": "AL1 3AB",
        "ward_id": world.ward,
        "phone": "01632 960001",
        "email": "fay@example.com",
        "preferred_method": "email",
        "tags": ["kin", "pact"],
    }
    values = {name: samples.get(name, f"Fay's {name}") for name in CONTACTS.fills()}
    assert {"tags", "preferred_method", "notes", "organisation"} <= set(values)
    keep = services.contacts.create({"name": "Fay Fields"}).created[0]
    dup = services.contacts.create({"name": "Fay Fields", **values}).created[0]
    stored = services.contacts.get(dup)  # as cleaned: the phone in E.164, and so on
    services.merge_contacts(keep, dup)
    kept = services.contacts.get(keep)
    assert {name: kept[name] for name in values} == {name: stored[name] for name in values}
    assert (
        kept["tags"] == ["kin", "pact"] and kept["preferred_method"] == stored["preferred_method"]
    )


def test_undo_restores_both_contacts_exactly(services, world) -> None:  # type: ignore[no-untyped-def]
    from pcso_desk.services.records.merge import MergeUndo

    keep = _contact_with_history(services, world, "Eli Example", postcode="AL1 3AB")
    dup = _contact_with_history(services, world, "Eli Exampel", email="eli@example.com")
    before = (services.contacts.get(keep), services.contacts.get(dup))
    undo = services.merge_contacts(keep, dup).undo
    services.undo_merge(MergeUndo.from_json(undo.to_json()))  # survives a round trip as text
    assert _links(services, keep) == (1, 1) and _links(services, dup) == (1, 1)
    for original in before:
        now = services.contacts.get(original["id"])
        for key in ("name", "postcode", "email", "merged_into_id"):
            assert now[key] == original[key], key
    assert {r["id"] for r in services.contacts.page().rows} == {keep, dup}
    with pytest.raises(ValidationError, match="can no longer be undone"):
        services.undo_merge(undo)


def test_cannot_merge_a_contact_into_itself(services) -> None:  # type: ignore[no-untyped-def]
    only = services.contacts.create({"name": "Solo Person"}).created[0]
    with pytest.raises(ValidationError, match="into itself"):
        services.merge_contacts(only, only)
    assert services.contacts.get(only)["merged_into_id"] is None


def test_undo_puts_back_the_blanks_it_filled_whatever_their_type(services, world) -> None:  # type: ignore[no-untyped-def]
    """An undone merge once wrote "" into every field it had filled: a preferred method (a
    choice) and tags (a list) came back as text. Each now gets back the blank it had."""
    keep = services.contacts.create({"name": "Gil Gaps"}).created[0]
    before = services.contacts.get(keep)
    dup = services.contacts.create(
        {
            "name": "Gil Gaps",
            "preferred_method": "phone",
            "tags": ["pact"],
            "ward_id": world.ward,
            "notes": "Met at the PACT.",
        }
    ).created[0]
    undo = services.merge_contacts(keep, dup).undo
    assert services.contacts.get(keep)["tags"] == ["pact"]
    services.undo_merge(undo)
    after = services.contacts.get(keep)
    for name in ("preferred_method", "tags", "ward_id", "notes"):
        assert after[name] == before[name], name
    assert services.contacts.get(dup)["tags"] == ["pact"]
