"""Who may do what: the one permission table every service call is checked against.

The table is printed in README.md (`pcso-desk` docs) from `permission_rows()`; a test keeps
the two in step.
"""

from __future__ import annotations

import enum

from pcso_desk.domain.enums import UserRole


class Action(enum.StrEnum):
    VIEW = "view records"
    VIEW_RESTRICTED = "see restricted records (victim care)"
    CREATE = "add records"
    CHANGE = "change records"
    DELETE = "delete records"
    ORGANISATION = "change districts, wards, stations and officers"
    PRINT = "print briefings and packs"
    PUBLIC_PACKS = "build public monthly packs"
    INTERNAL_PACKS = "build internal monthly packs"
    EXPORT = "export data"
    IMPORT = "import data"
    SYNC = "sync with other stations"
    REGISTER_PEERS = "register other stations for sync"
    RESOLVE_CONFLICTS = "settle sync conflicts"
    MANAGE_USERS = "manage user accounts"
    READ_AUDIT = "read the audit log"
    REVIEW = "review records due for retention"
    ERASE = "erase a person's data"


_OPERATIONAL = frozenset(
    {
        Action.VIEW,
        Action.VIEW_RESTRICTED,
        Action.CREATE,
        Action.CHANGE,
        Action.PRINT,
        Action.PUBLIC_PACKS,  # checked by the disclosure auditor before it is written
        Action.SYNC,
    }
)
PERMISSIONS: dict[UserRole, frozenset[Action]] = {
    UserRole.PCSO: _OPERATIONAL,
    UserRole.PC: _OPERATIONAL | {Action.DELETE, Action.EXPORT, Action.IMPORT},
    UserRole.SERGEANT: _OPERATIONAL
    | {
        Action.DELETE,
        Action.EXPORT,
        Action.IMPORT,
        Action.INTERNAL_PACKS,  # exact figures about people: a sergeant's to release
        Action.ORGANISATION,
        Action.REGISTER_PEERS,
        Action.RESOLVE_CONFLICTS,
        Action.READ_AUDIT,
        Action.REVIEW,
        Action.ERASE,
    },
    # The administrator keeps the station running; casework is not theirs to see. Data
    # protection duties (retention review, erasure) are theirs as well as a sergeant's.
    UserRole.ADMIN: frozenset(
        {
            Action.VIEW,
            Action.ORGANISATION,
            Action.SYNC,
            Action.REGISTER_PEERS,
            Action.MANAGE_USERS,
            Action.READ_AUDIT,
            Action.REVIEW,
            Action.ERASE,
        }
    ),
}
ROLE_NAMES = {
    UserRole.PCSO: "PCSO",
    UserRole.PC: "PC",
    UserRole.SERGEANT: "Sergeant",
    UserRole.ADMIN: "Admin",
}
# Record kinds whose every field is restricted (DPA 2018: victims' details).
RESTRICTED_KINDS = frozenset({"victim_cases", "victim_contacts"})
# Record kinds that describe the force and the team rather than the community.
ORGANISATION_KINDS = frozenset(
    {"districts", "councils", "police_stations", "neighbourhoods", "wards", "officers",
     "officer_wards", "lsoa_wards", "boundaries"}
)  # fmt: skip


def allowed(role: UserRole, action: Action) -> bool:
    return action in PERMISSIONS[role]


def needed(action: Action, kind: str = "") -> tuple[Action, ...]:
    """What a role needs to do `action` to records of `kind`: a restricted kind needs
    VIEW_RESTRICTED as well, and changing the team's organisation needs ORGANISATION."""
    if kind in ORGANISATION_KINDS and action in (Action.CREATE, Action.CHANGE, Action.DELETE):
        action = Action.ORGANISATION
    return (Action.VIEW_RESTRICTED, action) if kind in RESTRICTED_KINDS else (action,)


def refusal(role: UserRole, action: Action) -> str:
    """One sentence for a refused action."""
    name = ROLE_NAMES[role]
    article = "An" if name[0] in "AEIOU" else "A"
    helpers = [
        ROLE_NAMES[r].lower() for r in (UserRole.SERGEANT, UserRole.ADMIN) if allowed(r, action)
    ]
    who = " or ".join(f"{'an' if h[0] in 'aeiou' else 'a'} {h}" for h in helpers)
    return f"{article} {name} account cannot {action.value}; ask {who or 'a sergeant'}."


def allowed_kind(role: UserRole, action: Action, kind: str = "") -> bool:
    """Whether `role` may do `action` to records of `kind` (see `needed`)."""
    return all(allowed(role, a) for a in needed(action, kind))


def who_can(action: Action, kind: str = "") -> str:
    """One sentence naming the roles that may do `action` (to records of `kind`): the
    tooltip on a button a role is shown but cannot use."""
    roles = [r for r in UserRole if allowed_kind(r, action, kind)]
    spoken = [ROLE_NAMES[r] if ROLE_NAMES[r].isupper() else ROLE_NAMES[r].lower() for r in roles]
    names = [f"{'an' if n[0] in 'AEIOUaeiou' else 'a'} {n}" for n in spoken]
    what = needed(action, kind)[-1].value
    if not names:
        return f"No account can {what}."
    listed = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"
    return f"Only {listed} can {what}."


def permission_rows() -> list[tuple[str, ...]]:
    """The table as text: one row per action, a column per role ("yes" or "")."""
    roles = list(UserRole)
    rows = [("Action", *(ROLE_NAMES[r] for r in roles))]
    for action in Action:
        rows.append((action.value, *("yes" if allowed(r, action) else "" for r in roles)))
    return rows
