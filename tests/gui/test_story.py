"""A person's whole story on screen: the contact pane's timeline, an engagement with several
contacts (editor and list), and the quick log's contact: never dropped, consent warned."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from pcso_desk.gui.quick_log import QuickLogDialog
from pcso_desk.gui.screens.contacts import ContactsScreen
from pcso_desk.gui.screens.engagements import EngagementEditor, EngagementsScreen
from pcso_desk.services.records.service import ListQuery
from tests.factories import utc
from tests.gui import real_input

NOW = utc(2026, 3, 10, 12)
# Set to a folder to keep the screens this file draws (to look at them).
SHOTS = os.environ.get("PCSO_TEST_SHOTS")


def _shot(widget, name: str) -> None:  # type: ignore[no-untyped-def]
    if SHOTS:
        widget.grab().save(str(Path(SHOTS) / f"{name}.png"))


def _show(qtbot, widget):  # type: ignore[no-untyped-def]
    qtbot.addWidget(widget)
    widget.resize(1200, 700)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def _story_world(services, world) -> dict[str, str]:  # type: ignore[no-untyped-def]
    robin = services.contacts.create({"name": "Robin Sample", "postcode": "AL1 3EX"}).created[0]
    services.today.log_engagement(
        {
            "occurred_at": utc(2026, 3, 9, 10),
            "channel": "patrol",
            "ward_id": world.ward,
            "summary": "Asked about parking on Mill Lane.",
        },
        [robin],
    )
    kin = services["kins"].create({"name": "High St KIN", "neighbourhood_id": world.neighbourhood})
    member = services["kin_members"].create(
        {"kin_id": kin.created[0], "contact_id": robin, "joined_on": date(2026, 1, 5)}
    )
    services.kins.check_in(
        member.created[0], {"checked_on": date(2026, 3, 2), "method": "phone", "safety_score": 4}
    )
    services["messages"].create(
        {
            "received_at": utc(2026, 3, 4, 9),
            "channel": "email",
            "subject": "Bins left on the pavement",
            "kind": "request",
            "contact_id": robin,
            "neighbourhood_id": world.neighbourhood,
        }
    )
    case = services["victim_cases"].create(
        {
            "victim_id": robin,
            "crime_reference": "41 12345 26",
            "offence_type": "Burglary",
            "opened_at": utc(2026, 2, 20, 10),
        }
    )
    return {"robin": robin, "case": case.created[0]}


def test_the_contact_pane_shows_their_story_and_enter_opens_an_item(
    qtbot, desk, services, world
) -> None:  # type: ignore[no-untyped-def]
    made = _story_world(services, world)
    opened: list[tuple[str, str]] = []

    class Window:  # stands in for the main window's navigation
        def open_record(self, kind: str, record_id: str) -> None:
            opened.append((kind, record_id))

    desk.window = Window()
    screen = _show(qtbot, ContactsScreen(desk))
    qtbot.waitUntil(lambda: screen.model.rowCount() == 1)
    real_input.click_row(qtbot, screen.table, lambda: screen.model.row_of(made["robin"]))
    story = screen.detail.story
    qtbot.waitUntil(lambda: story.count() == 5)
    lines = [story.item(i).text() for i in range(story.count())]
    assert lines == [
        "9 Mar 2026 · Engagement · Patrol — Asked about parking on Mill Lane.",
        "4 Mar 2026 · Message · Request — Bins left on the pavement",
        "2 Mar 2026 · KIN check-in · High St KIN — Phone — feels safe 4/5",
        "20 Feb 2026 · Victim case · Burglary — 41/12345/26 — Open",
        "5 Jan 2026 · KIN member · Joined High St KIN",
    ]
    _shot(screen, "contact-pane-story")
    real_input.click_cell(story, story.item(3))
    real_input.press(story, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: opened == [("victim_cases", made["case"])])


def _new_engagement_editor(qtbot, screen) -> EngagementEditor:  # type: ignore[no-untyped-def]
    real_input.click(screen.new_button)
    shown = lambda: [e for e in screen.findChildren(EngagementEditor) if e.isVisible()]  # noqa: E731
    qtbot.waitUntil(lambda: len(shown()) == 1)
    [editor] = shown()
    qtbot.waitExposed(editor)
    qtbot.waitUntil(lambda: editor.ready)
    return editor


def _pick(qtbot, editor, typed: str) -> None:  # type: ignore[no-untyped-def]
    """Type part of a name in the Contacts box, then Down and Enter on the match."""
    picker = editor.contacts.picker
    before = editor.contacts.chosen.count()
    real_input.type_text(picker, typed)
    qtbot.waitUntil(lambda: picker.view().isVisible())
    real_input.press_in_window(editor, Qt.Key.Key_Down)
    real_input.press_in_window(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: editor.contacts.chosen.count() == before + 1)


def test_the_engagement_editor_saves_two_contacts_and_the_list_shows_them(
    qtbot, desk, services, world
) -> None:  # type: ignore[no-untyped-def]
    pat = services.contacts.create({"name": "Pat Patrolled", "postcode": "AL1 3EX"}).created[0]
    sam = services.contacts.create({"name": "Sam Shopkeeper", "postcode": "AL1 3EY"}).created[0]
    screen = _show(qtbot, EngagementsScreen(desk))
    editor = _new_engagement_editor(qtbot, screen)
    real_input.type_text(editor.form.editors["occurred_at"].input, "2026-03-10 11:30")
    real_input.type_text(editor.form.editors["summary"].input, "Met both about the bins.")
    real_input.choose(editor.form.editors["channel"].input, "Face to face")
    _pick(qtbot, editor, "Patrolled")
    _pick(qtbot, editor, "Shopkeeper")
    _shot(editor, "engagement-editor-contacts")
    real_input.click(editor.buttons.button(QDialogButtonBox.StandardButton.Save))
    qtbot.waitUntil(lambda: services.engagements.count() == 1)
    [row] = services.engagements.page(ListQuery()).rows
    assert row["contact_ids"] == [pat, sam]
    column = [c.header for c in screen.definition.columns].index("Contact")
    qtbot.waitUntil(lambda: screen.model.rowCount() == 1)
    shown = lambda: screen.model.data(screen.model.index(0, column))  # noqa: E731
    qtbot.waitUntil(lambda: shown() == "Pat Patrolled +1")
    _shot(screen, "engagement-list-contact-column")


def test_the_engagement_editor_refuses_a_name_typed_but_not_picked(
    qtbot, desk, services, world
) -> None:  # type: ignore[no-untyped-def]
    screen = _show(qtbot, EngagementsScreen(desk))
    editor = _new_engagement_editor(qtbot, screen)
    real_input.type_text(editor.form.editors["occurred_at"].input, "2026-03-10 11:30")
    real_input.type_text(editor.form.editors["summary"].input, "Spoke to a passer-by.")
    real_input.type_text(editor.contacts.picker, "Nobody Known")
    real_input.click(editor.buttons.button(QDialogButtonBox.StandardButton.Save))
    qtbot.waitUntil(lambda: "'Nobody Known' is not picked" in editor.message.text())
    assert services.engagements.count() == 0 and editor.isVisible()


def _quick_log(qtbot, desk) -> QuickLogDialog:  # type: ignore[no-untyped-def]
    dialog = QuickLogDialog(desk, now=lambda: NOW)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: dialog.ward.count() == 2)
    return dialog


def test_quick_log_does_not_drop_a_name_typed_but_not_picked(qtbot, desk, services, world) -> None:  # type: ignore[no-untyped-def]
    dialog = _quick_log(qtbot, desk)
    real_input.type_in_window(dialog, "Central")
    real_input.press_in_window(dialog, Qt.Key.Key_Tab)  # closes the ward's completions
    real_input.type_text(dialog.contact, "Nobody Known")
    real_input.type_text(dialog.summary, "Spoke to a passer-by about parking.")
    real_input.press_in_window(dialog, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: "'Nobody Known' is not picked" in dialog.status.text())
    assert services.engagements.count() == 0
    # Cleared, it logs without a contact.
    real_input.clear(dialog.contact)
    real_input.press_in_window(dialog, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: dialog.status.text().startswith("Logged"))
    assert services.engagements.count() == 1
    assert services["engagement_contacts"].count(ListQuery()) == 0


def _withdrawn(services) -> str:  # type: ignore[no-untyped-def]
    return str(
        services.contacts.create(
            {
                "name": "Wren Withdrawn",
                "postcode": "AL1 3EZ",
                "lawful_basis": "consent",
                "consent_at": utc(2025, 1, 6, 10),
                "consent_withdrawn_at": utc(2026, 3, 3, 10),
            }
        ).created[0]
    )


def _log_with(qtbot, dialog, typed: str) -> None:  # type: ignore[no-untyped-def]
    real_input.type_in_window(dialog, "Central")
    real_input.press_in_window(dialog, Qt.Key.Key_Tab)  # closes the ward's completions
    real_input.type_text(dialog.contact, typed)
    qtbot.waitUntil(lambda: dialog.contact.view().isVisible())
    real_input.press_in_window(dialog, Qt.Key.Key_Down)
    real_input.press_in_window(dialog, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.contact.value() is not None)
    real_input.type_text(dialog.summary, "She stopped me to report a broken light.")
    real_input.press_in_window(dialog, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)


def test_quick_log_warns_before_logging_a_contact_whose_consent_is_withdrawn(
    qtbot, desk, services, world, answers
) -> None:  # type: ignore[no-untyped-def]
    wren = _withdrawn(services)
    answers.yes = False  # first: the officer reads the warning and does not log
    dialog = _quick_log(qtbot, desk)
    _log_with(qtbot, dialog, "Withdrawn")
    warning = "Wren Withdrawn must not be contacted: consent withdrawn 3 March 2026."
    qtbot.waitUntil(lambda: bool(answers.questions))
    assert answers.questions == [f"{warning} Log this engagement with them anyway?"]
    assert dialog.status.text() == warning
    _shot(dialog, "quick-log-consent-warning")
    assert services.engagements.count() == 0 and dialog.log_button.isEnabled()
    answers.yes = True  # then: an approach by the person is still worth recording
    real_input.press_in_window(dialog, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: dialog.status.text().startswith("Logged"))
    links = services["engagement_contacts"].page(ListQuery()).rows
    assert [r["contact_id"] for r in links] == [wren]
    assert len(answers.questions) == 2


def test_quick_log_asks_nothing_for_a_contact_who_may_be_contacted(
    qtbot, desk, services, world, answers
) -> None:  # type: ignore[no-untyped-def]
    pat = services.contacts.create({"name": "Pat Patrolled", "postcode": "AL1 3EX"}).created[0]
    dialog = _quick_log(qtbot, desk)
    _log_with(qtbot, dialog, "Patrolled")
    qtbot.waitUntil(lambda: dialog.status.text().startswith("Logged"))
    assert answers.questions == []
    links = services["engagement_contacts"].page(ListQuery()).rows
    assert [r["contact_id"] for r in links] == [pat]


def test_the_contacts_chosen_in_the_engagement_editor_survive_a_crash(
    qtbot, desk, services, world, answers
) -> None:  # type: ignore[no-untyped-def]
    pat = services.contacts.create({"name": "Pat Patrolled", "postcode": "AL1 3EX"}).created[0]
    screen = _show(qtbot, EngagementsScreen(desk))
    first = _new_engagement_editor(qtbot, screen)
    _pick(qtbot, first, "Patrolled")
    real_input.type_text(first.form.editors["summary"].input, "Half-typed")
    qtbot.waitUntil(lambda: (desk.drafts.load(first.draft_key) or {}).get("contact_ids") == [pat])
    first.hide()  # as if the app had died: no Cancel, so the draft stays
    second = _new_engagement_editor(qtbot, screen)
    qtbot.waitUntil(lambda: second.contacts.ids() == [pat])
    assert second.contacts.names() == ["Pat Patrolled — AL1 3EX"]
    assert answers.questions == ["You have unsaved changes from earlier. Restore them?"]
