"""A new station's team in one step: its name, district, base station, neighbourhood and wards.

The first-run screen (and anything else that sets up a team) calls `set_up_team`: it checks
everything first, then creates the records through the record services in one unit of work,
so a refusal leaves the store exactly as it was.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pcso_desk.domain.errors import ValidationError
from pcso_desk.domain.permissions import Action
from pcso_desk.domain.wording import counted
from pcso_desk.services.context import TEAM_KEY, Changes, Context, meta_value, set_meta
from pcso_desk.services.protection import audit
from pcso_desk.services.records import specs
from pcso_desk.services.records.service import RecordService
from pcso_desk.store import models as m

CODE_MAX = 16  # the code columns of districts, neighbourhoods and wards
NAME_MAX = 160


@dataclass(frozen=True)
class WardLine:
    """One ward as typed: its name and, if the team uses one, its code."""

    name: str
    code: str = ""


@dataclass(frozen=True)
class TeamSetup:
    """What the "Your team" step asks for; plain strings as typed."""

    team: str
    district: str
    neighbourhood: str
    station: str = ""
    wards: tuple[WardLine, ...] = ()


@dataclass(frozen=True)
class TeamSummary:
    """What `set_up_team` made (ids of records it created or found)."""

    team: str
    district_id: str
    station_id: str | None
    neighbourhood_id: str
    ward_ids: tuple[str, ...]
    changes: tuple[Changes, ...] = field(default=())

    def line(self) -> str:
        count = len(self.ward_ids)
        return f"Set up {self.team} with {counted(count, 'ward')}."


def parse_wards(text: str) -> tuple[WardLine, ...]:
    """Wards typed one per line, "Name" or "Name, CODE" (a tab works as well as a comma)."""
    wards = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        name, _sep, code = line.replace("\t", ",").rpartition(",")
        if not _sep:
            name, code = line, ""
        wards.append(WardLine(" ".join(name.split()), code.strip().upper()))
    return tuple(wards)


def _clean(setup: TeamSetup) -> TeamSetup:
    """The setup with whitespace tidied; the first problem found raised as one sentence."""
    team, district, hood, station = (
        " ".join(text.split())
        for text in (setup.team, setup.district, setup.neighbourhood, setup.station)
    )
    for value, sentence, name in (
        (team, "Give the team a name.", "team"),
        (district, "Say which district the team works in.", "district"),
        (hood, "Give the neighbourhood a name.", "neighbourhood"),
    ):
        if not value:
            raise ValidationError(sentence, name)
    for value, what in ((team, "team"), (district, "district"), (hood, "neighbourhood"),
                        (station, "police station")):  # fmt: skip
        if len(value) > NAME_MAX:
            raise ValidationError(f"The {what} name can be at most {NAME_MAX} characters.", what)
    return TeamSetup(team, district, hood, station, _clean_wards(setup.wards))


def _clean_wards(wards: tuple[WardLine, ...]) -> tuple[WardLine, ...]:
    cleaned = [WardLine(" ".join(w.name.split()), w.code.strip().upper()) for w in wards]
    cleaned = [w for w in cleaned if w.name or w.code]
    if not cleaned:
        raise ValidationError("List at least one ward, one per line.", "wards")
    names: set[str] = set()
    codes: set[str] = set()
    for ward in cleaned:
        if not ward.name:
            raise ValidationError(f"The ward with code {ward.code} needs a name.", "wards")
        if len(ward.name) > NAME_MAX:
            raise ValidationError(f"A ward name can be at most {NAME_MAX} characters.", "wards")
        if ward.name.casefold() in names:
            raise ValidationError(f"The ward '{ward.name}' is listed twice.", "wards")
        if len(ward.code) > CODE_MAX:
            raise ValidationError(
                f"The ward code '{ward.code}' is longer than {CODE_MAX} characters.", "wards"
            )
        if ward.code and ward.code in codes:
            raise ValidationError(f"The ward code '{ward.code}' is listed twice.", "wards")
        names.add(ward.name.casefold())
        codes.add(ward.code)
    return tuple(cleaned)


def _code_from(name: str, width: int = 6) -> str:
    """A short code from a name: the initials of a few words, or the first letters of one."""
    words: list[str] = re.findall(r"[A-Za-z0-9]+", name)
    if not words:
        return "X"
    if len(words) == 1:
        return words[0][:width].upper()
    return "".join(word[0] for word in words)[:width].upper()


def _free_code(session: Session, model: Any, wanted: str, taken: set[str]) -> str:
    """`wanted`, or `wanted-2`, `-3`...: a code no live or deleted record of `model` uses."""
    used = set(session.scalars(select(model.code)).all()) | taken
    base = wanted[:CODE_MAX]
    number = 1
    code = base
    while code in used:
        number += 1
        suffix = f"-{number}"
        code = base[: CODE_MAX - len(suffix)] + suffix
    taken.add(code)
    return code


def _find_by_name(session: Session, model: Any, name: str) -> str | None:
    found = session.scalar(
        select(model.id).where(func.lower(model.name) == name.lower(), model.deleted_at.is_(None))
    )
    return None if found is None else str(found)


def _check_team_name(ctx: Context, session: Session, team: str) -> None:
    """The team name is part of this station's sync identity once its keys exist."""
    from pcso_desk.services.sync.stations import keys_folder
    from pcso_desk.sync.identity import StationIdentity

    current = meta_value(session, TEAM_KEY)
    if current == team:
        return
    identity = StationIdentity.load(keys_folder(ctx))
    if identity is not None and identity.team != team:
        raise ValidationError(
            f"This station's sync keys were made for team '{identity.team}'; "
            "keep that team name so that the team's stations still trust each other.",
            "team",
        )


