"""The team photo is held in the store, so a station that sets it sends it to the others."""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from tests.services.test_sync_bundles import Pair, pair  # noqa: F401 - the fixture
from tests.stations import dump


def test_a_team_photo_set_at_one_station_reaches_the_other(pair: Pair, tmp_path: Path) -> None:  # noqa: F811
    district = pair.a["districts"].create({"name": "Testshire", "code": "TS"}).created[0]
    hood = (
        pair.a["neighbourhoods"]
        .create({"name": "Riverside SNT", "code": "RIV", "district_id": district})
        .created[0]
    )
    pair.exchange()
    assert pair.b.team_photo(hood) is None
    picture = tmp_path / "team.png"
    Image.new("RGB", (1200, 900), (20, 120, 60)).save(picture)
    pair.a.set_team_photo(hood, picture)
    assert pair.send(pair.a, pair.b) == 1
    assert pair.b.team_photo(hood) == pair.a.team_photo(hood) is not None
    assert dump(pair.a) == dump(pair.b)
