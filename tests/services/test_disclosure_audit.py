"""The disclosure auditor: no hidden count of a month's public packs can be worked out.

Run over every public pack (neighbourhoods, wards, councils: a district's batch and the
rest) of three months of the small demo store, together; and shown to catch the three ways
the packs used to give small counts away (a total published beside its hidden part, the
same count published per ward and per neighbourhood, rows ordered by their counts).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from pcso_desk.demo.builder import build_demo
from pcso_desk.domain.disclosure import HIDDEN, SMALL
from pcso_desk.domain.errors import ValidationError
from pcso_desk.services.context import Context
from pcso_desk.services.documents import auditor, monthly, packs
from pcso_desk.services.documents.auditor import Fact, audit
from pcso_desk.store.session import open_store

pytestmark = pytest.mark.slow(minutes=0.7)

TODAY = date(2026, 11, 24)
MONTHS = ("2026-08", "2026-09", "2026-10")


def fact(terms: str, shown: Any, where: str = "x") -> Fact:
    least, most = (1, 4) if shown == SMALL else (0, None) if shown == HIDDEN else (shown, shown)
    return Fact(tuple(terms.split()), least, most, where, shown in (SMALL, HIDDEN))


def test_a_total_beside_its_hidden_part_pins_it() -> None:
    # 74 - (24 + 25 + 22) = 3: the meeting hidden as "fewer than 5" is known exactly.
    published = [fact("a b c d", 74), fact("a", 24), fact("b", 25), fact("c", 22)]
    found = audit([*published, fact("d", SMALL, "the 4th meeting")])
    assert [(f.where, f.least, f.most) for f in found] == [("the 4th meeting", 3, 3)]
    assert found[0].sentence() == "the 4th meeting could be worked out as 3"
    # The total withheld instead: the hidden meeting keeps all of 1 to 4.
    safe = [fact("a b c d", HIDDEN), fact("a", 24), fact("b", 25), fact("c", 22)]
    assert audit([*safe, fact("d", SMALL)]) == []


def test_k_hidden_counts_summing_to_k_are_all_one() -> None:
    hidden = [fact(x, SMALL, x) for x in "abc"]
    assert {(f.where, f.least, f.most) for f in audit([fact("a b c", 3), *hidden])} == {
        ("a", 1, 1),
        ("b", 1, 1),
        ("c", 1, 1),
    }


def test_a_ward_differenced_from_its_neighbourhood_is_found() -> None:
    # Neighbourhood 7, three of its wards 5, 0 and 0: the fourth ward is 2.
    packs_of_the_month = [fact("w1 w2 w3 w4", 7), fact("w1", 5), fact("w3", 0), fact("w4", 0)]
    found = audit([*packs_of_the_month, fact("w2", SMALL, "Highfield")])
    assert [(f.where, f.least, f.most) for f in found] == [("Highfield", 2, 2)]


def test_narrowed_to_two_values_is_a_finding_three_is_not() -> None:
    two = audit([fact("a", SMALL, "a"), fact("b", SMALL, "b"), fact("a b", 7)])
    assert [(f.where, f.least, f.most) for f in two] == [("a", 3, 4), ("b", 3, 4)]  # a + b = 7
    three = audit([fact("a", SMALL, "a"), fact("b", SMALL), fact("a b", 6)])
    assert three == []  # a is 2, 3 or 4


# -- the demo store's months ----------------------------------------------------------------


@dataclass
class Demo:
    ctx: Context
    districts: list[str]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    root = tmp_path_factory.mktemp("audit")
    store = open_store(root / "store.db", root / "backups")
    ctx = Context.open(store)
    build_demo(ctx, seed=1, scale="small", today=TODAY)
    yield Demo(ctx, monthly.area_names(ctx, "district"))
    store.close()


def _every_area(ctx: Context, districts: list[str]) -> list[monthly.Area]:
    hoods = [
        hood
        for district in districts
        for area in monthly.district_neighbourhoods(ctx, district)
        for hood in area.neighbourhood_ids
    ]
    return auditor.related_areas(ctx, hoods)


def _facts(
    ctx: Context, areas: list[monthly.Area], months: tuple[str, ...] = MONTHS
) -> tuple[list[Fact], list[str]]:
    facts: list[Fact] = []
    problems: list[str] = []
    for month in months:
        found, wrong = auditor.month_facts(ctx, areas, month, whole=True)
        facts += found
        problems += wrong
    return facts, problems


def test_every_public_pack_of_three_demo_months_passes_the_auditor(demo: Demo) -> None:
    areas = _every_area(demo.ctx, demo.districts)
    assert {a.kind for a in areas} == {"neighbourhood", "ward", "council"}
    facts, problems = _facts(demo.ctx, areas)
    assert problems == []
    hidden = [f for f in facts if f.hidden]
    assert len(hidden) > 50 and len(facts) > 500  # the audit has something to prove
    assert audit(facts) == []
    # What `monthly-pack` audits before writing (the people figures alone, quicker) is what
    # the packs show.
    assert (
        auditor.month_facts(demo.ctx, areas, MONTHS[-1])[0]
        == (auditor.month_facts(demo.ctx, areas, MONTHS[-1], whole=True)[0])
    )
    for district in demo.districts:  # as `monthly-pack --district` runs it, before writing
        batch = monthly.district_neighbourhoods(demo.ctx, district)
        checked = auditor.check_month(
            demo.ctx, [h for a in batch for h in a.neighbourhood_ids], MONTHS[-1]
        )
        # Each neighbourhood's pack then shows the counts the check read, the same figures
        # as a pack that counts them itself.
        for area in batch:
            assert checked[area].engagements or checked[area].meetings
            assert monthly.monthly_figures(
                demo.ctx, area, MONTHS[-1], people=checked[area]
            ) == monthly.monthly_figures(demo.ctx, area, MONTHS[-1])


def test_publishing_a_total_beside_its_hidden_parts_would_be_caught(
    demo: Demo, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(packs, "shown_total", lambda counts, public: sum(counts))
    found = audit(_facts(demo.ctx, _every_area(demo.ctx, demo.districts), MONTHS[-1:])[0])
    assert found and all("attendance at the" in f.where for f in found)


def test_publishing_counts_about_people_per_ward_would_be_caught(
    demo: Demo, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(packs, "_people", lambda f, public, value: value)
    found = audit(_facts(demo.ctx, _every_area(demo.ctx, demo.districts), MONTHS[-1:])[0])
    assert any("engagements" in f.where for f in found), found


def test_rows_ordered_by_count_are_refused(
    demo: Demo, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    real = monthly._crime

    def by_count(*args: Any) -> Any:  # as the packs were made before: biggest first
        return tuple(sorted(real(*args), key=lambda c: (-c.this_month, c.category)))

    monkeypatch.setattr(monthly, "_crime", by_count)
    areas = _every_area(demo.ctx, demo.districts)
    problems = _facts(demo.ctx, areas, MONTHS[-1:])[1]
    assert any("crime rows are not in name order" in p for p in problems)
    refused = 0
    for district in demo.districts:
        for area in monthly.district_neighbourhoods(demo.ctx, district):
            try:
                packs.write_pack(demo.ctx, area, MONTHS[-1], tmp_path / "p.zip", internal=False)
            except ValidationError as error:
                assert str(error) == (
                    f"The public pack was not written: the {area.name} pack's crime rows are "
                    "not in name order, which would give counts away."
                )
                refused += 1
    assert refused > 0


def test_row_order_does_not_depend_on_the_counts(demo: Demo) -> None:
    for area in _every_area(demo.ctx, demo.districts)[:6]:
        for month in MONTHS:
            names = [c.category for c in monthly.monthly_figures(demo.ctx, area, month).crime]
            assert names == sorted(names, key=str.casefold)


def test_a_hidden_count_the_auditor_cannot_place_stops_the_packs(demo: Demo) -> None:
    from pcso_desk.reports.monthly_pack import PackTable

    area = _every_area(demo.ctx, demo.districts)[0]
    figures = monthly.monthly_figures(demo.ctx, area, MONTHS[-1])
    summary = PackTable("summary", "Summary", ("Measure", "Value"), (("Dogs walked", SMALL),))
    with pytest.raises(ValidationError, match="cannot tell what “Dogs walked” counts"):
        auditor.pack_facts(figures, [summary])
