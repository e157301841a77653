"""What people raised: the front of the priority cycle, as pure rules.

Four things people raise reach the team: an engagement's issues (chosen from the issue
categories), a meeting's "issues raised", a KIN member's suggested priorities, and the
subject of a message. The last three are typed words; `classify` files each item under an
issue category by a fixed vocabulary of terms, and the digest shows the term that matched,
never the words typed, so a printed digest holds counts, categories and vocabulary only
(the words people typed may name someone).

A message counts only when its subject names an issue (most messages ask for a visit or say
thanks); an item of a meeting's issues or a KIN suggestion that names no known issue counts
as "Other".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from pcso_desk.domain.enums import ISSUE_LABELS, IssueCategory
from pcso_desk.domain.wording import counted

# The sources, in the order a digest line lists them, with their singular and plural nouns.
SOURCES: tuple[tuple[str, str, str], ...] = (
    ("engagements", "engagement", "engagements"),
    ("meetings", "meeting issue", "meeting issues"),
    ("kin", "KIN suggestion", "KIN suggestions"),
    ("messages", "message", "messages"),
)

# Checked in this order (the more particular first): the first category with a term in the
# text wins. Terms are whole words or phrases, matched without regard to case.
VOCABULARY: tuple[tuple[IssueCategory, tuple[str, ...]], ...] = (
    (IssueCategory.FLY_TIPPING, ("fly-tipping", "fly tipping", "flytipping", "dumped rubbish")),
    (IssueCategory.CRIMINAL_DAMAGE, ("criminal damage", "graffiti", "vandalism", "vandals")),
    (IssueCategory.DRUGS, ("drugs", "drug dealing", "drug", "dealing", "cannabis", "needles")),
    (IssueCategory.BURGLARY, ("burglary", "burglaries", "break-in", "break-ins", "shed")),
    (
        IssueCategory.VEHICLE_CRIME,
        ("vehicle crime", "car crime", "catalytic converter", "suspicious vehicle", "car theft"),
    ),
    (
        IssueCategory.SPEEDING,
        ("speeding", "speed checks", "speed", "boy racers", "dangerous driving", "motoring"),
    ),
    (IssueCategory.PARKING, ("parking", "parked", "verge")),
    (
        IssueCategory.YOUTH_NUISANCE,
        ("youth nuisance", "youths", "teenagers", "young people", "groups gathering"),
    ),
    (
        IssueCategory.ASB,
        ("anti-social behaviour", "antisocial behaviour", "asb", "noise", "street drinking"),
    ),
)
_PATTERNS = tuple(
    (category, term, re.compile(rf"(?<![\w-]){re.escape(term)}(?![\w-])", re.IGNORECASE))
    for category, terms in VOCABULARY
    for term in terms
)
_LABELS = {label.casefold(): category for category, label in ISSUE_LABELS.items()}


@dataclass(frozen=True)
class Match:
    category: IssueCategory
    term: str  # from the vocabulary ("" for the category's own name): never the typed words


def classify(text: str) -> Match | None:
    """The issue category `text` names, and the vocabulary term that said so; else None."""
    said = " ".join(text.split())
    if not said:
        return None
    exact = _LABELS.get(said.casefold())
    if exact is not None:
        return Match(exact, "")  # the category's own name: no term to show
    for category, term, pattern in _PATTERNS:
        if pattern.search(said):
            return Match(category, term)
    return None


def items(text: str) -> list[str]:
    """A typed list of issues as its items: one a line, or separated by ';' or ','."""
    return [part.strip() for part in re.split(r"[;\n,]+", text or "") if part.strip()]


@dataclass
class DigestLine:
    """One ward (None: the whole neighbourhood) and category, and how often each source
    raised it. `terms` holds vocabulary terms only."""

    ward_id: str | None
    ward: str
    category: IssueCategory
    counts: dict[str, int] = field(default_factory=lambda: {key: 0 for key, *_ in SOURCES})
    terms: set[str] = field(default_factory=set)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def label(self) -> str:
        return ISSUE_LABELS[self.category]

    def add(self, source: str, term: str) -> None:
        self.counts[source] += 1
        if term:
            self.terms.add(term)

    def evidence(self) -> str:
        """'7 raised it: 4 engagements, 2 meeting issues, 1 KIN suggestion'."""
        return evidence_text(self.counts)


def evidence_text(counts: dict[str, int]) -> str:
    total = sum(counts.values())
    parts = [
        counted(counts.get(key, 0), one, many) for key, one, many in SOURCES if counts.get(key)
    ]
    return f"{total:,} raised it: {', '.join(parts)}" if parts else "Nobody raised it"


@dataclass(frozen=True)
class Digest:
    """What people raised in an area since a date, by ward and category (most raised first)."""

    area_kind: str  # "ward" or "neighbourhood"
    area_id: str
    area_name: str
    neighbourhood_id: str
    since: date
    since_meeting: str  # "the PACT meeting of 12 November 2026", or "" for a chosen date
    until: date
    lines: tuple[DigestLine, ...]

    def totals(self) -> dict[str, int]:
        return {key: sum(line.counts[key] for line in self.lines) for key, *_ in SOURCES}


def proposal_title(line: DigestLine) -> str:
    return f"{line.label} in {line.ward}"


def proposal_wording(line: DigestLine) -> str:
    """A first public wording for a priority proposed from a digest line (the officer edits
    it): the category and the place, nothing anyone typed."""
    return (
        f"You told us about {line.label.lower()} in {line.ward}. We will make it a priority "
        "and report back on what we have done."
    )


# -- did it move the dial? (services/casework/raised.py sets the figures) -------------------


@dataclass(frozen=True)
class Figure:
    """One measure, before and since: `before`/`after` None where there is nothing to show."""

    measure: str
    before: float | None
    after: float | None
    note: str = ""

    def shown(self, value: float | None) -> str:
        return "—" if value is None else f"{value:g}"


@dataclass(frozen=True)
class BeforeAfter:
    """A priority's figures for its category and area in equal spans before and since it
    was agreed."""

    priority_id: str
    title: str
    category: str
    area: str
    agreed_on: date
    before_span: str  # "2 Jun – 31 Aug 2026"
    after_span: str
    crime_months: tuple[str, str]  # ("Mar–May 2026", "Jul–Sep 2026"), or ("", "")
    figures: tuple[Figure, ...]
