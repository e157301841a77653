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
    assert [h.id for h in services.search("Duplicate") if h.kind == "contacts"] == [keep]
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
        "consent_withdrawn_at": utc(2026, 3, 3, 12),
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


def test_a_chosen_value_from_the_duplicate_replaces_the_kept_one(services, world) -> None:  # type: ignore[no-untyped-def]
    """ "Merge into existing" once kept the old address and dropped the one just typed."""
    keep = services.contacts.create(
        {"name": "Hal Home", "address": "1 Old Road", "phone": "01632 960001"}
    ).created[0]
    dup = services.contacts.create(
        {"name": "Hal Home", "address": "2 New Street", "phone": "01632 960002"}
    ).created[0]
    services.merge_contacts(keep, dup, take=["address"])
    kept = services.contacts.get(keep)
    assert kept["address"] == "2 New Street"  # chosen: the duplicate's
    assert kept["phone"].endswith("960001")  # not chosen: the kept contact's stays


def test_without_a_choice_a_merge_only_fills_blanks(services) -> None:  # type: ignore[no-untyped-def]
    keep = services.contacts.create({"name": "Ida Idle", "address": "1 Old Road"}).created[0]
    dup = services.contacts.create(
        {"name": "Ida Idle", "address": "2 New Street", "email": "ida@example.com"}
    ).created[0]
    services.merge_contacts(keep, dup)
    kept = services.contacts.get(keep)
    assert (kept["address"], kept["email"]) == ("1 Old Road", "ida@example.com")


def test_tags_of_both_are_kept_and_the_preferred_method_can_be_taken(services) -> None:  # type: ignore[no-untyped-def]
    keep = services.contacts.create(
        {"name": "Jay Joined", "tags": "kin, pact", "preferred_method": "phone"}
    ).created[0]
    dup = services.contacts.create(
        {"name": "Jay Joined", "tags": "PACT, nhw", "preferred_method": "email"}
    ).created[0]
    services.merge_contacts(keep, dup, take={"preferred_method"})
    kept = services.contacts.get(keep)
    assert kept["tags"] == ["kin", "pact", "nhw"]  # united; "PACT" is the same tag as "pact"
    assert kept["preferred_method"] == "email"  # chosen over the kept contact's "phone"


def test_undo_puts_back_overwritten_values_but_not_over_a_later_edit(services) -> None:  # type: ignore[no-untyped-def]
    keep = services.contacts.create(
        {
            "name": "Kit Kept",
            "address": "1 Old Road",
            "phone": "01632 960001",
            "preferred_method": "phone",
            "tags": "kin",
        }
    ).created[0]
    before = services.contacts.get(keep)
    dup = services.contacts.create(
        {
            "name": "Kit Kept",
            "address": "2 New Street",
            "phone": "01632 960002",
            "preferred_method": "email",
            "tags": "nhw",
        }
    ).created[0]
    take = {"address", "phone", "preferred_method"}
    undo = services.merge_contacts(keep, dup, take=take).undo
    services.contacts.update(keep, {"phone": "01632 960009"})  # edited after the merge
    services.undo_merge(type(undo).from_json(undo.to_json()))
    after = services.contacts.get(keep)
    for name in ("address", "preferred_method", "tags"):
        assert after[name] == before[name], name
    assert after["phone"].endswith("960009")  # the later edit stays
    assert services.contacts.get(dup)["address"] == "2 New Street"


def test_an_unknown_field_to_take_is_refused_and_nothing_merges(services) -> None:  # type: ignore[no-untyped-def]
    keep = services.contacts.create({"name": "Lou Left"}).created[0]
    dup = services.contacts.create({"name": "Lou Left", "email": "lou@example.com"}).created[0]
    with pytest.raises(ValidationError, match="'shoe_size' is not a field a merge carries"):
        services.merge_contacts(keep, dup, take=["address", "shoe_size"])
    assert services.contacts.get(dup)["merged_into_id"] is None
    assert services.contacts.get(keep)["email"] == ""


def test_merge_choices_compare_typed_values_as_they_would_be_saved(services, world) -> None:  # type: ignore[no-untyped-def]
    from pcso_desk.domain.carry import Way

    keep = services.contacts.create(
        {
            "name": "Max Match",
            "address": "1 Old Road",
            "postcode": "AL1 3AB",
            "phone": "01632 960001",
            "tags": "kin",
        }
    ).created[0]
    typed = {
        "name": "Max Match",
        "address": "2 New Street",
        "postcode": "al1 3ab",  # the same postcode, as typed
        "email": "max@example.com",
        "ward_id": world.ward,
        "tags": "nhw",
    }
    rows = {row.name: row for row in services.merge_choices(keep, typed)}
    from pcso_desk.domain.kinds import CONTACTS

    assert list(rows) == list(CONTACTS.fills())  # every field a merge carries, in order
    assert (rows["address"].kept, rows["address"].other) == ("1 Old Road", "2 New Street")
    assert rows["address"].way is Way.CHOOSE
    assert rows["postcode"].way is Way.SAME
    assert rows["email"].way is Way.FILLS and rows["email"].other == "max@example.com"
    assert rows["phone"].way is Way.KEPT and rows["phone"].kept.startswith("01632")
    assert rows["tags"].way is Way.UNITE
    assert rows["ward_id"].other and rows["ward_id"].other != world.ward  # the ward's name
    assert services.contacts.count() == 1  # nothing was saved


def test_the_audit_names_the_fields_taken_never_their_values(services) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import text

    keep = services.contacts.create({"name": "Nia Noted", "address": "1 Old Road"}).created[0]
    dup = services.contacts.create({"name": "Nia Noted", "address": "2 New Street"}).created[0]
    services.merge_contacts(keep, dup, take=["address"])
    with services.ctx.store.read() as session:
        action, detail = session.execute(
            text("SELECT action, detail FROM audit_log ORDER BY seq DESC LIMIT 1")
        ).one()
    assert action == "merge" and detail == "taken: address"


def test_merge_choices_show_what_a_merge_does_not_carry_where_it_differs(services) -> None:  # type: ignore[no-untyped-def]
    """The name and consent are not carried; a different value typed for them is shown (it
    stays with the merged record) rather than dropped out of sight."""
    from pcso_desk.domain.carry import Way

    keep = services.contacts.create({"name": "Ned Named", "postcode": "AL1 3AB"}).created[0]
    typed = {"name": "Edward Named", "kind": "resident", "consent_by": "Edward Named"}
    rows = services.merge_choices(keep, typed)
    apart = {row.name: (row.kept, row.other) for row in rows if row.way is Way.APART}
    assert apart == {"name": ("Ned Named", "Edward Named"), "consent_by": ("", "Edward Named")}


def test_a_withdrawal_of_consent_on_the_duplicate_reaches_the_kept_contact(services) -> None:  # type: ignore[no-untyped-def]
    """Withdrawn consent stops contact (domain/consent.py): a merge once left it behind on
    the hidden duplicate, and the kept contact was on call lists again. The undo takes it
    off again, through the undo's text form."""
    from pcso_desk.services.records.merge import MergeUndo

    keep = services.contacts.create({"name": "Oli Optout"}).created[0]
    dup = services.contacts.create(
        {"name": "Oli Optout", "consent_withdrawn_at": utc(2026, 3, 3, 12)}
    ).created[0]
    undo = services.merge_contacts(keep, dup).undo
    assert services.contacts.get(keep)["consent_withdrawn_at"] == utc(2026, 3, 3, 12)
    services.undo_merge(MergeUndo.from_json(undo.to_json()))
    assert services.contacts.get(keep)["consent_withdrawn_at"] is None
