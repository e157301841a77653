"""Admin → Neighbourhoods → Team photo: chosen from a file, scaled, shown, removed."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image

from pcso_desk.gui.screens.records import RecordScreen
from pcso_desk.gui.screens.registry import build_screen
from tests.gui import real_input


def _picture(path: Path) -> Path:
    Image.new("RGB", (2400, 1800), (30, 90, 160)).save(path, "PNG")
    return path


def test_a_team_photo_is_chosen_scaled_shown_and_removed(
    qtbot, desk, world, answers, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    tabs = build_screen("Admin", desk)
    qtbot.addWidget(tabs)
    titles = [tabs.tabText(i) for i in range(tabs.count())]
    screen = tabs.widget(titles.index("Neighbourhoods"))
    assert isinstance(screen, RecordScreen)
    tabs.setCurrentWidget(screen)
    tabs.resize(1200, 800)
    tabs.show()
    qtbot.waitExposed(tabs)
    qtbot.waitUntil(lambda: desk.runner.idle and screen.model.rowCount() == 1, timeout=10_000)
    (button,) = [
        b for b in screen.findChildren(type(screen.new_button)) if b.text() == "Team &photo…"
    ]

    real_input.click(button)  # nothing selected: one sentence, no dialog
    assert answers.messages == ["Select a neighbourhood first."]
    real_input.click_cell(screen.table, screen.model.index(0, 0))
    real_input.click(button)
    dialog = screen.photo_dialog
    qtbot.waitExposed(dialog)
    qtbot.waitUntil(lambda: desk.runner.idle, timeout=10_000)
    assert "No team photo" in dialog.picture.text() and not dialog.remove_button.isEnabled()

    desk.choose = lambda *_a: str(_picture(tmp_path / "team.png"))
    real_input.click(dialog.choose_button)
    qtbot.waitUntil(lambda: desk.runner.idle and dialog.remove_button.isEnabled(), timeout=10_000)
    stored = desk.services.team_photo(world.neighbourhood)
    assert stored is not None and len(stored) < 200_000
    with Image.open(io.BytesIO(stored)) as image:
        assert image.format == "JPEG" and image.size == (800, 600)  # scaled down to fit
    assert not dialog.picture.pixmap().isNull()

    real_input.click(dialog.remove_button)
    qtbot.waitUntil(
        lambda: desk.runner.idle and not dialog.remove_button.isEnabled(), timeout=10_000
    )
    assert desk.services.team_photo(world.neighbourhood) is None
