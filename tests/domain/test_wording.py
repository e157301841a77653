"""Counts agree with their nouns wherever the app says them (an audit read once said
"1 entries")."""

from __future__ import annotations

from pcso_desk.domain.wording import counted


def test_a_count_agrees_with_its_noun() -> None:
    assert counted(1, "entry", "entries") == "1 entry"
    assert counted(0, "entry", "entries") == "0 entries"
    assert counted(2, "day") == "2 days" and counted(1, "day") == "1 day"
    assert counted(12_345, "contact") == "12,345 contacts"


def test_reading_one_audit_entry_says_one_entry(services) -> None:  # type: ignore[no-untyped-def]
    services.contacts.create({"name": "Una Entry"})
    services.audit.entries(limit=1)  # reads one entry, and notes that it did
    newest = services.audit.entries(limit=1)[0]  # that note (this read's own comes after)
    assert (newest.action, newest.detail) == ("read audit", "1 entry")
