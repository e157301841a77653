"""Setting a store up, for front ends (`services.setup`): how far it is set up, naming its team.

On a store with no user accounts yet nothing is refused (Context.may): that is how `pcso-desk
init` and the app's first run set a new store up before anyone can sign in.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pcso_desk.domain.permissions import Action
from pcso_desk.services.context import Context
from pcso_desk.services.gateway import Effect, note, use_case

if TYPE_CHECKING:  # maintenance (migrations, backups) loads when first used
    from pcso_desk.services.maintenance import SetupState


class Setup:
    """How far this store was set up, its team's name, and naming the team of a new store."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    # Only whether a team is named and accounts exist: what `init` needs before anyone can
    # sign in, and nothing personal.
    @use_case(None, effect=Effect.READ, kind="store")
    def state(self) -> SetupState:
        from pcso_desk.services.maintenance import setup_state

        return setup_state(self.ctx)

    @use_case(None, effect=Effect.READ, kind="store")
    def team(self) -> str:
        """The team's name as set up ("" before it is named)."""
        return self.ctx.team_name()

    @use_case(Action.ORGANISATION, "set up store", kind="store")
    def init_store(self, team: str | None) -> str:
        """Name the team of a new store and make the station's sync keys; refuses a store
        that already has a team. The name as stored."""
        from pcso_desk.services.maintenance import init_store

        name = init_store(self.ctx, team)
        note((), f"team {name}")
        return name
