"""Today shows what is due at a fixed moment, overdue victim contacts first, for the officer
or their team, and opens each record's detail pane with its action ready."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from pcso_desk.domain.enums import UserRole
from pcso_desk.gui.main_window import MainWindow
from pcso_desk.gui.screens.today import SECTIONS, TodayScreen, plainly, today_screen
from pcso_desk.services.values import Actor, Scope
from tests.factories import utc
from tests.gui import real_input
from tests.services.test_today import NOW, _case, _contact, build_day


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


def _heading(screen: TodayScreen, key: str) -> str:
    return screen.sections[key].heading.accessibleName()


def _sign_in(services, role: UserRole, officer: str) -> None:  # type: ignore[no-untyped-def]
    services.ctx.sign_in(Actor("user-1", role.value, role, officer))


def test_overdue_victim_contacts_come_first_and_open_cases(qtbot, desk, services, world) -> None:  # type: ignore[no-untyped-def]
    day = build_day(services, world)
    opened: list[tuple[str, str]] = []
    screen = _screen(qtbot, desk, opened)
    first = screen.sections["overdue_victims"]
    assert SECTIONS[0].key == "overdue_victims"
    assert _heading(screen, "overdue_victims") == "Overdue victim contacts (2)"
    rows = _rows(screen, "overdue_victims")
    assert rows[1] == (
        "⚠ Olive Overdue (41/10001/26) — overdue by 13 days, was due Wed 25 Feb 10:00"
    )
    assert all("overdue by" in row for row in rows)
    assert first.list.item(1).foreground().color().name() == "#b3261e"
    assert first.list.item(1).font().bold()
    assert "#b3261e" in first.styleSheet()  # the whole section is framed in red
    # Alt+V (the heading's letter) moves to the list, on its first line; Down, Enter.
    real_input.press_in_window(screen, "v", Qt.KeyboardModifier.AltModifier)
    assert QApplication.focusWidget() is first.list
    real_input.press(first.list, Qt.Key.Key_Down)
    real_input.press(first.list, Qt.Key.Key_Return)
    assert opened == [("victim_cases", day.overdue_case)]


def test_every_section_reads_plainly_with_counts(qtbot, desk, services, world) -> None:  # type: ignore[no-untyped-def]
    day = build_day(services, world)
    opened: list[tuple[str, str]] = []
    screen = _screen(qtbot, desk, opened)
    assert _rows(screen, "victims_due") == ["Dana Duesoon (41/10002/26) — due Friday 09:00"]
    assert _heading(screen, "kin") == "KIN check-ins due (2)"
    assert _rows(screen, "kin") == [
        "⚠ Kim Keyholder, Keyholder Parade — check-in overdue by 26 days",
        "Sunil Shopkeeper, Shopkeeper Parade — check-in due Friday",
    ]
    assert _rows(screen, "meetings") == [
        "Riverside PACT meeting, Riverside Community Centre, AL1 3EX — Tue 17 Mar 19:00"
    ]
    assert _rows(screen, "messages") == [
        "⚠ Noise from the flats (from Jo Resident) — reply overdue by 2 hours, was due today 10:00",
        "Bikes on the towpath (from Jo Resident) — reply due today 14:00 (2 h 00 min left)",
    ]
    assert _rows(screen, "priorities")[0] == (
        "⚠ Speeding on Mill Lane (Riverside Central) — review overdue by 9 days"
    )
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


def test_dates_read_the_way_people_say_them() -> None:
    assert plainly(utc(2026, 3, 10, 11, 28), NOW) == "today 11:28"
    assert plainly(utc(2026, 3, 11, 9), NOW) == "tomorrow 09:00"
    assert plainly(utc(2026, 3, 9, 9), NOW) == "yesterday 09:00"
    assert plainly(utc(2026, 3, 16, 9), NOW) == "Monday 09:00"
    assert plainly(utc(2026, 3, 17, 9), NOW) == "Tue 17 Mar 09:00"  # a week ahead: the date
    assert plainly(utc(2025, 12, 17, 9), NOW) == "Wed 17 Dec 2025 09:00"  # another year
    assert plainly(utc(2026, 3, 10, 23, 30), NOW) == "today 23:30"  # London, GMT in March
    assert plainly(utc(2026, 7, 10, 23, 30), utc(2026, 7, 10, 12)) == "tomorrow 00:30"  # BST


def test_an_empty_section_collapses_to_one_line(qtbot, desk, services, world) -> None:  # type: ignore[no-untyped-def]
    build_day(services, world)
    screen = _screen(qtbot, desk, [])
    due = screen.summary.victim_contacts_due[0].record_id  # type: ignore[union-attr]
    desk.write(lambda: services.victims.close(due, "Victim moved away."))
    qtbot.waitUntil(lambda: screen.sections["victims_due"].collapsed)
    empty, full = screen.sections["victims_due"], screen.sections["kin"]
    assert empty.empty.isVisible() and not empty.list.isVisible()
    assert not empty.heading.isVisible()  # the one line says it all
    assert empty.empty.text() == "No victim contact falls due this week."
    qtbot.waitUntil(lambda: empty.height() < 50)
    assert full.height() > 3 * empty.height()


def test_an_empty_day_says_so(qtbot, desk) -> None:  # type: ignore[no-untyped-def]
    screen = _screen(qtbot, desk, [])
    section = screen.sections["overdue_victims"]
    assert _heading(screen, "overdue_victims") == "Overdue victim contacts (0)"
    assert section.empty.isVisible() and not section.list.isVisible()
    assert section.empty.text() == "No victim contact is overdue."
    assert "#b3261e" not in section.styleSheet()  # nothing overdue: no red frame
    assert screen.locality.text().startswith("No patrol or abstraction time logged this month")
    assert screen.whose.text() == "Every neighbourhood in this store"
    assert not screen.mine_button.isEnabled()  # nobody signed in: no work of one's own


def test_a_sergeant_starts_on_the_team_and_switches_to_their_own(  # type: ignore[no-untyped-def]
    qtbot, desk, services, world
) -> None:
    officers = services["officers"]
    sergeant = officers.create(
        {"name": "PS Sam Sergeant", "collar_number": "PS 9010", "role": "sergeant",
         "neighbourhood_id": world.neighbourhood}
    ).created[0]  # fmt: skip
    opened = utc(2026, 2, 1, 9)
    pcsos = _case(
        services, _contact(services, "Olive Overdue"), "41/30001/26", opened, world.officer
    )
    _case(services, _contact(services, "Sid Sarge"), "41/30002/26", utc(2026, 3, 8, 9), sergeant)
    _sign_in(services, UserRole.SERGEANT, sergeant)
    screen = _screen(qtbot, desk, [])
    assert screen.team_button.isChecked() and screen.summary.scope is Scope.TEAM  # type: ignore[union-attr]
    assert screen.whose.text() == "The team's work: Riverside SNT"
    assert _heading(screen, "overdue_victims") == "Overdue victim contacts (1)"
    assert _rows(screen, "overdue_victims")[0].startswith("⚠ Olive Overdue (41/30001/26)")
    real_input.click(screen.mine_button)
    qtbot.waitUntil(lambda: screen.summary.scope is Scope.MINE)  # type: ignore[union-attr]
    assert screen.whose.text() == "Your own work (PS Sam Sergeant)"
    assert screen.sections["overdue_victims"].collapsed  # the PCSO's case is not the sergeant's
    assert _rows(screen, "victims_due") == ["Sid Sarge (41/30002/26) — due Friday 09:00"]
    assert pcsos  # the team's case is still there, on the team's Today
    real_input.press_in_window(screen, "t", Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: screen.summary.scope is Scope.TEAM)  # type: ignore[union-attr]


def test_a_pcso_starts_on_their_own_work(qtbot, desk, services, world) -> None:  # type: ignore[no-untyped-def]
    build_day(services, world)
    _sign_in(services, UserRole.PCSO, world.officer)
    screen = _screen(qtbot, desk, [])
    assert screen.mine_button.isChecked() and screen.summary.scope is Scope.MINE  # type: ignore[union-attr]
    assert screen.whose.text() == "Your own work (PCSO Alex Example)"
    assert _heading(screen, "overdue_victims") == "Overdue victim contacts (1)"


def _window(qtbot, desk) -> MainWindow:  # type: ignore[no-untyped-def]
    window = MainWindow(desk)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    today = window.screens["Today"]
    assert isinstance(today, TodayScreen)
    qtbot.waitUntil(lambda: today.summary is not None)
    return window


def _activate(window: MainWindow, key: str, row: int) -> None:
    today = window.screens["Today"]
    assert isinstance(today, TodayScreen)
    listing = today.sections[key].list
    real_input.click_cell(listing, listing.item(row))
    real_input.press(listing, Qt.Key.Key_Return)


def test_a_victim_line_opens_the_case_ready_to_record_contact(qtbot, desk, services, world) -> None:  # type: ignore[no-untyped-def]
    from pcso_desk.gui.screens.victims import CaseDetail

    day = build_day(services, world)
    window = _window(qtbot, desk)
    _activate(window, "overdue_victims", 1)
    detail = window.screens["Victim care"].findChild(CaseDetail)
    qtbot.waitUntil(lambda: detail.record.get("id") == day.overdue_case)
    assert window.stack.currentWidget().isAncestorOf(detail) and detail.isVisible()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is detail.record_button)
    real_input.press(detail.record_button, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: detail.dialog is not None and detail.dialog.isVisible())
    assert detail.dialog.windowTitle().startswith("Record contact — 41/10001/26")  # type: ignore[union-attr]
    detail.dialog.reject()  # type: ignore[union-attr]


def test_a_kin_line_opens_the_network_ready_to_check_the_member_in(  # type: ignore[no-untyped-def]
    qtbot, desk, services, world
) -> None:
    from pcso_desk.gui.screens.kins import KinDetail

    day = build_day(services, world)
    window = _window(qtbot, desk)
    _activate(window, "kin", 0)
    detail = window.screens["KINs"].findChild(KinDetail)
    qtbot.waitUntil(lambda: detail.record.get("name") == "Riverside KIN")
    qtbot.waitUntil(lambda: (detail.selected_member() or {}).get("id") == day.overdue_member)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is detail.checkin_button)
    real_input.press(detail.checkin_button, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: detail.dialog is not None and detail.dialog.isVisible())
    assert detail.dialog.windowTitle().startswith("Check in — Kim Keyholder")  # type: ignore[union-attr]
    detail.dialog.reject()  # type: ignore[union-attr]


def test_a_message_line_opens_the_message_ready_to_mark_responded(  # type: ignore[no-untyped-def]
    qtbot, desk, services, world
) -> None:
    from pcso_desk.gui.screens.messages import MessageDetail

    day = build_day(services, world)
    window = _window(qtbot, desk)
    _activate(window, "messages", 0)
    detail = window.screens["Messages"].findChild(MessageDetail)
    qtbot.waitUntil(lambda: detail.record.get("id") == day.breached_message)
    assert detail.subject.text() == "Noise from the flats"
    qtbot.waitUntil(lambda: QApplication.focusWidget() is detail.respond_button)


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
    assert all("reply overdue by" in row for row in _rows(screen, "messages"))


def test_every_list_has_an_accessible_name(qtbot, desk) -> None:  # type: ignore[no-untyped-def]
    screen = _screen(qtbot, desk, [])
    names = [section.list.accessibleName() for section in screen.sections.values()]
    assert names == [s.name for s in SECTIONS]
    assert screen.refresh_button.accessibleName() == "Refresh"
    assert screen.mine_button.accessibleName() == "Show my own work"


def test_meeting_and_priority_lines_open_their_panes(qtbot, desk, services, world) -> None:  # type: ignore[no-untyped-def]
    from pcso_desk.gui.screens.meetings import MeetingDetail
    from pcso_desk.gui.screens.priorities import PriorityDetail

    day = build_day(services, world)
    soon = {"meeting_type": "pact", "title": "Soon PACT", "status": "planned",
            "starts_at": datetime.now(UTC) + timedelta(days=2),
            "neighbourhood_id": world.neighbourhood}  # fmt: skip
    meeting_id = services.meetings.create(soon).created[0]  # the window's Today runs on real time
    window = _window(qtbot, desk)
    _activate(window, "priorities", 0)
    priority = window.screens["Priorities"].findChild(PriorityDetail)
    qtbot.waitUntil(
        lambda: priority.record_id == day.overdue_priority and priority.currentIndex() == 1
    )
    qtbot.waitUntil(lambda: QApplication.focusWidget() is priority.review_button)
    real_input.click_cell(window.nav, window.nav.item(0))  # back to Today
    _activate(window, "meetings", 0)
    meeting = window.screens["Meetings"].findChild(MeetingDetail)
    qtbot.waitUntil(lambda: meeting.record_id == meeting_id and meeting.currentIndex() == 1)
    assert QApplication.activeModalWidget() is None  # the pane, not an editor


def test_a_kin_line_opens_its_network_when_another_was_chosen(qtbot, desk, services, world) -> None:  # type: ignore[no-untyped-def]
    from pcso_desk.gui.screens.kins import KinDetail
    from pcso_desk.gui.screens.records import RecordScreen

    day = build_day(services, world)
    services["kins"].create({"name": "Another KIN", "neighbourhood_id": world.neighbourhood})
    window = _window(qtbot, desk)
    kins = window.go_to("KINs")
    assert isinstance(kins, RecordScreen)
    qtbot.waitUntil(lambda: kins.model.rowCount() == 2)
    other = next(r for r in range(2) if kins.model.index(r, 0).data() == "Another KIN")
    real_input.click_cell(kins.table, kins.model.index(other, 0))  # the user's own choice
    detail = kins.findChild(KinDetail)
    qtbot.waitUntil(lambda: detail.record.get("name") == "Another KIN")
    real_input.click_cell(window.nav, window.nav.item(0))  # back to Today
    _activate(window, "kin", 0)
    qtbot.waitUntil(lambda: detail.record.get("name") == "Riverside KIN")
    qtbot.waitUntil(lambda: (detail.selected_member() or {}).get("id") == day.overdue_member)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is detail.checkin_button)
    assert kins.selected_id() == detail.record_id  # the list and the pane agree


def test_today_fits_a_1366_pixel_screen_at_150_percent(qtbot, desk, services, world) -> None:  # type: ignore[no-untyped-def]
    build_day(services, world)
    _sign_in(services, UserRole.SERGEANT, world.officer)
    screen = _screen(qtbot, desk, [])
    # 1366 px at 150% is 910 logical pixels, less the navigation (170) and the margins.
    assert screen.minimumSizeHint().width() <= 910 - 170 - 20
    assert screen.whose.text() == "The team's work: Riverside SNT"
