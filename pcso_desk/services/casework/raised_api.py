"""What people raised and whether a priority moved the dial, as use cases
(`services.raised`): the digest on screen and as a PDF for the meeting, and a priority's
before/after figures for its review.

A priority proposed from a digest line is made by the priorities' own create use case, with
`evidence_count` and `evidence` (services/records: the kind's declared fields).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from pcso_desk.domain.permissions import Action
from pcso_desk.services.context import Context
from pcso_desk.services.gateway import Effect, note, use_case

if TYPE_CHECKING:
    from pcso_desk.domain.raised import BeforeAfter, Digest


class Raised:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    @use_case(Action.VIEW, effect=Effect.READ)
    def digest(self, kind: str, area_id: str, today: date, since: date | None = None) -> Digest:
        """What people raised in a ward or neighbourhood since its last PACT meeting (or
        since `since`), by ward and issue, most raised first."""
        from pcso_desk.services.casework import raised

        with self.ctx.store.read() as session:
            return raised.digest(session, kind, area_id, today, since)

    def _pdf(self, kind: str, area_id: str, today: date, since: date | None) -> bytes:
        from pcso_desk.reports.raised import build_raised_digest
        from pcso_desk.services.casework import raised
        from pcso_desk.store import models as m

        note((area_id,))
        with self.ctx.store.read() as session:
            data = raised.digest(session, kind, area_id, today, since)
            hood = session.get(m.Neighbourhood, data.neighbourhood_id)
            team = hood.name if hood else ""
        return build_raised_digest(data, team)

    @use_case(Action.PRINT, "preview", effect=Effect.READ, kind="raised")
    def preview_pdf(self, kind: str, area_id: str, today: date, since: date | None = None) -> bytes:
        return self._pdf(kind, area_id, today, since)

    @use_case(Action.PRINT, "print", effect=Effect.FILE, kind="raised", output="out")
    def save_pdf(
        self, kind: str, area_id: str, today: date, out: Path, since: date | None = None
    ) -> Path:
        from pcso_desk.reports.common import write_atomic

        return write_atomic(out, self._pdf(kind, area_id, today, since))

    @use_case(Action.VIEW, effect=Effect.READ, kind="priorities")
    def before_after(self, priority_id: str, today: date) -> BeforeAfter:
        """A priority's figures for its category and area, before it was agreed and since."""
        from pcso_desk.services.casework import raised

        with self.ctx.store.read() as session:
            return raised.before_after(session, priority_id, today)
