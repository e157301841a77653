"""At start-up: offer a backup in place of a damaged store, and tell the user about typed
work a crash or a kill left in drafts/."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QWidget

from pcso_desk.gui.desk import Desk
from pcso_desk.paths import DataPaths

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


RESTORE_TITLE = "The store is damaged"


def offer_restore(
    error: Any, paths: DataPaths, parent: QWidget | None = None, key: bytes | None = None
) -> bool:
    """At start-up, before the store opens: offer the newest good backup of a damaged store.

    Returns True once the backup is in place (the caller opens the store again); False if
    there is none, the user declined, or the restore was refused (it says why). `key` is the
    store's data key, unwrapped by the sign-in that found the damage (None: a plain store).
    """
    from PySide6.QtWidgets import QMessageBox

    from pcso_desk.domain.errors import PcsoDeskError
    from pcso_desk.services.api import restore_backup as restore

    backup = error.newest_backup
    if backup is None:
        QMessageBox.warning(parent, RESTORE_TITLE, str(error))
        return False
    question = (
        f"The store is damaged ({error.reason}). It was not opened, so nothing was written "
        f"to it.\n\nRestore the newest good backup, made {backup.made_at:%d %b %Y %H:%M} UTC?"
        "\n\nThe damaged store is kept in the backups folder. Work done since the backup "
        "is in it, or on the stations you synced with."
    )
    answer = QMessageBox.question(parent, RESTORE_TITLE, question)
    if answer != QMessageBox.StandardButton.Yes:
        return False
    try:
        result = restore(paths, backup.path, key=key)
    except PcsoDeskError as exc:
        QMessageBox.warning(parent, RESTORE_TITLE, str(exc))
        return False
    QMessageBox.information(parent, "Backup restored", result.line())
    return True
