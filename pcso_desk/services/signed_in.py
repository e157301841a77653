"""What the signed-in person may do and where they work: the buttons a front end offers and
the defaults its forms start with (their officer, neighbourhood and ward)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from pcso_desk.domain.permissions import Action, allowed_kind, who_can
from pcso_desk.services.context import Context
from pcso_desk.store.models import Officer, OfficerWard, Ward


@dataclass(frozen=True)
class Whereabouts:
    """The signed-in officer and their team: what a form fills in before anyone types.

    Every field is None when no officer is signed in (a store before its accounts, an
    account with no officer) or the officer has no neighbourhood or ward on record."""

    officer_id: str | None = None
    neighbourhood_id: str | None = None
    ward_id: str | None = None  # the officer's first ward attachment, else none


def may(ctx: Context, action: Action, kind: str = "") -> bool:
    """Whether the signed-in role may do `action` to records of `kind` (always, before the
    store has accounts): the same answer the gateway gives when it is asked to."""
    if not ctx.accounts:
        return True
    return ctx.actor is not None and allowed_kind(ctx.actor.role, action, kind)


def who_may(action: Action, kind: str = "") -> str:
    """The tooltip of a button the signed-in role cannot use: who can."""
    return who_can(action, kind)


def whereabouts(ctx: Context) -> Whereabouts:
    officer_id = ctx.officer_id
    if officer_id is None:
        return Whereabouts()
    with ctx.store.read() as session:
        officer = session.get(Officer, officer_id)
        if officer is None or officer.deleted_at is not None:
            return Whereabouts()
        ward_id = session.scalar(
            select(OfficerWard.ward_id)
            .join(Ward, Ward.id == OfficerWard.ward_id)
            .where(
                OfficerWard.officer_id == officer_id,
                OfficerWard.deleted_at.is_(None),
                Ward.deleted_at.is_(None),
            )
            .order_by(Ward.name)
            .limit(1)
        )
        return Whereabouts(officer_id, officer.neighbourhood_id, ward_id)
