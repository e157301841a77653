"""The one rule for whether the team may still contact a person, and the preferred way."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace

import pytest

from pcso_desk.domain.consent import contact_stop, marked, preferred_way
from pcso_desk.domain.enums import ContactMethod, LawfulBasis

GIVEN = datetime(2025, 6, 1, 10, tzinfo=UTC)
WITHDRAWN = datetime(2026, 3, 3, 12, tzinfo=UTC)


@pytest.mark.parametrize(
    ("basis", "given", "withdrawn", "reason"),
    [
        (LawfulBasis.CONSENT, GIVEN, None, None),
        (LawfulBasis.CONSENT, GIVEN, WITHDRAWN, "consent withdrawn 3 March 2026"),
        (LawfulBasis.PUBLIC_TASK, None, WITHDRAWN, "consent withdrawn 3 March 2026"),
        (LawfulBasis.CONSENT, None, None, "held on consent, but no consent is recorded"),
        ("consent", None, None, "held on consent, but no consent is recorded"),
        (LawfulBasis.PUBLIC_TASK, None, None, None),
        (LawfulBasis.LEGITIMATE_INTERESTS, None, None, None),
    ],
)
def test_who_must_not_be_contacted(basis, given, withdrawn, reason) -> None:  # type: ignore[no-untyped-def]
    facts = {"lawful_basis": basis, "consent_at": given, "consent_withdrawn_at": withdrawn}
    for person in (SimpleNamespace(**facts), facts):  # a record, or its values
        stop = contact_stop(person)
        assert (stop.reason if stop else None) == reason


def test_a_stop_warns_and_marks_by_name() -> None:
    stop = contact_stop({"lawful_basis": "public_task", "consent_withdrawn_at": WITHDRAWN})
    assert stop is not None
    assert (
        stop.warning("Ann Lee") == "Ann Lee must not be contacted: consent withdrawn 3 March 2026."
    )
    assert marked("Ann Lee", stop) == "Ann Lee — do not contact"
    assert marked("Ann Lee", None) == "Ann Lee"


def test_preferred_way_as_a_phrase() -> None:
    assert preferred_way(ContactMethod.EMAIL, " evenings ") == "e-mail, evenings"
    assert preferred_way("in_person") == "in person"
    assert preferred_way(None, "after 6pm") == "after 6pm"
    assert preferred_way(None, "") == ""
