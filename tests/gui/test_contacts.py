"""Contacts: a likely duplicate is caught before saving; merges can be undone."""

from __future__ import annotations

import threading

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QPushButton

from pcso_desk.gui.merge_dialog import MergeDialog
from pcso_desk.gui.screens.contacts import ContactEditor, ContactsScreen
from pcso_desk.services.records.service import ListQuery
from tests.gui import real_input


def _screen(qtbot, desk):  # type: ignore[no-untyped-def]
    screen = ContactsScreen(desk)
    qtbot.addWidget(screen)
    screen.resize(1200, 700)
    screen.show()
    qtbot.waitExposed(screen)
    return screen


def _new_editor(qtbot, screen) -> ContactEditor:  # type: ignore[no-untyped-def]
    """Click "New contact" and wait for its editor."""
    real_input.click(screen.new_button)
    [editor] = [e for e in screen.findChildren(ContactEditor) if e.isVisible()]
    qtbot.waitExposed(editor)
    qtbot.waitUntil(lambda: editor.ready)
    return editor


def _type_new_contact(qtbot, screen, name, postcode, **more):  # type: ignore[no-untyped-def]
    """Type a new contact, then click Save (which checks for a likely duplicate first)."""
    editor = _new_editor(qtbot, screen)
    for key, text in {"name": name, "postcode": postcode, **more}.items():
        real_input.type_text(editor.form.editors[key].input, text)
    real_input.click(editor.buttons.button(QDialogButtonBox.StandardButton.Save))
    return editor


def _names(services):  # type: ignore[no-untyped-def]
    return sorted(r["name"] for r in services.contacts.page(ListQuery()).rows)


def _merge_dialog(qtbot, parent) -> MergeDialog:  # type: ignore[no-untyped-def]
    """The merge dialog `parent` opened (once both versions have been read)."""
    shown = lambda: [d for d in parent.findChildren(MergeDialog) if d.isVisible()]  # noqa: E731
    qtbot.waitUntil(lambda: bool(shown()))
    [dialog] = shown()
    qtbot.waitExposed(dialog)
    return dialog


def test_new_contact_like_an_existing_one_is_warned_then_saved_anyway(
    qtbot, desk, services
) -> None:  # type: ignore[no-untyped-def]
    services.contacts.create({"name": "Morgan Milne", "postcode": "AL1 3AB"})
    screen = _screen(qtbot, desk)
    editor = _type_new_contact(qtbot, screen, "Morgan Miln", "al1 3ab")
    qtbot.waitUntil(lambda: editor.warning.isVisible())
    assert "Morgan Milne (AL1 3AB)" in editor.warning_text.text()
    assert "same postcode" in editor.warning_text.text()
    assert _names(services) == ["Morgan Milne"]  # nothing saved while the warning stands
    real_input.click(editor.anyway_button)
    qtbot.waitUntil(lambda: len(_names(services)) == 2)
    assert _names(services) == ["Morgan Miln", "Morgan Milne"]


def test_no_warning_for_a_different_person(qtbot, desk, services) -> None:  # type: ignore[no-untyped-def]
    services.contacts.create({"name": "Morgan Milne", "postcode": "AL1 3AB"})
    screen = _screen(qtbot, desk)
    editor = _type_new_contact(qtbot, screen, "Priya Patel", "AL1 3AB")
    qtbot.waitUntil(lambda: len(_names(services)) == 2)
    assert not editor.warning.isVisible()


def test_merge_from_the_warning_then_undo_from_the_detail_pane(qtbot, desk, services) -> None:  # type: ignore[no-untyped-def]
    existing = services.contacts.create({"name": "Morgan Milne", "postcode": "AL1 3AB"}).created[0]
    screen = _screen(qtbot, desk)
    # Typed before Save: the warning, once it shows, takes the focus to its first button.
    editor = _type_new_contact(qtbot, screen, "Morgan Milne", "AL1 3AB", email="morgan@example.com")
    qtbot.waitUntil(lambda: editor.warning.isVisible())
    real_input.click(editor.merge_button)
    real_input.click(_merge_dialog(qtbot, editor).merge_button)
    qtbot.waitUntil(lambda: screen.detail.undo_button.isEnabled())
    assert _names(services) == ["Morgan Milne"]
    assert services.contacts.get(existing)["email"] == "morgan@example.com"
    real_input.click(screen.detail.undo_button)
    qtbot.waitUntil(lambda: len(_names(services)) == 2)
    assert services.contacts.get(existing)["email"] == ""
    # The store has the undo before the pane hears back from the worker: wait for that too.
    qtbot.waitUntil(lambda: "undone" in screen.detail.status.text())
    assert "undone" in screen.detail.status.text()


