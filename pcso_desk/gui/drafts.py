"""Typed work is never lost: each open editor's values are kept on disk until saved or discarded."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pcso_desk.atomic import write_atomic

if TYPE_CHECKING:
    from pcso_desk.services.values import Actor


class DraftStore:
    """One JSON file per open editor, under the data folder's drafts/ (written atomically)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _path(self, key: str) -> Path:
        safe = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in key)
        return self.folder / f"{safe}.json"

    def save(self, key: str, title: str, values: dict[str, Any]) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        payload = json.dumps({"key": key, "title": title, "values": values}, default=str)
        write_atomic(self._path(key), payload.encode("utf-8"))

    def load(self, key: str) -> dict[str, Any] | None:
        try:
            data = json.loads(self._path(key).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        values = data.get("values")
        return values if isinstance(values, dict) else None

    def discard(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def pending(self) -> list[tuple[str, str]]:
        """(key, title) of every draft left behind, e.g. by a crash."""
        found = []
        for path in sorted(self.folder.glob("*.json")):
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
                found.append((str(data["key"]), str(data.get("title", data["key"]))))
            except (OSError, ValueError, KeyError):
                continue
        return found


def drafts_folder(root: Path, actor: Actor | None) -> Path:
    """Where the signed-in user's drafts live (the shared folder while a store has no accounts)."""
    return root if actor is None else root / str(actor.user_id)