def set_up_team(ctx: Context, setup: TeamSetup) -> TeamSummary:
    """Create the district (or use the one of that name), the base police station, the
    neighbourhood and its wards, and name the team: all of it or, on any problem, nothing."""
    ctx.require(Action.ORGANISATION, "neighbourhoods")
    clean = _clean(setup)
    service = {kind: RecordService(ctx, spec) for kind, spec in _SPECS.items()}
    created: dict[str, list[str]] = {kind: [] for kind in _SPECS}
    with ctx.store.write() as session:
        _check_team_name(ctx, session, clean.team)
        district = _find_by_name(session, m.District, clean.district)
        if district is None:
            code = _free_code(session, m.District, _code_from(clean.district), set())
            district = _new(service["districts"], {"name": clean.district, "code": code})
            created["districts"].append(district)
        station = None
        if clean.station:
            station = _find_by_name(session, m.PoliceStation, clean.station)
            if station is None:
                station = _new(service["police_stations"], {"name": clean.station})
                created["police_stations"].append(station)
        if _find_by_name(session, m.Neighbourhood, clean.neighbourhood) is not None:
            raise ValidationError(
                f"There is already a neighbourhood called {clean.neighbourhood}.",
                "neighbourhood",
            )
        hood_code = _free_code(session, m.Neighbourhood, _code_from(clean.neighbourhood), set())
        hood = _new(
            service["neighbourhoods"],
            {
                "name": clean.neighbourhood,
                "code": hood_code,
                "district_id": district,
                "base_station_id": station,
            },
        )
        created["neighbourhoods"].append(hood)
        created["wards"] = _create_wards(session, service["wards"], hood, hood_code, clean.wards)
        set_meta(session, TEAM_KEY, clean.team)
        audit.append(session, ctx, "set up team", "neighbourhoods", (hood,))
    from pcso_desk.services.sync.stations import ensure_identity

    ensure_identity(ctx)  # made now (if not yet) so that it carries the team's name
    changes = tuple(Changes(kind, created=tuple(ids)) for kind, ids in created.items() if ids)
    return TeamSummary(clean.team, district, station, hood, tuple(created["wards"]), changes)


def _create_wards(
    session: Session,
    service: RecordService,
    hood: str,
    hood_code: str,
    wards: tuple[WardLine, ...],
) -> list[str]:
    typed = {ward.code for ward in wards if ward.code}
    existing = set(session.scalars(select(m.Ward.code)).all())
    clash = sorted(typed & existing)
    if clash:
        raise ValidationError(f"Another ward already has the code {clash[0]}.", "wards")
    taken = set(typed)
    ids = []
    for ward in wards:
        code = ward.code or _free_code(
            session, m.Ward, f"{hood_code[:7]}-{_code_from(ward.name, 6)}", taken
        )
        ids.append(_new(service, {"name": ward.name, "code": code, "neighbourhood_id": hood}))
    return ids


def _new(service: RecordService, values: dict[str, object]) -> str:
    """Create one record inside the unit of work already open (a nested write joins it)."""
    return service.create(values).created[0]


_SPECS = {
    "districts": specs.DISTRICTS,
    "police_stations": specs.STATIONS,
    "neighbourhoods": specs.NEIGHBOURHOODS,
    "wards": specs.WARDS,
}