def test_detail_pane_lists_duplicates_and_merges_the_chosen_one(
    qtbot, desk, services, answers
) -> None:  # type: ignore[no-untyped-def]
    keep = services.contacts.create({"name": "Jo Jones", "phone": "01632 960111"}).created[0]
    services.contacts.create({"name": "Joanne Jones", "phone": "01632960111"})
    screen = _screen(qtbot, desk)
    qtbot.waitUntil(lambda: screen.model.rowCount() == 2)
    real_input.click_row(qtbot, screen.table, lambda: screen.model.row_of(keep))
    qtbot.waitUntil(lambda: screen.detail.duplicates.count() == 1)
    assert "Joanne Jones" in screen.detail.duplicates.item(0).text()
    real_input.click_cell(screen.detail.duplicates, screen.detail.duplicates.item(0))
    real_input.click(screen.detail.merge_button)
    real_input.click(_merge_dialog(qtbot, screen.detail).merge_button)
    qtbot.waitUntil(lambda: _names(services) == ["Jo Jones"])
    qtbot.waitUntil(screen.detail.undo_button.isEnabled)  # the pane offers the undo


def test_merge_into_existing_shows_both_addresses_and_keeps_the_typed_one(
    qtbot, desk, services
) -> None:  # type: ignore[no-untyped-def]
    """The address typed in the form was once dropped by "Merge into existing"."""
    existing = services.contacts.create(
        {"name": "Morgan Milne", "postcode": "AL1 3AB", "address": "1 Old Road"}
    ).created[0]
    screen = _screen(qtbot, desk)
    editor = _type_new_contact(qtbot, screen, "Morgan Milne", "al1 3ab", address="2 New Street")
    qtbot.waitUntil(lambda: editor.warning.isVisible())
    real_input.click(editor.merge_button)
    dialog = _merge_dialog(qtbot, editor)
    kept, typed = dialog.choices["address"]
    assert (kept.text(), typed.text()) == ("1 Old Road", "2 New Street")
    assert typed.isChecked() and not kept.isChecked()  # what was typed starts chosen
    assert "postcode" not in dialog.choices  # the same once cleaned: nothing to choose
    assert _names(services) == ["Morgan Milne"]  # nothing saved while the dialog is open
    room = dialog.screen().availableGeometry()
    assert dialog.frameGeometry().width() <= room.width()
    assert dialog.frameGeometry().height() <= room.height()
    real_input.press(typed, Qt.Key.Key_Left)  # the keyboard moves the choice...
    assert kept.isChecked() and not typed.isChecked()
    real_input.press(kept, Qt.Key.Key_Right)  # ...and back
    assert typed.isChecked() and not kept.isChecked()
    real_input.click(dialog.merge_button)
    qtbot.waitUntil(lambda: screen.detail.undo_button.isEnabled())
    assert _names(services) == ["Morgan Milne"]
    assert services.contacts.get(existing)["address"] == "2 New Street"


def test_cancelling_the_merge_dialog_saves_nothing_and_keeps_the_form(
    qtbot, desk, services
) -> None:  # type: ignore[no-untyped-def]
    services.contacts.create(
        {"name": "Morgan Milne", "postcode": "AL1 3AB", "phone": "01632 960001"}
    )
    screen = _screen(qtbot, desk)
    editor = _type_new_contact(qtbot, screen, "Morgan Milne", "AL1 3AB", phone="01632 960002")
    qtbot.waitUntil(lambda: editor.warning.isVisible())
    real_input.click(editor.merge_button)
    dialog = _merge_dialog(qtbot, editor)
    real_input.click(dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel))
    qtbot.waitUntil(lambda: not editor.findChildren(MergeDialog))  # closed and gone
    assert editor.isVisible() and editor.form.editors["phone"].input.text() == "01632 960002"
    assert services.contacts.count() == 1
    real_input.click(editor.merge_button)  # and it can be opened again
    real_input.click(editor.merge_button)  # (a second click does not open a second one)
    _merge_dialog(qtbot, editor)
    qtbot.waitUntil(lambda: desk.runner.idle)
    assert len(editor.findChildren(MergeDialog)) == 1


