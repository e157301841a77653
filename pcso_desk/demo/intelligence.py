"""The demo's intelligence ledger: reports the teams submitted over the year (references and
categories only, as the ledger holds), most sources told, a few still waiting."""

from __future__ import annotations

from datetime import timedelta

from pcso_desk.demo.world import World, at
from pcso_desk.domain.enums import IntelCategory, IntelSource
from pcso_desk.domain.schedule import TELL_SOURCE_WITHIN
from pcso_desk.store import models as m

CATEGORIES = list(IntelCategory)
SOURCES = list(IntelSource)
PER_HOOD = 14


def intelligence(w: World) -> None:
    rng = w.rng("intelligence")
    serial = 4000 + rng.randint(0, 900)
    for hood in w.hoods:
        for _ in range(PER_HOOD):
            serial += rng.randint(3, 40)
            day = w.start + timedelta(days=rng.randint(0, max(1, (w.today - w.start).days - 1)))
            source = rng.choices(SOURCES, [40, 15, 10, 15, 5, 15])[0]
            due = None if source is IntelSource.OFFICER else day + TELL_SOURCE_WITHIN
            told = None
            if due is not None and (due < w.today - timedelta(days=10) or rng.random() < 0.4):
                told = min(w.today, day + timedelta(days=rng.randint(3, 30)))
            officers = hood.ids()
            row = {
                "force_reference": f"INT/{day:%y}/{serial:06d}",
                "submitted_on": day,
                "category": rng.choices(CATEGORIES, [25, 10, 8, 20, 12, 6, 8, 5, 6])[0],
                "source_type": source,
                "neighbourhood_id": hood.id,
                "ward_id": rng.choice(hood.wards).id,
                "officer_id": rng.choice(officers) if officers else None,
                "tell_source_by": due,
                "source_told_on": told,
            }
            changed = at(told, 11 * 60) if told else None
            w.sink.add(m.IntelligenceReport, row, at(day, 15 * 60), changed=changed)


STAGES = (("Intelligence ledger…", intelligence),)
