"""A person who must not be contacted is marked on their record and wherever a contact is
chosen: the contact pane says why, the KIN member picker and list say "do not contact"."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import Qt

from pcso_desk.gui.screens.contacts import ContactsScreen
from tests.factories import utc
from tests.gui import real_input
from tests.gui.test_kins import (
    NAME,
    TODAY,
    click_member,
    network,
    open_dialog,
    open_network,
    show_screen,
)


def _withdrawn(services, name: str = "Wanda Withdrawn") -> str:  # type: ignore[no-untyped-def]
    return services.contacts.create(
        {
            "name": name,
            "postcode": "AL1 3AB",
            "email": "wanda.w@example.org",
            "preferred_method": "email",
            "preferred_times": "mornings",
            "lawful_basis": "consent",
            "consent_at": utc(2025, 6, 1, 10),
            "consent_withdrawn_at": utc(2026, 3, 3, 12),
        }
    ).created[0]


def test_the_contact_pane_says_do_not_contact_and_the_preferred_way(qtbot, desk, services) -> None:  # type: ignore[no-untyped-def]
    wanda = _withdrawn(services)
    ada = services.contacts.create({"name": "Ada Reachable", "preferred_method": "phone"})
    screen = ContactsScreen(desk)
    qtbot.addWidget(screen)
    screen.resize(1200, 700)
    screen.show()
    qtbot.waitExposed(screen)
    qtbot.waitUntil(lambda: screen.model.rowCount() == 2)
    real_input.click_row(qtbot, screen.table, lambda: screen.model.row_of(wanda))
    pane = screen.detail
    qtbot.waitUntil(lambda: pane.stop.isVisible())
    assert pane.stop.text() == "Do not contact: consent withdrawn 3 March 2026"
    assert "Prefers e-mail, mornings" in pane.facts.text()
    real_input.click_row(qtbot, screen.table, lambda: screen.model.row_of(ada.created[0]))
    qtbot.waitUntil(lambda: "Prefers phone" in pane.facts.text())
    assert not pane.stop.isVisible()


def test_the_kin_member_picker_and_list_mark_them(qtbot, desk, services, world) -> None:  # type: ignore[no-untyped-def]
    kin = network(services, world)
    wanda = _withdrawn(services)
    services["kin_members"].create(
        {"kin_id": kin, "contact_id": wanda, "joined_on": TODAY - timedelta(weeks=1)}
    )
    detail = open_network(qtbot, show_screen(qtbot, desk), kin, members=1)
    marked = "Wanda Withdrawn — do not contact"
    assert detail.members.index(0, NAME).data() == marked  # the members list

    click_member(qtbot, detail, marked)
    dialog = open_dialog(qtbot, detail, detail.member_edit_button)
    assert dialog.form.editors["contact_id"].input.currentText() == marked  # chosen already
    dialog.reject()

    dialog = open_dialog(qtbot, detail, detail.add_button)
    picker = dialog.form.editors["contact_id"].input
    real_input.type_text(picker, "Wanda")
    qtbot.waitUntil(lambda: picker.count() == 1 and picker.view().isVisible())
    assert picker.itemText(0) == "Wanda Withdrawn — AL1 3AB — do not contact"
    real_input.press_in_window(dialog, Qt.Key.Key_Escape)
