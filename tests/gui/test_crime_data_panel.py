"""The Crime data panel of the Reports screen: crimes, the ONS lookup and boundaries."""

from __future__ import annotations

from pathlib import Path

from pcso_desk.gui.screens.crime_data import CrimeDataPanel
from tests.gui import real_input
from tests.services.test_crime_map import (
    CENTRAL,
    crime,
    geojson,
    lookup_file,
    square,
    street_file,
    ward_feature,
)


def make(qtbot, desk, chosen: list[Path]) -> CrimeDataPanel:  # type: ignore[no-untyped-def]
    desk.choose = lambda _parent, _title, _pattern: str(chosen.pop(0))
    panel = CrimeDataPanel(desk)
    qtbot.addWidget(panel)
    panel.show()
    qtbot.waitExposed(panel)
    return panel


def test_import_crimes_then_the_lookup_then_boundaries(qtbot, desk, world, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    files = [
        street_file(tmp_path, crime("g1", CENTRAL, "Burglary")),
        lookup_file(tmp_path, (CENTRAL, "Testshire 001A", "RIV-C", "Riverside Central")),
        geojson(tmp_path, ward_feature("RIV-C", "Riverside Central", square(-0.11, 51.69, 0.02))),
    ]
    panel = make(qtbot, desk, files)
    real_input.click(panel.buttons["crimes"])
    qtbot.waitUntil(lambda: panel.status.text().startswith("Imported 1 crime row;"), timeout=10_000)
    assert "add them to the LSOA mapping" in panel.status.text()
    real_input.click(panel.buttons["lsoa-map"])
    qtbot.waitUntil(lambda: panel.status.text().startswith("Mapped 1 new LSOA to"), timeout=10_000)
    assert panel.status.text().endswith("1 crime row now has its ward.")
    real_input.click(panel.buttons["boundaries"])
    qtbot.waitUntil(lambda: panel.status.text().startswith("Imported 1 ward"), timeout=10_000)
    assert all(button.isEnabled() for button in panel.buttons.values())


def test_a_refused_file_is_one_sentence_and_the_buttons_come_back(  # type: ignore[no-untyped-def]
    qtbot, desk, answers, world, tmp_path: Path
) -> None:
    wrong = tmp_path / "wrong.geojson"
    wrong.write_text("{}")
    panel = make(qtbot, desk, [wrong])
    real_input.click(panel.buttons["boundaries"])
    qtbot.waitUntil(lambda: bool(answers.messages), timeout=10_000)
    assert answers.messages == [
        "'wrong.geojson' cannot be imported as boundaries: it is not a GeoJSON FeatureCollection."
    ]
    qtbot.waitUntil(lambda: panel.buttons["boundaries"].isEnabled(), timeout=10_000)
