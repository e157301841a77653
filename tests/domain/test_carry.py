"""The one rule of what another record of a person carries onto a contact (merge, import)."""

from __future__ import annotations

import pytest

from pcso_desk.domain.carry import FIELDS, Way, carried, checked_take, united, way
from pcso_desk.domain.enums import ContactMethod
from pcso_desk.domain.errors import ValidationError


def _blank() -> dict[str, object]:
    return {name: None for name in FIELDS}


def test_blanks_fill_values_stay_unless_taken_and_a_blank_never_replaces() -> None:
    kept = {**_blank(), "address": "1 Old Road", "phone": "+441632960001"}
    other = {**_blank(), "address": "2 New Street", "email": "x@example.com", "phone": ""}
    assert carried(kept, other) == {"email": "x@example.com"}
    assert carried(kept, other, {"address", "phone"}) == {
        "email": "x@example.com",
        "address": "2 New Street",  # taken; the other's blank phone replaces nothing
    }


def test_tags_are_united_ignoring_case_and_never_chosen_between() -> None:
    assert united(["kin", "PACT"], ["pact", "nhw", "NHW"]) == ["kin", "PACT", "nhw"]
    kept, other = {**_blank(), "tags": ["kin"]}, {**_blank(), "tags": ["nhw"]}
    assert way("tags", ["kin"], ["nhw"]) is Way.UNITE
    assert carried(kept, other) == carried(kept, other, {"tags"}) == {"tags": ["kin", "nhw"]}
    assert way("tags", ["kin"], ["KIN"]) is Way.SAME


def test_ways_compare_an_enum_with_its_value() -> None:
    assert way("preferred_method", ContactMethod.EMAIL, "email") is Way.SAME
    assert way("preferred_method", ContactMethod.PHONE, "email") is Way.CHOOSE
    assert way("preferred_method", None, "email") is Way.FILLS
    assert way("preferred_method", ContactMethod.PHONE, None) is Way.KEPT


def test_an_unknown_field_to_take_is_named_in_one_sentence() -> None:
    with pytest.raises(ValidationError) as refused:
        checked_take(["address", "name"])
    assert refused.value.message.startswith("'name' is not a field a merge carries; choose from")
    assert checked_take(None) == frozenset()
