"""Likely-duplicate contacts: the warning a user gets before saving or importing the same person."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import insert

from pcso_desk.services.records.duplicates import (
    _BY_KEYS,
    _BY_NAME,
    Candidate,
    DuplicateIndex,
    find_duplicates,
    find_duplicates_many,
)
from pcso_desk.store.models import Contact


def _add(services: Any, name: str, **values: str) -> str:
    created: str = services.contacts.create({"name": name, **values}).created[0]
    return created


def _find(ctx: Any, candidate: Candidate, **options: Any) -> list[Any]:
    with ctx.store.read() as session:
        return find_duplicates(session, candidate, **options)


def test_similar_name_at_the_same_postcode_is_a_likely_duplicate(ctx, services) -> None:  # type: ignore[no-untyped-def]
    existing = _add(services, "Jonathan Testperson", postcode="AL1 3AB")
    _add(services, "Mary Otherperson", postcode="AL1 3AB")  # a neighbour, not a duplicate
    _add(services, "Jonathan Testperson", postcode="SG1 1AA")  # namesake elsewhere

    found = _find(ctx, Candidate("Jonathon Testperson", postcode="AL1 3AB"))

    assert [match.contact_id for match in found] == [existing]
    assert found[0].name == "Jonathan Testperson" and found[0].postcode == "AL1 3AB"
    assert found[0].reasons[0] == "same postcode"
    assert found[0].reasons[1].startswith("similar name (") and found[0].reasons[1].endswith("%)")
    assert 0 < found[0].score <= 1


def test_word_order_and_punctuation_do_not_hide_a_duplicate(ctx, services) -> None:  # type: ignore[no-untyped-def]
    existing = _add(services, "Testperson, Jo", email="jo@example.com")
    found = _find(ctx, Candidate("jo testperson", email="jo@example.com"))
    assert [m.contact_id for m in found] == [existing]
    assert found[0].reasons == ("same email", "same name")


def test_a_shared_phone_allows_a_looser_name_match(ctx, services) -> None:  # type: ignore[no-untyped-def]
    existing = _add(services, "John Smith", phone="07700 900123", postcode="AL1 3AB")
    # 84% alike: not enough with only a postcode in common, enough with the same mobile.
    assert _find(ctx, Candidate("Jon Smyth", postcode="AL1 3AB")) == []
    found = _find(ctx, Candidate("Jon Smyth", phone="+447700900123"))
    assert [m.contact_id for m in found] == [existing]
    assert "same phone" in found[0].reasons
    # A completely different name on the same number is a different person (a shared line).
    assert _find(ctx, Candidate("Barbara Quince", phone="+447700900123")) == []


def test_deleted_merged_and_edited_contacts_are_never_offered(ctx, services) -> None:  # type: ignore[no-untyped-def]
    deleted = _add(services, "Dee Leted", postcode="AL1 3AB")
    services.contacts.delete(deleted)
    keep = _add(services, "Morgan Merged", postcode="AL1 3AB", email="keep@example.com")
    gone = _add(services, "Morgan Merged", postcode="AL1 3AB", email="gone@example.com")
    services.merge_contacts(keep, gone)

    assert _find(ctx, Candidate("Dee Leted", postcode="AL1 3AB")) == []
    found = _find(ctx, Candidate("Morgan Merged", postcode="AL1 3AB"))
    assert [m.contact_id for m in found] == [keep]
    # The contact being edited is not its own duplicate.
    assert _find(ctx, Candidate("Morgan Merged", postcode="AL1 3AB"), exclude_id=keep) == []


def test_a_name_only_candidate_is_matched_on_a_near_identical_name(ctx, services) -> None:  # type: ignore[no-untyped-def]
    existing = _add(services, "Mrs Priya Placeholder", postcode="WD17 1AA")
    _add(services, "Priscilla Placeholder")
    _add(services, "Oliver Placeholder")

    found = _find(ctx, Candidate("Priya Placeholder"))
    assert [m.contact_id for m in found] == [existing]
    assert found[0].postcode == "WD17 1AA"
    # Same surname, different first name: no warning without anything else in common.
    assert _find(ctx, Candidate("Petra Placeholder")) == []
    assert _find(ctx, Candidate("Al")) == []  # nothing long enough to look up


def test_matches_come_best_first_and_limited(ctx, services) -> None:  # type: ignore[no-untyped-def]
    best = _add(services, "Casey Example", postcode="AL1 3AB", phone="01632 960001")
    for n in range(6):
        _add(services, f"Casey Exampel{'e' * n}", postcode="AL1 3AB")
    found = _find(ctx, Candidate("Casey Example", postcode="AL1 3AB", phone="+441632960001"))
    assert len(found) == 5
    assert found[0].contact_id == best
    assert [m.score for m in found] == sorted((m.score for m in found), reverse=True)
    assert len(_find(ctx, Candidate("Casey Example", postcode="AL1 3AB"), limit=2)) == 2


def test_many_candidates_at_once_give_the_same_answers_as_one_by_one(ctx, services) -> None:  # type: ignore[no-untyped-def]
    _add(services, "Riley Sample", postcode="AL1 3AB")
    _add(services, "Quinn Demo", email="quinn@example.com")
    _add(services, "Harper Specimen", phone="01632 960555")
    candidates = [
        Candidate("Riley Sampel", postcode="AL1 3AB"),
        Candidate("Quinn Demo", email="quinn@example.com", postcode="SG1 1AA"),
        Candidate("H Specimen", phone="+441632960555"),
        Candidate("Harper Specimen"),
        Candidate("Nobody Atall", postcode="AL1 3AB"),
    ]
    with ctx.store.read() as session:
        together = find_duplicates_many(session, candidates)
        alone = [find_duplicates(session, c) for c in candidates]
    assert together == alone
    assert [len(found) for found in together] == [1, 1, 1, 1, 0]


def test_lookups_use_indexes_and_never_scan_the_contacts_table(ctx) -> None:  # type: ignore[no-untyped-def]
    """At county scale (100,000 contacts) a warning must come back while the user types."""
    rows = [
        {"id": f"id-{n:06d}", "name": f"Person {n} Fakename", "postcode": "AL1 3AB", "hlc": ""}
        for n in range(600)
    ]
    with ctx.store.write() as session:
        session.execute(insert(Contact), rows)
    with ctx.store.read() as session:
        connection = session.connection()
        for stmt in (_BY_KEYS, _BY_NAME):
            sql = str(stmt.compile(connection.engine))
            params = tuple(None for _ in range(sql.count("?")))
            plan = " | ".join(
                r[-1] for r in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}", params)
            )
            assert "SCAN contacts " not in plan + " ", plan
            assert "INDEX" in plan or "PRIMARY KEY" in plan, plan
        # and a postcode shared by a large block of flats still finds the one that matters
        found = find_duplicates(session, Candidate("Person 599 Fakename", postcode="AL1 3AB"))
        assert found[0].contact_id == "id-000599"


# -- within one import file ----------------------------------------------------------------


def test_index_finds_an_earlier_row_by_key_and_similar_name() -> None:
    index = DuplicateIndex()
    index.add(2, Candidate("Zoe Example", postcode="AL1 3AB", phone="+441632960001"))
    index.add(3, Candidate("Mary Otherperson", postcode="AL1 3AB"))
    index.add(4, Candidate("Sam Sample", email="sam@example.com"))

    assert index.match(Candidate("Zoë Example", postcode="AL1 3AB")) == 2
    assert index.match(Candidate("Z Exampel", phone="+441632960001")) == 2
    assert index.match(Candidate("Samuel Sample", email="sam@example.com")) == 4
    assert index.match(Candidate("Jack Neighbour", postcode="AL1 3AB")) is None
    assert index.match(Candidate("Zoe Example", postcode="SG1 1AA")) is None


def test_index_returns_the_earliest_row_and_name_only_rows_match_exactly() -> None:
    index = DuplicateIndex()
    index.add(7, Candidate("Robin Demo", postcode="AL1 3AB"))
    index.add(9, Candidate("Robin Demo", postcode="AL1 3AB", email="robin@example.com"))
    index.add(12, Candidate("Pat Fakename"))

    assert index.match(Candidate("Robin Demo", postcode="AL1 3AB", email="robin@example.com")) == 7
    assert index.match(Candidate("pat  FAKENAME")) == 12
    assert index.match(Candidate("Pat Fakenames")) is None
    assert len(index) == 2  # distinct names remembered


@pytest.mark.parametrize("name", ["", "   "])
def test_a_blank_name_never_matches(ctx, name: str) -> None:  # type: ignore[no-untyped-def]
    assert _find(ctx, Candidate(name)) == []
