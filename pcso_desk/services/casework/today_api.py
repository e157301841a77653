"""The Today dashboard and the quick engagement log as use cases for front ends
(`services.today`)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from pcso_desk.domain.permissions import Action
from pcso_desk.services.context import Context
from pcso_desk.services.gateway import Effect, note, use_case

if TYPE_CHECKING:
    from pcso_desk.services.casework.today import LoggedEngagement, TodaySummary


class Today:
    """What is due today, and logging an engagement in one go."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    # The dashboard shows victims' names and crime references to a role that may see them.
    # Read inside this use case, that list adds no entry of its own: this one is written on
    # every load instead, with how many victim cases it showed.
    @use_case(Action.VIEW, "list", effect=Effect.READ, kind="today")
    def summary(
        self, now: datetime, scope: str = "team", officer_id: str | None = None
    ) -> TodaySummary:
        """Everything due or near its deadline at `now` (aware), for `scope` "team" (the
        officer's neighbourhood) or "mine" (the officer's own work); the officer is the
        signed-in one unless `officer_id` names another."""
        from pcso_desk.services.casework.today import today_summary

        found = today_summary(self.ctx, now=now, scope=scope, officer_id=officer_id)
        shown = len(found.overdue_victim_contacts) + len(found.victim_contacts_due)
        note((), f"{shown} victim case(s)")
        return found

    # The body writes a "create" entry for the engagement and one for each contact linked,
    # in the same unit of work; the gateway adds none of its own.
    @use_case(Action.CREATE, "create", kind="engagements")
    def log_engagement(
        self, values: Mapping[str, Any], contact_ids: Iterable[str] = ()
    ) -> LoggedEngagement:
        """One engagement and its links to the contacts it was with, all or nothing."""
        from pcso_desk.services.casework.today import log_engagement

        return log_engagement(self.ctx, values, contact_ids)
