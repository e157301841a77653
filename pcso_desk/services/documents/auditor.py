"""The disclosure auditor: can anyone work out a hidden count from a month's public packs?

A reader who collects every public pack the team publishes for a month (neighbourhoods,
wards, councils, a district's batch) and the month before it sees many counts about people,
some exact, some "fewer than 5" (1 to 4), some withheld. Each is a sum of true counts kept
per ward and month (engagements, KIN check-ins and members) or per meeting (attendance):
the same true count in two packs is one variable, so subtracting one pack from another is
modelled exactly. The auditor states every published cell as a constraint on those
non-negative integers and, for every hidden cell, asks an integer program (HiGHS, through
`highspy`) for the least and the most it can be. A hidden cell pinned to one value, or
narrowed to fewer than `MIN_VALUES` values, is a finding; the packs are then not written.

It also refuses a table whose rows are not in their fixed order (crime types by name,
meetings by date, months in order): an order that follows the values tells a reader which
count is larger, which no constraint here could express.

Counts are gathered for every area that shares a ward with the packs being built (their
neighbourhoods, those neighbourhoods' wards and every council with one of those wards).
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from pcso_desk.domain.disclosure import HIDDEN, SMALL, bounds
from pcso_desk.reports.monthly_pack import MonthlyFigures, PackTable
from pcso_desk.services.context import Context

MIN_VALUES = 3  # a hidden count must keep at least this many possible values
CEILING = 1_000_000  # "no limit" for the solver: far above any count a team keeps


@dataclass(frozen=True)
class Fact:
    """One published cell: the true counts it sums, and what it shows of their sum."""

    terms: tuple[str, ...]
    least: int
    most: int | None  # None: no upper limit shown
    where: str  # which pack, table and row, for a finding
    hidden: bool  # shown as "fewer than 5" or withheld


@dataclass(frozen=True)
class Finding:
    """A hidden cell a reader could narrow: the least and most it can be."""

    where: str
    least: int
    most: int

    def sentence(self) -> str:
        if self.least == self.most:
            return f"{self.where} could be worked out as {self.least}"
        return f"{self.where} could be narrowed to {self.least} to {self.most}"


# -- what a pack publishes, as facts -----------------------------------------------------------


def _ward_terms(figures: MonthlyFigures, what: str, month: str) -> tuple[str, ...]:
    return tuple(f"{what}:{ward}:{month}" for ward in figures.area.ward_ids)


def _kin_terms(figures: MonthlyFigures, what: str, month: str) -> tuple[str, ...]:
    """A KIN belongs to a neighbourhood and perhaps one of its wards: a neighbourhood counts
    all its KINs (those with no ward too), a ward or council those of its wards."""
    area = figures.area
    terms = [f"{what}:{ward}:{month}" for ward in area.ward_ids]
    if area.kind == "neighbourhood":
        terms += [f"{what}:{hood}:no ward:{month}" for hood in area.neighbourhood_ids]
    return tuple(terms)


def pack_facts(figures: MonthlyFigures, tables: Sequence[PackTable]) -> list[Fact]:
    """Every count about people a public pack shows, as a fact (crime counts are published
    exactly and are not the team's to protect; percentages are not modelled)."""
    by = {t.name: t for t in tables}
    pack = f"the {figures.area.name} pack's"
    month = figures.month
    meetings = [line for line in figures.meetings if line.attendance is not None]
    summary_terms = {
        "People attending meetings": tuple(f"meeting:{line.key}" for line in meetings),
        "Engagements with the community": _ward_terms(figures, "engagements", month),
        "Key individual network members": _kin_terms(figures, "kin_members", month),
        "Key individual check-ins": _kin_terms(figures, "check_ins", month),
    }
    facts: list[Fact] = []

    def add(terms: tuple[str, ...], shown: Any, where: str) -> None:
        known = _bounds(shown)
        if known is not None:
            least, most = known
            facts.append(Fact(terms, least, most, f"{pack} {where}", shown in (SMALL, HIDDEN)))

    for label, value in by["summary"].rows if "summary" in by else ():
        if label in summary_terms:
            add(summary_terms[label], value, label.lower())
        elif value in (SMALL, HIDDEN):  # a hidden count the auditor cannot place: fail closed
            from pcso_desk.domain.errors import ValidationError

            raise ValidationError(
                f"The public packs were not written: the disclosure auditor cannot tell what "
                f"“{label}” counts.",
                field="month",
            )
    if "meetings" in by:  # a row per meeting of figures.meetings, in the same order
        at = by["meetings"].header.index("Attendance")
        for line, row in zip(figures.meetings, by["meetings"].rows, strict=True):
            if line.attendance is not None:
                add((f"meeting:{line.key}",), row[at], f"attendance at the {line.held_on} meeting")
    if "feelings-of-safety" in by:
        at = by["feelings-of-safety"].header.index("Check-ins")
        for row in by["feelings-of-safety"].rows:
            add(_kin_terms(figures, "check_ins", row[0]), row[at], f"check-ins in {row[0]}")
    return facts


def _bounds(shown: Any) -> tuple[int, int | None] | None:
    if shown == HIDDEN:
        return 0, None  # a withheld total says nothing beyond its parts
    return bounds(shown)


def order_problems(figures: MonthlyFigures, tables: Sequence[PackTable]) -> list[str]:
    """Tables of a pack whose rows are not in their fixed order (see the module's doc)."""
    by = {t.name: t for t in tables}
    problems = []
    crime = [row[0] for row in by["crime"].rows[:-1]] if "crime" in by else []
    if crime != sorted(crime, key=str.casefold):
        problems.append(f"the {figures.area.name} pack's crime rows are not in name order")
    # Meetings and months: the tables have a row per line of the figures, in their order
    # (checked on the figures, whatever way a date is written in the table).
    dates = [line.held_on for line in figures.meetings]
    if dates != sorted(dates):
        problems.append(f"the {figures.area.name} pack's meetings are not in date order")
    months = [point.month for point in figures.safety]
    if months != sorted(months):
        problems.append(f"the {figures.area.name} pack's months are not in order")
    return problems


# -- the integer programs ------------------------------------------------------------------------


_banner = threading.Lock()
_quiet = False


def _solver() -> Any:
    """A silent HiGHS instance (its first construction in a process prints a banner to the
    standard output, which is the CLI's: it goes to the null device instead)."""
    global _quiet
    import highspy

    with _banner:
        if not _quiet:
            with _stdout_to_null():
                solver = highspy.Highs()  # type: ignore[no-untyped-call]
            _quiet = True
        else:
            solver = highspy.Highs()  # type: ignore[no-untyped-call]
    solver.setOptionValue("output_flag", False)
    return solver


@contextlib.contextmanager
def _stdout_to_null() -> Iterator[None]:
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):
        yield
        return
    sys.stdout.flush()
    saved = os.dup(fd)
    null = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(null, fd)
        yield
    finally:
        os.dup2(saved, fd)
        os.close(saved)
        os.close(null)


