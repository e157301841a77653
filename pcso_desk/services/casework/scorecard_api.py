"""The Policing Pledge scorecard as use cases for front ends (`services.scorecards`).

Reading a scorecard is an unaudited read any signed-in role may make: it shows counts,
never who; the victims item's figures need the right to see victim care, and without it
the item says so.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from pcso_desk.domain.permissions import Action
from pcso_desk.services.context import Context
from pcso_desk.services.gateway import Effect, use_case

if TYPE_CHECKING:
    from pcso_desk.services.casework.scorecard import DistrictScorecard, Scorecard


class Scorecards:
    """Each Pledge item met, at risk or missed, for an area or a district and a month."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def _when(self, month: str | None, now: datetime | None) -> tuple[str, datetime]:
        from pcso_desk.domain.months import month_of, parse_month
        from pcso_desk.domain.schedule import LONDON

        moment = now or self.ctx.now()
        chosen = parse_month(month) if month else month_of(moment.astimezone(LONDON).date())
        return chosen, moment

    @use_case(Action.VIEW, effect=Effect.READ, kind="scorecard")
    def area(
        self, kind: str, name: str, month: str | None = None, now: datetime | None = None
    ) -> Scorecard:
        """The scorecard of the ward or neighbourhood named (or coded) `name` for `month`
        (YYYY-MM; default: the month of `now`), as it stands at `now` (default: now)."""
        from pcso_desk.services.casework import scorecard
        from pcso_desk.services.documents import briefings, monthly

        if kind not in ("ward", "neighbourhood"):
            from pcso_desk.domain.errors import ValidationError

            raise ValidationError("A scorecard is for a ward or a neighbourhood.", field="kind")
        chosen, moment = self._when(month, now)  # a bad month first: nothing is read
        found = briefings.find_area(self.ctx, kind, name)
        with self.ctx.store.read() as session:
            area = monthly._area(session, kind, found.name, found.id)
        return scorecard.scorecard(self.ctx, area, chosen, moment)

    @use_case(Action.VIEW, effect=Effect.READ, kind="scorecard")
    def district(
        self, name: str, month: str | None = None, now: datetime | None = None
    ) -> DistrictScorecard:
        """The scorecard of every neighbourhood of the district called `name`."""
        from pcso_desk.services.casework import scorecard

        chosen, moment = self._when(month, now)
        return scorecard.district_scorecard(self.ctx, name, chosen, moment)
