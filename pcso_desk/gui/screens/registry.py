"""Which widget each navigation entry opens; screens are built on first visit (fast start)."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QLabel, QTabWidget, QWidget

from pcso_desk.gui.desk import Desk

if TYPE_CHECKING:
    from pcso_desk.gui.screens.records import ScreenDef

SCREENS = (
    "Today",
    "Contacts",
    "Engagements",
    "KINs",
    "Meetings",
    "Priorities",
    "Victim care",
    "Patrol log",
    "Messages",
    "What people raised",
    "Scorecard",
    "Intelligence",
    "Reports",
    "Sync",
    "Admin",
)

# Where a record of each service kind is shown (Today and search open records through this).
SCREEN_OF_KIND = {
    "contacts": "Contacts",
    "engagements": "Engagements",
    "kins": "KINs",
    "kin_members": "KINs",
    "meetings": "Meetings",
    "priorities": "Priorities",
    "victim_cases": "Victim care",
    "patrol_sessions": "Patrol log",
    "messages": "Messages",
    "scorecard": "Scorecard",  # Today's "Pledge items at risk" lines: 'neighbourhood:Name'
    "intelligence_reports": "Intelligence",
}


def _factory(where: str) -> Callable[[Desk], QWidget]:
    """'module:function' under gui.screens, imported on first visit: the app starts without
    loading the screens (and the reports, spreadsheets and sync code behind them) it may never
    show in a session."""
    module, name = where.split(":")

    def build(desk: Desk) -> QWidget:
        found: Callable[[Desk], QWidget] = getattr(
            importlib.import_module(f"pcso_desk.gui.screens.{module}"), name
        )
        return found(desk)

    return build


def _tabs(desk: Desk, name: str, pages: dict[str, ScreenDef]) -> QTabWidget:
    from pcso_desk.gui.screens.records import RecordScreen

    tabs = QTabWidget()
    tabs.setAccessibleName(name)
    for title, definition in pages.items():
        tabs.addTab(RecordScreen(desk, definition), title)
    return tabs


def _today(desk: Desk) -> QWidget:
    from pcso_desk.gui.screens.today import today_screen

    assert desk.window is not None  # the main window builds its screens
    return today_screen(desk, desk.window.open_record)


def _reports(desk: Desk) -> QWidget:
    from pcso_desk.gui.screens.monthly import monthly_pack_panel
    from pcso_desk.gui.screens.reports import reports_screen

    screen = reports_screen(desk)
    screen.add_tab(monthly_pack_panel(desk), "Monthly update packs")
    from pcso_desk.gui.screens.crime_data import crime_data_panel

    screen.add_tab(crime_data_panel(desk), "Crime data")
    return screen


def _admin(desk: Desk) -> QWidget:
    from pcso_desk.domain.permissions import Action
    from pcso_desk.gui.screens import definitions as d
    from pcso_desk.gui.screens.admin_security import audit_tab, users_tab
    from pcso_desk.gui.screens.data_protection import data_protection_tab
    from pcso_desk.gui.screens.records import RecordScreen
    from pcso_desk.gui.screens.team_photo import add_photo_button

    # Only the tabs the role can use: a table the role may change (reading the team's
    # organisation is everyone's, in the lists that name it), the accounts, the log, the
    # data protection duties.
    services = desk.services
    usable = {s.title: s for s in d.ADMIN.values() if services.may(Action.CHANGE, s.kind)}
    tabs = _tabs(desk, "Admin", usable)
    for index in range(tabs.count()):
        page = tabs.widget(index)
        if isinstance(page, RecordScreen) and page.definition.kind == "neighbourhoods":
            add_photo_button(desk, page)
    if services.may(Action.MANAGE_USERS):
        tabs.addTab(users_tab(desk), "Users")
    if services.may(Action.READ_AUDIT):
        tabs.addTab(audit_tab(desk), "Audit log")
    if services.may(Action.REVIEW) or services.may(Action.ERASE):
        tabs.addTab(data_protection_tab(desk), "Data protection")
    if not tabs.count():
        tabs.addTab(
            QLabel("Nothing here is for this account: ask a sergeant or an admin."), "Admin"
        )
    return tabs


FACTORIES: dict[str, Callable[[Desk], QWidget]] = {
    "Today": _today,
    "Contacts": _factory("contacts:contacts_screen"),
    "Engagements": _factory("engagements:engagements_screen"),
    "KINs": _factory("kins:kins_screen"),
    "Meetings": _factory("meetings:meetings_screen"),
    "Priorities": _factory("priorities:priorities_screen"),
    "Victim care": _factory("victims:victims_screen"),
    "Patrol log": _factory("patrol:patrol_screen"),
    "Messages": _factory("messages:messages_screen"),
    "What people raised": _factory("raised:raised_screen"),
    "Scorecard": _factory("scorecard:scorecard_screen"),
    "Intelligence": _factory("intelligence:intelligence_screen"),
    "Reports": _reports,
    "Sync": _factory("sync:sync_screen"),
    "Admin": _admin,
}


def build_screen(name: str, desk: Desk) -> QWidget:
    factory = FACTORIES.get(name)
    if factory is None:
        label = QLabel(f"<h2>{name}</h2>")
        label.setAccessibleName(name)
        return label
    return factory(desk)
