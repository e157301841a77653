"""An engagement's contacts travel: links added on one station, and a link a sergeant
removed there, reach the other station, whose list and story show the same people."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from pcso_desk.domain.enums import UserRole
from tests.sync.test_sync_authority import Pair


@pytest.fixture
def pair(tmp_path: Path) -> Iterator[Pair]:
    made = Pair(tmp_path)
    yield made
    for services in (made.a, made.b):
        services.ctx.store.close()


def test_contacts_added_and_removed_on_one_station_show_so_on_the_other(pair: Pair) -> None:
    sergeant_a = pair.on_a[UserRole.SERGEANT]
    values = {"occurred_at": "2026-07-10 10:00", "channel": "patrol", "summary": "Bins."}
    made = sergeant_a.story.add_engagement(values, [pair.person, pair.other]).created[0]
    pair.send(sergeant_a, pair.on_b[UserRole.SERGEANT])
    on_b = pair.on_b[UserRole.PCSO]
    assert on_b.engagements.get(made)["contacts_label"] == "Kit Other +1"  # linked at once: by name
    sergeant_a.story.change_engagement(made, {}, [pair.other])
    pair.send(sergeant_a, pair.on_b[UserRole.SERGEANT])
    assert pair.refusals() == []
    assert on_b.engagements.get(made)["contact_names"] == ["Kit Other"]
    assert made not in [item.record_id for item in on_b.story.timeline(pair.person)]
    assert made in [item.record_id for item in on_b.story.timeline(pair.other)]
