"""At start-up: tell the user about typed work a crash or a kill left in drafts/."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from pcso_desk.gui.desk import Desk

TITLE = "Unsaved work"


def describe(pending: list[tuple[str, str]]) -> str:
    """The question put to the user, naming each editor that has unsaved work."""
    names = "\n".join(f"  • {title}" for _key, title in pending)
    return (
        "PCSO Desk closed last time before this work was saved:\n"
        f"{names}\n\n"
        "Keep this work? You will be offered it back when you next open the same record "
        "(or the same New form). Choose No to discard it."
    )


def offer_drafts(desk: Desk, parent: QWidget | None) -> list[tuple[str, str]]:
    """List the drafts left behind and ask whether to keep them; returns what was found.

    The restore itself happens in RecordEditor, which offers a record's draft whenever
    that editor opens; here the user only learns that the work is waiting, and can drop
    drafts they no longer want so this question does not come back every start.
    """
    pending = desk.drafts.pending()
    if pending and not desk.ask(parent, TITLE, describe(pending)):
        for key, _title in pending:
            desk.drafts.discard(key)
    return pending
