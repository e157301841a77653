"""A role is offered only what it may do: what it may not is disabled, saying who can, and
never asked about and then refused. Admin shows only the tabs the role can use."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QTabWidget, QWidget

from pcso_desk.domain.enums import UserRole
from pcso_desk.gui.screens.records import RecordScreen
from pcso_desk.gui.screens.registry import build_screen
from pcso_desk.services.protection import accounts
from tests.gui import real_input

PASSWORD = "a long enough passphrase"
# The screens with record lists (Today, Reports and Sync have none).
LIST_SCREENS = (
    "Contacts", "Engagements", "KINs", "Meetings", "Priorities", "Victim care", "Patrol log",
    "Messages", "Admin",
)  # fmt: skip


def _as(desk, role: UserRole) -> None:  # type: ignore[no-untyped-def]
    ctx = desk.services.ctx
    for each in UserRole:
        accounts.create_account(ctx, each.value, PASSWORD, each)
    accounts.sign_in(ctx, role.value, PASSWORD)


_HELD: list[QWidget] = []  # qtbot holds widgets weakly: the test keeps its screens alive


def _shown(qtbot, widget: QWidget) -> QWidget:  # type: ignore[no-untyped-def]
    qtbot.addWidget(widget)
    _HELD.append(widget)
    widget.resize(1300, 740)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def _record_screens(qtbot, desk, name: str) -> list[RecordScreen]:  # type: ignore[no-untyped-def]
    screen = _shown(qtbot, build_screen(name, desk))
    found = screen.findChildren(RecordScreen)
    return [screen, *found] if isinstance(screen, RecordScreen) else found


def _tab_titles(tabs: QTabWidget) -> list[str]:
    return [tabs.tabText(i) for i in range(tabs.count())]


def test_a_pcso_is_never_offered_delete_on_any_record_screen(  # type: ignore[no-untyped-def]
    qtbot, desk, answers, services
) -> None:
    services.contacts.create({"name": "Robin Example", "postcode": "AL1 1AA"})
    _as(desk, UserRole.PCSO)
    seen = 0
    for name in LIST_SCREENS:
        for screen in _record_screens(qtbot, desk, name):
            seen += 1
            assert not screen.delete_button.isEnabled(), screen.definition.title
            assert screen.delete_button.toolTip() == "Only a PC or a sergeant can delete records."
    assert seen >= 9
    contacts = _record_screens(qtbot, desk, "Contacts")[0]
    qtbot.waitUntil(lambda: contacts.model.rowCount() == 1, timeout=5000)
    real_input.click_row(qtbot, contacts.table, lambda: 0 if contacts.model.rowCount() else None)
    real_input.click(contacts.delete_button)
    contacts.delete_selected()  # even asked directly, it neither asks nor refuses
    assert answers.questions == [] and answers.messages == []
    assert services.contacts.count() == 1


def test_a_pc_is_offered_delete_and_asked_before_it_happens(qtbot, desk, answers, services) -> None:  # type: ignore[no-untyped-def]
    services.contacts.create({"name": "Robin Example", "postcode": "AL1 1AA"})
    _as(desk, UserRole.PC)
    contacts = _record_screens(qtbot, desk, "Contacts")[0]
    assert contacts.delete_button.isEnabled() and contacts.new_button.isEnabled()
    qtbot.waitUntil(lambda: contacts.model.rowCount() == 1, timeout=5000)
    real_input.click_row(qtbot, contacts.table, lambda: 0 if contacts.model.rowCount() else None)
    real_input.click(contacts.delete_button)
    assert len(answers.questions) == 1
    qtbot.waitUntil(lambda: services.contacts.count() == 0, timeout=5000)
    assert answers.messages == []


@pytest.mark.parametrize(
    ("role", "tabs"),
    [
        (UserRole.PCSO, ["Monthly crime counts"]),
        (UserRole.PC, ["Monthly crime counts"]),
        (
            UserRole.SERGEANT,
            ["Districts", "Neighbourhoods", "Wards", "Officers", "Ward attachments",
             "Police stations", "Councils", "LSOA to ward map", "Monthly crime counts",
             "Audit log", "Data protection"],
        ),
        (
            UserRole.ADMIN,
            ["Districts", "Neighbourhoods", "Wards", "Officers", "Ward attachments",
             "Police stations", "Councils", "LSOA to ward map", "Users", "Audit log",
             "Data protection"],
        ),
    ],
    ids=lambda v: v.value if isinstance(v, UserRole) else "",
)  # fmt: skip
def test_admin_shows_only_the_tabs_the_role_can_use(qtbot, desk, role, tabs) -> None:  # type: ignore[no-untyped-def]
    _as(desk, role)
    admin = _shown(qtbot, build_screen("Admin", desk))
    assert isinstance(admin, QTabWidget)
    assert _tab_titles(admin) == tabs


def test_a_pcso_cannot_choose_the_internal_pack_and_is_told_who_can(qtbot, desk) -> None:  # type: ignore[no-untyped-def]
    from pcso_desk.gui.screens.monthly import MonthlyPackPanel

    _as(desk, UserRole.PCSO)
    panel = _shown(qtbot, MonthlyPackPanel(desk))
    assert not panel.internal.isEnabled()
    assert panel.internal.toolTip() == "Only a sergeant can build internal monthly packs."
    real_input.click(panel.internal)
    assert not panel.internal.isChecked() and panel.build.isEnabled()
    _as_again(desk, UserRole.SERGEANT)
    sergeant = _shown(qtbot, MonthlyPackPanel(desk))
    assert sergeant.internal.isEnabled() and sergeant.internal.toolTip() == ""


def _as_again(desk, role: UserRole) -> None:  # type: ignore[no-untyped-def]
    accounts.sign_in(desk.services.ctx, role.value, PASSWORD)


def test_only_a_sergeant_is_offered_keep_this_on_a_sync_conflict(qtbot, desk) -> None:  # type: ignore[no-untyped-def]
    from pcso_desk.gui.screens.sync import SyncScreen

    _as(desk, UserRole.PCSO)
    screen = _shown(qtbot, SyncScreen(desk))
    for pane in screen.conflicts.sides.values():
        pane.show_side(_Side(), chosen=False, settled=False)  # an open conflict's side
        assert not pane.keep.isEnabled()
        assert pane.keep.toolTip() == "Only a sergeant can settle sync conflicts."
    assert not screen.peers.trust.isEnabled()
    assert screen.exchange.make.isEnabled()  # every role syncs
    _as_again(desk, UserRole.SERGEANT)
    sergeant = _shown(qtbot, SyncScreen(desk))
    for pane in sergeant.conflicts.sides.values():
        pane.show_side(_Side(), chosen=False, settled=False)
        assert pane.keep.isEnabled()


class _Side:
    text, who, when = "Fixed", "PCSO 1234", None


def test_data_protection_offers_an_admin_erasure_but_not_the_export(qtbot, desk) -> None:  # type: ignore[no-untyped-def]
    from pcso_desk.gui.screens.data_protection import DataProtectionTab

    _as(desk, UserRole.ADMIN)
    tab = _shown(qtbot, DataProtectionTab(desk))
    assert tab.erase_button.isEnabled() and tab.save_notes_button.isEnabled()
    assert not tab.export_button.isEnabled()
    assert tab.export_button.toolTip() == "Only a PC or a sergeant can export data."


def test_a_pcso_cannot_start_a_contacts_import_or_remove_a_meeting_ward(qtbot, desk) -> None:  # type: ignore[no-untyped-def]
    _as(desk, UserRole.PCSO)
    contacts = _record_screens(qtbot, desk, "Contacts")[0]
    assert not contacts.import_button.isEnabled()  # type: ignore[attr-defined]
    meetings = _shown(qtbot, build_screen("Meetings", desk))
    from pcso_desk.gui.screens.meetings import LinkList

    links = meetings.findChildren(LinkList)
    assert links
    for shown in links:
        shown.items.setCurrentRow(0)
        assert not shown.remove_button.isEnabled()
        assert shown.remove_button.toolTip() == "Only a PC or a sergeant can delete records."


@pytest.fixture(autouse=True)
def _release_screens() -> Iterator[None]:
    yield
    _HELD.clear()


def test_an_admin_may_read_a_contact_but_is_not_offered_save(qtbot, desk, services) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QDialogButtonBox

    from pcso_desk.gui.editor import RecordEditor
    from pcso_desk.gui.screens import definitions as d

    contact = services.contacts.create({"name": "Robin Example"}).created[0]
    _as(desk, UserRole.ADMIN)
    editor = RecordEditor(desk, "contacts", "Edit contact", d.CONTACTS.fields, contact)
    _shown(qtbot, editor)
    qtbot.waitUntil(lambda: editor.ready)
    assert editor.form.editors["name"].value() == "Robin Example"
    save = editor.buttons.button(QDialogButtonBox.StandardButton.Save)
    assert not save.isEnabled()
    assert save.toolTip() == "Only a PCSO, a PC or a sergeant can change records."
    editor.save()  # Enter in a field: nothing is sent, nothing refused
    qtbot.waitUntil(lambda: desk.runner.idle)
    assert editor.message.text() == "" and editor.isVisible()
