"""How the app words a count: "1 entry", "2 entries", "1,204 contacts"."""

from __future__ import annotations


def counted(count: int, one: str, many: str | None = None) -> str:
    """The count and the noun that agrees with it (`many` defaults to `one` + "s")."""
    return f"{count:,} {one if count == 1 else (many or one + 's')}"
