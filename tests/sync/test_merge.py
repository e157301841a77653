"""The merge rules on their own: field by field, order-free, deletions kept, conflicts found."""

from __future__ import annotations

import itertools
from typing import Any

from pcso_desk.store.clocks import STAR, synced_columns, synced_table
from pcso_desk.sync.changes import Item
from pcso_desk.sync.merge import merge

A, B, C = "station-a", "station-b", "station-c"


def clock(ms: int, station: str, counter: int = 0) -> str:
    return f"{ms:015d}-{counter:06d}-{station}"


def contact(**values: Any) -> dict[str, Any]:
    table = synced_table("contacts")
    assert table is not None
    base = {name: None for name in synced_columns(table)}
    base.update(
        name="Ann Example",
        kind="resident",
        tags="[]",
        consent_told="",
        created_at="2026-11-01 09:00:00",
        updated_at="2026-11-01 09:00:00",
    )
    base.update(values)
    return base


def case(**values: Any) -> dict[str, Any]:
    table = synced_table("victim_cases")
    assert table is not None
    base = {name: None for name in synced_columns(table)}
    base.update(offence_type="Burglary", service_level="standard")
    base.update(values)
    return base


def edit(item: Item, at: str, **values: Any) -> Item:
    """`item` with `values` changed at clock `at` by someone who had seen `item`."""
    clocks = dict(item.clocks)
    for name in values:
        clocks[name] = [at, item.clock(name)[0]]
    return Item(item.table, item.id, {**item.values, **values}, clocks)


ORIGIN = Item("contacts", "c1", contact(), {STAR: clock(1000, A)})


def fold(items: list[Item]) -> Item:
    state: Item | None = None
    for item in items:
        state = merge(state, item).item
    assert state is not None
    return state


def test_later_field_wins_and_other_fields_are_kept() -> None:
    phone = edit(ORIGIN, clock(2000, B), phone="01632 960001")
    email = edit(ORIGIN, clock(3000, C), email="ann@example.org")
    merged = fold([ORIGIN, phone, email])
    assert merged.values["phone"] == "01632 960001"
    assert merged.values["email"] == "ann@example.org"


def test_any_order_gives_the_same_state() -> None:
    changes = [
        ORIGIN,
        edit(ORIGIN, clock(2000, B), phone="1"),
        edit(ORIGIN, clock(2500, C), phone="2", email="x@example.org"),
        edit(ORIGIN, clock(2600, A), deleted_at="2026-11-02 10:00:00"),
    ]
    states = {
        repr(sorted(fold(list(order)).values.items(), key=str))
        for order in itertools.permutations(changes)
    }
    assert len(states) == 1


def test_merging_the_same_state_again_changes_nothing() -> None:
    state = fold([ORIGIN, edit(ORIGIN, clock(2000, B), phone="1")])
    again = merge(state, state)
    assert not again.changed
    assert not again.conflicts


def test_an_edit_does_not_bring_a_deleted_record_back() -> None:
    deleted = edit(ORIGIN, clock(2000, A), deleted_at="2026-11-02 10:00:00")
    later_edit = edit(ORIGIN, clock(9000, B), phone="01632 960002")
    for order in ([deleted, later_edit], [later_edit, deleted]):
        merged = fold([ORIGIN, *order])
        assert merged.values["deleted_at"] == "2026-11-02 10:00:00"
        assert merged.values["phone"] == "01632 960002"  # the edit is kept, not lost


def test_an_edit_the_deleter_had_not_seen_is_a_conflict() -> None:
    edited = edit(ORIGIN, clock(2000, B), phone="01632 960002")
    deleted = edit(ORIGIN, clock(3000, A), deleted_at="2026-11-02 10:00:00")
    result = merge(edited, deleted)
    assert [c.kind for c in result.conflicts] == ["deletion"]
    conflict = result.conflicts[0]
    assert conflict.b_value == {"phone": "01632 960002"}
    # The other way round finds the same conflict, with the same queue entry.
    other = merge(deleted, edited).conflicts
    assert [c.item().id for c in other] == [conflict.item().id]


def test_a_deletion_after_seeing_the_edit_is_not_a_conflict() -> None:
    edited = edit(ORIGIN, clock(2000, B), phone="01632 960002")
    deleted = edit(edited, clock(3000, A), deleted_at="2026-11-02 10:00:00")
    assert merge(edited, deleted).conflicts == []


VICTIM = Item("victim_cases", "v1", case(), {STAR: clock(1000, A)})


def test_two_values_for_one_field_of_a_victim_case_are_a_conflict() -> None:
    ours = edit(VICTIM, clock(2000, A), offence_type="Theft")
    theirs = edit(VICTIM, clock(2100, B), offence_type="Robbery")
    result = merge(ours, theirs)
    assert result.item.values["offence_type"] == "Robbery"  # later clock, for now
    [conflict] = result.conflicts
    assert (conflict.a_value, conflict.b_value) == ("Robbery", "Theft")  # the loser is kept
    assert merge(theirs, ours).conflicts[0].item().id == conflict.item().id


