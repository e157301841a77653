"""What a public document may show of a count (the public-output rule).

Two kinds of figures reach a public pack:

- Crime counts (data.police.uk rows and hand-entered counts) are already published by the
  police, crime by crime, at street level: a public pack shows them exactly, with their
  source and the Open Government Licence attribution (`CRIME_SOURCE`, `OGL`).
- Counts from the team's own records about people (victim cases and contacts, meeting
  attendance, KIN members and check-ins, engagements, messages) are protected: a count of 1
  to 4 shows as "fewer than 5"; a total with a hidden part is itself withheld, never
  published for the parts to be subtracted from; they are published for a neighbourhood
  only (a ward or council pack points to its neighbourhood's pack), so the packs of a month
  cannot be differenced against each other; and rows are always in a fixed order (by name,
  date or month), never by a value. The disclosure auditor
  (`pcso_desk.services.documents.auditor`) proves, before a public pack is written, that no
  hidden count of the month's packs can be worked out from them.
"""

from __future__ import annotations

from collections.abc import Sequence

SMALL = "fewer than 5"
WITHHELD = "—"  # a change or an average that would reveal a suppressed count
HIDDEN = "withheld"  # a total with a hidden part: publishing it would give the part away
NEIGHBOURHOOD_ONLY = "in the neighbourhood's pack"  # a people count not published per ward

CRIME_SOURCE = "data.police.uk"
OGL = "Contains public sector information licensed under the Open Government Licence v3.0."
CRIME_NOTE = (
    f"Crime counts are published exactly, as the police publish them. Source: {CRIME_SOURCE}. "
    + OGL
)
PROTECTION_NOTE = (
    "Counts about people (meeting attendance, engagements, key individual network members and "
    f"check-ins) are shown for the whole neighbourhood only, 1 to 4 as “{SMALL}”, and a total "
    f"with a hidden part as “{HIDDEN}”, so no small number can be worked out from any pack."
)


def is_small(count: int) -> bool:
    """Return True for a count of 1 to 4: few enough to point at a person."""
    return 1 <= count <= 4


def shown_count(count: int, *, public: bool) -> int | str:
    """Return the count as a public or internal document shows it; 0 stays 0."""
    return SMALL if public and is_small(count) else count


def shown_change(now: int, before: int, *, public: bool) -> int | str:
    """Return the change from `before` to `now`, withheld in public when either is small."""
    if public and (is_small(now) or is_small(before)):
        return WITHHELD
    return now - before


def cells_to_hide(counts: Sequence[int]) -> list[bool]:
    """Which counts of a column a public table must hide: every small one (1 to 4).

    A column with a hidden count never has its total published (`shown_total`), so no
    second, complementary count needs hiding: nothing can be subtracted from.
    """
    return [is_small(count) for count in counts]


def shown_total(counts: Sequence[int], *, public: bool) -> int | str:
    """The total of a column as shown: withheld in public when any of its counts is hidden
    (whatever the total's own size, so the word says nothing about it)."""
    total = sum(counts)
    if public and any(cells_to_hide(counts)):
        return HIDDEN
    return shown_count(total, public=public)


def bounds(shown: object) -> tuple[int, int | None] | None:
    """What a reader learns of a count from how it is shown: (least, most), most None for
    no limit; None when the cell says nothing about it (withheld, or published elsewhere)."""
    if isinstance(shown, bool):
        return None
    if isinstance(shown, int):
        return shown, shown
    if shown == SMALL:
        return 1, 4
    return None
