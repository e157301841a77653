"""The website feeds as use cases (`services.feeds`): the public meetings calendar, the
police.uk-shaped priorities and "meet the team" (what each holds: feeds.py).

Each is a public output, like the street briefing: the print right, audited as "publish"
with the file's size and SHA-256 (the gateway writes it under a hidden name first).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from pcso_desk.domain.permissions import Action
from pcso_desk.services.context import Context
from pcso_desk.services.gateway import Effect, note, use_case

if TYPE_CHECKING:
    from pcso_desk.reports.briefing import Area

AREA_KINDS = ("ward", "neighbourhood")


class Feeds:
    """The files the force website can carry, for a ward or neighbourhood."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def _area(self, kind: str | None, name: str | None) -> Area | None:
        from pcso_desk.domain.errors import ValidationError
        from pcso_desk.services.documents import briefings

        if not name:
            return None
        if kind not in AREA_KINDS:
            raise ValidationError("Name a ward or a neighbourhood.", "area")
        return briefings.find_area(self.ctx, kind, name)

    @use_case(Action.PRINT, "publish", effect=Effect.FILE, kind="meetings", output="out")
    def save_calendar(self, kind: str, name: str, out: Path, *, today: date | None = None) -> int:
        """The area's public meetings of the next 90 days as an .ics file; returns how many."""
        from pcso_desk.services.documents import feeds
        from pcso_desk.store import models as m

        area = self._area(kind, name)
        if area is None:
            from pcso_desk.domain.errors import ValidationError

            raise ValidationError("Name a ward or a neighbourhood for the calendar.", "area")
        now = datetime.now(UTC)
        with self.ctx.store.read() as session:
            meetings = feeds.calendar_meetings(session, area, today or now.date())
            hood = session.get(m.Neighbourhood, area.neighbourhood_id)
            team = hood.name if hood is not None else area.name
        out.write_bytes(feeds.calendar_bytes(area, team, meetings, now))
        note((area.id,), f"calendar of {len(meetings)} meeting(s)")
        return len(meetings)

    @use_case(Action.PRINT, "publish", effect=Effect.FILE, kind="priorities", output="out")
    def save_police_uk_priorities(
        self, out: Path, kind: str | None = None, name: str | None = None
    ) -> int:
        """Live priorities with public wording, in police.uk's columns; returns how many."""
        from pcso_desk.services.documents import feeds

        area = self._area(kind, name)
        with self.ctx.store.read() as session:
            rows = feeds.police_uk_rows(session, area)
        feeds.write_police_uk(rows, out)
        note((area.id,) if area else (), f"{len(rows)} priorities, police.uk shape")
        return len(rows)

    @use_case(Action.PRINT, "publish", effect=Effect.FILE, kind="officers", output="out")
    def save_team(self, out: Path, kind: str | None = None, name: str | None = None) -> int:
        """ "Meet the team" as JSON: what the handout shows; returns how many officers."""
        from pcso_desk.services.documents import feeds

        area = self._area(kind, name)
        with self.ctx.store.read() as session:
            teams = feeds.team_entries(session, area)
        feeds.write_team(teams, date.today(), out)
        officers = sum(len(team["officers"]) for team in teams)
        note((area.id,) if area else (), f"{len(teams)} team(s), {officers} officer(s)")
        return officers