def test_same_value_on_both_sides_is_not_a_conflict() -> None:
    ours = edit(VICTIM, clock(2000, A), offence_type="Theft")
    theirs = edit(VICTIM, clock(2100, B), offence_type="Theft")
    assert merge(ours, theirs).conflicts == []


def test_an_edit_made_after_seeing_the_other_is_not_a_conflict() -> None:
    ours = edit(VICTIM, clock(2000, A), offence_type="Theft")
    theirs = edit(ours, clock(2100, B), offence_type="Robbery")
    assert merge(ours, theirs).conflicts == []
    assert merge(theirs, ours).item.values["offence_type"] == "Robbery"


def test_a_contacts_notes_merge_without_a_conflict_but_the_loser_is_kept() -> None:
    ours = edit(ORIGIN, clock(2000, A), notes="one")
    theirs = edit(ORIGIN, clock(2100, B), notes="two")
    for result in (merge(ours, theirs), merge(theirs, ours)):
        assert result.conflicts == []
        assert result.item.values["notes"] == "two"
        (lost,) = result.history
        assert lost.table == "field_history"
        assert (lost.values["field_name"], lost.values["value"]) == ("notes", '"one"')
        assert lost.values["value_clock"] == clock(2000, A)
        assert lost.values["station_id"] == A
    # Both stations make the same entry, whichever side it lost on.
    assert merge(ours, theirs).history[0] == merge(theirs, ours).history[0]


def test_a_contacts_phone_email_and_address_are_conflict_checked() -> None:
    for name in ("phone", "email", "address"):
        ours = edit(ORIGIN, clock(2000, A), **{name: "1"})
        theirs = edit(ORIGIN, clock(2100, B), **{name: "2"})
        (conflict,) = merge(ours, theirs).conflicts
        assert (conflict.field, conflict.a_value, conflict.b_value) == (name, "2", "1")
        # One after the other (the second had seen the first): no conflict.
        later = edit(ours, clock(2200, B), **{name: "3"})
        assert merge(ours, later).conflicts == []


def test_three_concurrent_phones_end_the_same_and_every_later_arrival_is_a_conflict() -> None:
    sides = [edit(ORIGIN, clock(2000 + 100 * i, s), phone=f"0{i}") for i, s in enumerate((A, B, C))]
    for order in itertools.permutations(sides):
        state = order[0]
        for item in order[1:]:
            result = merge(state, item)
            # Each arrival meets a value it had not seen: a conflict holding both, and the
            # one that lost is in the history (every value is kept; test_nothing_lost.py
            # shows the queue holding all three on every station).
            (conflict,) = result.conflicts
            assert {conflict.a_value, conflict.b_value} == {
                state.values["phone"],
                item.values["phone"],
            }
            state = result.item
        assert state.values["phone"] == "02"


def test_an_erased_record_keeps_no_history() -> None:
    ours = edit(ORIGIN, clock(2000, A), notes="private")
    erased = edit(ORIGIN, clock(2100, B), notes="", erased_at="2026-11-02 10:00:00")
    assert merge(ours, erased).history == []
    assert merge(erased, ours).history == []


def test_append_only_records_never_conflict() -> None:
    table = synced_table("engagements")
    assert table is not None
    values = {name: None for name in synced_columns(table)}
    visit = Item("engagements", "e1", values, {STAR: clock(1000, A)})
    ours = edit(visit, clock(2000, A), notes="one")
    theirs = edit(visit, clock(2100, B), deleted_at="2026-11-02 10:00:00")
    assert merge(ours, theirs).conflicts == []


def erased(item: Item, at: str) -> Item:
    """`item` as an erasure leaves it: every field blank, deleted, erased."""
    blank = {name: None for name in item.values if name not in ("kind", "tags", "consent_told")}
    blank.update(name="", deleted_at="2026-11-03 10:00:00", erased_at="2026-11-03 10:00:00")
    return edit(item, at, **blank)


def test_an_erasure_absorbs_any_edit_in_any_order_and_raises_no_conflict() -> None:
    gone = erased(ORIGIN, clock(2000, A))
    unheard = edit(ORIGIN, clock(9000, B), name="Ann Later", notes="canary", deleted_at=None)
    states = set()
    for order in itertools.permutations([ORIGIN, gone, unheard]):
        merged = fold(list(order))
        assert (merged.values["name"], merged.values["notes"]) == ("", None)
        assert merged.values["erased_at"] == "2026-11-03 10:00:00"
        assert merged.values["deleted_at"] is not None
        states.add(repr(sorted(merged.values.items(), key=str)))
    assert len(states) == 1
    assert merge(gone, unheard).conflicts == [] and merge(unheard, gone).conflicts == []
