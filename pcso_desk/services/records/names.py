"""One sentence for a name that is not in the store, offering the close ones ("did you mean")."""

from __future__ import annotations

import difflib
from collections.abc import Sequence


def _fold(text: str) -> str:
    return " ".join(text.split()).casefold()


def listed(items: Sequence[str], last: str = "or") -> str:
    """'A', 'A or B', 'A, B or C'."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + f" {last} " + items[-1]


def close_names(typed: str, names: Sequence[str], limit: int = 3) -> list[str]:
    """The names most like `typed`, best first; case and spacing do not count."""
    folded = {_fold(name): name for name in names}
    return [folded[n] for n in difflib.get_close_matches(_fold(typed), folded, limit, 0.6)]


def no_such(what: str, typed: str, names: Sequence[str]) -> str:
    """'There is no ward called 'X'; did you mean A or B?' (`what` is "ward called")."""
    typed = typed.strip()
    near = close_names(typed, names)
    if near:
        return f"There is no {what} '{typed}'; did you mean {listed(near)}?"
    if not names:
        return f"There is no {what} '{typed}', and the store has none yet."
    return f"There is no {what} '{typed}'; the store has {listed(sorted(names)[:3], 'and')}" + (
        " and others." if len(names) > 3 else "."
    )
