"""Which widget each navigation entry opens; screens are built on first visit (fast start)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QLabel, QTabWidget, QWidget

from pcso_desk.gui.desk import Desk
from pcso_desk.gui.screens import definitions as d
from pcso_desk.gui.screens.admin_security import audit_tab, users_tab
from pcso_desk.gui.screens.contacts import contacts_screen
from pcso_desk.gui.screens.data_protection import data_protection_tab
from pcso_desk.gui.screens.kins import kins_screen
from pcso_desk.gui.screens.meetings import meetings_screen
from pcso_desk.gui.screens.messages import messages_screen
from pcso_desk.gui.screens.monthly import monthly_pack_panel
from pcso_desk.gui.screens.patrol import patrol_screen
from pcso_desk.gui.screens.priorities import priorities_screen
from pcso_desk.gui.screens.records import RecordScreen
from pcso_desk.gui.screens.reports import reports_screen
from pcso_desk.gui.screens.sync import sync_screen
from pcso_desk.gui.screens.today import today_screen
from pcso_desk.gui.screens.victims import victims_screen

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
}


def _tabs(desk: Desk, name: str, pages: dict[str, d.ScreenDef]) -> QTabWidget:
    tabs = QTabWidget()
    tabs.setAccessibleName(name)
    for title, definition in pages.items():
        tabs.addTab(RecordScreen(desk, definition), title)
    return tabs


def _reports(desk: Desk) -> QWidget:
    screen = reports_screen(desk)
    screen.add_tab(monthly_pack_panel(desk), "Monthly update packs")
    return screen


def _admin(desk: Desk) -> QWidget:
    tabs = _tabs(desk, "Admin", {s.title: s for s in d.ADMIN.values()})
    tabs.addTab(users_tab(desk), "Users")
    tabs.addTab(audit_tab(desk), "Audit log")
    tabs.addTab(data_protection_tab(desk), "Data protection")
    return tabs


FACTORIES: dict[str, Callable[[Desk], QWidget]] = {
    "Today": lambda desk: today_screen(desk, desk.window.open_record),
    "Contacts": contacts_screen,
    "Engagements": lambda desk: RecordScreen(desk, d.ENGAGEMENTS),
    "KINs": kins_screen,
    "Meetings": meetings_screen,
    "Priorities": priorities_screen,
    "Victim care": victims_screen,
    "Patrol log": patrol_screen,
    "Messages": messages_screen,
    "Reports": _reports,
    "Sync": sync_screen,
    "Admin": _admin,
}


def build_screen(name: str, desk: Desk) -> QWidget:
    factory = FACTORIES.get(name)
    if factory is None:
        label = QLabel(f"<h2>{name}</h2>")
        label.setAccessibleName(name)
        return label
    return factory(desk)