def test_the_pane_merge_keeps_this_contacts_values_unless_the_duplicates_are_chosen(
    qtbot, desk, services
) -> None:  # type: ignore[no-untyped-def]
    keep = services.contacts.create(
        {"name": "Jo Jones", "phone": "01632 960111", "address": "1 Old Road", "tags": "kin"}
    ).created[0]
    services.contacts.create(
        {
            "name": "Jo Jones",
            "phone": "01632960111",
            "address": "2 New Street",
            "tags": "nhw",
            "email": "jo@example.com",
        }
    )
    screen = _screen(qtbot, desk)
    real_input.click_row(qtbot, screen.table, lambda: screen.model.row_of(keep))
    qtbot.waitUntil(lambda: screen.detail.duplicates.count() == 1)
    real_input.click_cell(screen.detail.duplicates, screen.detail.duplicates.item(0))
    real_input.click(screen.detail.merge_button)
    dialog = _merge_dialog(qtbot, screen.detail)
    mine, theirs = dialog.choices["address"]
    assert mine.isChecked() and not theirs.isChecked()  # this contact's value starts chosen
    assert set(dialog.choices) == {"address"}  # the phone is the same once cleaned
    real_input.click(theirs)  # the person prefers the duplicate's address
    real_input.click(dialog.merge_button)
    qtbot.waitUntil(lambda: _names(services) == ["Jo Jones"])
    kept = services.contacts.get(keep)
    assert kept["address"] == "2 New Street" and kept["email"] == "jo@example.com"
    assert kept["tags"] == ["kin", "nhw"]


def _csv(tmp_path, rows):  # type: ignore[no-untyped-def]
    path = tmp_path / "contacts.csv"
    letters = "BDEFGHJLNPQRSTUWXYZ"
    lines = ["Name,Postcode,Phone"] + [  # distinct postcodes: no row looks like another
        f"Person {i:05d},AL{1 + i % 9} {i % 10}{letters[i // 10 % 19]}{letters[i // 190 % 19]},"
        for i in range(rows)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def test_import_csv_from_the_screen_reports_and_refreshes(
    qtbot, desk, services, answers, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    desk.choose = lambda *_a: _csv(tmp_path, 3)
    screen = _screen(qtbot, desk)
    real_input.click(screen.import_button)
    qtbot.waitUntil(lambda: bool(answers.messages) and "3 added" in answers.messages[-1])
    qtbot.waitUntil(lambda: screen.model.rowCount() == 3)
    assert services.contacts.count() == 3


def test_cancelling_an_import_changes_nothing(
    qtbot, desk, services, answers, tmp_path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    services.contacts.create({"name": "Already Here"})
    desk.choose = lambda *_a: _csv(tmp_path, 3000)
    importing = services.import_contacts
    reached = threading.Event()

    def held(path, progress):  # type: ignore[no-untyped-def]
        def report(stage: str, done: int, total: int) -> None:
            reached.wait(10)  # the rows wait until the user has reached for Cancel
            progress(stage, done, total)

        return importing(path, progress=report)

    monkeypatch.setattr(services, "import_contacts", held)
    screen = _screen(qtbot, desk)
    real_input.click(screen.import_button)
    dialog = screen._import.dialog
    qtbot.waitUntil(dialog.isVisible, timeout=5000)  # shown once the work takes a while
    [cancel] = [b for b in dialog.findChildren(QPushButton) if b.text() == "Cancel"]
    real_input.click(cancel)  # the user presses Cancel while the rows are checked
    reached.set()
    qtbot.waitUntil(lambda: bool(answers.messages) and "cancelled" in answers.messages[-1])
    assert services.contacts.count() == 1


def test_the_contact_form_shows_every_declared_field(qtbot, desk) -> None:  # type: ignore[no-untyped-def]
    """The form is built from the contact declaration (domain/kinds): a field added there
    appears here, labelled as declared."""
    from pcso_desk.domain.kinds import CONTACTS

    editor = _new_editor(qtbot, _screen(qtbot, desk))
    assert list(editor.form.editors) == [f.key for f in CONTACTS.fields]
    for f in CONTACTS.fields:
        assert editor.form.editors[f.key].input.isVisible(), f.key
