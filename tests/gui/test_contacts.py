"""Contacts: a likely duplicate is caught before saving; merges can be undone."""

from __future__ import annotations

from PySide6.QtCore import Qt

from pcso_desk.gui.screens.contacts import ContactsScreen
from pcso_desk.services.records import ListQuery


def _screen(qtbot, desk):  # type: ignore[no-untyped-def]
    screen = ContactsScreen(desk)
    qtbot.addWidget(screen)
    screen.show()
    return screen


def _type_new_contact(qtbot, screen, name, postcode):  # type: ignore[no-untyped-def]
    editor = screen.open_record(None)
    qtbot.waitUntil(lambda: editor.ready)
    qtbot.keyClicks(editor.form.editors["name"].input, name)
    qtbot.keyClicks(editor.form.editors["postcode"].input, postcode)
    editor.save()
    return editor


def _names(services):  # type: ignore[no-untyped-def]
    return sorted(r["name"] for r in services.contacts.page(ListQuery()).rows)


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
    qtbot.mouseClick(editor.anyway_button, Qt.MouseButton.LeftButton)
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
    editor = _type_new_contact(qtbot, screen, "Morgan Milne", "AL1 3AB")
    qtbot.keyClicks(editor.form.editors["email"].input, "morgan@example.com")
    qtbot.waitUntil(lambda: editor.warning.isVisible())
    qtbot.mouseClick(editor.merge_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: screen.detail.undo_button.isEnabled())
    assert _names(services) == ["Morgan Milne"]
    assert services.contacts.get(existing)["email"] == "morgan@example.com"
    qtbot.mouseClick(screen.detail.undo_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(_names(services)) == 2)
    assert services.contacts.get(existing)["email"] == ""
    assert "undone" in screen.detail.status.text()


def test_detail_pane_lists_duplicates_and_merges_the_chosen_one(
    qtbot, desk, services, answers
) -> None:  # type: ignore[no-untyped-def]
    keep = services.contacts.create({"name": "Jo Jones", "phone": "01632 960111"}).created[0]
    services.contacts.create({"name": "Joanne Jones", "phone": "01632960111"})
    screen = _screen(qtbot, desk)
    qtbot.waitUntil(lambda: screen.model.rowCount() == 2)
    screen.select_record(keep)
    qtbot.waitUntil(lambda: screen.detail.duplicates.count() == 1)
    assert "Joanne Jones" in screen.detail.duplicates.item(0).text()
    screen.detail.duplicates.setCurrentRow(0)
    qtbot.mouseClick(screen.detail.merge_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: _names(services) == ["Jo Jones"])
    qtbot.waitUntil(screen.detail.undo_button.isEnabled)  # the pane offers the undo
    assert answers.questions and "undo" in answers.questions[-1]


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
    qtbot.mouseClick(screen.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(answers.messages) and "3 added" in answers.messages[-1])
    qtbot.waitUntil(lambda: screen.model.rowCount() == 3)
    assert services.contacts.count() == 3


def test_cancelling_an_import_changes_nothing(qtbot, desk, services, answers, tmp_path) -> None:  # type: ignore[no-untyped-def]
    services.contacts.create({"name": "Already Here"})
    desk.choose = lambda *_a: _csv(tmp_path, 3000)
    screen = _screen(qtbot, desk)
    screen.import_csv()
    screen._import.token.cancel()  # the user presses Cancel while the rows are checked
    qtbot.waitUntil(lambda: bool(answers.messages) and "cancelled" in answers.messages[-1])
    assert services.contacts.count() == 1
