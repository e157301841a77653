"""Today shows what is due at a fixed moment, overdue victim contacts first, and opens records."""

from __future__ import annotations

from PySide6.QtCore import Qt

from pcso_desk.gui.screens.today import SECTIONS, TodayScreen, today_screen
from tests.factories import utc
from tests.gui import real_input
from tests.services.test_today import NOW, build_day


def _screen(qtbot, desk, opened: list[tuple[str, str]], now=lambda: NOW) -> TodayScreen:  # type: ignore[no-untyped-def]
    screen = today_screen(desk, lambda kind, rid: opened.append((kind, rid)), now=now)
    qtbot.addWidget(screen)
    screen.resize(1030, 720)
    screen.show()
    qtbot.waitExposed(screen)
    qtbot.waitUntil(lambda: screen.summary is not None)
    return screen


def _rows(screen: TodayScreen, key: str) -> list[str]:
    listing = screen.sections[key].list
    return [listing.item(i).text() for i in range(listing.count())]


def test_overdue_victim_contacts_come_first_and_open_cases(qtbot, desk, services, world) -> None:  # type: ignore[no-untyped-def]
    day = build_day(services, world)
    opened: list[tuple[str, str]] = []
    screen = _screen(qtbot, desk, opened)
    first = screen.sections["overdue_victims"]
    assert SECTIONS[0].key == "overdue_victims"
    assert first.heading.text() == "Overdue victim contacts (2)"
    rows = _rows(screen, "overdue_victims")
    assert rows[1].startswith("⚠ Overdue by 13 days — Olive Overdue (41/10001/26)")
    assert all("Overdue" in row for row in rows)
    assert first.list.item(1).foreground().color().name() == "#b3261e"
    assert first.list.item(1).font().bold()
    assert "#b3261e" in first.styleSheet()  # the whole section is framed in red
    real_input.press(first.list, Qt.Key.Key_Down)
    real_input.press(first.list, Qt.Key.Key_Down)
    real_input.press(first.list, Qt.Key.Key_Return)
    assert opened == [("victim_cases", day.overdue_case)]


def test_every_section_lists_its_records_with_counts(qtbot, desk, services, world) -> None:  # type: ignore[no-untyped-def]
    day = build_day(services, world)
    opened: list[tuple[str, str]] = []
    screen = _screen(qtbot, desk, opened)
    assert _rows(screen, "victims_due") == ["Dana Duesoon (41/10002/26) — due Fri 13 Mar 09:00"]
    assert screen.sections["kin"].heading.text() == "KIN check-ins due (2)"
    assert _rows(screen, "meetings") == [
        "Tue 17 Mar 19:00 — Riverside PACT meeting, Riverside Community Centre, AL1 3EX"
    ]
    assert _rows(screen, "messages") == [
        "⚠ Reply overdue by 2 hours — Noise from the flats (from Jo Resident), was due 10:00",
        "Bikes on the towpath (from Jo Resident) — 2 h 00 min left, reply by 14:00",
    ]
    assert _rows(screen, "priorities")[0].startswith("⚠ Review overdue — Speeding on Mill Lane")
    assert screen.locality.text() == "78% in the locality this month (target 80%)"
    for key, kind, record in (
        ("kin", "kin_members", day.soon_member),
        ("meetings", "meetings", day.meeting),
        ("priorities", "priorities", day.soon_priority),
        ("messages", "messages", day.near_message),
    ):
        listing = screen.sections[key].list
        # A double-click as the mouse makes it: press and release (which pick the row), then
        # a second press that Qt makes the double-click, and its release.
        real_input.double_click_cell(listing, listing.item(listing.count() - 1))
        assert opened[-1] == (kind, record)
    assert len(opened) == 4  # one record opened per double-click, none by its first press


def test_an_empty_day_says_so(qtbot, desk) -> None:  # type: ignore[no-untyped-def]
    screen = _screen(qtbot, desk, [])
    section = screen.sections["overdue_victims"]
    assert section.heading.text() == "Overdue victim contacts (0)"
    assert section.empty.isVisible() and not section.list.isVisible()
    assert section.empty.text() == "No victim contact is overdue."
    assert screen.locality.text().startswith("No patrol or abstraction time logged this month")


def test_a_recorded_visit_refreshes_today(qtbot, desk, services, world) -> None:  # type: ignore[no-untyped-def]
    day = build_day(services, world)
    screen = _screen(qtbot, desk, [])
    visit = {"contacted_at": utc(2026, 3, 10, 11), "visit_type": "follow_up", "method": "visit"}
    desk.write(lambda: services.victims.record_contact(day.overdue_case, visit))
    qtbot.waitUntil(lambda: screen.sections["overdue_victims"].list.count() == 1)
    assert "Olive Overdue" not in " ".join(_rows(screen, "overdue_victims"))


def test_refresh_button_reads_again_at_the_new_time(qtbot, desk, services, world) -> None:  # type: ignore[no-untyped-def]
    build_day(services, world)
    clock = [NOW]
    screen = _screen(qtbot, desk, [], now=lambda: clock[0])
    assert len(_rows(screen, "messages")) == 2
    clock[0] = utc(2026, 3, 10, 15)  # the towpath message's clock has now run out too
    real_input.click(screen.refresh_button)
    qtbot.waitUntil(lambda: screen.updated.text() == "Updated 15:00")
    assert all(row.startswith("⚠ Reply overdue") for row in _rows(screen, "messages"))


def test_every_list_has_an_accessible_name(qtbot, desk) -> None:  # type: ignore[no-untyped-def]
    screen = _screen(qtbot, desk, [])
    names = [section.list.accessibleName() for section in screen.sections.values()]
    assert names == [s.title for s in SECTIONS]
    assert screen.refresh_button.accessibleName() == "Refresh"