def _components(facts: Sequence[Fact]) -> list[list[Fact]]:
    """Facts that share no true count cannot constrain each other: solve each group alone."""
    parent: dict[str, str] = {}

    def root(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for fact in facts:
        for term in fact.terms[1:]:
            parent[root(term)] = root(fact.terms[0])
    groups: dict[str, list[Fact]] = {}
    for fact in facts:
        if fact.terms:
            groups.setdefault(root(fact.terms[0]), []).append(fact)
    return list(groups.values())


def _solve_group(facts: list[Fact]) -> list[Finding]:
    import highspy
    import numpy as np

    hidden = [f for f in facts if f.hidden]
    if not hidden:
        return []
    names = sorted({t for f in facts for t in f.terms})
    index = {name: i for i, name in enumerate(names)}
    n = len(names)
    h = _solver()
    h.addVars(n, np.zeros(n), np.full(n, float(CEILING)))
    h.changeColsIntegrality(
        n, np.arange(n, dtype=np.int32), np.array([highspy.HighsVarType.kInteger] * n)
    )
    for fact in facts:
        cols = np.array(sorted({index[t] for t in fact.terms}), dtype=np.int32)
        most = highspy.kHighsInf if fact.most is None else float(fact.most)
        h.addRow(float(fact.least), most, len(cols), cols, np.ones(len(cols)))
    findings = []
    seen: set[tuple[str, ...]] = set()
    for fact in hidden:
        key = tuple(sorted(set(fact.terms)))
        if key in seen:
            continue
        seen.add(key)
        cost = np.zeros(n)
        cost[[index[t] for t in key]] = 1.0
        h.changeColsCost(n, np.arange(n, dtype=np.int32), cost)
        ends = []
        for sense in (highspy.ObjSense.kMinimize, highspy.ObjSense.kMaximize):
            h.changeObjectiveSense(sense)
            h.run()
            if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
                raise RuntimeError(f"the disclosure auditor could not solve {fact.where}")
            ends.append(round(h.getInfo().objective_function_value))
        least, most = ends
        if most - least + 1 < MIN_VALUES:
            findings.append(Finding(fact.where, least, most))
    return findings


def audit(facts: Iterable[Fact]) -> list[Finding]:
    """Every hidden cell a reader of all these published cells could pin or narrow."""
    unique = list(dict.fromkeys(facts))
    findings: list[Finding] = []
    for group in _components(unique):
        findings += _solve_group(group)
    return findings


# -- a month's packs ------------------------------------------------------------------------


def related_areas(ctx: Context, neighbourhood_ids: Iterable[str]) -> list[Any]:
    """The neighbourhoods, their wards and every council with one of those wards: every public
    pack that shares a count about people with these neighbourhoods' packs. Their wards are
    read in one statement (each area as `monthly.find_area` makes it: wards by name)."""
    from sqlalchemy import or_

    from pcso_desk.services.documents.monthly import Area
    from pcso_desk.store import models as m

    hoods = sorted(set(neighbourhood_ids))
    with ctx.store.read() as session:
        wards = session.execute(
            select(m.Ward.id, m.Ward.name, m.Ward.council_id)
            .where(m.Ward.deleted_at.is_(None), m.Ward.neighbourhood_id.in_(hoods))
            .order_by(m.Ward.name)
        ).all()
        councils = sorted({c for _w, _n, c in wards if c})
        hood_rows = session.execute(
            select(m.Neighbourhood.id, m.Neighbourhood.name).where(m.Neighbourhood.id.in_(hoods))
        ).all()
        council_rows = session.execute(
            select(m.Council.id, m.Council.name).where(
                m.Council.deleted_at.is_(None), m.Council.id.in_(councils)
            )
        ).all()
        every = session.execute(  # the hoods' wards and the councils' (some in other hoods)
            select(m.Ward.id, m.Ward.neighbourhood_id, m.Ward.council_id)
            .where(
                m.Ward.deleted_at.is_(None),
                or_(m.Ward.neighbourhood_id.in_(hoods), m.Ward.council_id.in_(councils)),
            )
            .order_by(m.Ward.name)
        ).all()

    def area(kind: str, name: str, rows: list[Any], hood: str | None = None) -> Any:
        ids = tuple(ward for ward, _hood, _council in rows)
        return Area(kind, name, ids, (hood,) if hood else tuple(sorted({h for _w, h, _c in rows})))

    areas = [
        area("neighbourhood", name, [r for r in every if r[1] == hood], hood)
        for hood, name in hood_rows
    ]
    areas += [area("ward", name, [r for r in every if r[0] == ward]) for ward, name, _c in wards]
    areas += [
        area("council", name, [r for r in every if r[2] == council])
        for council, name in council_rows
    ]
    return areas


_UNSHOWN = (
    "engagements", "patrol_minutes", "kin_members", "kin_check_ins", "victim_cases",
    "victim_cases_contacted", "messages", "messages_in_time",
)  # fmt: skip


def people_figures(ctx: Context, area: Any, month: str) -> MonthlyFigures:
    """The figures a public pack's counts about people come from: `monthly_figures` without
    crime, priorities and time in the locality (none of them a count about people), by the
    same queries, so the auditor sees the cells the pack will show."""
    return every_people_figures(ctx, [area], month)[0]


def every_people_figures(ctx: Context, areas: Sequence[Any], month: str) -> list[MonthlyFigures]:
    """`people_figures` of each of `areas`, their meetings read in one statement."""
    from pcso_desk.domain.months import month_bounds, parse_month, shift_month
    from pcso_desk.services.documents import monthly as mo
    from pcso_desk.services.documents.packs import people_published

    month = parse_month(month)
    start, end = month_bounds(month)
    out = []
    with ctx.store.read() as session:
        meetings = mo.meetings_of_areas(session, areas, start, end)
        for area, held in zip(areas, meetings, strict=True):
            values: dict[str, Any] = {
                "crime": (),
                "priorities": (),
                "meetings": held,
                **dict.fromkeys(_UNSHOWN, 0),
                "safety": (),
            }
            if people_published(area, public=True):  # else only each meeting's attendance
                first = shift_month(month, 1 - mo.TREND_MONTHS)
                check_ins = mo._check_ins_by_month(session, area, first, month)
                values["kin_check_ins"] = mo._kin_check_ins(check_ins, month)
                values["safety"] = mo._safety(check_ins, month)
                values.update(mo._counts(session, area, start, end))
                values.update(mo._messages(session, area, start, end))
            out.append(
                MonthlyFigures(
                    area=area, month=month, locality_minutes=0, abstracted_minutes=0, **values
                )
            )
    return out


def month_facts(
    ctx: Context, areas: Sequence[Any], month: str, *, whole: bool = False
) -> tuple[list[Fact], list[str]]:
    """The facts of the public packs of `areas` for `month`, and (`whole`: from every figure
    of the packs, crime included) the tables whose rows are out of their fixed order."""
    from pcso_desk.services.documents.monthly import monthly_figures

    if whole:
        every = [monthly_figures(ctx, area, month) for area in areas]
    else:
        every = every_people_figures(ctx, areas, month)
    return _facts(every, whole=whole)


def _facts(every: Sequence[MonthlyFigures], *, whole: bool) -> tuple[list[Fact], list[str]]:
    from pcso_desk.services.documents.packs import pack_tables

    facts: list[Fact] = []
    problems: list[str] = []
    for figures in every:
        tables = pack_tables(figures, public=True)
        facts += pack_facts(figures, tables)
        if whole:
            problems += order_problems(figures, tables)
    return facts, problems


def check_order(figures: MonthlyFigures, tables: Sequence[PackTable]) -> None:
    """Refuse, in one sentence, a public pack whose rows are out of their fixed order."""
    from pcso_desk.domain.errors import ValidationError

    problems = order_problems(figures, tables)
    if problems:
        raise ValidationError(
            f"The public pack was not written: {problems[0]}, which would give counts away.",
            field="month",
        )


def check_month(
    ctx: Context, neighbourhood_ids: Iterable[str], month: str
) -> dict[Any, MonthlyFigures]:
    """Refuse, in one sentence, public packs of `month` from which a hidden count of theirs
    or of a related pack of the month could be worked out.

    The month before is not audited again with it: every figure the two share (a month of
    the check-in trend) is the same count shown by the same rule in both, so it adds no
    constraint (the tests audit three months together to show it).

    Returns the counts about people it audited, by area (`monthly.Area`), for the
    neighbourhoods' packs to show (`monthly_figures(people=...)`): what is published is
    exactly what was checked, and is not counted twice."""
    from pcso_desk.domain.errors import ValidationError

    areas = related_areas(ctx, neighbourhood_ids)
    every = every_people_figures(ctx, areas, month)
    findings = audit(_facts(every, whole=False)[0])
    if findings:
        more = f" (and {len(findings) - 1} more)" if len(findings) > 1 else ""
        raise ValidationError(
            f"The public packs were not written: {findings[0].sentence()}{more}.", field="month"
        )
    return {figures.area: figures for figures in every}
