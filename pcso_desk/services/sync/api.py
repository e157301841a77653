"""Sync use cases as one object for front ends (`services.sync`); heavy imports wait until used."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from pcso_desk.domain.permissions import Action
from pcso_desk.services.context import Changes, Context
from pcso_desk.services.gateway import Effect, use_case

if TYPE_CHECKING:
    from pcso_desk.services.sync.bundles import ExportResult, ImportResult
    from pcso_desk.services.sync.hub import HubResult
    from pcso_desk.services.sync.queue import ConflictView
    from pcso_desk.services.sync.stations import SyncStatus
    from pcso_desk.sync.identity import PublicIdentity

Progress = Callable[[str], None]


def _quiet(_message: str) -> None:
    return None


class Sync:
    """Identity, trusted stations, bundles, the hub and the conflict queue of one store."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    @use_case(Action.SYNC, effect=Effect.READ, kind="sync")
    def status(self) -> SyncStatus:
        from pcso_desk.services.sync.stations import sync_status

        return sync_status(self.ctx)

    @use_case(Action.SYNC, "write identity", effect=Effect.FILE, kind="sync", output="out")
    def write_identity(self, out: Path) -> PublicIdentity:
        from pcso_desk.services.sync.stations import write_identity

        return write_identity(self.ctx, out)

    @use_case(Action.SYNC, effect=Effect.READ, kind="sync")
    def read_identity(self, path: Path) -> PublicIdentity:
        """A peer's identity file, read and checked (show its fingerprint, then `trust`)."""
        from pcso_desk.services.sync.stations import read_identity

        return read_identity(path)

    # A registered station's bundles are accepted here: only a sergeant or an admin
    # decides which stations those are.
    @use_case(Action.REGISTER_PEERS, "trust station", kind="sync")
    def trust(self, peer: PublicIdentity) -> PublicIdentity:
        from pcso_desk.services.sync.stations import trust_peer

        return trust_peer(self.ctx, peer)

    @use_case(Action.SYNC, "sync export", effect=Effect.FILE, kind="sync", output="out")
    def export_bundle(
        self, out: Path, *, full: bool = False, progress: Progress = _quiet
    ) -> ExportResult:
        from pcso_desk.services.sync.bundles import export_bundle

        return export_bundle(self.ctx, out, full=full, progress=progress)

    @use_case(Action.SYNC, "sync import", kind="sync")
    def import_bundle(self, path: Path, *, progress: Progress = _quiet) -> ImportResult:
        from pcso_desk.services.sync.bundles import import_bundle

        return import_bundle(self.ctx, path, progress=progress)

    @use_case(Action.SYNC, "sync hub", kind="sync")
    def hub(self, url: str | None = None, *, progress: Progress = _quiet) -> HubResult:
        """Sync with the hub this station joined (or, for a test or a one-off, `url`)."""
        from pcso_desk.services.sync.hub import hub_sync

        return hub_sync(self.ctx, url, progress=progress)

    @use_case(Action.SYNC, "join hub", kind="sync")
    def join_hub(self, path: Path) -> str:
        """Keep the hub access file made for this station; the hub's address (no password)."""
        from pcso_desk.services.sync.hub import join_hub

        return join_hub(self.ctx, path)

    @use_case(Action.SYNC, effect=Effect.READ, kind="sync")
    def hub_address(self) -> str | None:
        """The hub this station has joined, without its password; None before joining."""
        from pcso_desk.services.sync.hub import hub_address

        return hub_address(self.ctx)

    @use_case(Action.SYNC, effect=Effect.READ, kind="sync_conflicts")
    def conflicts(self, *, include_resolved: bool = False) -> list[ConflictView]:
        from pcso_desk.services.sync.queue import list_conflicts

        return list_conflicts(self.ctx, include_resolved=include_resolved)

    @use_case(Action.RESOLVE_CONFLICTS, "resolve conflict", kind="sync_conflicts")
    def resolve(self, conflict_id: str, choice: str) -> Changes:
        from pcso_desk.services.sync.queue import resolve_conflict

        return resolve_conflict(self.ctx, conflict_id, choice)
