"""The Scorecard screen, chosen from the keyboard and mouse: the same items, marks and figures
as `pcso-desk scorecard` prints and the internal pack's page holds; Today's at-risk lines."""

from __future__ import annotations

import io
import os
import re
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path

from pypdf import PdfReader
from PySide6.QtCore import Qt

from pcso_desk import cli
from pcso_desk.domain.pledge import Mark
from pcso_desk.gui.main_window import MainWindow
from pcso_desk.gui.screens.registry import SCREENS
from pcso_desk.gui.screens.scorecard import ScorecardScreen
from pcso_desk.gui.screens.today import TodayScreen, today_screen
from tests.gui import real_input
from tests.services.test_monthly import MONTH, Known, known  # noqa: F401 - the fixture

SYMBOLS = {mark.value: mark.symbol for mark in Mark}


def _screen(qtbot, desk) -> ScorecardScreen:  # type: ignore[no-untyped-def]
    screen = ScorecardScreen(desk, today=date(2026, 4, 10))
    qtbot.addWidget(screen)
    screen.resize(1366, 768)
    screen.show()
    qtbot.waitExposed(screen)
    qtbot.waitUntil(lambda: screen.table.rowCount() > 0, timeout=10_000)
    return screen


def _pdf_text(zip_path: Path) -> str:
    with zipfile.ZipFile(zip_path) as z:
        name = next(n for n in z.namelist() if n.endswith(".pdf"))
        reader = PdfReader(io.BytesIO(z.read(name)))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def test_the_screen_the_command_and_the_internal_pack_show_the_same_scorecard(  # type: ignore[no-untyped-def]
    qtbot,
    desk,
    services,
    known: Known,  # noqa: F811
    tmp_path: Path,
) -> None:
    screen = _screen(qtbot, desk)
    assert screen.area.currentText() == "Riverside SNT"
    real_input.choose(screen.month, "March 2026")
    real_input.click(screen.show_button)
    qtbot.waitUntil(lambda: "March 2026" in screen.heading.text(), timeout=10_000)
    assert screen.heading.text() == "Riverside SNT, March 2026 (month closed)"
    on_screen = [(title, mark, figure) for _area, title, mark, figure in screen.rows()]
    assert len(on_screen) == 7
    assert on_screen[1] == (
        "Every message answered within 24 hours",
        "✗ missed",
        "1 of 2 messages answered in time; 1 late",
    )
    # The command line, as `pcso-desk scorecard --neighbourhood "Riverside SNT" --month ...`
    out = io.StringIO()
    args = cli.parse(["scorecard", "--neighbourhood", "Riverside SNT", "--month", MONTH])
    assert cli.run(args, lambda _create: services, out) == 0
    printed = out.getvalue().splitlines()
    assert printed[0] == "Pledge scorecard: Riverside SNT, March 2026 (month closed)"
    assert printed[1:] == [
        f"{title}: {mark.split(' ', 1)[1]} ({figure})" for title, mark, figure in on_screen
    ]
    # The internal pack's scorecard page.
    pack = services.packs.build_pack(
        "neighbourhood", "Riverside SNT", MONTH, tmp_path / "internal.zip", internal=True
    )
    text = _pdf_text(pack)
    for title, mark, figure in on_screen:
        assert f"{title} {mark} {figure}" in text
    # Every mark is a symbol and a word, never a colour alone.
    for _title, mark, _figure in on_screen:
        symbol, word = mark.split(" ", 1)
        assert SYMBOLS[word] == symbol
    if os.environ.get("PCSO_SHOTS"):
        screen.grab().save("/tmp/shots/scorecard.png")


def test_the_district_view_lists_each_neighbourhoods_items(qtbot, desk, known: Known) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    screen = _screen(qtbot, desk)
    real_input.press(screen.kind, Qt.Key.Key_End)  # every neighbourhood of a district
    qtbot.waitUntil(lambda: screen.area.currentText() == "Testshire North", timeout=10_000)
    real_input.choose(screen.month, "March 2026")
    real_input.click(screen.show_button)
    qtbot.waitUntil(lambda: "March 2026" in screen.heading.text(), timeout=10_000)
    assert screen.heading.text() == "Testshire North district, March 2026: 1 neighbourhood"
    assert not screen.table.isColumnHidden(0)
    rows = screen.rows()
    assert {area for area, *_rest in rows} == {"Riverside SNT"}
    assert rows[0][1:] == ("A public meeting held this month", "✓ met", "1 held, 0 planned")


def test_today_lists_pledge_items_at_risk_and_opens_the_scorecard(  # type: ignore[no-untyped-def]
    qtbot, desk, services, world
) -> None:
    mid_may = datetime(2026, 5, 16, 9, tzinfo=UTC)
    opened: list[tuple[str, str]] = []
    today = today_screen(desk, lambda kind, rid: opened.append((kind, rid)), now=lambda: mid_may)
    qtbot.addWidget(today)
    today.resize(1366, 768)
    today.show()
    qtbot.waitExposed(today)
    qtbot.waitUntil(lambda: today.summary is not None, timeout=10_000)
    listing = today.sections["pledge"].list
    lines = [listing.item(i).text() for i in range(listing.count())]
    assert "No public meeting planned in Riverside SNT this month — 0 held, 0 planned" in lines
    assert (
        today.sections["pledge"]
        .heading.accessibleName()
        .startswith("Pledge items at risk this month (")
    )
    if os.environ.get("PCSO_SHOTS"):
        today.grab().save("/tmp/shots/today_pledge.png")
    real_input.press_in_window(today, "l", Qt.KeyboardModifier.AltModifier)  # the heading's key
    real_input.press(listing, Qt.Key.Key_Return)
    assert opened == [("scorecard", "neighbourhood:Riverside SNT")]


def test_before_the_fifteenth_today_lists_no_pledge_item(qtbot, desk, world) -> None:  # type: ignore[no-untyped-def]
    early = datetime(2026, 5, 14, 9, tzinfo=UTC)
    today = today_screen(desk, lambda kind, rid: None, now=lambda: early)
    qtbot.addWidget(today)
    today.show()
    qtbot.waitUntil(lambda: today.summary is not None, timeout=10_000)
    section = today.sections["pledge"]
    assert section.collapsed
    assert section.empty.text() == "No Pledge item is at risk (listed from the 15th of the month)."


def test_the_main_window_opens_an_areas_scorecard_from_today(qtbot, desk, world) -> None:  # type: ignore[no-untyped-def]
    window = MainWindow(desk)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    today = window.screens["Today"]
    assert isinstance(today, TodayScreen)
    window.open_record("scorecard", "ward:Riverside East")
    screen = window.screens["Scorecard"]
    assert isinstance(screen, ScorecardScreen)
    qtbot.waitUntil(lambda: "Riverside East" in screen.heading.text(), timeout=10_000)
    assert window.stack.currentIndex() == SCREENS.index("Scorecard")
    assert screen.kind.currentData() == "ward"
    assert re.match(r"Riverside East, \w+ \d{4} \(month still open\)", screen.heading.text())
    if os.environ.get("PCSO_SHOTS"):
        window.grab().save("/tmp/shots/scorecard_window.png")
