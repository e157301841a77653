"""What a public document may show of a count: small numbers suppressed (the public-output rule)."""

from __future__ import annotations

from collections.abc import Sequence

SMALL = "fewer than 5"
WITHHELD = "—"  # a change that would reveal a suppressed count


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


HIDDEN = "withheld"  # a count that is not small but would give a small one away


def cells_to_hide(counts: Sequence[int]) -> list[bool]:
    """Which counts of a column whose total is published a public table must hide.

    Every small count (primary suppression), and, when exactly one count is hidden, the next
    smallest non-zero count too (secondary suppression): otherwise the hidden count could be
    worked out as the total minus the counts shown. If there is no other count, the total is
    the small count itself and is suppressed as small.
    """
    hide = [is_small(count) for count in counts]
    if sum(hide) == 1:
        others = [(count, i) for i, count in enumerate(counts) if not hide[i] and count > 0]
        if others:
            hide[min(others)[1]] = True
    return hide


def shown_cell(count: int, hidden: bool, *, public: bool) -> int | str:
    """A count as shown: "fewer than 5" when small, "withheld" when hidden to protect one."""
    if public and hidden and not is_small(count):
        return HIDDEN
    return shown_count(count, public=public)
